// LifExpClocked::Discretisation::kRockpoolEuler: the forward-Euler step of Rockpool's older
// Jax LIF layers (rockpool.nn.layers.lif_jax, _evolve_lif_jax). Hand-computed steps with
// multi-spike counts, the recurrent timing through the engine, the parameter scaling, the
// registry, checkpoints and the errors.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <tuple>
#include <vector>

#include "engine/checkpoint.hpp"
#include "engine/simulation.hpp"
#include "engine/sources.hpp"
#include "io/network_config.hpp"
#include "neurons/lif_exp.hpp"
#include "neurons/lif_exp_clocked.hpp"
#include "tests/api/network_fixtures.hpp"
#include "tests/neurons/model_test_support.hpp"

using namespace rockpool;
using rockpool::test::same_bits;

namespace {

constexpr auto kEuler = LifExpClocked::Discretisation::kRockpoolEuler;

// Rockpool's units: threshold 0, subtractive reset 1 (v_reset -1), rest 0, bias -1 (the
// RecLIFJax default).
LifExp::Parameters rockpool_units(double tau_mem, double tau_syn) {
  LifExp::Parameters p;
  p.tau_mem = tau_mem;
  p.tau_syn = {tau_syn};
  p.threshold = 0.0;
  p.v_reset = -1.0;
  p.v_rest = 0.0;
  p.bias = -1.0;
  return p;
}

double v_of(const LifExpClocked& l, NeuronIndex i = 0) { return l.state(0, i, Time::zero()); }
double i_of(const LifExpClocked& l, NeuronIndex i = 0) { return l.state(1, i, Time::zero()); }

}  // namespace

TEST_CASE("rockpool_euler: Rockpool's Jax LIF loop by hand over 4 steps, with a 3-spike step") {
  // _evolve_lif_jax's forward(), one neuron, w_in = 1, no recurrence, Python floats:
  //   alpha = dt / tau_mem = 1e-3 / 4e-3 = 0.25;  beta = exp(-1e-3 / 10e-3) = 0.9048374180359595
  //   per step: Isyn = beta * Isyn + x;  V = V - s;  V = V + alpha * (Isyn + I_in + bias - V);
  //             s = max(floor(V + 1), 0)
  //   x = 2, 0, 0, 1;  I_in = 0.5, 10, 0, -0.2;  bias = -1
  //   1: Isyn = 2;                   V = 0.25 (2.5 - 1) = 0.375;            s = floor(1.375) = 1
  //   2: Isyn = 1.809674836071919;   V = -0.625 + 0.25 (11.80967 - 1 + 0.625)
  //                                    = 2.2336687090179796;                s = floor(3.23367) = 3
  //   3: Isyn = 1.6374615061559634;  V = -0.76633 + 0.25 (1.63746 - 1 + 0.76633)
  //                                    = -0.4153830916975244;               s = 0
  //   4: Isyn = 2.4816364413634355;  V = -0.41538 + 0.25 (2.28164 - 1 + 0.41538)
  //                                    = 0.008871791567715559;              s = floor(1.00887) = 1
  // Our i_syn holds beta * Isyn (the decay done at the end of the step; see the header).
  const LifExp::Parameters p = rockpool_units(4e-3, 10e-3);
  const double inputs[] = {2.0, 0.0, 0.0, 1.0};
  const double currents[] = {0.5, 10.0, 0.0, -0.2};
  const double expected_v[] = {0.375, 2.2336687090179796, -0.4153830916975244, 0.008871791567715559};
  const double isyn[] = {2.0, 1.809674836071919, 1.6374615061559634, 2.4816364413634355};
  const double expected_count[] = {1.0, 3.0, 0.0, 1.0};
  const double beta = std::exp(-0.1);

  LifExpClocked dense(p, 1, milliseconds(1), kEuler);
  LifExpClocked listed(p, 1, milliseconds(1), kEuler);
  std::vector<double> out(1);
  std::vector<NeuronIndex> spiked;
  for (std::size_t k = 0; k < 4; ++k) {
    CAPTURE(k);
    // Dense: the bin's input passed to step(), which writes the count.
    dense.set_current(std::span<const double>(&currents[k], 1));
    dense.step(std::span<const double>(&inputs[k], 1), out);
    CHECK(out[0] == expected_count[k]);
    CHECK(v_of(dense) == expected_v[k]);  // the same operations in the same order: bit for bit
    CHECK(i_of(dense) == doctest::Approx(beta * isyn[k]).epsilon(1e-15));
    // The simulation's fast paths: the input into the accumulator, the spikes as a list with
    // the neuron once per spike.
    listed.input_accumulator()[0] += inputs[k];
    listed.set_current(std::span<const double>(&currents[k], 1));
    spiked.clear();
    listed.step_spikes({}, spiked);
    CHECK(spiked.size() == static_cast<std::size_t>(expected_count[k]));
    CHECK(std::all_of(spiked.begin(), spiked.end(), [](NeuronIndex i) { return i == 0; }));
    CHECK(v_of(listed) == expected_v[k]);
  }
  // Step 5 without input: the reset of step 4's spike lands now; Isyn decays once more.
  //   V = 0.00887 - 1 + 0.25 (beta Isyn_4 - 1 - (0.00887 - 1))
  const double v4 = expected_v[3] - 1.0;
  const double expected_v5 = v4 + 0.25 * ((beta * isyn[3] + -1.0) - v4);
  dense.step({}, out);
  CHECK(out[0] == 0.0);
  CHECK(v_of(dense) == doctest::Approx(expected_v5).epsilon(1e-14));
}

