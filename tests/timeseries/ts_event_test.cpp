#include "timeseries/ts_event.hpp"

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

std::vector<Time> to_vector(std::span<const Time> s) { return {s.begin(), s.end()}; }
std::vector<Channel> to_vector(std::span<const Channel> s) { return {s.begin(), s.end()}; }

// Rockpool's test series: times [1, 3, 4, 5, 7], channels [0, 0, 1, 2, 1].
TSEvent rockpool_series() { return TSEvent(secs({1, 3, 4, 5, 7}), {0, 0, 1, 2, 1}); }

}  // namespace

TEST_CASE("a TSEvent infers num_channels, t_start and t_stop from its events") {
  TSEvent ts = rockpool_series();
  CHECK(ts.size() == 5);
  CHECK(ts.num_channels() == 3);  // highest channel 2, plus one
  CHECK(ts.t_start() == sec(1));
  CHECK(ts.t_stop() == sec(7));
  CHECK(ts.duration() == seconds(6));
  CHECK(ts.name() == "unnamed");
  CHECK_FALSE(ts.periodic());
  CHECK_FALSE(ts.has_values());
  CHECK(ts.values().empty());
}

TEST_CASE("a default TSEvent is empty with no channels") {
  TSEvent ts;
  CHECK(ts.empty());
  CHECK(ts.num_channels() == 0);
  CHECK(ts.t_start() == Time::zero());
  CHECK(ts.t_stop() == Time::zero());
  TSEvent none({}, {});
  CHECK(none.num_channels() == 0);
}

TEST_CASE("explicit num_channels may exceed the channels used but not fall below") {
  TSEvent ts(secs({0, 30}), {0, 0}, {.num_channels = 4});
  CHECK(ts.num_channels() == 4);
  const std::string msg = message_of<OutOfRange>(
      [] { TSEvent(secs({0, 1, 2, 3}), {0, 1, 0, 4}, {.num_channels = 4}); });
  CHECK(contains(msg, "channels"));
  CHECK(contains(msg, "channel 4 at index 3"));
}

TEST_CASE("constructor rejects unsorted times and mismatched lengths, naming the index") {
  const std::string msg =
      message_of<InvalidArgument>([] { TSEvent(secs({0, 2, 1}), {0, 0, 0}); });
  CHECK(contains(msg, "times"));
  CHECK(contains(msg, "index 2"));
  CHECK_THROWS_AS(TSEvent(secs({0, 1}), {0}), DimensionMismatch);
  CHECK(contains(message_of<DimensionMismatch>([] { TSEvent(secs({0, 1}), {0}); }), "channels"));
  CHECK_THROWS_AS(TSEvent(secs({0, 1}), {0, 0}, {1.0, 2.0, 3.0}, {}), DimensionMismatch);
}

TEST_CASE("constructor rejects t_start after the first event and t_stop before the last") {
  const std::string a =
      message_of<InvalidArgument>([] { TSEvent(secs({1, 2}), {0, 0}, {.t_start = sec(1.5)}); });
  CHECK(contains(a, "t_start"));
  CHECK(contains(a, "index 0"));
  const std::string b =
      message_of<InvalidArgument>([] { TSEvent(secs({1, 2, 3}), {0, 0, 0}, {.t_stop = sec(2)}); });
  CHECK(contains(b, "t_stop"));
  CHECK(contains(b, "index 2"));
  CHECK_THROWS_AS(TSEvent({}, {}, {.t_start = sec(2), .t_stop = sec(1)}), InvalidArgument);
  // t_stop equal to the last event is allowed (Rockpool's default).
  CHECK_NOTHROW(TSEvent(secs({1, 2}), {0, 0}, {.t_stop = sec(2)}));
}

TEST_CASE("per-event values are kept and NaN values are refused by index") {
  TSEvent ts(secs({0, 1}), {0, 1}, {0.5, -2.0}, {});
  CHECK(ts.has_values());
  REQUIRE(ts.values().size() == 2);
  CHECK(ts.values()[1] == -2.0);
  const std::string msg =
      message_of<InvalidArgument>([] { TSEvent(secs({0, 1, 2}), {0, 0, 0}, {1.0, NAN, 2.0}, {}); });
  CHECK(contains(msg, "values"));
  CHECK(contains(msg, "NaN at index 1"));
}

