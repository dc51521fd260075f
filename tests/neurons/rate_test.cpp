#include "neurons/rate.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "engine/simulation.hpp"
#include "engine/sources.hpp"
#include "tests/neurons/model_test_support.hpp"

using namespace rockpool;

namespace {

// What a run recorded: one row-major (steps + 1) x units table per variable, row k taken
// at t0 + k dt, after tick k (row 0 is the initial state).
struct Recorded {
  std::vector<std::vector<double>> vars;
  std::size_t units = 0;
  double at(std::size_t var, std::size_t k, std::size_t j) const { return vars[var][k * units + j]; }
};

// Runs `layer` for `steps` ticks through the engine, fed by `input` (a TSContinuousSource
// on a one-to-one projection of weight 1) if given, recording `variables` every dt.
Recorded simulate(std::unique_ptr<ClockedLayer> layer, std::optional<TSContinuous> input,
                  std::vector<std::string_view> variables, std::int64_t steps) {
  const Duration dt = layer->dt();
  const std::size_t units = layer->size_out();
  const std::size_t inputs = layer->size_in();
  Network net;
  const NodeId l = net.add("layer", std::move(layer));
  if (input) {
    const NodeId src = net.add("in", std::make_unique<TSContinuousSource>(*input));
    net.connect(src, l, Projection::one_to_one(inputs, 1.0, Duration::zero()));
  }
  Simulation sim(std::move(net));
  std::vector<StateRecorder*> recorders;
  for (std::string_view v : variables) recorders.push_back(&sim.record_state(l, v, {}, dt));
  sim.run_until(Time::zero() + steps * dt + ticks(1));
  Recorded out;
  out.units = units;
  for (StateRecorder* r : recorders) {
    REQUIRE(r->times().size() == static_cast<std::size_t>(steps + 1));
    out.vars.emplace_back(r->samples().begin(), r->samples().end());
  }
  return out;
}

// `values` (one per channel), held from 0 to 100 s.
TSContinuous constant(std::vector<double> values) {
  std::vector<double> samples = values;
  samples.insert(samples.end(), values.begin(), values.end());
  return TSContinuous({Time::zero(), Time::from_seconds(100)}, samples, values.size());
}

struct Moments {
  double mean = 0, variance = 0;
  std::size_t n = 0;
};
Moments moments(std::span<const double> v) {
  Moments m;
  m.n = v.size();
  for (double x : v) m.mean += x;
  m.mean /= static_cast<double>(m.n);
  for (double x : v) m.variance += (x - m.mean) * (x - m.mean);
  m.variance /= static_cast<double>(m.n - 1);
  return m;
}
// Mean 0 and variance s^2 within 5 sigma of their estimators (s / sqrt(n) for the mean,
// s^2 sqrt(2 / (n - 1)) for the sample variance of Gaussian values).
void check_gaussian(std::span<const double> v, double s) {
  const Moments m = moments(v);
  const double n = static_cast<double>(m.n);
  CHECK(std::abs(m.mean) < 5 * s / std::sqrt(n));
  CHECK(std::abs(m.variance - s * s) < 5 * s * s * std::sqrt(2 / (n - 1)));
}

using rockpool::test::refusal;

}  // namespace

TEST_CASE("activation functions are Rockpool's H_ReLU, H_sigmoid, H_tanh, identity and user functions") {
  CHECK(Activation::relu()(-0.5) == 0.0);
  CHECK(Activation::relu()(0.75) == 0.75);
  CHECK(Activation()(-1.0) == 0.0);  // ReLU by default
  // Rockpool's sigmoid is (tanh(z) + 1) / 2, which is the logistic function of 2z.
  CHECK(Activation::sigmoid()(0.0) == 0.5);
  CHECK(Activation::sigmoid()(0.7) == doctest::Approx(1.0 / (1.0 + std::exp(-1.4))).epsilon(1e-15));
  CHECK(Activation::tanh()(0.3) == std::tanh(0.3));
  CHECK(Activation::identity()(-2.5) == -2.5);
  CHECK(Activation::user([](double z) { return 3 * z * z; })(2.0) == 12.0);
  CHECK(Activation::user([](double z) { return 3 * z * z; }).kind() == Activation::Kind::kUser);
}

