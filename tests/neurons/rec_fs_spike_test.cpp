#include "neurons/rec_fs_spike.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "engine/simulation.hpp"
#include "engine/sources.hpp"

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