TEST_CASE("from_seconds rounds once and refuses NaN times by index") {
  const std::vector<double> t = {0.001, 0.0025};
  TSEvent ts = TSEvent::from_seconds(t, {0, 1});
  CHECK(ts.times()[1] == ms(2) + microseconds(500));
  const std::vector<double> bad = {0.0, 1.0, NAN};
  CHECK(contains(message_of<InvalidArgument>([&] { TSEvent::from_seconds(bad, {0, 0, 0}); }),
                 "NaN at index 2"));
}

TEST_CASE("description reads like Rockpool's repr") {
  TSEvent ts(secs({0.5, 1}), {3, 1}, {.t_stop = sec(1.5), .name = "spikes"});
  CHECK(ts.description() == "non-periodic TSEvent 'spikes' from t=0.5 to 1.5. Channels: 4. Events: 2");
  TSEvent p(secs({0}), {0}, {.t_stop = sec(2), .periodic = true, .name = "loop"});
  CHECK(p.description() == "periodic TSEvent 'loop' from t=0 to 2. Channels: 1. Events: 1");
  TSEvent e({}, {}, {.num_channels = 2, .t_start = sec(1), .t_stop = sec(3)});
  CHECK(e.description() == "empty TSEvent 'unnamed' from t=1 to 3. Channels: 2. Events: 0");
}

TEST_CASE("events_between covers [t0, t1), or [t0, t1] with include_stop") {
  // Rockpool's test_event_call.
  TSEvent ts = rockpool_series();
  auto a = ts.events_between(sec(2), sec(5));
  CHECK(a.times == secs({3, 4}));
  CHECK(a.channels == std::vector<Channel>{0, 1});
  auto b = ts.events_between(sec(2), sec(5), {.include_stop = true});
  CHECK(b.times == secs({3, 4, 5}));
  CHECK(ts.events_between(sec(8), sec(9)).times.empty());
  auto all = ts.events_between(ts.t_start(), ts.t_stop(), {.include_stop = true});
  CHECK(all.times.size() == 5);
  CHECK(contains(message_of<InvalidArgument>([&] { ts.events_between(sec(5), sec(2)); }), "t1"));
}

TEST_CASE("events_between can restrict to a channel subset") {
  TSEvent ts = rockpool_series();
  const std::vector<Channel> ch = {0, 2};
  auto a = ts.events_between(sec(0), sec(10), ch);
  CHECK(a.times == secs({1, 3, 5}));
  CHECK(a.channels == std::vector<Channel>{0, 0, 2});
  auto b = ts.events_between(sec(2), sec(6), ch);
  CHECK(b.times == secs({3, 5}));
  const std::vector<Channel> bad = {0, 4};
  const std::string msg = message_of<OutOfRange>([&] { ts.events_between(sec(0), sec(1), bad); });
  CHECK(contains(msg, "channel 4 at index 1"));
}

TEST_CASE("a periodic series repeats its events every t_stop - t_start") {
  // Events at 0 (ch 0), 1 (ch 1), 2 (ch 0), period 3 s. In [2, 7): 2, 3, 4, 5, 6.
  TSEvent ts(secs({0, 1, 2}), {0, 1, 0}, {.t_stop = sec(3), .periodic = true});
  auto ev = ts.events_between(sec(2), sec(7));
  CHECK(ev.times == secs({2, 3, 4, 5, 6}));
  CHECK(ev.channels == std::vector<Channel>{0, 0, 1, 0, 0});
  // Before t_start too: [-3, -1) holds the period shifted by -3 s: -3 and -2.
  CHECK(ts.events_between(sec(-3), sec(-1)).times == secs({-3, -2}));
}

TEST_CASE("a periodic event at t_stop is the next period's t_start and is not doubled") {
  // Events at 0 and 3 with t_stop = 3: period 3 s; [0, 9) holds 0, 3, 6 once each.
  TSEvent ts(secs({0, 3}), {0, 0}, {.periodic = true});
  CHECK(ts.events_between(sec(0), sec(9)).times == secs({0, 3, 6}));
}