TEST_CASE("rockpool_euler: other threshold / reset / rest values scale the same step") {
  // V' = rest + r V with threshold = rest = 0.5 and reset amount r = threshold - v_reset = 2,
  // inputs and bias times r: the same counts, and V' follows Rockpool-unit V affinely.
  const LifExp::Parameters unit = rockpool_units(20e-3, 5e-3);
  LifExp::Parameters scaled = unit;
  scaled.threshold = 0.5;
  scaled.v_rest = 0.5;
  scaled.v_reset = -1.5;
  scaled.bias = 2.0 * unit.bias;
  LifExpClocked a(unit, 2, milliseconds(1), kEuler), b(scaled, 2, milliseconds(1), kEuler);
  b.set_v_mem(std::vector<double>{0.5, 0.5});
  std::vector<double> out_a(2), out_b(2);
  std::size_t spikes = 0, multi = 0;
  for (std::size_t k = 0; k < 200; ++k) {
    CAPTURE(k);
    const double x[] = {k % 3 == 0 ? 2.5 : 0.0, k % 5 == 0 ? 4.0 : 0.0};
    const double c[] = {0.3 + 0.01 * static_cast<double>(k % 7), 25.0 * (k % 40 == 0)};
    const double x2[] = {2 * x[0], 2 * x[1]}, c2[] = {2 * c[0], 2 * c[1]};
    a.set_current(c);
    b.set_current(c2);
    a.step(x, out_a);
    b.step(x2, out_b);
    for (NeuronIndex i = 0; i < 2; ++i) {
      CHECK(out_a[i] == out_b[i]);
      CHECK(v_of(b, i) == doctest::Approx(0.5 + 2.0 * v_of(a, i)).epsilon(1e-12));
      spikes += static_cast<std::size_t>(out_a[i]);
      multi += out_a[i] > 1.0;
    }
  }
  CHECK(spikes > 20);
  CHECK(multi > 0);
}

