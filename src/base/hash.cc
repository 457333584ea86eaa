#include "jvs/base/hash.h"

#include <openssl/evp.h>

namespace jvs {

namespace {

// EVP_sha256() looks the algorithm up on every use (OpenSSL 3); fetch it once.
const EVP_MD* Sha256Md() {
  static const EVP_MD* md = [] {
    const EVP_MD* m = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return m ? m : EVP_sha256();
  }();
  return md;
}

}  // namespace

struct Sha256::Impl {
  EVP_MD_CTX* ctx = nullptr;
  const EVP_MD* md = nullptr;
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {
  impl_->ctx = EVP_MD_CTX_new();
  impl_->md = Sha256Md();
  JVS_CHECK(impl_->ctx != nullptr);
  JVS_CHECK(EVP_DigestInit_ex(impl_->ctx, impl_->md, nullptr) == 1);
}

Sha256::~Sha256() { EVP_MD_CTX_free(impl_->ctx); }

void Sha256::Update(const void* data, size_t n) {
  if (n) JVS_CHECK(EVP_DigestUpdate(impl_->ctx, data, n) == 1);
}

Digest Sha256::Finish() {
  Digest d;
  unsigned int len = 0;
  JVS_CHECK(EVP_DigestFinal_ex(impl_->ctx, d.data(), &len) == 1 && len == kIdBytes);
  JVS_CHECK(EVP_DigestInit_ex(impl_->ctx, impl_->md, nullptr) == 1);
  return d;
}

Digest Sha256Of(const void* data, size_t n) {
  // One context per thread: small objects (descriptors, trees, small files)
  // are hashed by the thousand and a context allocation per call shows.
  thread_local struct Ctx {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Ctx() { EVP_MD_CTX_free(ctx); }
  } t;
  JVS_CHECK(t.ctx != nullptr);
  Digest d;
  unsigned int len = 0;
  JVS_CHECK(EVP_DigestInit_ex(t.ctx, Sha256Md(), nullptr) == 1);
  if (n) JVS_CHECK(EVP_DigestUpdate(t.ctx, data, n) == 1);
  JVS_CHECK(EVP_DigestFinal_ex(t.ctx, d.data(), &len) == 1 && len == kIdBytes);
  return d;
}

}  // namespace jvs
