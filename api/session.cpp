#include "rockpool/session.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "api/builder_access.hpp"
#include "api/stream_source.hpp"
#include "engine/checkpoint.hpp"
#include "engine/clocked_layer.hpp"
#include "engine/simulation.hpp"
#include "rockpool/checkpoint.hpp"

namespace rockpool {

namespace {
constexpr std::string_view kSessionTag = "rockpool-session";
}  // namespace

struct Session::Impl {
  struct Input {
    NodeId node;
    std::string name;
    StreamSource* spikes = nullptr;
    StreamContinuousSource* values = nullptr;
    Time last = Time::min();  // latest time pushed
  };
  // An event pushed but not yet handed to its source (the inbox is shared with pushers).
  struct Pending {
    std::uint32_t input;
    Time time;
    std::uint32_t channel;
    double value;
  };

  SessionOptions options;
  std::unique_ptr<Simulation> sim;
  std::vector<Input> inputs;
  std::vector<std::int32_t> output_of_node;  // node -> output index, or -1
  std::vector<NodeId> observed;              // output index -> node
  OutputCallback callback;
  Duration max_dt;                           // largest clocked-layer dt
  std::thread::id owner = std::this_thread::get_id();
  std::chrono::steady_clock::time_point wall_start = std::chrono::steady_clock::now();

  // Shared with pushing threads, under `mutex`.
  mutable std::mutex mutex;
  std::condition_variable room;     // buffered went down
  std::condition_variable arrived;  // something was pushed, or stop()
  std::vector<Pending> inbox;
  std::size_t buffered = 0;  // inbox + events waiting inside the inputs
  Time horizon;              // no push may come before this (the last advance target)
  bool stop_requested = false;
  SessionStats stats;

  // The output queue, shared with consumers, under `out_mutex`.
  mutable std::mutex out_mutex;
  std::deque<OutputSpike> queue;
  bool overflowed = false;  // a spike arrived at a full queue during this advance
  bool advancing = false;   // owner thread: inside run_to (callbacks may run)
  std::uint64_t delivered = 0;  // owner thread: outputs so far (copied into stats by settle)

  Time wall_now_locked() const {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    return options.t0 + Duration::from_seconds(elapsed * options.speed);
  }

  const Input& input_at(InputRef in) const {
    if (in.id >= inputs.size()) {
      throw OutOfRange("input", std::to_string(in.id) + " but the network has " + std::to_string(inputs.size()) +
                                    " inputs");
    }
    return inputs[in.id];
  }

  // Pre: lock held. Checks one event against the input's order and the horizon.
  void check(const Input& in, Time t, std::uint32_t channel, bool with_value, Time previous) const {
    const std::size_t channels = in.spikes ? in.spikes->size_out() : in.values->size_out();
    if (channel >= channels) {
      throw OutOfRange("input '" + in.name + "'", "channel " + std::to_string(channel) + " at " + format_seconds(t) +
                                                      " s, but it has " + std::to_string(channels) + " channels");
    }
    if (with_value && in.spikes) {
      throw InvalidArgument("input '" + in.name + "'", "is a spike input: push(input, time, channel) without a value");
    }
    if (!with_value && in.values) {
      throw InvalidArgument("input '" + in.name + "'", "is a continuous input: push(input, time, channel, value)");
    }
    if (t < previous) {
      throw TimeOrderError("input '" + in.name + "'", "time goes backwards: " + format_seconds(t) + " s after " +
                                                          format_seconds(previous) + " s");
    }
    if (t < horizon) {
      throw TimeOrderError("input '" + in.name + "'", "event at " + format_seconds(t) +
                                                          " s lies before the session's time " +
                                                          format_seconds(horizon) + " s");
    }
  }

  // Pre: lock held. Room for n more events, or the overflow policy applies.
  void make_room(std::unique_lock<std::mutex>& lock, std::size_t n, Time t, Session& self) {
    if (n > options.input_capacity) {
      throw QueueOverflow("input: a batch of " + std::to_string(n) + " events exceeds the input capacity of " +
                          std::to_string(options.input_capacity));
    }
    while (buffered + n > options.input_capacity) {
      if (options.overflow == Overflow::kError) {
        throw QueueOverflow("input: " + std::to_string(buffered) + " events wait in the session (capacity " +
                            std::to_string(options.input_capacity) + "); advance the session or raise input_capacity");
      }
      if (std::this_thread::get_id() == owner && advancing) {
        throw QueueOverflow("input: " + std::to_string(buffered) + " events wait (capacity " +
                            std::to_string(options.input_capacity) +
                            ") and this push comes from an output callback, which cannot advance the session "
                            "to make room; raise input_capacity");
      }
      if (std::this_thread::get_id() == owner) {
        // This thread is the one that advances: nobody else will make room, so simulate up
        // to the pushed time (every waiting event before it is taken).
        const std::size_t before = buffered;
        lock.unlock();
        self.advance_to(t);
        lock.lock();
        if (buffered + n > options.input_capacity && buffered >= before) {
          throw QueueOverflow("input: " + std::to_string(buffered) + " events wait at " + format_seconds(t) +
                              " s and cannot be taken before it (capacity " +
                              std::to_string(options.input_capacity) + ")");
        }
      } else {
        room.wait(lock);
      }
    }
  }

