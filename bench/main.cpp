// Google Benchmark runner for every bench/*_bench.cpp. Each benchmark opens with the
// question it answers; figures go to doc/performance.md as ratios to a baseline run
// in the same process.
#include <benchmark/benchmark.h>

BENCHMARK_MAIN();
