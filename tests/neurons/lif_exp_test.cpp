#include "neurons/lif_exp.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>

#include "engine/simulation.hpp"
#include "engine/sources.hpp"

using namespace rockpool;

namespace {

// One input spike at t_in through a projection of weight w into a single LifExp neuron.
struct OneSpikeRun {
  double tau_mem = 0.02, tau_syn = 0.005, w = 0.8;
  Time t_in = Time::from_seconds(0.010);

  std::unique_ptr<Simulation> build(double threshold = 100.0) const {
    Network net;
    const NodeId src = net.add("in", std::make_unique<TSEventSource>(TSEvent({t_in}, {0}, {.num_channels = 1})));
    LifExp::Parameters p;
    p.tau_mem = tau_mem;
    p.tau_syn = {tau_syn};
    p.threshold = threshold;
    const NodeId lif = net.add("lif", std::make_unique<LifExp>(p, 1));
    net.connect(src, lif, Projection::one_to_one(1, w, Duration::zero()));
    return std::make_unique<Simulation>(std::move(net));
  }
};

}  // namespace

TEST_CASE("LifExp membrane after one input spike follows the closed form (tau_syn != tau_mem)") {
  const OneSpikeRun run;
  auto sim = run.build();
  StateRecorder& v = sim->record_state(1, "v_mem", {}, milliseconds(1));
  StateRecorder& i = sim->record_state(1, "i_syn0", {}, milliseconds(1));
  sim->run_until(Time::from_seconds(0.1));
  REQUIRE(v.times().size() == 100);  // samples at 0, 1, ..., 99 ms
  for (std::size_t k = 0; k < v.times().size(); ++k) {
    const double t = to_seconds(v.times()[k]);
    double expected_v = 0, expected_i = 0;
    if (t >= 0.010) {
      // By hand: tau_m V' = -V + I, I = w e^{-s/ts}  =>  V = w ts/(ts - tm) (e^{-s/ts} - e^{-s/tm}).
      const double s = t - 0.010;
      expected_i = run.w * std::exp(-s / run.tau_syn);
      expected_v = run.w * run.tau_syn / (run.tau_syn - run.tau_mem) *
                   (std::exp(-s / run.tau_syn) - std::exp(-s / run.tau_mem));
    }
    CHECK(v.samples()[k] == doctest::Approx(expected_v).epsilon(1e-12));
    CHECK(i.samples()[k] == doctest::Approx(expected_i).epsilon(1e-12));
  }
}

TEST_CASE("LifExp membrane after one input spike matches an independent RK4 integration") {
  OneSpikeRun run;
  run.tau_syn = 0.02;  // the degenerate tau_syn == tau_mem case, V = w (s/tm) e^{-s/tm}
  auto sim = run.build();
  StateRecorder& v = sim->record_state(1, "v_mem", {0}, std::vector<Time>{Time::from_seconds(0.013),
                                                                          Time::from_seconds(0.030),
                                                                          Time::from_seconds(0.075)});
  sim->run_until(Time::from_seconds(0.1));
  // RK4 of tm V' = -V + I, ts I' = -I from s = 0 with V = 0, I = w, step 1 us.
  auto rk4 = [&](double s_end) {
    double V = 0, I = run.w;
    const double h = 1e-6;
    const int steps = static_cast<int>(std::lround(s_end / h));
    auto dV = [&](double v, double i) { return (-v + i) / run.tau_mem; };
    auto dI = [&](double i) { return -i / run.tau_syn; };
    for (int n = 0; n < steps; ++n) {
      const double k1v = dV(V, I), k1i = dI(I);
      const double k2v = dV(V + h / 2 * k1v, I + h / 2 * k1i), k2i = dI(I + h / 2 * k1i);
      const double k3v = dV(V + h / 2 * k2v, I + h / 2 * k2i), k3i = dI(I + h / 2 * k2i);
      const double k4v = dV(V + h * k3v, I + h * k3i), k4i = dI(I + h * k3i);
      V += h / 6 * (k1v + 2 * k2v + 2 * k3v + k4v);
      I += h / 6 * (k1i + 2 * k2i + 2 * k3i + k4i);
    }
    return V;
  };
  REQUIRE(v.samples().size() == 3);
  CHECK(v.samples()[0] == doctest::Approx(rk4(0.003)).epsilon(1e-9));
  CHECK(v.samples()[1] == doctest::Approx(rk4(0.020)).epsilon(1e-9));
  CHECK(v.samples()[2] == doctest::Approx(rk4(0.065)).epsilon(1e-9));
  // And the closed form of the degenerate case: V = w (s / tm) e^{-s / tm}.
  CHECK(v.samples()[1] == doctest::Approx(run.w * 1.0 * std::exp(-1.0)).epsilon(1e-12));
}

