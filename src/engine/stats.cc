// `.jvs/engine_stats`: what the engine did over the repository's life, so that
// `jvs info` can show whether clones really happen or keep falling back.
// "key value" lines, rewritten atomically under `.jvs/engine_stats.lock`.
// Best effort: a lost update only loses statistics.
#include <chrono>
#include <map>

#include "engine/select.h"
#include "jvs/engine/engine.h"
#include "jvs/base/timeutil.h"

namespace jvs {

namespace {

EngineStats Parse(const std::string& text) {
  std::map<std::string, std::string> kv;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? text.size() : nl + 1;
    size_t sp = line.find(' ');
    if (sp != std::string::npos) kv[line.substr(0, sp)] = line.substr(sp + 1);
  }
  auto num = [&](const char* k) -> uint64_t {
    const std::string& v = kv[k];
    uint64_t n = 0;
    for (char c : v) {
      if (c < '0' || c > '9') return 0;
      n = n * 10 + static_cast<uint64_t>(c - '0');
    }
    return n;
  };
  EngineStats s;
  s.total.files = num("files");
  s.total.cloned = num("cloned");
  s.total.copied = num("copied");
  s.total.fallbacks = num("fallbacks");
  s.total.bytes_copied = num("bytes_copied");
  s.total.trees_cloned = num("trees_cloned");
  s.total.hashed_in_place = num("hashed_in_place");
  s.last_fallback = kv["last_fallback"];
  s.updated = kv["updated"];
  return s;
}

std::string Encode(const EngineStats& s) {
  std::string fb = s.last_fallback;
  for (char& c : fb)
    if (c == '\n' || c == '\r') c = ' ';
  return "files " + std::to_string(s.total.files) + "\n" + "cloned " + std::to_string(s.total.cloned) +
         "\n" + "copied " + std::to_string(s.total.copied) + "\n" + "fallbacks " +
         std::to_string(s.total.fallbacks) + "\n" + "bytes_copied " + std::to_string(s.total.bytes_copied) +
         "\n" + "trees_cloned " + std::to_string(s.total.trees_cloned) + "\n" + "hashed_in_place " +
         std::to_string(s.total.hashed_in_place) + "\n" +
         (fb.empty() ? std::string() : "last_fallback " + fb + "\n") +
         (s.updated.empty() ? std::string() : "updated " + s.updated + "\n");
}

}  // namespace

EngineStats LoadEngineStats(Env* env, const fs::path& control_dir) {
  auto text = env->ReadFile(control_dir / kEngineStatsFile, 64 << 10);
  if (!text.ok()) return EngineStats{};
  return Parse(*text);
}

Status CloneEngine::RecordUsage(Env* env) {
  EngineUsage delta;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (stats_path_.empty()) return OkStatus();
    EngineUsage now = counters_.Load();
    delta = now - recorded_;
    if (delta == EngineUsage{}) return OkStatus();
    recorded_ = now;
  }
  fs::path lock_path = stats_path_;
  lock_path += ".lock";
  JVS_ASSIGN_OR_RETURN(UniqueFd lock, env->LockFile(lock_path, std::chrono::milliseconds(2000)));
  EngineStats s;
  if (auto text = env->ReadFile(stats_path_, 64 << 10); text.ok()) s = Parse(*text);
  s.total += delta;
  if (delta.fallbacks > 0) s.last_fallback = last_fallback();
  s.updated = FormatRfc3339(env->NowNanos());
  return env->WriteFileAtomic(stats_path_, Encode(s));
}

}  // namespace jvs
