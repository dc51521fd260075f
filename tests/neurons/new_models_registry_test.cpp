// The models added to the registry (neurons/model_registry.cpp) and their checkpoints:
// each is built by name from a small config and runs exactly as the same network built in
// code (every spike, every state variable, bit for bit); and each runs to t1, is saved,
// restored into a freshly built network and run on to t2 exactly as a straight run to t2.
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "engine/checkpoint.hpp"
#include "engine/simulation.hpp"
#include "engine/sources.hpp"
#include "io/network_config.hpp"
#include "neurons/aeif_psc_exp.hpp"
#include "neurons/cliaf.hpp"
#include "neurons/diaf.hpp"
#include "neurons/event_pass.hpp"
#include "neurons/exp_syn.hpp"
#include "neurons/filter_bank.hpp"
#include "neurons/model_registry.hpp"
#include "neurons/rec_fs_spike.hpp"
#include "neurons/state_readout.hpp"
#include "neurons/updown.hpp"
#include "neurons/lif_exp.hpp"
#include "neurons/lif_exp_clocked.hpp"
#include "tests/api/network_fixtures.hpp"
#include "tests/neurons/model_test_support.hpp"

using namespace rockpool;
using rockpool::test::same_bits;

namespace {

struct Spike {
  NodeId node;
  NeuronIndex i;
  Time t;
  bool operator==(const Spike&) const = default;
};

struct Observed {
  std::vector<Spike> spikes;
  std::vector<double> samples;  // every node's first state variable, every 0.7 ms
  std::vector<double> end;      // every state variable of every node at the end
};

// The units a node's state is read for: FFUpDown's analog_value is per input channel.
std::size_t state_units(const Node& node) {
  if (const auto* updown = dynamic_cast<const FFUpDown*>(&node)) return updown->size_in();
  return node.size_out();
}

struct Recording {
  std::vector<StateRecorder*> recorders;
};

Recording observe(Simulation& sim, Observed& o) {
  sim.on_spike([&o](NodeId node, NeuronIndex i, Time t) { o.spikes.push_back({node, i, t}); });
  Recording r;
  for (NodeId id = 0; id < sim.network().num_nodes(); ++id) {
    const Node& node = sim.network().node(id);
    if (node.state_names().empty()) continue;
    std::vector<NeuronIndex> units;
    for (NeuronIndex i = 0; i < state_units(node); ++i) units.push_back(i);
    r.recorders.push_back(&sim.record_state(id, node.state_names()[0], units, microseconds(700)));
  }
  return r;
}

void finish(Simulation& sim, const Recording& r, Observed& o, Time t) {
  for (const StateRecorder* rec : r.recorders) o.samples.insert(o.samples.end(), rec->samples().begin(), rec->samples().end());
  for (NodeId id = 0; id < sim.network().num_nodes(); ++id) {
    const Node& node = sim.network().node(id);
    for (std::size_t v = 0; v < node.state_names().size(); ++v) {
      for (NeuronIndex i = 0; i < state_units(node); ++i) o.end.push_back(node.state(v, i, t));
    }
  }
}

Observed run(Network net, Time until) {
  Simulation sim(std::move(net));
  Observed o;
  const Recording r = observe(sim, o);
  sim.run_until(until);
  finish(sim, r, o, until);
  return o;
}

// Run to t1, checkpoint, restore into a fresh make(), run on to t2.
Observed split_run(const std::function<Network()>& make, Time t1, Time t2) {
  Observed o;
  std::vector<std::byte> bytes;
  {
    Simulation first(make());
    const Recording r = observe(first, o);
    first.run_until(t1);
    StateWriter out;
    first.save_state(out);
    bytes.assign(out.bytes().begin(), out.bytes().end());
    for (const StateRecorder* rec : r.recorders) o.samples.insert(o.samples.end(), rec->samples().begin(), rec->samples().end());
  }
  Simulation second(make());
  Observed rest;
  const Recording r = observe(second, rest);
  StateReader in(bytes, "<test>");
  second.restore_state(in);
  CHECK(in.at_end());
  second.run_until(t2);
  finish(second, r, rest, t2);
  o.spikes.insert(o.spikes.end(), rest.spikes.begin(), rest.spikes.end());
  // Per recorder, the first run's samples then the second's: regroup the straight run's way.
  Observed merged;
  merged.spikes = std::move(o.spikes);
  merged.end = std::move(rest.end);
  merged.samples = std::move(o.samples);
  merged.samples.insert(merged.samples.end(), rest.samples.begin(), rest.samples.end());
  return merged;
}

// The straight run's samples regrouped as split_run returns them: per recorder up to t1,
// then per recorder after t1 (sample k of a recorder is at k * 0.7 ms).
std::vector<double> regroup(const std::function<Network()>& make, Time t1, Time t2) {
  Simulation sim(make());
  Observed o;
  const Recording r = observe(sim, o);
  sim.run_until(t2);
  std::vector<double> before, after;
  for (const StateRecorder* rec : r.recorders) {
    const std::size_t units = rec->samples().size() / std::max<std::size_t>(1, rec->times().size());
    for (std::size_t k = 0; k < rec->times().size(); ++k) {
      auto& into = rec->times()[k] < t1 ? before : after;
      into.insert(into.end(), rec->samples().begin() + k * units, rec->samples().begin() + (k + 1) * units);
    }
  }
  before.insert(before.end(), after.begin(), after.end());
  return before;
}

void check_same(const Observed& a, const Observed& b) {
  CHECK(a.spikes.size() == b.spikes.size());
  CHECK(a.spikes == b.spikes);
  CHECK(same_bits(a.samples, b.samples));
  CHECK(same_bits(a.end, b.end));
}

Network from_config(const std::string& text) { return NetworkConfig::parse(text, "test.pbtxt").build().network; }

// Built by name == built in code; and the checkpoint round trip, on the code-built network.
// min_spikes: of the nodes after the input (node 0); a model without state (PassThroughEvents)
// and with the input's state only records nothing, any other records samples.
void check_model(const std::string& config, const std::function<Network()>& make, Time t1, Time t2,
                 std::size_t min_spikes) {
  const Observed by_name = run(from_config(config), t2);
  const Observed in_code = run(make(), t2);
  const auto own = std::count_if(in_code.spikes.begin(), in_code.spikes.end(), [](const Spike& s) { return s.node != 0; });
  CHECK(static_cast<std::size_t>(own) >= min_spikes);
  MESSAGE(own << " spikes after the input, " << in_code.samples.size() << " samples");
  check_same(by_name, in_code);

  const Observed split = split_run(make, t1, t2);
  CHECK(split.spikes == in_code.spikes);
  CHECK(same_bits(split.end, in_code.end));
  CHECK(same_bits(split.samples, regroup(make, t1, t2)));
}

std::vector<double> ramp(std::size_t n, double scale, double offset) {
  std::vector<double> w;
  for (std::size_t k = 0; k < n; ++k) w.push_back(offset + scale * static_cast<double>((k * 7) % 11));
  return w;
}

using test::list;

const Time kT1 = Time::zero() + milliseconds(37) + microseconds(310);
const Time kT2 = Time::zero() + milliseconds(90);

}  // namespace

