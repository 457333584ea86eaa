// Model-based randomized test of the operation log across two worktrees: a
// fixed-seed sequence of snapshot / restore / undo / redo / op restore /
// dirty edits, each run in `main` or in the fork `w2`, with the real jvs
// binary and, step by step, against an in-memory model of the expected view
// of every operation and of the exact files of both worktrees.
//
// The model (docs/cli.md, "jvs undo"):
// - each operation has a view: every worktree's head and latest snapshot,
//   the visible heads, and the pins (dirty files saved first, which stay
//   visible whatever view later operations choose); it records the worktree
//   it was run in, the worktree whose files it moved, and what it saved;
// - restore, undo, redo and op restore first save dirty files as a snapshot
//   (child of the head) and then bring the files of the new view's head;
// - undo in worktree W takes back the latest operation still in effect that
//   was run in W, or that changed W's record (then only W's record goes
//   back): the inverse is applied three-way to the current view (a value
//   changed again later stays); an undo cancels what it undid. W's files go
//   back to what they were before that operation: the dirty files it saved,
//   unchanged if it did not move W's files, else the new head's files;
// - redo in W re-applies what the latest run of undos in W took back;
// - a worktree whose head another worktree's command moved is stale: its next
//   command (here: `status`) brings its files to the new head first, saving
//   dirty files (an operation of that worktree, which undo passes over: the
//   undo takes back the command that made the worktree stale, and the files
//   go back to what they were before the stale update).
//
// JVS_OPLOG_MODEL_SEED and JVS_OPLOG_MODEL_STEPS override the seed and the
// number of steps, for exploring.
// Over 400 lines on purpose: the in-memory model of the expected view and the random steps checked
// against it are one test.
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
using Id = std::optional<std::string>;

struct WtView {
  Id head, latest;
  bool operator==(const WtView&) const = default;
};

struct ModelView {
  std::map<std::string, WtView> wts;
  std::set<std::string> heads, pins;
};

enum class OpKind { kNormal, kUndo, kRedo };

struct ModelOp {
  std::string id;
  OpKind kind = OpKind::kNormal;
  ModelView view;
  std::string what;
  std::string from;   // the worktree the command ran in
  std::string moved;  // the worktree whose files it moved ("" none)
  Id captured;        // dirty files of `moved` saved first
  bool kept = false;  // moved's files were left as they were
  bool stale = false; // the implicit update of a stale worktree (undo passes over it)
  size_t target = 0;  // undo: the operation taken back; redo: the undo re-applied
};

struct ModelSnapshot {
  Id parent;
  Manifest files;
};

std::optional<WtView> EntryOf(const ModelView& v, const std::string& w) {
  auto it = v.wts.find(w);
  if (it == v.wts.end()) return std::nullopt;
  return it->second;
}

template <typename T>
T Reverted(const T& cur, const T& before, const T& after) {
  if (cur == after) return before;
  if (before == after) return cur;
  if (cur == before) return cur;
  return cur;  // changed again later: the later value stays
}

void RevertEntry(ModelView* out, const ModelView& cur, const ModelView& before, const ModelView& after,
                 const std::string& w) {
  auto c = EntryOf(cur, w), b = EntryOf(before, w), a = EntryOf(after, w);
  if (!Reverted<bool>(c.has_value(), b.has_value(), a.has_value())) {
    if (!(c && a && *c != *a)) out->wts.erase(w);
    return;
  }
  WtView r;
  r.head = Reverted<Id>(c ? c->head : Id(), b ? b->head : Id(), a ? a->head : Id());
  r.latest = Reverted<Id>(c ? c->latest : Id(), b ? b->latest : Id(), a ? a->latest : Id());
  out->wts[w] = r;
}

ModelView RevertView(const ModelView& cur, const ModelView& before, const ModelView& after, const std::string& only) {
  ModelView out = cur;
  if (!only.empty()) {
    RevertEntry(&out, cur, before, after, only);
    if (auto c = EntryOf(cur, only)) {
      auto now = EntryOf(out, only);
      for (const Id& v : {c->head, c->latest})
        if (v && (!now || (now->head != v && now->latest != v))) out.heads.insert(*v);
    }
    return out;
  }
  std::set<std::string> names;
  for (const ModelView* v : {&cur, &before, &after})
    for (const auto& [n, e] : v->wts) names.insert(n);
  for (const auto& n : names) RevertEntry(&out, cur, before, after, n);
  std::set<std::string> heads;
  for (const auto& h : cur.heads)
    if (!after.heads.count(h) || before.heads.count(h)) heads.insert(h);
  for (const auto& h : before.heads)
    if (!after.heads.count(h)) heads.insert(h);
  out.heads = heads;
  out.pins.insert(before.pins.begin(), before.pins.end());
  return out;
}

