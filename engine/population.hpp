// population.hpp: the interface every event-driven neuron model implements.
//
// A Population is a group of neurons whose state is advanced exactly (analytically where
// the model allows) from one event to the next, lazily and per neuron: a neuron is only
// touched when it receives input or fires. Calls are per population, not per neuron, so
// the event loop makes one virtual call per delivered spike row, not one per synapse.
// State lives in structure-of-arrays form inside the model.
//
// The scheduler keeps one heap handle per neuron for its predicted next spike; models
// report changed predictions through a PredictionList (Time::max() = will not fire).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "engine/node.hpp"

namespace rockpool {

struct Prediction {
  NeuronIndex neuron;
  Time time;  // the neuron's next spike, or Time::max() if it will not fire on its own
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

  // Sets every neuron's clock to t0 (state as initialised) and appends the prediction of
  // every neuron that will fire without input (e.g. a bias above threshold).
  virtual void start(Time t0, PredictionList& changed) = 0;

  // Pre: t is not earlier than any earlier call; targets[k] < size(); port < num_ports().
  // Post: each target advanced exactly to t, weights[k] added to its synaptic input on
  // `port`; a new prediction appended for every target whose prediction changed.
  virtual void receive(Time t, std::uint32_t port, std::span<const NeuronIndex> targets,
                       std::span<const double> weights, PredictionList& changed) = 0;

  // Pre: t is neuron i's current prediction (the scheduler popped it).
  // Post: neuron i has spiked at t (reset, refractory); its next prediction appended.
  virtual void fire(Time t, NeuronIndex i, PredictionList& changed) = 0;
};

}  // namespace rockpool
