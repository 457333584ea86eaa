// Revset evaluation (see jvs/repo/revset_eval.h, docs/revsets.md).
// Over 400 lines on purpose: the Evaluator is one class whose cases (every
// operator and function of the language) share its graph, universe and
// error spans; split by case they would only pass that state around.
#include "jvs/repo/revset_eval.h"

#include <regex.h>

#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <unordered_map>

#include "jvs/base/timeutil.h"
#include "jvs/repo/evolog.h"
#include "jvs/repo/path_changes.h"
#include "jvs/repo/refs.h"
#include "jvs/revset/optimize.h"
#include "repo/view_commit.h"
#include "store/snapshot_index.h"

namespace jvs {
namespace {

using revset::Node;
using revset::NodeKind;
using revset::RevsetError;
using Set = std::vector<char>;  // one flag per node of the graph

// The snapshots an expression is evaluated over: every visible one, plus the
// hidden ones it names (and their ancestors that still exist), as positions
// in the snapshot index (store/snapshot_index.h), which answers parents,
// generation, time and the descriptor's strings without reading objects.
struct Graph {
  const SnapshotIndex* index = nullptr;
  std::vector<uint32_t> pos;            // node -> index position
  std::vector<uint32_t> node_of;        // index position -> node (kNone: not in the graph)
  std::vector<uint16_t> all_parents;    // how many parents the descriptor names
  std::vector<std::vector<uint32_t>> parents, children;
  std::vector<char> visible;
  std::vector<uint32_t> order;  // history order
  static constexpr uint32_t kNone = 0xffffffffu;

  size_t size() const { return pos.size(); }
  SnapshotId Id(uint32_t node) const { return index->Id(pos[node]); }
  std::optional<uint32_t> NodeOf(const SnapshotId& id) const {
    auto p = index->Find(id);
    if (!p || *p >= node_of.size() || node_of[*p] == kNone) return std::nullopt;
    return node_of[*p];
  }
  IndexExtra Extra(uint32_t node) const {
    IndexExtra x;
    (void)DecodeExtra(index->Extra(pos[node]), &x);  // verified with its segment
    return x;
  }
};

// The argument of `call` for parameter `pos`/`name` (positional or keyword).
const Node* ArgOf(const Node& call, size_t pos, std::string_view name) {
  size_t positional = 0;
  for (const Node& a : call.args) {
    if (a.keyword.empty()) {
      if (positional++ == pos) return &a;
    } else if (a.keyword == name) {
      return &a;
    }
  }
  return nullptr;
}

bool IsRevsetCall(const std::string& name) {
  for (const char* f : {"heads", "roots", "ancestors", "descendants", "parents", "children", "latest", "present"})
    if (name == f) return true;
  return false;
}

bool IsSymbolKind(NodeKind k) {
  return k == NodeKind::kSymbol || k == NodeKind::kString || k == NodeKind::kAt || k == NodeKind::kWorktreeHead;
}

// Calls `f` on every node evaluated as a revset (not on pattern, name and
// integer arguments).
template <typename F>
void ForEachRevsetNode(const Node& n, F&& f) {
  f(n);
  if (n.kind == NodeKind::kFunction) {
    if (!IsRevsetCall(n.text)) return;
    if (const Node* x = ArgOf(n, 0, "x")) ForEachRevsetNode(*x, f);
    return;
  }
  for (const Node& c : n.args) ForEachRevsetNode(c, f);
}

// A string pattern of tags(), note(), author(), files(): exact:, glob:
// (fnmatch, `*` matches `/` and newlines), substring:, regex: (POSIX
// extended, unanchored) or a plain string (substring).
struct Matcher {
  enum class Kind { kExact, kGlob, kSubstring, kRegex } kind = Kind::kSubstring;
  std::string value;
  std::shared_ptr<regex_t> regex;  // kRegex: compiled
  bool Matches(const std::string& s) const {
    switch (kind) {
      case Kind::kExact: return s == value;
      case Kind::kGlob: return fnmatch(value.c_str(), s.c_str(), 0) == 0;
      case Kind::kSubstring: return s.find(value) != std::string::npos;
      case Kind::kRegex: return regexec(regex.get(), s.c_str(), 0, nullptr, 0) == 0;
    }
    return false;
  }
  // The message of an invalid regular expression, empty when it compiled.
  std::string Compile() {
    auto* re = new regex_t;
    int rc = regcomp(re, value.c_str(), REG_EXTENDED | REG_NOSUB);
    if (rc != 0) {
      char buf[256];
      regerror(rc, re, buf, sizeof buf);
      delete re;
      return buf;
    }
    regex = std::shared_ptr<regex_t>(re, [](regex_t* r) {
      regfree(r);
      delete r;
    });
    return {};
  }
};

class Evaluator {
 public:
  Evaluator(Repo& repo, const RevsetOptions& options, RevsetFailure* failure)
      : repo_(repo), options_(options), failure_(failure) {}

