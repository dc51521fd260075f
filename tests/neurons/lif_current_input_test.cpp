// LifExp with a current input (Rockpool's "current input" LIF layers): continuous values
// through weighted projections, sampled every dt and held, integrated exactly in between.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>

#include "engine/checkpoint.hpp"
#include "engine/simulation.hpp"
#include "engine/sources.hpp"
#include "neurons/lif_exp.hpp"
#include "neurons/rate.hpp"
#include "tests/neurons/model_test_support.hpp"

using namespace rockpool;

namespace {

constexpr double kTauMem = test::kCurrentTestTauMem;
using test::dense;
using test::held;
LifExp::Parameters lif_parameters(Duration refractory = Duration::zero()) { return test::current_test_lif(refractory); }

// The first tick at or after t (spike times are exact to the tick: the first tick with V >= threshold).
Time tick_at_or_after(double seconds) {
  const double ticks = seconds * static_cast<double>(kTicksPerSecond);
  return Time::from_ticks(static_cast<std::int64_t>(std::ceil(ticks)));
}

}  // namespace

TEST_CASE("LifExp with a constant current input fires with the analytic period, with refractoriness") {
  // tm V' = -V + I from V = 0: V = I (1 - e^{-s/tm}) reaches 1 at T = tm ln(I / (I - 1)); after
  // each spike V is held at 0 for r, so spike k (from 0) is at k (T + r) + T.
  const double current = 1.5;
  const double period = kTauMem * std::log(current / (current - 1.0));
  const Duration refractory = milliseconds(3);
  Network net;
  const NodeId in = net.add("in", std::make_unique<TSContinuousSource>(held({Time::zero()}, {1.0})));
  const NodeId lif = net.add("lif", std::make_unique<LifExp>(lif_parameters(refractory), 1));
  net.connect(in, lif, dense(1, 1, {current}));  // the weight scales the input
  Simulation sim(std::move(net));
  SpikeRecorder& spikes = sim.record_spikes(lif);
  sim.run_until(Time::from_seconds(0.2));
  const auto& times = spikes.times();
  REQUIRE(times.size() == 8);  // spike 7 at 7 * 24.97 + 21.97 = 196.8 ms, spike 8 at 221.8 ms
  for (std::size_t k = 0; k < times.size(); ++k) {
    const double expected = static_cast<double>(k) * (period + to_seconds(refractory)) + period;
    // Each spike is exact to the tick; the refractory end is exact, so errors do not add up
    // beyond one tick per spike.
    CHECK(std::abs((times[k] - tick_at_or_after(expected)).ticks()) <= static_cast<std::int64_t>(k) + 1);
  }
}

TEST_CASE("LifExp current input: a weighted step follows the closed form, sample by sample") {
  // Two input channels into three neurons through w_in (Rockpool's weighted current input):
  // I_j = sum_c x_c w_in[c][j]. Channel 0 steps 0 -> 1 at 5 ms, channel 1 steps 0 -> 2 at
  // 12.5 ms, which the 1 ms sampling holds until the sample at 13 ms.
  const std::vector<double> w_in = {0.3, -0.2, 0.1,  //
                                    0.05, 0.1, 0.2};
  Network net;
  const NodeId in = net.add(
      "in", std::make_unique<TSContinuousSource>(held(
                {Time::zero(), Time::from_seconds(0.005), Time::from_seconds(0.0125)}, {0, 0, 1, 0, 1, 2}, 2)));
  const NodeId lif = net.add("lif", std::make_unique<LifExp>(lif_parameters(), 3));
  net.connect(in, lif, dense(2, 3, w_in));
  Simulation sim(std::move(net));
  StateRecorder& v = sim.record_state(lif, "v_mem", {}, microseconds(700));
  sim.run_until(Time::from_seconds(0.06));
  const auto relax = [](double level, double from, double t) {
    return t > from ? level * (1.0 - std::exp(-(t - from) / kTauMem)) : 0.0;
  };
  REQUIRE(v.times().size() == 86);
  for (std::size_t k = 0; k < v.times().size(); ++k) {
    const double t = to_seconds(v.times()[k]);
    for (std::size_t j = 0; j < 3; ++j) {
      // Superposition: each step adds its own relaxation.
      const double expected = relax(w_in[j], 0.005, t) + relax(2.0 * w_in[3 + j], 0.013, t);
      CHECK(v.samples()[k * 3 + j] == doctest::Approx(expected).epsilon(1e-12).scale(1e-12));
    }
  }
}

