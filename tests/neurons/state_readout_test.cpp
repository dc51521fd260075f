// StateReadout: Rockpool's weighted surrogate output of an exact LIF population.
#include "neurons/state_readout.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "engine/checkpoint.hpp"
#include "engine/simulation.hpp"
#include "engine/sources.hpp"
#include "neurons/lif_exp.hpp"
#include "neurons/lif_exp_clocked.hpp"

using namespace rockpool;

namespace {

constexpr double kTauMem = 0.02, kTauSyn = 0.005, kWeight = 0.8;

// One input spike of weight 0.8 at 10 ms into 2 neurons (threshold high enough that they stay
// below it): V(t) = w ts/(ts - tm) (e^{-s/ts} - e^{-s/tm}), s = t - 10 ms (by hand, as in
// lif_exp_test.cpp).
double v_closed_form(double t) {
  if (t < 0.01) return 0.0;
  const double s = t - 0.01;
  return kWeight * kTauSyn / (kTauSyn - kTauMem) * (std::exp(-s / kTauSyn) - std::exp(-s / kTauMem));
}

struct Net {
  Network net;
  NodeId lif, out;
};

Net build(std::optional<WeightMatrix> w_out, double threshold, double v_reset) {
  Net n;
  const NodeId in = n.net.add("in", std::make_unique<TSEventSource>(
                                        TSEvent({Time::from_seconds(0.01)}, {0}, {.num_channels = 1})));
  LifExp::Parameters p;
  p.tau_mem = kTauMem;
  p.tau_syn = {kTauSyn};
  p.threshold = threshold;
  p.v_reset = v_reset;
  auto lif = std::make_unique<LifExp>(p, 2);
  auto out = StateReadout::surrogate(*lif, std::move(w_out), microseconds(500));
  n.lif = n.net.add("lif", std::move(lif));
  n.out = n.net.add("out", std::move(out));
  n.net.connect(in, n.lif, Projection::dense(1, 2, std::vector<double>{1.0, 1.0}, Duration::zero()));
  return n;
}

// Rockpool's Jax LIF surrogate, written from its definition: tanh(20 v + 1) / 2 + 1/2.
double rockpool_surrogate(double v) { return std::tanh(20.0 * v + 1.0) / 2.0 + 0.5; }

}  // namespace

TEST_CASE("StateReadout: Rockpool's weighted surrogate output of an exact LIF, tick by tick") {
  // threshold 0.5, v_reset 0.3: v = (V - 0.5) / 0.2. w_out 2 x 3 by hand.
  const WeightMatrix w_out(2, 3, {0.5, -2.0, 1.0,  //
                                  0.25, 1.0, 0.0});
  Net n = build(w_out, 0.5, 0.3);
  Simulation sim(std::move(n.net));
  StateRecorder& y = sim.record_state(n.out, "y", {}, microseconds(500));
  sim.run_until(Time::from_seconds(0.05));
  REQUIRE(y.times().size() == 100);
  for (std::size_t k = 1; k < y.times().size(); ++k) {  // the first tick is at 0.5 ms; sample 0 is before it
    const double t = to_seconds(y.times()[k]);
    const double u = rockpool_surrogate((v_closed_form(t) - 0.5) / 0.2);  // both neurons have the same V
    for (std::size_t o = 0; o < 3; ++o) {
      CHECK(y.samples()[k * 3 + o] == doctest::Approx(u * (w_out.at(0, o) + w_out.at(1, o))).epsilon(1e-12));
    }
  }
  CHECK(y.samples()[0] == 0.0);  // nothing sampled before the first tick
}

TEST_CASE("StateReadout identity without w_out reads the population's state exactly") {
  Network net;
  const NodeId in = net.add("in", std::make_unique<TSEventSource>(
                                      TSEvent({Time::from_seconds(0.01)}, {0}, {.num_channels = 1})));
  LifExp::Parameters p;
  p.tau_mem = kTauMem;
  p.tau_syn = {kTauSyn};
  p.threshold = 10.0;
  auto lif = std::make_unique<LifExp>(p, 1);
  StateReadout::Parameters rp;
  rp.dt = microseconds(300);
  rp.variable = "i_syn0";
  auto readout = std::make_unique<StateReadout>(*lif, rp);
  const NodeId l = net.add("lif", std::move(lif));
  const NodeId r = net.add("read", std::move(readout));
  net.connect(in, l, Projection::one_to_one(1, kWeight, Duration::zero()));
  Simulation sim(std::move(net));
  StateRecorder& y = sim.record_state(r, "y", {}, microseconds(300));
  sim.run_until(Time::from_seconds(0.03));
  for (std::size_t k = 1; k < y.times().size(); ++k) {
    const double t = to_seconds(y.times()[k]);
    const double expected = t >= 0.01 ? kWeight * std::exp(-(t - 0.01) / kTauSyn) : 0.0;
    CHECK(y.samples()[k] == doctest::Approx(expected).epsilon(1e-12));
  }
}

