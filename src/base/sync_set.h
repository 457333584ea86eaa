// SyncSet: the files an operation wrote, so that one durability barrier can
// cover them. Small sets are made durable file by file (fdatasync of each file,
// then fsync of each distinct parent directory); large ones with a single
// syncfs of the filesystem. syncfs flushes every dirty page of the
// filesystem, including other programs' data, which costs tens of
// milliseconds even when jvs itself wrote three small files. Thread-safe.
#pragma once

#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "jvs/base/env.h"
#include "jvs/base/thread_pool.h"

namespace jvs {

class SyncSet {
 public:
  static constexpr size_t kMaxTracked = 256;

  void Add(const fs::path& file) {
    std::lock_guard<std::mutex> l(mu_);
    if (overflow_) return;
    if (files_.size() >= kMaxTracked) {
      overflow_ = true;
      files_.clear();
      return;
    }
    files_.push_back(file);
  }
  void MarkOverflow() {
    std::lock_guard<std::mutex> l(mu_);
    overflow_ = true;
    files_.clear();
  }
  bool empty() {
    std::lock_guard<std::mutex> l(mu_);
    return !overflow_ && files_.empty();
  }

  // Makes everything added so far durable; `fs_dir` is any directory on the
  // same filesystem (used for syncfs).
  Status Barrier(Env* env, const fs::path& fs_dir) {
    std::vector<fs::path> files;
    bool overflow;
    {
      std::lock_guard<std::mutex> l(mu_);
      files.swap(files_);
      overflow = overflow_;
      overflow_ = false;
    }
    Status st = [&]() -> Status {
      if (overflow) {
        JVS_ASSIGN_OR_RETURN(UniqueFd fd, env->Open(fs_dir, O_RDONLY | O_DIRECTORY));
        return env->SyncFs(fd.get());
      }
      // Files first, then the directories holding their names. The fsyncs of
      // each group run concurrently so that a journaling filesystem commits
      // them together instead of once per file.
      JVS_TRY(SyncAll(env, files));
      std::set<fs::path> dir_set;
      for (const auto& f : files) dir_set.insert(f.parent_path());
      return SyncAll(env, std::vector<fs::path>(dir_set.begin(), dir_set.end()));
    }();
    if (!st.ok()) MarkOverflow();  // the next barrier covers everything (syncfs)
    return st;
  }

 private:
  static Status SyncAll(Env* env, const std::vector<fs::path>& paths) {
    std::mutex mu;
    Status result;
    ParallelFor(ThreadPool::Shared(), paths.size(), [&](size_t i) {
      Status st = [&]() -> Status {
        auto fd = env->Open(paths[i], O_RDONLY);
        if (!fd.ok()) {
          if (fd.error().code() == ErrorCode::kNotFound) return OkStatus();  // replaced meanwhile
          return fd.error();
        }
        return env->Fsync(fd->get());
      }();
      std::lock_guard<std::mutex> l(mu);
      if (!st.ok() && result.ok()) result = st;
    });
    return result;
  }

  std::mutex mu_;
  std::vector<fs::path> files_;
  bool overflow_ = false;
};

}  // namespace jvs
