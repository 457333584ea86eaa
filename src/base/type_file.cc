#include "jvs/base/type_file.h"

#include <algorithm>

namespace jvs {

namespace {

bool ValidName(std::string_view s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
         });
}

// Printable and short, for messages about a damaged file.
std::string Quoted(std::string_view s) {
  std::string out = "'";
  for (char c : s.substr(0, 40)) {
    if (c == '\n') out += "\\n";
    else if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) out += '?';
    else out += c;
  }
  if (s.size() > 40) out += "...";
  return out + "'";
}

}  // namespace

Status WriteTypeFile(Env* env, const fs::path& path, std::string_view name) {
  return env->WriteFileAtomic(path, std::string(name) + "\n");
}

Result<std::string> ReadTypeFile(Env* env, const fs::path& path, const std::vector<std::string_view>& known,
                                 std::optional<std::string_view> if_missing) {
  auto data = env->ReadFile(path, 1024);
  if (!data.ok()) {
    if (data.error().code() == ErrorCode::kNotFound && if_missing) return std::string(*if_missing);
    if (data.error().code() == ErrorCode::kNotFound)
      return Error(ErrorCode::kCorrupt, "the type file " + path.string() + " is missing",
                   "it names the implementation that wrote the folder it is in; restore it from a backup");
    return Error(data.error().code(), "cannot read the type file " + path.string() + ": " + data.error().message());
  }
  const std::string& s = *data;
  std::string_view name(s);
  if (name.empty() || name.back() != '\n' || !ValidName(name.substr(0, name.size() - 1)))
    return Error(ErrorCode::kCorrupt, "the type file " + path.string() + " is malformed: " + Quoted(s),
                 "it must hold one implementation name and a newline");
  name.remove_suffix(1);
  if (std::find(known.begin(), known.end(), name) == known.end())
    return Error(ErrorCode::kUnsupported,
                 "the type file " + path.string() + " names '" + std::string(name) +
                     "', an implementation this jvs does not have",
                 "the repository was made by a newer or different build, which can open it");
  return std::string(name);
}

}  // namespace jvs
