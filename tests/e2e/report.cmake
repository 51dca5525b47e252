# End-to-end and unit tests of the interlock driver (report/). Included by
# tests/e2e/CMakeLists.txt. Everything here needs the driver to be built.
if(NOT TARGET interlock)
  message(STATUS "Interlock: driver not built, report tests not registered")
  return()
endif()

add_subdirectory(${PROJECT_SOURCE_DIR}/tests/report ${CMAKE_BINARY_DIR}/tests/report)

set(_report_fixtures ${CMAKE_CURRENT_SOURCE_DIR}/report_fixtures)

# The driver on hand-written SARIF fixtures: merge, dedupe, cross-run cycle,
# look-alikes, baseline, suppressions, exit codes, bad input, SARIF structure.
add_test(NAME report.e2e.fixtures
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/report_fixtures_test.py
          --interlock $<TARGET_FILE:interlock> --fixtures ${_report_fixtures})

# The HTML page in a real headless browser (skipped, visibly, without chromium).
add_test(NAME report.e2e.html_in_browser
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/report_html_test.py
          --interlock $<TARGET_FILE:interlock> --fixtures ${_report_fixtures})
set_tests_properties(report.e2e.html_in_browser PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 180)

# interlock run: options, preload, SARIF naming, exit status (stand-in runtime).
add_test(NAME report.e2e.run_command
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/report_run_test.py
          --interlock $<TARGET_FILE:interlock>
          --fake-runtime-source ${_report_fixtures}/cmake_consumer/fake_runtime.c
          --cc ${CMAKE_C_COMPILER})

# cmake/InterlockCheck.cmake in a consumer project, with stand-ins for the
# checker and the runtime, and the real driver.
add_test(NAME report.e2e.cmake_module
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/report_cmake_module_test.py
          --interlock $<TARGET_FILE:interlock>
          --module ${PROJECT_SOURCE_DIR}/cmake/InterlockCheck.cmake
          --consumer ${_report_fixtures}/cmake_consumer
          --cc ${CMAKE_C_COMPILER})
set_tests_properties(report.e2e.cmake_module PROPERTIES TIMEOUT 300)

# The real runtime: two separate processes, one taking A then B, the other B
# then A. Neither run sees a cycle; the merged report must.
if(TARGET interlock_runtime)
  find_package(Threads REQUIRED)
  foreach(prog cross_ab cross_ba abba_turns ordered)
    add_executable(report_${prog} ${_report_fixtures}/programs/${prog}.c)
    target_compile_options(report_${prog} PRIVATE -g -O0)
    target_link_libraries(report_${prog} PRIVATE Threads::Threads)
  endforeach()
  add_test(NAME report.e2e.cross_run_real_runtime
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/report_cross_run_test.py
            --interlock $<TARGET_FILE:interlock>
            --runtime $<TARGET_FILE:interlock_runtime>
            --prog-ab $<TARGET_FILE:report_cross_ab>
            --prog-ba $<TARGET_FILE:report_cross_ba>
            --srcroot ${_report_fixtures})
  set_tests_properties(report.e2e.cross_run_real_runtime PROPERTIES TIMEOUT 120)

  # The installed package: find_package(Interlock), the real runtime as test
  # launcher, the installed driver.
  add_test(NAME report.e2e.cmake_installed_package
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/report_cmake_module_test.py
            --interlock $<TARGET_FILE:interlock>
            --module ${PROJECT_SOURCE_DIR}/cmake/InterlockCheck.cmake
            --consumer ${_report_fixtures}/cmake_consumer
            --install-from ${CMAKE_BINARY_DIR})
  set_tests_properties(report.e2e.cmake_installed_package PROPERTIES TIMEOUT 300)

  # Both real halves on one program: one finding, marked confirmed.
  if(TARGET interlock-check)
    add_test(NAME report.e2e.static_and_runtime_real
      COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/report_static_runtime_test.py
              --interlock $<TARGET_FILE:interlock>
              --check $<TARGET_FILE:interlock-check>
              --runtime $<TARGET_FILE:interlock_runtime>
              --build-dir ${CMAKE_BINARY_DIR}
              --prog-abba $<TARGET_FILE:report_abba_turns>
              --prog-ordered $<TARGET_FILE:report_ordered>
              --srcroot ${_report_fixtures})
    set_tests_properties(report.e2e.static_and_runtime_real PROPERTIES TIMEOUT 600)
  else()
    message(STATUS "Interlock: analyzer not built, report static+runtime test not registered")
  endif()
else()
  message(STATUS "Interlock: runtime target missing, report runtime tests not registered")
endif()

# `ctest -L report` runs this part's tests (unit tests get the label where they are discovered).
interlock_label_tests("^report\\.e2e\\." report e2e)
