// NIR graphs: reading the layout h5py writes (fixtures from tools/make_nir_fixtures.py),
// importing into a Network that spikes where the closed form says, exporting and importing
// back exactly, and named errors for what we do not support or what is broken.
#include "io/nir.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <set>
#include <tuple>

#include "engine/error.hpp"
#include "engine/simulation.hpp"
#include "engine/sources.hpp"
#include "neurons/lif_exp.hpp"
#include "tests/io/temp_path.hpp"

using namespace rockpool;
using rockpool::test::TempPath;

namespace {

const std::string kFixtures = std::string(ROCKPOOL_SOURCE_ROOT) + "/tests/io/fixtures/";

// The fixture's constants (tools/make_nir_fixtures.py).
constexpr double kTauMem = 0.01, kTauSyn = 0.02, kVLeak = 0.1, kVThreshold = 1.1;
constexpr double kR[2] = {2.0, 1.0}, kWIn[2] = {0.5, 3.0}, kW[2] = {0.05, 0.025}, kDelay[2] = {0.001, 0.002};

// First spike of a CubaLIF neuron after one input spike of weight w at 0, read as NIR's
// equations say (see make_nir_fixtures.py): the current jumps by I0 = w_in w / tau_syn and
// v - v_leak = A (x - x^2) with x = e^{-t/tau_syn}, A = 2 r I0 (tau_syn = 2 tau_mem).
double closed_form_first_spike(int j) {
  const double i0 = kWIn[j] * kW[j] / kTauSyn;
  const double a = kTauSyn / (kTauSyn - kTauMem) * kR[j] * i0;
  const double x = (1 + std::sqrt(1 - 4 * (kVThreshold - kVLeak) / a)) / 2;
  return kDelay[j] - kTauSyn * std::log(x);
}

// The first spike time of each channel of a recorder, in seconds (NaN if none).
std::vector<double> first_spikes(const SpikeRecorder& rec, std::size_t n) {
  std::vector<double> first(n, NAN);
  for (std::size_t k = 0; k < rec.count(); ++k) {
    const NeuronIndex c = rec.channels()[k];
    if (std::isnan(first[c])) first[c] = to_seconds(rec.times()[k]);
  }
  return first;
}

NirArray vec(std::vector<double> v) { return {{v.size()}, std::move(v), false}; }
NirArray shape(std::size_t n) { return {{1}, {static_cast<double>(n)}, true}; }

// A one-population graph: input (n) -> fc (Linear n x n identity) -> lif (CubaLIF n) -> output.
NirGraph small_graph(std::size_t n = 2) {
  std::vector<double> eye(n * n, 0.0);
  for (std::size_t i = 0; i < n; ++i) eye[i * n + i] = 1.0;
  NirGraph g;
  g.nodes = {
      {"fc", "Linear", {{"weight", {{n, n}, eye, false}}}},
      {"input", "Input", {{"shape", shape(n)}}},
      {"lif", "CubaLIF",
       {{"tau_syn", vec(std::vector<double>(n, 0.005))},
        {"tau_mem", vec(std::vector<double>(n, 0.02))},
        {"r", vec(std::vector<double>(n, 1.0))},
        {"v_leak", vec(std::vector<double>(n, 0.0))},
        {"v_threshold", vec(std::vector<double>(n, 1.0))},
        {"v_reset", vec(std::vector<double>(n, 0.0))},
        {"w_in", vec(std::vector<double>(n, 1.0))}}},
      {"output", "Output", {{"shape", shape(n)}}},
  };
  g.edges = {{"input", "fc"}, {"fc", "lif"}, {"lif", "output"}};
  return g;
}

NirNode& node(NirGraph& g, const std::string& name) {
  for (NirNode& n : g.nodes) {
    if (n.name == name) return n;
  }
  FAIL("no node " << name);
  throw;
}

std::string import_error(const NirGraph& g, const NirReadOptions& o = {}) {
  try {
    nir_to_network(g, o, "g.nir");
  } catch (const FormatError& e) {
    return e.what();
  }
  return "(no error)";
}

using SynapseTuple = std::tuple<NeuronIndex, NeuronIndex, double, std::int64_t>;
std::multiset<SynapseTuple> synapses(const Projection& p) {
  std::multiset<SynapseTuple> out;
  for (NeuronIndex i = 0; i < p.num_pre(); ++i) {
    for (std::uint32_t g = p.groups_begin(i); g < p.groups_begin(i + 1); ++g) {
      for (std::size_t k = 0; k < p.group_targets(g).size(); ++k) {
        out.emplace(i, p.group_targets(g)[k], p.group_weights(g)[k], p.group_delay(g).ticks());
      }
    }
  }
  return out;
}

}  // namespace

