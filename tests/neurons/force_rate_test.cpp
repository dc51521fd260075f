// ForceRateEuler (neurons/force_rate.hpp): Rockpool's ForceRateEulerJax_IO. Expected values
// come from the ODE's closed forms, from hand calculations shown in comments, and from our
// RecRateEuler (the system the force layer stands in for); the registry and checkpoint
// cases compare runs with each other bit for bit.
#include "neurons/force_rate.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "engine/checkpoint.hpp"
#include "engine/simulation.hpp"
#include "engine/sources.hpp"
#include "io/network_config.hpp"
#include "neurons/exp_syn.hpp"
#include "neurons/model_registry.hpp"
#include "tests/api/network_fixtures.hpp"
#include "tests/neurons/model_test_support.hpp"

using namespace rockpool;
using rockpool::test::same_bits;

namespace {

WeightMatrix identity(std::size_t n) {
  std::vector<double> w(n * n, 0.0);
  for (std::size_t i = 0; i < n; ++i) w[i * n + i] = 1.0;
  return WeightMatrix(n, n, std::move(w));
}

// `values` (one per channel), held from 0 to 100 s.
TSContinuous constant(const std::vector<double>& values) {
  std::vector<double> samples = values;
  samples.insert(samples.end(), values.begin(), values.end());
  return TSContinuous({Time::zero(), Time::from_seconds(100)}, samples, values.size());
}

// Runs `layer` through the engine for `steps` ticks, its I + N input channels fed one to
// one by `input`; returns variable `variable` of unit `unit` after tick k, k = 0..steps.
std::vector<double> simulate(std::unique_ptr<ForceRateEuler> layer, const TSContinuous& input, std::string_view variable,
                             NeuronIndex unit, std::int64_t steps) {
  const Duration dt = layer->dt();
  const std::size_t channels = layer->size_in();
  Network net;
  const NodeId l = net.add("force", std::move(layer));
  const NodeId src = net.add("in", std::make_unique<TSContinuousSource>(input));
  net.connect(src, l, Projection::one_to_one(channels, 1.0, Duration::zero()));
  Simulation sim(std::move(net));
  StateRecorder& r = sim.record_state(l, variable, {unit}, dt);
  sim.run_until(Time::zero() + steps * dt + ticks(1));
  REQUIRE(r.times().size() == static_cast<std::size_t>(steps + 1));
  return {r.samples().begin(), r.samples().end()};
}

using rockpool::test::refusal;

ForceRateEuler::Parameters params(std::vector<double> tau, Duration dt) {
  ForceRateEuler::Parameters p;
  p.tau = std::move(tau);
  p.dt = dt;
  return p;
}

}  // namespace

TEST_CASE("ForceRateEuler: sizes, channels and Rockpool's defaults") {
  ForceRateEuler::Parameters p;
  p.tau = {0.05, 0.02, 0.03};
  const ForceRateEuler layer(WeightMatrix(2, 3, std::vector<double>(6, 1.0)), WeightMatrix(3, 4, std::vector<double>(12, 1.0)), p);
  CHECK(layer.dt() == milliseconds(2));  // Rockpool: dt = min(tau) / 10
  CHECK(layer.size_in() == 5);           // 2 inputs, then 3 force channels
  CHECK(layer.size_out() == 4);
  CHECK(layer.num_inputs() == 2);
  CHECK(layer.num_units() == 3);
  CHECK(layer.force_channel(0) == 2);
  CHECK(layer.force_channel(2) == 4);
  CHECK(std::string(layer.type_name()) == "ForceRateEuler");
  CHECK(layer.input_signal() == Signal::kContinuous);
  CHECK(layer.output_signal() == Signal::kContinuous);
  // Rockpool's initial state is 0, so activity and output start at H(0) = 0 (ReLU).
  for (NeuronIndex j = 0; j < 3; ++j) CHECK(layer.state(0, j, Time::zero()) == 0.0);
  for (NeuronIndex o = 0; o < 4; ++o) CHECK(layer.state(2, o, Time::zero()) == 0.0);
  CHECK_THROWS_AS(layer.state(0, 3, Time::zero()), OutOfRange);  // x has 3 units
  CHECK(layer.state(2, 3, Time::zero()) == 0.0);                  // output has 4 channels
  CHECK_THROWS_AS(layer.state(2, 4, Time::zero()), OutOfRange);
  // Recorders take each variable's own size (Node::state_size): 3 units, 4 outputs.
  Network net;
  const NodeId l = net.add("force", std::make_unique<ForceRateEuler>(WeightMatrix(2, 3, std::vector<double>(6, 1.0)),
                                                                     WeightMatrix(3, 4, std::vector<double>(12, 1.0)), p));
  Simulation sim(std::move(net));
  CHECK(sim.record_state(l, "activity", {}, milliseconds(2)).neurons().size() == 3);
  CHECK(sim.record_state(l, "output", {}, milliseconds(2)).neurons().size() == 4);
  CHECK_THROWS_AS(sim.record_state(l, "x", {3}, milliseconds(2)), OutOfRange);
  CHECK_NOTHROW(sim.record_state(l, "output", {3}, milliseconds(2)));
}