  void accept(const Pending& p) {
    inbox.push_back(p);
    inputs[p.input].last = p.time;
    ++buffered;
    ++stats.pushed;
  }

  // Owner thread: hands the inbox to the sources; then no push may precede `target`.
  void drain(Time target) {
    std::lock_guard lock(mutex);
    horizon = std::max(horizon, target);
    for (const Pending& p : inbox) {
      Input& in = inputs[p.input];
      if (in.spikes) {
        in.spikes->append({p.time, p.channel});
      } else {
        in.values->append({p.time, p.channel, p.value});
      }
    }
    inbox.clear();
    for (const Input& in : inputs) {
      if (in.spikes && in.spikes->waiting() > 0) sim->wake_source(in.node);
    }
  }

  // Owner thread, after a run: folds held values no sample can look at any more, recounts
  // what waits and wakes blocked pushers.
  void settle() {
    std::lock_guard lock(mutex);
    std::size_t waiting = inbox.size();
    for (const Input& in : inputs) {
      if (in.spikes) {
        waiting += in.spikes->waiting();
      } else {
        in.values->fold_until(sim->now() - max_dt);
        waiting += in.values->waiting();
      }
    }
    buffered = waiting;
    stats.events = sim->stats().events;
    stats.outputs = delivered;
    room.notify_all();
  }

  void deliver(NodeId node, NeuronIndex neuron, Time t) {
    const std::int32_t output = output_of_node[node];
    if (output < 0) return;
    const OutputSpike s{static_cast<std::uint32_t>(output), neuron, t};
    ++delivered;
    if (callback) {
      callback(s);
      return;
    }
    std::lock_guard lock(out_mutex);
    if (queue.size() >= options.output_capacity) overflowed = true;
    queue.push_back(s);  // kept even beyond the bound: never dropped
    if (queue.size() >= options.output_capacity) sim->request_stop();
  }

  bool output_full() const {
    if (callback) return false;
    std::lock_guard lock(out_mutex);
    return queue.size() >= options.output_capacity;
  }

  AdvanceResult run_to(Time target) {
    if (advancing) throw UsageError("a session cannot be advanced from its own output callback");
    if (target < sim->now()) {
      throw TimeOrderError("advance_to", "target " + format_seconds(target) + " s lies before the simulation's time " +
                                             format_seconds(sim->now()) + " s");
    }
    if (output_full()) {
      if (options.overflow == Overflow::kError) {
        throw QueueOverflow("output queue full (" + std::to_string(options.output_capacity) +
                            " spikes): drain it with pop/poll before advancing");
      }
      return {sim->now(), false, Duration::zero()};
    }
    drain(target);
    advancing = true;
    bool complete = false;
    try {
      complete = sim->run_until(target);
    } catch (...) {
      advancing = false;
      throw;
    }
    advancing = false;
    settle();
    AdvanceResult r{sim->now(), complete, Duration::zero()};
    bool overflow = false;
    {
      std::lock_guard lock(out_mutex);
      overflow = overflowed;
      overflowed = false;
    }
    if (overflow && options.overflow == Overflow::kError) {
      throw QueueOverflow("output queue overflowed its capacity of " + std::to_string(options.output_capacity) +
                          " spikes at " + format_seconds(sim->now()) +
                          " s; nothing was dropped: drain it with pop/poll and advance again");
    }
    return r;
  }
};

Simulation& SessionAccess::simulation(Session& s) { return *s.impl_->sim; }

Session::Session(NetworkBuilder network, SessionOptions options) : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  if (!(options.speed > 0.0) || !std::isfinite(options.speed)) {
    throw InvalidArgument("speed", "must be positive and finite");
  }
  if (options.input_capacity == 0) throw InvalidArgument("input_capacity", "must be at least 1");
  if (options.output_capacity == 0) throw InvalidArgument("output_capacity", "must be at least 1");
  m.options = options;
  m.horizon = options.t0;
  NetworkBuilder::Impl& built = *network.impl_;
  Duration max_dt = Duration::zero();
  for (NodeId id = 0; id < built.network.num_nodes(); ++id) {
    if (built.network.node(id).family() == NodeFamily::kClockedLayer) {
      max_dt = std::max(max_dt, static_cast<const ClockedLayer&>(built.network.node(id)).dt());
    }
  }
  m.max_dt = max_dt;
  for (const auto& in : built.inputs) {
    Node& node = built.network.node(in.node);
    Impl::Input input{in.node, node.name()};
    if (in.continuous) {
      input.values = static_cast<StreamContinuousSource*>(&node);
    } else {
      input.spikes = static_cast<StreamSource*>(&node);
    }
    m.inputs.push_back(std::move(input));
  }
  m.output_of_node.assign(built.network.num_nodes(), -1);
  m.sim = std::make_unique<Simulation>(std::move(built.network), options.t0);
  m.sim->on_spike([&m](NodeId node, NeuronIndex neuron, Time t) { m.deliver(node, neuron, t); });
}

