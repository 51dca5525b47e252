#include "json/Json.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace interlock::json {

namespace {
const std::string kEmptyString;
const Array kEmptyArray;
const Object kEmptyObject;
const Value kNull;
} // namespace

Value::Value(Array a) : kind_(Kind::Array), array_(std::move(a)) {}
Value::Value(Object o) : kind_(Kind::Object), object_(std::move(o)) {}

bool Value::asBool(bool fallback) const { return kind_ == Kind::Bool ? bool_ : fallback; }

int64_t Value::asInt(int64_t fallback) const {
  if (kind_ == Kind::Integer)
    return int_;
  if (kind_ == Kind::Double && std::isfinite(double_))
    return static_cast<int64_t>(double_);
  return fallback;
}

double Value::asDouble(double fallback) const {
  if (kind_ == Kind::Double)
    return double_;
  if (kind_ == Kind::Integer)
    return static_cast<double>(int_);
  return fallback;
}

const std::string &Value::asString() const { return kind_ == Kind::String ? string_ : kEmptyString; }

std::string Value::asString(std::string_view fallback) const {
  return kind_ == Kind::String ? string_ : std::string(fallback);
}

const Array &Value::items() const { return kind_ == Kind::Array ? array_ : kEmptyArray; }

Array &Value::items() {
  if (kind_ != Kind::Array)
    *this = Value(Array{});
  return array_;
}

void Value::push(Value v) { items().push_back(std::move(v)); }

size_t Value::size() const {
  if (kind_ == Kind::Array)
    return array_.size();
  if (kind_ == Kind::Object)
    return object_.size();
  return 0;
}

const Object &Value::members() const { return kind_ == Kind::Object ? object_ : kEmptyObject; }

const Value *Value::find(std::string_view key) const {
  if (kind_ != Kind::Object)
    return nullptr;
  for (const auto &member : object_)
    if (member.first == key)
      return &member.second;
  return nullptr;
}

Value *Value::find(std::string_view key) {
  return const_cast<Value *>(static_cast<const Value *>(this)->find(key));
}

const Value &Value::operator[](std::string_view key) const {
  const Value *found = find(key);
  return found ? *found : kNull;
}

Value &Value::set(std::string_view key, Value v) {
  if (kind_ != Kind::Object)
    *this = Value(Object{});
  if (Value *existing = find(key)) {
    *existing = std::move(v);
    return *existing;
  }
  object_.emplace_back(std::string(key), std::move(v));
  return object_.back().second;
}

bool Value::operator==(const Value &other) const {
  if (isNumber() && other.isNumber())
    return asDouble() == other.asDouble();
  if (kind_ != other.kind_)
    return false;
  switch (kind_) {
  case Kind::Null:
    return true;
  case Kind::Bool:
    return bool_ == other.bool_;
  case Kind::String:
    return string_ == other.string_;
  case Kind::Array:
    return array_ == other.array_;
  case Kind::Object:
    return object_ == other.object_;
  default:
    return false;
  }
}

ParseError::ParseError(const std::string &what, size_t line_, size_t column_)
    : std::runtime_error("line " + std::to_string(line_) + ", column " + std::to_string(column_) +
                         ": " + what),
      line(line_), column(column_) {}

namespace {

class Parser {
public:
  explicit Parser(std::string_view text) : text_(text) {}

  Value parseDocument() {
    skipSpace();
    if (pos_ >= text_.size())
      fail("empty input, expected a JSON value");
    Value v = parseValue(0);
    skipSpace();
    if (pos_ != text_.size())
      fail("unexpected text after the JSON value");
    return v;
  }

private:
  [[noreturn]] void fail(const std::string &what) const {
    size_t line = 1, column = 1;
    for (size_t i = 0; i < pos_ && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    throw ParseError(what, line, column);
  }

  void skipSpace() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r'))
      ++pos_;
  }

  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }

  void expect(char c) {
    if (peek() != c)
      fail(std::string("expected '") + c + "'");
    ++pos_;
  }

