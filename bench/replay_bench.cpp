// Question: how fast does each event file reader hand events to a replay, against a plain
// read() of the same bytes — and what does streaming a log cost a replay through a network?
//
// 1. Readers. For every format of the format table (io/event_formats.hpp) that can be both
//    written and read, the same N = 1e6 events (1024 channels, irregular times) are written
//    once with the format's writer to a temporary directory. Each iteration then reads the
//    file twice, in the same process and with the file in the page cache: a plain read()
//    of its bytes into a 1 MiB buffer, and open_event_reader() over all its chunks (the
//    channels summed, so nothing is optimised away). The timed region is the reader
//    (manual time, thread CPU time: see Clock); counters:
//      events/s        events handed out per wall second by the reader
//      plain_events/s  the same number of events over the plain read()'s time
//      MB/s, plain_MB/s  the same as bytes
//      of_plain        events/s / plain_events/s: the reader's share of the raw read rate
//    Formats added to the table later (AEDAT, EVT, ...) are covered without a change here;
//    a format without a writer is reported as skipped (no file to read).
// 2. Replay. A native log of 1000 Poisson channels at 20 Hz over 5 s (1e5 events) replayed
//    through 1000 exact LIF neurons (10 % connectivity, mean drive 0.9 of threshold, as in
//    synaptic_bench.cpp) by EventLogSource, against the same events from memory
//    (TSEventSource) in the same iteration. Counters: input events/s and sim_s/cpu_s of the
//    streamed replay, and of_memory = memory time / streamed time.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/simulation.hpp"
#include "engine/sources.hpp"
#include "io/event_formats.hpp"
#include "io/event_log_source.hpp"
#include "neurons/lif_exp.hpp"

namespace {

using namespace rockpool;
// Thread CPU time (user + system, so read()'s copying counts): the benchmark machine is
// shared, and wall time there measures the other jobs as much as ours.
struct Clock {
  using time_point = double;
  static double now() {
    timespec ts;
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
  }
};

constexpr std::size_t kEvents = 1'000'000;
constexpr std::size_t kChannels = 1024;

// A scratch directory for the benchmark's files, removed at exit.
struct ScratchDir {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("rockpool_replay_bench_" + std::to_string(::getpid()));
  ScratchDir() { std::filesystem::create_directories(path); }
  ~ScratchDir() { std::filesystem::remove_all(path); }
};

ScratchDir& scratch() {
  static ScratchDir dir;
  return dir;
}

double since(double t) { return Clock::now() - t; }

// The time of a plain read() of the whole file.
double plain_read_seconds(const std::string& path, std::vector<char>& buffer) {
  const auto t0 = Clock::now();
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return 0.0;
  while (::read(fd, buffer.data(), buffer.size()) > 0) {
  }
  ::close(fd);
  return since(t0);
}

// Camera formats (AEDAT, Prophesee) store pixels: the 1024 channels are the two polarities
// of a 32 x 16 sensor, in both directions.
AddressMapping camera_mapping() {
  AddressMapping m;
  m.width = 32;
  m.height = 16;
  return m;
}

// Writes the benchmark's events in `format` (once per process); empty if it cannot.
std::string events_file(const EventFormat& format, std::string& why_not) {
  const std::string path =
      (scratch().path / ("events" + std::string(format.extensions.substr(0, format.extensions.find(' '))))).string();
  if (std::filesystem::exists(path)) return path;
  if (!format.create || !format.open) {
    why_not = "the format has no writer: no file to read";
    return {};
  }
  EventStreamInfo info;
  info.format = format.format;
  info.num_channels = kChannels;
  info.t_start = Time::zero();
  info.address_mapping = camera_mapping();  // camera formats: channels as pixels of a 32x16 sensor
  try {
    auto writer = create_event_writer(path, format.format, info);
    std::vector<Time> times;
    std::vector<Channel> channels;
    std::uint64_t state = 1;
    Time t = Time::zero();
    for (std::size_t k = 0; k < kEvents; ++k) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;  // LCG: irregular gaps
      t = t + microseconds(1) + ticks(static_cast<std::int64_t>((state >> 33) % 9000));
      times.push_back(t);
      channels.push_back(static_cast<Channel>((state >> 20) % kChannels));
    }
    writer->append(times, channels);
    writer->close();
  } catch (const std::exception& e) {
    why_not = e.what();
    return {};
  }
  return path;
}

