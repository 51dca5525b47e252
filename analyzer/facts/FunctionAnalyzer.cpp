// The per-function dataflow. One forward pass over Clang's CFG (with implicit
// destructors, so RAII guards release at scope exit, on early returns and
// on break/continue) computes the must-hold lockset at every point; a final
// pass over the fixed point records the facts.
#include "facts/FunctionAnalyzer.h"

#include "facts/ClangModel.h"

#include <clang/AST/ASTContext.h>
#include <clang/AST/Attr.h>
#include <clang/AST/ExprCXX.h>
#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/AST/StmtCXX.h>
#include <clang/Analysis/CFG.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Index/USRGeneration.h>
#include <clang/Lex/Lexer.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include <algorithm>
#include <deque>
#include <set>

using namespace clang;

namespace interlock {

bool WrapperSummary::operator==(const WrapperSummary &o) const {
  return sameLockEffects(acquires, o.acquires) && sameLockEffects(releases, o.releases);
}

std::string usrOf(const Decl *decl) {
  llvm::SmallString<128> buf;
  if (!decl || index::generateUSRForDecl(decl, buf))
    return "";
  return std::string(buf);
}

namespace {

const Expr *strip(const Expr *e) {
  while (e) {
    const Expr *next = e->IgnoreParenImpCasts();
    if (const auto *m = dyn_cast<MaterializeTemporaryExpr>(next))
      next = m->getSubExpr();
    else if (const auto *b = dyn_cast<CXXBindTemporaryExpr>(next))
      next = b->getSubExpr();
    else if (const auto *c = dyn_cast<ExprWithCleanups>(next))
      next = c->getSubExpr();
    else if (const auto *cast = dyn_cast<ExplicitCastExpr>(next))
      next = cast->getSubExpr();
    else if (const auto *ce = dyn_cast<CXXConstructExpr>(next);
             ce && ce->getNumArgs() == 1 && ce->getConstructor()->isCopyOrMoveConstructor())
      next = ce->getArg(0);
    if (next == e)
      return e;
    e = next;
  }
  return e;
}

/// `std::move(x)`, `std::ref(x)`, `std::cref(x)` and `&x` are transparent for
/// identity purposes.
const Expr *stripWrappers(const Expr *e) {
  while (true) {
    e = strip(e);
    if (const auto *call = dyn_cast_or_null<CallExpr>(e)) {
      std::string name = qualifiedNameOf(call->getDirectCallee());
      if ((name == "std::move" || name == "std::ref" || name == "std::cref" ||
           name == "std::forward") && call->getNumArgs() == 1) {
        e = call->getArg(0);
        continue;
      }
    }
    if (const auto *unary = dyn_cast_or_null<UnaryOperator>(e);
        unary && unary->getOpcode() == UO_AddrOf) {
      e = unary->getSubExpr();
      continue;
    }
    return e;
  }
}

/// The object itself is declared const (a const global or field), not just
/// seen through a const `this` or reference.
bool isDeclaredConst(const Expr *e) {
  e = e->IgnoreParenImpCasts();
  if (const auto *member = dyn_cast<MemberExpr>(e))
    return member->getMemberDecl()->getType().isConstQualified();
  if (const auto *ref = dyn_cast<DeclRefExpr>(e))
    if (const auto *var = dyn_cast<VarDecl>(ref->getDecl()))
      return !var->getType()->isReferenceType() &&
             (var->getType().isConstQualified() || var->isConstexpr());
  return false;
}

struct Guard {
  std::vector<AccessPath> mutexes;
  std::vector<bool> recursive;
  bool shared = false;
  enum Own { No, Yes, Maybe } owns = No;
};

/// A trylock whose outcome is decided by the branch that tests it.
struct PendingTry {
  std::vector<AccessPath> locks;
  bool shared = false;
  bool successWhenTrue = true;
  const VarDecl *guard = nullptr;
  SourceSite site;
};

struct State {
  bool reachable = false;
  std::vector<HeldLock> held;
  std::map<const VarDecl *, Guard> guards;
  std::map<const void *, PendingTry> pending;
  std::vector<AccessPath> released;

  bool holds(const std::string &key) const {
    for (const HeldLock &h : held)
      if (h.lock.key() == key)
        return true;
    return false;
  }
  std::string signature() const {
    std::string s = reachable ? "R" : "U";
    for (const HeldLock &h : held)
      s += "|" + h.lock.key() + (h.shared ? "s" : "x");
    for (const auto &[var, g] : guards) {
      s += "|g" + std::to_string(reinterpret_cast<uintptr_t>(var)) + ":" + std::to_string(g.owns);
      for (const AccessPath &m : g.mutexes)
        s += "," + m.key();
    }
    for (const auto &[key, p] : pending)
      s += "|p" + std::to_string(reinterpret_cast<uintptr_t>(key));
    for (const AccessPath &r : released)
      s += "|r" + r.key();
    return s;
  }
};

State merge(const State &a, const State &b) {
  if (!a.reachable)
    return b;
  if (!b.reachable)
    return a;
  State out;
  out.reachable = true;
  for (const HeldLock &h : a.held) {
    for (const HeldLock &other : b.held) {
      if (other.lock.key() == h.lock.key()) {
        HeldLock kept = h;
        kept.shared = h.shared || other.shared;
        out.held.push_back(kept);
        break;
      }
    }
  }
  out.guards = a.guards;
  for (const auto &[var, g] : b.guards) {
    auto it = out.guards.find(var);
    if (it == out.guards.end()) {
      Guard maybe = g;
      maybe.owns = g.owns == Guard::No ? Guard::No : Guard::Maybe;
      out.guards[var] = maybe;
      continue;
    }
    Guard &mine = it->second;
    if (mine.owns != g.owns)
      mine.owns = Guard::Maybe;
    for (size_t i = 0; i < g.mutexes.size(); ++i) {
      bool known = false;
      for (const AccessPath &m : mine.mutexes)
        known = known || m.key() == g.mutexes[i].key();
      if (!known) {
        mine.mutexes.push_back(g.mutexes[i]);
        mine.recursive.push_back(g.recursive[i]);
      }
    }
  }
  out.pending = a.pending;
  out.pending.insert(b.pending.begin(), b.pending.end());
  for (const AccessPath &r : a.released)
    for (const AccessPath &other : b.released)
      if (r.key() == other.key()) {
        out.released.push_back(r);
        break;
      }
  return out;
}

class FunctionAnalyzer {
public:
  FunctionAnalyzer(const FunctionDecl *fn, TUContext &tu)
      : fn_(fn), tu_(tu), ast_(tu.ast), sm_(tu.ast.getSourceManager()) {}

  FunctionFacts run(WrapperSummary &summary);

private:
  // ----- identity ---------------------------------------------------------
  SourceSite siteOf(SourceLocation loc) const;
  unsigned offsetOf(SourceLocation loc) const;
  std::string localKey(const VarDecl *var) const;
  std::string spellingOf(const Expr *e) const;
  AccessPath pathOfVar(const VarDecl *var, bool &localStorage) const;
  AccessPath pathOf(const Expr *e, bool &localStorage) const;
  AccessPath pathOf(const Expr *e) const {
    bool ignored = false;
    return pathOf(e, ignored);
  }
  /// The callee-side path an argument binds to (std::ref and & stripped).
  AccessPath argumentPath(const Expr *arg) const;
  bool isPointerAliasItself(const Expr *e) const;
  std::string handleKeyOf(const Expr *e) const;

  // ----- pre-scan ---------------------------------------------------------
  void prescan();

  // ----- transfer ---------------------------------------------------------
  void transferBlock(const CFGBlock &block, State &state);
  void handleStmt(const Stmt *s, State &state);
  void handleVarDecl(const VarDecl *var, State &state);
  void handleGuardConstruction(const VarDecl *var, const CXXConstructExpr *ce, State &state);
  void handleCall(const CallExpr *call, State &state);
  void handleMemberCall(const CXXMemberCallExpr *call, State &state);
  void handleOperatorCall(const CXXOperatorCallExpr *call, State &state);
  void handleConstruct(const CXXConstructExpr *ce, State &state);
  void handleDestructor(const VarDecl *var, const Stmt *trigger, State &state);
  void handleReturn(const ReturnStmt *ret, State &state);
  bool handleLockApi(const CallExpr *call, State &state);
  void handleUserCall(const CallExpr *call, const FunctionDecl *callee, const Expr *object,
                      State &state);
  State refineForBranch(const CFGBlock &block, const State &out, unsigned succIndex);

  void acquire(const AccessPath &lock, bool shared, bool isTry, bool recursive,
               SourceLocation loc, const Expr *lockExpr, State &state,
               const std::vector<HeldLock> *heldSnapshot = nullptr);
  void release(const AccessPath &lock, State &state);
  void recordAccess(const Expr *e, bool write, const State &state);
  void recordCall(const FunctionDecl *callee, std::vector<Binding> bindings, SourceLocation loc,
                  const State &state);
  void spawn(const Expr *callable, llvm::ArrayRef<const Expr *> args, const std::string &handle,
             const Stmt *at, bool pool);
  void join(const std::string &handle, const Stmt *at);
  WrapperSummary effectsOf(const FunctionDecl *callee) const;
  std::vector<Binding> lambdaBindings(const CXXRecordDecl *lambda) const;
  AccessPath substitute(const AccessPath &calleePath, const std::vector<Binding> &bindings) const;
  const Stmt *enclosingLoop(const Stmt *s) const;