TEST_CASE("AeifPscExp by name (aeif) and through a checkpoint") {
  const std::string config = R"(
input { name: "in" size: 20 poisson { rate: 150 seed: 11 } }
node { name: "aeif" model: "aeif" size: 10 param { name: "a" value: 2e-9 } param { name: "t_ref" text: "2ms" } }
projection { from: "in" to: "aeif" random { p: 0.5 seed: 5 } weight: 3e-9 delay: "1ms" }
projection { from: "aeif" to: "aeif" random { p: 0.3 seed: 6 } weight: -1e-9 delay: "0.5ms" }
)";
  auto make = [] {
    Network net;
    const NodeId in = net.add("in", std::make_unique<PoissonSource>(std::vector<double>(20, 150.0), 11));
    AeifPscExp::Parameters p;
    p.a = 2e-9;
    p.t_ref = milliseconds(2);
    const NodeId aeif = net.add("aeif", std::make_unique<AeifPscExp>(p, 10));
    net.connect(in, aeif, Projection::random(20, 10, 0.5, 3e-9, milliseconds(1), 5));
    net.connect(aeif, aeif, Projection::random(10, 10, 0.3, -1e-9, microseconds(500), 6));
    return net;
  };
  check_model(config, make, kT1, kT2, 20);
}

TEST_CASE("RecCLIAF and FFCLIAF by name and through a checkpoint") {
  const std::vector<double> w_in = ramp(20 * 5, 0.5, -1.0), w_rec = ramp(25, -0.5, 1.0);
  const std::string config = R"(
input { name: "in" size: 20 poisson { rate: 200 seed: 3 } }
node { name: "rec" model: "RecCLIAF" size: 5 size_in: 20
  param { name: "weights_in" value: )" + list(w_in) + R"( }
  param { name: "weights_rec" value: )" + list(w_rec) + R"( }
  param { name: "bias" value: -0.5 } param { name: "v_thresh" value: 4 } param { name: "v_subtract" value: 4 }
  param { name: "refractory" value: 0.002 } param { name: "dt" text: "1ms" } param { name: "delay" text: "3ms" }
  param { name: "tTauBias" text: "2ms" } param { name: "state_type" text: "int16" }
  param { name: "noise_std" value: 0.5 } param { name: "seed" value: 9 } }
node { name: "ff" model: "FFCLIAF" size: 5 size_in: 20 param { name: "weights_in" value: )" + list(w_in) + R"( }
  param { name: "v_subtract" text: "none" } param { name: "v_thresh" value: 3 } param { name: "dt" text: "0.5ms" } }
projection { from: "in" to: "rec" one_to_one {} weight: 1 }
projection { from: "in" to: "ff" one_to_one {} weight: 1 }
)";
  auto make = [&] {
    Network net;
    const NodeId in = net.add("in", std::make_unique<PoissonSource>(std::vector<double>(20, 200.0), 3));
    CLIAF::Parameters p;
    p.bias = {-0.5};
    p.v_thresh = {4};
    p.v_subtract = std::vector<double>{4};
    p.refractory = {0.002};
    p.dt = milliseconds(1);
    p.delay = milliseconds(3);
    p.tTauBias = milliseconds(2);
    p.state_type = StateType::kInt16;
    p.noise_std = 0.5;
    p.seed = 9;
    const NodeId rec = net.add("rec", std::make_unique<CLIAF>(WeightMatrix(20, 5, w_in), WeightMatrix(5, 5, w_rec), p));
    CLIAF::Parameters q;
    q.v_subtract = std::nullopt;
    q.v_thresh = {3};
    q.dt = microseconds(500);
    const NodeId ff = net.add("ff", std::make_unique<CLIAF>(WeightMatrix(20, 5, w_in), std::nullopt, q));
    net.connect(in, rec, Projection::one_to_one(20, 1.0, Duration::zero()));
    net.connect(in, ff, Projection::one_to_one(20, 1.0, Duration::zero()));
    return net;
  };
  check_model(config, make, kT1, kT2, 100);
}

