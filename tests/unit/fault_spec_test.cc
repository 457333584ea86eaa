// The fault injection mechanism itself: the JVS_FAULT_POINT spec parser
// (NAME[:kill|:error|:pause][@N], comma-separated, NAME may end in '*'), hit
// counting, the injected error, the kill, and the list of known points.
// The points in the real flows are exercised end to end by
// tests/e2e/crash_points_test.cc.

#include <gtest/gtest.h>

#include <chrono>

#include "remedy.h"
#include <signal.h>

#include <cstdlib>
#include <set>
#include <string>

#include "jvs/base/fault.h"

namespace jvs {
namespace {

class FaultSpecTest : public ::testing::Test {
 protected:
  void TearDown() override { ASSERT_TRUE(fault::Arm("").ok()); }  // never leak armed points
};

// Two real point names, so that Arm() accepts them.
constexpr const char* kA = "snapshot.after_scan";
constexpr const char* kB = "publish.after_op";

std::string S(const char* name, const char* suffix) { return std::string(name) + suffix; }

TEST_F(FaultSpecTest, NothingIsArmedByDefaultAndAnEmptySpecDisarms) {
  EXPECT_TRUE(fault::Arm("").ok());
  EXPECT_FALSE(fault::Armed());
  EXPECT_TRUE(fault::Point(kA).ok());
  ASSERT_TRUE(fault::Arm(S(kA, ":error")).ok());
  EXPECT_TRUE(fault::Armed());
  ASSERT_TRUE(fault::Arm("").ok());
  EXPECT_FALSE(fault::Armed());
  EXPECT_TRUE(fault::Point(kA).ok());
  ASSERT_TRUE(fault::Arm(",,").ok());  // only separators: nothing armed
  EXPECT_FALSE(fault::Armed());
}

TEST_F(FaultSpecTest, ErrorActionReturnsAnInjectedIoError) {
  ASSERT_TRUE(fault::Arm(S(kA, ":error")).ok());
  EXPECT_TRUE(fault::Point(kB).ok()) << "another point is not affected";
  Status st = fault::Point(kA);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), ErrorCode::kIo);
  EXPECT_EQ(st.error().message(), std::string("injected fault at ") + kA);
  EXPECT_TRUE(fault::Point(kA).ok()) << "only the chosen hit fires";
}

TEST_F(FaultSpecTest, PauseActionWaitsAndGoesOn) {
  ASSERT_TRUE(fault::Arm(S(kA, ":pause")).ok());
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(fault::Point(kA).ok()) << "a pause is not an error";
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(1500));
  EXPECT_TRUE(fault::Point(kA).ok());
}

TEST_F(FaultSpecTest, AtNFiresOnTheNthHitOnly) {
  ASSERT_TRUE(fault::Arm(S(kA, ":error@3")).ok());
  EXPECT_TRUE(fault::Point(kA).ok());
  EXPECT_TRUE(fault::Point(kB).ok());  // hits of other names do not count
  EXPECT_TRUE(fault::Point(kA).ok());
  EXPECT_FALSE(fault::Point(kA).ok());
  EXPECT_TRUE(fault::Point(kA).ok());
  EXPECT_TRUE(fault::Point(kA).ok());
}

TEST_F(FaultSpecTest, AtNWithoutActionMeansKill) {
  // "NAME@2" is a kill at the second hit: the first hit returns normally.
  ASSERT_TRUE(fault::Arm(S(kA, "@2")).ok());
  EXPECT_TRUE(fault::Point(kA).ok());
  EXPECT_EXIT(
      {
        (void)fault::Point(kA);
        std::_Exit(0);  // not reached when the point kills
      },
      ::testing::KilledBySignal(SIGKILL), "");
}

TEST_F(FaultSpecTest, KillActionRaisesSigkill) {
  for (const std::string& spec : {std::string(kA), S(kA, ":kill"), S(kA, ":kill@1")}) {
    SCOPED_TRACE(spec);
    ASSERT_TRUE(fault::Arm(spec).ok());
    EXPECT_EXIT(
        {
          (void)fault::Point(kA);
          std::_Exit(0);
        },
        ::testing::KilledBySignal(SIGKILL), "");
    // The parent process was not killed and still counts its own hits.
  }
}

TEST_F(FaultSpecTest, SeveralRulesAndWildcards) {
  ASSERT_TRUE(fault::Arm(S(kA, ":error@2") + "," + S(kB, ":error")).ok());
  EXPECT_TRUE(fault::Point(kA).ok());
  EXPECT_FALSE(fault::Point(kB).ok());
  EXPECT_FALSE(fault::Point(kA).ok());

  // A wildcard counts the hits of every name it matches.
  ASSERT_TRUE(fault::Arm("publish.*:error@2").ok());
  EXPECT_TRUE(fault::Point("publish.after_view").ok());
  EXPECT_TRUE(fault::Point(kA).ok());
  Status st = fault::Point("publish.after_op");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message(), "injected fault at publish.after_op")
      << "the message names the point hit";
  EXPECT_TRUE(fault::Point("publish.after_barrier").ok());

  ASSERT_TRUE(fault::Arm("*:error@3").ok());  // every point
  EXPECT_TRUE(fault::Point(kA).ok());
  EXPECT_TRUE(fault::Point(kB).ok());
  EXPECT_FALSE(fault::Point("merge.after_view").ok());
}

