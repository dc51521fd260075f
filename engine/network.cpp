#include "engine/network.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <algorithm>
#include <sstream>

#include "engine/clocked_layer.hpp"
#include "engine/population.hpp"

namespace rockpool {

Network::Network() = default;
Network::~Network() = default;
Network::Network(Network&&) noexcept = default;
Network& Network::operator=(Network&&) noexcept = default;

NodeId Network::add(std::string name, std::unique_ptr<Node> node) {
  if (!node) throw InvalidArgument("node", "is null");
  if (name.empty()) throw InvalidArgument("name", "a node needs a non-empty name");
  for (const auto& n : nodes_) {
    if (n->name() == name) throw InvalidArgument("name", "a node named '" + name + "' already exists");
  }
  node->set_name(std::move(name));
  nodes_.push_back(std::move(node));
  outgoing_.emplace_back();
  incoming_.emplace_back();
  return static_cast<NodeId>(nodes_.size() - 1);
}

NodeId Network::id(std::string_view name) const {
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i]->name() == name) return static_cast<NodeId>(i);
  }
  throw OutOfRange("node name", "no node named '" + std::string(name) + "'");
}

ProjectionId Network::connect(NodeId pre, NodeId post, Projection projection) {
  if (pre >= nodes_.size()) throw OutOfRange("pre", "no node with id " + std::to_string(pre));
  if (post >= nodes_.size()) throw OutOfRange("post", "no node with id " + std::to_string(post));
  const Node& a = *nodes_[pre];
  const Node& b = *nodes_[post];
  const std::string edge = "projection '" + a.name() + "' -> '" + b.name() + "'";
  if (a.output_signal() == Signal::kNone) throw NetworkError(edge + ": '" + a.name() + "' has no output");
  if (b.input_signal() == Signal::kNone) throw NetworkError(edge + ": '" + b.name() + "' takes no input");
  // A population or spiking-input clocked layer with a current input also takes continuous
  // projections (population.hpp, clocked_layer.hpp), onto its neurons.
  const bool spiking_target = b.input_signal() == Signal::kSpikes;
  const bool takes_current =
      spiking_target && (b.family() == NodeFamily::kPopulation
                             ? static_cast<const Population&>(b).current_input_dt() > Duration::zero()
                             : b.family() == NodeFamily::kClockedLayer &&
                                   static_cast<const ClockedLayer&>(b).takes_current_input());
  const bool current_input = a.output_signal() == Signal::kContinuous && takes_current;
  if (current_input && projection.port() != 0) {
    throw OutOfRange(edge, "port " + std::to_string(projection.port()) +
                               ": a current input has no synaptic ports, leave the port at 0");
  }
  if (a.output_signal() != b.input_signal() && !current_input) {
    throw NetworkError(edge + ": '" + a.name() + "' outputs " + std::string(signal_name(a.output_signal())) +
                       " but '" + b.name() + "' takes " + std::string(signal_name(b.input_signal())) +
                       (spiking_target && a.output_signal() == Signal::kContinuous
                            ? " (" + std::string(b.type_name()) + " has no current input)"
                            : ""));
  }
  if (projection.num_pre() != a.size_out()) {
    throw DimensionMismatch(edge, "has " + std::to_string(projection.num_pre()) + " source neurons but '" +
                                      a.name() + "' has " + std::to_string(a.size_out()) + " outputs");
  }
  if (current_input && projection.num_post() != b.size_out()) {
    // A current drives neurons: a clocked layer's input channels are (port, neuron) pairs.
    throw DimensionMismatch(edge, "has " + std::to_string(projection.num_post()) + " target neurons but '" +
                                      b.name() + "' has " + std::to_string(b.size_out()) +
                                      " neurons (a current input targets neurons, not input channels)");
  }
  if (!current_input && projection.num_post() != b.size_in()) {
    throw DimensionMismatch(edge, "has " + std::to_string(projection.num_post()) + " target neurons but '" +
                                      b.name() + "' has " + std::to_string(b.size_in()) + " inputs");
  }
  if (projection.port() >= b.num_ports()) {
    throw OutOfRange(edge, "port " + std::to_string(projection.port()) + " but '" + b.name() + "' has " +
                               std::to_string(b.num_ports()) + " synaptic ports");
  }
  if (a.output_signal() == Signal::kContinuous && projection.max_delay() != Duration::zero()) {
    throw NetworkError(edge + ": continuous projections carry no delay");
  }
  projections_.push_back(std::move(projection));
  ends_.push_back({pre, post});
  const auto id = static_cast<ProjectionId>(projections_.size() - 1);
  outgoing_[pre].push_back(id);
  incoming_[post].push_back(id);
  return id;
}

