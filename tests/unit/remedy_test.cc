// Remedies: the library attaches them to errors as data; the CLI words them.
#include "remedy.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace jvs::cli {
namespace {

TEST(Remedy, FullHintJoinsThePlainHintAndEachRemedy) {
  Error plain(ErrorCode::kNotFound, "x", "check the name");
  EXPECT_EQ(FullHint(plain), "check the name");
  Error e = Error(ErrorCode::kRefused, "nothing left to undo")
                .WithRemedy(Remedy::kListOperations)
                .WithRemedy(Remedy::kRedoAfterUndo);
  EXPECT_EQ(FullHint(e), "'jvs op log' lists the operations that remain; 'jvs redo' re-applies what undo took back");
  Error both = Error(ErrorCode::kAlreadyExists, "worktree 'a' already exists", "choose another name")
                   .WithRemedy(Remedy::kListWorktrees);
  EXPECT_EQ(FullHint(both), "choose another name; 'jvs worktree list' shows the existing ones");
}

TEST(Remedy, ArgumentsAreWordedIn) {
  EXPECT_EQ(RemedyText({Remedy::kFinishRestore, "0123456789ab"}),
            "run 'jvs restore 0123456789ab' to finish it, or 'jvs restore --abort' to go back to before it; the files as they are now are saved first");
  EXPECT_EQ(RemedyText({Remedy::kUnsetConfig, "gc.keep_days"}), "remove it with 'jvs config unset gc.keep_days'");
}

TEST(Remedy, ContextAndHintChangesKeepOrDropRemediesAsDocumented) {
  Error e = Error(ErrorCode::kCorrupt, "tree t is missing").WithRemedy(Remedy::kInspectRepository);
  Error c = e.WithContext("restore");
  EXPECT_EQ(c.message(), "restore: tree t is missing");
  EXPECT_EQ(c.remedies(), e.remedies());
  EXPECT_TRUE(e.WithHint("other").remedies().empty());
}

TEST(Remedy, EveryRemedyHasWords) {
  // The switch in RemedyText has no default, so -Wswitch (an error here)
  // catches a remedy added without words; this checks none is empty.
  for (int r = 0; r <= static_cast<int>(Remedy::kCollectGarbage); ++r)
    EXPECT_FALSE(RemedyText({static_cast<Remedy>(r), "ARG"}).empty()) << r;
}

}  // namespace
}  // namespace jvs::cli
