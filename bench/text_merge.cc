// jvs_text_merge: the three-way text merge of bench/e2e.sh (part "text"),
// shaped like `git merge-file -p SIDE1 BASE SIDE2 > OUT` so that the two are
// timed the same way: reads the three files, runs MergeText
// (jvs/merge/text_merge.h), writes the merged bytes to OUT when every hunk
// resolved (else side 1's terms for the conflicted hunks; no check uses
// that). Exit status: 0 clean, 1 conflicted, 2 an error. Prints nothing on
// success; with -v prints each conflicted hunk and "hunks N conflicts C
// seconds S" (S: the merge alone) to stderr.
//
//   jvs_text_merge [-v] SIDE1 BASE SIDE2 OUT
#include "jvs/merge/text_merge.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

namespace {

bool Read(const char* path, std::string* out) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return false;
  out->resize(static_cast<size_t>(in.tellg()));
  in.seekg(0);
  return static_cast<bool>(in.read(out->data(), static_cast<std::streamsize>(out->size())));
}

}  // namespace

int main(int argc, char** argv) {
  bool verbose = false;
  int a = 1;
  if (a < argc && std::strcmp(argv[a], "-v") == 0) verbose = true, ++a;
  if (argc - a != 4) {
    std::fprintf(stderr, "usage: jvs_text_merge [-v] SIDE1 BASE SIDE2 OUT\n");
    return 2;
  }
  std::string side1, base, side2;
  if (!Read(argv[a], &side1) || !Read(argv[a + 1], &base) || !Read(argv[a + 2], &side2)) {
    std::fprintf(stderr, "jvs_text_merge: cannot read an input\n");
    return 2;
  }
  const auto t0 = std::chrono::steady_clock::now();
  const auto hunks = jvs::MergeText(jvs::Merge<std::string_view>::ThreeWay(base, side1, side2));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  size_t conflicts = 0;
  std::ofstream o(argv[a + 3], std::ios::binary | std::ios::trunc);
  for (const auto& h : hunks) {
    conflicts += h.is_resolved() ? 0 : 1;
    o.write(h.add(0).data(), static_cast<std::streamsize>(h.add(0).size()));
  }
  if (!o.flush()) {
    std::fprintf(stderr, "jvs_text_merge: cannot write %s\n", argv[a + 3]);
    return 2;
  }
  if (verbose) {
    for (const auto& h : hunks) {
      if (h.is_resolved()) continue;
      for (size_t i = 0; i < h.terms().size(); ++i)
        std::fprintf(stderr, "%s\n%s",
                     i == 0  ? "<<< side 1"
                     : i % 2 ? "||| base"
                             : "=== side",
                     h.terms()[i].c_str());
      std::fprintf(stderr, ">>>\n");
    }
    std::fprintf(stderr, "hunks %zu conflicts %zu seconds %.3f\n", hunks.size(), conflicts,
                 seconds);
  }
  return conflicts == 0 ? 0 : 1;
}
