# Warnings and sanitizers, applied to every target of the project through one
# interface library so that third-party headers keep their own flags.
add_library(slowfast_flags INTERFACE)
target_compile_options(slowfast_flags INTERFACE -Wall -Wextra -Wpedantic)
if(SLOWFAST_WERROR)
  target_compile_options(slowfast_flags INTERFACE -Werror)
endif()
if(SLOWFAST_SANITIZE)
  target_compile_options(slowfast_flags INTERFACE
    -fsanitize=${SLOWFAST_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(slowfast_flags INTERFACE -fsanitize=${SLOWFAST_SANITIZE})
endif()
