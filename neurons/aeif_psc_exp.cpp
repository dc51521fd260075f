#include "neurons/aeif_psc_exp.hpp"

#include "engine/checkpoint.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "neurons/parameter_checks.hpp"
#include "neurons/threshold_crossing.hpp"

namespace rockpool {
namespace {

constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
constexpr double kTicks = static_cast<double>(kTicksPerSecond);

double seconds_of(std::int64_t ticks) { return static_cast<double>(ticks) / kTicks; }

constexpr std::string_view kStateNames[] = {"V_m", "w", "I_syn_ex", "I_syn_in"};

// Dormand–Prince 5(4): nodes, stage weights, 5th-order weights (= the last stage's row,
// so the last stage is f at the new point: "first same as last") and the difference
// between the 5th- and 4th-order weights (the error estimate). Published constants.
constexpr double c5 = 8.0 / 9;  // the other nodes: 1/5, 3/10, 4/5, 1, 1
constexpr double a21 = 1.0 / 5;
constexpr double a31 = 3.0 / 40, a32 = 9.0 / 40;
constexpr double a41 = 44.0 / 45, a42 = -56.0 / 15, a43 = 32.0 / 9;
constexpr double a51 = 19372.0 / 6561, a52 = -25360.0 / 2187, a53 = 64448.0 / 6561, a54 = -212.0 / 729;
constexpr double a61 = 9017.0 / 3168, a62 = -355.0 / 33, a63 = 46732.0 / 5247, a64 = 49.0 / 176,
                 a65 = -5103.0 / 18656;
constexpr double b1 = 35.0 / 384, b3 = 500.0 / 1113, b4 = 125.0 / 192, b5 = -2187.0 / 6784, b6 = 11.0 / 84;
constexpr double e1 = 71.0 / 57600, e3 = -71.0 / 16695, e4 = 71.0 / 1920, e5 = -17253.0 / 339200,
                 e6 = 22.0 / 525, e7 = -1.0 / 40;

struct Vec2 {
  double v, w;
};

// The right-hand side of (V, w) with the currents given, and one embedded step.
struct Dynamics {
  explicit Dynamics(const AeifPscExp::Parameters& parameters)
      : p(parameters),
        inv_c_m(1.0 / p.C_m),
        inv_tau_w(1.0 / p.tau_w),
        inv_delta_t(p.Delta_T > 0 ? 1.0 / p.Delta_T : 0.0),
        g_l_delta_t(p.g_L * p.Delta_T) {}
  const AeifPscExp::Parameters& p;
  double inv_c_m, inv_tau_w, inv_delta_t, g_l_delta_t;  // no divisions in the stages

  Vec2 rhs(double v, double w, double i_ex, double i_in) const {
    double spike_current = 0.0;
    if (p.Delta_T > 0) spike_current = g_l_delta_t * std::exp((std::min(v, p.V_peak) - p.V_th) * inv_delta_t);
    return {(-p.g_L * (v - p.E_L) + spike_current - w + i_ex - i_in + p.I_e) * inv_c_m,
            (p.a * (v - p.E_L) - w) * inv_tau_w};
  }

