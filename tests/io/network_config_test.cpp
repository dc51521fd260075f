// Network configs: a config builds the network code would, in both syntaxes; every error
// names file:line:col of its entry; the registry refuses what it does not know; a log
// streamed by EventLogSource drives a network as the same events in a TSEventSource do.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "engine/error.hpp"
#include "engine/simulation.hpp"
#include "engine/sources.hpp"
#include "io/event_file.hpp"
#include "io/event_log_source.hpp"
#include "io/network_config.hpp"
#include "neurons/lif_exp.hpp"
#include "neurons/lif_exp_clocked.hpp"
#include "neurons/model_registry.hpp"
#include "tests/io/temp_path.hpp"

using namespace rockpool;
using rockpool::test::TempPath;

namespace {

// 20 x 2 dense weights, row-major [pre][post], all different.
std::vector<double> dense_weights() {
  std::vector<double> w;
  for (int i = 0; i < 40; ++i) w.push_back(0.5 * (i % 7) - 0.5 + 0.01 * i);
  return w;
}

std::string numbers(const std::vector<double>& v) {
  std::string out;
  char buffer[32];
  for (const double x : v) {
    std::snprintf(buffer, sizeof buffer, "%.17g", x);  // reads back to the same double
    out += (out.empty() ? "" : ", ") + std::string(buffer);
  }
  return out;
}

// One config touching every kind of entry: a Poisson input, exact and clocked LIF nodes,
// random / dense / one-to-one / synapse-list projections, ports, delays.
std::string text_config() {
  return R"(name: "every kind of entry"
input { name: "in" size: 20 poisson { rate: 80 seed: 11 } }
node {
  name: "lif" model: "LIFExact" size: 30
  param { name: "tau_mem" value: 0.02 }
  param { name: "tau_syn" value: [0.005, 0.01] }
  param { name: "threshold" value: 1.0 }
  param { name: "bias" value: 0.2 }
  param { name: "refractory" text: "2ms" }
}
node { name: "pair" model: "LifExp" size: 2 param { name: "tau_mem" value: 0.01 } param { name: "tau_syn" value: 0.005 } }
node { name: "copy" model: "LIFExact" size: 30 param { name: "tau_syn" value: 0.01 } param { name: "threshold" value: 0.5 } }
node {
  name: "clk" model: "LIFClocked" size: 10
  param { name: "tau_syn" value: [0.005, 0.02] }
  param { name: "dt" text: "100us" }
  param { name: "threshold" value: 0.8 }
}
projection { from: "in" to: "lif" random { p: 0.3 seed: 5 } weight: 0.6 delay: "1ms" }
projection { from: "lif" to: "lif" random { p: 0.1 seed: 6 } weight: -0.3 delay: "0.5ms" port: 1 }
projection { from: "in" to: "pair" dense { weights: [)" +
         numbers(dense_weights()) + R"(] } delay: "2ms" }
projection { from: "lif" to: "copy" one_to_one {} weight: 0.7 delay: "1ms" }
projection {
  from: "in" to: "copy" weight: 1.5 delay: "1ms"
  synapses { synapse { pre: 0 post: 1 weight: 2.0 } synapse { pre: 3 post: 4 delay: "3ms" } }
}
projection { from: "in" to: "clk" random { p: 0.4 seed: 7 } weight: 0.5 delay: "1ms" }
projection { from: "copy" to: "clk" random { p: 0.2 seed: 8 } weight: -0.4 delay: "1ms" port: 1 }
run { duration: "0.4s" seed: 3 }
)";
}

std::string json_config() {
  return R"({
  "name": "every kind of entry",
  "input": [{"name": "in", "size": 20, "poisson": {"rate": [80], "seed": "11"}}],
  "node": [
    {"name": "lif", "model": "LIFExact", "size": 30, "param": [
      {"name": "tau_mem", "value": [0.02]}, {"name": "tau_syn", "value": [0.005, 0.01]},
      {"name": "threshold", "value": [1.0]}, {"name": "bias", "value": [0.2]}, {"name": "refractory", "text": "2ms"}]},
    {"name": "pair", "model": "LifExp", "size": 2, "param": [
      {"name": "tau_mem", "value": [0.01]}, {"name": "tau_syn", "value": [0.005]}]},
    {"name": "copy", "model": "LIFExact", "size": 30, "param": [
      {"name": "tau_syn", "value": [0.01]}, {"name": "threshold", "value": [0.5]}]},
    {"name": "clk", "model": "LIFClocked", "size": 10, "param": [
      {"name": "tau_syn", "value": [0.005, 0.02]}, {"name": "dt", "text": "100us"}, {"name": "threshold", "value": [0.8]}]}
  ],
  "projection": [
    {"from": "in", "to": "lif", "random": {"p": 0.3, "seed": 5}, "weight": 0.6, "delay": "1ms"},
    {"from": "lif", "to": "lif", "random": {"p": 0.1, "seed": 6}, "weight": -0.3, "delay": "0.5ms", "port": 1},
    {"from": "in", "to": "pair", "dense": {"weights": [)" +
         numbers(dense_weights()) + R"(]}, "delay": "2ms"},
    {"from": "lif", "to": "copy", "oneToOne": {}, "weight": 0.7, "delay": "1ms"},
    {"from": "in", "to": "copy", "weight": 1.5, "delay": "1ms",
     "synapses": {"synapse": [{"pre": 0, "post": 1, "weight": 2.0}, {"pre": 3, "post": 4, "delay": "3ms"}]}},
    {"from": "in", "to": "clk", "random": {"p": 0.4, "seed": 7}, "weight": 0.5, "delay": "1ms"},
    {"from": "copy", "to": "clk", "random": {"p": 0.2, "seed": 8}, "weight": -0.4, "delay": "1ms", "port": 1}
  ],
  "run": {"duration": "0.4s", "seed": 3}
})";
}

// The same network written in code, as a user of the library would.
Network hand_built() {
  Network net;
  const NodeId in = net.add("in", std::make_unique<PoissonSource>(std::vector<double>(20, 80.0), 11));
  LifExp::Parameters p;
  p.tau_mem = 0.02;
  p.tau_syn = {0.005, 0.01};
  p.threshold = 1.0;
  p.bias = 0.2;
  p.refractory = milliseconds(2);
  const NodeId lif = net.add("lif", std::make_unique<LifExp>(p, 30));
  LifExp::Parameters q;
  q.tau_mem = 0.01;
  q.tau_syn = {0.005};
  const NodeId pair = net.add("pair", std::make_unique<LifExp>(q, 2));
  LifExp::Parameters r;
  r.tau_syn = {0.01};
  r.threshold = 0.5;
  const NodeId copy = net.add("copy", std::make_unique<LifExp>(r, 30));
  LifExp::Parameters c;
  c.tau_syn = {0.005, 0.02};
  c.threshold = 0.8;
  const NodeId clk = net.add("clk", std::make_unique<LifExpClocked>(c, 10, microseconds(100)));
  net.connect(in, lif, Projection::random(20, 30, 0.3, 0.6, milliseconds(1), 5));
  net.connect(lif, lif, Projection::random(30, 30, 0.1, -0.3, microseconds(500), 6, 1));
  net.connect(in, pair, Projection::dense(20, 2, dense_weights(), milliseconds(2)));
  net.connect(lif, copy, Projection::one_to_one(30, 0.7, milliseconds(1)));
  net.connect(in, copy, Projection::from_synapses(20, 30, {{0, 1, 2.0, milliseconds(1)}, {3, 4, 1.5, milliseconds(3)}}));
  // The clocked layer's port p of neuron i is input channel p * 10 + i.
  auto onto_port = [](const Projection& p, NeuronIndex port) {
    std::vector<Synapse> shifted;
    for (NeuronIndex i = 0; i < p.num_pre(); ++i) {
      for (std::uint32_t g = p.groups_begin(i); g < p.groups_begin(i + 1); ++g) {
        for (std::size_t k = 0; k < p.group_targets(g).size(); ++k) {
          shifted.push_back({i, port * 10 + p.group_targets(g)[k], p.group_weights(g)[k], p.group_delay(g)});
        }
      }
    }
    return Projection::from_synapses(p.num_pre(), 20, std::move(shifted));
  };
  net.connect(in, clk, onto_port(Projection::random(20, 10, 0.4, 0.5, milliseconds(1), 7), 0));
  net.connect(copy, clk, onto_port(Projection::random(30, 10, 0.2, -0.4, milliseconds(1), 8), 1));
  return net;
}

struct Spikes {
  std::vector<std::vector<Time>> times;
  std::vector<std::vector<NeuronIndex>> channels;
  std::size_t total = 0;
};

Spikes run_all(Network net, Time until) {
  Simulation sim(std::move(net));
  std::vector<SpikeRecorder*> recorders;
  for (NodeId id = 0; id < sim.network().num_nodes(); ++id) recorders.push_back(&sim.record_spikes(id));
  sim.run_until(until);
  Spikes s;
  for (const SpikeRecorder* r : recorders) {
    s.times.emplace_back(r->times().begin(), r->times().end());
    s.channels.emplace_back(r->channels().begin(), r->channels().end());
    s.total += r->count();
  }
  return s;
}

// The ConfigError of parsing and building `content`.
std::string config_error(const std::string& content, const std::string& file = "net.pbtxt") {
  try {
    NetworkConfig::parse(content, file).build();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("a config builds the network the same code builds: the same spikes, bit for bit") {
  const NetworkConfig config = NetworkConfig::parse(text_config(), "every.pbtxt");
  REQUIRE(config.run().duration.has_value());
  CHECK(*config.run().duration == milliseconds(400));
  const Time until = Time::zero() + *config.run().duration;
  const Spikes from_config = run_all(config.build().network, until);
  const Spikes from_code = run_all(hand_built(), until);
  // Every node fires, so the comparison covers every projection kind.
  for (std::size_t n = 0; n < from_code.times.size(); ++n) CHECK(!from_code.times[n].empty());
  CHECK(from_config.times == from_code.times);
  CHECK(from_config.channels == from_code.channels);
}

TEST_CASE("text and JSON configs of the same network give identical runs") {
  const NetworkConfig text = NetworkConfig::parse(text_config(), "every.pbtxt");
  const NetworkConfig json = NetworkConfig::parse(json_config(), "every.json");
  CHECK(text.syntax() == ConfigSyntax::kText);
  CHECK(json.syntax() == ConfigSyntax::kJson);
  CHECK(json.name() == text.name());
  const Time until = Time::zero() + milliseconds(400);
  const Spikes a = run_all(text.build().network, until);
  const Spikes b = run_all(json.build().network, until);
  CHECK(a.total > 0);
  CHECK(a.times == b.times);
  CHECK(a.channels == b.channels);
}

TEST_CASE("config syntax errors name file:line:col in protobuf text format") {
  // Line 3: `size: abc`; the value token starts after 2 + 6 characters, at column 9.
  CHECK(config_error("node {\n  name: \"a\"\n  size: abc\n}\n").starts_with("net.pbtxt:3:9: "));
  // Line 2, column 3: a misspelt field name.
  const std::string e = config_error("node {\n  modle: \"LIFExact\"\n}\n");
  CHECK(e.starts_with("net.pbtxt:2:3: "));
  CHECK(e.find("modle") != std::string::npos);
}

TEST_CASE("config syntax errors name file:line:col in JSON") {
  // A trailing comma: line 3, column 1 holds the '}' it precedes ... the comma itself is
  // accepted by protobuf's JSON parser, so our scanner must catch it.
  CHECK(config_error("{\"node\": [{\"name\": \"a\",\n  \"size\": 3,\n}]}", "net.json").starts_with("net.json:3:1: "));
  // A missing ':' on line 2 after the key at column 3 (the colon would be at column 9).
  CHECK(config_error("{\n  \"run\" {\"seed\": 1}}", "net.json").starts_with("net.json:2:9: "));
  // An unknown key on line 3, column 5: the location of the key.
  std::string e = config_error("{\"node\": [\n  {\"name\": \"a\",\n    \"modle\": \"LIF\"}]}", "net.json");
  CHECK(e.starts_with("net.json:3:5: "));
  CHECK(e.find("unknown field \"modle\"") != std::string::npos);
  // A value of the wrong type: the key "size" on line 2, column 14.
  e = config_error("{\"node\": [{\"name\": \"a\",\n             \"size\": \"many\"}]}", "net.json");
  CHECK(e.starts_with("net.json:2:14: "));
}

TEST_CASE("semantic config errors point at the offending entry") {
  // Unknown model: the `model` field of the second node, line 3, column 26.
  std::string e = config_error(
      "node { name: \"a\" model: \"LIFExact\" size: 2 }\n"
      "\n"
      "node { name: \"b\" size: 2 model: \"LIFF\" }\n");
  CHECK(e.starts_with("net.pbtxt:3:26: "));
  CHECK(e.find("unknown model 'LIFF'") != std::string::npos);
  CHECK(e.find("LIFExact") != std::string::npos);  // the known names are listed

  // Unknown node in a projection: its `to`, line 2, column 25.
  e = config_error(
      "node { name: \"a\" model: \"LIFExact\" size: 2 }\n"
      "projection { from: \"a\"  to: \"nowhere\" one_to_one {} }\n");
  CHECK(e.starts_with("net.pbtxt:2:25: "));
  CHECK(e.find("'nowhere'") != std::string::npos);

  // A parameter the model does not have: its param entry, line 3, column 3.
  e = config_error(
      "node { name: \"a\" model: \"LIFExact\" size: 2\n"
      "  param { name: \"tau_mem\" value: 0.02 }\n"
      "  param { name: \"tau_m\" value: 0.02 } }\n");
  CHECK(e.starts_with("net.pbtxt:3:3: "));
  CHECK(e.find("tau_m: is not a parameter of LIFExact") != std::string::npos);

  // A value the model refuses (its constructor names the parameter): line 2, column 3.
  e = config_error(
      "node { name: \"a\" model: \"LIFExact\" size: 2\n"
      "  param { name: \"tau_mem\" value: -1 } }\n");
  CHECK(e.starts_with("net.pbtxt:2:3: "));
  CHECK(e.find("tau_mem") != std::string::npos);

  // Wrong sizes: 3 dense weights for 2 x 2 synapses, at the `dense` entry (line 3, col 32).
  e = config_error(
      "node { name: \"a\" model: \"LIFExact\" size: 2 }\n"
      "node { name: \"b\" model: \"LIFExact\" size: 2 }\n"
      "projection { from: \"a\" to: \"b\" dense { weights: [1, 2, 3] } }\n");
  CHECK(e.starts_with("net.pbtxt:3:32: "));
  CHECK(e.find("3 values for 2 x 2") != std::string::npos);

  // A duplicate name: the second entry's name (line 2, column 8).
  e = config_error(
      "input { name: \"a\" size: 2 poisson { rate: 1 } }\n"
      "node { name: \"a\" model: \"LIFExact\" size: 2 }\n");
  CHECK(e.starts_with("net.pbtxt:2:8: "));

  // The same unknown model in JSON: the key "model" on line 2, column 28.
  e = config_error("{\"node\": [\n  {\"name\": \"b\", \"size\": 2, \"model\": \"LIFF\"}]}", "net.json");
  CHECK(e.starts_with("net.json:2:28: "));
}

TEST_CASE("a session input: made by the caller's factory, fed by a log, or an error naming it") {
  const std::string text =
      "input { name: \"sensor\" size: 3 session {} }\n"
      "input { name: \"level\" size: 1 session { continuous: true } }\n"
      "node { name: \"lif\" model: \"LIFExact\" size: 3 }\n"
      "projection { from: \"sensor\" to: \"lif\" one_to_one {} weight: 2 }\n";
  const NetworkConfig config = NetworkConfig::parse(text, "net.pbtxt");
  REQUIRE(config.inputs().size() == 2);
  CHECK(config.inputs()[0].kind == ConfigInput::Kind::kSession);
  CHECK(!config.inputs()[0].continuous);
  CHECK(config.inputs()[1].continuous);

  // Without a factory or a log: at the first session input's `session`, line 1, column 32.
  std::string e = config_error(text);
  CHECK(e.starts_with("net.pbtxt:1:32: "));
  CHECK(e.find("'sensor' is fed by the application through a Session") != std::string::npos);

  // The factory makes both, in config order.
  std::vector<std::string> made;
  ConfigBuildOptions options;
  options.session_input = [&](const ConfigInput& in) -> std::unique_ptr<Node> {
    made.push_back(in.name);
    return std::make_unique<RegularSource>(in.size, milliseconds(1));
  };
  const BuiltNetwork built = config.build(options);
  CHECK(made == std::vector<std::string>{"sensor", "level"});
  CHECK(built.session_inputs == std::vector<NodeId>{0, 1});
  CHECK(built.log_inputs.empty());

  // A log feeds the spiking one as it feeds a log input: the same spikes as a TSEventSource.
  const TSEvent events({Time::zero() + milliseconds(1), Time::zero() + milliseconds(3)}, {2, 0},
                       {.num_channels = 3, .t_stop = Time::zero() + milliseconds(60)});
  const TempPath log("session_fed.rpl");
  write_events(log.path, events, EventFileFormat::kNative);
  const NetworkConfig spiking = NetworkConfig::parse(
      "input { name: \"sensor\" size: 3 session {} }\n"
      "node { name: \"lif\" model: \"LIFExact\" size: 3 }\n"
      "projection { from: \"sensor\" to: \"lif\" one_to_one {} weight: 5 }\n",
      "net.pbtxt");
  ConfigBuildOptions fed;
  fed.input_paths = {{"sensor", log.path}};
  BuiltNetwork from_log = spiking.build(fed);
  CHECK(from_log.log_inputs == std::vector<NodeId>{0});
  CHECK(from_log.session_inputs.empty());
  Network in_code;
  const NodeId in = in_code.add("sensor", std::make_unique<TSEventSource>(events));
  const NodeId lif = in_code.add("lif", std::make_unique<LifExp>(LifExp::Parameters{}, 3));
  in_code.connect(in, lif, Projection::one_to_one(3, 5.0, Duration::zero()));
  const Time end = Time::zero() + milliseconds(60);
  const Spikes a = run_all(std::move(from_log.network), end), b = run_all(std::move(in_code), end);
  // A spike of weight w peaks at V = 0.54 w (tau_mem 20 ms, tau_syn 50 ms): w = 5 fires.
  CHECK(a.channels[1].size() >= 2);
  CHECK(a.channels[1][0] == 2);
  CHECK(a.times == b.times);
  CHECK(a.channels == b.channels);

  // A continuous one cannot take an event log: at its `session`, line 2, column 31.
  fed.input_paths = {{"level", log.path}};
  fed.session_input = options.session_input;
  try {
    config.build(fed);
    FAIL("no error");
  } catch (const ConfigError& error) {
    CHECK(error.line() == 2);
    CHECK(error.column() == 31);
  }
  // A session input needs its channels.
  CHECK(config_error("input { name: \"a\" session {} }\n").starts_with("net.pbtxt:1:1: input 'a' needs a size"));
}

TEST_CASE("the model registry builds by name, refuses unknown names and parameters, and takes new models") {
  ModelRegistry models = builtin_models();
  CHECK(models.find("lifexact") == models.find("LifExp"));  // case-insensitive, aliases
  CHECK(models.find("nope") == nullptr);
  const ModelParams params({{"tau_mem", {0.05}, ""}, {"refractory", {}, "1ms"}});
  BuiltModel m = models.build("LIFExact", {"x", 4, 0, params, 0});
  const auto& lif = dynamic_cast<const LifExp&>(*m.node);
  CHECK(lif.parameters().tau_mem == 0.05);
  CHECK(lif.parameters().refractory == milliseconds(1));
  CHECK(lif.size() == 4);

  const ModelParams wrong({{"tau", {0.05}, ""}});
  CHECK_THROWS_AS(models.build("LIFExact", {"x", 4, 0, wrong, 0}), InvalidArgument);
  CHECK_THROWS_AS(models.build("LIFF", {"x", 4, 0, params, 0}), InvalidArgument);

  // A new model is one add() call (here: a Poisson generator as a "model").
  models.add({"Noise", {}, "Poisson noise", [](const ModelSpec& s) {
                return BuiltModel{std::make_unique<PoissonSource>(s.size, s.params.number("rate", 1.0), s.seed)};
              }});
  const ModelParams rate({{"rate", {5.0}, ""}});
  CHECK(models.build("noise", {"n", 3, 0, rate, 1}).node->size_out() == 3);
  CHECK_THROWS_AS(models.add({"LIF", {}, "taken", [](const ModelSpec&) { return BuiltModel{}; }}), InvalidArgument);
}

TEST_CASE("a log streamed through EventLogSource drives a network as a TSEventSource of the same events") {
  // 3 channels, events at known ticks, two of them at the same time, span to 60 ms.
  const std::vector<Time> times = {Time::zero() + milliseconds(1), Time::zero() + milliseconds(2),
                                   Time::zero() + milliseconds(2), Time::zero() + microseconds(7531),
                                   Time::zero() + milliseconds(40)};
  const std::vector<Channel> channels = {0, 2, 1, 2, 0};
  const TSEvent events(times, channels, {.num_channels = 3, .t_stop = Time::zero() + milliseconds(60)});
  const TempPath log("stream.rpl");
  write_events(log.path, events, EventFileFormat::kNative);

  auto network = [&](std::unique_ptr<Node> source) {
    Network net;
    const NodeId in = net.add("in", std::move(source));
    LifExp::Parameters p;
    p.tau_syn = {0.005};
    p.threshold = 0.2;
    const NodeId lif = net.add("lif", std::make_unique<LifExp>(p, 2));
    net.connect(in, lif, Projection::dense(3, 2, std::vector<double>{0.9, 0.1, 0.2, 0.8, 0.7, 0.7}, milliseconds(1)));
    return net;
  };
  auto streamed = std::make_unique<EventLogSource>(log.path);
  EventLogSource& source = *streamed;
  CHECK(source.size_out() == 3);  // the log's declared channel count
  const Time end = Time::zero() + milliseconds(60);
  const Spikes a = run_all(network(std::move(streamed)), end);
  const Spikes b = run_all(network(std::make_unique<TSEventSource>(events)), end);
  CHECK(a.times[0] == std::vector<Time>(times));  // the input replayed exactly
  CHECK(a.total > 5);                             // the LIF neurons fired too
  CHECK(a.times == b.times);
  CHECK(a.channels == b.channels);
  (void)source;
}

TEST_CASE("EventLogSource: the end of a recording, out-of-range channels named or dropped") {
  const TempPath log("range.rpl");
  const TSEvent events({Time::zero() + milliseconds(1), Time::zero() + milliseconds(5), Time::zero() + milliseconds(9)},
                       {0, 4, 1}, {.num_channels = 5, .t_stop = Time::zero() + milliseconds(20)});
  write_events(log.path, events, EventFileFormat::kNative);

  EventLogSource all(log.path);
  all.set_name("in");
  all.start(Time::zero());
  CHECK(!all.exhausted());
  CHECK(all.next()->time == Time::zero() + milliseconds(1));
  CHECK(all.next()->channel == 4);
  CHECK(!all.exhausted());
  CHECK(all.next()->time == Time::zero() + milliseconds(9));
  CHECK(all.exhausted());  // known as soon as the last event is handed out
  CHECK(all.end_time() == Time::zero() + milliseconds(20));  // the recorded t_stop
  CHECK(!all.next());

  EventLogSource small(log.path, {.channels = 3});
  small.set_name("in");
  try {
    small.start(Time::zero());
    small.next();
    FAIL("no error for channel 4 of a 3-channel input");
  } catch (const OutOfRange& e) {
    const std::string what = e.what();
    CHECK(what.find(log.path + ": event 1") != std::string::npos);
    CHECK(what.find("channel 4") != std::string::npos);
  }
  EventLogSource dropping(log.path, {.channels = 3, .out_of_range = ChannelPolicy::kDrop});
  dropping.start(Time::zero() + milliseconds(2));  // also skips the event at 1 ms
  CHECK(dropping.next()->time == Time::zero() + milliseconds(9));
  CHECK(dropping.exhausted());
  CHECK(dropping.events_dropped() == 1);
}

TEST_CASE("the committed example configs, text and JSON, build the same network and run alike") {
  const std::string root = ROCKPOOL_SOURCE_ROOT;
  const NetworkConfig text = NetworkConfig::load(root + "/examples/configs/lif.pbtxt");
  const NetworkConfig json = NetworkConfig::load(root + "/examples/configs/lif.json");
  REQUIRE(text.inputs().size() == 1);
  // The log path is relative to the config's folder.
  CHECK(text.inputs()[0].path == root + "/examples/data/poisson_input.csv");
  CHECK(json.inputs()[0].path == text.inputs()[0].path);
  const Spikes a = run_all(text.build().network, Time::zero() + seconds(1));
  const Spikes b = run_all(json.build().network, Time::zero() + seconds(1));
  CHECK(a.times[0].size() == 1227);  // every event of the example input (its line count - 1)
  CHECK(a.times[1].size() > 0);      // the excitatory population fires
  CHECK(a.times == b.times);
  CHECK(a.channels == b.channels);
}
