// /proc/self/mountinfo parsing (engine detection reads it to find JuiceFS):
// any text parses without a crash; every entry has an absolute, decoded mount
// point; the mount found for a path really contains it.
#include <cstdint>
#include <string>

#include "engine/mountinfo.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in = AsView(data, size);
  auto mounts = jvs::ParseMountInfo(in);
  for (const auto& m : mounts) {
    FUZZ_CHECK(!m.mount_point.empty());
    (void)jvs::IsJuiceFsMount(m);
    FUZZ_CHECK(jvs::PathIsWithin(m.mount_point, m.mount_point));
  }
  for (std::string_view path : {"/", "/mnt/jfs/repo/.jvs", "/home/u/data", "/mnt/jfs2"}) {
    auto found = jvs::FindMount(mounts, path);
    if (found) FUZZ_CHECK(jvs::PathIsWithin(path, found->mount_point));
    auto by_dev = jvs::FindMount(mounts, path, std::make_pair(0u, 0u));
    if (by_dev) FUZZ_CHECK(jvs::PathIsWithin(path, by_dev->mount_point));
  }
  return 0;
}
