// model_test_support.hpp: small helpers the model tests share (tests only).
#pragma once

#include <doctest/doctest.h>

#include <cstdio>
#include <functional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "engine/checkpoint.hpp"
#include "engine/error.hpp"
#include "engine/projection.hpp"
#include "engine/simulation.hpp"
#include "neurons/lif_exp.hpp"
#include "tests/api/network_fixtures.hpp"  // same_bits
#include "timeseries/ts_continuous.hpp"

namespace rockpool::test {

// The argument a construction error names, and whether it is a DimensionMismatch
// ("(accepted)" if `make` did not throw).
template <class F>
std::pair<std::string, bool> refusal(F&& make) {
  try {
    make();
  } catch (const DimensionMismatch& e) {
    return {e.argument(), true};
  } catch (const InvalidArgument& e) {
    return {e.argument(), false};
  }
  return {"(accepted)", false};
}

// A piecewise-constant signal: `values[k]` (one per channel) from `times[k]` on, held to 10 s.
inline TSContinuous held(std::vector<Time> times, std::vector<double> values, std::size_t channels = 1) {
  TSContinuous::Options o;
  o.interpolation = Interpolation::kPrevious;
  o.t_stop = Time::from_seconds(10.0);
  return TSContinuous(std::move(times), std::move(values), channels, o);
}

// Dense rows x columns weights, row-major [pre][post].
inline Projection dense(std::size_t rows, std::size_t columns, std::vector<double> w,
                        Duration delay = Duration::zero(), std::uint32_t port = 0) {
  return Projection::dense(rows, columns, w, delay, port);
}

// The LIF of the current-input tests: tau_mem 20 ms, one 5 ms port, threshold 1, rest and
// reset 0.
constexpr double kCurrentTestTauMem = 0.02;
inline LifExp::Parameters current_test_lif(Duration refractory = Duration::zero()) {
  LifExp::Parameters p;
  p.tau_mem = kCurrentTestTauMem;
  p.tau_syn = {0.005};
  p.threshold = 1.0;
  p.v_rest = 0.0;
  p.v_reset = 0.0;
  p.refractory = refractory;
  return p;
}

// Numbers as a config list, "[a, b, ...]", each to 17 significant digits (exact round trip).
inline std::string list(const std::vector<double>& v) {
  std::string out;
  char buffer[32];
  for (const double x : v) {
    std::snprintf(buffer, sizeof buffer, "%.17g", x);
    out += (out.empty() ? "" : ", ") + std::string(buffer);
  }
  return "[" + out + "]";
}

// Everything observable of a run about the node named "lif": every spike of the network
// (node, neuron, time) and every state variable of "lif" every 0.7 ms. For the tests that
// compare a config-built network with a code-built one and a checkpointed run with a
// straight one.
struct LifObserved {
  std::vector<std::tuple<NodeId, NeuronIndex, Time>> spikes;
  std::vector<std::vector<double>> samples;  // per state variable
};

inline std::vector<StateRecorder*> observe_lif(Simulation& sim, LifObserved& o) {
  const NodeId lif = sim.network().id("lif");
  sim.on_spike([&o](NodeId node, NeuronIndex i, Time t) { o.spikes.emplace_back(node, i, t); });
  std::vector<StateRecorder*> recorders;
  for (std::string_view name : sim.network().node(lif).state_names()) {
    recorders.push_back(&sim.record_state(lif, name, {}, microseconds(700)));
  }
  return recorders;
}

inline void collect_lif(const std::vector<StateRecorder*>& recorders, LifObserved& o) {
  o.samples.resize(recorders.size());
  for (std::size_t r = 0; r < recorders.size(); ++r) {
    o.samples[r].insert(o.samples[r].end(), recorders[r]->samples().begin(), recorders[r]->samples().end());
  }
}

inline LifObserved run_straight(Network net, Time until) {
  Simulation sim(std::move(net));
  LifObserved o;
  const auto recorders = observe_lif(sim, o);
  sim.run_until(until);
  collect_lif(recorders, o);
  return o;
}

// Run to t1, checkpoint, restore into a fresh make(), run on to t2.
inline LifObserved run_split(const std::function<Network()>& make, Time t1, Time t2) {
  LifObserved o;
  std::vector<std::byte> bytes;
  {
    Simulation first(make());
    const auto recorders = observe_lif(first, o);
    first.run_until(t1);
    StateWriter out;
    first.save_state(out);
    bytes.assign(out.bytes().begin(), out.bytes().end());
    collect_lif(recorders, o);
  }
  Simulation second(make());
  const auto recorders = observe_lif(second, o);
  StateReader in(bytes, "<test>");
  second.restore_state(in);
  CHECK(in.at_end());
  second.run_until(t2);
  collect_lif(recorders, o);
  return o;
}

// Two runs saw the same spikes and the same samples, bit for bit.
inline void check_same(const LifObserved& a, const LifObserved& b) {
  CHECK(a.spikes == b.spikes);
  REQUIRE(a.samples.size() == b.samples.size());
  for (std::size_t r = 0; r < a.samples.size(); ++r) CHECK(same_bits(a.samples[r], b.samples[r]));
}

}  // namespace rockpool::test
