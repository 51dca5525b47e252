#include "cli/Commands.h"

#include <cstdlib>
#include <gtest/gtest.h>

using namespace interlock::report;

TEST(RunOptions, SarifIsAppendedAndReplacesAnEarlierOne) {
  EXPECT_EQ(composeRuntimeOptions("verbosity=1:sarif=/old/%p.sarif", "halt_on_error=1", "/d/t.%p.sarif"),
            "verbosity=1:halt_on_error=1:sarif=/d/t.%p.sarif");
  EXPECT_EQ(composeRuntimeOptions("", "", "/d/t.%p.sarif"), "sarif=/d/t.%p.sarif");
}

TEST(RunOptions, WithoutSarifDirectoryUserOptionsStayAsGiven) {
  EXPECT_EQ(composeRuntimeOptions("sarif=/keep.sarif", "exitcode=0", ""), "sarif=/keep.sarif:exitcode=0");
  EXPECT_EQ(composeRuntimeOptions("::a=1::", "", ""), "a=1"); // empty entries dropped
}

TEST(RunRuntimeLookup, ExplicitPathIsTheOnlyCandidate) {
  std::vector<std::string> tried;
  EXPECT_EQ(findRuntime("/nonexistent/libinterlock.so", "/usr/bin/interlock", tried), "");
  EXPECT_EQ(tried, std::vector<std::string>{"/nonexistent/libinterlock.so"});
}

TEST(RunRuntimeLookup, EnvironmentVariableComesFirst) {
  ::setenv("INTERLOCK_RUNTIME", "/bin/sh", 1); // any existing file stands in
  std::vector<std::string> tried;
  EXPECT_EQ(findRuntime("", "/x/bin/interlock", tried), "/bin/sh");
  ::unsetenv("INTERLOCK_RUNTIME");
  tried.clear();
  findRuntime("", "/x/bin/interlock", tried);
  ASSERT_FALSE(tried.empty());
  for (const std::string &t : tried)
    EXPECT_NE(t, "/bin/sh");
}