  const FunctionDecl *fn_;
  TUContext &tu_;
  ASTContext &ast_;
  SourceManager &sm_;
  FunctionFacts facts_;
  bool record_ = false;
  bool inCtorOrDtor_ = false;
  std::string className_;
  std::string functionName_;
  std::set<std::string> escaping_;
  std::map<const VarDecl *, AccessPath> aliases_;
  std::map<const VarDecl *, const Expr *> rangeLoopVars_;
  std::map<const FieldDecl *, AccessPath> ctorFieldAliases_;
  std::set<const VarDecl *> capturedByCopy_;
  /// Pointer locals only ever given fresh allocations (malloc, calloc, new):
  /// the object is this activation's own, as the local itself.
  std::set<const VarDecl *> ownedPointers_;
  /// Thread / future objects: where each spawn's result is kept (variable,
  /// container it is pushed into, assigned member), by the spawning expression.
  std::map<const Expr *, std::string> handles_;
  std::vector<const Stmt *> loops_;
  /// Locks each call to an acquire function took (for `auto lk = lock_it();`).
  std::map<const CallExpr *, std::vector<AccessPath>> acquiredByCall_;
  mutable std::map<FileID, std::string> fileNames_;
};

// ---------------------------------------------------------------------------
// identity

SourceSite FunctionAnalyzer::siteOf(SourceLocation loc) const {
  SourceSite site;
  site.function = functionName_;
  if (loc.isInvalid())
    return site;
  SourceLocation spelling = sm_.getFileLoc(loc);
  FileID file = sm_.getFileID(spelling);
  auto it = fileNames_.find(file);
  if (it == fileNames_.end()) {
    llvm::SmallString<256> path(sm_.getFilename(spelling));
    llvm::sys::fs::make_absolute(path);
    llvm::sys::path::remove_dots(path, /*remove_dot_dot=*/true);
    it = fileNames_.emplace(file, std::string(path)).first;
  }
  site.file = it->second;
  site.line = sm_.getSpellingLineNumber(spelling);
  site.column = sm_.getSpellingColumnNumber(spelling);
  return site;
}

unsigned FunctionAnalyzer::offsetOf(SourceLocation loc) const {
  if (loc.isInvalid())
    return 0;
  return sm_.getFileOffset(sm_.getFileLoc(loc));
}

std::string FunctionAnalyzer::localKey(const VarDecl *var) const {
  SourceSite site = siteOf(var->getLocation());
  return var->getNameAsString() + "@" + llvm::sys::path::filename(site.file).str() + ":" +
         std::to_string(site.line) + ":" + std::to_string(site.column);
}

std::string FunctionAnalyzer::spellingOf(const Expr *e) const {
  CharSourceRange range = CharSourceRange::getTokenRange(e->getSourceRange());
  llvm::StringRef text = Lexer::getSourceText(range, sm_, ast_.getLangOpts());
  if (text.empty() || text.size() > 80)
    return "<expression>";
  return text.str();
}

AccessPath FunctionAnalyzer::pathOfVar(const VarDecl *var, bool &localStorage) const {
  AccessPath path;
  localStorage = false;
  path.spelling = var->getNameAsString();
  if (var->getTLSKind() != VarDecl::TLS_None)
    return path; // thread_local: never shared
  if (var->hasGlobalStorage()) {
    path.root = AccessPath::Root::Global;
    path.name = qualifiedNameOf(var);
    if (!var->isExternallyVisible()) // file-static: one per TU
      path.name += "@" + llvm::sys::path::filename(siteOf(var->getLocation()).file).str();
    return path;
  }
  if (const auto *param = dyn_cast<ParmVarDecl>(var);
      param && param->getDeclContext() == fn_) {
    path.root = AccessPath::Root::Param;
    path.index = static_cast<int>(param->getFunctionScopeIndex());
    path.name = var->getNameAsString();
    localStorage = !var->getType()->isReferenceType();
    return path;
  }
  if (capturedByCopy_.count(var))
    return path; // the lambda's own copy
  if (auto it = aliases_.find(var); it != aliases_.end()) {
    path = it->second;
    path.spelling = var->getNameAsString();
    localStorage = !var->getType()->isReferenceType();
    return path;
  }
  path.root = AccessPath::Root::Local;
  path.name = localKey(var);
  if (const auto *owner = dyn_cast_or_null<FunctionDecl>(var->getParentFunctionOrMethod()))
    path.declaredIn = usrOf(owner->getCanonicalDecl());
  // A pointer local: its steps (`p->f`) are in the pointee, not in the frame.
  if (var->getType()->isPointerType() || var->getType()->isReferenceType())
    path.index = ownedPointers_.count(var) ? AccessPath::kOwnedPointerLocal
                                           : AccessPath::kPointerLocal;
  localStorage = !var->getType()->isReferenceType();
  return path;
}

AccessPath FunctionAnalyzer::pathOf(const Expr *e, bool &localStorage) const {
  localStorage = false;
  if (!e)
    return {};
  e = e->IgnoreParenImpCasts();
  if (const auto *cast = dyn_cast<ExplicitCastExpr>(e))
    return pathOf(cast->getSubExpr(), localStorage);
  if (const auto *ref = dyn_cast<DeclRefExpr>(e)) {
    if (const auto *var = dyn_cast<VarDecl>(ref->getDecl()))
      return pathOfVar(var, localStorage);
    return {};
  }
  if (isa<CXXThisExpr>(e)) {
    AccessPath path;
    path.root = AccessPath::Root::This;
    path.name = className_;
    path.spelling = "this";
    return path;
  }
  if (const auto *member = dyn_cast<MemberExpr>(e)) {
    if (const auto *staticMember = dyn_cast<VarDecl>(member->getMemberDecl()))
      return pathOfVar(staticMember, localStorage);
    const auto *field = dyn_cast<FieldDecl>(member->getMemberDecl());
    if (!field)
      return {};
    const Expr *base = member->getBase()->IgnoreParenImpCasts();
    if (isa<CXXThisExpr>(base)) {
      if (auto it = ctorFieldAliases_.find(field); it != ctorFieldAliases_.end())
        return it->second;
    }
    bool baseLocal = false;
    AccessPath path = pathOf(base, baseLocal);
    if (!path.valid())
      return path;
    if (isLockOfLockClass(field)) {
      // One lock, one name: the std::mutex inside a wrapper (`mutex_.mu_`)
      // is the wrapper object (`mutex_`), as its thread-safety attributes say.
      localStorage = !member->isArrow() && baseLocal;
      return path;
    }
    path.steps.push_back(qualifiedNameOf(field->getParent()) + "::" + field->getNameAsString());
    bool implicitThis = isa<CXXThisExpr>(base) && cast<CXXThisExpr>(base)->isImplicit();
    path.spelling = implicitThis ? field->getNameAsString()
                                 : path.spelling + (member->isArrow() ? "->" : ".") +
                                       field->getNameAsString();
    localStorage = !member->isArrow() && baseLocal;
    return path;
  }
  if (const auto *unary = dyn_cast<UnaryOperator>(e)) {
    if (unary->getOpcode() == UO_Deref) {
      AccessPath path = pathOf(unary->getSubExpr());
      path.spelling = "*" + path.spelling;
      return path;
    }
    return {};
  }
  if (const auto *subscript = dyn_cast<ArraySubscriptExpr>(e)) {
    const Expr *base = subscript->getBase()->IgnoreParenImpCasts();
    bool baseLocal = false;
    AccessPath path = pathOf(base, baseLocal);
    if (!path.valid())
      return path;
    path.steps.push_back("[*]");
    path.spelling += "[]";
    localStorage = baseLocal && base->getType()->isArrayType();
    return path;
  }
  if (const auto *op = dyn_cast<CXXOperatorCallExpr>(e)) {
    // container[i] and *smart_pointer: the element belongs to the container.
    if ((op->getOperator() == OO_Subscript || op->getOperator() == OO_Star ||
         op->getOperator() == OO_Arrow) && op->getNumArgs() >= 1 &&
        isStdContainerType(op->getArg(0)->getType())) {
      AccessPath path = pathOf(op->getArg(0), localStorage);
      if (path.valid() && op->getOperator() == OO_Subscript) {
        path.steps.push_back("[*]");
        path.spelling += "[]";
      }
      return path;
    }
    return {};
  }
  if (const auto *call = dyn_cast<CXXMemberCallExpr>(e)) {
    const CXXMethodDecl *method = call->getMethodDecl();
    const Expr *object = call->getImplicitObjectArgument();
    if (method && object && isStdContainerType(object->getType())) {
      llvm::StringRef name = method->getName();
      if (name == "at" || name == "front" || name == "back" || name == "get") {
        AccessPath path = pathOf(call->getImplicitObjectArgument(), localStorage);
        if (path.valid() && name != "get") {
          path.steps.push_back("[*]");
          path.spelling += "[]";
        }
        return path;
      }
    }
    return {};
  }
  return {};
}

bool FunctionAnalyzer::isPointerAliasItself(const Expr *e) const {
  // A pointer local that aliases a path stands for that path's pointee
  // (`mem->f` is `mem_->f`), but the local variable is a copy of its own.
  const auto *ref = dyn_cast<DeclRefExpr>(e->IgnoreParenImpCasts());
  const auto *var = ref ? dyn_cast<VarDecl>(ref->getDecl()) : nullptr;
  return var && aliases_.count(var) && !var->getType()->isReferenceType();
}

AccessPath FunctionAnalyzer::argumentPath(const Expr *arg) const {
  const Expr *inner = stripWrappers(arg);
  bool localStorage = false;
  AccessPath path = pathOf(inner, localStorage);
  return path;
}

std::string FunctionAnalyzer::handleKeyOf(const Expr *e) const {
  AccessPath path = pathOf(stripWrappers(e));
  if (const auto *ref = dyn_cast_or_null<DeclRefExpr>(stripWrappers(e))) {
    if (const auto *var = dyn_cast<VarDecl>(ref->getDecl()))
      if (auto it = rangeLoopVars_.find(var); it != rangeLoopVars_.end())
        path = pathOf(it->second);
  }
  while (!path.steps.empty() && path.steps.back() == "[*]")
    path.steps.pop_back();
  return path.key();
}

// ---------------------------------------------------------------------------
// pre-scan: escaping locals, pointer/reference aliases, range-for variables

class PrescanVisitor : public RecursiveASTVisitor<PrescanVisitor> {
public:
  explicit PrescanVisitor(std::vector<const VarDecl *> &escaping,
                          std::vector<const VarDecl *> &aliasCandidates,
                          std::vector<const CXXForRangeStmt *> &rangeLoops)
      : escaping_(escaping), aliasCandidates_(aliasCandidates), rangeLoops_(rangeLoops) {}

