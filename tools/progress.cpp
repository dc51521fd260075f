#include "tools/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace rockpool::cli {

std::string render_progress(const ProgressState& s, std::size_t width) {
  const double f = std::clamp(std::isfinite(s.fraction) ? s.fraction : 0.0, 0.0, 1.0);
  const auto filled = static_cast<std::size_t>(f * static_cast<double>(width));
  std::string out;
  out.reserve(width + 96);
  out += '[';
  out.append(filled, '#');
  out.append(width - filled, '.');
  out += ']';
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, " %5.1f%%", 100.0 * f);
  out += buffer;
  if (f > 0 && s.wall_s > 0) {
    const auto left = static_cast<long long>(std::llround(s.wall_s * (1.0 - f) / f));
    std::snprintf(buffer, sizeof buffer, "  ETA %lld:%02lld", left / 60, left % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "  ETA --:--");
  }
  out += buffer;
  if (s.wall_s > 0) {
    std::snprintf(buffer, sizeof buffer, "  %.3g s simulated, %.3gx real time", s.simulated_s, s.simulated_s / s.wall_s);
    out += buffer;
  }
  return out;
}

ProgressBar::ProgressBar(Verbosity verbosity, bool terminal, std::FILE* out)
    : enabled_(terminal && verbosity != Verbosity::kQuiet), out_(out) {}

ProgressBar::~ProgressBar() { finish(); }

bool ProgressBar::stdout_is_terminal() { return ::isatty(STDOUT_FILENO) == 1; }

void ProgressBar::update(const ProgressState& state) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  drawn_ = true;
  // \r and "erase to end of line": the bar overwrites itself.
  std::fprintf(out_, "\r%s\x1b[K", render_progress(state).c_str());
  std::fflush(out_);
}

void ProgressBar::finish() {
  if (!enabled_ || !drawn_) return;
  std::fprintf(out_, "\r\x1b[K");
  std::fflush(out_);
  drawn_ = false;
}

}  // namespace rockpool::cli