TEST_CASE("ForceRateEuler exact mode: the step response to input + force + bias is D (1 - e^{-t/tau})") {
  // One input, one unit: w_in = 2, u = 0.5, force 0.3, bias 0.1, so the drive is
  // D = 2 * 0.5 + 0.3 + 0.1 = 1.4; identity activation, w_out = 3.
  ForceRateEuler::Parameters p = params({0.02}, milliseconds(1));
  p.bias = {0.1};
  p.activation = Activation::identity();
  p.integration = Integration::kExact;
  auto make = [&] { return std::make_unique<ForceRateEuler>(WeightMatrix(1, 1, {2.0}), WeightMatrix(1, 1, {3.0}), p); };
  const std::vector<double> x = simulate(make(), constant({0.5, 0.3}), "x", 0, 200);
  const std::vector<double> y = simulate(make(), constant({0.5, 0.3}), "output", 0, 200);
  for (std::size_t k = 0; k <= 200; ++k) {
    // Input and force from t = 0, held: x(t) = D (1 - e^{-t/tau}) at t = k ms, exactly.
    const double expected = 1.4 * (1.0 - std::exp(-1e-3 * static_cast<double>(k) / 0.02));
    CHECK(x[k] == doctest::Approx(expected).epsilon(1e-12));
    CHECK(y[k] == doctest::Approx(3.0 * expected).epsilon(1e-12));
  }
}

TEST_CASE("ForceRateEuler input_projection and force_projection feed u and F from separate nodes") {
  // I = 1, N = 2, w_in = (1, 2): u = 0.5 and force (0.3, -0.1) give D = (0.8, 0.9);
  // exact mode, identity: x_j(t) = D_j (1 - e^{-t/tau}).
  ForceRateEuler::Parameters p = params({0.02}, milliseconds(1));
  p.activation = Activation::identity();
  p.integration = Integration::kExact;
  auto layer = std::make_unique<ForceRateEuler>(WeightMatrix(1, 2, {1.0, 2.0}), identity(2), p);
  Projection to_u = layer->input_projection(), to_force = layer->force_projection();
  CHECK(to_u.num_pre() == 1);
  CHECK(to_force.num_pre() == 2);
  CHECK(to_force.num_post() == 3);
  Network net;
  const NodeId l = net.add("force", std::move(layer));
  const NodeId u = net.add("u", std::make_unique<TSContinuousSource>(constant({0.5})));
  const NodeId f = net.add("f", std::make_unique<TSContinuousSource>(constant({0.3, -0.1})));
  net.connect(u, l, std::move(to_u));
  net.connect(f, l, std::move(to_force));
  Simulation sim(std::move(net));
  StateRecorder& x = sim.record_state(l, "x", {}, milliseconds(1));
  sim.run_until(Time::zero() + milliseconds(50) + ticks(1));
  REQUIRE(x.samples().size() == 2 * 51);
  const double rise = 1.0 - std::exp(-0.05 / 0.02);
  CHECK(x.samples()[2 * 50] == doctest::Approx(0.8 * rise).epsilon(1e-12));
  CHECK(x.samples()[2 * 50 + 1] == doctest::Approx(0.9 * rise).epsilon(1e-12));
}

