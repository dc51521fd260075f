#include "neurons/rec_fs_spike.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <vector>

#include "engine/checkpoint.hpp"
#include "engine/simulation.hpp"
#include "engine/sources.hpp"
#include "neurons/model_registry.hpp"

using namespace rockpool;

namespace {

RecFSSpikeEulerBT::Parameters uncoupled(std::size_t n, double bias) {
  RecFSSpikeEulerBT::Parameters p;
  p.weights_fast = WeightMatrix(n, n, std::vector<double>(n * n, 0.0));
  p.weights_slow = WeightMatrix(n, n, std::vector<double>(n * n, 0.0));
  p.bias = {bias};
  return p;
}

// Steps the layer `steps` times with zero input; all precise spikes in order.
std::vector<RecFSSpikeEulerBT::PreciseSpike> run(RecFSSpikeEulerBT& layer, int steps,
                                                 std::vector<double>* counts = nullptr) {
  std::vector<RecFSSpikeEulerBT::PreciseSpike> all;
  std::vector<double> in(layer.size_in(), 0.0), out(layer.size_out());
  for (int k = 0; k < steps; ++k) {
    layer.step(in, out);
    for (const auto& s : layer.precise_spikes()) all.push_back(s);
    if (counts) counts->insert(counts->end(), out.begin(), out.end());
  }
  return all;
}

// By hand: forward Euler from V0 towards v_inf, V_j = v_inf + (V0 - v_inf) r^j with
// r = 1 - dt / tau_mem; the spike is interpolated linearly between the last value below
// threshold and the first above it, and clipped to at least min_delta after the former.
// Returns the time from the start of the climb to the spike.
double euler_climb(double v0, double v_inf, double thresh, double dt, double tau, double min_delta) {
  const double r = 1 - dt / tau;
  int j = 0;
  while (!(v_inf + (v0 - v_inf) * std::pow(r, j) > thresh)) ++j;
  const double before = v_inf + (v0 - v_inf) * std::pow(r, j - 1), after = v_inf + (v0 - v_inf) * std::pow(r, j);
  const double delta = std::max((thresh - before) * dt / (after - before), min_delta);
  return (j - 1) * dt + delta;
}

}  // namespace

TEST_CASE("RecFSSpikeEulerBT: a biased neuron fires at the period of the Euler recurrence") {
  auto p = uncoupled(1, 0.02);  // v_inf = v_rest + bias = -45 mV, above v_thresh = -55 mV
  RecFSSpikeEulerBT layer(p);
  CHECK(layer.dt() == microseconds(100));  // Rockpool: min(tau_syn) / 10
  const double dt = 1e-4, tau = 0.02, v_inf = -0.065 + 0.02;
  const auto spikes = run(layer, 1000);  // 0.1 s
  const double first = euler_climb(-0.065, v_inf, -0.055, dt, tau, dt / 10);
  const double period = euler_climb(-0.065, v_inf, -0.055, dt, tau, dt / 10);  // from v_reset = v_rest
  REQUIRE(spikes.size() >= 3);
  for (std::size_t k = 0; k < spikes.size(); ++k) {
    CAPTURE(k);
    CHECK(spikes[k].neuron == 0);
    CHECK(spikes[k].time == doctest::Approx(first + static_cast<double>(k) * period).epsilon(1e-9));
  }
  // 0.1 s / period spikes, give or take the last.
  CHECK(std::abs(static_cast<double>(spikes.size()) - 0.1 / period) < 1.0);
}

TEST_CASE("RecFSSpikeEulerBT: one spike per step, the next one min_delta later") {
  auto p = uncoupled(2, 0.02);  // two identical neurons cross in the same step
  p.min_delta = 3e-6;
  RecFSSpikeEulerBT layer(p);
  const auto spikes = run(layer, 200);
  REQUIRE(spikes.size() >= 2);
  CHECK(spikes[0].neuron == 0);  // the first index wins a tie
  CHECK(spikes[1].neuron == 1);
  // Neuron 1 was stepped back onto the threshold (not above it), so it fires in the next
  // iteration, whose interpolated crossing is at its start: clipped to min_delta.
  CHECK(spikes[1].time - spikes[0].time == doctest::Approx(3e-6).epsilon(1e-6));
}

