#include "jvs/hash.h"

#include <openssl/evp.h>

namespace jvs {

struct Sha256::Impl {
  EVP_MD_CTX* ctx = nullptr;
  const EVP_MD* md = nullptr;
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {
  impl_->ctx = EVP_MD_CTX_new();
  impl_->md = EVP_sha256();
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
  Digest d;
  unsigned int len = 0;
  JVS_CHECK(EVP_Digest(data, n, d.data(), &len, EVP_sha256(), nullptr) == 1);
  return d;
}

}  // namespace jvs
