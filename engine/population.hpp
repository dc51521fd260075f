// population.hpp: the interface every event-driven neuron model implements.
//
// A Population is a group of neurons whose state is advanced exactly (analytically where
// the model allows) from one event to the next, lazily and per neuron: a neuron is only
// touched when it receives input or fires. Calls are per population, not per neuron, so
// the event loop makes one virtual call per delivered spike row, not one per synapse.
// State lives in structure-of-arrays form inside the model.
//
// The scheduler keeps one heap entry per neuron, its *due time*: either the exact time of
// its next spike or an earlier time at which the model wants to look again (a "check",
// e.g. a cheap lower bound on the threshold-crossing time, so that the exact crossing is
// solved only when a spike may be near, not after every input). Models report changed due
// times through a PredictionList (Time::max() = nothing due).
//
// Current input (optional). A population may also take continuous values as an input
// current (Rockpool's "current input" layers): if current_input_dt() is positive,
// continuous projections into it are allowed, and the simulation samples them every
// current_input_dt() from t0 (at t0 + k dt, after clocked layers ticking at the same time)
// and calls set_current(). The current is held until the next sample (zero-order hold,
// as Rockpool samples a TSContinuous on its dt); between samples the model stays exact.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "engine/node.hpp"

namespace rockpool {

struct Prediction {
  NeuronIndex neuron;
  Time time;  // the neuron's next due time, or Time::max() if nothing is due
};
using PredictionList = std::vector<Prediction>;

class Population : public Node {
 public:
  NodeFamily family() const final { return NodeFamily::kPopulation; }
  Signal input_signal() const final { return Signal::kSpikes; }
  Signal output_signal() const final { return Signal::kSpikes; }
  std::size_t size_in() const final { return size(); }
  std::size_t size_out() const final { return size(); }
  virtual std::size_t size() const = 0;

  // Sets every neuron's clock to t0 (state as initialised) and appends the due time of
  // every neuron that may fire without input (e.g. a bias above threshold).
  virtual void start(Time t0, PredictionList& changed) = 0;

  // Pre: t is not earlier than any earlier call; targets[k] < size(); port < num_ports().
  // Post: each target advanced exactly to t, weights[k] added to its synaptic input on
  // `port`; a new due time appended for every target whose due time changed. A due time
  // must never lie after the neuron's true next spike.
  virtual void receive(Time t, std::uint32_t port, std::span<const NeuronIndex> targets,
                       std::span<const double> weights, PredictionList& changed) = 0;

  // Pre: t is neuron i's due time (the scheduler popped it; nothing is due for i now).
  // Post: if t was its exact spike time, neuron i has spiked at t (reset, refractory) and
  // the call returns true; otherwise (a check) it returns false. Either way the next due
  // time, if any, is appended.
  virtual bool on_due(Time t, NeuronIndex i, PredictionList& changed) = 0;

  // Sampling period of the current input; zero (the default): the model takes no current.
  virtual Duration current_input_dt() const { return Duration::zero(); }
  // Pre: current_input_dt() > 0; `current` has size() values (the weighted sum of the
  // continuous inputs at t); t is not earlier than any earlier call.
  // Post: from t on, each neuron's input current is current[i]; changed due times are
  // appended. The default throws NetworkError (the model takes no current).
  virtual void set_current(Time t, std::span<const double> current, PredictionList& changed);
};

}  // namespace rockpool