Session::~Session() = default;

std::uint32_t Session::observe(std::string_view node) {
  Impl& m = *impl_;
  const NodeId id = m.sim->network().id(node);
  const Node& n = m.sim->network().node(id);
  if (n.output_signal() != Signal::kSpikes) {
    throw InvalidArgument("observe", "node '" + n.name() + "' does not emit spikes");
  }
  if (m.output_of_node[id] >= 0) return static_cast<std::uint32_t>(m.output_of_node[id]);
  m.output_of_node[id] = static_cast<std::int32_t>(m.observed.size());
  m.observed.push_back(id);
  return static_cast<std::uint32_t>(m.observed.size() - 1);
}

namespace {

// The node and variable index a state query names, checked.
std::pair<const Node*, std::size_t> state_variable(const Network& net, std::string_view node,
                                                   std::string_view variable) {
  const Node& n = net.node(net.id(node));
  return {&n, n.state_index(variable)};
}

}  // namespace

double Session::state(std::string_view node, std::string_view variable, std::uint32_t unit) const {
  const auto [n, v] = state_variable(impl_->sim->network(), node, variable);
  if (unit >= n->state_size(v)) {
    throw OutOfRange("unit", std::to_string(unit) + " of '" + n->name() + "." + std::string(variable) + "', which has " +
                                 std::to_string(n->state_size(v)));
  }
  return n->state(v, unit, impl_->sim->now());
}

void Session::state(std::string_view node, std::string_view variable, std::span<double> out) const {
  const auto [n, v] = state_variable(impl_->sim->network(), node, variable);
  if (out.size() != n->state_size(v)) {
    throw DimensionMismatch("out", "has " + std::to_string(out.size()) + " values for '" + n->name() + "." +
                                       std::string(variable) + "', which has " + std::to_string(n->state_size(v)));
  }
  std::vector<NeuronIndex> all(out.size());
  for (std::size_t k = 0; k < all.size(); ++k) all[k] = static_cast<NeuronIndex>(k);
  n->sample_state(v, all, impl_->sim->now(), out);
}

void Session::on_output(OutputCallback callback) { impl_->callback = std::move(callback); }

std::optional<OutputSpike> Session::pop() {
  std::lock_guard lock(impl_->out_mutex);
  if (impl_->queue.empty()) return std::nullopt;
  const OutputSpike s = impl_->queue.front();
  impl_->queue.pop_front();
  return s;
}

std::size_t Session::poll(std::vector<OutputSpike>& out, std::size_t max) {
  std::lock_guard lock(impl_->out_mutex);
  const std::size_t n = std::min(max, impl_->queue.size());
  out.insert(out.end(), impl_->queue.begin(), impl_->queue.begin() + static_cast<std::ptrdiff_t>(n));
  impl_->queue.erase(impl_->queue.begin(), impl_->queue.begin() + static_cast<std::ptrdiff_t>(n));
  return n;
}

std::size_t Session::queued_outputs() const {
  std::lock_guard lock(impl_->out_mutex);
  return impl_->queue.size();
}

InputRef Session::input(std::string_view name) const {
  for (std::size_t k = 0; k < impl_->inputs.size(); ++k) {
    if (impl_->inputs[k].name == name) return InputRef{static_cast<std::uint32_t>(k)};
  }
  throw OutOfRange("input", "the network has no input named '" + std::string(name) + "'");
}

void Session::push(Time time, std::uint32_t channel) { push(InputRef{0}, time, channel); }