  bool VisitUnaryOperator(UnaryOperator *op) {
    if (op->getOpcode() == UO_AddrOf)
      noteEscape(op->getSubExpr());
    return true;
  }
  bool VisitLambdaExpr(LambdaExpr *lambda) {
    for (const LambdaCapture &capture : lambda->captures())
      if (capture.capturesVariable() && capture.getCaptureKind() == LCK_ByRef)
        if (const auto *var = dyn_cast<VarDecl>(capture.getCapturedVar()))
          escaping_.push_back(var);
    return true;
  }
  bool VisitCallExpr(CallExpr *call) {
    const FunctionDecl *callee = call->getDirectCallee();
    if (!callee)
      return true;
    std::string name = qualifiedNameOf(callee);
    if (name == "std::ref" || name == "std::cref") {
      for (const Expr *arg : call->arguments())
        noteEscape(arg);
      return true;
    }
    unsigned shift = isa<CXXOperatorCallExpr>(call) && isa<CXXMethodDecl>(callee) ? 1 : 0;
    for (unsigned i = shift; i < call->getNumArgs(); ++i) {
      unsigned p = i - shift;
      if (p < callee->getNumParams()) {
        QualType type = callee->getParamDecl(p)->getType();
        if (type->isReferenceType() && !type.getNonReferenceType().isConstQualified())
          noteEscape(call->getArg(i));
      }
    }
    return true;
  }
  bool VisitVarDecl(VarDecl *var) {
    if (var->getType()->isPointerType() && var->isLocalVarDecl())
      noteAssignment(var, var->hasInit() ? var->getInit() : nullptr);
    if (var->hasInit())
      varHolders.push_back({strip(var->getInit()), var});
    if (var->hasInit() && (var->getType()->isPointerType() || var->getType()->isReferenceType()))
      aliasCandidates_.push_back(var);
    return true;
  }
  bool VisitBinaryOperator(BinaryOperator *op) {
    if (op->getOpcode() != BO_Assign)
      return true;
    if (const auto *ref = dyn_cast<DeclRefExpr>(op->getLHS()->IgnoreParenImpCasts()))
      if (const auto *var = dyn_cast<VarDecl>(ref->getDecl());
          var && var->getType()->isPointerType() && var->isLocalVarDecl())
        noteAssignment(var, op->getRHS());
    return true;
  }
  bool VisitCXXForRangeStmt(CXXForRangeStmt *loop) {
    rangeLoops_.push_back(loop);
    loops.push_back(loop);
    return true;
  }
  bool VisitForStmt(ForStmt *loop) { loops.push_back(loop); return true; }
  bool VisitWhileStmt(WhileStmt *loop) { loops.push_back(loop); return true; }
  bool VisitDoStmt(DoStmt *loop) { loops.push_back(loop); return true; }
  bool VisitCXXMemberCallExpr(CXXMemberCallExpr *call) {
    if (!call->getImplicitObjectArgument())
      return true;
    for (const Expr *arg : call->arguments())
      holders.push_back({strip(arg), call->getImplicitObjectArgument()});
    return true;
  }
  bool VisitCXXOperatorCallExpr(CXXOperatorCallExpr *call) {
    if (call->getOperator() == OO_Equal && call->getNumArgs() == 2)
      holders.push_back({strip(call->getArg(1)), call->getArg(0)});
    return true;
  }

