// What a current input and a weighted surrogate readout add to an exact LIF population
// (neurons/lif_exp.hpp, neurons/state_readout.hpp), each against a baseline in the same run.
//
//   BM_LifExpCurrentInput/changing:0  N = 1000 neurons, 10 input channels held constant,
//                                     dense 10 x N w_in, sampled every 1 ms for 1 s: the
//                                     sample's gather (10 N multiply-adds) and a compare per
//                                     neuron, nothing else (a held input costs no update).
//   BM_LifExpCurrentInput/changing:1  the same with inputs that change at every sample: each
//                                     neuron's modal state moves and its due time is re-bounded.
//   Both report ns per neuron-sample.
//   BM_SurrogateReadout/readout:0|1   N = 1000 neurons under Poisson drive (100 inputs at
//                                     200 Hz, 10 % connectivity) for 1 s, without and with a
//                                     StateReadout (surrogate, w_out N x 10, dt 1 ms). The
//                                     difference of the two, over N x 1000 ticks, is the cost
//                                     of reading one neuron at one tick.
#include <benchmark/benchmark.h>

#include <cmath>
#include <functional>
#include <memory>
#include <vector>

#include "engine/random.hpp"
#include "engine/simulation.hpp"
#include "engine/sources.hpp"
#include "neurons/lif_exp.hpp"
#include "neurons/state_readout.hpp"

namespace {

using namespace rockpool;

constexpr std::size_t kNeurons = 1000, kChannels = 10, kSteps = 1000;

TSContinuous input_signal(bool changing) {
  const CounterRng rng(3, 0);
  std::vector<Time> times;
  std::vector<double> values;
  for (std::size_t k = 0; k < kSteps; ++k) {
    times.push_back(Time::zero() + static_cast<std::int64_t>(k) * milliseconds(1));
    for (std::size_t c = 0; c < kChannels; ++c) values.push_back(changing ? rng.uniform(k * kChannels + c) : 0.5);
  }
  TSContinuous::Options o;
  o.interpolation = Interpolation::kPrevious;
  o.t_stop = Time::zero() + seconds(2);
  return TSContinuous(std::move(times), std::move(values), kChannels, o);
}

// Times 1 s of simulated time of the network `build` makes (built and destroyed outside the
// timing), and reports spikes and ns per (neuron x 1000 steps) under `counter`.
void time_one_second(benchmark::State& state, const std::function<Network()>& build, const char* counter) {
  for (auto _ : state) {
    state.PauseTiming();
    auto sim = std::make_unique<Simulation>(build());
    state.ResumeTiming();
    sim->run_until(Time::zero() + seconds(1));
    state.PauseTiming();
    state.counters["spikes"] = static_cast<double>(sim->stats().spikes);
    sim.reset();
    state.ResumeTiming();
  }
  state.counters[counter] = benchmark::Counter(static_cast<double>(kNeurons * kSteps) * 1e-9,
                                               benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void BM_LifExpCurrentInput(benchmark::State& state) {
  const bool changing = state.range(0) != 0;
  const TSContinuous signal = input_signal(changing);
  const CounterRng rng(4, 0);
  std::vector<double> w_in(kChannels * kNeurons);
  for (std::size_t k = 0; k < w_in.size(); ++k) w_in[k] = 0.25 * rng.uniform(k);  // drive 0 .. 1.25 x threshold
  const auto build = [&] {
    Network net;
    const NodeId in = net.add("in", std::make_unique<TSContinuousSource>(signal));
    LifExp::Parameters p;
    p.refractory = milliseconds(1);
    const NodeId lif = net.add("lif", std::make_unique<LifExp>(p, kNeurons));
    net.connect(in, lif, Projection::dense(kChannels, kNeurons, w_in, Duration::zero()));
    return net;
  };
  time_one_second(state, build, "ns/neuron-sample");
}
BENCHMARK(BM_LifExpCurrentInput)->ArgNames({"changing"})->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_SurrogateReadout(benchmark::State& state) {
  const bool readout = state.range(0) != 0;
  constexpr std::size_t kInputs = 100, kOutputs = 10;
  const CounterRng rng(5, 0);
  std::vector<double> w_out(kNeurons * kOutputs);
  for (std::size_t k = 0; k < w_out.size(); ++k) w_out[k] = rng.uniform(k) - 0.5;
  const auto build = [&] {
    Network net;
    const NodeId in = net.add("in", std::make_unique<PoissonSource>(kInputs, 200.0, 9));
    LifExp::Parameters p;
    p.tau_syn = {5e-3};
    auto lif = std::make_unique<LifExp>(p, kNeurons);
    std::unique_ptr<StateReadout> out;
    if (readout) out = StateReadout::surrogate(*lif, WeightMatrix(kNeurons, kOutputs, w_out), milliseconds(1));
    const NodeId l = net.add("lif", std::move(lif));
    if (out) net.add("out", std::move(out));
    net.connect(in, l, Projection::random(kInputs, kNeurons, 0.1, 0.3, Duration::zero(), 7));
    return net;
  };
  time_one_second(state, build, "ns/neuron-tick");
}
BENCHMARK(BM_SurrogateReadout)->ArgNames({"readout"})->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(3);

// The readout's step alone: N = 1000 neurons of a started LifExp (states spread by hand),
// surrogate, w_out N x O; one step per iteration, ns per neuron-step.
void BM_SurrogateReadoutStep(benchmark::State& state) {
  const auto outputs = static_cast<std::size_t>(state.range(0));
  LifExp::Parameters p;
  LifExp lif(p, kNeurons);
  std::vector<double> v(kNeurons);
  for (std::size_t j = 0; j < kNeurons; ++j) v[j] = -0.5 + 1.4 * static_cast<double>(j) / kNeurons;
  lif.set_v_mem(v);
  PredictionList changed;
  lif.start(Time::zero(), changed);
  const CounterRng rng(6, 0);
  std::vector<double> w_out(kNeurons * outputs);
  for (std::size_t k = 0; k < w_out.size(); ++k) w_out[k] = rng.uniform(k) - 0.5;
  auto readout = StateReadout::surrogate(lif, WeightMatrix(kNeurons, outputs, w_out), microseconds(100));
  std::vector<double> y(outputs);
  std::int64_t k = 0;
  for (auto _ : state) {
    readout->set_tick_time(Time::zero() + (++k) * microseconds(100));
    readout->step({}, y);
    benchmark::DoNotOptimize(y.data());
  }
  state.counters["ns/neuron-step"] = benchmark::Counter(static_cast<double>(kNeurons) * 1e-9,
                                                        benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_SurrogateReadoutStep)->ArgNames({"outputs"})->Arg(1)->Arg(10);

}  // namespace
