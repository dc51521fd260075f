// network.hpp: the graph of a model — nodes (populations, clocked layers, sources) as
// vertices and projections as edges.
//
// The network owns its nodes and projections; callers keep NodeId / ProjectionId.
// connect() checks sizes at once (a wrong-size projection is refused naming both nodes);
// validate() checks what needs the whole graph: signal kinds (spikes vs continuous) and
// zero-delay cycles, which are refused with the cycle named. summary() prints a table.
// The graph itself is a Boost.Graph adjacency list, used for the cycle search and the
// topological listing.
//
//   Network net;
//   NodeId in = net.add("input", std::make_unique<PoissonSource>(100, 10.0, seed));
//   NodeId lif = net.add("lif", std::make_unique<LifExp>(LifExp::Parameters{}, 50));
//   net.connect(in, lif, Projection::random(100, 50, 0.1, 0.2, milliseconds(1), seed));
//   net.validate();
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/node.hpp"
#include "engine/projection.hpp"

namespace rockpool {

struct ProjectionEnds {
  NodeId pre;
  NodeId post;
};

class Network {
 public:
  Network();
  ~Network();
  Network(Network&&) noexcept;
  Network& operator=(Network&&) noexcept;

  // Takes ownership of `node` under a unique name (InvalidArgument if taken or empty).
  NodeId add(std::string name, std::unique_ptr<Node> node);
  // Adds an edge. Throws DimensionMismatch if the projection's sizes do not match the
  // nodes', NetworkError if a node cannot send or receive the projection's signal.
  ProjectionId connect(NodeId pre, NodeId post, Projection projection);
  ProjectionId connect(std::string_view pre, std::string_view post, Projection projection) {
    return connect(id(pre), id(post), std::move(projection));
  }

  // Whole-graph checks: zero-delay cycles (NetworkError naming the cycle); a cycle that
  // passes through a clocked layer is fine (its input waits for the next tick). Called by
  // the simulation before a run.
  void validate() const;

  std::size_t num_nodes() const { return nodes_.size(); }
  std::size_t num_projections() const { return projections_.size(); }
  Node& node(NodeId id) { return *nodes_.at(id); }
  const Node& node(NodeId id) const { return *nodes_.at(id); }
  NodeId id(std::string_view name) const;  // OutOfRange if there is no such node
  const Projection& projection(ProjectionId p) const { return projections_.at(p); }
  ProjectionEnds ends(ProjectionId p) const { return ends_.at(p); }
  std::span<const ProjectionId> outgoing(NodeId id) const { return outgoing_.at(id); }
  std::span<const ProjectionId> incoming(NodeId id) const { return incoming_.at(id); }

  // The network time step: the least common multiple of the clocked layers' dt (so every
  // layer makes a whole number of steps in it), or zero if there is no clocked layer.
  Duration dt() const;
  // Memory of all projections' synapse tables, in bytes.
  std::size_t synapse_memory_bytes() const;
  // A table of nodes (type, sizes, signals) and projections (synapses, delays, port).
  std::string summary() const;

 private:
  std::vector<std::unique_ptr<Node>> nodes_;  // owned here; index = NodeId
  std::vector<Projection> projections_;       // owned here; index = ProjectionId
  std::vector<ProjectionEnds> ends_;
  std::vector<std::vector<ProjectionId>> outgoing_;
  std::vector<std::vector<ProjectionId>> incoming_;
};

}  // namespace rockpool