TEST_CASE("slice and select take events by index") {
  TSEvent ts = rockpool_series();
  TSEvent s = ts.slice(2, 5);
  CHECK(to_vector(s.times()) == secs({4, 5, 7}));
  CHECK(to_vector(s.channels()) == std::vector<Channel>{1, 2, 1});
  CHECK(s.num_channels() == 3);
  CHECK(s.t_start() == ts.t_start());
  CHECK_THROWS_AS(ts.slice(2, 6), OutOfRange);
  CHECK_THROWS_AS(ts.slice(3, 2), OutOfRange);
  CHECK(ts.slice(3, 3).empty());
}

TEST_CASE("select re-sorts the chosen events by time and names a bad index") {
  TSEvent ts = rockpool_series();
  const std::vector<std::size_t> idx = {4, 0, 1};  // times 7, 1, 3
  TSEvent s = ts.select(idx);
  CHECK(to_vector(s.times()) == secs({1, 3, 7}));
  CHECK(to_vector(s.channels()) == std::vector<Channel>{0, 0, 1});
  const std::vector<std::size_t> bad = {0, 5};
  const std::string msg = message_of<OutOfRange>([&] { ts.select(bad); });
  CHECK(contains(msg, "index 5 at position 1"));
  const std::vector<std::size_t> one = {0};
  CHECK_THROWS_AS(TSEvent().select(one), OutOfRange);
}

TEST_CASE("clip restricts to [t0, t1) and spans exactly [t0, t1]") {
  // Rockpool's test_event_clip.
  TSEvent ts = rockpool_series();
  TSEvent a = ts.clip(sec(2), sec(4), {.include_stop = true});
  CHECK(to_vector(a.times()) == secs({3, 4}));
  TSEvent b = ts.clip(sec(2), sec(4));
  CHECK(to_vector(b.times()) == secs({3}));
  CHECK(b.num_channels() == 3);
  CHECK(b.t_start() == sec(2));
  CHECK(b.t_stop() == sec(4));
  CHECK(ts.clip(sec(8), sec(9)).empty());
  CHECK_THROWS_AS(ts.clip(sec(4), sec(2)), InvalidArgument);
}

TEST_CASE("clip with channels, and with remapped channels") {
  TSEvent ts = rockpool_series();
  TSEvent a = ts.clip(sec(2), sec(6), {.channels = std::vector<Channel>{0, 2}});
  CHECK(to_vector(a.times()) == secs({3, 5}));
  CHECK(to_vector(a.channels()) == std::vector<Channel>{0, 2});
  // [4, 6) holds channels 1 and 2, renumbered 0 and 1.
  TSEvent r = ts.clip(sec(4), sec(6), {.remap_channels = true});
  CHECK(to_vector(r.channels()) == std::vector<Channel>{0, 1});
  CHECK(r.num_channels() == 2);
  // Requested channels {0, 2} renumber to {0, 1}: events 1 (0), 3 (0), 5 (2 -> 1).
  TSEvent q = ts.clip(sec(0), sec(10), {.channels = std::vector<Channel>{2, 0}, .remap_channels = true});
  CHECK(to_vector(q.channels()) == std::vector<Channel>{0, 0, 1});
  CHECK(q.num_channels() == 2);
  // An empty series keeps num_channels; remapping one requested channel gives 1.
  TSEvent e({}, {}, {.num_channels = 2});
  CHECK(e.clip(sec(2), sec(3)).num_channels() == 2);
  CHECK(e.clip(sec(2), sec(3), {.channels = std::vector<Channel>{0}, .remap_channels = true})
            .num_channels() == 1);
}

TEST_CASE("clip_channels keeps all times of the chosen channels") {
  TSEvent ts = rockpool_series();
  const std::vector<Channel> ch = {0, 1};
  TSEvent c = ts.clip_channels(ch);
  CHECK(to_vector(c.times()) == secs({1, 3, 4, 7}));
  CHECK(to_vector(c.channels()) == std::vector<Channel>{0, 0, 1, 1});
  CHECK(c.t_stop() == ts.t_stop());
  const std::vector<Channel> bad = {3};
  CHECK_THROWS_AS(ts.clip_channels(bad), OutOfRange);
}

