#include <gtest/gtest.h>

#include "report/suppressions.h"

namespace interlock {
namespace {

TEST(Glob, Matches) {
  EXPECT_TRUE(glob_match("worker_*", "worker_one"));
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_TRUE(glob_match("*cache*", "legacy_cache_lookup"));
  EXPECT_TRUE(glob_match("a*b*c", "aXXbYYc"));
  EXPECT_FALSE(glob_match("a*b*c", "aXXbYY"));
  EXPECT_FALSE(glob_match("worker", "worker_one"));
  EXPECT_TRUE(glob_match("*/third_party/*", "/src/third_party/lib.c"));
}

TEST(Suppressions, ParseAndMatch) {
  SuppressionList list;
  Str error;
  ASSERT_TRUE(list.parse("# comment\n\nlock-order-inversion:legacy_*\n  *:*/third_party/*  \n", &error))
      << error.c_str();
  EXPECT_EQ(list.size(), 2u);
  EXPECT_TRUE(list.matches("lock-order-inversion", "legacy_cache"));
  EXPECT_FALSE(list.matches("deadlock", "legacy_cache"));
  EXPECT_TRUE(list.matches("deadlock", "/src/third_party/x.c"));
}

TEST(Suppressions, MalformedLinesAreErrors) {
  const char *bad[] = {"no colon here\n", "unknown-rule:foo\n", "deadlock:\n"};
  for (const char *text : bad) {
    SuppressionList list;
    Str error;
    EXPECT_FALSE(list.parse(text, &error)) << text;
    EXPECT_NE(std::string(error.c_str()).find("line 1"), std::string::npos) << error.c_str();
  }
}

}  // namespace
}  // namespace interlock
