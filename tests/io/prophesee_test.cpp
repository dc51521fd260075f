// Tests of io/prophesee.hpp: EVT 2.0 / EVT 3.0 RAW and DAT, from words built here by hand
// (the bit arithmetic is written out beside each one), their wraps, every refusal of bad
// input (with its byte offset), and round trips through our writers.
#include "io/prophesee.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "io/event_file.hpp"
#include "io/native_log.hpp"

#include "tests/io/temp_path.hpp"

using namespace rockpool;
using test::slurp;
using test::spit;
using test::TempPath;

namespace {

std::string le16(std::uint16_t w) { return {static_cast<char>(w & 0xFF), static_cast<char>(w >> 8)}; }
std::string le32(std::uint32_t w) {
  return {static_cast<char>(w & 0xFF), static_cast<char>((w >> 8) & 0xFF), static_cast<char>((w >> 16) & 0xFF),
          static_cast<char>(w >> 24)};
}
std::string words16(std::initializer_list<std::uint16_t> ws) {
  std::string s;
  for (auto w : ws) s += le16(w);
  return s;
}
std::string words32(std::initializer_list<std::uint32_t> ws) {
  std::string s;
  for (auto w : ws) s += le32(w);
  return s;
}

const std::string kEvt2Header640x480 = "% evt 2.0\n% format EVT2;height=480;width=640\n% end\n";
const std::string kEvt3Header320x240 = "% evt 3.0\n% format EVT3;height=240;width=320\n% end\n";
const std::string kDatHeader304x240 =
    "% Data file containing CD events\n% Version 2\n% Width 304\n% Height 240\n\x0c\x08";

Time us(std::int64_t n) { return Time::from_ticks(n * 9000); }

struct Events {
  std::vector<Time> times;
  std::vector<Channel> channels;
};

Events read_everything(EventReader& reader) {
  Events e;
  while (auto chunk = reader.next_chunk()) {
    e.times.insert(e.times.end(), chunk->times.begin(), chunk->times.end());
    e.channels.insert(e.channels.end(), chunk->channels.begin(), chunk->channels.end());
  }
  return e;
}

// The FormatError of reading `path` to the end (with `options`), or a failed check.
FormatError error_reading(const std::string& path, const EventReaderOptions& options = {}) {
  try {
    auto reader = open_event_reader(path, options);
    read_everything(*reader);
  } catch (const FormatError& e) {
    return e;
  }
  FAIL("no FormatError");
  return FormatError(path, 0, "");
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("EVT 2.0: hand-computed words decode to channels and exact microsecond ticks") {
  TempPath f("hand.raw");
  // TIME_HIGH 0x123: 0x8 << 28 | 0x123 = 0x80000123; times t = 0x123 << 6 | lsb = 18624 + lsb.
  // CD_ON, lsb 5, x 10, y 20: 1 << 28 | 5 << 22 | 10 << 11 | 20
  //   = 0x10000000 + 0x01400000 + 0x5000 + 0x14 = 0x11405014, t = 18629 us.
  // EXT_TRIGGER id 0 value 1: 0xA0000001 (skipped, counted). OTHERS 0xE0000000 and CONTINUED
  // 0xF0000000: tolerated.
  // CD_OFF, lsb 7, x 639, y 479: 7 << 22 | 639 << 11 | 479 = 0x01C00000 + 0x13F800 + 0x1DF
  //   = 0x01D3F9DF, t = 18631 us.
  // A CD word before the first TIME_HIGH (0x11405014 again) has no time: skipped, counted.
  spit(f.path, kEvt2Header640x480 +
                   words32({0x11405014, 0x80000123, 0x11405014, 0xA0000001, 0xE0000000, 0xF0000000, 0x01D3F9DF}));
  auto reader = open_event_reader(f.path);
  CHECK(reader->info().format == EventFileFormat::kEvt2);
  // 640 * 480 pixels, 2 polarities each.
  CHECK(reader->info().num_channels == 614400);
  CHECK(reader->info().file_ticks_per_second == 1000000);
  const Events e = read_everything(*reader);
  // Split: channel = (y * 640 + x) * 2 + p: (20 * 640 + 10) * 2 + 1 = 25621 and
  // (479 * 640 + 639) * 2 + 0 = 614398.
  CHECK(e.channels == std::vector<Channel>{25621, 614398});
  CHECK(e.times == std::vector<Time>{Time::from_ticks(18629LL * 9000), Time::from_ticks(18631LL * 9000)});
  CHECK(reader->max_rounding_seconds() == 0.0);
  CHECK(reader->bytes_read() == reader->file_size());
  CHECK(reader->file_size() == kEvt2Header640x480.size() + 7 * 4);
  const auto& camera = dynamic_cast<const PropheseeReader&>(*reader);
  CHECK(camera.triggers_skipped() == 1);
  CHECK(camera.events_before_state() == 1);
  CHECK(camera.header().width == 640u);
  CHECK(camera.header().height == 480u);
}

TEST_CASE("EVT 2.0: the 34-bit microsecond counter wraps at TIME_HIGH 0x0FFFFFFF -> 0") {
  TempPath f("wrap2.raw");
  // TIME_HIGH 0x0FFFFFFF, CD_ON lsb 63 x 0 y 0: t = (2^28 - 1) * 64 + 63 = 2^34 - 1 = 17179869183.
  //   word: 1 << 28 | 63 << 22 = 0x1FC00000.
  // TIME_HIGH 0, forward by one step from 0x0FFFFFFF: a wrap. CD_ON lsb 1: t = 2^34 + 1 =
  // 17179869185; CD word 1 << 28 | 1 << 22 = 0x10400000.
  spit(f.path, kEvt2Header640x480 + words32({0x8FFFFFFF, 0x1FC00000, 0x80000000, 0x10400000}));
  auto reader = open_event_reader(f.path);
  const Events e = read_everything(*reader);
  CHECK(e.times == std::vector<Time>{us(17179869183LL), us(17179869185LL)});
  CHECK(e.channels == std::vector<Channel>{1, 1});
}

TEST_CASE("EVT 3.0: hand-computed words, vectors, time base and tolerated word types") {
  TempPath f("hand3.raw");
  // 0x8001 TIME_HIGH 1; 0x6234 TIME_LOW 0x234: t = 1 << 12 | 0x234 = 4096 + 564 = 4660 us.
  // 0x0064 ADDR_Y 100.
  // 0x28C8 ADDR_X: 0x2000 | polarity 1 << 11 | x 200 (0xC8) -> event (200, 100, ON).
  // 0x3010 VECT_BASE_X: polarity 0, x 16.
  // 0x4805 VECT_12, mask 0x805 = bits 0, 2, 11 -> x 16, 18, 27; base becomes 28.
  // 0x5081 VECT_8, mask 0x81 = bits 0, 7 -> x 28, 35; base becomes 36.
  // 0x7000 CONTINUED_4, 0xA101 EXT_TRIGGER (id 1, value 1), 0xE000 OTHERS, 0xF000
  // CONTINUED_12: tolerated (the trigger counted).
  // 0x6FFF TIME_LOW 0xFFF: t = 4096 + 4095 = 8191; 0x2005 ADDR_X x 5 OFF.
  // 0x8002 TIME_HIGH 2: t = 8192 (a new period starts at low 0); 0x2806 ADDR_X x 6 ON at 8192.
  // 0x6001 TIME_LOW 1: t = 8193; 0x3805 VECT_BASE_X ON x 5; 0x5003 VECT_8 mask 3 -> x 5, 6.
  spit(f.path, kEvt3Header320x240 + words16({0x8001, 0x6234, 0x0064, 0x28C8, 0x3010, 0x4805, 0x5081, 0x7000, 0xA101,
                                             0xE000, 0xF000, 0x6FFF, 0x2005, 0x8002, 0x2806, 0x6001, 0x3805,
                                             0x5003}));
  auto reader = open_event_reader(f.path);
  CHECK(reader->info().format == EventFileFormat::kEvt3);
  CHECK(reader->info().num_channels == 320u * 240u * 2u);
  const Events e = read_everything(*reader);
  // Row 100 starts at pixel 100 * 320 = 32000: channel (32000 + x) * 2 + p.
  CHECK(e.channels == std::vector<Channel>{64401,                              // x 200 ON
                                           64032, 64036, 64054, 64056, 64070,  // x 16 18 27 28 35 OFF
                                           64010,                              // x 5 OFF
                                           64013,                              // x 6 ON
                                           64011, 64013});                     // x 5 6 ON
  CHECK(e.times == std::vector<Time>{us(4660), us(4660), us(4660), us(4660), us(4660), us(4660), us(8191),
                                     us(8192), us(8193), us(8193)});
  CHECK(dynamic_cast<const PropheseeReader&>(*reader).triggers_skipped() == 1);
  CHECK(reader->bytes_read() == reader->file_size());
}

TEST_CASE("EVT 3.0: the 24-bit time base wraps at 16.777216 s, and counts every wrap") {
  TempPath f("wrap3.raw");
  // 0x8FFF TIME_HIGH 0xFFF, 0x6FFF TIME_LOW 0xFFF: t = 2^24 - 1 = 16777215 us.
  // 0x0000 ADDR_Y 0, 0x2000 ADDR_X x 0 OFF -> channel 0.
  // 0x8000 TIME_HIGH 0: a wrap -> t = 2^24 = 16777216 us = 16.777216 s; 0x2001 x 1 -> channel 2.
  // 0x8800 TIME_HIGH 0x800, 0x8000 TIME_HIGH 0 (forward by 0x800 = half the range: a wrap),
  // 0x6001 TIME_LOW 1: t = 2 * 2^24 + 1 = 33554433 us; 0x2802 x 2 ON -> channel 5.
  spit(f.path, kEvt3Header320x240 +
                   words16({0x8FFF, 0x6FFF, 0x0000, 0x2000, 0x8000, 0x2001, 0x8800, 0x8000, 0x6001, 0x2802}));
  auto reader = open_event_reader(f.path);
  const Events e = read_everything(*reader);
  CHECK(e.times == std::vector<Time>{us(16777215), us(16777216), us(33554433)});
  CHECK(e.times[1] == Time::zero() + microseconds(16'777'216));
  CHECK(e.channels == std::vector<Channel>{0, 2, 5});
}

TEST_CASE("DAT: hand-computed records, and the headers' sensor size") {
  TempPath f("hand.dat");
  // t 1000, x 303, y 239, ON: 303 | 239 << 14 | 1 << 28 = 0x12F + 0x3BC000 + 0x10000000 = 0x103BC12F.
  // t 1000, x 0, y 0, OFF: 0. t 4294967295 (the largest), x 1, y 2: 1 | 2 << 14 = 0x8001.
  spit(f.path, kDatHeader304x240 + words32({1000, 0x103BC12F, 1000, 0, 4294967295u, 0x8001}));
  auto reader = open_event_reader(f.path);
  CHECK(reader->info().format == EventFileFormat::kDat);
  CHECK(reader->info().num_channels == 304u * 240u * 2u);
  const Events e = read_everything(*reader);
  // (239 * 304 + 303) * 2 + 1 = 145919; 0; (2 * 304 + 1) * 2 = 1218.
  CHECK(e.channels == std::vector<Channel>{145919, 0, 1218});
  CHECK(e.times == std::vector<Time>{us(1000), us(1000), us(4294967295LL)});
}

TEST_CASE("the address mapping: merge, ON only and OFF only, with the dropped events counted") {
  TempPath f("map.dat");
  // x 3 y 1 ON (3 | 1 << 14 | 1 << 28 = 0x10004003), then x 3 y 1 OFF (0x4003), on a 304-wide
  // sensor: pixel 1 * 304 + 3 = 307.
  spit(f.path, kDatHeader304x240 + words32({5, 0x10004003, 6, 0x4003}));
  auto read = [&](AddressMapping::Polarity polarity, std::uint64_t* dropped, std::size_t* count) {
    auto reader = open_event_reader(f.path, {.address_mapping = {.polarity = polarity}});
    const Events e = read_everything(*reader);
    *dropped = reader->events_dropped();
    *count = reader->info().num_channels;
    return e.channels;
  };
  std::uint64_t dropped = 0;
  std::size_t count = 0;
  CHECK(read(AddressMapping::Polarity::kSplit, &dropped, &count) == std::vector<Channel>{615, 614});
  CHECK(dropped == 0);
  CHECK(read(AddressMapping::Polarity::kMerge, &dropped, &count) == std::vector<Channel>{307, 307});
  CHECK(count == 304u * 240u);
  CHECK(read(AddressMapping::Polarity::kOnOnly, &dropped, &count) == std::vector<Channel>{307});
  CHECK(dropped == 1);
  CHECK(read(AddressMapping::Polarity::kOffOnly, &dropped, &count) == std::vector<Channel>{307});
  CHECK(dropped == 1);
  // A sensor size given in the options replaces the header's: 400 wide, pixel 1 * 400 + 3.
  auto reader = open_event_reader(f.path, {.address_mapping = {.polarity = AddressMapping::Polarity::kMerge,
                                                               .width = 400, .height = 300}});
  CHECK(read_everything(*reader).channels == std::vector<Channel>{403, 403});
}

TEST_CASE("a header without a sensor size needs one from the options; without `% end` the data starts at "
          "the first line that is not a header line") {
  TempPath f("nosize.raw");
  // 0x8000 TIME_HIGH 0, 0x0002 ADDR_Y 2, 0x2803 ADDR_X x 3 ON at t = 0.
  const std::string data = words16({0x8000, 0x0002, 0x2803});
  spit(f.path, "% evt 3.0\n% integrator_name Prophesee\n" + data);
  const FormatError e = error_reading(f.path);
  CHECK(e.position() == 0);
  CHECK(contains(e.what(), "no sensor size"));
  CHECK(contains(e.what(), "--sensor"));
  auto reader = open_event_reader(f.path, {.address_mapping = {.width = 10, .height = 5}});
  // (2 * 10 + 3) * 2 + 1 = 47.
  CHECK(read_everything(*reader).channels == std::vector<Channel>{47});
  CHECK(dynamic_cast<const PropheseeReader&>(*reader).header().data_offset == 38);  // 10 + 28 header bytes
}

TEST_CASE("EVT 3.0 vectors that overshoot a chunk are handed out in the next one") {
  TempPath f("chunks3.raw");
  // TIME_HIGH 0, ADDR_Y 0, VECT_BASE_X 0 OFF, VECT_12 mask 0xFFF (x 0..11), VECT_12 0xFFF (x 12..23).
  spit(f.path, kEvt3Header320x240 + words16({0x8000, 0x0000, 0x3000, 0x4FFF, 0x4FFF}));
  auto reader = open_event_reader(f.path, {.chunk_events = 5});
  std::vector<std::size_t> sizes;
  std::vector<Channel> channels;
  while (auto chunk = reader->next_chunk()) {
    sizes.push_back(chunk->times.size());
    channels.insert(channels.end(), chunk->channels.begin(), chunk->channels.end());
  }
  CHECK(sizes == std::vector<std::size_t>{5, 5, 5, 5, 4});
  REQUIRE(channels.size() == 24);
  for (Channel x = 0; x < 24; ++x) CHECK(channels[x] == 2 * x);
  CHECK(reader->events_read() == 24);
}

TEST_CASE("detect_format tells the three apart; names and extensions") {
  TempPath a("a.bin"), b("b.bin"), c("c.bin");
  spit(a.path, kEvt2Header640x480);
  spit(b.path, kEvt3Header320x240);
  spit(c.path, kDatHeader304x240);
  CHECK(detect_format(a.path) == EventFileFormat::kEvt2);
  CHECK(detect_format(b.path) == EventFileFormat::kEvt3);
  CHECK(detect_format(c.path) == EventFileFormat::kDat);
  // `% format` alone says the encoding too.
  spit(a.path, "% format EVT2;height=4;width=4\n");
  CHECK(detect_format(a.path) == EventFileFormat::kEvt2);
  CHECK(format_from_extension("x.RAW") == EventFileFormat::kEvt3);
  CHECK(format_from_extension("x.dat") == EventFileFormat::kDat);
  CHECK(parse_format_name("EVT2") == EventFileFormat::kEvt2);
  CHECK(parse_format_name("evt3.0") == EventFileFormat::kEvt3);
  CHECK(format_name(EventFileFormat::kDat) == "dat");
}

TEST_CASE("bad headers are refused with the offending line's offset") {
  TempPath f("badhead.raw");
  const auto refused = [&](const std::string& content) {
    spit(f.path, content);
    return error_reading(f.path);
  };
  // Unknown encodings / versions.
  FormatError e = refused("% date x\n% evt 2.1\n");
  CHECK(e.position() == 9);
  CHECK(contains(e.what(), "unsupported Prophesee event encoding `% evt 2.1`"));
  e = refused("% format EVT21;height=4;width=4\n");
  CHECK(e.position() == 0);
  e = refused("% Data file containing CD events\n% Version 3\n");
  CHECK(e.position() == 33);
  CHECK(contains(e.what(), "DAT version"));
  // Lines that disagree or say absurd things.
  e = refused("% evt 3.0\n% format EVT2;height=4;width=4\n% end\n");
  CHECK(contains(e.what(), "different encodings"));
  e = refused("% evt 3.0\n% format EVT3;height=4;width=8\n% geometry 9x4\n% end\n");
  CHECK(e.position() == 41);
  CHECK(contains(e.what(), "disagrees"));
  e = refused("% evt 3.0\n% geometry 4096x4\n% end\n");
  CHECK(contains(e.what(), "exceeds what EVT 3.0 can address (2048"));
  e = refused("% evt 3.0\n% geometry 12xabc\n% end\n");
  CHECK(e.position() == 10);
  CHECK(contains(e.what(), "bad geometry"));
  e = refused("% evt 3.0\n% " + std::string(5000, 'a') + "\n");
  CHECK(e.position() == 10);
  CHECK(contains(e.what(), "longer than 4096"));
  e = refused("% evt 3.0\n% bin\x01ry\n");
  CHECK(e.position() == 10);
  CHECK(contains(e.what(), "binary"));
  std::string many;
  for (int k = 0; k < 1001; ++k) many += "% k v\n";
  e = refused(many);
  CHECK(e.position() == 6000);
  CHECK(contains(e.what(), "more than 1000 header lines"));
  e = refused("% evt 3.0\n% end");  // no newline at the end of the last line
  CHECK(e.position() == 10);
  e = refused("% integrator_name Prophesee\n% system_ID 49\n");
  CHECK(e.position() == 0);
  CHECK(contains(e.what(), "encoding is unknown"));
}

TEST_CASE("EVT 2.0 bad data: truncated word, unknown type, outside the sensor, time going backwards") {
  TempPath f("bad2.raw");
  const std::uint64_t h = kEvt2Header640x480.size();
  const auto refused = [&](const std::string& data) {
    spit(f.path, kEvt2Header640x480 + data);
    return error_reading(f.path);
  };
  // A word cut after 2 bytes, after one whole word.
  FormatError e = refused(le32(0x80000000) + "\x01\x02");
  CHECK(e.position() == h + 4);
  CHECK(contains(e.what(), "truncated word"));
  // Type 0x3 is reserved.
  e = refused(words32({0x80000000, 0x30000000}));
  CHECK(e.position() == h + 4);
  CHECK(contains(e.what(), "unknown word type 0x3"));
  // x 640 on a 640-wide sensor: 640 << 11 = 0x140000.
  e = refused(words32({0x80000000, 0x00140000}));
  CHECK(e.position() == h + 4);
  CHECK(contains(e.what(), "x 640 outside the sensor (width 640)"));
  // y 480: 0x1E0.
  e = refused(words32({0x80000000, 0x000001E0}));
  CHECK(contains(e.what(), "y 480 outside the sensor (height 480)"));
  // Within one TIME_HIGH, lsb 5 (0x01400000) then lsb 4 (0x01000000): 5 us then 4 us.
  e = refused(words32({0x80000000, 0x01400000, 0x01000000}));
  CHECK(e.position() == h + 8);
  CHECK(contains(e.what(), "time goes backwards"));
  // TIME_HIGH 0x100 then 0x50: going forward to 0x50 would take 2^28 - 0xB0 steps, more than
  // half the counter: not a wrap.
  e = refused(words32({0x80000100, 0x80000050}));
  CHECK(e.position() == h + 4);
  CHECK(contains(e.what(), "TIME_HIGH 0x0000050 after 0x0000100"));
}

TEST_CASE("EVT 3.0 bad data: truncated word, unknown type, vectors beyond the sensor, time going backwards") {
  TempPath f("bad3.raw");
  const std::uint64_t h = kEvt3Header320x240.size();
  const auto refused = [&](const std::string& data) {
    spit(f.path, kEvt3Header320x240 + data);
    return error_reading(f.path);
  };
  FormatError e = refused(words16({0x8000}) + "\x01");
  CHECK(e.position() == h + 2);
  CHECK(contains(e.what(), "truncated word"));
  e = refused(words16({0x8000, 0x1000}));
  CHECK(e.position() == h + 2);
  CHECK(contains(e.what(), "unknown word type 0x1"));
  // VECT_BASE_X 316 (0x313C), VECT_8 mask 0x10 -> x 316 + 4 = 320 on a 320-wide sensor.
  e = refused(words16({0x8000, 0x0000, 0x313C, 0x5010}));
  CHECK(e.position() == h + 6);
  CHECK(contains(e.what(), "x 320 outside the sensor"));
  // ADDR_Y 240 (0x00F0) then an event.
  e = refused(words16({0x8000, 0x00F0, 0x2000}));
  CHECK(contains(e.what(), "y 240 outside the sensor"));
  // TIME_LOW 5, event, TIME_LOW 4, event: 5 us then 4 us.
  e = refused(words16({0x8000, 0x6005, 0x0000, 0x2000, 0x6004, 0x2000}));
  CHECK(e.position() == h + 10);
  CHECK(contains(e.what(), "time goes backwards"));
  // TIME_HIGH 0x800 then 0x100: forward would be 0x900 = 2304 > 2048 steps, not a wrap.
  e = refused(words16({0x8800, 0x8100}));
  CHECK(e.position() == h + 2);
  CHECK(contains(e.what(), "TIME_HIGH 0x100 after 0x800"));
}

TEST_CASE("DAT bad data: type and size bytes, truncated record, polarity, outside the sensor, time backwards") {
  TempPath f("bad.dat");
  const std::string head = "% Data file containing CD events\n% Version 2\n% Width 304\n% Height 240\n";
  const std::uint64_t h = head.size();
  const auto refused = [&](const std::string& rest) {
    spit(f.path, head + rest);
    return error_reading(f.path);
  };
  FormatError e = refused("\x0e\x08");
  CHECK(e.position() == h);
  CHECK(contains(e.what(), "event type 14"));
  e = refused("\x0c\x10");
  CHECK(e.position() == h + 1);
  CHECK(contains(e.what(), "event size 16"));
  e = refused("\x0c");
  CHECK(contains(e.what(), "ends before the DAT event type"));
  e = refused("\x0c\x08" + words32({1, 0}) + "abc");
  CHECK(e.position() == h + 10);
  CHECK(contains(e.what(), "truncated record"));
  // p = 2: 2 << 28 = 0x20000000.
  e = refused("\x0c\x08" + words32({1, 0x20000000}));
  CHECK(e.position() == h + 2);
  CHECK(contains(e.what(), "polarity 2"));
  // x 304: 0x130.
  e = refused("\x0c\x08" + words32({1, 0x130}));
  CHECK(contains(e.what(), "x 304 outside the sensor"));
  e = refused("\x0c\x08" + words32({7, 0, 6, 0}));
  CHECK(e.position() == h + 10);
  CHECK(contains(e.what(), "an event at 6 us after one at 7 us"));
}

TEST_CASE("the EVT 3.0 writer's words for one event, and the header Metavision accepts") {
  TempPath f("one.raw");
  EventStreamInfo info;
  info.address_mapping.width = 320;
  info.address_mapping.height = 240;
  auto writer = create_event_writer(f.path, EventFileFormat::kEvt3, info);
  // x 200, y 100, ON: channel (100 * 320 + 200) * 2 + 1 = 64401, at 4660 us.
  const std::vector<Time> t{us(4660)};
  const std::vector<Channel> c{64401};
  writer->append(t, c);
  CHECK_FALSE(std::filesystem::exists(f.path));  // only after close()
  writer->close();
  // 4660 = 1 << 12 | 0x234: TIME_HIGH 0x8001, TIME_LOW 0x6234, ADDR_Y 0x0064, ADDR_X 0x28C8.
  CHECK(slurp(f.path) == "% evt 3.0\n% format EVT3;height=240;width=320\n% geometry 320x240\n"
                         "% integrator_name Prophesee\n% system_ID 49\n% end\n" +
                             words16({0x8001, 0x6234, 0x0064, 0x28C8}));
}

TEST_CASE("the EVT 2.0 and DAT writers' bytes for two events") {
  TempPath a("two.raw"), b("two.dat");
  EventStreamInfo info;
  info.address_mapping.width = 640;
  info.address_mapping.height = 480;
  // (x 10, y 20, ON) at 18629 us and (x 639, y 479, OFF) at 18631 us, as in the reader test.
  const std::vector<Time> t{us(18629), us(18631)};
  const std::vector<Channel> c{25621, 614398};
  auto w = create_event_writer(a.path, EventFileFormat::kEvt2, info);
  w->append(t, c);
  w->close();
  CHECK(slurp(a.path) == "% evt 2.0\n% format EVT2;height=480;width=640\n% geometry 640x480\n"
                         "% integrator_name Prophesee\n% system_ID 21\n% end\n" +
                             words32({0x80000123, 0x11405014, 0x01D3F9DF}));
  w = create_event_writer(b.path, EventFileFormat::kDat, info);
  w->append(t, c);
  w->close();
  // 10 | 20 << 14 | 1 << 28 = 0xA + 0x50000 + 0x10000000; 639 | 479 << 14 = 0x27F + 0x77C000.
  CHECK(slurp(b.path) == std::string("% Data file containing CD events\n% Version 2\n% Width 640\n% Height 480\n"
                                     "\x0c\x08") +
                             words32({18629, 0x1005000A, 18631, 0x0077C27F}));
}

TEST_CASE("writers refuse what their format cannot hold; nothing appears without close()") {
  TempPath f("refuse.raw");
  EventStreamInfo info;
  CHECK_THROWS_AS(create_event_writer(f.path, EventFileFormat::kEvt3, info), UsageError);  // no sensor size
  info.address_mapping.width = 4;
  info.address_mapping.height = 2;
  info.has_values = true;
  CHECK_THROWS_AS(create_event_writer(f.path, EventFileFormat::kEvt2, info), UsageError);
  info.has_values = false;
  info.address_mapping.width = 3000;
  CHECK_THROWS_AS(create_event_writer(f.path, EventFileFormat::kEvt2, info), InvalidArgument);
  info.address_mapping.width = 4;
  {
    auto w = create_event_writer(f.path, EventFileFormat::kEvt3, info);
    const std::vector<Time> t{us(1), us(2)};
    // 4 x 2 pixels, split: channels 0..15.
    CHECK_THROWS_AS(w->append(t, std::vector<Channel>{0, 16}), OutOfRange);
    CHECK_THROWS_AS(w->append(std::vector<Time>{us(2), us(1)}, std::vector<Channel>{0, 1}), InvalidArgument);
    CHECK_THROWS_AS(w->append(std::vector<Time>{Time::from_ticks(-1)}, std::vector<Channel>{0}), OutOfRange);
    w->append(t, std::vector<Channel>{0, 15});
    CHECK(w->events_written() == 2);
    CHECK_THROWS_AS(w->append(std::vector<Time>{us(1)}, std::vector<Channel>{0}), InvalidArgument);  // before 2 us
  }
  CHECK_FALSE(std::filesystem::exists(f.path));
  // DAT stores 32-bit microseconds: 2^32 us is refused, 2^32 - 1 us is not.
  auto w = create_event_writer(f.path, EventFileFormat::kDat, info);
  CHECK_THROWS_AS(w->append(std::vector<Time>{us(4294967296LL)}, std::vector<Channel>{0}), OutOfRange);
  w->append(std::vector<Time>{us(4294967295LL)}, std::vector<Channel>{0});
  w->close();
}

TEST_CASE("writers round times to the nearest microsecond, ties to even, and report it") {
  TempPath f("round.dat");
  EventStreamInfo info;
  info.address_mapping.width = 4;
  info.address_mapping.height = 2;
  auto w = create_event_writer(f.path, EventFileFormat::kDat, info);
  // 1 us + 1 tick -> 1 us; 1.5 us (13500 ticks) -> 2 us (even); 2.5 us -> 2 us (even);
  // 3 us - 1 tick -> 3 us. The largest rounding: half a microsecond.
  const std::vector<Time> t{Time::from_ticks(9001), Time::from_ticks(13500), Time::from_ticks(22500),
                            Time::from_ticks(26999)};
  w->append(t, std::vector<Channel>{0, 1, 2, 3});
  CHECK(w->max_rounding_seconds() == doctest::Approx(0.5e-6));
  w->close();
  auto reader = open_event_reader(f.path);
  CHECK(read_everything(*reader).times == std::vector<Time>{us(1), us(2), us(2), us(3)});
}

TEST_CASE("the writers invert the address mapping: merge and ON only write ON, OFF only writes OFF") {
  TempPath f("inverse.raw");
  for (const auto polarity : {AddressMapping::Polarity::kMerge, AddressMapping::Polarity::kOnOnly,
                              AddressMapping::Polarity::kOffOnly}) {
    EventStreamInfo info;
    info.address_mapping = {.polarity = polarity, .width = 4, .height = 2};
    auto w = create_event_writer(f.path, EventFileFormat::kEvt2, info);
    w->append(std::vector<Time>{us(1), us(2)}, std::vector<Channel>{0, 7});  // pixels 0 and 7
    w->close();
    auto reader = open_event_reader(f.path);  // split: (pixel) * 2 + p
    const Channel p = polarity == AddressMapping::Polarity::kOffOnly ? 0 : 1;
    CHECK(read_everything(*reader).channels == std::vector<Channel>{p, 14 + p});
  }
}

TEST_CASE("round trips text -> evt2 / evt3 / dat -> native -> text are exact, across the time wraps") {
  // Times in microseconds chosen to cross each format's wraps and gaps:
  // EVT 3.0: 16777215 / 16777216 us (the 24-bit wrap), a 40 s gap (more than two wraps
  // without events), 100 s. EVT 2.0 (not DAT): 5 h = 18e9 us, beyond the 34-bit wrap (4.77 h).
  struct Case {
    EventFileFormat format;
    std::vector<std::int64_t> times_us;
  };
  const std::vector<std::int64_t> common{0, 1, 63, 64, 4095, 4096, 16777215, 16777216, 56777216, 100000000};
  std::vector<std::int64_t> long_run = common;
  long_run.push_back(18'000'000'000LL);
  long_run.push_back(18'000'000'001LL);
  for (const Case& c : {Case{EventFileFormat::kEvt3, long_run}, Case{EventFileFormat::kEvt2, long_run},
                        Case{EventFileFormat::kDat, common}}) {
    CAPTURE(format_name(c.format));
    TempPath text("in.csv"), camera("cam.bin"), native("mid.rpl"), back("back.csv");
    std::string content = "t[us],channel\n";
    std::vector<Channel> channels;
    for (std::size_t k = 0; k < c.times_us.size(); ++k) {
      const Channel channel = static_cast<Channel>((k * 37) % 96);  // 8 x 6 sensor, split: 96 channels
      channels.push_back(channel);
      content += std::to_string(c.times_us[k]) + "," + std::to_string(channel) + "\n";
    }
    spit(text.path, content);
    EventReaderOptions options;
    options.address_mapping.width = 8;
    options.address_mapping.height = 6;
    ConversionResult r = convert_events(text.path, camera.path, c.format, options);
    CHECK(r.events == c.times_us.size());
    CHECK(r.output_rounding_seconds == 0.0);
    CHECK(detect_format(camera.path) == c.format);
    r = convert_events(camera.path, native.path, EventFileFormat::kNative);  // sensor from the header
    CHECK(r.from == c.format);
    convert_events(native.path, back.path, EventFileFormat::kText);
    const TSEvent got = read_events(back.path);
    REQUIRE(got.size() == c.times_us.size());
    for (std::size_t k = 0; k < got.size(); ++k) {
      CHECK(got.times()[k] == us(c.times_us[k]));
      CHECK(got.channels()[k] == channels[k]);
    }
    // The native log knows the sensor's channel count from the camera file.
    CHECK(read_native_log(native.path).num_channels() == 96);
  }
}

TEST_CASE("camera to camera: evt3 -> evt2 -> dat keeps the sensor from the header") {
  TempPath a("a.raw"), b("b.raw"), c("c.dat");
  spit(a.path, kEvt3Header320x240 + words16({0x8001, 0x6234, 0x0064, 0x28C8, 0x3010, 0x4805}));
  convert_events(a.path, b.path, EventFileFormat::kEvt2);
  convert_events(b.path, c.path, EventFileFormat::kDat);
  auto reader = open_event_reader(c.path);
  CHECK(reader->info().num_channels == 320u * 240u * 2u);
  const Events e = read_everything(*reader);
  CHECK(e.channels == std::vector<Channel>{64401, 64032, 64036, 64054});
  CHECK(e.times == std::vector<Time>(4, us(4660)));
}
