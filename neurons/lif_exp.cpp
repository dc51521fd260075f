#include "neurons/lif_exp.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "engine/checkpoint.hpp"
#include "neurons/threshold_crossing.hpp"

namespace rockpool {
namespace {

constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

double seconds_of(std::int64_t ticks) { return static_cast<double>(ticks) / static_cast<double>(kTicksPerSecond); }

void check_time_constant(const char* name, double tau) {
  if (!std::isfinite(tau) || tau <= 0) {
    throw InvalidArgument(name, "must be a positive number of seconds, got " + std::to_string(tau));
  }
}

constexpr std::string_view kStateNames[] = {"v_mem", "i_syn0", "i_syn1", "i_syn2", "i_syn3"};

}  // namespace

LifExp::LifExp(Parameters parameters, std::size_t size) : params_(std::move(parameters)) {
  check_time_constant("tau_mem", params_.tau_mem);
  if (params_.tau_syn.empty() || params_.tau_syn.size() > kMaxPorts) {
    throw InvalidArgument("tau_syn", "needs 1 to 4 synaptic time constants, got " +
                                         std::to_string(params_.tau_syn.size()));
  }
  for (double tau : params_.tau_syn) check_time_constant("tau_syn", tau);
  for (double x : {params_.bias, params_.threshold, params_.v_rest, params_.v_reset}) {
    if (!std::isfinite(x)) throw InvalidArgument("LifExp parameters", "bias, threshold, v_rest and v_reset must be finite");
  }
  if (params_.v_reset >= params_.threshold) {
    throw InvalidArgument("v_reset", "must lie below threshold, or a neuron would fire forever");
  }
  if (params_.refractory < Duration::zero()) throw InvalidArgument("refractory", "must not be negative");
  if (size > std::numeric_limits<NeuronIndex>::max()) throw OutOfRange("size", "more than 2^32 - 1 neurons");
  ports_ = params_.tau_syn.size();
  v_inf0_ = params_.v_rest + params_.bias;
  for (std::size_t p = 0; p < ports_; ++p) {
    const double tau = params_.tau_syn[p];
    equal_tau_[p] = tau == params_.tau_mem;
    k_syn_[p] = equal_tau_[p] ? 0.0 : tau / (tau - params_.tau_mem);
  }
  double fastest = 1.0 / params_.tau_mem;
  for (double tau : params_.tau_syn) fastest = std::max(fastest, 1.0 / tau);
  // e^{100} ~ 2.7e43: far from overflow even multiplied by large weights.
  renormalize_after_ = static_cast<std::int64_t>(100.0 / fastest * static_cast<double>(kTicksPerSecond));
  initial_v_.assign(size, params_.v_rest);
  v_inf_.assign(size, v_inf0_);
  m_tilde_.assign(size, 0.0);
  i_tilde_.assign(size * ports_, 0.0);
  last_.assign(size, 0);
  ref_until_.assign(size, std::numeric_limits<std::int64_t>::min());
  due_.assign(size, kNever);
  due_exact_.assign(size, 0);
}

std::span<const std::string_view> LifExp::state_names() const {
  return std::span<const std::string_view>(kStateNames, 1 + ports_);
}

void LifExp::set_v_mem(std::span<const double> v) {
  if (v.size() != size()) {
    throw DimensionMismatch("v_mem", "has " + std::to_string(v.size()) + " values for " + std::to_string(size()) +
                                         " neurons");
  }
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!std::isfinite(v[i])) throw InvalidArgument("v_mem", "not finite at index " + std::to_string(i));
  }
  initial_v_.assign(v.begin(), v.end());
}

LifExp::Neuron LifExp::load(NeuronIndex i) const { return state_at(i, last_[i]); }

LifExp::Neuron LifExp::state_at(NeuronIndex i, std::int64_t t) const {
  if (ref_until_[i] > last_[i] && t > last_[i]) {  // through the refractory clamp: step it
    Neuron n = load(i);
    advance(n, t);
    return n;
  }
  const double u = seconds_of(t - t_ref_);
  Neuron n{params_.v_reset, v_inf_[i], {}, t, ref_until_[i]};
  double v = v_inf_[i];
  double membrane = m_tilde_[i];
  for (std::size_t p = 0; p < ports_; ++p) {
    const double tau = params_.tau_syn[p];
    n.i_syn[p] = i_tilde_[p * size() + i] * std::exp(-u / tau);
    if (equal_tau_[p]) {
      membrane += u / params_.tau_mem * i_tilde_[p * size() + i];
    } else {
      v += k_syn_[p] * n.i_syn[p];
    }
  }
  if (n.ref_until <= n.last) n.v = v + membrane * std::exp(-u / params_.tau_mem);
  return n;
}

