#include "engine/checkpoint.hpp"

#include <doctest/doctest.h>

#include <fstream>

#include "api/builder_access.hpp"
#include "engine/simulation.hpp"
#include "engine/sources.hpp"
#include "neurons/exp_syn.hpp"
#include "neurons/rate.hpp"
#include "rockpool/checkpoint.hpp"
#include "tests/api/network_fixtures.hpp"
#include "tests/io/temp_path.hpp"

using namespace rockpool;
using namespace rockpool::test;

namespace {

// Exact LIF with delays 0.5 to 5 ms, recurrent delayed synapses and Poisson input.
Network exact_network(double weight = 0.35) {
  Network net;
  net.add("poisson", std::make_unique<PoissonSource>(20, 300.0, /*seed=*/3));
  LifExp::Parameters p = fixture_lif();
  p.bias = 0.2;
  const NodeId lif = net.add("lif", std::make_unique<LifExp>(p, 50));
  std::vector<Synapse> synapses;
  for (NeuronIndex pre = 0; pre < 20; ++pre) {
    for (NeuronIndex post = 0; post < 50; ++post) {
      if ((pre * 13 + post * 7) % 5 != 0) continue;
      synapses.push_back({pre, post, weight, microseconds(500 * (1 + (pre + post) % 10))});
    }
  }
  net.connect(0, lif, Projection::from_synapses(20, 50, std::move(synapses)));
  net.connect(lif, lif, Projection::random(50, 50, 0.1, 0.25, milliseconds(3), /*seed=*/9, /*port=*/1));
  return net;
}

// Clocked layers fed by generators: Poisson -> clocked LIF -> ExpSynClocked -> FFRateEuler
// (with noise: its RNG counter is state), a RegularSource -> ExpSynExact, a PassThrough
// with a delay line and Rockpool's Rate layer.
Network clocked_network() {
  Network net;
  net.add("poisson", std::make_unique<PoissonSource>(8, 400.0, /*seed=*/11));
  const NodeId lif = net.add("lif", std::make_unique<LifExpClocked>(fixture_lif(), 8, microseconds(100)));
  std::vector<double> w(8 * 16, 0.0);
  for (std::size_t c = 0; c < 8; ++c) w[c * 16 + c] = 1.3;
  net.connect(0, lif, Projection::dense(8, 16, w, Duration::zero()));
  const NodeId syn = net.add("syn", std::make_unique<ExpSynClocked>(
                                        8, ExpSynClocked::Parameters{.tau = {4e-3}, .dt = microseconds(100)}));
  net.connect(lif, syn, Projection::one_to_one(8, 1.0, microseconds(700)));
  const NodeId rate = net.add("rate", std::make_unique<FFRateEuler>(
                                          WeightMatrix(8, 3, std::vector<double>(24, 0.5)),
                                          FFRateEuler::Parameters{.tau = {5e-3}, .noise_std = 0.3,
                                                                  .dt = microseconds(100), .seed = 4}));
  net.connect(syn, rate, Projection::one_to_one(8, 1.0, Duration::zero()));
  const NodeId pass = net.add("pass", std::make_unique<PassThrough>(
                                          WeightMatrix(3, 3, {1, 0, 0, 0, 1, 0, 0, 0, 1}),
                                          PassThroughParameters{.dt = microseconds(200), .delay = microseconds(600),
                                                                .noise_std = 0.1, .seed = 2}));
  net.connect(rate, pass, Projection::one_to_one(3, 1.0, Duration::zero()));
  const NodeId rj = net.add("ratejax", std::make_unique<Rate>(3, RateParameters{.tau = {3e-3}, .noise_std = 0.2,
                                                                                  .dt = microseconds(200), .seed = 8}));
  net.connect(pass, rj, Projection::one_to_one(3, 1.0, Duration::zero()));
  net.add("regular", std::make_unique<RegularSource>(2, microseconds(1300), microseconds(100)));
  const NodeId exact = net.add("exact_syn", std::make_unique<ExpSynExact>(2, ExpSynExact::Parameters{.tau = {2e-3}}));
  net.connect(6, exact, Projection::one_to_one(2, 0.7, microseconds(300)));
  return net;
}

struct Run {
  std::vector<RecordedSpike> spikes;
  std::vector<std::vector<double>> states;  // per node, at the end
  std::vector<double> samples;              // the state recorder's
  RunStats stats;
};

// Runs `make()` straight to t2, recording every spike, the state of every node at t2 and
// one state variable every 0.7 ms, and split: to t1, checkpoint (through a file), restore into
// a fresh simulation of `make()`, on to t2.
template <class Make>
std::pair<Run, Run> straight_and_split(Make make, Time t1, Time t2, NodeId sampled, std::string_view variable,
                                       std::size_t baseline_events) {
  auto observe = [&](Simulation& sim, Run& r) {
    sim.on_spike([&r](NodeId node, NeuronIndex i, Time t) { r.spikes.push_back({node, i, t}); });
    return &sim.record_state(sampled, variable, {}, microseconds(700));
  };
  auto finish = [&](Simulation& sim, Run& r, StateRecorder* rec) {
    for (NodeId id = 0; id < sim.network().num_nodes(); ++id) r.states.push_back(all_state(sim.network().node(id), t2));
    r.samples.insert(r.samples.end(), rec->samples().begin(), rec->samples().end());
    r.stats = sim.stats();
  };
  Run straight, split;
  {
    Simulation sim(make());
    StateRecorder* rec = observe(sim, straight);
    sim.run_until(t2);
    finish(sim, straight, rec);
  }
  TempPath file("split.ckpt");
  {
    Simulation first(make());
    StateRecorder* rec = observe(first, split);
    first.run_until(t1);
    REQUIRE(first.pending_events() > baseline_events);  // spikes in flight beside sources and ticks
    StateWriter out;
    first.save_state(out);
    write_checkpoint_file(file.path, out.bytes());
    split.samples.assign(rec->samples().begin(), rec->samples().end());
  }
  Simulation second(make());
  StateRecorder* rec = observe(second, split);
  const auto payload = read_checkpoint_file(file.path);
  StateReader in(payload, file.path);
  second.restore_state(in);
  CHECK(in.at_end());
  CHECK(second.now() == t1);
  second.run_until(t2);
  finish(second, split, rec);
  return {straight, split};
}

void check_equal(const Run& a, const Run& b) {
  CHECK(a.spikes.size() > 100);
  CHECK(a.spikes == b.spikes);
  REQUIRE(a.states.size() == b.states.size());
  for (std::size_t n = 0; n < a.states.size(); ++n) CHECK(same_bits(a.states[n], b.states[n]));
  CHECK(!a.samples.empty());
  CHECK(same_bits(a.samples, b.samples));
  CHECK(a.stats.events == b.stats.events);
  CHECK(a.stats.spikes == b.stats.spikes);
  CHECK(a.stats.synaptic_events == b.stats.synaptic_events);
}

std::vector<std::byte> checkpoint_bytes(Simulation& sim) {
  StateWriter out;
  sim.save_state(out);
  return seal_checkpoint(out.bytes());
}

void restore_bytes(Simulation& sim, std::span<const std::byte> sealed) {
  const auto payload = open_checkpoint(sealed, "<test>");
  StateReader in(payload, "<test>");
  sim.restore_state(in);
}

std::string error_of(auto&& f) {
  try {
    f();
  } catch (const CheckpointError& e) {
    return e.what();
  }
  return "no CheckpointError";
}

// A source without checkpoint support (the default hooks).
class Opaque final : public SpikeSource {
 public:
  std::string_view type_name() const override { return "Opaque"; }
  std::size_t size_out() const override { return 1; }
  void start(Time) override {}
  std::optional<SourceSpike> next() override { return std::nullopt; }
};

}  // namespace

