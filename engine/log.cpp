#include "engine/log.hpp"

#include <atomic>
#include <cstdio>
#include <string>

namespace rockpool::log {
namespace {
std::atomic<Level> g_level{Level::kWarning};  // the one process-wide setting, on purpose
const char* name(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarning: return "warning";
    case Level::kError: return "error";
    case Level::kSilent: return "silent";
  }
  return "?";
}
}  // namespace

void set_level(Level level) { g_level.store(level, std::memory_order_relaxed); }
Level level() { return g_level.load(std::memory_order_relaxed); }
void write(Level level, std::string_view message) {
  std::string line = std::string("[rockpool ") + name(level) + "] ";
  line.append(message);
  line.push_back('\n');
  std::fwrite(line.data(), 1, line.size(), stderr);
}
}  // namespace rockpool::log
