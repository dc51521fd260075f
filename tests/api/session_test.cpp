#include "rockpool/session.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
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

TEST_CASE("Session: a continuous input into a LIF is a current input, sampled every current_dt") {
  // 1.5 pushed at 2.5 ms is first sampled at 3 ms (current_dt 1 ms); from V = 0 the neuron
  // reaches threshold 1 at 3 ms + tm ln(1.5 / 0.5) (tm V' = -V + I); then 0 pushed at 30 ms
  // stops it: V(30 ms) = 1.5 (1 - e^{-5.03/20}) = 0.33 after the reset, no second spike.
  NetworkBuilder b;
  const NodeRef level = b.continuous_input("level", 1);
  LifParameters p;
  p.tau_mem = 0.02;
  p.current_dt = milliseconds(1);
  const NodeRef lif = b.lif("lif", 1, p);
  b.connect(level, lif, Connection::one_to_one(1.0));
  Session s(std::move(b));
  s.observe("lif");
  std::vector<OutputSpike> out;
  s.on_output([&](const OutputSpike& o) { out.push_back(o); });
  const auto ms = [](double x) { return Time::from_seconds(x * 1e-3); };
  const InputRef in = s.input("level");
  s.push(in, ms(2.5), 0, 1.5);
  s.advance_to(ms(5.0));
  s.push(in, ms(30.0), 0, 0.0);
  s.advance_to(ms(100.0));
  REQUIRE(out.size() == 1);
  const double expected = 0.003 + 0.02 * std::log(3.0);
  CHECK(std::abs(to_seconds(out[0].time) - expected) < 2e-9);  // exact to the tick
}

TEST_CASE("Session::state reads a LIF's V and its weighted surrogate readout at now()") {
  // A continuous session input drives a current-input LIF (1 ms samples); a StateReadout
  // (surrogate, w_out = [2]) reads it every 0.5 ms. Pushing 0.8 at 0: V(t) = 0.8 (1 - e^{-t/tm})
  // (subthreshold), and y at a tick t_k is 2 U(V(t_k)), U = tanh(20 (V - 1) + 1)/2 + 1/2
  // (threshold 1, v_reset 0: v = V - 1).
  NetworkBuilder b = NetworkBuilder::from_text(R"(
input { name: "level" size: 1 session { continuous: true } }
node { name: "lif" model: "LIFExact" size: 1 param { name: "tau_mem" value: 0.02 } }
node { name: "out" model: "StateReadout" size: 1 param { name: "source" text: "lif" } param { name: "w_out" value: 2 }
  param { name: "dt" text: "0.5ms" } }
projection { from: "level" to: "lif" one_to_one {} weight: 1 }
)");
  Session s(std::move(b));
  s.push(s.input("level"), Time::zero(), 0, 0.8);
  const auto v_at = [](double t) { return 0.8 * (1.0 - std::exp(-t / 0.02)); };
  for (double t : {0.0037, 0.012, 0.0305}) {
    s.advance_to(Time::from_seconds(t));
    CHECK(s.state("lif", "v_mem", 0) == doctest::Approx(v_at(to_seconds(s.now()))).epsilon(1e-12));
    std::vector<double> all(1);
    s.state("lif", "v_mem", all);
    CHECK(all[0] == s.state("lif", "v_mem", 0));
    // The readout holds its last tick's value: the last multiple of 0.5 ms before now().
    const double tick = std::floor(to_seconds(s.now()) / 0.0005 - 1e-9) * 0.0005;
    const double u = std::tanh(20.0 * (v_at(tick) - 1.0) + 1.0) / 2.0 + 0.5;
    CHECK(s.state("out", "y", 0) == doctest::Approx(2.0 * u).epsilon(1e-9));
  }
  CHECK_THROWS_AS(s.state("nope", "v_mem", 0), OutOfRange);
  CHECK_THROWS_WITH_AS(s.state("lif", "w", 0), doctest::Contains("it has: v_mem, i_syn0"), InvalidArgument);
  CHECK_THROWS_AS(s.state("lif", "v_mem", 1), OutOfRange);
  std::vector<double> two(2);
  CHECK_THROWS_AS(s.state("lif", "v_mem", two), DimensionMismatch);
}

