#include "engine/network.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>

#include "engine/simulation.hpp"
#include "engine/sources.hpp"
#include "neurons/lif_exp.hpp"
#include "neurons/lif_exp_clocked.hpp"
#include "neurons/event_pass.hpp"

using namespace rockpool;

namespace {
std::unique_ptr<LifExp> lif(std::size_t n) { return std::make_unique<LifExp>(LifExp::Parameters{}, n); }

std::string message_of(auto&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("a projection whose size does not match its nodes is refused, naming both") {
  Network net;
  net.add("a", lif(10));
  net.add("b", lif(20));
  const auto msg = message_of([&] { net.connect("a", "b", Projection::random(10, 21, 0.5, 1.0, milliseconds(1), 1)); });
  CHECK(msg.find("'a' -> 'b'") != std::string::npos);
  CHECK(msg.find("21 target neurons") != std::string::npos);
  CHECK_THROWS_AS(net.connect("a", "b", Projection::random(11, 20, 0.5, 1.0, milliseconds(1), 1)), DimensionMismatch);
  CHECK_NOTHROW(net.connect("a", "b", Projection::random(10, 20, 0.5, 1.0, milliseconds(1), 1)));
}

TEST_CASE("a zero-delay loop is refused with the cycle named") {
  Network net;
  net.add("in", std::make_unique<RegularSource>(5, milliseconds(1)));
  net.add("a", lif(5));
  net.add("b", lif(5));
  net.add("c", lif(5));
  net.connect("in", "a", Projection::one_to_one(5, 1.0, Duration::zero()));
  net.connect("a", "b", Projection::one_to_one(5, 1.0, Duration::zero()));
  net.connect("b", "c", Projection::one_to_one(5, 1.0, Duration::zero()));
  net.connect("c", "a", Projection::one_to_one(5, 1.0, milliseconds(1)));
  CHECK_NOTHROW(net.validate());  // the loop has a delay
  net.connect("c", "b", Projection::one_to_one(5, 1.0, Duration::zero()));
  const auto msg = message_of([&] { net.validate(); });
  CHECK(msg.find("zero-delay cycle 'b' -> 'c' -> 'b'") != std::string::npos);
  CHECK_THROWS_AS(Simulation(std::move(net)), NetworkError);
}

TEST_CASE("signals must match: a spike source cannot feed a continuous input") {
  Network net;
  net.add("in", std::make_unique<RegularSource>(2, milliseconds(1)));
  net.add("ramp", std::make_unique<TSContinuousSource>(TSContinuous({Time::zero()}, {1.0, 2.0}, 2)));
  net.add("a", lif(2));
  net.add("events", std::make_unique<PassThroughEvents>(WeightMatrix(2, 2, {1.0, 0.0, 0.0, 1.0})));
  // A population takes continuous values only as a current input (LifExp has one; the event router not).
  CHECK_THROWS_WITH_AS(net.connect("ramp", "events", Projection::one_to_one(2, 1.0, Duration::zero())),
                       doctest::Contains("takes spikes (PassThroughEvents has no current input)"), NetworkError);
  CHECK_NOTHROW(net.connect("ramp", "a", Projection::one_to_one(2, 1.0, Duration::zero())));
  CHECK_THROWS_AS(net.connect("ramp", "a", Projection::one_to_one(2, 1.0, milliseconds(1))), NetworkError);
  CHECK_THROWS_AS(net.connect("a", "in", Projection::one_to_one(2, 1.0, Duration::zero())), NetworkError);
  CHECK_THROWS_AS(net.connect("in", "a", Projection::one_to_one(2, 1.0, Duration::zero(), /*port=*/1)), OutOfRange);
  CHECK_THROWS_AS(net.add("a", lif(1)), InvalidArgument);  // the name is taken
  CHECK_THROWS_AS(net.id("nope"), OutOfRange);
}

TEST_CASE("projections group each source's synapses by delay") {
  // Source 0: delays 2, 1, 2 ms -> groups {1 ms: [post 1]}, {2 ms: [post 0, post 2]}.
  auto p = Projection::from_synapses(2, 3,
                                     {{0, 0, 0.5, milliseconds(2)},
                                      {0, 1, 0.25, milliseconds(1)},
                                      {0, 2, 0.125, milliseconds(2)},
                                      {1, 2, 1.0, milliseconds(3)}});
  REQUIRE(p.groups_begin(0) == 0);
  REQUIRE(p.groups_begin(1) == 2);
  REQUIRE(p.groups_begin(2) == 3);
  CHECK(p.group_delay(0) == milliseconds(1));
  CHECK(p.group_targets(0).size() == 1);
  CHECK(p.group_targets(0)[0] == 1);
  CHECK(p.group_delay(1) == milliseconds(2));
  CHECK(std::vector<NeuronIndex>(p.group_targets(1).begin(), p.group_targets(1).end()) == std::vector<NeuronIndex>{0, 2});
  CHECK(std::vector<double>(p.group_weights(1).begin(), p.group_weights(1).end()) == std::vector<double>{0.5, 0.125});
  CHECK(p.min_delay() == milliseconds(1));
  CHECK(p.max_delay() == milliseconds(3));
  CHECK_THROWS_AS(Projection::from_synapses(2, 3, {{2, 0, 1.0, Duration::zero()}}), OutOfRange);
  CHECK_THROWS_AS(Projection::from_synapses(2, 3, {{0, 0, 1.0, -milliseconds(1)}}), InvalidArgument);
  CHECK_THROWS_AS(Projection::from_synapses(2, 3, {{0, 0, std::nan(""), Duration::zero()}}), InvalidArgument);
}

TEST_CASE("a random projection connects about p of all pairs, the same for the same seed") {
  const auto a = Projection::random(300, 300, 0.1, 1.0, milliseconds(1), 42);
  const auto b = Projection::random(300, 300, 0.1, 1.0, milliseconds(1), 42);
  // Binomial(90000, 0.1): mean 9000, sd 90; 5 sd = 450.
  CHECK(std::abs(static_cast<double>(a.num_synapses()) - 9000.0) < 450.0);
  CHECK(a.num_synapses() == b.num_synapses());
}

TEST_CASE("the network dt is the lcm of the clocked layers' dt; the summary lists everything") {
  Network net;
  net.add("in", std::make_unique<RegularSource>(2, milliseconds(1)));
  net.add("a", lif(2));
  net.connect("in", "a", Projection::one_to_one(2, 1.0, milliseconds(1)));
  CHECK(net.dt() == Duration::zero());
  const std::string s = net.summary();
  CHECK(s.find("'in' RegularSource") != std::string::npos);
  CHECK(s.find("'in' -> 'a'  2 synapses, delay 0.001 s, port 0") != std::string::npos);
}

TEST_CASE("a zero-delay loop through a clocked layer is allowed: its input waits for the next tick") {
  Network net;
  LifExp::Parameters p;
  p.bias = 1.5;
  net.add("clocked", std::make_unique<LifExpClocked>(p, 3, milliseconds(1)));
  net.connect("clocked", "clocked", Projection::one_to_one(3, 0.1, Duration::zero()));
  CHECK_NOTHROW(net.validate());
  Simulation sim(std::move(net));
  SpikeRecorder& s = sim.record_spikes(0);
  sim.run_until(Time::from_seconds(0.1));
  // With bias 1.5 alone the first spike comes at step ceil(21.97) = 22 (22 ms); the
  // self-input only adds after that, so the first spike time is unchanged.
  REQUIRE(s.count() >= 3);
  CHECK(s.times()[0] == Time::zero() + milliseconds(22));
}

TEST_CASE("a projection built row by row equals the same synapses given as a list") {
  // Row 0 with delays 2, 1, 2 ms, row 2 with one synapse, row 1 empty.
  const std::vector<Synapse> list = {{0, 0, 0.5, milliseconds(2)},
                                     {0, 1, 0.25, milliseconds(1)},
                                     {0, 2, 0.125, milliseconds(2)},
                                     {2, 1, -1.0, milliseconds(3)}};
  ProjectionBuilder builder(3, 3, /*port=*/1);
  for (const Synapse& s : list) builder.add(s.pre, s.post, s.weight, s.delay);
  const Projection built = std::move(builder).build();
  const Projection reference = Projection::from_synapses(3, 3, list, 1);
  REQUIRE(built.num_synapses() == 4);
  CHECK(built.port() == 1);
  for (NeuronIndex pre = 0; pre <= 3; ++pre) CHECK(built.groups_begin(pre) == reference.groups_begin(pre));
  // By hand: groups {0: 1 ms [1]}, {0: 2 ms [0, 2]}, {2: 3 ms [1]}; row 1 has none.
  CHECK(built.groups_begin(1) == 2);
  CHECK(built.groups_begin(2) == 2);
  CHECK(built.group_delay(1) == milliseconds(2));
  CHECK(std::vector<NeuronIndex>(built.group_targets(1).begin(), built.group_targets(1).end()) ==
        std::vector<NeuronIndex>{0, 2});
  CHECK(built.group_weights(2)[0] == -1.0);
  CHECK(built.min_delay() == milliseconds(1));
  CHECK(built.max_delay() == milliseconds(3));
  ProjectionBuilder backwards(3, 3);
  backwards.add(2, 0, 1.0, Duration::zero());
  const auto msg = message_of([&] { backwards.add(1, 0, 1.0, Duration::zero()); });
  CHECK(msg.find("synapse 1 has pre 1 after a synapse of pre 2") != std::string::npos);
  // from_synapses names the synapse by its index in the caller's list, even after sorting.
  const auto out_of_range = message_of([] {
    Projection::from_synapses(2, 2, {{1, 0, 1.0, Duration::zero()}, {0, 5, 1.0, Duration::zero()}});
  });
  CHECK(out_of_range.find("synapse 1 has post 5") != std::string::npos);
}
