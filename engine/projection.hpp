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
  friend class ProjectionBuilder;
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

// Builds a projection row by row, straight into its CSR arrays: no intermediate synapse
// list, so a large projection needs its final memory (12 bytes per synapse) and one row of
// scratch, not twice that. Rows come in increasing source order; within a row synapses
// may come in any order and are grouped by delay (stably) when the row ends. Checks each
// synapse as it is added (OutOfRange / InvalidArgument naming it by its running index).
//
//   ProjectionBuilder b(n_pre, n_post, /*port=*/0, /*expected_synapses=*/n_pre * 80);
//   b.add(0, 3, 0.5, milliseconds(1));
//   Projection p = std::move(b).build();
class ProjectionBuilder {
 public:
  ProjectionBuilder(std::size_t num_pre, std::size_t num_post, std::uint32_t port = 0,
                    std::size_t expected_synapses = 0);
  // Pre: pre >= the source of every earlier call (InvalidArgument otherwise).
  void add(NeuronIndex pre, NeuronIndex post, double weight, Duration delay);
  Projection build() &&;

 private:
  void flush_row();
  void start_rows_up_to(std::size_t pre);

  Projection p_;
  std::size_t added_ = 0;      // synapses so far, for error messages
  std::size_t next_row_ = 0;   // rows [0, next_row_) have their group offset set
  std::int64_t row_ = -1;      // the row being collected
  std::vector<Synapse> row_synapses_;
};

}  // namespace rockpool
