// Model-based randomized test of the operation log: a fixed-seed sequence of
// snapshot / restore / undo / redo / op restore / dirty edits, run with the
// real jvs binary and, step by step, against an in-memory model of the
// expected view of every operation and of the working copy.
//
// The model:
// - each operation has a view: the worktree's head and latest snapshot, the
//   visible heads, and the pins (dirty files saved first, which stay visible
//   whatever view later operations choose);
// - restore, undo, redo and op restore first save dirty files as a snapshot
//   (child of the head) and then bring the files of the new view's head;
// - undo is sequential: it undoes the latest operation still in effect (an
//   undo and what it undid cancel out), giving the view before it; redo
//   re-applies what the latest run of consecutive undos took back, and is
//   refused (exit 1) when there is nothing (left) to redo.
//
// JVS_OPLOG_MODEL_SEED and JVS_OPLOG_MODEL_STEPS override the seed and the
// number of steps, for exploring.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <random>
#include <set>
#include <sstream>

#include "e2e_util.h"

namespace jvs::e2e {
namespace {

using jvs::testing::WriteFile;

struct ModelView {
  std::optional<std::string> head, latest;
  std::set<std::string> heads, pins;
};

enum class OpKind { kNormal, kUndo, kRedo };

struct ModelOp {
  std::string id;
  OpKind kind = OpKind::kNormal;
  ModelView view;
  std::string what;
};

struct ModelSnapshot {
  std::optional<std::string> parent;
  Manifest files;
};

class Model {
 public:
  std::map<std::string, ModelSnapshot> snaps;
  std::vector<ModelOp> ops;
  std::vector<size_t> effective;  // operations in effect, oldest first (ops[0] is never undone)
  std::vector<size_t> redo_run;   // what the latest run of undos took back, the last taken on top
  Manifest wc;                    // the working copy
  std::vector<std::string> captured;

  const ModelView& view() const { return ops.back().view; }
  Manifest Files(const std::optional<std::string>& snap) const {
    return snap ? snaps.at(*snap).files : Manifest{};
  }
  bool Dirty() const { return wc != Files(view().head); }
  OpKind last_kind() const { return ops.back().kind; }

  std::set<std::string> Visible(const ModelView& v) const {
    std::set<std::string> out;
    std::vector<std::string> todo(v.heads.begin(), v.heads.end());
    todo.insert(todo.end(), v.pins.begin(), v.pins.end());
    if (v.head) todo.push_back(*v.head);
    if (v.latest) todo.push_back(*v.latest);
    while (!todo.empty()) {
      std::string id = todo.back();
      todo.pop_back();
      if (!out.insert(id).second) continue;
      if (auto p = snaps.at(id).parent) todo.push_back(*p);
    }
    return out;
  }
  std::vector<std::string> Line(const ModelView& v) const {
    std::vector<std::string> out;
    for (auto id = v.head; id; id = snaps.at(*id).parent) out.push_back(*id);
    return out;
  }

  // Dirty files saved before an update: a child of the head, the worktree's
  // latest snapshot, a visible head in place of its parent.
  ModelView Capture(const std::string& cap) {
    const ModelView& cur = view();
    snaps[cap] = ModelSnapshot{cur.head, wc};
    captured.push_back(cap);
    ModelView v = cur;
    v.latest = cap;
    if (cur.head) v.heads.erase(*cur.head);
    v.heads.insert(cap);
    return v;
  }
  // The view an update publishes: `next`, keeping every pin and the capture.
  ModelView KeepPins(ModelView next, const std::optional<std::string>& cap) const {
    next.pins.insert(view().pins.begin(), view().pins.end());
    if (cap) next.pins.insert(*cap);
    return next;
  }
  void Push(const std::string& id, OpKind kind, ModelView v, std::string what) {
    ops.push_back(ModelOp{id, kind, std::move(v), std::move(what)});
    wc = Files(view().head);
  }
};

std::string RandomBytes(std::mt19937& rng, size_t n, bool binary) {
  std::string s(n, '\0');
  for (auto& c : s) c = binary ? static_cast<char>(rng() & 0xff) : static_cast<char>('a' + rng() % 26);
  if (!binary && n > 0) s.back() = '\n';
  return s;
}

class OpLogModelTest : public RepoTest {
 protected:
  void SetUp() override {
    RepoTest::SetUp();
    if (const char* s = std::getenv("JVS_OPLOG_MODEL_SEED")) seed_ = static_cast<uint32_t>(std::strtoul(s, nullptr, 10));
    if (const char* s = std::getenv("JVS_OPLOG_MODEL_STEPS")) steps_ = std::atoi(s);
    rng_.seed(seed_);
    std::cout << "[ model    ] seed " << seed_ << ", " << steps_ << " steps\n";
    RecordProperty("model_seed", std::to_string(seed_));
    std::vector<json> recs = ParseJsonRecords(Run({"--json", "op", "log"}).out);
    ASSERT_EQ(recs.size(), 1u);
    model_.ops.push_back(ModelOp{recs[0]["op_id"].get<std::string>(), OpKind::kNormal, ModelView{}, "init"});
    model_.effective.push_back(0);
  }