  Result<std::vector<SnapshotId>> Run(const Node& tree) {
    SnapshotIndexScope index_scope(repo_);
    std::vector<SnapshotId> out;
    JVS_TRY(repo_.store().WithSnapshotIndex([&](SnapshotIndex& index) -> Status {
      g_.index = &index;
      JVS_TRY(Load(tree));
      JVS_ASSIGN_OR_RETURN(Set s, Eval(tree));
      for (uint32_t i : g_.order)
        if (s[i]) out.push_back(g_.Id(i));
      return OkStatus();
    }));
    return out;
  }

 private:
  Error Located(const Node& n, Error e) {
    RevsetError r{n.span.offset, n.span.length, e.message(), e.hint(), {}, {}};
    if (!n.from_alias.empty()) r.message += " (in alias '" + n.from_alias + "')";
    if (failure_) failure_->located = r;
    return e.WithContext(fmt::format("revset: column {}", n.span.offset + 1));
  }
  Error Invalid(const Node& n, std::string message, std::string hint = {}) {
    return Located(n, Error(ErrorCode::kInvalidArgument, std::move(message), std::move(hint)));
  }

  Result<SnapshotId> ResolveSymbol(const Node& n) {
    switch (n.kind) {
      case NodeKind::kAt:
        return ResolveRef(repo_, options_.worktree, "@");
      case NodeKind::kWorktreeHead: {
        const View& view = repo_.view();
        auto wt = view.worktrees.find(n.text);
        if (wt == view.worktrees.end())
          return Error(ErrorCode::kNotFound, "no worktree '" + n.text + "'", "NAME@ names the head of worktree NAME")
              .WithRemedy(Remedy::kListReferences);
        if (!wt->second.head)
          return Error(ErrorCode::kNotFound, "worktree '" + n.text + "' has no snapshot yet")
              .WithRemedy(Remedy::kCreateSnapshot);
        return *wt->second.head;
      }
      default:
        return ResolveRef(repo_, options_.worktree, n.text);
    }
  }

