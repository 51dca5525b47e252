#include "driver/Config.h"

#include <llvm/ADT/STLExtras.h>
#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/MemoryBuffer.h>

namespace interlock {

namespace {
llvm::Error lineError(llvm::StringRef file, unsigned line, const llvm::Twine &why) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 file + ":" + llvm::Twine(line) + ": " + why);
}

// Drops a `#` comment (not inside quotes) and surrounding blanks; unquotes.
llvm::StringRef cleanValue(llvm::StringRef value) {
  value = value.trim();
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
      value.back() == value.front())
    return value.drop_front().drop_back();
  size_t hash = value.find(" #");
  if (hash != llvm::StringRef::npos)
    value = value.take_front(hash);
  return value.trim();
}

bool isKnownKey(llvm::StringRef key) {
  return llvm::is_contained(
      std::initializer_list<llvm::StringRef>{
          "thread-pool-submit", "exclude", "extra-arg", "jobs", "source-root",
          "max-cycles-per-component", "assume-concurrent-public-methods"},
      key);
}

llvm::Error setKey(ConfigFile &config, llvm::StringRef key, llvm::StringRef value,
                   llvm::StringRef file, unsigned line) {
  auto number = [&](std::optional<unsigned> &out) -> llvm::Error {
    unsigned parsed = 0;
    if (value.getAsInteger(10, parsed))
      return lineError(file, line, "'" + key + "' needs a number, not '" + value + "'");
    out = parsed;
    return llvm::Error::success();
  };
  if (key == "thread-pool-submit")
    config.threadPoolSubmit.push_back(value.str());
  else if (key == "exclude")
    config.exclude.push_back(value.str());
  else if (key == "extra-arg")
    config.extraArgs.push_back(value.str());
  else if (key == "jobs")
    return number(config.jobs);
  else if (key == "max-cycles-per-component")
    return number(config.maxCyclesPerComponent);
  else if (key == "source-root")
    config.sourceRoot = value.str();
  else if (key == "assume-concurrent-public-methods") {
    if (value != "true" && value != "false")
      return lineError(file, line, "'" + key + "' must be true or false");
    config.assumeConcurrentPublicMethods = value == "true";
  } else
    return lineError(file, line,
                     "unknown key '" + key +
                         "' (known: thread-pool-submit, exclude, extra-arg, jobs, "
                         "source-root, max-cycles-per-component, "
                         "assume-concurrent-public-methods)");
  return llvm::Error::success();
}
} // namespace

llvm::Expected<ConfigFile> parseConfig(llvm::StringRef text, llvm::StringRef file) {
  ConfigFile config;
  std::string listKey; // the key whose `- item` lines follow
  unsigned lineNumber = 0;
  while (!text.empty()) {
    auto [rawLine, rest] = text.split('\n');
    text = rest;
    ++lineNumber;
    llvm::StringRef line = rawLine.rtrim("\r \t");
    llvm::StringRef content = line.ltrim();
    if (content.empty() || content.starts_with("#"))
      continue;
    if (content.starts_with("- ") || content == "-") {
      if (listKey.empty())
        return lineError(file, lineNumber, "list item without a key above it");
      if (auto error = setKey(config, listKey, cleanValue(content.drop_front(1)), file,
                              lineNumber))
        return std::move(error);
      continue;
    }
    auto [key, value] = content.split(':');
    if (key.size() == content.size())
      return lineError(file, lineNumber, "expected 'key: value', got '" + content + "'");
    key = key.trim();
    value = cleanValue(value);
    if (value.empty()) {
      // `key:` alone: its values follow as `- item` lines.
      if (!isKnownKey(key))
        return lineError(file, lineNumber, "unknown key '" + key + "'");
      listKey = key.str();
      continue;
    }
    listKey.clear();
    if (auto error = setKey(config, key, value, file, lineNumber))
      return std::move(error);
  }
  return config;
}

llvm::Expected<ConfigFile> loadConfig(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return llvm::createStringError(buffer.getError(),
                                   "cannot read config file '" + path +
                                       "': " + buffer.getError().message());
  return parseConfig((*buffer)->getBuffer(), path);
}

} // namespace interlock
