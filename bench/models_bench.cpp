// Question: what does one update of each model cost — ns per neuron-step for the clocked
// layers, ns per delivered event for the event-driven ones — and what does state noise add?
//
// Clocked layers are stepped directly (no engine around them), 1000 steps per iteration,
// with a fixed, precomputed spike input: each step, each of the 100 input channels carries
// a spike with probability 0.02 (a 20 Hz Poisson input at dt = 1 ms). The cost includes
// weighting that input (x W, 100 x N dense). Event-driven models run in a Simulation, fed
// by Poisson sources through their own projections; the timed region is run_until alone.
// All figures are per CPU second (the default), not wall time: the machine is shared, and
// wall time there mostly measures the other processes.
// Counters:
//   ns/neuron-step   wall time per neuron (or input channel, for FFUpDown) per step
//   ns/event         wall time per synaptic event delivered (RecDIAF), per routed output
//                    event (PassThroughEvents)
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "engine/random.hpp"
#include "engine/simulation.hpp"
#include "engine/sources.hpp"
#include "neurons/cliaf.hpp"
#include "neurons/diaf.hpp"
#include "neurons/event_pass.hpp"
#include "neurons/lif_exp_clocked.hpp"
#include "neurons/updown.hpp"

namespace {

using namespace rockpool;

constexpr std::size_t kInputs = 100;
constexpr std::int64_t kSteps = 1000;
constexpr double kInputProbability = 0.02;

// Random weights in [lo, hi), seeded.
std::vector<double> random_weights(std::size_t count, double lo, double hi, std::uint64_t seed) {
  const CounterRng rng(seed, 0);
  std::vector<double> w(count);
  for (std::size_t k = 0; k < count; ++k) w[k] = lo + (hi - lo) * rng.uniform(k);
  return w;
}

// kSteps rows of kInputs spike counts (0 or 1).
std::vector<std::vector<double>> spike_input() {
  std::vector<std::vector<double>> rows(kSteps, std::vector<double>(kInputs, 0.0));
  const CounterRng rng(3, 0);
  for (std::int64_t k = 0; k < kSteps; ++k) {
    for (std::size_t i = 0; i < kInputs; ++i) rows[k][i] = rng.uniform(k * kInputs + i) < kInputProbability ? 1.0 : 0.0;
  }
  return rows;
}

void report_per_unit_step(benchmark::State& state, std::size_t units) {
  state.counters["ns/neuron-step"] = benchmark::Counter(static_cast<double>(units * kSteps) * 1e-9,
                                                        benchmark::Counter::kIsIterationInvariantRate |
                                                            benchmark::Counter::kInvert);
}

void step_all(benchmark::State& state, ClockedLayer& layer, const std::vector<std::vector<double>>& input) {
  std::vector<double> out(layer.size_out());
  for (auto _ : state) {
    layer.start();
    for (const auto& row : input) layer.step(row, out);
    benchmark::DoNotOptimize(out.data());
  }
  report_per_unit_step(state, layer.size_out());
}

// Args: {neurons, recurrent (0/1), noise (0/1)}.
void BM_CLIAF(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  CLIAF::Parameters p;
  p.dt = milliseconds(1);
  p.bias = {-0.05};  // the constant leak
  if (state.range(2)) p.noise_std = 0.5;
  std::optional<WeightMatrix> rec;
  if (state.range(1)) {
    rec = WeightMatrix(n, n, random_weights(n * n, -1.0, 1.0, 2));
    p.refractory = {2e-3};
  }
  CLIAF layer(WeightMatrix(kInputs, n, random_weights(kInputs * n, 0.0, 4.0, 1)), rec, p);
  step_all(state, layer, spike_input());
}
BENCHMARK(BM_CLIAF)->ArgNames({"N", "rec", "noise"})->Args({1000, 0, 0})->Args({1000, 0, 1})->Args({1000, 1, 0})->Unit(benchmark::kMicrosecond);

void BM_SoftMax(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  SoftMax layer(WeightMatrix(kInputs, n, random_weights(kInputs * n, 0.0, 0.01, 1)), {.dt = milliseconds(1)});
  step_all(state, layer, spike_input());
}
BENCHMARK(BM_SoftMax)->ArgNames({"N"})->Arg(1000)->Unit(benchmark::kMicrosecond);

// Args: {input channels, multiplex (0/1), noise (0/1)}. ns per input channel per step.
void BM_FFUpDown(benchmark::State& state) {
  const auto m = static_cast<std::size_t>(state.range(0));
  FFUpDown::Parameters p;
  p.thr_up = {0.05};
  p.thr_down = {0.05};
  p.tau_decay = {0.1};
  p.multiplex_spikes = state.range(1) != 0;
  if (state.range(2)) p.noise_std = 0.01;
  FFUpDown layer(m, p);
  // A sine per channel, phase-shifted: about one spike per channel every few steps.
  std::vector<std::vector<double>> input(kSteps, std::vector<double>(m));
  for (std::int64_t k = 0; k < kSteps; ++k) {
    for (std::size_t i = 0; i < m; ++i) input[k][i] = std::sin(0.02 * static_cast<double>(k) + 0.1 * static_cast<double>(i));
  }
  std::vector<double> out(layer.size_out());
  for (auto _ : state) {
    layer.start();
    for (const auto& row : input) layer.step(row, out);
    benchmark::DoNotOptimize(out.data());
  }
  report_per_unit_step(state, m);
}
BENCHMARK(BM_FFUpDown)->ArgNames({"M", "multiplex", "noise"})->Args({1000, 1, 0})->Args({1000, 0, 0})->Args({1000, 1, 1})->Unit(benchmark::kMicrosecond);

// The cost of state noise on the tuned clocked LIF. Args: {neurons, noise (0/1)}.
void BM_LifExpClockedNoise(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  LifExp::Parameters p;
  p.tau_syn = {5e-3};
  LifExpClocked layer(p, n, milliseconds(1));
  if (state.range(1)) layer.set_noise(0.5, 1);
  const std::vector<double> input(n, 0.0);
  std::vector<double> out(n);
  for (auto _ : state) {
    layer.start();
    for (std::int64_t k = 0; k < kSteps; ++k) layer.step(input, out);
    benchmark::DoNotOptimize(out.data());
  }
  report_per_unit_step(state, n);
}
BENCHMARK(BM_LifExpClockedNoise)->ArgNames({"N", "noise"})->Args({1000, 0})->Args({1000, 1})->Unit(benchmark::kMicrosecond);

// What a current input adds to the tuned clocked LIF (its own step variant, plus the copy of
// the current in set_current). Args: {neurons, current (0/1)}.
void BM_LifExpClockedCurrent(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  LifExp::Parameters p;
  p.tau_syn = {5e-3};
  LifExpClocked layer(p, n, milliseconds(1));
  const std::vector<double> input(n, 0.0);
  const std::vector<double> current = random_weights(n, 0.0, 1.2, 4);
  std::vector<double> out(n);
  for (auto _ : state) {
    layer.start();
    for (std::int64_t k = 0; k < kSteps; ++k) {
      if (state.range(1)) layer.set_current(current);
      layer.step(input, out);
    }
    benchmark::DoNotOptimize(out.data());
  }
  report_per_unit_step(state, n);
}
BENCHMARK(BM_LifExpClockedCurrent)->ArgNames({"N", "current"})->Args({1000, 0})->Args({1000, 1})->Unit(benchmark::kMicrosecond);

void report_per_event(benchmark::State& state, double events) {
  state.counters["ns/event"] = benchmark::Counter(events * 1e-9, benchmark::Counter::kIsIterationInvariantRate |
                                                                     benchmark::Counter::kInvert);
}

// RecDIAF: 100 Poisson inputs at 200 Hz into N neurons (int8, leak 1 per ms), 10 % dense
// input weights, 5 % recurrent; 1 s simulated. ns per synaptic event (input + recurrent).
void BM_RecDIAF(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  double events = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const CounterRng rng(5, 0);
    std::vector<double> w_in(kInputs * n, 0.0), w_rec(n * n, 0.0);
    for (std::size_t k = 0; k < w_in.size(); ++k) w_in[k] = rng.uniform(2 * k) < 0.1 ? 12.0 : 0.0;
    for (std::size_t k = 0; k < w_rec.size(); ++k) w_rec[k] = rng.uniform(2 * k + 1) < 0.05 ? -6.0 : 0.0;
    Network net;
    const NodeId src = net.add("in", std::make_unique<PoissonSource>(kInputs, 200.0, 9));
    RecDIAF::Parameters p;
    p.delay = milliseconds(1);
    RecDIAF::add_to(net, "diaf", std::make_unique<RecDIAF>(WeightMatrix(kInputs, n, w_in), WeightMatrix(n, n, w_rec), p), src);
    auto sim = std::make_unique<Simulation>(std::move(net));
    state.ResumeTiming();
    sim->run_until(Time::zero() + seconds(1));
    state.PauseTiming();
    events = static_cast<double>(sim->stats().synaptic_events);
    state.counters["spikes"] = static_cast<double>(sim->stats().spikes);
    sim.reset();
    state.ResumeTiming();
  }
  report_per_event(state, events);
}
BENCHMARK(BM_RecDIAF)->ArgNames({"N"})->Arg(1000)->Unit(benchmark::kMillisecond)->Iterations(3);

