// Runs the real analysis on snippets and checks end-of-line markers:
//   // RACE        a data-race finding must be on this line
//   // DEADLOCK    a lock-order-inversion finding must be on this line
//   // DOUBLELOCK  a double-lock finding must be on this line
// and no finding of those rules may be on any other line (// NORACE,
// // NODEADLOCK, // NODOUBLELOCK document the look-alikes).
#pragma once

#include "interlock/Analysis.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace interlock::test {

/// Standard headers the snippets may use; prepended to every snippet.
extern const char *const kPrelude;
/// A C main() running `void *worker(void *)` on two threads, then joining them.
extern const char *const kCWorkerTwiceMain;

struct Snippet {
  std::string code;
  std::string language = "c++"; ///< "c++" or "c"
};

/// Analyzes the snippets as the driver does (cross-TU wrappers to a fixed
/// point, at most `maxPasses`); `passes`, when given, says how it went.
std::vector<Finding> analyzeSnippets(const std::vector<Snippet> &tus,
                                     const AnalyzerConfig &config = {},
                                     CrossTUFixedPoint *passes = nullptr,
                                     unsigned maxPasses = kMaxCrossTUPasses);

/// Checks every marker both ways; returns a readable mismatch list or "".
std::string checkMarkers(const std::vector<Snippet> &tus, const std::vector<Finding> &findings);

/// Analyzes and checks; use as EXPECT_MARKERS({{code}}).
::testing::AssertionResult markersMatch(const std::vector<Snippet> &tus,
                                        const AnalyzerConfig &config = {});

/// The findings of one rule, for assertions on messages and notes.
std::vector<Finding> ofRule(const std::vector<Finding> &findings, const std::string &rule);

} // namespace interlock::test

#define EXPECT_MARKERS(...) EXPECT_TRUE(::interlock::test::markersMatch(__VA_ARGS__))