TEST_CASE("defaults are Rockpool's") {
  const WeightMatrix one(1, 1, {1.0});
  FFRateEuler ff(one);
  CHECK(ff.dt() == seconds(1));  // tau = 10 s, dt = min(tau) / 10
  FFRateEuler::Parameters p;
  p.tau = {0.05, 0.02};
  CHECK(FFRateEuler(WeightMatrix(1, 2, {1, 1}), p).dt() == milliseconds(2));
  CHECK(RecRateEuler(one).dt() == milliseconds(100));
  CHECK(PassThrough(one).dt() == seconds(1));
  Rate rate(3);
  CHECK(rate.dt() == milliseconds(1));
  CHECK(rate.size_in() == 3);
  CHECK(rate.size_out() == 3);
  CHECK(std::string(rate.type_name()) == "Rate");
  CHECK(rate.input_signal() == Signal::kContinuous);
  CHECK(rate.output_signal() == Signal::kContinuous);
  CHECK(PassThrough(WeightMatrix(2, 3, std::vector<double>(6, 0.0))).size_in() == 2);
  CHECK(PassThrough(WeightMatrix(2, 3, std::vector<double>(6, 0.0))).size_out() == 3);
}

TEST_CASE("FFRateEuler exact mode: the step response is 1 - e^{-t/tau} at the tick times") {
  FFRateEuler::Parameters p;
  p.tau = {0.02};
  p.dt = milliseconds(1);
  p.activation = Activation::identity();
  p.integration = Integration::kExact;
  const Recorded r = simulate(std::make_unique<FFRateEuler>(WeightMatrix(1, 1, {1.0}), p), constant({1.0}), {"x", "y"}, 200);
  for (std::size_t k = 0; k <= 200; ++k) {
    // Input 1 from t = 0, held: x(t) = 1 - e^{-t/tau}, exactly, at t = k ms.
    const double expected = 1.0 - std::exp(-1e-3 * static_cast<double>(k) / 0.02);
    CHECK(r.at(0, k, 0) == doctest::Approx(expected).epsilon(1e-12));
    CHECK(r.at(1, k, 0) == doctest::Approx(expected).epsilon(1e-12));
  }
}

TEST_CASE("FFRateEuler exact mode takes steps longer than tau") {
  FFRateEuler::Parameters p;
  p.tau = {1e-3};
  p.dt = milliseconds(5);
  p.integration = Integration::kExact;
  const Recorded r = simulate(std::make_unique<FFRateEuler>(WeightMatrix(1, 1, {0.5}), p), constant({4.0}), {"x"}, 4);
  for (std::size_t k = 0; k <= 4; ++k) {
    // Drive 0.5 * 4 = 2: x = 2 (1 - e^{-5k}).
    CHECK(r.at(0, k, 0) == doctest::Approx(2.0 * (1.0 - std::exp(-5.0 * static_cast<double>(k)))).epsilon(1e-12));
  }
}

TEST_CASE("FFRateEuler weights are [pre, post]: unit j receives sum_i u_i W[i][j]") {
  FFRateEuler::Parameters p;
  p.tau = {0.01};
  p.dt = milliseconds(1);
  p.integration = Integration::kExact;
  // W = [[1, 2, 3], [4, 5, 6]], u = (1, 2): W^T u = (1 + 8, 2 + 10, 3 + 12) = (9, 12, 15).
  const Recorded r = simulate(std::make_unique<FFRateEuler>(WeightMatrix(2, 3, {1, 2, 3, 4, 5, 6}), p),
                              constant({1.0, 2.0}), {"x"}, 30);
  const double drive[] = {9, 12, 15};
  for (std::size_t k = 0; k <= 30; ++k) {
    for (std::size_t j = 0; j < 3; ++j) {
      const double expected = drive[j] * (1.0 - std::exp(-1e-3 * static_cast<double>(k) / 0.01));
      CHECK(r.at(0, k, j) == doctest::Approx(expected).epsilon(1e-12));
    }
  }
}

