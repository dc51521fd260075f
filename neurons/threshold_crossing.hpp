// threshold_crossing.hpp: the first time a sum of exponentials reaches zero.
//
// Between events the membrane of an exponential-synapse LIF neuron is
//   f(s) = c + sum_j b_j exp(-r_j s) + d s exp(-q s),     s >= 0,
// (the s*exp term appears when a synaptic time constant equals the membrane's). The
// neuron spikes at the first s where f(s) >= 0. This finds it exactly to the tick: a
// branch-and-bound over [0, horizon] discards intervals whose term-wise upper bound is
// negative (each term is monotone, or unimodal with a known peak), and on the first
// interval where f is provably increasing across zero a safeguarded Newton iteration
// finds the root to machine precision; the result is the first whole tick at which
// f >= 0, checked by evaluating f at that tick and the one before.
//
// Header-only data; the search is in threshold_crossing.cpp.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

namespace rockpool {

struct ExpSum {
  static constexpr int kMaxTerms = 6;
  double constant = 0.0;
  std::array<double, kMaxTerms> coef{};  // b_j
  std::array<double, kMaxTerms> rate{};  // r_j > 0, in 1/s
  int terms = 0;
  double linear_coef = 0.0;  // d
  double linear_rate = 0.0;  // q > 0 when d != 0

  void add(double b, double r) {
    coef[terms] = b;
    rate[terms] = r;
    ++terms;
  }
  double operator()(double s) const;
  double derivative(double s) const;
};

// The first tick k >= min_tick (s = k / 9e9 seconds) with f(s) >= 0, or nullopt if f
// stays negative up to max_ticks. Pre: f < 0 on [0, min_tick). Exact to the tick:
// f(k) >= 0 and (k == min_tick or f(k - 1) < 0) hold for the returned k when evaluated
// with ExpSum::operator().
std::optional<std::int64_t> first_crossing_tick(const ExpSum& f, std::int64_t max_ticks,
                                                std::int64_t min_tick = 0);

// A cheap lower bound on the first crossing at or after s0 (seconds), given f(s0) < 0:
// only the terms rising at s0 can lift f, and their slopes decay, so
// f(s0 + x) <= f(s0) + P (1 - e^{-r x}) / r with P their summed slope and r their slowest
// rate. Returns the x where that bound reaches zero, plus s0, or +infinity when it never
// does (then f never reaches zero). With tight = false, the looser linear bound
// f(s0 + x) <= f(s0) + P x, which needs no logarithm (and never returns infinity while
// something rises).
double crossing_lower_bound(const ExpSum& f, double s0, bool tight = true);

}  // namespace rockpool
