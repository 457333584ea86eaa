#include "jvs/base/repo_path.h"

namespace jvs {

namespace {
// The syntax of one path component, shared by names of entries, tags and worktrees.
Status ValidateComponent(std::string_view name) {
  if (name.empty()) return Error(ErrorCode::kInvalidArgument, "empty path component");
  if (name == "." || name == "..")
    return Error(ErrorCode::kInvalidArgument, "path component '" + std::string(name) + "' is not allowed");
  for (char c : name) {
    if (c == '/') return Error(ErrorCode::kInvalidArgument, "path component contains '/'");
    if (c == '\0') return Error(ErrorCode::kInvalidArgument, "path component contains NUL");
  }
  return OkStatus();
}
}  // namespace

Status ValidateName(std::string_view name) {
  JVS_TRY(ValidateComponent(name));
  // A `.jvs` entry is jvs's control folder (or a worktree's pointer file): a
  // tree holding one would, once restored, make commands act on another
  // repository or overwrite this one's control files.
  if (name == kControlName)
    return Error(ErrorCode::kInvalidArgument,
                 "path component '.jvs' is not allowed (the name of jvs's control folder)");
  return OkStatus();
}

Status ValidateTagName(std::string_view name) {
  auto bad = [&](const std::string& why) {
    return Error(ErrorCode::kInvalidArgument, "invalid tag name '" + std::string(name) + "': " + why,
                 "tag names are single words such as v1.0 or baseline");
  };
  if (name.empty()) return bad("empty");
  if (!ValidateComponent(name).ok()) return bad("not a valid name");
  if (name == "@" || name == "HEAD" || name == "latest" || name == "@-") return bad("reserved word");
  if (name[0] == '-') return bad("starts with '-'");
  for (char c : name)
    if (c == '~' || c == ':' || c == ' ' || c == '\t' || c == '\n' || c == '^' || c == '\\' ||
        static_cast<unsigned char>(c) < 0x20)
      return bad("contains a forbidden character");
  return OkStatus();
}

Status ValidateWorktreeName(std::string_view name) {
  auto st = ValidateTagName(name);
  if (!st.ok())
    return Error(ErrorCode::kInvalidArgument, "invalid worktree name '" + std::string(name) + "'",
                 "use letters, digits, '-', '_' or '.'");
  if (name.size() > 100 || name[0] == '.')
    return Error(ErrorCode::kInvalidArgument, "invalid worktree name '" + std::string(name) + "'");
  return OkStatus();
}

Result<RepoPath> RepoPath::Parse(std::string_view s) {
  if (s.find('\0') != std::string_view::npos)
    return Error(ErrorCode::kInvalidArgument, "path contains a NUL byte");
  if (!s.empty() && s.front() == '/')
    return Error(ErrorCode::kInvalidArgument, "path '" + std::string(s) + "' is absolute",
                 "give a path relative to the workspace root");
  if (!s.empty() && s.back() == '/') s.remove_suffix(1);
  if (s.empty()) return RepoPath();
  size_t start = 0;
  while (true) {
    size_t end = s.find('/', start);
    std::string_view comp = s.substr(start, end == std::string_view::npos ? s.npos : end - start);
    if (auto st = ValidateName(comp); !st.ok())
      return Error(ErrorCode::kInvalidArgument,
                   "invalid path '" + std::string(s) + "': " + st.error().message());
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return RepoPath(std::string(s));
}

const RepoPath& RepoPath::Root() {
  static const RepoPath root;
  return root;
}

std::string_view RepoPath::name() const {
  size_t pos = s_.rfind('/');
  return pos == std::string::npos ? std::string_view(s_) : std::string_view(s_).substr(pos + 1);
}

RepoPath RepoPath::parent() const {
  size_t pos = s_.rfind('/');
  return pos == std::string::npos ? RepoPath() : RepoPath(s_.substr(0, pos));
}

std::vector<std::string_view> RepoPath::components() const {
  std::vector<std::string_view> out;
  std::string_view v = s_;
  while (!v.empty()) {
    size_t pos = v.find('/');
    out.push_back(v.substr(0, pos));
    if (pos == std::string_view::npos) break;
    v.remove_prefix(pos + 1);
  }
  return out;
}

RepoPath RepoPath::Join(std::string_view name) const {
  assert(ValidateName(name).ok());
  if (s_.empty()) return RepoPath(std::string(name));
  std::string out;
  out.reserve(s_.size() + 1 + name.size());
  out.append(s_).push_back('/');
  out.append(name);
  return RepoPath(std::move(out));
}

Result<RepoPath> RepoPath::JoinChecked(std::string_view name) const {
  JVS_TRY(ValidateName(name));
  return Join(name);
}

bool RepoPath::StartsWith(const RepoPath& other) const {
  if (other.s_.empty()) return true;
  if (s_.size() < other.s_.size()) return false;
  if (s_.compare(0, other.s_.size(), other.s_) != 0) return false;
  return s_.size() == other.s_.size() || s_[other.s_.size()] == '/';
}

}  // namespace jvs