TEST_CASE("FFRateEuler Euler mode follows x_k = g u (1 - (1 - dt/tau)^k), output H(x + b)") {
  FFRateEuler::Parameters p;
  p.tau = {0.02};
  p.dt = milliseconds(1);
  p.gain = {2.0};
  p.bias = {-0.5};
  const Recorded r = simulate(std::make_unique<FFRateEuler>(WeightMatrix(1, 1, {1.0}), p), constant({1.0}), {"x", "y"}, 100);
  for (std::size_t k = 0; k <= 100; ++k) {
    // Rockpool: x += a (-x + g W u), a = dt/tau = 0.05, so 2 - x_k = (1 - a)(2 - x_{k-1}):
    // x_k = 2 (1 - 0.95^k). Output ReLU(x + b) with b = -0.5 (zero until x passes 0.5).
    const double x = 2.0 * (1.0 - std::pow(0.95, static_cast<double>(k)));
    CHECK(r.at(0, k, 0) == doctest::Approx(x).epsilon(1e-12));
    CHECK(r.at(1, k, 0) == doctest::Approx(std::max(0.0, x - 0.5)).epsilon(1e-12));
  }
}

TEST_CASE("PassThrough with a delay shifts a ramp by exactly the delay") {
  // Ramp u(t) = t on [0, 1 s], weight 2, dt 1 ms. Step k + 1 (tick at (k + 1) ms) takes the
  // input sampled at k ms: undelayed y((k + 1) ms) = 2 k ms; with 5 ms of delay the same
  // values come 5 ticks later, and zeros (the empty delay line) before.
  const TSContinuous ramp({Time::zero(), Time::from_seconds(1.0)}, {0.0, 1.0}, 1);
  PassThrough::Parameters p;
  p.dt = milliseconds(1);
  const Recorded plain = simulate(std::make_unique<PassThrough>(WeightMatrix(1, 1, {2.0}), p), ramp, {"y"}, 50);
  p.delay = milliseconds(5);
  auto delayed_layer = std::make_unique<PassThrough>(WeightMatrix(1, 1, {2.0}), p);
  CHECK(delayed_layer->delay_steps() == 5);
  const Recorded delayed = simulate(std::move(delayed_layer), ramp, {"y"}, 50);
  for (std::size_t k = 1; k <= 50; ++k) {
    CHECK(plain.at(0, k, 0) == doctest::Approx(2e-3 * static_cast<double>(k - 1)).epsilon(1e-12));
    CHECK(delayed.at(0, k, 0) == (k > 5 ? plain.at(0, k - 5, 0) : 0.0));
  }
  // A bias is added at the output, also to the empty delay line.
  p.bias = {0.25};
  const Recorded biased = simulate(std::make_unique<PassThrough>(WeightMatrix(1, 1, {2.0}), p), ramp, {"y"}, 10);
  CHECK(biased.at(0, 0, 0) == 0.25);
  CHECK(biased.at(0, 3, 0) == 0.25);
  CHECK(biased.at(0, 10, 0) == doctest::Approx(0.25 + 2e-3 * 4).epsilon(1e-12));
}

TEST_CASE("PassThrough maps M inputs to N outputs with W^T") {
  PassThrough::Parameters p;
  p.dt = milliseconds(1);
  // W = [[1, -1], [0.5, 2], [0, 3]], u = (2, 4, 1): W^T u = (2 + 2 + 0, -2 + 8 + 3) = (4, 9).
  const Recorded r = simulate(std::make_unique<PassThrough>(WeightMatrix(3, 2, {1, -1, 0.5, 2, 0, 3}), p),
                              constant({2.0, 4.0, 1.0}), {"y"}, 3);
  CHECK(r.at(0, 3, 0) == 4.0);
  CHECK(r.at(0, 3, 1) == 9.0);
}

