// Errors of descriptor operations name the file (issue 16: out-of-space
// errors named no file): a write to /dev/full fails with ENOSPC and says
// which file; a read of a directory names it too.
#include <fcntl.h>
#include <gtest/gtest.h>

#include <string>

#include "jvs/base/env.h"
#include "test_util.h"

namespace jvs {
namespace {

TEST(EnvErrorsTest, AFailedWriteNamesTheFile) {
  auto fd = Env::Default()->Open("/dev/full", O_WRONLY);
  ASSERT_TRUE(fd.ok()) << fd.error().message();
  Status st = Env::Default()->Write(fd->get(), "x", 1);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), ErrorCode::kNoSpace);
  EXPECT_NE(st.error().message().find("cannot write '/dev/full'"), std::string::npos) << st.error().message();
}

TEST(EnvErrorsTest, AFailedReadNamesTheFile) {
  testing::TempDir dir;
  auto fd = Env::Default()->Open(dir.path(), O_RDONLY | O_DIRECTORY);
  ASSERT_TRUE(fd.ok()) << fd.error().message();
  char buf[8];
  auto r = Env::Default()->Read(fd->get(), buf, sizeof buf);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("cannot read '" + dir.path().string() + "'"), std::string::npos)
      << r.error().message();
}

}  // namespace
}  // namespace jvs
