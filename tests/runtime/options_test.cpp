#include <gtest/gtest.h>

#include <string>

#include "common/options.h"

namespace interlock {
namespace {

TEST(Options, Defaults) {
  Options o;
  EXPECT_EQ(o.exitcode, 66);
  EXPECT_FALSE(o.halt_on_error);
  EXPECT_STREQ(o.sarif, "");
  EXPECT_FALSE(o.single_thread_cycles);
}

TEST(Options, ParsesEveryType) {
  Options o;
  Str error;
  ASSERT_TRUE(parse_options("sarif=/tmp/x.%p.sarif:halt_on_error=1:exitcode=3:verbosity=2", &o, &error))
      << error.c_str();
  EXPECT_STREQ(o.sarif, "/tmp/x.%p.sarif");
  EXPECT_TRUE(o.halt_on_error);
  EXPECT_EQ(o.exitcode, 3);
  EXPECT_EQ(o.verbosity, 2);
}

TEST(Options, EmptyItemsAreIgnored) {
  Options o;
  Str error;
  EXPECT_TRUE(parse_options("::halt_on_error=true::", &o, &error));
  EXPECT_TRUE(o.halt_on_error);
  EXPECT_TRUE(parse_options("", &o, &error));
  EXPECT_TRUE(parse_options(nullptr, &o, &error));
}

TEST(Options, UnknownKeyNamesTheValidKeys) {
  Options o;
  Str error;
  EXPECT_FALSE(parse_options("halt_on_eror=1", &o, &error));
  std::string text = error.c_str();
  EXPECT_NE(text.find("unknown option 'halt_on_eror'"), std::string::npos) << text;
  EXPECT_NE(text.find("halt_on_error"), std::string::npos);
  EXPECT_NE(text.find("sarif"), std::string::npos);
  EXPECT_NE(text.find("suppressions"), std::string::npos);
}

TEST(Options, BadValuesAreRejected) {
  const char *bad[] = {"exitcode=abc", "exitcode=", "halt_on_error=2", "halt_on_error=maybe", "verbosity=1x",
                       "sarif", "=1"};
  for (const char *text : bad) {
    Options o;
    Str error;
    EXPECT_FALSE(parse_options(text, &o, &error)) << text;
    EXPECT_FALSE(error.empty()) << text;
  }
}

TEST(Options, PidPattern) {
  EXPECT_STREQ(expand_path_pattern("out.%p.sarif", 4242).c_str(), "out.4242.sarif");
  EXPECT_STREQ(expand_path_pattern("%p/%p", 7).c_str(), "7/7");
  EXPECT_STREQ(expand_path_pattern("plain.sarif", 7).c_str(), "plain.sarif");
  EXPECT_STREQ(expand_path_pattern("100%", 7).c_str(), "100%");
}

TEST(Options, HelpListsEveryOptionWithDefault) {
  std::string help = options_help().c_str();
#define INTERLOCK_OPTION(type, name, def, text)                            \
  EXPECT_NE(help.find("  " #name " ("), std::string::npos) << #name;       \
  EXPECT_NE(help.find(text), std::string::npos) << #name;
#include "common/options.def"
#undef INTERLOCK_OPTION
  EXPECT_NE(help.find("exitcode (integer, default 66)"), std::string::npos) << help;
}

}  // namespace
}  // namespace interlock

#include <fstream>
#include <sstream>

namespace interlock {
namespace {

// docs/runtime.md lists every option of options.def in its table.
TEST(Options, DocumentedInRuntimeGuide) {
  std::ifstream file(INTERLOCK_RUNTIME_DOC);
  ASSERT_TRUE(file.good()) << INTERLOCK_RUNTIME_DOC;
  std::stringstream text;
  text << file.rdbuf();
  std::string doc = text.str();
#define INTERLOCK_OPTION(type, name, def, help) \
  EXPECT_NE(doc.find("| `" #name "` |"), std::string::npos) << #name " is missing from docs/runtime.md";
#include "common/options.def"
#undef INTERLOCK_OPTION
}

}  // namespace
}  // namespace interlock
