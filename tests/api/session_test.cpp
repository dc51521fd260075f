#include "rockpool/session.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "api/builder_access.hpp"
#include "engine/simulation.hpp"
#include "engine/sources.hpp"
#include "neurons/rate.hpp"
#include "tests/api/network_fixtures.hpp"

using namespace rockpool;
using namespace rockpool::test;

namespace {

const Duration kDuration = milliseconds(200);

struct BatchResult {
  std::vector<RecordedSpike> spikes;  // of "lif" (node 1) and "clocked" (node 2)
  std::vector<double> lif_state, clocked_state;
};

// The reference: a plain Simulation with a TSEventSource of the same events.
BatchResult run_batch(const TSEvent& input, Time end) {
  Network net;
  net.add("input", std::make_unique<TSEventSource>(input));
  add_fixture_network(net);
  Simulation sim(std::move(net));
  BatchResult r;
  sim.on_spike([&](NodeId node, NeuronIndex i, Time t) {
    if (node != 0) r.spikes.push_back({node, i, t});
  });
  sim.run_until(end);
  r.lif_state = all_state(sim.network().node(1), end);
  r.clocked_state = all_state(sim.network().node(2), end);
  return r;
}

NetworkBuilder fixture_builder() {
  NetworkBuilder b;
  b.spike_input("input", 4);
  add_fixture_network(NetworkBuilderAccess::network(b));
  return b;
}

// Observes lif and clocked; output index + 1 is the node id.
void observe_fixture(Session& s) {
  REQUIRE(s.observe("lif") == 0);
  REQUIRE(s.observe("clocked") == 1);
}

RecordedSpike as_recorded(const OutputSpike& s) { return {s.output + 1, s.neuron, s.time}; }

void check_states(Session& s, const BatchResult& batch, Time end) {
  const Network& net = SessionAccess::simulation(s).network();
  CHECK(same_bits(all_state(net.node(1), end), batch.lif_state));
  CHECK(same_bits(all_state(net.node(2), end), batch.clocked_state));
}

std::vector<InputEvent> events_of(const TSEvent& ts) {
  std::vector<InputEvent> out;
  for (std::size_t k = 0; k < ts.size(); ++k) out.push_back({ts.times()[k], ts.channels()[k]});
  return out;
}

}  // namespace

