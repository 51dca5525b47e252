// The --config file: a small YAML subset (`key: value`, `key:` followed by
// `- item` lines, `#` comments), conventionally named .interlock.yaml.
#pragma once

#include <llvm/Support/Error.h>

#include <optional>
#include <string>
#include <vector>

namespace interlock {

struct ConfigFile {
  std::vector<std::string> threadPoolSubmit; ///< thread-pool-submit
  std::vector<std::string> exclude;          ///< exclude
  std::vector<std::string> extraArgs;        ///< extra-arg
  std::optional<unsigned> jobs;              ///< jobs
  std::optional<std::string> sourceRoot;     ///< source-root
  std::optional<unsigned> maxCyclesPerComponent;       ///< max-cycles-per-component
  std::optional<bool> assumeConcurrentPublicMethods;   ///< assume-concurrent-public-methods
};

/// Parses config text; errors name the line ("config.yaml:3: unknown key 'foo'").
llvm::Expected<ConfigFile> parseConfig(llvm::StringRef text, llvm::StringRef fileName);
llvm::Expected<ConfigFile> loadConfig(llvm::StringRef path);

} // namespace interlock
