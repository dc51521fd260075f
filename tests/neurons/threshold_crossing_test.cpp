#include "neurons/threshold_crossing.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "engine/time.hpp"

using namespace rockpool;

namespace {
double at_tick(const ExpSum& f, std::int64_t k) { return f(static_cast<double>(k) / 9e9); }
}  // namespace

TEST_CASE("one exponential and a constant cross where the closed form says") {
  // f(s) = 0.5 - 1.5 e^{-s/0.02}: zero at s = 0.02 ln 3 = 0.0219722457733622 s.
  ExpSum f;
  f.constant = 0.5;
  f.add(-1.5, 1 / 0.02);
  const auto k = first_crossing_tick(f, 9'000'000'000);
  REQUIRE(k);
  const long double exact_ticks = 0.02L * std::log(3.0L) * 9e9L;  // 197750211.96...
  CHECK(*k == static_cast<std::int64_t>(std::ceil(exact_ticks)));
  CHECK(at_tick(f, *k) >= 0);
  CHECK(at_tick(f, *k - 1) < 0);
}

TEST_CASE("a sum that rises and falls back below zero is never crossed") {
  // V(s) = 0.9 * 4/3 (e^{-s/0.02} - e^{-s/0.005}) peaks at 0.9 * 4/3 * 0.4725 = 0.567 < 1.
  ExpSum f;
  f.constant = -1.0;
  f.add(1.2, 1 / 0.02);
  f.add(-1.2, 1 / 0.005);
  CHECK_FALSE(first_crossing_tick(f, 90'000'000'000));
}

TEST_CASE("a transient bump above threshold is found at its first crossing") {
  // g(s) = A (e^{-s/0.02} - e^{-s/0.005}) - 0.5 with A = 2: rises above zero then decays.
  // Reference: scan on a 1 us grid, then bisect in double to the tick.
  ExpSum f;
  f.constant = -0.5;
  f.add(2.0, 1 / 0.02);
  f.add(-2.0, 1 / 0.005);
  const auto k = first_crossing_tick(f, 9'000'000'000);
  REQUIRE(k);
  double lo = 0, hi = 0;
  for (double s = 0; s < 0.1; s += 1e-6) {
    if (f(s) >= 0) {
      hi = s;
      lo = s - 1e-6;
      break;
    }
  }
  REQUIRE(hi > 0);
  for (int i = 0; i < 100; ++i) {
    const double m = 0.5 * (lo + hi);
    (f(m) >= 0 ? hi : lo) = m;
  }
  CHECK(std::abs(static_cast<double>(*k) - hi * 9e9) <= 1.0);
  CHECK(at_tick(f, *k) >= 0);
  CHECK(at_tick(f, *k - 1) < 0);
}

TEST_CASE("the s*exp(-s/tau) form (tau_syn == tau_mem) crosses where a fine scan finds it") {
  // V(s) = I s/tau e^{-s/tau} with I = 3, tau = 20 ms: peak 3/e = 1.10 > 1 at s = 20 ms.
  ExpSum f;
  f.constant = -1.0;
  f.linear_coef = 3.0 / 0.02;
  f.linear_rate = 1 / 0.02;
  const auto k = first_crossing_tick(f, 9'000'000'000);
  REQUIRE(k);
  double lo = 0, hi = 0.02;  // f(0) < 0 <= f(0.02) = 3/e - 1
  for (int i = 0; i < 100; ++i) {
    const double m = 0.5 * (lo + hi);
    (f(m) >= 0 ? hi : lo) = m;
  }
  CHECK(std::abs(static_cast<double>(*k) - hi * 9e9) <= 1.0);
  CHECK(at_tick(f, *k - 1) < 0);
}

TEST_CASE("a function already at or above zero crosses at tick 0") {
  ExpSum f;
  f.constant = 0.1;
  f.add(0.0, 1.0);
  CHECK(first_crossing_tick(f, 100) == std::optional<std::int64_t>(0));
}

TEST_CASE("the crossing lower bound is exact for one rising exponential and never above the crossing") {
  // f(s) = 0.5 - 1.5 e^{-s/0.02}: one rising term, so the bound is the crossing itself,
  // 0.02 ln 3 (by hand), up to rounding.
  ExpSum one;
  one.constant = 0.5;
  one.add(-1.5, 1 / 0.02);
  CHECK(crossing_lower_bound(one, 0.0) == doctest::Approx(0.02 * std::log(3.0)).epsilon(1e-12));
  // A falling term and a rising one: the bound must not pass the true crossing, which a
  // fine scan finds.
  ExpSum two;
  two.constant = 0.3;
  two.add(-2.0, 1 / 0.02);
  two.add(0.8, 1 / 0.005);
  double crossing = 0;
  for (double s = 0; s < 1; s += 1e-6) {
    if (two(s) >= 0) {
      crossing = s;
      break;
    }
  }
  REQUIRE(crossing > 0);
  for (double s0 : {0.0, 0.005, 0.01, crossing - 1e-4}) CHECK(crossing_lower_bound(two, s0) <= crossing);
  // Not enough rise to reach zero: f = -1 + 0.5 (1 - e^{-s/0.01}) tops out at -0.5.
  ExpSum never;
  never.constant = -0.5;
  never.add(-0.5, 1 / 0.01);
  CHECK(crossing_lower_bound(never, 0.0) == std::numeric_limits<double>::infinity());
}
