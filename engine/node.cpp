#include "engine/node.hpp"

#include "engine/population.hpp"

#include <string>

namespace rockpool {

std::string_view signal_name(Signal s) {
  switch (s) {
    case Signal::kNone: return "none";
    case Signal::kSpikes: return "spikes";
    case Signal::kContinuous: return "continuous";
  }
  return "?";
}

std::size_t Node::state_index(std::string_view variable) const {
  const auto names = state_names();
  for (std::size_t k = 0; k < names.size(); ++k) {
    if (names[k] == variable) return k;
  }
  std::string known;
  for (auto name : names) known += (known.empty() ? "" : ", ") + std::string(name);
  throw InvalidArgument("variable", "node '" + name() + "' has no state '" + std::string(variable) +
                                        "' (it has: " + (known.empty() ? "none" : known) + ")");
}

double Node::state(std::size_t variable, NeuronIndex, Time) const {
  throw OutOfRange("state variable", std::string(type_name()) + " '" + name() + "' has no state variable " +
                                         std::to_string(variable));
}

void Node::sample_state(std::size_t variable, std::span<const NeuronIndex> neurons, Time t,
                        std::span<double> out) const {
  for (std::size_t k = 0; k < neurons.size(); ++k) out[k] = state(variable, neurons[k], t);
}

void Node::save_state(StateWriter&) const {
  throw CheckpointError("of node '" + name() + "'", std::string(type_name()) + " does not support checkpoints");
}

void Node::restore_state(StateReader&) {
  throw CheckpointError("of node '" + name() + "'", std::string(type_name()) + " does not support checkpoints");
}

void Population::set_current(Time, std::span<const double>, PredictionList&) {
  throw NetworkError(std::string(type_name()) + " '" + name() + "' takes no current input");
}

}  // namespace rockpool
