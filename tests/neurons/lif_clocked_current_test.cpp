// LifExpClocked with a current input (Rockpool's "current input" LIF layers, clocked):
// continuous projections onto the neurons, sampled at each bin start and held over the step,
// beside the spiking input of the synaptic ports. Both discretisations, the engine's
// connection rules, the registry and checkpoints.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "engine/checkpoint.hpp"
#include "engine/simulation.hpp"
#include "engine/sources.hpp"
#include "io/network_config.hpp"
#include "neurons/exp_syn.hpp"
#include "neurons/lif_exp.hpp"
#include "neurons/lif_exp_clocked.hpp"
#include "neurons/rate.hpp"
#include "tests/api/network_fixtures.hpp"
#include "tests/neurons/model_test_support.hpp"

using namespace rockpool;
using rockpool::test::same_bits;

namespace {

constexpr double kTauMem = test::kCurrentTestTauMem;
using test::dense;
using test::held;
LifExp::Parameters lif_parameters(Duration refractory = Duration::zero()) { return test::current_test_lif(refractory); }

std::vector<Time> times_of(const SpikeRecorder& r) { return {r.times().begin(), r.times().end()}; }

}  // namespace

TEST_CASE("clocked LIF, constant current input: the analytic period on the step grid, as the same bias") {
  // tm V' = -V + I, V(0) = 0, I = 1.3, dt = 0.1 ms. The exact propagator gives, at step n,
  // V_n = I (1 - e^{-n dt/tm}) exactly; V_n >= 1 first at n = ceil(tm ln(I / (I - 1)) / dt)
  // = ceil(29.3267 ms / 0.1 ms) = 294 (margins: V_293 = 1 - 4e-4, V_294 = 1 + 1.1e-3). After a
  // spike V is held at 0 for ceil(0.25 ms / dt) = 3 steps, then climbs the same way: spikes
  // at 29.4 ms + k 29.7 ms.
  const auto run = [](bool as_current, std::vector<double>& v) {
    LifExp::Parameters p = lif_parameters(microseconds(250));
    if (!as_current) p.bias = 1.3;
    Network net;
    const NodeId l = net.add("lif", std::make_unique<LifExpClocked>(p, 1, microseconds(100)));
    if (as_current) {
      const NodeId in = net.add("in", std::make_unique<TSContinuousSource>(held({Time::zero()}, {1.0})));
      net.connect(in, l, dense(1, 1, {1.3}, Duration::zero()));  // the weight scales it
    }
    Simulation sim(std::move(net));
    SpikeRecorder& spikes = sim.record_spikes(l);
    StateRecorder& rec = sim.record_state(l, "v_mem", {}, microseconds(100));
    sim.run_until(Time::from_seconds(0.3));
    v.assign(rec.samples().begin(), rec.samples().end());
    return times_of(spikes);
  };
  std::vector<double> v_current, v_bias;
  const auto with_current = run(true, v_current), with_bias = run(false, v_bias);
  REQUIRE(with_current.size() == 10);  // spike 9 at 29.4 + 9 * 29.7 = 296.7 ms
  for (std::size_t k = 0; k < with_current.size(); ++k) {
    CHECK(with_current[k] == Time::zero() + microseconds(29'400) + static_cast<std::int64_t>(k) * microseconds(29'700));
  }
  // v_rest + bias + I is the same double either way (0 + 0 + 1.3 and 0 + 1.3): bit for bit.
  CHECK(with_bias == with_current);
  CHECK(same_bits(v_current, v_bias));
}

