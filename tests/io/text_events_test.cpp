#include "io/text_events.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

using namespace rockpool;

namespace {

// A file in the test's temporary directory, removed at the end of the scope.
struct TempFile {
  std::string path;
  explicit TempFile(const std::string& name, const std::string& content = "")
      : path((std::filesystem::temp_directory_path() / ("rockpool_test_" + name)).string()) {
    if (!content.empty()) std::ofstream(path) << content;
  }
  ~TempFile() { std::filesystem::remove(path); }
};

std::string error_of(const std::string& path) {
  try {
    read_text_events(path);
  } catch (const FormatError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("text events with a ms header are read exactly to the tick") {
  TempFile f("ms.csv", "# a comment\nt[ms],channel\n0.5,3\n1.25,0\n1.25,7\n1000,1\n");
  TextEventInfo info;
  const TSEvent ev = read_text_events(f.path, &info);
  REQUIRE(ev.size() == 4);
  CHECK(info.time_unit == "ms");
  CHECK_FALSE(info.has_values);
  CHECK(ev.times()[0] == Time::zero() + microseconds(500));
  CHECK(ev.times()[1] == Time::zero() + microseconds(1250));
  CHECK(ev.times()[3] == Time::zero() + seconds(1));
  CHECK(ev.channels()[2] == 7);
  CHECK(ev.num_channels() == 8);
}

TEST_CASE("text events without a header are seconds; a third column is a value") {
  TempFile f("values.csv", "0.1,0,2.5\n0.2,1,-1e-3\n");
  const TSEvent ev = read_text_events(f.path);
  REQUIRE(ev.size() == 2);
  CHECK(ev.times()[1] == Time::zero() + milliseconds(200));
  REQUIRE(ev.values().size() == 2);
  CHECK(ev.values()[0] == 2.5);
  CHECK(ev.values()[1] == -1e-3);
}

TEST_CASE("malformed text events name the file and line") {
  TempFile back("back.csv", "t[s],channel\n0.2,0\n0.1,1\n");
  CHECK(error_of(back.path).find("back.csv:3: time 0.1 goes backwards") != std::string::npos);
  TempFile channel("channel.csv", "0.1,-1\n");
  CHECK(error_of(channel.path).find("channel.csv:1: bad channel '-1'") != std::string::npos);
  TempFile nan("nan.csv", "0.1,0,nan\n");
  CHECK(error_of(nan.path).find("nan.csv:1: bad value") != std::string::npos);
  TempFile fields("fields.csv", "0.1,0\n0.2\n");
  CHECK(error_of(fields.path).find("fields.csv:2: expected 2") != std::string::npos);
  TempFile unit("unit.csv", "t[hours],channel\n1,0\n");
  CHECK(error_of(unit.path).find("unknown time unit 'hours'") != std::string::npos);
  TempFile time("time.csv", "abc,0\n");
  CHECK_THROWS_AS(read_text_events(time.path), FormatError);
  CHECK_THROWS_AS(read_text_events("/nonexistent/rockpool.csv"), IoError);
}

TEST_CASE("written text events read back to the same ticks, channels and values") {
  const TSEvent ev({Time::from_ticks(1), Time::from_ticks(9'000'000'001), Time::from_seconds(2.5)}, {0, 5, 2},
                   {1.5, -2.0, 0.1}, {.num_channels = 6});
  TempFile f("roundtrip.csv");
  write_text_events(f.path, ev);
  const TSEvent back = read_text_events(f.path);
  REQUIRE(back.size() == 3);
  for (std::size_t k = 0; k < 3; ++k) {
    CHECK(back.times()[k] == ev.times()[k]);
    CHECK(back.channels()[k] == ev.channels()[k]);
    CHECK(back.values()[k] == ev.values()[k]);
  }
  CHECK_FALSE(std::filesystem::exists(f.path + ".tmp"));
}
