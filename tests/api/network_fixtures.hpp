// network_fixtures.hpp: the networks the session and checkpoint tests run twice — once in
// a session (or split by a checkpoint) and once straight — to compare bit for bit.
#pragma once

#include <compare>
#include <cstring>
#include <memory>
#include <vector>

#include "engine/network.hpp"
#include "engine/random.hpp"
#include "neurons/lif_exp.hpp"
#include "neurons/lif_exp_clocked.hpp"
#include "timeseries/ts_event.hpp"

namespace rockpool::test {

struct RecordedSpike {
  NodeId node;
  NeuronIndex neuron;
  Time time;
  friend auto operator<=>(const RecordedSpike&, const RecordedSpike&) = default;
};

inline LifExp::Parameters fixture_lif() {
  LifExp::Parameters p;
  p.tau_mem = 10e-3;
  p.tau_syn = {5e-3, 8e-3};
  p.threshold = 1.0;
  p.refractory = microseconds(1500);
  return p;
}

// Adds, after an input of 4 channels that must already be node 0: "lif" (12 exact LIF
// neurons; input synapses with delays 0 to 2 ms in steps of 250 us, recurrent synapses on
// port 1 with 2 ms delay) and "clocked" (6 clocked LIF neurons, dt = 500 us, two ports).
inline void add_fixture_network(Network& net) {
  const NodeId lif = net.add("lif", std::make_unique<LifExp>(fixture_lif(), 12));
  const NodeId clocked = net.add("clocked", std::make_unique<LifExpClocked>(fixture_lif(), 6, microseconds(500)));
  std::vector<Synapse> synapses;
  for (NeuronIndex pre = 0; pre < 4; ++pre) {
    for (NeuronIndex post = 0; post < 12; ++post) {
      if ((pre + post) % 3 == 0) continue;
      synapses.push_back({pre, post, 0.45 + 0.05 * ((pre * 7 + post) % 5), microseconds(250 * ((pre + 2 * post) % 9))});
    }
  }
  net.connect(0, lif, Projection::from_synapses(4, 12, std::move(synapses)));
  net.connect(lif, lif, Projection::random(12, 12, 0.3, 0.3, milliseconds(2), /*seed=*/5, /*port=*/1));
  std::vector<double> w(4 * 12, 0.0);
  for (std::size_t c = 0; c < 4; ++c) w[c * 12 + c] = w[c * 12 + c + 4] = 1.1;  // port 0 of neurons c, c + 4
  net.connect(0, clocked, Projection::dense(4, 12, w, Duration::zero()));
}

// About 2 kHz of input over [0, duration) on 4 channels, times on a 50 us grid so that many
// events share a time, fall on the clocked layer's bin edges, or repeat a channel.
inline TSEvent fixture_input(Duration duration, std::uint64_t seed = 42) {
  CounterRng rng(seed, 0);
  std::vector<Time> times;
  std::vector<Channel> channels;
  std::int64_t slot = 0;
  for (std::uint64_t k = 0;; ++k) {
    slot += static_cast<std::int64_t>(rng.exponential(k) * 10.0);  // mean 10 slots of 50 us
    const Time t = Time::zero() + slot * microseconds(50);
    if (t >= Time::zero() + duration) break;
    times.push_back(t);
    channels.push_back(static_cast<Channel>(rng.bits(k, 1) % 4));
  }
  return TSEvent(std::move(times), std::move(channels), {.num_channels = 4});
}

// Every state variable of every neuron of `node` at t, as raw doubles.
inline std::vector<double> all_state(const Node& node, Time t) {
  std::vector<double> out;
  for (std::size_t v = 0; v < node.state_names().size(); ++v) {
    for (NeuronIndex i = 0; i < node.size_out(); ++i) out.push_back(node.state(v, i, t));
  }
  return out;
}

// Bitwise equality of doubles (NaN == NaN, -0 != +0): "bit for bit".
inline bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (std::memcmp(&a[k], &b[k], sizeof(double)) != 0) return false;
  }
  return true;
}

}  // namespace rockpool::test
