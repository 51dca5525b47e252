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
#include <clang/Basic/SourceManager.h>
#include <clang/Lex/Lexer.h>

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

ClassFacts classFactsOf(const CXXRecordDecl *record, ASTContext &ast) {
  ClassFacts facts;
  facts.name = qualifiedNameOf(record);
  for (const FieldDecl *field : record->fields()) {
    if (mutexKindOf(field->getType()) != MutexKind::None)
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
  }

private:
  TUFacts &out_;
  const AnalyzerConfig &config_;
};

} // namespace

std::unique_ptr<ASTConsumer> makeFactsConsumer(TUFacts &out, const AnalyzerConfig &config) {
  return std::make_unique<FactsConsumer>(out, config);
}

CrossTUWrapperPlan planCrossTUWrappers(const std::vector<TUFactsPtr> &tus) {
  auto effects = std::make_shared<ExternalLockEffectMap>();
  for (const TUFactsPtr &tu : tus)
    for (const FunctionFacts &fn : tu->functions)
      if (!fn.acquiresOnReturn.empty() || !fn.releasesOnReturn.empty())
        effects->byUsr.emplace(fn.usr, ExternalLockEffects{fn.acquiresOnReturn,
                                                            fn.releasesOnReturn});
  CrossTUWrapperPlan plan;
  if (effects->byUsr.empty())
    return plan;
  for (size_t i = 0; i < tus.size(); ++i) {
    std::set<std::string> defined;
    for (const FunctionFacts &fn : tus[i]->functions)
      defined.insert(fn.usr);
    bool callsExternalWrapper = false;
    for (const FunctionFacts &fn : tus[i]->functions)
      for (const CallFact &call : fn.calls)
        callsExternalWrapper = callsExternalWrapper ||
                               (!defined.count(call.calleeUsr) && effects->byUsr.count(call.calleeUsr));
    if (callsExternalWrapper)
      plan.rerun.push_back(i);
  }
  if (!plan.rerun.empty())
    plan.effects = std::move(effects);
  return plan;
}

} // namespace interlock
