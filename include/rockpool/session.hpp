// session.hpp: run a network as a stream — push input events as they arrive, let
// simulated time catch up, get output spikes through a callback or a bounded queue.
//
// A Session owns a built network and its simulation. The application pushes events into
// the network's inputs (NetworkBuilder::spike_input / continuous_input) and advances
// simulated time; the spikes of the nodes it observes come out in event order. A session
// that is pushed the same events and advanced to T gives, bit for bit, the same spikes as a
// batch run of the same network with those events to T, however the pushes and advances
// were split.
//
//   rockpool::Session session(std::move(net));
//   const auto out = session.observe("neurons");
//   session.on_output([](const rockpool::OutputSpike& s) { react(s.neuron, s.time); });
//   session.push(t, 0);                    // a spike on channel 0 of the (first) input
//   session.advance_to(t + rockpool::milliseconds(5));
//
// Time. Simulated time is driven by the caller (advance_to) or paced against the wall
// clock (Pacing::kRealTime: run_realtime advances to the wall-clock time, reports how far
// the simulation lags behind it, and stamps push_now events with it). Events pushed into an
// input must come in non-decreasing time, and not before now(): TimeOrderError otherwise.
// advance_to(t) processes every event before t; an event pushed at exactly now() is still
// processed.
//
// Bounds. At most input_capacity events wait inside the session (pushed, not yet taken by
// the simulation) and at most output_capacity spikes wait in the output queue (when no
// callback is set). When a bound is reached, SessionOptions::overflow decides: kBackpressure
// — a push from another thread waits for room, a push from the session's own thread first
// advances simulated time to the pushed event's time to make room, and an advance stops
// early (complete = false) until the queue is drained; kError — the push or advance throws
// QueueOverflow. Nothing is ever dropped silently.
//
// Threads. push, push_now, wall_now, now, stop, stats and the output queue's pop/poll may
// be called from any thread. Everything else — advance_to, run_realtime, observe,
// on_output, checkpoints — belongs to one thread at a time; callbacks run on the thread
// that advances and may push, but not advance. For back-pressure, "the session's own
// thread" is the one that constructed it.
//
// Errors: rockpool::Error subclasses (errors.hpp), with a message naming the input,
// channel or time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rockpool/events.hpp"
#include "rockpool/export.hpp"
#include "rockpool/network_builder.hpp"
#include "rockpool/time.hpp"

namespace rockpool {

enum class Pacing : std::uint8_t {
  kCaller,   // simulated time moves only when the caller calls advance_to
  kRealTime  // run_realtime / advance_realtime follow the wall clock (times `speed`)
};

enum class Overflow : std::uint8_t {
  kBackpressure,  // wait (or stop early) until there is room
  kError          // throw QueueOverflow
};

struct SessionOptions {
  Time t0 = Time::zero();                  // the time origin: clocked layers tick at t0 + k dt
  std::size_t input_capacity = 1 << 16;    // events waiting inside the session, per session
  std::size_t output_capacity = 1 << 16;   // spikes waiting in the output queue
  Overflow overflow = Overflow::kBackpressure;
  Pacing pacing = Pacing::kCaller;
  double speed = 1.0;                      // real time: simulated seconds per wall-clock second
};

// What an advance did.
struct AdvanceResult {
  Time reached;       // simulated time now
  bool complete = true;  // false: stopped early because the output queue is full
  Duration lag;       // real time only: wall-clock time (as simulated time) minus reached
};

struct SessionStats {
  std::uint64_t pushed = 0;        // input events accepted
  std::uint64_t outputs = 0;       // output spikes delivered (callback or queue)
  std::uint64_t events = 0;        // simulation events processed
  Duration max_lag;                // real time: the largest lag seen after an advance
};

// An input of the session's network (an index; see Session::input).
struct InputRef {
  std::uint32_t id = 0;
};

class ROCKPOOL_API Session {
 public:
  using OutputCallback = std::function<void(const OutputSpike&)>;

