#include "color.h"

#include <algorithm>
#include <cstring>

namespace jvs::cli {

bool ParseColorWhen(std::string_view s, ColorWhen* out) {
  if (s == "auto")
    *out = ColorWhen::kAuto;
  else if (s == "always")
    *out = ColorWhen::kAlways;
  else if (s == "never")
    *out = ColorWhen::kNever;
  else
    return false;
  return true;
}

bool ColorEnabled(ColorWhen when, bool no_color_flag, const char* no_color_env, const char* term,
                  bool stdout_is_tty) {
  if (when == ColorWhen::kAlways) return true;
  if (when == ColorWhen::kNever || no_color_flag) return false;
  if (no_color_env && *no_color_env) return false;  // https://no-color.org
  if (term && std::strcmp(term, "dumb") == 0) return false;
  return stdout_is_tty;
}

std::string Style::Wrap(std::string_view sgr, std::string_view s) const {
  if (!on_ || s.find_first_not_of(' ') == std::string_view::npos) return std::string(s);
  std::string out = "\x1b[";
  out += sgr;
  out += 'm';
  out += s;
  out += "\x1b[0m";
  return out;
}

std::string Style::Id(std::string_view hex, size_t unique, size_t shown) const {
  shown = std::min(shown, hex.size());
  unique = std::min(unique, shown);
  return Wrap("1;34", hex.substr(0, unique)) + Wrap("90", hex.substr(unique, shown - unique));
}

std::string Style::Change(std::string_view id, size_t unique, size_t shown) const {
  shown = std::min(shown, id.size());
  unique = std::min(unique, shown);
  return Wrap("1;35", id.substr(0, unique)) + Wrap("90", id.substr(unique, shown - unique));
}

}  // namespace jvs::cli
