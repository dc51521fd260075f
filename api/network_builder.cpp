#include <charconv>
#include <fstream>
#include <sstream>
#include <string>

#include "api/builder_access.hpp"
#include "api/stream_source.hpp"
#include "engine/sources.hpp"
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
  return NodeRef{impl_->network.add(std::move(name), std::make_unique<LifExp>(to_engine(parameters), size))};
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
// One statement per line: a kind, a name (or two for connect), then key=value options.
// Durations take units ("5ms"); see doc/api.md.

namespace {

struct Statement {
  std::vector<std::string> words;           // before the first key=value
  std::vector<std::pair<std::string, std::string>> options;
};

class ConfigLine {
 public:
  ConfigLine(Statement s, const std::string& file, std::uint64_t line) : s_(std::move(s)), file_(file), line_(line) {}

  [[noreturn]] void fail(const std::string& problem) const { throw FormatError(file_, line_, problem); }
  const std::vector<std::string>& words() const { return s_.words; }

  bool has(std::string_view key) const {
    for (const auto& [k, v] : s_.options) {
      if (k == key) return true;
    }
    return false;
  }
  const std::string& text(std::string_view key) const {
    for (const auto& [k, v] : s_.options) {
      if (k == key) return v;
    }
    fail("missing option " + std::string(key) + "=");
  }
  double number(std::string_view key, double fallback) const { return has(key) ? number(key) : fallback; }
  double number(std::string_view key) const {
    const std::string& v = text(key);
    double x = 0;
    const auto r = std::from_chars(v.data(), v.data() + v.size(), x);
    if (r.ec != std::errc() || r.ptr != v.data() + v.size()) fail(std::string(key) + "=" + v + " is not a number");
    return x;
  }
  std::uint64_t count(std::string_view key, std::uint64_t fallback) const { return has(key) ? count(key) : fallback; }
  std::uint64_t count(std::string_view key) const {
    const std::string& v = text(key);
    std::uint64_t x = 0;
    const auto r = std::from_chars(v.data(), v.data() + v.size(), x);
    if (r.ec != std::errc() || r.ptr != v.data() + v.size()) {
      fail(std::string(key) + "=" + v + " is not a whole number");
    }
    return x;
  }
  Duration duration(std::string_view key, Duration fallback) const { return has(key) ? duration(key) : fallback; }
  Duration duration(std::string_view key) const {
    try {
      return parse_duration(text(key), key);
    } catch (const InvalidArgument& e) {
      fail(e.what());
    }
  }
  // Options this statement does not know are refused, so a typo is never silently ignored.
  void only(std::initializer_list<std::string_view> known) const {
    for (const auto& [k, v] : s_.options) {
      if (std::find(known.begin(), known.end(), k) == known.end()) fail("unknown option " + k + "=");
    }
  }

 private:
  Statement s_;
  const std::string& file_;
  std::uint64_t line_;
};

LifParameters lif_parameters(const ConfigLine& c) {
  LifParameters p;
  p.tau_mem = to_seconds(c.duration("tau_mem", Duration::from_seconds(p.tau_mem)));
  if (c.has("tau_syn")) {
    p.tau_syn.clear();
    std::stringstream list(c.text("tau_syn"));
    std::string item;
    while (std::getline(list, item, ',')) p.tau_syn.push_back(to_seconds(parse_duration(item, "tau_syn")));
  }
  p.bias = c.number("bias", p.bias);
  p.threshold = c.number("threshold", p.threshold);
  p.v_rest = c.number("v_rest", p.v_rest);
  p.v_reset = c.number("v_reset", p.v_reset);
  p.refractory = c.duration("refractory", p.refractory);
  return p;
}

}  // namespace

NetworkBuilder NetworkBuilder::from_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw IoError(path, "cannot open for reading");
  std::stringstream text;
  text << in.rdbuf();
  return from_text(text.str(), path);
}

NetworkBuilder NetworkBuilder::from_text(std::string_view text, const std::string& name) {
  NetworkBuilder b;
  std::istringstream lines{std::string(text)};
  std::string raw;
  std::uint64_t number = 0;
  while (std::getline(lines, raw)) {
    ++number;
    const std::string line = raw.substr(0, raw.find('#'));
    std::istringstream words(line);
    Statement s;
    std::string w;
    while (words >> w) {
      const auto eq = w.find('=');
      if (eq == std::string::npos) {
        if (!s.options.empty()) throw FormatError(name, number, "'" + w + "' after options: write key=value");
        s.words.push_back(w);
      } else {
        s.options.emplace_back(w.substr(0, eq), w.substr(eq + 1));
      }
    }
    if (s.words.empty() && s.options.empty()) continue;
    const ConfigLine c(std::move(s), name, number);
    const auto& ws = c.words();
    if (ws.empty()) c.fail("a line starts with a kind (lif, connect, ...), not an option");
    const std::string& kind = ws[0];
    try {
      if (kind == "connect") {
        if (ws.size() != 4) c.fail("connect <pre> <post> <one_to_one|all_to_all|random> key=value...");
        c.only({"weight", "delay", "p", "seed", "port"});
        Connection conn;
        const Duration delay = c.duration("delay", Duration::zero());
        if (ws[3] == "one_to_one") conn = Connection::one_to_one(c.number("weight"), delay);
        else if (ws[3] == "all_to_all") conn = Connection::all_to_all(c.number("weight"), delay);
        else if (ws[3] == "random") conn = Connection::random(c.number("p"), c.number("weight"), delay, c.count("seed", 0));
        else c.fail("unknown connection '" + ws[3] + "' (one_to_one, all_to_all, random)");
        conn.port = static_cast<std::uint32_t>(c.count("port", 0));
        b.connect(ws[1], ws[2], conn);
        continue;
      }
      if (ws.size() != 2) c.fail(kind + " takes one name and key=value options");
      const std::string& node = ws[1];
      if (kind == "spike_input") {
        c.only({"channels"});
        b.spike_input(node, c.count("channels"));
      } else if (kind == "continuous_input") {
        c.only({"channels"});
        b.continuous_input(node, c.count("channels"));
      } else if (kind == "poisson") {
        c.only({"channels", "rate", "seed"});
        b.poisson(node, c.count("channels"), c.number("rate"), c.count("seed", 0));
      } else if (kind == "regular") {
        c.only({"channels", "period", "phase"});
        b.regular(node, c.count("channels"), c.duration("period"), c.duration("phase", Duration::zero()));
      } else if (kind == "lif") {
        c.only({"size", "tau_mem", "tau_syn", "bias", "threshold", "v_rest", "v_reset", "refractory"});
        b.lif(node, c.count("size"), lif_parameters(c));
      } else if (kind == "lif_clocked") {
        c.only({"size", "dt", "tau_mem", "tau_syn", "bias", "threshold", "v_rest", "v_reset", "refractory"});
        b.lif_clocked(node, c.count("size"), c.duration("dt"), lif_parameters(c));
      } else {
        c.fail("unknown kind '" + kind + "' (spike_input, continuous_input, poisson, regular, lif, lif_clocked, connect)");
      }
    } catch (const FormatError&) {
      throw;
    } catch (const Error& e) {
      c.fail(e.what());  // a bad value: name the line
    }
  }
  return b;
}

}  // namespace rockpool
