// The AST consumer run on each TU: finds every function with a body in user
// code (template instantiations and lambda bodies included), analyzes each,
// and grows wrapper summaries to a fixed point within the TU.
#include "facts/ClangModel.h"
#include "facts/FunctionAnalyzer.h"
#include "facts/TUFacts.h"
#include "interlock/Analysis.h"

#include <clang/AST/ASTConsumer.h>
#include <clang/AST/ASTContext.h>
#include <clang/AST/Attr.h>
#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/Frontend/FrontendAction.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Lex/Lexer.h>

#include <algorithm>
#include <set>

using namespace clang;

namespace interlock {

void destroyFacts(TUFacts *f) { delete f; }
TUFactsPtr newFacts() { return TUFactsPtr(new TUFacts()); }

namespace {

class Collector : public RecursiveASTVisitor<Collector> {
public:
  explicit Collector(ASTContext &ast) : ast_(ast) {}
  bool shouldVisitTemplateInstantiations() const { return true; }
  bool shouldVisitLambdaBody() const { return true; }

  bool VisitFunctionDecl(FunctionDecl *fn) {
    if (!fn->doesThisDeclarationHaveABody() || fn->isDependentContext() || inSystem(fn))
      return true;
    if (const auto *method = dyn_cast<CXXMethodDecl>(fn); method && method->getParent()->isLambda())
      return true; // collected from the LambdaExpr
    functions.push_back(fn);
    return true;
  }
  bool VisitLambdaExpr(LambdaExpr *lambda) {
    CXXMethodDecl *op = lambda->getCallOperator();
    if (op && op->hasBody() && !op->isDependentContext() && !inSystem(op))
      functions.push_back(op);
    return true;
  }
  bool VisitCXXRecordDecl(CXXRecordDecl *record) {
    if (!record->isThisDeclarationADefinition() || record->isDependentContext() ||
        inSystem(record) || record->isLambda())
      return true;
    records.push_back(record);
    return true;
  }

  std::vector<const FunctionDecl *> functions;
  std::vector<const CXXRecordDecl *> records;

private:
  bool inSystem(const Decl *d) const {
    return ast_.getSourceManager().isInSystemHeader(d->getLocation());
  }
  ASTContext &ast_;
};

/// Whether a field of this type holds a mutex: a mutex itself, a class marked
/// as a capability (`class LOCKABLE Mutex`, Clang's thread-safety attribute),
/// or a class with such a field, as project wrappers around std::mutex are
/// (leveldb's port::Mutex, absl-style Mutex classes). Arrays count by their
/// element type. `depth` bounds the walk through nested members.
bool typeHoldsMutex(QualType type, int depth = 0) {
  if (mutexKindOf(type) != MutexKind::None)
    return true;
  const auto *record = type->getBaseElementTypeUnsafe()->getAsCXXRecordDecl();
  if (!record || !record->hasDefinition() || depth > 3)
    return false;
  record = record->getDefinition();
  if (record->hasAttr<CapabilityAttr>())
    return true;
  for (const FieldDecl *field : record->fields())
    if (typeHoldsMutex(field->getType(), depth + 1))
      return true;
  return false;
}

ClassFacts classFactsOf(const CXXRecordDecl *record, ASTContext &ast) {
  ClassFacts facts;
  facts.name = qualifiedNameOf(record);
  for (const FieldDecl *field : record->fields()) {
    if (typeHoldsMutex(field->getType()))
      facts.ownsMutex = true;
    auto spell = [&](const Expr *e) {
      return Lexer::getSourceText(CharSourceRange::getTokenRange(e->getSourceRange()),
                                  ast.getSourceManager(), ast.getLangOpts())
          .str();
    };
    std::string fieldName = facts.name + "::" + field->getNameAsString();
    for (const auto *attr : field->specific_attrs<GuardedByAttr>())
      facts.guardedBy.push_back({fieldName, spell(attr->getArg())});
    for (const auto *attr : field->specific_attrs<PtGuardedByAttr>())
      facts.guardedBy.push_back({fieldName, spell(attr->getArg())});
  }
  return facts;
}

class FactsConsumer : public ASTConsumer {
public:
  FactsConsumer(TUFacts &out, const AnalyzerConfig &config) : out_(out), config_(config) {}

  void HandleTranslationUnit(ASTContext &ast) override {
    SourceManager &sm = ast.getSourceManager();
    if (auto entry = sm.getFileEntryRefForID(sm.getMainFileID()))
      out_.mainFile = entry->getName().str();
    Collector collector(ast);
    collector.TraverseDecl(ast.getTranslationUnitDecl());
    for (const CXXRecordDecl *record : collector.records)
      out_.classes.push_back(classFactsOf(record, ast));

    TUContext tu{ast, config_, {}};
    // Wrapper summaries can depend on each other (a wrapper calling a
    // wrapper); a few rounds reach the fixed point in practice, and the
    // bound keeps recursion among wrappers from looping.
    const int maxRounds = 4;
    for (int round = 0; round < maxRounds; ++round) {
      std::vector<FunctionFacts> functions;
      std::map<std::string, WrapperSummary> summaries;
      for (const FunctionDecl *fn : collector.functions) {
        WrapperSummary summary;
        functions.push_back(analyzeFunction(fn, tu, summary));
        if (!summary.acquires.empty() || !summary.releases.empty())
          summaries[functions.back().usr] = summary;
      }
      bool stable = summaries.size() == tu.wrappers.size();
      for (const auto &[usr, summary] : summaries)
        stable = stable && tu.wrappers.count(usr) && tu.wrappers[usr] == summary;
      out_.functions = std::move(functions);
      if (stable)
        break;
      tu.wrappers = std::move(summaries);
    }
    out_.externalCallees = std::move(tu.externalCallees);
  }

private:
  TUFacts &out_;
  const AnalyzerConfig &config_;
};

} // namespace

std::unique_ptr<ASTConsumer> makeFactsConsumer(TUFacts &out, const AnalyzerConfig &config) {
  return std::make_unique<FactsConsumer>(out, config);
}

namespace {
class FactsAction : public ASTFrontendAction {
public:
  FactsAction(TUFacts &facts, const AnalyzerConfig &config) : facts_(facts), config_(config) {}
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &, llvm::StringRef) override {
    return makeFactsConsumer(facts_, config_);
  }

private:
  TUFacts &facts_;
  const AnalyzerConfig &config_;
};
} // namespace