TEST_CASE("RecFSSpikeEulerBT: a spike of j adds column j of the weights to the currents") {
  auto p = uncoupled(2, 0.0);
  p.bias = {0.02, 0.0};  // only neuron 0 is driven
  p.weights_fast.values = {0.0, 0.5,   // [0][1]: from 1 to 0 (1 never fires)
                           0.004, 0.0};  // [1][0]: from 0 to 1
  p.weights_slow.values = {0.0, 0.0, 0.001, 0.0};
  RecFSSpikeEulerBT layer(p);
  std::vector<double> in(2, 0.0), out(2);
  double spike_time = -1;
  int k = 0;
  while (spike_time < 0) {
    layer.step(in, out);
    ++k;
    if (!layer.precise_spikes().empty()) spike_time = layer.precise_spikes()[0].time;
  }
  // Iterations run at spike_time + j dt while before the end of bin k; the spike iteration
  // adds w and then decays nothing (I = I (1 - dt/tau) + w with I = 0), each later one
  // multiplies by (1 - dt/tau).
  const double dt = 1e-4, end = k * dt;
  int later = 0;
  while (spike_time + (later + 1) * dt < end) ++later;
  CHECK(layer.state(2, 1, Time::zero()) == doctest::Approx(0.004 * std::pow(1 - dt / 1e-3, later)).epsilon(1e-9));
  CHECK(layer.state(1, 1, Time::zero()) == doctest::Approx(0.001 * std::pow(1 - dt / 0.1, later)).epsilon(1e-9));
  CHECK(layer.state(2, 0, Time::zero()) == 0.0);  // weights_fast[0][1] is from 1, which is silent
  CHECK(layer.state(0, 1, Time::zero()) > -0.065);  // the current lifted neuron 1
}

TEST_CASE("RecFSSpikeEulerBT: refractoriness holds V at v_reset for whole iterations") {
  auto p = uncoupled(1, 0.02);
  const double dt = 1e-4;
  p.refractory = 2.5 * dt;  // clamps the 2 iterations after the spike (2.5 - 1, 2.5 - 2 > 0)
  RecFSSpikeEulerBT layer(p);
  const auto spikes = run(layer, 1000);
  const double period = euler_climb(-0.065, -0.045, -0.055, dt, 0.02, dt / 10);
  REQUIRE(spikes.size() >= 3);
  CHECK(spikes[2].time - spikes[1].time == doctest::Approx(period + 2 * dt).epsilon(1e-9));
}

TEST_CASE("RecFSSpikeEulerBT in a Simulation: continuous input drives it, noise is seeded") {
  auto build = [](double noise) {
    auto p = uncoupled(3, 0.0);
    p.noise_std = noise;
    p.seed = 5;
    Network net;
    const NodeId src = net.add("in", std::make_unique<TSContinuousSource>(TSContinuous(
                                         {Time::zero(), Time::from_seconds(1.0)}, {0.02, 0.0, 0.015, 0.02, 0.0, 0.015}, 3)));
    const NodeId res = net.add("res", std::make_unique<RecFSSpikeEulerBT>(p));
    net.connect(src, res, Projection::one_to_one(3, 1.0, Duration::zero()));
    auto sim = std::make_unique<Simulation>(std::move(net));
    SpikeRecorder* rec = &sim->record_spikes(res);
    sim->run_until(Time::from_seconds(0.1));
    return std::pair(std::move(sim), rec);
  };
  auto [sim, rec] = build(0.0);
  std::vector<std::size_t> per(3, 0);
  for (auto c : rec->channels()) ++per[c];
  // Neuron 0 as the biased neuron of the first test (input instead of bias); 1 silent; 2
  // (v_inf = -50 mV) slower.
  const double period0 = euler_climb(-0.065, -0.045, -0.055, 1e-4, 0.02, 1e-5);
  CHECK(std::abs(static_cast<double>(per[0]) - 0.1 / period0) < 1.5);
  CHECK(per[1] == 0);
  CHECK(per[2] > 0);
  CHECK(per[2] < per[0]);
  // Spikes leave at ticks: whole multiples of dt.
  for (Time t : rec->times()) CHECK(t.ticks() % microseconds(100).ticks() == 0);
  auto [a, ra] = build(0.01);
  auto [b, rb] = build(0.01);
  REQUIRE(ra->count() == rb->count());
  CHECK(ra->count() != rec->count());
  for (std::size_t k = 0; k < ra->count(); ++k) CHECK(ra->times()[k] == rb->times()[k]);
}

