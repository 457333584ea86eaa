#include "jvs/base/result.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace jvs {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "E_INVALID_ARGUMENT";
    case ErrorCode::kNotFound: return "E_NOT_FOUND";
    case ErrorCode::kAmbiguous: return "E_AMBIGUOUS";
    case ErrorCode::kAlreadyExists: return "E_ALREADY_EXISTS";
    case ErrorCode::kNotARepository: return "E_NOT_A_REPOSITORY";
    case ErrorCode::kIo: return "E_IO";
    case ErrorCode::kNoSpace: return "E_NO_SPACE";
    case ErrorCode::kCorrupt: return "E_CORRUPT";
    case ErrorCode::kFormatTooNew: return "E_FORMAT_TOO_NEW";
    case ErrorCode::kLocked: return "E_LOCKED";
    case ErrorCode::kPermissionDenied: return "E_PERMISSION_DENIED";
    case ErrorCode::kUnsupported: return "E_UNSUPPORTED";
    case ErrorCode::kRefused: return "E_REFUSED";
    case ErrorCode::kInterrupted: return "E_INTERRUPTED";
    case ErrorCode::kInternal: return "E_INTERNAL";
  }
  return "E_INTERNAL";
}

Error ErrnoError(int err, std::string_view what) {
  std::string msg = std::string(what) + ": " + std::strerror(err);
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return Error(ErrorCode::kNotFound, msg);
    case EEXIST:
    case ENOTEMPTY:
      return Error(ErrorCode::kAlreadyExists, msg);
    case ENOSPC:
    case EDQUOT:
      return Error(ErrorCode::kNoSpace, msg,
                   "free some space on this filesystem and run the command again; "
                   "the repository was left unchanged");
    case EACCES:
    case EPERM:
    case EROFS:
      return Error(ErrorCode::kPermissionDenied, msg, "check the file's permissions");
    case EOPNOTSUPP:
    case EXDEV:
    case ENOSYS:
    case ENOTTY:
      return Error(ErrorCode::kUnsupported, msg);
    case EINTR:
      return Error(ErrorCode::kInterrupted, msg);
    default:
      return Error(ErrorCode::kIo, msg);
  }
}

namespace internal {
void CheckFailed(const char* cond, const char* file, int line) {
  std::fprintf(stderr, "jvs: internal error: check failed: %s at %s:%d\n", cond, file, line);
  std::abort();
}
}  // namespace internal

}  // namespace jvs
