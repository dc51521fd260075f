#include "neurons/cliaf.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "engine/simulation.hpp"
#include "engine/sources.hpp"
#include "tests/neurons/model_test_support.hpp"

using namespace rockpool;

namespace {

// Steps `layer` once per row of `inputs` (size_in values each); returns the output rows.
std::vector<std::vector<double>> run_steps(ClockedLayer& layer, const std::vector<std::vector<double>>& inputs) {
  std::vector<std::vector<double>> out;
  for (const auto& in : inputs) {
    std::vector<double> o(layer.size_out(), -1.0);
    layer.step(in, o);
    out.push_back(o);
  }
  return out;
}

double state_of(const Node& n, NeuronIndex i) { return n.state(0, i, Time::zero()); }

using rockpool::test::refusal;

}  // namespace

TEST_CASE("CLIAF defaults are Rockpool's FFCLIAF / RecCLIAF defaults") {
  const WeightMatrix w(1, 2, {1, 1});
  CLIAF ff(w, std::nullopt);
  CHECK(ff.dt() == seconds(1));
  CHECK(std::string(ff.type_name()) == "FFCLIAF");
  CHECK(ff.size_in() == 1);
  CHECK(ff.size_out() == 2);
  CHECK(state_of(ff, 0) == 0.0);  // v_reset
  CLIAF rec(w, WeightMatrix(2, 2, {0, 0, 0, 0}));
  CHECK(rec.dt() == microseconds(100));
  CHECK(std::string(rec.type_name()) == "RecCLIAF");
  CHECK(rec.delay_steps() == 1);
  CHECK(rec.bias_steps() == 1);
}

TEST_CASE("FFCLIAF integrates without leak and subtracts v_subtract, several spikes per step") {
  // W = [3, 5], one input spike per step, v_thresh = v_subtract = 8. By hand:
  //   neuron 0: 3, 6, 9 -> spike, 1; 4, 7, 10 -> spike, 2; 5, 8 -> spike, 0
  //   neuron 1: 5, 10 -> 2 (spike), 7, 12 -> 4 (spike), 9 -> 1 (spike), 6, 11 -> 3 (spike), 8 -> 0 (spike)
  CLIAF layer(WeightMatrix(1, 2, {3, 5}), std::nullopt);
  const auto out = run_steps(layer, std::vector<std::vector<double>>(8, {1.0}));
  const std::vector<double> n0 = {0, 0, 1, 0, 0, 1, 0, 1};
  const std::vector<double> n1 = {0, 1, 0, 1, 1, 0, 1, 1};
  for (std::size_t k = 0; k < 8; ++k) {
    CHECK(out[k][0] == n0[k]);
    CHECK(out[k][1] == n1[k]);
  }
  CHECK(state_of(layer, 0) == 0.0);  // 24 - 3 * 8
  CHECK(state_of(layer, 1) == 0.0);  // 40 - 5 * 8
  // Four input spikes in one step: 4 * 5 = 20 -> 12 -> 4: two spikes in that step.
  const auto burst = run_steps(layer, {{4.0}});
  CHECK(burst[0][1] == 2.0);
  CHECK(state_of(layer, 1) == 4.0);
  CHECK(burst[0][0] == 1.0);  // 12 -> 4
}

TEST_CASE("CLIAF without v_subtract resets to v_reset, one spike per step") {
  CLIAF::Parameters p;
  p.v_subtract = std::nullopt;
  p.v_reset = {-2.0};
  CLIAF layer(WeightMatrix(1, 1, {5}), std::nullopt, p);
  CHECK(state_of(layer, 0) == -2.0);  // starts at v_reset
  // -2 + 5 = 3; 3 + 20 = 23 -> one spike, reset to -2; -2 + 5 = 3.
  const auto out = run_steps(layer, {{1.0}, {4.0}, {1.0}});
  CHECK(out[0][0] == 0.0);
  CHECK(out[1][0] == 1.0);
  CHECK(out[2][0] == 0.0);
  CHECK(state_of(layer, 0) == 3.0);
}