// The network of the config tests below, in the config language of doc/configs.md.
const char* const kConfigText = R"(# a small network
input { name: "sensor" size: 2 session {} }
input { name: "noise" size: 3 poisson { rate: 50 seed: 7 } }
node {
  name: "neurons" model: "LIFExact" size: 2
  param { name: "tau_mem" value: 0.01 }
  param { name: "tau_syn" value: [0.005, 0.02] }
  param { name: "threshold" value: 1 }
  param { name: "refractory" text: "1ms" }
}
node { name: "fast" model: "LIFClocked" size: 2 param { name: "dt" text: "500us" } param { name: "tau_syn" value: 0.005 } }
projection { from: "sensor" to: "neurons" one_to_one {} weight: 1.5 delay: "1ms" }
projection { from: "noise" to: "neurons" random { p: 0.5 seed: 3 } weight: 0.2 port: 1 }
projection { from: "sensor" to: "fast" one_to_one {} weight: 2 }
run { duration: "1s" }  # for rockpool run; a session advances itself
)";

const char* const kConfigJson = R"({
  "input": [{"name": "sensor", "size": 2, "session": {}},
            {"name": "noise", "size": 3, "poisson": {"rate": [50], "seed": 7}}],
  "node": [{"name": "neurons", "model": "LIFExact", "size": 2,
            "param": [{"name": "tau_mem", "value": [0.01]}, {"name": "tau_syn", "value": [0.005, 0.02]},
                      {"name": "threshold", "value": [1]}, {"name": "refractory", "text": "1ms"}]},
           {"name": "fast", "model": "LIFClocked", "size": 2,
            "param": [{"name": "dt", "text": "500us"}, {"name": "tau_syn", "value": [0.005]}]}],
  "projection": [{"from": "sensor", "to": "neurons", "oneToOne": {}, "weight": 1.5, "delay": "1ms"},
                 {"from": "noise", "to": "neurons", "random": {"p": 0.5, "seed": 3}, "weight": 0.2, "port": 1},
                 {"from": "sensor", "to": "fast", "one_to_one": {}, "weight": 2}]
})";

NetworkBuilder config_network_in_code() {
  NetworkBuilder code;
  code.spike_input("sensor", 2);
  code.poisson("noise", 3, 50, 7);
  code.lif("neurons", 2, {.tau_mem = 10e-3, .tau_syn = {5e-3, 20e-3}, .threshold = 1, .refractory = milliseconds(1)});
  code.lif_clocked("fast", 2, microseconds(500), {.tau_syn = {5e-3}});
  code.connect("sensor", "neurons", Connection::one_to_one(1.5, milliseconds(1)));
  code.connect("noise", "neurons", Connection::random(0.5, 0.2, Duration::zero(), 3).to_port(1));
  code.connect("sensor", "fast", Connection::one_to_one(2));
  return code;
}

// The spikes of "neurons" and "fast" when the first input gets a spike every 3 ms,
// alternating channels, for 80 ms.
std::vector<OutputSpike> drive(Session& s) {
  s.observe("neurons");
  s.observe("fast");
  for (int k = 0; k < 20; ++k) s.push(Time::zero() + k * milliseconds(3), k % 2);
  s.advance_to(Time::zero() + milliseconds(80));
  std::vector<OutputSpike> out;
  s.poll(out);
  return out;
}

