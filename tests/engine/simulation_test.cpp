#include "engine/simulation.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <tuple>

#include "engine/clocked_layer.hpp"
#include "engine/sources.hpp"
#include "neurons/lif_exp.hpp"

using namespace rockpool;

namespace {

// A clocked layer that keeps the input of every step and outputs it unchanged (continuous).
class InputLog final : public ClockedLayer {
 public:
  InputLog(std::size_t n, Duration dt, Signal in) : n_(n), dt_(dt), in_(in) {}
  std::string_view type_name() const override { return "InputLog"; }
  std::size_t size_in() const override { return n_; }
  std::size_t size_out() const override { return n_; }
  Signal input_signal() const override { return in_; }
  Signal output_signal() const override { return Signal::kContinuous; }
  Duration dt() const override { return dt_; }
  void step(std::span<const double> input, std::span<double> output) override {
    steps.emplace_back(input.begin(), input.end());
    std::copy(input.begin(), input.end(), output.begin());
  }
  std::vector<std::vector<double>> steps;

 private:
  std::size_t n_;
  Duration dt_;
  Signal in_;
};

// A clocked layer that emits one spike on channel 0 at every step whose input exceeds 0.5.
class Threshold final : public ClockedLayer {
 public:
  explicit Threshold(Duration dt) : dt_(dt) {}
  std::string_view type_name() const override { return "Threshold"; }
  std::size_t size_in() const override { return 1; }
  std::size_t size_out() const override { return 1; }
  Signal input_signal() const override { return Signal::kSpikes; }
  Signal output_signal() const override { return Signal::kSpikes; }
  Duration dt() const override { return dt_; }
  void step(std::span<const double> input, std::span<double> output) override { output[0] = input[0] > 0.5 ? 1 : 0; }

 private:
  Duration dt_;
};

// InputLog's twin that keeps its own input accumulator (ClockedLayer::input_accumulator):
// the simulation adds into `bin_`, and step() must see an empty input.
class AccumulatingLog final : public ClockedLayer {
 public:
  AccumulatingLog(std::size_t n, Duration dt) : bin_(n, 0.0), dt_(dt) {}
  std::string_view type_name() const override { return "AccumulatingLog"; }
  std::size_t size_in() const override { return bin_.size(); }
  std::size_t size_out() const override { return bin_.size(); }
  Signal input_signal() const override { return Signal::kSpikes; }
  Signal output_signal() const override { return Signal::kContinuous; }
  Duration dt() const override { return dt_; }
  std::span<double> input_accumulator() override { return bin_; }
  void step(std::span<const double> input, std::span<double> output) override {
    inputs_were_empty = inputs_were_empty && input.empty();
    steps.push_back(bin_);
    std::copy(bin_.begin(), bin_.end(), output.begin());
    std::fill(bin_.begin(), bin_.end(), 0.0);  // ready for the next bin
  }
  std::vector<std::vector<double>> steps;
  bool inputs_were_empty = true;

 private:
  std::vector<double> bin_;
  Duration dt_;
};

// Emits round(input[c]) spikes on channel c at every step (so 0, 1 or several per channel),
// as dense counts or, with `listing`, through its own step_spikes; `listing_default` uses
// ClockedLayer's default step_spikes.
class Repeater final : public ClockedLayer {
 public:
  enum class Output { kDense, kListing, kListingDefault };
  Repeater(std::size_t n, Duration dt, Output how) : n_(n), dt_(dt), how_(how) {}
  std::string_view type_name() const override { return "Repeater"; }
  std::size_t size_in() const override { return n_; }
  std::size_t size_out() const override { return n_; }
  Signal input_signal() const override { return Signal::kSpikes; }
  Signal output_signal() const override { return Signal::kSpikes; }
  Duration dt() const override { return dt_; }
  void step(std::span<const double> input, std::span<double> output) override {
    for (std::size_t c = 0; c < n_; ++c) output[c] = std::round(input[c]);
  }
  bool lists_spikes() const override { return how_ != Output::kDense; }
  void step_spikes(std::span<const double> input, std::vector<NeuronIndex>& spiked) override {
    if (how_ == Output::kListingDefault) return ClockedLayer::step_spikes(input, spiked);
    for (std::size_t c = 0; c < n_; ++c) {
      for (auto k = static_cast<int>(std::round(input[c])); k > 0; --k) spiked.push_back(static_cast<NeuronIndex>(c));
    }
  }

 private:
  std::size_t n_;
  Duration dt_;
  Output how_;
};

TSEvent events_ms(std::vector<std::int64_t> ticks_list, std::size_t channels = 1) {
  std::vector<Time> times;
  for (auto t : ticks_list) times.push_back(Time::from_ticks(t));
  return TSEvent(times, std::vector<Channel>(times.size(), 0), {.num_channels = channels});
}

// A recurrent random network driven by Poisson input, recorded; used for determinism tests.
struct RandomNet {
  std::unique_ptr<Simulation> sim;
  SpikeRecorder* spikes = nullptr;
  StateRecorder* v = nullptr;

