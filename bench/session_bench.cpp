// Question: what does streaming cost? Per event, pushing into a Session and advancing
// (with the output through the callback) against a batch run of the same network and the
// same events (TSEventSource); and the latency from push() to the output callback for a
// single event, with the caller driving time and in real-time mode across threads.
//
// Workload (Throughput): 64 input channels -> 256 exact LIF neurons, 10% random synapses
// with a 1 ms delay, 40 000 input events at 20 kHz total; outputs of the LIF population
// go to a counting callback. One item = one input event. The session pushes the events in
// chunks of `chunk` and advances to the next chunk's first time after each, so chunk = 1
// is the worst case (one advance per event). Batch and session results are the same
// spikes, bit for bit (tests/api/session_test.cpp), so the ratio is pure overhead.
//
// Latency: one event per iteration, observed at the input itself (the callback fires when
// the simulation emits it), so the time is the session's path: lock, inbox, wake the
// source, scheduler, dispatch, callback. Latency/LIF also goes through a delivery to a
// neuron that fires at once. RealTime: a thread runs run_realtime; the benchmark thread
// push_now()es and spins until the callback has seen it (manual timing per round trip).
#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "api/builder_access.hpp"
#include "engine/random.hpp"
#include "engine/simulation.hpp"
#include "engine/sources.hpp"
#include "neurons/lif_exp.hpp"
#include "rockpool/session.hpp"

namespace {

using namespace rockpool;

constexpr std::size_t kChannels = 64;
constexpr std::size_t kNeurons = 256;
constexpr std::size_t kEvents = 40'000;

const TSEvent& input_events() {
  static const TSEvent events = [] {
    CounterRng rng(1, 0);
    std::vector<Time> times;
    std::vector<Channel> channels;
    Time t = Time::zero();
    for (std::uint64_t k = 0; k < kEvents; ++k) {
      t += Duration::from_seconds(rng.exponential(k) / 20'000.0);
      times.push_back(t);
      channels.push_back(static_cast<Channel>(rng.bits(k, 1) % kChannels));
    }
    return TSEvent(std::move(times), std::move(channels), {.num_channels = kChannels});
  }();
  return events;
}

void add_network(Network& net) {
  LifExp::Parameters p;
  p.tau_mem = 20e-3;
  p.tau_syn = {5e-3};
  p.threshold = 1.0;
  const NodeId lif = net.add("lif", std::make_unique<LifExp>(p, kNeurons));
  net.connect(0, lif, Projection::random(kChannels, kNeurons, 0.1, 0.3, milliseconds(1), 7));
}

void Throughput_Batch(benchmark::State& state) {
  const TSEvent& events = input_events();
  const Time end = events.times().back() + milliseconds(1);
  std::uint64_t outputs = 0;
  for (auto _ : state) {
    Network net;
    net.add("input", std::make_unique<TSEventSource>(events));
    add_network(net);
    Simulation sim(std::move(net));
    sim.on_spike([&](NodeId node, NeuronIndex, Time) { outputs += node == 1; });
    sim.run_until(end);
  }
  benchmark::DoNotOptimize(outputs);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * events.size()));
}
BENCHMARK(Throughput_Batch)->Unit(benchmark::kMillisecond);

void Throughput_Session(benchmark::State& state) {
  const TSEvent& events = input_events();
  const auto chunk = static_cast<std::size_t>(state.range(0));
  const Time end = events.times().back() + milliseconds(1);
  std::vector<InputEvent> list;
  for (std::size_t k = 0; k < events.size(); ++k) list.push_back({events.times()[k], events.channels()[k]});
  std::uint64_t outputs = 0;
  for (auto _ : state) {
    NetworkBuilder b;
    b.spike_input("input", kChannels);
    add_network(NetworkBuilderAccess::network(b));
    Session s(std::move(b));
    s.observe("lif");
    s.on_output([&](const OutputSpike&) { ++outputs; });
    const InputRef in = s.input("input");
    for (std::size_t k = 0; k < list.size(); k += chunk) {
      const std::size_t n = std::min(chunk, list.size() - k);
      s.push(in, std::span(list).subspan(k, n));
      if (k + n < list.size()) s.advance_to(list[k + n].time);
    }
    s.advance_to(end);
  }
  benchmark::DoNotOptimize(outputs);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * events.size()));
}
BENCHMARK(Throughput_Session)->Arg(1)->Arg(64)->Arg(4096)->Unit(benchmark::kMillisecond);

void Latency_Input(benchmark::State& state) {
  NetworkBuilder b;
  b.spike_input("input", 1);
  Session s(std::move(b));
  s.observe("input");
  std::uint64_t seen = 0;
  s.on_output([&](const OutputSpike&) { ++seen; });
  Time t = Time::zero();
  for (auto _ : state) {
    t += milliseconds(1);
    s.push(t, 0);
    s.advance_to(t + ticks(1));
  }
  if (seen != static_cast<std::uint64_t>(state.iterations())) state.SkipWithError("lost an event");
}
BENCHMARK(Latency_Input);

void Latency_LIF(benchmark::State& state) {
  NetworkBuilder b;
  const NodeRef in = b.spike_input("input", 1);
  // A weight far above threshold with tau_syn << tau_mem: the neuron fires within ~0.1 ms.
  const NodeRef lif = b.lif("lif", 1, {.tau_mem = 20e-3, .tau_syn = {0.2e-3}, .threshold = 0.1});
  b.connect(in, lif, Connection::one_to_one(100.0));
  Session s(std::move(b));
  s.observe("lif");
  std::uint64_t seen = 0;
  s.on_output([&](const OutputSpike&) { ++seen; });
  Time t = Time::zero();
  for (auto _ : state) {
    t += milliseconds(10);
    s.push(t, 0);
    s.advance_to(t + milliseconds(1));
  }
  if (seen < static_cast<std::uint64_t>(state.iterations())) state.SkipWithError("a push gave no spike");
}
BENCHMARK(Latency_LIF);

void Latency_RealTime(benchmark::State& state) {
  NetworkBuilder b;
  b.spike_input("input", 1);
  Session s(std::move(b), {.pacing = Pacing::kRealTime});
  s.observe("input");
  std::atomic<std::uint64_t> seen{0};
  s.on_output([&](const OutputSpike&) { seen.fetch_add(1, std::memory_order_release); });
  std::thread runner([&] { s.run_realtime(Time::max()); });
  const InputRef in = s.input("input");
  std::uint64_t sent = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    s.push_now(in, 0);
    ++sent;
    while (seen.load(std::memory_order_acquire) < sent) {
    }
    state.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  s.stop();
  runner.join();
}
BENCHMARK(Latency_RealTime)->UseManualTime()->Unit(benchmark::kMicrosecond);

}  // namespace