TEST_CASE("NIR: the h5py-written fixture reads as its nodes, parameters and edges") {
  const NirGraph g = read_nir_graph(kFixtures + "nir_cuba_lif.nir");
  CHECK(g.version == "1.0.0");
  REQUIRE(g.nodes.size() == 5);
  // Name order, whatever the file's creation order.
  CHECK(g.nodes[0].name == "delay");
  CHECK(g.nodes[4].name == "output");
  const NirNode* lif = g.find("lif");
  REQUIRE(lif != nullptr);
  CHECK(lif->type == "CubaLIF");
  CHECK(lif->params.size() == 7);  // input_type / output_type groups are skipped
  CHECK(lif->params.at("r").values == std::vector<double>{2.0, 1.0});
  CHECK(lif->params.at("w_in").values == std::vector<double>{0.5, 3.0});
  CHECK(lif->params.at("tau_mem").shape == std::vector<std::size_t>{2});
  const NirNode* fc = g.find("fc");
  REQUIRE(fc != nullptr);
  CHECK(fc->params.at("weight").shape == std::vector<std::size_t>{2, 2});
  CHECK(fc->params.at("weight").values == std::vector<double>{0.05, 0.0, 0.0, 0.025});
  CHECK(g.find("input")->params.at("shape").integer);
  CHECK(g.edges == std::vector<std::pair<std::string, std::string>>{
                       {"input", "fc"}, {"fc", "delay"}, {"delay", "lif"}, {"lif", "output"}});
}

TEST_CASE("NIR import: a CubaLIF net fires at the closed-form times (per-neuron r, w_in and delays)") {
  NirReadOptions o;
  o.inputs["input"] = TSEvent({Time::zero(), Time::zero()}, {0, 1}, {.num_channels = 2});
  NirNetwork m = read_nir(kFixtures + "nir_cuba_lif.nir", o);
  CHECK(m.inputs == std::vector<std::string>{"input"});
  REQUIRE(m.outputs.count("output"));
  CHECK(m.outputs.at("output") == "lif");
  const NodeId lif = m.network.id("lif");
  CHECK(m.network.node(lif).type_name() == "LifExp");
  Simulation sim(std::move(m.network));
  SpikeRecorder& rec = sim.record_spikes(lif);
  sim.run_until(Time::from_seconds(0.05));
  const auto first = first_spikes(rec, 2);
  for (int j = 0; j < 2; ++j) {
    INFO("neuron ", j);
    // The exact model finds the crossing to the tick (1/9 ns); allow two ticks of rounding
    // in the weight factor and the delay.
    CHECK(std::abs(first[j] - closed_form_first_spike(j)) < 3e-10);
  }
  // The values make_nir_fixtures.py printed for this file.
  CHECK(closed_form_first_spike(0) == doctest::Approx(0.007470142623148936).epsilon(1e-12));
  CHECK(closed_form_first_spike(1) == doctest::Approx(0.005449839899544947).epsilon(1e-12));
}