  explicit RandomNet(std::uint64_t seed) {
    Network net;
    const NodeId in = net.add("in", std::make_unique<PoissonSource>(100, 20.0, seed));
    LifExp::Parameters p;
    p.tau_mem = 0.02;
    p.tau_syn = {0.005, 0.01};
    p.threshold = 1.0;
    p.refractory = milliseconds(2);
    const NodeId lif = net.add("lif", std::make_unique<LifExp>(p, 200));
    net.connect(in, lif, Projection::random(100, 200, 0.1, 0.6, milliseconds(1), seed + 1, 0));
    net.connect(lif, lif, Projection::random(200, 200, 0.05, -0.4, microseconds(1500), seed + 2, 1));
    net.connect(lif, lif, Projection::random(200, 200, 0.05, 0.3, microseconds(800), seed + 3, 0));
    sim = std::make_unique<Simulation>(std::move(net));
    spikes = &sim->record_spikes(lif);
    v = &sim->record_state(lif, "v_mem", {0, 17, 199}, microseconds(700));
  }
};

}  // namespace

TEST_CASE("a run split into run_until(t1); run_until(t2) equals one run_until(t2), bit for bit") {
  RandomNet whole(11), split(11);
  whole.sim->run_until(Time::from_seconds(1.0));
  split.sim->run_until(Time::from_seconds(0.3131));
  split.sim->run_until(Time::from_seconds(0.3131));  // an empty run changes nothing
  split.sim->run_until(Time::from_seconds(0.77));
  split.sim->run_until(Time::from_seconds(1.0));
  REQUIRE(whole.spikes->count() > 100);
  REQUIRE(whole.spikes->count() == split.spikes->count());
  CHECK(std::equal(whole.spikes->times().begin(), whole.spikes->times().end(), split.spikes->times().begin()));
  CHECK(std::equal(whole.spikes->channels().begin(), whole.spikes->channels().end(),
                   split.spikes->channels().begin()));
  REQUIRE(whole.v->samples().size() == split.v->samples().size());
  // Bitwise equality of doubles, not approximate.
  CHECK(std::memcmp(whole.v->samples().data(), split.v->samples().data(), whole.v->samples().size_bytes()) == 0);
  CHECK(whole.sim->stats().events == split.sim->stats().events);
}

TEST_CASE("the same seed gives the same run; another seed another") {
  RandomNet a(5), b(5), c(6);
  a.sim->run_until(Time::from_seconds(0.5));
  b.sim->run_until(Time::from_seconds(0.5));
  c.sim->run_until(Time::from_seconds(0.5));
  REQUIRE(a.spikes->count() == b.spikes->count());
  CHECK(std::equal(a.spikes->times().begin(), a.spikes->times().end(), b.spikes->times().begin()));
  CHECK(a.spikes->count() != c.spikes->count());
}

TEST_CASE("a clocked layer with dt = 1 ms bins spikes at bin edges into the later bin") {
  Network net;
  // Spikes at 0, 1 ms (an edge), 1.5 ms, 2 ms - 1 tick, 2 ms (an edge), 4.9 ms.
  const std::int64_t ms = milliseconds(1).ticks();
  const NodeId src = net.add("in", std::make_unique<TSEventSource>(events_ms({0, ms, ms + ms / 2, 2 * ms - 1, 2 * ms, 4 * ms + 9 * ms / 10})));
  auto layer = std::make_unique<InputLog>(1, milliseconds(1), Signal::kSpikes);
  InputLog& log = *layer;
  const NodeId l = net.add("layer", std::move(layer));
  net.connect(src, l, Projection::one_to_one(1, 1.0, Duration::zero()));
  Simulation sim(std::move(net));
  sim.run_until(Time::from_seconds(0.005) + ticks(1));  // ticks at 1, 2, 3, 4, 5 ms
  // Bin k = [k ms, (k+1) ms): bin 0 {0}, bin 1 {1, 1.5, 2 - tick}, bin 2 {2}, bin 3 {}, bin 4 {4.9}.
  REQUIRE(log.steps.size() == 5);
  CHECK(log.steps[0][0] == 1.0);
  CHECK(log.steps[1][0] == 3.0);
  CHECK(log.steps[2][0] == 1.0);
  CHECK(log.steps[3][0] == 0.0);
  CHECK(log.steps[4][0] == 1.0);
}

