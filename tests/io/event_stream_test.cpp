// Tests of io/event_stream.hpp: chunked reading of every format, writers that appear only
// when complete, channel counts learnt from the stream, rounding reports.
#include "io/event_stream.hpp"

#include <doctest/doctest.h>

#include <filesystem>

#include "io/native_log.hpp"

#include "tests/io/temp_path.hpp"

using namespace rockpool;
using test::slurp;
using test::spit;
using test::TempPath;

TEST_CASE("a text file is handed out in chunks of the asked size, with progress") {
  TempPath a("chunks.csv");
  std::string content = "t[ms],channel\n";
  for (int k = 0; k < 10; ++k) content += std::to_string(k) + "," + std::to_string(k % 4) + "\n";
  spit(a.path, content);
  auto reader = open_event_reader(a.path, {.chunk_events = 3});
  CHECK(reader->info().format == EventFileFormat::kText);
  CHECK(reader->info().time_unit == "ms");
  std::vector<std::size_t> sizes;
  std::vector<Time> times;
  while (auto chunk = reader->next_chunk()) {
    sizes.push_back(chunk->times.size());
    times.insert(times.end(), chunk->times.begin(), chunk->times.end());
  }
  CHECK(sizes == std::vector<std::size_t>{3, 3, 3, 1});
  REQUIRE(times.size() == 10);
  for (int k = 0; k < 10; ++k) CHECK(times[k] == Time::zero() + milliseconds(k));
  CHECK(reader->events_read() == 10);
  CHECK(reader->bytes_read() == content.size());
  CHECK(reader->file_size() == content.size());
  CHECK(reader->max_rounding_seconds() == 0.0);  // whole milliseconds are whole ticks
}

TEST_CASE("the text reader reports the largest rounding to the tick") {
  TempPath a("round.csv");
  // 0.05 ns = 0.45 ticks -> 0 ticks (rounded by 0.05 ns); 0.5 ns = 4.5 ticks -> 4 (half to
  // even, by 0.5/9 ns = 0.0556 ns); 1 ns is exact.
  spit(a.path, "t[ns],channel\n0.05,0\n0.5,1\n1,0\n");
  auto reader = open_event_reader(a.path);
  const TSEvent ev = read_all(*reader);
  REQUIRE(ev.size() == 3);
  CHECK(ev.times()[0].ticks() == 0);
  CHECK(ev.times()[1].ticks() == 4);
  CHECK(ev.times()[2].ticks() == 9);
  CHECK(reader->max_rounding_seconds() == doctest::Approx(0.5e-9 / 9).epsilon(1e-6));
}

TEST_CASE("a native log streamed without a channel count records it in the footer") {
  TempPath out("open_count.rpl");
  {
    NativeLogWriter w(out.path, {.chunk_events = 2});  // num_channels 0: not known up front
    w.append(Time::from_ticks(1), 7);
    w.append(Time::from_ticks(2), 3);
    w.append(Time::from_ticks(3), 12);
    w.close();
  }
  NativeLogReader r(out.path);
  CHECK(r.header().num_channels == 0);  // the header declares none
  while (r.next_chunk()) {
  }
  CHECK(r.header().num_channels == 13);  // highest channel + 1, from the footer
  CHECK(read_native_log(out.path).num_channels() == 13);
}

TEST_CASE("a truncated native log without a channel count takes the highest channel read") {
  TempPath out("open_count_cut.rpl");
  {
    NativeLogWriter w(out.path, {.chunk_events = 2});
    w.append(Time::from_ticks(1), 4);
    w.append(Time::from_ticks(2), 9);
    w.append(Time::from_ticks(3), 20);  // left pending: written as a last chunk by the destructor
  }  // not closed: out.path + ".tmp" has no footer
  NativeLogStatus status;
  const TSEvent ev = read_native_log(out.path + ".tmp", &status);
  CHECK(status.truncated);
  CHECK(ev.size() == 3);
  CHECK(ev.num_channels() == 21);
}

TEST_CASE("text -> native -> npz -> text through the streamed writers is exact") {
  TempPath a("chain.csv"), b("chain.rpl"), c("chain.npz"), d("chain_back.csv");
  const std::string content = "t[ns],channel,value\n0,2,0.5\n1000.5556,0,-1\n2000000000,5,3\n";
  spit(a.path, content);
  CHECK(convert_events(a.path, b.path, EventFileFormat::kNative).events == 3);
  CHECK(convert_events(b.path, c.path, EventFileFormat::kNpz).from == EventFileFormat::kNative);
  CHECK(detect_format(c.path) == EventFileFormat::kNpz);
  CHECK(convert_events(c.path, d.path, EventFileFormat::kText).from == EventFileFormat::kNpz);
  // 1000.5556 ns = 9005.0004 ticks -> 9005 ticks, written back as 1000 + 5/9 ns = .5556.
  CHECK(slurp(d.path) == content);
  const TSEvent npz = read_events(c.path);
  CHECK(npz.num_channels() == 6);
  CHECK(npz.times()[1].ticks() == 9005);
}

TEST_CASE("writers leave nothing under the final name until close, and refuse bad events whole") {
  for (const EventFileFormat format : {EventFileFormat::kNative, EventFileFormat::kText, EventFileFormat::kNpz}) {
    CAPTURE(format_name(format));
    TempPath out(std::string("writer.") + std::string(format_name(format)));
    EventStreamInfo info;
    info.num_channels = 4;
    {
      auto w = create_event_writer(out.path, format, info);
      const std::vector<Time> times{Time::from_ticks(5), Time::from_ticks(9)};
      const std::vector<Channel> channels{1, 3};
      w->append(times, channels);
      CHECK_FALSE(std::filesystem::exists(out.path));
      // Backwards in time against the previous span: refused, nothing appended.
      const std::vector<Time> back{Time::from_ticks(10), Time::from_ticks(8)};
      CHECK_THROWS_AS(w->append(back, channels), InvalidArgument);
      CHECK(w->events_written() == 2);
      w->close();
    }
    const TSEvent ev = read_events(out.path);
    CHECK(ev.size() == 2);
    CHECK(ev.channels()[1] == 3);
    CHECK(ev.times()[1].ticks() == 9);
  }
}
