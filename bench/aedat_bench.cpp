// Question: how many events per second do the AEDAT readers hand out (file in the page
// cache), per version, next to the native log? Each file holds 2^21 events written by our
// own writers: AEDAT 3.1 SPIKE events, AEDAT 2.0 DAVIS346 events, AEDAT 4.0 LZ4 packets.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>
#include <vector>

#include "io/event_stream.hpp"

using namespace rockpool;

namespace {

constexpr std::size_t kEvents = std::size_t{1} << 21;

// The files, written once and removed at exit.
struct BenchFiles {
  std::string paths[16];
  ~BenchFiles() {
    for (const std::string& p : paths) {
      std::error_code ignored;
      if (!p.empty()) std::filesystem::remove(p, ignored);
    }
  }
};

const std::string& bench_file(EventFileFormat format) {
  static BenchFiles files;
  std::string& path = files.paths[static_cast<int>(format)];
  if (!path.empty()) return path;
  path = (std::filesystem::temp_directory_path() /
          ("rockpool_bench_aedat_" + std::to_string(static_cast<int>(format))))
             .string();
  EventStreamInfo info;
  info.format = format;
  if (format != EventFileFormat::kAedat3) {
    info.addresses = EventStreamInfo::Addresses::kCamera;
    info.address_mapping.width = 346;
    info.address_mapping.height = 260;
  }
  std::vector<Time> times(kEvents);
  std::vector<Channel> channels(kEvents);
  for (std::size_t k = 0; k < kEvents; ++k) {
    times[k] = Time::from_ticks(static_cast<std::int64_t>(k / 4) * 9000);  // 4 events per µs
    channels[k] = static_cast<Channel>((k * 7919) % (format == EventFileFormat::kAedat3 ? 4096 : 346 * 260 * 2));
  }
  auto writer = create_event_writer(path, format, info);
  writer->append(times, channels);
  writer->close();
  return path;
}

void read_file(benchmark::State& state, EventFileFormat format) {
  const std::string& path = bench_file(format);
  for (auto _ : state) {
    auto reader = open_event_reader(path);
    std::uint64_t sum = 0;
    while (auto chunk = reader->next_chunk()) sum += chunk->channels.back();
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kEvents));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * std::filesystem::file_size(path)));
}

}  // namespace

static void BM_ReadAedat3Spikes(benchmark::State& state) { read_file(state, EventFileFormat::kAedat3); }
BENCHMARK(BM_ReadAedat3Spikes)->Unit(benchmark::kMillisecond);
static void BM_ReadAedat2Davis(benchmark::State& state) { read_file(state, EventFileFormat::kAedat2); }
BENCHMARK(BM_ReadAedat2Davis)->Unit(benchmark::kMillisecond);
static void BM_ReadAedat4Lz4(benchmark::State& state) { read_file(state, EventFileFormat::kAedat4); }
BENCHMARK(BM_ReadAedat4Lz4)->Unit(benchmark::kMillisecond);
static void BM_ReadNativeLog(benchmark::State& state) { read_file(state, EventFileFormat::kNative); }
BENCHMARK(BM_ReadNativeLog)->Unit(benchmark::kMillisecond);