TEST_CASE("RecRateEuler with a self-loop and identity activation follows the linear recurrence's closed form") {
  // x_{k+1} = x_k + l (-x_k + u + w (x_k + b)), l = dt/tau = 0.1, w = 0.5, u = 1, b = 0.2:
  // x_{k+1} = r x_k + l (u + w b), r = 1 - l (1 - w) = 0.95; fixed point
  // x* = (u + w b) / (1 - w) = 2.2; so x_k = x* + (x_0 - x*) r^k with x_0 = 0.5; y = x + b.
  RecRateEuler::Parameters p;
  p.tau = {0.1};
  p.dt = milliseconds(10);
  p.bias = {0.2};
  p.activation = Activation::identity();
  auto layer = std::make_unique<RecRateEuler>(WeightMatrix(1, 1, {0.5}), p);
  const double x0 = 0.5;
  layer->set_x(std::span(&x0, 1));
  const Recorded r = simulate(std::move(layer), constant({1.0}), {"x", "y"}, 300);
  for (std::size_t k = 0; k <= 300; ++k) {
    const double x = 2.2 + (0.5 - 2.2) * std::pow(0.95, static_cast<double>(k));
    CHECK(r.at(0, k, 0) == doctest::Approx(x).epsilon(1e-12));
    CHECK(r.at(1, k, 0) == doctest::Approx(x + 0.2).epsilon(1e-12));
  }
}

TEST_CASE("RecRateEuler weights are [pre, post]: W[0][1] carries unit 0 to unit 1") {
  RecRateEuler::Parameters p;
  p.tau = {0.1};
  p.dt = milliseconds(10);
  p.activation = Activation::identity();
  // u = (1, 0), l = 0.1, x_0 = 0. By hand, x += l (-x + u + W^T x):
  //   step 1: y = (0, 0)        -> x = (0.1, 0)
  //   step 2: W^T y = (0, 0.1)  -> x = (0.1 + 0.1 * 0.9, 0.1 * 0.1) = (0.19, 0.01)
  //   step 3: W^T y = (0, 0.19) -> x = (0.19 + 0.1 * 0.81, 0.01 + 0.1 * 0.18) = (0.271, 0.028)
  const Recorded r = simulate(std::make_unique<RecRateEuler>(WeightMatrix(2, 2, {0, 1, 0, 0}), p), constant({1.0, 0.0}),
                              {"x"}, 3);
  const double expected[4][2] = {{0, 0}, {0.1, 0}, {0.19, 0.01}, {0.271, 0.028}};
  for (std::size_t k = 0; k <= 3; ++k) {
    CHECK(r.at(0, k, 0) == doctest::Approx(expected[k][0]).epsilon(1e-12));
    CHECK(r.at(0, k, 1) == doctest::Approx(expected[k][1]).epsilon(1e-12));
  }
}

TEST_CASE("Rate follows RateJax's update equations, hand-computed for three steps") {
  // RateJax: rec = act @ w_rec; x += dt/tau (-x + i + bias + rec); act = relu(x - threshold).
  // tau = (20, 10) ms, dt = 1 ms: alpha = (0.05, 0.1); bias = (0.1, 0); threshold =
  // (0.05, 0.15); w_rec[0][1] = 0.5, w_rec[1][0] = -1; i = (1, 2); x_0 = 0, act_0 = 0.
  //  step 1: rec = (0, 0); x = (0.05 * 1.1, 0.1 * 2) = (0.055, 0.2); act = (0.005, 0.05)
  //  step 2: rec = (-0.05, 0.0025); x0 = 0.055 + 0.05 (-0.055 + 1.1 - 0.05) = 0.10475,
  //          x1 = 0.2 + 0.1 (-0.2 + 2 + 0.0025) = 0.38025; act = (0.05475, 0.23025)
  //  step 3: rec = (-0.23025, 0.027375); x0 = 0.10475 + 0.05 (-0.10475 + 1.1 - 0.23025)
  //          = 0.143, x1 = 0.38025 + 0.1 (-0.38025 + 2 + 0.027375) = 0.5449625;
  //          act = (0.093, 0.3949625)
  Rate::Parameters p;
  p.tau = {0.02, 0.01};
  p.bias = {0.1, 0.0};
  p.threshold = {0.05, 0.15};
  p.w_rec = WeightMatrix(2, 2, {0, 0.5, -1, 0});
  const Recorded r = simulate(std::make_unique<Rate>(2, p), constant({1.0, 2.0}), {"x", "y", "rec_input"}, 3);
  const double x[4][2] = {{0, 0}, {0.055, 0.2}, {0.10475, 0.38025}, {0.143, 0.5449625}};
  const double y[4][2] = {{0, 0}, {0.005, 0.05}, {0.05475, 0.23025}, {0.093, 0.3949625}};
  const double rec[4][2] = {{0, 0}, {0, 0}, {-0.05, 0.0025}, {-0.23025, 0.027375}};
  for (std::size_t k = 0; k <= 3; ++k) {
    for (std::size_t j = 0; j < 2; ++j) {
      CHECK(r.at(0, k, j) == doctest::Approx(x[k][j]).epsilon(1e-12));
      CHECK(r.at(1, k, j) == doctest::Approx(y[k][j]).epsilon(1e-12));
      CHECK(r.at(2, k, j) == doctest::Approx(rec[k][j]).epsilon(1e-12));
    }
  }
}