TEST_F(FaultSpecTest, ArmingAgainReplacesRulesAndResetsCounts) {
  ASSERT_TRUE(fault::Arm(S(kA, ":error@2")).ok());
  EXPECT_TRUE(fault::Point(kA).ok());
  ASSERT_TRUE(fault::Arm(S(kA, ":error@2")).ok());
  EXPECT_TRUE(fault::Point(kA).ok()) << "the count starts again";
  EXPECT_FALSE(fault::Point(kA).ok());
  ASSERT_TRUE(fault::Arm(S(kB, ":error")).ok());
  EXPECT_TRUE(fault::Point(kA).ok()) << "the earlier rule is gone";
  EXPECT_FALSE(fault::Point(kB).ok());
}

TEST_F(FaultSpecTest, MalformedSpecsAreRejectedAndDisarmNothing) {
  ASSERT_TRUE(fault::Arm(S(kA, ":error")).ok());
  for (const std::string& bad : {S(kA, ":explode"), S(kA, ":"), S(kA, "@0"), S(kA, "@"),
                                 S(kA, "@x"), S(kA, "@2x"), S(kA, "@-1"), std::string(":error"),
                                 std::string("@2"), std::string(":kill@1"), S(kA, ":error@")}) {
    SCOPED_TRACE(bad);
    Status st = fault::Arm(bad);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(st.error().message().find("malformed fault spec '" + bad + "'"), std::string::npos)
        << st.error().message();
    EXPECT_FALSE(jvs::cli::FullHint(st.error()).empty());
  }
  // A rejected spec leaves the earlier rules armed.
  EXPECT_TRUE(fault::Armed());
  EXPECT_FALSE(fault::Point(kA).ok());
}

TEST_F(FaultSpecTest, UnknownPointNamesAreRejected) {
  for (const std::string& bad : {std::string("snapshot.after_scna"), std::string("nothing.*"),
                                 std::string("snapshot.after_scan.more"), S(kA, ",bogus:error")}) {
    SCOPED_TRACE(bad);
    Status st = fault::Arm(bad);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(st.error().message().find("unknown fault point"), std::string::npos)
        << st.error().message();
  }
  EXPECT_FALSE(fault::Armed());
  EXPECT_TRUE(fault::Arm("snapshot.*").ok()) << "a wildcard matching known points";
  EXPECT_TRUE(fault::Arm("snapshot.after_*:error@7").ok());
}

TEST_F(FaultSpecTest, AnUnlistedPointFailsWhileArmed) {
  // A JVS_FAULT name missing from KnownPoints() would never be tested: an
  // armed process says so instead of passing through it silently.
  EXPECT_TRUE(fault::Point("made.up").ok()) << "not armed: inert";
  ASSERT_TRUE(fault::Arm(S(kA, ":error")).ok());
  Status st = fault::Point("made.up");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), ErrorCode::kInternal);
  EXPECT_NE(st.error().message().find("made.up"), std::string::npos);
}

Result<int> Guarded(const char* name) {
  JVS_FAULT(name);
  return 7;
}

Status GuardedStatus(const char* name) {
  JVS_FAULT(name);
  return OkStatus();
}

TEST_F(FaultSpecTest, MacroReturnsTheInjectedErrorFromTheEnclosingFunction) {
  EXPECT_EQ(*Guarded(kA), 7);
  ASSERT_TRUE(fault::Arm(S(kA, ":error")).ok());
  auto r = Guarded(kA);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(), std::string("injected fault at ") + kA);
  EXPECT_EQ(*Guarded(kA), 7);
  ASSERT_TRUE(fault::Arm(S(kB, ":error")).ok());
  EXPECT_TRUE(GuardedStatus(kA).ok());
  EXPECT_FALSE(GuardedStatus(kB).ok());
}

TEST_F(FaultSpecTest, KnownPointsAreUniqueAndNamedByFlow) {
  const auto& known = fault::KnownPoints();
  ASSERT_FALSE(known.empty());
  std::set<std::string_view> seen;
  const std::set<std::string> flows = {"snapshot", "restore", "fork", "publish", "merge", "gc"};
  for (std::string_view n : known) {
    SCOPED_TRACE(std::string(n));
    EXPECT_TRUE(seen.insert(n).second) << "listed twice";
    size_t dot = n.find('.');
    ASSERT_NE(dot, std::string_view::npos) << "a point is named FLOW.STEP";
    EXPECT_TRUE(flows.count(std::string(n.substr(0, dot)))) << "unknown flow";
    EXPECT_EQ(n.find_first_not_of("abcdefghijklmnopqrstuvwxyz_.", 0), std::string_view::npos);
    EXPECT_TRUE(fault::Arm(std::string(n) + ":error").ok()) << "every known point can be armed";
    EXPECT_FALSE(fault::Point(n).ok());
  }
  // Fork writes a fresh directory (no capture, staging or marker): its own
  // steps, with one per file so that @N can stop it half-way.
  for (const char* n : {"fork.after_prepare", "fork.materialize_file", "fork.after_materialize",
                        "fork.after_publish", "fork.after_tree_state"})
    EXPECT_TRUE(seen.count(n) > 0) << n;
}

}  // namespace
}  // namespace jvs