class Model {
 public:
  std::map<std::string, ModelSnapshot> snaps;
  std::vector<ModelOp> ops;
  std::map<std::string, Manifest> wc;  // the files of each worktree
  std::map<std::string, Id> synced;    // the head each worktree's files were last brought to
  std::vector<std::string> captured;

  const ModelView& view() const { return ops.back().view; }
  Manifest Files(const Id& snap) const { return snap ? snaps.at(*snap).files : Manifest{}; }
  bool Has(const std::string& w) const { return view().wts.count(w) > 0; }
  Id Head(const std::string& w) const { return Has(w) ? view().wts.at(w).head : Id(); }
  bool Dirty(const std::string& w) const { return wc.at(w) != Files(Head(w)); }

  std::set<std::string> Visible(const ModelView& v) const {
    std::set<std::string> out;
    std::vector<std::string> todo(v.heads.begin(), v.heads.end());
    todo.insert(todo.end(), v.pins.begin(), v.pins.end());
    for (const auto& [n, e] : v.wts) {
      if (e.head) todo.push_back(*e.head);
      if (e.latest) todo.push_back(*e.latest);
    }
    while (!todo.empty()) {
      std::string id = todo.back();
      todo.pop_back();
      if (!out.insert(id).second) continue;
      if (auto p = snaps.at(id).parent) todo.push_back(*p);
    }
    return out;
  }
  std::vector<std::string> Line(const Id& head) const {
    std::vector<std::string> out;
    for (Id id = head; id; id = snaps.at(*id).parent) out.push_back(*id);
    return out;
  }

