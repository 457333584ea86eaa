#include "jvs/base/env.h"

#include <linux/fs.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <random>
#include <thread>

namespace jvs {

namespace {

std::string Q(const fs::path& p) { return "'" + p.string() + "'"; }

// "WHAT 'PATH'" for a failure on a descriptor, so that an error (a full
// disk while writing, say) names the file: the path the kernel knows for
// the descriptor, or WHAT alone when it has none.
std::string OnFd(std::string_view what, int fd) {
  const int saved = errno;
  char link[64], target[4096];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = ::readlink(link, target, sizeof target - 1);
  errno = saved;
  if (n <= 0 || target[0] != '/') return std::string(what);
  return std::string(what) + " '" + std::string(target, static_cast<size_t>(n)) + "'";
}

class PosixEnv final : public Env {};

}  // namespace

Env* Env::Default() {
  static PosixEnv env;
  return &env;
}

Result<UniqueFd> Env::Open(const fs::path& path, int flags, mode_t mode) {
  int fd;
  do fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) return ErrnoError(errno, "cannot open " + Q(path));
  return UniqueFd(fd);
}

Result<UniqueFd> Env::OpenAt(int dirfd, const char* name, int flags, mode_t mode) {
  int fd;
  do fd = ::openat(dirfd, name, flags | O_CLOEXEC, mode);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) return ErrnoError(errno, std::string("cannot open '") + name + "'");
  return UniqueFd(fd);
}

Result<size_t> Env::Read(int fd, void* buf, size_t n) {
  while (true) {
    ssize_t r = ::read(fd, buf, n);
    if (r >= 0) return static_cast<size_t>(r);
    if (errno != EINTR) return ErrnoError(errno, OnFd("cannot read", fd));
  }
}

Status Env::Write(int fd, const void* buf, size_t n) {
  const char* p = static_cast<const char*>(buf);
  while (n > 0) {
    ssize_t r = ::write(fd, p, n);
    if (r < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(errno, OnFd("cannot write", fd));
    }
    p += r;
    n -= static_cast<size_t>(r);
  }
  return OkStatus();
}

Result<struct stat> Env::Fstat(int fd) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return ErrnoError(errno, OnFd("cannot stat", fd));
  return st;
}

Result<struct stat> Env::Lstat(const fs::path& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return ErrnoError(errno, "cannot stat " + Q(path));
  return st;
}

Result<struct stat> Env::Stat(const fs::path& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return ErrnoError(errno, "cannot stat " + Q(path));
  return st;
}

