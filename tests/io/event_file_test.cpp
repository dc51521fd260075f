// Tests of io/event_file.hpp: sniffing by content, dispatch, atomic conversion.
#include "io/event_file.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "io/native_log.hpp"
#include "io/text_events.hpp"

#include "tests/io/temp_path.hpp"

using namespace rockpool;
using test::slurp;
using test::spit;
using test::TempPath;

namespace {

// The files next to `path` whose names start with its name (temporary leftovers).
std::size_t siblings(const std::string& path) {
  const auto p = std::filesystem::path(path);
  std::size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(p.parent_path())) {
    const std::string name = e.path().filename().string();
    if (name.rfind(p.filename().string(), 0) == 0 && name != p.filename().string()) ++n;
  }
  return n;
}

std::string error_of(const std::string& path) {
  try {
    detect_format(path);
  } catch (const FormatError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("the format is sniffed from the content, whatever the extension") {
  TempPath native_csv("native.csv"), text_rpl("text.rpl"), empty("empty.rpl"), cut("cut.bin");
  write_native_log(native_csv.path, TSEvent({Time::zero()}, {0}));
  spit(text_rpl.path, "t[ms],channel\n1,0\n2,3\n");
  spit(empty.path, "");
  spit(cut.path, std::string("\x89RP", 3));  // a native log cut inside its magic
  CHECK(detect_format(native_csv.path) == EventFileFormat::kNative);
  CHECK(detect_format(text_rpl.path) == EventFileFormat::kText);
  CHECK(detect_format(empty.path) == EventFileFormat::kText);
  CHECK(detect_format(cut.path) == EventFileFormat::kNative);
  CHECK(read_events(native_csv.path).size() == 1);
  const TSEvent text = read_events(text_rpl.path);
  REQUIRE(text.size() == 2);
  CHECK(text.times()[1] == Time::zero() + milliseconds(2));
  CHECK(read_events(empty.path).empty());
  CHECK_THROWS_AS(read_events(cut.path), FormatError);
}

TEST_CASE("known foreign formats and binary junk are refused by name") {
  TempPath f("foreign.dat");
  spit(f.path, "#!AER-DAT2.0\r\n# comment\r\n");
  CHECK(error_of(f.path).find("looks like AEDAT") != std::string::npos);
  spit(f.path, std::string("PK\x03\x04\x14\x00", 6));
  CHECK(error_of(f.path).find("numpy .npz") != std::string::npos);
  spit(f.path, std::string("\x89HDF\r\n\x1a\n", 8));
  CHECK(error_of(f.path).find("HDF5") != std::string::npos);
  spit(f.path, std::string("0.1,0\n\x01\x02", 8));
  CHECK(error_of(f.path).find(":6: not a known event file: binary content") != std::string::npos);
  CHECK_THROWS_AS(detect_format(f.path + ".missing"), IoError);
}

TEST_CASE("format names and output extensions") {
  CHECK(parse_format_name("native") == EventFileFormat::kNative);
  CHECK(parse_format_name("TEXT") == EventFileFormat::kText);
  CHECK(parse_format_name("NPZ") == EventFileFormat::kNpz);
  CHECK(parse_format_name("csv") == EventFileFormat::kText);
  CHECK_FALSE(parse_format_name("mp3").has_value());
  CHECK(format_from_extension("a/b/run.RPL") == EventFileFormat::kNative);
  CHECK(format_from_extension("x.csv") == EventFileFormat::kText);
  CHECK(format_from_extension("x.txt") == EventFileFormat::kText);
  CHECK_FALSE(format_from_extension("x.rpl.tmp").has_value());
  CHECK(format_name(EventFileFormat::kNative) == "native");
}

TEST_CASE("text -> native -> text is exact to the tick, with and without values") {
  // 1 tick = 1/9 ns: not a whole nanosecond, so the text writer writes ninths of a
  // nanosecond to four decimals (-7 ticks = -0.7778 ns, 1 tick = 0.1111 ns), which read back
  // to the same tick.
  const std::string without = "t[tick],channel\n-7,0\n0,2\n1,2\n9000000001,1\n";
  const std::string without_out = "t[ns],channel\n-0.7778,0\n0,2\n0.1111,2\n1000000000.1111,1\n";
  const std::string with = "t[ns],channel,value\n0,0,0.1\n5,1,-2.5e-300\n5,0,1e+300\n";
  for (const auto& [content, expected] : {std::pair{without, without_out}, std::pair{with, with}}) {
    CAPTURE(content);
    TempPath a("a.csv"), b("b.rpl"), c("c.csv");
    spit(a.path, content);
    convert_events(a.path, b.path, EventFileFormat::kNative);
    CHECK(detect_format(b.path) == EventFileFormat::kNative);
    const ConversionResult r = convert_events(b.path, c.path, EventFileFormat::kText);
    CHECK(r.from == EventFileFormat::kNative);
    CHECK_FALSE(r.input_truncated);
    const TSEvent x = read_text_events(a.path), y = read_events(b.path), z = read_text_events(c.path);
    REQUIRE(x.size() == z.size());
    CHECK(std::equal(x.times().begin(), x.times().end(), y.times().begin(), y.times().end()));
    CHECK(std::equal(x.times().begin(), x.times().end(), z.times().begin(), z.times().end()));
    CHECK(std::equal(x.channels().begin(), x.channels().end(), z.channels().begin(), z.channels().end()));
    CHECK(std::equal(x.values().begin(), x.values().end(), z.values().begin(), z.values().end()));
    // The canonical text comes out (whole nanoseconds or ninths).
    CHECK(slurp(c.path) == expected);
    CHECK(siblings(b.path) == 0);
    CHECK(siblings(c.path) == 0);
  }
}

TEST_CASE("convert completes a crashed log, even into the name it was being written for") {
  TempPath out("recover.rpl");
  {
    NativeLogWriter w(out.path, {.num_channels = 2, .chunk_events = 3});
    for (int k = 0; k < 7; ++k) w.append(Time::from_ticks(k), static_cast<Channel>(k % 2));
  }  // not closed: out.path + ".tmp" holds 3 chunks and no footer
  const std::string tmp = out.path + ".tmp";
  const ConversionResult r = convert_events(tmp, out.path, EventFileFormat::kNative);
  CHECK(r.input_truncated);
  CHECK(r.events == 7);
  NativeLogStatus status;
  const TSEvent ev = read_native_log(out.path, &status);
  CHECK_FALSE(status.truncated);
  CHECK(ev.size() == 7);
  CHECK(std::filesystem::exists(tmp));  // the input is left alone
}

TEST_CASE("a failed conversion leaves no output and no temporary file") {
  TempPath in("fail_in.csv"), out("fail_out.rpl");
  spit(in.path, "0.2,0\n0.1,0\n");  // times go backwards
  spit(out.path, "previous content\n");
  CHECK_THROWS_AS(convert_events(in.path, out.path, EventFileFormat::kNative), FormatError);
  CHECK(slurp(out.path) == "previous content\n");
  CHECK(siblings(out.path) == 0);
}

TEST_CASE("converting a file onto itself works (the output replaces it only when complete)") {
  TempPath f("self.rpl");
  write_native_log(f.path, TSEvent({Time::zero(), Time::from_ticks(5)}, {0, 1}));
  convert_events(f.path, f.path, EventFileFormat::kNative);
  CHECK(read_native_log(f.path).size() == 2);
  CHECK(siblings(f.path) == 0);
}