TEST_CASE("clocked LIF current input: a weighted step follows the closed form at the step times, with spikes and bias") {
  // Three neurons, two ports (tau_syn 5 and 10 ms), bias 0.2, dt 1 ms, no firing. Current input
  // through w_in (2 channels -> 3 neurons: the projection targets neurons, not the 6 input
  // channels): channel 0 steps 0 -> 1 at 5.25 ms, which the bin starts first see at 6 ms;
  // channel 1 steps 0 -> 2 at 12 ms, seen from 12 ms. One spike of weight 0.8 on port 1 of
  // neuron 2 (channel 1 * 3 + 2) at 3 ms, the start of its bin. The propagator is exact over a
  // step with the current held, so at every tick, by superposition:
  //   V = 0.2 (1 - e^{-t/tm}) + sum_c I_c w_in[c][j] (1 - e^{-(t - t_c)/tm})
  //       + [j == 2] 0.8 ts/(ts - tm) (e^{-s/ts} - e^{-s/tm}),  s = t - 3 ms, ts = 10 ms.
  const std::vector<double> w_in = {0.3, -0.2, 0.1,  //
                                    0.05, 0.1, 0.2};
  LifExp::Parameters p = lif_parameters();
  p.tau_syn = {0.005, 0.01};
  p.bias = 0.2;
  p.threshold = 100.0;
  Network net;
  const NodeId current = net.add(
      "current", std::make_unique<TSContinuousSource>(held(
                     {Time::zero(), Time::from_seconds(0.00525), Time::from_seconds(0.012)}, {0, 0, 1, 0, 1, 2}, 2)));
  const NodeId spikes = net.add(
      "spikes", std::make_unique<TSEventSource>(TSEvent({Time::from_seconds(0.003)}, {0}, {.num_channels = 1})));
  const NodeId l = net.add("lif", std::make_unique<LifExpClocked>(p, 3, milliseconds(1)));
  net.connect(current, l, dense(2, 3, w_in, Duration::zero()));
  net.connect(spikes, l, Projection::from_synapses(1, 6, {{0, 5, 0.8, Duration::zero()}}));
  Simulation sim(std::move(net));
  StateRecorder& v = sim.record_state(l, "v_mem", {}, milliseconds(1));  // sample k after tick k
  sim.run_until(Time::from_seconds(0.05));
  const auto relax = [](double level, double from, double t) {
    return t > from ? level * (1.0 - std::exp(-(t - from) / kTauMem)) : 0.0;
  };
  REQUIRE(v.times().size() == 50);
  for (std::size_t k = 0; k < v.times().size(); ++k) {
    const double t = 1e-3 * static_cast<double>(k);
    for (std::size_t j = 0; j < 3; ++j) {
      CAPTURE(k);
      CAPTURE(j);
      double expected = relax(0.2, 0.0, t) + relax(w_in[j], 0.006, t) + relax(2.0 * w_in[3 + j], 0.012, t);
      if (j == 2 && t > 0.003) {
        const double s = t - 0.003;
        expected += 0.8 * 0.01 / (0.01 - kTauMem) * (std::exp(-s / 0.01) - std::exp(-s / kTauMem));
      }
      CHECK(v.samples()[k * 3 + j] == doctest::Approx(expected).epsilon(1e-12));
    }
  }
}

TEST_CASE("clocked LIF current input from a clocked layer is that layer's output of the same bin") {
  // Rockpool's chained evolution: layer B's input sample k is layer A's output sample k. A
  // PassThrough (dt 1 ms, weight 1) between the source and the LIF gives its output of bin
  // [10, 11) ms at its tick at 11 ms; the LIF ticks after it at 11 ms and takes it as the
  // current of the same bin. So the chain equals the source connected directly, bit for bit.
  const auto run = [](bool through_layer) {
    Network net;
    const NodeId in = net.add("in", std::make_unique<TSContinuousSource>(
                                        held({Time::zero(), Time::from_seconds(0.0104)}, {0.0, 1.2})));
    const NodeId l = net.add("lif", std::make_unique<LifExpClocked>(lif_parameters(), 1, milliseconds(1)));
    if (through_layer) {
      PassThrough::Parameters pp;
      pp.dt = milliseconds(1);
      const NodeId pass = net.add("pass", std::make_unique<PassThrough>(WeightMatrix(1, 1, {1.0}), pp));
      net.connect(in, pass, dense(1, 1, {1.0}, Duration::zero()));
      net.connect(pass, l, dense(1, 1, {1.0}, Duration::zero()));
    } else {
      net.connect(in, l, dense(1, 1, {1.0}, Duration::zero()));
    }
    Simulation sim(std::move(net));
    SpikeRecorder& spikes = sim.record_spikes(l);
    StateRecorder& v = sim.record_state(l, "v_mem", {}, milliseconds(1));
    sim.run_until(Time::from_seconds(0.08));
    return std::make_pair(times_of(spikes), std::vector<double>(v.samples().begin(), v.samples().end()));
  };
  const auto [direct_spikes, direct_v] = run(false);
  const auto [chained_spikes, chained_v] = run(true);
  // The step at 10.4 ms is first seen by the bin starting at 11 ms: V = 1.2 (1 - e^{-(t - 11 ms)/tm});
  // V_n >= 1 first n = ceil(tm ln 6 / 1 ms) = ceil(35.8) = 36 steps later, at 47 ms.
  REQUIRE(!direct_spikes.empty());
  CHECK(direct_spikes[0] == Time::zero() + milliseconds(47));
  CHECK(direct_v[20] == doctest::Approx(1.2 * (1.0 - std::exp(-0.009 / kTauMem))).epsilon(1e-12));
  CHECK(chained_spikes == direct_spikes);
  CHECK(same_bits(chained_v, direct_v));
}

