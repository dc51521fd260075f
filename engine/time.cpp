#include "engine/time.hpp"

#include <charconv>
#include <cmath>
#include <numeric>

namespace rockpool {
namespace {

using u128 = unsigned __int128;

constexpr u128 kInt64MaxMagnitude = static_cast<u128>(std::numeric_limits<std::int64_t>::max());

// Divides `num` by `den` (den > 0), rounding to nearest with ties to even.
u128 divide_half_even(u128 num, u128 den) {
  u128 q = num / den;
  u128 r = num % den;
  u128 twice_r = r * 2;  // r < den <= 2^127, no overflow for our operands
  if (twice_r > den || (twice_r == den && (q & 1) != 0)) ++q;
  return q;
}

// Applies the sign and checks the int64 range (magnitude 2^63 is allowed for negatives).
std::int64_t signed_ticks(u128 magnitude, bool negative, const char* what) {
  if (magnitude > kInt64MaxMagnitude + (negative ? 1 : 0)) throw TimeOverflow(what);
  if (negative) return static_cast<std::int64_t>(-static_cast<__int128>(magnitude));
  return static_cast<std::int64_t>(magnitude);
}

std::uint64_t magnitude(std::int64_t v) {
  return v < 0 ? ~static_cast<std::uint64_t>(v) + 1 : static_cast<std::uint64_t>(v);
}

}  // namespace

// Round once: the double is exactly m * 2^e with an integer mantissa m, so
// seconds * 9e9 = m * 9e9 * 2^e is computed exactly in 128 bits before the one rounding.
Duration Duration::from_seconds(double seconds) {
  if (!std::isfinite(seconds)) {
    throw InvalidArgument("seconds", "not a finite number (" + std::to_string(seconds) + ")");
  }
  if (seconds == 0.0) return Duration(0);
  int exponent = 0;
  const double fraction = std::frexp(seconds, &exponent);  // 0.5 <= |fraction| < 1
  const auto mantissa = static_cast<std::int64_t>(std::ldexp(fraction, 53));
  const int shift = exponent - 53;
  const bool negative = mantissa < 0;
  const u128 scaled = static_cast<u128>(magnitude(mantissa)) * kTicksPerSecond;  // < 2^87
  u128 result = 0;
  if (shift >= 0) {
    if (shift > 40) throw TimeOverflow("Duration::from_seconds");
    result = scaled << shift;
  } else if (-shift < 127) {
    result = divide_half_even(scaled, static_cast<u128>(1) << -shift);
  }  // else |value| < 2^87 / 2^127: rounds to zero
  return Duration(signed_ticks(result, negative, "Duration::from_seconds"));
}

Duration period_of_hz(std::int64_t hz) {
  if (hz <= 0) throw InvalidArgument("hz", "must be positive, got " + std::to_string(hz));
  if (kTicksPerSecond % hz != 0) {
    throw InvalidArgument("hz", "the period of " + std::to_string(hz) +
                                    " Hz is not a whole number of 1/9 ns ticks");
  }
  return ticks(kTicksPerSecond / hz);
}

double to_seconds(Duration d) {
  constexpr std::int64_t kExactInDouble = std::int64_t{1} << 53;
  constexpr auto kTicks = static_cast<double>(kTicksPerSecond);
  // One correctly rounded division while the tick count is exact in a double, so a time
  // that is a whole number of ticks reads back as the nearest double (9.9 s -> 9.9).
  if (d.ticks() > -kExactInDouble && d.ticks() < kExactInDouble) {
    return static_cast<double>(d.ticks()) / kTicks;
  }
  // Beyond 2^53 ticks (~11.6 days) split off whole seconds to keep the sub-second digits.
  const std::int64_t whole = d.ticks() / kTicksPerSecond;
  const std::int64_t rest = d.ticks() % kTicksPerSecond;
  return static_cast<double>(whole) + static_cast<double>(rest) / kTicks;
}
double to_seconds(Time t) { return to_seconds(t.since_origin()); }

Duration gcd(Duration a, Duration b) {
  const std::uint64_t g = std::gcd(magnitude(a.ticks()), magnitude(b.ticks()));
  return ticks(signed_ticks(g, false, "gcd(Duration, Duration)"));
}

Duration lcm(Duration a, Duration b) {
  const std::uint64_t ma = magnitude(a.ticks());
  const std::uint64_t mb = magnitude(b.ticks());
  if (ma == 0 || mb == 0) return Duration::zero();
  const u128 l = static_cast<u128>(ma / std::gcd(ma, mb)) * mb;
  return ticks(signed_ticks(l, false, "lcm(Duration, Duration)"));
}

std::string format_seconds(Duration d) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, to_seconds(d));
  return std::string(buffer, result.ptr);
}
std::string format_seconds(Time t) { return format_seconds(t.since_origin()); }