namespace {

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;

// Records the first back edge found by a depth-first search (a cycle closes there) and the
// tree parents needed to spell the cycle out.
struct CycleFinder : boost::default_dfs_visitor {
  std::vector<std::size_t>* parent;
  std::vector<std::size_t>* cycle;
  void tree_edge(Graph::edge_descriptor e, const Graph& g) const { (*parent)[target(e, g)] = source(e, g); }
  void back_edge(Graph::edge_descriptor e, const Graph& g) const {
    if (!cycle->empty()) return;
    // A back edge u -> v: v is an ancestor of u; walk the parents from u up to v.
    const std::size_t u = source(e, g), v = target(e, g);
    for (std::size_t w = u; w != v; w = (*parent)[w]) cycle->push_back(w);
    cycle->push_back(v);
    std::reverse(cycle->begin(), cycle->end());
  }
};

}  // namespace

void Network::validate() const {
  // A cycle of zero-delay projections would let spikes circulate without time passing.
  // Edges into clocked layers do not count: what a clocked layer receives at t waits for
  // its next tick, so a loop through one always takes time.
  Graph g(nodes_.size());
  for (std::size_t p = 0; p < projections_.size(); ++p) {
    if (nodes_[ends_[p].post]->family() == NodeFamily::kClockedLayer) continue;
    if (projections_[p].num_synapses() > 0 && projections_[p].min_delay() == Duration::zero()) {
      boost::add_edge(ends_[p].pre, ends_[p].post, g);
    }
  }
  std::vector<std::size_t> parent(nodes_.size(), SIZE_MAX), cycle;
  CycleFinder finder;
  finder.parent = &parent;
  finder.cycle = &cycle;
  boost::depth_first_search(g, boost::visitor(finder));
  if (!cycle.empty()) {
    std::string names;
    for (std::size_t v : cycle) names += "'" + nodes_[v]->name() + "' -> ";
    names += "'" + nodes_[cycle.front()]->name() + "'";
    throw NetworkError("zero-delay cycle " + names +
                       ": give at least one projection in the loop a positive delay");
  }
}

Duration Network::dt() const {
  Duration dt = Duration::zero();
  for (const auto& n : nodes_) {
    if (n->family() != NodeFamily::kClockedLayer) continue;
    const Duration d = static_cast<const ClockedLayer&>(*n).dt();
    dt = dt == Duration::zero() ? d : lcm(dt, d);
  }
  return dt;
}

std::size_t Network::synapse_memory_bytes() const {
  std::size_t bytes = 0;
  for (const auto& p : projections_) bytes += p.memory_bytes();
  return bytes;
}

std::string Network::summary() const {
  std::ostringstream out;
  out << "Network: " << nodes_.size() << " nodes, " << projections_.size() << " projections\n";
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    const Node& n = *nodes_[i];
    out << "  [" << i << "] '" << n.name() << "' " << n.type_name() << "  in " << n.size_in() << " "
        << signal_name(n.input_signal()) << ", out " << n.size_out() << " " << signal_name(n.output_signal())
        << "\n";
  }
  for (std::size_t p = 0; p < projections_.size(); ++p) {
    const Projection& pr = projections_[p];
    out << "  '" << nodes_[ends_[p].pre]->name() << "' -> '" << nodes_[ends_[p].post]->name() << "'  "
        << pr.num_synapses() << " synapses, delay " << format_seconds(pr.min_delay());
    if (pr.max_delay() != pr.min_delay()) out << ".." << format_seconds(pr.max_delay());
    out << " s, port " << pr.port() << "\n";
  }
  return out.str();
}

}  // namespace rockpool
