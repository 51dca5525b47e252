#include "driver/Config.h"
#include "driver/Driver.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace interlock;

TEST(ConfigFile, ScalarsListsAndComments) {
  auto config = parseConfig("# interlock settings\n"
                            "thread-pool-submit: ThreadPool::enqueue\n"
                            "thread-pool-submit:\n"
                            "  - Pool::submit   # trailing comment\n"
                            "  - \"asio::post\"\n"
                            "exclude: third_party/**\n"
                            "jobs: 3\n"
                            "assume-concurrent-public-methods: false\n",
                            "test.yaml");
  ASSERT_TRUE(bool(config)) << llvm::toString(config.takeError());
  EXPECT_EQ(config->threadPoolSubmit,
            (std::vector<std::string>{"ThreadPool::enqueue", "Pool::submit", "asio::post"}));
  EXPECT_EQ(config->exclude, std::vector<std::string>{"third_party/**"});
  EXPECT_EQ(config->jobs, 3u);
  EXPECT_EQ(config->assumeConcurrentPublicMethods, false);
  EXPECT_FALSE(config->sourceRoot);
}

TEST(ConfigFile, ErrorsNameFileAndLine) {
  auto unknown = parseConfig("jobs: 2\nfrobnicate: 1\n", "c.yaml");
  ASSERT_FALSE(bool(unknown));
  EXPECT_NE(llvm::toString(unknown.takeError()).find("c.yaml:2: unknown key 'frobnicate'"),
            std::string::npos);
  auto notNumber = parseConfig("jobs: many\n", "c.yaml");
  ASSERT_FALSE(bool(notNumber));
  EXPECT_NE(llvm::toString(notNumber.takeError()).find("c.yaml:1:"), std::string::npos);
  auto orphan = parseConfig("- item\n", "c.yaml");
  ASSERT_FALSE(bool(orphan));
  llvm::consumeError(orphan.takeError());
  auto noColon = parseConfig("just words\n", "c.yaml");
  ASSERT_FALSE(bool(noColon));
  llvm::consumeError(noColon.takeError());
}

TEST(CommandLine, DropsGccOnlyFlagsAddsResourceDirKeepsTheRest) {
  DriverOptions options;
  options.resourceDir = "/opt/clang/19";
  options.extraArgs = {"-DEXTRA"};
  std::vector<std::string> args = adjustCommandLine(
      {"/usr/bin/gcc", "-fconserve-stack", "-Iinclude", "-DX=1", "-O2", "-Werror",
       "-fsyntax-only", "a.c"},
      options);
  auto has = [&](const std::string &arg) {
    return std::find(args.begin(), args.end(), arg) != args.end();
  };
  EXPECT_FALSE(has("-fconserve-stack"));
  EXPECT_TRUE(has("-Iinclude") && has("-DX=1") && has("-O2") && has("a.c"));
  EXPECT_EQ(args[0], "/usr/bin/gcc");
  EXPECT_EQ(args[1], "-resource-dir=/opt/clang/19");
  EXPECT_TRUE(has("-Wno-unknown-warning-option") && has("-DEXTRA"));
}

TEST(CommandLine, KeepsAnExistingResourceDirAndInsertsBeforeDashDash) {
  DriverOptions options;
  options.resourceDir = "/opt/clang/19";
  std::vector<std::string> args =
      adjustCommandLine({"clang++", "-resource-dir=/mine", "-c", "--", "a.cpp"}, options);
  EXPECT_EQ(std::count_if(args.begin(), args.end(),
                          [](const std::string &a) { return a.find("-resource-dir") == 0; }),
            1);
  EXPECT_EQ(args.back(), "a.cpp");
  EXPECT_EQ(args[args.size() - 2], "--");
}

TEST(ResourceDir, FoundForThisBuild) {
  std::string dir = findResourceDir("interlock_output_tests");
  EXPECT_FALSE(dir.empty());
}

TEST(CommandLine, RelativeInputBecomesTheAbsoluteMainFile) {
  std::vector<std::string> args = adjustCommandLine(
      {"c++", "-Iinclude", "-I", "../gen", "-isystem", "/usr/x", "-include", "cfg.h",
       "-c", "./src/a.cpp", "-o", "a.o"},
      DriverOptions{}, "/build/src/a.cpp", "/build");
  auto has = [&](const std::string &arg) {
    return std::find(args.begin(), args.end(), arg) != args.end();
  };
  EXPECT_TRUE(has("/build/src/a.cpp"));
  EXPECT_FALSE(has("./src/a.cpp"));
  EXPECT_TRUE(has("-I/build/include"));
  EXPECT_TRUE(has("/gen"));
  EXPECT_TRUE(has("/usr/x"));
  EXPECT_TRUE(has("/build/cfg.h"));
  std::vector<std::string> pch =
      adjustCommandLine({"c++", "-include-pch", "x.pch", "a.cpp"}, DriverOptions{}, "", "/b");
  EXPECT_NE(std::find(pch.begin(), pch.end(), "-include-pch"), pch.end());
}