  // Resolves every symbol, then loads the visible snapshots and the hidden
  // ones the expression names, computes children and the history order.
  Status Load(const Node& tree) {
    bool want_hidden = false;
    ForEachRevsetNode(tree, [&](const Node& n) {
      if (n.kind == NodeKind::kFunction && n.text == "hidden") want_hidden = true;
      if (IsSymbolKind(n.kind)) symbols_.emplace(&n, ResolveSymbol(n));
    });
    // Index what it lacks: the visible snapshots (a missing one is an
    // error, as in AllVisibleSnapshots), then the hidden ones the expression
    // names and their ancestors (one gc collected is left out).
    Store& store = repo_.store();
    const std::vector<SnapshotId> refs = repo_.view().ReferencedSnapshots();
    JVS_TRY(store.IndexSnapshots(refs, /*missing_ok=*/false));
    std::vector<SnapshotId> extra;
    if (want_hidden) {
      JVS_ASSIGN_OR_RETURN(hidden_, HiddenSnapshots(repo_));
      extra = hidden_;
    }
    for (const auto& [node, r] : symbols_)
      if (r.ok()) extra.push_back(*r);
    JVS_TRY(store.IndexSnapshots(extra, /*missing_ok=*/true));
    const SnapshotIndex& index = *g_.index;
    g_.node_of.assign(index.size(), Graph::kNone);
    std::vector<uint32_t> ps;
    for (const bool vis : {true, false}) {
      std::vector<uint32_t> stack;
      for (const auto& id : vis ? refs : extra)
        if (auto p = index.Find(id)) stack.push_back(*p);
      while (!stack.empty()) {
        const uint32_t p = stack.back();
        stack.pop_back();
        if (g_.node_of[p] != Graph::kNone) continue;
        g_.node_of[p] = static_cast<uint32_t>(g_.pos.size());
        g_.pos.push_back(p);
        g_.visible.push_back(vis ? 1 : 0);
        index.Parents(p, &ps);
        g_.all_parents.push_back(static_cast<uint16_t>(ps.size()));
        for (uint32_t q : ps) {
          if (q != IndexSegment::kMissingParent) {
            stack.push_back(q);
          } else if (vis) {
            // A visible snapshot's parent that is not in the store.
            for (const auto& m : g_.Extra(g_.node_of[p]).missing_parents)
              if (auto r = repo_.ReadSnapshot(m); !r.ok()) return r.error();
          }
        }
      }
    }
    const size_t n = g_.size();
    g_.parents.assign(n, {});
    g_.children.assign(n, {});
    for (uint32_t i = 0; i < n; ++i) {
      index.Parents(g_.pos[i], &ps);
      for (uint32_t q : ps) {
        if (q == IndexSegment::kMissingParent) continue;
        const uint32_t j = g_.node_of[q];
        auto& mine = g_.parents[i];
        if (std::find(mine.begin(), mine.end(), j) != mine.end()) continue;
        mine.push_back(j);
        g_.children[j].push_back(i);
      }
    }
    // Newest first; equal times: by generation (distance from a root), then
    // visible first, then by id.
    std::vector<int64_t> time(n);
    std::vector<uint32_t> gen(n);
    for (uint32_t i = 0; i < n; ++i) {
      time[i] = index.Time(g_.pos[i]);
      gen[i] = index.Generation(g_.pos[i]);
    }
    g_.order.resize(n);
    for (uint32_t i = 0; i < n; ++i) g_.order[i] = i;
    std::sort(g_.order.begin(), g_.order.end(), [&](uint32_t a, uint32_t b) {
      if (time[a] != time[b]) return time[a] > time[b];
      if (gen[a] != gen[b]) return gen[a] > gen[b];
      if (g_.visible[a] != g_.visible[b]) return g_.visible[a] > g_.visible[b];
      return g_.Id(a) < g_.Id(b);
    });
    return OkStatus();
  }

  Set Empty() const { return Set(g_.size(), 0); }
  Set Visible() const { return g_.visible; }
  template <typename P>
  Set VisibleWhere(P pred) const {
    Set s = Empty();
    for (uint32_t i = 0; i < g_.size(); ++i) s[i] = g_.visible[i] && pred(i) ? 1 : 0;
    return s;
  }

