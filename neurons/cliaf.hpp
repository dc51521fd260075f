// cliaf.hpp: Rockpool's constant-leak integrate-and-fire layers (FFCLIAF, RecCLIAF) and its
// spiking SoftMax layer, as clocked layers.
//
// CLIAF is an integer-friendly clocked IAF: no exponential decay, the "constant leak" is a
// (negative) bias added every tTauBias. Per step of dt, for each neuron j (Rockpool's
// rockpool.nn.layers.iaf_cl, in its order of operations):
//   update_j = (x W_in)_j + (r(k - D) W_rec)_j + [bias_j every tTauBias] (+ noise)
//   refractory neurons: update_j = 0
//   state_j  = quantise(state_j + update_j)           (clip + cast to state_type)
//   state_j >= v_thresh_j  ->  spike; then either
//     v_subtract given: state_j = quantise(state_j - v_subtract_j), repeated (several
//                       spikes in one step) while state_j >= v_thresh_j, unless some
//                       neuron of the layer has refractory > 0 (then once per step);
//     v_subtract none:  state_j = quantise(v_reset_j)
//   refractory: the spiking neuron ignores its input for floor(refractory / dt) steps.
// x is the bin's input (spike counts, or summed weights: engine/clocked_layer.hpp), r(k) the
// layer's own spike counts of step k, D = floor(delay / dt) >= 1 steps. FFCLIAF is the case
// without weights_rec (state + update + bias, Rockpool's FF order); RecCLIAF has them.
// The state starts at v_reset. doc/models.md lists defaults, units and the differences.
//
//   CLIAF::Parameters p;  p.v_thresh = {8};  p.bias = {-1};   // leak of 1 per step
//   auto ff = std::make_unique<CLIAF>(WeightMatrix(2, 3, {...}), std::nullopt, p);
//   auto rec = std::make_unique<CLIAF>(w_in, WeightMatrix(3, 3, {...}), p);
//
// SoftMax (Rockpool's SoftMaxLayer): integrates its weighted input spikes without leak,
// state_j += (x W)_j, and outputs softmax(state) over the layer's units at every step
// (continuous output).
//
// Bad parameters throw at construction (engine/error.hpp): DimensionMismatch for shapes,
// InvalidArgument for values, naming the parameter.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "engine/clocked_layer.hpp"
#include "neurons/quantised_state.hpp"
#include "neurons/rate.hpp"  // WeightMatrix
#include "neurons/state_noise.hpp"

namespace rockpool {

struct CLIAFParameters {
  std::vector<double> bias = {0.0};        // added every tTauBias; negative = the constant leak
  std::vector<double> v_thresh = {8.0};    // spiking threshold
  std::vector<double> v_reset = {0.0};     // initial state, and the reset value without v_subtract
  // Subtracted from the state at each spike (must be > 0); nullopt: reset to v_reset.
  std::optional<std::vector<double>> v_subtract = std::vector<double>{8.0};
  std::vector<double> refractory = {0.0};  // s, 1 or N values: floor(refractory / dt) steps
  // Default 1 s without weights_rec (FFCLIAF), 0.1 ms with (RecCLIAF), as in Rockpool.
  std::optional<Duration> dt;
  std::optional<Duration> delay;     // recurrent spikes arrive floor(delay / dt) >= 1 steps later; default dt
  std::optional<Duration> tTauBias;  // period of the bias, floor(tTauBias / dt) >= 1 steps; default dt
  StateType state_type = StateType::kFloat64;  // Rockpool's default `float`
  // Ours (Rockpool's CLIAF has none): state noise of std. dev. noise_std after 1 s of
  // integration, noise_std sqrt(dt) z per step (state_noise.hpp). 0: none.
  double noise_std = 0.0;
  std::uint64_t seed = 0;
};

class CLIAF final : public ClockedLayer {
 public:
  using Parameters = CLIAFParameters;

