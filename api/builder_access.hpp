// builder_access.hpp: internal access to what the public NetworkBuilder and Session wrap,
// for tests, benchmarks and tools (never installed).
//
// NetworkBuilder::Impl owns the engine Network being built and lists its inputs; tests add
// any engine node through it (models the public builder does not name yet). SessionAccess
// reaches a session's Simulation.
//
//   NetworkBuilder b;
//   NodeId id = NetworkBuilderAccess::network(b).add("syn", std::make_unique<ExpSynExact>(3));
#pragma once

#include <vector>

#include "engine/network.hpp"
#include "rockpool/network_builder.hpp"
#include "rockpool/session.hpp"

namespace rockpool {

class Simulation;

struct NetworkBuilder::Impl {
  struct Input {
    NodeId node;
    bool continuous;
  };
  Network network;
  std::vector<Input> inputs;  // in the order added; the first is a session's default input
};

struct NetworkBuilderAccess {
  static Network& network(NetworkBuilder& b) { return b.impl_->network; }
  static NetworkBuilder::Impl& impl(NetworkBuilder& b) { return *b.impl_; }
  static NodeRef ref(NodeId id) { return NodeRef{id}; }
};

struct SessionAccess {
  static Simulation& simulation(Session& s);
};

}  // namespace rockpool