  // Ancestors (parents = true) or descendants within `depth` steps (none:
  // unbounded; depth d keeps the snapshots at most d-1 steps away).
  Set Closure(const Set& x, bool up, std::optional<uint64_t> depth) const {
    Set out = Empty();
    if (depth && *depth == 0) return out;
    std::vector<uint32_t> frontier;
    for (uint32_t i = 0; i < g_.size(); ++i)
      if (x[i]) {
        out[i] = 1;
        frontier.push_back(i);
      }
    for (uint64_t step = 1; !frontier.empty() && (!depth || step < *depth); ++step) {
      std::vector<uint32_t> next;
      for (uint32_t i : frontier)
        for (uint32_t j : up ? g_.parents[i] : g_.children[i])
          if (!out[j]) {
            out[j] = 1;
            next.push_back(j);
          }
      frontier = std::move(next);
    }
    return out;
  }
  // Descendants as the language sees them: x and its visible descendants.
  Set Descendants(const Set& x, std::optional<uint64_t> depth) const {
    Set d = Closure(x, false, depth);
    for (uint32_t i = 0; i < g_.size(); ++i)
      if (!x[i] && !g_.visible[i]) d[i] = 0;
    return d;
  }
  Set Parents(const Set& x) const {
    Set out = Empty();
    for (uint32_t i = 0; i < g_.size(); ++i)
      if (x[i])
        for (uint32_t p : g_.parents[i]) out[p] = 1;
    return out;
  }
  Set Children(const Set& x) const {
    Set out = Empty();
    for (uint32_t i = 0; i < g_.size(); ++i)
      if (x[i])
        for (uint32_t c : g_.children[i])
          if (g_.visible[c]) out[c] = 1;
    return out;
  }
  // Members of x with no other member of x among their descendants (graph-wide).
  Set Heads(const Set& x) const {
    Set below = Closure(Parents(x), true, std::nullopt);
    Set out = x;
    for (uint32_t i = 0; i < g_.size(); ++i)
      if (below[i]) out[i] = 0;
    return out;
  }
  Set Roots(const Set& x) const {
    Set kids = Empty();
    for (uint32_t i = 0; i < g_.size(); ++i)
      if (x[i])
        for (uint32_t c : g_.children[i]) kids[c] = 1;
    Set above = Closure(kids, false, std::nullopt);
    Set out = x;
    for (uint32_t i = 0; i < g_.size(); ++i)
      if (above[i]) out[i] = 0;
    return out;
  }

  Result<uint64_t> IntArg(const Node& call, size_t pos, std::string_view name, uint64_t dflt) {
    const Node* a = ArgOf(call, pos, name);
    if (!a) return dflt;
    return std::strtoull(a->text.c_str(), nullptr, 10);  // CheckFunctions: 1-9 digits
  }

  Result<Matcher> PatternArg(const Node& call, size_t pos, std::string_view name) {
    const Node* a = ArgOf(call, pos, name);
    Matcher m;
    m.value = a->kind == NodeKind::kPattern ? a->value : a->text;
    if (a->kind != NodeKind::kPattern) return m;
    if (a->text == "exact") {
      m.kind = Matcher::Kind::kExact;
    } else if (a->text == "glob") {
      m.kind = Matcher::Kind::kGlob;
    } else if (a->text == "substring") {
      m.kind = Matcher::Kind::kSubstring;
    } else if (a->text == "regex") {
      m.kind = Matcher::Kind::kRegex;
      std::string problem = m.Compile();
      if (!problem.empty())
        return Invalid(*a, "invalid regular expression '" + m.value + "': " + problem,
                       "regex: takes a POSIX extended regular expression, e.g. regex:\"^epoch [0-9]+$\"");
    } else {
      return Located(*a, Error(ErrorCode::kUnsupported, "string pattern '" + a->text + ":' is not supported here",
                               "use exact:, glob:, substring: or regex:"));
    }
    return m;
  }

