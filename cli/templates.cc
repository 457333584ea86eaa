// -T/--template: keywords, the CLI's methods, built-ins, named templates and
// colour (templates.h; the language itself is jvs/template/template.h).
#include "templates.h"

#include <algorithm>
#include <map>

#include "jvs/base/change_id.h"
#include "jvs/base/suggest.h"
#include "jvs/repo/history.h"
#include "quote.h"

namespace jvs::cli {

namespace {

using tpl::Type;
using tpl::Value;

// Each reproduces, line for line, what its command prints without -T (the
// marker or graph in front of each entry stays outside the template).
const std::map<std::string, std::string, std::less<>>& Builtins() {
  static const std::string history_head = R"T(id ++ " " ++ change_id
++ if(divergent, " " ++ label("error", "divergent"))
++ if(hidden, " " ++ label("dim", "hidden"))
++ "  " ++ label("time", time.ago()))T";
  static const std::string history_tail = R"T(
++ if(tags, "  (" ++ label("tag", tags.quote()).join(", ") ++ ")")
++ if(conflict, "  " ++ label("tag", "(conflict)"))
++ if(note, "  " ++ note.summary()))T";
  static const std::map<std::string, std::string, std::less<>> builtins = {
      {"builtin_history", history_head + history_tail},
      {"builtin_history_graph", history_head + R"T(
++ "  " ++ label("worktree", worktree.quote()))T" + history_tail},
      {"builtin_evolog", R"T(id ++ if(collected, "  " ++ label("dim", "(collected by gc)"),
  " " ++ change_id
  ++ if(hidden, " " ++ label("dim", "hidden"))
  ++ "  " ++ label("time", time.ago())
  ++ if(conflict, "  " ++ label("tag", "(conflict)"))
  ++ "  " ++ if(note, note.summary(), label("dim", "(no note)")))
++ "\n" ++ label("dim", if(operation,
  "operation " ++ operation.short(12) ++ ": " ++ operation_description.first_line().escape(),
  "operation: unknown (before the operation log's horizon)")))T"},
      {"builtin_op_log", R"T(id ++ "  " ++ label("time", time.ago()) ++ "  " ++ user.escape() ++ "@" ++ host.escape()
++ if(merge, "  (merge)")
++ "\n  " ++ description.escape()
++ if(conflicts, "\n  conflicts (the newer side won; the other snapshot stays visible): " ++ conflicts.escape())
++ if(command, "\n  args: " ++ command.escape()))T"},
      {"builtin_show", R"T("Snapshot " ++ id ++ " " ++ change_id ++ "\n"
++ "  full id: " ++ id.hex() ++ "\n"
++ "  change:  " ++ change_id.hex() ++ "\n"
++ if(parents, "  parent:  " ++ parents.join("\n  parent:  ") ++ "\n", "  parent:  (none: a first snapshot)\n")
++ "  author:  " ++ author.quote() ++ "\n"
++ "  time:    " ++ time ++ "\n"
++ if(worktree, "  worktree: " ++ worktree.quote() ++ "\n")
++ if(tags, "  tags:    " ++ tags.quote().join(" ") ++ "\n")
++ if(conflict, "  conflicted: yes ('jvs resolve --list' once it is a head)\n")
++ "\n"
++ if(note, "    " ++ note.lines().escape().join("\n    "), "    (no note)") ++ "\n")T"},
  };
  return builtins;
}

// Each item of a list through `f`, its labels kept.
tpl::MethodFn EachItem(std::string (*f)(std::string_view)) {
  return [f](const Value& self, const std::vector<Value>&) {
    Value v = self;
    for (auto& item : v.items) item.str = f(item.str);
    return v;
  };
}

tpl::MethodFn OnString(std::string (*f)(std::string_view)) {
  return [f](const Value& self, const std::vector<Value>&) { return Value::String(f(self.str)); };
}

// A snapshot id as Context::Id shows it: Repo::ShortId's digits, the part
// that identifies it (at least the 4 digits a reference needs) as prefix.
tpl::IdValue SnapshotIdValue(Repo& repo, const SnapshotId& id) {
  std::string hex = id.hex();
  size_t unique = 1;
  if (auto matches = repo.store().SnapshotsInFanout(std::string_view(hex).substr(0, 2)); matches.ok()) {
    for (const auto& m : **matches) {
      if (m == id) continue;
      std::string other = m.hex();
      size_t common = 0;
      while (common < hex.size() && hex[common] == other[common]) ++common;
      unique = std::max(unique, common + 1);
    }
  }
  return tpl::IdValue{hex, repo.ShortId(id).size(), std::max<size_t>(unique, 4), {}};
}

}  // namespace

const std::string* BuiltinTemplate(std::string_view name) {
  auto it = Builtins().find(name);
  return it == Builtins().end() ? nullptr : &it->second;
}

