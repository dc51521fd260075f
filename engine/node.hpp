// node.hpp: what every vertex of a network is — a population, a clocked layer or a source.
//
// A Node has input and output sizes and says which signal it takes and gives (spikes or
// continuous values), so the network can check every projection before a run. Nodes may
// expose state variables by name for recorders. The network owns its nodes
// (std::unique_ptr<Node>); everyone else refers to them by NodeId.
//
// The three families, each in its own header:
//   Population     (population.hpp)    event-driven neurons, updated exactly between events
//   ClockedLayer   (clocked_layer.hpp) a step function with a dt, run as a periodic event
//   SpikeSource / ContinuousSource (source.hpp)  inputs: logs, generators, time series
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "engine/error.hpp"
#include "engine/event.hpp"
#include "engine/time.hpp"

namespace rockpool {

class StateWriter;  // engine/checkpoint.hpp
class StateReader;

enum class Signal : std::uint8_t { kNone, kSpikes, kContinuous };
std::string_view signal_name(Signal s);

enum class NodeFamily : std::uint8_t { kPopulation, kClockedLayer, kSpikeSource, kContinuousSource };

class Node {
 public:
  virtual ~Node() = default;

  virtual NodeFamily family() const = 0;
  // The model's class name, e.g. "LifExp", "PoissonSource".
  virtual std::string_view type_name() const = 0;
  virtual std::size_t size_in() const = 0;
  virtual std::size_t size_out() const = 0;
  virtual Signal input_signal() const = 0;
  virtual Signal output_signal() const = 0;
  // Number of synaptic input ports (synapse types) for spiking input; projections pick one.
  virtual std::size_t num_ports() const { return 1; }

  // Names of the state variables a StateRecorder can sample, e.g. {"v_mem", "i_syn0"}.
  virtual std::span<const std::string_view> state_names() const { return {}; }
  // The index of `variable` in state_names(); InvalidArgument naming the node and listing
  // its variables if it has none of that name (recorders, readouts, sessions).
  std::size_t state_index(std::string_view variable) const;
  // Value of state variable `variable` (index into state_names()) of unit `i` at time t,
  // without changing any state (so recording never changes a run). Pre: t is not earlier
  // than the last event the unit received.
  virtual double state(std::size_t variable, NeuronIndex i, Time t) const;
  // The same for many units at once: out[k] = state(variable, neurons[k], t), bit for bit.
  // For recorders and readouts; a model may share per-time work between units (LifExp
  // computes its decay factors once). Pre: out.size() == neurons.size().
  virtual void sample_state(std::size_t variable, std::span<const NeuronIndex> neurons, Time t,
                            std::span<double> out) const;
  // Number of units of state variable `variable`: what a recorder may sample. Most nodes
  // have one value per output channel; a layer with output weights (ForceRateEuler: N
  // units, O outputs) overrides it.
  virtual std::size_t state_size(std::size_t /*variable*/) const { return size_out(); }

  // Checkpoints (engine/checkpoint.hpp): save_state writes everything about the node that
  // a run changes (not its parameters); restore_state reads it back into an identically
  // built node, after which the node continues exactly as the saved one would have.
  // The defaults throw CheckpointError "<type> does not support checkpoints".
  virtual void save_state(StateWriter& out) const;
  virtual void restore_state(StateReader& in);

  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }

 private:
  std::string name_;
};

}  // namespace rockpool
