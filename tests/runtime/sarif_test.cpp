// SARIF writer: well-formed JSON with the contract's fields, checked with a
// small JSON reader (no third-party parser).
#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/detectors.h"
#include "report/finding.h"
#include "report/sarif.h"

// Not inside namespace interlock: frames of that namespace count as the
// runtime's own when the core is linked statically (as here).
namespace sarif_test {
using namespace interlock;

struct Json {
  enum Kind { kNull, kBool, kNumber, kString, kArray, kObject } kind = kNull;
  std::string text;
  double number = 0;
  std::vector<Json> items;
  std::map<std::string, Json> fields;
  const Json &operator[](const std::string &key) const {
    static Json missing;
    auto it = fields.find(key);
    return it == fields.end() ? missing : it->second;
  }
  bool has(const std::string &key) const { return fields.count(key) != 0; }
};

class Reader {
 public:
  explicit Reader(const std::string &s) : s_(s) {}
  bool parse(Json *out) {
    bool ok = value(out);
    skip();
    return ok && pos_ == s_.size();
  }

 private:
  void skip() {
    while (pos_ < s_.size() && isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool literal(const char *word) {
    size_t n = strlen(word);
    if (s_.compare(pos_, n, word) != 0) return false;
    pos_ += n;
    return true;
  }
  bool string(std::string *out) {
    if (s_[pos_] != '"') return false;
    ++pos_;
    while (pos_ < s_.size() && s_[pos_] != '"') {
      char c = s_[pos_++];
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c == '\\') {
        char e = s_[pos_++];
        if (e == 'u') {
          pos_ += 4;
          out->push_back('?');
          continue;
        }
        if (!strchr("\"\\/bfnrt", e)) return false;
        out->push_back(e == 'n' ? '\n' : e == 't' ? '\t' : e);
      } else {
        out->push_back(c);
      }
    }
    if (pos_ >= s_.size()) return false;
    ++pos_;
    return true;
  }
  bool value(Json *out) {
    skip();
    if (pos_ >= s_.size()) return false;
    char c = s_[pos_];
    if (c == '{') {
      out->kind = Json::kObject;
      ++pos_;
      skip();
      if (s_[pos_] == '}') return ++pos_, true;
      for (;;) {
        skip();
        std::string key;
        if (!string(&key)) return false;
        skip();
        if (s_[pos_++] != ':') return false;
        if (!value(&out->fields[key])) return false;
        skip();
        if (s_[pos_] == ',') {
          ++pos_;
          continue;
        }
        return s_[pos_++] == '}';
      }
    }
    if (c == '[') {
      out->kind = Json::kArray;
      ++pos_;
      skip();
      if (s_[pos_] == ']') return ++pos_, true;
      for (;;) {
        out->items.emplace_back();
        if (!value(&out->items.back())) return false;
        skip();
        if (s_[pos_] == ',') {
          ++pos_;
          continue;
        }
        return s_[pos_++] == ']';
      }
    }
    if (c == '"') {
      out->kind = Json::kString;
      return string(&out->text);
    }
    if (literal("true") || literal("false")) return out->kind = Json::kBool, true;
    if (literal("null")) return true;
    size_t start = pos_;
    while (pos_ < s_.size() && (isdigit(static_cast<unsigned char>(s_[pos_])) || strchr("+-.eE", s_[pos_]))) ++pos_;
    if (start == pos_) return false;
    out->kind = Json::kNumber;
    out->number = std::stod(s_.substr(start, pos_ - start));
    return true;
  }
  const std::string &s_;
  size_t pos_ = 0;
};

Json parse_or_fail(const std::string &text) {
  Json doc;
  EXPECT_TRUE(Reader(text).parse(&doc)) << text.substr(0, 2000);
  return doc;
}

TEST(Sarif, JsonStringEscapes) {
  Str out;
  json_string(&out, "a\"b\\c\nd\te\x01");
  EXPECT_STREQ(out.c_str(), "\"a\\\"b\\\\c\\nd\\te\\u0001\"");
}

__attribute__((noinline)) bool record_finding_here() {
  Finding *f = finding_new(Rule::kDoubleLock);
  f->message << "Double lock: a test \"finding\"";
  f->fingerprint_basis << "var:test_lock\n";
  Str title("Thread T0 locks `test_lock` again:"), msg("second lock");
  FindingSection *s = finding_add_section(f, title, msg, 2);
  capture_full_stack(&s->pcs, 16);
  Str held("first acquired at:"), held_msg("first lock");
  FindingSection *h = finding_add_section(f, held, held_msg, 4);
  capture_full_stack(&h->pcs, 16);
  return report_finding(f);
}

TEST(Sarif, ContractFieldsArePresent) {
  ASSERT_TRUE(record_finding_here());
  // The same bug again (same fingerprint) is not reported twice.
  size_t before = finding_count();
  EXPECT_FALSE(record_finding_here());
  EXPECT_EQ(finding_count(), before);

  Str text = build_sarif(true);
  Json doc = parse_or_fail(text.c_str());
  EXPECT_EQ(doc["version"].text, "2.1.0");
  ASSERT_EQ(doc["runs"].items.size(), 1u);
  const Json &run = doc["runs"].items[0];
  const Json &driver = run["tool"]["driver"];
  EXPECT_EQ(driver["name"].text, "interlock-runtime");
  EXPECT_FALSE(driver["version"].text.empty());
  EXPECT_FALSE(driver["informationUri"].text.empty());
  std::vector<std::string> rule_ids;
  for (const Json &rule : driver["rules"].items) {
    rule_ids.push_back(rule["id"].text);
    EXPECT_FALSE(rule["shortDescription"]["text"].text.empty());
    EXPECT_FALSE(rule["help"]["text"].text.empty());
  }
  for (const char *id : {"lock-order-inversion", "deadlock", "double-lock", "bad-unlock", "destroy-locked",
                         "cond-wait-unheld", "cond-mutex-mismatch", "lock-held-at-exit", "invalid-mutex"})
    EXPECT_NE(std::find(rule_ids.begin(), rule_ids.end(), id), rule_ids.end()) << id;

  ASSERT_GE(run["results"].items.size(), 1u);
  const Json &result = run["results"].items[0];
  EXPECT_EQ(result["ruleId"].text, "double-lock");
  EXPECT_EQ(result["level"].text, "warning");
  EXPECT_EQ(result["message"]["text"].text, "Double lock: a test \"finding\"");
  const Json &loc = result["locations"].items.at(0);
  EXPECT_EQ(loc["logicalLocations"].items.at(0)["fullyQualifiedName"].text.find("record_finding_here") !=
                std::string::npos,
            true);
  const std::string uri = loc["physicalLocation"]["artifactLocation"]["uri"].text;
  EXPECT_EQ(uri.rfind("file:///", 0), 0u) << uri;
  EXPECT_NE(uri.find("sarif_test.cpp"), std::string::npos) << uri;
  EXPECT_GT(loc["physicalLocation"]["region"]["startLine"].number, 0);
  EXPECT_EQ(result["relatedLocations"].items.size(), 1u);
  EXPECT_EQ(result["stacks"].items.size(), 2u);
  EXPECT_GE(result["stacks"].items[0]["frames"].items.size(), 1u);
  std::string fingerprint = result["partialFingerprints"]["interlock/v1"].text;
  EXPECT_EQ(fingerprint.size(), 16u);
  EXPECT_EQ(fingerprint.find_first_not_of("0123456789abcdef"), std::string::npos);

  const Json &props = run["properties"];
  EXPECT_GT(props["pid"].number, 0);
  EXPECT_EQ(props["degraded"].kind, Json::kArray);
  EXPECT_EQ(props["lockGraph"]["locks"].kind, Json::kArray);
  EXPECT_EQ(props["lockGraph"]["edges"].kind, Json::kArray);
}

TEST(Sarif, LockGraphUsesStableIds) {
  static pthread_mutex_t graph_lock_one = PTHREAD_MUTEX_INITIALIZER;
  static pthread_mutex_t graph_lock_two = PTHREAD_MUTEX_INITIALIZER;
  LockState *one = lookup_mutex(&graph_lock_one);
  LockState *two = lookup_mutex(&graph_lock_two);
  EdgeOccurrence occ;
  occ.from_lock = one;
  occ.to_lock = two;
  occ.from = one->id;
  occ.to = two->id;
  occ.tid = 1;
  Cycle cycle;
  EXPECT_FALSE(lock_graph().add_occurrence(occ, &cycle));
  Json doc = parse_or_fail(build_sarif(true).c_str());
  const Json &graph = doc["runs"].items[0]["properties"]["lockGraph"];
  bool found = false;
  for (const Json &edge : graph["edges"].items)
    if (edge["from"].text.find("graph_lock_one") != std::string::npos &&
        edge["to"].text.find("graph_lock_two") != std::string::npos) {
      found = true;
      EXPECT_EQ(edge["from"].text.rfind("var:", 0), 0u) << edge["from"].text;
      EXPECT_TRUE(edge.has("fromSite"));
      EXPECT_TRUE(edge.has("toSite"));
      EXPECT_TRUE(edge.has("fromTry"));
      EXPECT_EQ(edge["gates"].kind, Json::kArray);
    }
  EXPECT_TRUE(found) << build_sarif(true).c_str();
}

}  // namespace sarif_test