std::unique_ptr<tpl::Schema> MakeTemplateSchema(Context& ctx, TemplateKind kind) {
  auto s = std::make_unique<tpl::Schema>();
  auto kw = [&s](std::initializer_list<std::pair<const char*, Type>> list) {
    for (const auto& [name, type] : list) s->AddKeyword(name, type);
  };
  if (kind == TemplateKind::kOperation) {
    kw({{"id", Type::kId}, {"parents", Type::kIdList}, {"time", Type::kTimestamp}, {"start_time", Type::kTimestamp},
        {"user", Type::kString}, {"host", Type::kString}, {"pid", Type::kInteger}, {"command", Type::kString},
        {"description", Type::kString}, {"conflicts", Type::kString}, {"merge", Type::kBool},
        {"current", Type::kBool}});
  } else {
    kw({{"id", Type::kId}, {"change_id", Type::kId}, {"note", Type::kString}, {"author", Type::kString},
        {"time", Type::kTimestamp}, {"tags", Type::kStringList}, {"worktree", Type::kString},
        {"parents", Type::kIdList}, {"conflict", Type::kBool}, {"empty", Type::kBool}, {"hidden", Type::kBool},
        {"divergent", Type::kBool}, {"head", Type::kBool}});
    if (kind == TemplateKind::kEvolog)
      kw({{"collected", Type::kBool}, {"operation", Type::kId}, {"operation_description", Type::kString}});
  }
  s->AddMethod({Type::kString, "quote", {}, 0, Type::kString, OnString(QuoteName)});
  s->AddMethod({Type::kString, "escape", {}, 0, Type::kString, OnString(EscapeText)});
  s->AddMethod({Type::kStringList, "quote", {}, 0, Type::kStringList, EachItem(QuoteName)});
  s->AddMethod({Type::kStringList, "escape", {}, 0, Type::kStringList, EachItem(EscapeText)});
  s->AddMethod({Type::kString, "summary", {Type::kInteger}, 0, Type::kString,
                [](const Value& self, const std::vector<Value>& a) {
                  int64_t width = a.empty() ? static_cast<int64_t>(kNoteWidth) : std::max<int64_t>(a[0].integer, 1);
                  return Value::String(NoteSummary(self.str, static_cast<size_t>(width)));
                }});
  Context* c = &ctx;
  s->AddMethod({Type::kTimestamp, "ago", {}, 0, Type::kString,
                [c](const Value& self, const std::vector<Value>&) { return Value::String(c->Ago(self.str)); }});
  return s;
}

tpl::Template CompileTemplateArg(Context& ctx, const tpl::Schema& schema, const std::string& arg) {
  if (ctx.g.json)
    Fail(ErrorCode::kInvalidArgument, "-T and --json cannot be used together",
         "--json prints every field already; json(KEYWORD) puts one in a template");
  const std::map<std::string, std::string> named = ctx.config.Table("templates");
  std::string name;
  std::string source = arg;
  if (const std::string* b = BuiltinTemplate(arg)) {
    name = arg, source = *b;
  } else if (auto it = named.find(arg); it != named.end()) {
    name = arg, source = it->second;
  }
  auto compiled = tpl::Compile(source, schema);
  if (auto* t = std::get_if<tpl::Template>(&compiled)) return std::move(*t);
  tpl::TemplateError e = std::get<tpl::TemplateError>(compiled);
  e.name = name;
  const bool bare_name = !arg.empty() && name.empty() && e.offset == 0 && e.length == arg.size() &&
                         arg.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos;
  if (bare_name) {
    // Probably a misspelt template name rather than a keyword.
    std::vector<std::string> names = schema.KeywordNames();
    for (const auto& [n, text] : Builtins()) names.push_back(n);
    for (const auto& [n, text] : named) names.push_back(n);
    std::string dym = DidYouMean(ClosestNames(arg, names));
    Fail(ErrorCode::kInvalidArgument, "no keyword or named template '" + arg + "'",
         dym.empty() ? "see docs/templates.md; named templates go in the [templates] table of the configuration" : dym);
  }
  Error err = e.ToError();
  tpl::TemplateError drawn = e;
  drawn.hint.clear();
  drawn.name.clear();
  Fail(err.code(), err.message() + "\n" + tpl::RenderTemplateError(source, drawn),
       err.hint().empty() ? "the template language is described in docs/templates.md" : err.hint());
}

