#include "neurons/updown.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "engine/simulation.hpp"
#include "engine/sources.hpp"

using namespace rockpool;

namespace {

std::vector<std::vector<double>> run_steps(ClockedLayer& layer, const std::vector<std::vector<double>>& inputs) {
  std::vector<std::vector<double>> out;
  for (const auto& in : inputs) {
    std::vector<double> o(layer.size_out(), -1.0);
    layer.step(in, o);
    out.push_back(o);
  }
  return out;
}

template <class F>
std::string refused(F&& make) {
  try {
    make();
  } catch (const InvalidArgument& e) {
    return e.argument();
  }
  return "(accepted)";
}

struct Counts {
  double up = 0, down = 0;
};
Counts total(const std::vector<std::vector<double>>& out) {
  Counts c;
  for (const auto& row : out) {
    c.up += row[0];
    c.down += row[1];
  }
  return c;
}

}  // namespace

TEST_CASE("FFUpDown defaults and sizes are Rockpool's") {
  FFUpDown layer(3);
  CHECK(layer.dt() == milliseconds(1));
  CHECK(layer.size_in() == 3);
  CHECK(layer.size_out() == 6);
  CHECK(layer.input_signal() == Signal::kContinuous);
  CHECK(layer.output_signal() == Signal::kSpikes);
  FFUpDown::Parameters p;
  p.multi_channels = 4;
  CHECK(FFUpDown(3, p).size_out() == 24);
}

TEST_CASE("FFUpDown on a linear ramp: ramp height / threshold up spikes, each when the ramp passes m thr") {
  // u(t) = 10.2 t / (1 s), sampled every dt = 1 ms (zero-order hold, so step j reads sample
  // j - 1 exactly), thr_up = thr_down = 0.5. The tracking value starts at u(0) = 0 and
  // moves in steps of 0.5, so after the ramp there are floor(10.2 / 0.5) = 20 up spikes and
  // no down spike; spike m comes at the first sample >= 0.5 m, sample ceil(m 2500 / 51)
  // (never an exact tie for m < 51), emitted at the tick closing that bin.
  const std::size_t samples = 1001;
  std::vector<double> ramp;
  for (std::size_t k = 0; k < samples; ++k) ramp.push_back(10.2 * static_cast<double>(k) / 1000.0);
  FFUpDown::Parameters p;
  p.thr_up = {0.5};
  p.thr_down = {0.5};
  Network net;
  const NodeId src = net.add("ramp", std::make_unique<TSContinuousSource>(TSContinuous::from_clocked(ramp, 1, milliseconds(1))));
  const NodeId l = net.add("updown", std::make_unique<FFUpDown>(1, p));
  net.connect(src, l, Projection::one_to_one(1, 1.0, Duration::zero()));
  Simulation sim(std::move(net));
  SpikeRecorder& spikes = sim.record_spikes(l);
  StateRecorder& s = sim.record_state(l, "analog_value", {0}, std::vector<Time>{Time::zero() + milliseconds(1001)});
  sim.run_until(Time::zero() + milliseconds(1001) + ticks(1));
  REQUIRE(spikes.count() == 20);
  for (std::size_t m = 1; m <= 20; ++m) {
    CHECK(spikes.channels()[m - 1] == 0);  // up
    const std::int64_t sample = (static_cast<std::int64_t>(m) * 2500 + 50) / 51;  // ceil(m 2500 / 51)
    CHECK(spikes.times()[m - 1] == Time::zero() + milliseconds(sample + 1));
  }
  CHECK(s.samples()[0] == 10.0);  // 20 thresholds of 0.5
}

TEST_CASE("FFUpDown on a falling ramp gives down spikes; without multiplexing, at most one per step") {
  // A ramp of 1.02 per step (dt = 0.1 s) from 10.2 to 0 with thr 0.5: multiplexing gives
  // floor(10.2 / 0.5) = 20 down spikes; without, the threshold is passed by more than one
  // every step but only one spike (and one thr) per step is allowed: 10 spikes in 10 steps.
  std::vector<std::vector<double>> falling;
  for (int k = 10; k >= 0; --k) falling.push_back({1.02 * k});
  FFUpDown::Parameters p;
  p.dt = milliseconds(100);
  p.thr_up = {0.5};
  p.thr_down = {0.5};
  FFUpDown multiplexed(1, p);
  const Counts a = total(run_steps(multiplexed, falling));
  CHECK(a.up == 0);
  CHECK(a.down == 20);
  p.multiplex_spikes = false;
  FFUpDown single(1, p);
  const auto out = run_steps(single, falling);
  CHECK(out[0][1] == 0);  // the first sample only initialises the tracking value
  for (std::size_t k = 1; k < out.size(); ++k) CHECK(out[k][1] == 1);
  CHECK(total(out).down == 10);
}

