// Question: which heap should hold pending events? And what does the mutability that
// predicted threshold events need (handles for update/erase) cost?
//
// The classic "hold" model (Jones 1986, the standard priority-queue benchmark for
// discrete-event simulation): the queue is pre-filled with N events, then each iteration
// pops the earliest event and pushes one at (popped time + an exponential increment), so
// the size stays N. Increments come from a precomputed table, so the RNG is outside the
// timed loop; every heap sees the same increments and the same total order
// (rockpool::earlier). One item = one push + pop pair.
//
// Contenders, all in one run so their ratios are fair:
//   Scheduler        rockpool::Scheduler: Boost d_ary_heap, arity 4, mutable (the engine's)
//   PriorityQueue    std::priority_queue over std::vector (the baseline)
//   PairingHeap      boost::heap::pairing_heap (node-based, mutable by construction)
//   DaryHeap4        boost::heap::d_ary_heap, arity 4, not mutable (prices mutability)
#include <benchmark/benchmark.h>

#include <boost/heap/d_ary_heap.hpp>
#include <boost/heap/pairing_heap.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <queue>
#include <random>
#include <vector>

#include "engine/event.hpp"
#include "engine/scheduler.hpp"

namespace {

using rockpool::Event;
using rockpool::EventKind;
using rockpool::Time;

// Boost.Heap and std::priority_queue are max-heaps: "less" means "pops later".
struct PopsLater {
  bool operator()(const Event& a, const Event& b) const { return earlier(b, a); }
};

// A table of exponential increments (mean 1 ms = 9e6 ticks), a power of two long so the
// loop indexes it with a mask. 64 Ki entries: larger than any cycle the heap could notice.
constexpr std::size_t kTableSize = std::size_t{1} << 16;
const std::vector<std::int64_t>& increments() {
  static const std::vector<std::int64_t> table = [] {
    std::mt19937_64 gen(12345);
    std::exponential_distribution<double> exp(1.0);
    std::vector<std::int64_t> t(kTableSize);
    for (auto& x : t) x = 1 + static_cast<std::int64_t>(std::llround(exp(gen) * 9e6));
    return t;
  }();
  return table;
}

// The same tiny interface over each heap: push an event, pop the earliest.
class SchedulerQueue {
 public:
  void push(const Event& e) { s_.push(e); }  // assigns seq itself
  Event pop() { return s_.pop(); }

 private:
  rockpool::Scheduler s_;
};

template <class Heap>
class BoostQueue {
 public:
  void push(Event e) {
    e.seq = seq_++;
    h_.push(e);
  }
  Event pop() {
    Event e = h_.top();
    h_.pop();
    return e;
  }

 private:
  Heap h_;
  std::uint64_t seq_ = 0;
};

class StdQueue {
 public:
  void push(Event e) {
    e.seq = seq_++;
    q_.push(e);
  }
  Event pop() {
    Event e = q_.top();
    q_.pop();
    return e;
  }

 private:
  std::priority_queue<Event, std::vector<Event>, PopsLater> q_;
  std::uint64_t seq_ = 0;
};

using PairingQueue = BoostQueue<boost::heap::pairing_heap<Event, boost::heap::compare<PopsLater>>>;
using Dary4Queue = BoostQueue<boost::heap::d_ary_heap<Event, boost::heap::arity<4>, boost::heap::compare<PopsLater>>>;

template <class Queue>
void BM_Hold(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto& inc = increments();
  Queue q;
  // Pre-fill: N events at exponentially distributed times (mean 2 ms), with targets and
  // indices varied so the tie-breaks of the order are exercised when times collide.
  std::size_t k = 0;
  for (std::size_t i = 0; i < n; ++i, ++k) {
    q.push({Time::from_ticks(inc[k & (kTableSize - 1)] * 2), EventKind::kDelivery, static_cast<std::uint32_t>(i % 7),
            static_cast<std::uint32_t>(i), 0, 0});
  }
  for (auto _ : state) {
    Event e = q.pop();
    e.time = Time::from_ticks(e.time.ticks() + inc[k++ & (kTableSize - 1)]);
    q.push(e);
  }
  benchmark::DoNotOptimize(q);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void HoldSizes(benchmark::internal::Benchmark* b) { b->Arg(1'000)->Arg(100'000)->Arg(1'000'000); }

}  // namespace

BENCHMARK(BM_Hold<StdQueue>)->Name("BM_Hold/PriorityQueue")->Apply(HoldSizes);
BENCHMARK(BM_Hold<SchedulerQueue>)->Name("BM_Hold/Scheduler")->Apply(HoldSizes);
BENCHMARK(BM_Hold<Dary4Queue>)->Name("BM_Hold/DaryHeap4")->Apply(HoldSizes);
BENCHMARK(BM_Hold<PairingQueue>)->Name("BM_Hold/PairingHeap")->Apply(HoldSizes);
