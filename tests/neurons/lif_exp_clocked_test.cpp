#include "neurons/lif_exp_clocked.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <tuple>

#include "engine/simulation.hpp"
#include "engine/sources.hpp"

using namespace rockpool;

TEST_CASE("a clocked LIF with constant bias fires on the first step past T = tau ln(I/(I - theta))") {
  LifExp::Parameters p;
  p.tau_mem = 0.02;
  p.bias = 1.5;
  p.refractory = milliseconds(2);
  Network net;
  const NodeId l = net.add("lif", std::make_unique<LifExpClocked>(p, 1, microseconds(100)));
  Simulation sim(std::move(net));
  SpikeRecorder& spikes = sim.record_spikes(l);
  sim.run_until(Time::from_seconds(0.5));
  // By hand: V_n = 1.5 (1 - e^{-n dt/tau}) >= 1 first at n = ceil(21.972 ms / 0.1 ms) = 220
  // steps; then 20 clamped refractory steps and 220 free ones: ISI 240 steps = 24 ms.
  REQUIRE(spikes.count() == 20);  // spike n at 22 + 24 n ms < 500 ms: n = 0..19
  for (std::size_t n = 0; n < spikes.count(); ++n) {
    CHECK(spikes.times()[n] == Time::zero() + microseconds(22'000) + static_cast<std::int64_t>(n) * milliseconds(24));
  }
}

TEST_CASE("the clocked LIF propagates a single input exactly at the step times") {
  // One spike of weight 0.8 on port 0 at t = 0 (bin 0); tau_mem 20 ms, tau_syn 5 ms.
  // After k steps: V = 0.8 ts/(ts - tm) (e^{-k dt/ts} - e^{-k dt/tm}) (the closed form).
  LifExp::Parameters p;
  p.tau_syn = {0.005};
  p.threshold = 100;
  Network net;
  const NodeId src = net.add("in", std::make_unique<TSEventSource>(TSEvent({Time::zero()}, {0}, {.num_channels = 1})));
  const NodeId l = net.add("lif", std::make_unique<LifExpClocked>(p, 1, milliseconds(1)));
  net.connect(src, l, Projection::one_to_one(1, 0.8, Duration::zero()));
  Simulation sim(std::move(net));
  StateRecorder& v = sim.record_state(l, "v_mem", {}, milliseconds(1));
  sim.run_until(Time::from_seconds(0.03));
  REQUIRE(v.samples().size() == 30);
  for (std::size_t k = 1; k < 30; ++k) {  // the sample at k ms follows tick k
    const double s = 1e-3 * static_cast<double>(k);
    const double expected = 0.8 * 0.005 / (0.005 - 0.02) * (std::exp(-s / 0.005) - std::exp(-s / 0.02));
    CHECK(v.samples()[k] == doctest::Approx(expected).epsilon(1e-12));
  }
}

TEST_CASE("clocked at 0.1 ms and exact event-driven agree on the firing rate of a driven population") {
  auto rate = [](bool clocked) {
    Network net;
    const NodeId src = net.add("in", std::make_unique<PoissonSource>(200, 20.0, 77));
    LifExp::Parameters p;
    p.tau_syn = {0.005};
    p.refractory = milliseconds(2);
    const NodeId l = clocked ? net.add("lif", std::make_unique<LifExpClocked>(p, 100, microseconds(100)))
                             : net.add("lif", std::make_unique<LifExp>(p, 100));
    net.connect(src, l, Projection::random(200, 100, 0.2, 0.35, milliseconds(1), 5));
    Simulation sim(std::move(net));
    SpikeRecorder& s = sim.record_spikes(l);
    sim.run_until(Time::from_seconds(2));
    return static_cast<double>(s.count()) / (100 * 2.0);
  };
  const double exact = rate(false), clocked = rate(true);
  REQUIRE(exact > 5.0);
  // O(dt) discretisation: inputs move by up to 0.1 ms of a 5 ms synapse; 5 % is generous.
  CHECK(clocked == doctest::Approx(exact).epsilon(0.05));
}

namespace {

// Two ports, 1000 neurons (not a multiple of the 256-neuron blocks of step_spikes), starting
// spread below threshold with a bias that makes them fire every few ms.
LifExp::Parameters two_port_parameters() {
  LifExp::Parameters p;
  p.tau_syn = {0.005, 0.01};
  p.bias = 1.2;
  p.refractory = microseconds(250);  // 3 steps of 0.1 ms (rounded up)
  return p;
}

std::unique_ptr<LifExpClocked> spread_layer(std::size_t n) {
  auto layer = std::make_unique<LifExpClocked>(two_port_parameters(), n, microseconds(100));
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<double>(i % 97) / 97.0;
  layer->set_v_mem(v);
  return layer;
}

// Weights k/16 (exact in binary) on a pseudo-random subset of channels, step by step.
std::vector<double> input_of_step(std::size_t step, std::size_t channels) {
  std::vector<double> in(channels, 0.0);
  for (std::size_t c = 0; c < channels; ++c) {
    const std::size_t h = (c * 2654435761u + step * 40503u) % 1009;
    if (h < 40) in[c] = (static_cast<double>(h % 9) - 3.0) / 16.0;
  }
  return in;
}

bool same_state(const LifExpClocked& a, const LifExpClocked& b, std::size_t n) {
  for (std::size_t variable = 0; variable < 3; ++variable) {
    for (NeuronIndex i = 0; i < n; ++i) {
      const double x = a.state(variable, i, Time::zero()), y = b.state(variable, i, Time::zero());
      if (std::memcmp(&x, &y, sizeof x) != 0) return false;
    }
  }
  return true;
}

}  // namespace

TEST_CASE("step_spikes lists exactly the neurons whose dense output is 1, and steps the same state") {
  const std::size_t n = 1000;
  auto dense = spread_layer(n), listing = spread_layer(n);
  std::vector<double> out(n);
  std::vector<NeuronIndex> spiked;
  std::size_t total = 0;
  bool all_equal = true;
  for (std::size_t k = 0; k < 300; ++k) {
    const auto in = input_of_step(k, 2 * n);
    dense->step(in, out);
    spiked.clear();
    listing->step_spikes(in, spiked);
    std::vector<NeuronIndex> expected;
    for (NeuronIndex i = 0; i < n; ++i) {
      if (out[i] != 0.0) expected.push_back(i);
      all_equal = all_equal && (out[i] == 0.0 || out[i] == 1.0);
    }
    all_equal = all_equal && spiked == expected;
    total += spiked.size();
  }
  CHECK(all_equal);
  CHECK(total > 1000);  // every neuron fires at least once in 30 ms
  CHECK(same_state(*dense, *listing, n));
}

TEST_CASE("input added to the accumulator during the bin equals input passed to the step") {
  // One weight per channel and bin, so I + w is the same sum either way (bitwise).
  const std::size_t n = 1000;
  auto passed = spread_layer(n), accumulated = spread_layer(n);
  std::vector<double> out_passed(n), out_accumulated(n);
  REQUIRE(accumulated->input_accumulator().size() == 2 * n);
  bool same_spikes = true;
  for (std::size_t k = 0; k < 300; ++k) {
    const auto in = input_of_step(k, 2 * n);
    passed->step(in, out_passed);
    const std::span<double> bin = accumulated->input_accumulator();
    for (std::size_t c = 0; c < in.size(); ++c) bin[c] += in[c];
    accumulated->step({}, out_accumulated);
    same_spikes = same_spikes && out_passed == out_accumulated;
  }
  CHECK(same_spikes);
  CHECK(same_state(*passed, *accumulated, n));
}

TEST_CASE("a recurrent clocked network run in pieces equals one run, bit for bit") {
  auto run = [](std::vector<double> ends) {
    Network net;
    const NodeId src = net.add("in", std::make_unique<PoissonSource>(100, 50.0, 3));
    const NodeId l = net.add("lif", spread_layer(600));
    net.connect(src, l, Projection::random(100, 1200, 0.05, 0.3, Duration::zero(), 4));  // both ports
    // Inhibition on port 1 (channels 600..1199), through the layer's accumulator.
    std::vector<Synapse> inhibitory;
    for (NeuronIndex i = 0; i < 600; ++i) {
      for (NeuronIndex j = (i * 7) % 600, k = 0; k < 20; ++k, j = (j + 31) % 600) {
        inhibitory.push_back({i, 600 + j, -0.2, microseconds(300)});
      }
    }
    net.connect(l, l, Projection::from_synapses(600, 1200, inhibitory));
    Simulation sim(std::move(net));
    SpikeRecorder& spikes = sim.record_spikes(l);
    StateRecorder& v = sim.record_state(l, "v_mem", {0, 255, 256, 599}, microseconds(700));
    for (double t : ends) sim.run_until(Time::from_seconds(t));
    return std::make_tuple(spikes.to_tsevent(Time::zero(), sim.now()),
                           std::vector<double>(v.samples().begin(), v.samples().end()));
  };
  const auto [whole, whole_v] = run({0.5});
  const auto [split, split_v] = run({0.10005, 0.10005, 0.333, 0.5});
  REQUIRE(whole.size() > 500);
  CHECK(std::equal(whole.times().begin(), whole.times().end(), split.times().begin(), split.times().end()));
  CHECK(std::equal(whole.channels().begin(), whole.channels().end(), split.channels().begin(),
                   split.channels().end()));
  REQUIRE(whole_v.size() == split_v.size());
  CHECK(std::memcmp(whole_v.data(), split_v.data(), whole_v.size() * sizeof(double)) == 0);
}

TEST_CASE("the Rockpool discretisation of the clocked LIF steps as Rockpool's LIF, by hand over 3 steps") {
  // tau_mem 20 ms, tau_syn 5 ms, dt 1 ms: alpha = e^{-1/20}, beta = e^{-1/5}; bias 0.1,
  // threshold 0.9; inputs 1, 0, 0.5. Rockpool's step: I += x; V *= alpha; I *= beta;
  // V += I + bias; spike = V > theta; V -= spike * theta. By hand (Python floats):
  //   1: I = beta = 0.81873075307798;  V = 0.91873075307798 > 0.9, spike, V = 0.01873075307798
  //   2: I = beta^2 = 0.67032004603564; V = 0.01873075307798 alpha + I + 0.1 = 0.78813728950647
  //   3: I = (beta^2 + 0.5) beta = 0.95817701263302;
  //      V = 0.78813728950647 alpha + I + 0.1 = 1.80787639295781 > 0.9, spike, V = 0.90787639295781
  // (The exact propagator would give V = 0.049 after step 1: the input enters through
  // (beta - alpha) tau_syn / (tau_syn - tau_mem) = 0.044, not beta, and the bias through
  // 1 - alpha = 0.049, not 1.)
  LifExp::Parameters p;
  p.tau_mem = 20e-3;
  p.tau_syn = {5e-3};
  p.bias = 0.1;
  p.threshold = 0.9;
  p.refractory = milliseconds(5);  // ignored: Rockpool's LIF has none
  LifExpClocked layer(p, 1, milliseconds(1), LifExpClocked::Discretisation::kRockpool);
  const double inputs[] = {1.0, 0.0, 0.5};
  const double expected_v[] = {0.01873075307798178, 0.7881372895064728, 0.9078763929578119};
  const double expected_i[] = {0.8187307530779818, 0.6703200460356392, 0.9581770126330171};
  const double expected_spike[] = {1.0, 0.0, 1.0};
  std::vector<double> out(1);
  for (std::size_t k = 0; k < 3; ++k) {
    CAPTURE(k);
    layer.step(std::span<const double>(&inputs[k], 1), out);
    CHECK(out[0] == expected_spike[k]);
    CHECK(layer.state(0, 0, Time::zero()) == doctest::Approx(expected_v[k]).epsilon(1e-14));
    CHECK(layer.state(1, 0, Time::zero()) == doctest::Approx(expected_i[k]).epsilon(1e-14));
  }
  // The same through the accumulator and the spike list (the simulation's fast paths).
  LifExpClocked listed(p, 1, milliseconds(1), LifExpClocked::Discretisation::kRockpool);
  std::vector<NeuronIndex> spiked;
  for (std::size_t k = 0; k < 3; ++k) {
    listed.input_accumulator()[0] += inputs[k];
    spiked.clear();
    listed.step_spikes({}, spiked);
    CHECK(spiked.size() == static_cast<std::size_t>(expected_spike[k]));
  }
  CHECK(listed.state(0, 0, Time::zero()) == layer.state(0, 0, Time::zero()));
}