TEST_CASE("Checkpoint: run(t1); save; restore; run(t2) equals run(t2) — exact LIF, delays, Poisson") {
  const Time t1 = Time::from_seconds(0.1234567);
  const Time t2 = Time::from_seconds(0.3);
  const auto [straight, split] = straight_and_split([] { return exact_network(); }, t1, t2, 1, "v_mem", 2 + 3);
  check_equal(straight, split);
}

TEST_CASE("Checkpoint: the same for clocked layers, rate layers with noise and ExpSyn") {
  const Time t1 = Time::from_seconds(0.05) + ticks(1);  // just after a tick
  const Time t2 = Time::from_seconds(0.15);
  const auto [straight, split] = straight_and_split([] { return clocked_network(); }, t1, t2, 3, "x", 7);
  check_equal(straight, split);
  // At a tick time exactly, with the tick still pending.
  const auto [a, b] = straight_and_split([] { return clocked_network(); }, Time::from_seconds(0.07), t2, 5, "x", 7);
  check_equal(a, b);
}

TEST_CASE("Checkpoint: before the first run, and twice in a row") {
  const Time t2 = Time::from_seconds(0.05);
  Simulation straight(exact_network());
  std::vector<RecordedSpike> want, got;
  straight.on_spike([&](NodeId n, NeuronIndex i, Time t) { want.push_back({n, i, t}); });
  straight.run_until(t2);
  Simulation fresh(exact_network());
  const auto at_start = checkpoint_bytes(fresh);
  Simulation a(exact_network());
  restore_bytes(a, at_start);
  a.on_spike([&](NodeId n, NeuronIndex i, Time t) { got.push_back({n, i, t}); });
  a.run_until(Time::from_seconds(0.02));
  const auto mid = checkpoint_bytes(a);
  CHECK(checkpoint_bytes(a) == mid);  // saving changes nothing
  Simulation b(exact_network());
  restore_bytes(b, mid);
  b.on_spike([&](NodeId n, NeuronIndex i, Time t) { got.push_back({n, i, t}); });
  b.run_until(t2);
  CHECK(got == want);
}