TEST_CASE("Rate feed-forward with tanh: x_k = (i + bias)(1 - (1 - alpha)^k), y = tanh(x - threshold)") {
  Rate::Parameters p;  // tau 20 ms, dt 1 ms: alpha = 0.05
  p.bias = {0.5};
  p.threshold = {0.25};
  p.activation = Activation::tanh();
  const Recorded r = simulate(std::make_unique<Rate>(1, p), constant({1.0}), {"x", "y"}, 50);
  for (std::size_t k = 0; k <= 50; ++k) {
    const double x = 1.5 * (1.0 - std::pow(0.95, static_cast<double>(k)));
    CHECK(r.at(0, k, 0) == doctest::Approx(x).epsilon(1e-12));
    CHECK(r.at(1, k, 0) == doctest::Approx(std::tanh(x - 0.25)).epsilon(1e-12));
  }
}

TEST_CASE("noise: each model's per-step scaling, and the same seed gives the same run") {
  SUBCASE("Rate: the drive gets noise_std sqrt(dt) per step (RateJax's noise_zeta)") {
    // tau = dt makes alpha = 1, so x_k = bias + noise_std sqrt(dt) z_k: independent draws.
    Rate::Parameters p;
    p.tau = {1e-3};
    p.noise_std = 2.0;
    p.seed = 11;
    const Recorded r = simulate(std::make_unique<Rate>(100, p), std::nullopt, {"x"}, 200);
    check_gaussian(std::span(r.vars[0]).subspan(100), 2.0 * std::sqrt(1e-3));  // rows 1..200
  }
  SUBCASE("PassThrough: noise_std per output sample") {
    PassThrough::Parameters p;
    p.dt = milliseconds(1);
    p.noise_std = 0.3;
    p.seed = 5;
    const Recorded r = simulate(std::make_unique<PassThrough>(WeightMatrix(1, 100, std::vector<double>(100, 0.0)), p),
                                std::nullopt, {"y"}, 200);
    check_gaussian(std::span(r.vars[0]).subspan(100), 0.3);
  }
  SUBCASE("FFRateEuler exact mode: x settles at std. dev. noise_std; one step gives noise_std sqrt(1 - e^{-2dt/tau})") {
    FFRateEuler::Parameters p;
    p.tau = {0.01};
    p.dt = milliseconds(1);
    p.noise_std = 0.7;
    p.integration = Integration::kExact;
    const std::size_t n = 5000;
    const Recorded r = simulate(std::make_unique<FFRateEuler>(WeightMatrix(1, n, std::vector<double>(n, 0.0)), p),
                                std::nullopt, {"x"}, 100);
    check_gaussian(std::span(r.vars[0]).subspan(n, n), 0.7 * std::sqrt(1.0 - std::exp(-0.2)));
    // After 100 steps = 10 tau: variance 0.49 (1 - e^{-20}).
    check_gaussian(std::span(r.vars[0]).subspan(100 * n, n), 0.7);
  }
  SUBCASE("FFRateEuler and RecRateEuler Euler mode: x settles at noise_std / sqrt(1 - a/2)") {
    // x_k = (1 - a) x_{k-1} + noise_std sqrt(2a) z: stationary variance 2 a s^2 / (1 - (1 - a)^2)
    // = s^2 / (1 - a / 2), a = dt / tau = 0.1; 200 steps leave 0.9^400 of the start.
    const std::size_t n = 5000;
    FFRateEuler::Parameters p;
    p.tau = {0.01};
    p.dt = milliseconds(1);
    p.noise_std = 0.7;
    const Recorded ff = simulate(std::make_unique<FFRateEuler>(WeightMatrix(1, n, std::vector<double>(n, 0.0)), p),
                                 std::nullopt, {"x"}, 200);
    check_gaussian(std::span(ff.vars[0]).subspan(200 * n, n), 0.7 / std::sqrt(0.95));
    // RecRateEuler's matrix is N x N, so fewer units, pooled over steps 100, 150 and 200
    // (correlation 0.9^50 < 0.01 between them).
    const std::size_t m = 1000;
    RecRateEuler::Parameters q;
    q.tau = {0.01};
    q.dt = milliseconds(1);
    q.noise_std = 0.7;
    const Recorded rec = simulate(std::make_unique<RecRateEuler>(WeightMatrix(m, m, std::vector<double>(m * m, 0.0)), q),
                                  std::nullopt, {"x"}, 200);
    std::vector<double> pooled;
    for (std::size_t k : {100, 150, 200}) {
      pooled.insert(pooled.end(), rec.vars[0].begin() + static_cast<std::ptrdiff_t>(k * m),
                    rec.vars[0].begin() + static_cast<std::ptrdiff_t>((k + 1) * m));
    }
    check_gaussian(pooled, 0.7 / std::sqrt(0.95));
  }
  SUBCASE("the same seed gives identical output, another seed a different one") {
    auto run = [](std::uint64_t seed) {
      Rate::Parameters p;
      p.noise_std = 1.0;
      p.seed = seed;
      p.w_rec = WeightMatrix(3, 3, {0, 0.2, 0, 0, 0, 0.3, 0.1, 0, 0});
      return simulate(std::make_unique<Rate>(3, p), constant({0.5, 1.0, 1.5}), {"y"}, 300).vars[0];
    };
    CHECK(run(42) == run(42));
    CHECK(run(42) != run(43));
  }
}

