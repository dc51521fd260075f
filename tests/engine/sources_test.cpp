#include "engine/sources.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace rockpool;

TEST_CASE("a Poisson source has the rate, channel balance and exponential intervals of its law") {
  PoissonSource src(10, 20.0, 1234);
  src.start(Time::zero());
  std::vector<std::size_t> per_channel(10, 0);
  std::size_t n = 0;
  Time last = Time::zero();
  double sum_isi = 0, sum_isi2 = 0;
  while (true) {
    const auto s = src.next();
    REQUIRE(s);
    if (s->time >= Time::from_seconds(100)) break;
    CHECK(s->time >= last);
    const double isi = to_seconds(s->time - last);
    sum_isi += isi;
    sum_isi2 += isi * isi;
    last = s->time;
    ++per_channel[s->channel];
    ++n;
  }
  // 10 channels x 20 Hz x 100 s = 20000 expected; Poisson sd 141; 5 sd = 707.
  CHECK(std::abs(static_cast<double>(n) - 20000.0) < 707.0);
  for (auto c : per_channel) CHECK(std::abs(static_cast<double>(c) - 2000.0) < 5 * std::sqrt(2000.0));
  // Merged intervals are exponential with mean 1/200 s: CV = 1.
  const double mean = sum_isi / n;
  const double cv = std::sqrt(sum_isi2 / n - mean * mean) / mean;
  CHECK(cv == doctest::Approx(1.0).epsilon(0.05));
}

TEST_CASE("a Poisson source restarted gives the same spikes; per-channel rates are honoured") {
  PoissonSource a(std::vector<double>{0.0, 30.0, 10.0}, 9);
  a.start(Time::zero());
  std::vector<SourceSpike> first;
  for (int k = 0; k < 100; ++k) first.push_back(*a.next());
  a.start(Time::zero());
  for (int k = 0; k < 100; ++k) CHECK(*a.next() == first[k]);
  std::size_t counts[3] = {0, 0, 0};
  a.start(Time::zero());
  for (int k = 0; k < 40000; ++k) ++counts[a.next()->channel];
  CHECK(counts[0] == 0);
  // Channel 1 gets 3/4 of the spikes: 30000 +- 5 * sqrt(40000 * 3/4 * 1/4) = +- 433.
  CHECK(std::abs(static_cast<double>(counts[1]) - 30000.0) < 433.0);
  CHECK_THROWS_AS(PoissonSource(std::vector<double>{1.0, -1.0}, 1), InvalidArgument);
}

TEST_CASE("a regular source fires every channel at t0 + phase + k * period exactly") {
  RegularSource src(3, microseconds(100), microseconds(30));
  src.start(Time::from_seconds(1.0));
  for (std::int64_t k = 0; k < 20000; ++k) {
    for (NeuronIndex c = 0; c < 3; ++c) {
      const auto s = src.next();
      REQUIRE(s);
      if (k == 19999 || k < 2) {
        CHECK(s->time == Time::from_seconds(1.0) + microseconds(30) + k * microseconds(100));
        CHECK(s->channel == c);
      }
    }
  }
  // 20000 periods of 0.1 ms are 2 s exactly: the next spike is at 1 s + 30 us + 2 s.
  CHECK(src.next()->time == Time::from_seconds(3.0) + microseconds(30));
}

TEST_CASE("a TSEvent source replays from the first event at or after t0") {
  TSEvent ev({Time::from_seconds(0.1), Time::from_seconds(0.2), Time::from_seconds(0.3)}, {2, 0, 1},
             {.num_channels = 3});
  TSEventSource src(ev);
  src.start(Time::from_seconds(0.2));
  auto s = src.next();
  REQUIRE(s);
  CHECK(s->time == Time::from_seconds(0.2));
  CHECK(s->channel == 0);
  CHECK(src.next()->channel == 1);
  CHECK_FALSE(src.next());
}
