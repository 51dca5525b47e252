# End-to-end tests of the static analyzer (interlock-check), included by
# tests/e2e/CMakeLists.txt. They need the analyzer half.
if(NOT TARGET interlock-check)
  return()
endif()

# Unit tests of the output stage (hand-built findings, no parsing).
if(NOT TARGET interlock_output_tests)
  add_subdirectory(${PROJECT_SOURCE_DIR}/tests/analyzer/output
                   ${CMAKE_BINARY_DIR}/tests/analyzer/output)
endif()

set(INTERLOCK_STATIC_TESTCASES ${PROJECT_SOURCE_DIR}/testcases/static)
set(INTERLOCK_STATIC_DB ${CMAKE_BINARY_DIR}/tests/e2e/testcases-static)

# The testcases' compile database: configure (not build) their project.
add_test(NAME static.testcases.configure
  COMMAND ${CMAKE_COMMAND} -S ${INTERLOCK_STATIC_TESTCASES} -B ${INTERLOCK_STATIC_DB}
          -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
          -DCMAKE_C_COMPILER=${CMAKE_C_COMPILER} -DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER})
set_tests_properties(static.testcases.configure PROPERTIES
  FIXTURES_SETUP interlock_static_db TIMEOUT 120)

# Every RACE/NORACE/DEADLOCK/NODEADLOCK/DOUBLELOCK/NODOUBLELOCK marker, both ways.
add_test(NAME static.markers
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/static_check.py
          --tool $<TARGET_FILE:interlock-check> --build-dir ${INTERLOCK_STATIC_DB}
          --source-dir ${INTERLOCK_STATIC_TESTCASES}
          --config ${INTERLOCK_STATIC_TESTCASES}/interlock.yaml -j 2)
set_tests_properties(static.markers PROPERTIES
  FIXTURES_REQUIRED interlock_static_db TIMEOUT 600)

# The command line: one CTest test per case of static_cli.py.
foreach(case baseline broken_database config_file empty_database exclude explicit_files
             fingerprints_stable gcc_database missing_database relative_directories
             sarif_shape suppression
             text_format unknown_option unparsable_tu version_and_help)
  add_test(NAME static.cli.${case}
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/static_cli.py
            --tool $<TARGET_FILE:interlock-check> --testcases ${INTERLOCK_STATIC_TESTCASES}
            ${case})
  set_tests_properties(static.cli.${case} PROPERTIES TIMEOUT 300)
endforeach()

# `ctest -L analyzer` runs this part's tests (unit tests get the label where they are discovered).
interlock_label_tests("^static\\." analyzer e2e)
