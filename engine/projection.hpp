// projection.hpp: the synapses from one node to another — weights and delays.
//
// Stored by source neuron (CSR), and within a source by delay: each source's synapses are
// cut into delay groups of equal delay. A spike of source neuron `pre` becomes one
// scheduler event per distinct delay, fanned out to the group's targets on delivery — not
// one event per synapse. A projection owns its arrays; nodes are referred to by id.
//
//   auto p = Projection::dense(3, 2, weights /* 3x2 row-major, [pre][post] */, milliseconds(1));
//   auto q = Projection::random(1000, 1000, 0.1, 0.5, milliseconds(1), /*seed=*/1);
//   net.connect(src, dst, std::move(p));
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "engine/event.hpp"
#include "engine/time.hpp"

namespace rockpool {

struct Synapse {
  NeuronIndex pre;
  NeuronIndex post;
  double weight;
  Duration delay;
};

class Projection {
 public:
  // Dense weights, row-major [pre][post] (Rockpool's M x N convention); zero weights
  // make no synapse. One delay for every synapse.
  static Projection dense(std::size_t num_pre, std::size_t num_post, std::span<const double> weights,
                          Duration delay, std::uint32_t port = 0);
  // pre i -> post i with the same weight.
  static Projection one_to_one(std::size_t n, double weight, Duration delay, std::uint32_t port = 0);
  // Each (pre, post) pair connected independently with probability p (fixed seed, counter
  // RNG: the same seed gives the same synapses on every machine), all with one weight.
  static Projection random(std::size_t num_pre, std::size_t num_post, double p, double weight,
                           Duration delay, std::uint64_t seed, std::uint32_t port = 0);
  // Any synapse list, each with its own delay. Throws OutOfRange / InvalidArgument naming
  // the synapse index for a bad index, a non-finite weight or a negative delay.
  static Projection from_synapses(std::size_t num_pre, std::size_t num_post, std::vector<Synapse> synapses,
                                  std::uint32_t port = 0);

  std::size_t num_pre() const { return num_pre_; }
  std::size_t num_post() const { return num_post_; }
  std::size_t num_synapses() const { return targets_.size(); }
  std::uint32_t port() const { return port_; }
  Duration min_delay() const { return min_delay_; }
  Duration max_delay() const { return max_delay_; }

  // Delay groups of source neuron `pre`: indices [groups_begin(pre), groups_begin(pre + 1)).
  std::uint32_t groups_begin(NeuronIndex pre) const { return source_groups_[pre]; }
  Duration group_delay(std::uint32_t g) const { return group_delay_[g]; }
  std::span<const NeuronIndex> group_targets(std::uint32_t g) const {
    return {targets_.data() + group_synapses_[g], targets_.data() + group_synapses_[g + 1]};
  }
  std::span<const double> group_weights(std::uint32_t g) const {
    return {weights_.data() + group_synapses_[g], weights_.data() + group_synapses_[g + 1]};
  }
  // Synapse memory in bytes (targets, weights, group tables).
  std::size_t memory_bytes() const;

 private:
  Projection() = default;
  std::size_t num_pre_ = 0;
  std::size_t num_post_ = 0;
  std::uint32_t port_ = 0;
  Duration min_delay_;
  Duration max_delay_;
  std::vector<std::uint32_t> source_groups_;   // num_pre + 1 offsets into the group arrays
  std::vector<Duration> group_delay_;          // one per group
  std::vector<std::uint64_t> group_synapses_;  // groups + 1 offsets into targets_/weights_
  std::vector<NeuronIndex> targets_;           // post neuron per synapse
  std::vector<double> weights_;                // weight per synapse
};

}  // namespace rockpool
