#include "neurons/exp_syn.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "engine/simulation.hpp"
#include "engine/sources.hpp"
#include "tests/neurons/model_test_support.hpp"

using namespace rockpool;

namespace {

constexpr double kTol = 1e-12;

// |a - b| <= tol |b|; exact equality when b is 0 (no spike has arrived yet).
bool close(double a, double b, double tol = kTol) {
  if (b == 0.0) return a == 0.0;
  return std::abs(a - b) <= tol * std::abs(b);
}

struct InputSpike {
  Time t;
  Channel channel;
};

TSEvent events(const std::vector<InputSpike>& spikes, std::size_t channels) {
  std::vector<Time> times;
  std::vector<Channel> chans;
  for (const InputSpike& s : spikes) {
    times.push_back(s.t);
    chans.push_back(s.channel);
  }
  TSEvent::Options o;
  o.num_channels = channels;
  return TSEvent(std::move(times), std::move(chans), o);
}

// Samples of one recorded variable, row-major: times x units.
struct Samples {
  std::vector<Time> times;
  std::vector<double> values;
  std::size_t units = 0;
  double at(std::size_t k, std::size_t j) const { return values[k * units + j]; }
};

Samples collect(const StateRecorder& r, std::size_t units) {
  Samples s;
  s.times.assign(r.times().begin(), r.times().end());
  s.values.assign(r.samples().begin(), r.samples().end());
  s.units = units;
  return s;
}

// Clocked form through the engine: TSEventSource -> (one-to-one, weight 1: spike counts)
// -> layer, "i" recorded at t0 + k dt for k = 0..steps (after tick k). The run is split at
// each of `splits` (run_until calls) before running to the end.
Samples run_clocked(std::unique_ptr<ExpSynClocked> layer, const std::vector<InputSpike>& spikes, std::int64_t steps,
                    std::string_view variable = "i", std::vector<Time> splits = {}) {
  const Duration dt = layer->dt();
  const std::size_t m = layer->size_in(), n = layer->size_out();
  Network net;
  const NodeId l = net.add("syn", std::move(layer));
  const NodeId src = net.add("in", std::make_unique<TSEventSource>(events(spikes, m)));
  net.connect(src, l, Projection::one_to_one(m, 1.0, Duration::zero()));
  Simulation sim(std::move(net));
  StateRecorder& rec = sim.record_state(l, variable, {}, dt);
  for (Time t : splits) sim.run_until(t);
  sim.run_until(Time::zero() + steps * dt + ticks(1));
  REQUIRE(rec.times().size() == static_cast<std::size_t>(steps + 1));
  return collect(rec, n);
}

// Exact form through the engine: TSEventSource -> Projection::dense(M, N, W) -> ExpSynExact,
// `variable` recorded at `times` (after every event at the same time).
Samples run_exact(std::unique_ptr<ExpSynExact> syn, const WeightMatrix& w, const std::vector<InputSpike>& spikes,
                  std::vector<Time> times, std::string_view variable = "i", std::vector<Time> splits = {}) {
  const std::size_t n = syn->size();
  const Time end = times.back() + ticks(1);
  Network net;
  const NodeId s = net.add("syn", std::move(syn));
  const NodeId src = net.add("in", std::make_unique<TSEventSource>(events(spikes, w.rows)));
  net.connect(src, s, Projection::dense(w.rows, w.columns, w.values, Duration::zero()));
  Simulation sim(std::move(net));
  StateRecorder& rec = sim.record_state(s, variable, {}, std::move(times));
  for (Time t : splits) sim.run_until(t);
  sim.run_until(end);
  return collect(rec, n);
}

// The continuous model, summed directly: sum over spikes at or before t of
// w W[c][j] e^{-(t - t_s)/tau_j} (ExpSyn-source.txt: a spike adds its weight, no 1/tau, no dt).
double exact_sum(const std::vector<InputSpike>& spikes, const WeightMatrix& w, const std::vector<double>& tau,
                 std::size_t j, Time t) {
  double sum = 0.0;
  for (const InputSpike& s : spikes) {
    if (s.t > t) continue;
    sum += w.at(s.channel, j) * std::exp(-to_seconds(t - s.t) / tau[j]);
  }
  return sum;
}

// Rockpool's binning (TSEvent.raster, add_events): spike counts per bin floor(t / dt).
std::vector<double> raster(const std::vector<InputSpike>& spikes, std::size_t channels, Duration dt,
                           std::int64_t steps) {
  std::vector<double> r(static_cast<std::size_t>(steps) * channels, 0.0);
  for (const InputSpike& s : spikes) {
    const std::int64_t bin = floor_div(s.t - Time::zero(), dt);
    if (bin < steps) r[static_cast<std::size_t>(bin) * channels + s.channel] += 1.0;
  }
  return r;
}

// (1) ExpSyn-source.txt's evolve(), written out without the FFT: the input (here weighted,
// as a weight layer in front of ExpSyn would) is convolved with
// window[k] = exp(-(k + 1) dt / tau), k = 0, 1, ... (`-np.arange(1, window_length + 1) * dt
// / tau`), and the output trimmed to the input length: out[k] = sum_{s <= k} x[s] window[k - s].
// Rockpool truncates the window after 10 max(tau) / dt samples; the runs below are shorter.
std::vector<double> rockpool_expsyn(const std::vector<double>& counts, const WeightMatrix& w,
                                    const std::vector<double>& tau, double dt, std::int64_t steps) {
  const std::size_t m = w.rows, n = w.columns;
  std::vector<double> x(static_cast<std::size_t>(steps) * n, 0.0);
  for (std::int64_t s = 0; s < steps; ++s) {
    for (std::size_t i = 0; i < m; ++i) {
      for (std::size_t j = 0; j < n; ++j) x[s * n + j] += counts[s * m + i] * w.at(i, j);
    }
  }
  std::vector<double> out(x.size(), 0.0);
  for (std::int64_t k = 0; k < steps; ++k) {
    for (std::size_t j = 0; j < n; ++j) {
      for (std::int64_t s = 0; s <= k; ++s) {
        out[k * n + j] += x[s * n + j] * std::exp(-static_cast<double>(k - s + 1) * dt / tau[j]);
      }
    }
  }
  return out;
}

// (2) FFExpSynBrian.txt (exp_synapses_brian.py): dI_syn/dt = -I_syn / tau_s, on_pre
// "I_syn_post += w", integrated exactly, in Brian2's default schedule: each step records
// I (StateMonitor, 'start'), integrates over dt ('groups'), then applies the step's spikes
// ('synapses'). rec[n] is the record at n dt; steps + 1 records.
std::vector<double> brian_expsyn(const std::vector<double>& counts, const WeightMatrix& w,
                                 const std::vector<double>& tau, double dt, std::int64_t steps) {
  const std::size_t m = w.rows, n = w.columns;
  std::vector<double> rec(static_cast<std::size_t>(steps + 1) * n, 0.0);
  std::vector<double> i_syn(n, 0.0);
  for (std::int64_t step = 0; step <= steps; ++step) {
    for (std::size_t j = 0; j < n; ++j) rec[step * n + j] = i_syn[j];
    if (step == steps) break;
    for (std::size_t j = 0; j < n; ++j) i_syn[j] *= std::exp(-dt / tau[j]);
    for (std::size_t i = 0; i < m; ++i) {
      for (std::size_t j = 0; j < n; ++j) i_syn[j] += counts[step * m + i] * w.at(i, j);
    }
  }
  return rec;
}

using rockpool::test::refusal;

std::vector<Time> grid(Duration dt, std::int64_t steps) {
  std::vector<Time> t;
  for (std::int64_t k = 0; k <= steps; ++k) t.push_back(Time::zero() + k * dt);
  return t;
}

}  // namespace