TEST_CASE("ForceRateEuler exact mode takes steps longer than tau, Euler mode refuses dt >= 2 tau") {
  ForceRateEuler::Parameters p = params({0.01}, milliseconds(50));
  p.activation = Activation::identity();
  CHECK(refusal([&] { ForceRateEuler(WeightMatrix(1, 1, {1.0}), WeightMatrix(1, 1, {1.0}), p); }).first == "dt");
  p.integration = Integration::kExact;
  ForceRateEuler layer(WeightMatrix(1, 1, {1.0}), WeightMatrix(1, 1, {1.0}), p);
  std::vector<double> out(1);
  const std::vector<double> in = {1.0, 0.0};
  layer.step(in, out);
  layer.step(in, out);
  // After 0.1 s = 10 tau: 1 - e^{-10}.
  CHECK(out[0] == doctest::Approx(1.0 - std::exp(-10.0)).epsilon(1e-12));
}

TEST_CASE("ForceRateEuler Euler mode follows Rockpool's recursion x_{k+1} = x_k + dt/tau (-x_k + D)") {
  // tau = 10 ms, dt = 1 ms: a = dt/tau = 0.1. Drive D = w_in u + F + b = 1 * 1 + 0.5 + 0 = 1.5.
  ForceRateEuler::Parameters p = params({0.01}, milliseconds(1));
  p.activation = Activation::identity();
  const std::vector<double> x = simulate(std::make_unique<ForceRateEuler>(WeightMatrix(1, 1, {1.0}), WeightMatrix(1, 1, {1.0}), p),
                                         constant({1.0, 0.5}), "x", 0, 100);
  // By hand: x_1 = 0.15, x_2 = 0.15 + 0.1 (1.5 - 0.15) = 0.285, x_3 = 0.285 + 0.1 (1.5 - 0.285) = 0.4065.
  CHECK(x[0] == 0.0);
  CHECK(x[1] == doctest::Approx(0.15).epsilon(1e-14));
  CHECK(x[2] == doctest::Approx(0.285).epsilon(1e-14));
  CHECK(x[3] == doctest::Approx(0.4065).epsilon(1e-14));
  // The recursion's closed form: x_k = D (1 - (1 - a)^k).
  for (std::size_t k = 0; k <= 100; ++k) CHECK(x[k] == doctest::Approx(1.5 * (1.0 - std::pow(0.9, static_cast<double>(k)))).epsilon(1e-12));
  // ... which is not the exact exponential: the Euler layer must differ from it.
  CHECK(std::abs(x[10] - 1.5 * (1.0 - std::exp(-1.0))) > 1e-3);
}

TEST_CASE("ForceRateEuler routes inputs through w_in [pre, post], force 1:1, output = H(x) @ w_out") {
  // I = 2, N = 2, O = 3, ReLU, tau = 10 ms, dt = 1 ms (a = 0.1).
  // w_in = [[1, -1], [0.5, 2]] (row = input): u = (1, 2) gives W_in^T u = (1 + 1, -1 + 4) = (2, 3).
  // force (0.5, -4), bias (0.1, 0.2): drive D = (2.6, -0.8).
  ForceRateEuler::Parameters p = params({0.01}, milliseconds(1));
  p.bias = {0.1, 0.2};
  ForceRateEuler layer(WeightMatrix(2, 2, {1, -1, 0.5, 2}), WeightMatrix(2, 3, {1, 2, -3, 4, 5, 6}), p);
  const std::vector<double> in = {1.0, 2.0, 0.5, -4.0};
  std::vector<double> out(3);
  // Step 1 from x = 0: x = 0.1 D = (0.26, -0.08); activity (0.26, 0);
  // output = 0.26 * (1, 2, -3) + 0 * (4, 5, 6) = (0.26, 0.52, -0.78).
  layer.step(in, out);
  CHECK(layer.state(0, 0, Time::zero()) == doctest::Approx(0.26).epsilon(1e-14));
  CHECK(layer.state(0, 1, Time::zero()) == doctest::Approx(-0.08).epsilon(1e-14));
  CHECK(layer.state(1, 1, Time::zero()) == 0.0);
  CHECK(out[0] == doctest::Approx(0.26).epsilon(1e-14));
  CHECK(out[1] == doctest::Approx(0.52).epsilon(1e-14));
  CHECK(out[2] == doctest::Approx(-0.78).epsilon(1e-14));
  // Step 2: x = (0.26 + 0.1 (2.6 - 0.26), -0.08 + 0.1 (-0.8 + 0.08)) = (0.494, -0.152);
  // output = 0.494 * (1, 2, -3) = (0.494, 0.988, -1.482).
  layer.step(in, out);
  CHECK(layer.state(0, 1, Time::zero()) == doctest::Approx(-0.152).epsilon(1e-14));
  CHECK(out[0] == doctest::Approx(0.494).epsilon(1e-14));
  CHECK(out[1] == doctest::Approx(0.988).epsilon(1e-14));
  CHECK(out[2] == doctest::Approx(-1.482).epsilon(1e-14));
  for (NeuronIndex o = 0; o < 3; ++o) CHECK(layer.state(2, o, Time::zero()) == out[o]);

  // A NaN sample (a series read past its end) counts as 0, on the inputs as in Rockpool
  // and on the force channels too: with u = (NaN, 2), force (0.5, NaN) the drive is
  // W_in^T (0, 2) + (0.5, 0) + b = (1 + 0.5 + 0.1, 4 + 0.2) = (1.6, 4.2).
  ForceRateEuler fresh(WeightMatrix(2, 2, {1, -1, 0.5, 2}), WeightMatrix(2, 3, {1, 2, -3, 4, 5, 6}), p);
  const std::vector<double> with_nan = {std::nan(""), 2.0, 0.5, std::nan("")};
  fresh.step(with_nan, out);
  CHECK(fresh.state(0, 0, Time::zero()) == doctest::Approx(0.16).epsilon(1e-14));
  CHECK(fresh.state(0, 1, Time::zero()) == doctest::Approx(0.42).epsilon(1e-14));

  // The initial output is Rockpool's get_output_from_state: x0 = (1, 2) gives
  // (1 + 8, 2 + 10, -3 + 12) = (9, 12, 9).
  const std::vector<double> x0 = {1.0, 2.0};
  layer.set_x(x0);
  CHECK(layer.state(2, 0, Time::zero()) == 9.0);
  CHECK(layer.state(2, 1, Time::zero()) == 12.0);
  CHECK(layer.state(2, 2, Time::zero()) == 9.0);
}

