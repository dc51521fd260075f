// progress.hpp: a one-line progress bar for long runs — on a terminal only.
//
// `rockpool run` and `rockpool replay` draw it while a simulation goes: how far the run is,
// the time left (ETA) and the real-time factor (simulated seconds per wall second). It is
// drawn only when stdout is a terminal, so output piped to a file or another program stays
// clean, and never with --quiet. Redrawn at most ten times a second, whatever the caller's
// update rate, so it costs nothing measurable.
//
//   ProgressBar bar(Verbosity::kNormal, ProgressBar::stdout_is_terminal());
//   while (...) bar.update({.fraction = f, .simulated_s = sim_s, .wall_s = wall_s});
//   bar.finish();
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace rockpool::cli {

enum class Verbosity { kQuiet, kNormal, kVerbose };

struct ProgressState {
  double fraction = 0;     // of the run done, 0..1
  double simulated_s = 0;  // simulated time so far
  double wall_s = 0;       // wall time so far
};

// "[#########...........]  45.0%  ETA 0:03  12.3x real time": pure, for tests. The ETA
// extrapolates the wall time at the rate so far; "--:--" until there is any progress.
std::string render_progress(const ProgressState& state, std::size_t width = 30);

class ProgressBar {
 public:
  // Draws on `out` (stdout by default) only if `terminal` and not quiet.
  ProgressBar(Verbosity verbosity, bool terminal, std::FILE* out = stdout);
  ~ProgressBar();
  static bool stdout_is_terminal();

  bool enabled() const { return enabled_; }
  void update(const ProgressState& state);
  // Erases the bar (so the summary that follows starts on a clean line).
  void finish();

 private:
  bool enabled_;
  std::FILE* out_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace rockpool::cli