void LifExp::store(NeuronIndex i, const Neuron& n) {
  const double u = seconds_of(n.last - t_ref_);
  double membrane = n.v - n.v_inf;
  for (std::size_t p = 0; p < ports_; ++p) {
    const double tau = params_.tau_syn[p];
    i_tilde_[p * size() + i] = n.i_syn[p] * std::exp(u / tau);
    membrane -= equal_tau_[p] ? u / params_.tau_mem * n.i_syn[p] : k_syn_[p] * n.i_syn[p];
  }
  m_tilde_[i] = membrane * std::exp(u / params_.tau_mem);
  v_inf_[i] = n.v_inf;
  last_[i] = n.last;
  ref_until_[i] = n.ref_until;
}

void LifExp::renormalize_if_needed(std::int64_t t) {
  if (t - t_ref_ <= renormalize_after_) return;
  const double shift = seconds_of(t - t_ref_);
  const double decay_mem = std::exp(-shift / params_.tau_mem);
  const std::size_t n = size();
  for (std::size_t p = 0; p < ports_; ++p) {
    const double decay = std::exp(-shift / params_.tau_syn[p]);
    double* current = i_tilde_.data() + p * n;
    if (equal_tau_[p]) {
      // The u I~ / tm term of V changes with u: move the difference into the membrane mode.
      for (std::size_t i = 0; i < n; ++i) m_tilde_[i] += shift / params_.tau_mem * current[i];
    }
    for (std::size_t i = 0; i < n; ++i) current[i] *= decay;
  }
  for (std::size_t i = 0; i < n; ++i) m_tilde_[i] *= decay_mem;
  t_ref_ = t;
}

void LifExp::advance(Neuron& n, std::int64_t t) const {
  if (t <= n.last) return;
  // Refractory part: V stays at v_reset, the currents decay.
  if (n.ref_until > n.last) {
    const std::int64_t end = std::min(t, n.ref_until);
    const double dt = seconds_of(end - n.last);
    for (std::size_t p = 0; p < ports_; ++p) n.i_syn[p] *= std::exp(-dt / params_.tau_syn[p]);
    n.v = params_.v_reset;
    n.last = end;
    if (end == t) return;
  }
  // Free part, closed form: V(s) = v_inf + (V0 - v_inf) e^{-s/tm}
  //   + sum_p I_p k_p (e^{-s/tp} - e^{-s/tm})      (tau_p != tau_mem)
  //   + sum_p I_p (s / tm) e^{-s/tm}               (tau_p == tau_mem)
  const double s = seconds_of(t - n.last);
  const double decay_mem = std::exp(-s / params_.tau_mem);
  double v = n.v_inf + (n.v - n.v_inf) * decay_mem;
  for (std::size_t p = 0; p < ports_; ++p) {
    const double decay_syn = std::exp(-s / params_.tau_syn[p]);
    v += equal_tau_[p] ? n.i_syn[p] * (s / params_.tau_mem) * decay_mem
                       : n.i_syn[p] * k_syn_[p] * (decay_syn - decay_mem);
    n.i_syn[p] *= decay_syn;
  }
  n.v = v;
  n.last = t;
}

