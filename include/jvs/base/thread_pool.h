// A small fixed-size thread pool and a TaskGroup to wait for a set of tasks.
// Tasks may submit further tasks to the same group (used by the parallel
// directory scanner). Thread-safe. Waiting happens on a caller thread, never
// inside a pool task.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace jvs {

class ThreadPool {
 public:
  explicit ThreadPool(size_t threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  void Submit(std::function<void()> task);
  size_t size() const { return threads_.size(); }

  // A process-wide pool sized for mixed I/O and hashing work: twice the
  // cores, at most 16, unless SetSharedSize asked for another size.
  static ThreadPool& Shared();
  // The size of the shared pool (1..256, still capped at 16); effective only
  // before the first Shared(). The CLI passes JVS_THREADS here. False when
  // `threads` is out of range.
  static bool SetSharedSize(size_t threads);

 private:
  void Loop();
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

class TaskGroup {
 public:
  explicit TaskGroup(ThreadPool& pool) : pool_(pool) {}
  ~TaskGroup() { Wait(); }
  void Run(std::function<void()> task);
  void Wait();

 private:
  ThreadPool& pool_;
  std::mutex mu_;
  std::condition_variable cv_;
  size_t pending_ = 0;
};

// Runs fn(i) for i in [0, n) on the pool and waits. fn must be thread-safe.
void ParallelFor(ThreadPool& pool, size_t n, const std::function<void(size_t)>& fn);

}  // namespace jvs
