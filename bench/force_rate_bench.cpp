// Question: what does one step of the FORCE reservoir (ForceRateEuler: input weights, force,
// output weights, no recurrence) cost per unit, next to one step of the recurrent reservoir
// it stands in for (RecRateEuler with a dense N x N W_rec), at the same N?
//
// Both are stepped directly (no engine), 1000 steps per iteration, with a fixed,
// precomputed continuous input: ForceRateEuler gets I = 100 inputs through a dense 100 x N
// w_in plus N force values and reads out O = 10 outputs through w_out; RecRateEuler gets N
// inputs 1:1 and its dense recurrent weights. tanh activation, no noise (arg 1: with noise).
// Counter: ns/unit-step, CPU time per unit per step.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "engine/random.hpp"
#include "neurons/force_rate.hpp"
#include "neurons/rate.hpp"

namespace {

using namespace rockpool;

constexpr std::size_t kInputs = 100;
constexpr std::size_t kOutputs = 10;
constexpr std::int64_t kSteps = 1000;

// `count` values uniform in [lo, hi), seeded.
std::vector<double> uniform(std::size_t count, double lo, double hi, std::uint64_t seed) {
  const CounterRng rng(seed, 0);
  std::vector<double> v(count);
  for (std::size_t k = 0; k < count; ++k) v[k] = lo + (hi - lo) * rng.uniform(k);
  return v;
}

// kSteps rows of `width` values in [-1, 1).
std::vector<std::vector<double>> continuous_input(std::size_t width, std::uint64_t seed) {
  std::vector<std::vector<double>> rows;
  for (std::int64_t k = 0; k < kSteps; ++k) rows.push_back(uniform(width, -1.0, 1.0, seed + static_cast<std::uint64_t>(k)));
  return rows;
}

void run(benchmark::State& state, ClockedLayer& layer, std::size_t units, const std::vector<std::vector<double>>& input) {
  std::vector<double> out(layer.size_out());
  for (auto _ : state) {
    layer.start();
    for (const auto& row : input) layer.step(row, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["ns/unit-step"] = benchmark::Counter(static_cast<double>(units * kSteps) * 1e-9,
                                                      benchmark::Counter::kIsIterationInvariantRate |
                                                          benchmark::Counter::kInvert);
}

// Args: {units N, noise (0/1)}.
void BM_ForceRateEuler(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  ForceRateEuler::Parameters p;
  p.tau = {0.02};
  p.dt = milliseconds(1);
  p.activation = Activation::tanh();
  if (state.range(1)) p.noise_std = 0.1;
  ForceRateEuler layer(WeightMatrix(kInputs, n, uniform(kInputs * n, -0.1, 0.1, 1)),
                       WeightMatrix(n, kOutputs, uniform(n * kOutputs, -0.1, 0.1, 2)), p);
  run(state, layer, n, continuous_input(kInputs + n, 100));
}
BENCHMARK(BM_ForceRateEuler)->Args({1000, 0})->Args({1000, 1})->Args({100, 0});

// Baseline: the recurrent reservoir, dense W_rec scaled to stay stable.
void BM_RecRateEulerDense(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  RecRateEuler::Parameters p;
  p.tau = {0.02};
  p.dt = milliseconds(1);
  p.activation = Activation::tanh();
  const double scale = 1.0 / static_cast<double>(n);
  RecRateEuler layer(WeightMatrix(n, n, uniform(n * n, -scale, scale, 3)), p);
  run(state, layer, n, continuous_input(n, 100));
}
BENCHMARK(BM_RecRateEulerDense)->Arg(1000)->Arg(100);

}  // namespace
