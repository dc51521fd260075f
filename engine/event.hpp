// event.hpp: what the scheduler holds, and the total order it pops in.
//
// An Event is a small value: a time, a kind, a target (node or projection id), an index
// (neuron, channel or source neuron) and a sequence number given at push. Events are popped
// in the total order (time, kind, target, index, seq). Every field is an integer, so the
// order does not depend on the heap implementation, the platform or floating-point
// rounding: the same inputs and seed pop the same events in the same order, bit for bit.
//
// Why the kinds are ordered as they are, for events at the same time t:
//   1. kClockTick     a clocked layer closes the bin [t - dt, t) before anything at t is
//                     delivered, so an input exactly on a bin edge falls in the later bin
//                     (Rockpool's rasterisation rule, floor((t - t0) / dt)).
//   2. kThreshold     a neuron whose membrane reached threshold at t fires before inputs
//                     at t change its currents (they cannot undo a crossing that happened).
//   3. kDelivery      delayed spikes arrive at their targets.
//   4. kSource        input sources (logs, generators) emit; zero-delay fan-out of these
//                     spikes is delivered next, still at t.
//   5. kRecurrentDelivery  spikes on a projection from a node to itself arrive after the
//                     external input at t, as in Rockpool's event-based recurrent layers
//                     (RecDIAF's heap takes input channels before recurrent ones).
//   6. kRecord        recorders sample state after everything else at t has happened.
// kRecurrentDelivery was added last, so its stored value (checkpoints) is the largest;
// kind_rank() gives the order above.
#pragma once

#include <compare>
#include <cstdint>

#include "engine/time.hpp"

namespace rockpool {

using NodeId = std::uint32_t;        // index of a node (population, layer, source) in a network
using ProjectionId = std::uint32_t;  // index of a projection (an edge) in a network
using NeuronIndex = std::uint32_t;   // index of a neuron or channel within one node

enum class EventKind : std::uint8_t {
  kClockTick = 0,
  kThreshold = 1,
  kDelivery = 2,
  kSource = 3,
  kRecord = 4,
  kRecurrentDelivery = 5,
};

// The position of a kind among events at the same time (the list above).
constexpr int kind_rank(EventKind kind) {
  switch (kind) {
    case EventKind::kRecurrentDelivery: return 4;
    case EventKind::kRecord: return 5;
    default: return static_cast<int>(kind);
  }
}

struct Event {
  Time time;
  EventKind kind = EventKind::kDelivery;
  std::uint32_t target = 0;  // NodeId, or ProjectionId for the two delivery kinds
  std::uint32_t index = 0;   // neuron / source neuron / channel
  std::uint32_t aux = 0;     // kind-specific: delay group for kDelivery
  std::uint64_t seq = 0;     // assigned by the scheduler at push: the last tie-break

  // The total order; aux is not part of it (it is determined by target and index).
  friend constexpr bool earlier(const Event& a, const Event& b) {
    if (a.time != b.time) return a.time < b.time;
    if (a.kind != b.kind) return kind_rank(a.kind) < kind_rank(b.kind);
    if (a.target != b.target) return a.target < b.target;
    if (a.index != b.index) return a.index < b.index;
    return a.seq < b.seq;
  }
};

}  // namespace rockpool
