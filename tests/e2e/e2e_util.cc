// Over 400 lines on purpose: every helper of e2e_util.h (process runner, JSON, manifests) in one
// test-only file.
#include "e2e_util.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <thread>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <gtest/gtest.h>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "jvs/base/hash.h"
#include "test_util.h"

namespace jvs::e2e {

namespace {

using Clock = std::chrono::steady_clock;

// Writing to a child that already exited must not kill the test process.
void IgnoreSigpipeOnce() {
  static bool done = [] {
    ::signal(SIGPIPE, SIG_IGN);
    return true;
  }();
  (void)done;
}

std::string QuoteArg(const std::string& a) {
  if (!a.empty() && a.find_first_of(" \t\n'\"\\$`*?;&|<>()") == std::string::npos) return a;
  std::string q = "'";
  for (char c : a) q += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Starts `argv` with pipes on 0/1/2. Everything the child needs is prepared
// before fork(): only async-signal-safe calls run between fork and execve.
pid_t Spawn(const fs::path& cwd, const std::vector<std::string>& argv,
            const std::map<std::string, std::string>& env, int* in, int* out, int* err) {
  IgnoreSigpipeOnce();
  int pin[2], pout[2], perr[2];
  if (::pipe2(pin, O_CLOEXEC) != 0 || ::pipe2(pout, O_CLOEXEC) != 0 || ::pipe2(perr, O_CLOEXEC) != 0)
    throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  std::vector<std::string> envs;
  for (const auto& [k, v] : env) envs.push_back(k + "=" + v);
  std::vector<char*> cenv;
  for (auto& e : envs) cenv.push_back(e.data());
  cenv.push_back(nullptr);
  std::string dir = cwd.string();
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    ::dup2(pin[0], 0);
    ::dup2(pout[1], 1);
    ::dup2(perr[1], 2);
    ::signal(SIGPIPE, SIG_DFL);
    if (::chdir(dir.c_str()) != 0) {
      const char msg[] = "e2e: chdir failed\n";
      (void)!::write(2, msg, sizeof(msg) - 1);
      ::_exit(127);
    }
    ::execve(cargv[0], cargv.data(), cenv.data());
    const char msg[] = "e2e: execve failed\n";
    (void)!::write(2, msg, sizeof(msg) - 1);
    ::_exit(127);
  }
  ::close(pin[0]);
  ::close(pout[1]);
  ::close(perr[1]);
  *in = pin[1];
  *out = pout[0];
  *err = perr[0];
  ::fcntl(*in, F_SETFL, ::fcntl(*in, F_GETFL) | O_NONBLOCK);
  return pid;
}

int DecodeStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Pumps stdin/stdout/stderr until both outputs reach EOF or `deadline`.
// Returns false on timeout.
bool Pump(int* in, int* out, int* err, const std::string& data, size_t* written, std::string* out_buf,
          std::string* err_buf, Clock::time_point deadline, const std::string* stop_marker = nullptr) {
  while (*out >= 0 || *err >= 0) {
    if (stop_marker && out_buf->find(*stop_marker) != std::string::npos) return true;
    std::vector<pollfd> fds;
    if (*in >= 0 && *written < data.size()) fds.push_back({*in, POLLOUT, 0});
    if (*out >= 0) fds.push_back({*out, POLLIN, 0});
    if (*err >= 0) fds.push_back({*err, POLLIN, 0});
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    int n = ::poll(fds.data(), fds.size(), static_cast<int>(std::min<long long>(left, 1000)));
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    for (const auto& p : fds) {
      if (!p.revents) continue;
      if (p.fd == *in) {
        ssize_t w = ::write(*in, data.data() + *written, data.size() - *written);
        if (w > 0) *written += static_cast<size_t>(w);
        if (w < 0 && errno != EAGAIN && errno != EINTR) *written = data.size();  // EPIPE: the child stopped reading
        if (*written >= data.size() && !stop_marker) {
          ::close(*in);
          *in = -1;
        }
        continue;
      }
      char buf[65536];
      ssize_t r = ::read(p.fd, buf, sizeof(buf));
      if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      std::string* dst = p.fd == *out ? out_buf : err_buf;
      if (r <= 0) {
        ::close(p.fd);
        (p.fd == *out ? *out : *err) = -1;
        if (stop_marker && dst == out_buf) return false;
        continue;
      }
      dst->append(buf, static_cast<size_t>(r));
    }
  }
  return true;
}

void CloseFd(int* fd) {
  if (*fd >= 0) ::close(*fd);
  *fd = -1;
}

// Waits for `pid`, killing it when `deadline` has passed.
int Reap(pid_t pid, Clock::time_point deadline, bool* killed) {
  int status = 0;
  while (true) {
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return DecodeStatus(status);
    if (r < 0 && errno != EINTR) return -1;
    if (Clock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      *killed = true;
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      return DecodeStatus(status);
    }
    ::usleep(2000);
  }
}

struct HomeDir {
  jvs::testing::TempDir dir;
};

}  // namespace

json RunResult::Json() const {
  json j = json::parse(out, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    ADD_FAILURE() << "stdout is not JSON\n" << Describe();
    return json();
  }
  return j;
}

std::string RunResult::Describe() const {
  std::string cmd;
  for (const auto& a : argv) cmd += (cmd.empty() ? "" : " ") + QuoteArg(a);
  std::ostringstream s;
  s << "$ " << cmd << "\nexit code: " << exit_code << (timed_out ? " (timed out)" : "") << "\n--- stdout ---\n"
    << out << "--- stderr ---\n"
    << err << "--------------\n";
  return s.str();
}

const fs::path& TestHome() {
  static HomeDir* home = new HomeDir();  // removed by the atexit below
  static bool registered = [] {
    std::atexit([] { delete home; });
    return true;
  }();
  (void)registered;
  return home->dir.path();
}

std::map<std::string, std::string> CleanEnv(const EnvOverrides& overrides) {
  std::map<std::string, std::string> env = {
      {"PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
      {"HOME", TestHome().string()},
      {"LC_ALL", "C"},
      {"JVS_USER", "test"},
      {"JVS_HOST", "testhost"},
      {"JVS_TIMESTAMP", "2026-01-01T00:00:00Z"},
      {"JVS_RANDOMNESS_SEED", "42"},
  };
  for (const auto& [k, v] : overrides) {
    if (v) env[k] = *v;
    else env.erase(k);
  }
  return env;
}

RunResult RunProcess(const fs::path& cwd, const std::vector<std::string>& argv,
                     const std::map<std::string, std::string>& env, const std::string& stdin_data,
                     std::chrono::milliseconds timeout) {
  RunResult r;
  r.argv = argv;
  int in, out, err;
  pid_t pid = Spawn(cwd, argv, env, &in, &out, &err);
  auto deadline = Clock::now() + timeout;
  size_t written = 0;
  if (stdin_data.empty()) CloseFd(&in);
  bool ok = Pump(&in, &out, &err, stdin_data, &written, &r.out, &r.err, deadline);
  CloseFd(&in);
  CloseFd(&out);
  CloseFd(&err);
  bool killed = false;
  r.exit_code = Reap(pid, ok ? Clock::now() + timeout : Clock::now(), &killed);
  r.timed_out = !ok || killed;
  return r;
}

RunResult Jvs(const fs::path& cwd, std::vector<std::string> args, std::string stdin_data) {
  return JvsEnv(cwd, std::move(args), {}, std::move(stdin_data));
}

RunResult JvsEnv(const fs::path& cwd, std::vector<std::string> args, const EnvOverrides& overrides,
                 std::string stdin_data, std::chrono::milliseconds timeout) {
  std::vector<std::string> argv = {JVS_BINARY};
  for (auto& a : args) argv.push_back(std::move(a));
  RunResult r = RunProcess(cwd, argv, CleanEnv(overrides), stdin_data, timeout);
  r.argv[0] = "jvs";
  return r;
}

json ParseJson(const std::string& text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    ADD_FAILURE() << "not valid JSON:\n" << text;
    return json();
  }
  return j;
}

// ---- Child ----

Child::Child(const fs::path& cwd, const std::vector<std::string>& argv,
             const std::map<std::string, std::string>& env)
    : argv_(argv) {
  pid_ = Spawn(cwd, argv, env, &in_, &outfd_, &errfd_);
}

Child::~Child() {
  CloseFd(&in_);
  CloseFd(&outfd_);
  CloseFd(&errfd_);
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

bool Child::WaitForOutput(const std::string& marker, std::chrono::milliseconds timeout) {
  size_t written = 0;
  std::string none;
  return Pump(&in_, &outfd_, &errfd_, none, &written, &out_, &err_, Clock::now() + timeout, &marker) &&
         out_.find(marker) != std::string::npos;
}

RunResult Child::Finish(const std::string& data, std::chrono::milliseconds timeout) {
  RunResult r;
  r.argv = argv_;
  auto deadline = Clock::now() + timeout;
  size_t written = 0;
  if (data.empty()) CloseFd(&in_);
  bool ok = Pump(&in_, &outfd_, &errfd_, data, &written, &out_, &err_, deadline);
  CloseFd(&in_);
  CloseFd(&outfd_);
  CloseFd(&errfd_);
  bool killed = false;
  r.exit_code = Reap(pid_, ok ? Clock::now() + timeout : Clock::now(), &killed);
  pid_ = -1;
  r.timed_out = !ok || killed;
  r.out = out_;
  r.err = err_;
  return r;
}

// ---- manifests ----

std::string HashFile(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  if (!f) return "<unreadable>";
  Sha256 h;
  std::vector<char> buf(1 << 20);
  while (f) {
    f.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (f.gcount() > 0) h.Update(buf.data(), static_cast<size_t>(f.gcount()));
  }
  Digest d = h.Finish();
  return ToHex(d.data(), d.size());
}

Manifest TakeManifest(const fs::path& root) {
  Manifest m;
  std::error_code ec;
  auto it = fs::recursive_directory_iterator(root, fs::directory_options::none, ec);
  if (ec) {
    ADD_FAILURE() << "cannot list " << root << ": " << ec.message();
    return m;
  }
  for (; it != fs::end(it); it.increment(ec)) {
    if (ec) {
      ADD_FAILURE() << "listing " << root << ": " << ec.message();
      break;
    }
    const fs::path& p = it->path();
    std::string rel = p.lexically_relative(root).generic_string();
    if (it.depth() == 0 && p.filename() == ".jvs") {
      it.disable_recursion_pending();
      continue;
    }
    struct stat st;
    if (::lstat(p.c_str(), &st) != 0) {
      ADD_FAILURE() << "lstat " << p << ": " << std::strerror(errno);
      continue;
    }
    ManifestEntry e;
    if (S_ISDIR(st.st_mode)) {
      e.type = 'd';
    } else if (S_ISLNK(st.st_mode)) {
      e.type = 'l';
      e.content = fs::read_symlink(p, ec).string();
    } else if (S_ISREG(st.st_mode)) {
      e.type = 'f';
      e.exec = (st.st_mode & S_IXUSR) != 0;
      e.size = static_cast<uint64_t>(st.st_size);
      e.content = HashFile(p);
    } else {
      e.type = 'o';
    }
    m[rel] = e;
  }
  return m;
}

std::string ManifestDiff(const Manifest& expected, const Manifest& actual) {
  auto show = [](const ManifestEntry& e) {
    std::string s(1, e.type);
    if (e.type == 'f') s += std::string(e.exec ? " +x" : " -x") + " size=" + std::to_string(e.size) + " " + e.content.substr(0, 16);
    if (e.type == 'l') s += " -> " + e.content;
    return s;
  };
  std::ostringstream o;
  for (const auto& [p, e] : expected) {
    auto it = actual.find(p);
    if (it == actual.end()) o << "  missing: " << p << " (" << show(e) << ")\n";
    else if (!(it->second == e)) o << "  differs: " << p << " expected " << show(e) << ", got " << show(it->second) << "\n";
  }
  for (const auto& [p, e] : actual)
    if (!expected.count(p)) o << "  unexpected: " << p << " (" << show(e) << ")\n";
  return o.str();
}

std::map<std::string, std::string> DumpTree(const fs::path& root) {
  std::map<std::string, std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it); it.increment(ec)) {
    std::string rel = it->path().lexically_relative(root).generic_string();
    struct stat st;
    if (::lstat(it->path().c_str(), &st) != 0) continue;
    std::string v = "mode=" + std::to_string(st.st_mode) + " ";
    if (S_ISLNK(st.st_mode)) v += "-> " + fs::read_symlink(it->path(), ec).string();
    else if (S_ISREG(st.st_mode)) v += jvs::testing::ReadFile(it->path());
    out[rel] = v;
  }
  return out;
}

