#include "neurons/updown.hpp"

#include "engine/checkpoint.hpp"

#include <cassert>
#include <cmath>
#include <limits>
#include <string>

#include "engine/random.hpp"
#include "neurons/parameter_checks.hpp"

namespace rockpool {

using neuron_detail::check_unit;
using neuron_detail::per_unit;
using neuron_detail::shortest;

FFUpDown::FFUpDown(std::size_t size_in, Parameters parameters) : size_in_(size_in), params_(std::move(parameters)) {
  if (size_in_ == 0) throw InvalidArgument("size_in", "must be at least 1");
  if (params_.multi_channels == 0) throw InvalidArgument("multi_channels", "must be at least 1");
  if (params_.repeat_output == 0) throw InvalidArgument("repeat_output", "must be at least 1");
  if (params_.dt <= Duration::zero()) throw InvalidArgument("dt", "must be positive");
  if (!std::isfinite(params_.noise_std) || params_.noise_std < 0.0) {
    throw InvalidArgument("noise_std", "must be finite and >= 0, got " + shortest(params_.noise_std));
  }
  thr_up_ = per_unit("thr_up", params_.thr_up, size_in_);
  thr_down_ = per_unit("thr_down", params_.thr_down, size_in_);
  for (std::size_t i = 0; i < size_in_; ++i) {
    // Rockpool allows 0, which divides by zero when multiplexing; we refuse it.
    if (thr_up_[i] <= 0.0) throw InvalidArgument("thr_up", "must be positive, got " + shortest(thr_up_[i]) + " at index " + std::to_string(i));
    if (thr_down_[i] <= 0.0) throw InvalidArgument("thr_down", "must be positive, got " + shortest(thr_down_[i]) + " at index " + std::to_string(i));
  }
  const double dt = to_seconds(params_.dt);
  decay_.assign(size_in_, 1.0);
  if (!params_.tau_decay.empty()) {
    const std::vector<double>& tau = params_.tau_decay;
    if (tau.size() != 1 && tau.size() != size_in_) {
      throw DimensionMismatch("tau_decay", "has " + std::to_string(tau.size()) + " values for " +
                                               std::to_string(size_in_) + " inputs (give 1 or " + std::to_string(size_in_) + ")");
    }
    for (std::size_t i = 0; i < size_in_; ++i) {
      const double t = tau.size() == 1 ? tau[0] : tau[i];
      if (t == std::numeric_limits<double>::infinity()) continue;  // no decay on this channel
      // Rockpool: "Entries of tau_decay must be greater or equal to dt" (the factor 1 - dt/tau
      // would be negative below that).
      if (!(t >= dt)) {
        throw InvalidArgument("tau_decay", shortest(t) + " s at index " + std::to_string(i) + " is less than dt = " +
                                               format_seconds(params_.dt) + " s (or not a number)");
      }
      decay_[i] = 1.0 - dt / t;
    }
  }
  start();
}

constexpr std::string_view kUpDownStateNames[] = {"analog_value"};

std::span<const std::string_view> FFUpDown::state_names() const { return kUpDownStateNames; }

double FFUpDown::state(std::size_t variable, NeuronIndex i, Time t) const {
  if (variable > 0) return Node::state(variable, i, t);
  check_unit(i, size_in_);
  return analog_value_[i];
}

void FFUpDown::start() {
  analog_value_.assign(size_in_, 0.0);
  initialised_ = false;
  spikes_out_ = 0;
  step_ = 0;
}

void FFUpDown::step(std::span<const double> input, std::span<double> output) {
  assert(input.size() == size_in() && output.size() == size_out());
  const std::size_t n = params_.multi_channels;
  const double repeat = static_cast<double>(params_.repeat_output);
  std::fill(output.begin(), output.end(), 0.0);
  for (std::size_t i = 0; i < size_in_; ++i) {
    double u = input[i];
    if (params_.noise_std > 0.0) u += params_.noise_std * CounterRng(params_.seed, i).normal(step_);
    if (!initialised_) analog_value_[i] = u;
    double& s = analog_value_[i];
    s *= decay_[i];
    double up, down;
    if (params_.multiplex_spikes) {
      up = std::fmax(std::floor((u - s) / thr_up_[i]), 0.0);
      down = std::fmax(std::floor((s - u) / thr_down_[i]), 0.0);
    } else {
      up = u > s + thr_up_[i] ? 1.0 : 0.0;
      down = u < s - thr_down_[i] ? 1.0 : 0.0;
    }
    s += thr_up_[i] * up;
    s -= thr_down_[i] * down;
    // Raw channels 2i (up) and 2i + 1 (down), each spike repeated; the running count
    // spreads them over the n sub-channels in turn.
    const double raw[2] = {up * repeat, down * repeat};
    for (std::size_t c = 0; c < 2; ++c) {
      if (raw[c] == 0.0) continue;
      double* sub = output.data() + (2 * i + c) * n;
      if (n == 1) {
        sub[0] = raw[c];
        continue;
      }
      const auto total = static_cast<std::uint64_t>(raw[c]);
      const std::uint64_t first = spikes_out_ % n;
      for (std::size_t k = 0; k < n; ++k) {
        // Spikes first, first + 1, ... (mod n) of this run of `total` land on sub-channel k.
        const std::uint64_t offset = (k + n - first) % n;
        sub[k] = offset < total ? static_cast<double>((total - offset + n - 1) / n) : 0.0;
      }
      spikes_out_ += total;
    }
  }
  initialised_ = true;
  ++step_;
}

// Checkpoints: the tracking values, whether they are started, the running spike count (it
// picks the sub-channel) and the step counter (it keys the noise).
void FFUpDown::save_state(StateWriter& out) const {
  out.put_array(analog_value_);
  out.put<std::uint8_t>(initialised_ ? 1 : 0);
  out.put(spikes_out_);
  out.put(step_);
}

void FFUpDown::restore_state(StateReader& in) {
  in.get_exact(analog_value_, "FFUpDown analog_value");
  initialised_ = in.get<std::uint8_t>("FFUpDown initialised") != 0;
  spikes_out_ = in.get<std::uint64_t>("FFUpDown spikes_out");
  step_ = in.get<std::uint64_t>("FFUpDown step");
}

}  // namespace rockpool
