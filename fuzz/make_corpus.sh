#!/usr/bin/env bash
# Regenerates the seed corpora in fuzz/corpus/<target>/ from a real
# repository made by the jvs binary (trees, descriptors, operations, views,
# tree states) plus hand-written samples for the text parsers.
# Usage: fuzz/make_corpus.sh [PATH_TO_JVS]   (default: build/jvs)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jvs="$(realpath "${1:-$here/../build/jvs}")"
out="$here/corpus"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export JVS_USER=fuzz JVS_HOST=corpus JVS_TIMESTAMP=2026-01-02T03:04:05Z JVS_RANDOMNESS_SEED=7

# put FILE TARGET: copy FILE into the corpus of TARGET, named by its SHA-1.
put() { mkdir -p "$out/$2"; cp "$1" "$out/$2/$(sha1sum < "$1" | cut -c1-40)"; }
# text TARGET STRING: a seed from a string.
text() { printf '%s' "$2" > "$tmp/seed"; put "$tmp/seed" "$1"; }

cd "$tmp"
"$jvs" -q init repo > /dev/null
cd repo/main
printf 'alpha\n' > a.txt
mkdir -p dir/sub empty
printf 'beta\n' > dir/b.txt
printf '\0\1\2' > dir/sub/c.bin
printf '#!/bin/sh\n' > run.sh && chmod +x run.sh
ln -s a.txt link
printf '*.log\n!keep.log\n/build/\n**/tmp/**\n' > .jvsignore
"$jvs" -q snapshot "first snapshot" --tag v1 > /dev/null
printf 'alpha 2\n' > a.txt
printf 'unicode \xc3\xa9\n' > dir/$'\xc3\xa9t\xc3\xa9.txt'
"$jvs" -q snapshot "second: a note
with two lines" > /dev/null
"$jvs" -q restore v1 > /dev/null
"$jvs" -q worktree fork v1 other > /dev/null
"$jvs" -q tag set v2 @ > /dev/null
"$jvs" -q undo > /dev/null
cd ../..
for f in repo/.jvs/store/trees/*/*; do put "$f" tree_fuzz; done
for f in repo/.jvs/store/snapshots/*/*; do put "$f" snapshot_fuzz; done
for f in repo/.jvs/op_store/operations/*; do put "$f" operation_fuzz; done
for f in repo/.jvs/op_store/views/*; do put "$f" view_fuzz; done
# Tree states without their checksum (tree_state_fuzz appends a matching one).
for f in repo/.jvs/worktrees/*/tree_state; do head -c -32 "$f" > "$tmp/seed"; put "$tmp/seed" tree_state_fuzz; done

# Format-2 descriptors (a conflicted root: the terms of a Merge<TreeId>), valid and not.
t1=$(printf '1%.0s' {1..64}) t2=$(printf '2%.0s' {1..64}) t3=$(printf '3%.0s' {1..64})
t4=$(printf '4%.0s' {1..64}) t5=$(printf '5%.0s' {1..64})
pre='{"author":"fuzz@corpus","change_id":"0123456789abcdef0123456789abcdef","created_at":"2026-01-02T03:04:05Z","engine":"copy","format":2,"note":"merge","parents":[]'
text snapshot_fuzz "$pre"',"trees":["'$t1'","'$t2'","'$t3'"],"worktree":"main"}'
text snapshot_fuzz "$pre"',"trees":["'$t1'","'$t2'","'$t3'","'$t4'","'$t5'"],"worktree":"main"}'
text snapshot_fuzz "$pre"',"trees":["'$t1'","'$t2'","'$t1'"],"worktree":"main"}'
text snapshot_fuzz "$pre"',"trees":["'$t1'","'$t1'","'$t3'"],"worktree":"main"}'
text snapshot_fuzz "$pre"',"trees":["'$t1'","'$t2'"],"worktree":"main"}'
text snapshot_fuzz "$pre"',"tree":"'$t1'","trees":["'$t1'","'$t2'","'$t3'"],"worktree":"main"}'
text snapshot_fuzz "$pre"',"trees":["'$t1'","'$t2'","'$t3'"],"trees":["'$t1'"],"worktree":"main"}'
for s in '*.log' $'# comment\n*.tmp\n!important.tmp\n' $'/build/\n**/cache/**\ndocs/**/*.md\n' \
         $'[a-z]*.o\n[!0-9]?\\ x\n[[:digit:][:upper:]]\n' $'dir/\n\\#not-comment\n\\!bang\ntrailing\\ \n' \
         $'\xef\xbb\xbf*.bak\r\nfoo/**/bar\r\n' $'a/b/c\x00dir/x\nsub/a/b/c\nother\n'; do
  text ignore_fuzz "$s"
done
for s in '@' 'HEAD' 'latest' 'v1' 'v1~2' '@~' '@~~' '@~1~2' 'deadbeef~3' '~1' 'note~x' '@~1234567' 'a~0'; do
  text ref_expr_fuzz "$s"