TEST_CASE("the Rockpool discretisation adds the current input beside the bias, by hand over 3 steps") {
  // Rockpool's current-input LIF step: I += x; V *= alpha; I *= beta; V += (I + I_in) + bias;
  // spike = V > theta; V -= spike * theta. tau_mem 20 ms, tau_syn 5 ms, dt 1 ms, bias 0.1,
  // threshold 0.9; spikes x = 1, 0, 0.5; currents I_in = 0.2, -0.3, 0.05. By hand (Python floats):
  //   1: I = beta = 0.81873075307798;  V = 0.81873 + 0.2 + 0.1 = 1.11873 > 0.9: spike, V = 0.21873075307798
  //   2: I = beta^2 = 0.67032004603564; V = 0.21873 alpha + (0.67032 - 0.3) + 0.1 = 0.67838317440662
  //   3: I = (beta^2 + 0.5) beta = 0.95817701263302;
  //      V = 0.67838 alpha + (0.95818 + 0.05) + 0.1 = 1.75347504921479 > 0.9: spike, V = 0.85347504921479
  LifExp::Parameters p;
  p.tau_mem = 20e-3;
  p.tau_syn = {5e-3};
  p.bias = 0.1;
  p.threshold = 0.9;
  LifExpClocked layer(p, 1, milliseconds(1), LifExpClocked::Discretisation::kRockpool);
  const double inputs[] = {1.0, 0.0, 0.5};
  const double currents[] = {0.2, -0.3, 0.05};
  const double expected_v[] = {0.21873075307798195, 0.6783831744066158, 0.8534750492147899};
  const double expected_i[] = {0.8187307530779818, 0.6703200460356392, 0.9581770126330171};
  const double expected_spike[] = {1.0, 0.0, 1.0};
  std::vector<double> out(1);
  for (std::size_t k = 0; k < 3; ++k) {
    CAPTURE(k);
    layer.set_current(std::span<const double>(&currents[k], 1));
    layer.step(std::span<const double>(&inputs[k], 1), out);
    CHECK(out[0] == expected_spike[k]);
    CHECK(layer.state(0, 0, Time::zero()) == doctest::Approx(expected_v[k]).epsilon(1e-14));
    CHECK(layer.state(1, 0, Time::zero()) == doctest::Approx(expected_i[k]).epsilon(1e-14));
  }
  // A current applies to one step: the next step without one is the plain step.
  LifExpClocked once(p, 1, milliseconds(1), LifExpClocked::Discretisation::kRockpool);
  LifExpClocked never(p, 1, milliseconds(1), LifExpClocked::Discretisation::kRockpool);
  const double zero = 0.0, small = 0.05;
  once.set_current(std::span<const double>(&small, 1));
  once.step(std::span<const double>(&zero, 1), out);
  never.step(std::span<const double>(&zero, 1), out);
  CHECK(once.state(0, 0, Time::zero()) == doctest::Approx(0.15).epsilon(1e-15));
  CHECK(never.state(0, 0, Time::zero()) == doctest::Approx(0.1).epsilon(1e-15));
  once.step(std::span<const double>(&zero, 1), out);
  never.step(std::span<const double>(&zero, 1), out);
  CHECK(once.state(0, 0, Time::zero()) - never.state(0, 0, Time::zero()) ==
        doctest::Approx(0.05 * std::exp(-0.05)).epsilon(1e-12));  // only the decayed difference
  // The same 3 steps through the accumulator and the spike list (the simulation's fast paths).
  LifExpClocked listed(p, 1, milliseconds(1), LifExpClocked::Discretisation::kRockpool);
  std::vector<NeuronIndex> spiked;
  for (std::size_t k = 0; k < 3; ++k) {
    listed.input_accumulator()[0] += inputs[k];
    listed.set_current(std::span<const double>(&currents[k], 1));
    spiked.clear();
    listed.step_spikes({}, spiked);
    CHECK(spiked.size() == static_cast<std::size_t>(expected_spike[k]));
  }
  CHECK(listed.state(0, 0, Time::zero()) == layer.state(0, 0, Time::zero()));
}