TEST_CASE("exp_syn: defaults are ExpSyn's, shapes follow the weights") {
  ExpSynClocked one(3);
  CHECK(one.dt() == milliseconds(1));
  CHECK(one.size_in() == 3);
  CHECK(one.size_out() == 3);
  CHECK(one.input_signal() == Signal::kSpikes);
  CHECK(one.output_signal() == Signal::kContinuous);
  ExpSynClocked w(WeightMatrix(2, 4, std::vector<double>(8, 1.0)));
  CHECK(w.size_in() == 2);
  CHECK(w.size_out() == 4);
  ExpSynExact exact(5);
  CHECK(exact.size() == 5);
  CHECK(exact.state_names().size() == 2);
}

TEST_CASE("exp_syn: clocked impulse response is w e^{-(k - 2) dt / tau} from the tick closing the spike's bin") {
  // One spike at 2.5 ms, dt = 1 ms: bin 2, so the output first moves at the tick t_3, where
  // it is w e^{-dt/tau} (ExpSyn: I = (I + i) e^{-dt/tau}); at t_k it is w e^{-(k - 2) dt / tau}.
  const double w = 0.7, tau = 10e-3;
  ExpSynClocked::Parameters p;
  p.tau = {tau};
  const std::int64_t steps = 40;
  const Samples s = run_clocked(std::make_unique<ExpSynClocked>(WeightMatrix(1, 1, {w}), p),
                                {{Time::zero() + microseconds(2500), 0}}, steps);
  for (std::int64_t k = 0; k <= steps; ++k) {
    const double expected = k < 3 ? 0.0 : w * std::exp(-static_cast<double>(k - 2) * 1e-3 / tau);
    CAPTURE(k);
    CHECK(close(s.at(k, 0), expected));
  }
}

