// Decoding and encoding speed of the Prophesee formats (io/prophesee.hpp): 1M events of a
// 640x480 sensor, 1 us apart on pseudo-random pixels, read (or written) through the
// streamed interface. Reports events/s and file bytes/s.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "io/event_stream.hpp"

namespace {

using namespace rockpool;

constexpr std::size_t kEvents = 1'000'000;

struct Sample {
  std::vector<Time> times;
  std::vector<Channel> channels;
};

const Sample& sample() {
  static const Sample s = [] {
    Sample out;
    std::uint32_t x = 12345;
    for (std::size_t k = 0; k < kEvents; ++k) {
      x = x * 1664525u + 1013904223u;  // a fixed LCG: the same file every run
      out.times.push_back(Time::from_ticks(static_cast<std::int64_t>(k) * kTicksPerMicrosecond));
      out.channels.push_back((x >> 8) % (640u * 480u * 2u));
    }
    return out;
  }();
  return s;
}

EventStreamInfo sensor_info() {
  EventStreamInfo info;
  info.address_mapping.width = 640;
  info.address_mapping.height = 480;
  return info;
}

std::string path_for(EventFileFormat format) {
  return (std::filesystem::temp_directory_path() /
          ("rockpool_bench_" + std::to_string(::getpid()) + "_" + std::string(format_name(format))))
      .string();
}

void write_file(const std::string& path, EventFileFormat format) {
  auto writer = create_event_writer(path, format, sensor_info());
  writer->append(sample().times, sample().channels);
  writer->close();
}

void BM_PropheseeRead(benchmark::State& state) {
  const auto format = static_cast<EventFileFormat>(state.range(0));
  const std::string path = path_for(format);
  write_file(path, format);
  std::uint64_t bytes = 0;
  for (auto _ : state) {
    auto reader = open_event_reader(path);
    std::uint64_t n = 0;
    while (auto chunk = reader->next_chunk()) n += chunk->times.size();
    benchmark::DoNotOptimize(n);
    bytes = reader->file_size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kEvents));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.SetLabel(std::string(format_name(format)));
  std::filesystem::remove(path);
}

void BM_PropheseeWrite(benchmark::State& state) {
  const auto format = static_cast<EventFileFormat>(state.range(0));
  const std::string path = path_for(format);
  for (auto _ : state) write_file(path, format);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kEvents));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * std::filesystem::file_size(path)));
  state.SetLabel(std::string(format_name(format)));
  std::filesystem::remove(path);
}

void Formats(benchmark::internal::Benchmark* b) {
  for (auto f : {EventFileFormat::kEvt2, EventFileFormat::kEvt3, EventFileFormat::kDat}) b->Arg(static_cast<int>(f));
  b->Unit(benchmark::kMillisecond);
}

}  // namespace

BENCHMARK(BM_PropheseeRead)->Apply(Formats);
BENCHMARK(BM_PropheseeWrite)->Apply(Formats);
