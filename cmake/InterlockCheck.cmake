# InterlockCheck.cmake: run Interlock from a project's own build.
#
# Installed into <prefix>/lib/cmake/Interlock/ and included by
# InterlockConfig.cmake, so after find_package(Interlock) a project has:
#
#   interlock_add_check(<target> [MODE test|build|target] [REPORT_ONLY] [SARIF <file>]
#                       [ARGS <args>...])
#     Runs the static analyzer (interlock-check) over <target>'s C/C++ sources
#     through the build's compile_commands.json (CMAKE_EXPORT_COMPILE_COMMANDS
#     is switched on). MODE test (default) adds the CTest test
#     "interlock-check.<target>"; MODE build runs it after <target> is built
#     and fails the build on findings; MODE target adds a custom target
#     "interlock-check-<target>" to run by hand. SARIF defaults to
#     ${CMAKE_BINARY_DIR}/interlock/static/<target>.sarif. REPORT_ONLY: the
#     test passes when the analysis ran, findings or not, and the merged
#     report (with its baseline) is the gate.
#
#   interlock_test_with_runtime(<test>... [SARIF_DIR <dir>] [OPTIONS <k=v:k=v>])
#     Runs the named CTest tests with libinterlock.so preloaded. Each test
#     process writes <dir>/<test>.<pid>.sarif (default dir:
#     ${CMAKE_BINARY_DIR}/interlock/runtime) for `interlock report`.
#
#   interlock_target_with_runtime(<target>... [SARIF_DIR <dir>] [OPTIONS <...>])
#     For tests registered later (gtest_discover_tests): runs every test of
#     these executables through `interlock run` (the target's TEST_LAUNCHER
#     on CMake >= 3.29, else its CROSSCOMPILING_EMULATOR, which add_test and
#     gtest_discover_tests honour).
#
#   interlock_add_report(<name> [INPUTS <files or dirs>...] [BASELINE <file>]
#                        [HTML <file>] [SARIF <file>] [FAIL_ON <level>])
#     A custom target <name> that merges the SARIF of the checks and test runs
#     into one report (text on the console, HTML and SARIF files).
#
# Tools are found through the cache variables INTERLOCK_CHECK_EXECUTABLE /
# INTERLOCK_EXECUTABLE / INTERLOCK_RUNTIME_LIBRARY when set, else as the
# targets Interlock::check / Interlock::driver / Interlock::runtime (or the
# in-tree interlock-check / interlock / interlock_runtime), else next to this
# file's install prefix.
include_guard(GLOBAL)

set(_interlock_module_dir "${CMAKE_CURRENT_LIST_DIR}")
# <prefix>/lib/cmake/Interlock -> <prefix>; <prefix>/lib/<multiarch>/cmake/Interlock -> <prefix>
get_filename_component(_interlock_prefix "${_interlock_module_dir}/../../.." ABSOLUTE)
if(NOT EXISTS "${_interlock_prefix}/bin" AND EXISTS "${_interlock_module_dir}/../../../../bin")
  get_filename_component(_interlock_prefix "${_interlock_module_dir}/../../../.." ABSOLUTE)
endif()

set(CMAKE_EXPORT_COMPILE_COMMANDS ON)

# The file of a target as a plain path. Generator expressions are not
# expanded everywhere the module needs the path (CROSSCOMPILING_EMULATOR on
# CMake < 3.29), so paths are computed here: imported targets know their
# LOCATION; in-tree targets are in their BINARY_DIR (single-config layout).
function(_interlock_target_path out target)
  get_target_property(imported ${target} IMPORTED)
  if(imported)
    get_target_property(location ${target} LOCATION)
    set(${out} "${location}" PARENT_SCOPE)
    return()
  endif()
  get_target_property(type ${target} TYPE)
  get_target_property(dir ${target} BINARY_DIR)
  get_target_property(name ${target} OUTPUT_NAME)
  if(NOT name)
    set(name ${target})
  endif()
  if(type STREQUAL "SHARED_LIBRARY")
    set(name "${CMAKE_SHARED_LIBRARY_PREFIX}${name}${CMAKE_SHARED_LIBRARY_SUFFIX}")
  endif()
  set(${out} "${dir}/${name}" PARENT_SCOPE)
endfunction()