TEST_CASE("exp_syn: exact impulse response is w e^{-(t - t_s)/tau} at any time") {
  const double w = -1.3, tau = 4e-3;
  const Time ts = Time::zero() + microseconds(1234) + ticks(5);
  ExpSynExact::Parameters p;
  p.tau = {tau};
  // At t_s (the spike is included), one tick later, off any grid, and far out (200 tau).
  const std::vector<Time> times = {ts - ticks(1), ts, ts + ticks(1), ts + microseconds(3777),
                                   ts + milliseconds(20), ts + milliseconds(800)};
  const Samples s = run_exact(std::make_unique<ExpSynExact>(1, p), WeightMatrix(1, 1, {1.0}), {{ts, 0}}, times);
  // The weight is on the projection here: the same 1 x 1 "matrix" carried as w.
  const Samples sw = run_exact(std::make_unique<ExpSynExact>(1, p), WeightMatrix(1, 1, {w}), {{ts, 0}}, times);
  for (std::size_t k = 0; k < times.size(); ++k) {
    const double expected = times[k] < ts ? 0.0 : std::exp(-to_seconds(times[k] - ts) / tau);
    CAPTURE(k);
    CHECK(close(s.at(k, 0), expected));
    CHECK(close(sw.at(k, 0), w * expected));
  }
  CHECK(s.at(1, 0) == 1.0);  // at t_s the whole weight, exactly
}

TEST_CASE("exp_syn: two spikes superpose (exact form, per-unit tau, weights, bias, renormalisation)") {
  // M = 2 inputs, N = 3 units, tau per unit. The late spikes come 4 s after the first, far
  // past 100 tau: without renormalising the modal state, e^{4 s / 5 ms} would overflow.
  const WeightMatrix w(2, 3, {0.5, 1.5, 2.0, 0.25, 3.0, 0.75});
  const std::vector<double> tau = {5e-3, 12e-3, 30e-3};
  const std::vector<double> bias = {0.1, -0.2, 0.0};
  const std::vector<InputSpike> spikes = {{Time::zero() + microseconds(300), 0},
                                          {Time::zero() + microseconds(7100), 1},
                                          {Time::zero() + milliseconds(4000), 1},
                                          {Time::zero() + milliseconds(4000) + ticks(7), 0}};
  std::vector<Time> times;
  for (std::int64_t k = 0; k < 60; ++k) times.push_back(Time::zero() + k * microseconds(450) + ticks(3 * k));
  for (std::int64_t k = 0; k < 30; ++k) times.push_back(Time::zero() + milliseconds(4000) + k * microseconds(333));
  ExpSynExact::Parameters p;
  p.tau = tau;
  p.bias = bias;
  const Samples isyn = run_exact(std::make_unique<ExpSynExact>(3, p), w, spikes, times, "isyn");
  const Samples out = run_exact(std::make_unique<ExpSynExact>(3, p), w, spikes, times, "i");
  for (std::size_t k = 0; k < times.size(); ++k) {
    for (std::size_t j = 0; j < 3; ++j) {
      const double expected = exact_sum(spikes, w, tau, j, times[k]);
      CAPTURE(k);
      CAPTURE(j);
      CHECK(close(isyn.at(k, j), expected));
      CHECK(out.at(k, j) == isyn.at(k, j) + bias[j]);  // FFExpSyn: filtered + bias
    }
  }
}

