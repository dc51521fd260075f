// scheduler.hpp: the set of pending events, popped in the total order of event.hpp.
//
// A mutable 4-ary heap (Boost.Heap) of Event values. push() returns a handle that stays
// valid until its event is popped or erased; a predicted event (a population's earliest
// due neuron, see due_queue.hpp) is moved with update() when new input changes it, or
// erased when nothing is due. The scheduler owns its events; it assigns each pushed
// event a sequence number, the last tie-break of the order, so equal (time, kind, target,
// index) events pop in push order.
//
//   Scheduler s;
//   auto h = s.push({.time = t, .kind = EventKind::kThreshold, .target = pop, .index = i});
//   s.update(h, t_new);
//   Event next = s.pop();
#pragma once

#include <boost/heap/d_ary_heap.hpp>
#include <cstddef>
#include <cstdint>

#include "engine/event.hpp"

namespace rockpool {

class Scheduler {
  // Boost.Heap is a max-heap: "less" means "pops later".
  struct PopsLater {
    bool operator()(const Event& a, const Event& b) const { return earlier(b, a); }
  };
  using Heap = boost::heap::d_ary_heap<Event, boost::heap::arity<4>, boost::heap::mutable_<true>,
                                       boost::heap::compare<PopsLater>>;

 public:
  using Handle = Heap::handle_type;

  // Adds an event; its seq field is overwritten with the next sequence number.
  Handle push(Event event) {
    event.seq = next_seq_++;
    return heap_.push(event);
  }
  // Moves a pending event to a new time (and index); it keeps its sequence number.
  void update(Handle handle, Time time) { update(handle, time, (*handle).index); }
  void update(Handle handle, Time time, std::uint32_t index) {
    Event e = *handle;
    e.time = time;
    e.index = index;
    heap_.update(handle, e);
  }
  void erase(Handle handle) { heap_.erase(handle); }

  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  // Pre: !empty().
  const Event& top() const { return heap_.top(); }
  Event pop() {
    Event e = heap_.top();
    heap_.pop();
    return e;
  }
  // Number of events pushed so far (for statistics and checkpoints).
  std::uint64_t pushed() const { return next_seq_; }

  // Checkpoints: visit every pending event (in heap order, not pop order); put one back
  // with the sequence number it had; continue numbering after `pushed`.
  template <class Visit>
  void for_each(Visit&& visit) const {
    for (const Event& e : heap_) visit(e);
  }
  Handle restore(const Event& event) { return heap_.push(event); }
  void set_pushed(std::uint64_t pushed) { next_seq_ = pushed; }
  void clear() { heap_.clear(); }

 private:
  Heap heap_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace rockpool
