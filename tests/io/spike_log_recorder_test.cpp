// Tests of io/spike_log_recorder.hpp. The expected spikes come from the engine's own
// SpikeRecorder on the same seeded run: the log must hold exactly what it recorded.
#include "io/spike_log_recorder.hpp"

#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <vector>

#include "engine/error.hpp"
#include "engine/simulation.hpp"
#include "engine/sources.hpp"
#include "io/event_file.hpp"
#include "io/native_log.hpp"
#include "neurons/lif_exp.hpp"

#include "tests/io/temp_path.hpp"

using namespace rockpool;
using test::slurp;
using test::spit;
using test::TempPath;

namespace {

// Poisson input -> a recurrent E/I LIF population (two ports), seeded: some thousand
// spikes of "lif" per simulated second (about 4000 with this seed), many chunks of 64 or 256.
struct SeededNet {
  std::unique_ptr<Simulation> sim;
  NodeId input = 0, lif = 0;
  SpikeRecorder* spikes = nullptr;

  SeededNet() {
    Network net;
    input = net.add("in", std::make_unique<PoissonSource>(100, 50.0, /*seed=*/11));
    LifExp::Parameters p;
    p.tau_mem = 0.02;
    p.tau_syn = {0.005, 0.01};
    p.threshold = 1.0;
    p.refractory = milliseconds(2);
    lif = net.add("lif", std::make_unique<LifExp>(p, 200));
    net.connect(input, lif, Projection::random(100, 200, 0.1, 0.6, milliseconds(1), 12, 0));
    net.connect(lif, lif, Projection::random(200, 200, 0.05, -0.4, microseconds(1500), 13, 1));
    net.connect(lif, lif, Projection::random(200, 200, 0.05, 0.3, microseconds(800), 14, 0));
    sim = std::make_unique<Simulation>(std::move(net));
    spikes = &sim->record_spikes(lif);
  }
};

void check_same_events(const TSEvent& got, const TSEvent& expected) {
  REQUIRE(got.size() == expected.size());
  CHECK(got.num_channels() == expected.num_channels());
  CHECK(got.t_start() == expected.t_start());
  CHECK(got.t_stop() == expected.t_stop());
  const auto gt = got.times();
  const auto et = expected.times();
  const auto gc = got.channels();
  const auto ec = expected.channels();
  CHECK(std::vector<Time>(gt.begin(), gt.end()) == std::vector<Time>(et.begin(), et.end()));
  CHECK(std::vector<Channel>(gc.begin(), gc.end()) == std::vector<Channel>(ec.begin(), ec.end()));
}

}  // namespace

TEST_CASE("a logged run reads back with exactly the times and channels of a SpikeRecorder") {
  const TempPath file("run.rpl");
  SeededNet n;
  SpikeLogRecorder log(*n.sim, n.lif, file.path, {.chunk_events = 256});
  CHECK(log.temp_path() == file.path + ".tmp");
  n.sim->run_until(Time::from_seconds(1.0));
  log.close();
  CHECK_FALSE(std::filesystem::exists(file.path + ".tmp"));

  const TSEvent expected = n.spikes->to_tsevent(Time::zero(), n.sim->now());
  // Many chunks, and only lif's spikes: the input's are in the callback too, filtered out.
  REQUIRE(expected.size() > 4 * 256);
  CHECK(n.sim->stats().spikes > expected.size());
  CHECK(log.size() == expected.size());

  NativeLogStatus status;
  const TSEvent got = read_native_log(file.path, &status);
  check_same_events(got, expected);
  CHECK(got.name() == "lif");  // the node's name, by default
  CHECK(status.header.source == "simulation");
  CHECK(status.chunks == (expected.size() + 255) / 256);
  CHECK_FALSE(status.truncated);
  check_same_events(read_events(file.path), expected);  // through the format-sniffing entry

  // close() gave the callback slot back: further runs log nothing, and need no recorder.
  n.sim->run_until(Time::from_seconds(1.2));
  CHECK(log.size() == expected.size());
  CHECK(n.spikes->count() > expected.size());
  CHECK_THROWS_AS(log.close(), InvalidArgument);
}