TEST_CASE("LifExp current input adds to spiking input and bias, exactly") {
  // Bias 0.2, current 0.5 from 0, a spike of weight 0.8 on port 0 at 10 ms (tau_syn 5 ms):
  // V = (b + I)(1 - e^{-t/tm}) + w ts/(ts - tm) (e^{-s/ts} - e^{-s/tm}),  s = t - 10 ms.
  LifExp::Parameters p = lif_parameters();
  p.bias = 0.2;
  p.threshold = 10.0;
  Network net;
  const NodeId current = net.add("current", std::make_unique<TSContinuousSource>(held({Time::zero()}, {0.5})));
  const NodeId spikes = net.add(
      "spikes", std::make_unique<TSEventSource>(TSEvent({Time::from_seconds(0.01)}, {0}, {.num_channels = 1})));
  const NodeId lif = net.add("lif", std::make_unique<LifExp>(p, 1));
  net.connect(current, lif, dense(1, 1, {1.0}));
  net.connect(spikes, lif, Projection::one_to_one(1, 0.8, Duration::zero()));
  Simulation sim(std::move(net));
  StateRecorder& v = sim.record_state(lif, "v_mem", {}, microseconds(900));
  sim.run_until(Time::from_seconds(0.05));
  for (std::size_t k = 0; k < v.times().size(); ++k) {
    const double t = to_seconds(v.times()[k]);
    double expected = 0.7 * (1.0 - std::exp(-t / kTauMem));
    if (t >= 0.01) {
      const double s = t - 0.01;
      expected += 0.8 * 0.005 / (0.005 - kTauMem) * (std::exp(-s / 0.005) - std::exp(-s / kTauMem));
    }
    CHECK(v.samples()[k] == doctest::Approx(expected).epsilon(1e-12));
  }
}

TEST_CASE("LifExp current input: a constant current fires like the same bias") {
  // tm V' = -V + I and tm V' = -V + b with b = I are one equation: the same spike train,
  // to the tick (the two are computed along different paths: modal form vs bias).
  const auto run = [](bool as_current) {
    LifExp::Parameters p = lif_parameters(microseconds(500));
    if (!as_current) p.bias = 1.3;
    Network net;
    const NodeId in = net.add("in", std::make_unique<TSContinuousSource>(held({Time::zero()}, {as_current ? 1.3 : 0.0})));
    const NodeId lif = net.add("lif", std::make_unique<LifExp>(p, 1));
    net.connect(in, lif, dense(1, 1, {1.0}));
    Simulation sim(std::move(net));
    SpikeRecorder& s = sim.record_spikes(lif);
    sim.run_until(Time::from_seconds(0.3));
    return std::vector<Time>(s.times().begin(), s.times().end());
  };
  const auto with_current = run(true), with_bias = run(false);
  REQUIRE(with_bias.size() > 5);
  REQUIRE(with_current.size() == with_bias.size());
  for (std::size_t k = 0; k < with_bias.size(); ++k) CHECK(std::abs((with_current[k] - with_bias[k]).ticks()) <= 1);
}

TEST_CASE("LifExp current input changed during the refractory period acts from its sample on") {
  // I = 2 from 0: first spike at T1 = tm ln 2. Refractory 5 ms. The input drops to 1.25 at
  // 15 ms (inside [T1, T1 + 5 ms) = [13.86, 18.86) ms), so the free run after the clamp
  // starts from V = 0 under I = 1.25: next spike at T1 + 5 ms + tm ln(1.25 / 0.25).
  const double t1 = kTauMem * std::log(2.0);
  const double t2 = t1 + 0.005 + kTauMem * std::log(5.0);
  Network net;
  const NodeId in =
      net.add("in", std::make_unique<TSContinuousSource>(held({Time::zero(), Time::from_seconds(0.015)}, {2.0, 1.25})));
  const NodeId lif = net.add("lif", std::make_unique<LifExp>(lif_parameters(milliseconds(5)), 1));
  net.connect(in, lif, dense(1, 1, {1.0}));
  Simulation sim(std::move(net));
  SpikeRecorder& spikes = sim.record_spikes(lif);
  sim.run_until(Time::from_seconds(0.06));
  REQUIRE(spikes.times().size() >= 2);
  CHECK(spikes.times()[0] == tick_at_or_after(t1));
  CHECK(std::abs((spikes.times()[1] - tick_at_or_after(t2)).ticks()) <= 1);
}

