// A small JSON value, reader and writer: enough for SARIF, no dependencies.
//
// Objects keep their insertion order (so written SARIF reads in a natural
// order and round-trips stably). Numbers keep whether they were integers, so
// line numbers and pids are written back exactly.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace interlock::json {

class Value;
using Array = std::vector<Value>;
using Member = std::pair<std::string, Value>;
using Object = std::vector<Member>;

class Value {
public:
  enum class Kind { Null, Bool, Integer, Double, String, Array, Object };

  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool b) : kind_(Kind::Bool), bool_(b) {}
  Value(int i) : kind_(Kind::Integer), int_(i) {}
  Value(int64_t i) : kind_(Kind::Integer), int_(i) {}
  Value(uint64_t i) : kind_(Kind::Integer), int_(static_cast<int64_t>(i)) {}
  Value(double d) : kind_(Kind::Double), double_(d) {}
  Value(const char *s) : kind_(Kind::String), string_(s) {}
  Value(std::string s) : kind_(Kind::String), string_(std::move(s)) {}
  Value(std::string_view s) : kind_(Kind::String), string_(s) {}
  Value(Array a);
  Value(Object o);

  static Value array() { return Value(Array{}); }
  static Value object() { return Value(Object{}); }

  Kind kind() const { return kind_; }
  bool isNull() const { return kind_ == Kind::Null; }
  bool isBool() const { return kind_ == Kind::Bool; }
  bool isNumber() const { return kind_ == Kind::Integer || kind_ == Kind::Double; }
  bool isString() const { return kind_ == Kind::String; }
  bool isArray() const { return kind_ == Kind::Array; }
  bool isObject() const { return kind_ == Kind::Object; }

  // Lenient accessors: the fallback when the value has another kind.
  bool asBool(bool fallback = false) const;
  int64_t asInt(int64_t fallback = 0) const;
  double asDouble(double fallback = 0) const;
  const std::string &asString() const; // empty string unless a string
  std::string asString(std::string_view fallback) const;

  // Arrays. items() is empty unless this is an array.
  const Array &items() const;
  Array &items();
  void push(Value v);
  size_t size() const;

  // Objects. members() is empty unless this is an object.
  const Object &members() const;
  const Value *find(std::string_view key) const;
  Value *find(std::string_view key);
  // The member, or a null value when missing (or when not an object).
  const Value &operator[](std::string_view key) const;
  // Sets (replacing an existing member) and returns the stored value.
  Value &set(std::string_view key, Value v);

  bool operator==(const Value &other) const;
  bool operator!=(const Value &other) const { return !(*this == other); }

private:
  Kind kind_ = Kind::Null;
  bool bool_ = false;
  int64_t int_ = 0;
  double double_ = 0;
  std::string string_;
  std::vector<Value> array_;
  std::vector<Member> object_;
};

// Thrown by parse(): message names the line and column.
struct ParseError : std::runtime_error {
  ParseError(const std::string &what, size_t line, size_t column);
  size_t line;
  size_t column;
};

// Nesting deeper than this is rejected with a ParseError instead of
// overflowing the stack (SARIF nests about 10 levels).
constexpr size_t kMaxDepth = 512;

Value parse(std::string_view text);

// indent < 0: compact, one line. Otherwise pretty-printed with that many spaces.
std::string serialize(const Value &value, int indent = 2);

} // namespace interlock::json