TEST_CASE("NIR import: clocked_dt builds LifExpClocked layers, spikes within a step of the exact times") {
  NirReadOptions o;
  o.inputs["input"] = TSEvent({Time::zero(), Time::zero()}, {0, 1}, {.num_channels = 2});
  o.clocked_dt = microseconds(10);
  NirNetwork m = read_nir(kFixtures + "nir_cuba_lif.nir", o);
  const NodeId lif = m.network.id("lif");
  CHECK(m.network.node(lif).type_name() == "LifExpClocked");
  Simulation sim(std::move(m.network));
  SpikeRecorder& rec = sim.record_spikes(lif);
  sim.run_until(Time::from_seconds(0.05));
  const auto first = first_spikes(rec, 2);
  for (int j = 0; j < 2; ++j) CHECK(std::abs(first[j] - closed_form_first_spike(j)) <= 2 * 10e-6);
}

TEST_CASE("NIR import: LIF driven by an Affine bias fires at tau ln(rb / (rb - theta))") {
  // LIF: tau dv/dt = (v_leak - v) + r (W x + b); no input spikes, so v = r b (1 - e^{-t/tau}).
  const double tau = 0.02, r = 2.0, b = 0.75, theta = 1.0;
  NirGraph g;
  g.nodes = {{"aff", "Affine", {{"weight", {{1, 1}, {0.0}, false}}, {"bias", vec({b})}}},
             {"in", "Input", {{"shape", shape(1)}}},
             {"lif", "LIF",
              {{"tau", vec({tau})}, {"r", vec({r})}, {"v_leak", vec({0.0})}, {"v_threshold", vec({theta})},
               {"v_reset", vec({0.0})}}}};
  g.edges = {{"in", "aff"}, {"aff", "lif"}};
  CHECK(import_error(g).find("lif_tau_syn") != std::string::npos);
  NirReadOptions o;
  o.lif_tau_syn = 1e-4;
  NirNetwork m = nir_to_network(g, o);
  const NodeId lif = m.network.id("lif");
  Simulation sim(std::move(m.network));
  SpikeRecorder& rec = sim.record_spikes(lif);
  sim.run_until(Time::from_seconds(0.03));
  REQUIRE(rec.count() >= 1);
  const double expected = tau * std::log(r * b / (r * b - theta));
  CHECK(std::abs(to_seconds(rec.times()[0]) - expected) < 3e-10);
}

TEST_CASE("NIR import: an Affine bias into a CubaLIF is refused unless taken at its steady state") {
  NirGraph g = small_graph(2);
  NirNode& fc = node(g, "fc");
  fc.type = "Affine";
  fc.params["bias"] = vec({0.5, 0.5});
  CHECK(import_error(g).find("non-zero bias from 'fc'") != std::string::npos);
  NirReadOptions o;
  o.bias_at_steady_state = true;
  NirNetwork m = nir_to_network(g, o);
  const auto& lif = dynamic_cast<const LifExp&>(m.network.node(m.network.id("lif")));
  CHECK(lif.parameters().bias == 0.5);  // r w_in b = 1 * 1 * 0.5
  fc.params["bias"] = vec({0.5, 0.25});
  CHECK(import_error(g, o).find("bias that differs between neurons") != std::string::npos);
}