void Session::push(InputRef input, Time time, std::uint32_t channel) {
  Impl& m = *impl_;
  std::unique_lock lock(m.mutex);
  const Impl::Input& in = m.input_at(input);
  m.check(in, time, channel, false, in.last);
  m.make_room(lock, 1, time, *this);
  m.check(in, time, channel, false, in.last);  // the session may have moved while waiting
  m.accept({input.id, time, channel, 0.0});
  m.arrived.notify_all();
}

void Session::push(InputRef input, std::span<const InputEvent> events) {
  if (events.empty()) return;
  Impl& m = *impl_;
  std::unique_lock lock(m.mutex);
  const Impl::Input& in = m.input_at(input);
  auto check_all = [&] {
    Time previous = in.last;
    for (const InputEvent& e : events) {
      m.check(in, e.time, e.channel, false, previous);
      previous = e.time;
    }
  };
  check_all();
  m.make_room(lock, events.size(), events.front().time, *this);
  check_all();
  for (const InputEvent& e : events) m.accept({input.id, e.time, e.channel, 0.0});
  m.arrived.notify_all();
}

void Session::push(InputRef input, Time time, std::uint32_t channel, double value) {
  Impl& m = *impl_;
  if (!std::isfinite(value)) throw InvalidArgument("value", "not finite at " + format_seconds(time) + " s");
  std::unique_lock lock(m.mutex);
  const Impl::Input& in = m.input_at(input);
  m.check(in, time, channel, true, in.last);
  m.make_room(lock, 1, time, *this);
  m.check(in, time, channel, true, in.last);
  m.accept({input.id, time, channel, value});
  m.arrived.notify_all();
}

Time Session::push_now(InputRef input, std::uint32_t channel) {
  Impl& m = *impl_;
  std::unique_lock lock(m.mutex);
  const Impl::Input& in = m.input_at(input);
  Time t = std::max({m.wall_now_locked(), m.horizon, in.last});
  m.check(in, t, channel, false, in.last);
  m.make_room(lock, 1, t, *this);
  t = std::max({t, m.horizon, in.last});
  m.accept({input.id, t, channel, 0.0});
  m.arrived.notify_all();
  return t;
}

AdvanceResult Session::advance_to(Time t) { return impl_->run_to(t); }

AdvanceResult Session::advance_by(Duration d) { return impl_->run_to(now() + d); }

Time Session::now() const {
  // The horizon is never behind the simulation (it is the largest advance target), and
  // unlike the simulation's clock it may be read while another thread advances.
  std::lock_guard lock(impl_->mutex);
  return impl_->horizon;
}

Time Session::wall_now() const { return impl_->wall_now_locked(); }

AdvanceResult Session::advance_realtime(Time limit) {
  Impl& m = *impl_;
  if (m.options.pacing != Pacing::kRealTime) {
    throw UsageError("advance_realtime needs SessionOptions::pacing = Pacing::kRealTime");
  }
  // The target is read under the inbox lock, so a push_now stamped after it is not before it.
  Time target;
  {
    std::lock_guard lock(m.mutex);
    target = std::max(std::min(m.wall_now_locked(), limit), m.horizon);
  }
  AdvanceResult r = m.run_to(target);
  r.lag = std::max(Duration::zero(), std::min(m.wall_now_locked(), limit) - r.reached);
  std::lock_guard lock(m.mutex);
  m.stats.max_lag = std::max(m.stats.max_lag, r.lag);
  return r;
}

AdvanceResult Session::run_realtime(Time until) {
  Impl& m = *impl_;
  if (m.options.pacing != Pacing::kRealTime) {
    throw UsageError("run_realtime needs SessionOptions::pacing = Pacing::kRealTime");
  }
  {
    std::lock_guard lock(m.mutex);
    m.stop_requested = false;
  }
  AdvanceResult r{m.sim->now(), true, Duration::zero()};
  while (true) {
    Time target;
    {
      std::lock_guard lock(m.mutex);
      if (m.stop_requested) break;
      target = std::min(std::max(m.wall_now_locked(), m.horizon), until);
    }
    r = m.run_to(target);
    r.lag = std::max(Duration::zero(), std::min(m.wall_now_locked(), until) - r.reached);
    std::unique_lock lock(m.mutex);
    m.stats.max_lag = std::max(m.stats.max_lag, r.lag);
    if (r.complete && r.reached >= until) break;
    // Sleep until the next simulated event is due on the wall clock (at most 1 ms), or a
    // push or stop() arrives.
    const Time next = std::min(m.sim->next_event_time(), until);
    const Duration ahead = next - std::min(next, m.wall_now_locked());
    const double wait_s = std::min(1e-3, to_seconds(ahead) / m.options.speed);
    if (wait_s > 0 && r.complete) {
      m.arrived.wait_for(lock, std::chrono::duration<double>(wait_s),
                         [&] { return !m.inbox.empty() || m.stop_requested; });
    } else if (!r.complete) {
      lock.unlock();
      std::this_thread::sleep_for(std::chrono::microseconds(50));  // output queue full: let consumers drain
    }
  }
  return r;
}

