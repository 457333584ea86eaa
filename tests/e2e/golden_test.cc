// Golden-output tests: every command in text and JSON form, run in a pinned
// environment, compared byte for byte with tests/golden/<scenario>.txt.
//
// What varies from run to run is replaced by placeholders: the temporary
// directory ($TMP) and repository root ($REPO); snapshot, operation and view
// ids (they depend on the process id recorded in each operation) by <snap-N>,
// <op-N>, <view-N> and change ids (hex as stored, reverse hex as shown) by
// <change-N>, numbered in order of first appearance, for full ids and for
// their prefixes alike; process ids by <pid>;
// the number of files a snapshot re-read (timing-dependent) by <n>.
// Content hashes (trees, files) are stable and stay as they are.
//
// After an intended change of output, regenerate the files and review the diff:
//   JVS_UPDATE_GOLDEN=1 ./build/tests/jvs_e2e_tests --gtest_filter='Golden*'
// Over 400 lines on purpose: the pinned environment, the placeholder scrubbing and every scenario
// share one runner and one golden contract.
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include "e2e_util.h"

namespace jvs::e2e {
namespace {

using jvs::testing::ReadFile;
using jvs::testing::TempDir;
using jvs::testing::WriteFile;

constexpr int64_t kBaseTime = 1767225600;  // 2026-01-01T00:00:00Z

bool Updating() {
  const char* v = std::getenv("JVS_UPDATE_GOLDEN");
  return v && *v && std::string(v) != "0";
}

class GoldenTest : public ::testing::Test {
 protected:
  fs::path Tmp() const { return tmp_.path(); }
  fs::path Root() const { return tmp_.path() / "repo"; }
  fs::path Ws() const { return Root() / "main"; }

  // Runs jvs ARGS in `cwd` (default: the main workspace) and records the
  // command line, stdout, stderr and a non-zero exit code in the transcript.
  // Every command runs one minute after the previous one.
  RunResult Cmd(std::vector<std::string> args, const std::string& stdin_data = "",
                std::optional<fs::path> cwd = {}) {
    fs::path dir = cwd ? *cwd : Ws();
    EnvOverrides env = {{"NO_COLOR", "1"},
                        {"JVS_ENGINE", "copy"},
                        {"XDG_CONFIG_HOME", (Tmp() / "xdg").string()},
                        {"COLUMNS", "100"},
                        {"JVS_TIMESTAMP", std::to_string(kBaseTime + 60 * step_++)}};
    RunResult r = JvsEnv(dir, args, env, stdin_data);
    std::string line = "$";
    if (dir != Ws()) line = "[in " + dir.string() + "] $";
    line += " jvs";
    for (const auto& a : args) {
      bool plain = !a.empty() && a.find_first_of(" \t\n'\"\\$*?<>|&;") == std::string::npos;
      line += " " + (plain ? a : "'" + a + "'");
    }
    if (!stdin_data.empty()) line += "  <<< " + json(stdin_data).dump();
    transcript_ += line + "\n" + r.out;
    if (!r.out.empty() && r.out.back() != '\n') transcript_ += "[no newline at end of stdout]\n";
    if (!r.err.empty()) transcript_ += "[stderr]\n" + r.err;
    if (r.exit_code != 0) transcript_ += "[exit " + std::to_string(r.exit_code) + "]\n";
    transcript_ += "\n";
    return r;
  }
  // The same command as text, then with --json.
  void Both(const std::vector<std::string>& args, std::optional<fs::path> cwd = {}) {
    Cmd(args, "", cwd);
    std::vector<std::string> j = args;
    j.insert(j.begin(), "--json");
    Cmd(j, "", cwd);
  }
  void Init() { ASSERT_EQ(Cmd({"init", "repo"}, "", Tmp()).exit_code, 0) << transcript_; }
  void Write(const std::string& rel, const std::string& content) { WriteFile(Ws() / rel, content); }