TEST_CASE("delay, start_at_zero and start_at shift the events and the span") {
  // Rockpool's test_event_delay.
  TSEvent ts(secs({2, 4, 6}), {0, 1, 0});
  CHECK(ts.t_start() == sec(2));
  TSEvent d = ts.delay(seconds(1));
  CHECK(d.t_start() == sec(3));
  CHECK(d.t_stop() == sec(7));
  CHECK(to_vector(d.times()) == secs({3, 5, 7}));
  CHECK(ts.t_start() == sec(2));
  TSEvent z = d.start_at_zero();
  CHECK(z.t_start() == Time::zero());
  CHECK(to_vector(z.times()) == secs({0, 2, 4}));
  CHECK(d.start_at(sec(5)).t_start() == sec(5));
  CHECK(d.start_at(sec(5)).times()[2] == sec(9));
}

TEST_CASE("merge interleaves two series; at equal times this series comes first") {
  // Rockpool's test_event_merge: [1, 2] ch [2, 0] on [-1, 2] with [1] ch [0] on [0, 2], 5 ch.
  TSEvent a(secs({1, 2}), {2, 0}, {.t_start = sec(-1), .t_stop = sec(2)});
  TSEvent b(secs({1}), {0}, {.num_channels = 5, .t_start = sec(0), .t_stop = sec(2)});
  TSEvent m = a.merge(b);
  CHECK(m.num_channels() == 5);
  CHECK(m.t_start() == sec(-1));
  CHECK(m.t_stop() == sec(2));
  CHECK(to_vector(m.times()) == secs({1, 1, 2}));
  CHECK(to_vector(m.channels()) == std::vector<Channel>{2, 0, 0});
  TSEvent from_empty = TSEvent().merge(a);
  CHECK(to_vector(from_empty.channels()) == std::vector<Channel>{2, 0});
  CHECK(from_empty.t_start() == sec(-1));
}

TEST_CASE("merge with a delay, and dropping duplicate (time, channel) events") {
  TSEvent a(secs({1, 2}), {0, 1});
  TSEvent b(secs({0, 1}), {1, 0});
  // b delayed by 1 s: events at 1 (ch 1) and 2 (ch 0).
  TSEvent m = a.merge(b, seconds(1));
  CHECK(to_vector(m.times()) == secs({1, 1, 2, 2}));
  CHECK(to_vector(m.channels()) == std::vector<Channel>{0, 1, 1, 0});
  TSEvent same = a.merge(a, Duration::zero(), true);
  CHECK(to_vector(same.times()) == secs({1, 2}));
  CHECK(same.size() == 2);
  CHECK(a.merge(a).size() == 4);
}

TEST_CASE("append_t moves the other series to start at t_stop + offset") {
  // Rockpool's test_event_append_t.
  TSEvent a(secs({1, 2}), {2, 0}, {.t_start = sec(-1), .t_stop = sec(2)});
  TSEvent b(secs({1}), {0}, {.num_channels = 5, .t_start = sec(0), .t_stop = sec(2)});
  TSEvent r = a.append_t(b);  // b delayed by 2 - 0: its event at 1 -> 3, t_stop 4
  CHECK(r.num_channels() == 5);
  CHECK(r.t_start() == sec(-1));
  CHECK(r.t_stop() == sec(4));
  CHECK(to_vector(r.times()) == secs({1, 2, 3}));
  CHECK(to_vector(r.channels()) == std::vector<Channel>{2, 0, 0});
  // Appended to an empty series (t_start = t_stop = 0): a is delayed by 0 - (-1) = 1.
  TSEvent e = TSEvent().append_t(a);
  CHECK(to_vector(e.times()) == secs({2, 3}));
  CHECK(e.t_stop() == sec(3));
  CHECK(a.append_t(b, seconds(2)).times()[2] == sec(5));
}