TEST_CASE("a run split into several run_until calls writes the same log, byte for byte") {
  const TempPath whole("whole.rpl"), split("split.rpl");
  {
    SeededNet n;
    SpikeLogRecorder log(*n.sim, n.lif, whole.path, {.chunk_events = 256});
    n.sim->run_until(Time::from_seconds(0.6));
    log.close();
  }
  {
    SeededNet n;
    SpikeLogRecorder log(*n.sim, n.lif, split.path, {.chunk_events = 256});
    for (double t : {0.05, 0.2, 0.2, 0.3337, 0.6}) n.sim->run_until(Time::from_seconds(t));
    log.close();
  }
  const std::string a = slurp(whole.path), b = slurp(split.path);
  CHECK(a.size() > 2000);
  CHECK(a == b);
}

TEST_CASE("a recorder destroyed without close leaves path.tmp, readable, with every spike logged") {
  const TempPath file("abandoned.rpl");
  SeededNet n;
  {
    SpikeLogRecorder log(*n.sim, n.lif, file.path, {.chunk_events = 64});
    n.sim->run_until(Time::from_seconds(0.3));
  }  // as when an exception unwinds the run: the pending spikes become a last chunk
  CHECK_FALSE(std::filesystem::exists(file.path));
  NativeLogReader reader(file.path + ".tmp");
  std::vector<Time> times;
  std::vector<Channel> channels;
  while (auto chunk = reader.next_chunk()) {
    times.insert(times.end(), chunk->times.begin(), chunk->times.end());
    channels.insert(channels.end(), chunk->channels.begin(), chunk->channels.end());
  }
  CHECK(reader.truncated());
  const auto et = n.spikes->times();
  const auto ec = n.spikes->channels();
  CHECK(times == std::vector<Time>(et.begin(), et.end()));
  CHECK(channels == std::vector<Channel>(ec.begin(), ec.end()));
  // The destructor gave the callback slot back: the simulation runs on without it.
  n.sim->run_until(Time::from_seconds(0.4));
  CHECK(n.spikes->count() > times.size());
}

TEST_CASE("a killed run leaves path.tmp holding its complete chunks: a prefix of the spikes") {
  const TempPath file("killed.rpl");
  constexpr std::uint32_t kChunk = 64;
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // No destructor runs after _exit, as after SIGKILL: the pending chunk is lost.
    SeededNet n;
    SpikeLogRecorder log(*n.sim, n.lif, file.path, {.chunk_events = kChunk});
    n.sim->run_until(Time::from_seconds(0.3));
    ::_exit(0);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));

  SeededNet reference;  // the same seeded run, recorded in memory
  reference.sim->run_until(Time::from_seconds(0.3));
  const auto et = reference.spikes->times();
  const auto ec = reference.spikes->channels();
  const std::size_t complete = et.size() / kChunk * kChunk;
  REQUIRE(complete >= 2 * kChunk);
  REQUIRE(complete < et.size());  // else this seed tests nothing lost

  NativeLogStatus log_status;
  const TSEvent got = read_native_log(file.path + ".tmp", &log_status);
  CHECK(log_status.truncated);
  CHECK(log_status.chunks == complete / kChunk);
  REQUIRE(got.size() == complete);
  const auto gt = got.times();
  const auto gc = got.channels();
  CHECK(std::vector<Time>(gt.begin(), gt.end()) == std::vector<Time>(et.begin(), et.begin() + complete));
  CHECK(std::vector<Channel>(gc.begin(), gc.end()) == std::vector<Channel>(ec.begin(), ec.begin() + complete));
}

TEST_CASE("a log starts at the simulation's now(), so a late recorder matches to_tsevent from there") {
  const TempPath file("late.rpl");
  SeededNet n;
  n.sim->run_until(Time::from_seconds(0.2));
  const std::size_t before = n.spikes->count();
  SpikeLogRecorder log(*n.sim, n.lif, file.path);
  n.sim->run_until(Time::from_seconds(0.5));
  log.close();
  const TSEvent got = read_native_log(file.path);
  CHECK(got.t_start() == Time::from_seconds(0.2));
  CHECK(got.t_stop() == Time::from_seconds(0.5));
  const auto et = n.spikes->times();
  const auto gt = got.times();
  REQUIRE(got.size() == et.size() - before);
  CHECK(std::vector<Time>(gt.begin(), gt.end()) == std::vector<Time>(et.begin() + before, et.end()));
}

TEST_CASE("a node that is not in the network is refused before any file is made") {
  const TempPath file("refused.rpl");
  SeededNet n;
  CHECK_THROWS_AS(SpikeLogRecorder(*n.sim, 7, file.path), OutOfRange);
  CHECK_FALSE(std::filesystem::exists(file.path + ".tmp"));
}