TEST_CASE("SoftMax by name and through a checkpoint") {
  const std::vector<double> w = ramp(8 * 3, 0.1, -0.4);
  const std::string config = R"(
input { name: "in" size: 8 poisson { rate: 300 seed: 4 } }
node { name: "sm" model: "SoftMaxLayer" size: 3 size_in: 8 param { name: "weights" value: )" + list(w) + R"( }
  param { name: "dt" text: "1ms" } param { name: "noise_std" value: 0.2 } param { name: "seed" value: 5 } }
projection { from: "in" to: "sm" one_to_one {} weight: 1 }
)";
  auto make = [&] {
    Network net;
    const NodeId in = net.add("in", std::make_unique<PoissonSource>(std::vector<double>(8, 300.0), 4));
    const NodeId sm = net.add("sm", std::make_unique<SoftMax>(WeightMatrix(8, 3, w),
                                                              SoftMax::Parameters{.dt = milliseconds(1), .noise_std = 0.2, .seed = 5}));
    net.connect(in, sm, Projection::one_to_one(8, 1.0, Duration::zero()));
    return net;
  };
  check_model(config, make, kT1, kT2, 0);  // continuous output
}

TEST_CASE("RecDIAF by name (weights as projections) and through a checkpoint") {
  const std::vector<double> w_in = ramp(10 * 6, 3.0, 2.0), w_rec = ramp(36, -2.0, 5.0);
  const std::string config = R"(
input { name: "in" size: 10 poisson { rate: 250 seed: 8 } }
node { name: "diaf" model: "DIAF" size: 6 size_in: 10
  param { name: "tau_leak" text: "0.7ms" } param { name: "refractory" value: 0.0015 } param { name: "v_thresh" value: 40 }
  param { name: "v_rest" value: 2 } param { name: "leak" value: 3 } param { name: "v_subtract" value: 30 }
  param { name: "state_type" text: "int8" } }
projection { from: "in" to: "diaf" dense { weights: )" + list(w_in) + R"( } }
projection { from: "diaf" to: "diaf" dense { weights: )" + list(w_rec) + R"( } delay: "10us" }
)";
  auto make = [&] {
    Network net;
    const NodeId in = net.add("in", std::make_unique<PoissonSource>(std::vector<double>(10, 250.0), 8));
    RecDIAF::Parameters p;
    p.delay = microseconds(10);
    p.tau_leak = microseconds(700);
    p.refractory = {0.0015};
    p.v_thresh = {40};
    p.v_rest = std::vector<double>{2};
    p.leak = {3};
    p.v_subtract = std::vector<double>{30};
    RecDIAF::add_to(net, "diaf", std::make_unique<RecDIAF>(WeightMatrix(10, 6, w_in), WeightMatrix(6, 6, w_rec), p), in);
    return net;
  };
  check_model(config, make, kT1, kT2, 150);
}