TEST_CASE("ForceRateEuler forced with W_rec^T H(x) reproduces RecRateEuler with W_rec") {
  // The force stands in for the recurrent input: feeding the layer's own W_rec^T H(x),
  // computed here by hand, closes the loop, and the trajectory is RecRateEuler's
  // (bias 0, where RecRateEuler's bias would sit inside H). Same rounding is not expected
  // (the sums associate differently), hence 1e-12.
  const std::vector<double> w_rec = {0.2, -1.3, 0.9, 0.4};  // [pre][post]
  const std::vector<double> tau = {0.02, 0.05};
  RecRateEuler::Parameters rp;
  rp.tau = tau;
  rp.dt = milliseconds(1);
  rp.activation = Activation::tanh();
  RecRateEuler rec(WeightMatrix(2, 2, w_rec), rp);
  ForceRateEuler::Parameters fp = params(tau, milliseconds(1));
  fp.activation = Activation::tanh();
  ForceRateEuler force(identity(2), identity(2), fp);
  const std::vector<double> x0 = {0.3, -0.6};
  rec.set_x(x0);
  force.set_x(x0);
  std::vector<double> out_rec(2), out_force(2);
  double largest = 0.0;
  for (int k = 0; k < 300; ++k) {
    const std::vector<double> u = {std::sin(0.05 * k), 0.5 * std::cos(0.03 * k)};
    const double h0 = std::tanh(force.state(0, 0, Time::zero())), h1 = std::tanh(force.state(0, 1, Time::zero()));
    const std::vector<double> in = {u[0], u[1], h0 * w_rec[0] + h1 * w_rec[2], h0 * w_rec[1] + h1 * w_rec[3]};
    rec.step(u, out_rec);
    force.step(in, out_force);
    for (NeuronIndex j = 0; j < 2; ++j) {
      CHECK(force.state(0, j, Time::zero()) == doctest::Approx(rec.state(0, j, Time::zero())).epsilon(1e-12));
      CHECK(out_force[j] == doctest::Approx(out_rec[j]).epsilon(1e-12));
      largest = std::max(largest, std::abs(out_force[j]));
    }
  }
  CHECK(largest > 0.3);  // the run went somewhere
}

