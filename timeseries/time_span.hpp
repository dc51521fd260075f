// time_span.hpp: the checks every time series makes on its times, in one place.
//
// Internal to timeseries/: TSContinuous and TSEvent both need sorted times and a
// [t_start, t_stop] that covers them, with errors naming the offending index.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "engine/error.hpp"
#include "engine/time.hpp"

namespace rockpool::series_detail {

inline std::string seconds_text(Time t) { return format_seconds(t) + " s"; }

// Throws InvalidArgument(argument) at the first index whose time precedes the one before.
inline void check_sorted(std::span<const Time> times, const char* argument) {
  for (std::size_t i = 1; i < times.size(); ++i) {
    if (times[i] < times[i - 1]) {
      throw InvalidArgument(argument, "not sorted at index " + std::to_string(i) + ": " + seconds_text(times[i]) +
                                          " < " + seconds_text(times[i - 1]));
    }
  }
}

struct TimeSpan {
  Time t_start;
  Time t_stop;
};

// t_start defaults to the first time (0 without times), t_stop to the last (t_start
// without times); both must cover every time. `item` names an element ("sample", "event").
inline TimeSpan resolve_span(std::span<const Time> times, std::optional<Time> t_start, std::optional<Time> t_stop,
                             std::string_view item) {
  const std::size_t n = times.size();
  TimeSpan span;
  span.t_start = t_start.value_or(n > 0 ? times.front() : Time::zero());
  span.t_stop = t_stop.value_or(n > 0 ? times.back() : span.t_start);
  if (n > 0 && span.t_start > times.front()) {
    throw InvalidArgument("t_start", seconds_text(span.t_start) + " is after the " + std::string(item) +
                                         " at index 0 (" + seconds_text(times.front()) + ")");
  }
  if (n > 0 && span.t_stop < times.back()) {
    throw InvalidArgument("t_stop", seconds_text(span.t_stop) + " is before the " + std::string(item) +
                                        " at index " + std::to_string(n - 1) + " (" + seconds_text(times.back()) +
                                        ")");
  }
  if (span.t_stop < span.t_start) {
    throw InvalidArgument("t_stop", seconds_text(span.t_stop) + " is before t_start " + seconds_text(span.t_start));
  }
  return span;
}

}  // namespace rockpool::series_detail