TEST_CASE("NetworkBuilder: code and config files build the same network") {
  NetworkBuilder from_text = NetworkBuilder::from_text(kConfigText, "net.pbtxt");
  NetworkBuilder from_json = NetworkBuilder::from_text(kConfigJson, "net.json");
  NetworkBuilder code = config_network_in_code();
  CHECK(from_text.num_nodes() == 4);
  CHECK(from_text.summary() == code.summary());
  CHECK(from_json.summary() == code.summary());
  // Same network, same spikes.
  Session a(std::move(from_text)), b(std::move(code)), c(std::move(from_json));
  const std::vector<OutputSpike> out_a = drive(a), out_b = drive(b), out_c = drive(c);
  CHECK(out_a.size() > 10);
  CHECK(out_a == out_b);
  CHECK(out_c == out_b);
  CHECK(SessionAccess::simulation(a).network_fingerprint() == SessionAccess::simulation(b).network_fingerprint());
}

TEST_CASE("NetworkBuilder: from_file reads the config, its log paths relative to its folder") {
  const auto dir = std::filesystem::temp_directory_path() / ("rockpool_builder_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "data");
  const std::string path = (dir / "net.pbtxt").string();
  std::ofstream(path) << kConfigText;
  NetworkBuilder code = config_network_in_code();
  NetworkBuilder from_file = NetworkBuilder::from_file(path);
  CHECK(from_file.summary() == code.summary());
  Session a(std::move(from_file)), b(std::move(code));
  CHECK(drive(a) == drive(b));

  // A log input is a node like any other: its path is relative to the config's folder.
  std::ofstream(dir / "data" / "in.csv") << "t[s],channel\n0.001,1\n0.004,0\n";
  const std::string logged = (dir / "logged.pbtxt").string();
  std::ofstream(logged) << "input { name: \"in\" size: 2 log { path: \"data/in.csv\" } }\n"
                           "node { name: \"n\" model: \"LIFExact\" size: 2 }\n"
                           "projection { from: \"in\" to: \"n\" one_to_one {} weight: 5 }\n";
  // The same events from a TSEventSource, in code, give the same spikes.
  NetworkBuilder in_code;
  NetworkBuilderAccess::network(in_code).add(
      "in", std::make_unique<TSEventSource>(TSEvent({Time::from_seconds(0.001), Time::from_seconds(0.004)}, {1, 0},
                                                    {.num_channels = 2})));
  in_code.lif("n", 2);
  in_code.connect("in", "n", Connection::one_to_one(5));
  std::vector<OutputSpike> out_file, out_code;
  Session s(NetworkBuilder::from_file(logged)), t(std::move(in_code));
  for (Session* session : {&s, &t}) {
    session->observe("n");
    session->advance_to(Time::zero() + milliseconds(30));
  }
  s.poll(out_file);
  t.poll(out_code);
  CHECK(out_file.size() >= 2);  // weight 5 >> threshold 1: both events make the neurons fire
  CHECK(out_file == out_code);
  std::filesystem::remove_all(dir);
  CHECK_THROWS_AS(NetworkBuilder::from_file((dir / "net.pbtxt").string()), IoError);
}

TEST_CASE("NetworkBuilder: a config's session inputs are the session's inputs, in config order") {
  // The sample-and-hold case above, from a config: y = 2 u sampled at each 1 ms bin start.
  const std::string text = R"(
input { name: "clicks" size: 1 session {} }
input { name: "level" size: 1 session { continuous: true } }
node { name: "pass" model: "PassThrough" size: 1 param { name: "weights" value: 2 } param { name: "dt" text: "1ms" } }
projection { from: "level" to: "pass" one_to_one {} weight: 1 }
)";
  Session s(NetworkBuilder::from_text(text, "hold.pbtxt"));
  const NodeId pass = 2;
  const auto ms = [](double x) { return Time::from_seconds(x * 1e-3); };
  StateRecorder& y = SessionAccess::simulation(s).record_state(pass, "y", {}, {ms(3.5), ms(4.5), ms(5.5)});
  CHECK(s.input("clicks").id == 0);  // the first, the default of push(time, channel)
  const InputRef level = s.input("level");
  CHECK(level.id == 1);
  CHECK_THROWS_AS(s.push(s.input("clicks"), ms(1.0), 0, 1.0), InvalidArgument);  // "clicks" takes spikes
  CHECK_THROWS_AS(s.push(level, ms(1.0), 0), InvalidArgument);   // "level" needs a value
  s.push(level, ms(2.5), 0, 3.0);
  s.push(level, ms(4.0), 0, 1.0);
  s.advance_to(ms(6.0));
  const auto samples = y.samples();
  REQUIRE(samples.size() == 3);
  CHECK(samples[0] == 0.0);  // tick 3: u(2 ms) = 0
  CHECK(samples[1] == 6.0);  // tick 4: u(3 ms) = 3
  CHECK(samples[2] == 2.0);  // tick 5: u(4 ms) = 1
}