TEST_CASE("LifExp current input from a clocked layer sees the layer's output of the bin starting then") {
  // A step 0 -> 1.2 at 10 ms through a PassThrough rate layer (dt 1 ms): the layer's tick at
  // 11 ms closes the bin [10, 11) ms and outputs 1.2, held from 11 ms. The population samples
  // after the layer at 11 ms, so its current switches at 11 ms, not 12 ms: V = 1.2 (1 - e^{-s/tm}),
  // s = t - 11 ms, first spike at 11 ms + tm ln(1.2 / 0.2).
  Network net;
  const NodeId in = net.add("in", std::make_unique<TSContinuousSource>(
                                      held({Time::zero(), Time::from_seconds(0.010)}, {0.0, 1.2})));
  PassThrough::Parameters pp;
  pp.dt = milliseconds(1);
  const NodeId layer = net.add("pass", std::make_unique<PassThrough>(WeightMatrix(1, 1, {1.0}), pp));
  const NodeId lif = net.add("lif", std::make_unique<LifExp>(lif_parameters(), 1));
  net.connect(in, layer, dense(1, 1, {1.0}));
  net.connect(layer, lif, dense(1, 1, {1.0}));
  Simulation sim(std::move(net));
  SpikeRecorder& spikes = sim.record_spikes(lif);
  sim.run_until(Time::from_seconds(0.06));
  REQUIRE(!spikes.times().empty());
  CHECK(spikes.times()[0] == tick_at_or_after(0.011 + kTauMem * std::log(6.0)));
}

TEST_CASE("LifExp current input survives a checkpoint bit for bit") {
  const auto make = [] {
    Network net;
    std::vector<Time> times;
    std::vector<double> values;
    for (int k = 0; k < 40; ++k) {  // an irregular staircase, 2 channels
      times.push_back(Time::from_seconds(0.0025 * k));
      values.push_back(1.0 + 0.6 * std::sin(0.7 * k));
      values.push_back(0.9 + 0.5 * std::cos(1.3 * k));
    }
    const NodeId in = net.add("in", std::make_unique<TSContinuousSource>(held(times, values, 2)));
    const NodeId lif = net.add("lif", std::make_unique<LifExp>(lif_parameters(microseconds(700)), 4));
    net.connect(in, lif, dense(2, 4, {0.9, 0.5, 1.2, 0.2, 0.4, 0.8, 0.1, 1.1}));
    net.connect(lif, lif, dense(4, 4, std::vector<double>(16, -0.05), microseconds(200)));
    return net;
  };
  const Time t1 = Time::from_seconds(0.0371), t2 = Time::from_seconds(0.25);
  std::vector<std::pair<Time, NeuronIndex>> straight, split;
  {
    Simulation sim(make());
    sim.on_spike([&](NodeId, NeuronIndex i, Time t) { straight.push_back({t, i}); });
    sim.run_until(t2);
  }
  std::vector<std::byte> bytes;
  {
    Simulation sim(make());
    sim.on_spike([&](NodeId, NeuronIndex i, Time t) { split.push_back({t, i}); });
    sim.run_until(t1);
    StateWriter out;
    sim.save_state(out);
    bytes.assign(out.bytes().begin(), out.bytes().end());
  }
  Simulation resumed(make());
  resumed.on_spike([&](NodeId, NeuronIndex i, Time t) { split.push_back({t, i}); });
  StateReader in(bytes, "<test>");
  resumed.restore_state(in);
  resumed.run_until(t2);
  REQUIRE(straight.size() > 10);
  CHECK(split == straight);
}

TEST_CASE("LifExp current input: bad connections and values are named") {
  Network net;
  const NodeId in = net.add("in", std::make_unique<TSContinuousSource>(held({Time::zero()}, {1.0})));
  LifExp::Parameters p = lif_parameters();
  p.tau_syn = {0.005, 0.01};
  const NodeId lif = net.add("lif", std::make_unique<LifExp>(p, 1));
  CHECK_THROWS_AS(net.connect(in, lif, dense(1, 1, {1.0}, Duration::zero(), 1)), OutOfRange);
  CHECK_THROWS_AS(net.connect(in, lif, dense(1, 2, {1.0, 1.0})), DimensionMismatch);
  CHECK_THROWS_AS(LifExp(p, 1).set_current_dt(Duration::zero()), InvalidArgument);

  LifExp direct(lif_parameters(), 2);
  PredictionList changed;
  direct.start(Time::zero(), changed);
  const double nan[] = {0.0, std::nan("")};
  CHECK_THROWS_WITH_AS(direct.set_current(Time::zero(), nan, changed), doctest::Contains("neuron 1"), InvalidArgument);
  const double one[] = {1.0};
  CHECK_THROWS_AS(direct.set_current(Time::zero(), one, changed), DimensionMismatch);
}
