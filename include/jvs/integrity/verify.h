// Verification: recomputes object ids from the bytes on disk, bottom-up.
// Every blob is re-hashed from its content, every tree and snapshot
// descriptor is re-hashed, decoded (the decoders refuse malformed input) and
// re-encoded (the bytes must be the canonical encoding), and every tree
// entry's size is checked against what it names. With `VerifyAll`, the
// operation log too: every operation and view file is re-hashed against its
// id, parents and views must be present, and every snapshot that any
// operation's view reaches (and every snapshot file present) is verified.
// Each distinct object is checked once; blobs are hashed in parallel.
//
// A damaged object is a problem in the report, never an error of the call:
// the call fails only when verification itself cannot run. The library
// never prints; the CLI renders the report.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jvs/base/env.h"
#include "jvs/base/object_id.h"
#include "jvs/base/progress.h"
#include "jvs/base/result.h"

namespace jvs {

class Repo;
class ThreadPool;

enum class ObjectKind { kBlob, kTree, kSnapshot, kOperation, kView, kOpHead };
// "blob", "tree", "snapshot", "operation", "view", "op_head".
std::string_view ObjectKindName(ObjectKind kind);

enum class ProblemType {
  kMissing,       // the object is not in the store
  kHashMismatch,  // its bytes do not hash to its id (damaged or tampered)
  kMalformed,     // it hashes right but does not decode, or is not canonical
  kSizeMismatch,  // a tree entry's size differs from what it names
  kUnreadable,    // an I/O error while reading it
};
// "missing", "hash_mismatch", "malformed", "size_mismatch", "unreadable".
std::string_view ProblemTypeName(ProblemType type);

struct VerifyProblem {
  ObjectKind kind = ObjectKind::kBlob;
  ProblemType type = ProblemType::kMissing;
  std::string id;  // hex id of the damaged object (for an op head: its file name)
  // A snapshot containing the object (the first one found) and the object's
  // path in it ("" for the root tree, descriptors and op-log objects).
  std::optional<SnapshotId> snapshot;
  std::string path;
  size_t snapshots_affected = 0;  // how many verified snapshots contain it
  // False when no operation reaches the object (a leftover of an interrupted
  // command, which gc removes); only VerifyAll looks at such objects.
  bool reachable = true;
  // One line naming the snapshot, path and object, for example
  // "snapshot 1a2b3c4d5e6f: blob for data/x.bin: content hash mismatch (damaged or tampered)".
  std::string message;
};

struct SnapshotVerdict {
  SnapshotId id;
  bool checksum_valid = true;      // the descriptor hashes to the id and decodes
  bool payload_hash_valid = true;  // every tree and blob below the root is intact
  bool reachable = true;           // some operation's view reaches it
  std::string error;               // the first problem found ("" when intact)
  bool tamper_detected() const { return !checksum_valid || !payload_hash_valid; }
};

struct OpLogVerdict {
  bool checked = false;  // only VerifyAll checks the op log
  bool ok = true;
  uint64_t operations = 0, views = 0, heads = 0;
};

// Objects present in the store or op store that no operation reaches
// (filled by VerifyAll when `census` is set).
struct UnreachableObjects {
  ObjectKind kind = ObjectKind::kBlob;
  uint64_t count = 0;
  uint64_t bytes = 0;
  std::vector<std::string> sample;  // up to 20 hex ids
};

struct VerifyReport {
  std::vector<SnapshotVerdict> snapshots;  // sorted by id
  std::vector<VerifyProblem> problems;     // sorted by message
  OpLogVerdict oplog;
  uint64_t objects_checked = 0;  // distinct objects of every kind
  uint64_t blobs_checked = 0, trees_checked = 0;
  uint64_t bytes_hashed = 0;                    // blob bytes read and hashed
  std::vector<UnreachableObjects> unreachable;  // census (VerifyAll only)
  bool ok() const { return problems.empty(); }
};

struct VerifyOptions {
  ProgressSink* progress = nullptr;  // phase "verify": items and bytes
  ThreadPool* pool = nullptr;        // default: ThreadPool::Shared()
  // False: blobs are only checked to exist with the size their tree entries
  // give (a quick structural check, used by `doctor` without --strict).
  bool hash_blobs = true;
  // VerifyAll: also count the objects no operation reaches.
  bool census = false;
};

// Verifies the descriptor and the payload (root tree and everything below it)
// of each snapshot in `ids`.
Result<VerifyReport> VerifySnapshots(Repo& repo, const std::vector<SnapshotId>& ids,
                                     const VerifyOptions& options = {});

// Verifies the whole repository at `root` (the directory holding `.jvs`):
// op heads, every operation and view file, every snapshot reachable from any
// view plus every snapshot file present, and every object below them. Needs
// no readable current operation, so it also runs on a repository that
// Repo::Open refuses.
Result<VerifyReport> VerifyAll(Env* env, const fs::path& root, const VerifyOptions& options = {});

}  // namespace jvs