TEST_CASE("FFUpDown by name and through a checkpoint") {
  const std::string config = R"(
input { name: "in" size: 4 poisson { rate: 200 seed: 2 } }
node { name: "syn" model: "ExpSyn" size: 4 param { name: "tau" value: 0.01 } param { name: "dt" text: "1ms" } }
node { name: "ud" model: "UpDown" size: 4
  param { name: "thr_up" value: 0.05 } param { name: "thr_down" value: [0.05, 0.1, 0.05, 0.1] }
  param { name: "tau_decay" value: 0.02 } param { name: "multi_channels" value: 3 } param { name: "repeat_output" value: 2 }
  param { name: "noise_std" value: 0.01 } param { name: "seed" value: 7 } }
projection { from: "in" to: "syn" one_to_one {} weight: 1 }
projection { from: "syn" to: "ud" one_to_one {} weight: 1 }
)";
  auto make = [] {
    Network net;
    const NodeId in = net.add("in", std::make_unique<PoissonSource>(std::vector<double>(4, 200.0), 2));
    const NodeId syn = net.add("syn", std::make_unique<ExpSynClocked>(
                                          4, ExpSynClocked::Parameters{.tau = {0.01}, .dt = milliseconds(1)}));
    FFUpDown::Parameters p;
    p.thr_up = {0.05};
    p.thr_down = {0.05, 0.1, 0.05, 0.1};
    p.tau_decay = {0.02};
    p.multi_channels = 3;
    p.repeat_output = 2;
    p.noise_std = 0.01;
    p.seed = 7;
    const NodeId ud = net.add("ud", std::make_unique<FFUpDown>(4, p));
    net.connect(in, syn, Projection::one_to_one(4, 1.0, Duration::zero()));
    net.connect(syn, ud, Projection::one_to_one(4, 1.0, Duration::zero()));
    return net;
  };
  // At this t1 the running spike count (it picks the sub-channel of 3) is not a multiple of
  // 3, so a checkpoint that lost it would route later spikes elsewhere.
  check_model(config, make, Time::zero() + milliseconds(41) + microseconds(500), kT2, 200);
}