TEST_CASE("a layer with its own accumulator bins edge spikes exactly like the generic path") {
  // The spike train of the test above, into InputLog (the simulation's bin) and into
  // AccumulatingLog (the layer's own accumulator) side by side.
  const std::int64_t ms = milliseconds(1).ticks();
  Network net;
  const NodeId src = net.add("in", std::make_unique<TSEventSource>(events_ms({0, ms, ms + ms / 2, 2 * ms - 1, 2 * ms, 4 * ms + 9 * ms / 10})));
  auto generic = std::make_unique<InputLog>(2, milliseconds(1), Signal::kSpikes);
  auto own = std::make_unique<AccumulatingLog>(2, milliseconds(1));
  InputLog& generic_log = *generic;
  AccumulatingLog& own_log = *own;
  const NodeId g = net.add("generic", std::move(generic));
  const NodeId o = net.add("own", std::move(own));
  // Channel 1 gets two synapses per spike (0.25 and 0.5: sums exact in any order).
  std::vector<Synapse> synapses = {{0, 0, 1.0, Duration::zero()}, {0, 1, 0.25, Duration::zero()},
                                   {0, 1, 0.5, Duration::zero()}};
  net.connect(src, g, Projection::from_synapses(1, 2, synapses));
  net.connect(src, o, Projection::from_synapses(1, 2, synapses));
  Simulation sim(std::move(net));
  sim.run_until(Time::from_seconds(0.005) + ticks(1));
  REQUIRE(own_log.steps.size() == 5);
  CHECK(own_log.steps == generic_log.steps);
  CHECK(own_log.inputs_were_empty);
  const std::vector<double> counts = {1, 3, 1, 0, 1};  // bins 0..4, as in the test above
  for (std::size_t k = 0; k < 5; ++k) {
    CHECK(own_log.steps[k][0] == counts[k]);
    CHECK(own_log.steps[k][1] == 0.75 * counts[k]);
  }
}

TEST_CASE("a layer that lists its spikes emits the same spikes, in the same order, as dense counts") {
  // Poisson counts of 0, 1, 2, ... per channel and step through three Repeater variants;
  // a downstream InputLog of each sees the emitted spikes binned again.
  auto run = [](Repeater::Output how) {
    Network net;
    const NodeId src = net.add("in", std::make_unique<PoissonSource>(5, 3000.0, 9));
    const NodeId r = net.add("repeater", std::make_unique<Repeater>(5, milliseconds(1), how));
    auto log = std::make_unique<InputLog>(5, milliseconds(1), Signal::kSpikes);
    InputLog& steps = *log;
    const NodeId l = net.add("log", std::move(log));
    net.connect(src, r, Projection::one_to_one(5, 1.0, Duration::zero()));
    net.connect(r, l, Projection::one_to_one(5, 1.0, Duration::zero()));
    auto sim = std::make_unique<Simulation>(std::move(net));
    SpikeRecorder& spikes = sim->record_spikes(r);
    std::vector<NeuronIndex> order;  // emission order, which the scheduler's seq depends on
    sim->on_spike([&](NodeId node, NeuronIndex i, Time) { if (node == r) order.push_back(i); });
    sim->run_until(Time::from_seconds(0.2));
    return std::make_tuple(spikes.to_tsevent(Time::zero(), sim->now()), order, steps.steps);
  };
  const auto [dense, dense_order, dense_steps] = run(Repeater::Output::kDense);
  const auto [listing, listing_order, listing_steps] = run(Repeater::Output::kListing);
  const auto [adapted, adapted_order, adapted_steps] = run(Repeater::Output::kListingDefault);
  REQUIRE(dense.size() > 1000);  // ~3 spikes per channel and step: many repeats
  CHECK(std::equal(dense.times().begin(), dense.times().end(), listing.times().begin(), listing.times().end()));
  CHECK(std::equal(dense.channels().begin(), dense.channels().end(), listing.channels().begin(),
                   listing.channels().end()));
  CHECK(dense_order == listing_order);
  CHECK(dense_order == adapted_order);
  CHECK(dense_steps == listing_steps);
  CHECK(dense_steps == adapted_steps);
}

TEST_CASE("clock ticks happen at t0 + k*dt exactly and emit at the end of the bin") {
  // dt = 0.1 ms = 900000 ticks; after 10000 ticks the time is exactly 1 s (no drift).
  Network net;
  const NodeId src = net.add("in", std::make_unique<RegularSource>(1, microseconds(100)));
  const NodeId l = net.add("threshold", std::make_unique<Threshold>(microseconds(100)));
  net.connect(src, l, Projection::one_to_one(1, 1.0, Duration::zero()));
  Simulation sim(std::move(net), Time::from_seconds(0.25));
  SpikeRecorder& out = sim.record_spikes(l);
  sim.run_until(Time::from_seconds(1.25) + ticks(1));
  REQUIRE(out.count() == 10000);
  // Input at t0 + k*dt lands in bin k, whose tick (and output spike) is at t0 + (k+1)*dt.
  CHECK(out.times()[0] == Time::from_seconds(0.25) + microseconds(100));
  CHECK(out.times()[9999] == Time::from_seconds(1.25));
  CHECK(sim.stats().clock_ticks == 10000);
}