TEST_CASE("CLIAF's constant leak is a negative bias, applied every tTauBias") {
  CLIAF::Parameters p;
  p.bias = {-1.0};
  p.dt = milliseconds(1);
  {
    // Input 4 per step, leak 1: +3 per step, the same spikes as W = 3 above (steps 3, 6, 8).
    CLIAF layer(WeightMatrix(1, 1, {4}), std::nullopt, p);
    const auto out = run_steps(layer, std::vector<std::vector<double>>(8, {1.0}));
    const std::vector<double> expected = {0, 0, 1, 0, 0, 1, 0, 1};
    for (std::size_t k = 0; k < 8; ++k) CHECK(out[k][0] == expected[k]);
    // No input: the float state leaks below zero without bound (Rockpool has no floor).
    run_steps(layer, std::vector<std::vector<double>>(5, {0.0}));
    CHECK(state_of(layer, 0) == -5.0);
  }
  {
    // Bias +1 every 3 steps (tTauBias = 3 ms): after step k the state is floor(k / 3); the
    // threshold 8 is first reached at step 24.
    p.bias = {1.0};
    p.tTauBias = milliseconds(3);
    CLIAF layer(WeightMatrix(1, 1, {0}), WeightMatrix(1, 1, {0}), p);
    CHECK(layer.bias_steps() == 3);
    const auto out = run_steps(layer, std::vector<std::vector<double>>(24, {0.0}));
    for (std::size_t k = 0; k < 23; ++k) CHECK(out[k][0] == 0.0);
    CHECK(out[23][0] == 1.0);
  }
}

TEST_CASE("CLIAF integer state types clip to the type's range and truncate towards zero") {
  CLIAF::Parameters p;
  p.state_type = StateType::kInt8;
  p.v_thresh = {1000.0};  // out of int8's reach: never fires
  CLIAF layer(WeightMatrix(1, 2, {100.7, -50.5}), WeightMatrix(2, 2, {0, 0, 0, 0}), p);
  // Neuron 0: 0 + 100.7 -> 100; 100 + 100.7 = 200.7 -> 127 (clipped).
  // Neuron 1: -50.5 -> -50; -100.5 -> -100; -150.5 -> -128 (clipped).
  run_steps(layer, {{1.0}});
  CHECK(state_of(layer, 0) == 100.0);
  CHECK(state_of(layer, 1) == -50.0);
  run_steps(layer, {{1.0}});
  CHECK(state_of(layer, 0) == 127.0);
  CHECK(state_of(layer, 1) == -100.0);
  run_steps(layer, {{1.0}});
  CHECK(state_of(layer, 1) == -128.0);
  CHECK(quantise(StateType::kInt16, 40000.0) == 32767.0);
  CHECK(quantise(StateType::kFloat32, 0.1) == static_cast<double>(0.1f));
  CHECK(quantise(StateType::kFloat64, 0.1) == 0.1);
}

TEST_CASE("RecCLIAF: recurrent spikes arrive floor(delay / dt) steps later, weighted by weights_rec") {
  // Neuron 0 gets the input (weight 8, fires at once); neuron 1 only gets neuron 0's spikes
  // through weights_rec[0][1] = 5, two steps later.
  CLIAF::Parameters p;
  p.dt = milliseconds(1);
  p.delay = microseconds(2500);  // floor(2.5) = 2 steps
  CLIAF layer(WeightMatrix(1, 2, {8, 0}), WeightMatrix(2, 2, {0, 5, 0, 0}), p);
  CHECK(layer.delay_steps() == 2);
  const auto out = run_steps(layer, {{1.0}});  // step 1: neuron 0 fires, state 0
  CHECK(out[0][0] == 1.0);
  run_steps(layer, {{0.0}});                   // step 2: nothing has arrived yet
  CHECK(state_of(layer, 1) == 0.0);
  run_steps(layer, {{0.0}});                   // step 3: the spike of step 1 arrives
  CHECK(state_of(layer, 1) == 5.0);
  run_steps(layer, {{0.0}, {0.0}});
  CHECK(state_of(layer, 1) == 5.0);  // only once
}

TEST_CASE("RecCLIAF refractoriness: input is blocked for floor(refractory / dt) steps") {
  CLIAF::Parameters p;
  p.dt = milliseconds(1);
  p.refractory = {0.002};  // 2 steps
  CLIAF layer(WeightMatrix(1, 1, {8}), WeightMatrix(1, 1, {0}), p);
  CHECK(layer.refractory_steps()[0] == 2);
  // Input 8 every step: fires at step 1, ignores steps 2 and 3, fires at step 4, ...
  const auto out = run_steps(layer, std::vector<std::vector<double>>(9, {1.0}));
  const std::vector<double> expected = {1, 0, 0, 1, 0, 0, 1, 0, 0};
  for (std::size_t k = 0; k < 9; ++k) CHECK(out[k][0] == expected[k]);
  // Exact ticks: 3 ms / 1 ms is 3 steps (floating floor(0.003 / 0.001) would give 2).
  p.refractory = {0.003};
  CHECK(CLIAF(WeightMatrix(1, 1, {8}), WeightMatrix(1, 1, {0}), p).refractory_steps()[0] == 3);
}