TEST_CASE("the exact discretisation with a current input: dense and listing steps agree, zero current is no current") {
  // 600 neurons (not a multiple of the 256-neuron blocks of step_spikes), two ports, a
  // different current per neuron and step; the plain step with the current as a per-step
  // bias cannot be formed (bias is one number), so compare the two entry points, and a zero
  // current against no current (v_inf + 0 == v_inf exactly).
  LifExp::Parameters p = lif_parameters(microseconds(300));
  p.tau_syn = {0.005, 0.01};
  const std::size_t n = 600;
  LifExpClocked dense(p, n, microseconds(100)), listing(p, n, microseconds(100));
  LifExpClocked zero(p, n, microseconds(100)), plain(p, n, microseconds(100));
  std::vector<double> out(n), out_zero(n), out_plain(n), current(n), zeros(n, 0.0), in(2 * n, 0.0);
  std::vector<NeuronIndex> spiked;
  bool same_listing = true, same_plain = true;
  std::size_t total = 0;
  for (std::size_t k = 0; k < 400; ++k) {
    for (std::size_t i = 0; i < n; ++i) current[i] = 0.6 + 0.8 * static_cast<double>((i * 37 + k * 11) % 64) / 64.0;
    for (std::size_t c = 0; c < 2 * n; ++c) in[c] = (c * 2654435761u + k * 40503u) % 1009 < 20 ? 0.25 : 0.0;
    dense.set_current(current);
    dense.step(in, out);
    listing.set_current(current);
    spiked.clear();
    listing.step_spikes(in, spiked);
    std::vector<NeuronIndex> expected;
    for (NeuronIndex i = 0; i < n; ++i) {
      if (out[i] != 0.0) expected.push_back(i);
    }
    same_listing = same_listing && spiked == expected;
    total += spiked.size();
    zero.set_current(zeros);
    zero.step(in, out_zero);
    plain.step(in, out_plain);
    same_plain = same_plain && out_zero == out_plain;
  }
  CHECK(same_listing);
  CHECK(total > 600);
  CHECK(same_plain);
  for (std::size_t variable = 0; variable < 3; ++variable) {
    for (NeuronIndex i = 0; i < n; ++i) {
      const double a = dense.state(variable, i, Time::zero()), b = listing.state(variable, i, Time::zero());
      const double c = zero.state(variable, i, Time::zero()), d = plain.state(variable, i, Time::zero());
      REQUIRE(std::memcmp(&a, &b, sizeof a) == 0);
      REQUIRE(std::memcmp(&c, &d, sizeof c) == 0);
    }
  }
}

