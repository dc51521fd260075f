#include "neurons/diaf.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <queue>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "engine/random.hpp"
#include "engine/simulation.hpp"
#include "engine/sources.hpp"
#include "tests/neurons/model_test_support.hpp"

using namespace rockpool;

namespace {

Time ms(double v) { return Time::from_seconds(v * 1e-3); }

// A RecDIAF driven by `input` (times, channels), run to `until`; records spikes and the
// state of every neuron at `sample_times`.
struct Run {
  std::vector<std::pair<Time, NeuronIndex>> spikes;
  std::vector<std::vector<double>> states;  // [sample][neuron]
};
Run run_diaf(WeightMatrix w_in, WeightMatrix w_rec, RecDIAF::Parameters p, std::vector<Time> times,
             std::vector<NeuronIndex> channels, Time until, std::vector<Time> sample_times = {}) {
  const std::size_t m = w_in.rows, n = w_in.columns;
  Network net;
  std::optional<NodeId> src;
  if (!times.empty()) src = net.add("in", std::make_unique<TSEventSource>(TSEvent(times, channels, {.num_channels = m})));
  const NodeId l = RecDIAF::add_to(net, "diaf", std::make_unique<RecDIAF>(std::move(w_in), std::move(w_rec), p), src);
  Simulation sim(std::move(net));
  SpikeRecorder& spikes = sim.record_spikes(l);
  StateRecorder* states = sample_times.empty() ? nullptr : &sim.record_state(l, "state", {}, sample_times);
  sim.run_until(until);
  Run r;
  for (std::size_t k = 0; k < spikes.count(); ++k) r.spikes.emplace_back(spikes.times()[k], spikes.channels()[k]);
  if (states) {
    REQUIRE(states->samples().size() == sample_times.size() * n);
    for (std::size_t s = 0; s < sample_times.size(); ++s) {
      r.states.emplace_back(states->samples().begin() + s * n, states->samples().begin() + (s + 1) * n);
    }
  }
  return r;
}

using rockpool::test::refusal;

}  // namespace

TEST_CASE("RecDIAF defaults are Rockpool's") {
  RecDIAF::Parameters p;
  CHECK(p.delay == nanoseconds(10));
  CHECK(p.tau_leak == milliseconds(1));
  CHECK(p.v_thresh == std::vector<double>{100.0});
  CHECK(p.state_type == StateType::kInt8);
  RecDIAF layer(WeightMatrix(2, 3, std::vector<double>(6, 1.0)), WeightMatrix(3, 3, std::vector<double>(9, 1.0)));
  CHECK(layer.size() == 3);
  CHECK(std::string(layer.type_name()) == "RecDIAF");
  CHECK(layer.recurrent_projection().min_delay() == nanoseconds(10));
}

TEST_CASE("RecDIAF: int8 state, truncation and clipping, threshold and reset (no leak)") {
  // W_in = [40.6], leak 0, v_thresh 100, reset to 0. Inputs at 1, 2, 3, 4 ms:
  //   40.6 -> 40; 40 + 40.6 = 80.6 -> 80; 120.6 -> 120 >= 100: spike at 3 ms, reset 0; 40.
  // Neuron 1 (W_in 100.9, v_thresh 200 out of int8's reach): 100, 127 (clipped), 127, 127.
  RecDIAF::Parameters p;
  p.leak = {0.0};
  p.v_thresh = {100.0, 200.0};
  const std::vector<Time> t = {ms(1), ms(2), ms(3), ms(4)};
  const Run r = run_diaf(WeightMatrix(1, 2, {40.6, 100.9}), WeightMatrix(2, 2, {0, 0, 0, 0}), p, t, {0, 0, 0, 0}, ms(5),
                         {ms(1.5), ms(2.5), ms(3.5), ms(4.5)});
  REQUIRE(r.spikes.size() == 1);
  CHECK(r.spikes[0] == std::pair<Time, NeuronIndex>{ms(3), 0});
  CHECK(r.states[0] == std::vector<double>{40, 100});
  CHECK(r.states[1] == std::vector<double>{80, 127});
  CHECK(r.states[2] == std::vector<double>{0, 127});
  CHECK(r.states[3] == std::vector<double>{40, 127});
}