TEST_CASE("RecCLIAF with refractoriness subtracts once per step, and a refractory neuron still above threshold fires again") {
  // Rockpool's rule: with any refractory period in the layer, at most one subtraction per
  // step; the threshold check covers refractory neurons too (only their input is blocked).
  // Input 20 at step 1: 20 -> spike, 12; step 2 (refractory): 12 >= 8 -> spike, 4; step 3: 4.
  CLIAF::Parameters p;
  p.dt = milliseconds(1);
  p.refractory = {0.005};
  CLIAF layer(WeightMatrix(1, 1, {20}), WeightMatrix(1, 1, {0}), p);
  const auto out = run_steps(layer, {{1.0}, {1.0}, {1.0}});
  CHECK(out[0][0] == 1.0);
  CHECK(out[1][0] == 1.0);
  CHECK(out[2][0] == 0.0);
  CHECK(state_of(layer, 0) == 4.0);
}

TEST_CASE("FFCLIAF in a simulation: a regular input train gives the hand-computed spike times") {
  // One input spike per 1 ms bin (at the bin start), W = 3, dt = 1 ms: the state passes
  // 8 at steps 3, 6 and 8 (see above); the spikes are emitted at the ticks that close those bins.
  CLIAF::Parameters p;
  p.dt = milliseconds(1);
  Network net;
  const NodeId src = net.add("in", std::make_unique<RegularSource>(1, milliseconds(1)));
  const NodeId l = net.add("cliaf", std::make_unique<CLIAF>(WeightMatrix(1, 1, {3}), std::nullopt, p));
  net.connect(src, l, Projection::one_to_one(1, 1.0, Duration::zero()));
  Simulation sim(std::move(net));
  SpikeRecorder& spikes = sim.record_spikes(l);
  sim.run_until(Time::zero() + milliseconds(8) + ticks(1));
  REQUIRE(spikes.count() == 3);
  CHECK(spikes.times()[0] == Time::zero() + milliseconds(3));
  CHECK(spikes.times()[1] == Time::zero() + milliseconds(6));
  CHECK(spikes.times()[2] == Time::zero() + milliseconds(8));
}

TEST_CASE("RecCLIAF in a simulation: recurrent excitation through weights_rec") {
  // Neuron 0 is driven (+8 per step, fires every step); neuron 1 gets 2 per spike of
  // neuron 0, one step later: it reaches 8 after 4 arrivals, at step 5, then every 4 steps.
  CLIAF::Parameters p;
  p.dt = milliseconds(1);
  Network net;
  const NodeId src = net.add("in", std::make_unique<RegularSource>(1, milliseconds(1)));
  const NodeId l = net.add("cliaf", std::make_unique<CLIAF>(WeightMatrix(1, 2, {8, 0}), WeightMatrix(2, 2, {0, 2, 0, 0}), p));
  net.connect(src, l, Projection::one_to_one(1, 1.0, Duration::zero()));
  Simulation sim(std::move(net));
  std::vector<Time> n1;
  sim.on_spike([&](NodeId node, NeuronIndex i, Time t) {
    if (node == l && i == 1) n1.push_back(t);
  });
  sim.run_until(Time::zero() + milliseconds(13) + ticks(1));
  REQUIRE(n1.size() == 3);
  CHECK(n1[0] == Time::zero() + milliseconds(5));
  CHECK(n1[1] == Time::zero() + milliseconds(9));
  CHECK(n1[2] == Time::zero() + milliseconds(13));
}

