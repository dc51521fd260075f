#include "io/spike_log_recorder.hpp"

#include <utility>

#include "engine/error.hpp"
#include "engine/simulation.hpp"

namespace rockpool {

namespace {

// Checks the node and completes the writer's options; runs before the writer creates the
// file, so a refused node leaves no file behind.
NativeLogOptions log_options(const Simulation& sim, NodeId node, NativeLogOptions options) {
  const Network& net = sim.network();
  if (node >= net.num_nodes()) {
    throw OutOfRange("SpikeLogRecorder node",
                     "node " + std::to_string(node) + " of a network with " + std::to_string(net.num_nodes()) +
                         " nodes");
  }
  const Node& n = net.node(node);
  if (n.output_signal() != Signal::kSpikes) {
    throw InvalidArgument("SpikeLogRecorder node", "node '" + n.name() + "' does not emit spikes");
  }
  options.num_channels = n.size_out();
  options.has_values = false;
  options.t_start = sim.now();
  if (options.name == NativeLogOptions{}.name) options.name = n.name();
  if (options.source.empty()) options.source = "simulation";
  return options;
}

}  // namespace

SpikeLogRecorder::SpikeLogRecorder(Simulation& sim, NodeId node, std::string path, NativeLogOptions options)
    : sim_(sim), node_(node), writer_(std::move(path), log_options(sim, node, std::move(options))) {
  // Spikes come in event order, so times never decrease and channels are below size_out:
  // append cannot refuse them. It throws only IoError, when a full chunk cannot be written.
  sim_.on_spike([this](NodeId from, NeuronIndex neuron, Time t) {
    if (from == node_) writer_.append(t, neuron);
  });
  attached_ = true;
}

SpikeLogRecorder::~SpikeLogRecorder() {
  detach();
  // writer_'s destructor writes the pending spikes as a last chunk and leaves path.tmp.
}

void SpikeLogRecorder::detach() noexcept {
  if (!attached_) return;
  sim_.on_spike({});
  attached_ = false;
}

void SpikeLogRecorder::flush() { writer_.flush(); }

void SpikeLogRecorder::close() {
  detach();
  writer_.close(sim_.now());
}

}  // namespace rockpool