ino_t InodeOf(const fs::path& p) {
  struct stat st;
  if (::stat(p.c_str(), &st) != 0) return 0;
  return st.st_ino;
}

bool RunningAsRoot() { return ::geteuid() == 0; }

}  // namespace jvs::e2e

namespace jvs::e2e {

RunResult ExpectError(const fs::path& cwd, const std::vector<std::string>& args, int exit_code,
                      const std::string& message_part, HintCheck hint) {
  const bool need_hint = hint == HintCheck::kRequired;
  RunResult text = Jvs(cwd, args);
  EXPECT_EQ(text.exit_code, exit_code) << text.Describe();
  EXPECT_EQ(text.out, "") << "an error must print nothing on stdout\n" << text.Describe();
  EXPECT_EQ(text.err.rfind("jvs: error: ", 0), 0u) << text.Describe();
  if (need_hint) {
    EXPECT_NE(text.err.find("\nhint: "), std::string::npos) << "missing 'hint:' line\n" << text.Describe();
  }
  if (!message_part.empty()) {
    EXPECT_NE(text.err.find(message_part), std::string::npos) << text.Describe();
  }

  std::vector<std::string> jargs = {"--json"};
  jargs.insert(jargs.end(), args.begin(), args.end());
  RunResult j = Jvs(cwd, jargs);
  EXPECT_EQ(j.exit_code, exit_code) << "--json must not change the exit code\n" << j.Describe();
  EXPECT_EQ(j.err.rfind("jvs: error: ", 0), 0u) << j.Describe();
  json doc = json::parse(j.out, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("error") || !doc["error"].is_object()) {
    ADD_FAILURE() << "with --json, an error must be {\"error\": {...}} on stdout\n" << j.Describe();
    return text;
  }
  const json& e = doc["error"];
  EXPECT_EQ(doc.size(), 1u) << j.Describe();
  EXPECT_TRUE(e.contains("code") && e["code"].is_string() && e["code"].get<std::string>().rfind("E_", 0) == 0)
      << j.Describe();
  EXPECT_TRUE(e.contains("message") && e["message"].is_string() && !e["message"].get<std::string>().empty())
      << j.Describe();
  EXPECT_TRUE(e.contains("hint") && e["hint"].is_string()) << j.Describe();
  if (need_hint && e.contains("hint") && e["hint"].is_string()) {
    EXPECT_FALSE(e["hint"].get<std::string>().empty()) << j.Describe();
  }
  if (!message_part.empty() && e.contains("message") && e["message"].is_string()) {
    EXPECT_NE(e["message"].get<std::string>().find(message_part), std::string::npos) << j.Describe();
  }
  return text;
}

void RepoTest::SetUp() {
  RunResult r = Jvs(tmp_.path(), {"init", "repo"});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ASSERT_TRUE(fs::is_directory(Ws()));
}

RunResult RepoTest::Run(std::vector<std::string> args, std::string stdin_data) const {
  return Jvs(Ws(), std::move(args), std::move(stdin_data));
}

json RepoTest::RunJson(std::vector<std::string> args) const {
  args.insert(args.begin(), "--json");
  RunResult r = Run(std::move(args));
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  if (r.exit_code != 0) return json();
  return r.Json();
}

std::string RepoTest::Snap(const std::string& note, const std::vector<std::string>& tags) const {
  std::vector<std::string> args = {"snapshot"};
  if (!note.empty()) args.push_back(note);
  for (const auto& t : tags) {
    args.push_back("--tag");
    args.push_back(t);
  }
  json j = RunJson(args);
  if (!j.is_object() || !j.contains("snapshot_id")) {
    ADD_FAILURE() << "snapshot --json has no snapshot_id: " << j.dump();
    return "";
  }
  return j["snapshot_id"].get<std::string>();
}

void RepoTest::Write(const std::string& rel, const std::string& content) const {
  jvs::testing::WriteFile(Ws() / rel, content);
}

std::string RepoTest::Read(const std::string& rel) const { return jvs::testing::ReadFile(Ws() / rel); }

json RepoTest::In(const fs::path& dir, std::vector<std::string> args) const {
  args.insert(args.begin(), "--json");
  RunResult r = Jvs(dir, args);
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  return r.exit_code == 0 ? r.Json() : json();
}

std::string RepoTest::SnapIn(const fs::path& dir, const std::string& note) const {
  json j = In(dir, {"snapshot", note});
  return j.is_object() ? j.value("snapshot_id", "") : "";
}

fs::path RepoTest::Fork(const std::string& name) const {
  json j = In(Ws(), {"worktree", "fork", name});
  EXPECT_TRUE(j.is_object());
  RunResult p = Jvs(Ws(), {"worktree", "path", name});
  std::string path = p.out;
  while (!path.empty() && path.back() == '\n') path.pop_back();
  return path;
}

std::string RepoTest::ReadAt(const fs::path& p) { return jvs::testing::ReadFile(p); }
void RepoTest::WriteAt(const fs::path& p, const std::string& s) { jvs::testing::WriteFile(p, s); }

std::map<std::string, json> RepoTest::Visible() const {
  std::map<std::string, json> out;
  for (const auto& s : In(Ws(), {"history", "--all"})) out[s["snapshot_id"].get<std::string>()] = s;
  return out;
}

std::string RepoTest::Head(const fs::path& dir) const {
  json j = In(dir, {"status"});
  return j.is_object() && j["head_snapshot_id"].is_string() ? j["head_snapshot_id"].get<std::string>() : "";
}

}  // namespace jvs::e2e