  // Compares the normalised transcript with tests/golden/<name>.txt (or
  // rewrites the file with JVS_UPDATE_GOLDEN=1).
  void Check(const std::string& name) {
    std::string actual =
        "# Golden output of tests/e2e/golden_test.cc; regenerate with\n"
        "# JVS_UPDATE_GOLDEN=1 ./build/tests/jvs_e2e_tests --gtest_filter='Golden*'\n\n" +
        Normalize(transcript_);
    fs::path file = fs::path(JVS_GOLDEN_DIR) / (name + ".txt");
    if (Updating()) {
      fs::create_directories(file.parent_path());
      std::ofstream(file, std::ios::binary) << actual;
      return;
    }
    if (!fs::exists(file)) {
      ADD_FAILURE() << file << " does not exist; create it with JVS_UPDATE_GOLDEN=1";
      return;
    }
    std::string expected = ReadFile(file);
    if (expected == actual) return;
    ADD_FAILURE() << "output differs from " << file << "\n"
                  << FirstDifference(expected, actual)
                  << "\nIf the change is intended: JVS_UPDATE_GOLDEN=1 ./build/tests/jvs_e2e_tests "
                     "--gtest_filter='Golden*' and review 'git diff tests/golden'";
  }

 private:
  static std::string FirstDifference(const std::string& expected, const std::string& actual) {
    std::istringstream e(expected), a(actual);
    std::string le, la;
    for (int line = 1;; ++line) {
      bool he = static_cast<bool>(std::getline(e, le)), ha = static_cast<bool>(std::getline(a, la));
      if (!he && !ha) return "(they differ only in the final newline)";
      if (he != ha || le != la)
        return "first difference at line " + std::to_string(line) +
               ":\n  expected: " + (he ? le : "<end>") + "\n  actual:   " + (ha ? la : "<end>");
    }
  }

  // Ids found in every repository below the temporary directory.
  void CollectIds() {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(Tmp(), ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      const fs::path& p = it->path();
      std::string parent = p.parent_path().filename().string();
      std::string grand = p.parent_path().parent_path().filename().string();
      std::string name = p.filename().string();
      if (grand == "snapshots" && it->is_regular_file()) {
        kinds_[parent + name] = "snap";
        std::smatch m;
        std::string text = ReadFile(p);
        static const std::regex change(R"re("change_id":"([0-9a-f]{32})")re");
        if (std::regex_search(text, m, change)) {
          kinds_[m[1]] = "change";
          // Shown in reverse hex (0..f as z..k): the same change, the same label.
          std::string rev = m[1].str();
          for (auto& c : rev) c = static_cast<char>('z' - (c <= '9' ? c - '0' : c - 'a' + 10));
          kinds_[rev] = "change";
          same_as_[rev] = m[1].str();
        }
      } else if (parent == "operations" && name.size() == 64) {
        kinds_[name] = "op";
      } else if (parent == "views" && name.size() == 64) {
        kinds_[name] = "view";
      }
    }
  }

  // The label of a hex token: a known id, or the unique known id it is a
  // prefix of (8+ digits); empty when it is neither.
  std::string Label(const std::string& token) {
    std::string id;
    if (kinds_.count(token)) {
      id = token;
    } else if (token.size() >= 8) {
      for (auto it = kinds_.lower_bound(token);
           it != kinds_.end() && it->first.rfind(token, 0) == 0; ++it) {
        if (!id.empty()) return "";  // ambiguous
        id = it->first;
      }
    }
    if (id.empty()) return "";
    if (auto same = same_as_.find(id); same != same_as_.end()) id = same->second;
    auto l = labels_.find(id);
    if (l != labels_.end()) return l->second;
    const std::string& kind = kinds_[id];
    std::string label = "<" + kind + "-" + std::to_string(++counts_[kind]) + ">";
    labels_[id] = label;
    return label;
  }