void reader_vs_plain_read(benchmark::State& state, const EventFormat* format) {
  std::string why_not;
  const std::string path = events_file(*format, why_not);
  if (path.empty()) {
    state.SkipWithError(("skipped: " + why_not).c_str());
    return;
  }
  std::vector<char> buffer(1 << 20);
  const double bytes = static_cast<double>(std::filesystem::file_size(path));
  double reader_total = 0, plain_total = 0;
  std::uint64_t events = 0, checksum = 0;
  for (auto _ : state) {
    plain_total += plain_read_seconds(path, buffer);
    const auto t0 = Clock::now();
    auto reader = open_event_reader(path, {.address_mapping = camera_mapping()});
    while (auto chunk = reader->next_chunk()) {
      for (const Channel c : chunk->channels) checksum += c;
      events += chunk->channels.size();
    }
    const double t = since(t0);
    reader_total += t;
    state.SetIterationTime(t);
  }
  benchmark::DoNotOptimize(checksum);
  const double n = static_cast<double>(events);
  const double iterations = static_cast<double>(state.iterations());
  state.counters["events/s"] = n / reader_total;
  state.counters["plain_events/s"] = n / plain_total;
  state.counters["MB/s"] = bytes * iterations / reader_total / 1e6;
  state.counters["plain_MB/s"] = bytes * iterations / plain_total / 1e6;
  state.counters["of_plain"] = plain_total / reader_total;
  state.counters["bytes/event"] = bytes / static_cast<double>(kEvents);
}

// ---------------------------------------------------------------------------------------
// Replay through 1000 LIF neurons.

constexpr std::size_t kNeurons = 1000;
constexpr std::size_t kInputs = 1000;
constexpr double kRateHz = 20.0;
constexpr Duration kSpan = seconds(5);

const TSEvent& replay_input() {
  static const TSEvent events = [] {
    Network net;
    const NodeId in = net.add("in", std::make_unique<PoissonSource>(kInputs, kRateHz, 7));
    Simulation sim(std::move(net));
    SpikeRecorder& r = sim.record_spikes(in);
    sim.run_until(Time::zero() + kSpan);
    return r.to_tsevent(Time::zero(), Time::zero() + kSpan);
  }();
  return events;
}

std::unique_ptr<Simulation> lif_network(std::unique_ptr<Node> source) {
  Network net;
  const NodeId in = net.add("in", std::move(source));
  LifExp::Parameters p;
  p.tau_mem = 20e-3;
  p.tau_syn = {5e-3};
  p.refractory = milliseconds(2);
  const NodeId lif = net.add("lif", std::make_unique<LifExp>(p, kNeurons));
  // Mean drive 0.9 of threshold: N * p * rate * w * tau_syn = 0.9.
  const double w = 0.9 / (kInputs * 0.1 * kRateHz * 5e-3);
  net.connect(in, lif, Projection::random(kInputs, kNeurons, 0.1, w, milliseconds(1), 3));
  return std::make_unique<Simulation>(std::move(net));
}

void BM_ReplayLif1000(benchmark::State& state) {
  const std::string log = (scratch().path / "replay_input.rpl").string();
  if (!std::filesystem::exists(log)) write_events(log, replay_input(), EventFileFormat::kNative);
  double streamed_total = 0, memory_total = 0;
  std::uint64_t spikes = 0;
  for (auto _ : state) {
    auto memory = lif_network(std::make_unique<TSEventSource>(replay_input()));
    auto t0 = Clock::now();
    memory->run_until(Time::zero() + kSpan);
    memory_total += since(t0);
    auto streamed = lif_network(std::make_unique<EventLogSource>(log));
    t0 = Clock::now();
    streamed->run_until(Time::zero() + kSpan);
    const double t = since(t0);
    streamed_total += t;
    state.SetIterationTime(t);
    spikes += streamed->stats().spikes;
    if (streamed->stats().spikes != memory->stats().spikes) state.SkipWithError("the two replays differ");
  }
  const double iterations = static_cast<double>(state.iterations());
  state.counters["input_events/s"] = static_cast<double>(replay_input().size()) * iterations / streamed_total;
  state.counters["sim_s/cpu_s"] = to_seconds(kSpan) * iterations / streamed_total;
  state.counters["of_memory"] = memory_total / streamed_total;
  state.counters["spikes"] = static_cast<double>(spikes) / iterations;
}

BENCHMARK(BM_ReplayLif1000)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

namespace rockpool::bench {

// One reader benchmark per format in the table (called from bench/main.cpp).
void register_replay_benchmarks() {
  for (const EventFormat* f : event_formats()) {
    benchmark::RegisterBenchmark(("BM_ReaderVsPlainRead/" + std::string(f->name)).c_str(), reader_vs_plain_read, f)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond)
        ->MinTime(0.5);
  }
}

}  // namespace rockpool::bench
