#include "util/Util.h"

#include <gtest/gtest.h>

using namespace interlock::report;

TEST(Util, FileUrisRoundTrip) {
  EXPECT_EQ(uriToPath("file:///a/b%20c/d.c"), "/a/b c/d.c");
  EXPECT_EQ(uriToPath("file://localhost/x/y.c"), "/x/y.c");
  EXPECT_EQ(pathToFileUri("/a/b c/d#1.c"), "file:///a/b%20c/d%231.c");
  EXPECT_EQ(uriToPath(pathToFileUri("/tmp/weird %name.c")), "/tmp/weird %name.c");
}

TEST(Util, NormalizesAndRelativizesPaths) {
  EXPECT_EQ(normalizePath("/a/./b/../c//d"), "/a/c/d");
  EXPECT_EQ(normalizePath("a/../../b"), "../b");
  EXPECT_EQ(joinPath("/root/src", "lib/x.c"), "/root/src/lib/x.c");
  EXPECT_EQ(joinPath("/root/src", "/abs/x.c"), "/abs/x.c");
  EXPECT_EQ(relativeTo("/root/src/lib/x.c", "/root/src").value(), "lib/x.c");
  EXPECT_FALSE(relativeTo("/root/srcfoo/x.c", "/root/src").has_value());
  EXPECT_FALSE(relativeTo("/usr/include/x.h", "/root/src").has_value());
}

TEST(Util, HashIsStableAndDiscriminating) {
  EXPECT_EQ(hashHex(""), "cbf29ce484222325"); // FNV-1a 64 offset basis
  EXPECT_EQ(hashHex("abc"), hashHex("abc"));
  EXPECT_NE(hashHex("abc"), hashHex("abd"));
  EXPECT_EQ(hashHex("x").size(), 16u);
}

TEST(Util, GlobMatching) {
  EXPECT_TRUE(globMatch("*third_party/*", "/src/third_party/x.c"));
  EXPECT_TRUE(globMatch("take_?b", "take_ab"));
  EXPECT_FALSE(globMatch("take_?b", "take_abc"));
  EXPECT_TRUE(globMatch("*", ""));
  EXPECT_FALSE(globMatch("a*b", "acd"));
}