  size_t Pick(size_t n) { return static_cast<size_t>(rng_() % n); }

  // 1-3 random changes to the working copy: contents, removals, the
  // executable bit, a symlink; nested directories come and go.
  void RandomEdit() {
    static const std::vector<std::string> kFiles = {"f0.txt", "f1.txt", "f2.txt", "d/g0.txt",
                                                    "d/g1.txt", "d/e/h.bin", "big.bin"};
    int n = 1 + static_cast<int>(Pick(3));
    for (int c = 0; c < n; ++c) {
      const std::string rel = kFiles[Pick(kFiles.size())];
      const fs::path p = Ws() / rel;
      const bool binary = rel.size() > 4 && rel.substr(rel.size() - 4) == ".bin";
      switch (Pick(8)) {
        case 5:  // remove
          if (fs::exists(p)) {
            fs::remove(p);
            Log("  rm " + rel);
            break;
          }
          [[fallthrough]];
        case 0:
        case 1:
        case 2:
        case 3:
        case 4: {  // write
          size_t len = Pick(4) == 0 ? 0 : (rel == "big.bin" ? 2000 + Pick(20000) : 1 + Pick(80));
          WriteFile(p, RandomBytes(rng_, len, binary));
          Log("  write " + rel + " (" + std::to_string(len) + " bytes)");
          break;
        }
        case 6:  // executable bit
          if (fs::exists(p)) {
            struct stat st;
            ::stat(p.c_str(), &st);
            ::chmod(p.c_str(), st.st_mode ^ S_IXUSR);
            Log("  chmod " + rel);
          }
          break;
        case 7: {  // symlink
          const fs::path l = Ws() / "ln";
          std::error_code ec;
          bool had = fs::is_symlink(l);
          fs::remove(l, ec);
          if (!had || Pick(2)) {
            std::string target = Pick(2) ? "f0.txt" : "d/missing-" + std::to_string(Pick(100));
            fs::create_symlink(target, l);
            Log("  ln -s " + target + " ln");
          } else {
            Log("  rm ln");
          }
          break;
        }
      }
    }
    model_.wc = TakeManifest(Ws());  // the test's own writes define the working copy
  }

  void Log(const std::string& s) { journal_ += s + "\n"; }

  // Runs `jvs --json ARGS`; on success returns the JSON, else sets `code`.
  json Jvs(std::vector<std::string> args, int* code) {
    args.insert(args.begin(), "--json");
    RunResult r = Run(args);
    *code = r.exit_code;
    last_ = r.Describe();
    if (r.exit_code != 0) return json();
    return r.Json();
  }

  std::optional<std::string> CapturedFrom(const json& j) {
    const bool dirty = model_.Dirty();
    const json& c = j.contains("captured_snapshot_id") ? j["captured_snapshot_id"] : json();
    EXPECT_EQ(c.is_string(), dirty) << "dirty files must be saved exactly when the working copy differs from the "
                                       "head\n"
                                    << j.dump(2);
    if (!c.is_string()) return std::nullopt;
    return c.get<std::string>();
  }

  // ---- steps ----

  void StepSnapshot() {
    RandomEdit();
    const std::string note = "step " + std::to_string(step_);
    int code;
    json j = Jvs({"snapshot", note}, &code);
    ASSERT_EQ(code, 0) << last_;
    const std::string id = j["snapshot_id"].get<std::string>();
    Log("snapshot -> " + id.substr(0, 12));
    const ModelView& cur = model_.view();
    model_.snaps[id] = ModelSnapshot{cur.head, model_.wc};
    ModelView v = cur;
    if (cur.head) v.heads.erase(*cur.head);
    v.heads.insert(id);
    v.head = v.latest = id;
    model_.Push(j["operation_id"].get<std::string>(), OpKind::kNormal, v, "snapshot");
    model_.effective.push_back(model_.ops.size() - 1);
    model_.redo_run.clear();
  }