  std::string Normalize(std::string s) {
    CollectIds();
    auto replace_all = [&s](const std::string& from, const std::string& to) {
      if (from.empty()) return;
      for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
    };
    std::error_code ec;
    fs::path canon = fs::canonical(Tmp(), ec);
    replace_all(Root().string(), "$REPO");
    if (!ec && canon != Tmp()) replace_all((canon / "repo").string(), "$REPO");
    replace_all(Tmp().string(), "$TMP");
    if (!ec && canon != Tmp()) replace_all(canon.string(), "$TMP");
    static const std::regex pid(R"re(("pid":\s*)[0-9]+)re");
    s = std::regex_replace(s, pid, "$1\"<pid>\"");
    // How many files a snapshot re-reads depends on timing (a file written in
    // the same filesystem-clock tick as the previous scan is read again).
    static const std::regex hashed_text(R"re([0-9]+ new or changed \([^)]* read\))re");
    s = std::regex_replace(s, hashed_text, "<n> new or changed (<bytes> read)");
    static const std::regex hashed_json(R"re(("hashed_(files|bytes)":\s*)[0-9]+)re");
    s = std::regex_replace(s, hashed_json, "$1\"<n>\"");
    // Space on disk (gc) depends on the filesystem's block size.
    static const std::regex disk_bytes(R"re(("op_log_bytes":\s*)[0-9]+)re");
    s = std::regex_replace(s, disk_bytes, "$1\"<disk>\"");
    // A gc plan id hashes the plan, which names operation ids.
    static const std::regex plan_id(R"re((Plan:? |gc/|--plan-id |"plan_id":\s*")[0-9a-f]{16}\b)re");
    s = std::regex_replace(s, plan_id, "$1<plan>");
    // Durations (verify, gc) depend on the machine.
    static const std::regex seconds_text(R"re(\b[0-9]+\.[0-9]+ s\b)re");
    s = std::regex_replace(s, seconds_text, "<t> s");
    static const std::regex seconds_json(R"re(("(elapsed|seconds|duration)[a-z_]*":\s*)[0-9.e+-]+)re");
    s = std::regex_replace(s, seconds_json, "$1\"<t>\"");
    std::string out;
    size_t i = 0;
    auto is_hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); };
    auto is_reverse_hex = [](char c) { return c >= 'k' && c <= 'z'; };
    auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    while (i < s.size()) {
      if (is_hex(s[i]) && (i == 0 || !is_word(s[i - 1]))) {
        size_t j = i;
        while (j < s.size() && is_hex(s[j])) ++j;
        if (j - i >= 8 && (j == s.size() || !is_word(s[j]))) {
          std::string label = Label(s.substr(i, j - i));
          if (!label.empty()) {
            out += label;
            i = j;
            continue;
          }
        }
        out.append(s, i, j - i);
        i = j;
        continue;
      }
      if (is_reverse_hex(s[i]) && (i == 0 || !is_word(s[i - 1]))) {
        // A change id (or its prefix) in reverse hex.
        size_t j = i;
        while (j < s.size() && is_reverse_hex(s[j])) ++j;
        if (j - i >= 8 && (j == s.size() || !is_word(s[j]))) {
          std::string label = Label(s.substr(i, j - i));
          if (!label.empty()) {
            out += label;
            i = j;
            continue;
          }
        }
        out.append(s, i, j - i);
        i = j;
        continue;
      }
      out += s[i++];
    }
    return SortIdRuns(out);
  }

  // Lists sorted by snapshot id (verify's "<id>  OK" lines, gc plan's
  // protected_set) come in another order each run, since ids differ: a run
  // of lines that hold only a label (and "  OK", or JSON's quotes and comma)
  // is put in label order.
  static std::string SortIdRuns(const std::string& text) {
    static const std::regex only_id(R"re(^(\s*"?)<snap-([0-9]+)>("?,?|  OK)$)re");
    std::vector<std::string> lines;
    for (size_t start = 0; start <= text.size();) {
      size_t nl = text.find('\n', start);
      if (nl == std::string::npos) nl = text.size();
      lines.push_back(text.substr(start, nl - start));
      start = nl + 1;
    }
    for (size_t i = 0; i < lines.size();) {
      size_t j = i;
      std::smatch m;
      while (j < lines.size() && std::regex_match(lines[j], m, only_id)) ++j;
      if (j - i > 1) {
        const bool json_list = lines[i].find('"') != std::string::npos;
        std::vector<std::pair<int, std::string>> run;
        for (size_t k = i; k < j; ++k) {
          std::regex_match(lines[k], m, only_id);
          std::string line = lines[k];
          if (json_list && !line.empty() && line.back() == ',') line.pop_back();
          run.emplace_back(std::stoi(m[2].str()), line);
        }
        std::sort(run.begin(), run.end());
        for (size_t k = i; k < j; ++k)
          lines[k] = run[k - i].second + (json_list && k + 1 < j ? "," : "");
      }
      i = std::max(j, i + 1);
    }
    std::string out;
    for (size_t k = 0; k < lines.size(); ++k) out += (k ? "\n" : "") + lines[k];
    return out;
  }

  TempDir tmp_;
  std::string transcript_;
  int step_ = 0;
  std::map<std::string, std::string> kinds_;   // full id -> snap | op | view | change
  std::map<std::string, std::string> labels_;  // full id -> <kind-N>
  std::map<std::string, std::string> same_as_;  // a change id in reverse hex -> in hex
  std::map<std::string, int> counts_;
};

