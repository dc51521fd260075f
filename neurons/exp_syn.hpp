// exp_syn.hpp: exponential synapses — spikes in, exponentially decaying currents out.
//
// Rockpool's ExpSyn (rockpool.nn.modules.native.exp_syn, ../shared/reference/ExpSyn-source.txt)
// and its weighted feed-forward ancestors FFExpSyn / FFExpSynBrian (FFExpSynBrian.txt):
//
//   tau_j dI_j/dt = -I_j,   a spike of weight w on input i: I_j += w W[i][j]   (no 1/tau, no dt)
//   output_j = I_j + bias_j                                  (FFExpSyn adds its bias to the output)
//
// so one spike at t_s gives I(t) = w W[i][j] e^{-(t - t_s)/tau_j} for t >= t_s. Weights are
// M x N in Rockpool's [pre, post] convention (WeightMatrix, rate.hpp); ExpSyn itself has no
// weights, which is the identity (the size-only constructor).
//
// Two forms of the same model:
//   ExpSynClocked  a ClockedLayer: the input binned per Rockpool's rule (clocked_layer.hpp), one
//                  exact step per dt, I <- e^{-dt/tau} (I + W^T in): ExpSyn's update equations and
//                  its convolution, sample for sample (its output k is ours at the tick t_{k+1}).
//   ExpSynExact    a Population: each spike is taken at its exact time, and state("i", j, t) is
//                  the exact sum over spikes up to t at any t (recorders sample it). It never
//                  spikes; it is there to be recorded. The engine's Population has spiking
//                  output (final), so it cannot feed a clocked layer's continuous input: use
//                  ExpSynClocked for that. Its weights live in the projection
//                  (Projection::dense(M, N, W), M x N as above), since a Population has as
//                  many inputs as units.
// doc/models.md gives the timing of each form against Rockpool's and Brian2's samples.
//
//   ExpSynClocked::Parameters p;  p.tau = {5e-3};  p.dt = microseconds(100);
//   auto syn = std::make_unique<ExpSynClocked>(WeightMatrix(2, 3, {...}), p);
//   auto exact = std::make_unique<ExpSynExact>(3, ExpSynExact::Parameters{{5e-3}, {0.0}});
//   net.connect(in, net.add("syn", std::move(exact)), Projection::dense(2, 3, w, Duration::zero()));
//
// Each owns its parameters and state (one vector per variable, index = unit). Bad parameters
// throw at construction (error.hpp): DimensionMismatch for shapes, InvalidArgument for values
// (tau <= 0 or not finite, a non-finite bias or weight), naming the parameter.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "engine/clocked_layer.hpp"
#include "engine/population.hpp"
#include "neurons/rate.hpp"
#include "neurons/state_noise.hpp"

namespace rockpool {

struct ExpSynClockedParameters {
  std::vector<double> tau = {10e-3};  // s, 1 or N values (ExpSyn's default 10 ms)
  std::vector<double> bias = {0.0};   // 1 or N values, added to the output
  Duration dt = milliseconds(1);      // ExpSyn's default 1 ms
  // ExpSyn's noise: noise_std sqrt(dt) z added to each output sample (not to the current
  // I, see doc/models.md), z drawn per (seed, unit, step) (state_noise.hpp).
  double noise_std = 0.0;
  std::uint64_t seed = 0;
};

class ExpSynClocked final : public ClockedLayer {
 public:
  using Parameters = ExpSynClockedParameters;

  // weights: M x N (M input channels, N units).
  explicit ExpSynClocked(WeightMatrix weights, Parameters parameters = {});
  // N units, input channel j to unit j with weight 1 (Rockpool's ExpSyn(shape = N)).
  explicit ExpSynClocked(std::size_t size, Parameters parameters = {});

  std::string_view type_name() const override { return "ExpSynClocked"; }
  std::size_t size_in() const override { return weights_.rows; }
  std::size_t size_out() const override { return weights_.columns; }
  Signal input_signal() const override { return Signal::kSpikes; }
  Signal output_signal() const override { return Signal::kContinuous; }
  Duration dt() const override { return params_.dt; }
  // {"i", "isyn"}: the output I + bias, and the current I (Rockpool's state `isyn`), both
  // held from a tick to the next.
  std::span<const std::string_view> state_names() const override;
  double state(std::size_t variable, NeuronIndex i, Time t) const override;

  void start() override;
  void save_state(StateWriter& out) const override;
  void restore_state(StateReader& in) override;
  // input: the summed weights of the spikes of the bin, per input channel.
  void step(std::span<const double> input, std::span<double> output) override;

 private:
  WeightMatrix weights_;
  Parameters params_;
  std::vector<double> bias_, decay_;  // per unit; decay = e^{-dt/tau}
  std::vector<double> isyn_;          // I after the last tick
  std::vector<double> output_;        // the last output: I + bias (+ noise)
  StateNoise noise_;
  std::uint64_t step_ = 0;            // steps since start(): the noise counter
};

struct ExpSynExactParameters {
  std::vector<double> tau = {10e-3};  // s, 1 or N values (ExpSyn's default 10 ms)
  std::vector<double> bias = {0.0};   // 1 or N values, added to the output
};

class ExpSynExact final : public Population {
 public:
  using Parameters = ExpSynExactParameters;

  explicit ExpSynExact(std::size_t size, Parameters parameters = {});

  std::string_view type_name() const override { return "ExpSynExact"; }
  std::size_t size() const override { return bias_.size(); }
  // {"i", "isyn"}: I(t) + bias and I(t), exact at any t (including the spikes at t).
  std::span<const std::string_view> state_names() const override;
  // Pre: t is not earlier than the last spike unit i received.
  double state(std::size_t variable, NeuronIndex i, Time t) const override;

  // Nothing is ever due: the units never spike.
  void start(Time t0, PredictionList& changed) override;
  void receive(Time t, std::uint32_t port, std::span<const NeuronIndex> targets, std::span<const double> weights,
               PredictionList& changed) override;
  bool on_due(Time t, NeuronIndex i, PredictionList& changed) override;
  void save_state(StateWriter& out) const override;
  void restore_state(StateReader& in) override;

 private:
  // I_j(t) at t >= t_ref_, from the modal value.
  double current(NeuronIndex j, std::int64_t t) const;
  void renormalize_if_needed(std::int64_t t);

  Parameters params_;
  std::vector<double> tau_, bias_;  // per unit
  bool uniform_tau_ = true;         // one tau for all: a delivery needs one exp in all
  // Modal state, as in LifExp: I_j(t) = i_tilde_[j] e^{-(t - t_ref)/tau_j}. An input w at t
  // adds w e^{(t - t_ref)/tau_j}; nothing changes between inputs, so the state needs no
  // per-unit clock and reading it at any t costs one exp.
  std::int64_t t_ref_ = 0;               // ticks
  std::int64_t renormalize_after_ = 0;   // ticks past t_ref_ that trigger renormalisation
  std::vector<double> i_tilde_;
};

}  // namespace rockpool
