#include "neurons/rec_fs_spike.hpp"

#include "engine/checkpoint.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "engine/random.hpp"
#include "neurons/parameter_checks.hpp"

namespace rockpool {
namespace {

constexpr std::string_view kStateNames[] = {"v_mem", "i_syn_slow", "i_syn_fast"};

// Python's float floor division a // b (CPython's float_floor_div), which Rockpool uses
// for the input index: not always floor(a / b).
double python_floor_div(double a, double b) {
  double mod = std::fmod(a, b);
  double div = (a - mod) / b;
  if (mod != 0.0 && ((b < 0) != (mod < 0))) div -= 1.0;
  double floor_div = 0.0;
  if (div != 0.0) {
    floor_div = std::floor(div);
    if (div - floor_div > 0.5) floor_div += 1.0;
  } else {
    floor_div = std::copysign(0.0, a / b);
  }
  return floor_div;
}

}  // namespace

RecFSSpikeEulerBT::RecFSSpikeEulerBT(Parameters parameters) : params_(std::move(parameters)) {
  using namespace neuron_detail;
  params_.weights_fast.check("weights_fast");
  params_.weights_slow.check("weights_slow");
  n_ = params_.weights_fast.rows;
  if (params_.weights_fast.columns != n_) throw DimensionMismatch("weights_fast", "must be a square matrix");
  if (params_.weights_slow.rows != params_.weights_slow.columns) {
    throw DimensionMismatch("weights_slow", "must be a square matrix");
  }
  if (params_.weights_slow.rows != n_) {
    throw DimensionMismatch("weights_slow", "must be the size of weights_fast (" + std::to_string(n_) + ")");
  }
  if (params_.weights_out) {
    params_.weights_out->check("weights_out");
    if (params_.weights_out->rows != n_) {
      throw DimensionMismatch("weights_out", "must have one row per neuron (" + std::to_string(n_) + "), got " +
                                                 std::to_string(params_.weights_out->rows));
    }
  } else if (weighted_output()) {
    throw InvalidArgument("output", "the weights_out output needs weights_out (N x M)");
  }
  bias_ = per_unit("bias", params_.bias, n_);
  tau_mem_ = positive_per_unit("tau_mem", params_.tau_mem, n_);
  tau_fast_ = positive_per_unit("tau_syn_r_fast", params_.tau_syn_r_fast, n_);
  tau_slow_ = positive_per_unit("tau_syn_r_slow", params_.tau_syn_r_slow, n_);
  v_thresh_ = per_unit("v_thresh", params_.v_thresh, n_);
  v_reset_ = per_unit("v_reset", params_.v_reset, n_);
  v_rest_ = per_unit("v_rest", params_.v_rest, n_);
  if (!std::isfinite(params_.noise_std) || params_.noise_std < 0) {
    throw InvalidArgument("noise_std", "must be a non-negative number, got " + shortest(params_.noise_std));
  }
  if (!std::isfinite(params_.refractory)) throw InvalidArgument("refractory", "must be finite");
  // Rockpool: dt defaults to, and may not exceed, a tenth of the fastest synapse.
  const double min_tau = std::min(*std::min_element(tau_fast_.begin(), tau_fast_.end()),
                                  *std::min_element(tau_slow_.begin(), tau_slow_.end()));
  dt_ = params_.dt ? *params_.dt : Duration::from_seconds(min_tau / 10);
  dt_s_ = to_seconds(dt_);
  if (dt_ <= Duration::zero()) throw InvalidArgument("dt", "must be positive");
  if (dt_s_ > min_tau / 10 * (1 + 1e-12)) {
    throw InvalidArgument("dt", "must not exceed 1/10 of the shortest synaptic time constant (" +
                                    shortest(min_tau / 10) + " s), for stability; got " + shortest(dt_s_));
  }
  min_delta_ = params_.min_delta ? *params_.min_delta : dt_s_ / 10;
  if (!(min_delta_ > 0 && min_delta_ < dt_s_)) {
    throw InvalidArgument("min_delta", "must lie in (0, dt), got " + shortest(min_delta_));
  }
  for (auto* v : {&v_, &i_slow_, &i_fast_, &v_last_, &i_slow_last_, &i_fast_last_, &refractory_left_, &input_now_,
                  &input_before_, &spike_slow_, &spike_fast_}) {
    v->assign(n_, 0.0);
  }
  start();
}

std::span<const std::string_view> RecFSSpikeEulerBT::state_names() const { return kStateNames; }

double RecFSSpikeEulerBT::state(std::size_t variable, NeuronIndex i, Time t) const {
  if (variable >= std::size(kStateNames)) return Node::state(variable, i, t);
  neuron_detail::check_unit(i, n_);
  return variable == 0 ? v_[i] : variable == 1 ? i_slow_[i] : i_fast_[i];
}

void RecFSSpikeEulerBT::start() {
  if (in_callback_) throw InvalidArgument("spike_callback", "must not restart the layer it is called from");
  // Rockpool's reset_state and the start of evolve(): V = v_rest, currents 0, the "last"
  // values equal to the current ones, t_last = 0, no refractoriness.
  v_ = v_rest_;
  std::fill(i_slow_.begin(), i_slow_.end(), 0.0);
  std::fill(i_fast_.begin(), i_fast_.end(), 0.0);
  v_last_ = v_;
  i_slow_last_ = i_slow_;
  i_fast_last_ = i_fast_;
  std::fill(refractory_left_.begin(), refractory_left_.end(), 0.0);
  std::fill(input_before_.begin(), input_before_.end(), 0.0);
  t_time_ = 0;
  t_last_ = 0;
  bin_ = 0;
  precise_.clear();
}

std::int64_t RecFSSpikeEulerBT::iterate() {
  const double dt = dt_s_;
  // Refractory neurons are clamped at v_reset.
  for (std::size_t i = 0; i < n_; ++i) {
    if (refractory_left_[i] > 0) v_[i] = v_reset_[i];
  }
  // Back-tick spike detector: the earliest interpolated crossing among those above
  // threshold (first index on ties, as Rockpool's strict < scan).
  std::int64_t first = -1;
  double first_delta = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < n_; ++i) {
    if (!(v_[i] > v_thresh_[i])) continue;
    const double delta = (v_thresh_[i] - v_last_[i]) * dt / (v_[i] - v_last_[i]);
    if (delta < first_delta) {
      first_delta = delta;
      first = static_cast<std::int64_t>(i);
    }
  }
  if (first >= 0) {
    const double shortest_step = t_last_ + min_delta_;
    double spike = t_last_ + first_delta;
    if (spike < shortest_step) {
      spike = shortest_step;
    } else if (spike > t_time_) {
      spike = t_time_;
    }
    const double delta = spike - t_last_;
    t_time_ = spike;
    for (std::size_t i = 0; i < n_; ++i) {
      refractory_left_[i] = refractory_left_[i] + dt - delta;
      v_[i] = (v_[i] - v_last_[i]) / dt * delta + v_last_[i];
      i_slow_[i] = (i_slow_[i] - i_slow_last_[i]) / dt * delta + i_slow_last_[i];
      i_fast_[i] = (i_fast_[i] - i_fast_last_[i]) / dt * delta + i_fast_last_[i];
    }
    const auto j = static_cast<std::size_t>(first);
    v_[j] = v_reset_[j];
    refractory_left_[j] = params_.refractory;
    for (std::size_t i = 0; i < n_; ++i) {
      spike_slow_[i] = params_.weights_slow.at(i, j);
      spike_fast_[i] = params_.weights_fast.at(i, j);
    }
  } else {
    std::fill(spike_slow_.begin(), spike_slow_.end(), 0.0);
    std::fill(spike_fast_.begin(), spike_fast_.end(), 0.0);
  }
  // The input of the bin this iteration's time falls in (this bin or, after a back-step
  // across the bin start, the previous one).
  const double index = python_floor_div(t_time_, dt);
  const std::vector<double>& input = index < static_cast<double>(bin_) ? input_before_ : input_now_;
  for (std::size_t i = 0; i < n_; ++i) {
    v_last_[i] = v_[i];
    i_slow_last_[i] = i_slow_[i] + spike_slow_[i];
    i_fast_last_[i] = i_fast_[i] + spike_fast_[i];
    i_slow_[i] += (-i_slow_[i] / tau_slow_[i] + spike_slow_[i] / dt) * dt;
    i_fast_[i] += (-i_fast_[i] / tau_fast_[i] + spike_fast_[i] / dt) * dt;
    const double dot_v = (v_rest_[i] - v_[i] + i_slow_[i] + i_fast_[i] + input[i] + bias_[i]) / tau_mem_[i];
    v_[i] += dot_v * dt;
  }
  t_last_ = t_time_;
  t_time_ += dt;
  for (std::size_t i = 0; i < n_; ++i) refractory_left_[i] -= dt;
  return first;
}

