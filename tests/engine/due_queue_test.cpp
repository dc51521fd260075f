#include "engine/due_queue.hpp"

#include <doctest/doctest.h>

#include <map>
#include <utility>

#include "engine/random.hpp"

using namespace rockpool;

TEST_CASE("a due queue agrees with an ordered map under random sets, moves, removals and pops") {
  // Reference: std::map keyed by (time, neuron), the documented order.
  const std::uint32_t n = 300;
  DueQueue q(n);
  std::map<std::pair<std::int64_t, std::uint32_t>, bool> reference;
  std::vector<std::int64_t> current(n, DueQueue::kNever);
  const CounterRng rng(5, 1);
  for (std::uint64_t k = 0; k < 50000; ++k) {
    const auto neuron = static_cast<std::uint32_t>(rng.bits(k, 0) % n);
    const std::uint64_t action = rng.bits(k, 1) % 10;
    if (action == 0 && !q.empty()) {  // pop
      const auto top = q.top();
      const auto expected = reference.begin()->first;
      REQUIRE(top.time == expected.first);
      REQUIRE(top.neuron == expected.second);
      q.pop();
      reference.erase(reference.begin());
      current[top.neuron] = DueQueue::kNever;
      continue;
    }
    // Few distinct times so that ties are common; action 1 removes.
    const std::int64_t time = action == 1 ? DueQueue::kNever : static_cast<std::int64_t>(rng.bits(k + 1'000'000, 0) % 50);
    if (current[neuron] != DueQueue::kNever) reference.erase({current[neuron], neuron});
    if (time != DueQueue::kNever) reference[{time, neuron}] = true;
    current[neuron] = time;
    q.set(neuron, time);
    REQUIRE(q.size() == reference.size());
    REQUIRE(q.time_of(neuron) == time);
  }
  while (!q.empty()) {
    CHECK(q.top().time == reference.begin()->first.first);
    CHECK(q.top().neuron == reference.begin()->first.second);
    q.pop();
    reference.erase(reference.begin());
  }
  CHECK(reference.empty());
}
