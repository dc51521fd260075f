// Google Benchmark runner for every bench/*_bench.cpp. Each benchmark opens with the
// question it answers; figures go to doc/performance.md as ratios to a baseline run
// in the same process.
#include <benchmark/benchmark.h>

namespace rockpool::bench {
// Registers one benchmark per format of the event format table (replay_bench.cpp). Called
// from main, not at static initialisation: the table lives in another translation unit,
// whose static initialisation may not have run yet.
void register_replay_benchmarks();
}  // namespace rockpool::bench

int main(int argc, char** argv) {
  rockpool::bench::register_replay_benchmarks();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