  // One Dormand–Prince step of size h from y (derivative f0 there), the currents i_ex,
  // i_in at the step start. Out: the 5th-order solution, f at it, the error estimate.
  struct Step {
    Vec2 y, f, error;
  };
  Step step(Vec2 y, Vec2 f0, double i_ex, double i_in, double h) const {
    // The net current I_ex - I_in at the stage times c h: the nodes 0.2, 0.3, 0.8 and 1
    // are powers of e^{-0.1 h / tau}, so each current costs two exp() per step (none
    // when it is zero), not five.
    struct Decay {
      double q2, q3, q8, q10, q89;
    };
    auto decay = [&](double current, double tau) {
      if (current == 0.0) return Decay{0, 0, 0, 0, 0};
      const double q = std::exp(-0.1 * h / tau), q2 = q * q, q3 = q2 * q, q4 = q2 * q2, q8 = q4 * q4;
      return Decay{current * q2, current * q3, current * q8, current * q8 * q2, current * std::exp(-c5 * h / tau)};
    };
    const Decay ex = decay(i_ex, p.tau_syn_ex), in = decay(i_in, p.tau_syn_in);
    auto eval = [&](double ie, double ii, double dv, double dw) { return rhs(y.v + h * dv, y.w + h * dw, ie, ii); };
    const Vec2 k1 = f0;
    const Vec2 k2 = eval(ex.q2, in.q2, a21 * k1.v, a21 * k1.w);
    const Vec2 k3 = eval(ex.q3, in.q3, a31 * k1.v + a32 * k2.v, a31 * k1.w + a32 * k2.w);
    const Vec2 k4 = eval(ex.q8, in.q8, a41 * k1.v + a42 * k2.v + a43 * k3.v, a41 * k1.w + a42 * k2.w + a43 * k3.w);
    const Vec2 k5 = eval(ex.q89, in.q89, a51 * k1.v + a52 * k2.v + a53 * k3.v + a54 * k4.v,
                         a51 * k1.w + a52 * k2.w + a53 * k3.w + a54 * k4.w);
    const Vec2 k6 = eval(ex.q10, in.q10, a61 * k1.v + a62 * k2.v + a63 * k3.v + a64 * k4.v + a65 * k5.v,
                         a61 * k1.w + a62 * k2.w + a63 * k3.w + a64 * k4.w + a65 * k5.w);
    Step s;
    s.y = {y.v + h * (b1 * k1.v + b3 * k3.v + b4 * k4.v + b5 * k5.v + b6 * k6.v),
           y.w + h * (b1 * k1.w + b3 * k3.w + b4 * k4.w + b5 * k5.w + b6 * k6.w)};
    s.f = rhs(s.y.v, s.y.w, ex.q10, in.q10);  // k7
    s.error = {h * (e1 * k1.v + e3 * k3.v + e4 * k4.v + e5 * k5.v + e6 * k6.v + e7 * s.f.v),
               h * (e1 * k1.w + e3 * k3.w + e4 * k4.w + e5 * k5.w + e6 * k6.w + e7 * s.f.w)};
    return s;
  }
};

// The cubic Hermite interpolant of V over a step, theta in [0, 1].
struct Hermite {
  double v0, v1, d0, d1;  // values and derivatives times h
  double operator()(double t) const {
    const double t2 = t * t, t3 = t2 * t;
    return (2 * t3 - 3 * t2 + 1) * v0 + (t3 - 2 * t2 + t) * d0 + (-2 * t3 + 3 * t2) * v1 + (t3 - t2) * d1;
  }
  // The largest theta in (0, 1) where the derivative vanishes from + to - (a maximum), or -1.
  double interior_max() const {
    // p'(t) = A t^2 + B t + C
    const double A = 6 * v0 + 3 * d0 - 6 * v1 + 3 * d1;
    const double B = -6 * v0 - 4 * d0 + 6 * v1 - 2 * d1;
    const double C = d0;
    if (A == 0) return B < 0 && -C / B > 0 && -C / B < 1 ? -C / B : -1.0;
    const double disc = B * B - 4 * A * C;
    if (disc < 0) return -1.0;
    const double r = std::sqrt(disc);
    for (double t : {(-B - r) / (2 * A), (-B + r) / (2 * A)}) {
      if (t > 0 && t < 1 && 2 * A * t + B < 0) return t;  // p'' < 0: a maximum
    }
    return -1.0;
  }
};

}  // namespace

AeifPscExp::AeifPscExp(Parameters parameters, std::size_t size, Accuracy accuracy)
    : params_(parameters), accuracy_(accuracy) {
  using neuron_detail::shortest;
  const Parameters& p = params_;
  auto finite = [](const char* name, double x) {
    if (!std::isfinite(x)) throw InvalidArgument(name, "must be finite, got " + shortest(x));
  };
  auto positive = [&](const char* name, double x) {
    finite(name, x);
    if (x <= 0) throw InvalidArgument(name, "must be positive, got " + shortest(x));
  };
  positive("C_m", p.C_m);
  positive("g_L", p.g_L);
  positive("tau_w", p.tau_w);
  positive("tau_syn_ex", p.tau_syn_ex);
  positive("tau_syn_in", p.tau_syn_in);
  for (auto [name, x] : {std::pair{"E_L", p.E_L}, {"V_th", p.V_th}, {"Delta_T", p.Delta_T}, {"a", p.a}, {"b", p.b},
                         {"V_reset", p.V_reset}, {"V_peak", p.V_peak}, {"I_e", p.I_e}}) {
    finite(name, x);
  }
  if (p.Delta_T < 0) throw InvalidArgument("Delta_T", "must not be negative, got " + shortest(p.Delta_T));
  if (p.t_ref < Duration::zero()) throw InvalidArgument("t_ref", "must not be negative");
  if (p.Delta_T > 0 && p.V_peak < p.V_th) {
    throw InvalidArgument("V_peak", "must not lie below V_th (" + shortest(p.V_th) + "), got " + shortest(p.V_peak));
  }
  // NEST's guard: the exponential at V_peak must stay far from overflow.
  if (p.Delta_T > 0 && (p.V_peak - p.V_th) / p.Delta_T >= std::log(std::numeric_limits<double>::max() / 1e20)) {
    throw InvalidArgument("V_peak", "(V_peak - V_th) / Delta_T is too large: exp() of it would overflow; lower "
                                    "V_peak or raise Delta_T");
  }
  v_spike_ = p.Delta_T > 0 ? p.V_peak : p.V_th;
  if (p.V_reset >= v_spike_) {
    throw InvalidArgument("V_reset", "must lie below the spike threshold " + shortest(v_spike_) +
                                         " (V_peak, or V_th when Delta_T = 0), or a neuron would fire forever");
  }
  positive("abs_v", accuracy_.abs_v);
  positive("abs_w", accuracy_.abs_w);
  positive("abs_t", accuracy_.abs_t);
  finite("rel", accuracy_.rel);
  if (accuracy_.rel < 0) throw InvalidArgument("rel", "must not be negative");
  if (accuracy_.look_ahead <= Duration::zero()) throw InvalidArgument("look_ahead", "must be positive");
  if (accuracy_.max_look_ahead < accuracy_.look_ahead) {
    throw InvalidArgument("max_look_ahead", "must not be shorter than look_ahead");
  }
  if (size > std::numeric_limits<NeuronIndex>::max()) throw OutOfRange("size", "more than 2^32 - 1 neurons");
  initial_v_.assign(size, p.E_L);
  initial_w_.assign(size, 0.0);
  v_.assign(size, p.E_L);
  w_.assign(size, 0.0);
  i_ex_.assign(size, 0.0);
  i_in_.assign(size, 0.0);
  h_.assign(size, 0.0);
  last_.assign(size, 0);
  ref_until_.assign(size, std::numeric_limits<std::int64_t>::min());
  window_.assign(size, accuracy_.look_ahead.ticks());
  due_.assign(size, kNever);
  due_exact_.assign(size, 0);
  due_v_.assign(size, 0.0);
  due_w_.assign(size, 0.0);
  due_h_.assign(size, 0.0);
  due_state_.assign(size, 0);
}

std::span<const std::string_view> AeifPscExp::state_names() const { return kStateNames; }

void AeifPscExp::set_v_mem(std::span<const double> v) {
  if (v.size() != size()) {
    throw DimensionMismatch("V_m", "has " + std::to_string(v.size()) + " values for " + std::to_string(size()) +
                                       " neurons");
  }
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!std::isfinite(v[i])) throw InvalidArgument("V_m", "not finite at index " + std::to_string(i));
  }
  initial_v_.assign(v.begin(), v.end());
}