namespace {

// Spike times (seconds) per neuron of a LIF under a current input (a 2-channel staircase on a
// 1 ms grid, through w_in) and Poisson spikes; dt == zero runs the exact LifExp, whose current
// is sampled every 1 ms. Every dt here divides 1 ms, so both see the very same current.
std::vector<std::vector<double>> current_driven_trains(Duration dt) {
  constexpr std::size_t kNeurons = 40;
  LifExp::Parameters p = lif_parameters(milliseconds(2));
  std::vector<Time> times;
  std::vector<double> values;
  for (int k = 0; k < 300; ++k) {
    times.push_back(Time::zero() + milliseconds(k));
    values.push_back(1.0 + 0.3 * std::sin(0.05 * k));
    values.push_back(0.8 + 0.4 * std::cos(0.07 * k));
  }
  std::vector<double> w_in(2 * kNeurons);
  for (std::size_t j = 0; j < kNeurons; ++j) {
    w_in[j] = 0.5 + 0.4 * static_cast<double>(j) / kNeurons;
    w_in[kNeurons + j] = 0.5 - 0.2 * static_cast<double>(j % 7) / 7.0;
  }
  Network net;
  const NodeId current = net.add("current", std::make_unique<TSContinuousSource>(held(times, values, 2)));
  const NodeId spikes = net.add("spikes", std::make_unique<PoissonSource>(50, 20.0, 8));
  NodeId l;
  if (dt == Duration::zero()) {
    auto lif = std::make_unique<LifExp>(p, kNeurons);
    lif->set_current_dt(milliseconds(1));
    l = net.add("lif", std::move(lif));
  } else {
    l = net.add("lif", std::make_unique<LifExpClocked>(p, kNeurons, dt));
  }
  net.connect(current, l, dense(2, kNeurons, w_in, Duration::zero()));
  net.connect(spikes, l, Projection::random(50, kNeurons, 0.3, 0.25, milliseconds(1), 9));
  Simulation sim(std::move(net));
  SpikeRecorder& s = sim.record_spikes(l);
  sim.run_until(Time::from_seconds(0.3));
  std::vector<std::vector<double>> trains(kNeurons);
  for (std::size_t k = 0; k < s.count(); ++k) trains[s.channels()[k]].push_back(to_seconds(s.times()[k]));
  return trains;
}

}  // namespace

TEST_CASE("clocked LIF with current and spiking input converges to the exact LifExp with the same inputs") {
  // As in lif_convergence_test.cpp: between inputs both solve the same linear ODE exactly (the
  // current is the same held staircase for both), so the clocked model differs only in moving
  // the spikes' inputs to bin starts and its own spikes to bin ends: O(dt) spike times. The
  // first 4 spikes of each neuron, each matched to the nearest clocked spike within 3 ms.
  // The current dominates the drive, so each spike is late by up to a step (r in [0, dt)) and
  // a reset passes that on: spike k is late by about (k + 1) dt / 2, 1.25 dt on average over
  // k = 0..3 (measured 0.93 / 1.18 / 1.17 dt at 1 / 0.1 / 0.01 ms).
  const auto exact = current_driven_trains(Duration::zero());
  std::size_t total = 0;
  for (const auto& train : exact) total += std::min<std::size_t>(4, train.size());
  REQUIRE(total >= 150);  // most of the 40 neurons fire 4 times in 0.3 s
  const std::vector<Duration> steps = {milliseconds(1), microseconds(100), microseconds(10)};
  std::vector<double> errors;
  std::ostringstream report;
  for (Duration dt : steps) {
    const auto clocked = current_driven_trains(dt);
    double sum = 0.0;
    std::size_t matched = 0, compared = 0;
    for (std::size_t i = 0; i < exact.size(); ++i) {
      for (std::size_t k = 0; k < std::min<std::size_t>(4, exact[i].size()); ++k) {
        double best = std::numeric_limits<double>::infinity();
        for (double c : clocked[i]) best = std::min(best, std::abs(c - exact[i][k]));
        ++compared;
        if (best > 3e-3) continue;
        ++matched;
        sum += best;
      }
    }
    errors.push_back(sum / static_cast<double>(matched));
    report << "dt " << to_seconds(dt) * 1e3 << " ms: mean |error| " << errors.back() / to_seconds(dt) << " dt, matched "
           << matched << "/" << compared << "\n";
    CHECK(matched >= compared * (dt == steps[0] ? 85 : 95) / 100);  // 1 ms loses ~10 %
  }
  MESSAGE(report.str());
  // First order: each tenfold smaller dt divides the error by about ten (at least four).
  CHECK(errors[1] < errors[0] / 4);
  CHECK(errors[2] < errors[1] / 4);
  CHECK(errors[2] < 2.0 * 10e-6);  // within two steps at 0.01 ms
}

