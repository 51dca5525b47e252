// --baseline=FILE: the fingerprints of an earlier SARIF run. Findings whose
// fingerprint is there are "unchanged" and do not count toward the exit code.
#include "output/Output.h"

#include <llvm/Support/JSON.h>
#include <llvm/Support/MemoryBuffer.h>

namespace interlock {

namespace {
llvm::Error baselineError(llvm::StringRef path, const llvm::Twine &why) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "cannot use baseline '" + path + "': " + why);
}
} // namespace

llvm::Expected<std::set<std::string>> loadBaseline(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return baselineError(path, buffer.getError().message());
  auto json = llvm::json::parse((*buffer)->getBuffer());
  if (!json)
    return baselineError(path, "not JSON: " + llvm::toString(json.takeError()));
  const llvm::json::Object *root = json->getAsObject();
  const llvm::json::Array *runs = root ? root->getArray("runs") : nullptr;
  if (!runs)
    return baselineError(path, "not a SARIF file (no \"runs\" array)");
  std::set<std::string> fingerprints;
  for (const llvm::json::Value &run : *runs) {
    const llvm::json::Object *runObject = run.getAsObject();
    const llvm::json::Array *results = runObject ? runObject->getArray("results") : nullptr;
    if (!results)
      continue;
    for (const llvm::json::Value &result : *results) {
      const llvm::json::Object *resultObject = result.getAsObject();
      const llvm::json::Object *prints =
          resultObject ? resultObject->getObject("partialFingerprints") : nullptr;
      if (!prints)
        continue;
      if (auto print = prints->getString("interlock/v1"))
        fingerprints.insert(print->str());
    }
  }
  return fingerprints;
}

} // namespace interlock