TEST_CASE("PassThroughEvents by name and through a checkpoint") {
  const std::vector<double> w = {1, 0, 2, 0, 1, 0, 3, 1, 0, 0, 0, 1};
  const std::string config = R"(
input { name: "in" size: 4 poisson { rate: 100 seed: 6 } }
node { name: "route" model: "PassThroughEvents" size: 3 size_in: 4 param { name: "weights" value: )" + list(w) + R"( } }
projection { from: "in" to: "route" dense { weights: )" + list(w) + R"( } }
)";
  auto make = [&] {
    Network net;
    const NodeId in = net.add("in", std::make_unique<PoissonSource>(std::vector<double>(4, 100.0), 6));
    auto pass = std::make_unique<PassThroughEvents>(WeightMatrix(4, 3, w));
    Projection p = pass->input_projection();
    const NodeId route = net.add("route", std::move(pass));
    net.connect(in, route, std::move(p));
    return net;
  };
  check_model(config, make, kT1, kT2, 50);  // about 2.25 copies of 36 input events
}

TEST_CASE("RecFSSpikeEulerBT by name and through a checkpoint") {
  const std::vector<double> fast = ramp(16, -0.002, 0.001), slow = ramp(16, 0.001, -0.004);
  const std::string config = R"(
input { name: "in" size: 4 poisson { rate: 300 seed: 12 } }
node { name: "syn" model: "ExpSyn" size: 4 param { name: "tau" value: 0.005 } param { name: "dt" text: "0.1ms" } }
node { name: "fs" model: "RecFSSpikeEulerBT" size: 4
  param { name: "weights_fast" value: )" + list(fast) + R"( } param { name: "weights_slow" value: )" + list(slow) + R"( }
  param { name: "bias" value: 0.012 } param { name: "noise_std" value: 0.001 } param { name: "refractory" value: 0.001 }
  param { name: "dt" text: "0.1ms" } param { name: "seed" value: 3 } }
projection { from: "in" to: "syn" one_to_one {} weight: 0.01 }
projection { from: "syn" to: "fs" one_to_one {} weight: 1 }
)";
  auto make = [&] {
    Network net;
    const NodeId in = net.add("in", std::make_unique<PoissonSource>(std::vector<double>(4, 300.0), 12));
    const NodeId syn = net.add("syn", std::make_unique<ExpSynClocked>(
                                          4, ExpSynClocked::Parameters{.tau = {0.005}, .dt = microseconds(100)}));
    RecFSSpikeEulerBT::Parameters p;
    p.weights_fast = WeightMatrix(4, 4, fast);
    p.weights_slow = WeightMatrix(4, 4, slow);
    p.bias = {0.012};
    p.noise_std = 0.001;
    p.refractory = 0.001;
    p.dt = microseconds(100);
    p.seed = 3;
    const NodeId fs = net.add("fs", std::make_unique<RecFSSpikeEulerBT>(std::move(p)));
    net.connect(in, syn, Projection::one_to_one(4, 0.01, Duration::zero()));
    net.connect(syn, fs, Projection::one_to_one(4, 1.0, Duration::zero()));
    return net;
  };
  check_model(config, make, kT1, kT2, 20);
  // Some of those spikes are the reservoir's own.
  const Observed o = run(make(), kT2);
  CHECK(std::count_if(o.spikes.begin(), o.spikes.end(), [](const Spike& s) { return s.node == 2; }) > 10);
}

