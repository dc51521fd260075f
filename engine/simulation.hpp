// simulation.hpp: runs a network — the event loop and what it drives.
//
// A Simulation owns a Network (moved in), the Scheduler and the recorders. Populations
// are advanced lazily per neuron when they receive or fire; clocked layers tick as
// periodic events at t0 + k*dt; sources keep one pending spike each; recorders sample
// after everything else at their time. See event.hpp for the total order of events and
// doc/architecture.md for the path of one spike.
//
//   Simulation sim(std::move(net));
//   SpikeRecorder& spikes = sim.record_spikes(net_id);
//   sim.run_until(Time::from_seconds(1.0));     // every event with time < 1 s
//   TSEvent out = spikes.to_tsevent(Time::zero(), sim.now());
//
// Determinism: a run depends only on the network, its seeds and the sequence of run calls'
// end times... and not even on those: run_until(t1); run_until(t2) equals run_until(t2)
// bit for bit, because neurons are advanced only by events, never by the end of a run.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "engine/network.hpp"
#include "engine/population.hpp"
#include "engine/recorders.hpp"
#include "engine/scheduler.hpp"

namespace rockpool {

class ClockedLayer;
class SpikeSource;
class ContinuousSource;
class StateWriter;
class StateReader;

struct RunStats {
  std::uint64_t events = 0;            // scheduler events processed
  std::uint64_t spikes = 0;            // spikes emitted by any node
  std::uint64_t synaptic_events = 0;   // spike arrivals at single synapses
  std::uint64_t clock_ticks = 0;       // clocked-layer steps
  std::size_t max_pending = 0;         // largest scheduler size seen
};

class Simulation {
 public:
  using SpikeCallback = std::function<void(NodeId node, NeuronIndex neuron, Time t)>;
  using ProgressCallback = std::function<void(Time now, Time target, const RunStats& stats)>;

  // Validates the network (NetworkError on zero-delay cycles). t0: the time origin of the
  // run: clocked layers tick at t0 + k*dt, sources start at t0.
  explicit Simulation(Network network, Time t0 = Time::zero());
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  const Network& network() const { return network_; }
  Network& network() { return network_; }

  // Records every spike the node emits. The reference stays valid as long as the simulation.
  SpikeRecorder& record_spikes(NodeId node);
  // Samples a state variable (by name, see Node::state_names) of the given neurons (all if
  // empty) at t0, t0 + every, t0 + 2*every, ... (after every event at that time).
  StateRecorder& record_state(NodeId node, std::string_view variable, std::vector<NeuronIndex> neurons,
                              Duration every);
  // ... or at the given times (sorted, not before now).
  StateRecorder& record_state(NodeId node, std::string_view variable, std::vector<NeuronIndex> neurons,
                              std::vector<Time> times);

  // Called for every spike of every node, in event order. It may call request_stop().
  void on_spike(SpikeCallback callback) { on_spike_ = std::move(callback); }
  // Called every `every_events` processed events and once at the end of each run call.
  void on_progress(ProgressCallback callback, std::uint64_t every_events = 1 << 16);
  // Ends the current run call after the event being processed; now() is that event's time.
  void request_stop() { stop_requested_ = true; }

  // Processes every event with time < t (in order) and sets now() = t. Returns false if it
  // was stopped early by request_stop(). InvalidArgument if t < now().
  bool run_until(Time t);
  bool run_for(Duration d) { return run_until(now_ + d); }
  // Processes the single earliest event; false if none is pending.
  bool step();

  // Streaming input (api/stream_source.hpp): tells the simulation that spike source `node`,
  // which may have reported exhaustion before, may have a next spike now. Does nothing if
  // the source already has its spike pending. Pre: that spike is not before now().
  void wake_source(NodeId node);

  // Checkpoints (engine/checkpoint.hpp). save_state writes the whole run state: time and
  // statistics, every pending event with its sequence number (in-flight delayed spikes,
  // clock ticks, source spikes), the populations' due times, the clocked layers' bins and
  // tick counts, and every node's own state (Node::save_state; CheckpointError for a node
  // that does not support it). restore_state reads it into a simulation of an identically
  // built network with the same state recorders (before or after its first run): from then
  // on it runs exactly, bit for bit, as the saved one would have. CheckpointError if the
  // network's fingerprint differs or the state does not fit.
  void save_state(StateWriter& out) const;
  void restore_state(StateReader& in);
  // A hash of the network's structure: node names, types, sizes, signals, and each
  // projection's ends, port, targets, weights and delays.
  std::uint64_t network_fingerprint() const;

  Time now() const { return now_; }
  Time t0() const { return t0_; }
  const RunStats& stats() const { return stats_; }
  std::size_t pending_events() const { return queue_.size(); }
  // The time of the earliest pending event (Time::max() if none; before the first run,
  // the start time t0).
  Time next_event_time() const { return !started_ ? t0_ : queue_.empty() ? Time::max() : queue_.top().time; }

 private:
  struct NodeRuntime;
  struct RecorderRuntime;

  void start();
  void dispatch(const Event& e);
  void apply_predictions(NodeId node);
  void emit(NodeId node, NeuronIndex neuron, Time t);
  void deliver(const Event& e);
  void tick(NodeId node, Time t);
  // The weighted sum of node's continuous inputs at t (sources sampled at t, clocked layers'
  // held outputs) into `sum`.
  void gather_continuous(NodeId node, Time t, std::span<double> sum);
  // A population's current-input sample at t (Population::set_current).
  void sample_current(NodeId node, Time t);
  void sample(std::uint32_t recorder, Time t);
  void schedule_next_source(NodeId node, Time after);
  void schedule_sample(std::uint32_t recorder);
  StateRecorder& add_state_recorder(NodeId node, std::string_view variable, std::vector<NeuronIndex> neurons,
                                    RecorderRuntime schedule);

  Network network_;
  Scheduler queue_;
  Time t0_;
  Time now_;
  bool started_ = false;
  bool stop_requested_ = false;
  RunStats stats_;
  std::vector<NodeRuntime> nodes_;
  std::vector<std::uint32_t> tick_rank_;  // clocked layers tick in topological order
  std::vector<std::unique_ptr<SpikeRecorder>> spike_recorders_;
  std::vector<std::unique_ptr<StateRecorder>> state_recorders_;
  std::vector<RecorderRuntime> recorder_runtime_;
  PredictionList changed_;      // scratch, reused for every population call
  std::vector<double> scratch_;  // scratch for continuous inputs
  std::vector<NeuronIndex> spiked_;  // scratch: the spikes of one clocked step
  SpikeCallback on_spike_;
  ProgressCallback on_progress_;
  std::uint64_t progress_every_ = 1 << 16;
};

}  // namespace rockpool