  // Dirty files of `w` saved before an update: a child of `base`, pinned and a
  // visible head; with `latest`, the worktree's latest snapshot too.
  void Capture(ModelView* v, const std::string& w, const std::string& cap, const Id& base, bool latest) {
    snaps[cap] = ModelSnapshot{base, wc.at(w)};
    captured.push_back(cap);
    v->pins.insert(cap);
    v->heads.insert(cap);
    if (latest) v->wts[w].latest = cap;
  }
  void Push(ModelOp op) { ops.push_back(std::move(op)); }
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
    ModelOp init;
    init.id = recs[0]["op_id"].get<std::string>();
    init.view.wts["main"] = WtView{};
    init.what = "init";
    model_.Push(init);
    model_.wc["main"] = Manifest{};
    model_.synced["main"] = std::nullopt;
    dirs_["main"] = Ws();
    // A first snapshot, then the fork w2 (both operations of main).
    RandomEdit("main");
    StepSnapshot("main");
    ASSERT_FALSE(HasFatalFailure());
    int code;
    json f = Jvs(Ws(), {"worktree", "fork", "w2"}, &code);
    ASSERT_EQ(code, 0) << last_;
    RunResult p = e2e::Jvs(Ws(), {"worktree", "path", "w2"});
    std::string path = p.out;
    while (!path.empty() && path.back() == '\n') path.pop_back();
    dirs_["w2"] = path;
    ModelOp op;
    op.id = f["op_id"].get<std::string>();
    op.view = model_.view();
    op.view.wts["w2"] = WtView{model_.Head("main"), std::nullopt};
    op.what = "fork w2";
    op.from = "main";
    op.moved = "w2";
    model_.Push(op);
    model_.wc["w2"] = model_.Files(model_.Head("main"));
    model_.synced["w2"] = model_.Head("main");
  }

  size_t Pick(size_t n) { return static_cast<size_t>(rng_() % n); }

  // 1-3 random changes to the files of `w`: contents, removals, the
  // executable bit, a symlink; nested directories come and go.
  void RandomEdit(const std::string& w) {
    static const std::vector<std::string> kFiles = {"f0.txt", "f1.txt", "f2.txt", "d/g0.txt",
                                                    "d/g1.txt", "d/e/h.bin", "big.bin"};
    const fs::path root = dirs_.at(w);
    int n = 1 + static_cast<int>(Pick(3));
    for (int c = 0; c < n; ++c) {
      const std::string rel = kFiles[Pick(kFiles.size())];
      const fs::path p = root / rel;
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
          const fs::path l = root / "ln";
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
    model_.wc[w] = TakeManifest(root);  // the test's own writes define the working copy
  }

  void Log(const std::string& s) { journal_ += s + "\n"; }

  // Runs `jvs --json ARGS` in `dir`; on success returns the JSON, else sets `code`.
  json Jvs(const fs::path& dir, std::vector<std::string> args, int* code) {
    args.insert(args.begin(), "--json");
    RunResult r = e2e::Jvs(dir, args);
    *code = r.exit_code;
    last_ = r.Describe();
    if (r.exit_code != 0) return json();
    return r.Json();
  }

  // The captured snapshot of a command that saves dirty files when `dirty`.
  Id CapturedFrom(const json& j, bool dirty) {
    const json& c = j.contains("captured_snapshot_id") ? j["captured_snapshot_id"] : json();
    EXPECT_EQ(c.is_string(), dirty) << "dirty files must be saved exactly when the working copy differs from the "
                                       "head\n"
                                    << j.dump(2);
    if (!c.is_string()) return std::nullopt;
    return c.get<std::string>();
  }

  // ---- steps ----

  void StepSnapshot(const std::string& w) {
    RandomEdit(w);
    const std::string note = "step " + std::to_string(step_) + " in " + w;
    int code;
    json j = Jvs(dirs_.at(w), {"snapshot", note}, &code);
    ASSERT_EQ(code, 0) << last_;
    const std::string id = j["snapshot_id"].get<std::string>();
    Log("snapshot in " + w + " -> " + id.substr(0, 12));
    model_.snaps[id] = ModelSnapshot{model_.Head(w), model_.wc.at(w)};
    ModelOp op;
    op.id = j["op_id"].get<std::string>();
    op.view = model_.view();
    // As the repository does: the new snapshot replaces its parent among the
    // heads (it stays visible through it). An undo's three-way revert of the
    // heads depends on it.
    if (const Id parent = model_.Head(w)) op.view.heads.erase(*parent);
    op.view.heads.insert(id);
    op.view.wts[w].head = op.view.wts[w].latest = id;
    op.what = "snapshot in " + w;
    op.from = w;
    model_.Push(op);
    model_.synced[w] = id;
  }

  // The files of `w` become `files`, the repository stands at `op`.
  void Moved(const std::string& w, ModelOp op, const std::optional<Manifest>& files) {
    if (files) model_.wc[w] = *files;
    model_.Push(std::move(op));
    model_.synced[w] = model_.Head(w);
  }

  void StepRestore(const std::string& w, Id target = std::nullopt) {
    if (!target) {
      std::set<std::string> visible = model_.Visible(model_.view());
      if (visible.empty()) return StepSnapshot(w);
      auto it = visible.begin();
      std::advance(it, static_cast<long>(Pick(visible.size())));
      target = *it;
    }
    const std::string spec = Pick(2) ? *target : target->substr(0, 12);
    const bool dirty = model_.Dirty(w);
    int code;
    json j = Jvs(dirs_.at(w), {"restore", spec}, &code);
    ASSERT_EQ(code, 0) << last_;
    EXPECT_EQ(j["snapshot_id"], *target) << j.dump(2);
    ModelOp op;
    op.captured = CapturedFrom(j, dirty);
    Log("restore in " + w + " to " + spec.substr(0, 12) +
        (op.captured ? " (saved dirty files as " + op.captured->substr(0, 12) + ")" : ""));
    op.id = j["op_id"].get<std::string>();
    op.view = model_.view();
    if (op.captured) model_.Capture(&op.view, w, *op.captured, model_.Head(w), true);
    op.view.wts[w].head = *target;
    op.what = "restore in " + w;
    op.from = op.moved = w;
    Moved(w, op, model_.Files(target));
  }

  // Applies a planned revert in `w` as Workspace::Update does; `files`: the
  // files `w` gets (nullopt: left as they are).
  void ApplyRevert(const std::string& w, const json& j, ModelOp op, const ModelView& reverted, bool keep,
                   Id files_from) {
    if (!reverted.wts.count(w)) keep = true;  // taken out of the view: the files stay
    const bool dirty = !keep && model_.Dirty(w);
    op.captured = CapturedFrom(j, dirty);
    op.view = reverted;
    op.view.pins.insert(model_.view().pins.begin(), model_.view().pins.end());
    if (op.captured) model_.Capture(&op.view, w, *op.captured, model_.Head(w), false);
    op.from = op.moved = w;
    op.kept = keep;
    std::optional<Manifest> files;
    if (!keep) files = files_from ? model_.Files(files_from) : model_.Files(op.view.wts.at(w).head);
    Log("  " + op.what + (op.captured ? " (saved dirty files as " + op.captured->substr(0, 12) + ")" : "") +
        (keep ? " (files kept)" : ""));
    Moved(w, op, files);
    if (model_.Has(w)) CheckHeadInOutput(w, j);
  }

  // How operation t stands to worktree w: 2 run there, 1 changed its record, 0 neither.
  int Relation(size_t t, const std::string& w) const {
    const ModelOp& o = model_.ops[t];
    if (o.from == w) return 2;
    if (t == 0) return 0;
    return EntryOf(model_.ops[t - 1].view, w) != EntryOf(o.view, w) ? 1 : 0;
  }

  // Files rule: what `t` did to the files of `w`.
  void FilesRule(size_t t, const std::string& w, bool* keep, Id* from) const {
    const ModelOp& o = model_.ops[t];
    *keep = false;
    *from = std::nullopt;
    if (o.moved != w) *keep = true;
    else if (o.captured) *from = o.captured;
    else if (o.kept) *keep = true;
  }

  void StepUndo(const std::string& w) {
    std::set<size_t> undone;
    std::optional<size_t> t;
    int rel = 0;
    // A stale update of w is passed over: the files go back to what they
    // were before it (its saved dirty files, or the head the undo restores).
    bool passed_stale = false;
    Id stale_capture;
    for (size_t i = model_.ops.size(); i-- > 0;) {
      if (undone.count(i)) continue;
      const ModelOp& o = model_.ops[i];
      if (o.kind == OpKind::kUndo) {
        undone.insert(o.target);
        continue;
      }
      if (o.stale && o.moved == w) {
        if (!passed_stale) stale_capture = o.captured;
        passed_stale = true;
        continue;
      }
      rel = Relation(i, w);
      if (rel == 0) continue;
      if (i > 0) t = i;
      break;
    }
    int code;
    json j = Jvs(dirs_.at(w), {"undo"}, &code);
    if (!t) {
      Log("undo in " + w + " (refused)");
      ++refused_;
      EXPECT_EQ(code, 1) << "nothing is left to undo in " << w << "\n" << last_;
      return;
    }
    ASSERT_EQ(code, 0) << last_;
    ModelOp op;
    op.id = j["op_id"].get<std::string>();
    op.kind = OpKind::kUndo;
    op.target = *t;
    op.what = "undo in " + w + " of op " + std::to_string(*t) + " (" + model_.ops[*t].what + ")";
    Log(op.what);
    ModelView reverted = RevertView(model_.view(), model_.ops[*t - 1].view, model_.ops[*t].view, rel == 1 ? w : "");
    bool keep;
    Id from;
    FilesRule(*t, w, &keep, &from);
    if (passed_stale) {
      keep = false;
      from = stale_capture;
    }
    ApplyRevert(w, j, op, reverted, keep, from);
  }

  void StepRedo(const std::string& w) {
    std::set<size_t> redone;
    std::optional<size_t> u;
    for (size_t i = model_.ops.size(); i-- > 0;) {
      const ModelOp& o = model_.ops[i];
      if (o.from != w) continue;
      if (o.kind == OpKind::kRedo) {
        redone.insert(o.target);
        continue;
      }
      if (o.kind == OpKind::kUndo) {
        if (redone.count(i)) continue;
        u = i;
      }
      break;
    }
    int code;
    json j = Jvs(dirs_.at(w), {"redo"}, &code);
    if (!u) {
      Log("redo in " + w + " (refused)");
      ++refused_;
      EXPECT_EQ(code, 1) << "nothing to redo in " << w << "\n" << last_;
      return;
    }
    ASSERT_EQ(code, 0) << last_;
    ModelOp op;
    op.id = j["op_id"].get<std::string>();
    op.kind = OpKind::kRedo;
    op.target = *u;
    op.what = "redo in " + w + " of op " + std::to_string(*u) + " (" + model_.ops[*u].what + ")";
    Log(op.what);
    ModelView reverted = RevertView(model_.view(), model_.ops[*u - 1].view, model_.ops[*u].view, "");
    bool keep;
    Id from;
    FilesRule(*u, w, &keep, &from);
    ApplyRevert(w, j, op, reverted, keep, from);
  }

  void StepOpRestore(const std::string& w) {
    const size_t n = model_.ops.size();
    size_t t;
    std::string spec;
    const size_t how = Pick(5);
    if (how == 0 && n >= 2) {
      t = n - 2;
      spec = "@-";
    } else {
      t = Pick(n);
      spec = model_.ops[t].id.substr(0, 8 + Pick(57));
    }
    int code;
    json j = Jvs(dirs_.at(w), {"op", "restore", spec}, &code);
    ASSERT_EQ(code, 0) << last_;
    ModelOp op;
    op.id = j["op_id"].get<std::string>();
    op.what = "op restore in " + w + " to op " + std::to_string(t) + " (" + model_.ops[t].what + ")";
    Log(op.what);
    ApplyRevert(w, j, op, model_.ops[t].view, false, std::nullopt);
    model_.ops.back().kind = OpKind::kNormal;
  }

  void CheckHeadInOutput(const std::string& w, const json& j) {
    const Id head = model_.Head(w);
    EXPECT_EQ(j["head_snapshot_id"], head ? json(*head) : json(nullptr)) << w << "\n" << j.dump(2);
  }

  // ---- comparison with the real repository ----

  // `status` in every worktree the view has; a stale one first follows its
  // new head (an operation of its own when files move).
  void Compare() {
    for (const std::string w : {"main", "w2"}) {
      Manifest actual = TakeManifest(dirs_.at(w));
      if (!model_.Has(w)) {
        EXPECT_TRUE(actual == model_.wc.at(w)) << "files of " << w << " (not in the view):\n"
                                               << ManifestDiff(model_.wc.at(w), actual);
        continue;
      }
      const Id head = model_.Head(w), synced = model_.synced.at(w);
      if (synced && head != synced) {
        if (model_.wc.at(w) == model_.Files(head)) {
          model_.synced[w] = head;  // the files already are the new head: nothing recorded
        } else {
          ModelOp op;
          op.view = model_.view();
          if (model_.wc.at(w) != model_.Files(synced)) {
            op.captured = "?";  // known from the operation log below
          }
          op.what = "stale update of " + w;
          op.from = op.moved = w;
          op.stale = true;
          pending_stale_ = op;
        }
      }
      int code;
      json st = Jvs(dirs_.at(w), {"status"}, &code);
      ASSERT_EQ(code, 0) << last_;
      if (pending_stale_) {
        ModelOp op = *pending_stale_;
        pending_stale_.reset();
        RunResult top = e2e::Jvs(dirs_.at(w), {"--json", "op", "log", "-n", "1"});
        std::vector<json> recs = ParseJsonRecords(top.out);
        ASSERT_EQ(recs.size(), 1u) << top.Describe();
        op.id = recs[0]["op_id"].get<std::string>();
        const json& attrs = recs[0]["attributes"];
        EXPECT_EQ(attrs.contains("captured_snapshot"), op.captured.has_value()) << recs[0].dump(2);
        if (op.captured && attrs.contains("captured_snapshot")) {
          op.captured = attrs["captured_snapshot"].get<std::string>();
          model_.Capture(&op.view, w, *op.captured, synced, false);
        } else {
          op.captured.reset();
        }
        Log("  (" + op.what + (op.captured ? ", saved dirty files as " + op.captured->substr(0, 12) : "") + ")");
        Moved(w, op, model_.Files(head));
        ++stale_updates_;
        actual = TakeManifest(dirs_.at(w));
      }
      EXPECT_TRUE(actual == model_.wc.at(w)) << "files of " << w << ":\n" << ManifestDiff(model_.wc.at(w), actual);
      EXPECT_EQ(st["head_snapshot_id"], head ? json(*head) : json(nullptr)) << w << "\n" << st.dump(2);
      EXPECT_EQ(st["clean"], !model_.Dirty(w)) << w << "\n" << st.dump(2);
      json line = Jvs(dirs_.at(w), {"history"}, &code);
      ASSERT_EQ(code, 0) << last_;
      std::vector<std::string> ids;
      for (const auto& e : line) ids.push_back(e["snapshot_id"].get<std::string>());
      EXPECT_EQ(ids, model_.Line(head)) << "history (the current line) of " << w;
    }
    int code;
    json all = Jvs(Ws(), {"history", "--all"}, &code);
    ASSERT_EQ(code, 0) << last_;
    std::set<std::string> visible;
    for (const auto& e : all) visible.insert(e["snapshot_id"].get<std::string>());
    EXPECT_EQ(visible, model_.Visible(model_.view())) << "history --all";
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
    json all = Jvs(Ws(), {"--at-op", op, "history", "--all"}, &code);
    ASSERT_EQ(code, 0) << last_;
    std::set<std::string> visible;
    for (const auto& e : all) visible.insert(e["snapshot_id"].get<std::string>());
    EXPECT_EQ(visible, model_.Visible(v)) << "history --all at op " << t;
  }

  uint32_t seed_ = 4242;
  int steps_ = 60;
  int step_ = 0;
  int refused_ = 0;  // undos and redos refused as expected
  int stale_updates_ = 0, steps_in_w2_ = 0;
  std::mt19937 rng_;
  Model model_;
  std::map<std::string, fs::path> dirs_;
  std::optional<ModelOp> pending_stale_;
  std::string journal_, last_;
};