TEST_CASE("bad shapes are refused with DimensionMismatch naming rows and columns") {
  try {
    PassThrough(WeightMatrix(2, 3, {1, 2, 3, 4, 5}));
    FAIL("accepted 5 weights for 2 x 3");
  } catch (const DimensionMismatch& e) {
    CHECK(std::string(e.what()) == "weights: has 5 values for 2 rows x 3 columns");
  }
  try {
    RecRateEuler(WeightMatrix(2, 3, std::vector<double>(6, 0.0)));
    FAIL("accepted a non-square recurrent matrix");
  } catch (const DimensionMismatch& e) {
    CHECK(std::string(e.what()) == "weights: must be square (N x N), got 2 rows x 3 columns");
  }
  Rate::Parameters r;
  r.w_rec = WeightMatrix(3, 2, std::vector<double>(6, 0.0));
  CHECK(refusal([&] { Rate(3, r); }) == std::pair<std::string, bool>("w_rec", true));
  FFRateEuler::Parameters f;
  f.tau = {0.1, 0.2, 0.3};
  CHECK(refusal([&] { FFRateEuler(WeightMatrix(1, 2, {1, 1}), f); }) == std::pair<std::string, bool>("tau", true));
  f = {};
  f.gain = {1, 2, 3};
  CHECK(refusal([&] { FFRateEuler(WeightMatrix(1, 2, {1, 1}), f); }) == std::pair<std::string, bool>("gain", true));
  PassThrough::Parameters pt;
  pt.bias = {1, 2};
  CHECK(refusal([&] { PassThrough(WeightMatrix(1, 3, {1, 1, 1}), pt); }) == std::pair<std::string, bool>("bias", true));
  Rate rate(2);
  const double x3[] = {0, 0, 0};
  CHECK_THROWS_AS(rate.set_x(x3), DimensionMismatch);
  CHECK_THROWS_AS(rate.state(0, 2, Time::zero()), OutOfRange);
}