Result<struct stat> Env::LstatAt(int dirfd, const char* name) {
  struct stat st;
  if (::fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
    return ErrnoError(errno, std::string("cannot stat '") + name + "'");
  return st;
}

Status Env::Fsync(int fd) {
  if (::fsync(fd) != 0) return ErrnoError(errno, OnFd("cannot sync", fd));
  return OkStatus();
}

Status Env::SyncFs(int fd) {
  if (::syncfs(fd) != 0) return ErrnoError(errno, "syncfs failed");
  return OkStatus();
}

Status Env::Fchmod(int fd, mode_t mode) {
  if (::fchmod(fd, mode) != 0) return ErrnoError(errno, OnFd("cannot chmod", fd));
  return OkStatus();
}

Status Env::Chmod(const fs::path& path, mode_t mode) {
  if (::chmod(path.c_str(), mode) != 0) return ErrnoError(errno, "cannot chmod " + Q(path));
  return OkStatus();
}

Status Env::SetMtime(int fd, const struct timespec& mtime) {
  struct timespec ts[2];
  ts[0].tv_sec = 0;
  ts[0].tv_nsec = UTIME_OMIT;
  ts[1] = mtime;
  if (::futimens(fd, ts) != 0) return ErrnoError(errno, OnFd("cannot set the time of", fd));
  return OkStatus();
}

Result<size_t> Env::CopyFileRange(int in_fd, int64_t* in_off, int out_fd, int64_t* out_off,
                                  size_t len) {
  while (true) {
    loff_t io = in_off ? *in_off : 0, oo = out_off ? *out_off : 0;
    ssize_t r = ::copy_file_range(in_fd, in_off ? &io : nullptr, out_fd, out_off ? &oo : nullptr,
                                  len, 0);
    if (r >= 0) {
      if (in_off) *in_off = io;
      if (out_off) *out_off = oo;
      return static_cast<size_t>(r);
    }
    if (errno != EINTR) return ErrnoError(errno, OnFd("cannot copy into", out_fd));
  }
}

Status Env::CloneFile(int src_fd, int dst_fd) {
  if (::ioctl(dst_fd, FICLONE, src_fd) != 0) return ErrnoError(errno, "FICLONE failed");
  return OkStatus();
}

Status Env::TakeReadLease(int fd) {
  // The kernel signals a lease break to the holder (SIGIO by default, which
  // would terminate the process). SIGURG is ignored by default: use it, unless
  // the process has a handler of its own for it.
  struct sigaction current {};
  if (::sigaction(SIGURG, nullptr, &current) != 0 ||
      ((current.sa_flags & SA_SIGINFO) != 0 ||
       (current.sa_handler != SIG_DFL && current.sa_handler != SIG_IGN)))
    return Error(ErrorCode::kUnsupported, "read leases need SIGURG unhandled");
  if (::fcntl(fd, F_SETSIG, SIGURG) != 0) return ErrnoError(errno, "F_SETSIG failed");
  if (::fcntl(fd, F_SETLEASE, F_RDLCK) != 0) {
    int e = errno;
    if (e == EAGAIN) return Error(ErrorCode::kLocked, "the file is open for writing");
    return ErrnoError(e, "read lease refused");
  }
  return OkStatus();
}

Result<bool> Env::ReadLeaseHeld(int fd) {
  int l = ::fcntl(fd, F_GETLEASE);
  if (l < 0) return ErrnoError(errno, "F_GETLEASE failed");
  return l == F_RDLCK;
}

void Env::ReleaseLease(int fd) { (void)::fcntl(fd, F_SETLEASE, F_UNLCK); }

Status Env::Ftruncate(int fd, int64_t size) {
  if (::ftruncate(fd, size) != 0) return ErrnoError(errno, "ftruncate failed");
  return OkStatus();
}

Status Env::Rename(const fs::path& from, const fs::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0)
    return ErrnoError(errno, "cannot rename " + Q(from) + " to " + Q(to));
  return OkStatus();
}

Status Env::RenameNoReplace(const fs::path& from, const fs::path& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) != 0) {
    if (errno == EINVAL || errno == ENOSYS) {
      // Filesystems without RENAME_NOREPLACE (FUSE, e.g. ceph-fuse): link + unlink gives the
      // same guarantee for a file. A directory cannot be linked (EPERM): rename(2) itself
      // refuses a target that is a non-empty directory (ENOTEMPTY) or not a directory, and a
      // directory published by rename is complete, so never empty; an empty directory in the
      // way is refused by the check before (it could only appear in between).
      struct stat st;
      if (::lstat(from.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
        if (::lstat(to.c_str(), &st) == 0)
          return ErrnoError(EEXIST, "cannot rename " + Q(from) + " to " + Q(to));
        if (::rename(from.c_str(), to.c_str()) != 0)
          return ErrnoError(errno == ENOTEMPTY ? EEXIST : errno, "cannot rename " + Q(from) + " to " + Q(to));
        return OkStatus();
      }
      if (::link(from.c_str(), to.c_str()) != 0)
        return ErrnoError(errno, "cannot rename " + Q(from) + " to " + Q(to));
      ::unlink(from.c_str());
      return OkStatus();
    }
    return ErrnoError(errno, "cannot rename " + Q(from) + " to " + Q(to));
  }
  return OkStatus();
}

Status Env::Link(const fs::path& from, const fs::path& to) {
  if (::link(from.c_str(), to.c_str()) != 0)
    return ErrnoError(errno, "cannot link " + Q(from) + " to " + Q(to));
  return OkStatus();
}

Status Env::Unlink(const fs::path& path) {
  if (::unlink(path.c_str()) != 0) return ErrnoError(errno, "cannot remove " + Q(path));
  return OkStatus();
}