TEST_CASE("FFUpDown with tau_decay: a constant input keeps firing at u dt / (tau thr) spikes per step") {
  // u = 1, tau_decay = 4 dt (factor 0.75), thr = 0.125, all exact in binary: each step the
  // tracking value decays 1 -> 0.75, then floor(0.25 / 0.125) = 2 up spikes restore it to 1.
  FFUpDown::Parameters p;
  p.tau_decay = {0.004};
  p.thr_up = {0.125};
  p.thr_down = {0.125};
  FFUpDown layer(1, p);
  const auto out = run_steps(layer, std::vector<std::vector<double>>(5, {1.0}));
  for (const auto& row : out) {
    CHECK(row[0] == 2);
    CHECK(row[1] == 0);
  }
  CHECK(layer.state(0, 0, Time::zero()) == 1.0);
  // tau_decay = infinity on a channel means no decay there.
  p.tau_decay = {std::numeric_limits<double>::infinity(), 0.004};
  FFUpDown mixed(2, p);
  const auto o = run_steps(mixed, {{1.0, 1.0}, {1.0, 1.0}});
  CHECK(o[1][0] == 0);  // channel 0, no decay: no spikes
  CHECK(o[1][2] == 2);  // channel 1 up
}

TEST_CASE("FFUpDown repeat_output and multi_channels spread spikes round-robin over the sub-channels") {
  // One input, n = 2 sub-channels, each spike repeated twice. Step 1 initialises; step 2:
  // u rises by 3 thr -> 3 up spikes x 2 = 6 events, the running count 0..5 puts 3 on each of
  // channels 0 and 1. Step 3: 1 down spike x 2 = events 6, 7 -> channels 2 + 0 and 2 + 1.
  // Step 4: u 2 -> 3, one up spike x 2 = events 8, 9 -> channels 0, 1.
  FFUpDown::Parameters p;
  p.multi_channels = 2;
  p.repeat_output = 2;
  p.thr_up = {1.0};
  p.thr_down = {1.0};
  FFUpDown layer(1, p);
  const auto out = run_steps(layer, {{0.0}, {3.0}, {2.0}, {3.0}});
  CHECK(out[0] == std::vector<double>{0, 0, 0, 0});
  CHECK(out[1] == std::vector<double>{3, 3, 0, 0});
  CHECK(out[2] == std::vector<double>{0, 0, 1, 1});
  CHECK(out[3] == std::vector<double>{1, 1, 0, 0});
  // An odd run: 3 sub-channels, 1 repeat, 4 up spikes then 1: events 0..3 -> 0,1,2,0; event 4 -> 1.
  p.multi_channels = 3;
  p.repeat_output = 1;
  FFUpDown three(1, p);
  const auto o = run_steps(three, {{0.0}, {4.0}, {5.0}});
  CHECK(o[1] == std::vector<double>{2, 1, 1, 0, 0, 0});
  CHECK(o[2] == std::vector<double>{0, 1, 0, 0, 0, 0});
}

TEST_CASE("FFUpDown input noise: noise_std per sample, drawn per (seed, channel, step)") {
  // Rockpool adds noise_std z to every input sample; the tracking value starts at the first
  // (noisy) sample, so with thresholds out of reach it holds that sample: N(0, noise_std^2).
  const std::size_t n = 4000;
  FFUpDown::Parameters p;
  p.noise_std = 0.3;
  p.thr_up = {1e9};
  p.thr_down = {1e9};
  p.seed = 5;
  FFUpDown layer(n, p);
  run_steps(layer, {std::vector<double>(n, 0.0)});
  double mean = 0, var = 0;
  for (NeuronIndex i = 0; i < n; ++i) mean += layer.state(0, i, Time::zero());
  mean /= n;
  for (NeuronIndex i = 0; i < n; ++i) var += std::pow(layer.state(0, i, Time::zero()) - mean, 2);
  var /= n - 1;
  CHECK(std::abs(mean) < 5 * 0.3 / std::sqrt(n));
  CHECK(std::abs(var - 0.09) < 5 * 0.09 * std::sqrt(2.0 / (n - 1)));
  FFUpDown small(2, p);
  run_steps(small, {{0.0, 0.0}});
  CHECK(small.state(0, 1, Time::zero()) == layer.state(0, 1, Time::zero()));
}

TEST_CASE("FFUpDown refuses bad parameters, naming them") {
  FFUpDown::Parameters p;
  p.thr_up = {0.0};
  CHECK(refused([&] { FFUpDown(1, p); }) == "thr_up");
  p = {};
  p.thr_down = {0.1, -0.1};
  CHECK(refused([&] { FFUpDown(2, p); }) == "thr_down");
  p = {};
  p.thr_up = {0.1, 0.1, 0.1};
  CHECK(refused([&] { FFUpDown(2, p); }) == "thr_up");
  p = {};
  p.tau_decay = {0.0005};  // < dt = 1 ms
  CHECK(refused([&] { FFUpDown(1, p); }) == "tau_decay");
  p.tau_decay = {-1.0};
  CHECK(refused([&] { FFUpDown(1, p); }) == "tau_decay");
  p.tau_decay = {0.01, 0.01, 0.01};
  CHECK(refused([&] { FFUpDown(2, p); }) == "tau_decay");
  p = {};
  p.noise_std = -0.1;
  CHECK(refused([&] { FFUpDown(1, p); }) == "noise_std");
  p = {};
  p.multi_channels = 0;
  CHECK(refused([&] { FFUpDown(1, p); }) == "multi_channels");
  CHECK(refused([&] { FFUpDown(0); }) == "size_in");
  FFUpDown ok(2);
  CHECK_THROWS_AS(ok.state(0, 2, Time::zero()), OutOfRange);
}