LifExp::Due LifExp::next_due(const Neuron& state, std::int64_t now, bool tight) const {
  Neuron n = state;
  std::int64_t start = n.last;
  if (n.ref_until > n.last) {  // nothing can happen before the refractory period ends
    advance(n, n.ref_until);
    start = n.ref_until;
  }
  // f(s) = V(start + s) - threshold in the form of threshold_crossing.hpp.
  ExpSum f;
  f.constant = n.v_inf - params_.threshold;
  double membrane = n.v - n.v_inf;
  for (std::size_t p = 0; p < ports_; ++p) {
    if (n.i_syn[p] == 0.0) continue;
    if (equal_tau_[p]) {
      f.linear_coef += n.i_syn[p] / params_.tau_mem;
      f.linear_rate = 1.0 / params_.tau_mem;
    } else {
      f.add(n.i_syn[p] * k_syn_[p], 1.0 / params_.tau_syn[p]);
      membrane -= n.i_syn[p] * k_syn_[p];
    }
  }
  f.add(membrane, 1.0 / params_.tau_mem);
  const std::int64_t from = std::max<std::int64_t>(0, now - start);
  const std::int64_t room = kNever - start;
  // A cheap bound first: while the crossing is further than the window, check back then.
  // Right after an input the linear bound is enough (another input usually comes first);
  // at a check, where the bound decides when to look next, the tight one saves checks.
  const double bound = crossing_lower_bound(f, seconds_of(from), tight);
  if (bound == std::numeric_limits<double>::infinity()) return {kNever, true};
  const double bound_ticks = bound * static_cast<double>(kTicksPerSecond);
  if (bound_ticks - static_cast<double>(from) > static_cast<double>(kExactWindow.ticks())) {
    if (bound_ticks >= static_cast<double>(room)) return {kNever, true};
    return {start + static_cast<std::int64_t>(bound_ticks), false};  // floor: never after the crossing
  }
  const auto k = first_crossing_tick(f, room, from);
  return {k ? start + *k : kNever, true};
}

void LifExp::set_due(NeuronIndex i, Due due, PredictionList& changed) {
  // Always move: keeping an earlier check would save a heap move now but cost a wasted
  // check later (measured: about twice as many checks on CUBA, 20 % more instructions).
  const std::int64_t old = due_[i];
  due_exact_[i] = due.exact;
  if (due.time == old) return;
  due_[i] = due.time;
  changed.push_back({i, Time::from_ticks(due.time)});
}

double LifExp::state(std::size_t variable, NeuronIndex i, Time t) const {
  if (variable > ports_) return Node::state(variable, i, t);
  if (i >= size()) throw OutOfRange("neuron", std::to_string(i) + " >= population size " + std::to_string(size()));
  const Neuron n = state_at(i, t.ticks());
  return variable == 0 ? n.v : n.i_syn[variable - 1];
}

// state() for many neurons: the decay factors of state_at are shared (same values, same
// order of operations, so the results equal state()'s bit for bit).
void LifExp::sample_state(std::size_t variable, std::span<const NeuronIndex> neurons, Time t,
                          std::span<double> out) const {
  if (variable > ports_) return Node::sample_state(variable, neurons, t, out);
  const std::int64_t now = t.ticks();
  const double u = seconds_of(now - t_ref_);
  const double decay_mem = std::exp(-u / params_.tau_mem);
  std::array<double, kMaxPorts> decay{};
  for (std::size_t p = 0; p < ports_; ++p) decay[p] = std::exp(-u / params_.tau_syn[p]);
  const std::size_t n = size();
  for (std::size_t k = 0; k < neurons.size(); ++k) {
    const NeuronIndex i = neurons[k];
    if (i >= n) throw OutOfRange("neuron", std::to_string(i) + " >= population size " + std::to_string(n));
    if (ref_until_[i] > last_[i] && now > last_[i]) {  // through the refractory clamp: state_at's slow path
      out[k] = state(variable, i, t);
      continue;
    }
    if (variable > 0) {
      out[k] = i_tilde_[(variable - 1) * n + i] * decay[variable - 1];
      continue;
    }
    if (ref_until_[i] > last_[i]) {
      out[k] = params_.v_reset;
      continue;
    }
    double v = v_inf_[i];
    double membrane = m_tilde_[i];
    for (std::size_t p = 0; p < ports_; ++p) {
      if (equal_tau_[p]) {
        membrane += u / params_.tau_mem * i_tilde_[p * n + i];
      } else {
        v += k_syn_[p] * (i_tilde_[p * n + i] * decay[p]);
      }
    }
    out[k] = v + membrane * decay_mem;
  }
}

void LifExp::start(Time t0, PredictionList& changed) {
  t_ref_ = t0.ticks();
  for (NeuronIndex i = 0; i < size(); ++i) {
    Neuron n{initial_v_[i], v_inf0_, {}, t0.ticks(), std::numeric_limits<std::int64_t>::min()};
    store(i, n);
    due_[i] = kNever;
    set_due(i, next_due(n, t0.ticks()), changed);
  }
}

