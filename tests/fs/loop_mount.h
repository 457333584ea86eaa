// Loop-mounted filesystems for the real-filesystem tests: an image file of a
// given size, made by mkfs, attached to a loop device and mounted in a
// temporary directory; the destructor undoes exactly that. Where loop
// mounting is impossible (not root, no /dev/loop-control, no mkfs, mount
// refused) Make returns nullptr with the reason, and the test skips with it.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../e2e/e2e_util.h"
#include "jvs/base/env.h"
#include "test_util.h"

namespace jvs {

using e2e::RunResult;

inline const std::map<std::string, std::string> kToolEnv = {
    {"PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}, {"LC_ALL", "C"}};

inline RunResult Tool(const std::vector<std::string>& argv) {
  return e2e::RunProcess("/", argv, kToolEnv, "", std::chrono::milliseconds(60000));
}

inline std::optional<std::string> FindTool(const std::string& name) {
  for (const char* d :
       {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"}) {
    fs::path p = fs::path(d) / name;
    if (::access(p.c_str(), X_OK) == 0) return p.string();
  }
  return std::nullopt;
}

struct FsSpec {
  std::string name;  // "xfs", "btrfs", "xfs_noreflink"
  std::string fstype;
  uint64_t size;
  std::vector<std::string> mkfs;  // program and options; the image path is appended
};

// An image file, the loop device attached to it, and the mount. The
// destructor undoes exactly what the constructor did, in reverse.
class LoopMount {
 public:
  static std::unique_ptr<LoopMount> Make(const FsSpec& spec, std::string* skip) {
    if (::geteuid() != 0) {
      *skip = "loop mounts need root";
      return nullptr;
    }
    if (::access("/dev/loop-control", F_OK) != 0) {
      *skip = "no /dev/loop-control on this machine";
      return nullptr;
    }
    auto mkfs = FindTool(spec.mkfs[0]);
    if (!mkfs) {
      *skip = spec.mkfs[0] + " is not installed";
      return nullptr;
    }
    for (const char* t : {"losetup", "mount", "umount"})
      if (!FindTool(t)) {
        *skip = std::string(t) + " is not installed";
        return nullptr;
      }
    std::unique_ptr<LoopMount> m(new LoopMount);
    m->base_ = std::make_unique<testing::TempDir>();
    fs::path image = m->base_->path() / (spec.name + ".img");
    m->mount_point_ = m->base_->path() / "mnt";
    fs::create_directories(m->mount_point_);
    {
      UniqueFd fd(::open(image.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600));
      if (!fd.valid() || ::ftruncate(fd.get(), static_cast<off_t>(spec.size)) != 0) {
        *skip = "cannot create the image file " + image.string();
        return nullptr;
      }
    }
    std::vector<std::string> mk = spec.mkfs;
    mk[0] = *mkfs;
    mk.push_back(image.string());
    RunResult r = Tool(mk);
    if (r.exit_code != 0) {
      *skip = spec.mkfs[0] + " failed: " + r.err;
      return nullptr;
    }
    r = Tool({*FindTool("losetup"), "--find", "--show", image.string()});
    if (r.exit_code != 0) {
      *skip = "cannot attach a loop device: " + r.err;
      return nullptr;
    }
    m->device_ = r.out.substr(0, r.out.find('\n'));
    r = Tool({*FindTool("mount"), "-t", spec.fstype, m->device_, m->mount_point_.string()});
    if (r.exit_code != 0) {
      *skip = "cannot mount " + spec.name + " (" + m->device_ + "): " + r.err;
      return nullptr;  // the destructor detaches the device
    }
    m->mounted_ = true;
    return m;
  }

  ~LoopMount() {
    if (mounted_) {
      bool ok = false;
      for (int i = 0; i < 20 && !ok; ++i) {
        ok = Tool({*FindTool("umount"), mount_point_.string()}).exit_code == 0;
        if (!ok) ::usleep(100000);
      }
      if (!ok) Tool({*FindTool("umount"), "-l", mount_point_.string()});  // busy: detach lazily
    }
    if (!device_.empty()) Tool({*FindTool("losetup"), "-d", device_});
    // base_ (image and mount point) goes last.
  }

  const fs::path& path() const { return mount_point_; }
  const std::string& device() const { return device_; }

  // A fresh directory inside the mount.
  fs::path NewDir(const std::string& prefix) {
    fs::path d = mount_point_ / (prefix + std::to_string(counter_++));
    fs::create_directories(d);
    return d;
  }

 private:
  LoopMount() = default;
  std::unique_ptr<testing::TempDir> base_;
  fs::path mount_point_;
  std::string device_;
  bool mounted_ = false;
  int counter_ = 0;
};

}  // namespace jvs