void AeifPscExp::set_w(std::span<const double> w) {
  if (w.size() != size()) {
    throw DimensionMismatch("w", "has " + std::to_string(w.size()) + " values for " + std::to_string(size()) +
                                     " neurons");
  }
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (!std::isfinite(w[i])) throw InvalidArgument("w", "not finite at index " + std::to_string(i));
  }
  initial_w_.assign(w.begin(), w.end());
}

AeifPscExp::Neuron AeifPscExp::load(NeuronIndex i) const {
  return {v_[i], w_[i], i_ex_[i], i_in_[i], last_[i], ref_until_[i], h_[i]};
}

void AeifPscExp::store(NeuronIndex i, const Neuron& n) {
  v_[i] = n.v;
  w_[i] = n.w;
  i_ex_[i] = n.i_ex;
  i_in_[i] = n.i_in;
  last_[i] = n.last;
  ref_until_[i] = n.ref_until;
  h_[i] = n.h;
}

bool AeifPscExp::advance(Neuron& n, std::int64_t t, bool find_peak) const {
  const Parameters& p = params_;
  if (t <= n.last) return find_peak && n.ref_until <= n.last && n.v >= v_spike_;
  // Refractory part, closed form: V = V_reset, w relaxes to a (V_reset - E_L).
  if (n.ref_until > n.last) {
    const std::int64_t end = std::min(t, n.ref_until);
    const double dt = seconds_of(end - n.last);
    const double w_inf = p.a * (p.V_reset - p.E_L);
    n.w = w_inf + (n.w - w_inf) * std::exp(-dt / p.tau_w);
    n.i_ex *= std::exp(-dt / p.tau_syn_ex);
    n.i_in *= std::exp(-dt / p.tau_syn_in);
    n.v = p.V_reset;
    n.last = end;
    if (end == t) return false;
  }
  if (find_peak && n.v >= v_spike_) return true;
  // Free part: Dormand–Prince with step control; the currents are exact exponentials.
  const Dynamics dyn(p);
  const std::int64_t start = n.last;
  const double total = seconds_of(t - start);
  const double i_ex0 = n.i_ex, i_in0 = n.i_in;
  auto currents_at = [&](double s, double& ie, double& ii) {
    ie = i_ex0 * std::exp(-s / p.tau_syn_ex);
    ii = i_in0 * std::exp(-s / p.tau_syn_in);
  };
  double s = 0.0;
  double ie = i_ex0, ii = i_in0;
  Vec2 y{n.v, n.w};
  Vec2 f = dyn.rhs(y.v, y.w, ie, ii);
  double h = n.h;
  if (!(h > 0)) {
    // No usable step (after an input, whose current jump changes the time scale): the
    // usual starting-step estimate from the first and second derivatives (Hairer,
    // Norsett & Wanner, Solving ODEs I, II.4), in the units of the error control.
    const double sc_v = accuracy_.abs_v + accuracy_.rel * std::abs(y.v) + accuracy_.abs_t * std::abs(f.v);
    const double sc_w = accuracy_.abs_w + accuracy_.rel * std::abs(y.w);
    const double d0 = std::max(std::abs(y.v) / sc_v, std::abs(y.w) / sc_w);
    const double d1 = std::max(std::abs(f.v) / sc_v, std::abs(f.w) / sc_w);
    const double h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
    const Vec2 f1 = dyn.rhs(y.v + h0 * f.v, y.w + h0 * f.w, ie * std::exp(-h0 / p.tau_syn_ex),
                            ii * std::exp(-h0 / p.tau_syn_in));
    const double d2 = std::max(std::abs(f1.v - f.v) / sc_v, std::abs(f1.w - f.w) / sc_w) / h0;
    const double h1 = std::max(d1, d2) <= 1e-15 ? std::max(1e-6, h0 * 1e-3) : std::pow(0.01 / std::max(d1, d2), 0.2);
    h = std::min(100 * h0, h1);
  }
  bool just_rejected = false;
  while (s < total) {
    const bool last_step = h >= total - s;
    const double h_try = last_step ? total - s : h;
    const Dynamics::Step st = dyn.step(y, f, ie, ii, h_try);
    // V's error is also allowed abs_t times its slope: where V explodes towards V_peak,
    // an error in V is an error of abs_t in the time of the spike, which is what counts.
    const double scale_v = accuracy_.abs_v + accuracy_.rel * std::max(std::abs(y.v), std::abs(st.y.v)) +
                           accuracy_.abs_t * std::max(std::abs(f.v), std::abs(st.f.v));
    const double scale_w = accuracy_.abs_w + accuracy_.rel * std::max(std::abs(y.w), std::abs(st.y.w));
    const double err = std::max(std::abs(st.error.v) / scale_v, std::abs(st.error.w) / scale_w);
    // The usual controller: scale by 0.9 err^{-1/5}, within [0.2, 5].
    const double factor = err == 0 ? 5.0 : std::clamp(0.9 * std::pow(err, -0.2), 0.2, 5.0);
    if (!(err <= 1.0)) {  // also catches NaN
      ++rejected_;
      just_rejected = true;
      h = h_try * std::min(factor, 0.9);
      if (!(h > 1e-15 * std::max(1.0, total))) {
        throw Error("AeifPscExp: step size underflow at t = " + std::to_string(seconds_of(start) + s) +
                    " s (V = " + std::to_string(y.v) + "): the dynamics are not integrable at this accuracy");
      }
      continue;
    }
    ++accepted_;
    // No growth right after a rejection (Hairer & Wanner's facmax = 1): it stops the
    // reject-accept cycle where the solution accelerates towards the spike.
    const double grow = just_rejected ? std::min(factor, 1.0) : factor;
    just_rejected = false;
    if (find_peak) {
      const Hermite hermite{y.v, st.y.v, h_try * f.v, h_try * st.f.v};
      double upper = -1.0;
      if (st.y.v >= v_spike_) {
        upper = 1.0;
      } else if (f.v > 0 && st.f.v < 0) {
        const double top = hermite.interior_max();
        if (top > 0 && hermite(top) >= v_spike_) upper = top;
      }
      if (upper > 0) {
        // Bisect the interpolant, then Newton on the solver itself: re-step from the step
        // start to theta h, which is as accurate as an accepted step (it is shorter).
        double lo = 0.0, hi = upper;
        for (int k = 0; k < 60 && hi - lo > 1e-15; ++k) {
          const double mid = 0.5 * (lo + hi);
          (hermite(mid) >= v_spike_ ? hi : lo) = mid;
        }
        double theta = hi;
        Dynamics::Step at = dyn.step(y, f, ie, ii, theta * h_try);
        for (int k = 0; k < 3; ++k) {
          if (!(at.f.v > 0)) break;
          const double next = std::clamp(theta - (at.y.v - v_spike_) / (h_try * at.f.v), 0.0, upper);
          if (next == theta) break;
          theta = next;
          at = dyn.step(y, f, ie, ii, theta * h_try);
        }
        const double crossing = s + theta * h_try;
        const std::int64_t tick = std::min(t, start + static_cast<std::int64_t>(std::ceil(crossing * kTicks)));
        n.last = std::max(tick, start);
        n.v = v_spike_;
        n.w = at.y.w;
        currents_at(seconds_of(n.last - start), n.i_ex, n.i_in);
        n.h = h;
        return true;
      }
    }
    s = last_step ? total : s + h_try;
    y = st.y;
    f = st.f;
    currents_at(s, ie, ii);
    // A clipped last step says little about the step size: keep the larger proposal.
    h = last_step ? std::max(h, h_try * grow) : h_try * grow;
  }
  n.v = y.v;
  n.w = y.w;
  n.i_ex = ie;
  n.i_in = ii;
  n.last = t;
  n.h = h;
  return false;
}

