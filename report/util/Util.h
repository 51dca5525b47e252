// Small helpers shared by the driver's stages: files, paths and URIs, hashing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace interlock::report {

// The whole file, or nullopt with `error` set to the reason.
std::optional<std::string> readFile(const std::string &path, std::string &error);
// Writes atomically enough for CI: a temporary next to it, then rename.
bool writeFile(const std::string &path, const std::string &content, std::string &error);

// "file:///a/b%20c" -> "/a/b c". Anything else is returned percent-decoded.
std::string uriToPath(std::string_view uri);
// "/a/b c" -> "file:///a/b%20c"
std::string pathToFileUri(std::string_view path);
// Percent-encodes what is not allowed in a relative URI reference.
std::string encodeUriPath(std::string_view path);
// Lexically removes "." and ".." components and duplicate slashes.
std::string normalizePath(std::string_view path);
// base + "/" + rel, normalized; rel as is when it is already absolute.
std::string joinPath(std::string_view base, std::string_view rel);
// `path` relative to `root` (both normalized absolute), or nullopt when outside.
std::optional<std::string> relativeTo(std::string_view path, std::string_view root);
std::string currentDirectory();
std::string baseName(std::string_view path);

// 64-bit FNV-1a as 16 hex digits: stable across platforms and runs.
std::string hashHex(std::string_view text);

// "a, b, c and 4 more": base names of at most `shown` items, then a count.
std::string listNames(const std::vector<std::string> &items, size_t shown);

bool startsWith(std::string_view s, std::string_view prefix);
bool endsWith(std::string_view s, std::string_view suffix);
std::vector<std::string> split(std::string_view s, char sep);
std::string trim(std::string_view s);
// Shell-style wildcard: '*' any run, '?' one character.
bool globMatch(std::string_view pattern, std::string_view text);

} // namespace interlock::report