TEST_CASE("a constant bias above threshold fires with period tau ln(I/(I - theta)) + refractory, to the tick") {
  LifExp::Parameters p;
  p.tau_mem = 0.02;
  p.bias = 1.5;
  p.threshold = 1.0;
  p.refractory = milliseconds(2);
  Network net;
  const NodeId lif = net.add("lif", std::make_unique<LifExp>(p, 1));
  Simulation sim(std::move(net));
  SpikeRecorder& spikes = sim.record_spikes(lif);
  sim.run_until(Time::from_seconds(0.5));
  // By hand: T = 0.02 ln(1.5 / 0.5) = 0.0219722457733622 s = 197750211.96 ticks; the
  // spike is the first whole tick at or after the crossing: 197750212.
  const long double crossing = 0.02L * std::log(3.0L) * 9e9L;
  const auto first = static_cast<std::int64_t>(std::ceil(crossing));
  REQUIRE(crossing - std::floor(crossing) > 1e-3);  // not within rounding of a tick edge
  const std::int64_t isi = first + milliseconds(2).ticks();
  REQUIRE(spikes.count() == 20);  // 0.5 s / 23.97 ms = 20.86
  for (std::size_t n = 0; n < spikes.count(); ++n) {
    CHECK(spikes.times()[n].ticks() == first + static_cast<std::int64_t>(n) * isi);
  }
}

TEST_CASE("an inhibitory input delays a predicted spike to the closed-form crossing, to the tick") {
  // Bias 1.5 over threshold 1 would fire at 0.02 ln 3 = 21.97 ms. An input of weight w at
  // t_in adds w ts/(ts - tm) (e^{-s/ts} - e^{-s/tm}), s = t - t_in, to V. Case 1: one
  // inhibitory input (-0.5) at 10 ms, far from the crossing. Case 2: a small excitatory
  // input (+0.05) at 21.90 ms, within the window in which the model solves the spike time
  // exactly, then the inhibitory one at 21.95 ms, which must undo that prediction.
  struct Input {
    double t, w;
  };
  const std::vector<std::vector<Input>> cases{{{0.010, -0.5}}, {{0.0219, 0.05}, {0.02195, -0.5}}};
  for (const auto& inputs : cases) {
    CAPTURE(inputs.size());
    LifExp::Parameters p;
    p.tau_mem = 0.02;
    p.tau_syn = {0.005};
    p.bias = 1.5;
    p.threshold = 1.0;
    std::vector<Time> times;
    std::vector<Channel> channels;
    std::vector<Synapse> synapses;
    for (std::size_t k = 0; k < inputs.size(); ++k) {
      times.push_back(Time::from_seconds(inputs[k].t));
      channels.push_back(static_cast<Channel>(k));
      synapses.push_back({static_cast<NeuronIndex>(k), 0, inputs[k].w, Duration::zero()});
    }
    Network net;
    const NodeId src = net.add("in", std::make_unique<TSEventSource>(
                                         TSEvent(times, channels, {.num_channels = inputs.size()})));
    const NodeId lif = net.add("lif", std::make_unique<LifExp>(p, 1));
    net.connect(src, lif, Projection::from_synapses(inputs.size(), 1, synapses));
    Simulation sim(std::move(net));
    SpikeRecorder& spikes = sim.record_spikes(lif);
    sim.run_until(Time::from_seconds(0.035));
    // The crossing by hand: V(t) from the closed form, bracketed on a 1 us grid after the
    // last input and bisected in long double.
    auto v = [&](long double t) {
      long double value = 1.5L * (1 - std::exp(-t / 0.02L));
      for (const Input& in : inputs) {
        if (t < in.t) continue;
        const long double s = t - in.t;
        value += in.w * 0.005L / (0.005L - 0.02L) * (std::exp(-s / 0.005L) - std::exp(-s / 0.02L));
      }
      return value - 1.0L;
    };
    long double lo = inputs.back().t, hi = lo;
    while (v(hi) < 0) {
      lo = hi;
      hi += 1e-6L;
    }
    for (int k = 0; k < 100; ++k) {
      const long double mid = (lo + hi) / 2;
      (v(mid) < 0 ? lo : hi) = mid;
    }
    const long double crossing = hi * 9e9L;
    REQUIRE(crossing - std::floor(crossing) > 1e-3);  // not within rounding of a tick edge
    REQUIRE(spikes.count() >= 1);
    CHECK(spikes.times()[0].ticks() == static_cast<std::int64_t>(std::ceil(crossing)));
    CHECK(to_seconds(spikes.times()[0]) > 0.02 * std::log(3.0));  // later than without the input
  }
}