bool AeifPscExp::quiet(const Neuron& n) const {
  // An invariant box [V_lo, V_th] x [w_lo, w_hi] holding the state, for any drive between
  // D_lo and D_hi (the currents only decay towards 0): on its edges the flow points
  // inwards, so V stays below V_th forever.
  //   V = V_th edge: C V' <= -g_L (V_th - E_L) + g_L Delta_T - w_lo + D_hi < 0
  //   V = V_lo edge: C V' >= -g_L (V_lo - E_L) - w_hi + D_lo >= 0  (the exponential is >= 0)
  //   w = w_lo edge: tau_w w' = a (V - E_L) - w_lo >= 0 for V >= V_lo   (needs a >= 0)
  //   w = w_hi edge: tau_w w' = a (V - E_L) - w_hi <= 0 for V <= V_th
  const Parameters& p = params_;
  if (p.a < 0 || n.ref_until > n.last || !(n.v < p.V_th)) return false;
  const double d_hi = p.I_e + n.i_ex, d_lo = p.I_e - n.i_in;
  const double w_hi = std::max(n.w, p.a * (p.V_th - p.E_L));
  const double v_lo = std::min(n.v, p.E_L + (d_lo - w_hi) / p.g_L);
  const double w_lo = std::min(n.w, p.a * (v_lo - p.E_L));
  const double inward = p.g_L * (p.V_th - p.E_L) - p.g_L * p.Delta_T - (d_hi - w_lo);
  // A relative margin against rounding in the terms above.
  return inward > 1e-9 * (p.g_L * std::abs(p.V_th - p.E_L) + std::abs(d_hi) + std::abs(w_lo));
}