TEST_CASE("ForceRateEuler noise: Rockpool's noise_std z on the drive, same seed same run") {
  // x += dt/tau (-x + noise_std z): from x = 0 one step gives x = a noise_std z, a = 0.1,
  // so over 2000 units x / (a noise_std) is standard normal.
  const std::size_t n = 2000;
  ForceRateEuler::Parameters p = params({0.01}, milliseconds(1));
  p.activation = Activation::identity();
  p.noise_std = 0.5;
  p.seed = 17;
  ForceRateEuler layer(identity(n), identity(n), p);
  std::vector<double> in(2 * n, 0.0), out(n);
  layer.step(in, out);
  double mean = 0, var = 0;
  for (double v : out) mean += v / (0.1 * 0.5);
  mean /= static_cast<double>(n);
  for (double v : out) var += (v / 0.05 - mean) * (v / 0.05 - mean);
  var /= static_cast<double>(n - 1);
  CHECK(std::abs(mean) < 5.0 / std::sqrt(static_cast<double>(n)));
  CHECK(std::abs(var - 1.0) < 5.0 * std::sqrt(2.0 / static_cast<double>(n - 1)));
  ForceRateEuler again(identity(n), identity(n), p);
  std::vector<double> out2(n);
  again.step(in, out2);
  CHECK(same_bits(out, out2));
  p.seed = 18;
  ForceRateEuler other(identity(n), identity(n), p);
  other.step(in, out2);
  CHECK(!same_bits(out, out2));
}

TEST_CASE("ForceRateEuler refuses bad parameters with named errors") {
  const WeightMatrix w_in(2, 3, std::vector<double>(6, 0.5));
  const WeightMatrix w_out(3, 1, {1, 1, 1});
  auto make = [&](ForceRateEuler::Parameters p, WeightMatrix a, WeightMatrix b) {
    return refusal([&] { ForceRateEuler(a, b, p); });
  };
  const ForceRateEuler::Parameters good = params({0.02}, milliseconds(1));
  CHECK(make(good, w_in, w_out).first == "(accepted)");
  CHECK(make(params({-0.02}, milliseconds(1)), w_in, w_out) == std::pair<std::string, bool>{"tau", false});
  CHECK(make(params({0.0}, milliseconds(1)), w_in, w_out) == std::pair<std::string, bool>{"tau", false});
  CHECK(make(params({std::nan("")}, milliseconds(1)), w_in, w_out) == std::pair<std::string, bool>{"tau", false});
  CHECK(make(params({}, milliseconds(1)), w_in, w_out) == std::pair<std::string, bool>{"tau", false});
  CHECK(make(params({0.02, 0.03}, milliseconds(1)), w_in, w_out) == std::pair<std::string, bool>{"tau", true});
  // w_out must have N = 3 rows.
  CHECK(make(good, w_in, WeightMatrix(2, 1, {1, 1})) == std::pair<std::string, bool>{"w_out", true});
  CHECK(make(good, WeightMatrix(2, 3, {1, 2, 3}), w_out) == std::pair<std::string, bool>{"w_in", true});
  CHECK(make(good, WeightMatrix(2, 3, {1, 2, 3, 4, std::nan(""), 6}), w_out) == std::pair<std::string, bool>{"w_in", false});
  CHECK(make(good, w_in, WeightMatrix(3, 1, {1, INFINITY, 1})) == std::pair<std::string, bool>{"w_out", false});
  CHECK(make(good, WeightMatrix(0, 3, {}), w_out) == std::pair<std::string, bool>{"w_in", false});
  ForceRateEuler::Parameters p = good;
  p.bias = {0.0, 1.0};
  CHECK(make(p, w_in, w_out) == std::pair<std::string, bool>{"bias", true});
  p.bias = {std::nan("")};
  CHECK(make(p, w_in, w_out) == std::pair<std::string, bool>{"bias", false});
  p = good;
  p.noise_std = -1.0;
  CHECK(make(p, w_in, w_out).first == "noise_std");
  p.noise_std = std::nan("");
  CHECK(make(p, w_in, w_out).first == "noise_std");
  p = good;
  p.dt = Duration::zero();
  CHECK(make(p, w_in, w_out).first == "dt");
  p.dt = milliseconds(40);  // = 2 tau: forward Euler unstable
  CHECK(make(p, w_in, w_out).first == "dt");
  p.dt = milliseconds(39);
  CHECK(make(p, w_in, w_out).first == "(accepted)");
  ForceRateEuler layer(w_in, w_out, good);
  CHECK(refusal([&] { layer.set_x(std::vector<double>{1, 2}); }) == std::pair<std::string, bool>{"x", true});
  CHECK(refusal([&] { layer.set_x(std::vector<double>{1, std::nan(""), 2}); }) == std::pair<std::string, bool>{"x", false});
}

