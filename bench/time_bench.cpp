// Question: what does checked (overflow-reporting) tick arithmetic cost against raw int64?
#include <benchmark/benchmark.h>

#include "engine/time.hpp"

using namespace rockpool;

static void BM_RawInt64Add(benchmark::State& state) {
  std::int64_t t = 0;
  std::int64_t step = 900'000;
  benchmark::DoNotOptimize(step);
  for (auto _ : state) {
    t += step;
    benchmark::DoNotOptimize(t);
  }
}
BENCHMARK(BM_RawInt64Add);

static void BM_CheckedTimeAdd(benchmark::State& state) {
  Time t = Time::zero();
  const Duration step = microseconds(100);
  for (auto _ : state) {
    t += step;
    benchmark::DoNotOptimize(t);
  }
}
BENCHMARK(BM_CheckedTimeAdd);

static void BM_FromSeconds(benchmark::State& state) {
  double s = 0.1234567;
  for (auto _ : state) {
    Duration d = Duration::from_seconds(s);
    benchmark::DoNotOptimize(d);
    s += 1e-9;
  }
}
BENCHMARK(BM_FromSeconds);
