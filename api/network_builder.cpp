#include <string>

#include "api/builder_access.hpp"
#include "api/stream_source.hpp"
#include "engine/sources.hpp"
#include "io/network_config.hpp"
#include "neurons/lif_exp.hpp"
#include "neurons/lif_exp_clocked.hpp"

namespace rockpool {

namespace {

LifExp::Parameters to_engine(const LifParameters& p) {
  LifExp::Parameters q;
  q.tau_mem = p.tau_mem;
  q.tau_syn = p.tau_syn;
  q.bias = p.bias;
  q.threshold = p.threshold;
  q.v_rest = p.v_rest;
  q.v_reset = p.v_reset;
  q.refractory = p.refractory;
  return q;
}

}  // namespace

Connection Connection::one_to_one(double weight, Duration delay) {
  Connection c;
  c.kind = Kind::kOneToOne;
  c.weight = weight;
  c.delay = delay;
  return c;
}

Connection Connection::all_to_all(double weight, Duration delay) {
  Connection c;
  c.kind = Kind::kAllToAll;
  c.weight = weight;
  c.delay = delay;
  return c;
}

Connection Connection::dense(std::vector<double> weights, Duration delay) {
  Connection c;
  c.kind = Kind::kDense;
  c.weights = std::move(weights);
  c.delay = delay;
  return c;
}

Connection Connection::random(double probability, double weight, Duration delay, std::uint64_t seed) {
  Connection c;
  c.kind = Kind::kRandom;
  c.probability = probability;
  c.weight = weight;
  c.delay = delay;
  c.seed = seed;
  return c;
}

Connection Connection::synapses(std::vector<Synapse> list) {
  Connection c;
  c.kind = Kind::kSynapses;
  c.list = std::move(list);
  return c;
}

NetworkBuilder::NetworkBuilder() : impl_(std::make_unique<Impl>()) {}
NetworkBuilder::~NetworkBuilder() = default;
NetworkBuilder::NetworkBuilder(NetworkBuilder&&) noexcept = default;
NetworkBuilder& NetworkBuilder::operator=(NetworkBuilder&&) noexcept = default;

NodeRef NetworkBuilder::spike_input(std::string name, std::size_t channels) {
  const NodeId id = impl_->network.add(std::move(name), std::make_unique<StreamSource>(channels));
  impl_->inputs.push_back({id, false});
  return NodeRef{id};
}

NodeRef NetworkBuilder::continuous_input(std::string name, std::size_t channels) {
  const NodeId id = impl_->network.add(std::move(name), std::make_unique<StreamContinuousSource>(channels));
  impl_->inputs.push_back({id, true});
  return NodeRef{id};
}

NodeRef NetworkBuilder::poisson(std::string name, std::size_t channels, double rate_hz, std::uint64_t seed) {
  return NodeRef{impl_->network.add(std::move(name), std::make_unique<PoissonSource>(channels, rate_hz, seed))};
}

NodeRef NetworkBuilder::regular(std::string name, std::size_t channels, Duration period, Duration phase) {
  return NodeRef{impl_->network.add(std::move(name), std::make_unique<RegularSource>(channels, period, phase))};
}

NodeRef NetworkBuilder::lif(std::string name, std::size_t size, const LifParameters& parameters) {
  if (size == 0) throw InvalidArgument("size", "population '" + name + "' needs at least one neuron");
  auto lif = std::make_unique<LifExp>(to_engine(parameters), size);
  lif->set_current_dt(parameters.current_dt);
  return NodeRef{impl_->network.add(std::move(name), std::move(lif))};
}

NodeRef NetworkBuilder::lif_clocked(std::string name, std::size_t size, Duration dt, const LifParameters& parameters) {
  if (size == 0) throw InvalidArgument("size", "layer '" + name + "' needs at least one neuron");
  return NodeRef{
      impl_->network.add(std::move(name), std::make_unique<LifExpClocked>(to_engine(parameters), size, dt))};
}

void NetworkBuilder::connect(NodeRef pre, NodeRef post, const Connection& c) {
  Network& net = impl_->network;
  if (pre.id >= net.num_nodes()) throw OutOfRange("pre", "no node " + std::to_string(pre.id));
  if (post.id >= net.num_nodes()) throw OutOfRange("post", "no node " + std::to_string(post.id));
  const std::size_t m = net.node(pre.id).size_out();
  const std::size_t n = net.node(post.id).size_in();
  const std::string what = "connection '" + net.node(pre.id).name() + "' -> '" + net.node(post.id).name() + "'";
  switch (c.kind) {
    case Connection::Kind::kOneToOne:
      if (m != n) {
        throw DimensionMismatch(what, "one_to_one needs equal sizes, but they are " + std::to_string(m) + " and " +
                                          std::to_string(n));
      }
      net.connect(pre.id, post.id, Projection::one_to_one(m, c.weight, c.delay, c.port));
      return;
    case Connection::Kind::kAllToAll: {
      const std::vector<double> w(m * n, c.weight);
      net.connect(pre.id, post.id, Projection::dense(m, n, w, c.delay, c.port));
      return;
    }
    case Connection::Kind::kDense:
      if (c.weights.size() != m * n) {
        throw DimensionMismatch(what, "dense weights have " + std::to_string(c.weights.size()) + " values, " +
                                          std::to_string(m) + " x " + std::to_string(n) + " expected");
      }
      net.connect(pre.id, post.id, Projection::dense(m, n, c.weights, c.delay, c.port));
      return;
    case Connection::Kind::kRandom:
      if (!(c.probability >= 0.0 && c.probability <= 1.0)) {
        throw InvalidArgument(what, "probability must lie in [0, 1]");
      }
      net.connect(pre.id, post.id, Projection::random(m, n, c.probability, c.weight, c.delay, c.seed, c.port));
      return;
    case Connection::Kind::kSynapses: {
      std::vector<Synapse> list;
      list.reserve(c.list.size());
      for (const auto& s : c.list) list.push_back({s.pre, s.post, s.weight, s.delay});
      net.connect(pre.id, post.id, Projection::from_synapses(m, n, std::move(list), c.port));
      return;
    }
  }
}

void NetworkBuilder::connect(std::string_view pre, std::string_view post, const Connection& connection) {
  connect(node(pre), node(post), connection);
}

NodeRef NetworkBuilder::node(std::string_view name) const { return NodeRef{impl_->network.id(name)}; }

std::size_t NetworkBuilder::size(NodeRef node) const {
  if (node.id >= impl_->network.num_nodes()) throw OutOfRange("node", "no node " + std::to_string(node.id));
  return impl_->network.node(node.id).size_out();
}

std::size_t NetworkBuilder::num_nodes() const { return impl_->network.num_nodes(); }

std::string NetworkBuilder::summary() const { return impl_->network.summary(); }

// --- config files ------------------------------------------------------------------------
// The one config language of the project, io/network_config.proto (doc/configs.md): the
// config builds the engine network, with streams for its session inputs, and the builder
// takes it over.

namespace {

NetworkBuilder from_config(const NetworkConfig& config) {
  ConfigBuildOptions options;
  options.session_input = [](const ConfigInput& in) -> std::unique_ptr<Node> {
    if (in.continuous) return std::make_unique<StreamContinuousSource>(in.size);
    return std::make_unique<StreamSource>(in.size);
  };
  BuiltNetwork built = config.build(options);
  NetworkBuilder builder;
  NetworkBuilder::Impl& impl = NetworkBuilderAccess::impl(builder);
  impl.network = std::move(built.network);
  std::size_t k = 0;
  for (const ConfigInput& in : config.inputs()) {
    if (in.kind == ConfigInput::Kind::kSession) impl.inputs.push_back({built.session_inputs[k++], in.continuous});
  }
  return builder;
}

}  // namespace

NetworkBuilder NetworkBuilder::from_file(const std::string& path) { return from_config(NetworkConfig::load(path)); }

NetworkBuilder NetworkBuilder::from_text(std::string_view text, const std::string& name) {
  return from_config(NetworkConfig::parse(text, name));
}

}  // namespace rockpool
