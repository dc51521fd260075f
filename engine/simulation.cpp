#include "engine/simulation.hpp"

#include <algorithm>
#include <cassert>
#include <string>

#include "engine/checkpoint.hpp"
#include "engine/clocked_layer.hpp"
#include "engine/due_queue.hpp"
#include "engine/source.hpp"

namespace rockpool {

// Per-node run state, kept beside the node rather than in it so models stay free of
// scheduler details.
struct Simulation::NodeRuntime {
  NodeFamily family;
  Population* population = nullptr;
  ClockedLayer* layer = nullptr;
  SpikeSource* source = nullptr;
  ContinuousSource* continuous = nullptr;
  // Population: its neurons' due times, and one scheduler entry for the earliest.
  DueQueue due;
  Scheduler::Handle handle;
  bool has_handle = false;
  // Clocked layer: input accumulated over the current bin (unless the layer keeps its own,
  // see ClockedLayer::input_accumulator), output of the last step (unless it lists spikes).
  std::vector<double> input;
  std::vector<double> output;
  std::span<double> bin;       // where deliveries add: `input` or the layer's accumulator
  bool own_bin = false;        // the layer accumulates its own input
  bool lists_spikes = false;   // the layer reports spikes through step_spikes()
  std::int64_t tick = 0;  // index of the next tick: t0 + tick * dt
  // Population with a current input and continuous projections into it: samples every
  // `current_dt` (ticks like a clocked layer's, from t0), summed into `current`. Clocked
  // layer with a current input: `current` is its sum at the bin start, non-empty if used.
  Duration current_dt = Duration::zero();
  std::vector<double> current;
  bool source_pending = false;  // spike source: its next spike is in the scheduler
  std::vector<std::uint32_t> spike_recorders;
};

// When a state recorder samples: every `every` from t0, or at listed times.
struct Simulation::RecorderRuntime {
  Duration every;
  std::int64_t k = 0;
  std::vector<Time> times;
  std::size_t cursor = 0;
};

Simulation::Simulation(Network network, Time t0) : network_(std::move(network)), t0_(t0), now_(t0) {
  network_.validate();
  nodes_.resize(network_.num_nodes());
  for (NodeId id = 0; id < network_.num_nodes(); ++id) {
    Node& node = network_.node(id);
    NodeRuntime& rt = nodes_[id];
    rt.family = node.family();
    switch (rt.family) {
      case NodeFamily::kPopulation:
        rt.population = static_cast<Population*>(&node);
        rt.due = DueQueue(node.size_out());
        for (ProjectionId p : network_.incoming(id)) {
          if (network_.node(network_.ends(p).pre).output_signal() == Signal::kContinuous) {
            rt.current_dt = rt.population->current_input_dt();
            rt.current.assign(node.size_out(), 0.0);
          }
        }
        break;
      case NodeFamily::kClockedLayer:
        rt.layer = static_cast<ClockedLayer*>(&node);
        if (rt.layer->dt() <= Duration::zero()) {
          throw NetworkError("clocked layer '" + node.name() + "' has a non-positive dt");
        }
        rt.input.assign(node.size_in(), 0.0);
        rt.bin = rt.input;
        rt.lists_spikes = node.output_signal() == Signal::kSpikes && rt.layer->lists_spikes();
        if (!rt.lists_spikes) rt.output.assign(node.size_out(), 0.0);
        // A spiking-input layer with continuous projections into it: a current input,
        // gathered into `current` at each tick (empty otherwise: no cost).
        if (node.input_signal() == Signal::kSpikes) {
          for (ProjectionId p : network_.incoming(id)) {
            if (network_.node(network_.ends(p).pre).output_signal() == Signal::kContinuous) {
              rt.current.assign(node.size_out(), 0.0);
            }
          }
        }
        break;
      case NodeFamily::kSpikeSource: rt.source = static_cast<SpikeSource*>(&node); break;
      case NodeFamily::kContinuousSource: rt.continuous = static_cast<ContinuousSource*>(&node); break;
    }
  }
  // Clocked layers that tick at the same time do so in topological order of their
  // continuous connections, so a downstream layer sees its upstream layer's output of the
  // same bin (as in Rockpool's chained evolution). Kahn's algorithm, ties by NodeId.
  // A layer reading a clocked layer's state (ClockedLayer::reads_state_of) ticks after it too.
  std::vector<std::size_t> indegree(nodes_.size(), 0);
  std::vector<std::vector<NodeId>> readers(nodes_.size());
  for (ProjectionId p = 0; p < network_.num_projections(); ++p) {
    const auto e = network_.ends(p);
    if (nodes_[e.pre].layer && nodes_[e.post].layer) ++indegree[e.post];
  }
  for (NodeId id = 0; id < nodes_.size(); ++id) {
    const Node* read = nodes_[id].layer ? nodes_[id].layer->reads_state_of() : nullptr;
    for (NodeId src = 0; read && src < nodes_.size(); ++src) {
      if (&network_.node(src) == read && nodes_[src].layer) {
        readers[src].push_back(id);
        ++indegree[id];
      }
    }
  }
  tick_rank_.assign(nodes_.size(), 0);
  std::vector<NodeId> ready;
  for (NodeId id = 0; id < nodes_.size(); ++id) {
    if (nodes_[id].layer && indegree[id] == 0) ready.push_back(id);
  }
  std::uint32_t rank = 0;
  while (!ready.empty()) {
    const auto it = std::min_element(ready.begin(), ready.end());
    const NodeId id = *it;
    ready.erase(it);
    tick_rank_[id] = rank++;
    for (ProjectionId p : network_.outgoing(id)) {
      const NodeId post = network_.ends(p).post;
      if (nodes_[post].layer && --indegree[post] == 0) ready.push_back(post);
    }
    for (NodeId reader : readers[id]) {
      if (--indegree[reader] == 0) ready.push_back(reader);
    }
  }
  // Layers in a loop of delayed spiking projections keep NodeId order after the others.
  for (NodeId id = 0; id < nodes_.size(); ++id) {
    if (nodes_[id].layer && indegree[id] != 0) tick_rank_[id] = rank + id;
  }
  // Populations sample their current input after every clocked layer ticking at that time,
  // so they see the layers' outputs for the bin that starts there.
  for (NodeId id = 0; id < nodes_.size(); ++id) {
    if (nodes_[id].current_dt > Duration::zero()) {
      tick_rank_[id] = rank + static_cast<std::uint32_t>(nodes_.size()) + id;
    }
  }
}

Simulation::~Simulation() = default;

SpikeRecorder& Simulation::record_spikes(NodeId node) {
  const Node& n = network_.node(node);
  if (n.output_signal() != Signal::kSpikes) {
    throw InvalidArgument("record_spikes", "node '" + n.name() + "' does not emit spikes");
  }
  spike_recorders_.push_back(std::make_unique<SpikeRecorder>(node, n.size_out(), n.name()));
  nodes_[node].spike_recorders.push_back(static_cast<std::uint32_t>(spike_recorders_.size() - 1));
  return *spike_recorders_.back();
}

StateRecorder& Simulation::add_state_recorder(NodeId node, std::string_view variable,
                                              std::vector<NeuronIndex> neurons, RecorderRuntime schedule) {
  const Node& n = network_.node(node);
  const std::size_t index = n.state_index(variable);
  const std::size_t units = n.state_size(index);
  if (neurons.empty()) {
    for (std::size_t i = 0; i < units; ++i) neurons.push_back(static_cast<NeuronIndex>(i));
  }
  for (std::size_t k = 0; k < neurons.size(); ++k) {
    if (neurons[k] >= units) {
      throw OutOfRange("neurons", "index " + std::to_string(k) + " is neuron " + std::to_string(neurons[k]) +
                                      " but '" + n.name() + "' has " + std::to_string(units));
    }
  }
  state_recorders_.push_back(std::make_unique<StateRecorder>(
      node, index, std::move(neurons), n.name() + "." + std::string(variable)));
  recorder_runtime_.push_back(std::move(schedule));
  if (started_) schedule_sample(static_cast<std::uint32_t>(state_recorders_.size() - 1));
  return *state_recorders_.back();
}

StateRecorder& Simulation::record_state(NodeId node, std::string_view variable, std::vector<NeuronIndex> neurons,
                                        Duration every) {
  if (every <= Duration::zero()) throw InvalidArgument("every", "the sampling interval must be positive");
  RecorderRuntime schedule;
  schedule.every = every;
  // The first sample not before now.
  schedule.k = started_ ? floor_div(now_ - t0_ + every - ticks(1), every) : 0;
  return add_state_recorder(node, variable, std::move(neurons), std::move(schedule));
}

StateRecorder& Simulation::record_state(NodeId node, std::string_view variable, std::vector<NeuronIndex> neurons,
                                        std::vector<Time> times) {
  for (std::size_t k = 0; k < times.size(); ++k) {
    if (k > 0 && times[k] < times[k - 1]) {
      throw InvalidArgument("times", "not sorted at index " + std::to_string(k));
    }
    if (times[k] < now_) throw InvalidArgument("times", "index " + std::to_string(k) + " lies before now");
  }
  RecorderRuntime schedule;
  schedule.times = std::move(times);
  return add_state_recorder(node, variable, std::move(neurons), std::move(schedule));
}

void Simulation::on_progress(ProgressCallback callback, std::uint64_t every_events) {
  on_progress_ = std::move(callback);
  progress_every_ = std::max<std::uint64_t>(1, every_events);
}

void Simulation::start() {
  started_ = true;
  for (NodeId id = 0; id < nodes_.size(); ++id) {
    NodeRuntime& rt = nodes_[id];
    if (rt.population) {
      changed_.clear();
      rt.population->start(t0_, changed_);
      apply_predictions(id);
      if (rt.current_dt > Duration::zero()) {
        rt.tick = 0;  // the first sample, at t0, sets the current for [t0, t0 + dt)
        queue_.push({t0_, EventKind::kClockTick, tick_rank_[id], 0, id, 0});
      }
    } else if (rt.layer) {
      rt.layer->start();
      if (rt.layer->input_signal() == Signal::kSpikes) {
        const std::span<double> own = rt.layer->input_accumulator();
        assert(own.empty() || own.size() == rt.layer->size_in());
        rt.own_bin = !own.empty();
        if (rt.own_bin) {
          rt.bin = own;
          rt.input = {};
        }
      }
      rt.tick = 1;  // tick 1 at t0 + dt closes bin 0, [t0, t0 + dt)
      queue_.push({t0_ + rt.layer->dt(), EventKind::kClockTick, tick_rank_[id], 0, id, 0});
    } else if (rt.source) {
      rt.source->start(t0_);
      schedule_next_source(id, t0_);
    }
  }
  for (std::uint32_t r = 0; r < state_recorders_.size(); ++r) schedule_sample(r);
}

void Simulation::apply_predictions(NodeId node) {
  NodeRuntime& rt = nodes_[node];
  for (const Prediction& p : changed_) rt.due.set(p.neuron, p.time.ticks());
  changed_.clear();
  // Keep the population's one scheduler entry on its earliest due neuron.
  if (rt.due.empty()) {
    if (rt.has_handle) queue_.erase(rt.handle);
    rt.has_handle = false;
    return;
  }
  const DueQueue::Entry first = rt.due.top();
  const Time t = Time::from_ticks(first.time);
  if (!rt.has_handle) {
    rt.handle = queue_.push({t, EventKind::kThreshold, node, first.neuron, 0, 0});
    rt.has_handle = true;
  } else if ((*rt.handle).time != t || (*rt.handle).index != first.neuron) {
    queue_.update(rt.handle, t, first.neuron);
  }
}

void Simulation::emit(NodeId node, NeuronIndex neuron, Time t) {
  ++stats_.spikes;
  const NodeRuntime& rt = nodes_[node];
  for (std::uint32_t r : rt.spike_recorders) spike_recorders_[r]->record(t, neuron);
  if (on_spike_) on_spike_(node, neuron, t);
  for (ProjectionId p : network_.outgoing(node)) {
    const Projection& proj = network_.projection(p);
    const EventKind kind = network_.ends(p).post == node ? EventKind::kRecurrentDelivery : EventKind::kDelivery;
    const std::uint32_t end = proj.groups_begin(neuron + 1);
    for (std::uint32_t g = proj.groups_begin(neuron); g < end; ++g) {
      queue_.push({t + proj.group_delay(g), kind, p, neuron, g, 0});
    }
  }
}

void Simulation::deliver(const Event& e) {
  const Projection& proj = network_.projection(e.target);
  const NodeId post = network_.ends(e.target).post;
  const auto targets = proj.group_targets(e.aux);
  const auto weights = proj.group_weights(e.aux);
  stats_.synaptic_events += targets.size();
  NodeRuntime& rt = nodes_[post];
  if (rt.population) {
    rt.population->receive(e.time, proj.port(), targets, weights, changed_);
    apply_predictions(post);
  } else {
    double* bin = rt.bin.data();
    for (std::size_t k = 0; k < targets.size(); ++k) bin[targets[k]] += weights[k];
  }
}

void Simulation::gather_continuous(NodeId node, Time t, std::span<double> sum) {
  std::fill(sum.begin(), sum.end(), 0.0);
  for (ProjectionId p : network_.incoming(node)) {
    const NodeId pre = network_.ends(p).pre;
    std::span<const double> values;
    if (nodes_[pre].continuous) {
      scratch_.resize(network_.node(pre).size_out());
      nodes_[pre].continuous->sample(t, scratch_);
      values = scratch_;
    } else if (network_.node(pre).output_signal() == Signal::kContinuous) {
      values = nodes_[pre].output;
    } else {
      continue;  // spikes into a population with a current input: delivered as events
    }
    const Projection& proj = network_.projection(p);
    for (NeuronIndex i = 0; i < proj.num_pre(); ++i) {
      for (std::uint32_t g = proj.groups_begin(i); g < proj.groups_begin(i + 1); ++g) {
        const auto targets = proj.group_targets(g);
        const auto weights = proj.group_weights(g);
        for (std::size_t k = 0; k < targets.size(); ++k) sum[targets[k]] += weights[k] * values[i];
      }
    }
  }
}

void Simulation::sample_current(NodeId node, Time t) {
  NodeRuntime& rt = nodes_[node];
  ++stats_.clock_ticks;
  gather_continuous(node, t, rt.current);
  rt.population->set_current(t, rt.current, changed_);
  apply_predictions(node);
  ++rt.tick;
  queue_.push({t0_ + rt.tick * rt.current_dt, EventKind::kClockTick, tick_rank_[node], 0, node, 0});
}

void Simulation::tick(NodeId node, Time t) {
  NodeRuntime& rt = nodes_[node];
  if (rt.population) {
    sample_current(node, t);
    return;
  }
  const Node& layer_node = *rt.layer;
  ++stats_.clock_ticks;
  rt.layer->set_tick_time(t);
  if (layer_node.input_signal() == Signal::kContinuous) {
    // Continuous input is sampled at the start of the bin; clocked upstream layers give
    // the output they hold (already updated for this bin if they tick earlier in order).
    gather_continuous(node, t - rt.layer->dt(), rt.input);
  } else if (!rt.current.empty()) {
    // A current input: sampled at the bin start as continuous input is (the spiking inputs
    // of the bin are in the bin); it applies to this step only.
    gather_continuous(node, t - rt.layer->dt(), rt.current);
    rt.layer->set_current(rt.current);
  }
  // A layer that accumulates its own input gets none here (see input_accumulator).
  const std::span<const double> input = rt.own_bin ? std::span<const double>() : std::span<const double>(rt.input);
  if (rt.lists_spikes) {
    spiked_.clear();
    rt.layer->step_spikes(input, spiked_);
    if (!rt.own_bin) std::fill(rt.input.begin(), rt.input.end(), 0.0);
    for (NeuronIndex i : spiked_) emit(node, i, t);
  } else {
    rt.layer->step(input, rt.output);
    if (layer_node.input_signal() == Signal::kSpikes && !rt.own_bin) std::fill(rt.input.begin(), rt.input.end(), 0.0);
  }
  if (layer_node.output_signal() == Signal::kSpikes && !rt.lists_spikes) {
    for (std::size_t c = 0; c < rt.output.size(); ++c) {
      const auto count = static_cast<std::int64_t>(rt.output[c]);
      for (std::int64_t n = 0; n < count; ++n) emit(node, static_cast<NeuronIndex>(c), t);
    }
  }
  ++rt.tick;
  queue_.push({t0_ + rt.tick * rt.layer->dt(), EventKind::kClockTick, tick_rank_[node], 0, node, 0});
}

void Simulation::schedule_next_source(NodeId node, Time after) {
  const auto spike = nodes_[node].source->next();
  if (!spike) return;
  const Node& n = network_.node(node);
  if (spike->time < after) {
    throw InvalidArgument("source '" + n.name() + "'", "spike times go backwards at " + format_seconds(spike->time) +
                                                           " s (after " + format_seconds(after) + " s)");
  }
  if (spike->channel >= n.size_out()) {
    throw OutOfRange("source '" + n.name() + "'", "channel " + std::to_string(spike->channel) + " at " +
                                                      format_seconds(spike->time) + " s, but it has " +
                                                      std::to_string(n.size_out()) + " channels");
  }
  queue_.push({spike->time, EventKind::kSource, node, spike->channel, 0, 0});
  nodes_[node].source_pending = true;
}

void Simulation::schedule_sample(std::uint32_t recorder) {
  RecorderRuntime& r = recorder_runtime_[recorder];
  if (r.every > Duration::zero()) {
    queue_.push({t0_ + r.k * r.every, EventKind::kRecord, recorder, 0, 0, 0});
  } else if (r.cursor < r.times.size()) {
    queue_.push({r.times[r.cursor], EventKind::kRecord, recorder, 0, 0, 0});
  }
}

void Simulation::sample(std::uint32_t recorder, Time t) {
  StateRecorder& rec = *state_recorders_[recorder];
  const Node& node = network_.node(rec.node());
  scratch_.resize(rec.neurons().size());
  node.sample_state(rec.variable(), rec.neurons(), t, scratch_);
  rec.add_sample(t, scratch_);
  RecorderRuntime& r = recorder_runtime_[recorder];
  ++r.k;
  ++r.cursor;
  schedule_sample(recorder);
}

void Simulation::dispatch(const Event& e) {
  switch (e.kind) {
    case EventKind::kClockTick: tick(e.aux, e.time); break;
    case EventKind::kThreshold: {
      NodeRuntime& rt = nodes_[e.target];
      rt.has_handle = false;  // its one entry was just popped
      assert(rt.due.top().time == e.time.ticks() && rt.due.top().neuron == e.index);
      rt.due.pop();           // the earliest due neuron, e.index at e.time
      const bool spiked = rt.population->on_due(e.time, e.index, changed_);
      apply_predictions(e.target);
      if (spiked) emit(e.target, e.index, e.time);
      break;
    }
    case EventKind::kDelivery:
    case EventKind::kRecurrentDelivery: deliver(e); break;
    case EventKind::kSource:
      nodes_[e.target].source_pending = false;
      emit(e.target, e.index, e.time);
      schedule_next_source(e.target, e.time);
      break;
    case EventKind::kRecord: sample(e.target, e.time); break;
  }
}

bool Simulation::step() {
  if (!started_) start();
  if (queue_.empty()) return false;
  const Event e = queue_.pop();
  now_ = e.time;
  dispatch(e);
  ++stats_.events;
  return true;
}

bool Simulation::run_until(Time t) {
  if (t < now_) {
    throw InvalidArgument("run_until", "target " + format_seconds(t) + " s lies before now (" +
                                           format_seconds(now_) + " s)");
  }
  if (!started_) start();
  std::uint64_t countdown = progress_every_;
  // The event loop: pop in total order (time, kind, target, index, seq), dispatch.
  while (!queue_.empty() && queue_.top().time < t) {
    stats_.max_pending = std::max(stats_.max_pending, queue_.size());
    const Event e = queue_.pop();
    now_ = e.time;
    dispatch(e);
    ++stats_.events;
    if (stop_requested_) {
      stop_requested_ = false;
      if (on_progress_) on_progress_(now_, t, stats_);
      return false;
    }
    if (on_progress_ && --countdown == 0) {
      countdown = progress_every_;
      on_progress_(now_, t, stats_);
    }
  }
  now_ = t;
  if (on_progress_) on_progress_(now_, t, stats_);
  return true;
}

void Simulation::wake_source(NodeId node) {
  NodeRuntime& rt = nodes_.at(node);
  if (!rt.source) throw InvalidArgument("wake_source", "node '" + network_.node(node).name() + "' is not a spike source");
  if (!started_) return;  // start() will ask it
  if (!rt.source_pending) schedule_next_source(node, now_);
}

namespace {

// FNV-1a, 64 bit: a fingerprint to tell networks apart, not a cryptographic hash.
class Fingerprint {
 public:
  template <class T>
  void add(const T& value) {
    const auto* p = reinterpret_cast<const unsigned char*>(&value);
    for (std::size_t k = 0; k < sizeof(T); ++k) hash_ = (hash_ ^ p[k]) * 0x100000001b3ULL;
  }
  void add(std::string_view s) {
    add<std::uint64_t>(s.size());
    for (char c : s) add(c);
  }
  std::uint64_t value() const { return hash_; }

