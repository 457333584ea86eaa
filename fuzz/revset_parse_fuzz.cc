// The revset parser (jvs/revset/parse.h): any input parses or is rejected
// without a crash, an error points inside the input and renders; a parsed
// tree prints in a form that parses back into the same tree; checking its
// functions never crashes; its optimised form prints, parses, and is a fixed
// point of the optimiser. Inputs past 4 KiB are skipped (the parser is linear;
// longer inputs only slow the fuzzer down).
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "jvs/revset/optimize.h"
#include "jvs/revset/parse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace jvs::revset;
  if (size > 4096) return 0;
  std::string_view in = AsView(data, size);
  auto tree = ParseRevset(in);
  if (!tree.ok()) {
    FUZZ_CHECK(tree.error().offset <= in.size());
    FUZZ_CHECK(!tree.error().message.empty());
    FUZZ_CHECK(!RenderRevsetError(in, tree.error()).empty());
    return 0;
  }
  FUZZ_CHECK(TreeHeight(*tree) <= kMaxTreeHeight);
  std::string printed = PrintRevset(*tree);
  auto again = ParseRevset(printed);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(SameTree(*again, *tree));
  FUZZ_CHECK(PrintRevset(*again) == printed);
  auto checked = CheckFunctions(*tree);
  if (!checked.ok()) {
    FUZZ_CHECK(checked.error().offset <= in.size());
    return 0;
  }
  Node opt = Optimize(*tree);
  FUZZ_CHECK(SameTree(Optimize(opt), opt));
  auto opt_again = ParseRevset(PrintRevset(opt));
  FUZZ_CHECK(opt_again.ok());
  FUZZ_CHECK(PrintRevset(Optimize(*opt_again)) == PrintRevset(opt));
  return 0;
}
