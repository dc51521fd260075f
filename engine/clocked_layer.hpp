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
#pragma once

#include <span>

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
};

}  // namespace rockpool