TEST_CASE("RecFSSpikeEulerBT rejects bad parameters by name") {
  auto rejects = [](auto edit, const char* name) {
    auto p = uncoupled(2, 0.0);
    edit(p);
    try {
      RecFSSpikeEulerBT layer(p);
      FAIL("accepted bad " << name);
    } catch (const InvalidArgument& e) {
      CHECK(e.argument() == name);
    }
  };
  rejects([](auto& p) { p.weights_fast = WeightMatrix(2, 3, std::vector<double>(6, 0.0)); }, "weights_fast");
  rejects([](auto& p) { p.weights_slow = WeightMatrix(3, 3, std::vector<double>(9, 0.0)); }, "weights_slow");
  rejects([](auto& p) { p.tau_mem = {0.02, -1.0}; }, "tau_mem");
  rejects([](auto& p) { p.tau_syn_r_fast = {0.02, 0.02, 0.02}; }, "tau_syn_r_fast");
  rejects([](auto& p) { p.dt = milliseconds(1); }, "dt");  // > 1 ms / 10
  rejects([](auto& p) { p.min_delta = 1e-4; }, "min_delta");  // not below dt
  rejects([](auto& p) { p.noise_std = -1; }, "noise_std");
  rejects([](auto& p) { p.v_thresh = {NAN}; }, "v_thresh");
}

// --- weights_out, readout and spike_callback --------------------------------------------

namespace {

// The column-rule network above: neuron 0 driven, its spike adds weights_slow[:, 0] =
// {0.002, 0.001} to the slow currents; neuron 1 never fires.
RecFSSpikeEulerBT::Parameters driven_pair() {
  auto p = uncoupled(2, 0.0);
  p.bias = {0.02, 0.0};
  p.weights_slow.values = {0.002, 0.0,   // [0][0]: 0 onto itself
                           0.001, 0.0};  // [1][0]: 0 onto 1
  return p;
}

// Iterations after the spike at `spike_time` that still lie before `end` (dt steps).
int iterations_after(double spike_time, double end, double dt) {
  int later = 0;
  while (spike_time + (later + 1) * dt < end) ++later;
  return later;
}

}  // namespace