  // The argument of files(): a plain string or exact: names a path (a file,
  // or a directory and everything below it) from the workspace root; glob:,
  // substring: and regex: match the changed paths themselves.
  Result<PathMatch> FilesArg(const Node& call) {
    const Node* a = ArgOf(call, 0, "pattern");
    JVS_ASSIGN_OR_RETURN(Matcher m, PatternArg(call, 0, "pattern"));
    PathMatch pm;
    const bool plain = a->kind != NodeKind::kPattern || m.kind == Matcher::Kind::kExact;
    if (plain) {
      std::string text = m.value;
      while (text.size() > 1 && text.back() == '/') text.pop_back();
      if (text.empty() || text == "." || text == "/") return pm;  // the whole tree
      auto path = RepoPath::Parse(text);
      if (!path.ok())
        return Invalid(*a, "invalid path '" + m.value + "' in files(): " + path.error().message(),
                       "give a path from the workspace root, e.g. files(\"data/train.csv\"), or a pattern: "
                       "files(glob:\"*.csv\")");
      pm.prefixes.push_back(*path);
      return pm;
    }
    pm.predicate = [m](const std::string& path) { return m.Matches(path); };
    return pm;
  }

  Result<Set> Function(const Node& n) {
    const std::string& f = n.text;
    auto x_arg = [&]() -> Result<Set> { return Eval(*ArgOf(n, 0, "x")); };
    if (f == "all") return Visible();
    if (f == "none") return Empty();
    if (f == "root") return VisibleWhere([&](uint32_t i) { return g_.all_parents[i] == 0; });
    if (f == "visible_heads") return Heads(Visible());
    if (f == "heads") {
      JVS_ASSIGN_OR_RETURN(Set x, x_arg());
      return Heads(x);
    }
    if (f == "roots") {
      JVS_ASSIGN_OR_RETURN(Set x, x_arg());
      return Roots(x);
    }
    if (f == "ancestors" || f == "descendants") {
      JVS_ASSIGN_OR_RETURN(Set x, x_arg());
      std::optional<uint64_t> depth;
      if (ArgOf(n, 1, "depth")) {
        JVS_ASSIGN_OR_RETURN(depth, IntArg(n, 1, "depth", 0));
      }
      return f == "ancestors" ? Closure(x, true, depth) : Descendants(x, depth);
    }
    if (f == "parents") {
      JVS_ASSIGN_OR_RETURN(Set x, x_arg());
      return Parents(x);
    }
    if (f == "children") {
      JVS_ASSIGN_OR_RETURN(Set x, x_arg());
      return Children(x);
    }
    if (f == "latest") {
      JVS_ASSIGN_OR_RETURN(Set x, x_arg());
      JVS_ASSIGN_OR_RETURN(uint64_t count, IntArg(n, 1, "count", 1));
      Set out = Empty();
      for (uint32_t i : g_.order) {
        if (!count) break;
        if (x[i]) {
          out[i] = 1;
          --count;
        }
      }
      return out;
    }
    if (f == "present") {
      auto r = x_arg();
      if (!r.ok() && r.error().code() == ErrorCode::kNotFound && missing_symbol_) {
        missing_symbol_ = false;
        if (failure_) failure_->located.reset();
        return Empty();
      }
      return r;
    }
    if (f == "merges") return VisibleWhere([&](uint32_t i) { return g_.all_parents[i] > 1; });
    if (f == "conflicts") return VisibleWhere([&](uint32_t i) { return g_.Extra(i).root_terms.size() > 1; });
    if (f == "empty") {
      return VisibleWhere([&](uint32_t i) {
        const std::vector<TreeId> terms = g_.Extra(i).root_terms;
        if (g_.all_parents[i] == 0) return terms.size() == 1 && terms[0] == EmptyTreeId();
        if (g_.all_parents[i] != 1 || g_.parents[i].size() != 1) return false;
        return terms == g_.Extra(g_.parents[i][0]).root_terms;
      });
    }
    if (f == "hidden") {
      Set out = Empty();
      for (const auto& id : hidden_)
        if (auto node = g_.NodeOf(id)) out[*node] = 1;
      return out;
    }
    if (f == "tags") {
      std::optional<Matcher> m;
      if (ArgOf(n, 0, "pattern")) {
        JVS_ASSIGN_OR_RETURN(m, PatternArg(n, 0, "pattern"));
      }
      Set out = Empty();
      for (const auto& [name, id] : repo_.view().tags) {
        if (m && !m->Matches(name)) continue;
        if (auto node = g_.NodeOf(id)) out[*node] = 1;
      }
      return out;
    }
    if (f == "note" || f == "author") {
      JVS_ASSIGN_OR_RETURN(Matcher m, PatternArg(n, 0, "pattern"));
      std::string text;
      return VisibleWhere([&](uint32_t i) {
        std::string_view note, author;
        if (!DecodeNoteAuthor(g_.index->Extra(g_.pos[i]), &note, &author)) return false;
        text.assign(f == "note" ? note : author);
        return m.Matches(text);
      });
    }
    if (f == "files") {
      JVS_ASSIGN_OR_RETURN(PathMatch pm, FilesArg(n));
      Set out = Empty();
      for (uint32_t i = 0; i < g_.size(); ++i) {
        if (!g_.visible[i]) continue;
        JVS_ASSIGN_OR_RETURN(auto snap, repo_.ReadSnapshot(g_.Id(i)));
        JVS_ASSIGN_OR_RETURN(bool changed, SnapshotChangesPath(repo_, *snap, pm));
        out[i] = changed ? 1 : 0;
      }
      return out;
    }
    if (f == "worktree") {
      const std::string name = ArgOf(n, 0, "name")->text;
      return VisibleWhere([&](uint32_t i) { return g_.Extra(i).worktree == name; });
    }
    if (f == "date") {
      const Node* a = ArgOf(n, 0, "pattern");
      std::string text = a->value;
      if (text.size() == 10) text += "T00:00:00Z";  // a day: its midnight, UTC
      auto at = ParseTimestamp(text);
      if (!at.ok())
        return Invalid(*a, "invalid date '" + a->value + "'", "YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC), or +HH:MM");
      const bool after = a->text == "after";
      Set out = Empty();
      for (uint32_t i = 0; i < g_.size(); ++i) {
        if (!g_.visible[i]) continue;
        auto t = ParseTimestamp(g_.Extra(i).created_at);
        if (!t.ok()) continue;
        out[i] = (after ? *t >= *at : *t < *at) ? 1 : 0;
      }
      return out;
    }
    return Located(n, Error(ErrorCode::kUnsupported, "revset function '" + f + "' is not supported yet"));
  }

