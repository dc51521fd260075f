// due_queue.hpp: the due times of one population's neurons, earliest first.
//
// An indexed 4-ary min-heap over (time, neuron) with a position table, so a neuron's due
// time can be set, moved or cleared in O(log n) without handles or allocation. The
// scheduler holds one entry per population — this queue's earliest — instead of one per
// neuron: the hot path (an input moving a neuron's due time) touches only this compact,
// cache-friendly array, and the global heap stays small. Ties at equal times go to the
// lower neuron index, the same order as the global (time, kind, target, index) order.
//
//   DueQueue q(n);
//   q.set(7, t);          // insert or move neuron 7
//   q.set(7, kNever);     // remove it
//   auto [time, neuron] = q.top();
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

namespace rockpool {

class DueQueue {
 public:
  static constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
  struct Entry {
    std::int64_t time;  // ticks
    std::uint32_t neuron;
  };

  explicit DueQueue(std::size_t neurons = 0) : position_(neurons, kAbsent) {}

  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  // Pre: !empty().
  Entry top() const { return heap_.front(); }
  std::int64_t time_of(std::uint32_t neuron) const {
    return position_[neuron] == kAbsent ? kNever : heap_[position_[neuron]].time;
  }

  // Sets neuron's due time; kNever removes it.
  void set(std::uint32_t neuron, std::int64_t time) {
    const std::uint32_t pos = position_[neuron];
    if (time == kNever) {
      if (pos != kAbsent) remove_at(pos);
      return;
    }
    if (pos == kAbsent) {
      heap_.push_back({time, neuron});
      position_[neuron] = static_cast<std::uint32_t>(heap_.size() - 1);
      sift_up(static_cast<std::uint32_t>(heap_.size() - 1));
      return;
    }
    const std::int64_t old = heap_[pos].time;
    heap_[pos].time = time;
    if (time < old) sift_up(pos); else sift_down(pos);
  }

  void pop() { remove_at(0); }
  // Checkpoints: visits the entries in heap-array order (re-setting them in that order
  // rebuilds the same array).
  template <class Visit>
  void for_each(Visit&& visit) const {
    for (const Entry& e : heap_) visit(e);
  }

 private:
  static constexpr std::uint32_t kAbsent = std::numeric_limits<std::uint32_t>::max();
  static constexpr std::uint32_t kArity = 4;

  static bool before(const Entry& a, const Entry& b) {
    return a.time < b.time || (a.time == b.time && a.neuron < b.neuron);
  }
  void place(std::uint32_t pos, const Entry& e) {
    heap_[pos] = e;
    position_[e.neuron] = pos;
  }
  void sift_up(std::uint32_t pos) {
    const Entry e = heap_[pos];
    while (pos > 0) {
      const std::uint32_t parent = (pos - 1) / kArity;
      if (!before(e, heap_[parent])) break;
      place(pos, heap_[parent]);
      pos = parent;
    }
    place(pos, e);
  }
  void sift_down(std::uint32_t pos) {
    const Entry e = heap_[pos];
    const auto n = static_cast<std::uint32_t>(heap_.size());
    while (true) {
      const std::uint32_t first = pos * kArity + 1;
      if (first >= n) break;
      std::uint32_t best = first;
      const std::uint32_t last = first + kArity < n ? first + kArity : n;
      for (std::uint32_t c = first + 1; c < last; ++c) {
        if (before(heap_[c], heap_[best])) best = c;
      }
      if (!before(heap_[best], e)) break;
      place(pos, heap_[best]);
      pos = best;
    }
    place(pos, e);
  }
  void remove_at(std::uint32_t pos) {
    const std::uint32_t removed = heap_[pos].neuron;
    const Entry last = heap_.back();
    heap_.pop_back();
    position_[removed] = kAbsent;
    if (pos == heap_.size()) return;
    const std::int64_t old = heap_[pos].time;
    place(pos, last);
    if (before(last, Entry{old, removed})) sift_up(pos); else sift_down(pos);
  }

  std::vector<Entry> heap_;
  std::vector<std::uint32_t> position_;  // neuron -> index in heap_, or kAbsent
};

}  // namespace rockpool
