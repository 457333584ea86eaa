// -T/--template (docs/templates.md): the keywords each listing offers, the
// CLI's own methods (quote(), escape(), summary(), ago()), the built-in named
// templates that print what the commands print by default, named templates
// from configuration, and the painting of labelled output with colour.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "context.h"
#include "jvs/oplog/op_walk.h"
#include "jvs/template/template.h"

namespace jvs::cli {

namespace tpl = jvs::templates;

// The listings that take -T, each with its keywords.
enum class TemplateKind { kSnapshot, kEvolog, kOperation };

// The keywords of `kind` and the CLI's methods (which use `ctx`, so the schema
// must not outlive it).
std::unique_ptr<tpl::Schema> MakeTemplateSchema(Context& ctx, TemplateKind kind);

// The text of a built-in template ("builtin_history", ...); nullptr when
// there is no such built-in.
const std::string* BuiltinTemplate(std::string_view name);

// -T's argument compiled: a built-in's name, a name from the [templates]
// table of the configuration, or a template. Fails (exit 2) with the
// offending column drawn under the source. Also refuses --json with -T.
tpl::Template CompileTemplateArg(Context& ctx, const tpl::Schema& schema, const std::string& arg);

// The text of `out`, coloured by its labels when ctx's style is on.
std::string Paint(const Style& st, const tpl::Output& out);
// `text` ended with a newline unless it has one.
std::string EndLine(std::string text);
// One entry of a listing after its marker or graph: one trailing newline
// dropped, every further line indented by `indent` (so that it starts in the
// column of the first), then a newline.
std::string EntryLines(std::string_view text, std::string_view indent);
// Spaces as wide as `prefix` (one column per UTF-8 character).
std::string IndentLike(std::string_view prefix);

// One snapshot (or version of a change) to render; `snapshot` is null for a
// version gc collected (evolog). Must outlive the Row made from it.
struct SnapshotRow {
  Repo* repo = nullptr;
  const ChangeIndex* changes = nullptr;
  SnapshotId id;
  std::shared_ptr<const Snapshot> snapshot;
  std::vector<std::string> tags;
  bool hidden = false;
  bool divergent = false;
  bool head = false;  // the head of the current worktree
  // evolog: the operation that made this version.
  std::optional<OperationId> op;
  std::string op_description;
};
tpl::Row MakeSnapshotRow(Context& ctx, const SnapshotRow& row);
tpl::Row MakeOperationRow(const OpLogEntry& entry, const OperationId& current);

}  // namespace jvs::cli
