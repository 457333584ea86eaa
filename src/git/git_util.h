// Shared pieces of export and import: libgit2 handles that free themselves,
// libgit2 errors as jvs Errors, the mapping file, author and time
// conversions. Not thread-safe.
#pragma once

#include <git2.h>

#include <memory>
#include <string>
#include <unordered_map>

#include "jvs/base/env.h"
#include "jvs/base/result.h"

namespace jvs::git {

// libgit2 is initialised once per process (git_libgit2_init), on first use.
void InitLibgit2();

// The last libgit2 error as an Error of `code`, prefixed with `what`.
Error GitError(std::string_view what, ErrorCode code = ErrorCode::kIo);

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using RepoPtr = std::unique_ptr<git_repository, Deleter<git_repository, git_repository_free>>;
using OdbPtr = std::unique_ptr<git_odb, Deleter<git_odb, git_odb_free>>;
using TreePtr = std::unique_ptr<git_tree, Deleter<git_tree, git_tree_free>>;
using CommitPtr = std::unique_ptr<git_commit, Deleter<git_commit, git_commit_free>>;
using BuilderPtr = std::unique_ptr<git_treebuilder, Deleter<git_treebuilder, git_treebuilder_free>>;
using BlobPtr = std::unique_ptr<git_blob, Deleter<git_blob, git_blob_free>>;
using RefPtr = std::unique_ptr<git_reference, Deleter<git_reference, git_reference_free>>;
using WalkPtr = std::unique_ptr<git_revwalk, Deleter<git_revwalk, git_revwalk_free>>;
using SigPtr = std::unique_ptr<git_signature, Deleter<git_signature, git_signature_free>>;

struct BufGuard {
  git_buf buf = GIT_BUF_INIT;
  ~BufGuard() { git_buf_dispose(&buf); }
};

std::string OidHex(const git_oid& oid);
Result<git_oid> OidFromHex(std::string_view hex);

// The mapping of one Git repository (formats in docs/git.md): a text file of
// lines "KIND JVS_ID GIT_ID" (export: s snapshot->commit, t tree->tree;
// both: b blob<->blob) or "c GIT_COMMIT SNAPSHOT" / "g GIT_TREE TREE"
// (commit->snapshot, tree->tree as import made them). Later lines win; a
// torn last line is ignored. New entries are appended on Save.
class GitMap {
 public:
  Status Load(Env* env, const fs::path& path);
  Status Save(Env* env, const fs::path& path);
  // kind: one of s t b c g. For b, both directions are kept.
  void Put(char kind, const std::string& key, const std::string& value);
  // nullptr when absent.
  const std::string* Get(char kind, const std::string& key) const;
  // The reverse of b (git blob -> jvs blob).
  const std::string* GitBlobToJvs(const std::string& git_hex) const;

 private:
  void Insert(char kind, const std::string& key, const std::string& value);
  std::unordered_map<std::string, std::string> maps_[5];
  std::unordered_map<std::string, std::string> blob_back_;
  std::string loaded_;
  std::string added_;
};

// "name <email>" -> name, email; "user@host" -> user, user@host; anything
// else -> itself, itself.
void SplitAuthor(const std::string& author, std::string* name, std::string* email);
// The reverse: email "NAME@..." with that name -> "NAME@..."; else "name <email>".
std::string JoinAuthor(const std::string& name, const std::string& email);

}  // namespace jvs::git
