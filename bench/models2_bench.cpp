// Question: what does one update cost in the adaptive-exponential neuron (per input event,
// exact event-driven), in the FS balanced reservoir and in the Butterworth filter bank
// (per neuron- or channel-step)?
//
// BM_AeifEvents: 100 Poisson sources at 50 Hz -> 1000 AeifPscExp neurons (NEST's defaults,
// t_ref 2 ms), 10 % random connectivity, 7 nA per input (a 5 mV kick), 1 ms delay: about 500 k input
// events per simulated second and tonic, adapting firing. The timed region is
// run_until(1 s) alone (CPU time: the machine is shared). Counters: time per synaptic event (everything the population does
// divided by the events it received: advancing, predicting, checks and spikes), accepted
// and rejected solver steps per event, spikes.
//
// BM_RecFSStep: RecFSSpikeEulerBT with N neurons, random symmetric fast weights (the
// tight-balance shape -G^T G), weak slow weights, a bias that makes it fire, stepped with
// zero input; Rockpool's default dt (0.1 ms). Time per neuron-step (one step of dt of one
// neuron, including its share of the extra iterations spikes cause) and spikes per step.
//
// BM_FilterBankStep: ButterFilterBank with C mel channels at 16 kHz, order 2 or 4, with
// and without the envelope low-pass, fed white noise. Time per channel-step.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "engine/network.hpp"
#include "engine/projection.hpp"
#include "engine/random.hpp"
#include "engine/simulation.hpp"
#include "engine/sources.hpp"
#include "neurons/aeif_psc_exp.hpp"
#include "neurons/filter_bank.hpp"
#include "neurons/rec_fs_spike.hpp"

namespace {

using namespace rockpool;

void BM_AeifEvents(benchmark::State& state) {
  constexpr std::size_t kNeurons = 1000, kSources = 100;
  std::uint64_t events = 0, spikes = 0, accepted = 0, rejected = 0;
  for (auto _ : state) {
    state.PauseTiming();
    Network net;
    const NodeId src = net.add("in", std::make_unique<PoissonSource>(kSources, 50.0, /*seed=*/11));
    AeifPscExp::Parameters p;
    p.t_ref = milliseconds(2);
    auto owned = std::make_unique<AeifPscExp>(p, kNeurons);
    const AeifPscExp* pop = owned.get();
    const NodeId id = net.add("adex", std::move(owned));
    net.connect(src, id, Projection::random(kSources, kNeurons, 0.1, 7e-9, milliseconds(1), /*seed=*/5));
    auto sim = std::make_unique<Simulation>(std::move(net));
    SpikeRecorder& rec = sim->record_spikes(id);
    state.ResumeTiming();
    sim->run_until(Time::from_seconds(1.0));
    state.PauseTiming();
    events += sim->stats().synaptic_events;
    spikes += rec.count();
    accepted += pop->accepted_steps();
    rejected += pop->rejected_steps();
    sim.reset();
    state.ResumeTiming();
  }
  const auto e = static_cast<double>(events);
  state.counters["time/event"] = benchmark::Counter(e, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["steps/event"] = static_cast<double>(accepted) / e;
  state.counters["rejected/event"] = static_cast<double>(rejected) / e;
  state.counters["events"] = e / static_cast<double>(state.iterations());
  state.counters["spikes"] = static_cast<double>(spikes) / static_cast<double>(state.iterations());
}

void BM_RecFSStep(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  // Fast weights -G^T G / n with G a random 2 x n decoder (symmetric, negative definite
  // on its range): the shape of Rockpool's tight-balance examples.
  std::vector<double> g0(n), g1(n);
  for (std::size_t i = 0; i < n; ++i) {
    g0[i] = CounterRng(3, i).normal(0);
    g1[i] = CounterRng(3, i).normal(1);
  }
  RecFSSpikeEulerBT::Parameters p;
  p.weights_fast = WeightMatrix(n, n, std::vector<double>(n * n));
  p.weights_slow = WeightMatrix(n, n, std::vector<double>(n * n));
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      const double gg = g0[i] * g0[j] + g1[i] * g1[j];
      p.weights_fast.values[i * n + j] = -0.002 * gg / static_cast<double>(n);
      p.weights_slow.values[i * n + j] = 0.0005 * gg / static_cast<double>(n);
    }
  }
  p.bias = {0.015};
  p.noise_std = 0.001;
  RecFSSpikeEulerBT layer(p);
  std::vector<double> in(n, 0.0), out(n);
  std::uint64_t steps = 0;
  double spikes = 0;
  layer.start();
  for (auto _ : state) {
    layer.step(in, out);
    benchmark::DoNotOptimize(out.data());
    spikes += static_cast<double>(layer.precise_spikes().size());
    ++steps;
  }
  state.counters["time/neuron-step"] = benchmark::Counter(static_cast<double>(steps * n),
                                                          benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["spikes/step"] = spikes / static_cast<double>(steps);
}

void BM_FilterBankStep(benchmark::State& state) {
  const auto channels = static_cast<int>(state.range(0));
  ButterFilterBank::Parameters p;
  p.bands = ButterFilterBank::mel_bands(16000, channels);
  p.order = static_cast<int>(state.range(1));
  p.envelope = state.range(2) != 0;
  ButterFilterBank bank(p);
  std::vector<double> out(bank.size_out());
  std::uint64_t steps = 0;
  bank.start();
  for (auto _ : state) {
    const double x = CounterRng(9, 0).normal(steps);
    bank.step(std::span(&x, 1), out);
    benchmark::DoNotOptimize(out.data());
    ++steps;
  }
  state.counters["time/channel-step"] = benchmark::Counter(static_cast<double>(steps) * channels,
                                                           benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

}  // namespace

BENCHMARK(BM_AeifEvents)->Iterations(1)->Unit(benchmark::kMillisecond);  // CPU time: the machine is shared
BENCHMARK(BM_RecFSStep)->ArgName("n")->Arg(100)->Arg(400)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_FilterBankStep)
    ->ArgNames({"channels", "order", "envelope"})
    ->Args({64, 2, 1})
    ->Args({64, 2, 0})
    ->Args({64, 4, 1})
    ->Args({16, 2, 1})
    ->Unit(benchmark::kNanosecond);