void LifExp::receive(Time t, std::uint32_t port, std::span<const NeuronIndex> targets,
                     std::span<const double> weights, PredictionList& changed) {
  const std::int64_t now = t.ticks();
  renormalize_if_needed(now);
  // The factors every target shares: e^{+-u/tau} for the membrane and each port.
  const double u = seconds_of(now - t_ref_);
  const double grow_mem = std::exp(u / params_.tau_mem), shrink_mem = 1.0 / grow_mem;
  std::array<double, kMaxPorts> shrink{};
  for (std::size_t p = 0; p < ports_; ++p) shrink[p] = std::exp(-u / params_.tau_syn[p]);
  const double grow_port = 1.0 / shrink[port];
  // An input w leaves V unchanged: the current mode gains w e^{u/tp} and the membrane mode
  // loses what the current adds to V.
  const double membrane_per_weight = (equal_tau_[port] ? u / params_.tau_mem : k_syn_[port]) * grow_mem;
  const std::size_t n = size();
  bool any_equal_tau = false;
  for (std::size_t p = 0; p < ports_; ++p) any_equal_tau = any_equal_tau || equal_tau_[p];
  const double rate_mem = 1.0 / params_.tau_mem;
  const double window = static_cast<double>(kExactWindow.ticks());
  for (std::size_t k = 0; k < targets.size(); ++k) {
    const NeuronIndex i = targets[k];
    Neuron state;
    if (ref_until_[i] > last_[i]) {  // refractory at its last update: the exact slow path
      state = load(i);
      advance(state, now);
      state.i_syn[port] += weights[k];
      store(i, state);
      set_due(i, next_due(state, now), changed);
      continue;
    }
    i_tilde_[port * n + i] += weights[k] * grow_port;
    m_tilde_[i] -= weights[k] * membrane_per_weight;
    last_[i] = now;
    if (weights[k] < 0.0) {
      // An inhibitory input lowers V at every later time (the synaptic kernel is positive),
      // so the crossing can only come later: the due time stays a valid lower bound and
      // need not move. A predicted spike becomes a check, which re-solves from the state.
      due_exact_[i] = false;
      continue;
    }
    // The physical state at t from the shared factors (no exp per target): the membrane
    // mode `a` and each current's contribution b_p to V.
    state = Neuron{v_inf_[i], v_inf_[i], {}, now, ref_until_[i]};
    double a = m_tilde_[i];
    for (std::size_t p = 0; p < ports_; ++p) {
      state.i_syn[p] = i_tilde_[p * n + i] * shrink[p];
      if (equal_tau_[p]) a += u / params_.tau_mem * i_tilde_[p * n + i];
    }
    a *= shrink_mem;
    state.v += a;
    // Slope bound P of the rising terms, and the slowest rising rate r (crossing_lower_bound).
    double rising = std::max(0.0, -a * rate_mem);
    double slowest = rising > 0 ? rate_mem : 0.0;
    for (std::size_t p = 0; p < ports_; ++p) {
      if (equal_tau_[p]) continue;
      const double b = k_syn_[p] * state.i_syn[p];
      state.v += b;
      const double slope = -b / params_.tau_syn[p];
      if (slope > 0) {
        rising += slope;
        const double rate = 1.0 / params_.tau_syn[p];
        slowest = slowest == 0.0 ? rate : std::min(slowest, rate);
      }
    }
    // The common case inline, the bound of crossing_lower_bound (tight) without building
    // the general form: V(t + s) - threshold <= f0 + P (1 - e^{-r s}) / r, so no crossing
    // before -ln(1 + f0 r / P) / r; beyond the window a check is all that is needed.
    const double f0 = state.v - params_.threshold;
    if (!any_equal_tau && f0 < 0 && rising > 0) {
      // -ln(1 - q) = q + q^2/2 + q^3/3 + ... has only positive terms, so four of them are
      // a lower bound of it (still a valid check time) for the price of a few flops.
      const double q = -f0 * slowest / rising;
      const double bound_ticks = q >= 1.0 ? static_cast<double>(kNever)
                                          : q * (1.0 + q * (0.5 + q * (1.0 / 3.0 + q * 0.25))) / slowest *
                                                static_cast<double>(kTicksPerSecond);
      if (bound_ticks > window) {
        const Due due = bound_ticks < static_cast<double>(kNever - now)
                            ? Due{now + static_cast<std::int64_t>(bound_ticks), false}
                            : Due{kNever, true};
        set_due(i, due, changed);
        continue;
      }
    }
    set_due(i, next_due(state, now), changed);
  }
}

