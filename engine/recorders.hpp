// recorders.hpp: what a run keeps — spikes of a node, and sampled state variables.
//
// Recorders are created by Simulation::record_spikes / record_state, owned by the
// simulation, and read through the reference they return. Recording never changes a run:
// state is sampled through Node::state, which does not touch the model's state.
#pragma once

#include <string>
#include <vector>

#include "engine/event.hpp"
#include "timeseries/ts_continuous.hpp"
#include "timeseries/ts_event.hpp"

namespace rockpool {

class SpikeRecorder {
 public:
  SpikeRecorder(NodeId node, std::size_t num_channels, std::string name)
      : node_(node), num_channels_(num_channels), name_(std::move(name)) {}

  void record(Time t, NeuronIndex channel) {
    times_.push_back(t);
    channels_.push_back(channel);
  }
  NodeId node() const { return node_; }
  std::size_t count() const { return times_.size(); }
  std::span<const Time> times() const { return times_; }
  std::span<const NeuronIndex> channels() const { return channels_; }
  // The spikes so far as a TSEvent over [t_start, t_stop].
  TSEvent to_tsevent(Time t_start, Time t_stop) const;

 private:
  NodeId node_;
  std::size_t num_channels_;
  std::string name_;
  std::vector<Time> times_;
  std::vector<NeuronIndex> channels_;
};

class StateRecorder {
 public:
  StateRecorder(NodeId node, std::size_t variable, std::vector<NeuronIndex> neurons, std::string name)
      : node_(node), variable_(variable), neurons_(std::move(neurons)), name_(std::move(name)) {}

  NodeId node() const { return node_; }
  std::size_t variable() const { return variable_; }
  std::span<const NeuronIndex> neurons() const { return neurons_; }
  void add_sample(Time t, std::span<const double> values) {
    times_.push_back(t);
    samples_.insert(samples_.end(), values.begin(), values.end());
  }
  std::span<const Time> times() const { return times_; }
  std::span<const double> samples() const { return samples_; }  // row-major: times x neurons
  TSContinuous to_tscontinuous() const;

 private:
  NodeId node_;
  std::size_t variable_;
  std::vector<NeuronIndex> neurons_;
  std::string name_;
  std::vector<Time> times_;
  std::vector<double> samples_;
};

}  // namespace rockpool
