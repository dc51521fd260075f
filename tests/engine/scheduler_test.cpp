#include "engine/scheduler.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <iterator>
#include <tuple>
#include <vector>

#include "engine/random.hpp"

using namespace rockpool;

namespace {
bool sorted_before(const Event& a, const Event& b) {
  // The documented order, written out independently of event.hpp's earlier(): at equal
  // times tick, threshold, delivery, source, recurrent delivery, record.
  auto rank = [](EventKind k) {
    constexpr EventKind order[] = {EventKind::kClockTick, EventKind::kThreshold,          EventKind::kDelivery,
                                   EventKind::kSource,    EventKind::kRecurrentDelivery, EventKind::kRecord};
    return std::find(std::begin(order), std::end(order), k) - std::begin(order);
  };
  return std::tuple(a.time, rank(a.kind), a.target, a.index, a.seq) <
         std::tuple(b.time, rank(b.kind), b.target, b.index, b.seq);
}
}  // namespace

TEST_CASE("the scheduler pops in (time, kind, target, index, seq) order, whatever the push order") {
  Scheduler s;
  std::vector<Event> pushed;
  const CounterRng rng(7, 0);
  for (std::uint64_t k = 0; k < 5000; ++k) {
    // Few distinct values so that many events tie on time, kind and target.
    Event e{Time::from_ticks(static_cast<std::int64_t>(rng.bits(k, 0) % 20)),
            static_cast<EventKind>(rng.bits(k, 1) % 6), static_cast<std::uint32_t>(rng.bits(k + 99999, 0) % 3),
            static_cast<std::uint32_t>(rng.bits(k + 99999, 1) % 2), 0, 0};
    s.push(e);
    e.seq = k;  // the scheduler numbers pushes 0, 1, 2, ...
    pushed.push_back(e);
  }
  std::sort(pushed.begin(), pushed.end(), sorted_before);
  for (const Event& expected : pushed) {
    REQUIRE(!s.empty());
    const Event got = s.pop();
    CHECK(got.time == expected.time);
    CHECK(got.kind == expected.kind);
    CHECK(got.target == expected.target);
    CHECK(got.index == expected.index);
    CHECK(got.seq == expected.seq);
  }
  CHECK(s.empty());
}

TEST_CASE("a handle moves its event earlier or later, and an erased event never pops") {
  Scheduler s;
  auto a = s.push({Time::from_ticks(10), EventKind::kThreshold, 0, 1, 0, 0});
  auto b = s.push({Time::from_ticks(20), EventKind::kThreshold, 0, 2, 0, 0});
  auto c = s.push({Time::from_ticks(30), EventKind::kThreshold, 0, 3, 0, 0});
  s.update(c, Time::from_ticks(5));   // now first
  s.update(a, Time::from_ticks(25));  // now after b
  s.erase(b);
  REQUIRE(s.size() == 2);
  Event e = s.pop();
  CHECK(e.index == 3);
  CHECK(e.time == Time::from_ticks(5));
  e = s.pop();
  CHECK(e.index == 1);
  CHECK(e.time == Time::from_ticks(25));
  CHECK(s.empty());
  CHECK(s.pushed() == 3);
}
