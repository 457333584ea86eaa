// SHA-256 through OpenSSL EVP (uses SHA-NI where the CPU has it).
// A Sha256 object is single-threaded; use one per thread.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "jvs/base/object_id.h"

namespace jvs {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(const void* data, size_t n);
  void Update(std::string_view s) { Update(s.data(), s.size()); }
  // Returns the digest and resets the object for reuse.
  Digest Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

Digest Sha256Of(const void* data, size_t n);
inline Digest Sha256Of(std::string_view s) { return Sha256Of(s.data(), s.size()); }

}  // namespace jvs