TEST_CASE("RecFSSpikeEulerBT weights_out: the output is I_slow @ weights_out") {
  auto p = driven_pair();
  p.weights_out = WeightMatrix(2, 2, {2.0, -1.0,   // neuron 0 -> outputs 0, 1
                                      3.0, 0.5});  // neuron 1 -> outputs 0, 1
  p.output = RecFSSpikeEulerBT::Parameters::Output::kWeightsOut;
  RecFSSpikeEulerBT layer(p);
  CHECK(layer.size_out() == 2);
  CHECK(layer.output_signal() == Signal::kContinuous);
  std::vector<double> in(2, 0.0), out(2);
  int k = 0;
  double spike_time = -1;
  while (spike_time < 0) {
    layer.step(in, out);
    ++k;
    if (!layer.precise_spikes().empty()) {
      spike_time = layer.precise_spikes()[0].time;
    } else {
      CHECK(out == std::vector<double>{0.0, 0.0});  // no spike yet: no slow current
    }
  }
  // The spike's iteration sets I_slow to column 0 exactly, each later one decays it by
  // r = 1 - dt / tau_syn_r_slow: I_slow = {0.002, 0.001} r^L, so
  // y = {0.002 * 2 + 0.001 * 3, 0.002 * -1 + 0.001 * 0.5} r^L = {0.007, -0.0015} r^L.
  const double dt = 1e-4, r = 1 - dt / 0.1;
  const double decay = std::pow(r, iterations_after(spike_time, k * dt, dt));
  CHECK(out[0] == doctest::Approx(0.007 * decay).epsilon(1e-12));
  CHECK(out[1] == doctest::Approx(-0.0015 * decay).epsilon(1e-12));
  // readout() is the same product, from the state the layer reports.
  std::vector<double> y(2);
  layer.readout(y);
  const double s0 = layer.state(1, 0, Time::zero()), s1 = layer.state(1, 1, Time::zero());
  CHECK(y[0] == s0 * 2.0 + s1 * 3.0);
  CHECK(y[1] == s0 * -1.0 + s1 * 0.5);
  CHECK(y == out);
}

TEST_CASE("RecFSSpikeEulerBT weights_out with spike output: readout() reads it, spikes go out") {
  auto p = driven_pair();
  p.weights_out = WeightMatrix(2, 1, {1.0, 10.0});
  RecFSSpikeEulerBT layer(p);
  CHECK(layer.size_out() == 2);  // spikes, Rockpool's output
  CHECK(layer.output_signal() == Signal::kSpikes);
  std::vector<double> counts;
  const auto spikes = run(layer, 200, &counts);
  REQUIRE(!spikes.empty());
  std::vector<double> y(1);
  layer.readout(y);
  CHECK(y[0] == layer.state(1, 0, Time::zero()) + 10.0 * layer.state(1, 1, Time::zero()));
  CHECK(y[0] > 0);
}

TEST_CASE("RecFSSpikeEulerBT spike_callback sees exactly the emitted spikes, in order") {
  // Three coupled neurons (fast inhibition, slow excitation) with different biases: many
  // spikes, some of them in the same bin.
  auto p = uncoupled(3, 0.0);
  p.bias = {0.03, 0.025, 0.022};
  p.weights_fast.values = {0, -0.002, -0.002, -0.002, 0, -0.002, -0.002, -0.002, 0};
  p.weights_slow.values = {0, 0.001, 0.001, 0.001, 0, 0.001, 0.001, 0.001, 0};
  auto layer = std::make_unique<RecFSSpikeEulerBT>(p);
  RecFSSpikeEulerBT* raw = layer.get();
  std::vector<RecFSSpikeEulerBT::PreciseSpike> seen;
  layer->set_spike_callback([&seen](RecFSSpikeEulerBT&, double t, NeuronIndex j) { seen.push_back({t, j}); });
  Network net;
  const NodeId res = net.add("res", std::move(layer));
  Simulation sim(std::move(net));
  SpikeRecorder& rec = sim.record_spikes(res);
  std::vector<RecFSSpikeEulerBT::PreciseSpike> precise;
  const Duration dt = microseconds(100);
  for (int k = 1; k <= 1000; ++k) {
    sim.run_until(Time::zero() + k * dt + ticks(1));  // just past tick k
    for (const auto& s : raw->precise_spikes()) precise.push_back(s);
  }
  REQUIRE(rec.count() > 20);
  REQUIRE(seen.size() == rec.count());
  REQUIRE(precise.size() == seen.size());
  for (std::size_t k = 0; k < seen.size(); ++k) {
    CAPTURE(k);
    CHECK(seen[k].neuron == rec.channels()[k]);
    CHECK(seen[k].neuron == precise[k].neuron);
    CHECK(seen[k].time == precise[k].time);
    // Emitted at the tick closing its bin; the time may lie up to one dt before the bin.
    const double tick = to_seconds(rec.times()[k] - Time::zero());
    CHECK(seen[k].time < tick);
    CHECK(seen[k].time >= tick - 2e-4 - 1e-12);
  }
}

