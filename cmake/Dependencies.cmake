# All dependencies are Debian packages installed by scripts/setup.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(OpenSSL 3.0 REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(fmt REQUIRED)
find_package(GTest REQUIRED)
find_package(benchmark REQUIRED)

pkg_check_modules(LIBUV REQUIRED IMPORTED_TARGET libuv)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)

# http-parser ships no .pc file on Debian 12: find header and library directly.
find_path(HTTP_PARSER_INCLUDE_DIR http_parser.h REQUIRED)
find_library(HTTP_PARSER_LIBRARY http_parser REQUIRED)
add_library(http_parser::http_parser UNKNOWN IMPORTED)
set_target_properties(http_parser::http_parser PROPERTIES
  IMPORTED_LOCATION ${HTTP_PARSER_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES ${HTTP_PARSER_INCLUDE_DIR})

# slowfast-server's malloc (servers/delay/malloc_name.h says why). Sanitizer builds keep
# the system's: ASan and TSan bring their own.
option(SLOWFAST_MIMALLOC "Link slowfast-server with mimalloc" ON)
if(SLOWFAST_MIMALLOC AND SLOWFAST_SANITIZE STREQUAL "")
  find_package(mimalloc 2.0 REQUIRED CONFIG)
  set(SLOWFAST_SERVER_MIMALLOC ON)
else()
  set(SLOWFAST_SERVER_MIMALLOC OFF)
endif()