# Sets <out> to the path of tool <name>: a target when one of <target_names>
# exists, else the cache variable, else a program found next to the package.
function(_interlock_tool out name target_names cache_var)
  if(${cache_var})
    set(${out} "${${cache_var}}" PARENT_SCOPE)
    return()
  endif()
  foreach(t IN LISTS target_names)
    if(TARGET ${t})
      _interlock_target_path(path ${t})
      set(${out} "${path}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  find_program(${cache_var} ${name}
    HINTS "${_interlock_prefix}/bin"
    DOC "Path to ${name} (Interlock)")
  if(NOT ${cache_var})
    message(FATAL_ERROR "Interlock: ${name} not found; install Interlock or set ${cache_var}")
  endif()
  set(${out} "${${cache_var}}" PARENT_SCOPE)
endfunction()

function(_interlock_runtime_library out)
  if(INTERLOCK_RUNTIME_LIBRARY)
    set(${out} "${INTERLOCK_RUNTIME_LIBRARY}" PARENT_SCOPE)
    return()
  endif()
  foreach(t Interlock::runtime interlock_runtime)
    if(TARGET ${t})
      _interlock_target_path(path ${t})
      set(${out} "${path}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  find_library(INTERLOCK_RUNTIME_LIBRARY interlock
    HINTS "${_interlock_prefix}/${CMAKE_INSTALL_LIBDIR}" "${_interlock_prefix}/lib"
    DOC "Path to libinterlock.so")
  if(NOT INTERLOCK_RUNTIME_LIBRARY)
    message(FATAL_ERROR "Interlock: libinterlock.so not found; set INTERLOCK_RUNTIME_LIBRARY")
  endif()
  set(${out} "${INTERLOCK_RUNTIME_LIBRARY}" PARENT_SCOPE)
endfunction()