TEST_CASE("concatenate_t chains series with a common offset") {
  // a: [1, 2] on [-1, 2]; b: [0, 1, 4] ch [1, 1, 0] on [0, 6]; c: [1] ch 0 on [0, 2].
  // Offset 1: b is delayed by 1 + 2 - 0 = 3 -> 3, 4, 7 (t_stop 9); c by 1 + 9 - 0 = 10 -> 11.
  std::vector<TSEvent> all = {
      TSEvent(secs({1, 2}), {2, 0}, {.t_start = sec(-1), .t_stop = sec(2)}),
      TSEvent(secs({0, 1, 4}), {1, 1, 0}, {.t_start = sec(0), .t_stop = sec(6)}),
      TSEvent(secs({1}), {0}, {.num_channels = 5, .t_start = sec(0), .t_stop = sec(2)})};
  TSEvent r = TSEvent::concatenate_t(all, seconds(1));
  CHECK(to_vector(r.times()) == secs({1, 2, 3, 4, 7, 11}));
  CHECK(to_vector(r.channels()) == std::vector<Channel>{2, 0, 1, 1, 0, 0});
  CHECK(r.num_channels() == 5);
  CHECK(r.t_stop() == sec(12));
  CHECK(TSEvent::concatenate_t({}).empty());
}

TEST_CASE("append_c shifts the other series' channels past this one's") {
  // Rockpool's test_event_append_c: 3 + 5 channels; b's channel 0 becomes 3.
  TSEvent a(secs({1, 2}), {2, 0}, {.t_start = sec(-1), .t_stop = sec(2)});
  TSEvent b(secs({1}), {0}, {.num_channels = 5, .t_start = sec(0), .t_stop = sec(2)});
  TSEvent r = a.append_c(b);
  CHECK(r.num_channels() == 8);
  CHECK(to_vector(r.times()) == secs({1, 1, 2}));
  CHECK(to_vector(r.channels()) == std::vector<Channel>{2, 3, 0});
  CHECK(r.t_start() == sec(-1));
  CHECK(r.t_stop() == sec(2));
}

TEST_CASE("remap_channels renumbers by a map with one entry per channel") {
  TSEvent ts = rockpool_series();  // channels 0, 0, 1, 2, 1
  const std::vector<Channel> map = {2, 0, 1};
  TSEvent r = ts.remap_channels(map);
  CHECK(to_vector(r.channels()) == std::vector<Channel>{2, 2, 0, 1, 0});
  CHECK(r.num_channels() == 3);
  const std::vector<Channel> wider = {0, 9, 1};  // channel 1 -> 9: num_channels grows to 10
  CHECK(ts.remap_channels(wider).num_channels() == 10);
  const std::vector<Channel> short_map = {0, 1};
  const std::string msg = message_of<DimensionMismatch>([&] { ts.remap_channels(short_map); });
  CHECK(contains(msg, "channel_map"));
}

TEST_CASE("raster has ceil(duration / dt) bins and excludes t_stop unless asked") {
  // Rockpool's test_event_raster: events at 0 and 30 s on channel 0 of 4.
  TSEvent ts(secs({0, 30}), {0, 0}, {.num_channels = 4});
  Raster r = ts.raster(seconds(1));
  CHECK(r.num_timesteps == 30);
  CHECK(r.num_channels == 4);
  CHECK(r.at(0, 0) == 1);
  CHECK(r.at(29, 0) == 0);
  Raster with_stop = ts.raster(seconds(1), {.include_t_stop = true});
  CHECK(with_stop.num_timesteps == 31);
  CHECK(with_stop.at(30, 0) == 1);
}

TEST_CASE("raster with a dt that does not divide the duration") {
  // Events at 0 and 1 s. dt 0.9: ceil(1 / 0.9) = 2 bins, and floor(1 / 0.9) + 1 = 2 with
  // include_t_stop. dt 1.1: floor(1 / 1.1) + 1 = 1 bin, holding both events.
  TSEvent ts(secs({0, 1}), {0, 0});
  CHECK(ts.raster(milliseconds(900)).num_timesteps == 2);
  Raster r = ts.raster(milliseconds(900), {.include_t_stop = true});
  CHECK(r.num_timesteps == 2);
  CHECK(r.at(1, 0) == 1);  // t = 1 s is in bin floor(1 / 0.9) = 1
  Raster one = ts.raster(milliseconds(1100), {.add_events = true, .include_t_stop = true});
  CHECK(one.num_timesteps == 1);
  CHECK(one.at(0, 0) == 2);
}

