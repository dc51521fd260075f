// network_builder.hpp: describe a network in code — inputs, populations, layers and the
// projections between them — to run it in a Session.
//
// Nodes are named (the names appear in errors, checkpoints and Session::observe) and
// referred to by the NodeRef that adding them returns. Every call checks its arguments at
// once and throws a rockpool::Error subclass naming the node or parameter (InvalidArgument,
// DimensionMismatch for a projection that does not fit its nodes, NetworkError for a
// projection between signal kinds that do not match). Parameters follow Rockpool's LIF.
//
//   rockpool::NetworkBuilder net;
//   auto in  = net.spike_input("sensor", 2);
//   auto lif = net.lif("neurons", 2, {.tau_mem = 20e-3, .tau_syn = {5e-3}, .threshold = 1.0});
//   net.connect(in, lif, rockpool::Connection::one_to_one(1.5, rockpool::milliseconds(1)));
//   rockpool::Session session(std::move(net));
//
// A network can also be read from a config file (from_file), in the project's one config
// language — protobuf text format or JSON, doc/configs.md — whose `session {}` inputs
// become the inputs a Session feeds:
//
//   input { name: "sensor" size: 2 session {} }
//   node { name: "neurons" model: "LIFExact" size: 2 param { name: "tau_mem" value: 0.02 } }
//   projection { from: "sensor" to: "neurons" one_to_one {} weight: 1.5 delay: "1ms" }
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rockpool/export.hpp"
#include "rockpool/time.hpp"

namespace rockpool {

// A node of a NetworkBuilder (an index; valid for the builder that returned it).
struct NodeRef {
  std::uint32_t id = 0;
};

// Rockpool's LIF with exponential current synapses (one time constant per synaptic port):
// tau_mem dV/dt = -(V - v_rest) + sum_p I_p + bias; tau_syn_p dI_p/dt = -I_p; a spike of
// weight w on port p adds w to I_p; V >= threshold: spike, V = v_reset for `refractory`.
struct LifParameters {
  double tau_mem = 20e-3;                // s
  std::vector<double> tau_syn = {50e-3};  // s, one per port (1..4)
  double bias = 0.0;
  double threshold = 1.0;
  double v_rest = 0.0;
  double v_reset = 0.0;
  Duration refractory = Duration::zero();
  // `lif` only: a continuous input connected to the population is a current input I_in
  // (tau_mem dV/dt gains + I_in; the connection's weights are Rockpool's w_in), sampled
  // every current_dt and held in between (Rockpool's current-input LIF layers).
  Duration current_dt = milliseconds(1);
};

// How two nodes are connected: the synapses, one delay (or one per synapse) and the
// synaptic port of the target (LIF: which tau_syn).
struct ROCKPOOL_API Connection {
  enum class Kind : std::uint8_t { kOneToOne, kAllToAll, kDense, kRandom, kSynapses };
  struct Synapse {
    std::uint32_t pre = 0;
    std::uint32_t post = 0;
    double weight = 0.0;
    Duration delay;
  };

  // pre i -> post i.
  static Connection one_to_one(double weight, Duration delay = Duration::zero());
  // Every pre to every post.
  static Connection all_to_all(double weight, Duration delay = Duration::zero());
  // Row-major [pre][post] weights (Rockpool's M x N); zeros make no synapse.
  static Connection dense(std::vector<double> weights, Duration delay = Duration::zero());
  // Each pair with probability p, reproducibly from `seed`.
  static Connection random(double probability, double weight, Duration delay, std::uint64_t seed);
  // Any list of synapses, each with its own delay.
  static Connection synapses(std::vector<Synapse> list);
  // The target's synaptic port (default 0).
  Connection& to_port(std::uint32_t p) {
    port = p;
    return *this;
  }

  Kind kind = Kind::kOneToOne;
  double weight = 0.0;
  Duration delay;
  std::vector<double> weights;
  double probability = 0.0;
  std::uint64_t seed = 0;
  std::vector<Synapse> list;
  std::uint32_t port = 0;
};

class ROCKPOOL_API NetworkBuilder {
 public:
  NetworkBuilder();
  ~NetworkBuilder();
  NetworkBuilder(NetworkBuilder&&) noexcept;
  NetworkBuilder& operator=(NetworkBuilder&&) noexcept;

  // Reads a network config (doc/configs.md; protobuf text format, or JSON when it starts
  // with '{'): its inputs, nodes (any model of the registry, by name) and projections;
  // session inputs become the session's inputs, in the order listed. ConfigError with the
  // file, line and column of the offending entry; IoError if the file cannot be read. Log
  // paths in the file are relative to its folder (from_text: to the working directory).
  static NetworkBuilder from_file(const std::string& path);
  static NetworkBuilder from_text(std::string_view text, const std::string& name = "<text>");

  // Inputs the application feeds through a Session: spikes on `channels` channels, or
  // continuous values held from each push until the next (sample-and-hold).
  NodeRef spike_input(std::string name, std::size_t channels);
  NodeRef continuous_input(std::string name, std::size_t channels);
  // Generators: independent Poisson trains (counter-based RNG: reproducible from `seed`),
  // or every channel at phase + k * period.
  NodeRef poisson(std::string name, std::size_t channels, double rate_hz, std::uint64_t seed);
  NodeRef regular(std::string name, std::size_t channels, Duration period, Duration phase = Duration::zero());
  // Exact event-driven LIF neurons (spike times exact to the 1/9 ns tick).
  NodeRef lif(std::string name, std::size_t size, const LifParameters& parameters = {});
  // The same neurons on a clock of period dt (faster for dense activity, O(dt) error).
  NodeRef lif_clocked(std::string name, std::size_t size, Duration dt, const LifParameters& parameters = {});

  void connect(NodeRef pre, NodeRef post, const Connection& connection);
  void connect(std::string_view pre, std::string_view post, const Connection& connection);

  NodeRef node(std::string_view name) const;  // OutOfRange if there is none
  std::size_t size(NodeRef node) const;       // output size (neurons, channels)
  std::size_t num_nodes() const;
  // A table of the nodes and projections.
  std::string summary() const;

  struct Impl;  // the network being built (internal)

 private:
  friend class Session;
  friend struct NetworkBuilderAccess;  // internal: tests and tools add any engine node
  std::unique_ptr<Impl> impl_;
};

}  // namespace rockpool
