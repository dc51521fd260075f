// diaf.hpp: Rockpool's RecDIAF — recurrent digital IAF neurons with quantised state, event-driven.
//
// Rockpool's rockpool.nn.layers.iaf_digital processes one event at a time, in time order:
// input spikes, recurrent spikes (after `delay`) and a leak event every tau_leak, at
// t0 + k tau_leak, k = 1, 2, ... For each event at time t, on every neuron j that is not
// refractory (t >= its refractory end):
//   input / recurrent spike of weight w:  state_j = quantise(state_j + w)
//   leak event:  state_j = quantise(state_j - leak_j * sign),
//                sign = +1, or with v_rest: +1 above v_rest, -1 below, 0 at v_rest
//   state_j >= v_thresh_j  ->  spike at t, refractory until t + refractory_j, and
//     v_subtract none:  state_j = quantise(v_reset_j)
//     v_subtract given: state_j = quantise(state_j - v_subtract_j); if still >= v_thresh,
//                       it spikes again when its refractory period ends
// quantise() clips to state_type and truncates (quantised_state.hpp); refractory neurons
// ignore inputs and leak. Recurrent spikes reach their targets `delay` later.
//
// Here it is a Population: the input weights and the recurrent weights (with `delay`) are
// engine projections, built by input_projection() and recurrent_projection(); add_to()
// adds the layer and wires both. The leak is applied lazily: a neuron catches up on the
// leak ticks it missed when it is next touched (an input, a due time, a recording), and a
// leak that drives it up to threshold (negative leak, or v_rest above threshold) is
// predicted as a due time at the exact tick. Times are exact ticks. At equal times, as in
// Rockpool: external inputs (by channel), then recurrent spikes (by neuron), then the leak,
// each followed by the threshold check; see doc/models.md for the (small) differences.
//
//   RecDIAF::Parameters p;  p.v_thresh = {10};  p.leak = {1};
//   auto diaf = std::make_unique<RecDIAF>(WeightMatrix(2, 3, {...}), WeightMatrix(3, 3, {...}), p);
//   NodeId layer = RecDIAF::add_to(net, "diaf", std::move(diaf), input_node);
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/network.hpp"
#include "engine/population.hpp"
#include "neurons/quantised_state.hpp"
#include "neurons/rate.hpp"  // WeightMatrix

namespace rockpool {

struct RecDIAFParameters {
  Duration delay = nanoseconds(10);          // recurrent spike delay, > 0 (Rockpool: 1e-8 s)
  Duration tau_leak = milliseconds(1);       // period of the leak events, > 0
  std::vector<double> refractory = {1e-9};   // s, 1 or N values; below 1e-9 clipped to 1e-9 (as Rockpool)
  std::vector<double> v_thresh = {100.0};
  std::vector<double> v_reset = {0.0};       // initial state and reset value; must be < v_thresh
  std::optional<std::vector<double>> v_rest;  // leak drives towards v_rest; none: leak always subtracts
  std::vector<double> leak = {1.0};          // subtracted (towards v_rest) at each leak event
  std::optional<std::vector<double>> v_subtract;  // > 0; none: reset to v_reset
  StateType state_type = StateType::kInt8;   // Rockpool's default "int8"
};

class RecDIAF final : public Population {
 public:
  using Parameters = RecDIAFParameters;

  // weights_in: M x N, weights_rec: N x N, both [pre, post].
  RecDIAF(WeightMatrix weights_in, WeightMatrix weights_rec, Parameters parameters = {});

  // Adds `layer` to `net` under `name`, the recurrent projection, and (if given) the input
  // projection from `input`. At equal times the engine delivers a projection from a node to
  // itself after all other input (event.hpp: kRecurrentDelivery), so external input spikes,
  // delayed or straight from a source, come before recurrent ones as in Rockpool's heap.
  // Returns the layer's id.
  static NodeId add_to(Network& net, std::string name, std::unique_ptr<RecDIAF> layer,
                       std::optional<NodeId> input = std::nullopt);

  std::string_view type_name() const override { return "RecDIAF"; }
  std::size_t size() const override { return size_; }
  std::span<const std::string_view> state_names() const override;  // {"state"}
  double state(std::size_t variable, NeuronIndex i, Time t) const override;

  Projection input_projection() const;      // weights_in, no delay
  Projection recurrent_projection() const;  // weights_rec, `delay`

  void start(Time t0, PredictionList& changed) override;
  void receive(Time t, std::uint32_t port, std::span<const NeuronIndex> targets, std::span<const double> weights,
               PredictionList& changed) override;
  bool on_due(Time t, NeuronIndex i, PredictionList& changed) override;

  void save_state(StateWriter& out) const override;
  void restore_state(StateReader& in) override;

 private:
  // The state of neuron i after the leak ticks k_done < k <= k_last (those before its
  // refractory end skipped). Pre: no threshold crossing among them.
  double leaked(NeuronIndex i, double s, std::int64_t k_done, std::int64_t k_last) const;
  double leak_once(NeuronIndex i, double s) const;
  // Index of the last leak tick at or before (inclusive) / strictly before (exclusive) t.
  std::int64_t ticks_upto(std::int64_t t) const;
  std::int64_t ticks_before(std::int64_t t) const { return ticks_upto(t - 1); }
  void catch_up(NeuronIndex i, std::int64_t k_last);
  // Appends i's next due time: the first leak tick after k_done_[i] (and not before its
  // refractory end) at which the leak lifts it to threshold, or a look-again tick.
  void predict(NeuronIndex i, PredictionList& changed);

  WeightMatrix weights_in_, weights_rec_;
  std::size_t size_;
  Parameters params_;
  std::vector<std::int64_t> refractory_;  // ticks
  std::vector<double> v_thresh_, v_reset_, v_rest_, leak_, v_subtract_;
  bool has_rest_, subtract_;
  bool leak_only_down_;  // no v_rest and every leak >= 0: the leak never lifts a state
  std::int64_t t0_ = 0;

  std::vector<double> state_;
  std::vector<std::int64_t> k_done_;       // leak ticks 1..k_done applied (or skipped)
  std::vector<std::int64_t> refr_end_;     // ticks; not refractory at t >= refr_end
  std::vector<std::uint8_t> due_on_tick_;  // the due time is a leak tick (apply it first)
};

}  // namespace rockpool