  Result<Set> Eval(const Node& n) {
    switch (n.kind) {
      case NodeKind::kSymbol:
      case NodeKind::kString:
      case NodeKind::kAt:
      case NodeKind::kWorktreeHead: {
        const Result<SnapshotId>& r = symbols_.at(&n);
        if (!r.ok()) {
          missing_symbol_ = r.error().code() == ErrorCode::kNotFound;
          return Located(n, r.error());
        }
        Set s = Empty();
        auto node = g_.NodeOf(*r);
        if (!node) return Located(n, Error(ErrorCode::kNotFound, "snapshot " + r->hex() + " is missing"));
        s[*node] = 1;
        return s;
      }
      case NodeKind::kPattern:
        return Invalid(n, "a string pattern is only an argument of a function that takes one");
      case NodeKind::kFunction:
        return Function(n);
      case NodeKind::kUnion:
      case NodeKind::kIntersection: {
        JVS_ASSIGN_OR_RETURN(Set s, Eval(n.args[0]));
        for (size_t k = 1; k < n.args.size(); ++k) {
          JVS_ASSIGN_OR_RETURN(Set t, Eval(n.args[k]));
          for (size_t i = 0; i < s.size(); ++i)
            s[i] = n.kind == NodeKind::kUnion ? (s[i] | t[i]) : (s[i] & t[i]);
        }
        return s;
      }
      case NodeKind::kDifference: {
        JVS_ASSIGN_OR_RETURN(Set s, Eval(n.args[0]));
        JVS_ASSIGN_OR_RETURN(Set t, Eval(n.args[1]));
        for (size_t i = 0; i < s.size(); ++i) s[i] = s[i] && !t[i];
        return s;
      }
      case NodeKind::kNot: {
        JVS_ASSIGN_OR_RETURN(Set t, Eval(n.args[0]));
        Set s = Visible();
        for (size_t i = 0; i < s.size(); ++i) s[i] = s[i] && !t[i];
        return s;
      }
      case NodeKind::kParents: {
        JVS_ASSIGN_OR_RETURN(Set x, Eval(n.args[0]));
        return Parents(x);
      }
      case NodeKind::kChildren: {
        JVS_ASSIGN_OR_RETURN(Set x, Eval(n.args[0]));
        return Children(x);
      }
      case NodeKind::kDagRangePre: {
        JVS_ASSIGN_OR_RETURN(Set x, Eval(n.args[0]));
        return Closure(x, true, std::nullopt);
      }
      case NodeKind::kDagRangePost: {
        JVS_ASSIGN_OR_RETURN(Set x, Eval(n.args[0]));
        return Descendants(x, std::nullopt);
      }
      case NodeKind::kDagRangeAll:
        return Visible();
      case NodeKind::kDagRange: {
        JVS_ASSIGN_OR_RETURN(Set x, Eval(n.args[0]));
        JVS_ASSIGN_OR_RETURN(Set y, Eval(n.args[1]));
        Set d = Descendants(x, std::nullopt);
        Set a = Closure(y, true, std::nullopt);
        for (size_t i = 0; i < d.size(); ++i) d[i] = d[i] && a[i];
        return d;
      }
      case NodeKind::kRange:
      case NodeKind::kRangePre:
      case NodeKind::kRangePost:
      case NodeKind::kRangeAll: {
        // x..y = ::y ~ ::x; a missing x is root(), a missing y visible_heads().
        Set from, to;
        const bool has_from = n.kind == NodeKind::kRange || n.kind == NodeKind::kRangePost;
        const bool has_to = n.kind == NodeKind::kRange || n.kind == NodeKind::kRangePre;
        if (has_from) {
          JVS_ASSIGN_OR_RETURN(from, Eval(n.args[0]));
        } else {
          from = VisibleWhere([&](uint32_t i) { return g_.all_parents[i] == 0; });
        }
        if (has_to) {
          JVS_ASSIGN_OR_RETURN(to, Eval(n.args[has_from ? 1 : 0]));
        } else {
          to = Visible();
        }
        Set a = Closure(to, true, std::nullopt);
        Set b = Closure(from, true, std::nullopt);
        for (size_t i = 0; i < a.size(); ++i) a[i] = a[i] && !b[i];
        return a;
      }
    }
    return Invalid(n, "unknown node");
  }

