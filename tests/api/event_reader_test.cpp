#include "rockpool/event_reader.hpp"

#include <doctest/doctest.h>

#include "tests/io/temp_path.hpp"

using namespace rockpool;
using namespace rockpool::test;

TEST_CASE("EventFileReader: text events, read chunk by chunk into InputEvents") {
  TempPath file("reader.csv");
  spit(file.path, "t[ms],channel\n0.5,1\n1.25,0\n1.25,3\n");
  EventFileReader reader(file.path);
  std::vector<InputEvent> events;
  while (reader.next(events)) {
  }
  const std::vector<InputEvent> expected = {{Time::zero() + microseconds(500), 1},
                                            {Time::zero() + microseconds(1250), 0},
                                            {Time::zero() + microseconds(1250), 3}};
  CHECK(events == expected);
  CHECK_THROWS_AS(EventFileReader(file.path + ".missing"), IoError);
  TempPath bad("reader_bad.csv");
  spit(bad.path, "t,channel\n0.5,1\n0.25,0\n");
  CHECK_THROWS_AS(
      [&] {
        EventFileReader r(bad.path);
        std::vector<InputEvent> e;
        while (r.next(e)) {
        }
      }(),
      FormatError);
}