done
for s in '@' 'a | b & ~c' '::@ ~ ::main@' 'x..y' '..x' 'x::' '::' '..' 'heads(::@ & tags())' \
         'ancestors(@, depth=3)' 'latest(a | b, 5)-+' 'note(glob:"*epoch*")' 'date(after:"2026-01-01")' \
         "author(exact:'A \"B\"')" 'release-1.2-' 'a::b::c' 'f(a,, b)' '"\x41\e"@-' 'hedas(x' \
         $'files(regex:"^src/")\n| caf\xc3\xa9'; do
  text revset_parse_fuzz "$s"
done
for s in 'id ++ " " ++ note.first_line()' \
         'if(flag && !tags, "a", separate(", ", label("tag", tags).join(","), json(parents)))' \
         "time.format('%Y') ++ id.shortest(2) ++ n ++ parents.short(3).join('|')" \
         'concat(note.lines().join("\n"), "\"", (id))' 'id ++ "open' 'x + y' 'if(n, 1)' 'id.' "a\\"; do
  text template_parse_fuzz "$s"
done
for s in 'a' 'a/b/c' 'dir/' '/abs' '../up' 'a//b' './a' 'a/./b' $'nul\x01' "caf\xc3\xa9/x"; do
  text repo_path_fuzz "$s"
done
for s in '2026-01-02T03:04:05Z' '2026-01-02T03:04:05.123Z' '2026-01-02T03:04:05+02:00' \
         '1767323045' '2026-13-01T00:00:00Z' '1999-12-31T23:59:60.999999999-11:30'; do
  text timestamp_fuzz "$s"
done
text mountinfo_fuzz $'22 1 0:21 / /proc rw,nosuid - proc proc rw\n30 22 252:1 / /mnt/jfs rw shared:1 - fuse.juicefs JuiceFS:vol rw\n31 22 8:1 /sub /mnt/my\\040disk rw - xfs /dev/sda1 rw\n'
[ -r /proc/self/mountinfo ] && { cat /proc/self/mountinfo > "$tmp/mi"; put "$tmp/mi" mountinfo_fuzz; }
# Conflict markers: the first byte picks the mode (0x80: render, else parse),
# the sides and the marker length (conflict_markers_fuzz.cc); printf formats,
# so render-mode seeds can hold the NULs that separate terms.
bytes() { printf "$2" > "$tmp/seed"; put "$tmp/seed" "$1"; }
for s in '\x00top\n<<<<<<< conflict 1 of 1\n%%%%%%%%%%%%%% diff from base to side #1\n a\n-b\n+B\n c\n+++++++ side #2\na\nb\nC\n>>>>>>> conflict 1 of 1 ends\nend\n' \
         '\x00<<<<<<< conflict 1 of 2\n+++++++ side #1\n1\n------- base\n0\n+++++++ side #2\n2\n>>>>>>> conflict 1 of 2 ends\nmid\n<<<<<<< conflict 2 of 2\n+++++++ side #1\n------- base\nx\n+++++++ side #2\ny\n>>>>>>> conflict 2 of 2 ends\n' \
         '\x00top\n<<<<<<< side #1\na\n||||||| base\nb\n=======\nc\n>>>>>>> side #2\n' \
         '\x01<<<<<<< conflict 1 of 1\n%%%%%%%%%%%%%% diff from base #1 to side #1\n one\n-two\n+TWO\n+++++++ side #2\nONE\n%%%%%%%%%%%%%% diff from base #2 to side #3\n one\n+three\n>>>>>>> conflict 1 of 1 ends\n' \
         '\x00a\r\n<<<<<<< conflict 1 of 1\r\n+++++++ side #1\r\nx\r\n------- base\r\ny\r\n+++++++ side #2\r\nz\r\n\\\\\\\\\\\\\\ no newline after the line above\r\n>>>>>>> conflict 1 of 1 ends\r\n' \
         '\x00<<<<<<< conflict 1 of 1\n%%%%%%%%%%%%%% diff from base to side #1\n-last\n\\\\\\\\\\\\\\ no newline after the line above\n+LAST\n\\\\\\\\\\\\\\ no newline after the line above\n+++++++ side #2\nlast\n>>>>>>> conflict 1 of 1 ends\n' \
         '\x08<<<<<<<<< conflict 1 of 1\n+++++++++ side #1\n<<<<<<<\n--------- base\n+++++++++ side #2\n=======\n>>>>>>>>> conflict 1 of 1 ends\n' \
         '\x00<<<<<<< stray\n<<<<<<<\n|||||||\n0\n=======\n2\n>>>>>>>' \
         '\x80top\n\x00a\nB\n\x00a\nb\n\x00a\nC\n\x00end\n' \
         '\x80\x00<<<<<<< HEAD\nours\n=======\n\x00------\n\x00+++++++ x\r\n\x00tail' \
         '\x81\x00one\n\x00\x00two\n\x00\x00three' ; do
  bytes conflict_markers_fuzz "$s"
done
echo "seed corpora in $out:"
for d in "$out"/*/; do echo "  $(basename "$d"): $(ls "$d" | wc -l)"; done