  // weights_in: M x N, [pre, post]. weights_rec: N x N, [pre, post], or nullopt for the
  // feed-forward layer (FFCLIAF), where `delay` must not be given.
  CLIAF(WeightMatrix weights_in, std::optional<WeightMatrix> weights_rec, Parameters parameters = {});

  std::string_view type_name() const override { return recurrent_ ? "RecCLIAF" : "FFCLIAF"; }
  std::size_t size_in() const override { return weights_in_.rows; }
  std::size_t size_out() const override { return size_; }
  Signal input_signal() const override { return Signal::kSpikes; }
  Signal output_signal() const override { return Signal::kSpikes; }
  Duration dt() const override { return dt_; }
  std::span<const std::string_view> state_names() const override;  // {"state"}
  double state(std::size_t variable, NeuronIndex i, Time t) const override;

  bool recurrent() const { return recurrent_; }
  std::int64_t delay_steps() const { return delay_steps_; }
  std::int64_t bias_steps() const { return bias_steps_; }
  std::span<const std::int64_t> refractory_steps() const { return refractory_steps_; }

  // Initial state (default v_reset), quantised; before start().
  void set_state(std::span<const double> state);
  void start() override;
  void step(std::span<const double> input, std::span<double> output) override;

  void save_state(StateWriter& out) const override;
  void restore_state(StateReader& in) override;

 private:
  WeightMatrix weights_in_;
  WeightMatrix weights_rec_;  // empty when feed-forward
  bool recurrent_;
  std::size_t size_;
  Parameters params_;
  Duration dt_;
  std::vector<double> bias_, v_thresh_, v_reset_, v_subtract_;
  bool subtract_;
  std::vector<std::int64_t> refractory_steps_;
  bool any_refractory_;  // Rockpool: one subtraction per step for all neurons if so
  std::int64_t delay_steps_ = 1;
  std::int64_t bias_steps_ = 1;
  StateNoise noise_;

  std::vector<double> initial_state_;
  std::vector<double> state_;
  std::vector<std::int64_t> refractory_left_;
  std::vector<double> ring_;   // delay line: delay_steps x N spike counts, oldest row at ring_pos_
  std::size_t ring_pos_ = 0;
  std::vector<double> update_;  // scratch
  std::uint64_t step_ = 0;     // steps since start()
};

struct SoftMaxParameters {
  Duration dt = seconds(1);  // Rockpool's default 1.0
  // A state reaching thresh is reduced by thresh (the FFCLIAF rule); Rockpool's default
  // 1e10 is meant never to be reached.
  double thresh = 1e10;
  // Ours, as CLIAF: state noise of std. dev. noise_std after 1 s (noise_std sqrt(dt) z per step).
  double noise_std = 0.0;
  std::uint64_t seed = 0;
};

class SoftMax final : public ClockedLayer {
 public:
  using Parameters = SoftMaxParameters;

  // weights: M x N, [pre, post].
  explicit SoftMax(WeightMatrix weights, Parameters parameters = {});

  std::string_view type_name() const override { return "SoftMaxLayer"; }
  std::size_t size_in() const override { return weights_.rows; }
  std::size_t size_out() const override { return weights_.columns; }
  Signal input_signal() const override { return Signal::kSpikes; }
  Signal output_signal() const override { return Signal::kContinuous; }
  Duration dt() const override { return params_.dt; }
  std::span<const std::string_view> state_names() const override;  // {"state", "y"}
  double state(std::size_t variable, NeuronIndex i, Time t) const override;

  void start() override;
  void step(std::span<const double> input, std::span<double> output) override;

  void save_state(StateWriter& out) const override;
  void restore_state(StateReader& in) override;

 private:
  WeightMatrix weights_;
  Parameters params_;
  StateNoise noise_;
  std::vector<double> state_, y_;
  std::uint64_t step_ = 0;
};

}  // namespace rockpool