  void StepRestore(std::optional<std::string> target = std::nullopt) {
    if (!target) {
      std::set<std::string> visible = model_.Visible(model_.view());
      if (visible.empty()) return StepSnapshot();
      auto it = visible.begin();
      std::advance(it, static_cast<long>(Pick(visible.size())));
      target = *it;
    }
    const std::string spec = Pick(2) ? *target : target->substr(0, 12);
    int code;
    json j = Jvs({"restore", spec}, &code);
    ASSERT_EQ(code, 0) << last_;
    EXPECT_EQ(j["snapshot_id"], *target) << j.dump(2);
    auto cap = CapturedFrom(j);
    Log("restore " + spec.substr(0, 12) + (cap ? " (saved dirty files as " + cap->substr(0, 12) + ")" : ""));
    ModelView v = cap ? model_.Capture(*cap) : model_.view();
    v.head = *target;
    model_.Push(j["operation_id"].get<std::string>(), OpKind::kNormal, model_.KeepPins(v, cap), "restore");
    model_.effective.push_back(model_.ops.size() - 1);
    model_.redo_run.clear();
  }

  void StepUndo() {
    int code;
    json j = Jvs({"undo"}, &code);
    if (model_.effective.size() <= 1) {
      Log("undo (refused)");
      ++refused_;
      EXPECT_EQ(code, 1) << "nothing is left to undo\n" << last_;
      return;
    }
    ASSERT_EQ(code, 0) << last_;
    const size_t x = model_.effective.back();
    auto cap = CapturedFrom(j);
    Log("undo of op " + std::to_string(x) + " (" + model_.ops[x].what + ")" +
        (cap ? " (saved dirty files as " + cap->substr(0, 12) + ")" : ""));
    if (cap) model_.Capture(*cap);
    ModelView v = model_.KeepPins(model_.ops[x - 1].view, cap);
    if (model_.last_kind() != OpKind::kUndo) model_.redo_run.clear();  // a new run of undos
    model_.redo_run.push_back(x);
    model_.effective.pop_back();
    model_.Push(j["operation_id"].get<std::string>(), OpKind::kUndo, v, "undo");
    CheckHeadInOutput(j);
  }

  void StepRedo() {
    int code;
    json j = Jvs({"redo"}, &code);
    if (model_.redo_run.empty()) {
      Log("redo (refused)");
      ++refused_;
      EXPECT_EQ(code, 1) << "nothing to redo\n" << last_;
      return;
    }
    ASSERT_EQ(code, 0) << last_;
    const size_t x = model_.redo_run.back();
    auto cap = CapturedFrom(j);
    Log("redo of op " + std::to_string(x) + " (" + model_.ops[x].what + ")" +
        (cap ? " (saved dirty files as " + cap->substr(0, 12) + ")" : ""));
    if (cap) model_.Capture(*cap);
    ModelView v = model_.KeepPins(model_.ops[x].view, cap);
    model_.redo_run.pop_back();
    model_.effective.push_back(x);
    model_.Push(j["operation_id"].get<std::string>(), OpKind::kRedo, v, "redo");
    CheckHeadInOutput(j);
  }

  void StepOpRestore() {
    const size_t n = model_.ops.size();
    size_t t;
    std::string spec;
    const size_t how = Pick(5);
    if (how == 0 && n >= 2) {
      t = n - 2;
      spec = "@-";
    } else if (how == 1 && n >= 3) {
      t = n - 3;
      spec = "@--";
    } else {
      t = Pick(n);
      spec = model_.ops[t].id.substr(0, 8 + Pick(57));
    }
    int code;
    json j = Jvs({"op", "restore", spec}, &code);
    ASSERT_EQ(code, 0) << last_;
    auto cap = CapturedFrom(j);
    Log("op restore " + spec.substr(0, 12) + " = op " + std::to_string(t) + " (" + model_.ops[t].what + ")" +
        (cap ? " (saved dirty files as " + cap->substr(0, 12) + ")" : ""));
    if (cap) model_.Capture(*cap);
    ModelView v = model_.KeepPins(model_.ops[t].view, cap);
    model_.Push(j["operation_id"].get<std::string>(), OpKind::kNormal, v, "op restore of op " + std::to_string(t));
    model_.effective.push_back(model_.ops.size() - 1);
    model_.redo_run.clear();
    CheckHeadInOutput(j);
  }

  void StepDirty() {
    Log("dirty edits:");
    RandomEdit();
  }

  void CheckHeadInOutput(const json& j) {
    const auto& head = model_.view().head;
    EXPECT_EQ(j["head_snapshot_id"], head ? json(*head) : json(nullptr)) << j.dump(2);
  }

  // ---- comparison with the real repository ----

