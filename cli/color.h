// Colour on terminals only. The decision (ColorEnabled) follows, in order:
// --color=always|never, --no-color, the NO_COLOR convention (set and not
// empty: no colour), TERM=dumb, and whether stdout is a terminal. `Style`
// wraps text in SGR escape codes when enabled and returns it unchanged
// otherwise (and for blank text). Pure functions and a value type; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace jvs::cli {

enum class ColorWhen { kAuto, kAlways, kNever };

// "auto", "always", "never"; false for anything else.
bool ParseColorWhen(std::string_view s, ColorWhen* out);

// Environment values are null when unset.
bool ColorEnabled(ColorWhen when, bool no_color_flag, const char* no_color_env, const char* term,
                  bool stdout_is_tty);

class Style {
 public:
  explicit Style(bool enabled = false) : on_(enabled) {}
  bool enabled() const { return on_; }

  // A snapshot id as Jujutsu shows it: the `unique` leading characters (what
  // identifies it) bold blue, the rest up to `shown` characters dimmed.
  std::string Id(std::string_view hex, size_t unique, size_t shown) const;
  // A change id (reverse hex), the same way in magenta.
  std::string Change(std::string_view id, size_t unique, size_t shown) const;
  std::string Head(std::string_view s) const { return Wrap("1;32", s); }    // '@', current worktree
  std::string Time(std::string_view s) const { return Wrap("36", s); }      // relative times
  std::string Tag(std::string_view s) const { return Wrap("33", s); }       // tags
  std::string Worktree(std::string_view s) const { return Wrap("35", s); }  // worktree names
  std::string Dim(std::string_view s) const { return Wrap("2", s); }
  std::string Graph(std::string_view s) const { return Wrap("90", s); }  // graph edges
  std::string Error(std::string_view s) const { return Wrap("1;31", s); }
  std::string Hint(std::string_view s) const { return Wrap("1;36", s); }

 private:
  std::string Wrap(std::string_view sgr, std::string_view s) const;
  bool on_;
};

}  // namespace jvs::cli