TEST_CASE("CLIAF state noise: std. dev. noise_std after 1 s of integration, independent of layer size") {
  // Rockpool's Layer convention: noise_std is the std. dev. of the state after 1 s of
  // integration; CLIAF integrates without decay, so after 1 s the state is N(0, noise_std^2).
  CLIAF::Parameters p;
  p.dt = milliseconds(1);
  p.v_thresh = {1e9};
  p.noise_std = 2.0;
  p.seed = 11;
  const std::size_t n = 2000;
  CLIAF big(WeightMatrix(1, n, std::vector<double>(n, 0.0)), std::nullopt, p);
  run_steps(big, std::vector<std::vector<double>>(1000, {0.0}));
  double mean = 0, var = 0;
  for (std::size_t j = 0; j < n; ++j) mean += state_of(big, static_cast<NeuronIndex>(j));
  mean /= n;
  for (std::size_t j = 0; j < n; ++j) var += std::pow(state_of(big, static_cast<NeuronIndex>(j)) - mean, 2);
  var /= n - 1;
  CHECK(std::abs(mean) < 5 * 2.0 / std::sqrt(n));
  CHECK(std::abs(var - 4.0) < 5 * 4.0 * std::sqrt(2.0 / (n - 1)));
  // The draw of neuron j at step k depends on (seed, j, k) only: a 3-neuron layer gives the
  // same states, bit for bit, as the first 3 neurons of the large one.
  CLIAF small(WeightMatrix(1, 3, {0, 0, 0}), std::nullopt, p);
  run_steps(small, std::vector<std::vector<double>>(1000, {0.0}));
  for (NeuronIndex j = 0; j < 3; ++j) CHECK(state_of(small, j) == state_of(big, j));
  p.seed = 12;
  CLIAF other(WeightMatrix(1, 3, {0, 0, 0}), std::nullopt, p);
  run_steps(other, std::vector<std::vector<double>>(1000, {0.0}));
  CHECK(state_of(other, 0) != state_of(small, 0));
}

TEST_CASE("StateNoise draws do not depend on evaluation order") {
  StateNoise noise(0.5, milliseconds(4), 99);
  CHECK(noise.per_step() == doctest::Approx(0.5 * std::sqrt(0.004)).epsilon(1e-15));
  std::vector<double> forward, backward;
  for (std::uint64_t k = 0; k < 50; ++k) forward.push_back(noise(7, k));
  for (std::uint64_t k = 50; k-- > 0;) backward.push_back(noise(7, k));
  for (std::size_t k = 0; k < 50; ++k) CHECK(forward[k] == backward[49 - k]);
  CHECK(noise(7, 3) != noise(8, 3));
  CHECK(!StateNoise(0.0, milliseconds(1), 1));
  CHECK(refusal([] { StateNoise(-1.0, milliseconds(1), 1); }).first == "noise_std");
}

TEST_CASE("SoftMax integrates its weighted spikes and outputs their softmax over the units") {
  // W (2 inputs x 3 units) = [[1, 0, 2], [0, 1, 1]]; input counts (1, 0) then (2, 1):
  // state (1, 0, 2) then (3, 1, 7).
  SoftMax layer(WeightMatrix(2, 3, {1, 0, 2, 0, 1, 1}));
  CHECK(layer.dt() == seconds(1));
  CHECK(layer.output_signal() == Signal::kContinuous);
  const auto out = run_steps(layer, {{1.0, 0.0}, {2.0, 1.0}});
  const double z1 = std::exp(1.0) + std::exp(0.0) + std::exp(2.0);
  CHECK(out[0][0] == doctest::Approx(std::exp(1.0) / z1).epsilon(1e-14));
  CHECK(out[0][1] == doctest::Approx(1.0 / z1).epsilon(1e-14));
  CHECK(out[0][2] == doctest::Approx(std::exp(2.0) / z1).epsilon(1e-14));
  const double z2 = std::exp(3.0) + std::exp(1.0) + std::exp(7.0);
  CHECK(out[1][2] == doctest::Approx(std::exp(7.0) / z2).epsilon(1e-14));
  CHECK(out[1][0] + out[1][1] + out[1][2] == doctest::Approx(1.0).epsilon(1e-15));
  CHECK(layer.state(0, 2, Time::zero()) == 7.0);
  // Large states do not overflow: softmax(1000, 0) = (1/(1 + e^-1000), ...) ~ (1, 0).
  SoftMax big(WeightMatrix(1, 2, {1000, 0}));
  const auto o = run_steps(big, {{1.0}});
  CHECK(o[0][0] == 1.0);
  CHECK(o[0][1] == doctest::Approx(std::exp(-1000.0)));
}