TEST_F(OpLogModelTest, RandomSequencesMatchTheModel) {
  const auto dump = [this] { return "seed " + std::to_string(seed_) + ", steps so far:\n" + journal_; };
  size_t counts[6] = {0, 0, 0, 0, 0, 0};
  Compare();
  ASSERT_FALSE(HasFailure()) << dump() << "\nlast command:\n" << last_;
  for (step_ = 1; step_ <= steps_; ++step_) {
    // Weights: snapshot 30, restore 14, undo 18, redo 12, op restore 12, dirty edits 14;
    // in main or w2 alike (when the view has w2).
    const std::string w = model_.Has("w2") && Pick(2) == 0 ? "w2" : "main";
    Log("step " + std::to_string(step_) + " in " + w + ":");
    if (w == "w2") ++steps_in_w2_;
    int r = static_cast<int>(Pick(100));
    if (model_.ops.back().kind == OpKind::kUndo && Pick(3) == 0) r = 65;
    size_t kind = r < 30 ? 0 : r < 44 ? 1 : r < 62 ? 2 : r < 74 ? 3 : r < 86 ? 4 : 5;
    ++counts[kind];
    switch (kind) {
      case 0: StepSnapshot(w); break;
      case 1: StepRestore(w); break;
      case 2: StepUndo(w); break;
      case 3: StepRedo(w); break;
      case 4: StepOpRestore(w); break;
      case 5:
        Log("dirty edits in " + w + ":");
        RandomEdit(w);
        break;
    }
    if (HasFatalFailure()) FAIL() << dump() << "\nlast command:\n" << last_;
    Compare();
    if (step_ % 10 == 0) CompareAtOp();
    if (HasFailure()) FAIL() << "the repository no longer matches the model\n" << dump() << "\nlast command:\n" << last_;
  }
  // Every set of dirty files saved on the way restores exactly (in main).
  Log("restoring every saved set of dirty files:");
  if (!model_.Has("main")) return;
  std::vector<std::string> caps = model_.captured;
  for (const auto& cap : caps) {
    const Manifest saved = model_.snaps.at(cap).files;
    StepRestore("main", cap);
    if (HasFatalFailure()) FAIL() << dump() << "\nlast command:\n" << last_;
    Manifest actual = TakeManifest(Ws());
    EXPECT_TRUE(actual == saved) << "captured snapshot " << cap << ":\n" << ManifestDiff(saved, actual);
    Compare();
    if (HasFailure()) FAIL() << dump() << "\nlast command:\n" << last_;
  }
  std::cout << "[ model    ] " << counts[0] << " snapshots, " << counts[1] << " restores, " << counts[2]
            << " undos, " << counts[3] << " redos (" << refused_ << " undos/redos refused), " << counts[4]
            << " op restores, " << counts[5] << " dirty edits; " << caps.size() << " sets of dirty files saved; "
            << model_.ops.size() << " operations; " << steps_in_w2_ << " steps in w2, " << stale_updates_
            << " stale worktrees updated\n";
  EXPECT_GT(caps.size(), 0u) << "the sequence should exercise saving dirty files";
}

}  // namespace
}  // namespace jvs::e2e