TEST_CASE("an event on a bin edge falls in the later bin, exactly") {
  // dt = 1 ms from t = 0; 10 ms long. An event at exactly 2 ms is in bin 2, one tick
  // earlier in bin 1.
  TSEvent ts({ms(2) - ticks(1), ms(2), ms(5)}, {0, 1, 0}, {.t_start = ms(0), .t_stop = ms(10)});
  Raster r = ts.raster(milliseconds(1));
  CHECK(r.num_timesteps == 10);
  CHECK(r.at(1, 0) == 1);
  CHECK(r.at(2, 0) == 0);
  CHECK(r.at(2, 1) == 1);
  CHECK(r.at(5, 0) == 1);
  CHECK(r.at(1, 1) == 0);
}

TEST_CASE("raster counts events with add_events and flags them otherwise") {
  TSEvent ts({ms(1), ms(1), ms(1) + microseconds(300), ms(3)}, {0, 0, 0, 1},
             {.t_start = ms(0), .t_stop = ms(4)});
  Raster flags = ts.raster(milliseconds(1));
  CHECK(flags.at(1, 0) == 1);
  Raster counts = ts.raster(milliseconds(1), {.add_events = true});
  CHECK(counts.at(1, 0) == 3);
  CHECK(counts.at(3, 1) == 1);
  CHECK(counts.at(0, 0) == 0);
}

TEST_CASE("raster from a given t_start, for a given number of steps") {
  // Events at 1, 3, 4, 5, 7 s. From t = 3 s, 3 bins of 1 s: [3,4) [4,5) [5,6).
  TSEvent ts = rockpool_series();
  Raster r = ts.raster(seconds(1), {.t_start = sec(3), .num_timesteps = 3});
  CHECK(r.num_timesteps == 3);
  CHECK(r.at(0, 0) == 1);
  CHECK(r.at(1, 1) == 1);
  CHECK(r.at(2, 2) == 1);
  CHECK(r.at(0, 1) + r.at(0, 2) + r.at(1, 0) + r.at(2, 0) == 0);
  // From 0 to 2 s with dt 2 s: one bin holding the event at 1 s.
  Raster two = ts.raster(seconds(2), {.t_start = sec(0), .t_stop = sec(2)});
  CHECK(two.num_timesteps == 1);
  CHECK(two.at(0, 0) == 1);
}

TEST_CASE("raster refuses a non-positive dt and conflicting or reversed limits") {
  TSEvent ts = rockpool_series();
  CHECK_THROWS_AS(ts.raster(Duration::zero()), InvalidArgument);
  CHECK(contains(message_of<InvalidArgument>([&] { ts.raster(-seconds(1)); }), "dt"));
  CHECK_THROWS_AS(ts.raster(seconds(1), {.t_stop = sec(5), .num_timesteps = 3}), InvalidArgument);
  CHECK_THROWS_AS(ts.raster(seconds(1), {.t_start = sec(5), .t_stop = sec(2)}), InvalidArgument);
}

TEST_CASE("raster columns follow the requested channels, unknown ones stay empty") {
  TSEvent ts = rockpool_series();  // 3 channels
  Raster r = ts.raster(seconds(1), {.channels = std::vector<Channel>{2, 0, 7}});
  CHECK(r.num_channels == 3);
  // Bins from t = 1: channel 2 fires at 5 s (bin 4), channel 0 at 1 and 3 s (bins 0, 2).
  CHECK(r.at(4, 0) == 1);
  CHECK(r.at(0, 1) == 1);
  CHECK(r.at(2, 1) == 1);
  std::uint32_t unknown = 0;
  for (std::size_t t = 0; t < r.num_timesteps; ++t) unknown += r.at(t, 2);
  CHECK(unknown == 0);
}