TEST_CASE("ForceRateEuler checkpoint: run to t1, save, restore, run to t2 equals a straight run bit for bit") {
  // Noise on, so a restored layer that lost its step counter would draw other numbers.
  auto make_layer = [] {
    ForceRateEuler::Parameters p = params({0.02, 0.035, 0.05}, microseconds(500));
    p.bias = {0.1, -0.2, 0.05};
    p.activation = Activation::sigmoid();
    p.noise_std = 0.3;
    p.seed = 5;
    return std::make_unique<ForceRateEuler>(WeightMatrix(2, 3, {0.5, -1, 2, 1.5, 0.3, -0.7}),
                                            WeightMatrix(3, 2, {1, -1, 0.5, 2, -0.3, 0.8}), p);
  };
  // Two inputs and three force channels, piecewise linear.
  const TSContinuous drive({Time::zero(), Time::from_seconds(0.03), Time::from_seconds(0.1)},
                           {0, 0, 0, 0, 0, 1, -0.5, 0.4, 0.2, -1, -1, 2, 0.5, 0.3, 0.8}, 5);
  auto make = [&] {
    Network net;
    const NodeId src = net.add("in", std::make_unique<TSContinuousSource>(drive));
    const NodeId l = net.add("force", make_layer());
    net.connect(src, l, Projection::one_to_one(5, 1.0, Duration::zero()));
    return net;
  };
  const Time t1 = Time::zero() + milliseconds(37) + microseconds(310), t2 = Time::zero() + milliseconds(90);
  auto end_state = [](const Simulation& sim, Time t) {
    const Node& node = sim.network().node(1);
    std::vector<double> v;
    for (NeuronIndex j = 0; j < 3; ++j) v.push_back(node.state(0, j, t));
    for (NeuronIndex j = 0; j < 3; ++j) v.push_back(node.state(1, j, t));
    for (NeuronIndex o = 0; o < 2; ++o) v.push_back(node.state(2, o, t));
    return v;
  };
  Simulation straight(make());
  StateRecorder& straight_out = straight.record_state(1, "output", {0, 1}, microseconds(700));
  straight.run_until(t2);

  std::vector<std::byte> bytes;
  std::vector<double> samples;
  {
    Simulation first(make());
    StateRecorder& rec = first.record_state(1, "output", {0, 1}, microseconds(700));
    first.run_until(t1);
    StateWriter out;
    first.save_state(out);
    bytes.assign(out.bytes().begin(), out.bytes().end());
    samples.assign(rec.samples().begin(), rec.samples().end());
  }
  Simulation second(make());
  StateRecorder& rec = second.record_state(1, "output", {0, 1}, microseconds(700));
  StateReader in(bytes, "<test>");
  second.restore_state(in);
  CHECK(in.at_end());
  second.run_until(t2);
  samples.insert(samples.end(), rec.samples().begin(), rec.samples().end());

  CHECK(same_bits(end_state(second, t2), end_state(straight, t2)));
  CHECK(same_bits(samples, std::vector<double>(straight_out.samples().begin(), straight_out.samples().end())));
  CHECK(samples.size() == 2 * 129);  // samples at 0, 0.7, ..., 89.6 ms
  CHECK(end_state(straight, t2)[6] != 0.0);

  // A state of another layer's shape is refused, naming what was read.
  StateWriter wrong;
  wrong.put_array(std::vector<double>{1.0, 2.0});
  StateReader wrong_in(wrong.bytes(), "<test>");
  auto layer = make_layer();
  CHECK_THROWS_AS(layer->restore_state(wrong_in), CheckpointError);
}