Duration parse_duration(std::string_view text, std::string_view what) {
  const std::string original(text);
  auto fail = [&](const std::string& why) -> Duration {
    throw InvalidArgument(what, "cannot read '" + original + "' as a duration: " + why);
  };
  auto skip_spaces = [&] {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  };
  skip_spaces();
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  // Decimal digits into an exact integer mantissa and a power-of-ten exponent.
  u128 mantissa = 0;
  int exponent10 = 0;
  int digits = 0;
  bool seen_point = false;
  while (!text.empty() && (std::isdigit(static_cast<unsigned char>(text.front())) || text.front() == '.')) {
    const char c = text.front();
    text.remove_prefix(1);
    if (c == '.') {
      if (seen_point) return fail("two decimal points");
      seen_point = true;
      continue;
    }
    if (mantissa == 0 && c == '0') {
      if (seen_point) --exponent10;
      ++digits;
      continue;
    }
    if (digits >= 36) return fail("more than 36 significant digits");
    mantissa = mantissa * 10 + static_cast<unsigned>(c - '0');
    ++digits;
    if (seen_point) --exponent10;
  }
  if (digits == 0) return fail("no digits");
  if (!text.empty() && (text.front() == 'e' || text.front() == 'E')) {
    text.remove_prefix(1);
    int sign = 1;
    if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
      sign = text.front() == '-' ? -1 : 1;
      text.remove_prefix(1);
    }
    int e = 0;
    int e_digits = 0;
    while (!text.empty() && std::isdigit(static_cast<unsigned char>(text.front()))) {
      e = e * 10 + (text.front() - '0');
      if (e > 1000) return fail("exponent too large");
      text.remove_prefix(1);
      ++e_digits;
    }
    if (e_digits == 0) return fail("exponent without digits");
    exponent10 += sign * e;
  }
  skip_spaces();
  std::int64_t unit = kTicksPerSecond;
  if (text.empty() || text == "s") {
    unit = kTicksPerSecond;
  } else if (text == "ms") {
    unit = kTicksPerMillisecond;
  } else if (text == "us" || text == "\xC2\xB5s") {
    unit = kTicksPerMicrosecond;
  } else if (text == "ns") {
    unit = kTicksPerNanosecond;
  } else if (text == "tick" || text == "ticks") {
    unit = 1;
  } else {
    return fail("unknown unit '" + std::string(text) + "' (use s, ms, us, ns or tick)");
  }
  if (mantissa > (~static_cast<u128>(0)) / static_cast<u128>(unit)) return fail("too large");
  u128 value = mantissa * static_cast<u128>(unit);
  for (; exponent10 > 0; --exponent10) {
    if (value > kInt64MaxMagnitude + 1) return ticks(signed_ticks(value, negative, "parse_duration"));
    value *= 10;
  }
  if (exponent10 < 0) {
    if (exponent10 < -38) {
      value = 0;
    } else {
      u128 divisor = 1;
      for (int k = 0; k < -exponent10; ++k) divisor *= 10;
      value = divide_half_even(value, divisor);
    }
  }
  return ticks(signed_ticks(value, negative, "parse_duration"));
}

}  // namespace rockpool