 private:
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
};

void put_event(StateWriter& out, const Event& e) {
  out.put(e.time);
  out.put(static_cast<std::uint8_t>(e.kind));
  out.put(e.target);
  out.put(e.index);
  out.put(e.aux);
  out.put(e.seq);
}

}  // namespace

std::uint64_t Simulation::network_fingerprint() const {
  Fingerprint f;
  f.add<std::uint64_t>(network_.num_nodes());
  for (NodeId id = 0; id < network_.num_nodes(); ++id) {
    const Node& n = network_.node(id);
    f.add(std::string_view(n.name()));
    f.add(n.type_name());
    f.add<std::uint64_t>(n.size_in());
    f.add<std::uint64_t>(n.size_out());
    f.add(n.input_signal());
    f.add(n.output_signal());
  }
  f.add<std::uint64_t>(network_.num_projections());
  for (ProjectionId p = 0; p < network_.num_projections(); ++p) {
    const Projection& proj = network_.projection(p);
    f.add(network_.ends(p).pre);
    f.add(network_.ends(p).post);
    f.add(proj.port());
    f.add<std::uint64_t>(proj.num_pre());
    f.add<std::uint64_t>(proj.num_post());
    const std::uint32_t groups = proj.groups_begin(static_cast<NeuronIndex>(proj.num_pre()));
    for (std::uint32_t g = 0; g < groups; ++g) {
      f.add(proj.group_delay(g).ticks());
      for (NeuronIndex t : proj.group_targets(g)) f.add(t);
      for (double w : proj.group_weights(g)) f.add(w);
    }
  }
  return f.value();
}

void Simulation::save_state(StateWriter& out) const {
  out.put(network_fingerprint());
  out.put(t0_);
  out.put(now_);
  out.put<std::uint8_t>(started_);
  out.put(stats_);
  // Pending events in pop order, so equal states give equal bytes.
  std::vector<Event> events;
  events.reserve(queue_.size());
  queue_.for_each([&](const Event& e) { events.push_back(e); });
  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) { return earlier(a, b); });
  out.put(queue_.pushed());
  out.put<std::uint64_t>(events.size());
  for (const Event& e : events) put_event(out, e);
  for (NodeId id = 0; id < nodes_.size(); ++id) {
    const Node& node = network_.node(id);
    const NodeRuntime& rt = nodes_[id];
    out.put_string(node.name());
    StateWriter own;
    node.save_state(own);
    out.put_array(own.bytes());
    if (rt.population) {
      if (rt.current_dt > Duration::zero()) out.put(rt.tick);
      // The due queue's heap array; re-inserting it in this order rebuilds the same heap.
      std::vector<DueQueue::Entry> due;
      rt.due.for_each([&](DueQueue::Entry e) { due.push_back(e); });
      out.put<std::uint64_t>(due.size());
      for (const auto& e : due) {
        out.put(e.time);
        out.put(e.neuron);
      }
    } else if (rt.layer) {
      // (A layer's current input is gathered afresh at each tick from the saved state.)
      out.put(rt.tick);
      out.put_array(rt.input);
      out.put_array(rt.output);
    } else if (rt.source) {
      out.put<std::uint8_t>(rt.source_pending);
    }
  }
  out.put<std::uint64_t>(recorder_runtime_.size());
  for (const RecorderRuntime& r : recorder_runtime_) {
    out.put(r.k);
    out.put<std::uint64_t>(r.cursor);
  }
}