namespace {

using test::LifObserved;
using test::list;
using test::run_split;
using test::run_straight;

// Port `port` of a `size`-neuron clocked LIF: its block of input channels.
std::vector<Synapse> onto_port(const std::vector<Synapse>& synapses, std::uint32_t port, std::size_t size) {
  std::vector<Synapse> shifted = synapses;
  for (Synapse& s : shifted) s.post += static_cast<NeuronIndex>(port * size);
  return shifted;
}

}  // namespace

TEST_CASE("LIFClocked with a current input by name equals the one built in code, and survives a checkpoint") {
  // Poisson -> ExpSyn (clocked, 1 ms) -> current input of a 2-port LIFClocked (0.5 ms, both
  // discretisations), which also takes the Poisson spikes on port 1 and inhibits itself on
  // port 1. The current projection targets the 4 neurons, not the 8 input channels.
  std::vector<double> w_in(10 * 4), w_spikes(10 * 4);
  for (std::size_t k = 0; k < w_in.size(); ++k) {
    w_in[k] = 0.15 + 0.05 * static_cast<double>((k * 7) % 11);
    w_spikes[k] = 0.1 + 0.02 * static_cast<double>((k * 5) % 13);
  }
  for (const std::string mode : {"exact", "rockpool"}) {
    CAPTURE(mode);
    const std::string config = R"(
input { name: "in" size: 10 poisson { rate: 300 seed: 4 } }
node { name: "syn" model: "ExpSyn" size: 10 param { name: "tau" value: 0.005 } param { name: "dt" text: "1ms" } }
node { name: "lif" model: "LIFClocked" size: 4 param { name: "dt" text: "0.5ms" } param { name: "tau_mem" value: 0.01 }
  param { name: "tau_syn" value: [0.005, 0.01] } param { name: "refractory" text: "1ms" }
  param { name: "discretisation" text: ")" + mode + R"(" } }
projection { from: "in" to: "syn" one_to_one {} weight: 1 }
projection { from: "syn" to: "lif" dense { weights: )" + list(w_in) + R"( } }
projection { from: "in" to: "lif" dense { weights: )" + list(w_spikes) + R"( } port: 1 }
projection { from: "lif" to: "lif" dense {} weight: -0.2 delay: "0.5ms" port: 1 }
)";
    const auto make = [&] {
      Network net;
      const NodeId in = net.add("in", std::make_unique<PoissonSource>(std::vector<double>(10, 300.0), 4));
      ExpSynClocked::Parameters sp;
      sp.tau = {0.005};
      std::vector<double> identity(100, 0.0);
      for (std::size_t i = 0; i < 10; ++i) identity[i * 10 + i] = 1.0;
      const NodeId syn = net.add("syn", std::make_unique<ExpSynClocked>(WeightMatrix(10, 10, identity), sp));
      LifExp::Parameters lp;
      lp.tau_mem = 0.01;
      lp.tau_syn = {0.005, 0.01};
      lp.refractory = milliseconds(1);
      const NodeId l = net.add(
          "lif", std::make_unique<LifExpClocked>(lp, 4, microseconds(500),
                                                 mode == "exact" ? LifExpClocked::Discretisation::kExact
                                                                 : LifExpClocked::Discretisation::kRockpool));
      net.connect(in, syn, Projection::one_to_one(10, 1.0, Duration::zero()));
      net.connect(syn, l, dense(10, 4, w_in, Duration::zero()));
      std::vector<Synapse> spiking, recurrent;
      for (NeuronIndex i = 0; i < 10; ++i) {
        for (NeuronIndex j = 0; j < 4; ++j) spiking.push_back({i, j, w_spikes[i * 4 + j], Duration::zero()});
      }
      for (NeuronIndex i = 0; i < 4; ++i) {
        for (NeuronIndex j = 0; j < 4; ++j) recurrent.push_back({i, j, -0.2, microseconds(500)});
      }
      net.connect(in, l, Projection::from_synapses(10, 8, onto_port(spiking, 1, 4)));
      net.connect(l, l, Projection::from_synapses(4, 8, onto_port(recurrent, 1, 4)));
      return net;
    };
    const Time t1 = Time::zero() + milliseconds(37) + microseconds(310), t2 = Time::zero() + milliseconds(90);
    const LifObserved by_name = run_straight(NetworkConfig::parse(config, "test.pbtxt").build().network, t2);
    const LifObserved in_code = run_straight(make(), t2);
    const auto lif_spikes = std::count_if(in_code.spikes.begin(), in_code.spikes.end(),
                                          [](const auto& s) { return std::get<0>(s) == 2; });
    CHECK(lif_spikes >= 20);
    MESSAGE(mode << ": " << lif_spikes << " LIF spikes");
    REQUIRE(by_name.samples.size() == 3);
    test::check_same(by_name, in_code);
    test::check_same(run_split(make, t1, t2), in_code);
  }
}