TEST_CASE("NIR export -> import keeps parameters, weights and delays exactly") {
  Network net;
  const NodeId in = net.add("in", std::make_unique<PoissonSource>(3, 10.0, 1));
  LifExp::Parameters p;
  p.tau_mem = 0.017;
  p.tau_syn = {0.0031};
  p.threshold = 0.9;
  p.v_rest = -0.1;
  p.v_reset = -0.3;
  const NodeId a = net.add("a", std::make_unique<LifExp>(p, 2));
  LifExp::Parameters q = p;
  q.tau_mem = 0.011;
  q.tau_syn = {0.007};
  const NodeId b = net.add("b", std::make_unique<LifExp>(q, 3));
  // Weights with no short decimal form, a zero (no synapse) and a negative one.
  const std::vector<double> w_in_a{0.1 / 3, 0.0, -0.7, 1e-5, 2.0 / 7, 0.3};
  net.connect(in, a, Projection::dense(3, 2, w_in_a, milliseconds(1)));
  // a -> b with one delay per target neuron (a Delay after the Linear).
  net.connect(a, b, Projection::from_synapses(2, 3, {{0, 0, 0.25, milliseconds(2)}, {1, 0, -0.5, milliseconds(2)},
                                                     {0, 2, 1.0 / 9, microseconds(350)}}));
  // b -> a with one delay per source neuron (a Delay before the Linear).
  net.connect(b, a, Projection::from_synapses(3, 2, {{0, 0, 0.5, milliseconds(3)}, {0, 1, 0.5, milliseconds(3)},
                                                     {2, 1, 0.125, milliseconds(1)}}));
  TempPath file("net.nir");
  write_nir(file.path, net, {.outputs = {"b"}});
  // With ROCKPOOL_NIR_OUT=DIR, a copy for `/usr/bin/python3 tools/make_nir_fixtures.py --check`.
  if (const char* dir = std::getenv("ROCKPOOL_NIR_OUT")) write_nir(std::string(dir) + "/cpp_net.nir", net, {.outputs = {"b"}});
  const NirGraph written = read_nir_graph(file.path);
  CHECK(written == network_to_nir(net, {.outputs = {"b"}}));  // HDF5 layer: exact
  NirNetwork back = read_nir(file.path);
  CHECK(back.inputs == std::vector<std::string>{"in"});
  CHECK(back.outputs == std::map<std::string, std::string>{{"output_b", "b"}});
  REQUIRE(back.network.num_nodes() == 3);
  REQUIRE(back.network.num_projections() == 3);
  for (const char* name : {"a", "b"}) {
    const auto& x = dynamic_cast<const LifExp&>(net.node(net.id(name))).parameters();
    const auto& y = dynamic_cast<const LifExp&>(back.network.node(back.network.id(name))).parameters();
    INFO(name);
    CHECK(y.tau_mem == x.tau_mem);
    CHECK(y.tau_syn == x.tau_syn);
    CHECK(y.threshold == x.threshold);
    CHECK(y.v_rest == x.v_rest);
    CHECK(y.v_reset == x.v_reset);
    CHECK(y.bias == x.bias);
    CHECK(back.network.node(back.network.id(name)).size_out() == net.node(net.id(name)).size_out());
  }
  CHECK(back.network.node(back.network.id("in")).size_out() == 3);
  // Same synapses (pre, post, weight, delay in ticks), bit for bit, between the same nodes.
  for (ProjectionId k = 0; k < net.num_projections(); ++k) {
    const auto ends = net.ends(k);
    const std::string pre = net.node(ends.pre).name(), post = net.node(ends.post).name();
    bool found = false;
    for (ProjectionId m = 0; m < back.network.num_projections(); ++m) {
      const auto e = back.network.ends(m);
      if (back.network.node(e.pre).name() != pre || back.network.node(e.post).name() != post) continue;
      found = true;
      CHECK(synapses(back.network.projection(m)) == synapses(net.projection(k)));
    }
    CHECK_MESSAGE(found, pre << " -> " << post);
  }
  // The imported network exports to the same graph (the source type is not part of NIR).
  CHECK(network_to_nir(back.network, {.outputs = {"b"}}) == written);
}

TEST_CASE("NIR export refuses what NIR cannot hold, naming it") {
  Network net;
  const NodeId in = net.add("in", std::make_unique<PoissonSource>(1, 10.0, 1));
  LifExp::Parameters p;
  p.refractory = milliseconds(2);
  const NodeId a = net.add("a", std::make_unique<LifExp>(p, 1));
  net.connect(in, a, Projection::one_to_one(1, 1.0, milliseconds(1)));
  CHECK_THROWS_WITH_AS(network_to_nir(net), doctest::Contains("network node 'a': refractory period"), InvalidArgument);
  Network two_ports;
  LifExp::Parameters p2;
  p2.tau_syn = {0.005, 0.01};
  two_ports.add("b", std::make_unique<LifExp>(p2, 1));
  CHECK_THROWS_WITH_AS(network_to_nir(two_ports), doctest::Contains("2 synaptic ports"), InvalidArgument);
  Network ok;
  ok.add("c", std::make_unique<LifExp>(LifExp::Parameters{}, 1));
  CHECK_THROWS_AS(write_nir("/nonexistent-dir/x.nir", ok), IoError);
}