  /// Pointer locals and whether every value they are given (initializer,
  /// assignments; a null pointer aside) is a fresh allocation.
  std::map<const VarDecl *, bool> onlyFreshAllocations;
  std::vector<const Stmt *> loops;
  /// (spawning expression, expression naming where its result is kept)
  std::vector<std::pair<const Expr *, const Expr *>> holders;
  std::vector<std::pair<const Expr *, const VarDecl *>> varHolders;

private:
  static bool isFreshAllocation(const Expr *e) {
    e = e->IgnoreParenCasts();
    if (isa<CXXNewExpr>(e))
      return true;
    const auto *call = dyn_cast<CallExpr>(e);
    const FunctionDecl *callee = call ? call->getDirectCallee() : nullptr;
    if (!callee || !callee->getIdentifier())
      return false;
    llvm::StringRef name = callee->getName();
    return name == "malloc" || name == "calloc" || name == "aligned_alloc" ||
           name == "strdup" || name == "strndup";
  }
  void noteAssignment(const VarDecl *var, const Expr *value) {
    bool fresh = true; // no initializer, or a null pointer: nothing shared yet
    if (value && !value->IgnoreParenCasts()->isNullPointerConstant(
                     var->getASTContext(), Expr::NPC_ValueDependentIsNotNull))
      fresh = isFreshAllocation(value);
    auto [it, inserted] = onlyFreshAllocations.emplace(var, fresh);
    if (!inserted)
      it->second = it->second && fresh;
    if (value && fresh && isFreshAllocation(value))
      allocated.insert(var);
  }

public:
  std::set<const VarDecl *> allocated; ///< given at least one fresh allocation

private:
  void noteEscape(const Expr *e) {
    e = e->IgnoreParenImpCasts();
    while (true) {
      if (const auto *member = dyn_cast<MemberExpr>(e))
        e = member->getBase()->IgnoreParenImpCasts();
      else if (const auto *sub = dyn_cast<ArraySubscriptExpr>(e))
        e = sub->getBase()->IgnoreParenImpCasts();
      else
        break;
    }
    if (const auto *ref = dyn_cast<DeclRefExpr>(e))
      if (const auto *var = dyn_cast<VarDecl>(ref->getDecl()))
        escaping_.push_back(var);
  }
  std::vector<const VarDecl *> &escaping_;
  std::vector<const VarDecl *> &aliasCandidates_;
  std::vector<const CXXForRangeStmt *> &rangeLoops_;
};

void FunctionAnalyzer::prescan() {
  std::vector<const VarDecl *> escaping, aliasCandidates;
  std::vector<const CXXForRangeStmt *> rangeLoops;
  PrescanVisitor visitor(escaping, aliasCandidates, rangeLoops);
  visitor.TraverseStmt(const_cast<Stmt *>(fn_->getBody()));
  if (const auto *method = dyn_cast<CXXMethodDecl>(fn_)) {
    const CXXRecordDecl *parent = method->getParent();
    if (parent->isLambda()) {
      for (const LambdaCapture &capture : parent->captures()) {
        if (!capture.capturesVariable())
          continue;
        const auto *var = dyn_cast<VarDecl>(capture.getCapturedVar());
        if (!var)
          continue;
        if (capture.getCaptureKind() == LCK_ByRef)
          escaping.push_back(var);
        else
          capturedByCopy_.insert(var);
      }
    }
  }
  for (const auto &[var, fresh] : visitor.onlyFreshAllocations)
    if (fresh && visitor.allocated.count(var))
      ownedPointers_.insert(var);
  // Aliases first (they may refer to each other in declaration order).
  for (const VarDecl *var : aliasCandidates) {
    if (var->hasGlobalStorage() || isa<ParmVarDecl>(var))
      continue;
    AccessPath target = argumentPath(var->getInit());
    if (target.valid())
      aliases_[var] = target;
  }
  for (const VarDecl *var : escaping) {
    bool ignored = false;
    AccessPath path = pathOfVar(var, ignored);
    if (path.root == AccessPath::Root::Local)
      escaping_.insert(path.name);
  }
  loops_ = visitor.loops;
  for (const auto &[made, var] : visitor.varHolders) {
    bool ignored = false;
    handles_[made] = pathOfVar(var, ignored).key();
  }
  for (const auto &[made, holder] : visitor.holders)
    handles_[made] = handleKeyOf(holder);
  for (const CXXForRangeStmt *loop : rangeLoops)
    if (loop->getLoopVariable() && loop->getRangeInit())
      rangeLoopVars_[loop->getLoopVariable()] = loop->getRangeInit();
  if (const auto *ctor = dyn_cast<CXXConstructorDecl>(fn_)) {
    for (const CXXCtorInitializer *init : ctor->inits()) {
      const FieldDecl *field = init->getMember();
      if (!field || !init->getInit() ||
          !(field->getType()->isReferenceType() || field->getType()->isPointerType()))
        continue;
      AccessPath target = argumentPath(init->getInit());
      if (target.root == AccessPath::Root::Param)
        ctorFieldAliases_[field] = target;
    }
  }
}

// ---------------------------------------------------------------------------
// effects

void FunctionAnalyzer::acquire(const AccessPath &lock, bool shared, bool isTry, bool recursive,
                               SourceLocation loc, const Expr *lockExpr, State &state,
                               const std::vector<HeldLock> *heldSnapshot) {
  if (!lock.valid() || lock.root == AccessPath::Root::Unknown) {
    if (record_)
      facts_.unresolvedLocks.push_back(
          {lockExpr ? spellingOf(lockExpr) : std::string("<unknown>"), siteOf(loc)});
    return;
  }
  if (record_) {
    AcquireFact fact;
    fact.lock = lock;
    fact.shared = shared;
    fact.isTry = isTry;
    fact.recursive = recursive;
    fact.heldBefore = heldSnapshot ? *heldSnapshot : state.held;
    fact.releasedBefore = state.released;
    fact.site = siteOf(loc);
    fact.offset = offsetOf(loc);
    facts_.acquires.push_back(std::move(fact));
  }
  if (isTry)
    return;
  if (state.holds(lock.key()))
    return; // a re-acquisition; reported from the fact above
  state.held.push_back({lock, shared, siteOf(loc)});
}

void FunctionAnalyzer::release(const AccessPath &lock, State &state) {
  if (!lock.valid())
    return;
  std::string key = lock.key();
  for (auto it = state.held.begin(); it != state.held.end(); ++it) {
    if (it->lock.key() == key) {
      // Held on entry by REQUIRES (no acquisition site): that is the
      // caller's lock, so it is released for the caller too
      // (`mu.Unlock(); io(); mu.Lock();` in a REQUIRES(mu) method must not
      // look like a re-acquisition of the caller's `mu`).
      bool callersLock = it->acquiredAt.line == 0;
      state.held.erase(it);
      if (!callersLock)
        return;
      break;
    }
  }
  // Released without being held here: maybe a release wrapper (decided at
  // the exit, see run()).
  if (lock.root == AccessPath::Root::This || lock.root == AccessPath::Root::Param ||
      lock.root == AccessPath::Root::Global) {
    for (const AccessPath &r : state.released)
      if (r.key() == key)
        return;
    state.released.push_back(lock);
  }
}

void FunctionAnalyzer::recordAccess(const Expr *e, bool write, const State &state) {
  if (!record_ || !e)
    return;
  QualType type = e->getType();
  if (isDeclaredConst(e) || isSynchronizationType(type))
    return;
  bool localStorage = false;
  AccessPath path = pathOf(e, localStorage);
  if (!path.valid() || path.root == AccessPath::Root::Unknown)
    return;
  if (path.root == AccessPath::Root::Param && localStorage)
    return; // the parameter variable itself
  if (localStorage && isPointerAliasItself(e))
    return; // `MemTable* mem = mem_; ... mem->Get()`: reads the local copy, not `mem_`
  if (path.root == AccessPath::Root::Local && !escaping_.count(path.name))
    return; // a local whose address never escapes
  if (path.root == AccessPath::Root::This && inCtorOrDtor_)
    return; // the object is not shared while it is built or destroyed
  AccessFact fact;
  fact.path = std::move(path);
  fact.write = write;
  fact.held = state.held;
  fact.releasedBefore = state.released;
  fact.site = siteOf(e->getExprLoc());
  fact.offset = offsetOf(e->getExprLoc());
  facts_.accesses.push_back(std::move(fact));
}

AccessPath FunctionAnalyzer::substitute(const AccessPath &calleePath,
                                        const std::vector<Binding> &bindings) const {
  if (calleePath.root == AccessPath::Root::Global)
    return calleePath;
  std::string rootKey = calleePath.root == AccessPath::Root::Param
                            ? "P" + std::to_string(calleePath.index)
                            : calleePath.root == AccessPath::Root::This ? "T" : "";
  for (const Binding &b : bindings) {
    if (b.from.key() != rootKey || !b.to.valid())
      continue;
    AccessPath out = b.to;
    for (const std::string &step : calleePath.steps)
      out.steps.push_back(step);
    if (!calleePath.steps.empty())
      out.spelling += "." + calleePath.steps.back().substr(calleePath.steps.back().rfind(':') + 1);
    return out;
  }
  return {};
}

WrapperSummary FunctionAnalyzer::effectsOf(const FunctionDecl *callee) const {
  WrapperSummary effects;
  if (!callee)
    return effects;
  std::string usr = usrOf(callee->getCanonicalDecl());
  if (auto it = tu_.wrappers.find(usr); it != tu_.wrappers.end()) {
    effects = it->second;
  } else if (!callee->hasBody() && !sm_.isInSystemHeader(callee->getLocation())) {
    tu_.externalCallees.insert(usr);
  }
  if (!tu_.wrappers.count(usr) && !callee->hasBody() && tu_.config.externalLockEffects) {
    // A wrapper defined in another TU (the driver's later passes, see
    // completeCrossTUWrappers): its summary is relative to its parameters /
    // `this`, exactly like a visible one.
    const auto &byUsr = tu_.config.externalLockEffects->byUsr;
    if (auto it = byUsr.find(usr); it != byUsr.end()) {
      effects.acquires = it->second.acquiresOnReturn;
      effects.releases = it->second.releasesOnReturn;
    }
  }
  auto pathsOf = [&](auto range, bool shared, std::vector<LockEffect> &into) {
    FunctionAnalyzer calleeView(callee, tu_);
    if (const auto *method = dyn_cast<CXXMethodDecl>(callee))
      calleeView.className_ = qualifiedNameOf(method->getParent());
    bool any = false;
    for (const Expr *arg : range) {
      any = true;
      AccessPath p = calleeView.pathOf(arg);
      if (p.valid())
        into.push_back({p, shared});
    }
    if (!any && isa<CXXMethodDecl>(callee)) { // the object itself is the capability
      AccessPath self;
      self.root = AccessPath::Root::This;
      self.spelling = "this";
      into.push_back({self, shared});
    }
  };
  if (effects.acquires.empty())
    for (const auto *attr : callee->specific_attrs<AcquireCapabilityAttr>())
      pathsOf(attr->args(), attr->isShared(), effects.acquires);
  if (effects.releases.empty())
    for (const auto *attr : callee->specific_attrs<ReleaseCapabilityAttr>())
      pathsOf(attr->args(), attr->isShared(), effects.releases);
  return effects;
}

std::vector<Binding> FunctionAnalyzer::lambdaBindings(const CXXRecordDecl *lambda) const {
  std::vector<Binding> bindings;
  for (const LambdaCapture &capture : lambda->captures()) {
    if (capture.capturesThis()) {
      Binding b;
      b.from.root = AccessPath::Root::This;
      b.to.root = AccessPath::Root::This;
      b.to.name = className_;
      b.to.spelling = "this";
      bindings.push_back(b);
      continue;
    }
    if (!capture.capturesVariable() || capture.getCaptureKind() != LCK_ByRef)
      continue;
    const auto *var = dyn_cast<VarDecl>(capture.getCapturedVar());
    if (!var)
      continue;
    bool ignored = false;
    AccessPath mine = pathOfVar(var, ignored);
    // Bound even when the lambda names the same local: the binding carries
    // the identity of the spawner's activation into the thread.
    Binding b;
    b.from.root = AccessPath::Root::Local;
    b.from.name = localKey(var);
    b.to = mine;
    bindings.push_back(b);
  }
  return bindings;
}

void FunctionAnalyzer::recordCall(const FunctionDecl *callee, std::vector<Binding> bindings,
                                  SourceLocation loc, const State &state) {
  if (!record_ || !callee)
    return;
  const FunctionDecl *definition = callee->getDefinition();
  if (sm_.isInSystemHeader(callee->getLocation()) ||
      (definition && sm_.isInSystemHeader(definition->getLocation())))
    return;
  CallFact call;
  call.calleeUsr = usrOf(callee->getCanonicalDecl());
  call.calleeName = qualifiedNameOf(callee);
  call.bindings = std::move(bindings);
  call.held = state.held;
  call.releasedBefore = state.released;
  call.site = siteOf(loc);
  call.offset = offsetOf(loc);
  if (!call.calleeUsr.empty())
    facts_.calls.push_back(std::move(call));
}

const Stmt *FunctionAnalyzer::enclosingLoop(const Stmt *s) const {
  // The innermost loop whose source range contains `s` (collected by the
  // pre-scan; no parent map needed).
  unsigned at = offsetOf(s->getBeginLoc());
  const Stmt *best = nullptr;
  unsigned bestSize = ~0u;
  for (const Stmt *loop : loops_) {
    unsigned begin = offsetOf(loop->getBeginLoc()), end = offsetOf(loop->getEndLoc());
    if (begin <= at && at <= end && end - begin < bestSize) {
      best = loop;
      bestSize = end - begin;
    }
  }
  return best;
}

void FunctionAnalyzer::spawn(const Expr *callable, llvm::ArrayRef<const Expr *> args,
                             const std::string &handle, const Stmt *at, bool pool) {
  if (!record_ || !callable)
    return;
  SpawnFact s;
  s.handleKey = handle;
  s.pool = pool;
  s.site = siteOf(at->getBeginLoc());
  const Stmt *loop = enclosingLoop(at);
  s.inLoop = loop != nullptr;
  s.offset = offsetOf(loop ? loop->getBeginLoc() : at->getBeginLoc());

  const Expr *target = strip(callable);
  // std::function<void()>(lambda) and similar type-erasing wrappers.
  if (const auto *ce = dyn_cast<CXXConstructExpr>(target);
      ce && ce->getNumArgs() == 1 && !isa<LambdaExpr>(target))
    target = strip(ce->getArg(0));
  if (const auto *ref = dyn_cast<DeclRefExpr>(target)) // a lambda stored in a variable
    if (const auto *var = dyn_cast<VarDecl>(ref->getDecl()))
      if (var->getInit() && isa<LambdaExpr>(strip(var->getInit())))
        target = strip(var->getInit());
  size_t firstParamArg = 0;
  const FunctionDecl *entry = nullptr;
  if (const auto *lambda = dyn_cast<LambdaExpr>(target)) {
    entry = lambda->getCallOperator();
    s.bindings = lambdaBindings(lambda->getLambdaClass());
  } else if (const auto *ref = dyn_cast<DeclRefExpr>(stripWrappers(target));
             ref && isa<FunctionDecl>(ref->getDecl())) {
    entry = cast<FunctionDecl>(ref->getDecl());
    if (isa<CXXMethodDecl>(entry) && !cast<CXXMethodDecl>(entry)->isStatic()) {
      if (!args.empty()) { // (&Class::method, object, args...)
        Binding self;
        self.from.root = AccessPath::Root::This;
        self.to = argumentPath(args[0]);
        s.bindings.push_back(self);
      }
      firstParamArg = 1;
    }
  } else if (const CXXRecordDecl *record = target->getType()->getAsCXXRecordDecl()) {
    for (const CXXMethodDecl *method : record->methods())
      if (method->getOverloadedOperator() == OO_Call)
        entry = method;
    if (record->isLambda())
      s.bindings = lambdaBindings(record);
    const Expr *unwrapped = strip(callable);
    if (const auto *call = dyn_cast<CallExpr>(unwrapped)) {
      std::string name = qualifiedNameOf(call->getDirectCallee());
      if (name == "std::ref" || name == "std::cref") { // a shared functor
        Binding self;
        self.from.root = AccessPath::Root::This;
        self.to = argumentPath(call->getArg(0));
        s.bindings.push_back(self);
      }
    }
  }
  if (!entry)
    return;
  for (size_t i = firstParamArg; i < args.size(); ++i) {
    Binding b;
    b.from.root = AccessPath::Root::Param;
    b.from.index = static_cast<int>(i - firstParamArg);
    const Expr *arg = strip(args[i]);
    // A by-value object is copied into the thread; pointers and std::ref share.
    bool copied = !arg->getType()->isPointerType() && !isa<CallExpr>(arg) &&
                  !(isa<UnaryOperator>(arg) &&
                    cast<UnaryOperator>(arg)->getOpcode() == UO_AddrOf);
    if (const auto *call = dyn_cast<CallExpr>(arg)) {
      std::string name = qualifiedNameOf(call->getDirectCallee());
      copied = !(name == "std::ref" || name == "std::cref");
    }
    if (copied)
      continue;
    b.to = argumentPath(arg);
    if (b.to.valid())
      s.bindings.push_back(b);
  }
  s.entryUsr = usrOf(entry->getCanonicalDecl());
  s.entryName = qualifiedNameOf(entry);
  if (isa<CXXMethodDecl>(entry) && cast<CXXMethodDecl>(entry)->getParent()->isLambda())
    s.entryName = "lambda at " + llvm::sys::path::filename(siteOf(entry->getLocation()).file).str() +
                  ":" + std::to_string(siteOf(entry->getLocation()).line);
  facts_.spawns.push_back(std::move(s));
}

void FunctionAnalyzer::join(const std::string &handle, const Stmt *at) {
  if (!record_)
    return;
  JoinFact j;
  j.handleKey = handle;
  j.site = siteOf(at->getBeginLoc());
  const Stmt *loop = enclosingLoop(at);
  j.offset = offsetOf(loop ? loop->getEndLoc() : at->getEndLoc());
  facts_.joins.push_back(std::move(j));
}

// ---------------------------------------------------------------------------
// transfer

void FunctionAnalyzer::handleConstruct(const CXXConstructExpr *ce, State &state) {
  const CXXConstructorDecl *ctor = ce->getConstructor();
  if (ctor->isCopyOrMoveConstructor() && ce->getNumArgs() >= 1) {
    // Copying from a shared object reads it; moving from it modifies it.
    if (!isSynchronizationType(ce->getType()))
      recordAccess(ce->getArg(0), ctor->isMoveConstructor(), state);
    return;
  }
  if (!isThreadType(ce->getType()) || ce->getNumArgs() == 0)
    return;
  std::string handle;
  if (auto it = handles_.find(ce); it != handles_.end())
    handle = it->second;
  std::vector<const Expr *> args(ce->arg_begin() + 1, ce->arg_end());
  spawn(ce->getArg(0), args, handle, ce, /*pool=*/false);
}

void FunctionAnalyzer::handleGuardConstruction(const VarDecl *var, const CXXConstructExpr *ce,
                                               State &state) {
  std::string guardType = recordNameOf(var->getType());
  Guard guard;
  guard.shared = guardType == "std::shared_lock";
  enum { Lock, Defer, Try, Adopt } mode = Lock;
  std::vector<const Expr *> mutexes;
  for (const Expr *arg : ce->arguments()) {
    std::string tag = recordNameOf(arg->getType());
    if (tag == "std::defer_lock_t")
      mode = Defer;
    else if (tag == "std::try_to_lock_t")
      mode = Try;
    else if (tag == "std::adopt_lock_t")
      mode = Adopt;
    else if (isLockGuardType(arg->getType())) { // move from another guard
      const auto *ref = dyn_cast<DeclRefExpr>(stripWrappers(arg));
      const VarDecl *from = ref ? dyn_cast<VarDecl>(ref->getDecl()) : nullptr;
      if (from && state.guards.count(from)) {
        state.guards[var] = state.guards[from];
        state.guards[from] = Guard();
      }
      return;
    } else if (mutexKindOf(arg->getType()) != MutexKind::None ||
               arg->getType()->isRecordType())
      mutexes.push_back(arg);
    else if (!mutexes.empty())
      mode = Try; // unique_lock(m, timeout): a timed try
  }
  std::vector<HeldLock> snapshot = state.held;
  for (const Expr *m : mutexes) {
    AccessPath lock = pathOf(m);
    bool recursive = mutexKindOf(m->getType()) == MutexKind::Recursive;
    guard.mutexes.push_back(lock);
    guard.recursive.push_back(recursive);
    if (mode == Lock)
      acquire(lock, guard.shared, false, recursive, m->getExprLoc(), m, state, &snapshot);
    else if (mode == Try)
      acquire(lock, guard.shared, true, recursive, m->getExprLoc(), m, state, &snapshot);
    // Adopt: the guard takes over a lock that is already held (here, or by
    // the caller, as port::CondVar::Wait's `unique_lock(mu_->mu_,
    // adopt_lock)`). Nothing is acquired: no lock-order edge, no
    // double-lock, and a lock this function does not hold stays not held.
  }
  guard.owns = mode == Defer ? Guard::No : mode == Try ? Guard::Maybe : Guard::Yes;
  if (mode == Try && !guard.mutexes.empty()) {
    PendingTry p;
    p.locks = guard.mutexes;
    p.shared = guard.shared;
    p.guard = var;
    p.site = siteOf(ce->getExprLoc());
    state.pending[var] = p;
  }
  state.guards[var] = guard;
}

void FunctionAnalyzer::handleVarDecl(const VarDecl *var, State &state) {
  const Expr *init = var->getInit();
  if (!init)
    return;
  const Expr *stripped = init->IgnoreImplicit();
  if (const auto *cleanups = dyn_cast<ExprWithCleanups>(stripped))
    stripped = cleanups->getSubExpr()->IgnoreImplicit();
  const auto *ce = dyn_cast<CXXConstructExpr>(stripped);
  if (isLockGuardType(var->getType())) {
    if (const auto *call = dyn_cast<CallExpr>(strip(init))) {
      // A guard returned by an acquire function owns what the call took.
      auto it = acquiredByCall_.find(call);
      if (it != acquiredByCall_.end() && !it->second.empty()) {
        Guard guard;
        guard.owns = Guard::Yes;
        guard.mutexes = it->second;
        guard.recursive.assign(it->second.size(), false);
        state.guards[var] = guard;
      }
      return;
    }
    if (ce)
      handleGuardConstruction(var, ce, state);
    return;
  }
  if (isJThreadType(var->getType()))
    return; // spawn handled at the construct expression
  if (ce && var->getType()->isRecordType()) {
    // A user class whose constructor acquires: a scoped guard when its
    // destructor releases (or it is SCOPED_CAPABILITY), else an acquire.
    const CXXConstructorDecl *ctor = ce->getConstructor();
    WrapperSummary effects = effectsOf(ctor);
    if (effects.acquires.empty())
      return;
    std::vector<Binding> bindings;
    for (unsigned i = 0; i < ce->getNumArgs(); ++i) {
      Binding b;
      b.from.root = AccessPath::Root::Param;
      b.from.index = static_cast<int>(i);
      b.to = argumentPath(ce->getArg(i));
      bindings.push_back(b);
    }
    const CXXRecordDecl *record = var->getType()->getAsCXXRecordDecl();
    bool scoped = record && (record->hasAttr<ScopedLockableAttr>() ||
                             (record->getDestructor() &&
                              !effectsOf(record->getDestructor()).releases.empty()));
    Guard guard;
    guard.owns = Guard::Yes;
    for (const LockEffect &effect : effects.acquires) {
      AccessPath lock = substitute(effect.lock, bindings);
      acquire(lock, effect.shared, false, false, ce->getExprLoc(), ce, state);
      guard.mutexes.push_back(lock);
      guard.recursive.push_back(false);
      guard.shared = effect.shared;
    }
    if (scoped)
      state.guards[var] = guard;
  }
  if (isFutureType(var->getType()))
    return;
}

void FunctionAnalyzer::handleDestructor(const VarDecl *var, const Stmt *trigger, State &state) {
  if (auto it = state.guards.find(var); it != state.guards.end()) {
    if (it->second.owns != Guard::No)
      for (const AccessPath &m : it->second.mutexes)
        release(m, state);
    state.guards.erase(it);
    state.pending.erase(var);
    return;
  }
  if (isJThreadType(var->getType()) && trigger) {
    bool ignored = false;
    join(pathOfVar(var, ignored).key(), trigger);
  }
}

/// pthread, C11 and std::mutex-family calls, and std::lock.
bool FunctionAnalyzer::handleLockApi(const CallExpr *call, State &state) {
  const FunctionDecl *callee = call->getDirectCallee();
  if (!callee)
    return false;
  std::string name = qualifiedNameOf(callee);
  struct PosixLockFn {
    llvm::StringRef name;
    enum { Acquire, Try, Release } op;
    bool shared;
  };
  static const PosixLockFn posix[] = {
      {"pthread_mutex_lock", PosixLockFn::Acquire, false},
      {"pthread_mutex_trylock", PosixLockFn::Try, false},
      {"pthread_mutex_timedlock", PosixLockFn::Try, false},
      {"pthread_mutex_clocklock", PosixLockFn::Try, false},
      {"pthread_mutex_unlock", PosixLockFn::Release, false},
      {"pthread_rwlock_rdlock", PosixLockFn::Acquire, true},
      {"pthread_rwlock_wrlock", PosixLockFn::Acquire, false},
      {"pthread_rwlock_tryrdlock", PosixLockFn::Try, true},
      {"pthread_rwlock_trywrlock", PosixLockFn::Try, false},
      {"pthread_rwlock_timedrdlock", PosixLockFn::Try, true},
      {"pthread_rwlock_timedwrlock", PosixLockFn::Try, false},
      {"pthread_rwlock_unlock", PosixLockFn::Release, false},
      {"pthread_spin_lock", PosixLockFn::Acquire, false},
      {"pthread_spin_trylock", PosixLockFn::Try, false},
      {"pthread_spin_unlock", PosixLockFn::Release, false},
      {"mtx_lock", PosixLockFn::Acquire, false},
      {"mtx_trylock", PosixLockFn::Try, false},
      {"mtx_timedlock", PosixLockFn::Try, false},
      {"mtx_unlock", PosixLockFn::Release, false},
  };
  for (const PosixLockFn &fnInfo : posix) {
    if (name != fnInfo.name || call->getNumArgs() == 0)
      continue;
    const Expr *arg = call->getArg(0);
    AccessPath lock = pathOf(stripWrappers(arg));
    if (fnInfo.op == PosixLockFn::Release) {
      release(lock, state);
    } else if (fnInfo.op == PosixLockFn::Acquire) {
      acquire(lock, fnInfo.shared, false, false, call->getExprLoc(), arg, state);
    } else {
      acquire(lock, fnInfo.shared, true, false, call->getExprLoc(), arg, state);
      PendingTry p;
      p.locks = {lock};
      p.shared = fnInfo.shared;
      p.successWhenTrue = false; // these return 0 on success
      p.site = siteOf(call->getExprLoc());
      if (lock.valid())
        state.pending[call] = p;
    }
    return true;
  }
  if (name == "std::lock" || name == "std::try_lock") {
    bool isTry = name == "std::try_lock";
    std::vector<HeldLock> snapshot = state.held;
    std::vector<AccessPath> locks;
    for (const Expr *arg : call->arguments()) {
      const auto *ref = dyn_cast<DeclRefExpr>(stripWrappers(arg));
      const VarDecl *var = ref ? dyn_cast<VarDecl>(ref->getDecl()) : nullptr;
      if (var && isLockGuardType(var->getType()) && state.guards.count(var)) {
        Guard &g = state.guards[var];
        g.owns = isTry ? Guard::Maybe : Guard::Yes;
        for (const AccessPath &m : g.mutexes) {
          acquire(m, false, isTry, false, arg->getExprLoc(), arg, state, &snapshot);
          locks.push_back(m);
        }
      } else {
        AccessPath m = pathOf(stripWrappers(arg));
        acquire(m, false, isTry, mutexKindOf(arg->getType()) == MutexKind::Recursive,
                arg->getExprLoc(), arg, state, &snapshot);
        locks.push_back(m);
      }
    }
    if (isTry) { // returns -1 on success
      PendingTry p;
      p.locks = locks;
      p.site = siteOf(call->getExprLoc());
      state.pending[call] = p;
    }
    return true;
  }
  return false;
}

void FunctionAnalyzer::handleUserCall(const CallExpr *call, const FunctionDecl *callee,
                                      const Expr *object, State &state) {
  std::vector<Binding> bindings;
  if (object) {
    const CXXRecordDecl *record = object->getType()->getPointeeCXXRecordDecl()
                                      ? object->getType()->getPointeeCXXRecordDecl()
                                      : object->getType()->getAsCXXRecordDecl();
    if (record && record->isLambda()) {
      // Calling a lambda: its `this` is the enclosing object, its captures
      // by reference are the caller's variables.
      bindings = lambdaBindings(record);
    } else {
      Binding self;
      self.from.root = AccessPath::Root::This;
      self.to = argumentPath(object);
      bindings.push_back(self);
    }
  }
  unsigned shift = isa<CXXOperatorCallExpr>(call) && isa<CXXMethodDecl>(callee) ? 1 : 0;
  for (unsigned i = shift; i < call->getNumArgs(); ++i) {
    Binding b;
    b.from.root = AccessPath::Root::Param;
    b.from.index = static_cast<int>(i - shift);
    b.to = argumentPath(call->getArg(i));
    if (b.to.valid())
      bindings.push_back(b);
  }
  recordCall(callee, bindings, call->getExprLoc(), state);
  WrapperSummary effects = effectsOf(callee);
  for (const LockEffect &effect : effects.releases)
    release(substitute(effect.lock, bindings), state);
  std::vector<AccessPath> &taken = acquiredByCall_[call];
  taken.clear();
  for (const LockEffect &effect : effects.acquires) {
    AccessPath lock = substitute(effect.lock, bindings);
    acquire(lock, effect.shared, false, false, call->getExprLoc(), call, state);
    taken.push_back(lock);
  }
  if (const auto *attr = callee->getAttr<TryAcquireCapabilityAttr>()) {
    PendingTry p;
    for (const Expr *arg : attr->args()) {
      FunctionAnalyzer view(callee, tu_);
      if (const auto *m = dyn_cast<CXXMethodDecl>(callee))
        view.className_ = qualifiedNameOf(m->getParent());
      p.locks.push_back(substitute(view.pathOf(arg), bindings));
    }
    p.shared = attr->isShared();
    const auto *value = dyn_cast_or_null<CXXBoolLiteralExpr>(attr->getSuccessValue());
    p.successWhenTrue = !value || value->getValue();
    p.site = siteOf(call->getExprLoc());
    for (const AccessPath &lock : p.locks)
      acquire(lock, p.shared, true, false, call->getExprLoc(), call, state);
    state.pending[call] = p;
  }
}

void FunctionAnalyzer::handleMemberCall(const CXXMemberCallExpr *call, State &state) {
  const CXXMethodDecl *method = call->getMethodDecl();
  const Expr *object = call->getImplicitObjectArgument();
  if (!method || !object)
    return;
  QualType objectType = object->getType();
  if (objectType->isPointerType())
    objectType = objectType->getPointeeType();
  llvm::StringRef name = method->getIdentifier() ? method->getName() : "";
  std::string qualified = qualifiedNameOf(method);
  for (const std::string &pool : tu_.config.threadPoolSubmitFunctions) {
    if (qualified == pool && call->getNumArgs() >= 1) {
      std::vector<const Expr *> args(call->arg_begin() + 1, call->arg_end());
      spawn(call->getArg(0), args, "", call, /*pool=*/true);
      return;
    }
  }
  if (MutexKind kind = mutexKindOf(objectType); kind != MutexKind::None) {
    AccessPath lock = pathOf(object);
    bool recursive = kind == MutexKind::Recursive;
    bool shared = name.ends_with("_shared") || name.contains("shared_");
    if (name == "lock" || name == "lock_shared") {
      acquire(lock, shared, false, recursive, call->getExprLoc(), object, state);
    } else if (name == "unlock" || name == "unlock_shared") {
      release(lock, state);
    } else if (name.starts_with("try_lock")) {
      acquire(lock, shared, true, recursive, call->getExprLoc(), object, state);
      PendingTry p;
      p.locks = {lock};
      p.shared = shared;
      p.site = siteOf(call->getExprLoc());
      if (lock.valid())
        state.pending[call] = p;
    }
    return;
  }
  if (isLockGuardType(objectType)) {
    const auto *ref = dyn_cast<DeclRefExpr>(object->IgnoreParenImpCasts());
    const VarDecl *var = ref ? dyn_cast<VarDecl>(ref->getDecl()) : nullptr;
    if (!var || !state.guards.count(var))
      return;
    Guard &g = state.guards[var];
    if (name == "lock") {
      g.owns = Guard::Yes;
      std::vector<AccessPath> mutexes = g.mutexes;
      std::vector<bool> recursive = g.recursive;
      bool shared = g.shared;
      for (size_t i = 0; i < mutexes.size(); ++i)
        acquire(mutexes[i], shared, false, recursive[i], call->getExprLoc(), object, state);
    } else if (name == "unlock") {
      g.owns = Guard::No;
      std::vector<AccessPath> mutexes = g.mutexes;
      for (const AccessPath &m : mutexes)
        release(m, state);
    } else if (name == "release") {
      state.guards.erase(var); // the lock stays held, nobody owns it
    } else if (name.starts_with("try_lock")) {
      g.owns = Guard::Maybe;
      PendingTry p;
      p.locks = g.mutexes;
      p.shared = g.shared;
      p.guard = var;
      p.site = siteOf(call->getExprLoc());
      std::vector<AccessPath> mutexes = g.mutexes;
      for (const AccessPath &m : mutexes)
        acquire(m, p.shared, true, false, call->getExprLoc(), object, state);
      state.pending[call] = p;
    }
    return;
  }
  if (isThreadType(objectType)) {
    if (name == "join")
      join(handleKeyOf(object), call);
    return;
  }
  if (isFutureType(objectType)) {
    if (name == "get" || name == "wait")
      join(handleKeyOf(object), call);
    return;
  }
  if (isStdContainerType(objectType)) {
    QualType element = containerElementType(objectType);
    if (!element.isNull() && isThreadType(element) &&
        (name == "emplace_back" || name == "emplace" || name == "emplace_front") &&
        call->getNumArgs() >= 1 && !isThreadType(call->getArg(0)->getType())) {
      std::vector<const Expr *> args(call->arg_begin() + 1, call->arg_end());
      spawn(call->getArg(0), args, handleKeyOf(object), call, /*pool=*/false);
      return;
    }
    if (!element.isNull() && (isThreadType(element) || isFutureType(element)))
      return; // bookkeeping of thread handles is not shared state
    recordAccess(object, !method->isConst() && !isReadOnlyContainerMethod(objectType, name),
                 state);
    return;
  }
  if (isSynchronizationType(objectType))
    return; // atomics, condition variables (wait keeps the lock held)
  handleUserCall(call, method, object, state);
}

void FunctionAnalyzer::handleOperatorCall(const CXXOperatorCallExpr *call, State &state) {
  const auto *method = dyn_cast_or_null<CXXMethodDecl>(call->getDirectCallee());
  if (!method) {
    if (const FunctionDecl *callee = call->getDirectCallee())
      handleUserCall(call, callee, nullptr, state);
    return;
  }
  if (call->getNumArgs() == 0)
    return;
  const Expr *object = call->getArg(0);
  QualType objectType = object->getType();
  if (isLockGuardType(objectType)) {
    if (call->getOperator() == OO_Equal && call->getNumArgs() == 2) { // move-assign
      const auto *to = dyn_cast<DeclRefExpr>(stripWrappers(object));
      const auto *from = dyn_cast<DeclRefExpr>(stripWrappers(call->getArg(1)));
      const VarDecl *toVar = to ? dyn_cast<VarDecl>(to->getDecl()) : nullptr;
      const VarDecl *fromVar = from ? dyn_cast<VarDecl>(from->getDecl()) : nullptr;
      if (toVar && state.guards.count(toVar) && state.guards[toVar].owns != Guard::No)
        for (const AccessPath &m : std::vector<AccessPath>(state.guards[toVar].mutexes))
          release(m, state);
      if (toVar && fromVar && state.guards.count(fromVar)) {
        state.guards[toVar] = state.guards[fromVar];
        state.guards[fromVar] = Guard();
      }
    }
    return;
  }
  if (isSynchronizationType(objectType))
    return;
  if (isStdContainerType(objectType)) {
    llvm::StringRef name = method->getIdentifier() ? method->getName() : "";
    std::string op = getOperatorSpelling(call->getOperator());
    bool readOnly = method->isConst() ||
                    isReadOnlyContainerMethod(objectType, name.empty() ? "operator" + op : name);
    if (call->getOperator() == OO_Subscript || call->getOperator() == OO_Star ||
        call->getOperator() == OO_Arrow)
      readOnly = readOnly || !isa<CXXMethodDecl>(method) ||
                 isReadOnlyContainerMethod(objectType, "operator[]") ||
                 call->getOperator() != OO_Subscript;
    recordAccess(object, !readOnly, state);
    return;
  }
  if (method->getParent()->isLambda() || !sm_.isInSystemHeader(method->getLocation()))
    handleUserCall(call, method, object, state);
}

void FunctionAnalyzer::handleCall(const CallExpr *call, State &state) {
  if (handleLockApi(call, state))
    return;
  const FunctionDecl *callee = call->getDirectCallee();
  if (!callee)
    return;
  std::string name = qualifiedNameOf(callee);
  for (const std::string &pool : tu_.config.threadPoolSubmitFunctions) {
    if (name == pool && call->getNumArgs() >= 1) {
      std::vector<const Expr *> args(call->arg_begin() + 1, call->arg_end());
      spawn(call->getArg(0), args, "", call, /*pool=*/true);
      return;
    }
  }
  if (name == "pthread_create" && call->getNumArgs() == 4) {
    std::vector<const Expr *> args = {call->getArg(3)};
    std::string handle = handleKeyOf(call->getArg(0));
    spawn(call->getArg(2), args, handle, call, false);
    return;
  }
  if ((name == "pthread_join" || name == "thrd_join") && call->getNumArgs() >= 1) {
    join(handleKeyOf(call->getArg(0)), call);
    return;
  }
  if (name == "std::async" && call->getNumArgs() >= 1) {
    unsigned first = recordNameOf(call->getArg(0)->getType()) == "std::launch" ? 1 : 0;
    if (first >= call->getNumArgs())
      return;
    std::string handle;
    if (auto it = handles_.find(call); it != handles_.end())
      handle = it->second;
    else
      handle = "async@" + std::to_string(offsetOf(call->getExprLoc()));
    std::vector<const Expr *> args(call->arg_begin() + first + 1, call->arg_end());
    spawn(call->getArg(first), args, handle, call, false);
    if (handle.rfind("async@", 0) == 0) // the temporary future's destructor waits
      join(handle, call);
    return;
  }
  if (sm_.isInSystemHeader(callee->getLocation()))
    return;
  handleUserCall(call, callee, nullptr, state);
}

/// Returning a guard hands its locks to the caller: the function becomes an
/// acquire function (`std::unique_lock<std::mutex> lock() { return ...; }`).
void FunctionAnalyzer::handleReturn(const ReturnStmt *ret, State &state) {
  const Expr *value = ret->getRetValue();
  if (!value || !isLockGuardType(value->getType()))
    return;
  const Expr *e = strip(value);
  if (const auto *ref = dyn_cast<DeclRefExpr>(e)) {
    if (const auto *var = dyn_cast<VarDecl>(ref->getDecl()))
      state.guards.erase(var); // its locks stay held, owned by the caller now
    return;
  }
  if (const auto *ce = dyn_cast<CXXConstructExpr>(e)) {
    for (const Expr *arg : ce->arguments()) {
      std::string tag = recordNameOf(arg->getType());
      if (tag == "std::defer_lock_t" || tag == "std::try_to_lock_t" || tag == "std::adopt_lock_t")
        return;
    }
    std::vector<HeldLock> snapshot = state.held;
    for (const Expr *arg : ce->arguments())
      if (mutexKindOf(arg->getType()) != MutexKind::None)
        acquire(pathOf(arg), recordNameOf(value->getType()) == "std::shared_lock", false,
                mutexKindOf(arg->getType()) == MutexKind::Recursive, arg->getExprLoc(), arg,
                state, &snapshot);
  }
}

void FunctionAnalyzer::handleStmt(const Stmt *s, State &state) {
  if (const auto *decl = dyn_cast<DeclStmt>(s)) {
    for (const Decl *d : decl->decls())
      if (const auto *var = dyn_cast<VarDecl>(d))
        handleVarDecl(var, state);
    return;
  }
  if (const auto *member = dyn_cast<CXXMemberCallExpr>(s))
    return handleMemberCall(member, state);
  if (const auto *op = dyn_cast<CXXOperatorCallExpr>(s))
    return handleOperatorCall(op, state);
  if (const auto *call = dyn_cast<CallExpr>(s))
    return handleCall(call, state);
  if (const auto *ce = dyn_cast<CXXConstructExpr>(s))
    return handleConstruct(ce, state);
  if (const auto *ret = dyn_cast<ReturnStmt>(s))
    return handleReturn(ret, state);
  if (const auto *binary = dyn_cast<BinaryOperator>(s)) {
    if (binary->isAssignmentOp())
      recordAccess(binary->getLHS(), true, state);
    return;
  }
  if (const auto *unary = dyn_cast<UnaryOperator>(s)) {
    if (unary->isIncrementDecrementOp())
      recordAccess(unary->getSubExpr(), true, state);
    return;
  }
  if (const auto *cast = dyn_cast<ImplicitCastExpr>(s)) {
    if (cast->getCastKind() == CK_LValueToRValue)
      recordAccess(cast->getSubExpr(), false, state);
    return;
  }
}

void FunctionAnalyzer::transferBlock(const CFGBlock &block, State &state) {
  for (const CFGElement &element : block) {
    if (auto stmt = element.getAs<CFGStmt>()) {
      handleStmt(stmt->getStmt(), state);
    } else if (auto dtor = element.getAs<CFGAutomaticObjDtor>()) {
      handleDestructor(dtor->getVarDecl(), dtor->getTriggerStmt(), state);
    }
  }
}

/// The state along one successor edge: a trylock tested by the branch holds
/// its lock only on the success side.
State FunctionAnalyzer::refineForBranch(const CFGBlock &block, const State &out,
                                        unsigned succIndex) {
  if (block.succ_size() != 2 || out.pending.empty())
    return out;
  const Stmt *condStmt = block.getTerminatorCondition();
  const auto *cond = dyn_cast_or_null<Expr>(condStmt);
  if (!cond)
    return out;
  bool truthMeansSuccess = true; // relative to the pending try
  const PendingTry *pending = nullptr;
  const Expr *e = cond;
  for (int depth = 0; depth < 8 && e && !pending; ++depth) {
    e = e->IgnoreParenImpCasts();
    if (const auto *unary = dyn_cast<UnaryOperator>(e); unary && unary->getOpcode() == UO_LNot) {
      truthMeansSuccess = !truthMeansSuccess;
      e = unary->getSubExpr();
      continue;
    }
    if (const auto *binary = dyn_cast<BinaryOperator>(e);
        binary && (binary->getOpcode() == BO_EQ || binary->getOpcode() == BO_NE)) {
      const Expr *lhs = binary->getLHS()->IgnoreParenImpCasts();
      const Expr *rhs = binary->getRHS()->IgnoreParenImpCasts();
      Expr::EvalResult value;
      const Expr *other = lhs;
      if (rhs->EvaluateAsInt(value, ast_))
        other = lhs;
      else if (lhs->EvaluateAsInt(value, ast_))
        other = rhs;
      else
        return out;
      bool comparesToZero = value.Val.getInt() == 0;
      // (x == 0) is true when x is false.
      bool flips = (binary->getOpcode() == BO_EQ) == comparesToZero;
      if (flips)
        truthMeansSuccess = !truthMeansSuccess;
      e = other;
      continue;
    }
    if (const auto *member = dyn_cast<CXXMemberCallExpr>(e)) { // lk.owns_lock(), (bool)lk
      const CXXMethodDecl *method = member->getMethodDecl();
      const Expr *object = member->getImplicitObjectArgument();
      if (method && object && isLockGuardType(object->getType()) &&
          (method->getNameAsString() == "owns_lock" || isa<CXXConversionDecl>(method))) {
        const auto *ref = dyn_cast<DeclRefExpr>(object->IgnoreParenImpCasts());
        if (ref)
          if (auto it = out.pending.find(ref->getDecl()); it != out.pending.end())
            pending = &it->second;
        if (!pending) {
          // owns_lock() after a try_lock() call on the guard
          for (const auto &[key, p] : out.pending)
            if (ref && p.guard == ref->getDecl())
              pending = &p;
        }
        if (!pending)
          return out;
        break;
      }
    }
    if (auto it = out.pending.find(e); it != out.pending.end()) {
      pending = &it->second;
      break;
    }
    if (const auto *ref = dyn_cast<DeclRefExpr>(e)) { // int rc = trylock(); if (rc == 0)
      const auto *var = dyn_cast<VarDecl>(ref->getDecl());
      if (var && var->getInit()) {
        e = var->getInit();
        continue;
      }
    }
    return out;
  }
  if (!pending)
    return out;
  bool successOnTrue = truthMeansSuccess == pending->successWhenTrue;
  bool success = (succIndex == 0) == successOnTrue;
  State refined = out;
  PendingTry p = *pending;
  for (auto it = refined.pending.begin(); it != refined.pending.end(); ++it)
    if (&it->second == pending || it->first == pending->guard) {
      refined.pending.erase(it);
      break;
    }
  if (p.guard && refined.guards.count(p.guard))
    refined.guards[p.guard].owns = success ? Guard::Yes : Guard::No;
  if (success)
    for (const AccessPath &lock : p.locks)
      if (lock.valid() && !refined.holds(lock.key()))
        refined.held.push_back({lock, p.shared, p.site});
  return refined;
}

FunctionFacts FunctionAnalyzer::run(WrapperSummary &summary) {
  facts_.usr = usrOf(fn_->getCanonicalDecl());
  facts_.name = qualifiedNameOf(fn_);
  functionName_ = facts_.name;
  if (const auto *method = dyn_cast<CXXMethodDecl>(fn_)) {
    const CXXRecordDecl *parent = method->getParent();
    facts_.isMethod = !method->isStatic();
    facts_.isStatic = method->isStatic();
    facts_.isPublicMethod = method->getAccess() == AS_public;
    facts_.isCtorOrDtor = isa<CXXConstructorDecl>(method) || isa<CXXDestructorDecl>(method);
    inCtorOrDtor_ = facts_.isCtorOrDtor;
    className_ = qualifiedNameOf(parent);
    if (parent->isLambda()) {
      // `this` inside a lambda is the enclosing object.
      const DeclContext *outer = parent->getDeclContext();
      while (outer && !isa<CXXRecordDecl>(outer))
        outer = outer->getParent();
      className_ = outer ? qualifiedNameOf(cast<CXXRecordDecl>(outer)) : "";
      facts_.isMethod = false;
      facts_.isPublicMethod = false;
      const FunctionDecl *enclosing = dyn_cast_or_null<FunctionDecl>(parent->getDeclContext());
      functionName_ = (enclosing ? qualifiedNameOf(enclosing) : std::string("")) + "::(lambda)";
      facts_.name = functionName_;
    }
    facts_.className = className_;
  }
  facts_.isMain = fn_->isMain();
  for (const ParmVarDecl *param : fn_->parameters())
    facts_.paramNames.push_back(param->getNameAsString());
  facts_.site = siteOf(fn_->getLocation());
  prescan();

  CFG::BuildOptions options;
  options.AddImplicitDtors = true;
  options.AddTemporaryDtors = true;
  options.AddInitializers = true;
  options.setAllAlwaysAdd();
  std::unique_ptr<CFG> cfg =
      CFG::buildCFG(fn_, fn_->getBody(), &ast_, options);
  if (!cfg)
    return facts_;

  State entryState;
  entryState.reachable = true;
  for (const auto *attr : fn_->specific_attrs<RequiresCapabilityAttr>())
    for (const Expr *arg : attr->args())
      if (AccessPath lock = pathOf(arg); lock.valid())
        entryState.held.push_back({lock, attr->isShared(), SourceSite()});

  std::vector<State> in(cfg->getNumBlockIDs());
  in[cfg->getEntry().getBlockID()] = entryState;
  std::deque<const CFGBlock *> worklist = {&cfg->getEntry()};
  std::vector<bool> queued(cfg->getNumBlockIDs(), false);
  size_t budget = 64 * cfg->getNumBlockIDs() + 64; // monotone; the bound is a safety net
  while (!worklist.empty() && budget-- > 0) {
    const CFGBlock *block = worklist.front();
    worklist.pop_front();
    queued[block->getBlockID()] = false;
    State out = in[block->getBlockID()];
    transferBlock(*block, out);
    unsigned index = 0;
    for (const CFGBlock::AdjacentBlock &succ : block->succs()) {
      const CFGBlock *next = succ.getReachableBlock();
      unsigned succIndex = index++;
      if (!next)
        continue;
      State edge = refineForBranch(*block, out, succIndex);
      State merged = merge(in[next->getBlockID()], edge);
      if (merged.signature() != in[next->getBlockID()].signature()) {
        in[next->getBlockID()] = std::move(merged);
        if (!queued[next->getBlockID()]) {
          queued[next->getBlockID()] = true;
          worklist.push_back(next);
        }
      }
    }
  }

  record_ = true;
  for (const CFGBlock *block : *cfg) {
    if (!in[block->getBlockID()].reachable)
      continue;
    State state = in[block->getBlockID()];
    transferBlock(*block, state);
  }

  State exit = in[cfg->getExit().getBlockID()];
  // Unlocked, then locked again (`mu.unlock(); io(); mu.lock();`): no net
  // effect for the caller. A lock this function also acquires itself and
  // releases once more (a recursive mutex) is not a release wrapper either.
  std::set<std::string> acquiredHere;
  for (const AcquireFact &a : facts_.acquires)
    acquiredHere.insert(a.lock.key());
  for (auto it = exit.released.begin(); it != exit.released.end();) {
    std::string key = it->key();
    bool reheld = exit.holds(key);
    if (reheld || acquiredHere.count(key)) {
      if (reheld)
        exit.held.erase(std::remove_if(exit.held.begin(), exit.held.end(),
                                       [&](const HeldLock &h) { return h.lock.key() == key; }),
                        exit.held.end());
      it = exit.released.erase(it);
    } else {
      ++it;
    }
  }
  if (exit.reachable && !inCtorOrDtor_) {
    for (const HeldLock &h : exit.held) {
      bool guardOwned = false;
      for (const auto &[var, g] : exit.guards)
        for (const AccessPath &m : g.mutexes)
          guardOwned = guardOwned || m.key() == h.lock.key();
      bool escapes = h.lock.root == AccessPath::Root::This ||
                     h.lock.root == AccessPath::Root::Param ||
                     h.lock.root == AccessPath::Root::Global;
      if (!guardOwned && escapes && h.acquiredAt.line != 0)
        summary.acquires.push_back({h.lock, h.shared});
    }
    for (const AccessPath &r : exit.released)
      summary.releases.push_back({r, false});
  }
  if (exit.reachable && isa<CXXConstructorDecl>(fn_)) {
    for (const HeldLock &h : exit.held) // a guard's constructor
      if (h.lock.root == AccessPath::Root::Param && h.acquiredAt.line != 0)
        summary.acquires.push_back({h.lock, h.shared});
  }
  if (exit.reachable && isa<CXXDestructorDecl>(fn_))
    for (const AccessPath &r : exit.released)
      summary.releases.push_back({r, false});
  facts_.acquiresOnReturn = summary.acquires;
  facts_.releasesOnReturn = summary.releases;
  return facts_;
}

} // namespace

FunctionFacts analyzeFunction(const FunctionDecl *fn, TUContext &tu, WrapperSummary &summary) {
  FunctionAnalyzer analyzer(fn, tu);
  return analyzer.run(summary);
}

} // namespace interlock