TEST_CASE("clocked current input: bad connections and values are named") {
  LifExp::Parameters p = lif_parameters();
  p.tau_syn = {0.005, 0.01};
  Network net;
  const NodeId in = net.add("in", std::make_unique<TSContinuousSource>(held({Time::zero()}, {1.0})));
  const NodeId l = net.add("lif", std::make_unique<LifExpClocked>(p, 3, milliseconds(1)));
  ExpSynClocked::Parameters sp;
  const NodeId syn = net.add("syn", std::make_unique<ExpSynClocked>(WeightMatrix(3, 3, std::vector<double>(9, 1.0)), sp));
  // The current drives the 3 neurons; the 6 input channels are (port, neuron) pairs.
  CHECK_THROWS_WITH_AS(net.connect(in, l, dense(1, 6, std::vector<double>(6, 1.0), Duration::zero())),
                       doctest::Contains("'lif' has 3 neurons (a current input targets neurons, not input channels)"),
                       DimensionMismatch);
  CHECK_THROWS_WITH_AS(net.connect(in, l, dense(1, 3, {1, 1, 1}, Duration::zero(), 1)),
                       doctest::Contains("a current input has no synaptic ports"), OutOfRange);
  CHECK_THROWS_WITH_AS(net.connect(in, l, dense(1, 3, {1, 1, 1}, milliseconds(1))),
                       doctest::Contains("continuous projections carry no delay"), NetworkError);
  CHECK_THROWS_WITH_AS(net.connect(in, syn, dense(1, 3, {1, 1, 1}, Duration::zero())),
                       doctest::Contains("takes spikes (ExpSynClocked has no current input)"), NetworkError);
  CHECK_NOTHROW(net.connect(in, l, dense(1, 3, {1, 1, 1}, Duration::zero())));
  auto& syn_layer = static_cast<ClockedLayer&>(net.node(syn));
  CHECK(!syn_layer.takes_current_input());
  CHECK_THROWS_WITH_AS(syn_layer.set_current(std::vector<double>(3, 0.0)),
                       doctest::Contains("ExpSynClocked 'syn' takes no current input"), NetworkError);

  LifExpClocked direct(lif_parameters(), 2, milliseconds(1));
  direct.set_name("direct");
  const double nan[] = {0.0, std::nan("")};
  CHECK_THROWS_WITH_AS(direct.set_current(nan), doctest::Contains("neuron 1 of 'direct'"), InvalidArgument);
  const double inf[] = {-std::numeric_limits<double>::infinity(), 0.0};
  CHECK_THROWS_WITH_AS(direct.set_current(inf), doctest::Contains("neuron 0"), InvalidArgument);
  const double one[] = {1.0};
  CHECK_THROWS_AS(direct.set_current(one), DimensionMismatch);

  // In a config: the current projection into a 2-port LIFClocked must leave the port at 0.
  const std::string config = R"(
input { name: "in" size: 2 poisson { rate: 100 seed: 1 } }
node { name: "syn" model: "ExpSyn" size: 2 param { name: "tau" value: 0.005 } }
node { name: "lif" model: "LIFClocked" size: 3 param { name: "tau_syn" value: [0.005, 0.01] } }
projection { from: "in" to: "syn" one_to_one {} weight: 1 }
projection { from: "syn" to: "lif" dense {} weight: 0.5 port: 1 }
)";
  CHECK_THROWS_WITH_AS(NetworkConfig::parse(config, "bad.pbtxt").build(),
                       doctest::Contains("a current input has no synaptic ports"), ConfigError);
}
