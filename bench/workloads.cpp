#include "bench/workloads.hpp"

#include <cmath>
#include <fstream>
#include <sstream>
#include <thread>

#include "engine/random.hpp"
#include "engine/sources.hpp"
#include "neurons/lif_exp.hpp"
#include "neurons/lif_exp_clocked.hpp"
#include "neurons/rate.hpp"

namespace rockpool::workloads {
namespace {

constexpr double kMilli = 1e-3;

// One population node of the chosen mode; clocked layers take port p of neuron i on input
// channel p * n + i.
std::unique_ptr<Node> make_population(const LifExp::Parameters& p, std::size_t n, const Options& o) {
  if (o.mode == Mode::kClocked) return std::make_unique<LifExpClocked>(p, n, o.dt);
  return std::make_unique<LifExp>(p, n);
}

std::uint32_t input_channel(const Options& o, std::uint32_t port, std::size_t n, NeuronIndex i) {
  return o.mode == Mode::kClocked ? static_cast<std::uint32_t>(port * n + i) : i;
}

std::size_t population_inputs(const Options& o, std::size_t ports, std::size_t n) {
  return o.mode == Mode::kClocked ? ports * n : n;
}

void set_initial_v(Node& node, std::span<const double> v) {
  if (auto* exact = dynamic_cast<LifExp*>(&node)) exact->set_v_mem(v);
  if (auto* clocked = dynamic_cast<LifExpClocked*>(&node)) clocked->set_v_mem(v);
}

}  // namespace

Workload build_cuba(const Options& o) {
  const std::size_t n = o.neurons ? o.neurons : 4000;
  const std::size_t n_exc = n * 4 / 5;
  const double p_connect = 80.0 / 4000.0 * 4000.0 / static_cast<double>(n);  // in-degree 80
  LifExp::Parameters p;
  p.tau_mem = 20 * kMilli;
  p.tau_syn = {5 * kMilli, 10 * kMilli};
  p.v_rest = -49 * kMilli;
  p.threshold = -50 * kMilli;
  p.v_reset = -60 * kMilli;
  p.refractory = milliseconds(5);
  const double we = 60 * 0.27 / 10 * kMilli, wi = -20 * 4.5 / 10 * kMilli;

  Network net;
  auto population = make_population(p, n, o);
  std::vector<double> v0(n);
  const CounterRng rng(o.seed, 0);
  for (std::size_t i = 0; i < n; ++i) v0[i] = p.v_reset + rng.uniform(i) * (p.threshold - p.v_reset);
  set_initial_v(*population, v0);
  const NodeId pop = net.add("cuba", std::move(population));

  // Each pair (i, j) connected with probability p, rows drawn from the seed. Excitatory
  // rows feed port 0 (taue), inhibitory rows port 1 (taui): one projection per port, as
  // a projection has one port (clocked mode: one input block per port instead).
  const Duration delay = microseconds(100);
  const Duration edge_delay = o.mode == Mode::kClocked ? Duration::zero() : delay;
  // Built row by row straight into CSR (ProjectionBuilder): no intermediate synapse list.
  const auto expected = static_cast<std::size_t>(static_cast<double>(n) * 80 * 1.02) + 64;
  ProjectionBuilder builders[2] = {
      ProjectionBuilder(n, population_inputs(o, 2, n), 0, expected * 4 / 5),
      ProjectionBuilder(n, population_inputs(o, 2, n), o.mode == Mode::kClocked ? 0 : 1, expected / 5)};
  for (std::size_t i = 0; i < n; ++i) {
    const CounterRng row(o.seed + 1, i);
    const std::uint32_t port = i < n_exc ? 0 : 1;
    for_each_bernoulli(row, n, p_connect, [&](std::uint64_t j) {
      builders[port].add(static_cast<NeuronIndex>(i), input_channel(o, port, n, static_cast<NeuronIndex>(j)),
                         port == 0 ? we : wi, edge_delay);
    });
  }
  Workload w;
  w.name = "cuba";
  w.neurons = n;
  w.state_bytes = n * (3 * sizeof(double) + 3 * sizeof(std::int64_t));
  for (auto& builder : builders) {
    Projection projection = std::move(builder).build();
    w.synapses += projection.num_synapses();
    net.connect(pop, pop, std::move(projection));
  }
  w.simulation = std::make_unique<Simulation>(std::move(net));
  w.spikes = &w.simulation->record_spikes(pop);
  return w;
}

Workload build_synaptic(const Options& o) {
  const std::size_t n = o.neurons ? o.neurons : 1000;
  LifExp::Parameters p;
  p.tau_mem = 20 * kMilli;
  p.tau_syn = {5 * kMilli};
  p.v_rest = -60 * kMilli;
  p.threshold = -50 * kMilli;
  p.v_reset = -60 * kMilli;
  p.refractory = milliseconds(5);
  Network net;
  const NodeId src = net.add("poisson", std::make_unique<PoissonSource>(o.sources, 10.0, o.seed));
  auto population = make_population(p, n, o);
  std::vector<double> v0(n, p.v_rest);
  set_initial_v(*population, v0);
  const NodeId pop = net.add("lif", std::move(population));
  Workload w;
  w.name = "synaptic";
  w.neurons = n;
  net.connect(src, pop, Projection::random(o.sources, n, 0.1, 0.2 * kMilli, microseconds(100), o.seed + 1));
  w.synapses = net.projection(0).num_synapses();
  w.state_bytes = n * (2 * sizeof(double) + 3 * sizeof(std::int64_t));
  w.simulation = std::make_unique<Simulation>(std::move(net));
  w.spikes = &w.simulation->record_spikes(pop);
  return w;
}

Workload build_reservoir(const Options& o) {
  const std::size_t n = o.neurons ? o.neurons : 100;
  const Duration dt = milliseconds(1);
  // A 2 Hz sine sampled every ms over 100 s (longer runs wrap: the series is periodic).
  std::vector<Time> times;
  std::vector<double> samples;
  for (int k = 0; k < 500; ++k) {
    times.push_back(Time::zero() + k * dt);
    samples.push_back(std::sin(2 * 3.141592653589793 * 2.0 * k * 1e-3));
  }
  TSContinuous::Options series;
  series.periodic = true;
  series.t_stop = Time::zero() + 500 * dt;
  Network net;
  const NodeId in = net.add("input", std::make_unique<TSContinuousSource>(TSContinuous(times, samples, 1, series)));
  const CounterRng rng(o.seed, 7);
  std::vector<double> w_in(n), w_rec(n * n), w_out(n);
  for (std::size_t j = 0; j < n; ++j) w_in[j] = rng.uniform(j) < 0.5 ? -1.0 : 1.0;
  const double scale = 1.2 / std::sqrt(static_cast<double>(n));
  for (std::size_t k = 0; k < n * n; ++k) w_rec[k] = scale * CounterRng(o.seed, 8).normal(k);
  for (std::size_t j = 0; j < n; ++j) w_out[j] = CounterRng(o.seed, 9).normal(j) / static_cast<double>(n);
  PassThroughParameters pass;
  pass.dt = dt;
  const NodeId input = net.add("input_layer", std::make_unique<PassThrough>(WeightMatrix(1, n, w_in), pass));
  RecRateEulerParameters rec;
  rec.tau = {20e-3};
  rec.dt = dt;
  rec.activation = Activation::tanh();
  const NodeId reservoir = net.add("reservoir", std::make_unique<RecRateEuler>(WeightMatrix(n, n, w_rec), rec));
  const NodeId readout = net.add("readout", std::make_unique<PassThrough>(WeightMatrix(n, 1, w_out), pass));
  net.connect(in, input, Projection::one_to_one(1, 1.0, Duration::zero()));
  net.connect(input, reservoir, Projection::one_to_one(n, 1.0, Duration::zero()));
  net.connect(reservoir, readout, Projection::one_to_one(n, 1.0, Duration::zero()));
  Workload w;
  w.name = "reservoir";
  w.neurons = n;
  w.synapses = n * n + 2 * n;
  w.state_bytes = (n * n + 2 * n + 4 * n) * sizeof(double);  // the layers hold their weights
  w.simulation = std::make_unique<Simulation>(std::move(net));
  return w;
}

std::size_t peak_rss_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      std::istringstream in(line.substr(6));
      std::size_t kb = 0;
      in >> kb;
      return kb * 1024;
    }
  }
  return 0;
}

std::string machine_summary() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line, model = "unknown CPU";
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  }
  std::ostringstream out;
  out << model << ", " << std::thread::hardware_concurrency() << " cores, g++ " << __VERSION__;
  return out.str();
}

}  // namespace rockpool::workloads
