#include "util/Util.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace interlock::report {

std::optional<std::string> readFile(const std::string &path, std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = std::strerror(errno);
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    error = "read error";
    return std::nullopt;
  }
  return text.str();
}

bool writeFile(const std::string &path, const std::string &content, std::string &error) {
  std::string temp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) {
      error = std::strerror(errno);
      return false;
    }
    out << content;
    out.flush();
    if (!out) {
      error = "write error";
      std::remove(temp.c_str());
      return false;
    }
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    error = std::strerror(errno);
    std::remove(temp.c_str());
    return false;
  }
  return true;
}

static int hexValue(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static std::string percentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hexValue(s[i + 1]) >= 0 && hexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(hexValue(s[i + 1]) * 16 + hexValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string uriToPath(std::string_view uri) {
  if (startsWith(uri, "file://")) {
    uri.remove_prefix(7);
    // file://host/path: drop a host (only "localhost" or empty make sense here).
    if (!uri.empty() && uri[0] != '/') {
      size_t slash = uri.find('/');
      uri = slash == std::string_view::npos ? std::string_view() : uri.substr(slash);
    }
  } else if (startsWith(uri, "file:")) {
    uri.remove_prefix(5);
  }
  return percentDecode(uri);
}

std::string encodeUriPath(std::string_view path) {
  static const char *hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 std::strchr("/-._~+,;=@:!$&'()", c) != nullptr;
    if (plain && c != 0) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string pathToFileUri(std::string_view path) { return "file://" + encodeUriPath(path); }

std::string normalizePath(std::string_view path) {
  if (path.empty())
    return std::string();
  bool absolute = path[0] == '/';
  std::vector<std::string> parts;
  for (const std::string &part : split(path, '/')) {
    if (part.empty() || part == ".")
      continue;
    if (part == ".." && !parts.empty() && parts.back() != "..") {
      parts.pop_back();
    } else if (part == ".." && absolute) {
      continue; // "/.." is "/"
    } else {
      parts.push_back(part);
    }
  }
  std::string out = absolute ? "/" : "";
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i)
      out += '/';
    out += parts[i];
  }
  return out.empty() ? "." : out;
}

std::string joinPath(std::string_view base, std::string_view rel) {
  if (!rel.empty() && rel[0] == '/')
    return normalizePath(rel);
  if (base.empty())
    return normalizePath(rel);
  return normalizePath(std::string(base) + "/" + std::string(rel));
}

std::optional<std::string> relativeTo(std::string_view path, std::string_view root) {
  std::string p = normalizePath(path), r = normalizePath(root);
  if (r == "/")
    return p.size() > 1 ? std::optional<std::string>(p.substr(1)) : std::nullopt;
  if (p.size() > r.size() && startsWith(p, r) && p[r.size()] == '/')
    return p.substr(r.size() + 1);
  return std::nullopt;
}

std::string currentDirectory() {
  std::vector<char> buf(4096);
  while (::getcwd(buf.data(), buf.size()) == nullptr) {
    if (errno != ERANGE)
      return ".";
    buf.resize(buf.size() * 2);
  }
  return std::string(buf.data());
}

std::string baseName(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string hashHex(std::string_view text) {
  uint64_t h = 14695981039346656037ULL; // FNV-1a 64 offset basis
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string listNames(const std::vector<std::string> &items, size_t shown) {
  std::string out;
  for (size_t i = 0; i < items.size() && i < shown; ++i)
    out += (i ? ", " : "") + baseName(items[i]);
  if (items.size() > shown)
    out += " and " + std::to_string(items.size() - shown) + " more";
  return out;
}

bool startsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

bool endsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t at = s.find(sep, start);
    out.emplace_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos)
      return out;
    start = at + 1;
  }
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n'))
    ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n'))
    --e;
  return std::string(s.substr(b, e - b));
}

bool globMatch(std::string_view pattern, std::string_view text) {
  // Iterative matcher with single backtrack point: linear for typical patterns.
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*')
    ++p;
  return p == pattern.size();
}

} // namespace interlock::report
