// The JuiceFS engine. On a JuiceFS mount, copy_file_range is served by the
// metadata engine as a clone of the file's slices: no data moves, whatever
// the size. A whole directory is cloned in one metadata transaction by the
// `juicefs clone SRC DST -p` command (`-p` keeps modes, owners and times);
// its destination must not exist. The command line is an argv vector,
// started with posix_spawn, never through a shell.
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "jvs/engine/engine.h"

// The one use of the environment in the library: a program it starts inherits
// the caller's environment unchanged, as any child process does (the library
// reads no variable from it).
extern char** environ;  // layers: passes the environment through

namespace jvs {

std::vector<std::string> JuiceFsCloneArgv(const fs::path& program, const fs::path& src,
                                          const fs::path& dst) {
  return {program.string(), "clone", src.string(), dst.string(), "-p"};
}

namespace {

constexpr size_t kMaxErrorOutput = 4096;

// Runs argv (argv[0] an absolute path), returns its exit status, and keeps
// the end of what it wrote on stdout and stderr in *output.
Result<int> RunProgram(const std::vector<std::string>& argv, std::string* output) {
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) return ErrnoError(errno, "pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, pipefd[1], 1);
  posix_spawn_file_actions_adddup2(&actions, pipefd[1], 2);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);  // layers: passes the environment through
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipefd[1]);
  if (rc != 0) {
    ::close(pipefd[0]);
    return ErrnoError(rc, "cannot start '" + argv[0] + "'");
  }
  char buf[4096];
  while (true) {
    ssize_t n = ::read(pipefd[0], buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    output->append(buf, static_cast<size_t>(n));
    if (output->size() > 2 * kMaxErrorOutput) output->erase(0, output->size() - kMaxErrorOutput);
  }
  ::close(pipefd[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return ErrnoError(errno, "waitpid failed");
  }
  if (output->size() > kMaxErrorOutput) output->erase(0, output->size() - kMaxErrorOutput);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

class JuiceFsEngine final : public CloneEngine {
 public:
  JuiceFsEngine(bool on_juicefs, std::optional<fs::path> program)
      : on_juicefs_(on_juicefs), program_(std::move(program)) {}

  std::string_view name() const override { return "juicefs"; }
  // Off a JuiceFS mount copy_file_range copies bytes: count it as a copy.
  bool shares_data() const override { return on_juicefs_; }
  bool can_clone_tree() const override { return program_.has_value(); }
  // A clone is one metadata transaction; writing a small file is a create,
  // an upload and a metadata update. Not measured here (no JuiceFS in CI):
  // see docs/engines.md for how to measure it on a real mount.
  uint64_t small_file_limit() const override { return on_juicefs_ ? 0 : CloneEngine::small_file_limit(); }

  Status CloneTree(const fs::path& src, const fs::path& dst) override {
    if (!program_)
      return Error(ErrorCode::kUnsupported, "the juicefs program is not on PATH: no directory clone",
                   "install the juicefs client, or let jvs copy file by file");
    if (!src.is_absolute() || !dst.is_absolute())
      return Error(ErrorCode::kInvalidArgument, "juicefs clone needs absolute paths");
    struct stat st;
    if (::lstat(dst.c_str(), &st) == 0)
      return Error(ErrorCode::kAlreadyExists,
                   "'" + dst.string() + "' exists: juicefs clone needs a new destination");
    if (::lstat(src.c_str(), &st) != 0) return ErrnoError(errno, "cannot stat '" + src.string() + "'");
    if (!S_ISDIR(st.st_mode))
      return Error(ErrorCode::kInvalidArgument, "'" + src.string() + "' is not a directory");
    std::vector<std::string> argv = JuiceFsCloneArgv(*program_, src, dst);
    std::string output;
    JVS_ASSIGN_OR_RETURN(int rc, RunProgram(argv, &output));
    if (rc != 0) {
      while (!output.empty() && (output.back() == '\n' || output.back() == ' ')) output.pop_back();
      return Error(ErrorCode::kIo,
                   "'juicefs clone' exited with status " + std::to_string(rc) +
                       (output.empty() ? std::string() : ": " + output),
                   "check that both paths are inside the same JuiceFS mount");
    }
    counters_.trees_cloned++;
    return OkStatus();
  }

 protected:
  Status Transfer(Env* env, int src_fd, int dst_fd, uint64_t size) override {
    int64_t in_off = 0, out_off = 0;
    while (static_cast<uint64_t>(in_off) < size) {
      size_t chunk = static_cast<size_t>(std::min<uint64_t>(size - in_off, 1ull << 30));
      JVS_ASSIGN_OR_RETURN(size_t n, env->CopyFileRange(src_fd, &in_off, dst_fd, &out_off, chunk));
      if (n == 0) return Error(ErrorCode::kIo, "file changed size while it was being cloned");
    }
    return OkStatus();
  }

 private:
  bool on_juicefs_;
  std::optional<fs::path> program_;
};

}  // namespace

std::unique_ptr<CloneEngine> MakeJuiceFsEngine(bool on_juicefs, std::optional<fs::path> program) {
  return std::make_unique<JuiceFsEngine>(on_juicefs, std::move(program));
}

}  // namespace jvs