TEST_CASE("RecFSSpikeEulerBT spike_callback changing a weight changes the run from the next iteration") {
  // Neuron 0 fires periodically (the biased neuron of the first test); neuron 1 starts with
  // no slow weight from 0. At neuron 0's first spike the callback sets weights_slow[1][0] =
  // 0.001. That spike's iteration has already used the old column (0), so I_slow[1] stays
  // exactly 0 until the second spike, which adds 0.001: at the end of that spike's bin
  // I_slow[1] = 0.001 r^L. (With the weight from the start it would also hold the first
  // spike's decayed contribution.)
  auto p = uncoupled(2, 0.0);
  p.bias = {0.02, 0.0};
  RecFSSpikeEulerBT layer(p);
  int calls = 0;
  layer.set_spike_callback([&calls](RecFSSpikeEulerBT& l, double, NeuronIndex j) {
    if (j == 0 && calls++ == 0) l.set_weight_slow(1, 0, 0.001);
  });
  std::vector<double> in(2, 0.0), out(2);
  const double dt = 1e-4, r = 1 - dt / 0.1;
  std::vector<double> spike_times;
  int k = 0;
  while (spike_times.size() < 2) {
    layer.step(in, out);
    ++k;
    for (const auto& s : layer.precise_spikes()) spike_times.push_back(s.time);
    if (spike_times.size() < 2) CHECK(layer.state(1, 1, Time::zero()) == 0.0);
  }
  REQUIRE(spike_times.size() == 2);  // the period is many bins long
  CHECK(calls == 2);
  CHECK(layer.weights_slow().at(1, 0) == 0.001);
  CHECK(layer.state(1, 1, Time::zero()) ==
        doctest::Approx(0.001 * std::pow(r, iterations_after(spike_times[1], k * dt, dt))).epsilon(1e-12));
  // Neuron 0's own train is unchanged (nothing reaches it): the second spike one Euler
  // period after the first, as without the callback.
  const double period = euler_climb(-0.065, -0.045, -0.055, dt, 0.02, dt / 10);
  CHECK(spike_times[1] - spike_times[0] == doctest::Approx(period).epsilon(1e-9));
}

TEST_CASE("RecFSSpikeEulerBT checkpoints keep weights a callback changed, not the callback") {
  auto p = driven_pair();
  p.weights_out = WeightMatrix(2, 1, {1.0, 1.0});
  RecFSSpikeEulerBT a(p);
  a.set_spike_callback([](RecFSSpikeEulerBT& l, double, NeuronIndex) {
    l.set_weight_fast(1, 0, l.weights_fast().at(1, 0) + 0.001);  // grows with every spike
    l.set_weight_out(1, 0, 5.0);
  });
  run(a, 400);
  StateWriter out;
  a.save_state(out);
  const std::vector<std::byte> bytes(out.bytes().begin(), out.bytes().end());
  RecFSSpikeEulerBT b(p);  // original weights, no callback
  StateReader in(bytes, "<test>");
  b.restore_state(in);
  CHECK(in.at_end());
  CHECK(b.weights_fast().values == a.weights_fast().values);
  CHECK(b.weights_fast().at(1, 0) > 0.001);
  CHECK(b.weights_out().at(1, 0) == 5.0);
  // Without its callback, b goes on as a does once a's callback is removed too.
  a.set_spike_callback({});
  const auto sa = run(a, 400);
  const auto sb = run(b, 400);
  REQUIRE(sa.size() == sb.size());
  for (std::size_t k = 0; k < sa.size(); ++k) CHECK(sa[k].time == sb[k].time);
}

