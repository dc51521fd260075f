#include "timeseries/ts_continuous.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

using namespace rockpool;

namespace {

Time sec(double s) { return Time::from_seconds(s); }
Time ms(std::int64_t n) { return Time::zero() + milliseconds(n); }

std::vector<Time> secs(std::initializer_list<double> s) {
  std::vector<Time> out;
  for (double x : s) out.push_back(sec(x));
  return out;
}

// The message of the exception `f` throws as E (empty if it throws nothing).
template <class E, class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("a TSContinuous takes t_start and t_stop from its first and last sample") {
  TSContinuous ts(secs({1, 2, 4}), {10, 20, 40}, 1);
  CHECK(ts.num_samples() == 3);
  CHECK(ts.num_channels() == 1);
  CHECK(ts.t_start() == sec(1));
  CHECK(ts.t_stop() == sec(4));
  CHECK(ts.duration() == seconds(3));
  CHECK(ts.sample(2, 0) == 40);
  CHECK(ts.name() == "unnamed");
  CHECK_FALSE(ts.periodic());
  CHECK_FALSE(ts.empty());
}

TEST_CASE("a default TSContinuous is empty with no channels and samples to nothing") {
  TSContinuous ts;
  CHECK(ts.empty());
  CHECK(ts.num_channels() == 0);
  CHECK(ts.t_start() == Time::zero());
  CHECK(ts.t_stop() == Time::zero());
  CHECK(ts(sec(1)).empty());
}

TEST_CASE("description reads like Rockpool's repr") {
  // 100 samples every 0.1 s: the last is at 99 * 0.1 = 9.9 s.
  std::vector<Time> t;
  std::vector<double> v;
  for (int k = 0; k < 100; ++k) {
    t.push_back(ms(100 * k));
    v.push_back(std::sin(2 * M_PI * k / 100.0));
  }
  TSContinuous sine(t, v, 1, {.name = "sine"});
  CHECK(sine.description() == "non-periodic TSContinuous 'sine' from t=0 to 9.9. Samples: 100. Channels: 1");
  TSContinuous periodic(secs({0, 0.5}), {1, 2, 3, 4}, 2, {.t_stop = sec(1.5), .periodic = true, .name = "p"});
  CHECK(periodic.description() == "periodic TSContinuous 'p' from t=0 to 1.5. Samples: 2. Channels: 2");
  TSContinuous none({}, {}, 3, {.t_start = sec(2)});
  CHECK(none.description() == "empty TSContinuous 'unnamed' from t=2 to 2. Samples: 0. Channels: 3");
}

TEST_CASE("linear interpolation between samples") {
  TSContinuous ts(secs({0, 1, 2}), {0, 10, 40}, 1);
  CHECK(ts.at(sec(0.5), 0) == doctest::Approx(5.0));    // 0 + 0.5 * 10
  CHECK(ts.at(sec(1.25), 0) == doctest::Approx(17.5));  // 10 + 0.25 * 30
  CHECK(ts.at(sec(2), 0) == 40.0);                      // exactly on the last sample
  CHECK(ts.at(sec(0), 0) == 0.0);
}

TEST_CASE("calling a multi-channel series returns one value per channel") {
  // Rockpool's test_continuous_call: times 0.1..0.4, rows [k, k + 2].
  TSContinuous ts(secs({0.1, 0.2, 0.3, 0.4}), {0, 2, 1, 3, 2, 4, 3, 5}, 2);
  const auto v = ts(sec(0.25));  // half-way between rows [1, 3] and [2, 4]
  REQUIRE(v.size() == 2);
  CHECK(v[0] == doctest::Approx(1.5));
  CHECK(v[1] == doctest::Approx(3.5));
  const auto before = ts(sec(0));  // before t_start: fill value NaN
  CHECK(std::isnan(before[0]));
  CHECK(std::isnan(before[1]));
}

TEST_CASE("sampling at a list of times gives a row-major T x N matrix") {
  TSContinuous ts(secs({0, 1}), {0, 100, 10, 200}, 2);
  const std::vector<Time> q = secs({0.5, 0.1, 1});
  const auto m = ts(q);
  REQUIRE(m.size() == 6);
  CHECK(m[0] == doctest::Approx(5));    // 0.5 * 10
  CHECK(m[1] == doctest::Approx(150));  // 100 + 0.5 * 100
  CHECK(m[2] == doctest::Approx(1));    // 0.1 * 10
  CHECK(m[3] == doctest::Approx(110));
  CHECK(m[4] == 10);
  CHECK(m[5] == 200);
}

TEST_CASE("previous interpolation holds the last sample, up to t_stop") {
  TSContinuous ts(secs({0, 1, 2}), {5, 6, 7}, 1,
                  {.t_stop = sec(3), .interpolation = Interpolation::kPrevious});
  CHECK(ts.at(sec(0.99), 0) == 5);
  CHECK(ts.at(sec(1), 0) == 6);    // on a sample: that sample
  CHECK(ts.at(sec(2.5), 0) == 7);  // after the last sample, before t_stop: held
  CHECK(ts.at(sec(3), 0) == 7);
  CHECK(std::isnan(ts.at(sec(3.01), 0)));  // beyond t_stop
}

TEST_CASE("next interpolation takes the following sample") {
  TSContinuous ts(secs({0, 1, 2}), {5, 6, 7}, 1, {.interpolation = Interpolation::kNext});
  CHECK(ts.at(sec(0.01), 0) == 6);
  CHECK(ts.at(sec(1), 0) == 6);
  CHECK(ts.at(sec(1.5), 0) == 7);
}

TEST_CASE("nearest interpolation takes the closer sample and the earlier one on a tie") {
  TSContinuous ts(secs({0, 1}), {5, 6}, 1, {.interpolation = Interpolation::kNearest});
  CHECK(ts.at(sec(0.4), 0) == 5);
  CHECK(ts.at(sec(0.6), 0) == 6);
  CHECK(ts.at(sec(0.5), 0) == 5);  // exactly half-way (4.5e9 ticks each side): scipy rounds down
}

TEST_CASE("at a repeated time, linear takes the last sample and next the first") {
  // A step: two samples at t = 1 s.
  TSContinuous lin(secs({0, 1, 1, 2}), {0, 1, 5, 5}, 1);
  CHECK(lin.at(sec(1), 0) == 5);
  CHECK(lin.at(sec(0.5), 0) == doctest::Approx(0.5));  // on the segment 0 -> 1
  TSContinuous next(secs({0, 1, 1, 2}), {0, 1, 5, 5}, 1, {.interpolation = Interpolation::kNext});
  CHECK(next.at(sec(1), 0) == 1);
}

TEST_CASE("cubic (not-a-knot) interpolation reproduces a cubic polynomial exactly") {
  // A not-a-knot spline through samples of a cubic is that cubic; a natural spline is not.
  auto f = [](double x) { return x * x * x - 2 * x; };
  const std::vector<double> x = {0, 1, 3, 4, 7};  // uneven knots
  std::vector<double> y;
  for (double xi : x) y.push_back(f(xi));
  TSContinuous ts(secs({0, 1, 3, 4, 7}), y, 1, {.interpolation = Interpolation::kCubic});
  CHECK(ts.at(sec(5.5), 0) == doctest::Approx(5.5 * 5.5 * 5.5 - 11).epsilon(1e-12));  // 155.375
  CHECK(ts.at(sec(0.5), 0) == doctest::Approx(0.125 - 1).epsilon(1e-12));
  CHECK(ts.at(sec(2), 0) == doctest::Approx(4).epsilon(1e-12));  // 8 - 4
  CHECK(ts.at(sec(3), 0) == doctest::Approx(21));                // on a knot: 27 - 6
}

TEST_CASE("cubic interpolation with four samples is the cubic through them") {
  // y = 2x^3 - x^2 + 3 at x = 0, 1, 2, 3: 3, 4, 15, 48. At 1.5: 6.75 - 2.25 + 3 = 7.5.
  TSContinuous ts(secs({0, 1, 2, 3}), {3, 4, 15, 48}, 1, {.interpolation = Interpolation::kCubic});
  CHECK(ts.at(sec(1.5), 0) == doctest::Approx(7.5).epsilon(1e-12));
  CHECK(ts.at(sec(0.5), 0) == doctest::Approx(0.25 - 0.25 + 3).epsilon(1e-12));
}

TEST_CASE("cubic interpolation with three samples is the parabola, with two the line") {
  // y = x^2 at x = 0, 1, 3 -> at 2: 4.
  TSContinuous three(secs({0, 1, 3}), {0, 1, 9}, 1, {.interpolation = Interpolation::kCubic});
  CHECK(three.at(sec(2), 0) == doctest::Approx(4).epsilon(1e-12));
  TSContinuous two(secs({0, 2}), {1, 5}, 1, {.interpolation = Interpolation::kCubic});
  CHECK(two.at(sec(0.5), 0) == doctest::Approx(2));  // 1 + 0.25 * 4
}

TEST_CASE("cubic interpolation refuses repeated times and names the index") {
  const std::string msg = message_of<InvalidArgument>([] {
    TSContinuous(secs({0, 1, 1, 2}), {0, 1, 2, 3}, 1, {.interpolation = Interpolation::kCubic});
  });
  CHECK(contains(msg, "times"));
  CHECK(contains(msg, "index 2"));
}

TEST_CASE("outside [t_start, t_stop] a series returns its fill value") {
  TSContinuous nan_fill(secs({1, 2}), {1, 2}, 1);
  CHECK(std::isnan(nan_fill.at(sec(0.5), 0)));
  CHECK(std::isnan(nan_fill.at(sec(2.5), 0)));
  TSContinuous minus_one(secs({1, 2}), {1, 2}, 1, {.fill_value = -1});
  CHECK(minus_one.at(sec(0.5), 0) == -1);
  CHECK(minus_one.at(sec(3), 0) == -1);
  CHECK(minus_one.fill_value() == -1);
}

TEST_CASE("between t_start and the first sample: fill unless extrapolating") {
  // Samples at 1 s and 2 s with values 10, 20; the series starts at 0.
  TSContinuous plain(secs({1, 2}), {10, 20}, 1, {.t_start = sec(0), .fill_value = -7});
  CHECK(plain.at(sec(0.5), 0) == -7);
  TSContinuous extra(secs({1, 2}), {10, 20}, 1, {.t_start = sec(0), .extrapolate = true});
  CHECK(extra.at(sec(0.5), 0) == doctest::Approx(5));  // the line 10 t continued back
  TSContinuous prev(secs({1, 2}), {10, 20}, 1,
                    {.t_start = sec(0), .interpolation = Interpolation::kPrevious, .extrapolate = true});
  CHECK(prev.at(sec(0.5), 0) == 10);  // nothing before: hold the first sample
}

TEST_CASE("between the last sample and t_stop: fill unless extrapolating") {
  TSContinuous plain(secs({0, 1}), {0, 3}, 1, {.t_stop = sec(2)});
  CHECK(std::isnan(plain.at(sec(1.5), 0)));
  TSContinuous line(secs({0, 1}), {0, 3}, 1, {.t_stop = sec(2), .extrapolate = true});
  CHECK(line.at(sec(1.5), 0) == doctest::Approx(4.5));  // slope 3 continued
  TSContinuous next(secs({0, 1}), {0, 3}, 1,
                    {.t_stop = sec(2), .interpolation = Interpolation::kNext, .extrapolate = true});
  CHECK(next.at(sec(1.5), 0) == 3);
  CHECK(std::isnan(line.at(sec(2.5), 0)));  // past t_stop even when extrapolating
}

TEST_CASE("a periodic series wraps query times into [t_start, t_stop)") {
  // Clocked 0, 1, 2, 3 every second with zero-order hold: period 4 s.
  TSContinuous ts(secs({0, 1, 2, 3}), {0, 1, 2, 3}, 1,
                  {.t_stop = sec(4), .periodic = true, .interpolation = Interpolation::kPrevious});
  CHECK(ts.at(sec(5.5), 0) == 1);   // 5.5 mod 4 = 1.5
  CHECK(ts.at(sec(-0.5), 0) == 3);  // -0.5 mod 4 = 3.5
  CHECK(ts.at(sec(4), 0) == 0);     // t_stop is t_start of the next period
  CHECK(ts.at(sec(403.25), 0) == 3);
  CHECK(ts.contains(sec(1e3)));
}

TEST_CASE("a periodic linear series wraps with exact tick arithmetic") {
  // Triangle 0,1,2,1 at 0..3 s, t_stop = 3 s: period 3 s; 6.5 s wraps to 0.5 s -> 0.5.
  TSContinuous ts(secs({0, 1, 2, 3}), {0, 1, 2, 1}, 1, {.periodic = true});
  CHECK(ts.at(sec(6.5), 0) == doctest::Approx(0.5));
  CHECK(ts.at(sec(-1), 0) == doctest::Approx(2));  // -1 mod 3 = 2
  // 1 tick before a period boundary stays at the end of the period: close to 1.
  CHECK(ts.at(Time::zero() + seconds(3) - ticks(1), 0) == doctest::Approx(1));
}

TEST_CASE("at() and sample() name the bad index") {
  TSContinuous ts(secs({0, 1}), {0, 1, 2, 3}, 2);
  CHECK_THROWS_AS(ts.at(sec(0), 2), OutOfRange);
  CHECK(contains(message_of<OutOfRange>([&] { ts.at(sec(0), 2); }), "index 2"));
  CHECK_THROWS_AS(ts.sample(2, 0), OutOfRange);
  CHECK(contains(message_of<OutOfRange>([&] { ts.sample(2, 0); }), "row"));
  CHECK_THROWS_AS(ts.sample(0, 5), OutOfRange);
  CHECK(ts.sample(1, 1) == 3);
}

TEST_CASE("constructor rejects mismatched sizes and unsorted times, naming the index") {
  CHECK_THROWS_AS(TSContinuous(secs({0, 1, 2}), {0}, 1), DimensionMismatch);
  CHECK(contains(message_of<DimensionMismatch>([] { TSContinuous(secs({0, 1}), {0, 1, 2}, 2); }),
                 "samples"));
  const std::string msg =
      message_of<InvalidArgument>([] { TSContinuous(secs({0, 2, 1, 3}), {0, 1, 2, 3}, 1); });
  CHECK(contains(msg, "times"));
  CHECK(contains(msg, "index 2"));
}

TEST_CASE("constructor rejects t_start after the first sample and t_stop before the last") {
  const std::string a = message_of<InvalidArgument>(
      [] { TSContinuous(secs({1, 2}), {0, 1}, 1, {.t_start = sec(1.5)}); });
  CHECK(contains(a, "t_start"));
  CHECK(contains(a, "index 0"));
  const std::string b = message_of<InvalidArgument>(
      [] { TSContinuous(secs({1, 2, 3}), {0, 1, 2}, 1, {.t_stop = sec(2.5)}); });
  CHECK(contains(b, "t_stop"));
  CHECK(contains(b, "index 2"));
  CHECK_THROWS_AS(TSContinuous({}, {}, 1, {.t_start = sec(2), .t_stop = sec(1)}), InvalidArgument);
}

TEST_CASE("from_seconds rounds each time once and rejects NaN times by index") {
  const std::vector<double> t = {0.0, 0.001, 0.002};
  TSContinuous ts = TSContinuous::from_seconds(t, {1, 2, 3}, 1);
  CHECK(ts.times()[1] == ms(1));
  const std::vector<double> bad = {0.0, NAN, 0.002};
  const std::string msg =
      message_of<InvalidArgument>([&] { TSContinuous::from_seconds(bad, {1, 2, 3}, 1); });
  CHECK(contains(msg, "NaN at index 1"));
  const std::vector<double> inf = {0.0, 1.0, INFINITY};
  CHECK_THROWS_AS(TSContinuous::from_seconds(inf, {1, 2, 3}, 1), InvalidArgument);
}

TEST_CASE("from_clocked places sample k at t_start + k dt and holds it for one dt") {
  TSContinuous ts = TSContinuous::from_clocked({1, 2, 3}, 1, milliseconds(1), ms(10), "clk");
  REQUIRE(ts.num_samples() == 3);
  CHECK(ts.times()[2] == ms(12));
  CHECK(ts.t_start() == ms(10));
  CHECK(ts.t_stop() == ms(13));  // 10 + 3 * 1 ms
  CHECK(ts.interpolation() == Interpolation::kPrevious);
  CHECK(ts.at(ms(12) + microseconds(500), 0) == 3);  // held through the last bin
  CHECK(ts.at(ms(11) + microseconds(999), 0) == 2);
  CHECK_THROWS_AS(TSContinuous::from_clocked({1}, 1, Duration::zero()), InvalidArgument);
  CHECK_THROWS_AS(TSContinuous::from_clocked({1, 2, 3}, 2, milliseconds(1)), DimensionMismatch);
}

TEST_CASE("resample onto new times interpolates and spans the new times") {
  TSContinuous ts(secs({0, 1, 2}), {0, 1, 2}, 1);
  TSContinuous r = ts.resample(secs({0.1, 1.1, 1.9}));
  REQUIRE(r.num_samples() == 3);
  CHECK(r.sample(0, 0) == doctest::Approx(0.1));
  CHECK(r.sample(1, 0) == doctest::Approx(1.1));
  CHECK(r.sample(2, 0) == doctest::Approx(1.9));
  CHECK(r.t_start() == sec(0.1));
  CHECK(r.t_stop() == sec(1.9));
  CHECK(contains(message_of<InvalidArgument>([&] { ts.resample(secs({1, 0.5})); }), "index 1"));
}

TEST_CASE("resample every dt covers [t_start, t_stop) like Rockpool's ts[::dt]") {
  TSContinuous ramp(secs({0, 1}), {0, 4}, 1);
  TSContinuous r = ramp.resample(milliseconds(250));
  // 0, 0.25, 0.5, 0.75 (1.0 is t_stop, excluded); values 4 t.
  REQUIRE(r.num_samples() == 4);
  CHECK(r.times()[3] == ms(750));
  CHECK(r.sample(3, 0) == doctest::Approx(3));
  CHECK(r.t_stop() == ms(750));
  CHECK_THROWS_AS(ramp.resample(Duration::zero()), InvalidArgument);
  CHECK_THROWS_AS(ramp.resample(-milliseconds(1)), InvalidArgument);
}

TEST_CASE("select_channels picks and reorders channels") {
  // Rows [k, k+1, k+2, k+3] for k = 0, 1.
  TSContinuous ts(secs({0, 1}), {0, 1, 2, 3, 1, 2, 3, 4}, 4);
  const std::vector<std::size_t> pick = {2, 0, 3};
  TSContinuous s = ts.select_channels(pick);
  CHECK(s.num_channels() == 3);
  CHECK(s.sample(1, 0) == 3);
  CHECK(s.sample(1, 1) == 1);
  CHECK(s.sample(0, 2) == 3);
  const std::vector<std::size_t> bad = {1, 4};
  const std::string msg = message_of<OutOfRange>([&] { ts.select_channels(bad); });
  CHECK(contains(msg, "channel 4 at index 1"));
}

TEST_CASE("clip keeps samples in range and adds the limits, as Rockpool") {
  // Rockpool's test_continuous_clip: times 0.1..0.5, rows [k, k + 2].
  TSContinuous ts(secs({0.1, 0.2, 0.3, 0.4, 0.5}), {0, 2, 1, 3, 2, 4, 3, 5, 4, 6}, 2);
  TSContinuous a = ts.clip(sec(0.2), sec(0.4));
  REQUIRE(a.num_samples() == 3);  // 0.2, 0.3, 0.4
  CHECK(a.times()[2] == sec(0.4));
  TSContinuous b = ts.clip(sec(0.2), sec(0.4), {.include_stop = false, .sample_limits = false});
  CHECK(b.num_samples() == 2);
  TSContinuous c = ts.clip(sec(0.2), sec(0.35));
  REQUIRE(c.num_samples() == 3);  // 0.2, 0.3 and the added limit 0.35
  CHECK(c.times()[2] == sec(0.35));
  CHECK(c.sample(2, 0) == doctest::Approx(2.5));  // half-way between rows 2 and 3
  CHECK(c.sample(2, 1) == doctest::Approx(4.5));
  CHECK(c.t_start() == sec(0.2));
  CHECK(c.t_stop() == sec(0.35));
  CHECK_THROWS_AS(ts.clip(sec(0.4), sec(0.2)), InvalidArgument);
}

TEST_CASE("clip of a periodic series repeats its samples") {
  // 0, 1, 2 at 0, 1, 2 s, held, t_stop 3 s: period 3 s. [2, 5] holds samples at
  // 2 (period 0), 3 and 4 (period 1, from 0 and 1) and 5 (period 1, from 2).
  TSContinuous ts(secs({0, 1, 2}), {0, 1, 2}, 1,
                  {.t_stop = sec(3), .periodic = true, .interpolation = Interpolation::kPrevious});
  TSContinuous c = ts.clip(sec(2), sec(5));
  REQUIRE(c.num_samples() == 4);
  CHECK(c.times()[1] == sec(3));
  CHECK(c.sample(0, 0) == 2);
  CHECK(c.sample(1, 0) == 0);
  CHECK(c.sample(2, 0) == 1);
  CHECK(c.sample(3, 0) == 2);
}

TEST_CASE("slice [t0, t1) and slice with a step, as Rockpool's ts[t0:t1] and ts[t0:t1:step]") {
  TSContinuous ts(secs({0, 0.1, 0.2, 0.3, 0.4, 0.5}), {0, 1, 2, 3, 4, 5}, 1);
  TSContinuous a = ts.slice(sec(0.2), sec(0.5));
  REQUIRE(a.num_samples() == 3);  // 0.2, 0.3, 0.4
  CHECK(a.sample(2, 0) == 4);
  TSContinuous b = ts.slice(sec(0.05), sec(0.5), milliseconds(200));
  REQUIRE(b.num_samples() == 3);  // 0.05, 0.25, 0.45
  CHECK(b.sample(1, 0) == doctest::Approx(2.5));
  CHECK(b.sample(2, 0) == doctest::Approx(4.5));
  CHECK_THROWS_AS(ts.slice(sec(0), sec(1), Duration::zero()), InvalidArgument);
}

TEST_CASE("delay, start_at_zero and start_at shift times and span") {
  TSContinuous ts(secs({1, 2, 3}), {1, 2, 3}, 1);
  TSContinuous d = ts.delay(seconds(2));
  CHECK(d.t_start() == sec(3));
  CHECK(d.t_stop() == sec(5));
  CHECK(d.at(sec(3.5), 0) == doctest::Approx(ts.at(sec(1.5), 0)));
  CHECK(ts.t_start() == sec(1));  // the original is unchanged
  CHECK(ts.start_at_zero().t_start() == Time::zero());
  CHECK(ts.start_at_zero().times()[2] == sec(2));
  CHECK(ts.start_at(sec(5)).t_stop() == sec(7));
}

TEST_CASE("merge interleaves in time, dropping repeated times by default") {
  TSContinuous a(secs({0, 1, 2}), {0, 1, 2}, 1);
  TSContinuous b(secs({0, 1, 2}), {1, 2, 3}, 1);
  CHECK(a.merge(b).num_samples() == 3);
  CHECK(a.merge(b, false).num_samples() == 6);
  // Rockpool's test_continuous_merge: [1, 2] on [-1, 3] with [1.5] on [0, 4].
  TSContinuous c(secs({1, 2}), {10, 20}, 1, {.t_start = sec(-1), .t_stop = sec(3)});
  TSContinuous d(secs({1.5}), {15}, 1, {.t_start = sec(0), .t_stop = sec(4)});
  TSContinuous m = c.merge(d);
  REQUIRE(m.num_samples() == 3);
  CHECK(m.times()[1] == sec(1.5));
  CHECK(m.sample(1, 0) == 15);
  CHECK(m.sample(2, 0) == 20);
  CHECK(m.t_start() == sec(-1));
  CHECK(m.t_stop() == sec(4));
}

TEST_CASE("merge requires the same channel count unless a series is empty") {
  TSContinuous one(secs({0, 1}), {0, 1}, 1);
  TSContinuous two(secs({0, 1}), {0, 1, 2, 3}, 2);
  CHECK_THROWS_AS(one.merge(two), DimensionMismatch);
  TSContinuous empty;
  TSContinuous m = empty.merge(two);
  CHECK(m.num_channels() == 2);
  CHECK(m.num_samples() == 2);
}

TEST_CASE("append_t leaves the median step of the first series as the default gap") {
  // Rockpool's test_continuous_append_t: [1, 2] on [-1, 3] then [1] on [0, 2]. The median
  // step is 1, so the second starts at 3 + 1 = 4: its sample at 1 moves to 5, its t_stop to 6.
  TSContinuous a(secs({1, 2}), {1, 2}, 1, {.t_start = sec(-1), .t_stop = sec(3)});
  TSContinuous b(secs({1}), {7}, 1, {.t_start = sec(0), .t_stop = sec(2)});
  TSContinuous r = a.append_t(b);
  REQUIRE(r.num_samples() == 3);
  CHECK(r.times()[2] == sec(5));
  CHECK(r.sample(2, 0) == 7);
  CHECK(r.t_start() == sec(-1));
  CHECK(r.t_stop() == sec(6));
  // With an explicit gap of 0.5 s the second series starts at 3.5: sample at 4.5.
  CHECK(a.append_t(b, milliseconds(500)).times()[2] == sec(4.5));
}

TEST_CASE("concatenate_t appends each series after the previous one") {
  // Samples [0, 1] on [0, 1], [0] on [0, 0.5], [0, 2] on [0, 2].
  TSContinuous a(secs({0, 1}), {1, 2}, 1);
  TSContinuous b(secs({0}), {3}, 1, {.t_stop = sec(0.5)});
  TSContinuous c(secs({0, 2}), {4, 5}, 1);
  const std::vector<TSContinuous> all = {a, b, c};
  // Default gaps: after a its median step 1 (b at 2, t_stop 2.5); after b (one sample) 0
  // (c at 2.5 and 4.5).
  TSContinuous r = TSContinuous::concatenate_t(all);
  REQUIRE(r.num_samples() == 5);
  CHECK(r.times()[2] == sec(2));
  CHECK(r.times()[3] == sec(2.5));
  CHECK(r.times()[4] == sec(4.5));
  CHECK(r.t_stop() == sec(4.5));
  // A fixed gap of 1 s: b at 2, c at 2.5 + 1 = 3.5 and 5.5.
  CHECK(TSContinuous::concatenate_t(all, seconds(1)).times()[4] == sec(5.5));
  CHECK(TSContinuous::concatenate_t({}).empty());
}

TEST_CASE("append_c adds channels sampled on this series' times") {
  // Rockpool's test_continuous_append_c: the other series has one sample at t = 1, so at
  // t = 2 it is undefined (NaN).
  TSContinuous a(secs({1, 2}), {1, 2, 3, 4}, 2, {.t_start = sec(-1), .t_stop = sec(2)});
  TSContinuous b(secs({1}), {8, 9}, 2, {.t_start = sec(0), .t_stop = sec(2)});
  TSContinuous r = a.append_c(b);
  CHECK(r.num_channels() == 4);
  CHECK(r.sample(0, 2) == 8);
  CHECK(r.sample(0, 3) == 9);
  CHECK(std::isnan(r.sample(1, 2)));
  CHECK(r.sample(1, 1) == 4);
  CHECK(r.t_start() == sec(-1));
}

TEST_CASE("arithmetic with scalars acts on every sample") {
  TSContinuous ts(secs({0, 1}), {2, -4}, 1);
  CHECK((ts + 1).sample(1, 0) == -3);
  CHECK((1 + ts).sample(0, 0) == 3);
  CHECK((ts - 1).sample(0, 0) == 1);
  CHECK((10 - ts).sample(1, 0) == 14);
  CHECK((ts * 3).sample(1, 0) == -12);
  CHECK((0.5 * ts).sample(0, 0) == 1);
  CHECK((ts / 4).sample(1, 0) == -1);
  CHECK((8 / ts).sample(1, 0) == -2);
  TSContinuous acc = ts;
  acc += 1;
  acc *= 2;
  acc -= 1;
  acc /= 5;
  CHECK(acc.sample(0, 0) == 1);  // ((2 + 1) * 2 - 1) / 5
}

TEST_CASE("arithmetic with a series samples the other one on this time base") {
  // a = t at 0, 1, 2; b is the line from 10 (t=0) to 30 (t=2), sampled at 1 -> 20.
  TSContinuous a(secs({0, 1, 2}), {0, 1, 2}, 1);
  TSContinuous b(secs({0, 2}), {10, 30}, 1);
  TSContinuous s = a + b;
  REQUIRE(s.num_samples() == 3);
  CHECK(s.sample(1, 0) == doctest::Approx(21));
  CHECK(s.sample(2, 0) == doctest::Approx(32));
  CHECK((a * b).sample(1, 0) == doctest::Approx(20));
  CHECK((b - a).num_samples() == 2);  // b's time base
  CHECK((b - a).sample(1, 0) == doctest::Approx(28));
  CHECK((a / b).sample(2, 0) == doctest::Approx(2.0 / 30));
}

TEST_CASE("+ and - treat NaN as zero unless both are NaN; * and / propagate it") {
  TSContinuous a(secs({0, 1, 2}), {NAN, 1, NAN}, 1);
  TSContinuous b(secs({0, 1, 2}), {5, NAN, NAN}, 1);
  TSContinuous s = a + b;
  CHECK(s.sample(0, 0) == 5);
  CHECK(s.sample(1, 0) == 1);
  CHECK(std::isnan(s.sample(2, 0)));
  TSContinuous d = a - b;
  CHECK(d.sample(0, 0) == -5);
  CHECK(d.sample(1, 0) == 1);
  TSContinuous p = a * b;
  CHECK(std::isnan(p.sample(0, 0)));
  CHECK(std::isnan(p.sample(1, 0)));
}

TEST_CASE("a sum with a delayed copy keeps this series where the copy is undefined") {
  // Rockpool tutorial: ts - (ts ** 3).delay(2). Before t = 2 the delayed series is NaN.
  TSContinuous ts(secs({0, 1, 2, 3}), {1, 2, 3, 4}, 1);
  TSContinuous r = ts - pow(ts, 3).delay(seconds(2));
  CHECK(r.sample(1, 0) == 2);              // nothing to subtract at t = 1
  CHECK(r.sample(2, 0) == doctest::Approx(3 - 1));   // delayed value at 2 is 1^3
  CHECK(r.sample(3, 0) == doctest::Approx(4 - 8));   // delayed value at 3 is 2^3
}

TEST_CASE("a one-channel operand broadcasts; other mismatches are refused") {
  TSContinuous two(secs({0, 1}), {1, 2, 3, 4}, 2);
  TSContinuous one(secs({0, 1}), {10, 20}, 1);
  TSContinuous s = two * one;
  CHECK(s.sample(0, 1) == 20);
  CHECK(s.sample(1, 0) == 60);
  TSContinuous three(secs({0, 1}), {1, 2, 3, 4, 5, 6}, 3);
  CHECK_THROWS_AS(two + three, DimensionMismatch);
  CHECK(contains(message_of<DimensionMismatch>([&] { two + three; }), "3 channels"));
}

TEST_CASE("power, negation and absolute value") {
  TSContinuous ts(secs({0, 1}), {-2, 3}, 1);
  CHECK(pow(ts, 2).sample(0, 0) == 4);
  CHECK(pow(2.0, ts).sample(0, 0) == 0.25);
  CHECK(pow(ts, ts).sample(1, 0) == 27);
  CHECK((-ts).sample(1, 0) == -3);
  CHECK(abs(ts).sample(0, 0) == 2);
  // std::pow(NaN, 0) would be 1; Rockpool marks NaN operands as NaN results.
  TSContinuous n(secs({0}), {NAN}, 1);
  CHECK(std::isnan(pow(n, 0).sample(0, 0)));
  CHECK(std::isnan(pow(1.0, n).sample(0, 0)));
}

TEST_CASE("min, max and mean ignore NaN") {
  TSContinuous ts(secs({0, 1, 2}), {4, NAN, -2, 1, 3, 6}, 2);
  CHECK(ts.min() == -2);
  CHECK(ts.max() == 6);
  CHECK(ts.mean() == doctest::Approx((4 - 2 + 1 + 3 + 6) / 5.0));
  CHECK(std::isnan(TSContinuous().mean()));
  CHECK(std::isnan(TSContinuous().max()));
}

TEST_CASE("arithmetic on a cubic series keeps the spline consistent with the new samples") {
  // Doubling samples of x^3 gives samples of 2 x^3, whose not-a-knot spline is 2 x^3.
  TSContinuous ts(secs({0, 1, 2, 3, 4}), {0, 1, 8, 27, 64}, 1, {.interpolation = Interpolation::kCubic});
  CHECK((ts * 2).at(sec(2.5), 0) == doctest::Approx(31.25).epsilon(1e-12));
  CHECK((ts + ts).at(sec(0.5), 0) == doctest::Approx(0.25).epsilon(1e-12));
}

TEST_CASE("interpolation kinds have Rockpool's names") {
  CHECK(std::string(to_string(Interpolation::kLinear)) == "linear");
  CHECK(std::string(to_string(Interpolation::kPrevious)) == "previous");
  CHECK(std::string(to_string(Interpolation::kNext)) == "next");
  CHECK(std::string(to_string(Interpolation::kNearest)) == "nearest");
  CHECK(std::string(to_string(Interpolation::kCubic)) == "cubic");
}

TEST_CASE("contains() is true inside [t_start, t_stop] only, unless periodic") {
  TSContinuous ts(secs({0, 1, 2}), {0, 1, 2}, 1);
  CHECK(ts.contains(sec(0)));
  CHECK(ts.contains(sec(2)));
  CHECK_FALSE(ts.contains(sec(-1)));
  CHECK_FALSE(ts.contains(sec(2.5)));
}

TEST_CASE("a single sample is defined at its time and, extrapolating, over the span") {
  // Rockpool's ts_single: one sample at t = 2.
  TSContinuous single(secs({2}), {3, 2}, 2);
  CHECK(single(sec(2))[0] == 3);
  CHECK(std::isnan(single(sec(0))[1]));
  TSContinuous wide(secs({2}), {3}, 1, {.t_start = sec(1), .t_stop = sec(3), .extrapolate = true});
  CHECK(wide.at(sec(1.5), 0) == 3);
  CHECK(wide.at(sec(2.5), 0) == 3);
}

TEST_CASE("append_t's default gap is the median step, the mean of the middle two if even") {
  TSContinuous next(secs({0}), {9}, 1);
  // Steps 2, 1, 2: median 2, so the appended sample lands at 5 + 2 = 7.
  TSContinuous odd(secs({0, 2, 3, 5}), {0, 0, 0, 0}, 1);
  CHECK(odd.append_t(next).times()[4] == sec(7));
  // Steps 1, 2, 3, 4: median (2 + 3) / 2 = 2.5, so 10 + 2.5 = 12.5.
  TSContinuous even(secs({0, 1, 3, 6, 10}), {0, 0, 0, 0, 0}, 1);
  CHECK(even.append_t(next).times()[5] == sec(12.5));
  // Nothing to append: no gap, t_stop unchanged.
  CHECK(even.append_t(TSContinuous()).t_stop() == sec(10));
}
