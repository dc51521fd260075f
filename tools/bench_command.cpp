// `rockpool bench WORKLOAD`: runs one of the standard workloads (bench/workloads.hpp) on our
// side alone and prints the figures tools/compare_brian2.py sets beside Brian2's.
#include <boost/program_options.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "bench/workloads.hpp"
#include "tools/cli_commands.hpp"

namespace rockpool::cli {
namespace po = boost::program_options;
namespace {

struct Measurement {
  std::string workload, mode;
  std::size_t neurons = 0, synapses = 0, memory_bytes = 0;
  double duration_s = 0, setup_s = 0, run_s = 0;
  std::uint64_t spikes = 0, synaptic_events = 0, events = 0;
  double mean_rate_hz = 0, cv_isi = 0;
  std::size_t peak_rss = 0;
};

// Mean over neurons with >= 3 spikes of std(ISI) / mean(ISI).
double mean_cv_isi(const SpikeRecorder& spikes, std::size_t neurons) {
  std::vector<std::vector<double>> per(neurons);
  for (std::size_t k = 0; k < spikes.count(); ++k) per[spikes.channels()[k]].push_back(to_seconds(spikes.times()[k]));
  double sum = 0;
  std::size_t counted = 0;
  for (const auto& t : per) {
    if (t.size() < 3) continue;
    double m = 0, m2 = 0;
    for (std::size_t i = 1; i < t.size(); ++i) {
      const double isi = t[i] - t[i - 1];
      m += isi;
      m2 += isi * isi;
    }
    const double n = static_cast<double>(t.size() - 1);
    m /= n;
    sum += std::sqrt(std::max(0.0, m2 / n - m * m)) / m;
    ++counted;
  }
  return counted ? sum / static_cast<double>(counted) : 0.0;
}

Measurement measure(const std::string& workload, workloads::Mode mode, const workloads::Options& base,
                    Duration duration) {
  workloads::Options o = base;
  o.mode = mode;
  const auto t0 = std::chrono::steady_clock::now();
  workloads::Workload w = workload == "cuba"        ? workloads::build_cuba(o)
                          : workload == "synaptic" ? workloads::build_synaptic(o)
                                                   : workloads::build_reservoir(o);
  const auto t1 = std::chrono::steady_clock::now();
  w.simulation->run_until(Time::zero() + duration);
  const auto t2 = std::chrono::steady_clock::now();
  Measurement m;
  m.workload = workload;
  m.mode = mode == workloads::Mode::kExact ? "exact" : "clocked";
  m.neurons = w.neurons;
  m.synapses = w.synapses;
  m.memory_bytes = w.simulation->network().synapse_memory_bytes() + w.state_bytes;
  m.duration_s = to_seconds(duration);
  m.setup_s = std::chrono::duration<double>(t1 - t0).count();
  m.run_s = std::chrono::duration<double>(t2 - t1).count();
  m.spikes = w.spikes ? w.spikes->count() : 0;
  m.synaptic_events = w.simulation->stats().synaptic_events;
  m.events = w.simulation->stats().events;
  m.mean_rate_hz = static_cast<double>(m.spikes) / m.duration_s / static_cast<double>(m.neurons);
  m.cv_isi = w.spikes ? mean_cv_isi(*w.spikes, w.neurons) : 0.0;
  m.peak_rss = workloads::peak_rss_bytes();
  return m;
}

void print_json(const Measurement& m) {
  std::printf(
      "{\"workload\": \"%s\", \"mode\": \"%s\", \"neurons\": %zu, \"synapses\": %zu, \"duration_s\": %.9g, "
      "\"setup_s\": %.6f, \"run_s\": %.6f, \"spikes\": %llu, \"synaptic_events\": %llu, \"events\": %llu, "
      "\"mean_rate_hz\": %.6f, \"cv_isi\": %.6f, \"peak_rss_bytes\": %zu, \"model_memory_bytes\": %zu, "
      "\"machine\": \"%s\"}\n",
      m.workload.c_str(), m.mode.c_str(), m.neurons, m.synapses, m.duration_s, m.setup_s, m.run_s,
      static_cast<unsigned long long>(m.spikes), static_cast<unsigned long long>(m.synaptic_events),
      static_cast<unsigned long long>(m.events), m.mean_rate_hz, m.cv_isi, m.peak_rss, m.memory_bytes,
      workloads::machine_summary().c_str());
}

void print_row(const Measurement& m) {
  std::printf("%-8s %9zu %11zu %8.3f %8.3f %10llu %8.2f %6.3f %14.4g %9.1f %9.1f\n", m.mode.c_str(), m.neurons,
              m.synapses, m.setup_s, m.run_s, static_cast<unsigned long long>(m.spikes), m.mean_rate_hz, m.cv_isi,
              static_cast<double>(m.synaptic_events) / m.run_s, static_cast<double>(m.peak_rss) / 1048576.0,
              static_cast<double>(m.memory_bytes) / 1048576.0);
}

}  // namespace

int run_bench(std::span<const std::string> args) {
  po::options_description options("options");
  std::string workload, mode = "both", duration_text = "1s";
  workloads::Options o;
  bool json = false;
  options.add_options()("workload", po::value(&workload)->required(), "cuba | synaptic | reservoir")(
      "mode", po::value(&mode)->default_value("both"), "exact | clocked | both")(
      "duration", po::value(&duration_text)->default_value("1s"), "simulated time, e.g. 1s, 10s")(
      "seed", po::value(&o.seed)->default_value(1), "random seed")(
      "sources", po::value(&o.sources)->default_value(10'000), "Poisson sources (synaptic workload)")(
      "neurons", po::value(&o.neurons)->default_value(0), "network size (0: the workload's standard size)")(
      "json", po::bool_switch(&json), "print one JSON object (needs a single --mode)");
  po::positional_options_description positional;
  positional.add("workload", 1);
  po::variables_map vm;
  if (!parse_options(args, "rockpool bench WORKLOAD [--mode M] [--duration T] [--seed N] [--json]", options,
                     positional, vm)) {
    return 0;
  }
  if (workload != "cuba" && workload != "synaptic" && workload != "reservoir") {
    throw UsageError("unknown workload '" + workload + "' (cuba, synaptic, reservoir)");
  }
  if (workload == "reservoir" && mode == "both") mode = "clocked";  // rate units have no exact mode
  if (workload == "reservoir" && mode == "exact") throw UsageError("the reservoir is clocked only");
  if (mode != "exact" && mode != "clocked" && mode != "both") throw UsageError("--mode must be exact, clocked or both");
  if (json && mode == "both") throw UsageError("--json needs --mode exact or --mode clocked");
  const Duration duration = parse_duration(duration_text, "--duration");
  if (duration <= Duration::zero()) throw UsageError("--duration must be positive");

  std::vector<workloads::Mode> modes;
  if (mode != "exact") modes.push_back(workloads::Mode::kClocked);
  if (mode != "clocked") modes.push_back(workloads::Mode::kExact);
  if (!json) {
    std::printf("machine: %s\nworkload: %s, %s s simulated, seed %llu\n", workloads::machine_summary().c_str(),
                workload.c_str(), format_seconds(duration).c_str(), static_cast<unsigned long long>(o.seed));
    std::printf("%-8s %9s %11s %8s %8s %10s %8s %6s %14s %9s %9s\n", "mode", "neurons", "synapses", "setup_s",
                "run_s", "spikes", "rate_Hz", "CV", "syn_events/s", "peak_MiB", "model_MiB");
  }
  for (auto m : modes) {
    const Measurement r = measure(workload, m, o, duration);
    if (json) print_json(r); else print_row(r);
  }
  return 0;
}

}  // namespace rockpool::cli