TEST_CASE("ButterFilter and ButterMelFilter by name and through a checkpoint") {
  const std::string config = R"(
input { name: "in" size: 1 poisson { rate: 400 seed: 1 } }
node { name: "syn" model: "ExpSyn" size: 1 param { name: "tau" value: 0.002 } param { name: "dt" value: 6.25e-5 } }
node { name: "bank" model: "ButterFilter" size: 2 param { name: "frequency" value: [500, 1500] }
  param { name: "bandwidth" value: 200 } param { name: "fs" value: 16000 } param { name: "order" value: 3 } }
node { name: "mel" model: "ButterMel" size: 4 param { name: "fs" value: 16000 } param { name: "cutoff_fs" value: 200 } }
projection { from: "in" to: "syn" one_to_one {} weight: 1 }
projection { from: "syn" to: "bank" one_to_one {} weight: 1 }
projection { from: "syn" to: "mel" one_to_one {} weight: 1 }
)";
  auto make = [] {
    Network net;
    const NodeId in = net.add("in", std::make_unique<PoissonSource>(std::vector<double>(1, 400.0), 1));
    const NodeId syn = net.add("syn", std::make_unique<ExpSynClocked>(
                                          1, ExpSynClocked::Parameters{.tau = {0.002}, .dt = Duration::from_seconds(6.25e-5)}));
    ButterFilterBank::Parameters p;
    const std::vector<double> f = {500, 1500}, bw = {200};
    p.bands = ButterFilterBank::butter_bands(f, bw);
    p.order = 3;
    p.dt = Duration::from_seconds(1.0 / 16000);
    const NodeId bank = net.add("bank", std::make_unique<ButterFilterBank>(p));
    ButterFilterBank::Parameters m;
    m.bands = ButterFilterBank::mel_bands(16000, 4, 200);
    m.cutoff_fs = 200;
    m.dt = Duration::from_seconds(1.0 / 16000);
    const NodeId mel = net.add("mel", std::make_unique<ButterFilterBank>(m));
    net.connect(in, syn, Projection::one_to_one(1, 1.0, Duration::zero()));
    net.connect(syn, bank, Projection::one_to_one(1, 1.0, Duration::zero()));
    net.connect(syn, mel, Projection::one_to_one(1, 1.0, Duration::zero()));
    return net;
  };
  check_model(config, make, kT1, kT2, 0);  // continuous output
}

TEST_CASE("the new models refuse what they do not take, by name") {
  const ModelRegistry models = builtin_models();
  const ModelParams none;
  CHECK_THROWS_AS(models.build("RecFSSpikeEulerBT", {"fs", 3, 0, none, 0}), InvalidArgument);  // no weights
  CHECK_THROWS_AS(models.build("ButterFilter", {"b", 2, 0, none, 0}), InvalidArgument);        // no frequency
  const ModelParams bad_type({{"state_type", {}, "int12"}});
  CHECK_THROWS_AS(models.build("CLIAF", {"c", 2, 0, bad_type, 0}), InvalidArgument);
  const ModelParams misspelt({{"tau_m", {0.01}, ""}});
  CHECK_THROWS_AS(models.build("aeif_psc_exp", {"a", 2, 0, misspelt, 0}), InvalidArgument);
  const ModelParams three_bands({{"frequency", {500, 1000, 1500}, ""}, {"bandwidth", {100}, ""}});
  CHECK_THROWS_AS(models.build("ButterFilter", {"b", 2, 0, three_bands, 0}), DimensionMismatch);
  CHECK(models.build("ButterMel", {"m", 5, 0, none, 0}).node->size_out() == 5);
  CHECK(models.build("UpDown", {"u", 3, 0, none, 0}).node->size_out() == 6);  // up and down per input
}