// PassThroughEvents: 100 Poisson inputs at 1 kHz routed by a 100 x 100 count matrix with
// 5 % ones; 1 s simulated. ns per routed output event.
void BM_PassThroughEvents(benchmark::State& state) {
  double events = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const CounterRng rng(6, 0);
    std::vector<double> w(kInputs * kInputs, 0.0);
    for (std::size_t k = 0; k < w.size(); ++k) w[k] = rng.uniform(k) < 0.05 ? 1.0 : 0.0;
    Network net;
    const NodeId src = net.add("in", std::make_unique<PoissonSource>(kInputs, 1000.0, 9));
    auto pass = std::make_unique<PassThroughEvents>(WeightMatrix(kInputs, kInputs, w));
    Projection in = pass->input_projection();
    const NodeId p = net.add("route", std::move(pass));
    net.connect(src, p, std::move(in));
    auto sim = std::make_unique<Simulation>(std::move(net));
    state.ResumeTiming();
    sim->run_until(Time::zero() + seconds(1));
    state.PauseTiming();
    events = static_cast<double>(sim->stats().synaptic_events);  // one per routed event (weight 1)
    sim.reset();
    state.ResumeTiming();
  }
  report_per_event(state, events);
}
BENCHMARK(BM_PassThroughEvents)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