TEST_CASE("RecDIAF leak: subtracted at every tau_leak tick, lazily but exactly") {
  // W_in = 10 at 0.5 ms; leak 1 every 1 ms: 10 at 0.5 ms, 7 after the ticks at 1, 2, 3 ms.
  // Input 10 at 5.5 ms: ticks 4, 5 ms -> 5, + 10 = 15; the tick at 6 ms -> 14 (a sample at
  // a tick time sees that tick). Long silence: 14 - 20 ticks would be -6 at 26.5 ms.
  RecDIAF::Parameters p;
  const Run r = run_diaf(WeightMatrix(1, 1, {10}), WeightMatrix(1, 1, {0}), p, {ms(0.5), ms(5.5)}, {0, 0}, ms(30),
                         {ms(0.75), ms(3.5), ms(5.75), ms(6), ms(26.5)});
  CHECK(r.states[0][0] == 10);
  CHECK(r.states[1][0] == 7);
  CHECK(r.states[2][0] == 15);
  CHECK(r.states[3][0] == 14);
  CHECK(r.states[4][0] == -6);
  CHECK(r.spikes.empty());
}

TEST_CASE("RecDIAF leak towards v_rest: from below it rises and fires at the exact tick") {
  // v_rest 10 above v_thresh 5, v_reset 0, leak 1 per ms: the state climbs 1, 2, ... and
  // reaches 5 on the tick at 5 ms: a spike there, reset to 0, again at 10 ms, 15 ms, ...
  RecDIAF::Parameters p;
  p.v_rest = std::vector<double>{10.0};
  p.v_thresh = {5.0};
  const Run r = run_diaf(WeightMatrix(1, 1, {0}), WeightMatrix(1, 1, {0}), p, {}, {}, ms(20) + ticks(1), {ms(2.5)});
  CHECK(r.states[0][0] == 2);
  REQUIRE(r.spikes.size() == 4);
  for (std::size_t k = 0; k < 4; ++k) CHECK(r.spikes[k] == std::pair<Time, NeuronIndex>{ms(5.0 * (k + 1)), 0});
}

TEST_CASE("RecDIAF negative leak without v_rest drives spontaneous firing; v_rest stops the leak there") {
  {
    // leak -2: 2, 4, 6, 8 >= 7 at 4 ms -> spike, reset 0; again at 8 ms, 12 ms.
    RecDIAF::Parameters p;
    p.leak = {-2.0};
    p.v_thresh = {7.0};
    const Run r = run_diaf(WeightMatrix(1, 1, {0}), WeightMatrix(1, 1, {0}), p, {}, {}, ms(12) + ticks(1));
    REQUIRE(r.spikes.size() == 3);
    CHECK(r.spikes[0].first == ms(4));
    CHECK(r.spikes[2].first == ms(12));
  }
  {
    // float64 state, v_rest 0.5, leak 1, start 0: below rest -> +1 = 1; above -> 0; ... a
    // two-cycle: after k ticks the state is k mod 2 (the lazy leak takes the parity).
    RecDIAF::Parameters p;
    p.state_type = StateType::kFloat64;
    p.v_rest = std::vector<double>{0.5};
    const Run r = run_diaf(WeightMatrix(1, 1, {0}), WeightMatrix(1, 1, {0}), p, {}, {}, ms(1000), {ms(7.5), ms(8.5), ms(999.5)});
    CHECK(r.states[0][0] == 1.0);
    CHECK(r.states[1][0] == 0.0);
    CHECK(r.states[2][0] == 1.0);  // 999 ticks
    // int8, v_rest 3, leak 1, from 0: 1, 2, 3 and stays (a fixed point).
    p.state_type = StateType::kInt8;
    p.v_rest = std::vector<double>{3.0};
    const Run q = run_diaf(WeightMatrix(1, 1, {0}), WeightMatrix(1, 1, {0}), p, {}, {}, ms(100), {ms(2.5), ms(99.5)});
    CHECK(q.states[0][0] == 2.0);
    CHECK(q.states[1][0] == 3.0);
  }
}