TEST_CASE("rockpool_euler: a self-projection without delay is Rockpool's w_rec, the reset lands on the next step") {
  // One neuron, input spikes at 0.2 ms, 3.4 ms and 3.7 ms (bins 0 and 3, dt = 1 ms), weight
  // 1.5 each; w_rec = 0.7 through a zero-delay projection of the layer onto itself. The
  // spikes of step k are emitted at the tick (k + 1) dt, the start of bin k + 1: Rockpool's
  // Irec = s_{k-1} w_rec. The reference is Rockpool's loop, written out below.
  LifExp::Parameters p = rockpool_units(5e-3, 8e-3);
  p.bias = 0.0;
  const double w_in = 1.5, w_rec = 0.7;
  const std::vector<double> x = {1.5, 0.0, 0.0, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
  const double alpha = 0.2, beta = std::exp(-0.125);
  std::vector<double> ref_v, ref_s;
  double isyn = 0.0, v = 0.0, s = 0.0;
  for (double xk : x) {
    const double irec = s * w_rec;
    isyn = beta * isyn + (xk + irec);
    v = v - s;
    v = v + alpha * (isyn + p.bias - v);
    s = std::max(std::floor(v + 1.0), 0.0);
    ref_v.push_back(v);
    ref_s.push_back(s);
  }
  REQUIRE(std::count_if(ref_s.begin(), ref_s.end(), [](double c) { return c > 0.0; }) >= 2);

  Network net;
  TSEvent::Options options;
  options.num_channels = 1;
  options.t_start = Time::zero();
  TSEvent events({Time::zero() + microseconds(200), Time::zero() + microseconds(3400),
                  Time::zero() + microseconds(3700)},
                 {0, 0, 0}, options);
  const NodeId in = net.add("in", std::make_unique<TSEventSource>(std::move(events)));
  const NodeId l = net.add("lif", std::make_unique<LifExpClocked>(p, 1, milliseconds(1), kEuler));
  net.connect(in, l, Projection::one_to_one(1, w_in, Duration::zero()));
  net.connect(l, l, Projection::one_to_one(1, w_rec, Duration::zero()));
  Simulation sim(std::move(net));
  std::vector<Time> spike_times;
  sim.on_spike([&](NodeId node, NeuronIndex, Time t) {
    if (node == l) spike_times.push_back(t);
  });
  const auto& layer = static_cast<const LifExpClocked&>(sim.network().node(l));
  std::vector<Time> expected_times;
  for (std::size_t k = 0; k < x.size(); ++k) {
    CAPTURE(k);
    sim.run_until(Time::zero() + milliseconds(static_cast<std::int64_t>(k + 1)) + microseconds(1));
    CHECK(v_of(layer) == doctest::Approx(ref_v[k]).epsilon(1e-14));
    for (double c = ref_s[k]; c >= 1.0; c -= 1.0) {
      expected_times.push_back(Time::zero() + milliseconds(static_cast<std::int64_t>(k + 1)));
    }
  }
  CHECK(spike_times == expected_times);
}

using test::LifObserved;
using test::run_split;
using test::run_straight;

TEST_CASE("LIFClocked with discretisation rockpool_euler by name equals the one built in code, and survives a checkpoint") {
  // Poisson spikes onto 2 ports of 4 neurons, recurrent inhibition and excitation without
  // delay (Rockpool's w_rec), Rockpool's units.
  const std::string config = R"(
input { name: "in" size: 6 poisson { rate: 400 seed: 9 } }
node { name: "lif" model: "LIFClocked" size: 4 param { name: "dt" text: "1ms" } param { name: "tau_mem" value: 0.01 }
  param { name: "tau_syn" value: [0.005, 0.02] } param { name: "threshold" value: 0 } param { name: "v_reset" value: -1 }
  param { name: "bias" value: -0.5 } param { name: "discretisation" text: "rockpool_euler" } }
projection { from: "in" to: "lif" dense {} weight: 0.9 }
projection { from: "lif" to: "lif" dense {} weight: 0.3 }
projection { from: "lif" to: "lif" dense {} weight: -0.4 port: 1 }
)";
  const auto make = [] {
    Network net;
    const NodeId in = net.add("in", std::make_unique<PoissonSource>(6, 400.0, 9));
    LifExp::Parameters lp;
    lp.tau_mem = 0.01;
    lp.tau_syn = {0.005, 0.02};
    lp.threshold = 0.0;
    lp.v_reset = -1.0;
    lp.bias = -0.5;
    const NodeId l = net.add("lif", std::make_unique<LifExpClocked>(lp, 4, milliseconds(1), kEuler));
    // Input channel p * 4 + i is port p of neuron i.
    std::vector<Synapse> spiking, excite, inhibit;
    for (NeuronIndex j = 0; j < 4; ++j) {
      for (NeuronIndex i = 0; i < 6; ++i) spiking.push_back({i, j, 0.9, Duration::zero()});
      for (NeuronIndex i = 0; i < 4; ++i) {
        excite.push_back({i, j, 0.3, Duration::zero()});
        inhibit.push_back({i, j + 4, -0.4, Duration::zero()});
      }
    }
    net.connect(in, l, Projection::from_synapses(6, 8, spiking));
    net.connect(l, l, Projection::from_synapses(4, 8, excite));
    net.connect(l, l, Projection::from_synapses(4, 8, inhibit));
    return net;
  };
  const Time t1 = Time::zero() + milliseconds(41) + microseconds(300), t2 = Time::zero() + milliseconds(120);
  const LifObserved by_name = run_straight(NetworkConfig::parse(config, "test.pbtxt").build().network, t2);
  const LifObserved in_code = run_straight(make(), t2);
  const auto lif_spikes =
      std::count_if(in_code.spikes.begin(), in_code.spikes.end(), [](const auto& s) { return std::get<0>(s) == 1; });
  CHECK(lif_spikes >= 20);
  MESSAGE("rockpool_euler: " << lif_spikes << " LIF spikes");
  REQUIRE(by_name.samples.size() == 3);
  test::check_same(by_name, in_code);
  test::check_same(run_split(make, t1, t2), in_code);
}