void RecFSSpikeEulerBT::step(std::span<const double> input, std::span<double> output) {
  if (in_callback_) throw InvalidArgument("spike_callback", "must not step the layer it is called from");
  std::swap(input_before_, input_now_);
  for (std::size_t i = 0; i < n_; ++i) {
    input_now_[i] = input[i];
    if (params_.noise_std > 0) input_now_[i] += CounterRng(params_.seed, i).normal(bin_) * params_.noise_std;
  }
  std::fill(output.begin(), output.end(), 0.0);
  precise_.clear();
  // Rockpool's loop runs while t_time < final_time; the bins partition it.
  const double end = static_cast<double>(bin_ + 1) * dt_s_;
  while (t_time_ < end) {
    const std::int64_t spiked = iterate();
    if (spiked >= 0) {
      const auto j = static_cast<NeuronIndex>(spiked);
      if (!weighted_output()) output[j] += 1.0;
      precise_.push_back({t_last_, j});
      // Rockpool's point: after the spike's iteration, before the next one reads the weights.
      if (callback_) {
        in_callback_ = true;
        try {
          callback_(*this, t_last_, j);
        } catch (...) {
          in_callback_ = false;
          throw;
        }
        in_callback_ = false;
      }
    }
  }
  ++bin_;
  if (weighted_output()) readout(output);
}

