// Tests of the AEDAT rows (io/aedat.hpp): files built byte by byte here from the format
// descriptions (doc/formats.md), with hand-computed addresses, channels and times.
#include "io/aedat.hpp"

#include <doctest/doctest.h>
#include <lz4frame.h>
#include <zstd.h>

#include <filesystem>
#include <limits>

#include "io/event_file.hpp"
#include "io/event_stream.hpp"
#include "tests/io/temp_path.hpp"

using namespace rockpool;
using test::slurp;
using test::spit;
using test::TempPath;

namespace {

constexpr std::int64_t kUs = 9000;  // ticks per microsecond

void le16(std::string& s, std::uint16_t v) {
  s.push_back(static_cast<char>(v & 0xFF));
  s.push_back(static_cast<char>(v >> 8));
}
void le32(std::string& s, std::uint32_t v) {
  for (int k = 0; k < 4; ++k) s.push_back(static_cast<char>((v >> (8 * k)) & 0xFF));
}
void le64(std::string& s, std::uint64_t v) {
  for (int k = 0; k < 8; ++k) s.push_back(static_cast<char>((v >> (8 * k)) & 0xFF));
}
void be32(std::string& s, std::uint32_t v) {
  for (int k = 3; k >= 0; --k) s.push_back(static_cast<char>((v >> (8 * k)) & 0xFF));
}

// ---- AEDAT 3.1 ----------------------------------------------------------------------------

std::string header3(const std::string& source) {
  return "#!AER-DAT3.1\r\n#Format: RAW\r\n#Source 1: " + source + "\r\n#Start-Time: 2024-01-01 10:00:00 (TZ+0000)\r\n#!END-HEADER\r\n";
}

struct Ev {
  std::uint32_t data;
  std::int32_t ts;
};

// A packet of 8-byte events: type, source 1, size 8, TS offset 4, overflow, capacity =
// number = events, valid = the events with bit 0 set.
std::string packet3(int type, std::int32_t overflow, const std::vector<Ev>& events) {
  std::string s;
  le16(s, static_cast<std::uint16_t>(type));
  le16(s, 1);
  le32(s, 8);
  le32(s, 4);
  le32(s, static_cast<std::uint32_t>(overflow));
  le32(s, static_cast<std::uint32_t>(events.size()));
  le32(s, static_cast<std::uint32_t>(events.size()));
  std::uint32_t valid = 0;
  for (const Ev& e : events) valid += e.data & 1;
  le32(s, valid);
  for (const Ev& e : events) {
    le32(s, e.data);
    le32(s, static_cast<std::uint32_t>(e.ts));
  }
  return s;
}

// libcaer's bit layouts, written out: POLARITY valid | p << 1 | y << 2 | x << 17; SPIKE
// valid | core << 1 | chip << 6 | neuron << 12; SPECIAL valid | type << 1.
std::uint32_t polarity(std::uint32_t x, std::uint32_t y, bool on) { return 1u | (on ? 2u : 0u) | y << 2 | x << 17; }
std::uint32_t spike(std::uint32_t chip, std::uint32_t core, std::uint32_t neuron) {
  return 1u | core << 1 | chip << 6 | neuron << 12;
}
constexpr std::uint32_t kWrapEvent = 1u | 0u << 1, kResetEvent = 1u | 1u << 1;

struct Read {
  std::vector<std::int64_t> ticks;
  std::vector<Channel> channels;
};

Read read_all_events(EventReader& r) {
  Read out;
  while (auto chunk = r.next_chunk()) {
    for (const Time t : chunk->times) out.ticks.push_back(t.ticks());
    out.channels.insert(out.channels.end(), chunk->channels.begin(), chunk->channels.end());
  }
  return out;
}

// The FormatError reading `path` throws: its byte offset and message (offset max if none).
std::pair<std::uint64_t, std::string> format_error(const std::string& path, const EventReaderOptions& options = {}) {
  try {
    auto r = open_event_reader(path, options);
    read_all_events(*r);
  } catch (const FormatError& e) {
    return {e.position(), e.what()};
  }
  return {std::numeric_limits<std::uint64_t>::max(), ""};
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("AEDAT 3.1 SPIKE events: chip/core/neuron to channels, 64-bit times, other packets skipped") {
  TempPath f("spikes.aedat");
  // spike(1, 2, 37) = 1 | 2<<1 | 1<<6 | 37<<12 = 0x25045, channel (1*4 + 2)*256 + 37 = 1573.
  CHECK(spike(1, 2, 37) == 0x25045u);
  std::string bytes = header3("DYNAPSE");
  bytes += packet3(0, 0, {{1u | 14u << 1, 5}});  // a SPECIAL packet (APS_FRAME_START): skipped
  bytes += packet3(12, 0, {{spike(0, 0, 0), 10}, {spike(1, 2, 37), 20}, {spike(3, 3, 255) & ~1u, 25}, {spike(0, 1, 1), 30}});
  // An IMU6 packet: 2 events of 36 bytes, skipped by eventSize x eventCapacity.
  std::string imu;
  le16(imu, 3);
  le16(imu, 1);
  le32(imu, 36);
  le32(imu, 4);
  le32(imu, 0);
  le32(imu, 2);
  le32(imu, 2);
  le32(imu, 2);
  imu += std::string(72, '\x7f');
  bytes += imu;
  bytes += packet3(12, 1, {{spike(2, 0, 5), 7}});  // overflow 1: 2^31 + 7 µs
  spit(f.path, bytes);

  CHECK(detect_format(f.path) == EventFileFormat::kAedat3);
  auto r = open_event_reader(f.path, {.chunk_events = 2});
  CHECK(r->info().format == EventFileFormat::kAedat3);
  CHECK(r->info().addresses == EventStreamInfo::Addresses::kChip);
  CHECK(r->info().file_ticks_per_second == 1'000'000);
  CHECK(contains(r->info().source, "DYNAPSE"));
  const Read ev = read_all_events(*r);
  CHECK(ev.channels == std::vector<Channel>{0, 1573, 257, (2 * 4 + 0) * 256 + 5});
  CHECK(ev.ticks == std::vector<std::int64_t>{10 * kUs, 20 * kUs, 30 * kUs, ((std::int64_t{1} << 31) + 7) * kUs});
  CHECK(r->events_read() == 4);
  CHECK(r->records_skipped() == 1 + 1 + 2);  // the special event, the invalid spike, 2 IMU samples
  CHECK(r->bytes_read() == bytes.size());
  CHECK(r->file_size() == bytes.size());
  CHECK(r->max_rounding_seconds() == 0.0);
}

TEST_CASE("AEDAT 3.1 POLARITY events: sensor size from #Source, the polarity mappings, drops counted") {
  TempPath f("dvs.aedat");
  // polarity(5, 3, ON) = 1 | 2 | 3<<2 | 5<<17 = 0x000A000F.
  CHECK(polarity(5, 3, true) == 0x000A000Fu);
  const std::string bytes =
      header3("DVS128") + packet3(1, 0, {{polarity(5, 3, true), 1}, {polarity(127, 127, false), 2}, {polarity(0, 1, false), 3}});
  spit(f.path, bytes);
  const std::vector<std::int64_t> times{kUs, 2 * kUs, 3 * kUs};
  {
    auto r = open_event_reader(f.path);
    CHECK(r->info().addresses == EventStreamInfo::Addresses::kCamera);
    CHECK(r->info().num_channels == 128 * 128 * 2);
    CHECK(r->info().address_mapping.width == 128u);
    const Read ev = read_all_events(*r);
    CHECK(ev.channels == std::vector<Channel>{(3 * 128 + 5) * 2 + 1, (127 * 128 + 127) * 2, (1 * 128 + 0) * 2});
    CHECK(ev.ticks == times);
  }
  EventReaderOptions merge;
  merge.address_mapping.polarity = AddressMapping::Polarity::kMerge;
  auto r = open_event_reader(f.path, merge);
  CHECK(r->info().num_channels == 128 * 128);
  CHECK(read_all_events(*r).channels == std::vector<Channel>{3 * 128 + 5, 127 * 128 + 127, 128});
  EventReaderOptions on;
  on.address_mapping.polarity = AddressMapping::Polarity::kOnOnly;
  r = open_event_reader(f.path, on);
  CHECK(read_all_events(*r).channels == std::vector<Channel>{3 * 128 + 5});
  CHECK(r->events_dropped() == 2);
  CHECK(r->events_read() == 1);
  EventReaderOptions off;
  off.address_mapping.polarity = AddressMapping::Polarity::kOffOnly;
  r = open_event_reader(f.path, off);
  CHECK(read_all_events(*r).channels == std::vector<Channel>{127 * 128 + 127, 128});
  CHECK(r->events_dropped() == 1);
}

TEST_CASE("AEDAT 3.1 POLARITY events need a sensor size; pixels beyond it are refused") {
  TempPath f("nosize.aedat");
  const std::string head = header3("some camera");
  const std::string bytes = head + packet3(1, 0, {{polarity(5, 3, true), 1}, {polarity(20, 3, true), 2}});
  spit(f.path, bytes);
  auto [at, message] = format_error(f.path);
  CHECK(at == head.size());
  CHECK(contains(message, "--sensor"));
  EventReaderOptions o;
  o.address_mapping.width = 10;
  o.address_mapping.height = 4;
  std::tie(at, message) = format_error(f.path, o);
  CHECK(at == head.size() + 28 + 8);  // the second event
  CHECK(contains(message, "x 20, y 3 is outside the 10x4 sensor"));
  o.address_mapping.width = 21;
  auto r = open_event_reader(f.path, o);
  CHECK(read_all_events(*r).channels == std::vector<Channel>{(3 * 21 + 5) * 2 + 1, (3 * 21 + 20) * 2 + 1});
  const std::string huge = header3("a 65535x65535 sensor");  // 2^33 channels: refused
  spit(f.path, huge + packet3(1, 0, {{polarity(5, 3, true), 1}}));
  std::tie(at, message) = format_error(f.path);
  CHECK(at == huge.size());
  CHECK(contains(message, "more than 2^32 channels"));
}

TEST_CASE("AEDAT 3.1 time stamps: overflow, TIMESTAMP_WRAP, TIMESTAMP_RESET, and backwards refused") {
  constexpr std::int64_t kMax = 0x7FFFFFFF;
  SUBCASE("a wrap announced by a SPECIAL event and the next packet's overflow") {
    TempPath f("wrap.aedat");
    spit(f.path, header3("DYNAPSE") + packet3(12, 0, {{spike(0, 0, 1), 0x7FFFFFF0}}) +
                     packet3(0, 0, {{kWrapEvent, 0x7FFFFFFF}}) + packet3(12, 1, {{spike(0, 0, 2), 3}}));
    auto r = open_event_reader(f.path);
    const Read ev = read_all_events(*r);
    CHECK(ev.ticks == std::vector<std::int64_t>{0x7FFFFFF0 * kUs, (kMax + 1 + 3) * kUs});
  }
  SUBCASE("a wrap event alone (packet headers left at overflow 0) still unwraps") {
    TempPath f("wrap0.aedat");
    spit(f.path, header3("DYNAPSE") + packet3(12, 0, {{spike(0, 0, 1), 0x7FFFFFF0}}) +
                     packet3(0, 0, {{kWrapEvent, 0x7FFFFFFF}}) + packet3(12, 0, {{spike(0, 0, 2), 3}}));
    auto r = open_event_reader(f.path);
    CHECK(read_all_events(*r).ticks == std::vector<std::int64_t>{0x7FFFFFF0 * kUs, (kMax + 1 + 3) * kUs});
  }
  SUBCASE("a reset: later times continue from the last event") {
    TempPath f("reset.aedat");
    spit(f.path, header3("DYNAPSE") + packet3(12, 0, {{spike(0, 0, 1), 100}, {spike(0, 0, 1), 200}}) +
                     packet3(0, 0, {{kResetEvent, 210}}) + packet3(12, 0, {{spike(0, 0, 3), 50}}));
    auto r = open_event_reader(f.path);
    CHECK(read_all_events(*r).ticks == std::vector<std::int64_t>{100 * kUs, 200 * kUs, 250 * kUs});
  }
  SUBCASE("backwards past a wrap: a FormatError at the event's time stamp") {
    TempPath f("back.aedat");
    const std::string head = header3("DYNAPSE") + packet3(12, 1, {{spike(0, 0, 1), 10}});
    spit(f.path, head + packet3(12, 0, {{spike(0, 0, 1), 20}}));
    const auto [at, message] = format_error(f.path);
    CHECK(at == head.size() + 28 + 4);
    CHECK(contains(message, "backwards past a wrap"));
  }
  SUBCASE("backwards within a packet") {
    TempPath f("back2.aedat");
    const std::string head = header3("DYNAPSE");
    spit(f.path, head + packet3(12, 0, {{spike(0, 0, 1), 10}, {spike(0, 0, 1), 9}}));
    const auto [at, message] = format_error(f.path);
    CHECK(at == head.size() + 28 + 8 + 4);
    CHECK(contains(message, "backwards"));
  }
}

TEST_CASE("AEDAT 3.1 bad input: each a FormatError naming the byte offset and the problem") {
  TempPath f("bad.aedat");
  const std::string head = header3("DYNAPSE");
  const std::string good = packet3(12, 0, {{spike(0, 0, 1), 10}, {spike(0, 0, 2), 20}});
  struct Case {
    std::string name, bytes;
    std::uint64_t at;
    std::string says;
  };
  std::string big_size = good;
  big_size[4] = 12;  // eventSize 12 for SPIKE
  std::string absurd = good;
  absurd[0] = 5;  // a SAMPLE packet ...
  absurd[4] = absurd[5] = absurd[6] = absurd[7] = '\xff';  // ... of eventSize -1
  std::string counts = good;
  counts[20] = 3;  // eventNumber 3 > eventCapacity 2
  std::string neuron = head + packet3(12, 0, {{spike(0, 0, 300), 1}});  // neuron 300 >= 256 per core
  std::string mixed = header3("DYNAPSE") + packet3(12, 0, {{spike(0, 0, 1), 1}}) + packet3(1, 0, {{polarity(1, 1, true), 2}});
  const std::vector<Case> cases = {
      {"a packet header cut off", head + good.substr(0, 20), head.size(), "truncated packet header"},
      {"a packet body cut off", head + good.substr(0, 40), head.size(), "truncated SPIKE packet"},
      {"absurd eventSize for the type", head + big_size, head.size() + 4, "eventSize 12"},
      {"absurd eventSize", head + absurd, head.size() + 4, "absurd eventSize -1"},
      {"absurd counts", head + counts, head.size() + 16, "absurd counts"},
      {"no end of header", "#!AER-DAT3.1\r\n#Format: RAW\r\n", 28, "before #!END-HEADER"},
      {"an unknown format", "#!AER-DAT3.1\r\n#Format: COMPRESSED\r\n#!END-HEADER\r\n", 14, "only RAW"},
      {"a neuron beyond the mapping", neuron, head.size() + 28, "neuron 300 is beyond"},
      {"two kinds of events", mixed, head.size() + 36, "one kind of events per file"},
      {"AEDAT 3.0", "#!AER-DAT3.0\r\n#Format: RAW\r\n", 0, "3.0 is not supported"},
      {"an unknown version", "#!AER-DAT9.9\r\n", 0, "version 9.9 is not supported"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    spit(f.path, c.bytes);
    const auto [at, message] = format_error(f.path);
    CHECK(at == c.at);
    CHECK_MESSAGE(contains(message, c.says), message);
    CHECK(contains(message, f.path));
  }
}

TEST_CASE("AEDAT 3.1 writer: SPIKE packets byte for byte, wraps announced, refusals write nothing") {
  TempPath f("out.aedat");
  EventStreamInfo info;
  info.format = EventFileFormat::kAedat3;
  {
    auto w = create_event_writer(f.path, EventFileFormat::kAedat3, info);
    const std::vector<Time> t{Time::from_ticks(20 * kUs), Time::from_ticks(((std::int64_t{1} << 31) + 5) * kUs)};
    const std::vector<Channel> c{1573, 5};
    w->append(t, c);
    CHECK_FALSE(std::filesystem::exists(f.path));
    w->close();
  }
  const std::string expected = "#!AER-DAT3.1\r\n#Format: RAW\r\n#Source 1: rockpool-cpp DYNAPSE SPIKE events\r\n#!END-HEADER\r\n" +
                               packet3(12, 0, {{spike(1, 2, 37), 20}}) + packet3(0, 0, {{kWrapEvent, 0x7FFFFFFF}}) +
                               packet3(12, 1, {{spike(0, 0, 5), 5}});
  CHECK(slurp(f.path) == expected);

  // Chip 64 does not fit SPIKE's 6 bits: refused, and the whole span with it.
  TempPath g("refused.aedat");
  {
    auto w = create_event_writer(g.path, EventFileFormat::kAedat3, info);
    const std::vector<Time> t{Time::zero(), Time::zero()};
    const std::vector<Channel> c{1, 64 * 1024};
    CHECK_THROWS_AS(w->append(t, c), OutOfRange);
    CHECK(w->events_written() == 0);
    const std::vector<Time> negative{Time::from_ticks(-1)};
    CHECK_THROWS_AS(w->append(negative, std::vector<Channel>{1}), InvalidArgument);
  }
  CHECK_FALSE(std::filesystem::exists(g.path));
}

TEST_CASE("text -> AEDAT 3.1 -> native -> text keeps every event exactly; camera channels stay pixels") {
  TempPath text("in.csv"), a3("mid.aedat"), native("mid.rpl"), back("back.csv");
  // Whole microseconds, two of them past the 2^31 µs wrap (2147.483648 s).
  spit(text.path, "t[us],channel\n0,0\n15,1573\n15,1023\n2147483647,3\n2147483648,2048\n4294967300,7\n");
  convert_events(text.path, a3.path, EventFileFormat::kAedat3);
  CHECK(detect_format(a3.path) == EventFileFormat::kAedat3);
  convert_events(a3.path, native.path, EventFileFormat::kNative);
  convert_events(native.path, back.path, EventFileFormat::kText);
  const TSEvent a = read_events(text.path), b = read_events(back.path);
  REQUIRE(a.size() == 6);
  CHECK(std::vector<Time>(a.times().begin(), a.times().end()) == std::vector<Time>(b.times().begin(), b.times().end()));
  CHECK(std::vector<Channel>(a.channels().begin(), a.channels().end()) ==
        std::vector<Channel>(b.channels().begin(), b.channels().end()));

  // With a sensor size, plain channels are written as POLARITY events and read back so.
  TempPath cam("cam.aedat");
  EventReaderOptions o;
  o.address_mapping.width = 4;
  o.address_mapping.height = 3;
  spit(text.path, "t[us],channel\n1,0\n2,23\n3,9\n");
  convert_events(text.path, cam.path, EventFileFormat::kAedat3, o);
  // Channel 23 = pixel 11 = (x 3, y 2), ON; channel 9 = pixel 4 = (x 0, y 1), ON.
  CHECK(slurp(cam.path).substr(slurp(cam.path).size() - 3 * 8) ==
        packet3(1, 0, {{polarity(0, 0, false), 1}, {polarity(3, 2, true), 2}, {polarity(0, 1, true), 3}}).substr(28));
  auto r = open_event_reader(cam.path);
  CHECK(r->info().address_mapping.width == 4u);
  CHECK(read_all_events(*r).channels == std::vector<Channel>{0, 23, 9});
}

// ---- AEDAT 2.0 ------------------------------------------------------------------------------

namespace {
std::string record2(std::uint32_t address, std::uint32_t stamp) {
  std::string s;
  be32(s, address);
  be32(s, stamp);
  return s;
}
}  // namespace

TEST_CASE("AEDAT 2.0 DAVIS: the reference's address example, APS and IMU records skipped and counted") {
  TempPath f("davis.aedat");
  const std::string head = "#!AER-DAT2.0\r\n# This is a raw AE data file\r\n# AEChip: eu.seebetter.ini.chips.davis.DAVIS240C\r\n";
  // x 5, y 3, ON: (3 << 22) | (5 << 12) | (1 << 11) = 0x00C05800 (formats-and-ecosystem.md §1.2).
  const std::string bytes = head + record2(0x00C05800, 1000) + record2(0x80000000u | 0x00C05800, 1001) +
                            record2(0x00000400, 1002) + record2((179u << 22) | (239u << 12), 1003);
  spit(f.path, bytes);
  CHECK(detect_format(f.path) == EventFileFormat::kAedat2);
  auto r = open_event_reader(f.path);
  CHECK(r->info().num_channels == 240 * 180 * 2);
  const Read ev = read_all_events(*r);
  // jAER's y counts upwards from the bottom row: row 3 from the bottom is row 176 from the top.
  CHECK(ev.channels == std::vector<Channel>{(176 * 240 + 5) * 2 + 1, (0 * 240 + 239) * 2});
  CHECK(ev.ticks == std::vector<std::int64_t>{1000 * kUs, 1003 * kUs});
  CHECK(r->records_skipped() == 2);
  CHECK(r->bytes_read() == bytes.size());
}

TEST_CASE("AEDAT 2.0 DVS128 layout, the chip profile from the header or the options") {
  TempPath f("dvs128.aedat");
  // raw x 10 (bits 1-7), raw y 20 (bits 8-14), bit 0 = 1 (ON): 20<<8 | 10<<1 | 1 = 5141; jAER
  // shows it at x = 127 - 10 = 117, y = 20 from the bottom = 107 from the top.
  const std::string body = record2(5141, 7) + record2(0x8000, 8);  // and an external event
  spit(f.path, "#!AER-DAT2.0\r\n# AEChip: ch.unizh.ini.jaer.chip.retina.DVS128\r\n" + body);
  auto r = open_event_reader(f.path);
  CHECK(read_all_events(*r).channels == std::vector<Channel>{(107 * 128 + 117) * 2 + 1});
  CHECK(r->records_skipped() == 1);

  const std::string bare = "#!AER-DAT2.0\r\n# no chip line\r\n";
  spit(f.path, bare + body);
  auto [at, message] = format_error(f.path);
  CHECK(at == bare.size());
  CHECK(contains(message, "--chip-profile"));
  EventReaderOptions o;
  o.address_mapping.chip_profile = AddressMapping::ChipProfile::kDvs128;
  r = open_event_reader(f.path, o);
  CHECK(read_all_events(*r).channels == std::vector<Channel>{(107 * 128 + 117) * 2 + 1});
  o.address_mapping.chip_profile = AddressMapping::ChipProfile::kDavis;
  std::tie(at, message) = format_error(f.path, o);
  CHECK(contains(message, "--sensor"));
  o.address_mapping.width = 346;
  o.address_mapping.height = 260;
  // The same records read as DAVIS: 5141 has bit 10 set (an IMU record), 0x8000 is x 8, y 0.
  r = open_event_reader(f.path, o);
  CHECK(read_all_events(*r).channels == std::vector<Channel>{(259 * 346 + 8) * 2});
  CHECK(r->records_skipped() == 1);

  spit(f.path, "#!AER-DAT2.0\r\n# AEChip: some.unknown.Chip\r\n" + body);
  std::tie(at, message) = format_error(f.path);
  CHECK(at == 14);
  CHECK(contains(message, "no known address layout"));
}

TEST_CASE("AEDAT 2.0 time stamps: a 32-bit wrap unwrapped, a small step back refused, a cut record refused") {
  TempPath f("wrap2.aedat");
  const std::string head = "#!AER-DAT2.0\r\n# AEChip: DVS128\r\n";
  spit(f.path, head + record2(0, 0xFFFFFF00u) + record2(0, 0x10));
  auto r = open_event_reader(f.path);
  CHECK(read_all_events(*r).ticks ==
        std::vector<std::int64_t>{std::int64_t{0xFFFFFF00} * kUs, ((std::int64_t{1} << 32) + 0x10) * kUs});

  spit(f.path, head + record2(0, 500) + record2(0, 400));
  auto [at, message] = format_error(f.path);
  CHECK(at == head.size() + 8 + 4);
  CHECK(contains(message, "backwards"));

  spit(f.path, head + record2(0, 500) + "\x01\x02\x03\x04\x05");
  std::tie(at, message) = format_error(f.path);
  CHECK(at == head.size() + 8);
  CHECK(contains(message, "truncated record"));

  spit(f.path, "#!AER-DAT2.0\r\n# AEChip: Davis240\r\n" + record2((3u << 22) | (300u << 12), 1));
  std::tie(at, message) = format_error(f.path);
  CHECK(at == 34);
  CHECK(contains(message, "x 300, y 3 (as stored) is outside the 240x180 sensor"));
}

TEST_CASE("AEDAT 2.0 writer: DAVIS and DVS128 layouts byte for byte, read back the same") {
  TempPath f("w.aedat2");
  EventStreamInfo info;
  info.addresses = EventStreamInfo::Addresses::kCamera;
  info.address_mapping.width = 240;
  info.address_mapping.height = 180;
  const std::vector<Time> t{Time::from_ticks(1000 * kUs), Time::from_ticks(1003 * kUs + 4499)};  // rounds down
  const std::vector<Channel> c{(176 * 240 + 5) * 2 + 1, 239 * 2};
  {
    auto w = create_event_writer(f.path, EventFileFormat::kAedat2, info);
    w->append(t, c);
    w->close();
  }
  const std::string text = slurp(f.path);
  CHECK(text.substr(text.size() - 16) == record2(0x00C05800, 1000) + record2((179u << 22) | (239u << 12), 1003));
  CHECK(contains(text, "# AEChip: eu.seebetter.ini.chips.davis.DAVIS240C\r\n"));
  auto r = open_event_reader(f.path);
  CHECK(read_all_events(*r).channels == c);

  info.address_mapping.width = info.address_mapping.height = 128;
  {
    auto w = create_event_writer(f.path, EventFileFormat::kAedat2, info);
    w->append(std::vector<Time>{Time::from_ticks(7 * kUs)}, std::vector<Channel>{(107 * 128 + 117) * 2 + 1});
    w->close();
  }
  CHECK(slurp(f.path).substr(slurp(f.path).size() - 8) == record2(5141, 7));

  info.address_mapping.width.reset();
  TempPath g("nosize.aedat2");
  CHECK_THROWS_AS(create_event_writer(g.path, EventFileFormat::kAedat2, info), UsageError);
}

// ---- AEDAT 4.0 ------------------------------------------------------------------------------

namespace {

// The IOHeader flatbuffer, laid out by hand: root offset; vtable {10, 20, 4, 8, 16};
// table at 16 {soffset 12, compression i32, dataTablePosition i64, infoNode offset};
// the string at 36.
std::string io_header(std::int32_t compression, std::int64_t data_table, const std::string& xml) {
  std::string b;
  le32(b, 16);
  for (std::uint16_t v : {10, 20, 4, 8, 16}) le16(b, v);
  b += std::string(2, '\0');
  le32(b, 12);
  le32(b, static_cast<std::uint32_t>(compression));
  le64(b, static_cast<std::uint64_t>(data_table));
  le32(b, 36 - (16 + 16));
  le32(b, static_cast<std::uint32_t>(xml.size()));
  b += xml;
  b.push_back('\0');
  std::string out;
  le32(out, static_cast<std::uint32_t>(b.size()));
  return out + b;
}

struct Ev4 {
  std::int64_t t;
  std::int16_t x, y;
  bool on;
};

// A size-prefixed EVTS flatbuffer: root offset 16, "EVTS", vtable {6, 8, 4} at 8, table
// at 16 {soffset 8, vector offset}, vector length at 28, 16-byte events from 32.
std::string evts(const std::vector<Ev4>& events) {
  std::string b;
  le32(b, 16);
  b += "EVTS";
  for (std::uint16_t v : {6, 8, 4}) le16(b, v);
  b += std::string(2, '\0');
  le32(b, 8);
  le32(b, 28 - 20);
  b += std::string(4, '\0');
  le32(b, static_cast<std::uint32_t>(events.size()));
  for (const Ev4& e : events) {
    le64(b, static_cast<std::uint64_t>(e.t));
    le16(b, static_cast<std::uint16_t>(e.x));
    le16(b, static_cast<std::uint16_t>(e.y));
    b.push_back(e.on ? 1 : 0);
    b += std::string(3, '\0');
  }
  std::string out;
  le32(out, static_cast<std::uint32_t>(b.size()));
  return out + b;
}

std::string compress(const std::string& plain, int compression) {
  std::string out;
  if (compression == 1) {
    out.resize(LZ4F_compressFrameBound(plain.size(), nullptr));
    const std::size_t n = LZ4F_compressFrame(out.data(), out.size(), plain.data(), plain.size(), nullptr);
    REQUIRE_FALSE(LZ4F_isError(n));
    out.resize(n);
  } else if (compression == 3) {
    out.resize(ZSTD_compressBound(plain.size()));
    const std::size_t n = ZSTD_compress(out.data(), out.size(), plain.data(), plain.size(), 3);
    REQUIRE_FALSE(ZSTD_isError(n));
    out.resize(n);
  } else {
    out = plain;
  }
  return out;
}

std::string packet4(std::int32_t stream, const std::string& payload) {
  std::string s;
  le32(s, static_cast<std::uint32_t>(stream));
  le32(s, static_cast<std::uint32_t>(payload.size()));
  return s + payload;
}

const std::string kXml =
    "<dv version=\"2.0\"><node name=\"\" path=\"/\"><node name=\"outInfo\" path=\"/outInfo/\">"
    "<node name=\"0\" path=\"/outInfo/0/\"><attr key=\"compression\" type=\"string\">X</attr>"
    "<attr key=\"typeIdentifier\" type=\"string\">EVTS</attr><node name=\"info\" path=\"/outInfo/0/info/\">"
    "<attr key=\"sizeX\" type=\"int\">346</attr><attr key=\"sizeY\" type=\"int\">260</attr></node></node>"
    "<node name=\"1\" path=\"/outInfo/1/\"><attr key=\"typeIdentifier\" type=\"string\">FRME</attr>"
    "<node name=\"info\" path=\"/outInfo/1/info/\"><attr key=\"sizeX\" type=\"int\">346</attr></node></node>"
    "</node></node></dv>";

constexpr std::int64_t kUnix = 1'700'000'000'000'000;  // µs since 1970

}  // namespace

TEST_CASE("AEDAT 4.0 events, uncompressed, LZ4 and Zstd: times from the first event, other streams skipped") {
  for (const int compression : {0, 1, 3}) {
    CAPTURE(compression);
    TempPath f("dv.aedat4");
    const std::string bytes = "#!AER-DAT4.0\r\n" + io_header(compression, -1, kXml) +
                              packet4(0, compress(evts({{kUnix, 5, 3, true}, {kUnix + 5, 345, 259, false}}), compression)) +
                              packet4(1, compress(std::string(100, 'F'), compression)) +
                              packet4(0, compress(evts({{kUnix + 5, 0, 0, false}, {kUnix + 1000000, 1, 0, true}}), compression));
    spit(f.path, bytes);
    CHECK(detect_format(f.path) == EventFileFormat::kAedat4);
    auto r = open_event_reader(f.path, {.chunk_events = 3});
    CHECK(r->info().format == EventFileFormat::kAedat4);
    CHECK(r->info().num_channels == 346 * 260 * 2);
    CHECK(r->info().t_start == Time::zero());
    CHECK(contains(r->info().source, "Unix time 1700000000000000 µs"));
    const Read ev = read_all_events(*r);
    CHECK(ev.channels == std::vector<Channel>{(3 * 346 + 5) * 2 + 1, (259 * 346 + 345) * 2, 0, 3});
    CHECK(ev.ticks == std::vector<std::int64_t>{0, 5 * kUs, 5 * kUs, 1'000'000 * kUs});
    CHECK(r->records_skipped() == 1);
    CHECK(r->bytes_read() == bytes.size());
  }
}

TEST_CASE("AEDAT 4.0 files laid out by the flatbuffers library, all five compressions (tools/make_aedat4_fixtures.py)") {
  // The events the script wrote: (t - T0 in µs, x, y, on) on a 640x480 sensor.
  struct E {
    std::int64_t dt;
    std::uint32_t x, y;
    bool on;
  };
  const std::vector<E> events{{0, 0, 0, true}, {1, 639, 479, false}, {1, 17, 300, true}, {250, 5, 3, false},
                              {1'000'000, 320, 240, true}};
  for (int compression = 0; compression < 5; ++compression) {
    CAPTURE(compression);
    const std::string path = std::string(ROCKPOOL_SOURCE_ROOT) + "/tests/io/fixtures/aedat4_c" +
                             std::to_string(compression) + ".aedat4";
    auto r = open_event_reader(path);
    CHECK(r->info().num_channels == 640 * 480 * 2);
    CHECK(r->info().unix_origin_us == 1'700'000'000'123'456);
    const Read ev = read_all_events(*r);
    REQUIRE(ev.channels.size() == events.size());
    for (std::size_t k = 0; k < events.size(); ++k) {
      CHECK(ev.channels[k] == (events[k].y * 640 + events[k].x) * 2 + (events[k].on ? 1 : 0));
      CHECK(ev.ticks[k] == events[k].dt * kUs);
    }
    CHECK(r->records_skipped() == 1);  // the IMUS packet
    // The NONE file ends with a stand-in data table, which the reader does not walk into.
    CHECK(r->bytes_read() == r->file_size() - (compression == 0 ? 32 : 0));
  }
}

TEST_CASE("AEDAT 4.0 stops at the data table; the options override the sensor size") {
  TempPath f("table.aedat4");
  const std::string body = packet4(0, evts({{kUnix, 5, 3, true}}));
  const std::string head_probe = "#!AER-DAT4.0\r\n" + io_header(0, 0, kXml);
  const std::int64_t table = static_cast<std::int64_t>(head_probe.size() + body.size());
  spit(f.path, "#!AER-DAT4.0\r\n" + io_header(0, table, kXml) + body + "a data table we do not read");
  EventReaderOptions o;
  o.address_mapping.width = 10;
  o.address_mapping.height = 5;
  o.address_mapping.polarity = AddressMapping::Polarity::kMerge;
  auto r = open_event_reader(f.path, o);
  CHECK(read_all_events(*r).channels == std::vector<Channel>{3 * 10 + 5});
}

TEST_CASE("AEDAT 4.0 bad input: each a FormatError naming the byte offset and the problem") {
  TempPath f("bad.aedat4");
  const std::string head = "#!AER-DAT4.0\r\n" + io_header(0, -1, kXml);
  const std::string good = packet4(0, evts({{kUnix, 5, 3, true}, {kUnix + 1, 6, 3, true}}));
  std::string lz4 = "#!AER-DAT4.0\r\n" + io_header(1, -1, kXml);
  std::string bad_frame = compress(evts({{kUnix, 5, 3, true}}), 1);
  bad_frame[0] ^= 0x55;  // the frame's magic number
  std::string zstd = "#!AER-DAT4.0\r\n" + io_header(3, -1, kXml);
  const std::string zframe = compress(evts({{kUnix, 5, 3, true}}), 3);
  std::string bad_root = evts({{kUnix, 5, 3, true}});
  bad_root[4] = '\xff';  // the root offset points far outside
  bad_root[5] = '\xff';
  std::string frme = evts({{kUnix, 5, 3, true}});
  frme.replace(8, 4, "FRME");
  struct Case {
    std::string name, bytes;
    std::uint64_t at;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"a packet cut off", head + good.substr(0, good.size() - 3), head.size(), "truncated packet"},
      {"a packet header cut off", head + good.substr(0, 5), head.size(), "truncated packet header"},
      {"an absurd packet size", head + packet4(0, "") , head.size() + 4, "absurd packet size 0"},
      {"times going backwards", head + packet4(0, evts({{kUnix, 5, 3, true}, {kUnix - 1, 6, 3, true}})), head.size(),
       "backwards"},
      {"a pixel beyond the sensor", head + packet4(0, evts({{kUnix, 346, 3, true}})), head.size(),
       "x 346, y 3 is outside the 346x260 sensor"},
      {"a negative pixel", head + packet4(0, evts({{kUnix, 1, -2, true}})), head.size(), "x 1, y -2 is outside"},
      {"a corrupt LZ4 frame", lz4 + packet4(0, bad_frame), lz4.size(), "LZ4"},
      {"a cut Zstd frame", zstd + packet4(0, zframe.substr(0, zframe.size() - 4)), zstd.size(), "Zstd frame"},
      {"a flatbuffer offset outside the buffer", head + packet4(0, bad_root), head.size(), "outside the buffer"},
      {"a packet that is not EVTS", head + packet4(0, frme), head.size(), "not EVTS"},
      {"an unknown compression", "#!AER-DAT4.0\r\n" + io_header(7, -1, kXml), 18, "unknown compression 7"},
      {"no event stream", "#!AER-DAT4.0\r\n" + io_header(0, -1, "<dv></dv>"), 18, "no event stream"},
      {"an absurd IOHeader length", std::string("#!AER-DAT4.0\r\n\xff\xff\xff\xff", 18), 14, "absurd IOHeader length"},
      {"a cut IOHeader", head.substr(0, 40), 18, "truncated IOHeader"},
      {"a data table outside the file", "#!AER-DAT4.0\r\n" + io_header(0, 1 << 30, kXml), 18, "dataTablePosition"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    spit(f.path, c.bytes);
    const auto [at, message] = format_error(f.path);
    CHECK(at == c.at);
    CHECK_MESSAGE(contains(message, c.says), message);
  }
}

TEST_CASE("AEDAT 4.0 writer: LZ4 EVTS packets read back exactly, the Unix origin kept") {
  TempPath f("w.aedat4"), g("w2.aedat4");
  EventStreamInfo info;
  info.addresses = EventStreamInfo::Addresses::kCamera;
  info.address_mapping.width = 346;
  info.address_mapping.height = 260;
  info.unix_origin_us = kUnix;
  std::vector<Time> t;
  std::vector<Channel> c;
  for (int k = 0; k < 10000; ++k) {  // two packets (8192 + 1808 events)
    t.push_back(Time::from_ticks(std::int64_t{k / 3} * 7 * kUs));
    c.push_back(static_cast<Channel>((k * 7919) % (346 * 260 * 2)));
  }
  {
    auto w = create_event_writer(f.path, EventFileFormat::kAedat4, info);
    w->append(t, c);
    w->close();
  }
  const std::string bytes = slurp(f.path);
  CHECK(bytes.substr(0, 14) == "#!AER-DAT4.0\r\n");
  auto r = open_event_reader(f.path);
  CHECK(r->info().unix_origin_us == kUnix);
  CHECK(contains(r->info().source, "LZ4 packets"));
  const Read ev = read_all_events(*r);
  CHECK(ev.channels == c);
  REQUIRE(ev.ticks.size() == t.size());
  for (std::size_t k = 0; k < t.size(); ++k) CHECK(ev.ticks[k] == t[k].ticks());
  // AEDAT 4 -> AEDAT 4 keeps the absolute times: the same bytes again.
  convert_events(f.path, g.path, EventFileFormat::kAedat4);
  CHECK(slurp(g.path) == bytes);
}

TEST_CASE("AEDAT files go through the format table: names and extensions") {
  CHECK(parse_format_name("aedat3") == EventFileFormat::kAedat3);
  CHECK(parse_format_name("AEDAT2") == EventFileFormat::kAedat2);
  CHECK(parse_format_name("aedat4") == EventFileFormat::kAedat4);
  CHECK(format_from_extension("x.aedat") == EventFileFormat::kAedat3);
  CHECK(format_from_extension("x.aedat2") == EventFileFormat::kAedat2);
  CHECK(format_from_extension("x.aedat4") == EventFileFormat::kAedat4);
}

TEST_CASE("AEDAT readers: every one-byte corruption of a valid file reads or throws FormatError, nothing else") {
  std::vector<std::string> files;
  files.push_back(header3("DVS128") + packet3(1, 0, {{polarity(5, 3, true), 1}, {polarity(6, 3, false), 2}}) +
                  packet3(0, 0, {{kWrapEvent, 0x7FFFFFFF}}) + packet3(1, 1, {{polarity(7, 3, true), 3}}));
  files.push_back(header3("DYNAPSE") + packet3(12, 2, {{spike(1, 2, 37), 5}, {spike(0, 3, 255), 6}}));
  files.push_back("#!AER-DAT2.0\r\n# AEChip: Davis240\r\n" + record2(0x00C05800, 1000) + record2(0x80000000u, 1001) +
                  record2((179u << 22) | (239u << 12), 1003));
  for (const int compression : {0, 1, 3}) {
    files.push_back("#!AER-DAT4.0\r\n" + io_header(compression, -1, kXml) +
                    packet4(0, compress(evts({{kUnix, 5, 3, true}, {kUnix + 5, 345, 259, false}}), compression)) +
                    packet4(1, compress(std::string(10, 'F'), compression)));
  }
  TempPath f("mutant");
  std::size_t read_ok = 0, refused = 0;
  for (const std::string& original : files) {
    for (std::size_t k = 0; k < original.size(); ++k) {
      for (const unsigned char flip : {0xFF, 0x80, 0x01}) {
        std::string bytes = original;
        bytes[k] = static_cast<char>(static_cast<unsigned char>(bytes[k]) ^ flip);
        spit(f.path, bytes);
        try {
          auto r = open_event_reader(f.path, {.chunk_events = 2});
          read_all_events(*r);
          ++read_ok;
        } catch (const FormatError&) {
          ++refused;
        } catch (const std::exception& e) {
          FAIL_CHECK("byte " << k << " ^ " << int(flip) << ": " << e.what());
        }
      }
    }
  }
  CHECK(read_ok > 0);
  CHECK(refused > 0);
}
