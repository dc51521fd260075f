// Question: how many synaptic events per second does the exact event-driven mode sustain,
// against the same model clocked at dt = 0.1 ms?
//
// Network: N_src Poisson sources at 20 Hz -> 1000 LIF neurons (LifExp, or LifExpClocked at
// 0.1 ms), 10 % random connectivity, one weight, delay 1 ms. The weight is scaled with
// N_src so that the mean synaptic drive is the same fraction of threshold whatever N_src:
// the population then fires irregularly at a moderate rate (reported as rate_Hz). Both
// modes deliver the same synaptic events (the sources and synapses are seeded alike); they
// differ in how the neurons integrate them: exact per-neuron updates and threshold
// predictions on every delivery, against a fixed-cost step of every neuron per bin.
//
// Building the network and the Simulation is outside the timed region; the timed region
// is run_until(duration) alone, wall-clock (UseRealTime), one iteration. Counters:
//   syn_events/s   synaptic events (spike arrivals at single synapses) per wall second
//   syn_events     their total
//   spikes         spikes of the LIF population
//   rate_Hz        its mean firing rate
//   sim_s/wall_s   simulated seconds per wall second (> 1: faster than real time)
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>

#include "engine/network.hpp"
#include "engine/projection.hpp"
#include "engine/simulation.hpp"
#include "engine/sources.hpp"
#include "neurons/lif_exp.hpp"
#include "neurons/lif_exp_clocked.hpp"

namespace {

using namespace rockpool;

constexpr std::size_t kNeurons = 1000;
constexpr double kSourceRateHz = 20.0;
constexpr double kConnectivity = 0.1;
constexpr double kTauSyn = 5e-3;  // s
// Mean synaptic current in units of the threshold (threshold 1, rest 0): N_src * p * rate
// * w * tau_syn. Slightly below 1, so spikes come from fluctuations: a few Hz to ~20 Hz.
constexpr double kMeanDrive = 0.9;

LifExp::Parameters lif_parameters() {
  LifExp::Parameters p;
  p.tau_mem = 20e-3;
  p.tau_syn = {kTauSyn};
  p.threshold = 1.0;
  p.refractory = milliseconds(2);
  return p;
}

// Returns the network; the LIF population is node 1.
Network build(std::size_t n_src, bool clocked) {
  const double weight =
      kMeanDrive / (static_cast<double>(n_src) * kConnectivity * kSourceRateHz * kTauSyn);
  Network net;
  const NodeId src = net.add("in", std::make_unique<PoissonSource>(n_src, kSourceRateHz, /*seed=*/42));
  const NodeId lif = clocked ? net.add("lif", std::make_unique<LifExpClocked>(lif_parameters(), kNeurons,
                                                                               microseconds(100)))
                             : net.add("lif", std::make_unique<LifExp>(lif_parameters(), kNeurons));
  net.connect(src, lif,
              Projection::random(n_src, kNeurons, kConnectivity, weight, milliseconds(1), /*seed=*/7));
  return net;
}

// Args: {N_src, simulated duration in ms}.
void run(benchmark::State& state, bool clocked) {
  const auto n_src = static_cast<std::size_t>(state.range(0));
  const Duration duration = milliseconds(state.range(1));
  std::uint64_t synaptic_events = 0, spikes = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto sim = std::make_unique<Simulation>(build(n_src, clocked));
    SpikeRecorder& recorder = sim->record_spikes(1);
    state.ResumeTiming();
    sim->run_until(Time::zero() + duration);
    state.PauseTiming();
    synaptic_events += sim->stats().synaptic_events;
    spikes += recorder.count();
    sim.reset();
    state.ResumeTiming();
  }
  const auto iterations = static_cast<double>(state.iterations());
  const double simulated_s = to_seconds(duration);
  state.counters["syn_events/s"] = benchmark::Counter(static_cast<double>(synaptic_events), benchmark::Counter::kIsRate);
  state.counters["syn_events"] = static_cast<double>(synaptic_events) / iterations;
  state.counters["spikes"] = static_cast<double>(spikes) / iterations;
  state.counters["rate_Hz"] = static_cast<double>(spikes) / iterations / (kNeurons * simulated_s);
  state.counters["sim_s/wall_s"] = benchmark::Counter(simulated_s * iterations, benchmark::Counter::kIsRate);
}

void BM_SynapticEventDriven(benchmark::State& state) { run(state, false); }
void BM_SynapticClocked(benchmark::State& state) { run(state, true); }

// 1 s is the default comparison; 10 s is the full run asked of the throughput figure.
// n_src = 100 (a tenth of the input, larger weights) shows how the ratio moves with the
// input rate: the clocked cost has a fixed part per step, the event-driven cost does not.
void Durations(benchmark::internal::Benchmark* b) {
  b->ArgNames({"n_src", "ms"})->Args({100, 1000})->Args({1000, 1000})->Args({1000, 10'000});
  b->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);
}

}  // namespace

BENCHMARK(BM_SynapticClocked)->Apply(Durations);
BENCHMARK(BM_SynapticEventDriven)->Apply(Durations);
