#include "neurons/cliaf.hpp"

#include "engine/checkpoint.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <string>

#include "neurons/parameter_checks.hpp"

namespace rockpool {
namespace {

using neuron_detail::check_unit;
using neuron_detail::per_unit;
using neuron_detail::shortest;

// out[j] += sum_i in[i] W[i][j], skipping silent inputs (spike input is sparse).
void add_weighted(const WeightMatrix& w, std::span<const double> in, std::span<double> out) {
  assert(in.size() == w.rows && out.size() == w.columns);
  for (std::size_t i = 0; i < w.rows; ++i) {
    const double u = in[i];
    if (u == 0.0) continue;
    const double* row = w.values.data() + i * w.columns;
    for (std::size_t j = 0; j < w.columns; ++j) out[j] += u * row[j];
  }
}

// floor(d / dt) whole steps, at least 1 (Rockpool: "rounded down to a multiple of dt, must
// be at least dt").
std::int64_t whole_steps(std::string_view name, Duration d, Duration dt) {
  if (d < dt) {
    throw InvalidArgument(name, format_seconds(d) + " s is shorter than dt = " + format_seconds(dt) + " s");
  }
  return floor_div(d, dt);
}

}  // namespace

CLIAF::CLIAF(WeightMatrix weights_in, std::optional<WeightMatrix> weights_rec, Parameters parameters)
    : weights_in_(std::move(weights_in)), recurrent_(weights_rec.has_value()), params_(std::move(parameters)) {
  weights_in_.check("weights_in");
  size_ = weights_in_.columns;
  if (recurrent_) {
    weights_rec_ = std::move(*weights_rec);
    weights_rec_.check("weights_rec");
    if (weights_rec_.rows != size_ || weights_rec_.columns != size_) {
      throw DimensionMismatch("weights_rec", "must be " + std::to_string(size_) + " x " + std::to_string(size_) +
                                                 " (weights_in has " + std::to_string(size_) + " columns), got " +
                                                 std::to_string(weights_rec_.rows) + " x " +
                                                 std::to_string(weights_rec_.columns));
    }
  }
  dt_ = params_.dt ? *params_.dt : (recurrent_ ? microseconds(100) : seconds(1));
  if (dt_ <= Duration::zero()) throw InvalidArgument("dt", "must be positive");
  bias_ = per_unit("bias", params_.bias, size_);
  v_thresh_ = per_unit("v_thresh", params_.v_thresh, size_);
  v_reset_ = per_unit("v_reset", params_.v_reset, size_);
  subtract_ = params_.v_subtract.has_value();
  if (subtract_) {
    v_subtract_ = per_unit("v_subtract", *params_.v_subtract, size_);
    for (std::size_t j = 0; j < size_; ++j) {
      if (v_subtract_[j] <= 0.0) {
        throw InvalidArgument("v_subtract", "must be positive (or none, to reset to v_reset), got " +
                                                shortest(v_subtract_[j]) + " at index " + std::to_string(j));
      }
      // A threshold at or below the type's minimum would be crossed forever.
      if (v_thresh_[j] <= state_min(params_.state_type)) {
        throw InvalidArgument("v_thresh", shortest(v_thresh_[j]) + " at index " + std::to_string(j) +
                                              " is not above the minimum of state_type " +
                                              std::string(state_type_name(params_.state_type)));
      }
    }
  }
  const std::vector<double> refractory = per_unit("refractory", params_.refractory, size_);
  any_refractory_ = false;
  for (std::size_t j = 0; j < size_; ++j) {
    if (refractory[j] < 0.0) {
      throw InvalidArgument("refractory", "must be >= 0, got " + shortest(refractory[j]) + " at index " + std::to_string(j));
    }
    // Rockpool floors refractory / dt; we floor on exact ticks (3 ms / 1 ms = 3 steps).
    refractory_steps_.push_back(floor_div(Duration::from_seconds(refractory[j]), dt_));
    any_refractory_ = any_refractory_ || refractory_steps_.back() > 0;
  }
  if (params_.delay) {
    if (!recurrent_) throw InvalidArgument("delay", "applies to recurrent spikes; this layer has no weights_rec");
    delay_steps_ = whole_steps("delay", *params_.delay, dt_);
  }
  if (params_.tTauBias) bias_steps_ = whole_steps("tTauBias", *params_.tTauBias, dt_);
  noise_ = StateNoise(params_.noise_std, dt_, params_.seed);
  initial_state_.resize(size_);
  for (std::size_t j = 0; j < size_; ++j) initial_state_[j] = quantise(params_.state_type, v_reset_[j]);
  update_.assign(size_, 0.0);
  start();
}

constexpr std::string_view kCLIAFStateNames[] = {"state"};

std::span<const std::string_view> CLIAF::state_names() const { return kCLIAFStateNames; }

double CLIAF::state(std::size_t variable, NeuronIndex i, Time t) const {
  if (variable > 0) return Node::state(variable, i, t);
  check_unit(i, size_);
  return state_[i];
}

void CLIAF::set_state(std::span<const double> state) {
  if (state.size() != size_) {
    throw DimensionMismatch("state", "has " + std::to_string(state.size()) + " values for " + std::to_string(size_) + " units");
  }
  for (std::size_t j = 0; j < size_; ++j) {
    if (!std::isfinite(state[j])) throw InvalidArgument("state", "not finite at index " + std::to_string(j));
    initial_state_[j] = quantise(params_.state_type, state[j]);
  }
  start();
}

void CLIAF::start() {
  state_ = initial_state_;
  refractory_left_.assign(size_, 0);
  ring_.assign(recurrent_ ? static_cast<std::size_t>(delay_steps_) * size_ : 0, 0.0);
  ring_pos_ = 0;
  step_ = 0;
}

void CLIAF::step(std::span<const double> input, std::span<double> output) {
  assert(input.size() == size_in() && output.size() == size_out());
  const StateType type = params_.state_type;
  ++step_;
  // Rockpool applies the bias on the steps whose count since start is a multiple of tTauBias/dt.
  const bool bias_now = step_ % static_cast<std::uint64_t>(bias_steps_) == 0;

  // The input of this step: x W_in, then the recurrent spikes of D steps ago.
  std::fill(update_.begin(), update_.end(), 0.0);
  add_weighted(weights_in_, input, update_);
  double* delayed = recurrent_ ? ring_.data() + ring_pos_ * size_ : nullptr;
  if (recurrent_) add_weighted(weights_rec_, std::span<const double>(delayed, size_), update_);

  for (std::size_t j = 0; j < size_; ++j) {
    if (refractory_left_[j] > 0) continue;  // refractory: no input, bias or noise
    double v;
    if (recurrent_) {
      double u = update_[j];
      if (bias_now) u += bias_[j];
      if (noise_) u += noise_(j, step_ - 1);
      v = state_[j] + u;
    } else {
      // FFCLIAF's order: state + update + bias.
      v = state_[j] + update_[j];
      if (bias_now) v += bias_[j];
      if (noise_) v += noise_(j, step_ - 1);
    }
    state_[j] = quantise(type, v);
  }

  // Threshold, reset, refractoriness. Every neuron is checked, refractory or not (as in
  // Rockpool: only its input is blocked).
  const bool several_per_step = subtract_ && !any_refractory_;
  for (std::size_t j = 0; j < size_; ++j) {
    double count = 0.0;
    if (state_[j] >= v_thresh_[j]) {
      if (several_per_step) {
        while (state_[j] >= v_thresh_[j]) {
          const double next = quantise(type, state_[j] - v_subtract_[j]);
          count += 1.0;
          // Rounding (float32, huge states) can make the subtraction a no-op; Rockpool would
          // loop forever there. Stop instead.
          if (next == state_[j]) break;
          state_[j] = next;
        }
      } else {
        count = 1.0;
        state_[j] = subtract_ ? quantise(type, state_[j] - v_subtract_[j]) : quantise(type, v_reset_[j]);
      }
    }
    if (any_refractory_) {
      refractory_left_[j] = count > 0.0 ? refractory_steps_[j] : std::max<std::int64_t>(refractory_left_[j] - 1, 0);
    }
    output[j] = count;
  }
  if (recurrent_) {
    // Out went the counts of D steps ago (read above); in go this step's.
    std::copy(output.begin(), output.end(), delayed);
    ring_pos_ = (ring_pos_ + 1) % static_cast<std::size_t>(delay_steps_);
  }
}

// ---------------------------------------------------------------------------------------
// SoftMax

SoftMax::SoftMax(WeightMatrix weights, Parameters parameters) : weights_(std::move(weights)), params_(parameters) {
  weights_.check("weights");
  if (params_.dt <= Duration::zero()) throw InvalidArgument("dt", "must be positive");
  if (!(params_.thresh > 0.0) || !std::isfinite(params_.thresh)) {
    throw InvalidArgument("thresh", "must be positive and finite, got " + shortest(params_.thresh));
  }
  noise_ = StateNoise(params_.noise_std, params_.dt, params_.seed);
  start();
}

constexpr std::string_view kSoftMaxStateNames[] = {"state", "y"};

std::span<const std::string_view> SoftMax::state_names() const { return kSoftMaxStateNames; }

double SoftMax::state(std::size_t variable, NeuronIndex i, Time t) const {
  if (variable > 1) return Node::state(variable, i, t);
  check_unit(i, state_.size());
  return variable == 0 ? state_[i] : y_[i];
}

void SoftMax::start() {
  state_.assign(weights_.columns, 0.0);
  y_.assign(weights_.columns, 1.0 / static_cast<double>(weights_.columns));  // softmax of zeros
  step_ = 0;
}

void SoftMax::step(std::span<const double> input, std::span<double> output) {
  assert(input.size() == size_in() && output.size() == size_out());
  add_weighted(weights_, input, state_);
  if (noise_) {
    for (std::size_t j = 0; j < state_.size(); ++j) state_[j] += noise_(j, step_);
  }
  ++step_;
  // A state at or above thresh loses whole multiples of it (FFCLIAF's repeated subtraction).
  for (double& s : state_) {
    if (s >= params_.thresh) s -= params_.thresh * std::floor(s / params_.thresh);
  }
  // softmax(s)_j = e^{s_j} / sum_k e^{s_k}, computed as e^{s_j - max s} / sum_k e^{s_k - max s}
  // so that large states do not overflow.
  const double top = *std::max_element(state_.begin(), state_.end());
  double sum = 0.0;
  for (std::size_t j = 0; j < state_.size(); ++j) sum += (y_[j] = std::exp(state_[j] - top));
  for (std::size_t j = 0; j < state_.size(); ++j) output[j] = (y_[j] /= sum);
}

// Checkpoints: states, refractory counters, the recurrent delay line and the step counter
// (it paces the bias and keys the noise).
void CLIAF::save_state(StateWriter& out) const {
  out.put_array(state_);
  out.put_array(refractory_left_);
  out.put_array(ring_);
  out.put<std::uint64_t>(ring_pos_);
  out.put(step_);
}

void CLIAF::restore_state(StateReader& in) {
  in.get_exact(state_, "CLIAF state");
  in.get_exact(refractory_left_, "CLIAF refractory_left");
  in.get_exact(ring_, "CLIAF delay line");
  ring_pos_ = in.get<std::uint64_t>("CLIAF ring position");
  if (ring_pos_ >= std::max<std::size_t>(1, static_cast<std::size_t>(delay_steps_))) in.fail("CLIAF ring position out of range");
  step_ = in.get<std::uint64_t>("CLIAF step");
}

void SoftMax::save_state(StateWriter& out) const {
  out.put_array(state_);
  out.put_array(y_);
  out.put(step_);
}

void SoftMax::restore_state(StateReader& in) {
  in.get_exact(state_, "SoftMax state");
  in.get_exact(y_, "SoftMax y");
  step_ = in.get<std::uint64_t>("SoftMax step");
}

}  // namespace rockpool