TEST_CASE("StateReadout survives a checkpoint and refuses bad set-ups by name") {
  const auto run = [](Time t1, Time t2) {
    std::vector<double> samples;
    std::vector<std::byte> bytes;
    {
      Net n = build(WeightMatrix(2, 1, {1.0, -1.0}), 0.5, 0.0);
      Simulation sim(std::move(n.net));
      StateRecorder& y = sim.record_state(n.out, "y", {}, microseconds(700));
      sim.run_until(t1);
      samples.assign(y.samples().begin(), y.samples().end());
      StateWriter out;
      sim.save_state(out);
      bytes.assign(out.bytes().begin(), out.bytes().end());
    }
    Net n = build(WeightMatrix(2, 1, {1.0, -1.0}), 0.5, 0.0);
    Simulation sim(std::move(n.net));
    StateRecorder& y = sim.record_state(n.out, "y", {}, microseconds(700));
    StateReader in(bytes, "<test>");
    sim.restore_state(in);
    sim.run_until(t2);
    samples.insert(samples.end(), y.samples().begin(), y.samples().end());
    return samples;
  };
  const auto straight = run(Time::from_seconds(0.04), Time::from_seconds(0.04));
  const auto split = run(Time::from_seconds(0.0123), Time::from_seconds(0.04));
  CHECK(split == straight);

  LifExp lif(LifExp::Parameters{}, 3);
  StateReadout::Parameters p;
  p.variable = "w_adapt";
  CHECK_THROWS_WITH_AS(StateReadout(lif, p), doctest::Contains("has no state 'w_adapt'"), InvalidArgument);
  p.variable = "v_mem";
  p.w_out = WeightMatrix(2, 1, {1.0, 1.0});
  CHECK_THROWS_AS(StateReadout(lif, p), DimensionMismatch);
  p.w_out.reset();
  p.dt = Duration::zero();
  CHECK_THROWS_AS(StateReadout(lif, p), InvalidArgument);
  p.dt = milliseconds(1);
  p.transform = ReadoutTransform::kRockpoolSurrogate;
  p.threshold = 0.0;
  p.v_reset = 0.0;
  CHECK_THROWS_AS(StateReadout(lif, p), InvalidArgument);
}

TEST_CASE("StateReadout of a clocked LIF (Rockpool's Jax step) reads V after the step of the same tick") {
  // Rockpool's _IO layers: surrogate_ts = U(Vmem_ts), Vmem_ts the V of each step before its
  // reset. The readout ticks after its clocked source at equal times (reads_state_of), so at
  // tick t_k it sees step k's V: compare y with U of the V a recorder samples just after t_k.
  Network net;
  const NodeId in = net.add("in", std::make_unique<PoissonSource>(std::vector<double>(4, 300.0), 5));
  LifExp::Parameters p;
  p.tau_mem = 0.02;
  p.tau_syn = {0.005};
  p.threshold = 0.0;
  p.v_reset = -1.0;
  p.bias = -1.0;  // RecLIFJax's default
  auto lif = std::make_unique<LifExpClocked>(p, 3, milliseconds(1), LifExpClocked::Discretisation::kRockpoolEuler);
  // Added before the layer, so NodeId order alone would tick it first.
  auto out = StateReadout::surrogate(*lif, WeightMatrix(3, 1, {1.0, 0.5, -2.0}), milliseconds(1));
  const NodeId r = net.add("out", std::move(out));
  const NodeId l = net.add("lif", std::move(lif));
  net.connect(in, l, Projection::random(4, 3, 0.7, 3.0, Duration::zero(), 3));
  Simulation sim(std::move(net));
  std::vector<Time> after;
  for (int k = 1; k <= 60; ++k) after.push_back(Time::zero() + k * milliseconds(1) + microseconds(1));
  StateRecorder& v = sim.record_state(l, "v_mem", {}, after);
  StateRecorder& y = sim.record_state(r, "y", {}, after);
  sim.run_until(Time::zero() + milliseconds(61));
  REQUIRE(y.times().size() == 60);
  double largest = 0.0;
  for (std::size_t k = 0; k < 60; ++k) {
    double expected = 0.0;
    const double w[] = {1.0, 0.5, -2.0};
    for (std::size_t j = 0; j < 3; ++j) expected += w[j] * rockpool_surrogate(v.samples()[k * 3 + j]);  // v = V here
    // Absolute: the tanh form loses relative accuracy far below threshold (1 + tanh(z) cancels).
    CHECK(std::abs(y.samples()[k] - expected) < 1e-12);
    largest = std::max(largest, std::abs(expected));
  }
  CHECK(largest > 0.1);  // the neurons came near threshold: the surrogate is not flat
}
