// Env: every filesystem and clock call of libjvs goes through this interface,
// so that tests can inject failures (ENOSPC, EIO, a crash at a given call).
// `Env::Default()` is the real POSIX implementation and is thread-safe;
// `EnvWrapper` forwards everything to another Env so a test can override one
// call. Paths are OS paths (std::filesystem::path); fds are owned by UniqueFd.
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "jvs/base/result.h"

namespace jvs {

namespace fs = std::filesystem;

// Owns a file descriptor; closes it on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.release()) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) reset(o.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

// A read-only, private mapping of a whole file (its pages populated at once,
// which costs far fewer page faults than reading into fresh heap memory).
// Only for files that are replaced by rename and never truncated in place
// (the tree state, the snapshot index): a file shrinking under a mapping
// would fault on access. Move-only; unmaps on destruction.
class MappedFile {
 public:
  MappedFile() = default;
  MappedFile(void* addr, size_t size) : addr_(addr), size_(size) {}
  MappedFile(MappedFile&& o) noexcept : addr_(o.addr_), size_(o.size_) {
    o.addr_ = nullptr;
    o.size_ = 0;
  }
  MappedFile& operator=(MappedFile&& o) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  std::string_view data() const { return {static_cast<const char*>(addr_), size_}; }

 private:
  void* addr_ = nullptr;
  size_t size_ = 0;
};

struct DirEntry {
  std::string name;
  unsigned char type = DT_UNKNOWN;  // DT_REG, DT_DIR, DT_LNK, ... or DT_UNKNOWN
};

class Env {
 public:
  virtual ~Env() = default;

  // The process-wide POSIX environment.
  static Env* Default();

  // ---- files ----
  virtual Result<UniqueFd> Open(const fs::path& path, int flags, mode_t mode = 0666);
  virtual Result<UniqueFd> OpenAt(int dirfd, const char* name, int flags, mode_t mode = 0666);
  // Reads up to n bytes; returns 0 at end of file. Retries EINTR.
  virtual Result<size_t> Read(int fd, void* buf, size_t n);
  // Writes all n bytes (ENOSPC is reported as ErrorCode::kNoSpace).
  virtual Status Write(int fd, const void* buf, size_t n);
  virtual Result<struct stat> Fstat(int fd);
  // kNotFound when the path does not exist.
  virtual Result<struct stat> Lstat(const fs::path& path);
  virtual Result<struct stat> Stat(const fs::path& path);
  virtual Result<struct stat> LstatAt(int dirfd, const char* name);
  virtual Status Fsync(int fd);
  // One durability barrier for the whole filesystem holding fd.
  virtual Status SyncFs(int fd);
  virtual Status Fchmod(int fd, mode_t mode);
  virtual Status Chmod(const fs::path& path, mode_t mode);
  // Sets the modification time of an open file.
  virtual Status SetMtime(int fd, const struct timespec& mtime);
  virtual Result<size_t> CopyFileRange(int in_fd, int64_t* in_off, int out_fd, int64_t* out_off,
                                       size_t len);
  // FICLONE: make dst share src's extents (reflink).
  virtual Status CloneFile(int src_fd, int dst_fd);
  virtual Status Ftruncate(int fd, int64_t size);
  // A read lease (fcntl F_SETLEASE F_RDLCK) on a file opened read-only: it is
  // granted only while no process has the file open for writing (a writable
  // shared mapping counts), and a process that opens it for writing or
  // truncates it afterwards breaks the lease (and waits until it is released).
  // So while ReadLeaseHeld() says true, the content cannot have changed since
  // the lease was taken. kUnsupported or kLocked (open for writing elsewhere)
  // when refused; the break signal is SIGURG, ignored unless the process
  // handles SIGURG itself, in which case leases are refused.
  virtual Status TakeReadLease(int fd);
  // False once another process has started to break the lease.
  virtual Result<bool> ReadLeaseHeld(int fd);
  virtual void ReleaseLease(int fd);

  // ---- names ----
  virtual Status Rename(const fs::path& from, const fs::path& to);
  // Fails with kAlreadyExists when `to` exists.
  virtual Status RenameNoReplace(const fs::path& from, const fs::path& to);
  virtual Status Link(const fs::path& from, const fs::path& to);
  virtual Status Unlink(const fs::path& path);
  virtual Status Mkdir(const fs::path& path, mode_t mode = 0777);
  virtual Status Rmdir(const fs::path& path);
  virtual Status Symlink(const std::string& target, const fs::path& link);
  virtual Result<std::string> Readlink(const fs::path& path);
  virtual Result<std::string> ReadlinkAt(int dirfd, const char* name);
  // Lists a directory (without "." and ".."), given an open directory fd
  // (which stays open and owned by the caller).
  virtual Result<std::vector<DirEntry>> ReadDir(int dirfd);