std::optional<std::int64_t> AeifPscExp::ticks_to_threshold_bound(const Neuron& n) const {
  // In the box of quiet() (V <= V_th edge left open) w >= w_lo and the exponential term
  // is at most g_L Delta_T until V first reaches V_th, so there
  //   tau_m dV/dt <= V_c - V + (I_ex(t) - I_in(t)) / g_L,   V_c = E_L + Delta_T + (I_e - w_lo) / g_L,
  // a linear equation with the exact, exponentially decaying currents: V is below its
  // solution, whose first crossing of V_th (threshold_crossing.hpp) is a lower bound.
  const Parameters& p = params_;
  if (p.a < 0 || n.ref_until > n.last || !(n.v < p.V_th)) return std::nullopt;
  const double w_hi = std::max(n.w, p.a * (p.V_th - p.E_L));
  const double v_lo = std::min(n.v, p.E_L + (p.I_e - n.i_in - w_hi) / p.g_L);
  const double w_lo = std::min(n.w, p.a * (v_lo - p.E_L));
  const double tau_m = p.C_m / p.g_L;
  const double v_c = p.E_L + p.Delta_T + (p.I_e - w_lo) / p.g_L;
  ExpSum f;
  f.constant = v_c - p.V_th;
  double membrane = n.v - v_c;
  for (const auto& [current, tau] : {std::pair{n.i_ex / p.g_L, p.tau_syn_ex}, std::pair{-n.i_in / p.g_L, p.tau_syn_in}}) {
    if (current == 0.0) continue;
    if (tau == tau_m) {  // the degenerate (s / tau_m) e^{-s/tau_m} term
      f.linear_coef += current / tau_m;
      f.linear_rate = 1.0 / tau_m;
    } else {
      const double k = current * tau / (tau - tau_m);
      f.add(k, 1.0 / tau);
      membrane -= k;
    }
  }
  f.add(membrane, 1.0 / tau_m);
  const auto k = first_crossing_tick(f, kNever - n.last);
  return k ? *k : kNever;
}

