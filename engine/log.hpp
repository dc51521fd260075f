// log.hpp: a small leveled logger to stderr (Debian 12's Abseil has no absl/log).
//
// One process-wide threshold; messages below it cost one comparison. Not for hot loops:
// the event loop never logs. Thread-safe: each message is written with a single call.
//
//   log::set_level(log::Level::kDebug);
//   log::info("built network with ", n, " populations");
#pragma once

#include <sstream>
#include <string_view>

namespace rockpool::log {

enum class Level { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3, kSilent = 4 };

void set_level(Level level);
Level level();
// Writes "[rockpool LEVEL] message\n" to stderr in one call.
void write(Level level, std::string_view message);

template <class... Parts>
void message(Level lvl, const Parts&... parts) {
  if (lvl < level()) return;
  std::ostringstream out;
  (out << ... << parts);
  write(lvl, out.str());
}
template <class... Parts> void debug(const Parts&... p) { message(Level::kDebug, p...); }
template <class... Parts> void info(const Parts&... p) { message(Level::kInfo, p...); }
template <class... Parts> void warning(const Parts&... p) { message(Level::kWarning, p...); }
template <class... Parts> void error(const Parts&... p) { message(Level::kError, p...); }

}  // namespace rockpool::log