TEST_CASE("raster of a periodic series repeats the pattern past t_stop") {
  // Rockpool's test_event_raster_periodic_iss5: alternating channels at 0..6 s.
  TSEvent periodic(secs({0, 1, 2, 3, 4, 5, 6}), {0, 1, 0, 1, 0, 1, 0}, {.periodic = true});
  Raster r = periodic.raster(seconds(1), {.t_start = sec(0), .t_stop = sec(10)});
  REQUIRE(r.num_timesteps == 10);
  for (std::size_t t = 0; t < 10; ++t) {
    CHECK(r.at(t, t % 2) == 1);
    CHECK(r.at(t, 1 - t % 2) == 0);
  }
  TSEvent plain(secs({0, 1, 2, 3, 4, 5, 6}), {0, 1, 0, 1, 0, 1, 0});
  Raster p = plain.raster(seconds(1), {.t_start = sec(0), .t_stop = sec(10)});
  CHECK(p.at(6, 0) == 1);
  CHECK(p.at(7, 1) == 0);
  CHECK(p.at(8, 0) == 0);
}

TEST_CASE("from_raster puts events at bin middles and repeats counts") {
  // 3 bins x 2 channels: [1, 0], [0, 2], [0, 0]; dt = 1 ms.
  const std::vector<std::uint32_t> raster = {1, 0, 0, 2, 0, 0};
  TSEvent ts = TSEvent::from_raster(raster, 2, milliseconds(1));
  CHECK(to_vector(ts.times()) ==
        std::vector<Time>{ms(0) + microseconds(500), ms(1) + microseconds(500), ms(1) + microseconds(500)});
  CHECK(to_vector(ts.channels()) == std::vector<Channel>{0, 1, 1});
  CHECK(ts.t_start() == ms(0));
  CHECK(ts.t_stop() == ms(3));
  CHECK(ts.num_channels() == 2);
  TSEvent at_start = TSEvent::from_raster(raster, 2, milliseconds(1),
                                          {.t_start = ms(10), .spikes_at_bin_start = true});
  CHECK(at_start.times()[0] == ms(10));
  CHECK(at_start.times()[1] == ms(11));
  CHECK(at_start.t_stop() == ms(13));
}

TEST_CASE("raster of from_raster gives the raster back") {
  Raster original{4, 3, {0, 1, 0, 2, 0, 0, 0, 0, 3, 1, 1, 1}};
  TSEvent ts = TSEvent::from_raster(original, milliseconds(2));
  Raster again = ts.raster(milliseconds(2), {.add_events = true});
  CHECK(again.num_timesteps == 4);
  CHECK(again.num_channels == 3);
  CHECK(again.data == original.data);
}

TEST_CASE("from_raster refuses a ragged raster and a non-positive dt") {
  const std::vector<std::uint32_t> ragged = {1, 0, 1};
  CHECK_THROWS_AS(TSEvent::from_raster(ragged, 2, milliseconds(1)), DimensionMismatch);
  const std::vector<std::uint32_t> fine = {1, 0};
  CHECK_THROWS_AS(TSEvent::from_raster(fine, 2, Duration::zero()), InvalidArgument);
  Raster bad{2, 2, {1, 0, 0}};
  CHECK_THROWS_AS(TSEvent::from_raster(bad, milliseconds(1)), DimensionMismatch);
}

TEST_CASE("Raster::at names a bad index") {
  Raster r{2, 3, std::vector<std::uint32_t>(6, 0)};
  CHECK_THROWS_AS(r.at(2, 0), OutOfRange);
  CHECK(contains(message_of<OutOfRange>([&] { r.at(0, 3); }), "index 3"));
}

TEST_CASE("per-event values follow their events through clip, delay and merge") {
  TSEvent a(secs({1, 2, 3}), {0, 1, 0}, {10.0, 20.0, 30.0}, {});
  TSEvent c = a.clip(sec(2), sec(4));
  CHECK(std::vector<double>(c.values().begin(), c.values().end()) == std::vector<double>{20.0, 30.0});
  TSEvent b(secs({1.5}), {1}, {15.0}, {});
  TSEvent m = a.merge(b);
  CHECK(std::vector<double>(m.values().begin(), m.values().end()) ==
        std::vector<double>{10.0, 15.0, 20.0, 30.0});
  auto ev = a.delay(seconds(1)).events_between(sec(3), sec(5));
  CHECK(ev.values == std::vector<double>{20.0, 30.0});
  TSEvent plain(secs({1}), {0});
  CHECK_THROWS_AS(a.merge(plain), InvalidArgument);
}
