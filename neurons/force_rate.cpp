#include "neurons/force_rate.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <string>

#include "engine/checkpoint.hpp"
#include "engine/random.hpp"
#include "neurons/parameter_checks.hpp"

namespace rockpool {
namespace {

using neuron_detail::check_unit;
using neuron_detail::per_unit;
using neuron_detail::positive_per_unit;
using neuron_detail::shortest;

std::string count(std::size_t n) { return std::to_string(n); }

// out[j] = sum_i in[i] W[i][j] ([pre, post]), row by row so the inner loop runs along
// contiguous weights. With nan_as_zero, a NaN input counts as 0 (Rockpool's rule for
// sampled input); otherwise it propagates.
void weighted_sum(const WeightMatrix& w, std::span<const double> in, std::span<double> out, bool nan_as_zero = false) {
  assert(in.size() == w.rows && out.size() == w.columns);
  std::fill(out.begin(), out.end(), 0.0);
  for (std::size_t i = 0; i < w.rows; ++i) {
    const double u = in[i];
    if (u == 0.0 || (nan_as_zero && std::isnan(u))) continue;
    const double* row = w.values.data() + i * w.columns;
    for (std::size_t j = 0; j < w.columns; ++j) out[j] += u * row[j];
  }
}

// One-to-one from a `n`-channel node onto channels [offset, offset + n) of `size_in`.
Projection block_one_to_one(std::size_t n, std::size_t offset, std::size_t size_in, Duration delay) {
  std::vector<Synapse> synapses;
  synapses.reserve(n);
  for (std::size_t j = 0; j < n; ++j) {
    synapses.push_back({static_cast<NeuronIndex>(j), static_cast<NeuronIndex>(offset + j), 1.0, delay});
  }
  return Projection::from_synapses(n, size_in, std::move(synapses));
}

}  // namespace

ForceRateEuler::ForceRateEuler(WeightMatrix w_in, WeightMatrix w_out, Parameters parameters)
    : w_in_(std::move(w_in)), w_out_(std::move(w_out)), params_(std::move(parameters)) {
  w_in_.check("w_in");
  w_out_.check("w_out");
  const std::size_t n = w_in_.columns;
  if (w_out_.rows != n) {
    throw DimensionMismatch("w_out", "has " + count(w_out_.rows) + " rows for " + count(n) +
                                         " units (w_in is " + count(w_in_.rows) + " x " + count(n) +
                                         ", so w_out must be " + count(n) + " x O)");
  }
  if (params_.tau.empty()) {
    throw InvalidArgument("tau", "required: 1 or " + count(n) + " time constants (Rockpool's has no default)");
  }
  const std::vector<double> tau = positive_per_unit("tau", params_.tau, n);
  bias_ = per_unit("bias", params_.bias, n);
  if (!std::isfinite(params_.noise_std) || params_.noise_std < 0.0) {
    throw InvalidArgument("noise_std", "must be finite and >= 0, got " + shortest(params_.noise_std));
  }
  const double min_tau = *std::min_element(tau.begin(), tau.end());
  dt_ = params_.dt ? *params_.dt : Duration::from_seconds(min_tau / 10.0);
  if (dt_ <= Duration::zero()) throw InvalidArgument("dt", "must be positive, got " + format_seconds(dt_) + " s");
  const double h = to_seconds(dt_);
  const bool euler = params_.integration == Integration::kEuler;
  // Forward Euler multiplies x by 1 - dt/tau each step: unstable for dt >= 2 tau. Rockpool's
  // constructor checks nothing (its dt setter refuses dt < min(tau) / 10, the inverse of its
  // own advice dt <= tau / 10); we refuse only what cannot work.
  if (euler && h >= 2.0 * min_tau) {
    throw InvalidArgument("dt", format_seconds(dt_) + " s >= 2 min(tau) = " + shortest(2.0 * min_tau) +
                                    " s: forward Euler is unstable (use dt <= tau / 10, or Integration::kExact)");
  }
  for (std::size_t j = 0; j < n; ++j) {
    if (euler) {
      decay_.push_back(1.0 - h / tau[j]);
      keep_.push_back(h / tau[j]);
    } else {
      decay_.push_back(std::exp(-h / tau[j]));
      keep_.push_back(-std::expm1(-h / tau[j]));  // 1 - e^{-h/tau} without cancellation
    }
  }
  initial_x_.assign(n, 0.0);
  res_inputs_.assign(n, 0.0);
  start();
}

constexpr std::string_view kForceRateStateNames[] = {"x", "activity", "output"};

std::span<const std::string_view> ForceRateEuler::state_names() const { return kForceRateStateNames; }

double ForceRateEuler::state(std::size_t variable, NeuronIndex i, Time t) const {
  if (variable > 2) return Node::state(variable, i, t);
  const std::vector<double>& v = variable == 0 ? x_ : variable == 1 ? activity_ : output_;
  check_unit(i, v.size());
  return v[i];
}

Projection ForceRateEuler::input_projection(Duration delay) const {
  return block_one_to_one(num_inputs(), 0, size_in(), delay);
}

Projection ForceRateEuler::force_projection(Duration delay) const {
  return block_one_to_one(num_units(), num_inputs(), size_in(), delay);
}

void ForceRateEuler::set_x(std::span<const double> x) {
  if (x.size() != num_units()) {
    throw DimensionMismatch("x", "has " + count(x.size()) + " values for " + count(num_units()) + " units");
  }
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i])) throw InvalidArgument("x", "not finite at index " + count(i));
  }
  initial_x_.assign(x.begin(), x.end());
  start();
}