void Session::stop() {
  std::lock_guard lock(impl_->mutex);
  impl_->stop_requested = true;
  impl_->arrived.notify_all();
}

SessionStats Session::stats() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->stats;
}

namespace {

std::vector<std::byte> session_payload(const Session::Impl& m) {
  StateWriter out;
  out.put_string(kSessionTag);
  {
    std::lock_guard lock(m.mutex);
    out.put(m.horizon);
    out.put(m.stats);
    out.put<std::uint64_t>(m.inputs.size());
    for (const auto& in : m.inputs) out.put(in.last);
    out.put<std::uint64_t>(m.inbox.size());
    for (const auto& p : m.inbox) {
      out.put(p.input);
      out.put(p.time);
      out.put(p.channel);
      out.put(p.value);
    }
  }
  out.put_array(m.observed);
  {
    std::lock_guard lock(m.out_mutex);
    out.put<std::uint64_t>(m.queue.size());
    for (const auto& s : m.queue) {
      out.put(s.output);
      out.put(s.neuron);
      out.put(s.time);
    }
  }
  m.sim->save_state(out);
  return std::move(out).take();
}

void restore_payload(Session::Impl& m, std::span<const std::byte> payload, const std::string& where) {
  StateReader in(payload, where);
  if (in.get_string("session tag") != kSessionTag) in.fail("not a session checkpoint");
  const Time horizon = in.get<Time>("session time");
  const SessionStats stats = in.get<SessionStats>("session statistics");
  const auto inputs = in.get<std::uint64_t>("inputs");
  if (inputs != m.inputs.size()) {
    in.fail(std::to_string(inputs) + " inputs saved, the network has " + std::to_string(m.inputs.size()));
  }
  std::vector<Time> last(inputs);
  for (auto& t : last) t = in.get<Time>("input time");
  std::vector<Session::Impl::Pending> inbox(in.get<std::uint64_t>("waiting inputs"));
  for (auto& p : inbox) {
    p.input = in.get<std::uint32_t>("input");
    p.time = in.get<Time>("time");
    p.channel = in.get<std::uint32_t>("channel");
    p.value = in.get<double>("value");
    if (p.input >= inputs) in.fail("waiting input event for input " + std::to_string(p.input));
  }
  std::vector<NodeId> observed;
  in.get_array(observed, "observed nodes");
  if (observed != m.observed) in.fail("the session observes other nodes than the saved one (observe the same, in order)");
  std::deque<OutputSpike> queue(in.get<std::uint64_t>("queued outputs"));
  for (auto& s : queue) {
    s.output = in.get<std::uint32_t>("output");
    s.neuron = in.get<std::uint32_t>("neuron");
    s.time = in.get<Time>("time");
  }
  m.sim->restore_state(in);
  if (!in.at_end()) in.fail("bytes left over after the simulation state");
  {
    std::lock_guard lock(m.mutex);
    m.horizon = horizon;
    m.stats = stats;
    m.delivered = stats.outputs;
    // Real time resumes where the checkpoint was: the wall clock maps to `horizon` now.
    m.wall_start = std::chrono::steady_clock::now() -
                   std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                       std::chrono::duration<double>(to_seconds(horizon - m.options.t0) / m.options.speed));
    for (std::size_t k = 0; k < inputs; ++k) m.inputs[k].last = last[k];
    m.inbox = std::move(inbox);
  }
  {
    std::lock_guard lock(m.out_mutex);
    m.queue = std::move(queue);
    m.overflowed = false;
  }
  m.settle();
}

}  // namespace

std::vector<std::byte> Session::checkpoint() const { return seal_checkpoint(session_payload(*impl_)); }

void Session::restore(std::span<const std::byte> checkpoint) {
  restore_payload(*impl_, open_checkpoint(checkpoint, "<memory>"), "<memory>");
}

void Session::save_checkpoint(const std::string& path) const { write_checkpoint_file(path, session_payload(*impl_)); }

void Session::restore_checkpoint(const std::string& path) { restore_payload(*impl_, read_checkpoint_file(path), path); }

}  // namespace rockpool