TEST_CASE("a bias below threshold never fires") {
  LifExp::Parameters p;
  p.bias = 0.999;
  Network net;
  const NodeId lif = net.add("lif", std::make_unique<LifExp>(p, 3));
  Simulation sim(std::move(net));
  SpikeRecorder& spikes = sim.record_spikes(lif);
  sim.run_until(Time::from_seconds(10));
  CHECK(spikes.count() == 0);
}

TEST_CASE("two identical neurons fed the same spikes, one through delay d, spike exactly d apart") {
  const Duration d = microseconds(1500) + ticks(7);
  Network net;
  const NodeId src = net.add("in", std::make_unique<PoissonSource>(20, 50.0, 3));
  LifExp::Parameters p;
  p.tau_mem = 0.02;
  p.tau_syn = {0.005};
  p.threshold = 1.0;
  p.refractory = milliseconds(1);
  const NodeId a = net.add("a", std::make_unique<LifExp>(p, 1));
  const NodeId b = net.add("b", std::make_unique<LifExp>(p, 1));
  std::vector<double> w(20, 0.9);
  net.connect(src, a, Projection::dense(20, 1, w, Duration::zero()));
  net.connect(src, b, Projection::dense(20, 1, w, d));
  Simulation sim(std::move(net));
  SpikeRecorder& sa = sim.record_spikes(a);
  SpikeRecorder& sb = sim.record_spikes(b);
  sim.run_until(Time::from_seconds(2));
  REQUIRE(sa.count() > 10);
  // b may miss its last spike if it falls after the end of the run.
  REQUIRE((sb.count() == sa.count() || sb.count() + 1 == sa.count()));
  for (std::size_t n = 0; n < sb.count(); ++n) CHECK(sb.times()[n] - sa.times()[n] == d);
}

TEST_CASE("a spike of one neuron reaches another after the projection's delay") {
  // a fires from its bias at T_a; b receives weight w at T_a + d and stays subthreshold, so
  // its current jumps exactly then: I_b(T_a + d) = w, and 0 just before.
  LifExp::Parameters pa;
  pa.bias = 1.5;
  LifExp::Parameters pb;
  pb.threshold = 100;
  Network net;
  const NodeId a = net.add("a", std::make_unique<LifExp>(pa, 1));
  const NodeId b = net.add("b", std::make_unique<LifExp>(pb, 1));
  const Duration d = milliseconds(3);
  net.connect(a, b, Projection::one_to_one(1, 0.25, d));
  Simulation sim(std::move(net));
  SpikeRecorder& sa = sim.record_spikes(a);
  sim.run_until(Time::from_seconds(0.022));  // a's first spike is at 21.97 ms
  REQUIRE(sa.count() == 1);
  const Time arrival = sa.times()[0] + d;
  StateRecorder& ib = sim.record_state(b, "i_syn0", {0}, std::vector<Time>{arrival - ticks(1), arrival});
  sim.run_until(Time::from_seconds(0.03));
  REQUIRE(ib.samples().size() == 2);
  CHECK(ib.samples()[0] == 0.0);
  CHECK(ib.samples()[1] == 0.25);
}

TEST_CASE("LifExp rejects parameters that cannot run") {
  LifExp::Parameters p;
  p.tau_mem = -1;
  CHECK_THROWS_AS(LifExp(p, 1), InvalidArgument);
  p = {};
  p.v_reset = 2.0;  // above threshold 1
  CHECK_THROWS_AS(LifExp(p, 1), InvalidArgument);
  p = {};
  p.tau_syn = {};
  CHECK_THROWS_AS(LifExp(p, 1), InvalidArgument);
  p = {};
  LifExp lif(p, 3);
  CHECK_THROWS_AS(lif.set_v_mem(std::vector<double>{0.1, 0.2}), DimensionMismatch);
}

