// clocked_layer.hpp: a layer with a step function and a dt, run inside the event scheduler.
//
// Any time-stepped model (a rate network, a clocked LIF, a filter bank) implements step();
// the simulation turns it into a periodic event source: tick k happens at exactly
// t0 + k*dt (integer ticks, no accumulated drift) and advances the layer over the bin
// [t0 + (k-1)*dt, t0 + k*dt).
//
// Binning (Rockpool's rule): a spike arriving at time t falls in bin floor((t - t0) / dt);
// one on a bin edge t0 + k*dt belongs to bin k, the later one (ticks are ordered before
// deliveries at the same time, see event.hpp). Spiking input is the sum of the weights of
// the spikes that arrived in the bin (a pass-through projection of weight 1 gives counts).
// Continuous input is sampled at the start of the bin, as Rockpool samples its input on
// the time base t0 + k*dt.
// Output: spikes produced by the step over a bin are emitted at the end of the bin (the
// tick), the earliest causal point; Rockpool stamps them at the start of the bin, so our
// spike times are Rockpool's + dt. Continuous output is held until the next tick.
//
// Two optional fast paths, both off by default (the plain step() is the reference):
// - input_accumulator(): a layer with spiking input may hand out its own accumulator, so
//   the simulation adds each delivered weight straight into the layer's state (for
//   LifExpClocked: its synaptic currents) instead of into a separate bin that step()
//   reads and the simulation then clears.
// - step_spikes(): a layer with spiking output may list the neurons that spiked instead
//   of filling a dense count array that the simulation has to scan.
//
// Current input (optional, spiking-input layers; Rockpool's "current input" layers): a
// layer whose takes_current_input() is true also accepts continuous projections, onto its
// neurons (size_out() targets, port 0), not its input channels. At each tick the
// simulation sums them, sampled at the bin start like continuous input, and calls
// set_current() before the step; layers without such projections never see the call.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/node.hpp"

namespace rockpool {

class ClockedLayer : public Node {
 public:
  NodeFamily family() const final { return NodeFamily::kClockedLayer; }
  virtual Duration dt() const = 0;

  // Resets the state to its initial values (called once before the first tick).
  virtual void start() {}
  // One step of dt. `input` has size_in() values (see the binning rule above); `output`
  // has size_out() values to fill: spike counts for a spiking layer (non-negative whole
  // numbers), values for a continuous one.
  virtual void step(std::span<const double> input, std::span<double> output) = 0;

  // Spiking input only. Empty (the default): the simulation sums each bin's weights in
  // its own buffer and passes it to step(). Non-empty (size_in() values, valid from
  // start() to the next start()): the simulation adds every weight delivered during bin k
  // to element `channel` of this span, in delivery order, as it arrives, and then passes
  // an empty `input` to the step that closes bin k. The layer must treat what was added
  // since its last step as that bin's input and be ready for the next bin after the step.
  // The binning rule is unchanged; only the rounding may differ from summing the bin
  // first (state + w1 + w2 instead of state + (w1 + w2)).
  virtual std::span<double> input_accumulator() { return {}; }

  // Spiking output only. When true, the simulation calls step_spikes() instead of step().
  virtual bool lists_spikes() const { return false; }
  // Like step(), but instead of counts it appends to `spiked` (empty on entry) the index
  // of every neuron that spiked in this step, in increasing order, once per spike: the
  // same spikes, in the same order, as the dense counts of step() would give. The default
  // does exactly that through step() (correct, not fast).
  virtual void step_spikes(std::span<const double> input, std::vector<NeuronIndex>& spiked) {
    std::vector<double> counts(size_out(), 0.0);
    step(input, counts);
    for (std::size_t c = 0; c < counts.size(); ++c) {
      for (auto n = static_cast<std::int64_t>(counts[c]); n > 0; --n) spiked.push_back(static_cast<NeuronIndex>(c));
    }
  }

  // Current input (see above). set_current: `current` has size_out() values, the weighted
  // sum of the continuous inputs at the start of the bin; it applies to the next step only.
  // The default throws NetworkError (the layer takes no current).
  virtual bool takes_current_input() const { return false; }
  virtual void set_current(std::span<const double> current) {
    (void)current;
    throw NetworkError(std::string(type_name()) + " '" + name() + "' takes no current input");
  }

  // A layer that reads another node's state at its ticks (StateReadout) names it here, so
  // that at equal times it ticks after that node when the node is a clocked layer too.
  virtual const Node* reads_state_of() const { return nullptr; }

  // The time of the tick being stepped, set by the simulation before each step: for the
  // few layers that read other nodes at the tick (StateReadout); models do not need it.
  Time tick_time() const { return tick_time_; }
  void set_tick_time(Time t) { tick_time_ = t; }

 private:
  Time tick_time_ = Time::zero();
};

}  // namespace rockpool
