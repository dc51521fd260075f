// workloads.hpp: the standard benchmark workloads, defined once for `rockpool bench`
// (tools/) and the Google Benchmark programs (bench/).
//
// Each builder returns a ready Simulation with a spike recorder on the measured neurons.
// Parameters follow the published models, so the same numbers appear in
// tools/compare_brian2.py for Brian2.
//
//   auto w = build_cuba({.mode = Mode::kExact, .seed = 1});
//   w.simulation->run_until(Time::from_seconds(1));
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "engine/simulation.hpp"

namespace rockpool::workloads {

enum class Mode { kExact, kClocked };

struct Options {
  Mode mode = Mode::kExact;
  std::uint64_t seed = 1;
  Duration dt = microseconds(100);  // clocked mode's step
  std::size_t sources = 10'000;     // synaptic workload only
  std::size_t neurons = 0;          // 0: the workload's standard size
};

struct Workload {
  std::string name;
  std::unique_ptr<Simulation> simulation;
  SpikeRecorder* spikes = nullptr;  // the measured population
  std::size_t neurons = 0;
  std::size_t synapses = 0;
  std::size_t state_bytes = 0;      // neuron state (doubles and counters)
};

// CUBA (Vogels & Abbott 2005, as in Brian2's examples/CUBA.py): 4000 LIF neurons (3200
// excitatory, 800 inhibitory), each pair connected with probability 0.02, taum 20 ms,
// taue 5 ms, taui 10 ms, El -49 mV, Vt -50 mV, Vr -60 mV, refractory 5 ms,
// we = 1.62 mV, wi = -9 mV, V0 uniform in [Vr, Vt). Spikes arrive 0.1 ms after they are
// sent (Brian2 delivers on the next step of dt = 0.1 ms; the clocked mode's bin does the
// same). `neurons` scales the network at fixed in-degree (80 inputs per neuron).
Workload build_cuba(const Options& options);

// Synaptic throughput: `sources` Poisson inputs at 10 Hz -> 1000 LIF neurons, each pair
// connected with probability 0.1, weight 0.2 mV on a 5 ms synapse, El = Vr -60 mV,
// Vt -50 mV, taum 20 ms, refractory 5 ms, delay 0.1 ms. Synaptic events dominate.
Workload build_synaptic(const Options& options);

// Rate reservoir (Rockpool's reservoir tutorial): a 1-channel sine input -> PassThrough
// (1 x N, weights +-1) -> RecRateEuler (N units, tanh, tau 20 ms, recurrent weights
// N(0, 1.2^2 / N) for a spectral radius near 1.2) -> PassThrough readout (N x 1), all
// clocked at dt = 1 ms. `neurons` is N (default 100; the sizes are 100 and 1000).
// The measured population has no spikes: `spikes` is null.
Workload build_reservoir(const Options& options);

// Peak resident set size of this process in bytes (VmHWM), 0 if unknown.
std::size_t peak_rss_bytes();
// "CPU model, N cores, g++ version".
std::string machine_summary();

}  // namespace rockpool::workloads