AeifPscExp::Due AeifPscExp::next_due(Neuron n, std::int64_t window) const {
  if (n.ref_until > n.last) advance(n, n.ref_until, false);  // closed form, nothing can fire
  if (n.v >= v_spike_) return {n.last, true, n.v, n.w, n.h, true};
  if (quiet(n)) return {kNever, false, 0, 0, 0, true};
  // Far from threshold a bound on reaching V_th is enough: check back then, without
  // integrating (V_th < V_peak; with Delta_T = 0 the spike is at V_th, hence the - 1).
  if (const auto bound = ticks_to_threshold_bound(n); bound && *bound - 1 > window / 4) {
    if (*bound == kNever) return {kNever, false, 0, 0, 0, true};
    return {n.last + *bound - 1, false, 0, 0, 0, false};
  }
  const std::int64_t end = n.last < kNever - window ? n.last + window : kNever - 1;
  if (advance(n, end, /*find_peak=*/true)) return {n.last, true, n.v, n.w, n.h, true};
  if (quiet(n)) return {kNever, false, 0, 0, 0, true};
  return {end, false, n.v, n.w, n.h, true};
}

void AeifPscExp::set_due(NeuronIndex i, const Due& due, PredictionList& changed) {
  due_exact_[i] = due.exact;
  due_state_[i] = due.state_known;
  due_v_[i] = due.v;
  due_w_[i] = due.w;
  due_h_[i] = due.h;
  if (due.time == due_[i]) return;
  due_[i] = due.time;
  changed.push_back({i, Time::from_ticks(due.time)});
}

