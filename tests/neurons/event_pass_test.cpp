#include "neurons/event_pass.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "engine/simulation.hpp"
#include "engine/sources.hpp"
#include "tests/neurons/model_test_support.hpp"

using namespace rockpool;

namespace {
using rockpool::test::refusal;

}  // namespace

TEST_CASE("PassThroughEvents routes each input event to W[i][j] events on each output channel j, at the same time") {
  // W (2 inputs x 3 outputs) = [[1, 0, 2], [0, 3, 0]]. Input: ch 0 at 1 ms; ch 1 and ch 0 at 2 ms.
  // Expected, by hand: 1 ms -> out 0 once, out 2 twice; 2 ms -> out 1 three times (from ch 1),
  // out 0 once and out 2 twice (from ch 0).
  auto pass = std::make_unique<PassThroughEvents>(WeightMatrix(2, 3, {1, 0, 2, 0, 3, 0}));
  CHECK(pass->size() == 3);
  CHECK(pass->num_inputs() == 2);
  Projection in = pass->input_projection();
  CHECK(in.num_synapses() == 3);  // zero entries make no synapse
  Network net;
  const Time t1 = Time::zero() + milliseconds(1), t2 = Time::zero() + milliseconds(2);
  const NodeId src = net.add("in", std::make_unique<TSEventSource>(TSEvent({t1, t2, t2}, {0, 1, 0}, {.num_channels = 2})));
  const NodeId p = net.add("route", std::move(pass));
  net.connect(src, p, std::move(in));
  Simulation sim(std::move(net));
  SpikeRecorder& out = sim.record_spikes(p);
  sim.run_until(Time::zero() + milliseconds(3));
  std::vector<std::pair<Time, NeuronIndex>> got;
  for (std::size_t k = 0; k < out.count(); ++k) got.emplace_back(out.times()[k], out.channels()[k]);
  // Rockpool's order too: per input event (in input order), then by output channel. The
  // source emits one event at a time and the routed copies are due before its next one.
  const std::vector<std::pair<Time, NeuronIndex>> expected = {{t1, 0}, {t1, 2}, {t1, 2}, {t2, 1}, {t2, 1},
                                                              {t2, 1}, {t2, 0}, {t2, 2}, {t2, 2}};
  CHECK(got == expected);
}

TEST_CASE("PassThroughEvents feeds a downstream population: weights are counts of unit events") {
  // Route 1 input to 2 outputs with W = [[2, 5]] and count the routed events with a second
  // PassThroughEvents (identity) — 10 input events give 20 and 50.
  Network net;
  std::vector<Time> times;
  for (int k = 0; k < 10; ++k) times.push_back(Time::zero() + microseconds(100 * k + 50));
  const NodeId src = net.add("in", std::make_unique<TSEventSource>(TSEvent(times, std::vector<NeuronIndex>(10, 0), {.num_channels = 1})));
  auto a = std::make_unique<PassThroughEvents>(WeightMatrix(1, 2, {2, 5}));
  Projection pa = a->input_projection();
  const NodeId na = net.add("a", std::move(a));
  net.connect(src, na, std::move(pa));
  auto b = std::make_unique<PassThroughEvents>(WeightMatrix(2, 2, {1, 0, 0, 1}));
  Projection pb = b->input_projection();
  const NodeId nb = net.add("b", std::move(b));
  net.connect(na, nb, std::move(pb));
  Simulation sim(std::move(net));
  SpikeRecorder& out = sim.record_spikes(nb);
  sim.run_until(Time::zero() + milliseconds(2));
  CHECK(std::count(out.channels().begin(), out.channels().end(), 0u) == 20);
  CHECK(std::count(out.channels().begin(), out.channels().end(), 1u) == 50);
  for (Time t : out.times()) CHECK((t - Time::zero()).ticks() % microseconds(100).ticks() == microseconds(50).ticks());
}

TEST_CASE("PassThroughEvents refuses weights that are not event counts, naming them") {
  CHECK(refusal([] { PassThroughEvents(WeightMatrix(1, 2, {1, -1})); }).first == "weights");
  CHECK(refusal([] { PassThroughEvents(WeightMatrix(1, 2, {1, 1.5})); }).first == "weights");
  CHECK(refusal([] { PassThroughEvents(WeightMatrix(1, 2, {1, NAN})); }).first == "weights");
  CHECK(refusal([] { PassThroughEvents(WeightMatrix(2, 2, {1, 1, 1})); }) == std::pair<std::string, bool>{"weights", true});
  // A hand-made projection with a fractional weight is refused on delivery.
  PassThroughEvents pass(WeightMatrix(1, 1, {1}));
  PredictionList changed;
  pass.start(Time::zero(), changed);
  const NeuronIndex target = 0;
  const double w = 0.5;
  CHECK(refusal([&] { pass.receive(Time::zero(), 0, {&target, 1}, {&w, 1}, changed); }).first == "weight");
}
