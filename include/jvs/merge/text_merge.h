// Line-level N-way text merge: a file's content merge as a list of hunks.
//
// MergeText takes the merge of the file's contents, [side1, base1, side2,
// base2, side3, ...] (a Merge<T> of adds and removes; the classic three-way
// merge is [ours, base, theirs]), and returns the merged file as a sequence
// of hunks that, read in order, cover every input from start to end:
//
//  - Each input except base1 is diffed against base1 by line (a histogram
//    diff: the rarest common lines become anchors; src/merge/histogram_diff.h).
//    A line of base1 is *stable* when every input kept it, and two stable
//    lines belong to one unchanged region when no input has anything between
//    them. Unchanged regions are emitted as they are; each gap between them is
//    a hunk that holds, for every input, that input's lines in the gap.
//  - A gap hunk is resolved when Merge::ResolveTrivial resolves it (one side
//    changed it, or every side that changed it made the same change); then it
//    joins its neighbours. Otherwise it stays a conflict with all the input's
//    terms, unsimplified, so term 2*i is always side i+1's lines there.
//  - Neighbouring resolved hunks are joined, so resolved and conflicted hunks
//    alternate and no hunk is empty in every term; an empty text gives no hunk.
//
// Consequences worth knowing: edits of two sides that touch (no unchanged
// line between them, e.g. side 1 changes line 3 and side 2 line 4) form one
// gap and conflict, as in `git merge-file`; insertions of different text at
// the same place conflict, of the same text resolve to it; deleting lines the
// other side modified conflicts. Lines end after '\n' (a "\r\n" line is one
// line whose bytes include the '\r'); a last line without '\n' differs from
// the same line with one. The whole merge resolves without any diff when
// ResolveTrivial resolves the whole texts (e.g. one side unchanged).
//
// Cost: each input is split, hashed and diffed once against base1, O(total
// size) for typical edits (see histogram_diff.h for the bounds); memory is a
// few words per line plus the output's copy of the bytes.
//
// Thread-safety: pure functions without shared state; safe to call from any
// number of threads at once.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jvs/merge/merge.h"

namespace jvs {

// The hunks of the merge of `inputs` (see above). Every term of a hunk is the
// exact bytes of whole lines (the file's last line may lack its '\n').
std::vector<Merge<std::string>> MergeText(const Merge<std::string_view>& inputs);

// The merged bytes when every hunk is resolved (the concatenation of the
// hunks), else nullopt. No hunks is the empty text.
std::optional<std::string> ResolvedText(const std::vector<Merge<std::string>>& hunks);

}  // namespace jvs
