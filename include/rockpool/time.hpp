// time.hpp: exact simulation time (public; engine/time.hpp includes it).
//
// `Time` (a point) and `Duration` (a span) are int64 counts of ticks of 1/9 ns
// (kTicksPerSecond = 9e9). That tick represents seconds, ms, us, ns and the DynapSE
// FPGA clock period (1/90 MHz = 100 ticks) exactly, and spans +-2^63 ticks = +-32.5 years.
// All arithmetic is integer and checked: a result outside the int64 range throws
// TimeOverflow instead of wrapping. Floating-point seconds appear only at the boundary:
// from_seconds() rounds exactly once (half to even, from the exact binary value of the
// double) and is the only place where rounding happens.
//
//   constexpr Duration tau = milliseconds(20);
//   Time t = Time::zero() + 3 * tau;          // exact
//   Duration dt = lcm(milliseconds(5), milliseconds(3));  // 15 ms, exact
#pragma once

#include <compare>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "rockpool/errors.hpp"
#include "rockpool/export.hpp"

namespace rockpool {

inline constexpr std::int64_t kTicksPerSecond = 9'000'000'000;
inline constexpr std::int64_t kTicksPerMillisecond = 9'000'000;
inline constexpr std::int64_t kTicksPerMicrosecond = 9'000;
inline constexpr std::int64_t kTicksPerNanosecond = 9;

namespace time_detail {
constexpr std::int64_t checked_add(std::int64_t a, std::int64_t b, const char* op) {
  std::int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) throw TimeOverflow(op);
  return r;
}
constexpr std::int64_t checked_sub(std::int64_t a, std::int64_t b, const char* op) {
  std::int64_t r = 0;
  if (__builtin_sub_overflow(a, b, &r)) throw TimeOverflow(op);
  return r;
}
constexpr std::int64_t checked_mul(std::int64_t a, std::int64_t b, const char* op) {
  std::int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) throw TimeOverflow(op);
  return r;
}
// Floor division (towards minus infinity), b > 0 or b < 0, b != 0.
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
}  // namespace time_detail

// A signed span of simulated time, in ticks of 1/9 ns.
class Duration {
 public:
  constexpr Duration() = default;
  static constexpr Duration from_ticks(std::int64_t ticks) { return Duration(ticks); }
  // Rounds seconds * 9e9 to the nearest tick, ties to even. Throws InvalidArgument for
  // NaN or infinity and TimeOverflow beyond the tick range.
  ROCKPOOL_API static Duration from_seconds(double seconds);
  static constexpr Duration max() { return Duration(std::numeric_limits<std::int64_t>::max()); }
  static constexpr Duration zero() { return Duration(0); }

  constexpr std::int64_t ticks() const { return ticks_; }

  constexpr Duration operator-() const {
    return Duration(time_detail::checked_sub(0, ticks_, "Duration negation"));
  }
  constexpr Duration& operator+=(Duration d) {
    ticks_ = time_detail::checked_add(ticks_, d.ticks_, "Duration + Duration");
    return *this;
  }
  constexpr Duration& operator-=(Duration d) {
    ticks_ = time_detail::checked_sub(ticks_, d.ticks_, "Duration - Duration");
    return *this;
  }
  friend constexpr Duration operator+(Duration a, Duration b) { return a += b; }
  friend constexpr Duration operator-(Duration a, Duration b) { return a -= b; }
  friend constexpr Duration operator*(Duration d, std::int64_t k) {
    return Duration(time_detail::checked_mul(d.ticks_, k, "Duration * integer"));
  }
  friend constexpr Duration operator*(std::int64_t k, Duration d) { return d * k; }
  // How many whole `b` fit in `a`, rounded towards minus infinity.
  friend constexpr std::int64_t floor_div(Duration a, Duration b) {
    return time_detail::floor_div(a.ticks_, b.ticks_);
  }
  // Remainder of floor_div: always in [0, b) for b > 0.
  friend constexpr Duration floor_mod(Duration a, Duration b) {
    return Duration(a.ticks_ - time_detail::floor_div(a.ticks_, b.ticks_) * b.ticks_);
  }
  friend constexpr auto operator<=>(Duration, Duration) = default;