TEST_CASE("exp_syn: two spikes superpose (clocked form)") {
  // Spikes in bins 3 and 7 on different inputs: I(t_k) is the sum of both impulse responses.
  const WeightMatrix w(2, 2, {1.0, 0.5, -0.25, 2.0});
  ExpSynClocked::Parameters p;
  p.tau = {8e-3, 3e-3};
  p.bias = {0.5};
  const Duration dt = microseconds(500);
  p.dt = dt;
  const std::vector<InputSpike> spikes = {{Time::zero() + microseconds(1700), 0},
                                          {Time::zero() + microseconds(3600), 1}};
  const std::int64_t steps = 30;
  const Samples s = run_clocked(std::make_unique<ExpSynClocked>(w, p), spikes, steps, "isyn");
  const Samples out = run_clocked(std::make_unique<ExpSynClocked>(w, p), spikes, steps, "i");
  for (std::int64_t k = 0; k <= steps; ++k) {
    for (std::size_t j = 0; j < 2; ++j) {
      // Bin 3 (1.7 ms) first shows at tick 4, bin 7 (3.6 ms) at tick 8.
      double expected = 0.0;
      if (k >= 4) expected += w.at(0, j) * std::exp(-static_cast<double>(k - 3) * 0.5e-3 / p.tau[j]);
      if (k >= 8) expected += w.at(1, j) * std::exp(-static_cast<double>(k - 7) * 0.5e-3 / p.tau[j]);
      CAPTURE(k);
      CAPTURE(j);
      CHECK(std::abs(s.at(k, j) - expected) <= kTol * (std::abs(w.at(0, j)) + std::abs(w.at(1, j))));
      CHECK(out.at(k, j) == s.at(k, j) + 0.5);
    }
  }
}

TEST_CASE("exp_syn: a spike exactly on a tick lands in the later bin") {
  const double tau = 10e-3, decay = std::exp(-1e-3 / tau);
  ExpSynClocked::Parameters p;
  p.tau = {tau};
  const Time edge = Time::zero() + milliseconds(3);
  // On the edge t_3: bin 3, first seen at tick t_4. One tick earlier: bin 2, seen at t_3.
  const Samples on = run_clocked(std::make_unique<ExpSynClocked>(1, p), {{edge, 0}}, 6);
  const Samples before = run_clocked(std::make_unique<ExpSynClocked>(1, p), {{edge - ticks(1), 0}}, 6);
  CHECK(on.at(3, 0) == 0.0);
  CHECK(close(on.at(4, 0), decay));
  CHECK(close(before.at(3, 0), decay));
  CHECK(close(before.at(4, 0), decay * decay));
  // A spike at t0 is in bin 0.
  const Samples first = run_clocked(std::make_unique<ExpSynClocked>(1, p), {{Time::zero(), 0}}, 2);
  CHECK(first.at(0, 0) == 0.0);
  CHECK(close(first.at(1, 0), decay));
}

TEST_CASE("exp_syn: bad shapes throw DimensionMismatch, bad values InvalidArgument") {
  const WeightMatrix w(2, 3, std::vector<double>(6, 1.0));
  auto clocked = [&](ExpSynClocked::Parameters p) { return [=] { ExpSynClocked layer(w, p); }; };
  auto exact = [](ExpSynExact::Parameters p) { return [=] { ExpSynExact syn(3, p); }; };
  using P = std::pair<std::string, bool>;
  CHECK(refusal([] { ExpSynClocked layer(WeightMatrix(2, 3, {1, 2, 3, 4, 5})); }) == P{"weights", true});
  CHECK(refusal([] { ExpSynClocked layer(WeightMatrix(0, 3, {})); }) == P{"weights", false});
  CHECK(refusal(clocked({.tau = {1e-3, 2e-3}})) == P{"tau", true});
  CHECK(refusal(clocked({.bias = {0, 0, 0, 0}})) == P{"bias", true});
  CHECK(refusal(exact({.tau = {1e-3, 2e-3}})) == P{"tau", true});
  CHECK(refusal(exact({.bias = {0, 0}})) == P{"bias", true});
  for (double bad : {0.0, -1e-3, std::nan("")}) {
    CAPTURE(bad);
    CHECK(refusal(clocked({.tau = {bad}})) == P{"tau", false});
    CHECK(refusal(clocked({.tau = {1e-3, 1e-3, bad}})) == P{"tau", false});
    CHECK(refusal(exact({.tau = {bad}})) == P{"tau", false});
  }
  CHECK(refusal(clocked({.bias = {INFINITY}})) == P{"bias", false});
  CHECK(refusal(clocked({.dt = Duration::zero()})) == P{"dt", false});
  CHECK(refusal([] { ExpSynExact syn(0); }) == P{"size", false});
  CHECK(refusal([] { ExpSynClocked layer(std::size_t{0}); }) == P{"size", false});
  // A projection of the wrong size is refused by the network, naming both nodes.
  Network net;
  const NodeId src = net.add("in", std::make_unique<TSEventSource>(events({}, 3)));
  const NodeId l = net.add("syn", std::make_unique<ExpSynClocked>(w));
  CHECK_THROWS_AS(net.connect(src, l, Projection::one_to_one(3, 1.0, Duration::zero())), DimensionMismatch);
  const NodeId e = net.add("exact", std::make_unique<ExpSynExact>(3));
  CHECK_THROWS_AS(net.connect(src, e, Projection::dense(3, 2, std::vector<double>(6, 1.0), Duration::zero())),
                  DimensionMismatch);
}

