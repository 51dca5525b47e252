#include "facts/ClangModel.h"

#include <clang/AST/Attr.h>
#include <clang/AST/DeclTemplate.h>

#include <array>

using namespace clang;

namespace interlock {
namespace {

void eraseAll(std::string &text, llvm::StringRef piece) {
  for (size_t pos; (pos = text.find(piece.str())) != std::string::npos;)
    text.erase(pos, piece.size());
}

QualType bareType(QualType type) {
  type = type.getNonReferenceType();
  while (const ArrayType *array = type->getAsArrayTypeUnsafe())
    type = array->getElementType();
  return type;
}

/// The spelled typedef names (pthread_mutex_t, ...) along the sugar chain.
bool hasTypedefNamed(QualType type, std::initializer_list<llvm::StringRef> names) {
  type = bareType(type);
  while (true) {
    if (const auto *td = type->getAs<TypedefType>()) {
      llvm::StringRef name = td->getDecl()->getName();
      for (llvm::StringRef wanted : names)
        if (name == wanted)
          return true;
      type = td->getDecl()->getUnderlyingType();
      continue;
    }
    return false;
  }
}

bool nameIn(const std::string &name, std::initializer_list<llvm::StringRef> names) {
  for (llvm::StringRef candidate : names)
    if (name == candidate)
      return true;
  return false;
}

} // namespace

std::string qualifiedNameOf(const NamedDecl *decl) {
  if (!decl)
    return "";
  std::string name = decl->getQualifiedNameAsString();
  eraseAll(name, "::_V2");
  eraseAll(name, "::__cxx11");
  eraseAll(name, "::__1");
  return name;
}

std::string recordNameOf(QualType type) {
  type = bareType(type);
  if (const auto *pointer = type->getAs<PointerType>())
    (void)pointer; // a pointer is not the record itself
  if (const TagDecl *tag = type->getAsTagDecl()) // records, and enums like std::launch
    return qualifiedNameOf(tag);
  return "";
}

MutexKind mutexKindOf(QualType type) {
  std::string name = recordNameOf(type);
  if (nameIn(name, {"std::mutex", "std::timed_mutex"}))
    return MutexKind::Plain;
  if (nameIn(name, {"std::recursive_mutex", "std::recursive_timed_mutex"}))
    return MutexKind::Recursive;
  if (nameIn(name, {"std::shared_mutex", "std::shared_timed_mutex"}))
    return MutexKind::ReaderWriter;
  if (hasTypedefNamed(type, {"pthread_mutex_t", "pthread_spinlock_t", "mtx_t"}))
    return MutexKind::Plain;
  if (hasTypedefNamed(type, {"pthread_rwlock_t"}))
    return MutexKind::ReaderWriter;
  return MutexKind::None;
}

bool isLockGuardType(QualType type) {
  return nameIn(recordNameOf(type),
                {"std::lock_guard", "std::unique_lock", "std::scoped_lock", "std::shared_lock"});
}

bool isThreadType(QualType type) {
  return nameIn(recordNameOf(type), {"std::thread", "std::jthread"});
}

bool isJThreadType(QualType type) { return recordNameOf(type) == "std::jthread"; }

bool isFutureType(QualType type) {
  return nameIn(recordNameOf(type), {"std::future", "std::shared_future"});
}

bool isSynchronizationType(QualType type) {
  QualType bare = bareType(type);
  if (bare->isAtomicType())
    return true;
  if (mutexKindOf(bare) != MutexKind::None || isLockGuardType(bare) || isThreadType(bare) ||
      isFutureType(bare))
    return true;
  std::string name = recordNameOf(bare);
  if (llvm::StringRef(name).starts_with("std::atomic") ||
      nameIn(name, {"std::condition_variable", "std::condition_variable_any", "std::promise",
                    "std::once_flag", "std::latch", "std::barrier", "std::counting_semaphore",
                    "std::binary_semaphore", "std::stop_source", "std::stop_token",
                    "std::packaged_task"}))
    return true;
  return hasTypedefNamed(bare, {"pthread_cond_t", "pthread_t", "pthread_barrier_t",
                                "pthread_once_t", "sem_t", "cnd_t", "thrd_t", "sig_atomic_t",
                                "atomic_int", "atomic_bool", "atomic_long", "atomic_flag"});
}

bool isStdContainerType(QualType type) {
  return nameIn(recordNameOf(type),
                {"std::vector", "std::deque", "std::list", "std::forward_list", "std::map",
                 "std::multimap", "std::set", "std::multiset", "std::unordered_map",
                 "std::unordered_multimap", "std::unordered_set", "std::unordered_multiset",
                 "std::basic_string", "std::queue", "std::stack", "std::priority_queue",
                 "std::array", "std::span", "std::bitset", "std::optional", "std::shared_ptr",
                 "std::unique_ptr", "std::function"});
}

bool isReadOnlyContainerMethod(QualType containerType, llvm::StringRef method) {
  static const std::array<llvm::StringRef, 20> readers = {
      "at",     "front",   "back",   "data",        "begin",       "end",         "rbegin",
      "rend",   "cbegin",  "cend",   "find",        "count",       "contains",    "size",
      "empty",  "length",  "c_str",  "lower_bound", "upper_bound", "equal_range"};
  for (llvm::StringRef reader : readers)
    if (method == reader)
      return true;
  if (method == "operator[]") {
    std::string name = recordNameOf(containerType);
    return !nameIn(name, {"std::map", "std::unordered_map"}); // those insert
  }
  return method == "get" || method == "operator*" || method == "operator->" ||
         method == "operator bool" || method == "value" || method == "has_value";
}

namespace {
bool holdsLockDirectly(QualType type, int depth);

bool isLockClassAt(const CXXRecordDecl *record, int depth) {
  if (!record || depth > 4) // nested wrappers deeper than this are not seen as locks
    return false;
  if (record->hasDefinition())
    record = record->getDefinition();
  if (record->hasAttr<CapabilityAttr>())
    return true;
  if (!record->hasDefinition() || record->isUnion() || record->isLambda())
    return false;
  for (const CXXBaseSpecifier &base : record->bases()) {
    const CXXRecordDecl *b = base.getType()->getAsCXXRecordDecl();
    if (!b || !b->hasDefinition() || !b->getDefinition()->isEmpty())
      return false; // a base with data: more than a lock
  }
  unsigned fields = 0;
  bool lockField = false;
  for (const FieldDecl *field : record->fields()) {
    ++fields;
    lockField = holdsLockDirectly(field->getType(), depth + 1);
  }
  return fields == 1 && lockField;
}

/// A mutex, or a lock class, by value (not through a pointer or reference:
/// a class holding `Mutex *mu_` refers to a lock that lives elsewhere).
bool holdsLockDirectly(QualType type, int depth) {
  if (type->isReferenceType() || type->isPointerType() || type->isArrayType())
    return false;
  if (mutexKindOf(type) != MutexKind::None)
    return true;
  return isLockClassAt(type->getAsCXXRecordDecl(), depth);
}
} // namespace

bool isLockClass(const CXXRecordDecl *record) { return isLockClassAt(record, 0); }

bool isLockOfLockClass(const FieldDecl *field) {
  if (!field || !holdsLockDirectly(field->getType(), 0))
    return false;
  return isLockClass(dyn_cast<CXXRecordDecl>(field->getParent()));
}

QualType containerElementType(QualType type) {
  const CXXRecordDecl *record = bareType(type)->getAsCXXRecordDecl();
  const auto *spec = llvm::dyn_cast_or_null<ClassTemplateSpecializationDecl>(record);
  if (!spec || spec->getTemplateArgs().size() == 0)
    return QualType();
  const TemplateArgument &first = spec->getTemplateArgs()[0];
  return first.getKind() == TemplateArgument::Type ? first.getAsType() : QualType();
}

} // namespace interlock