void ForceRateEuler::start() {
  x_ = initial_x_;
  activity_.resize(x_.size());
  for (std::size_t j = 0; j < x_.size(); ++j) activity_[j] = params_.activation(x_[j]);
  // Rockpool's get_output_from_state: the output of the initial state.
  output_.resize(w_out_.columns);
  weighted_sum(w_out_, activity_, output_);
  step_ = 0;
}

void ForceRateEuler::step(std::span<const double> input, std::span<double> output) {
  assert(input.size() == size_in() && output.size() == size_out());
  const std::span<const double> u = input.first(num_inputs());
  const std::span<const double> force = input.subspan(num_inputs());
  // Rockpool sets NaN input samples to 0 (Layer._prepare_input_continuous): a series sampled
  // past its end gives NaN. We do the same for the force (Rockpool does not, and a NaN
  // there would stay in x for ever).
  weighted_sum(w_in_, u, res_inputs_, /*nan_as_zero=*/true);
  const bool noisy = params_.noise_std > 0.0;
  const bool euler = params_.integration == Integration::kEuler;
  for (std::size_t j = 0; j < x_.size(); ++j) {
    // Rockpool's order: inp = res_inputs + noise + force; x += dt_tau (-x + inp + bias).
    double inp = res_inputs_[j];
    if (noisy) inp += params_.noise_std * CounterRng(params_.seed, j).normal(step_);
    if (!std::isnan(force[j])) inp += force[j];
    // The exact step holds the whole drive, noise sample included, over the step.
    x_[j] = euler ? x_[j] + keep_[j] * (-x_[j] + inp + bias_[j]) : x_[j] * decay_[j] + (inp + bias_[j]) * keep_[j];
    activity_[j] = params_.activation(x_[j]);
  }
  weighted_sum(w_out_, activity_, output_);
  std::copy(output_.begin(), output_.end(), output.begin());
  ++step_;
}

// Checkpoints: the state vectors and the step counter (the noise RNG's counter).
void ForceRateEuler::save_state(StateWriter& out) const {
  out.put_array(x_);
  out.put_array(activity_);
  out.put_array(output_);
  out.put(step_);
}

void ForceRateEuler::restore_state(StateReader& in) {
  in.get_exact(x_, "ForceRateEuler x");
  in.get_exact(activity_, "ForceRateEuler activity");
  in.get_exact(output_, "ForceRateEuler output");
  step_ = in.get<std::uint64_t>("ForceRateEuler step");
}

}  // namespace rockpool
