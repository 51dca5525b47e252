#include "json/Json.h"

#include <gtest/gtest.h>

using namespace interlock::json;

TEST(Json, ParsesNestedDocumentKeepingMemberOrder) {
  Value v = parse(R"({"b": 1, "a": [true, null, "x", -2.5e1], "c": {"d": 9007199254740993}})");
  ASSERT_TRUE(v.isObject());
  ASSERT_EQ(v.members().size(), 3u);
  EXPECT_EQ(v.members()[0].first, "b");
  EXPECT_EQ(v.members()[1].first, "a");
  EXPECT_EQ(v["b"].asInt(), 1);
  EXPECT_TRUE(v["a"].items()[0].asBool());
  EXPECT_TRUE(v["a"].items()[1].isNull());
  EXPECT_EQ(v["a"].items()[2].asString(), "x");
  EXPECT_DOUBLE_EQ(v["a"].items()[3].asDouble(), -25.0);
  // Integers beyond double precision survive exactly.
  EXPECT_EQ(v["c"]["d"].asInt(), 9007199254740993LL);
  EXPECT_EQ(serialize(v["c"], -1), R"({"d":9007199254740993})");
}

TEST(Json, MissingMembersAreNullNotErrors) {
  Value v = parse(R"({"a": 1})");
  EXPECT_TRUE(v["nope"]["deeper"].isNull());
  EXPECT_EQ(v["nope"].asString("fallback"), "fallback");
  EXPECT_EQ(v["a"].asString(), "");
  EXPECT_EQ(v["a"].items().size(), 0u);
}

TEST(Json, DecodesEscapesAndSurrogatePairs) {
  Value v = parse(R"("tab\t quote\" slash\/ back\\ \u00e9 \ud83d\ude00")");
  EXPECT_EQ(v.asString(), "tab\t quote\" slash/ back\\ \xc3\xa9 \xf0\x9f\x98\x80");
}

TEST(Json, RoundTripsThroughSerialize) {
  const char *text = R"({"s":"line\nbreak \u0001","n":[1,2.5,-3],"o":{},"a":[],"t":false})";
  Value v = parse(text);
  EXPECT_EQ(parse(serialize(v, 2)), v);
  EXPECT_EQ(parse(serialize(v, -1)), v);
  EXPECT_NE(serialize(v, -1).find("\\u0001"), std::string::npos);
}

TEST(Json, SetReplacesExistingMember) {
  Value v = Value::object();
  v.set("k", 1);
  v.set("k", "two");
  ASSERT_EQ(v.members().size(), 1u);
  EXPECT_EQ(v["k"].asString(), "two");
}

TEST(Json, ReportsWhereTheErrorIs) {
  try {
    parse("{\n  \"a\": [1, 2,\n  }");
    FAIL() << "expected a ParseError";
  } catch (const ParseError &e) {
    EXPECT_EQ(e.line, 3u);
    EXPECT_NE(std::string(e.what()).find("line 3"), std::string::npos);
  }
}

TEST(Json, RejectsMalformedInputs) {
  for (const char *bad : {"", "   ", "{", "[1,]", "{\"a\" 1}", "tru", "\"unterminated", "01x",
                          "[1] 2", "{\"a\":1,}", "\"bad \\q escape\"", "-", "1.", "1e",
                          "\"ctrl \x01 char\""})
    EXPECT_THROW(parse(bad), ParseError) << "input: " << bad;
}

TEST(Json, DeepNestingIsAnErrorNotACrash) {
  std::string deep(100000, '[');
  EXPECT_THROW(parse(deep), ParseError);
  std::string fine(100, '[');
  fine += std::string(100, ']');
  EXPECT_NO_THROW(parse(fine));
}

TEST(Json, EveryTruncationOfADocumentIsAnErrorNotACrash) {
  const std::string doc = R"({"runs": [{"tool": {"driver": {"name": "x\u00e9"}}, "n": [1, -2.5e3, true, null]}]})";
  for (size_t i = 0; i < doc.size(); ++i)
    EXPECT_THROW(parse(doc.substr(0, i)), ParseError) << "prefix of length " << i;
  EXPECT_NO_THROW(parse(doc));
}
