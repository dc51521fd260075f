#include "engine/time.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

using namespace rockpool;

TEST_CASE("one millisecond plus one millisecond is exactly two milliseconds") {
  CHECK(milliseconds(1) + milliseconds(1) == milliseconds(2));
  CHECK((milliseconds(1) + milliseconds(1)).ticks() == 18'000'000);
}

TEST_CASE("the DynapSE FPGA period 1/90 MHz is 100 ticks and 90e6 of them make one second") {
  const Duration fpga = period_of_hz(90'000'000);
  CHECK(fpga.ticks() == 100);
  CHECK(fpga * 90'000'000 == seconds(1));
}

TEST_CASE("seconds, ms, us and ns are whole numbers of ticks") {
  CHECK(seconds(1).ticks() == 9'000'000'000);
  CHECK(microseconds(1).ticks() == 9'000);
  CHECK(nanoseconds(1).ticks() == 9);
  CHECK(seconds(1) == 1000 * milliseconds(1));
  CHECK(milliseconds(1) == 1000 * microseconds(1));
  CHECK(microseconds(1) == 1000 * nanoseconds(1));
}

TEST_CASE("lcm and gcd of durations are exact") {
  CHECK(lcm(lcm(milliseconds(5), milliseconds(3)), milliseconds(6)) == milliseconds(30));
  // 7, 13 and 43 are coprime: 7 * 13 * 43 = 3913 ms.
  CHECK(lcm(lcm(milliseconds(7), milliseconds(13)), milliseconds(43)) == milliseconds(3913));
  CHECK(lcm(lcm(milliseconds(7), milliseconds(13)), milliseconds(43)) == Duration::from_seconds(3.913));
  CHECK(gcd(milliseconds(30), milliseconds(45)) == milliseconds(15));
  CHECK(gcd(milliseconds(1), period_of_hz(90'000'000)) == ticks(100));
  CHECK(lcm(milliseconds(3), Duration::zero()) == Duration::zero());
  CHECK(gcd(-milliseconds(4), milliseconds(6)) == milliseconds(2));
}

TEST_CASE("overflow is detected and reported, not wrapped") {
  const Duration big = Duration::max();
  CHECK_THROWS_AS(big + ticks(1), TimeOverflow);
  CHECK_THROWS_AS(seconds(2'000'000'000), TimeOverflow);  // ~63 years
  CHECK_THROWS_AS(seconds(1'000'000'000) * 2, TimeOverflow);
  CHECK_THROWS_AS(Time::max() + ticks(1), TimeOverflow);
  CHECK_THROWS_AS(Time::min() - ticks(1), TimeOverflow);
  CHECK_THROWS_AS(Time::max() - Time::min(), TimeOverflow);
  CHECK_THROWS_AS(Duration::from_seconds(1.1e9), TimeOverflow);  // > 2^63 / 9e9 = 1.0248e9 s
  // Two large coprime periods whose lcm leaves the range.
  CHECK_THROWS_AS(lcm(ticks(4'000'000'007), ticks(4'000'000'009)), TimeOverflow);
  // The range is about +-32 years: 32 years of seconds still fits.
  CHECK_NOTHROW(seconds(32LL * 365 * 24 * 3600));
}

TEST_CASE("from_seconds rounds the exact binary value once, half to even") {
  CHECK(Duration::from_seconds(0.001) == milliseconds(1));
  CHECK(Duration::from_seconds(0.1) == milliseconds(100));
  CHECK(Duration::from_seconds(-0.1) == -milliseconds(100));
  CHECK(Duration::from_seconds(1e-9) == nanoseconds(1));
  // 2^-34 s * 9e9 = 0.523868... ticks -> 1 tick; 2^-35 s = 0.2619 ticks -> 0.
  CHECK(Duration::from_seconds(std::ldexp(1.0, -34)).ticks() == 1);
  CHECK(Duration::from_seconds(std::ldexp(1.0, -35)).ticks() == 0);
  // Exact ties: 9e9 = 2^9 * 17578125, so k * 2^-10 s = k * 17578125 / 2 ticks.
  // k = 1: 8789062.5 -> 8789062 (even); k = 3: 26367187.5 -> 26367188 (even).
  CHECK(Duration::from_seconds(std::ldexp(1.0, -10)).ticks() == 8'789'062);
  CHECK(Duration::from_seconds(std::ldexp(3.0, -10)).ticks() == 26'367'188);
  CHECK(Duration::from_seconds(-std::ldexp(3.0, -10)).ticks() == -26'367'188);
  CHECK_THROWS_AS(Duration::from_seconds(std::nan("")), InvalidArgument);
  CHECK_THROWS_AS(Duration::from_seconds(std::numeric_limits<double>::infinity()), InvalidArgument);
}

TEST_CASE("to_seconds and from_seconds round-trip on decimal times") {
  for (double s : {0.0, 0.1, 9.9, 1e-6, 123.456, -0.003}) {
    CHECK(to_seconds(Time::from_seconds(s)) == s);
  }
  CHECK(format_seconds(Time::from_seconds(9.9)) == "9.9");
  CHECK(format_seconds(Time::zero()) == "0");
}

TEST_CASE("parse_duration reads decimals with units exactly") {
  CHECK(parse_duration("10") == seconds(10));
  CHECK(parse_duration("1.5ms") == microseconds(1500));
  CHECK(parse_duration("100 us") == microseconds(100));
  CHECK(parse_duration("2e-3 s") == milliseconds(2));
  CHECK(parse_duration("7ns") == nanoseconds(7));
  CHECK(parse_duration("100tick") == ticks(100));
  CHECK(parse_duration("-0.25") == -milliseconds(250));
  // 0.1 ns = 0.9 ticks -> 1 tick; 0.5 tick ties to even (0), 1.5 ticks -> 2.
  CHECK(parse_duration("0.1ns") == ticks(1));
  CHECK(parse_duration("0.5tick") == ticks(0));
  CHECK(parse_duration("1.5tick") == ticks(2));
  CHECK_THROWS_AS(parse_duration("abc"), InvalidArgument);
  CHECK_THROWS_AS(parse_duration("1.2.3"), InvalidArgument);
  CHECK_THROWS_AS(parse_duration("5 fortnights"), InvalidArgument);
  CHECK_THROWS_AS(parse_duration("1e30"), TimeOverflow);
}

TEST_CASE("floor_div and floor_mod round towards minus infinity") {
  CHECK(floor_div(milliseconds(7), milliseconds(2)) == 3);
  CHECK(floor_div(-milliseconds(7), milliseconds(2)) == -4);
  CHECK(floor_mod(-milliseconds(7), milliseconds(2)) == milliseconds(1));
  CHECK(floor_mod(milliseconds(6), milliseconds(2)) == Duration::zero());
}

TEST_CASE("Time and Duration arithmetic") {
  const Time t0 = Time::from_seconds(1.0);
  const Time t1 = t0 + 3 * milliseconds(20);
  CHECK(t1 - t0 == milliseconds(60));
  CHECK(t1 > t0);
  CHECK(t1 - milliseconds(60) == t0);
  CHECK(to_seconds(t1) == doctest::Approx(1.06).epsilon(1e-15));
}
