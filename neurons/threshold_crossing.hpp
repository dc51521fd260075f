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

// A cheap lower bound on the first crossing at or after s0 (seconds), from f(s0) < 0 and
// an upper bound D on f' over [s0, inf): f(s) <= f(s0) + D (s - s0). Returns s0 - f(s0)/D,
// or +infinity when D <= 0 (f never rises again, so it never reaches zero).
double crossing_lower_bound(const ExpSum& f, double s0);

}  // namespace rockpool