TEST_CASE("ForceRateEuler by name from a config equals the layer built in code, bit for bit") {
  // ExpSyn filters Poisson spikes into 5 continuous channels: 2 inputs, then 3 force channels.
  const std::string config = R"(
input { name: "in" size: 5 poisson { rate: 200 seed: 3 } }
node { name: "syn" model: "ExpSyn" size: 5 param { name: "tau" value: 0.01 } param { name: "dt" text: "1ms" } }
node { name: "force" model: "ForceRateEulerJax_IO" size: 3 size_in: 2
  param { name: "w_in" value: [0.5, -1, 2, 1.5, 0.3, -0.7] } param { name: "w_out" value: [1, -1, 0.5, 2, -0.3, 0.8] }
  param { name: "tau" value: [0.02, 0.03, 0.05] } param { name: "bias" value: 0.1 } param { name: "activation" text: "tanh" }
  param { name: "noise_std" value: 0.2 } param { name: "dt" text: "1ms" } param { name: "seed" value: 4 } }
projection { from: "in" to: "syn" one_to_one {} weight: 1 }
projection { from: "syn" to: "force" one_to_one {} weight: 1 }
)";
  auto in_code = [] {
    Network net;
    const NodeId in = net.add("in", std::make_unique<PoissonSource>(std::vector<double>(5, 200.0), 3));
    const NodeId syn = net.add("syn", std::make_unique<ExpSynClocked>(5, ExpSynClocked::Parameters{.tau = {0.01}, .dt = milliseconds(1)}));
    ForceRateEuler::Parameters p = params({0.02, 0.03, 0.05}, milliseconds(1));
    p.bias = {0.1};
    p.activation = Activation::tanh();
    p.noise_std = 0.2;
    p.seed = 4;
    const NodeId force = net.add("force", std::make_unique<ForceRateEuler>(WeightMatrix(2, 3, {0.5, -1, 2, 1.5, 0.3, -0.7}),
                                                                           WeightMatrix(3, 2, {1, -1, 0.5, 2, -0.3, 0.8}), p));
    net.connect(in, syn, Projection::one_to_one(5, 1.0, Duration::zero()));
    net.connect(syn, force, Projection::one_to_one(5, 1.0, Duration::zero()));
    return net;
  };
  auto run = [](Network net) {
    Simulation sim(std::move(net));
    const NodeId force = sim.network().id("force");
    StateRecorder& x = sim.record_state(force, "x", {0, 1, 2}, microseconds(700));
    StateRecorder& y = sim.record_state(force, "output", {0, 1}, microseconds(700));
    sim.run_until(Time::zero() + milliseconds(90));
    std::vector<double> v(x.samples().begin(), x.samples().end());
    v.insert(v.end(), y.samples().begin(), y.samples().end());
    return v;
  };
  const std::vector<double> by_name = run(NetworkConfig::parse(config, "test.pbtxt").build().network);
  const std::vector<double> built = run(in_code());
  CHECK(by_name.size() == 129 * 5);
  CHECK(same_bits(by_name, built));
  CHECK(std::count_if(built.begin(), built.end(), [](double v) { return v != 0.0; }) > 500);
}

TEST_CASE("ForceRateEuler registry: defaults, required tau, w_out shape, unknown parameters") {
  const ModelRegistry models = builtin_models();
  REQUIRE(models.find("ForceRateEuler") != nullptr);
  CHECK(models.find("forceRateEulerJax") == models.find("ForceRateEuler"));
  {
    // No w_in, w_out: identities, so 3 inputs + 3 force channels in, 3 activities out.
    const ModelParams p({{"tau", {0.01}}});
    const BuiltModel m = models.build("ForceRateEuler", {.node = "f", .size = 3, .params = p});
    CHECK(m.node->size_in() == 6);
    CHECK(m.node->size_out() == 3);
    CHECK(static_cast<const ClockedLayer&>(*m.node).dt() == milliseconds(1));  // tau / 10
  }
  {
    // w_out with 6 values for 3 units: 3 x 2.
    const ModelParams p({{"tau", {0.01}}, {"w_out", {1, 2, 3, 4, 5, 6}}});
    CHECK(models.build("ForceRateEuler", {.node = "f", .size = 3, .params = p}).node->size_out() == 2);
  }
  auto refused = [&](std::vector<ModelParam> params, std::size_t size_in = 0) {
    const ModelParams p(std::move(params));
    return refusal([&] { models.build("ForceRateEuler", {.node = "f", .size = 3, .size_in = size_in, .params = p}); });
  };
  CHECK(refused({}).first == "tau");
  CHECK(refused({{"tau", {0.01}}, {"w_out", {1, 2, 3, 4}}}) == std::pair<std::string, bool>{"w_out", true});
  CHECK(refused({{"tau", {0.01}}}, 2).first == "w_in");  // size_in 2 != size 3: no identity
  CHECK(refused({{"tau", {0.01}}, {"w_in", {1, 2, 3}}}, 2) == std::pair<std::string, bool>{"w_in", true});
  CHECK(refused({{"tau", {0.01}}, {"integration", {}, "rk4"}}).first == "integration");
  CHECK(refused({{"tau", {0.01}}, {"w_rec", {1}}}).first == "w_rec");  // not a parameter of this model
}