double AeifPscExp::state(std::size_t variable, NeuronIndex i, Time t) const {
  if (variable >= std::size(kStateNames)) return Node::state(variable, i, t);
  neuron_detail::check_unit(i, size());
  Neuron n = load(i);
  advance(n, t.ticks(), false);
  switch (variable) {
    case 0: return n.v;
    case 1: return n.w;
    case 2: return n.i_ex;
    default: return n.i_in;
  }
}

void AeifPscExp::start(Time t0, PredictionList& changed) {
  for (NeuronIndex i = 0; i < size(); ++i) {
    const Neuron n{initial_v_[i], initial_w_[i], 0.0, 0.0, t0.ticks(), std::numeric_limits<std::int64_t>::min(), 0.0};
    store(i, n);
    window_[i] = accuracy_.look_ahead.ticks();
    due_[i] = kNever;
    set_due(i, next_due(n, window_[i]), changed);
  }
}

void AeifPscExp::receive(Time t, std::uint32_t /*port*/, std::span<const NeuronIndex> targets,
                         std::span<const double> weights, PredictionList& changed) {
  const std::int64_t now = t.ticks();
  for (std::size_t k = 0; k < targets.size(); ++k) {
    const NeuronIndex i = targets[k];
    Neuron n = load(i);
    advance(n, now, false);
    if (weights[k] >= 0) {
      n.i_ex += weights[k];
    } else {
      n.i_in -= weights[k];
    }
    n.h = 0.0;  // the jump in the current changes the time scale: pick a new step
    store(i, n);
    window_[i] = accuracy_.look_ahead.ticks();
    set_due(i, next_due(n, window_[i]), changed);
  }
}

bool AeifPscExp::on_due(Time t, NeuronIndex i, PredictionList& changed) {
  const std::int64_t now = t.ticks();
  const bool spike = due_exact_[i] && due_[i] == now;
  due_[i] = kNever;  // the scheduler has just popped it
  Neuron n = load(i);
  if (due_state_[i]) {  // the prediction integrated up to here: take its state over
    const double dt = seconds_of(now - n.last);
    n.i_ex *= std::exp(-dt / params_.tau_syn_ex);
    n.i_in *= std::exp(-dt / params_.tau_syn_in);
    n.v = due_v_[i];
    n.w = due_w_[i];
    n.h = due_h_[i];
    n.last = now;
  } else {  // a check at a bound below V_th: nothing fires before it
    advance(n, now, false);
  }
  if (spike) {
    n.v = params_.V_reset;
    n.w += params_.b;
    n.ref_until = (t + params_.t_ref).ticks();
    window_[i] = accuracy_.look_ahead.ticks();
  } else {
    window_[i] = std::min(2 * window_[i], accuracy_.max_look_ahead.ticks());
  }
  store(i, n);
  set_due(i, next_due(n, window_[i]), changed);
  return spike;
}

// Checkpoints: the state at last_, the solver's step, the look-ahead windows and what each
// neuron's due time (held by the scheduler, saved by the engine) stands for.
void AeifPscExp::save_state(StateWriter& out) const {
  for (const auto* v : {&v_, &w_, &i_ex_, &i_in_, &h_, &due_v_, &due_w_, &due_h_}) out.put_array(*v);
  for (const auto* v : {&last_, &ref_until_, &window_, &due_}) out.put_array(*v);
  out.put_array(due_exact_);
  out.put_array(due_state_);
  out.put(accepted_);
  out.put(rejected_);
}

void AeifPscExp::restore_state(StateReader& in) {
  for (auto* v : {&v_, &w_, &i_ex_, &i_in_, &h_, &due_v_, &due_w_, &due_h_}) in.get_exact(*v, "AeifPscExp state");
  for (auto* v : {&last_, &ref_until_, &window_, &due_}) in.get_exact(*v, "AeifPscExp times");
  in.get_exact(due_exact_, "AeifPscExp due_exact");
  in.get_exact(due_state_, "AeifPscExp due_state");
  accepted_ = in.get<std::uint64_t>("AeifPscExp accepted");
  rejected_ = in.get<std::uint64_t>("AeifPscExp rejected");
}

}  // namespace rockpool