std::string Paint(const Style& st, const tpl::Output& out) {
  std::string s;
  for (const auto& seg : out) {
    const auto& l = seg.labels;
    auto has = [&l](std::string_view x) { return std::find(l.begin(), l.end(), x) != l.end(); };
    std::string painted = seg.text;
    for (auto it = l.rbegin(); it != l.rend(); ++it) {
      const std::string& lab = *it;
      const size_t n = seg.text.size();
      if (lab == "prefix") painted = has("change_id") ? st.Change(seg.text, n, n) : st.Id(seg.text, n, n);
      else if (lab == "rest" || lab == "graph") painted = st.Graph(seg.text);
      else if (lab == "time") painted = st.Time(seg.text);
      else if (lab == "tag") painted = st.Tag(seg.text);
      else if (lab == "worktree") painted = st.Worktree(seg.text);
      else if (lab == "dim") painted = st.Dim(seg.text);
      else if (lab == "error") painted = st.Error(seg.text);
      else if (lab == "head") painted = st.Head(seg.text);
      else if (lab == "hint") painted = st.Hint(seg.text);
      else continue;
      break;  // the innermost label with a colour decides
    }
    s += painted;
  }
  return s;
}

std::string EndLine(std::string text) {
  if (text.empty() || text.back() != '\n') text += '\n';
  return text;
}

std::string EntryLines(std::string_view text, std::string_view indent) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '\n') out += indent;
  }
  return out + "\n";
}

std::string IndentLike(std::string_view prefix) {
  size_t width = 0;  // one column per character
  for (char c : prefix)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++width;
  return std::string(width, ' ');
}

tpl::Row MakeSnapshotRow(Context& ctx, const SnapshotRow& r) {
  return [&ctx, &r](std::string_view k) -> Value {
    const Snapshot* s = r.snapshot.get();
    if (k == "id") {
      tpl::IdValue id = SnapshotIdValue(*r.repo, r.id);
      return Value::Id(std::move(id.hex), id.shown, id.unique);
    }
    if (k == "hidden") return Value::Bool(r.hidden);
    if (k == "divergent") return Value::Bool(r.divergent);
    if (k == "head") return Value::Bool(r.head);
    if (k == "collected") return Value::Bool(!s);
    if (k == "tags") return Value::StringList(r.tags);
    if (k == "operation") return r.op ? Value::Id(r.op->hex(), 12, 12) : Value::Id("", 0, 0);
    if (k == "operation_description") return Value::String(r.op ? r.op_description : "");
    if (k == "parents") {
      std::vector<tpl::IdValue> ids;
      if (s)
        for (const auto& p : s->parents) ids.push_back(SnapshotIdValue(*r.repo, p));
      return Value::IdList(std::move(ids));
    }
    if (!s) return k == "conflict" || k == "empty" ? Value::Bool(false)
                   : k == "change_id" ? Value::Id("", 0, 0, "change_id")
                   : k == "time" ? Value::Timestamp("") : Value::String("");
    if (k == "change_id") {
      const std::string rev = ChangeIdToReverseHex(s->change_id).value_or(s->change_id);
      const size_t unique = r.changes ? r.changes->UniquePrefixLength(s->change_id) : rev.size();
      return Value::Id(rev, std::max<size_t>(unique, 8), unique, "change_id");
    }
    if (k == "note") return Value::String(s->note);
    if (k == "author") return Value::String(s->author);
    if (k == "time") return Value::Timestamp(s->created_at);
    if (k == "worktree") return Value::String(s->worktree);
    if (k == "conflict") return Value::Bool(s->conflicted());
    if (k == "empty") {
      // No change from its parents (a merge: from their merged tree).
      auto from = ParentsTreeOf(*r.repo, *s);
      auto to = MaterializedTreeOf(*r.repo, r.id);
      return Value::Bool(from.ok() && to.ok() && *from == *to);
    }
    return Value::String("");
  };
}

tpl::Row MakeOperationRow(const OpLogEntry& e, const OperationId& current) {
  return [&e, current](std::string_view k) -> Value {
    const auto& m = e.op.metadata;
    if (k == "id") return Value::Id(e.id.hex(), 12, 12);
    if (k == "parents") {
      std::vector<tpl::IdValue> ids;
      for (const auto& p : e.op.parents) ids.push_back(tpl::IdValue{p.hex(), 12, 12, {}});
      return Value::IdList(std::move(ids));
    }
    if (k == "time") return Value::Timestamp(m.end_time);
    if (k == "start_time") return Value::Timestamp(m.start_time);
    if (k == "user") return Value::String(m.user);
    if (k == "host") return Value::String(m.host);
    if (k == "pid") return Value::Integer(m.pid);
    if (k == "command") return Value::String(m.command);
    if (k == "description") return Value::String(m.description);
    if (k == "merge") return Value::Bool(e.op.parents.size() > 1);
    if (k == "current") return Value::Bool(e.id == current);
    if (k == "conflicts") {
      auto c = m.attributes.find("conflicts");
      return Value::String(c == m.attributes.end() ? "" : c->second);
    }
    return Value::String("");
  };
}

}  // namespace jvs::cli