  // ---- locks ----
  // Takes an exclusive flock on `path` (created if missing). Waits up to
  // `wait` (zero: try once); kLocked on timeout. The lock lives as long as the fd.
  virtual Result<UniqueFd> LockFile(const fs::path& path, std::chrono::milliseconds wait);
  // Takes (or converts to) a shared or exclusive flock on the open file `fd`.
  // Waits up to `wait` (zero: try once); kLocked on timeout.
  virtual Status Flock(int fd, bool exclusive, std::chrono::milliseconds wait);

  // ---- clock and process ----
  virtual int64_t NowNanos();  // CLOCK_REALTIME
  virtual void SleepMillis(int64_t ms);

  // ---- helpers built on the virtual calls (not virtual themselves) ----
  Result<std::string> ReadFile(const fs::path& path, size_t max_size = 256u << 20);
  // The whole file as a MappedFile (see there for which files qualify);
  // kCorrupt when it is larger than max_size.
  Result<MappedFile> MapFile(const fs::path& path, size_t max_size);
  // Writes `data` to a temp file beside `path` and renames it into place
  // (fsync of the file only when `sync` is set).
  Status WriteFileAtomic(const fs::path& path, std::string_view data, bool sync = false);
  bool Exists(const fs::path& path);
  Status MkdirAll(const fs::path& path);
  // Removes a file, symlink or directory tree.
  Status RemoveAll(const fs::path& path);
};

// Forwards every call to `target`; derive from it to override single calls.
class EnvWrapper : public Env {
 public:
  explicit EnvWrapper(Env* target) : target_(target) {}
  Env* target() const { return target_; }

  Result<UniqueFd> Open(const fs::path& p, int f, mode_t m) override { return target_->Open(p, f, m); }
  Result<UniqueFd> OpenAt(int d, const char* n, int f, mode_t m) override { return target_->OpenAt(d, n, f, m); }
  Result<size_t> Read(int fd, void* b, size_t n) override { return target_->Read(fd, b, n); }
  Status Write(int fd, const void* b, size_t n) override { return target_->Write(fd, b, n); }
  Result<struct stat> Fstat(int fd) override { return target_->Fstat(fd); }
  Result<struct stat> Lstat(const fs::path& p) override { return target_->Lstat(p); }
  Result<struct stat> Stat(const fs::path& p) override { return target_->Stat(p); }
  Result<struct stat> LstatAt(int d, const char* n) override { return target_->LstatAt(d, n); }
  Status Fsync(int fd) override { return target_->Fsync(fd); }
  Status SyncFs(int fd) override { return target_->SyncFs(fd); }
  Status Fchmod(int fd, mode_t m) override { return target_->Fchmod(fd, m); }
  Status Chmod(const fs::path& p, mode_t m) override { return target_->Chmod(p, m); }
  Status SetMtime(int fd, const struct timespec& t) override { return target_->SetMtime(fd, t); }
  Result<size_t> CopyFileRange(int i, int64_t* io, int o, int64_t* oo, size_t n) override {
    return target_->CopyFileRange(i, io, o, oo, n);
  }
  Status CloneFile(int s, int d) override { return target_->CloneFile(s, d); }
  Status Ftruncate(int fd, int64_t s) override { return target_->Ftruncate(fd, s); }
  Status TakeReadLease(int fd) override { return target_->TakeReadLease(fd); }
  Result<bool> ReadLeaseHeld(int fd) override { return target_->ReadLeaseHeld(fd); }
  void ReleaseLease(int fd) override { target_->ReleaseLease(fd); }
  Status Rename(const fs::path& a, const fs::path& b) override { return target_->Rename(a, b); }
  Status RenameNoReplace(const fs::path& a, const fs::path& b) override { return target_->RenameNoReplace(a, b); }
  Status Link(const fs::path& a, const fs::path& b) override { return target_->Link(a, b); }
  Status Unlink(const fs::path& p) override { return target_->Unlink(p); }
  Status Mkdir(const fs::path& p, mode_t m) override { return target_->Mkdir(p, m); }
  Status Rmdir(const fs::path& p) override { return target_->Rmdir(p); }
  Status Symlink(const std::string& t, const fs::path& l) override { return target_->Symlink(t, l); }
  Result<std::string> Readlink(const fs::path& p) override { return target_->Readlink(p); }
  Result<std::string> ReadlinkAt(int d, const char* n) override { return target_->ReadlinkAt(d, n); }
  Result<std::vector<DirEntry>> ReadDir(int d) override { return target_->ReadDir(d); }
  Result<UniqueFd> LockFile(const fs::path& p, std::chrono::milliseconds w) override {
    return target_->LockFile(p, w);
  }
  Status Flock(int fd, bool x, std::chrono::milliseconds w) override { return target_->Flock(fd, x, w); }
  int64_t NowNanos() override { return target_->NowNanos(); }
  void SleepMillis(int64_t ms) override { target_->SleepMillis(ms); }

 private:
  Env* target_;
};

}  // namespace jvs