TEST_CASE("continuous input is sampled at the start of each bin, chained layers see the same bin") {
  Network net;
  // A ramp x(t) = t / 1 s on [0, 1 s], linear interpolation.
  TSContinuous ramp({Time::zero(), Time::from_seconds(1.0)}, {0.0, 1.0}, 1);
  const NodeId src = net.add("ramp", std::make_unique<TSContinuousSource>(ramp));
  // Added downstream-first, so NodeId order alone would make the chain lag a step.
  auto second = std::make_unique<InputLog>(1, milliseconds(10), Signal::kContinuous);
  auto first = std::make_unique<InputLog>(1, milliseconds(10), Signal::kContinuous);
  InputLog& log2 = *second;
  InputLog& log1 = *first;
  const NodeId b = net.add("second", std::move(second));
  const NodeId a = net.add("first", std::move(first));
  net.connect(src, a, Projection::one_to_one(1, 2.0, Duration::zero()));
  net.connect(a, b, Projection::one_to_one(1, 1.0, Duration::zero()));
  Simulation sim(std::move(net));
  sim.run_until(Time::from_seconds(0.05) + ticks(1));
  REQUIRE(log1.steps.size() == 5);
  REQUIRE(log2.steps.size() == 5);
  for (std::size_t k = 0; k < 5; ++k) {
    const double expected = 2.0 * 0.01 * static_cast<double>(k);  // 2 x(k * 10 ms)
    CHECK(log1.steps[k][0] == doctest::Approx(expected).epsilon(1e-15));
    CHECK(log2.steps[k][0] == doctest::Approx(expected).epsilon(1e-15));
  }
}

TEST_CASE("request_stop from a spike callback ends the run at that spike") {
  RandomNet net(3);
  std::uint64_t seen = 0;
  net.sim->on_spike([&](NodeId node, NeuronIndex, Time) {
    if (node == 1 && ++seen == 50) net.sim->request_stop();
  });
  const bool finished = net.sim->run_until(Time::from_seconds(5));
  CHECK_FALSE(finished);
  CHECK(net.spikes->count() == 50);
  CHECK(net.sim->now() == net.spikes->times()[49]);
}

TEST_CASE("run_until refuses to go back in time; recorders refuse unknown variables") {
  RandomNet net(3);
  net.sim->run_until(Time::from_seconds(0.1));
  CHECK_THROWS_AS(net.sim->run_until(Time::from_seconds(0.05)), InvalidArgument);
  CHECK_THROWS_AS(net.sim->record_state(1, "no_such_state", {}, milliseconds(1)), InvalidArgument);
  CHECK_THROWS_AS(net.sim->record_state(1, "v_mem", {200}, milliseconds(1)), OutOfRange);
  CHECK_THROWS_AS(net.sim->record_state(0, "v", {}, milliseconds(1)), InvalidArgument);  // a source has no state
}

TEST_CASE("the progress hook sees time advance and the event count grow") {
  RandomNet net(4);
  std::vector<Time> seen;
  std::uint64_t last_events = 0;
  bool monotonic = true;
  net.sim->on_progress(
      [&](Time now, Time, const RunStats& s) {
        if (!seen.empty() && (now < seen.back() || s.events < last_events)) monotonic = false;
        seen.push_back(now);
        last_events = s.events;
      },
      1000);
  net.sim->run_until(Time::from_seconds(0.5));
  CHECK(seen.size() == net.sim->stats().events / 1000 + 1);
  CHECK(monotonic);
  CHECK(seen.back() == Time::from_seconds(0.5));
}

TEST_CASE("the README's library example builds, runs and gives a TSEvent over the run") {
  Network net;
  NodeId in = net.add("input", std::make_unique<PoissonSource>(100, 20.0, /*seed=*/1));
  NodeId lif = net.add("lif", std::make_unique<LifExp>(LifExp::Parameters{.bias = 0.5}, 50));
  net.connect(in, lif, Projection::random(100, 50, 0.1, 0.3, milliseconds(1), /*seed=*/2));
  Simulation sim(std::move(net));
  SpikeRecorder& spikes = sim.record_spikes(lif);
  sim.run_until(Time::from_seconds(1.0));
  TSEvent out = spikes.to_tsevent(Time::zero(), sim.now());
  CHECK(out.num_channels() == 50);
  CHECK(out.t_stop() == Time::from_seconds(1.0));
  // Each neuron gets ~10 inputs x 20 Hz x 0.3 x 50 ms = 3 units of current on top of
  // the 0.5 bias: well above threshold 1, so every neuron fires.
  CHECK(out.size() > 50);
}