  // Builds the network (NetworkError for zero-delay cycles) and a simulation of it.
  explicit Session(NetworkBuilder network, SessionOptions options = {});
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // --- outputs ---------------------------------------------------------------------
  // Spikes of the named node are delivered from now on; returns its OutputSpike::output
  // index (0, 1, ... in call order). InvalidArgument if the node emits no spikes.
  std::uint32_t observe(std::string_view node);
  // With a callback, output spikes go to it (on the advancing thread) and the queue stays
  // empty; without, they wait in the bounded queue for pop/poll.
  void on_output(OutputCallback callback);
  // Thread-safe. Takes the earliest waiting spike / up to `max` spikes (appended to out).
  std::optional<OutputSpike> pop();
  std::size_t poll(std::vector<OutputSpike>& out, std::size_t max = SIZE_MAX);
  std::size_t queued_outputs() const;

  // --- state (the session's own thread, between advances) ------------------------------
  // State variable `variable` of the named node at now(), computed exactly without
  // changing the run: a neuron's "v_mem" or "i_syn0", a readout's "y" (Rockpool's weighted
  // surrogate output, a StateReadout node of a config: doc/models.md), a rate layer's "y".
  // OutOfRange for an unknown node or a unit out of range, InvalidArgument for a variable
  // the node does not have (the message lists its variables).
  double state(std::string_view node, std::string_view variable, std::uint32_t unit) const;
  // Every unit of it, into `out` (DimensionMismatch unless out.size() is the node's count).
  void state(std::string_view node, std::string_view variable, std::span<double> out) const;

  // --- inputs (thread-safe) -----------------------------------------------------------
  // The input node of that name (OutOfRange if none). The first input added is the default.
  InputRef input(std::string_view name) const;
  // A spike on `channel` at `time`, into the default input or the given one.
  void push(Time time, std::uint32_t channel);
  void push(InputRef input, Time time, std::uint32_t channel);
  // Events in non-decreasing time, all or none (checked before any is accepted).
  void push(InputRef input, std::span<const InputEvent> events);
  // A continuous input's channel takes `value` from `time` on (sample-and-hold).
  void push(InputRef input, Time time, std::uint32_t channel, double value);
  // Real time: a spike stamped with wall_now() (never late); returns the stamp.
  Time push_now(InputRef input, std::uint32_t channel);

  // --- time ----------------------------------------------------------------------------
  // Processes every event before t (after taking the waiting inputs) and sets now() = t,
  // unless the output queue fills (see Bounds). TimeOrderError if t < now().
  AdvanceResult advance_to(Time t);
  AdvanceResult advance_by(Duration d);
  Time now() const;  // thread-safe
  // Real time. wall_now(): the simulated time the wall clock corresponds to (t0 at the
  // first call of run_realtime/advance_realtime or at construction, scaled by `speed`).
  Time wall_now() const;
  // Advances to min(wall_now(), limit) and reports the lag. A replay that pushes an event
  // at t once the wall clock reaches it advances with limit = t, so t stays pushable.
  AdvanceResult advance_realtime(Time limit = Time::max());
  // Follows the wall clock until simulated time reaches `until` or stop() is called,
  // sleeping while nothing is due and waking at once when an event is pushed.
  AdvanceResult run_realtime(Time until);
  void stop();  // thread-safe: ends run_realtime after its current advance

  SessionStats stats() const;

  // --- checkpoints (see checkpoint.hpp) -------------------------------------------------
  // The whole running state: neuron state, pending and in-flight spikes, RNG counters,
  // waiting inputs and outputs, time. Restore into a session of an identically built
  // network observing the same nodes; it then continues bit for bit as this one would.
  std::vector<std::byte> checkpoint() const;
  void restore(std::span<const std::byte> checkpoint);
  void save_checkpoint(const std::string& path) const;
  void restore_checkpoint(const std::string& path);

  struct Impl;

 private:
  friend struct SessionAccess;  // internal: tests reach the engine
  std::unique_ptr<Impl> impl_;
};

}  // namespace rockpool