TEST_CASE("Checkpoint: a session with waiting inputs and outputs, through the public API") {
  const TSEvent input = fixture_input(milliseconds(120));
  const Time t1 = Time::zero() + milliseconds(47);
  const Time t2 = Time::zero() + milliseconds(120);
  auto make = [] {
    NetworkBuilder b;
    b.spike_input("input", 4);
    add_fixture_network(NetworkBuilderAccess::network(b));
    return b;
  };
  auto push_all = [&](Session& s, Time from, Time to) {
    for (std::size_t k = 0; k < input.size(); ++k) {
      if (input.times()[k] >= from && input.times()[k] < to) s.push(input.times()[k], input.channels()[k]);
    }
  };
  Session straight(make());
  straight.observe("lif");
  straight.observe("clocked");
  push_all(straight, Time::zero(), t2);
  straight.advance_to(t2);
  std::vector<OutputSpike> want;
  straight.poll(want);

  TempPath file("session.ckpt");
  std::vector<OutputSpike> got;
  {
    Session first(make());
    first.observe("lif");
    first.observe("clocked");
    push_all(first, Time::zero(), t2);  // events after t1 wait in the session
    first.advance_to(t1);
    first.poll(got, 5);                 // some outputs stay queued
    first.save_checkpoint(file.path);
  }
  Session second(make());
  CHECK_THROWS_AS(second.restore_checkpoint(file.path), CheckpointError);  // observes nothing yet
  second.observe("lif");
  second.observe("clocked");
  second.restore_checkpoint(file.path);
  CHECK(second.now() == t1);
  second.advance_to(t2);
  second.poll(got);
  CHECK(want.size() > 50);
  CHECK(got == want);
  const Network& a = SessionAccess::simulation(straight).network();
  const Network& b = SessionAccess::simulation(second).network();
  CHECK(same_bits(all_state(a.node(1), t2), all_state(b.node(1), t2)));
  CHECK(same_bits(all_state(a.node(2), t2), all_state(b.node(2), t2)));
}

TEST_CASE("Checkpoint: named errors for wrong, corrupt and unsupported checkpoints") {
  Simulation sim(exact_network());
  sim.run_until(Time::from_seconds(0.02));
  const auto good = checkpoint_bytes(sim);

  SUBCASE("a different network") {
    Simulation other(exact_network(/*weight=*/0.36));
    CHECK(error_of([&] { restore_bytes(other, good); }).find("different network") != std::string::npos);
  }
  SUBCASE("a flipped byte") {
    auto bad = good;
    bad[bad.size() / 2] ^= std::byte{0x10};
    Simulation fresh(exact_network());
    CHECK(error_of([&] { restore_bytes(fresh, bad); }).find("CRC-32 mismatch") != std::string::npos);
  }
  SUBCASE("truncated, not a checkpoint, another version") {
    Simulation fresh(exact_network());
    const std::vector<std::byte> truncated(good.begin(), good.end() - 9);
    CHECK(error_of([&] { restore_bytes(fresh, truncated); }).find("truncated") != std::string::npos);
    std::vector<std::byte> text(64, std::byte{'x'});
    CHECK(error_of([&] { restore_bytes(fresh, text); }).find("not a rockpool checkpoint") != std::string::npos);
    auto later = good;
    later[8] = std::byte{99};
    CHECK(error_of([&] { restore_bytes(fresh, later); }).find("version 99") != std::string::npos);
  }
  SUBCASE("files") {
    TempPath file("corrupt.ckpt");
    spit(file.path, "RPCKPT\r\n");
    CHECK_THROWS_AS(read_checkpoint_file(file.path), CheckpointError);
    CHECK_THROWS_AS(read_checkpoint_file(file.path + ".missing"), IoError);
  }
  SUBCASE("a node without checkpoint support") {
    Network net;
    net.add("opaque", std::make_unique<Opaque>());
    Simulation s(std::move(net));
    CHECK(error_of([&] { checkpoint_bytes(s); }).find("Opaque does not support checkpoints") != std::string::npos);
  }
  SUBCASE("a different set of state recorders") {
    Simulation fresh(exact_network());
    fresh.record_state(1, "v_mem", {}, milliseconds(1));
    CHECK(error_of([&] { restore_bytes(fresh, good); }).find("state recorders") != std::string::npos);
  }
}
