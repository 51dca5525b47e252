// Options that change what the analysis sees (set by the tool's command line
// or config file; the output stage has its own options).
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace interlock {

/// Lock effects of wrapper functions, by USR (defined in facts/TUFacts.h).
struct ExternalLockEffectMap;

struct AnalyzerConfig {
  /// Functions that run their callable argument on another thread, as
  /// qualified names ("ThreadPool::enqueue", "boost::asio::post").
  std::vector<std::string> threadPoolSubmitFunctions;
  /// Bound on elementary circuits enumerated per strongly connected component;
  /// when hit, the report says so.
  unsigned maxCyclesPerComponent = 1000;
  /// Treat public methods of classes that own and use a mutex as possibly
  /// concurrent with each other (RacerD's library assumption).
  bool assumeConcurrentPublicMethods = true;
  /// Acquire/release wrappers defined in other TUs (set by the driver for its
  /// later passes; see completeCrossTUWrappers). Applied at a call only when
  /// the callee's body is not visible in the TU being analyzed.
  std::shared_ptr<const ExternalLockEffectMap> externalLockEffects;
};

} // namespace interlock
