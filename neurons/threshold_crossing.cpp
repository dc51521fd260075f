#include "neurons/threshold_crossing.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/time.hpp"

namespace rockpool {
namespace {

constexpr double kSecondsPerTick = 1.0 / static_cast<double>(kTicksPerSecond);

double tick_seconds(std::int64_t k) { return static_cast<double>(k) / static_cast<double>(kTicksPerSecond); }

struct Bounds {
  double lo = 0.0;
  double hi = 0.0;
};

// Range of b * exp(-r s) over [a, z]: monotone, so the ends bound it.
void add_exp_term(Bounds& out, double b, double r, double a, double z) {
  const double x = b * std::exp(-r * a), y = b * std::exp(-r * z);
  out.lo += std::min(x, y);
  out.hi += std::max(x, y);
}

// Range of d * g(s) over [a, z] for g unimodal with its extremum at `peak`.
template <class G>
void add_unimodal_term(Bounds& out, double d, G g, double peak, double a, double z) {
  const double ga = g(a), gz = g(z);
  const double inner = (peak > a && peak < z) ? g(peak) : ga;
  const double lo = std::min({ga, gz, inner}), hi = std::max({ga, gz, inner});
  out.lo += d >= 0 ? d * lo : d * hi;
  out.hi += d >= 0 ? d * hi : d * lo;
}

Bounds value_bounds(const ExpSum& f, double a, double z) {
  Bounds b{f.constant, f.constant};
  for (int j = 0; j < f.terms; ++j) add_exp_term(b, f.coef[j], f.rate[j], a, z);
  if (f.linear_coef != 0.0) {
    const double q = f.linear_rate;
    // g(s) = s exp(-q s) rises to its peak at 1/q, then falls.
    add_unimodal_term(b, f.linear_coef, [q](double s) { return s * std::exp(-q * s); }, 1.0 / q, a, z);
  }
  return b;
}

Bounds derivative_bounds(const ExpSum& f, double a, double z) {
  Bounds b{0.0, 0.0};
  for (int j = 0; j < f.terms; ++j) add_exp_term(b, -f.rate[j] * f.coef[j], f.rate[j], a, z);
  if (f.linear_coef != 0.0) {
    const double q = f.linear_rate;
    // g'(s) = (1 - q s) exp(-q s) falls to its minimum at 2/q, then rises towards 0.
    add_unimodal_term(b, f.linear_coef, [q](double s) { return (1.0 - q * s) * std::exp(-q * s); }, 2.0 / q, a,
                      z);
  }
  return b;
}

// Root of an increasing f on [a, z] with f(a) < 0 <= f(z): Newton steps kept inside the
// bracket, falling back to bisection, until the bracket is below a tenth of a tick.
double increasing_root(const ExpSum& f, double a, double z) {
  double s = 0.5 * (a + z);
  for (int it = 0; it < 200 && z - a > 0.1 * kSecondsPerTick; ++it) {
    const double v = f(s);
    if (v >= 0) z = s; else a = s;
    const double slope = f.derivative(s);
    double next = slope > 0 ? s - v / slope : 0.5 * (a + z);
    if (!(next > a && next < z)) next = 0.5 * (a + z);
    s = next;
  }
  return z;
}

// First root in [a, z] given that none lies before a. Depth-first, left half first.
std::optional<double> first_root(const ExpSum& f, double a, double z, int depth) {
  const Bounds v = value_bounds(f, a, z);
  if (v.hi < 0) return std::nullopt;
  if (f(a) >= 0) return a;
  if (z - a <= 0.5 * kSecondsPerTick || depth > 200) {
    return f(z) >= 0 ? std::optional<double>(z) : std::nullopt;
  }
  const Bounds dv = derivative_bounds(f, a, z);
  if (dv.lo > 0) {  // increasing: one crossing at most
    if (f(z) < 0) return std::nullopt;
    return increasing_root(f, a, z);
  }
  if (dv.hi < 0) return std::nullopt;  // decreasing from f(a) < 0
  const double m = 0.5 * (a + z);
  if (auto r = first_root(f, a, m, depth + 1)) return r;
  return first_root(f, m, z, depth + 1);
}

// First root in [a, z], searched in windows that start at a lower bound of the crossing
// and double in width: the crossing is usually close to that bound, so the first, small
// window resolves it in a few subdivisions instead of bisecting down from the horizon.
std::optional<double> first_root_galloping(const ExpSum& f, double a, double z) {
  const double bound = crossing_lower_bound(f, a);
  if (!(bound <= z)) return std::nullopt;  // never, or not before z
  double width = std::max(bound - a, 16 * kSecondsPerTick);
  for (double lo = std::max(a, bound - kSecondsPerTick); lo < z; width *= 2) {
    const double hi = std::min(z, lo + width);
    if (auto r = first_root(f, lo, hi, 0)) return r;
    lo = hi;
  }
  return std::nullopt;
}

// A time beyond which every term is smaller than |c| / (terms + 1), so f keeps the sign of c.
double horizon_seconds(const ExpSum& f) {
  const double c = std::abs(f.constant);
  const int n = f.terms + 2;
  double h = 0.0;
  auto extend = [&](double magnitude, double rate) {
    if (magnitude == 0.0) return;
    if (c == 0.0) {  // no constant to dominate: go 50 slowest time constants out
      h = std::max(h, 50.0 / rate);
      return;
    }
    h = std::max(h, std::log(std::max(1.0, n * magnitude / c)) / rate);
  };
  for (int j = 0; j < f.terms; ++j) extend(std::abs(f.coef[j]), f.rate[j]);
  // s exp(-q s) <= (2 / (e q)) exp(-q s / 2)
  if (f.linear_coef != 0.0) extend(std::abs(f.linear_coef) * 2.0 / (std::exp(1.0) * f.linear_rate), 0.5 * f.linear_rate);
  return h + kSecondsPerTick;
}

}  // namespace

double ExpSum::operator()(double s) const {
  if (s == 0.0) {  // the common case right after an input: no exponentials needed
    double v = constant;
    for (int j = 0; j < terms; ++j) v += coef[j];
    return v;
  }
  double v = constant;
  for (int j = 0; j < terms; ++j) v += coef[j] * std::exp(-rate[j] * s);
  if (linear_coef != 0.0) v += linear_coef * s * std::exp(-linear_rate * s);
  return v;
}

double ExpSum::derivative(double s) const {
  double v = 0.0;
  for (int j = 0; j < terms; ++j) v -= rate[j] * coef[j] * std::exp(-rate[j] * s);
  if (linear_coef != 0.0) v += linear_coef * (1.0 - linear_rate * s) * std::exp(-linear_rate * s);
  return v;
}

double crossing_lower_bound(const ExpSum& f, double s0, bool tight) {
  // Only terms whose slope is positive can raise f. Each such slope P_j e^{-r_j (s - s0)}
  // decays, so f(s0 + x) <= f(s0) + sum_j P_j (1 - e^{-r_j x}) / r_j
  //                      <= f(s0) + P (1 - e^{-r x}) / r,   P = sum_j P_j, r = min_j r_j,
  // because (1 - e^{-r x}) / r falls as r grows. Solving for zero gives the bound, and when
  // P / r cannot make up -f(s0) the function never reaches zero at all.
  double rising = 0.0;       // P
  double slowest = 0.0;      // r
  for (int j = 0; j < f.terms; ++j) {
    const double decay = s0 == 0.0 ? 1.0 : std::exp(-f.rate[j] * s0);
    const double slope = -f.rate[j] * f.coef[j] * decay;
    if (slope > 0.0) {
      rising += slope;
      slowest = slowest == 0.0 ? f.rate[j] : std::min(slowest, f.rate[j]);
    }
  }
  const double gap = -f(s0);  // > 0
  if (f.linear_coef != 0.0) {
    // d (1 - q s) e^{-q s} has no simple decay: bound its slope by a constant, for s >= s0
    // at most max(0, (1 - q s0) e^{-q s0}) times d > 0, and -d e^{-2} for d < 0; with a
    // constant slope in play, use the linear bound f(s0 + x) <= f(s0) + (P + L) x.
    const double q = f.linear_rate, d = f.linear_coef;
    const double linear = d > 0 ? d * std::max(0.0, (1.0 - q * s0) * std::exp(-q * s0)) : -d * std::exp(-2.0);
    if (linear > 0.0) return s0 + gap / (rising + linear);
  }
  if (rising <= 0.0) return std::numeric_limits<double>::infinity();
  if (!tight) return s0 + gap / rising;         // (1 - e^{-r x}) / r <= x: no logarithm
  const double reach = gap * slowest / rising;  // 1 - e^{-r x} must reach this
  if (reach >= 1.0) return std::numeric_limits<double>::infinity();
  return s0 - std::log1p(-reach) / slowest;
}

std::optional<std::int64_t> first_crossing_tick(const ExpSum& f, std::int64_t max_ticks, std::int64_t min_tick) {
  if (min_tick > max_ticks) return std::nullopt;
  if (f(tick_seconds(min_tick)) >= 0) return min_tick;
  // Quick rejection (the common case): every term at its largest stays below zero.
  double upper = f.constant;
  for (int j = 0; j < f.terms; ++j) upper += std::max(0.0, f.coef[j]);
  if (f.linear_coef > 0) upper += f.linear_coef / (std::exp(1.0) * f.linear_rate);
  if (upper < 0) return std::nullopt;

  const double limit = std::min(horizon_seconds(f), tick_seconds(max_ticks));
  double from = tick_seconds(min_tick);
  if (from > limit) return std::nullopt;
  // A root found between ticks may be a brief touch that no tick sees: then search on
  // from just past it. Each round moves `from` forward by at least a tick.
  for (int round = 0; round < 64; ++round) {
    const auto root = first_root_galloping(f, from, limit);
    if (!root) return std::nullopt;
    auto k = static_cast<std::int64_t>(std::ceil(*root * static_cast<double>(kTicksPerSecond)));
    k = std::clamp<std::int64_t>(k, min_tick + 1, max_ticks);
    for (int step = 0; step < 3 && k < max_ticks && f(tick_seconds(k)) < 0; ++step) ++k;
    if (f(tick_seconds(k)) >= 0) {
      while (k > min_tick + 1 && f(tick_seconds(k - 1)) >= 0) --k;
      return k;
    }
    if (k >= max_ticks) return std::nullopt;
    from = tick_seconds(k);
  }
  return std::nullopt;
}

}  // namespace rockpool
