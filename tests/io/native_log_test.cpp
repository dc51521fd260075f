// Tests of io/native_log.hpp. Expected files are built here byte by byte from the layout in
// doc/formats.md (varints and zigzag by hand, no protobuf library), so the writer, the
// reader and the document are checked against each other.
#include "io/native_log.hpp"

#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>

#include "io/producer_version.hpp"

#include "tests/io/temp_path.hpp"

using namespace rockpool;
using test::slurp;
using test::spit;
using test::TempPath;

namespace {

// Hand encoders for the protobuf wire format and the framing of doc/formats.md.
std::string varint(std::uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
  return out;
}
std::string zigzag(std::int64_t v) {
  return varint((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
}
std::string le32(std::uint32_t v) {
  std::string s;
  for (int k = 0; k < 4; ++k) s.push_back(static_cast<char>(v >> (8 * k)));
  return s;
}
std::string le64(std::uint64_t v) {
  std::string s;
  for (int k = 0; k < 8; ++k) s.push_back(static_cast<char>(v >> (8 * k)));
  return s;
}
std::string tag(int field, int wire) { return varint(static_cast<std::uint64_t>(field) << 3 | wire); }
std::string field_varint(int field, std::uint64_t v) { return tag(field, 0) + varint(v); }
std::string field_bytes(int field, const std::string& s) { return tag(field, 2) + varint(s.size()) + s; }
std::string packed_doubles(int field, std::initializer_list<double> values) {
  std::string data;
  for (double v : values) {
    std::uint64_t bits = 0;
    std::memcpy(&bits, &v, 8);
    data += le64(bits);
  }
  return field_bytes(field, data);
}
const std::string kMagic("\x89RPL\r\n\x1a\n", 8);
std::string file_start(const std::string& header, std::uint32_t version = 1) {
  return kMagic + le32(version) + le32(static_cast<std::uint32_t>(header.size())) + le32(crc32(header)) + header;
}
std::string record(char kind, const std::string& payload) {
  return std::string(1, kind) + le32(static_cast<std::uint32_t>(payload.size())) + le32(crc32(payload)) + payload;
}
// A header: 9e9 ticks/s unless told, `channels` channels.
std::string header(std::uint64_t channels, bool values = false, std::uint64_t tps = 9'000'000'000) {
  return field_varint(1, tps) + field_varint(3, channels) + (values ? field_varint(7, 1) : "");
}
// A chunk: count, base time, deltas, channels.
std::string chunk(std::int64_t base, std::initializer_list<std::uint64_t> dts,
                  std::initializer_list<std::uint32_t> channels) {
  std::string d, c;
  for (auto v : dts) d += varint(v);
  for (auto v : channels) c += varint(v);
  return field_varint(1, dts.size()) + tag(2, 0) + zigzag(base) + field_bytes(3, d) + field_bytes(4, c);
}

std::string format_error(const std::string& path, std::uint64_t* position = nullptr) {
  try {
    read_native_log(path);
  } catch (const FormatError& e) {
    if (position) *position = e.position();
    return e.what();
  }
  return "";
}

Time tick(std::int64_t n) { return Time::from_ticks(n); }

// A deterministic series: gaps of 0..999 ticks (ties included), channels 0..6, values.
TSEvent make_series(std::size_t n, bool with_values, std::int64_t start = -1'000'000) {
  std::vector<Time> times(n);
  std::vector<Channel> channels(n);
  std::vector<double> values(n);
  std::uint64_t state = 12345;
  std::int64_t t = start;
  for (std::size_t k = 0; k < n; ++k) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    t += static_cast<std::int64_t>((state >> 33) % 1000);
    times[k] = tick(t);
    channels[k] = static_cast<Channel>((state >> 20) % 7);
    values[k] = static_cast<double>(static_cast<std::int64_t>(state >> 40)) / 3.0 - 1e5;
  }
  TSEvent::Options o;
  o.num_channels = 9;
  o.t_start = tick(start - 5);
  o.t_stop = tick(t + 77);
  o.name = "series";
  if (with_values) return TSEvent(std::move(times), std::move(channels), std::move(values), o);
  return TSEvent(std::move(times), std::move(channels), o);
}

void check_same(const TSEvent& a, const TSEvent& b) {
  REQUIRE(a.size() == b.size());
  CHECK(std::equal(a.times().begin(), a.times().end(), b.times().begin()));
  CHECK(std::equal(a.channels().begin(), a.channels().end(), b.channels().begin()));
  CHECK(a.has_values() == b.has_values());
  CHECK(std::equal(a.values().begin(), a.values().end(), b.values().begin(), b.values().end()));
  CHECK(a.num_channels() == b.num_channels());
  CHECK(a.t_start() == b.t_start());
  CHECK(a.t_stop() == b.t_stop());
}

// The record offsets of a file, walked by hand from the framing in doc/formats.md.
std::vector<std::uint64_t> record_offsets(const std::string& bytes) {
  std::uint64_t header_bytes = 0;
  for (int k = 3; k >= 0; --k) header_bytes = header_bytes << 8 | static_cast<unsigned char>(bytes[12 + k]);
  std::vector<std::uint64_t> offsets;
  for (std::uint64_t at = 20 + header_bytes; at + 9 <= bytes.size();) {
    offsets.push_back(at);
    if (bytes[at] == 'F') break;
    std::uint64_t n = 0;
    for (int k = 3; k >= 0; --k) n = n << 8 | static_cast<unsigned char>(bytes[at + 1 + k]);
    at += 9 + n;
  }
  return offsets;
}

}  // namespace

TEST_CASE("crc32 gives the standard check value of CRC-32/ISO-HDLC") {
  CHECK(crc32(std::string_view("123456789")) == 0xCBF43926u);  // the catalogue's check value
  CHECK(crc32(std::string_view("")) == 0u);
  // Continuing a CRC equals computing it in one go.
  CHECK(crc32(std::string_view("6789"), crc32(std::string_view("12345"))) == 0xCBF43926u);
}

TEST_CASE("the writer produces exactly the bytes doc/formats.md describes") {
  TempPath p("exact.rpl");
  NativeLogWriter w(p.path, {.num_channels = 2, .name = "x"});
  w.append(tick(9000), 1);   // 1 us
  w.append(tick(27000), 0);  // 3 us
  w.close();
  CHECK_FALSE(std::filesystem::exists(p.path + ".tmp"));
  // Header: ticks_per_second 9e9 = varint 80 b4 c4 c3 21 (checked by hand: 0x21 << 28 +
  // 0x43 << 21 + 0x44 << 14 + 0x34 << 7 = 9000000000), time_unit "s", channel_count 2,
  // producer, chunk_events 4096 = varint 80 20, name "x". Proto3 leaves out defaults.
  const std::string producer = ROCKPOOL_PRODUCER;
  const std::string h = std::string("\x08\x80\xb4\xc4\xc3\x21", 6) + "\x12\x01s" + "\x18\x02" +
                        field_bytes(6, producer) + std::string("\x40\x80\x20", 3) + "\x4a\x01x";
  // Chunk: count 2, base_time 9000 (zigzag 18000 = varint d0 8c 01), dt [0, 18000],
  // channels [1, 0].
  const std::string c = std::string("\x08\x02\x10\xd0\x8c\x01", 6) + std::string("\x1a\x04\x00\xd0\x8c\x01", 6) +
                        std::string("\x22\x02\x01\x00", 4);
  std::string expected = file_start(h);
  const std::uint64_t chunk_at = expected.size();
  expected += record('C', c);
  // Footer: chunk offsets [chunk_at], counts [2], first [9000], last [27000 -> zigzag
  // 54000 = varint f0 a5 03], event_count 2; no t_stop.
  const std::uint64_t footer_at = expected.size();
  const std::string f = field_bytes(1, varint(chunk_at)) + field_bytes(2, varint(2)) +
                        field_bytes(3, std::string("\xd0\x8c\x01", 3)) + field_bytes(4, std::string("\xf0\xa5\x03", 3)) +
                        field_varint(5, 2);
  expected += record('F', f) + le64(footer_at) + std::string("\x89RPLEND\n", 8);
  CHECK(slurp(p.path) == expected);
}

TEST_CASE("a hand-built file reads back: timebase, values, t_start and t_stop") {
  TempPath p("hand.rpl");
  // Timebase 1e6 ticks/s (microseconds): our ticks are 9000 times theirs.
  const std::string h = field_varint(1, 1'000'000) + field_varint(3, 3) + field_varint(7, 1) + tag(10, 0) + zigzag(-5);
  const std::string c = chunk(-2, {0, 4}, {2, 0}) + packed_doubles(5, {1.5, -0.25});
  std::string bytes = file_start(h);
  const std::uint64_t chunk_at = bytes.size();
  bytes += record('C', c);
  const std::uint64_t footer_at = bytes.size();
  bytes += record('F', field_bytes(1, varint(chunk_at)) + field_bytes(2, varint(2)) + field_bytes(3, zigzag(-2)) +
                           field_bytes(4, zigzag(2)) + field_varint(5, 2) + tag(6, 0) + zigzag(10)) +
           le64(footer_at) + "\x89RPLEND\n";
  spit(p.path, bytes);
  NativeLogStatus status;
  const TSEvent ev = read_native_log(p.path, &status);
  REQUIRE(ev.size() == 2);
  CHECK(ev.times()[0] == Time::zero() - microseconds(2));
  CHECK(ev.times()[1] == Time::zero() + microseconds(2));
  CHECK(ev.channels()[0] == 2);
  CHECK(ev.values()[0] == 1.5);
  CHECK(ev.values()[1] == -0.25);
  CHECK(ev.num_channels() == 3);
  CHECK(ev.t_start() == Time::zero() - microseconds(5));
  CHECK(ev.t_stop() == Time::zero() + microseconds(10));
  CHECK(status.header.ticks_per_second == 1'000'000);
  CHECK_FALSE(status.truncated);
  CHECK(status.chunks == 1);
}

TEST_CASE("write_native_log and read_native_log round-trip series exactly") {
  for (bool values : {false, true}) {
    CAPTURE(values);
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{4095}, std::size_t{4096},
                          std::size_t{100'000}}) {
      CAPTURE(n);
      TempPath p("round.rpl");
      const TSEvent in = make_series(n, values);
      write_native_log(p.path, in);
      NativeLogStatus status;
      const TSEvent out = read_native_log(p.path, &status);
      check_same(in, out);
      CHECK(out.name() == "series");
      CHECK_FALSE(status.truncated);
      CHECK(status.chunks == (n + 4095) / 4096);  // 4096 events per chunk by default
      CHECK(status.valid_bytes == status.file_size);
    }
  }
}

TEST_CASE("times at the ends of the int64 range survive (deltas up to 2^64 - 1)") {
  TempPath p("extreme.rpl");
  const TSEvent in({Time::min(), Time::min(), Time::zero(), Time::max()}, {0, 1, 0, 1}, {.num_channels = 2});
  write_native_log(p.path, in, {.chunk_events = 2});
  check_same(in, read_native_log(p.path));
}

TEST_CASE("the reader streams chunk by chunk with spans") {
  TempPath p("stream.rpl");
  const TSEvent in = make_series(1000, true);
  write_native_log(p.path, in, {.chunk_events = 300});
  NativeLogReader r(p.path);
  CHECK(r.header().has_values);
  CHECK(r.header().chunk_events == 300);
  std::vector<std::size_t> sizes;
  std::size_t k = 0;
  while (auto c = r.next_chunk()) {
    sizes.push_back(c->times.size());
    for (std::size_t i = 0; i < c->times.size(); ++i, ++k) {
      CHECK(c->times[i] == in.times()[k]);
      CHECK(c->channels[i] == in.channels()[k]);
      CHECK(c->values[i] == in.values()[k]);
    }
  }
  CHECK(sizes == std::vector<std::size_t>{300, 300, 300, 100});
  CHECK(r.at_end());
  CHECK_FALSE(r.truncated());
  CHECK(r.t_stop() == in.t_stop());
}

TEST_CASE("a file cut at any byte reads its complete chunks or fails with FormatError") {
  for (bool values : {false, true}) {
    CAPTURE(values);
    TempPath full("cut_full.rpl"), cut("cut.rpl");
    const TSEvent in = make_series(250, values);
    write_native_log(full.path, in, {.chunk_events = 100});  // chunks of 100, 100, 50
    const std::string bytes = slurp(full.path);
    const std::vector<std::uint64_t> rec = record_offsets(bytes);
    REQUIRE(rec.size() == 4);  // 3 chunks, the footer
    for (std::uint64_t length = 0; length < bytes.size(); ++length) {
      CAPTURE(length);
      spit(cut.path, bytes.substr(0, length));
      if (length < rec[0]) {  // inside the magic, the prefix or the header
        std::uint64_t position = 0;
        CHECK(format_error(cut.path, &position).find("truncated header") != std::string::npos);
        continue;
      }
      NativeLogStatus status;
      const TSEvent out = read_native_log(cut.path, &status);
      // Complete chunks are those whose record ends at or before the cut.
      const std::size_t complete = length >= rec[3] ? 3 : length >= rec[2] ? 2 : length >= rec[1] ? 1 : 0;
      const std::size_t events = std::min<std::size_t>(complete * 100, 250);
      CHECK(status.truncated);
      CHECK(status.chunks == complete);
      REQUIRE(out.size() == events);
      CHECK(std::equal(out.times().begin(), out.times().end(), in.times().begin()));
      CHECK(std::equal(out.values().begin(), out.values().end(), in.values().begin()));
      // A whole footer counts too (then only the trailer is missing).
      const std::uint64_t footer_end = bytes.size() - 16;
      CHECK(status.valid_bytes == (length >= footer_end ? footer_end : complete == 0 ? rec[0] : rec[complete]));
    }
  }
}

TEST_CASE("every flipped byte is detected, a flipped chunk byte as a CRC mismatch at the chunk's offset") {
  TempPath full("flip_full.rpl"), bad("flip.rpl");
  write_native_log(full.path, make_series(250, true), {.chunk_events = 100});
  const std::string bytes = slurp(full.path);
  const std::vector<std::uint64_t> rec = record_offsets(bytes);
  for (std::size_t k = 0; k < bytes.size(); ++k) {
    CAPTURE(k);
    std::string flipped = bytes;
    flipped[k] = static_cast<char>(flipped[k] ^ 0xFF);
    spit(bad.path, flipped);
    std::uint64_t position = 0;
    const std::string error = format_error(bad.path, &position);
    CHECK_FALSE(error.empty());
    for (std::size_t c = 0; c < 3; ++c) {
      if (k >= rec[c] + 9 && k < rec[c + 1]) {  // a payload byte of chunk c
        CHECK(error.find("CRC mismatch in chunk " + std::to_string(c)) != std::string::npos);
        CHECK(position == rec[c]);
      }
    }
    if (k >= 20 && k < rec[0]) CHECK(error.find("header CRC mismatch") != std::string::npos);
  }
}

TEST_CASE("malformed files give FormatError naming the problem and offset") {
  TempPath p("bad.rpl");
  std::uint64_t position = 0;

  spit(p.path, "t,channel\n0,1\n");
  CHECK(format_error(p.path, &position).find("wrong magic") != std::string::npos);
  CHECK(position == 0);

  spit(p.path, file_start(header(2), 2));
  CHECK(format_error(p.path, &position).find("version 2 is not supported") != std::string::npos);
  CHECK(position == 8);

  spit(p.path, kMagic + le32(1) + le32(64u << 20) + le32(0) + "xx");
  CHECK(format_error(p.path, &position).find("absurd header size 67108864") != std::string::npos);
  CHECK(position == 12);

  const std::string start = file_start(header(2));
  spit(p.path, start + "C" + le32(0xFFFFFFF0u) + le32(0) + "abc");  // 4 GiB claimed
  CHECK(format_error(p.path, &position).find("absurd chunk size 4294967280") != std::string::npos);
  CHECK(position == start.size());

  spit(p.path, start + record('X', "abc"));
  CHECK(format_error(p.path, &position).find("unknown record kind") != std::string::npos);

  spit(p.path, start + record('C', chunk(0, {5, 1}, {0, 2})));  // channel 2 of 2
  CHECK(format_error(p.path, &position).find("event 1 (event 1 of the file): channel 2 >= channel count 2") !=
        std::string::npos);
  CHECK(position == start.size());

  // Chunk 1 starts from time 5, before chunk 0's last event at 10.
  const std::string c0 = record('C', chunk(0, {10}, {0}));
  spit(p.path, start + c0 + record('C', chunk(5, {0}, {0})));
  CHECK(format_error(p.path, &position).find("chunk 1: times go backwards") != std::string::npos);
  CHECK(position == start.size() + c0.size());

  const std::string hv = file_start(header(2, true));
  spit(p.path, hv + record('C', chunk(0, {1, 1}, {0, 1}) +
                                    packed_doubles(5, {1.0, std::numeric_limits<double>::quiet_NaN()})));
  CHECK(format_error(p.path).find("event 1 (event 1 of the file): value is not finite") != std::string::npos);
  spit(p.path, hv + record('C', chunk(0, {1}, {0}) + packed_doubles(5, {INFINITY})));
  CHECK(format_error(p.path).find("value is not finite") != std::string::npos);

  spit(p.path, hv + record('C', chunk(0, {1, 1}, {0, 1})));  // values missing
  CHECK(format_error(p.path).find("2 events but 2 times, 2 channels and 0 values") != std::string::npos);

  spit(p.path, file_start(header(2, false, 7'000'000'000)));
  CHECK(format_error(p.path).find("must divide 9e9") != std::string::npos);

  spit(p.path, start + record('C', "\xff\xff\xff"));
  CHECK(format_error(p.path).find("not a valid protobuf") != std::string::npos);
}

TEST_CASE("a record claiming more bytes than the file holds is truncation, unless the trailer says complete") {
  TempPath p("claim.rpl");
  const std::string start = file_start(header(2));
  const std::string c0 = record('C', chunk(0, {10}, {1}));
  // 1 MiB claimed, 3 bytes present: the file was cut inside this chunk.
  spit(p.path, start + c0 + "C" + le32(1u << 20) + le32(0) + "abc");
  NativeLogStatus status;
  const TSEvent ev = read_native_log(p.path, &status);
  CHECK(status.truncated);
  CHECK(ev.size() == 1);
  CHECK(status.valid_bytes == start.size() + c0.size());

  // The same damage inside a complete file (valid trailer) is an error.
  TempPath full("claim_full.rpl");
  write_native_log(full.path, make_series(250, false), {.chunk_events = 100});
  std::string bytes = slurp(full.path);
  const std::vector<std::uint64_t> rec = record_offsets(bytes);
  bytes[rec[1] + 3] = 0x10;  // chunk 1's length grows by 1 MiB
  spit(p.path, bytes);
  std::uint64_t position = 0;
  CHECK(format_error(p.path, &position).find("chunk 1 runs past the footer") != std::string::npos);
  CHECK(position == rec[1]);
}

TEST_CASE("the writer refuses bad events, naming the index, and keeps the good ones") {
  TempPath p("refuse.rpl");
  NativeLogWriter w(p.path, {.num_channels = 4});
  w.append(tick(10), 0);
  w.append(tick(10), 3);
  try {
    w.append(tick(9), 1);
    FAIL("no throw");
  } catch (const InvalidArgument& e) {
    CHECK(std::string(e.what()).find("event 2: time") != std::string::npos);
    CHECK(std::string(e.what()).find("precedes the previous event") != std::string::npos);
  }
  CHECK_THROWS_AS(w.append(tick(11), 4), OutOfRange);
  try {
    w.append(tick(11), 4);
  } catch (const OutOfRange& e) {
    CHECK(std::string(e.what()).find("event 2: channel 4 >= channel count 4") != std::string::npos);
  }
  CHECK_THROWS_AS(w.append(tick(11), 1, 2.0), InvalidArgument);  // this log has no values
  // A span with one bad event appends nothing.
  const std::vector<Time> ts{tick(12), tick(13), tick(12)};
  const std::vector<Channel> cs{0, 1, 2};
  try {
    w.append(ts, cs);
    FAIL("no throw");
  } catch (const InvalidArgument& e) {
    CHECK(std::string(e.what()).find("event 4: time") != std::string::npos);
  }
  CHECK(w.size() == 2);
  CHECK_THROWS_AS(w.append(ts, std::vector<Channel>{0, 1}), DimensionMismatch);
  CHECK_THROWS_AS(w.close(tick(9)), InvalidArgument);  // t_stop before the last event
  w.close(tick(20));
  CHECK_THROWS_AS(w.append(tick(30), 0), InvalidArgument);  // closed
  const TSEvent ev = read_native_log(p.path);
  CHECK(ev.size() == 2);
  CHECK(ev.t_stop() == tick(20));

  TempPath v("refuse_values.rpl");
  NativeLogWriter wv(v.path, {.num_channels = 1, .has_values = true, .t_start = tick(5)});
  try {
    wv.append(tick(6), 0, std::numeric_limits<double>::quiet_NaN());
    FAIL("no throw");
  } catch (const InvalidArgument& e) {
    CHECK(std::string(e.what()).find("event 0: value is not finite") != std::string::npos);
  }
  CHECK_THROWS_AS(wv.append(tick(4), 0, 1.0), InvalidArgument);  // before t_start
  CHECK_THROWS_AS(wv.append(tick(6), 0), InvalidArgument);       // value missing
  wv.close();

  CHECK_THROWS_AS(NativeLogWriter(p.path, {.chunk_events = 0}), InvalidArgument);
  CHECK_THROWS_AS(NativeLogWriter(p.path, {.num_channels = 2, .channel_names = {"a"}}), DimensionMismatch);
}

TEST_CASE("a writer destroyed without close leaves path.tmp with every appended event") {
  TempPath p("unclosed.rpl");
  {
    NativeLogWriter w(p.path, {.num_channels = 3, .chunk_events = 10});
    for (int k = 0; k < 25; ++k) w.append(tick(k), static_cast<Channel>(k % 3));
  }  // no close(): as when an exception unwinds a run
  CHECK_FALSE(std::filesystem::exists(p.path));
  NativeLogStatus status;
  const TSEvent ev = read_native_log(p.path + ".tmp", &status);
  CHECK(ev.size() == 25);  // 2 full chunks + the pending 5, written by the destructor
  CHECK(status.chunks == 3);
  CHECK(status.truncated);
}

TEST_CASE("a run killed mid-write leaves path.tmp readable up to its last complete chunk") {
  TempPath p("killed.rpl");
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    NativeLogWriter w(p.path, {.num_channels = 2, .chunk_events = 4096});
    for (int k = 0; k < 10'000; ++k) w.append(tick(k * 9), static_cast<Channel>(k & 1));
    ::kill(::getpid(), SIGKILL);  // no destructor, no close: 1808 events pending are lost
  }
  int wstatus = 0;
  ::waitpid(child, &wstatus, 0);
  CHECK(WIFSIGNALED(wstatus));
  CHECK_FALSE(std::filesystem::exists(p.path));
  NativeLogStatus status;
  const TSEvent ev = read_native_log(p.path + ".tmp", &status);
  CHECK(status.truncated);
  CHECK(ev.size() == 8192);  // two complete chunks of 4096
  CHECK(ev.times()[8191] == tick(8191 * 9));
}

TEST_CASE("flush writes a short chunk so that a crash loses nothing appended before it") {
  TempPath p("flush.rpl");
  NativeLogWriter w(p.path, {.num_channels = 1, .sync_chunks = true});
  w.append(tick(1), 0);
  w.append(tick(2), 0);
  w.flush();
  w.append(tick(3), 0);
  const TSEvent partial = read_native_log(p.path + ".tmp");
  CHECK(partial.size() == 2);
  w.close();
  NativeLogStatus status;
  CHECK(read_native_log(p.path, &status).size() == 3);
  CHECK(status.chunks == 2);
}