 private:
  constexpr explicit Duration(std::int64_t ticks) : ticks_(ticks) {}
  std::int64_t ticks_ = 0;
};

constexpr Duration ticks(std::int64_t n) { return Duration::from_ticks(n); }
constexpr Duration nanoseconds(std::int64_t n) {
  return Duration::from_ticks(time_detail::checked_mul(n, kTicksPerNanosecond, "nanoseconds"));
}
constexpr Duration microseconds(std::int64_t n) {
  return Duration::from_ticks(time_detail::checked_mul(n, kTicksPerMicrosecond, "microseconds"));
}
constexpr Duration milliseconds(std::int64_t n) {
  return Duration::from_ticks(time_detail::checked_mul(n, kTicksPerMillisecond, "milliseconds"));
}
constexpr Duration seconds(std::int64_t n) {
  return Duration::from_ticks(time_detail::checked_mul(n, kTicksPerSecond, "seconds"));
}
// The period of a clock of `hz` Hz; throws InvalidArgument unless it is a whole number of
// ticks (e.g. 90 MHz -> 100 ticks; 7 GHz is refused rather than rounded).
ROCKPOOL_API Duration period_of_hz(std::int64_t hz);

ROCKPOOL_API double to_seconds(Duration d);

// Greatest common divisor and least common multiple of spans (signs ignored). lcm throws
// TimeOverflow when the result leaves the tick range; gcd(0, 0) == 0 and lcm(x, 0) == 0.
ROCKPOOL_API Duration gcd(Duration a, Duration b);
ROCKPOOL_API Duration lcm(Duration a, Duration b);

// A point in simulated time: ticks since the simulation's time origin (t = 0).
class Time {
 public:
  constexpr Time() = default;
  static constexpr Time from_ticks(std::int64_t ticks) { return Time(ticks); }
  static Time from_seconds(double seconds) {
    return Time(Duration::from_seconds(seconds).ticks());
  }
  static constexpr Time zero() { return Time(0); }
  static constexpr Time max() { return Time(std::numeric_limits<std::int64_t>::max()); }
  static constexpr Time min() { return Time(std::numeric_limits<std::int64_t>::min()); }

  constexpr std::int64_t ticks() const { return ticks_; }
  constexpr Duration since_origin() const { return Duration::from_ticks(ticks_); }

  constexpr Time& operator+=(Duration d) {
    ticks_ = time_detail::checked_add(ticks_, d.ticks(), "Time + Duration");
    return *this;
  }
  constexpr Time& operator-=(Duration d) {
    ticks_ = time_detail::checked_sub(ticks_, d.ticks(), "Time - Duration");
    return *this;
  }
  friend constexpr Time operator+(Time t, Duration d) { return t += d; }
  friend constexpr Time operator+(Duration d, Time t) { return t += d; }
  friend constexpr Time operator-(Time t, Duration d) { return t -= d; }
  friend constexpr Duration operator-(Time a, Time b) {
    return Duration::from_ticks(time_detail::checked_sub(a.ticks_, b.ticks_, "Time - Time"));
  }
  friend constexpr auto operator<=>(Time, Time) = default;

 private:
  constexpr explicit Time(std::int64_t ticks) : ticks_(ticks) {}
  std::int64_t ticks_ = 0;
};

ROCKPOOL_API double to_seconds(Time t);

// Shortest decimal that reads back to the same double as to_seconds(): "9.9", "0", "1e-09".
ROCKPOOL_API std::string format_seconds(Time t);
ROCKPOOL_API std::string format_seconds(Duration d);

// Exact parse of a decimal with an optional unit: "10", "1.5ms", "100 us", "2e-3 s", "7ns",
// "100tick". No unit means seconds. Rounds once, half to even, to the tick. Throws
// InvalidArgument naming `what` (e.g. "--duration") on malformed text.
ROCKPOOL_API Duration parse_duration(std::string_view text, std::string_view what = "duration");

}  // namespace rockpool