Status Env::Mkdir(const fs::path& path, mode_t mode) {
  if (::mkdir(path.c_str(), mode) != 0) return ErrnoError(errno, "cannot create directory " + Q(path));
  return OkStatus();
}

Status Env::Rmdir(const fs::path& path) {
  if (::rmdir(path.c_str()) != 0) return ErrnoError(errno, "cannot remove directory " + Q(path));
  return OkStatus();
}

Status Env::Symlink(const std::string& target, const fs::path& link) {
  if (::symlink(target.c_str(), link.c_str()) != 0)
    return ErrnoError(errno, "cannot create symlink " + Q(link));
  return OkStatus();
}

Result<std::string> Env::Readlink(const fs::path& path) {
  return ReadlinkAt(AT_FDCWD, path.c_str());
}

Result<std::string> Env::ReadlinkAt(int dirfd, const char* name) {
  std::string buf(256, '\0');
  while (true) {
    ssize_t r = ::readlinkat(dirfd, name, buf.data(), buf.size());
    if (r < 0) return ErrnoError(errno, std::string("cannot read symlink '") + name + "'");
    if (static_cast<size_t>(r) < buf.size()) {
      buf.resize(static_cast<size_t>(r));
      return buf;
    }
    if (buf.size() > (1u << 20)) return Error(ErrorCode::kIo, "symlink target too long");
    buf.resize(buf.size() * 4);
  }
}

Result<std::vector<DirEntry>> Env::ReadDir(int dirfd) {
  int dup = ::fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
  if (dup < 0) return ErrnoError(errno, "cannot read directory");
  DIR* d = ::fdopendir(dup);
  if (!d) {
    int e = errno;
    ::close(dup);
    return ErrnoError(e, "cannot read directory");
  }
  ::rewinddir(d);
  std::vector<DirEntry> out;
  while (true) {
    errno = 0;
    struct dirent* e = ::readdir(d);
    if (!e) break;
    const char* n = e->d_name;
    if (n[0] == '.' && (n[1] == 0 || (n[1] == '.' && n[2] == 0))) continue;
    out.push_back(DirEntry{n, e->d_type});
  }
  int err = errno;
  ::closedir(d);
  if (err) return ErrnoError(err, "cannot read directory");
  return out;
}

Result<UniqueFd> Env::LockFile(const fs::path& path, std::chrono::milliseconds wait) {
  JVS_ASSIGN_OR_RETURN(UniqueFd fd, Open(path, O_RDWR | O_CREAT, 0644));
  auto deadline = std::chrono::steady_clock::now() + wait;
  int64_t sleep_ms = 2;
  while (true) {
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) == 0) return fd;
    if (errno != EWOULDBLOCK && errno != EINTR) return ErrnoError(errno, "cannot lock " + Q(path));
    if (std::chrono::steady_clock::now() >= deadline)
      return Error(ErrorCode::kLocked, "lock " + Q(path) + " is held by another jvs process",
                   "wait for the other command to finish")
          .WithRemedy(Remedy::kRaiseLockWait);
    SleepMillis(sleep_ms);
    sleep_ms = std::min<int64_t>(sleep_ms * 2, 100);
  }
}

Status Env::Flock(int fd, bool exclusive, std::chrono::milliseconds wait) {
  auto deadline = std::chrono::steady_clock::now() + wait;
  int64_t sleep_ms = 2;
  while (true) {
    if (::flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0) return OkStatus();
    if (errno != EWOULDBLOCK && errno != EINTR) return ErrnoError(errno, "cannot lock a file");
    if (std::chrono::steady_clock::now() >= deadline)
      return Error(ErrorCode::kLocked, "a lock is held by another jvs process",
                   "wait for the other command to finish")
          .WithRemedy(Remedy::kRaiseLockWait);
    SleepMillis(sleep_ms);
    sleep_ms = std::min<int64_t>(sleep_ms * 2, 100);
  }
}