TEST_CASE("RecDIAF recurrent spikes, subtractive reset and refractoriness") {
  // int16, leak 0, v_thresh 100, v_subtract 100, refractory 1 ms, delay 2 ms.
  // Neuron 0: input 250 at 1 ms -> spike at 1 ms, 150, still above: refractory until 2 ms,
  // input 50 at 1.5 ms is lost, fires again one tick after 2 ms -> 50.
  // Neuron 1 gets weights_rec[0][1] = 30 per spike of neuron 0, 2 ms later: 30 at 3 ms,
  // 60 at 4 ms + 1 tick.
  RecDIAF::Parameters p;
  p.state_type = StateType::kInt16;
  p.leak = {0.0};
  p.v_subtract = std::vector<double>{100.0};
  p.refractory = {1e-3};
  p.delay = milliseconds(2);
  const Run s = run_diaf(WeightMatrix(2, 2, {250, 0, 50, 0}), WeightMatrix(2, 2, {0, 30, 0, 0}), p, {ms(1), ms(1.5)}, {0, 1},
                         ms(6), {ms(1.75), ms(3.5), ms(5)});
  REQUIRE(s.spikes.size() == 2);
  CHECK(s.spikes[0] == std::pair<Time, NeuronIndex>{ms(1), 0});
  CHECK(s.spikes[1] == std::pair<Time, NeuronIndex>{ms(2) + ticks(1), 0});
  CHECK(s.states[0] == std::vector<double>{150, 0});  // the input at 1.5 ms was lost
  CHECK(s.states[1] == std::vector<double>{50, 30});
  CHECK(s.states[2] == std::vector<double>{50, 60});
}

namespace {

// Rockpool's RecDIAF event loop, written out independently in its own form: one global
// heap of (time, channel) over input spikes, delayed recurrent spikes, leak ticks and
// refractory-end checks (channel -1, one tick after the end: Rockpool's 1e-10 s), every
// event applied to every non-refractory neuron, then every neuron checked.
std::vector<std::pair<Time, NeuronIndex>> reference_diaf(const WeightMatrix& w_in, const WeightMatrix& w_rec,
                                                         const RecDIAF::Parameters& p, const std::vector<Time>& times,
                                                         const std::vector<NeuronIndex>& channels, Time until,
                                                         std::vector<double>& state) {
  const std::int64_t m = static_cast<std::int64_t>(w_in.rows), n = static_cast<std::int64_t>(w_in.columns);
  const std::int64_t leak_channel = m + n;
  using Ev = std::pair<std::int64_t, std::int64_t>;  // (ticks, channel)
  std::priority_queue<Ev, std::vector<Ev>, std::greater<>> heap;
  for (std::size_t k = 0; k < times.size(); ++k) heap.push({times[k].ticks(), channels[k]});
  for (std::int64_t k = 1; k * p.tau_leak.ticks() < until.ticks(); ++k) heap.push({k * p.tau_leak.ticks(), leak_channel});
  const std::int64_t refr = Duration::from_seconds(p.refractory[0]).ticks();
  state.assign(n, quantise(p.state_type, p.v_reset[0]));
  std::vector<std::int64_t> refr_end(n, 0);
  std::vector<std::pair<Time, NeuronIndex>> spikes;
  while (!heap.empty() && heap.top().first < until.ticks()) {
    const auto [t, ch] = heap.top();
    heap.pop();
    for (std::int64_t j = 0; j < n; ++j) {
      if (refr_end[j] > t) continue;
      double w = 0.0;
      if (ch >= 0 && ch < m) w = w_in.at(ch, j);
      if (ch >= m && ch < leak_channel) w = w_rec.at(ch - m, j);
      if (ch == leak_channel) {
        double sign = 1.0;
        if (p.v_rest) sign = state[j] < (*p.v_rest)[0] ? -1.0 : state[j] == (*p.v_rest)[0] ? 0.0 : 1.0;
        w = -p.leak[0] * sign;
      }
      state[j] = quantise(p.state_type, state[j] + w);
    }
    for (std::int64_t j = 0; j < n; ++j) {
      if (refr_end[j] > t || state[j] < p.v_thresh[0]) continue;
      if (p.v_subtract) {
        state[j] = quantise(p.state_type, state[j] - (*p.v_subtract)[0]);
        if (state[j] >= p.v_thresh[0]) heap.push({t + refr + 1, -1});
      } else {
        state[j] = quantise(p.state_type, p.v_reset[0]);
      }
      refr_end[j] = t + refr;
      spikes.emplace_back(Time::from_ticks(t), static_cast<NeuronIndex>(j));
      heap.push({t + p.delay.ticks(), m + j});
    }
  }
  return spikes;
}

}  // namespace