TEST_CASE("NIR import: unsupported nodes and parameters are refused by name") {
  CHECK_THROWS_WITH_AS(read_nir(kFixtures + "nir_unsupported.nir"),
                       doctest::Contains("NIR node 'conv' of type Conv2d is not supported"), FormatError);
  NirGraph g = small_graph(2);
  node(g, "lif").params["tau_mem"] = vec({0.02, 0.01});
  CHECK(import_error(g).find("NIR node 'lif' (CubaLIF): `tau_mem` differs between neurons (0.02 at index 0, 0.01 at "
                             "index 1)") != std::string::npos);
  g = small_graph(2);
  node(g, "lif").params["r"] = vec({1.0, 2.0, 3.0});
  CHECK(import_error(g).find("disagree on the number of neurons (`r` has 3 values, `tau_mem` has 2)") !=
        std::string::npos);
  g = small_graph(2);
  node(g, "lif").params.erase("tau_syn");
  CHECK(import_error(g).find("has no parameter `tau_syn`") != std::string::npos);
  g = small_graph(2);
  node(g, "lif").params["v_reset"] = vec({2.0, 2.0});  // above threshold
  CHECK(import_error(g).find("NIR node 'lif' (CubaLIF): v_reset") != std::string::npos);
  g = small_graph(2);
  node(g, "lif").params["v_leak"] = vec({NAN, 0.0});
  CHECK(import_error(g).find("`v_leak` is not finite at index 0") != std::string::npos);
  g = small_graph(2);
  g.edges.emplace_back("lif", "nowhere");
  CHECK(import_error(g).find("names a node 'nowhere' the graph lacks") != std::string::npos);
  g = small_graph(2);
  g.edges = {{"input", "fc"}, {"fc", "output"}};
  CHECK(import_error(g).find("a weighted sum of spikes is not a spike train") != std::string::npos);
  g = small_graph(2);
  g.nodes.push_back({"fc2", "Linear", {{"weight", {{2, 2}, {1, 0, 0, 1}, false}}}});
  g.edges = {{"input", "fc"}, {"fc", "fc2"}, {"fc2", "lif"}};
  CHECK(import_error(g).find("follows the weight layer 'fc'") != std::string::npos);
  g = small_graph(3);
  node(g, "fc").params["weight"] = {{2, 3}, std::vector<double>(6, 1.0), false};
  CHECK(import_error(g).find("has 3 neurons but its input from 'input' has 2 channels") != std::string::npos);
  // Inputs that name no Input node, or carry too many channels.
  NirReadOptions o;
  o.inputs["lif"] = TSEvent();
  CHECK_THROWS_AS(nir_to_network(small_graph(2), o), InvalidArgument);
  o.inputs.clear();
  o.inputs["input"] = TSEvent({Time::zero()}, {4});
  CHECK_THROWS_AS(nir_to_network(small_graph(2), o), DimensionMismatch);
}