TEST_CASE("Session: pushing and advancing in pieces equals a batch run, bit for bit") {
  const TSEvent input = fixture_input(kDuration);
  const Time end = Time::zero() + kDuration;
  const BatchResult batch = run_batch(input, end);
  REQUIRE(batch.spikes.size() > 100);  // both populations are active
  CHECK(std::count_if(batch.spikes.begin(), batch.spikes.end(), [](auto& s) { return s.node == 2; }) > 20);
  const auto events = events_of(input);

  SUBCASE("callback; single pushes; advancing to each event's time, half way, or not at all") {
    Session s(fixture_builder());
    observe_fixture(s);
    std::vector<RecordedSpike> got;
    s.on_output([&](const OutputSpike& o) { got.push_back(as_recorded(o)); });
    for (std::size_t k = 0; k < events.size(); ++k) {
      s.push(events[k].time, events[k].channel);
      if (k + 1 < events.size()) {
        const Time next = events[k + 1].time;
        if (k % 3 == 0) s.advance_to(next);  // an event exactly at now() still counts
        if (k % 3 == 1) s.advance_to(s.now() + ticks((next - s.now()).ticks() / 2));
      }
    }
    s.advance_to(end);
    CHECK(got == batch.spikes);
    check_states(s, batch, end);
  }
  SUBCASE("spans of events, pull queue") {
    Session s(fixture_builder());
    observe_fixture(s);
    const InputRef in = s.input("input");
    for (std::size_t k = 0; k < events.size(); k += 37) {
      const std::size_t n = std::min<std::size_t>(37, events.size() - k);
      s.push(in, std::span(events).subspan(k, n));
      s.advance_to(events[k].time);
    }
    s.advance_to(end);
    std::vector<OutputSpike> out;
    s.poll(out);
    std::vector<RecordedSpike> got;
    for (const auto& o : out) got.push_back(as_recorded(o));
    CHECK(got == batch.spikes);
    CHECK(s.stats().outputs == batch.spikes.size());
    check_states(s, batch, end);
  }
  SUBCASE("everything pushed before the first advance") {
    Session s(fixture_builder());
    observe_fixture(s);
    s.push(s.input("input"), events);
    s.advance_to(end);
    std::vector<OutputSpike> out;
    s.poll(out);
    CHECK(out.size() == batch.spikes.size());
    check_states(s, batch, end);
  }
  SUBCASE("output back-pressure: a small queue stops the advance until it is drained") {
    Session s(fixture_builder(), {.output_capacity = 7});
    observe_fixture(s);
    s.push(s.input("input"), events);
    std::vector<OutputSpike> out;
    int stops = 0;
    while (true) {
      const AdvanceResult r = s.advance_to(end);
      CHECK(s.queued_outputs() <= 7 + 6);  // one event may add at most one step of 6 neurons
      s.poll(out);
      if (r.complete) break;
      ++stops;
    }
    CHECK(stops >= static_cast<int>(batch.spikes.size() / 13));
    std::vector<RecordedSpike> got;
    for (const auto& o : out) got.push_back(as_recorded(o));
    CHECK(got == batch.spikes);
    check_states(s, batch, end);
  }
  SUBCASE("input back-pressure on the session's own thread advances to make room") {
    Session s(fixture_builder(), {.input_capacity = 5});
    observe_fixture(s);
    std::vector<RecordedSpike> got;
    s.on_output([&](const OutputSpike& o) { got.push_back(as_recorded(o)); });
    for (const auto& e : events) s.push(e.time, e.channel);  // never more than 5 wait
    CHECK(s.now() > Time::zero());
    s.advance_to(end);
    CHECK(got == batch.spikes);
    check_states(s, batch, end);
  }
  SUBCASE("input back-pressure across threads: the pusher waits for room") {
    Session s(fixture_builder(), {.input_capacity = 8});
    observe_fixture(s);
    std::vector<RecordedSpike> got;
    s.on_output([&](const OutputSpike& o) { got.push_back(as_recorded(o)); });
    std::atomic<std::int64_t> safe{0};  // every later push is at or after it
    std::atomic<bool> done{false};
    std::thread pusher([&] {
      for (const auto& e : events) {
        s.push(e.time, e.channel);
        safe = e.time.ticks();
      }
      done = true;
    });
    while (!done) {
      s.advance_to(std::max(s.now(), Time::from_ticks(safe.load())));
      std::this_thread::yield();
    }
    pusher.join();
    s.advance_to(end);
    CHECK(got == batch.spikes);
    check_states(s, batch, end);
  }
}

