# The one recipe every exercise's three-line CMakeLists.txt calls.
#
# slowfast_exercise(<id> <module> <version> <sources>...)
#   The attendee's module for exercise <id> (e1, e2, ...): a module file
#   <module>-<version>.so in build/exercises/<id>/modules/, built against the module SDK
#   (and BlockingTlsSocket, which a shim subclasses) with the project's warnings.
#   Called from labs/exercises/solutions/<folder>/, the same line builds the reference
#   solution into build/exercises/<id>-solution/modules/.
#   Target exercise_<id> (exercise_<id>-solution) is never part of `make build`: a
#   half-written fix must not stop the labs. `slowfast exercise check N` builds it.
function(slowfast_exercise id module version)
  get_filename_component(parent ${CMAKE_CURRENT_SOURCE_DIR} DIRECTORY)
  get_filename_component(parent ${parent} NAME)
  set(suffix "")
  if(parent STREQUAL "solutions")
    set(suffix "-solution")
  endif()
  set(target exercise_${id}${suffix})
  add_library(${target} MODULE EXCLUDE_FROM_ALL ${ARGN})
  set_target_properties(${target} PROPERTIES
    PREFIX "" OUTPUT_NAME "${module}-${version}"
    LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/exercises/${id}${suffix}/modules
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  target_link_libraries(${target} PRIVATE slowfast_blocking_tls_socket slowfast_module_sdk slowfast_flags)
  target_link_options(${target} PRIVATE -Wl,--no-undefined -Wl,--exclude-libs,ALL)
endfunction()

# slowfast_exercise_files(<id> <files>...)
#   For an exercise with nothing to compile (exercise 7: the attendee writes answers):
#   target exercise_<id> (exercise_<id>-solution from solutions/) copies <files> into
#   build/exercises/<id>[-solution]/, where the validator reads them. Never part of
#   `make build` either: `slowfast exercise check N` runs it, so an edit is always seen.
function(slowfast_exercise_files id)
  get_filename_component(parent ${CMAKE_CURRENT_SOURCE_DIR} DIRECTORY)
  get_filename_component(parent ${parent} NAME)
  set(suffix "")
  if(parent STREQUAL "solutions")
    set(suffix "-solution")
  endif()
  set(out ${CMAKE_BINARY_DIR}/exercises/${id}${suffix})
  set(sources "")
  foreach(f ${ARGN})
    list(APPEND sources ${CMAKE_CURRENT_SOURCE_DIR}/${f})
  endforeach()
  add_custom_target(exercise_${id}${suffix}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${out}
    COMMAND ${CMAKE_COMMAND} -E copy ${sources} ${out}/
    COMMENT "copying ${ARGN} to ${out}" VERBATIM)
endfunction()
