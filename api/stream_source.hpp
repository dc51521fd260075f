// stream_source.hpp: the input nodes a Session feeds — spikes and held values pushed by the
// application while the simulation runs.
//
// StreamSource is a SpikeSource whose spikes arrive over time: the session appends them
// (non-decreasing times, not before the simulation's now) and wakes the simulation
// (Simulation::wake_source), which then treats them exactly as a TSEventSource's: one
// pending event at a time, emitted in the same order. So a session that pushes events and
// advances equals a batch run with a TSEventSource of the same events, bit for bit.
//
// StreamContinuousSource holds, per channel, the last value pushed at or before the time
// it is sampled (0 before any push): sample-and-hold. Clocked layers sample it at the start
// of their bins, which lie up to one dt in the past, so it keeps the changes of the last dt
// and folds older ones into the held values (fold_until).
//
//   auto src = std::make_unique<StreamSource>(4);
//   src->append({t, 2});  sim.wake_source(id);
#pragma once

#include <deque>
#include <vector>

#include "engine/source.hpp"

namespace rockpool {

class StreamSource final : public SpikeSource {
 public:
  explicit StreamSource(std::size_t channels);

  std::string_view type_name() const override { return "StreamSource"; }
  std::size_t size_out() const override { return channels_; }
  void start(Time) override {}  // what was pushed before the first run stays
  std::optional<SourceSpike> next() override;
  void save_state(StateWriter& out) const override;
  void restore_state(StateReader& in) override;

  // Pre: spike.time >= the last appended time, spike.channel < size_out() (the session
  // checks both with named errors).
  void append(SourceSpike spike) { waiting_.push_back(spike); }
  std::size_t waiting() const { return waiting_.size(); }

 private:
  std::size_t channels_;
  std::deque<SourceSpike> waiting_;  // not yet handed to the simulation
};

class StreamContinuousSource final : public ContinuousSource {
 public:
  explicit StreamContinuousSource(std::size_t channels);

  std::string_view type_name() const override { return "StreamContinuousSource"; }
  std::size_t size_out() const override { return held_.size(); }
  void sample(Time t, std::span<double> out) const override;
  void save_state(StateWriter& out) const override;
  void restore_state(StateReader& in) override;

  struct Change {
    Time time;
    NeuronIndex channel;
    double value;
  };
  // Pre: change.time >= the last appended time.
  void append(Change change) { changes_.push_back(change); }
  // Folds the changes at or before t into the held values (no sample will look before t).
  void fold_until(Time t);
  std::size_t waiting() const { return changes_.size(); }

 private:
  std::vector<double> held_;     // values after every folded change
  std::deque<Change> changes_;   // later changes, in time order
};

}  // namespace rockpool