TEST_CASE("RecDIAF agrees with Rockpool's event loop written out directly, on random networks") {
  // 10 Poisson inputs (300 Hz) into 20 neurons with random real weights and random sparse
  // recurrent weights, for 300 ms; three regimes: leak to v_rest with reset, negative leak
  // (spontaneous firing), subtractive reset with refractoriness and int16 state. Input times
  // are random ticks, so no two events coincide (the tie orders differ; doc/models.md).
  const std::size_t m = 10, n = 20;
  for (int regime = 0; regime < 3; ++regime) {
    CAPTURE(regime);
    const CounterRng rng(1234 + regime, 0);
    std::uint64_t draw = 0;
    std::vector<double> win(m * n), wrec(n * n, 0.0);
    for (double& w : win) w = -20.0 + 70.0 * rng.uniform(draw++);
    for (double& w : wrec) {
      if (rng.uniform(draw++) < 0.2) w = -40.0 + 80.0 * rng.uniform(draw++);
    }
    RecDIAF::Parameters p;
    p.delay = microseconds(700);
    p.tau_leak = microseconds(500);
    if (regime == 0) {
      p.v_rest = std::vector<double>{20.0};
      p.leak = {2.0};
    } else if (regime == 1) {
      p.leak = {-3.0};
      p.v_thresh = {90.0};
    } else {
      p.state_type = StateType::kInt16;
      p.v_subtract = std::vector<double>{60.0};
      p.refractory = {0.8e-3};
      p.leak = {1.5};
    }
    std::vector<std::pair<std::int64_t, NeuronIndex>> events;
    for (NeuronIndex c = 0; c < m; ++c) {
      double t = 0;
      for (std::uint64_t k = 0;; ++k) {
        t += CounterRng(99 + regime, c).exponential(k) / 300.0;
        if (t >= 0.3) break;
        events.emplace_back(Time::from_seconds(t).ticks() + 1, c);  // +1: never on a leak tick
      }
    }
    std::sort(events.begin(), events.end());
    std::vector<Time> times;
    std::vector<NeuronIndex> channels;
    for (auto [t, c] : events) {
      times.push_back(Time::from_ticks(t));
      channels.push_back(c);
    }
    const Time until = Time::zero() + milliseconds(300) + microseconds(250);  // between leak ticks
    std::vector<double> ref_state;
    auto ref = reference_diaf(WeightMatrix(m, n, win), WeightMatrix(n, n, wrec), p, times, channels, until, ref_state);
    const Run got = run_diaf(WeightMatrix(m, n, win), WeightMatrix(n, n, wrec), p, times, channels, until, {until - ticks(1)});
    auto ours = got.spikes;
    std::sort(ref.begin(), ref.end());
    std::sort(ours.begin(), ours.end());
    CHECK(ref.size() > 100);  // the regime is not silent
    CHECK(ours == ref);
    CHECK(got.states[0] == ref_state);
  }
}