  void Compare() {
    const ModelView& v = model_.view();
    Manifest actual = TakeManifest(Ws());
    EXPECT_TRUE(actual == model_.wc) << "working copy:\n" << ManifestDiff(model_.wc, actual);
    int code;
    json st = Jvs({"status"}, &code);
    ASSERT_EQ(code, 0) << last_;
    EXPECT_EQ(st["head_snapshot_id"], v.head ? json(*v.head) : json(nullptr)) << st.dump(2);
    EXPECT_EQ(st["clean"], !model_.Dirty()) << st.dump(2);
    json line = Jvs({"history"}, &code);
    ASSERT_EQ(code, 0) << last_;
    std::vector<std::string> ids;
    for (const auto& e : line) ids.push_back(e["snapshot_id"].get<std::string>());
    EXPECT_EQ(ids, model_.Line(v)) << "history (the current line)";
    json all = Jvs({"history", "--all"}, &code);
    ASSERT_EQ(code, 0) << last_;
    std::set<std::string> visible;
    for (const auto& e : all) visible.insert(e["snapshot_id"].get<std::string>());
    std::set<std::string> expected = model_.Visible(v);
    EXPECT_EQ(visible, expected) << "history --all";
    RunResult top = Run({"--json", "op", "log", "-n", "1"});
    ASSERT_EQ(top.exit_code, 0) << top.Describe();
    std::vector<json> recs = ParseJsonRecords(top.out);
    ASSERT_EQ(recs.size(), 1u);
    EXPECT_EQ(recs[0]["op_id"], model_.ops.back().id) << "no operation other than the step's was recorded";
  }

  // The view of a random earlier operation, through --at-op.
  void CompareAtOp() {
    const size_t t = Pick(model_.ops.size());
    const ModelView& v = model_.ops[t].view;
    const std::string op = model_.ops[t].id;
    int code;
    json st = Jvs({"--at-op", op, "status"}, &code);
    ASSERT_EQ(code, 0) << last_;
    EXPECT_EQ(st["head_snapshot_id"], v.head ? json(*v.head) : json(nullptr)) << "at op " << t << "\n" << st.dump(2);
    json all = Jvs({"--at-op", op, "history", "--all"}, &code);
    ASSERT_EQ(code, 0) << last_;
    std::set<std::string> visible;
    for (const auto& e : all) visible.insert(e["snapshot_id"].get<std::string>());
    EXPECT_EQ(visible, model_.Visible(v)) << "history --all at op " << t;
  }

  uint32_t seed_ = 4242;
  int steps_ = 60;
  int step_ = 0;
  int refused_ = 0;  // undos and redos refused as expected
  std::mt19937 rng_;
  Model model_;
  std::string journal_, last_;
};

TEST_F(OpLogModelTest, RandomSequencesMatchTheModel) {
  const auto dump = [this] { return "seed " + std::to_string(seed_) + ", steps so far:\n" + journal_; };
  size_t counts[6] = {0, 0, 0, 0, 0, 0};
  for (step_ = 1; step_ <= steps_; ++step_) {
    Log("step " + std::to_string(step_) + ":");
    // Weights: snapshot 30, restore 14, undo 18, redo 12, op restore 12, dirty edits 14.
    // Right after an undo, redo is likelier.
    int r = static_cast<int>(Pick(100));
    if (model_.last_kind() == OpKind::kUndo && Pick(3) == 0) r = 65;
    size_t kind = r < 30 ? 0 : r < 44 ? 1 : r < 62 ? 2 : r < 74 ? 3 : r < 86 ? 4 : 5;
    ++counts[kind];
    switch (kind) {
      case 0: StepSnapshot(); break;
      case 1: StepRestore(); break;
      case 2: StepUndo(); break;
      case 3: StepRedo(); break;
      case 4: StepOpRestore(); break;
      case 5: StepDirty(); break;
    }
    if (HasFatalFailure()) FAIL() << dump() << "\nlast command:\n" << last_;
    Compare();
    if (step_ % 10 == 0) CompareAtOp();
    if (HasFailure()) FAIL() << "the repository no longer matches the model\n" << dump() << "\nlast command:\n" << last_;
  }
  // Every set of dirty files saved on the way restores exactly.
  Log("restoring every saved set of dirty files:");
  std::vector<std::string> caps = model_.captured;
  for (const auto& cap : caps) {
    const Manifest saved = model_.snaps.at(cap).files;
    StepRestore(cap);
    if (HasFatalFailure()) FAIL() << dump() << "\nlast command:\n" << last_;
    Manifest actual = TakeManifest(Ws());
    EXPECT_TRUE(actual == saved) << "captured snapshot " << cap << ":\n" << ManifestDiff(saved, actual);
    Compare();
    if (HasFailure()) FAIL() << dump() << "\nlast command:\n" << last_;
  }
  std::cout << "[ model    ] " << counts[0] << " snapshots, " << counts[1] << " restores, " << counts[2]
            << " undos, " << counts[3] << " redos (" << refused_ << " undos/redos refused), " << counts[4]
            << " op restores, " << counts[5]
            << " dirty edits; " << caps.size() << " sets of dirty files saved; " << model_.ops.size()
            << " operations\n";
  EXPECT_GT(caps.size(), 0u) << "the sequence should exercise saving dirty files";
}

}  // namespace
}  // namespace jvs::e2e