  void expectWord(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word)
      fail("invalid literal, expected '" + std::string(word) + "'");
    pos_ += word.size();
  }

  Value parseValue(size_t depth) {
    if (depth > kMaxDepth)
      fail("nesting deeper than " + std::to_string(kMaxDepth) + " levels");
    skipSpace();
    switch (peek()) {
    case '{':
      return parseObject(depth);
    case '[':
      return parseArray(depth);
    case '"':
      return Value(parseString());
    case 't':
      expectWord("true");
      return Value(true);
    case 'f':
      expectWord("false");
      return Value(false);
    case 'n':
      expectWord("null");
      return Value();
    case '\0':
      if (pos_ >= text_.size())
        fail("unexpected end of input");
      [[fallthrough]];
    default:
      if (peek() == '-' || (peek() >= '0' && peek() <= '9'))
        return parseNumber();
      fail(std::string("unexpected character '") + peek() + "'");
    }
  }

  Value parseObject(size_t depth) {
    expect('{');
    Value obj = Value::object();
    skipSpace();
    if (peek() == '}') {
      ++pos_;
      return obj;
    }
    for (;;) {
      skipSpace();
      if (peek() != '"')
        fail("expected a string key in object");
      std::string key = parseString();
      skipSpace();
      expect(':');
      obj.set(key, parseValue(depth + 1));
      skipSpace();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') {
        ++pos_;
        return obj;
      }
      fail("expected ',' or '}' in object");
    }
  }

  Value parseArray(size_t depth) {
    expect('[');
    Value arr = Value::array();
    skipSpace();
    if (peek() == ']') {
      ++pos_;
      return arr;
    }
    for (;;) {
      arr.push(parseValue(depth + 1));
      skipSpace();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ']') {
        ++pos_;
        return arr;
      }
      fail("expected ',' or ']' in array");
    }
  }

  unsigned parseHex4() {
    if (pos_ + 4 > text_.size())
      fail("truncated \\u escape");
    unsigned code = 0;
    for (int i = 0; i < 4; ++i) {
      char c = text_[pos_++];
      code <<= 4;
      if (c >= '0' && c <= '9')
        code |= c - '0';
      else if (c >= 'a' && c <= 'f')
        code |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        code |= c - 'A' + 10;
      else
        fail("invalid hex digit in \\u escape");
    }
    return code;
  }

  static void appendUtf8(std::string &out, unsigned code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  void parseEscape(std::string &out) {
    if (pos_ >= text_.size())
      fail("unterminated string");
    char c = text_[pos_++];
    switch (c) {
    case '"': out += '"'; break;
    case '\\': out += '\\'; break;
    case '/': out += '/'; break;
    case 'b': out += '\b'; break;
    case 'f': out += '\f'; break;
    case 'n': out += '\n'; break;
    case 'r': out += '\r'; break;
    case 't': out += '\t'; break;
    case 'u': {
      unsigned code = parseHex4();
      if (code >= 0xD800 && code <= 0xDBFF && text_.substr(pos_, 2) == "\\u") {
        pos_ += 2;
        unsigned low = parseHex4();
        if (low >= 0xDC00 && low <= 0xDFFF)
          code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
        else
          fail("invalid surrogate pair in \\u escape");
      }
      appendUtf8(out, code);
      break;
    }
    default:
      fail(std::string("invalid escape '\\") + c + "'");
    }
  }

  std::string parseString() {
    expect('"');
    std::string out;
    for (;;) {
      if (pos_ >= text_.size())
        fail("unterminated string");
      char c = text_[pos_++];
      if (c == '"')
        return out;
      if (c == '\\') {
        parseEscape(out);
      } else if (static_cast<unsigned char>(c) < 0x20) {
        --pos_;
        fail("control character in string");
      } else {
        out += c;
      }
    }
  }

  Value parseNumber() {
    size_t start = pos_;
    if (peek() == '-')
      ++pos_;
    if (!(peek() >= '0' && peek() <= '9'))
      fail("invalid number");
    bool integral = true;
    while (peek() >= '0' && peek() <= '9')
      ++pos_;
    if (peek() == '.') {
      integral = false;
      ++pos_;
      if (!(peek() >= '0' && peek() <= '9'))
        fail("invalid number: digits expected after '.'");
      while (peek() >= '0' && peek() <= '9')
        ++pos_;
    }
    if (peek() == 'e' || peek() == 'E') {
      integral = false;
      ++pos_;
      if (peek() == '+' || peek() == '-')
        ++pos_;
      if (!(peek() >= '0' && peek() <= '9'))
        fail("invalid number: digits expected in exponent");
      while (peek() >= '0' && peek() <= '9')
        ++pos_;
    }
    std::string token(text_.substr(start, pos_ - start));
    if (integral) {
      errno = 0;
      char *end = nullptr;
      long long v = std::strtoll(token.c_str(), &end, 10);
      if (errno == 0)
        return Value(static_cast<int64_t>(v));
    }
    return Value(std::strtod(token.c_str(), nullptr));
  }

  std::string_view text_;
  size_t pos_ = 0;
};

void writeString(std::string &out, const std::string &s) {
  out += '"';
  for (char c : s) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    case '\b': out += "\\b"; break;
    case '\f': out += "\\f"; break;
    default:
      if (static_cast<unsigned char>(c) < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(c));
        out += buf;
      } else {
        out += c;
      }
    }
  }
  out += '"';
}

void newline(std::string &out, int indent, int depth) {
  if (indent < 0)
    return;
  out += '\n';
  out.append(static_cast<size_t>(indent * depth), ' ');
}

void writeValue(std::string &out, const Value &v, int indent, int depth) {
  switch (v.kind()) {
  case Value::Kind::Null:
    out += "null";
    return;
  case Value::Kind::Bool:
    out += v.asBool() ? "true" : "false";
    return;
  case Value::Kind::Integer:
    out += std::to_string(v.asInt());
    return;
  case Value::Kind::Double: {
    double d = v.asDouble();
    if (!std::isfinite(d)) { // JSON has no NaN/Infinity
      out += "null";
      return;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", d);
    out += buf;
    return;
  }
  case Value::Kind::String:
    writeString(out, v.asString());
    return;
  case Value::Kind::Array: {
    if (v.items().empty()) {
      out += "[]";
      return;
    }
    out += '[';
    bool first = true;
    for (const Value &item : v.items()) {
      if (!first)
        out += ',';
      first = false;
      newline(out, indent, depth + 1);
      writeValue(out, item, indent, depth + 1);
    }
    newline(out, indent, depth);
    out += ']';
    return;
  }
  case Value::Kind::Object: {
    if (v.members().empty()) {
      out += "{}";
      return;
    }
    out += '{';
    bool first = true;
    for (const auto &member : v.members()) {
      if (!first)
        out += ',';
      first = false;
      newline(out, indent, depth + 1);
      writeString(out, member.first);
      out += indent < 0 ? ":" : ": ";
      writeValue(out, member.second, indent, depth + 1);
    }
    newline(out, indent, depth);
    out += '}';
    return;
  }
  }
}

} // namespace

Value parse(std::string_view text) { return Parser(text).parseDocument(); }

std::string serialize(const Value &value, int indent) {
  std::string out;
  writeValue(out, value, indent, 0);
  return out;
}

} // namespace interlock::json
