// Errors as values. `Error` carries a code, a message, an optional hint for
// the user in plain words, and remedies: what the user can do next, as data
// (`Remedy`), which the program turns into words. The library never names a
// program or command; the CLI words each remedy with its own commands.
// `Result<T>` holds either a value or an Error; `Status` is `Result<void>`. No
// exception crosses the library API: every fallible public function returns
// one of these. Thread-compatible value types.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace jvs {

enum class ErrorCode {
  kInvalidArgument,   // a malformed argument from the caller
  kNotFound,          // a reference, object or path that does not exist
  kAmbiguous,         // a reference that matches several candidates
  kAlreadyExists,     // something to be created exists
  kNotARepository,    // no repository found
  kIo,                // an operating-system error
  kNoSpace,           // ENOSPC / EDQUOT
  kCorrupt,           // malformed or tampered data read from disk
  kFormatTooNew,      // a repository written by a newer jvs
  kLocked,            // a lock could not be taken within the wait limit
  kPermissionDenied,  // EACCES / EPERM
  kUnsupported,       // the operation is not supported here
  kRefused,           // refused by policy (nothing to do, would lose data)
  kInterrupted,       // SIGINT
  kInternal,          // a bug
};

// "E_NOT_FOUND" and so on: the stable code shown in JSON errors.
std::string_view ErrorCodeName(ErrorCode code);

// What the user can do about an error. The library picks the remedy; the
// program that shows the error words it (the CLI: cli/remedy.cc). `arg` is
// the remedy's one parameter where it has one.
enum class Remedy {
  kInspectRepository,      // check the repository's health
  kInspectRepositoryFirst, // the repository is damaged: check its health (and every object) first
  kRepairRepository,       // let the health check repair what is safe
  kFindDamagedObjects,     // re-hash every object
  kListOperations,         // see the operations that remain in the log
  kSeeOperations,          // see the operations of the log
  kRestoreAnyOperation,    // go back to any operation of the log
  kRedoAfterUndo,          // redo re-applies what undo took back
  kUndoOrRestoreOperation, // undo, or go back to an earlier operation
  kListReferences,         // see every snapshot and tag
  kSeeHistory,             // see this worktree's history
  kListWorktrees,          // see the worktrees
  kCreateSnapshot,         // take a first snapshot
  kCreateRepository,       // make or adopt a repository (or name one)
  kFinishRestore,          // arg: the reference to restore to, to finish an interrupted update
  kRestoreHead,            // bring the worktree's files back from its head
  kCheckPathInSnapshot,    // arg: the snapshot whose paths to list
  kMakeGcPlan,             // make a new garbage-collection plan
  kPassGcPlanId,           // make a plan and pass its id
  kRunGcLater,             // run garbage collection again later
  kShowConfigKeys,         // see the configuration keys and their types
  kUnsetConfig,            // arg: the configuration key to remove
  kRaiseLockWait,          // wait longer for locks
  kForceFork,              // arg: "REF NAME"; re-run the fork with --force (saves what is there first)
  kRestrictControlFolder,  // arg: the control folder; make it readable by its owner only
  kCollectGarbage,         // garbage collection removes such leftovers (keep this last: tests iterate to it)
};

struct RemedyStep {
  Remedy what;
  std::string arg;
  bool operator==(const RemedyStep&) const = default;
};

class [[nodiscard]] Error {
 public:
  Error(ErrorCode code, std::string message, std::string hint = {})
      : code_(code), message_(std::move(message)), hint_(std::move(hint)) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& hint() const { return hint_; }
  const std::vector<RemedyStep>& remedies() const { return remedies_; }

  // Returns a copy with `context: ` prepended to the message.
  Error WithContext(std::string_view context) const {
    Error e = *this;
    e.message_ = std::string(context) + ": " + message_;
    return e;
  }
  // Replaces the plain hint and drops the remedies.
  Error WithHint(std::string hint) const { return Error(code_, message_, std::move(hint)); }
  // Adds a remedy after the hint.
  Error WithRemedy(Remedy what, std::string arg = {}) const {
    Error e = *this;
    e.remedies_.push_back({what, std::move(arg)});
    return e;
  }

 private:
  ErrorCode code_;
  std::string message_;
  std::string hint_;
  std::vector<RemedyStep> remedies_;
};

// Builds an Error from errno with `what` describing the failed action.
Error ErrnoError(int err, std::string_view what);

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { assert(!ok()); return std::get<1>(v_); }
  Error&& error() && { assert(!ok()); return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : err_(std::move(error)), has_error_(true) {}  // NOLINT

  bool ok() const { return !has_error_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const& { assert(!ok()); return err_; }
  Error&& error() && { assert(!ok()); return std::move(err_); }

 private:
  Error err_{ErrorCode::kInternal, ""};
  bool has_error_ = false;
};

using Status = Result<void>;

inline Status OkStatus() { return {}; }

}  // namespace jvs

#define JVS_CONCAT_INNER_(a, b) a##b
#define JVS_CONCAT_(a, b) JVS_CONCAT_INNER_(a, b)

// Returns the error of a Status/Result expression from the enclosing function.
#define JVS_TRY(expr)                                  \
  do {                                                 \
    auto&& jvs_try_result_ = (expr);                   \
    if (!jvs_try_result_.ok())                         \
      return std::move(jvs_try_result_).error();       \
  } while (0)

// `JVS_ASSIGN_OR_RETURN(auto x, Foo());` declares x from a Result or returns its error.
#define JVS_ASSIGN_OR_RETURN(lhs, expr) \
  JVS_ASSIGN_OR_RETURN_IMPL_(JVS_CONCAT_(jvs_res_, __LINE__), lhs, expr)
#define JVS_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return std::move(tmp).error();    \
  lhs = std::move(tmp).value()

// A broken invariant is a bug: abort with a message (also in release builds).
#define JVS_CHECK(cond)                                                        \
  do {                                                                         \
    if (!(cond)) ::jvs::internal::CheckFailed(#cond, __FILE__, __LINE__);      \
  } while (0)

namespace jvs::internal {
[[noreturn]] void CheckFailed(const char* cond, const char* file, int line);
}
