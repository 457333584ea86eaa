#include "jvs/base/thread_pool.h"

#include <algorithm>
#include <cstdlib>
#include <string>

namespace jvs {

ThreadPool::ThreadPool(size_t threads) {
  threads = std::max<size_t>(1, threads);
  threads_.reserve(threads);
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { Loop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

void ThreadPool::Submit(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> l(mu_);
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
}

void ThreadPool::Loop() {
  while (true) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait(l, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

namespace {
std::atomic<size_t> shared_size_request{0};
}

bool ThreadPool::SetSharedSize(size_t threads) {
  if (threads == 0 || threads > 256) return false;
  shared_size_request.store(threads);
  return true;
}

ThreadPool& ThreadPool::Shared() {
  static ThreadPool* pool = [] {
    size_t n = std::max(2u, std::thread::hardware_concurrency()) * 2;
    if (size_t requested = shared_size_request.load()) n = requested;
    n = std::min<size_t>(n, 16);
    return new ThreadPool(n);  // never destroyed: tasks may outlive static teardown order
  }();
  return *pool;
}

void TaskGroup::Run(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> l(mu_);
    ++pending_;
  }
  pool_.Submit([this, task = std::move(task)] {
    task();
    std::lock_guard<std::mutex> l(mu_);
    if (--pending_ == 0) cv_.notify_all();
  });
}

void TaskGroup::Wait() {
  std::unique_lock<std::mutex> l(mu_);
  cv_.wait(l, [this] { return pending_ == 0; });
}

void ParallelFor(ThreadPool& pool, size_t n, const std::function<void(size_t)>& fn) {
  if (n == 0) return;
  if (n == 1) {
    fn(0);
    return;
  }
  std::atomic<size_t> next{0};
  TaskGroup group(pool);
  size_t workers = std::min(n, pool.size());
  for (size_t w = 0; w < workers; ++w)
    group.Run([&] {
      for (size_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) fn(i);
    });
  group.Wait();
}

}  // namespace jvs