std::unique_ptr<FrontendAction> makeFactsAction(TUFacts &out, const AnalyzerConfig &config) {
  return std::make_unique<FactsAction>(out, config);
}

namespace {

bool sameEffects(const ExternalLockEffects &a, const ExternalLockEffects &b) {
  return sameLockEffects(a.acquiresOnReturn, b.acquiresOnReturn) &&
         sameLockEffects(a.releasesOnReturn, b.releasesOnReturn);
}

/// The lock effect of every wrapper of the program, by USR.
std::shared_ptr<ExternalLockEffectMap> collectWrapperEffects(const std::vector<TUFactsPtr> &tus) {
  auto effects = std::make_shared<ExternalLockEffectMap>();
  for (const TUFactsPtr &tu : tus)
    if (tu)
      for (const FunctionFacts &fn : tu->functions)
        if (!fn.acquiresOnReturn.empty() || !fn.releasesOnReturn.empty())
          effects->byUsr.emplace(fn.usr, ExternalLockEffects{fn.acquiresOnReturn,
                                                              fn.releasesOnReturn});
  return effects;
}

/// USRs whose effect differs between `before` and `after` (added, removed or changed).
std::set<std::string> changedWrappers(const ExternalLockEffectMap &before,
                                      const ExternalLockEffectMap &after) {
  std::set<std::string> changed;
  for (const auto &[usr, effect] : after.byUsr) {
    auto it = before.byUsr.find(usr);
    if (it == before.byUsr.end() || !sameEffects(it->second, effect))
      changed.insert(usr);
  }
  for (const auto &[usr, effect] : before.byUsr)
    if (!after.byUsr.count(usr))
      changed.insert(usr);
  return changed;
}

/// TUs that use, without defining, a function of `changed`.
std::vector<size_t> tusCalling(const std::vector<TUFactsPtr> &tus,
                               const std::set<std::string> &changed) {
  std::vector<size_t> out;
  for (size_t i = 0; i < tus.size(); ++i) {
    if (!tus[i])
      continue;
    for (const std::string &usr : tus[i]->externalCallees)
      if (changed.count(usr)) {
        out.push_back(i);
        break;
      }
  }
  return out;
}

} // namespace

CrossTUWrapperPlan planCrossTUWrappers(const std::vector<TUFactsPtr> &tus) {
  std::shared_ptr<ExternalLockEffectMap> effects = collectWrapperEffects(tus);
  CrossTUWrapperPlan plan;
  if (effects->byUsr.empty())
    return plan;
  plan.rerun = tusCalling(tus, changedWrappers(ExternalLockEffectMap(), *effects));
  if (!plan.rerun.empty())
    plan.effects = std::move(effects);
  return plan;
}

CrossTUFixedPoint completeCrossTUWrappers(std::vector<TUFactsPtr> &tus,
                                          const AnalyzerConfig &config,
                                          const ReanalyzeTUs &reanalyze, unsigned maxPasses) {
  CrossTUFixedPoint result;
  // Invariant: every TU was last analyzed with effects equal to `applied` for
  // each external function it uses (pass 1 with none, and a TU is analyzed
  // again whenever one of its external functions changes).
  auto applied = std::make_shared<ExternalLockEffectMap>();
  while (true) {
    std::shared_ptr<ExternalLockEffectMap> current = collectWrapperEffects(tus);
    std::set<std::string> changed = changedWrappers(*applied, *current);
    std::vector<size_t> rerun = tusCalling(tus, changed);
    if (rerun.empty())
      return result; // fixed point: no caller of a changed wrapper is left
    if (result.passes >= maxPasses) {
      result.boundReached = true;
      for (const TUFactsPtr &tu : tus)
        if (tu)
          for (const FunctionFacts &fn : tu->functions)
            if (changed.count(fn.usr))
              result.unsettledWrappers.push_back(fn.name);
      std::sort(result.unsettledWrappers.begin(), result.unsettledWrappers.end());
      result.unsettledWrappers.erase(
          std::unique(result.unsettledWrappers.begin(), result.unsettledWrappers.end()),
          result.unsettledWrappers.end());
      return result;
    }
    AnalyzerConfig withWrappers = config;
    withWrappers.externalLockEffects = current;
    std::vector<TUFactsPtr> fresh = reanalyze(rerun, withWrappers);
    for (size_t k = 0; k < rerun.size() && k < fresh.size(); ++k)
      if (fresh[k]) // a TU that does not parse again keeps its earlier facts
        tus[rerun[k]] = std::move(fresh[k]);
    ++result.passes;
    result.reanalyzedTUs += rerun.size();
    applied = std::move(current);
  }
}

} // namespace interlock