TEST_CASE("exp_syn: Rockpool's ExpSyn convolution, Brian2's FFExpSynBrian and ours agree") {
  // A random train on the grid (spikes at bin starts, several per bin and channel), M = 2,
  // N = 2, per-unit tau, dt = 1 ms, 60 steps (< Rockpool's window of 10 max(tau) / dt = 200).
  const Duration dt = milliseconds(1);
  const double dt_s = 1e-3;
  const std::int64_t steps = 60;
  const WeightMatrix w(2, 2, {0.6, 0.2, 0.3, 1.1});
  const std::vector<double> tau = {5e-3, 20e-3};
  std::mt19937_64 rng(6);
  std::vector<InputSpike> spikes;
  for (std::int64_t s = 0; s < steps; ++s) {
    for (Channel c = 0; c < 2; ++c) {
      for (std::uint64_t r = rng() % 8; r < 2; ++r) spikes.push_back({Time::zero() + s * dt, c});
    }
  }
  REQUIRE(spikes.size() > 10);
  const std::vector<double> counts = raster(spikes, 2, dt, steps);
  const std::vector<double> rockpool = rockpool_expsyn(counts, w, tau, dt_s, steps);
  const std::vector<double> brian = brian_expsyn(counts, w, tau, dt_s, steps);

  ExpSynClocked::Parameters pc;
  pc.tau = tau;
  pc.dt = dt;
  const Samples clocked = run_clocked(std::make_unique<ExpSynClocked>(w, pc), spikes, steps);
  ExpSynExact::Parameters pe;
  pe.tau = tau;
  const Samples exact = run_exact(std::make_unique<ExpSynExact>(2, pe), w, spikes, grid(dt, steps));
  for (std::int64_t k = 0; k < steps; ++k) {
    for (std::size_t j = 0; j < 2; ++j) {
      CAPTURE(k);
      CAPTURE(j);
      const double direct = exact_sum(spikes, w, tau, j, Time::zero() + k * dt);
      // Ours, exact: the continuous sum at t_k (spikes at t_k included).
      CHECK(close(exact.at(k, j), direct));
      // Rockpool stamps at t_k the value at the end of bin k: ours at the tick t_{k+1}.
      CHECK(close(clocked.at(k + 1, j), rockpool[k * 2 + j]));
      // ... which is the exact value there, before the spikes at t_{k+1}.
      CHECK(close(clocked.at(k + 1, j), std::exp(-dt_s / tau[j]) * direct));
      // Brian2 records at t_{k+1} the state after step k's spikes: the exact value at t_k.
      CHECK(close(brian[(k + 1) * 2 + j], direct));
    }
  }
}

TEST_CASE("exp_syn: clocked output equals Rockpool's convolution for spikes off the grid") {
  // Spikes anywhere in the bins: Rockpool rasterises them (floor) and so do we.
  const Duration dt = microseconds(100);  // FFExpSyn's default dt
  const std::int64_t steps = 300;
  const WeightMatrix w(3, 2, {0.5, -0.4, 1.0, 0.3, 0.7, 0.9});
  const std::vector<double> tau = {5e-3};  // shared, FFExpSyn's default tau_syn
  std::mt19937_64 rng(11);
  std::vector<InputSpike> spikes;
  const auto gap = static_cast<std::uint64_t>(3 * dt.ticks());
  for (std::int64_t t = 0; t < steps * dt.ticks(); t += static_cast<std::int64_t>(rng() % gap)) {
    spikes.push_back({Time::from_ticks(t), static_cast<Channel>(rng() % 3)});
  }
  ExpSynClocked::Parameters p;
  p.tau = tau;
  p.dt = dt;
  const Samples clocked = run_clocked(std::make_unique<ExpSynClocked>(w, p), spikes, steps);
  const std::vector<double> tau2 = {tau[0], tau[0]};
  const std::vector<double> rockpool = rockpool_expsyn(raster(spikes, 3, dt, steps), w, tau2, 1e-4, steps);
  for (std::int64_t k = 0; k < steps; ++k) {
    for (std::size_t j = 0; j < 2; ++j) {
      CAPTURE(k);
      // Mixed signs: compare against the size of the terms, not of the (possibly small) sum.
      CHECK(std::abs(clocked.at(k + 1, j) - rockpool[k * 2 + j]) <= 1e-12 * 50);
    }
  }
}