void Simulation::restore_state(StateReader& in) {
  const auto fingerprint = in.get<std::uint64_t>("network fingerprint");
  if (fingerprint != network_fingerprint()) {
    in.fail("it was saved from a different network (names, types, sizes, weights or delays differ)");
  }
  const Time t0 = in.get<Time>("t0");
  const Time now = in.get<Time>("now");
  const bool was_started = in.get<std::uint8_t>("started") != 0;
  const RunStats stats = in.get<RunStats>("statistics");
  // Set the models up as a run does (clocked layers hand out their accumulators at start),
  // then replace everything a run changed.
  t0_ = t0;
  if (!started_) start();
  queue_.clear();
  for (NodeRuntime& rt : nodes_) {
    rt.has_handle = false;
    rt.source_pending = false;
  }
  now_ = now;
  stats_ = stats;
  stop_requested_ = false;
  const auto pushed = in.get<std::uint64_t>("event count");
  const auto pending = in.get<std::uint64_t>("pending events");
  for (std::uint64_t k = 0; k < pending; ++k) {
    Event e;
    e.time = in.get<Time>("event time");
    const auto kind = in.get<std::uint8_t>("event kind");
    if (kind > static_cast<std::uint8_t>(EventKind::kRecurrentDelivery)) {
      in.fail("unknown event kind " + std::to_string(kind));
    }
    e.kind = static_cast<EventKind>(kind);
    e.target = in.get<std::uint32_t>("event target");
    e.index = in.get<std::uint32_t>("event index");
    e.aux = in.get<std::uint32_t>("event aux");
    e.seq = in.get<std::uint64_t>("event sequence");
    const bool projection_target = e.kind == EventKind::kDelivery || e.kind == EventKind::kRecurrentDelivery;
    const bool recorder_target = e.kind == EventKind::kRecord;
    const std::size_t limit =
        projection_target ? network_.num_projections() : recorder_target ? state_recorders_.size() : nodes_.size();
    const std::uint32_t checked = e.kind == EventKind::kClockTick ? e.aux : e.target;
    if (checked >= limit) {
      in.fail("event " + std::to_string(k) + " refers to target " + std::to_string(checked) + " of " +
              std::to_string(limit) + (recorder_target ? " (are the same state recorders attached?)" : ""));
    }
    // A checkpoint from before kRecurrentDelivery existed: give such deliveries their kind.
    if (e.kind == EventKind::kDelivery && network_.ends(e.target).pre == network_.ends(e.target).post) {
      e.kind = EventKind::kRecurrentDelivery;
    }
    const Scheduler::Handle h = queue_.restore(e);
    if (e.kind == EventKind::kThreshold) {
      nodes_[e.target].handle = h;
      nodes_[e.target].has_handle = true;
    }
  }
  queue_.set_pushed(pushed);
  for (NodeId id = 0; id < nodes_.size(); ++id) {
    Node& node = network_.node(id);
    NodeRuntime& rt = nodes_[id];
    const std::string name = in.get_string("node name");
    if (name != node.name()) in.fail("node " + std::to_string(id) + " is '" + name + "', expected '" + node.name() + "'");
    std::vector<std::byte> own;
    in.get_array(own, "state of node '" + name + "'");
    StateReader node_in(own, in.where());
    node.restore_state(node_in);
    if (!node_in.at_end()) in.fail("state of node '" + name + "' has bytes left over");
    if (rt.population) {
      if (rt.current_dt > Duration::zero()) rt.tick = in.get<std::int64_t>("current input sample");
      rt.due = DueQueue(node.size_out());
      const auto n = in.get<std::uint64_t>("due times");
      for (std::uint64_t k = 0; k < n; ++k) {
        const auto t = in.get<std::int64_t>("due time");
        const auto neuron = in.get<std::uint32_t>("due neuron");
        if (neuron >= node.size_out()) in.fail("due neuron " + std::to_string(neuron) + " out of range");
        rt.due.set(neuron, t);
      }
    } else if (rt.layer) {
      rt.tick = in.get<std::int64_t>("tick");
      in.get_exact(rt.input, "bin of '" + name + "'");
      in.get_exact(rt.output, "output of '" + name + "'");
    } else if (rt.source) {
      rt.source_pending = in.get<std::uint8_t>("source pending") != 0;
    }
  }
  const auto recorders = in.get<std::uint64_t>("state recorders");
  if (recorders != recorder_runtime_.size()) {
    in.fail(std::to_string(recorders) + " state recorders saved, " + std::to_string(recorder_runtime_.size()) +
            " attached");
  }
  for (RecorderRuntime& r : recorder_runtime_) {
    r.k = in.get<std::int64_t>("recorder step");
    r.cursor = in.get<std::uint64_t>("recorder cursor");
  }
  // A checkpoint taken before the first run holds no events: the next run starts afresh.
  if (!was_started) started_ = false;
}

}  // namespace rockpool
