# End-to-end tests of the runtime (libinterlock): every annotated program in
# testcases/runtime is built (gcc/g++ at -g -O1, plus a linked variant and a
# clang-19 variant) and run under the runtime by tests/e2e/runtime_check.py,
# which compares the SARIF results with the EXPECT/NOT markers in the source.
# The programs and the per-(program, mode) tests are defined next to them.
add_test(NAME runtime_e2e.checker_self_test
         COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/runtime_check.py --self-test)
set_tests_properties(runtime_e2e.checker_self_test PROPERTIES LABELS "runtime;e2e" TIMEOUT 60)

set(INTERLOCK_RUNTIME_CHECKER ${CMAKE_CURRENT_LIST_DIR}/runtime_check.py)
add_subdirectory(${PROJECT_SOURCE_DIR}/testcases/runtime ${PROJECT_BINARY_DIR}/testcases/runtime)

# issue #4: liveness testcases (livelock, starvation, hang, semaphores, barriers)
add_subdirectory(${PROJECT_SOURCE_DIR}/testcases/runtime/liveness ${PROJECT_BINARY_DIR}/testcases/runtime/liveness)