TEST_CASE("Session: real-time pacing gives the batch result of the stamped events") {
  Session s(fixture_builder(), {.pacing = Pacing::kRealTime, .speed = 20.0});
  observe_fixture(s);
  std::vector<RecordedSpike> got;
  s.on_output([&](const OutputSpike& o) { got.push_back(as_recorded(o)); });
  const InputRef in = s.input("input");
  std::vector<Time> stamps;
  std::vector<Channel> channels;
  std::thread sensor([&] {
    for (std::uint32_t k = 0; k < 60; ++k) {
      stamps.push_back(s.push_now(in, k % 4));
      channels.push_back(k % 4);
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
  });
  sensor.join();
  const Time end = std::max(stamps.back(), s.now()) + milliseconds(20);
  const AdvanceResult r = s.run_realtime(end);
  CHECK(r.reached == end);
  CHECK(r.complete);
  CHECK(s.stats().pushed == 60);
  CHECK(s.stats().max_lag >= Duration::zero());
  for (std::size_t k = 1; k < stamps.size(); ++k) CHECK(stamps[k] >= stamps[k - 1]);
  const BatchResult batch = run_batch(TSEvent(stamps, channels, {.num_channels = 4}), end);
  CHECK(got == batch.spikes);
  CHECK(!got.empty());
}

TEST_CASE("Session: named errors for bad pushes and advances") {
  Session s(fixture_builder());
  observe_fixture(s);
  const Time t = Time::zero() + milliseconds(5);
  s.push(t, 1);
  SUBCASE("time going backwards on an input") {
    CHECK_THROWS_AS(s.push(t - ticks(1), 0), TimeOrderError);
    CHECK_THROWS_WITH(s.push(t - milliseconds(1), 0), doctest::Contains("time goes backwards"));
    s.push(t, 0);  // equal times are fine
    CHECK(s.stats().pushed == 2);
  }
  SUBCASE("an event before the session's time") {
    s.advance_to(t + milliseconds(2));
    CHECK_THROWS_AS(s.push(t + milliseconds(1), 0), TimeOrderError);
    CHECK_THROWS_AS(s.advance_to(t), TimeOrderError);
    s.push(t + milliseconds(2), 0);  // exactly now() is still processed
  }
  SUBCASE("a span out of order is refused whole") {
    const std::vector<InputEvent> bad = {{t + milliseconds(1), 0}, {t + milliseconds(3), 1}, {t + milliseconds(2), 2}};
    CHECK_THROWS_AS(s.push(s.input("input"), bad), TimeOrderError);
    CHECK(s.stats().pushed == 1);
  }
  SUBCASE("channels, inputs and values") {
    CHECK_THROWS_AS(s.push(t, 4), OutOfRange);
    CHECK_THROWS_AS(s.push(InputRef{3}, t, 0), OutOfRange);
    CHECK_THROWS_AS(s.input("nope"), OutOfRange);
    CHECK_THROWS_AS(s.push(InputRef{0}, t, 0, 2.0), InvalidArgument);
    CHECK_THROWS_AS(s.observe("nope"), OutOfRange);
    CHECK_THROWS_AS(s.advance_realtime(), UsageError);
  }
  SUBCASE("advancing from the output callback") {
    s.observe("input");  // its spikes come out as they are emitted
    s.on_output([&](const OutputSpike&) { s.advance_to(s.now() + milliseconds(1)); });
    s.push(t + milliseconds(1), 0);
    s.push(t + milliseconds(1), 1);
    CHECK_THROWS_AS(s.advance_to(t + milliseconds(50)), UsageError);
  }
}

TEST_CASE("Session: overflow errors instead of back-pressure; nothing is dropped") {
  const TSEvent input = fixture_input(kDuration);
  const Time end = Time::zero() + kDuration;
  const BatchResult batch = run_batch(input, end);
  const auto events = events_of(input);
  SUBCASE("input") {
    Session s(fixture_builder(), {.input_capacity = 3, .overflow = Overflow::kError});
    for (int k = 0; k < 3; ++k) s.push(events[k].time, events[k].channel);
    CHECK_THROWS_AS(s.push(events[3].time, events[3].channel), QueueOverflow);
    CHECK(s.stats().pushed == 3);  // the refused event was not taken
    s.advance_to(events[3].time);
    s.push(events[3].time, events[3].channel);  // room again
    CHECK(s.stats().pushed == 4);
  }
  SUBCASE("output") {
    Session s(fixture_builder(), {.output_capacity = 10, .overflow = Overflow::kError});
    observe_fixture(s);
    s.push(s.input("input"), events);
    std::vector<OutputSpike> out;
    int errors = 0;
    while (true) {
      try {
        const AdvanceResult r = s.advance_to(end);
        s.poll(out);
        if (r.complete) break;
      } catch (const QueueOverflow& e) {
        ++errors;
        CHECK(std::string(e.what()).find("nothing was dropped") != std::string::npos);
        s.poll(out);
      }
    }
    CHECK(errors > 0);
    CHECK(out.size() == batch.spikes.size());
    std::vector<RecordedSpike> got;
    for (const auto& o : out) got.push_back(as_recorded(o));
    CHECK(got == batch.spikes);
  }
}

TEST_CASE("Session: a continuous input holds each pushed value (sample-and-hold)") {
  NetworkBuilder b;
  const NodeRef level = b.continuous_input("level", 1);
  Network& net = NetworkBuilderAccess::network(b);
  // y = 2 u, sampled at the start of each 1 ms bin, available after the bin's tick.
  const NodeId pass = net.add("pass", std::make_unique<PassThrough>(WeightMatrix(1, 1, {2.0}),
                                                                    PassThroughParameters{.dt = milliseconds(1)}));
  net.connect(level.id, pass, Projection::one_to_one(1, 1.0, Duration::zero()));
  Session s(std::move(b));
  const auto ms = [](double x) { return Time::from_seconds(x * 1e-3); };
  StateRecorder& y = SessionAccess::simulation(s).record_state(pass, "y", {}, {ms(1.5), ms(2.5), ms(3.5), ms(4.5), ms(5.5)});
  const InputRef in = s.input("level");
  s.push(in, ms(2.5), 0, 3.0);  // held from 2.5 ms: first seen by the bin starting at 3 ms
  s.advance_to(ms(3.0));
  s.push(in, ms(4.0), 0, 1.0);  // exactly on a bin start: that bin sees it
  CHECK_THROWS_AS(s.push(in, ms(4.0), 0), InvalidArgument);  // a value is required
  s.advance_to(ms(6.0));
  const auto samples = y.samples();
  REQUIRE(samples.size() == 5);
  // Bins: tick k at k ms closes [k-1, k) ms and samples u((k-1) ms).
  CHECK(samples[0] == 0.0);  // 1.5 ms: tick 1, u(0)
  CHECK(samples[1] == 0.0);  // 2.5 ms: tick 2, u(1 ms)
  CHECK(samples[2] == 0.0);  // 3.5 ms: tick 3, u(2 ms)
  CHECK(samples[3] == 6.0);  // 4.5 ms: tick 4, u(3 ms) = 3
  CHECK(samples[4] == 2.0);  // 5.5 ms: tick 5, u(4 ms) = 1
}

TEST_CASE("NetworkBuilder: code and config files build the same network") {
  const std::string text = R"(# a small network
spike_input sensor channels=2
poisson noise channels=3 rate=50 seed=7
lif neurons size=2 tau_mem=10ms tau_syn=5ms,20ms threshold=1 refractory=1ms
lif_clocked fast size=2 dt=500us tau_syn=5ms
connect sensor neurons one_to_one weight=1.5 delay=1ms
connect noise neurons random p=0.5 weight=0.2 seed=3 port=1
connect sensor fast one_to_one weight=2
)";
  NetworkBuilder from_text = NetworkBuilder::from_text(text, "net.cfg");
  NetworkBuilder code;
  code.spike_input("sensor", 2);
  code.poisson("noise", 3, 50, 7);
  code.lif("neurons", 2, {.tau_mem = 10e-3, .tau_syn = {5e-3, 20e-3}, .threshold = 1, .refractory = milliseconds(1)});
  code.lif_clocked("fast", 2, microseconds(500), {.tau_syn = {5e-3}});
  code.connect("sensor", "neurons", Connection::one_to_one(1.5, milliseconds(1)));
  code.connect("noise", "neurons", Connection::random(0.5, 0.2, Duration::zero(), 3).to_port(1));
  code.connect("sensor", "fast", Connection::one_to_one(2));
  CHECK(from_text.num_nodes() == 4);
  CHECK(from_text.summary() == code.summary());
  // Same network, same spikes.
  Session a(std::move(from_text)), b(std::move(code));
  std::vector<OutputSpike> out_a, out_b;
  for (Session* s : {&a, &b}) {
    s->observe("neurons");
    s->observe("fast");
    for (int k = 0; k < 20; ++k) s->push(Time::zero() + k * milliseconds(3), k % 2);
    s->advance_to(Time::zero() + milliseconds(80));
  }
  a.poll(out_a);
  b.poll(out_b);
  CHECK(out_a.size() > 10);
  CHECK(out_a == out_b);
  CHECK(SessionAccess::simulation(a).network_fingerprint() == SessionAccess::simulation(b).network_fingerprint());
}

TEST_CASE("NetworkBuilder: config errors name the line") {
  auto error_line = [](const std::string& text) -> std::uint64_t {
    try {
      NetworkBuilder::from_text(text, "bad.cfg");
    } catch (const FormatError& e) {
      CHECK(e.file() == "bad.cfg");
      return e.position();
    }
    return 0;
  };
  CHECK(error_line("spike_input a channels=2\nlif b size=2 tau_mem=fast\n") == 2);
  CHECK(error_line("spike_input a channels=2\n\nlif b size=2 treshold=1\n") == 3);  // a typo is not ignored
  CHECK(error_line("neuron a size=1\n") == 1);
  CHECK(error_line("spike_input a channels=2\nlif b size=3\nconnect a b one_to_one weight=1\n") == 3);
  CHECK(error_line("lif b size=2 threshold=1 v_reset=2\n") == 1);  // the model's own check
  CHECK_THROWS_AS(NetworkBuilder::from_file("/nonexistent/net.cfg"), IoError);
}
