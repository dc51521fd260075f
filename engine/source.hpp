// source.hpp: input nodes — spike sources (logs, generators) and continuous sources.
//
// A SpikeSource hands the simulation its spikes one at a time, in non-decreasing time,
// so only one of its events is pending in the scheduler at once (a 1e8-event log costs one
// heap entry, not 1e8). A ContinuousSource is sampled by clocked layers at their ticks.
// Concrete sources: sources.hpp (PoissonSource, RegularSource, TSEventSource,
// TSContinuousSource).
#pragma once

#include <optional>
#include <span>

#include "engine/node.hpp"

namespace rockpool {

struct SourceSpike {
  Time time;
  NeuronIndex channel;
  friend constexpr auto operator<=>(const SourceSpike&, const SourceSpike&) = default;
};

class SpikeSource : public Node {
 public:
  NodeFamily family() const final { return NodeFamily::kSpikeSource; }
  Signal input_signal() const final { return Signal::kNone; }
  Signal output_signal() const final { return Signal::kSpikes; }
  std::size_t size_in() const final { return 0; }

  // Rewinds to the first spike at or after t0.
  virtual void start(Time t0) = 0;
  // The next spike (times non-decreasing, channel < size_out()), or nullopt when exhausted.
  virtual std::optional<SourceSpike> next() = 0;
};

class ContinuousSource : public Node {
 public:
  NodeFamily family() const final { return NodeFamily::kContinuousSource; }
  Signal input_signal() const final { return Signal::kNone; }
  Signal output_signal() const final { return Signal::kContinuous; }
  std::size_t size_in() const final { return 0; }

  // Writes the size_out() values of the signal at time t.
  virtual void sample(Time t, std::span<double> out) const = 0;
};

}  // namespace rockpool