TEST_F(GoldenTest, Init) {
  Cmd({"init", "repo"}, "", Tmp());
  Cmd({"--json", "init", "other"}, "", Tmp());
  fs::create_directories(Tmp() / "adopt");
  WriteFile(Tmp() / "adopt/data.txt", "data\n");
  Cmd({"init", "--here", "adopt"}, "", Tmp());
  Cmd({"init", "repo"}, "", Tmp());
  Cmd({"--json", "init", "repo"}, "", Tmp());
  Cmd({"init"}, "", Tmp());
  Check("init");
}

TEST_F(GoldenTest, InfoAndStatus) {
  Init();
  Both({"status"});
  Both({"info"});
  Write("a.txt", "alpha\n");
  Write("dir/b.txt", "bravo\n");
  Cmd({"snapshot", "first"});
  Write("a.txt", "alpha changed\n");
  Write("c.txt", "charlie\n");
  fs::remove(Ws() / "dir/b.txt");
  Both({"status"});
  Both({"st"});
  Both({"info"});
  Cmd({"--at-op", "@-", "status"});
  Cmd({"--json", "--at-op", "@-", "status"});
  Cmd({"status"}, "", Tmp());
  Cmd({"--json", "status"}, "", Tmp());
  Check("info_status");
}

TEST_F(GoldenTest, Snapshot) {
  Init();
  Write("a.txt", "alpha\n");
  Cmd({"snapshot", "first version", "--tag", "v1"});
  Write("b.txt", "bravo\n");
  Cmd({"--json", "snapshot", "-m", "second", "--tag", "v2", "--tag", "latest-good"});
  Cmd({"snapshot", "-"}, "a note\nfrom stdin\n");
  Cmd({"-q", "snapshot"});
  Cmd({"snapshot", "a", "-m", "b"});
  Cmd({"snapshot", "--tag", "HEAD"});
  Cmd({"--json", "snapshot", "--tag", "bad name"});
  Check("snapshot");
}

TEST_F(GoldenTest, History) {
  Init();
  Both({"history"});
  Write("a.txt", "1\n");
  Cmd({"snapshot", "one", "--tag", "first"});
  Write("a.txt", "2\n");
  Cmd({"snapshot", "two: training run"});
  Write("a.txt", "3\n");
  Cmd({"snapshot", "three\nwith a second line"});
  Cmd({"worktree", "fork", "first", "side"});
  WriteFile(Root() / "worktrees/side/s.txt", "side\n");
  Cmd({"snapshot", "on the side"}, "", Root() / "worktrees/side");
  Both({"history"});
  Both({"history", "--all"});
  Both({"log", "-n", "2"});
  Both({"history", "--tag", "first"});
  Both({"history", "--grep", "training"});
  Cmd({"history", "--grep", "nothing matches"});
  Cmd({"history", "-r", "all()"});
  Cmd({"history", "-n", "-1"});
  Check("history");
}