TEST_CASE("exp_syn: a run split in two equals one run bit for bit") {
  std::mt19937_64 rng(3);
  std::vector<InputSpike> spikes;
  const auto gap = static_cast<std::uint64_t>(microseconds(700).ticks());
  for (std::int64_t t = 0; t < milliseconds(50).ticks(); t += static_cast<std::int64_t>(rng() % gap)) {
    spikes.push_back({Time::from_ticks(t), static_cast<Channel>(rng() % 2)});
  }
  const WeightMatrix w(2, 3, {0.5, 1.5, 2.0, -0.25, 3.0, 0.75});
  const std::vector<Time> splits = {Time::zero() + microseconds(12345), Time::zero() + milliseconds(30)};

  ExpSynClocked::Parameters pc;
  pc.tau = {5e-3, 7e-3, 9e-3};
  pc.dt = microseconds(250);
  const Samples one = run_clocked(std::make_unique<ExpSynClocked>(w, pc), spikes, 200);
  const Samples two = run_clocked(std::make_unique<ExpSynClocked>(w, pc), spikes, 200, "i", splits);
  CHECK(one.times == two.times);
  CHECK(one.values == two.values);

  ExpSynExact::Parameters pe;
  pe.tau = {2e-4, 7e-3, 9e-3};  // 100 tau = 20 ms: renormalises during the run
  std::vector<Time> times;
  for (std::int64_t k = 0; k < 500; ++k) times.push_back(Time::zero() + k * microseconds(111));
  const Samples e1 = run_exact(std::make_unique<ExpSynExact>(3, pe), w, spikes, times);
  const Samples e2 = run_exact(std::make_unique<ExpSynExact>(3, pe), w, spikes, times, "i", splits);
  CHECK(e1.times == e2.times);
  CHECK(e1.values == e2.values);
}

TEST_CASE("exp_syn: ExpSyn's noise is noise_std sqrt(dt) z on each output sample, not on the current") {
  // With no input, output sample k of unit j is noise_std sqrt(dt) z_{j,k}: over 2000 units
  // and 4 samples, mean 0 and variance noise_std^2 dt (within 5 standard errors), and the
  // current I stays exactly 0 (the noise does not enter the state).
  const std::size_t n = 2000;
  ExpSynClocked::Parameters p;
  p.tau = {0.01};
  p.dt = milliseconds(2);
  p.noise_std = 0.7;
  p.seed = 9;
  ExpSynClocked layer(n, p);
  layer.start();
  const std::vector<double> input(n, 0.0);
  std::vector<double> output(n);
  double sum = 0, sum_sq = 0;
  for (int k = 0; k < 4; ++k) {
    layer.step(input, output);
    for (std::size_t j = 0; j < n; ++j) {
      sum += output[j];
      sum_sq += output[j] * output[j];
      CHECK(layer.state(1, static_cast<NeuronIndex>(j), Time::zero()) == 0.0);
      CHECK(layer.state(0, static_cast<NeuronIndex>(j), Time::zero()) == output[j]);
    }
  }
  const double count = 4.0 * n, variance = 0.49 * 0.002;
  const double mean = sum / count, measured = sum_sq / count - mean * mean;
  CHECK(std::abs(mean) < 5.0 * std::sqrt(variance / count));
  CHECK(std::abs(measured - variance) < 5.0 * variance * std::sqrt(2.0 / count));
  // Unit 3 of a 5-unit layer with the same seed draws the same numbers (order-independent).
  ExpSynClocked small(5, p);
  small.start();
  std::vector<double> first(5), again(n);
  small.step(std::vector<double>(5, 0.0), first);
  ExpSynClocked big(n, p);
  big.start();
  big.step(input, again);
  CHECK(first[3] == again[3]);
  p.noise_std = -1.0;
  CHECK_THROWS_AS(ExpSynClocked(n, p), InvalidArgument);
}