TEST_CASE("LifExp stays exact across many renormalisations of its modal state") {
  // tau_syn 5 ms: the reference time moves every 0.5 s. Zero-weight inputs every 100 ms
  // make the population touch its state (and renormalise) for 3 s; then one real input at
  // t_in = 3.0105 s. The trace after it must still be the closed form of a single input.
  Network net;
  const NodeId ticker = net.add("ticker", std::make_unique<RegularSource>(1, milliseconds(100)));
  const Time t_in = Time::from_seconds(3.0105);
  const NodeId kick = net.add("kick", std::make_unique<TSEventSource>(TSEvent({t_in}, {0}, {.num_channels = 1})));
  LifExp::Parameters p;
  p.tau_mem = 0.02;
  p.tau_syn = {0.005};
  p.threshold = 100;
  p.bias = 0.25;  // V relaxes to v_inf = 0.25 long before t_in
  const NodeId lif = net.add("lif", std::make_unique<LifExp>(p, 1));
  net.connect(ticker, lif, Projection::from_synapses(1, 1, {{0, 0, 0.0, Duration::zero()}}));
  net.connect(kick, lif, Projection::one_to_one(1, 0.8, Duration::zero()));
  Simulation sim(std::move(net));
  std::vector<Time> times;
  for (int k = 0; k <= 40; ++k) times.push_back(t_in + microseconds(1000 * k + 250));
  StateRecorder& v = sim.record_state(lif, "v_mem", {}, times);
  sim.run_until(Time::from_seconds(3.1));
  REQUIRE(v.samples().size() == times.size());
  for (std::size_t k = 0; k < times.size(); ++k) {
    const double s = to_seconds(times[k] - t_in);
    // By hand: v_inf plus the single-input response w ts/(ts - tm)(e^{-s/ts} - e^{-s/tm}).
    const double expected = 0.25 + 0.8 * 0.005 / (0.005 - 0.02) * (std::exp(-s / 0.005) - std::exp(-s / 0.02));
    CHECK(v.samples()[k] == doctest::Approx(expected).epsilon(1e-12));
  }
}

TEST_CASE("LifExp sample_state equals state() bit for bit, refractory and renormalised neurons included") {
  // A recurrent population under Poisson drive with refractoriness and two ports (one with
  // tau_syn == tau_mem), sampled at many times: the shared-factor path against the per-neuron one.
  Network net;
  const NodeId in = net.add("in", std::make_unique<PoissonSource>(std::vector<double>(20, 400.0), 3));
  LifExp::Parameters p;
  p.tau_mem = 0.01;
  p.tau_syn = {0.003, 0.01};
  p.refractory = milliseconds(2);
  const NodeId lif = net.add("lif", std::make_unique<LifExp>(p, 30));
  net.connect(in, lif, Projection::random(20, 30, 0.3, 0.4, Duration::zero(), 5));
  net.connect(in, lif, Projection::random(20, 30, 0.2, 0.3, Duration::zero(), 6, 1));
  net.connect(lif, lif, Projection::random(30, 30, 0.2, -0.2, microseconds(300), 7));
  Simulation sim(std::move(net));
  const Node& node = sim.network().node(lif);
  std::vector<NeuronIndex> all(30);
  for (NeuronIndex i = 0; i < 30; ++i) all[i] = i;
  std::vector<double> batch(30);
  std::size_t refractory_seen = 0;
  for (int k = 1; k <= 400; ++k) {
    const Time t = Time::zero() + k * microseconds(1237);  // off any grid, up to 0.49 s (renormalisations)
    sim.run_until(t);
    for (std::size_t variable = 0; variable < 3; ++variable) {
      node.sample_state(variable, all, t, batch);
      for (NeuronIndex i = 0; i < 30; ++i) {
        const double one = node.state(variable, i, t);
        CHECK(std::memcmp(&one, &batch[i], sizeof one) == 0);
        if (variable == 0 && one == p.v_reset) ++refractory_seen;
      }
    }
  }
  CHECK(refractory_seen > 10);  // the clamp path was exercised
}