namespace jvs::e2e {

std::vector<json> ParseJsonRecords(const std::string& text) {
  std::vector<json> out;
  json whole = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!whole.is_discarded()) {
    if (whole.is_array()) {
      for (auto& e : whole) out.push_back(std::move(e));
    } else {
      out.push_back(std::move(whole));
    }
    return out;
  }
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
      ADD_FAILURE() << "neither a JSON array nor JSON lines:\n" << text;
      return out;
    }
    out.push_back(std::move(j));
  }
  return out;
}

std::vector<std::string> ListDirNames(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec))
    out.push_back(it->path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

FileLock::FileLock(const fs::path& path) {
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    ADD_FAILURE() << "cannot open " << path << ": " << std::strerror(errno);
    return;
  }
  locked_ = ::flock(fd_, LOCK_EX | LOCK_NB) == 0;
  if (!locked_) ADD_FAILURE() << "cannot lock " << path << ": " << std::strerror(errno);
}

FileLock::~FileLock() { Release(); }

void FileLock::Release() {
  if (fd_ >= 0) ::close(fd_);  // closing the only descriptor drops the lock
  fd_ = -1;
  locked_ = false;
}

BackgroundProcess::BackgroundProcess(const fs::path& cwd, const std::vector<std::string>& argv,
                                     const std::map<std::string, std::string>& env, const fs::path& log_prefix)
    : out_path_(log_prefix.string() + ".out"), err_path_(log_prefix.string() + ".err") {
  // Everything the child needs is prepared before fork().
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  std::vector<std::string> envs;
  for (const auto& [k, v] : env) envs.push_back(k + "=" + v);
  std::vector<char*> cenv;
  for (auto& e : envs) cenv.push_back(e.data());
  cenv.push_back(nullptr);
  std::string dir = cwd.string();
  int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int out = ::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int err = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (in < 0 || out < 0 || err < 0) throw std::runtime_error(std::string("open: ") + std::strerror(errno));
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid_ == 0) {
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    ::signal(SIGPIPE, SIG_DFL);
    if (::chdir(dir.c_str()) != 0) ::_exit(127);
    ::execve(cargv[0], cargv.data(), cenv.data());
    ::_exit(127);
  }
  ::close(in);
  ::close(out);
  ::close(err);
}

BackgroundProcess::~BackgroundProcess() {
  if (!exit_code_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

std::optional<int> BackgroundProcess::Poll() {
  if (exit_code_) return exit_code_;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) exit_code_ = DecodeStatus(status);
  return exit_code_;
}

int BackgroundProcess::Wait(std::chrono::milliseconds timeout) {
  if (exit_code_) return *exit_code_;
  bool killed = false;
  exit_code_ = Reap(pid_, Clock::now() + timeout, &killed);
  return *exit_code_;
}

void BackgroundProcess::Kill(int sig) {
  if (!exit_code_) ::kill(pid_, sig);
}

std::string BackgroundProcess::Out() const { return jvs::testing::ReadFile(out_path_); }
std::string BackgroundProcess::Err() const { return jvs::testing::ReadFile(err_path_); }

bool WaitUntilOpen(pid_t pid, const fs::path& file, std::chrono::milliseconds limit) {
  const fs::path want = fs::weakly_canonical(file);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    std::error_code ec;
    for (auto it = fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec);
         !ec && it != fs::directory_iterator(); it.increment(ec)) {
      std::error_code ec2;
      if (fs::read_symlink(it->path(), ec2) == want) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return false;
}

}  // namespace jvs::e2e