TEST_CASE("RecDIAF: an external input and a recurrent spike in the same tick go in Rockpool's order") {
  // Rockpool's heap pops equal times by channel: inputs (0 .. M-1) before recurrent spikes
  // (M .. M+N-1) before the leak (M+N). int16, no leak, v_thresh 101, reset to 0, delay 2 ms.
  //   w_in:  channel 0 -> neuron 0: 101;  channel 1 -> neuron 1: 45
  //   w_rec: neuron 0 -> neuron 1: -50
  // Inputs: ch 1 at 0.5 ms (n1: 45), ch 0 at 1 ms (n0: 101 -> spike, reset 0), ch 1 at
  // 1.5 ms (n1: 90), ch 1 at 3 ms, when n0's spike also arrives at n1. By hand, Rockpool:
  //   the input first: 90 + 45 = 135 >= 101 -> spike (3 ms, n1), reset 0, refractory for
  //   1 ns, so the recurrent -50 at 3 ms is lost: n1 ends at 0.
  // (The other order would give 90 - 50 = 40, then 85: no spike, n1 at 85.)
  RecDIAF::Parameters p;
  p.state_type = StateType::kInt16;
  p.leak = {0.0};
  p.v_thresh = {101.0};
  p.delay = milliseconds(2);
  const WeightMatrix w_in(2, 2, {101, 0, 0, 45}), w_rec(2, 2, {0, -50, 0, 0});
  const std::vector<Time> times = {ms(0.5), ms(1), ms(1.5), ms(3)};
  const std::vector<NeuronIndex> channels = {1, 0, 1, 1};
  const Run r = run_diaf(w_in, w_rec, p, times, channels, ms(6), {ms(2), ms(4)});
  const std::vector<std::pair<Time, NeuronIndex>> expected = {{ms(1), 0}, {ms(3), 1}};
  CHECK(r.spikes == expected);
  CHECK(r.states[0] == std::vector<double>{0, 90});
  CHECK(r.states[1] == std::vector<double>{0, 0});
  // The loop written out (reference_diaf) agrees with the hand count.
  std::vector<double> ref_state;
  CHECK(reference_diaf(w_in, w_rec, p, times, channels, ms(6), ref_state) == expected);
  CHECK(ref_state == std::vector<double>{0, 0});
  // The same with the projections connected the other way round (recurrent first): the
  // order does not depend on connection order.
  Network net;
  const NodeId src = net.add("in", std::make_unique<TSEventSource>(TSEvent(times, channels, {.num_channels = 2})));
  auto layer = std::make_unique<RecDIAF>(w_in, w_rec, p);
  Projection in = layer->input_projection(), rec = layer->recurrent_projection();
  const NodeId l = net.add("diaf", std::move(layer));
  net.connect(l, l, std::move(rec));
  net.connect(src, l, std::move(in));
  Simulation sim(std::move(net));
  SpikeRecorder& spikes = sim.record_spikes(l);
  sim.run_until(ms(6));
  REQUIRE(spikes.count() == 2);
  CHECK(spikes.times()[1] == ms(3));
  CHECK(spikes.channels()[1] == 1);
}

TEST_CASE("RecDIAF refuses bad parameters, naming them") {
  const WeightMatrix w_in(1, 2, {1, 1});
  const WeightMatrix w_rec(2, 2, {0, 0, 0, 0});
  CHECK(refusal([&] { RecDIAF(w_in, WeightMatrix(1, 2, {0, 0})); }) == std::pair<std::string, bool>{"weights_rec", true});
  CHECK(refusal([&] { RecDIAF(WeightMatrix(1, 2, {1, 2, 3}), w_rec); }) == std::pair<std::string, bool>{"weights_in", true});
  RecDIAF::Parameters p;
  p.delay = Duration::zero();
  CHECK(refusal([&] { RecDIAF(w_in, w_rec, p); }).first == "delay");
  p = {};
  p.tau_leak = milliseconds(-1);
  CHECK(refusal([&] { RecDIAF(w_in, w_rec, p); }).first == "tau_leak");
  p = {};
  p.refractory = {-1e-3};
  CHECK(refusal([&] { RecDIAF(w_in, w_rec, p); }).first == "refractory");
  p = {};
  p.v_reset = {100.0};
  CHECK(refusal([&] { RecDIAF(w_in, w_rec, p); }).first == "v_reset");
  p = {};
  p.v_subtract = std::vector<double>{-5.0};
  CHECK(refusal([&] { RecDIAF(w_in, w_rec, p); }).first == "v_subtract");
  p = {};
  p.leak = {1, 2, 3};
  CHECK(refusal([&] { RecDIAF(w_in, w_rec, p); }) == std::pair<std::string, bool>{"leak", true});
  // A zero-delay recurrent projection would be a zero-delay cycle: delay > 0 is required
  // above; the network check refuses one built by hand.
}