// -T (docs/templates.md): every built-in, which prints what its command
// prints (tests/e2e/template_test.cc compares them), a template of one's own
// and a template error.
TEST_F(GoldenTest, Templates) {
  Init();
  Write("a.txt", "1\n");
  Cmd({"snapshot", "one", "--tag", "first"});
  Write("a.txt", "2\n");
  Cmd({"snapshot", "two: training run\nwith a second line"});
  Cmd({"describe", "-m", "two, described"});
  Cmd({"history", "-T", "builtin_history"});
  Cmd({"history", "--hidden", "-T", "builtin_history"});
  Cmd({"history", "--all", "-T", "builtin_history_graph"});
  Cmd({"op", "log", "-T", "builtin_op_log"});
  Cmd({"evolog", "-T", "builtin_evolog"});
  Cmd({"show", "first", "-T", "builtin_show"});
  Cmd({"history", "-T", "change_id.short(8) ++ \" \" ++ id.shortest(8) ++ \" \" ++ separate(\", \", note.first_line(), json(tags))"});
  Cmd({"history", "-T", "id ++ note.frist_line()"});
  Check("templates");
}

TEST_F(GoldenTest, Diff) {
  Init();
  Write("a.txt", "one\ntwo\nthree\n");
  Write("data/keep.txt", "keep\n");
  Write("data/gone.txt", "gone\n");
  Write("bin.dat", std::string("\0\1\2binary", 9));
  Cmd({"snapshot", "base", "--tag", "base"});
  Write("a.txt", "one\n2\nthree\nfour\n");
  Write("data/new.txt", "new\n");
  fs::remove(Ws() / "data/gone.txt");
  Write("bin.dat", std::string("\0\1\3binary!", 10));
  fs::create_directories(Ws() / "empty");
  Both({"diff"});
  Both({"diff", "--stat"});
  Both({"diff", "--name-only"});
  Both({"diff", "--", "data"});
  Cmd({"snapshot", "next", "--tag", "next"});
  Both({"diff", "base", "next"});
  Cmd({"diff", "next", "base", "--stat"});
  Cmd({"diff", "base"});
  Cmd({"diff", "--stat", "--name-only"});
  Cmd({"diff", "nope"});
  Cmd({"--json", "diff", "nope"});
  Cmd({"diff", "--", "../outside"});
  Check("diff");
}

TEST_F(GoldenTest, Restore) {
  Init();
  Write("a.txt", "v1\n");
  Write("b.txt", "b\n");
  Cmd({"snapshot", "v1", "--tag", "v1"});
  Write("a.txt", "v2\n");
  Cmd({"snapshot", "v2"});
  Cmd({"restore", "v1"});
  Write("a.txt", "dirty\n");
  Cmd({"--json", "restore", "v1"});
  Cmd({"restore", "HEAD"});
  Cmd({"restore", "@~1", "--", "a.txt"});
  Cmd({"--json", "restore", "latest", "--", "a.txt"});
  Cmd({"restore", "v1", "--"});
  Cmd({"restore", "nope"});
  Cmd({"restore"});
  Check("restore");
}

TEST_F(GoldenTest, Tag) {
  Init();
  Write("a.txt", "a\n");
  Cmd({"snapshot", "one"});
  Write("a.txt", "b\n");
  Cmd({"snapshot", "two"});
  Both({"tag", "list"});
  Cmd({"tag", "set", "v1", "@~1"});
  Cmd({"--json", "tag", "set", "v2"});
  Cmd({"tag", "set", "v2"});
  Cmd({"tag", "set", "v1"});
  Both({"tag", "list"});
  Cmd({"tag", "ls"});
  Cmd({"tag", "delete", "v1"});
  Cmd({"--json", "tag", "rm", "v2"});
  Cmd({"tag", "delete", "v1"});
  Cmd({"tag", "set", "@"});
  Cmd({"tag", "set", "-bad"});
  Cmd({"tag"});
  Check("tag");
}

TEST_F(GoldenTest, Worktree) {
  Init();
  Write("a.txt", "a\n");
  Cmd({"snapshot", "one", "--tag", "one"});
  Cmd({"worktree", "fork", "exp"});
  Cmd({"--json", "wt", "fork", "one", "eval", "--path", (Tmp() / "elsewhere/eval").string()});
  Both({"worktree", "list"});
  Both({"worktree", "path", "exp"});
  Cmd({"worktree", "path"});
  Cmd({"worktree", "path"}, "", Root() / "worktrees/exp");
  Cmd({"worktree", "rename", "exp", "tuned"});
  Cmd({"--json", "wt", "rename", "tuned", "final"});
  WriteFile(Root() / "worktrees/final/dirty.txt", "unsaved\n");
  Cmd({"worktree", "remove", "final"});
  Cmd({"--json", "wt", "rm", "eval", "--force"});
  Cmd({"wt", "ls"});
  Cmd({"worktree", "remove", "main"});
  Cmd({"worktree", "fork", "main"});
  Cmd({"worktree", "fork", "x", "y", "z"});
  Check("worktree");
}

