#include "engine/random.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

using namespace rockpool;

// Known-answer vectors published with Random123 (kat_vectors, "philox4x32 10" lines).
TEST_CASE("Philox4x32-10 reproduces the published known-answer vectors") {
  using W = std::array<std::uint32_t, 4>;
  CHECK(philox4x32_10({0, 0, 0, 0}, {0, 0}) == W{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8});
  CHECK(philox4x32_10({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff}) ==
        W{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd});
  CHECK(philox4x32_10({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0}) ==
        W{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1});
}

TEST_CASE("CounterRng is a pure function of seed, stream and counter") {
  const CounterRng a(42, 7), b(42, 7), other_stream(42, 8), other_seed(43, 7);
  CHECK(a.bits(1000) == b.bits(1000));
  CHECK(a.bits(1000) != other_stream.bits(1000));
  CHECK(a.bits(1000) != other_seed.bits(1000));
  // Evaluation order does not matter: draw 5 is the same before and after draw 9.
  const auto first = a.uniform(5);
  (void)a.uniform(9);
  CHECK(a.uniform(5) == first);
}

TEST_CASE("CounterRng moments match the uniform, normal and exponential laws") {
  const CounterRng rng(1, 2);
  const int n = 200000;
  double su = 0, su2 = 0, sn = 0, sn2 = 0, se = 0;
  for (int i = 0; i < n; ++i) {
    const double u = rng.uniform(i);
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    su += u;
    su2 += u * u;
    const double g = rng.normal(i);
    sn += g;
    sn2 += g * g;
    se += rng.exponential(i);
  }
  // Uniform: mean 1/2, variance 1/12; normal: 0, 1; exponential: mean 1.
  // Tolerances are ~5 standard errors for n = 2e5.
  CHECK(su / n == doctest::Approx(0.5).epsilon(0.004));
  CHECK(su2 / n - (su / n) * (su / n) == doctest::Approx(1.0 / 12).epsilon(0.01));
  CHECK(std::abs(sn / n) < 5 / std::sqrt(n));
  CHECK(sn2 / n == doctest::Approx(1.0).epsilon(0.02));
  CHECK(se / n == doctest::Approx(1.0).epsilon(0.012));
}

TEST_CASE("for_each_bernoulli picks each index with probability p, in order") {
  // 400 rows of 1000 trials at p = 0.1: each index is hit ~40 times (binomial sd 6), the
  // total is 40000 +- 5 sd of 190.
  std::vector<int> hits(1000, 0);
  std::size_t total = 0;
  bool increasing = true;
  for (std::uint64_t row = 0; row < 400; ++row) {
    std::int64_t last = -1;
    for_each_bernoulli(CounterRng(3, row), 1000, 0.1, [&](std::uint64_t j) {
      increasing = increasing && static_cast<std::int64_t>(j) > last;
      last = static_cast<std::int64_t>(j);
      ++hits[j];
      ++total;
    });
  }
  CHECK(increasing);
  CHECK(std::abs(static_cast<double>(total) - 40000.0) < 950.0);
  // First and last indices are not favoured: chi-square-like check on two halves.
  std::size_t first_half = 0;
  for (int j = 0; j < 500; ++j) first_half += hits[j];
  CHECK(std::abs(static_cast<double>(first_half) - static_cast<double>(total) / 2) < 5 * std::sqrt(total / 4.0));
  std::size_t all = 0;
  for_each_bernoulli(CounterRng(1, 1), 7, 1.0, [&](std::uint64_t) { ++all; });
  CHECK(all == 7);
  for_each_bernoulli(CounterRng(1, 1), 7, 0.0, [&](std::uint64_t) { ++all; });
  CHECK(all == 7);
}