int64_t Env::NowNanos() {
  struct timespec ts;
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

void Env::SleepMillis(int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

Result<std::string> Env::ReadFile(const fs::path& path, size_t max_size) {
  JVS_ASSIGN_OR_RETURN(UniqueFd fd, Open(path, O_RDONLY));
  JVS_ASSIGN_OR_RETURN(struct stat st, Fstat(fd.get()));
  if (static_cast<uint64_t>(st.st_size) > max_size)
    return Error(ErrorCode::kCorrupt, "file " + Q(path) + " is larger than expected");
  std::string out;
  out.resize(static_cast<size_t>(st.st_size));
  size_t got = 0;
  while (true) {
    if (got == out.size()) out.resize(out.size() + 4096);
    JVS_ASSIGN_OR_RETURN(size_t n, Read(fd.get(), out.data() + got, out.size() - got));
    if (n == 0) break;
    got += n;
    if (got > max_size) return Error(ErrorCode::kCorrupt, "file " + Q(path) + " is larger than expected");
  }
  out.resize(got);
  return out;
}

MappedFile& MappedFile::operator=(MappedFile&& o) noexcept {
  if (this != &o) {
    if (addr_ != nullptr) ::munmap(addr_, size_);
    addr_ = o.addr_;
    size_ = o.size_;
    o.addr_ = nullptr;
    o.size_ = 0;
  }
  return *this;
}

MappedFile::~MappedFile() {
  if (addr_ != nullptr) ::munmap(addr_, size_);
}

Result<MappedFile> Env::MapFile(const fs::path& path, size_t max_size) {
  JVS_ASSIGN_OR_RETURN(UniqueFd fd, Open(path, O_RDONLY));
  JVS_ASSIGN_OR_RETURN(struct stat st, Fstat(fd.get()));
  if (!S_ISREG(st.st_mode)) return Error(ErrorCode::kCorrupt, "file " + Q(path) + " is not a regular file");
  if (static_cast<uint64_t>(st.st_size) > max_size)
    return Error(ErrorCode::kCorrupt, "file " + Q(path) + " is larger than expected");
  if (st.st_size == 0) return MappedFile();
  const size_t size = static_cast<size_t>(st.st_size);
  void* addr = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd.get(), 0);
  if (addr == MAP_FAILED) return ErrnoError(errno, "cannot map " + Q(path));
  return MappedFile(addr, size);
}

namespace {
std::atomic<uint64_t> g_temp_counter{0};
}

Status Env::WriteFileAtomic(const fs::path& path, std::string_view data, bool sync) {
  fs::path tmp = path;
  tmp += ".tmp-jvs-" + std::to_string(::getpid()) + "-" +
         std::to_string(g_temp_counter.fetch_add(1));
  {
    JVS_ASSIGN_OR_RETURN(UniqueFd fd, Open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0644));
    Status st = Write(fd.get(), data.data(), data.size());
    if (st.ok() && sync) st = Fsync(fd.get());
    if (!st.ok()) {
      (void)Unlink(tmp);
      return st;
    }
  }
  Status st = Rename(tmp, path);
  if (!st.ok()) (void)Unlink(tmp);
  return st;
}

bool Env::Exists(const fs::path& path) { return Lstat(path).ok(); }

Status Env::MkdirAll(const fs::path& path) {
  if (path.empty()) return OkStatus();
  auto st = Stat(path);
  if (st.ok()) {
    if (S_ISDIR(st->st_mode)) return OkStatus();
    return Error(ErrorCode::kAlreadyExists, "'" + path.string() + "' exists and is not a directory");
  }
  if (path.has_parent_path() && path.parent_path() != path) JVS_TRY(MkdirAll(path.parent_path()));
  Status m = Mkdir(path);
  if (!m.ok() && m.error().code() == ErrorCode::kAlreadyExists) return OkStatus();
  return m;
}

Status Env::RemoveAll(const fs::path& path) {
  auto st = Lstat(path);
  if (!st.ok()) return st.error().code() == ErrorCode::kNotFound ? OkStatus() : Status(st.error());
  if (S_ISDIR(st->st_mode)) {
    JVS_ASSIGN_OR_RETURN(UniqueFd dfd, Open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW));
    JVS_ASSIGN_OR_RETURN(auto entries, ReadDir(dfd.get()));
    for (const auto& e : entries) JVS_TRY(RemoveAll(path / e.name));
    return Rmdir(path);
  }
  return Unlink(path);
}

}  // namespace jvs