TEST_CASE("NIR import: Scale and Identity fold into the weights, an unweighted chain is one-to-one") {
  NirGraph g = small_graph(2);
  g.nodes.push_back({"scale", "Scale", {{"scale", vec({2.0, -1.0})}}});
  g.nodes.push_back({"id", "Identity", {}});
  // input -> scale -> fc -> id -> lif: the scale applies per input channel.
  g.edges = {{"input", "scale"}, {"scale", "fc"}, {"fc", "id"}, {"id", "lif"}};
  NirNetwork m = nir_to_network(g);
  REQUIRE(m.network.num_projections() == 1);
  // CubaLIF r = 1, w_in = 1, tau_syn = 0.005: the factor is 1 / 0.005 = 200.
  const double f = 1.0 / 0.005;
  CHECK(synapses(m.network.projection(0)) ==
        std::multiset<SynapseTuple>{{0, 0, 2.0 * f, 0}, {1, 1, -1.0 * f, 0}});
  // No weight layer at all: input -> lif directly is one-to-one with weight 1.
  g = small_graph(2);
  g.edges = {{"input", "lif"}};
  m = nir_to_network(g);
  CHECK(synapses(m.network.projection(0)) == std::multiset<SynapseTuple>{{0, 0, f, 0}, {1, 1, f, 0}});
}

TEST_CASE("NIR: broken and foreign files give named errors, not crashes") {
  CHECK_THROWS_WITH_AS(read_nir(kFixtures + "nir_broken.nir"), doctest::Contains("HDF5 cannot open it"), FormatError);
  CHECK_THROWS_WITH_AS(read_nir(kFixtures + "tsevent.npz"), doctest::Contains("not an HDF5 file"), FormatError);
  CHECK_THROWS_AS(read_nir(kFixtures + "no_such_file.nir"), IoError);
  CHECK(is_hdf5_file(kFixtures + "nir_cuba_lif.nir"));
  CHECK(!is_hdf5_file(kFixtures + "tsevent.npz"));
  // An HDF5 file that is not NIR: write one with our own writer, then damage the layout.
  TempPath file("not_nir.nir");
  NirGraph g = small_graph(1);
  node(g, "lif").type = "NIRGraph";  // a nested subgraph (as a node type)
  write_nir_graph(file.path, g);
  CHECK_THROWS_WITH_AS(read_nir_graph(file.path), doctest::Contains("is a subgraph (NIRGraph)"), FormatError);
}

TEST_CASE("NIR import: a recurrent loop needs a Delay; without one the network's own check refuses it") {
  NirGraph g = small_graph(2);
  g.nodes.push_back({"rec", "Linear", {{"weight", {{2, 2}, {0, 0.5, 0.5, 0}, false}}}});
  g.edges.emplace_back("lif", "rec");
  g.edges.emplace_back("rec", "lif");
  CHECK(import_error(g).find("cannot run as given") != std::string::npos);
  g.nodes.push_back({"wait", "Delay", {{"delay", vec({0.001})}}});
  g.edges.back() = {"rec", "wait"};
  g.edges.emplace_back("wait", "lif");
  NirNetwork m = nir_to_network(g);
  REQUIRE(m.network.num_projections() == 2);
  // lif -> rec -> wait -> lif: neuron 0 -> 1 and 1 -> 0, weight 0.5 * 200, delay 1 ms.
  const std::int64_t ms = milliseconds(1).ticks();
  bool found = false;
  for (ProjectionId p = 0; p < 2; ++p) {
    if (m.network.node(m.network.ends(p).pre).name() != "lif") continue;
    found = true;
    CHECK(synapses(m.network.projection(p)) == std::multiset<SynapseTuple>{{0, 1, 100.0, ms}, {1, 0, 100.0, ms}});
  }
  CHECK(found);
}

TEST_CASE("NIR: an Input whose shape is only in its input_type dict still has a size") {
  // What a newer nir may write: no `shape` dataset, the shape in the input_type group
  // (tools/make_nir_fixtures.py: input (3) -> fc -> lif (3) -> output).
  const NirGraph g = read_nir_graph(kFixtures + "nir_shape_in_type.nir");
  CHECK(g.find("input")->params.at("shape").values == std::vector<double>{3});
  CHECK(g.find("output")->params.at("shape").values == std::vector<double>{3});
  NirNetwork m = nir_to_network(g);
  CHECK(m.network.node(m.network.id("input")).size_out() == 3);
  CHECK(m.outputs.at("output") == "lif");
}
