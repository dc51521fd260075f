#include "neurons/diaf.hpp"

#include "engine/checkpoint.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <string>

#include "neurons/parameter_checks.hpp"

namespace rockpool {

using neuron_detail::check_unit;
using neuron_detail::per_unit;
using neuron_detail::shortest;

namespace {
// How many leak ticks predict() simulates before it settles for a look-again due time.
constexpr std::int64_t kLookahead = 256;
}  // namespace

RecDIAF::RecDIAF(WeightMatrix weights_in, WeightMatrix weights_rec, Parameters parameters)
    : weights_in_(std::move(weights_in)), weights_rec_(std::move(weights_rec)), params_(std::move(parameters)) {
  weights_in_.check("weights_in");
  size_ = weights_in_.columns;
  weights_rec_.check("weights_rec");
  if (weights_rec_.rows != size_ || weights_rec_.columns != size_) {
    throw DimensionMismatch("weights_rec", "must be " + std::to_string(size_) + " x " + std::to_string(size_) +
                                               " (weights_in has " + std::to_string(size_) + " columns), got " +
                                               std::to_string(weights_rec_.rows) + " x " +
                                               std::to_string(weights_rec_.columns));
  }
  if (params_.delay <= Duration::zero()) throw InvalidArgument("delay", "must be positive (Rockpool: > 0)");
  if (params_.tau_leak <= Duration::zero()) throw InvalidArgument("tau_leak", "must be positive");
  const std::vector<double> refractory = per_unit("refractory", params_.refractory, size_);
  for (std::size_t j = 0; j < size_; ++j) {
    if (refractory[j] < 0.0) {
      throw InvalidArgument("refractory", "must be >= 0, got " + shortest(refractory[j]) + " at index " + std::to_string(j));
    }
    // Rockpool clips refractory times to at least 1 ns.
    refractory_.push_back(std::max(Duration::from_seconds(refractory[j]), nanoseconds(1)).ticks());
  }
  const StateType type = params_.state_type;
  v_thresh_ = per_unit("v_thresh", params_.v_thresh, size_);
  v_reset_ = per_unit("v_reset", params_.v_reset, size_);
  leak_ = per_unit("leak", params_.leak, size_);
  has_rest_ = params_.v_rest.has_value();
  if (has_rest_) v_rest_ = per_unit("v_rest", *params_.v_rest, size_);
  subtract_ = params_.v_subtract.has_value();
  if (subtract_) v_subtract_ = per_unit("v_subtract", *params_.v_subtract, size_);
  leak_only_down_ = !has_rest_;
  for (std::size_t j = 0; j < size_; ++j) {
    // A state starting (or reset) at threshold would fire at the next event of *any* neuron
    // in Rockpool; that is not a model, so it is refused.
    if (!(quantise(type, v_reset_[j]) < v_thresh_[j])) {
      throw InvalidArgument("v_reset", shortest(v_reset_[j]) + " at index " + std::to_string(j) +
                                           " is not below v_thresh = " + shortest(v_thresh_[j]) + " (as " +
                                           std::string(state_type_name(type)) + ")");
    }
    if (subtract_ && v_subtract_[j] <= 0.0) {
      throw InvalidArgument("v_subtract", "must be positive (or none, to reset to v_reset), got " +
                                              shortest(v_subtract_[j]) + " at index " + std::to_string(j));
    }
    if (leak_[j] < 0.0) leak_only_down_ = false;
  }
  state_.assign(size_, 0.0);
  k_done_.assign(size_, 0);
  refr_end_.assign(size_, 0);
  due_on_tick_.assign(size_, 0);
}

NodeId RecDIAF::add_to(Network& net, std::string name, std::unique_ptr<RecDIAF> layer, std::optional<NodeId> input) {
  Projection in = layer->input_projection();
  Projection rec = layer->recurrent_projection();
  const NodeId id = net.add(std::move(name), std::move(layer));
  if (input) net.connect(*input, id, std::move(in));
  net.connect(id, id, std::move(rec));
  return id;
}

Projection RecDIAF::input_projection() const {
  return Projection::dense(weights_in_.rows, size_, weights_in_.values, Duration::zero());
}

Projection RecDIAF::recurrent_projection() const {
  return Projection::dense(size_, size_, weights_rec_.values, params_.delay);
}

constexpr std::string_view kDiafStateNames[] = {"state"};

std::span<const std::string_view> RecDIAF::state_names() const { return kDiafStateNames; }

std::int64_t RecDIAF::ticks_upto(std::int64_t t) const {
  if (t < t0_) return 0;
  return time_detail::floor_div(t - t0_, params_.tau_leak.ticks());
}

double RecDIAF::leak_once(NeuronIndex i, double s) const {
  double sign = 1.0;
  if (has_rest_) sign = s > v_rest_[i] ? 1.0 : (s < v_rest_[i] ? -1.0 : 0.0);
  return quantise(params_.state_type, s - leak_[i] * sign);
}

double RecDIAF::leaked(NeuronIndex i, double s, std::int64_t k_done, std::int64_t k_last) const {
  const std::int64_t tau = params_.tau_leak.ticks();
  // Ticks before the refractory end are skipped: the first tick at or after it.
  const std::int64_t k_free = time_detail::floor_div(refr_end_[i] - t0_ + tau - 1, tau);
  for (std::int64_t k = std::max(k_done + 1, k_free); k <= k_last; ++k) {
    const double next = leak_once(i, s);
    if (next == s) break;  // a fixed point (at v_rest, or clipped)
    if (leak_once(i, next) == s) {
      // A two-cycle around v_rest: the parity of the ticks left decides.
      if ((k_last - k) % 2 == 0) s = next;
      break;
    }
    s = next;
  }
  return s;
}

void RecDIAF::catch_up(NeuronIndex i, std::int64_t k_last) {
  if (k_last <= k_done_[i]) return;
  state_[i] = leaked(i, state_[i], k_done_[i], k_last);
  k_done_[i] = k_last;
}

double RecDIAF::state(std::size_t variable, NeuronIndex i, Time t) const {
  if (variable > 0) return Node::state(variable, i, t);
  check_unit(i, size_);
  const std::int64_t k_last = ticks_upto(t.ticks());
  return k_last <= k_done_[i] ? state_[i] : leaked(i, state_[i], k_done_[i], k_last);
}

void RecDIAF::predict(NeuronIndex i, PredictionList& changed) {
  due_on_tick_[i] = 1;
  if (leak_only_down_) {
    changed.push_back({i, Time::max()});
    return;
  }
  const std::int64_t tau = params_.tau_leak.ticks();
  const std::int64_t k_free = time_detail::floor_div(refr_end_[i] - t0_ + tau - 1, tau);
  double s = state_[i];
  std::int64_t k = std::max(k_done_[i] + 1, k_free);
  for (std::int64_t n = 0; n < kLookahead; ++n, ++k) {
    const double next = leak_once(i, s);
    if (next >= v_thresh_[i]) {
      changed.push_back({i, Time::from_ticks(t0_ + k * tau)});
      return;
    }
    // A fixed point or a two-cycle below threshold: the leak alone never fires it.
    if (next == s || leak_once(i, next) == s) {
      changed.push_back({i, Time::max()});
      return;
    }
    s = next;
  }
  changed.push_back({i, Time::from_ticks(t0_ + (k - 1) * tau)});  // look again there
}

void RecDIAF::start(Time t0, PredictionList& changed) {
  t0_ = t0.ticks();
  for (NeuronIndex i = 0; i < size_; ++i) {
    state_[i] = quantise(params_.state_type, v_reset_[i]);
    k_done_[i] = 0;
    refr_end_[i] = t0_;
    due_on_tick_[i] = 0;
    if (!leak_only_down_) predict(i, changed);
  }
}

void RecDIAF::receive(Time t, std::uint32_t /*port*/, std::span<const NeuronIndex> targets,
                      std::span<const double> weights, PredictionList& changed) {
  const std::int64_t now = t.ticks();
  // Leak ticks at t come after the inputs at t (Rockpool's heap: the leak channel is last).
  const std::int64_t k_before = ticks_before(now);
  for (std::size_t k = 0; k < targets.size(); ++k) {
    const NeuronIndex i = targets[k];
    catch_up(i, k_before);
    if (now < refr_end_[i]) continue;  // refractory: the input is lost
    state_[i] = quantise(params_.state_type, state_[i] + weights[k]);
    if (state_[i] >= v_thresh_[i]) {
      due_on_tick_[i] = 0;
      changed.push_back({i, t});  // fires now, before later deliveries at t
    } else {
      predict(i, changed);
    }
  }
}

bool RecDIAF::on_due(Time t, NeuronIndex i, PredictionList& changed) {
  const std::int64_t now = t.ticks();
  catch_up(i, due_on_tick_[i] ? ticks_upto(now) : ticks_before(now));
  if (now < refr_end_[i] || state_[i] < v_thresh_[i]) {  // a look-again time
    predict(i, changed);
    return false;
  }
  // Spike at t.
  refr_end_[i] = now + refractory_[i];
  const StateType type = params_.state_type;
  if (subtract_) {
    state_[i] = quantise(type, state_[i] - v_subtract_[i]);
    if (state_[i] >= v_thresh_[i]) {
      // Still above: it fires again when the refractory period ends. Rockpool schedules that
      // check 1e-10 s after the end, so events exactly at the end come first: one tick here.
      due_on_tick_[i] = 0;
      changed.push_back({i, Time::from_ticks(refr_end_[i] + 1)});
      return true;
    }
  } else {
    state_[i] = quantise(type, v_reset_[i]);
  }
  predict(i, changed);
  return true;
}

// Checkpoints: states, leak ticks applied, refractory ends and what each due time (saved by
// the engine) stands for; t0 anchors the leak ticks.
void RecDIAF::save_state(StateWriter& out) const {
  out.put(t0_);
  out.put_array(state_);
  out.put_array(k_done_);
  out.put_array(refr_end_);
  out.put_array(due_on_tick_);
}

void RecDIAF::restore_state(StateReader& in) {
  t0_ = in.get<std::int64_t>("RecDIAF t0");
  in.get_exact(state_, "RecDIAF state");
  in.get_exact(k_done_, "RecDIAF k_done");
  in.get_exact(refr_end_, "RecDIAF refractory end");
  in.get_exact(due_on_tick_, "RecDIAF due_on_tick");
}

}  // namespace rockpool