  Repo& repo_;
  const RevsetOptions& options_;
  RevsetFailure* failure_;
  Graph g_;
  std::vector<SnapshotId> hidden_;
  std::unordered_map<const Node*, Result<SnapshotId>> symbols_;
  bool missing_symbol_ = false;  // the last error came from a symbol naming nothing
};

}  // namespace

Result<std::vector<SnapshotId>> EvaluateRevsetTree(Repo& repo, const RevsetOptions& options, const Node& tree,
                                                   RevsetFailure* failure) {
  Evaluator e(repo, options, failure);
  return e.Run(tree);
}

Result<std::vector<SnapshotId>> EvaluateRevset(Repo& repo, const RevsetOptions& options, std::string_view text,
                                               RevsetFailure* failure) {
  auto fail = [&](const RevsetError& e) {
    if (failure) failure->located = e;
    return e.ToError();
  };
  auto parsed = revset::ParseRevset(text);
  if (!parsed.ok()) return fail(parsed.error());
  auto expanded = revset::ExpandAliases(*parsed, options.aliases);
  if (!expanded.ok()) return fail(expanded.error());
  auto checked = revset::CheckFunctions(*expanded);
  if (!checked.ok()) return fail(checked.error());
  return EvaluateRevsetTree(repo, options, revset::Optimize(*expanded), failure);
}

}  // namespace jvs