void RecFSSpikeEulerBT::set_spike_callback(SpikeCallback callback) {
  // Replacing the std::function while it runs would destroy it under its own call.
  if (in_callback_) throw InvalidArgument("spike_callback", "must not be replaced from inside itself");
  callback_ = std::move(callback);
}

const WeightMatrix& RecFSSpikeEulerBT::weights_out() const {
  if (!params_.weights_out) throw InvalidArgument("weights_out", "this layer has none");
  return *params_.weights_out;
}

void RecFSSpikeEulerBT::set_weight(WeightMatrix& m, std::string_view what, std::size_t row, std::size_t column,
                                   double weight) {
  if (row >= m.rows || column >= m.columns) {
    throw OutOfRange(what, "index [" + std::to_string(row) + "][" + std::to_string(column) + "] outside the " +
                               std::to_string(m.rows) + " x " + std::to_string(m.columns) + " matrix");
  }
  if (!std::isfinite(weight)) throw InvalidArgument(what, "weights must be finite");
  m.values[row * m.columns + column] = weight;
}

void RecFSSpikeEulerBT::set_weight_fast(NeuronIndex post, NeuronIndex pre, double weight) {
  set_weight(params_.weights_fast, "weights_fast", post, pre, weight);
}

void RecFSSpikeEulerBT::set_weight_slow(NeuronIndex post, NeuronIndex pre, double weight) {
  set_weight(params_.weights_slow, "weights_slow", post, pre, weight);
}

void RecFSSpikeEulerBT::set_weight_out(NeuronIndex neuron, std::size_t output, double weight) {
  if (!params_.weights_out) throw InvalidArgument("weights_out", "this layer has none");
  set_weight(*params_.weights_out, "weights_out", neuron, output, weight);
}

void RecFSSpikeEulerBT::readout(std::span<double> y) const {
  const WeightMatrix& w = weights_out();
  if (y.size() != w.columns) {
    throw DimensionMismatch("readout",
                            "needs " + std::to_string(w.columns) + " values, got " + std::to_string(y.size()));
  }
  std::fill(y.begin(), y.end(), 0.0);
  for (std::size_t i = 0; i < n_; ++i) {
    const double s = i_slow_[i];
    for (std::size_t k = 0; k < w.columns; ++k) y[k] += s * w.values[i * w.columns + k];
  }
}

// Checkpoints: the integrator's clock, state, its values before the last iteration (the
// back-step interpolates from them), refractory counters, the held input samples, and the
// weights, which a spike callback may have changed. The callback itself is not saved.
void RecFSSpikeEulerBT::save_state(StateWriter& out) const {
  out.put(t_time_);
  out.put(t_last_);
  out.put(bin_);
  for (const auto* v : {&v_, &i_slow_, &i_fast_, &v_last_, &i_slow_last_, &i_fast_last_, &refractory_left_,
                        &input_now_, &input_before_}) {
    out.put_array(*v);
  }
  out.put_array(precise_);
  out.put_array(params_.weights_fast.values);
  out.put_array(params_.weights_slow.values);
  if (params_.weights_out) out.put_array(params_.weights_out->values);
}

void RecFSSpikeEulerBT::restore_state(StateReader& in) {
  if (in_callback_) throw InvalidArgument("spike_callback", "must not restore the layer it is called from");
  t_time_ = in.get<double>("RecFSSpikeEulerBT t_time");
  t_last_ = in.get<double>("RecFSSpikeEulerBT t_last");
  bin_ = in.get<std::uint64_t>("RecFSSpikeEulerBT bin");
  for (auto* v : {&v_, &i_slow_, &i_fast_, &v_last_, &i_slow_last_, &i_fast_last_, &refractory_left_, &input_now_,
                  &input_before_}) {
    in.get_exact(*v, "RecFSSpikeEulerBT state");
  }
  in.get_array(precise_, "RecFSSpikeEulerBT precise spikes");
  in.get_exact(params_.weights_fast.values, "RecFSSpikeEulerBT weights_fast");
  in.get_exact(params_.weights_slow.values, "RecFSSpikeEulerBT weights_slow");
  if (params_.weights_out) in.get_exact(params_.weights_out->values, "RecFSSpikeEulerBT weights_out");
}

}  // namespace rockpool
