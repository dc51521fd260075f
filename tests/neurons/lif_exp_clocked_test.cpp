#include "neurons/lif_exp_clocked.hpp"

#include <doctest/doctest.h>

#include <cmath>

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
