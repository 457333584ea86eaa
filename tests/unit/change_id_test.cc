// Change id display alphabet (jvs/base/change_id.h).
#include "jvs/base/change_id.h"

#include <gtest/gtest.h>

namespace jvs {
namespace {

TEST(ChangeIdAlphabet, MapsEachHexDigitToItsReverseLetter) {
  EXPECT_EQ(ChangeIdToReverseHex("0123456789abcdef"), "zyxwvutsrqponmlk");
  EXPECT_EQ(ChangeIdToReverseHex("ABCDEF"), "ponmlk");
  EXPECT_EQ(ChangeIdToReverseHex(""), "");
  EXPECT_EQ(ReverseHexToChangeId("zyxwvutsrqponmlk"), "0123456789abcdef");
  EXPECT_EQ(ReverseHexToChangeId("ZYXK"), "012f");
}

TEST(ChangeIdAlphabet, RoundTripsAFullChangeId) {
  const std::string hex = "3aa699598443eae901937c4b9ba9aaff";
  auto rev = ChangeIdToReverseHex(hex);
  ASSERT_TRUE(rev);
  EXPECT_EQ(rev->size(), 32u);
  EXPECT_TRUE(IsReverseHex(*rev));
  EXPECT_EQ(ReverseHexToChangeId(*rev), hex);
}

TEST(ChangeIdAlphabet, NeverOverlapsHex) {
  // No reverse-hex letter is a hex digit, so a shown change id can never be
  // read as a snapshot id prefix.
  for (char c = 'k'; c <= 'z'; ++c) EXPECT_EQ(std::string("0123456789abcdefABCDEF").find(c), std::string::npos);
  auto rev = ChangeIdToReverseHex("0123456789abcdef");
  for (char c : *rev) EXPECT_TRUE(c >= 'k' && c <= 'z');
}

TEST(ChangeIdAlphabet, RejectsOtherCharacters) {
  EXPECT_FALSE(ChangeIdToReverseHex("12g4"));
  EXPECT_FALSE(ChangeIdToReverseHex("zz"));
  EXPECT_FALSE(ReverseHexToChangeId("zza"));  // 'a' is hex, not reverse hex
  EXPECT_FALSE(ReverseHexToChangeId("zz1"));
  EXPECT_FALSE(IsReverseHex(""));
  EXPECT_FALSE(IsReverseHex("zzj"));
  EXPECT_FALSE(IsReverseHex("zz-"));
  EXPECT_TRUE(IsReverseHex("kKzZ"));
}

}  // namespace
}  // namespace jvs