TEST_F(GoldenTest, OperationLogUndoRedo) {
  Init();
  Write("a.txt", "1\n");
  Cmd({"snapshot", "one"});
  Write("a.txt", "2\n");
  Cmd({"snapshot", "two"});
  Cmd({"tag", "set", "t"});
  Both({"op", "log"});
  Cmd({"op", "log", "-n", "2"});
  Cmd({"op", "log", "--jsonl", "-n", "2"});
  Cmd({"undo"});
  Cmd({"--json", "undo"});
  Cmd({"redo"});
  Both({"op", "log", "-n", "3"});
  Cmd({"op", "restore", "@-"});
  Cmd({"--json", "op", "restore", "@-"});
  Cmd({"op", "restore", "ffffffff"});
  Cmd({"op"});
  Check("op");
}

TEST_F(GoldenTest, IntegrityAndGc) {
  Init();
  Write("a.txt", "a\n");
  Cmd({"snapshot", "one"});
  Write("a.txt", "b\n");
  Cmd({"snapshot", "two"});
  Both({"verify"});
  Cmd({"verify", "--all"});  // (its JSON lists snapshots by id, whose order varies)
  Both({"doctor"});
  Cmd({"verify", "--all", "@"});
  Cmd({"restore", "@~1"});
  Write("a.txt", "c\n");
  Cmd({"snapshot", "three"});
  Both({"gc", "plan", "--keep-last", "1", "--grace-minutes", "0"});
  Cmd({"gc", "run", "--plan-id", "0000000000000000"});
  Check("integrity_gc");
}

TEST_F(GoldenTest, Config) {
  Init();
  Both({"config", "list"});
  Cmd({"config", "set", "user.name", "Ada Lovelace", "--user"});
  Cmd({"--json", "config", "set", "user.email", "ada@example.com", "--user"});
  Cmd({"config", "set", "core.engine", "copy"});
  Cmd({"config", "set", "ignore.patterns", "*.tmp", "cache/"});
  Cmd({"--json", "config", "set", "gc.keep_days", "30"});
  Both({"config", "get", "user.name"});
  Both({"config", "get", "ignore.patterns"});
  Cmd({"config", "get", "gc.keep_days", "--user"});
  Both({"config", "list", "--show-origin"});
  Cmd({"config", "list", "--repo"});
  Both({"config", "path"});
  Cmd({"config", "unset", "gc.keep_days"});
  Cmd({"--json", "config", "unset", "core.engine"});
  Cmd({"config", "get", "user.nme"});
  Cmd({"--json", "config", "get", "user.nme"});
  Cmd({"config", "set", "ui.color", "sometimes"});
  Cmd({"config", "set", "gc.keep_last", "-1"});
  Cmd({"config", "unset", "ui.color"});
  Cmd({"config"});
  WriteFile(Root() / ".jvs/config.toml", "[user]\nname = \"unterminated\n");
  Cmd({"status"});
  Cmd({"--json", "status"});
  Check("config");
}

TEST_F(GoldenTest, ErrorsAndHelp) {
  Cmd({"status"}, "", Tmp());
  Cmd({"--json", "history"}, "", Tmp());
  Cmd({"frobnicate"}, "", Tmp());
  Cmd({"--json", "--no-such-flag", "status"}, "", Tmp());
  Cmd({"--version"}, "", Tmp());
  Cmd({"--help"}, "", Tmp());
  Cmd({"tag", "--help"}, "", Tmp());
  Cmd({"worktree", "fork", "--help"}, "", Tmp());
  Cmd({"config", "--help"}, "", Tmp());
  Check("errors_help");
}

}  // namespace
}  // namespace jvs::e2e