TEST_CASE("rockpool_euler: bad combinations and values are named") {
  LifExp::Parameters p = rockpool_units(0.02, 0.01);
  p.refractory = milliseconds(1);
  CHECK_THROWS_WITH_AS(LifExpClocked(p, 2, milliseconds(1), kEuler),
                       doctest::Contains("must be 0 with the rockpool_euler discretisation"), InvalidArgument);
  CHECK_NOTHROW(LifExpClocked(p, 2, milliseconds(1), LifExpClocked::Discretisation::kRockpool));

  const std::string bad_mode = R"(
node { name: "lif" model: "LIFClocked" size: 2 param { name: "discretisation" text: "euler" } }
)";
  CHECK_THROWS_WITH_AS(NetworkConfig::parse(bad_mode, "bad.pbtxt").build(),
                       doctest::Contains("must be exact, rockpool or rockpool_euler, not 'euler'"), ConfigError);
  const std::string refractory = R"(
node { name: "lif" model: "LIFClocked" size: 2 param { name: "refractory" text: "2ms" }
  param { name: "discretisation" text: "rockpool_euler" } }
)";
  CHECK_THROWS_WITH_AS(NetworkConfig::parse(refractory, "bad.pbtxt").build(),
                       doctest::Contains("refractory"), ConfigError);

  // A runaway count (V millions of resets above threshold) is refused by name, not emitted.
  LifExpClocked layer(rockpool_units(1e-3, 0.01), 2, milliseconds(1), kEuler);
  layer.set_name("jax");
  const double huge[] = {0.0, 1e12};
  layer.set_current(huge);
  std::vector<NeuronIndex> spiked;
  CHECK_THROWS_WITH_AS(layer.step_spikes({}, spiked), doctest::Contains("neuron 1 of 'jax' would fire"), OutOfRange);
  const double nan[] = {0.0, std::nan("")};
  CHECK_THROWS_AS(layer.set_current(nan), InvalidArgument);
}

TEST_CASE("rockpool_euler: noise is noise_std z per step on the current input, deterministic by seed") {
  // With tau_mem = dt (alpha = 1) and no other input, V after each step is bias + noise (the
  // reset of a spike lands first and is then forgotten): the std. dev. of V is noise_std,
  // not noise_std sqrt(dt).
  LifExp::Parameters p = rockpool_units(1e-3, 0.01);
  p.bias = -5.0;  // far below threshold: no spikes
  LifExpClocked a(p, 1000, milliseconds(1), kEuler), b(p, 1000, milliseconds(1), kEuler);
  a.set_noise(0.5, 17);
  b.set_noise(0.5, 17);
  std::vector<double> out(1000);
  double sum = 0.0, sum2 = 0.0;
  for (std::size_t k = 0; k < 3; ++k) {
    a.step({}, out);
    b.step({}, out);
  }
  for (NeuronIndex i = 0; i < 1000; ++i) {
    const double v = v_of(a, i) - p.bias;
    sum += v;
    sum2 += v * v;
    CHECK(v_of(a, i) == v_of(b, i));
  }
  const double mean = sum / 1000.0, sd = std::sqrt(sum2 / 1000.0 - mean * mean);
  CHECK(std::abs(mean) < 0.05);  // 3 sigma of the mean of 1000 draws is 0.047
  CHECK(sd == doctest::Approx(0.5).epsilon(0.08));
}