TEST_CASE("RecFSSpikeEulerBT weights_out, output and weight setters refuse bad input") {
  auto p = uncoupled(2, 0.02);
  p.weights_out = WeightMatrix(3, 1, {1, 1, 1});
  CHECK_THROWS_AS(RecFSSpikeEulerBT{p}, DimensionMismatch);
  p.weights_out.reset();
  p.output = RecFSSpikeEulerBT::Parameters::Output::kWeightsOut;
  try {
    RecFSSpikeEulerBT layer(p);
    FAIL("accepted weights_out output without weights_out");
  } catch (const InvalidArgument& e) {
    CHECK(e.argument() == "output");
  }
  p.output = RecFSSpikeEulerBT::Parameters::Output::kSpikes;
  RecFSSpikeEulerBT layer(p);
  CHECK_THROWS_AS(layer.set_weight_fast(2, 0, 1.0), OutOfRange);
  CHECK_THROWS_AS(layer.set_weight_slow(0, 0, NAN), InvalidArgument);
  CHECK_THROWS_AS(layer.set_weight_out(0, 0, 1.0), InvalidArgument);  // there is none
  std::vector<double> y(1);
  CHECK_THROWS_AS(layer.readout(y), InvalidArgument);
  // A callback may not step the layer it is called from.
  layer.set_spike_callback([](RecFSSpikeEulerBT& l, double, NeuronIndex) {
    std::vector<double> in(2, 0.0), out(2);
    l.step(in, out);
  });
  try {
    run(layer, 1000);
    FAIL("a re-entrant step was accepted");
  } catch (const InvalidArgument& e) {
    CHECK(e.argument() == "spike_callback");
  }
  // Nor replace itself while it runs.
  layer.start();
  layer.set_spike_callback([](RecFSSpikeEulerBT& l, double, NeuronIndex) { l.set_spike_callback({}); });
  CHECK_THROWS_AS(run(layer, 1000), InvalidArgument);
}

TEST_CASE("RecFSSpikeEulerBT weights_out and output by name in the registry") {
  const ModelRegistry models = builtin_models();
  const std::vector<double> zeros(4, 0.0);
  const ModelParams weighted({{"weights_fast", zeros, ""},
                              {"weights_slow", zeros, ""},
                              {"weights_out", {1, 2, 3, 4, 5, 6}, ""},  // 2 x 3
                              {"output", {}, "weights_out"}});
  const BuiltModel m = models.build("RecFSSpikeEulerBT", {"fs", 2, 0, weighted, 0});
  CHECK(m.node->size_out() == 3);
  CHECK(m.node->output_signal() == Signal::kContinuous);
  const auto& layer = dynamic_cast<const RecFSSpikeEulerBT&>(*m.node);
  CHECK(layer.weights_out().at(1, 2) == 6);
  const ModelParams ragged({{"weights_fast", zeros, ""}, {"weights_slow", zeros, ""}, {"weights_out", {1, 2, 3}, ""}});
  CHECK_THROWS_AS(models.build("RecFSSpikeEulerBT", {"fs", 2, 0, ragged, 0}), DimensionMismatch);
  const ModelParams bad_output({{"weights_fast", zeros, ""}, {"weights_slow", zeros, ""}, {"output", {}, "currents"}});
  CHECK_THROWS_AS(models.build("RecFSSpikeEulerBT", {"fs", 2, 0, bad_output, 0}), InvalidArgument);
  const ModelParams spikes({{"weights_fast", zeros, ""}, {"weights_slow", zeros, ""}, {"weights_out", {1, 2}, ""}});
  CHECK(models.build("RecFSSpikeEulerBT", {"fs", 2, 0, spikes, 0}).node->size_out() == 2);
}