TEST_CASE("SoftMax state noise: the integrated state is N(0, noise_std^2 T) after T seconds") {
  // 500 steps of 2 ms = 1 s of integration: std. dev. noise_std = 0.7.
  const std::size_t n = 2000;
  SoftMax layer(WeightMatrix(1, n, std::vector<double>(n, 0.0)), {.dt = milliseconds(2), .thresh = 1e10, .noise_std = 0.7, .seed = 3});
  run_steps(layer, std::vector<std::vector<double>>(500, {0.0}));
  double mean = 0, var = 0;
  for (NeuronIndex j = 0; j < n; ++j) mean += layer.state(0, j, Time::zero());
  mean /= n;
  for (NeuronIndex j = 0; j < n; ++j) var += std::pow(layer.state(0, j, Time::zero()) - mean, 2);
  var /= n - 1;
  CHECK(std::abs(mean) < 5 * 0.7 / std::sqrt(n));
  CHECK(std::abs(var - 0.49) < 5 * 0.49 * std::sqrt(2.0 / (n - 1)));
}

TEST_CASE("SoftMax in a simulation reads spikes and gives a continuous output") {
  // Two channels, channel 0 spiking every 1 ms, channel 1 never; identity weights, dt 1 ms.
  // After k ticks the state is (k, 0): y_0 = 1 / (1 + e^{-k}).
  SoftMaxParameters p;
  p.dt = milliseconds(1);
  Network net;
  const NodeId src = net.add("in", std::make_unique<TSEventSource>(
                                       TSEvent({Time::zero(), Time::zero() + milliseconds(1), Time::zero() + milliseconds(2)},
                                               {0, 0, 0}, {.num_channels = 2})));
  const NodeId l = net.add("softmax", std::make_unique<SoftMax>(WeightMatrix(2, 2, {1, 0, 0, 1}), p));
  net.connect(src, l, Projection::one_to_one(2, 1.0, Duration::zero()));
  Simulation sim(std::move(net));
  StateRecorder& y = sim.record_state(l, "y", {0}, milliseconds(1));
  sim.run_until(Time::zero() + milliseconds(3) + ticks(1));
  REQUIRE(y.samples().size() == 4);
  CHECK(y.samples()[0] == 0.5);
  for (std::size_t k = 1; k <= 3; ++k) {
    CHECK(y.samples()[k] == doctest::Approx(1.0 / (1.0 + std::exp(-static_cast<double>(k)))).epsilon(1e-14));
  }
}

TEST_CASE("CLIAF and SoftMax refuse bad parameters, naming them") {
  const WeightMatrix w(1, 2, {1, 1});
  const WeightMatrix rec(2, 2, {0, 0, 0, 0});
  CHECK(refusal([&] { CLIAF(w, WeightMatrix(3, 2, {0, 0, 0, 0, 0, 0})); }) == std::pair<std::string, bool>{"weights_rec", true});
  CHECK(refusal([&] { CLIAF(WeightMatrix(1, 2, {1}), std::nullopt); }) == std::pair<std::string, bool>{"weights_in", true});
  CHECK(refusal([&] { CLIAF(WeightMatrix(1, 2, {1, NAN}), std::nullopt); }).first == "weights_in");
  CLIAF::Parameters p;
  p.v_thresh = {1, 2, 3};
  CHECK(refusal([&] { CLIAF(w, std::nullopt, p); }) == std::pair<std::string, bool>{"v_thresh", true});
  p = {};
  p.refractory = {-0.001};
  CHECK(refusal([&] { CLIAF(w, rec, p); }).first == "refractory");
  p = {};
  p.v_subtract = std::vector<double>{0.0};
  CHECK(refusal([&] { CLIAF(w, std::nullopt, p); }).first == "v_subtract");
  p = {};
  p.dt = milliseconds(-1);
  CHECK(refusal([&] { CLIAF(w, std::nullopt, p); }).first == "dt");
  p = {};
  p.delay = milliseconds(1);
  CHECK(refusal([&] { CLIAF(w, std::nullopt, p); }).first == "delay");  // feed-forward
  p.dt = milliseconds(2);
  CHECK(refusal([&] { CLIAF(w, rec, p); }).first == "delay");  // shorter than dt
  p = {};
  p.dt = milliseconds(2);
  p.tTauBias = milliseconds(1);
  CHECK(refusal([&] { CLIAF(w, rec, p); }).first == "tTauBias");
  p = {};
  p.noise_std = -1;
  CHECK(refusal([&] { CLIAF(w, rec, p); }).first == "noise_std");
  p = {};
  p.state_type = StateType::kInt8;
  p.v_thresh = {-200};
  CHECK(refusal([&] { CLIAF(w, rec, p); }).first == "v_thresh");
  CHECK(refusal([&] { SoftMax(w, {.dt = seconds(1), .thresh = -1}); }).first == "thresh");
  CHECK(refusal([&] { SoftMax(WeightMatrix(0, 0, {})); }).first == "weights");
}
