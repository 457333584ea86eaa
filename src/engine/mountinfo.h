// /proc/self/mountinfo: which mount holds a path, and whether it is JuiceFS.
// Pure functions over the text, so tests feed fixtures. Thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jvs {

struct MountEntry {
  unsigned major = 0, minor = 0;  // st_dev of the mounted filesystem
  std::string root;               // the directory of the filesystem mounted here
  std::string mount_point;        // absolute, octal escapes (\040 ...) decoded
  std::string fstype;             // "xfs", "fuse.juicefs", ...
  std::string source;             // "/dev/vda", "JuiceFS:myvol", ...
};

// Parses every well-formed line; malformed lines are skipped.
std::vector<MountEntry> ParseMountInfo(std::string_view text);

// True when absolute, normalised `path` is `mount_point` or below it, on a
// path-component boundary: /mnt/jfs2 is not inside /mnt/jfs.
bool PathIsWithin(std::string_view path, std::string_view mount_point);

// The mount that holds `path`: the deepest mount point containing it (the
// latest one when several are stacked on the same point). With `dev`
// (major, minor of stat(path).st_dev), a mount of that device wins over one
// of another device, which guards against stale or hidden entries.
std::optional<MountEntry> FindMount(const std::vector<MountEntry>& mounts, std::string_view path,
                                    std::optional<std::pair<unsigned, unsigned>> dev = {});

// A JuiceFS FUSE mount ("fuse.juicefs", or a FUSE mount whose source is
// "JuiceFS:NAME").
bool IsJuiceFsMount(const MountEntry& m);

}  // namespace jvs