TEST_CASE("bad values are refused with InvalidArgument naming the parameter") {
  using Named = std::pair<std::string, bool>;
  const WeightMatrix one(1, 1, {1.0});
  const double nan = std::nan(""), inf = INFINITY;
  for (double tau : {0.0, -0.01, nan, inf}) {
    Rate::Parameters r;
    r.tau = {tau};
    CHECK(refusal([&] { Rate(1, r); }) == Named("tau", false));
    RecRateEuler::Parameters q;
    q.tau = {tau};
    CHECK(refusal([&] { RecRateEuler(one, q); }) == Named("tau", false));
    FFRateEuler::Parameters f;
    f.tau = {tau};
    f.dt = milliseconds(1);
    CHECK(refusal([&] { FFRateEuler(one, f); }) == Named("tau", false));
  }
  CHECK(refusal([] { PassThrough(WeightMatrix(1, 2, {1.0, INFINITY})); }) == Named("weights", false));
  CHECK(refusal([] { PassThrough(WeightMatrix(0, 0, {})); }) == Named("weights", false));
  Rate::Parameters r;
  r.threshold = {nan};
  CHECK(refusal([&] { Rate(1, r); }) == Named("threshold", false));
  r = {};
  r.noise_std = -1.0;
  CHECK(refusal([&] { Rate(1, r); }) == Named("noise_std", false));
  r = {};
  r.dt = Duration::zero();
  CHECK(refusal([&] { Rate(1, r); }) == Named("dt", false));
  CHECK(refusal([] { Rate(0); }) == Named("size", false));
  FFRateEuler::Parameters f;
  f.bias = {nan};
  CHECK(refusal([&] { FFRateEuler(one, f); }) == Named("bias", false));
  CHECK(refusal([] { Activation::user(nullptr); }) == Named("activation", false));
}

TEST_CASE("PassThrough refuses a delay that is not a whole number of dt") {
  PassThrough::Parameters p;
  p.dt = milliseconds(2);
  p.delay = milliseconds(3);
  CHECK(refusal([&] { PassThrough(WeightMatrix(1, 1, {1.0}), p); }) == std::pair<std::string, bool>("delay", false));
  p.delay = milliseconds(4);
  CHECK(PassThrough(WeightMatrix(1, 1, {1.0}), p).delay_steps() == 2);
  p.delay = -milliseconds(2);
  CHECK(refusal([&] { PassThrough(WeightMatrix(1, 1, {1.0}), p); }) == std::pair<std::string, bool>("delay", false));
}

TEST_CASE("the Euler solvers refuse an unstable or, for FFRateEuler, Rockpool-invalid dt") {
  using Named = std::pair<std::string, bool>;
  const WeightMatrix one(1, 1, {1.0});
  // Forward Euler on tau dx/dt = -x multiplies x by 1 - dt/tau: unstable for dt >= 2 tau.
  RecRateEuler::Parameters q;
  q.tau = {0.05, 0.01};
  q.dt = milliseconds(20);  // = 2 min(tau)
  CHECK(refusal([&] { RecRateEuler(WeightMatrix(2, 2, {0, 0, 0, 0}), q); }) == Named("dt", false));
  q.dt = milliseconds(19);
  CHECK(RecRateEuler(WeightMatrix(2, 2, {0, 0, 0, 0}), q).dt() == milliseconds(19));
  Rate::Parameters r;
  r.tau = {1e-3};
  r.dt = milliseconds(2);
  CHECK(refusal([&] { Rate(1, r); }) == Named("dt", false));
  // Rockpool's FFRateEuler needs tau >= dt; the exact mode has no limit.
  FFRateEuler::Parameters f;
  f.tau = {1e-3};
  f.dt = milliseconds(2);
  CHECK(refusal([&] { FFRateEuler(one, f); }) == Named("dt", false));
  f.dt = milliseconds(1);
  CHECK(FFRateEuler(one, f).dt() == milliseconds(1));
  f.dt = milliseconds(2);
  f.integration = Integration::kExact;
  CHECK(FFRateEuler(one, f).dt() == milliseconds(2));
}

