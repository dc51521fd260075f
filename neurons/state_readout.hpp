// state_readout.hpp: a clocked, weighted readout of a population's or layer's state —
// Rockpool's "weighted surrogate output" (the LIF layers with an `_IO` / `_SO` suffix).
//
// Every dt the readout samples a state variable of every neuron of its source (by default
// `v_mem`) at the tick: a population's exactly (Node::sample_state computes it in closed
// form without touching the model); a clocked layer's after that layer's step of the same
// tick (the readout ticks after its source, reads_state_of), as Rockpool computes its
// surrogate from each step's V. It maps the values through a transform and weights them:
//
//   y_o(t_k) = sum_j U(x_j(t_k)) w_out[j][o],        t_k = t0 + k dt
//
// Transforms: identity (U = x), and Rockpool's surrogate of its Jax LIF layers,
//   U = tanh(20 v + 1) / 2 + 1/2,     v = (x - threshold) / (threshold - v_reset)
// (Rockpool's Jax LIF has threshold 0 and a subtractive reset of 1, so v = V there;
// the normalisation carries the same curve over to any threshold and reset).
// Without w_out the readout outputs U itself (size_out = population size).
//
// The output is continuous: record it (StateRecorder on "y"), or project it into clocked
// layers or a current input. Sampling reads the state *at* the tick, before events at the
// same time are processed (ticks come first, engine/event.hpp): a neuron crossing
// threshold exactly at t_k is read at V = threshold, as Rockpool reads V before its reset.
//
//   auto lif = std::make_unique<LifExp>(p, 100);
//   auto out = StateReadout::surrogate(*lif, WeightMatrix(100, 2, w), milliseconds(1));
//   net.add("lif", std::move(lif));  net.add("out", std::move(out));
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "engine/clocked_layer.hpp"
#include "engine/population.hpp"
#include "neurons/lif_exp.hpp"  // LifExp::Parameters
#include "neurons/rate.hpp"     // WeightMatrix

namespace rockpool {

class LifExpClocked;

enum class ReadoutTransform : std::uint8_t { kIdentity, kRockpoolSurrogate };

struct StateReadoutParameters {
  Duration dt = milliseconds(1);
  std::string variable = "v_mem";     // a name from the population's state_names()
  ReadoutTransform transform = ReadoutTransform::kIdentity;
  double threshold = 0.0;             // surrogate only: where U = (tanh(1) + 1) / 2
  double v_reset = -1.0;              // surrogate only: threshold - v_reset is the unit of v
  std::optional<WeightMatrix> w_out;  // N x O, [neuron][output]; absent: U itself
};

class StateReadout final : public ClockedLayer {
 public:
  using Parameters = StateReadoutParameters;

  // `source` must outlive the readout (both belong to one Network). Throws InvalidArgument
  // for a source that is not a population or a clocked layer, an unknown variable, dt <= 0,
  // threshold <= v_reset; DimensionMismatch if w_out has not one row per neuron.
  StateReadout(const Node& source, Parameters parameters);
  // Rockpool's weighted surrogate output of an exact or clocked LIF (its threshold, reset).
  static std::unique_ptr<StateReadout> surrogate(const LifExp& lif, std::optional<WeightMatrix> w_out, Duration dt);
  static std::unique_ptr<StateReadout> surrogate(const LifExpClocked& lif, std::optional<WeightMatrix> w_out,
                                                 Duration dt);

  std::string_view type_name() const override { return "StateReadout"; }
  std::size_t size_in() const override { return 0; }
  std::size_t size_out() const override { return params_.w_out ? params_.w_out->columns : sampled_.size(); }
  Signal input_signal() const override { return Signal::kNone; }
  Signal output_signal() const override { return Signal::kContinuous; }
  Duration dt() const override { return params_.dt; }
  const Node* reads_state_of() const override { return &source_; }
  std::span<const std::string_view> state_names() const override;  // {"y"}: the last output
  double state(std::size_t variable, NeuronIndex i, Time t) const override;

  void start() override;
  void step(std::span<const double> input, std::span<double> output) override;
  void save_state(StateWriter& out) const override;
  void restore_state(StateReader& in) override;

 private:
  static std::unique_ptr<StateReadout> surrogate_of(const Node& lif, const LifExp::Parameters& levels,
                                                    std::optional<WeightMatrix> w_out, Duration dt);

  const Node& source_;
  Parameters params_;
  std::size_t variable_;
  std::vector<NeuronIndex> all_;  // 0 .. N-1: every neuron is read
  std::vector<double> w_out_t_;  // w_out transposed: [output][neuron]
  std::vector<double> sampled_;  // U of every neuron, this step
  std::vector<double> last_;     // the last output
};

}  // namespace rockpool