TEST_CASE("LIFExact with a current input and its StateReadout by name and through a checkpoint") {
  // Rockpool's pipeline of a spiking input through exponential synapses into a current-input
  // LIF with a weighted surrogate output: Poisson -> ExpSyn (clocked) -> LIFExact current
  // input (sampled every 0.5 ms) -> StateReadout.
  const std::vector<double> w_in = ramp(10 * 4, 0.2, 0.1), w_out = ramp(4 * 2, 0.5, -1.0);
  const std::string config = R"(
input { name: "in" size: 10 poisson { rate: 300 seed: 4 } }
node { name: "syn" model: "ExpSyn" size: 10 param { name: "tau" value: 0.005 } param { name: "dt" text: "1ms" } }
node { name: "lif" model: "LIFExact" size: 4 param { name: "dt" text: "0.5ms" } param { name: "tau_mem" value: 0.01 }
  param { name: "refractory" text: "1ms" } }
node { name: "out" model: "StateReadout" size: 2 param { name: "source" text: "lif" }
  param { name: "w_out" value: )" + list(w_out) + R"( } param { name: "dt" text: "0.25ms" } }
projection { from: "in" to: "syn" one_to_one {} weight: 1 }
projection { from: "syn" to: "lif" dense { weights: )" + list(w_in) + R"( } }
projection { from: "lif" to: "lif" dense {} weight: -0.2 delay: "0.3ms" port: 0 }
)";
  auto make = [&] {
    Network net;
    const NodeId in = net.add("in", std::make_unique<PoissonSource>(std::vector<double>(10, 300.0), 4));
    ExpSynClocked::Parameters sp;
    sp.tau = {0.005};
    std::vector<double> identity(100, 0.0);
    for (std::size_t i = 0; i < 10; ++i) identity[i * 10 + i] = 1.0;
    const NodeId syn = net.add("syn", std::make_unique<ExpSynClocked>(WeightMatrix(10, 10, identity), sp));
    LifExp::Parameters lp;
    lp.tau_mem = 0.01;
    lp.refractory = milliseconds(1);
    auto lif = std::make_unique<LifExp>(lp, 4);
    lif->set_current_dt(microseconds(500));
    auto out = StateReadout::surrogate(*lif, WeightMatrix(4, 2, w_out), microseconds(250));
    const NodeId l = net.add("lif", std::move(lif));
    net.add("out", std::move(out));
    net.connect(in, syn, Projection::one_to_one(10, 1.0, Duration::zero()));
    net.connect(syn, l, Projection::dense(10, 4, w_in, Duration::zero()));
    net.connect(l, l, Projection::dense(4, 4, std::vector<double>(16, -0.2), microseconds(300)));
    return net;
  };
  check_model(config, make, kT1, kT2, 20);
}

TEST_CASE("LIFClocked with state noise by name and through a checkpoint") {
  const std::string config = R"(
input { name: "in" size: 10 poisson { rate: 200 seed: 8 } }
node { name: "lif" model: "LIFClocked" size: 6 param { name: "dt" text: "0.5ms" } param { name: "tau_syn" value: 0.005 }
  param { name: "noise_std" value: 0.4 } param { name: "seed" value: 12 } }
projection { from: "in" to: "lif" random { p: 0.5 seed: 2 } weight: 0.6 }
)";
  auto make = [] {
    Network net;
    const NodeId in = net.add("in", std::make_unique<PoissonSource>(std::vector<double>(10, 200.0), 8));
    LifExp::Parameters p;
    p.tau_syn = {0.005};
    auto lif = std::make_unique<LifExpClocked>(p, 6, microseconds(500));
    lif->set_noise(0.4, 12);
    const NodeId l = net.add("lif", std::move(lif));
    net.connect(in, l, Projection::random(10, 6, 0.5, 0.6, Duration::zero(), 2));
    return net;
  };
  check_model(config, make, kT1, kT2, 10);
}