TEST_CASE("NetworkBuilder: the config example of doc/api.md builds and runs as it says") {
  std::ifstream doc(std::string(ROCKPOOL_SOURCE_ROOT) + "/doc/api.md");
  REQUIRE(doc);
  std::string line, text;
  bool in_block = false;
  while (std::getline(doc, line)) {
    if (line == "# net.pbtxt") in_block = true;
    else if (in_block && line.starts_with("```")) break;
    if (in_block) text += line + "\n";
  }
  REQUIRE(!text.empty());
  Session s(NetworkBuilder::from_text(text, "api.md"));
  CHECK(s.input("sensor").id == 0);  // session inputs in the order listed
  CHECK(s.input("level").id == 1);
  CHECK_THROWS_AS(s.input("noise"), InvalidArgument);  // a generator, not a session input
  s.observe("neurons");
  s.observe("fast");
  // Both sensor channels, weight 1.5 (one-to-one) and 2 (all to all) against threshold 1.
  for (int k = 0; k < 10; ++k) s.push(Time::zero() + k * milliseconds(4), k % 2);
  s.push(s.input("level"), Time::zero() + milliseconds(1), 0, 0.7);
  s.advance_to(Time::zero() + milliseconds(50));
  std::vector<OutputSpike> out;
  s.poll(out);
  CHECK(std::any_of(out.begin(), out.end(), [](const OutputSpike& o) { return o.output == 0; }));
  CHECK(std::any_of(out.begin(), out.end(), [](const OutputSpike& o) { return o.output == 1; }));
}

TEST_CASE("NetworkBuilder: config errors name file:line:column") {
  struct Where {
    std::size_t line, column;
    bool operator==(const Where&) const = default;
  };
  auto error_at = [](const std::string& text) -> Where {
    try {
      NetworkBuilder::from_text(text, "bad.pbtxt");
    } catch (const ConfigError& e) {
      CHECK(e.file() == "bad.pbtxt");
      return {e.line(), e.column()};
    }
    return {0, 0};
  };
  const std::string input = "input { name: \"a\" size: 2 session {} }\n";
  // A duration that is not one, at its parameter.
  CHECK(error_at(input + "node { name: \"b\" model: \"LIF\" size: 2 param { name: \"refractory\" text: \"fast\" } }\n") ==
        Where{2, 39});
  // A typo is not ignored.
  CHECK(error_at(input + "\nnode { name: \"b\" model: \"LIF\" size: 2 param { name: \"treshold\" value: 1 } }\n") ==
        Where{3, 39});
  // An unknown kind of entry.
  CHECK(error_at("neuron { name: \"a\" size: 1 }\n") == Where{1, 1});
  // Sizes that do not fit, at the connectivity.
  CHECK(error_at(input + "node { name: \"b\" model: \"LIF\" size: 3 }\n"
                         "projection { from: \"a\" to: \"b\" one_to_one {} weight: 1 }\n") == Where{3, 32});
  // The model's own check, at the parameter it names.
  CHECK(error_at("node { name: \"b\" model: \"LIF\" size: 2 param { name: \"threshold\" value: 1 }\n"
                 "       param { name: \"v_reset\" value: 2 } }\n") == Where{2, 8});
  // A session input needs its channels.
  CHECK(error_at("input { name: \"a\" session {} }\n") == Where{1, 1});
}