function(interlock_add_check target)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "REPORT_ONLY" "MODE;SARIF" "ARGS")
  if(NOT TARGET ${target})
    message(FATAL_ERROR "interlock_add_check: '${target}' is not a target")
  endif()
  if(NOT ARG_MODE)
    set(ARG_MODE test)
  endif()
  if(NOT ARG_SARIF)
    set(ARG_SARIF "${CMAKE_BINARY_DIR}/interlock/static/${target}.sarif")
  endif()
  _interlock_tool(check interlock-check "Interlock::check;interlock-check" INTERLOCK_CHECK_EXECUTABLE)

  # The target's C and C++ sources, as absolute paths (the compile database keys).
  get_target_property(sources ${target} SOURCES)
  get_target_property(source_dir ${target} SOURCE_DIR)
  set(files "")
  foreach(src IN LISTS sources)
    if(src MATCHES "\\.(c|cc|cpp|cxx|c\\+\\+|C)$" AND NOT src MATCHES "^\\$<")
      get_filename_component(abs "${src}" ABSOLUTE BASE_DIR "${source_dir}")
      list(APPEND files "${abs}")
    endif()
  endforeach()
  if(NOT files)
    message(FATAL_ERROR "interlock_add_check: '${target}' has no C/C++ sources to check")
  endif()
  get_filename_component(sarif_dir "${ARG_SARIF}" DIRECTORY)
  set(command "${check}" -p "${CMAKE_BINARY_DIR}" --format=sarif "--output=${ARG_SARIF}"
      ${ARG_ARGS} ${files})

  if(ARG_MODE STREQUAL "test")
    # A script: ctest runs one command, and the exit codes need interpreting.
    set(script "${CMAKE_BINARY_DIR}/interlock/check-${target}.cmake")
    set(all_args ${ARG_ARGS} ${files})
    string(REPLACE ";" "\" \"" quoted_args "${all_args}")
    set(ok_codes "0")
    if(ARG_REPORT_ONLY)
      set(ok_codes "0;1") # 1: findings; the merged report's baseline decides
    endif()
    file(GENERATE OUTPUT "${script}" CONTENT
"cmake_minimum_required(VERSION 3.20)
file(MAKE_DIRECTORY \"${sarif_dir}\")
set(ok_codes \"${ok_codes}\")
execute_process(COMMAND \"${check}\" -p \"${CMAKE_BINARY_DIR}\" --format=sarif
                        \"--output=${ARG_SARIF}\" \"${quoted_args}\"
                RESULT_VARIABLE rc)
if(NOT rc IN_LIST ok_codes)
  message(FATAL_ERROR \"interlock-check: findings or errors in ${target} (exit \${rc}); SARIF: ${ARG_SARIF}\")
endif()
")
    add_test(NAME interlock-check.${target} COMMAND ${CMAKE_COMMAND} -P "${script}")
  elseif(ARG_MODE STREQUAL "build")
    add_custom_command(TARGET ${target} POST_BUILD
      COMMAND ${CMAKE_COMMAND} -E make_directory "${sarif_dir}"
      COMMAND ${command}
      COMMENT "interlock-check ${target}"
      VERBATIM COMMAND_EXPAND_LISTS)
  elseif(ARG_MODE STREQUAL "target")
    add_custom_target(interlock-check-${target}
      COMMAND ${CMAKE_COMMAND} -E make_directory "${sarif_dir}"
      COMMAND ${command}
      COMMENT "interlock-check ${target}"
      VERBATIM COMMAND_EXPAND_LISTS)
  else()
    message(FATAL_ERROR "interlock_add_check: MODE must be test, build or target, not '${ARG_MODE}'")
  endif()
endfunction()

function(interlock_test_with_runtime)
  cmake_parse_arguments(PARSE_ARGV 0 ARG "" "SARIF_DIR;OPTIONS" "")
  if(NOT ARG_SARIF_DIR)
    set(ARG_SARIF_DIR "${CMAKE_BINARY_DIR}/interlock/runtime")
  endif()
  _interlock_runtime_library(runtime)
  file(MAKE_DIRECTORY "${ARG_SARIF_DIR}")
  foreach(test IN LISTS ARG_UNPARSED_ARGUMENTS)
    set(options "sarif=${ARG_SARIF_DIR}/${test}.%p.sarif")
    if(ARG_OPTIONS)
      string(APPEND options ":${ARG_OPTIONS}")
    endif()
    set_property(TEST ${test} APPEND PROPERTY ENVIRONMENT
      "LD_PRELOAD=${runtime}" "INTERLOCK_OPTIONS=${options}")
  endforeach()
endfunction()

function(interlock_target_with_runtime)
  cmake_parse_arguments(PARSE_ARGV 0 ARG "" "SARIF_DIR;OPTIONS" "")
  if(NOT ARG_SARIF_DIR)
    set(ARG_SARIF_DIR "${CMAKE_BINARY_DIR}/interlock/runtime")
  endif()
  _interlock_tool(driver interlock "Interlock::driver;interlock" INTERLOCK_EXECUTABLE)
  _interlock_runtime_library(runtime)
  foreach(target IN LISTS ARG_UNPARSED_ARGUMENTS)
    set(launcher "${driver}" run "--runtime=${runtime}" "--sarif-dir=${ARG_SARIF_DIR}")
    if(ARG_OPTIONS)
      list(APPEND launcher "--options=${ARG_OPTIONS}")
    endif()
    list(APPEND launcher "--")
    if(CMAKE_VERSION VERSION_GREATER_EQUAL 3.29)
      set_property(TARGET ${target} PROPERTY TEST_LAUNCHER "${launcher}")
    else()
      # Before TEST_LAUNCHER existed, add_test and gtest_discover_tests prefix
      # test commands with the emulator, also when not cross-compiling.
      set_property(TARGET ${target} PROPERTY CROSSCOMPILING_EMULATOR "${launcher}")
    endif()
  endforeach()
endfunction()

function(interlock_add_report name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "BASELINE;HTML;SARIF;FAIL_ON" "INPUTS")
  _interlock_tool(driver interlock "Interlock::driver;interlock" INTERLOCK_EXECUTABLE)
  if(NOT ARG_INPUTS)
    set(ARG_INPUTS "${CMAKE_BINARY_DIR}/interlock/static" "${CMAKE_BINARY_DIR}/interlock/runtime")
  endif()
  if(NOT ARG_HTML)
    set(ARG_HTML "${CMAKE_BINARY_DIR}/interlock/report.html")
  endif()
  if(NOT ARG_SARIF)
    set(ARG_SARIF "${CMAKE_BINARY_DIR}/interlock/report.sarif")
  endif()
  set(args report ${ARG_INPUTS} "--html=${ARG_HTML}" "--sarif=${ARG_SARIF}"
      "--srcroot=${PROJECT_SOURCE_DIR}")
  if(ARG_BASELINE)
    list(APPEND args "--baseline=${ARG_BASELINE}")
  endif()
  if(ARG_FAIL_ON)
    list(APPEND args "--fail-on=${ARG_FAIL_ON}")
  endif()
  add_custom_target(${name} COMMAND "${driver}" ${args}
    COMMENT "interlock report: ${ARG_HTML}" VERBATIM COMMAND_EXPAND_LISTS)
endfunction()