void LifExp::set_current_dt(Duration dt) {
  if (dt <= Duration::zero()) throw InvalidArgument("dt", "the current input's sampling period must be positive");
  current_dt_ = dt;
}

void LifExp::set_current(Time t, std::span<const double> current, PredictionList& changed) {
  if (current.size() != size()) {
    throw DimensionMismatch("current", "has " + std::to_string(current.size()) + " values for " +
                                           std::to_string(size()) + " neurons");
  }
  const std::int64_t now = t.ticks();
  renormalize_if_needed(now);
  const double grow_mem = std::exp(seconds_of(now - t_ref_) / params_.tau_mem);
  for (NeuronIndex i = 0; i < size(); ++i) {
    if (!std::isfinite(current[i])) {
      throw InvalidArgument("current input", "not finite for neuron " + std::to_string(i) + " at " +
                                                 format_seconds(t) + " s");
    }
    const double v_inf = v_inf0_ + current[i];
    if (v_inf == v_inf_[i]) continue;  // a held input costs nothing
    if (ref_until_[i] > last_[i]) {  // refractory at its last update: the exact slow path
      Neuron n = load(i);
      advance(n, now);  // under the old current
      n.v_inf = v_inf;
      store(i, n);
      set_due(i, next_due(n, now), changed);
      continue;
    }
    // V(t) stays; only where it relaxes to moves: the membrane mode takes the difference.
    const bool lower = v_inf < v_inf_[i];
    m_tilde_[i] += (v_inf_[i] - v_inf) * grow_mem;
    v_inf_[i] = v_inf;
    last_[i] = now;
    if (lower) {
      // A lower current lowers V at every later time (by dI (1 - e^{-s/tm})), as an
      // inhibitory spike does: the due time stays a lower bound; a predicted spike is
      // demoted to a check (see receive).
      due_exact_[i] = false;
      continue;
    }
    set_due(i, next_due(state_at(i, now), now), changed);
  }
}

bool LifExp::on_due(Time t, NeuronIndex i, PredictionList& changed) {
  const bool spike = due_exact_[i] && due_[i] == t.ticks();
  due_[i] = kNever;  // the scheduler has just popped it
  if (!spike) {  // a check: look again from the state at t, without storing it
    const Neuron n = state_at(i, t.ticks());
    set_due(i, next_due(n, t.ticks(), /*tight=*/true), changed);
    return false;
  }
  renormalize_if_needed(t.ticks());
  Neuron n = load(i);
  advance(n, t.ticks());
  n.v = params_.v_reset;
  n.ref_until = (t + params_.refractory).ticks();
  store(i, n);
  set_due(i, next_due(n, t.ticks()), changed);
  return true;
}

// Checkpoints: the modal state, clocks and due times; the derived constants are rebuilt by
// the constructor of the identically built population the state is restored into.
void LifExp::save_state(StateWriter& out) const {
  out.put(t_ref_);
  out.put(renormalize_after_);
  out.put_array(m_tilde_);
  out.put_array(v_inf_);
  out.put_array(i_tilde_);
  out.put_array(last_);
  out.put_array(ref_until_);
  out.put_array(due_);
  out.put_array(due_exact_);
}

void LifExp::restore_state(StateReader& in) {
  t_ref_ = in.get<std::int64_t>("LifExp t_ref");
  renormalize_after_ = in.get<std::int64_t>("LifExp renormalize_after");
  in.get_exact(m_tilde_, "LifExp m_tilde");
  in.get_exact(v_inf_, "LifExp v_inf");
  in.get_exact(i_tilde_, "LifExp i_tilde");
  in.get_exact(last_, "LifExp last");
  in.get_exact(ref_until_, "LifExp ref_until");
  in.get_exact(due_, "LifExp due");
  in.get_exact(due_exact_, "LifExp due_exact");
}

}  // namespace rockpool
