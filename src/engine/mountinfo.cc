#include "engine/mountinfo.h"

namespace jvs {

namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string Unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    auto oct = [](char c) { return c >= '0' && c <= '7'; };
    if (s[i] == '\\' && i + 3 < s.size()) {
      if (oct(s[i + 1]) && oct(s[i + 2]) && oct(s[i + 3])) {
        out += static_cast<char>(((s[i + 1] - '0') << 6) | ((s[i + 2] - '0') << 3) | (s[i + 3] - '0'));
        i += 3;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> f;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ') ++j;
    if (j > i) f.push_back(line.substr(i, j - i));
    i = j;
  }
  return f;
}

bool ParseDev(std::string_view s, unsigned* major, unsigned* minor) {
  size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 >= s.size()) return false;
  auto num = [](std::string_view d, unsigned* out) {
    unsigned v = 0;
    for (char c : d) {
      if (c < '0' || c > '9' || v > 100000000u) return false;
      v = v * 10 + static_cast<unsigned>(c - '0');
    }
    *out = v;
    return true;
  };
  return num(s.substr(0, colon), major) && num(s.substr(colon + 1), minor);
}

std::string_view StripTrailingSlashes(std::string_view p) {
  while (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
  return p;
}

}  // namespace

std::vector<MountEntry> ParseMountInfo(std::string_view text) {
  // ID PARENT MAJ:MIN ROOT MOUNT_POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER_OPTIONS
  std::vector<MountEntry> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    auto f = Fields(line);
    if (f.size() < 9) continue;
    size_t sep = 6;
    while (sep < f.size() && f[sep] != "-") ++sep;
    if (sep + 2 >= f.size()) continue;
    MountEntry m;
    if (!ParseDev(f[2], &m.major, &m.minor)) continue;
    m.root = Unescape(f[3]);
    m.mount_point = Unescape(f[4]);
    if (m.mount_point.empty() || m.mount_point[0] != '/') continue;
    m.fstype = Unescape(f[sep + 1]);
    m.source = Unescape(f[sep + 2]);
    out.push_back(std::move(m));
  }
  return out;
}

bool PathIsWithin(std::string_view path, std::string_view mount_point) {
  path = StripTrailingSlashes(path);
  mount_point = StripTrailingSlashes(mount_point);
  if (mount_point.empty() || mount_point[0] != '/' || path.empty() || path[0] != '/') return false;
  if (mount_point == "/") return true;
  if (path.size() < mount_point.size() || path.compare(0, mount_point.size(), mount_point) != 0)
    return false;
  return path.size() == mount_point.size() || path[mount_point.size()] == '/';
}

std::optional<MountEntry> FindMount(const std::vector<MountEntry>& mounts, std::string_view path,
                                    std::optional<std::pair<unsigned, unsigned>> dev) {
  const MountEntry* best = nullptr;
  const MountEntry* best_dev = nullptr;
  auto deeper = [](const MountEntry* cur, const MountEntry& m) {
    // >=: a later entry stacked on the same mount point hides the earlier one.
    return !cur || StripTrailingSlashes(m.mount_point).size() >= StripTrailingSlashes(cur->mount_point).size();
  };
  for (const auto& m : mounts) {
    if (!PathIsWithin(path, m.mount_point)) continue;
    if (deeper(best, m)) best = &m;
    if (dev && m.major == dev->first && m.minor == dev->second && deeper(best_dev, m)) best_dev = &m;
  }
  if (best_dev) return *best_dev;
  if (best) return *best;
  return std::nullopt;
}

bool IsJuiceFsMount(const MountEntry& m) {
  if (m.fstype == "fuse.juicefs") return true;
  return (m.fstype == "fuse" || m.fstype.rfind("fuse.", 0) == 0) && m.source.rfind("JuiceFS:", 0) == 0;
}

}  // namespace jvs