TEST_CASE("a rate network split over two runs equals one run") {
  // PassThrough -> RecRateEuler -> PassThrough, Rockpool's reservoir tutorial in small.
  auto build = [] {
    Network net;
    const NodeId src = net.add("in", std::make_unique<TSContinuousSource>(
                                         TSContinuous({Time::zero(), Time::from_seconds(1.0)}, {0.0, 1.0}, 1)));
    PassThrough::Parameters pin;
    pin.dt = milliseconds(1);
    const NodeId in = net.add("input", std::make_unique<PassThrough>(WeightMatrix(1, 3, {0.5, -0.2, 0.1}), pin));
    RecRateEuler::Parameters rp;
    rp.tau = {0.02};
    rp.dt = milliseconds(1);
    rp.noise_std = 0.1;
    rp.seed = 9;
    const NodeId res = net.add(
        "reservoir", std::make_unique<RecRateEuler>(WeightMatrix(3, 3, {0, 0.3, -0.2, 0.1, 0, 0.4, -0.3, 0.2, 0}), rp));
    const NodeId out = net.add("readout", std::make_unique<PassThrough>(WeightMatrix(3, 1, {1, 1, 1}), pin));
    net.connect(src, in, Projection::one_to_one(1, 1.0, Duration::zero()));
    net.connect(in, res, Projection::one_to_one(3, 1.0, Duration::zero()));
    net.connect(res, out, Projection::one_to_one(3, 1.0, Duration::zero()));
    auto sim = std::make_unique<Simulation>(std::move(net));
    StateRecorder* y = &sim->record_state(out, "y", {}, milliseconds(1));
    return std::pair(std::move(sim), y);
  };
  auto [one, y_one] = build();
  one->run_until(Time::from_seconds(0.2));
  auto [two, y_two] = build();
  two->run_until(Time::from_seconds(0.07));
  two->run_until(Time::from_seconds(0.2));
  REQUIRE(y_one->samples().size() == 200);
  CHECK(std::vector<double>(y_one->samples().begin(), y_one->samples().end()) ==
        std::vector<double>(y_two->samples().begin(), y_two->samples().end()));
  CHECK(y_one->samples()[199] != 0.0);
}

TEST_CASE("FFRateEuler with exact integration and gain 1/(1 - beta) is Rockpool's FFExpSynCurrentInJax step") {
  // Rockpool's current-input exponential synapse: I <- beta I + W^T u each step, beta = e^{-dt/tau}.
  // Ours: x <- beta x + (1 - beta) g W^T u; with g = 1 / (1 - beta) the two recursions are one.
  const double tau = 0.02, dt = 0.001, beta = std::exp(-dt / tau);
  FFRateEuler::Parameters p;
  p.tau = {tau};
  p.gain = {1.0 / (1.0 - beta)};
  p.activation = Activation::identity();
  p.integration = Integration::kExact;
  p.dt = milliseconds(1);
  const std::vector<double> w = {0.5, -1.0};  // 1 input, 2 units
  std::vector<Time> times;
  std::vector<double> u;
  for (int k = 0; k < 30; ++k) {
    times.push_back(Time::zero() + k * milliseconds(1));
    u.push_back(k < 10 ? 1.0 : (k < 20 ? -0.5 : 0.25));
  }
  TSContinuous::Options o;
  o.interpolation = Interpolation::kPrevious;
  const Recorded r = simulate(std::make_unique<FFRateEuler>(WeightMatrix(1, 2, w), p),
                              TSContinuous(times, u, 1, o), {"x"}, 29);
  // By hand, Rockpool's loop: sample k of x is the state after k steps (sample 0 before any).
  std::vector<double> x(2, 0.0);
  for (std::size_t k = 0; k <= 29; ++k) {
    for (std::size_t j = 0; j < 2; ++j) CHECK(r.at(0, k, j) == doctest::Approx(x[j]).epsilon(1e-12).scale(1e-12));
    for (std::size_t j = 0; j < 2; ++j) x[j] = beta * x[j] + w[j] * u[k];
  }
}
