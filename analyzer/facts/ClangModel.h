// What the analysis knows about library types and functions: mutexes, lock
// guards, threads, futures, atomics, std containers, pthread functions.
#pragma once

#include <clang/AST/Decl.h>
#include <clang/AST/DeclCXX.h>
#include <clang/AST/Type.h>

#include <string>

namespace interlock {

enum class MutexKind { None, Plain, Recursive, ReaderWriter };

/// Qualified name of the record behind `type` (references, cv and sugar
/// stripped), with libstdc++/libc++ inline namespaces removed.
std::string recordNameOf(clang::QualType type);
/// Qualified name of a declaration, inline namespaces removed.
std::string qualifiedNameOf(const clang::NamedDecl *decl);

MutexKind mutexKindOf(clang::QualType type);
bool isLockGuardType(clang::QualType type);   ///< lock_guard, unique_lock, scoped_lock, shared_lock
bool isThreadType(clang::QualType type);      ///< std::thread, std::jthread
bool isJThreadType(clang::QualType type);
bool isFutureType(clang::QualType type);      ///< std::future, std::shared_future
/// Synchronization objects and atomics: never a data-race location.
bool isSynchronizationType(clang::QualType type);
bool isStdContainerType(clang::QualType type);
/// A non-const member call of a std container that does not modify it
/// (element access and lookup; not map::operator[], which inserts).
bool isReadOnlyContainerMethod(clang::QualType containerType, llvm::StringRef method);
/// A class that IS a lock: marked with Clang's capability attribute
/// (`class LOCKABLE Mutex`), or whose only non-static data member holds a
/// mutex (a pure wrapper such as leveldb's port::Mutex around std::mutex).
/// A class with data besides its mutex (`struct Account { std::mutex mu;
/// int balance; }`) is not one.
bool isLockClass(const clang::CXXRecordDecl *record);
/// Whether `field` is the mutex inside a lock class: `w.mu_` then names the
/// lock `w` itself, so the wrapper's attributes (naming `w`) and its body
/// (locking `w.mu_`) agree on one identity.
bool isLockOfLockClass(const clang::FieldDecl *field);
/// Element type of a std container (for vector<std::thread> and friends).
clang::QualType containerElementType(clang::QualType type);

} // namespace interlock
