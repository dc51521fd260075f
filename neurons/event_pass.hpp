// event_pass.hpp: Rockpool's PassThroughEvents — routes (and multiplies) event channels.
//
// An input event on channel i at time t becomes W[i][j] output events on channel j, all at
// t (no delay, no state, no noise), for a non-negative integer M x N matrix W
// (rockpool.nn.layers.event_pass: `inp_channel_raster @ weights`, each count repeated).
// In the engine it is a Population of N output channels fed by a projection that carries
// W: input_projection() builds it, and a delivered weight is read as a number of events,
// so any projection with non-negative whole-number weights works. Event-driven: each event
// is re-emitted at its own time, in the same scheduler step order as any zero-delay spike.
//
//   auto pass = std::make_unique<PassThroughEvents>(WeightMatrix(2, 3, {1, 0, 2,  0, 1, 0}));
//   Projection in = pass->input_projection();
//   NodeId p = net.add("route", std::move(pass));
//   net.connect(source, p, std::move(in));
#pragma once

#include <cstdint>
#include <vector>

#include "engine/population.hpp"
#include "engine/projection.hpp"
#include "neurons/rate.hpp"  // WeightMatrix

namespace rockpool {

class PassThroughEvents final : public Population {
 public:
  // weights: M x N, non-negative whole numbers (InvalidArgument naming the row and column
  // otherwise; DimensionMismatch for a wrong shape).
  explicit PassThroughEvents(WeightMatrix weights);

  std::string_view type_name() const override { return "PassThroughEvents"; }
  std::size_t size() const override { return weights_.columns; }
  std::size_t num_inputs() const { return weights_.rows; }
  const WeightMatrix& weights() const { return weights_; }
  // The projection from an M-channel spike source that carries W (zero entries make no synapse).
  Projection input_projection() const;

  void start(Time t0, PredictionList& changed) override;
  // Each weight must be a non-negative whole number (InvalidArgument "weight" otherwise).
  void receive(Time t, std::uint32_t port, std::span<const NeuronIndex> targets, std::span<const double> weights,
               PredictionList& changed) override;
  bool on_due(Time t, NeuronIndex i, PredictionList& changed) override;

  void save_state(StateWriter& out) const override;
  void restore_state(StateReader& in) override;

 private:
  WeightMatrix weights_;
  std::vector<std::uint64_t> pending_;  // events still to emit at the current time, per output channel
};

}  // namespace rockpool
