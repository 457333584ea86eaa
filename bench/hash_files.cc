// jvs_hash_files: the hashing lower bound of bench/e2e.sh. Reads and SHA-256
// hashes (OpenSSL EVP, as jvs does) every regular file below DIR with
// THREADS threads (default: the number of cores), skipping a top-level
// `.jvs`. Prints "files N bytes B seconds S". No jvs code is involved
// except the EVP wrapper, so it is what the hardware allows.
//
//   jvs_hash_files DIR [THREADS]
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "jvs/base/hash.h"

namespace {

void Walk(const std::string& dir, bool top, std::vector<std::string>* files) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) return;
  while (dirent* e = ::readdir(d)) {
    if (!std::strcmp(e->d_name, ".") || !std::strcmp(e->d_name, "..")) continue;
    if (top && !std::strcmp(e->d_name, ".jvs")) continue;
    std::string p = dir + "/" + e->d_name;
    unsigned char type = e->d_type;
    if (type == DT_UNKNOWN) {
      struct stat st;
      if (::lstat(p.c_str(), &st) != 0) continue;
      type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
    }
    if (type == DT_DIR) Walk(p, false, files);
    else if (type == DT_REG) files->push_back(std::move(p));
  }
  ::closedir(d);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: jvs_hash_files DIR [THREADS]\n");
    return 2;
  }
  unsigned threads = argc == 3 ? static_cast<unsigned>(std::atoi(argv[2])) : std::thread::hardware_concurrency();
  if (threads == 0) threads = 1;
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::string> files;
  Walk(argv[1], true, &files);
  std::atomic<size_t> next{0};
  std::atomic<uint64_t> bytes{0};
  std::atomic<bool> failed{false};
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      std::vector<char> buf(1 << 20);
      jvs::Sha256 h;
      for (size_t i; (i = next.fetch_add(1)) < files.size();) {
        int fd = ::open(files[i].c_str(), O_RDONLY | O_NOFOLLOW);
        if (fd < 0) {
          failed = true;
          continue;
        }
        ssize_t n;
        while ((n = ::read(fd, buf.data(), buf.size())) > 0) {
          h.Update(buf.data(), static_cast<size_t>(n));
          bytes += static_cast<uint64_t>(n);
        }
        if (n < 0) failed = true;
        ::close(fd);
        volatile auto d = h.Finish()[0];
        (void)d;
      }
    });
  for (auto& t : pool) t.join();
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("files %zu bytes %llu seconds %.3f\n", files.size(), static_cast<unsigned long long>(bytes.load()), s);
  return failed ? 1 : 0;
}
