#include "engine/projection.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "engine/error.hpp"
#include "engine/random.hpp"

namespace rockpool {

namespace {

// Names the synapse by its index `k` in the caller's list.
void check_synapse(const Synapse& s, std::size_t k, std::size_t num_pre, std::size_t num_post) {
  if (s.pre >= num_pre) {
    throw OutOfRange("synapses", "synapse " + std::to_string(k) + " has pre " + std::to_string(s.pre) +
                                     " but the source has " + std::to_string(num_pre) + " neurons");
  }
  if (s.post >= num_post) {
    throw OutOfRange("synapses", "synapse " + std::to_string(k) + " has post " + std::to_string(s.post) +
                                     " but the target has " + std::to_string(num_post) + " neurons");
  }
  if (!std::isfinite(s.weight)) {
    throw InvalidArgument("synapses", "synapse " + std::to_string(k) + " has a non-finite weight");
  }
  if (s.delay < Duration::zero()) {
    throw InvalidArgument("synapses", "synapse " + std::to_string(k) + " has a negative delay");
  }
}

}  // namespace

ProjectionBuilder::ProjectionBuilder(std::size_t num_pre, std::size_t num_post, std::uint32_t port,
                                     std::size_t expected_synapses) {
  if (num_pre > UINT32_MAX || num_post > UINT32_MAX) {
    throw OutOfRange("projection size", "more than 2^32 - 1 neurons on one side");
  }
  p_.num_pre_ = num_pre;
  p_.num_post_ = num_post;
  p_.port_ = port;
  p_.source_groups_.assign(num_pre + 1, 0);
  p_.targets_.reserve(expected_synapses);
  p_.weights_.reserve(expected_synapses);
  p_.group_synapses_.push_back(0);
}

void ProjectionBuilder::add(NeuronIndex pre, NeuronIndex post, double weight, Duration delay) {
  const std::size_t k = added_++;
  check_synapse({pre, post, weight, delay}, k, p_.num_pre_, p_.num_post_);
  if (static_cast<std::int64_t>(pre) < row_) {
    throw InvalidArgument("synapses", "synapse " + std::to_string(k) + " has pre " + std::to_string(pre) +
                                          " after a synapse of pre " + std::to_string(row_) +
                                          ": rows must come in increasing order");
  }
  if (static_cast<std::int64_t>(pre) != row_) {
    flush_row();
    row_ = pre;
  }
  row_synapses_.push_back({pre, post, weight, delay});
}

void ProjectionBuilder::start_rows_up_to(std::size_t pre) {
  for (; next_row_ <= pre && next_row_ <= p_.num_pre_; ++next_row_) {
    p_.source_groups_[next_row_] = static_cast<std::uint32_t>(p_.group_delay_.size());
  }
}

void ProjectionBuilder::flush_row() {
  if (row_ < 0) return;
  start_rows_up_to(static_cast<std::size_t>(row_));
  // Group by delay; stable, so equal delays keep the caller's order (deterministic
  // delivery order within a group).
  std::stable_sort(row_synapses_.begin(), row_synapses_.end(),
                   [](const Synapse& a, const Synapse& b) { return a.delay < b.delay; });
  for (std::size_t k = 0; k < row_synapses_.size();) {
    const Duration d = row_synapses_[k].delay;
    for (; k < row_synapses_.size() && row_synapses_[k].delay == d; ++k) {
      p_.targets_.push_back(row_synapses_[k].post);
      p_.weights_.push_back(row_synapses_[k].weight);
    }
    p_.group_delay_.push_back(d);
    p_.group_synapses_.push_back(p_.targets_.size());
    p_.min_delay_ = p_.group_delay_.size() == 1 ? d : std::min(p_.min_delay_, d);
    p_.max_delay_ = p_.group_delay_.size() == 1 ? d : std::max(p_.max_delay_, d);
  }
  row_synapses_.clear();
}

Projection ProjectionBuilder::build() && {
  flush_row();
  start_rows_up_to(p_.num_pre_);  // the remaining rows (empty) and the end offset
  // Trim only a clearly oversized reservation: trimming copies, and the copy would double
  // the peak memory for a moment.
  if (p_.targets_.capacity() > p_.targets_.size() + p_.targets_.size() / 4) {
    p_.targets_.shrink_to_fit();
    p_.weights_.shrink_to_fit();
  }
  return std::move(p_);
}

Projection Projection::from_synapses(std::size_t num_pre, std::size_t num_post, std::vector<Synapse> synapses,
                                     std::uint32_t port) {
  // Check with the caller's indices, then put rows in order for the builder (stable, so
  // each row keeps the caller's order).
  for (std::size_t k = 0; k < synapses.size(); ++k) check_synapse(synapses[k], k, num_pre, num_post);
  std::stable_sort(synapses.begin(), synapses.end(), [](const Synapse& a, const Synapse& b) { return a.pre < b.pre; });
  ProjectionBuilder builder(num_pre, num_post, port, synapses.size());
  for (const Synapse& s : synapses) builder.add(s.pre, s.post, s.weight, s.delay);
  return std::move(builder).build();
}

Projection Projection::dense(std::size_t num_pre, std::size_t num_post, std::span<const double> weights,
                             Duration delay, std::uint32_t port) {
  if (weights.size() != num_pre * num_post) {
    throw DimensionMismatch("weights", "has " + std::to_string(weights.size()) + " entries, expected " +
                                           std::to_string(num_pre) + " x " + std::to_string(num_post));
  }
  ProjectionBuilder builder(num_pre, num_post, port);
  for (std::size_t i = 0; i < num_pre; ++i) {
    for (std::size_t j = 0; j < num_post; ++j) {
      const double w = weights[i * num_post + j];
      if (!std::isfinite(w)) {
        throw InvalidArgument("weights", "non-finite weight at [" + std::to_string(i) + "][" + std::to_string(j) + "]");
      }
      if (w != 0.0) builder.add(static_cast<NeuronIndex>(i), static_cast<NeuronIndex>(j), w, delay);
    }
  }
  return std::move(builder).build();
}

Projection Projection::one_to_one(std::size_t n, double weight, Duration delay, std::uint32_t port) {
  ProjectionBuilder builder(n, n, port, n);
  for (std::size_t i = 0; i < n; ++i) builder.add(static_cast<NeuronIndex>(i), static_cast<NeuronIndex>(i), weight, delay);
  return std::move(builder).build();
}

Projection Projection::random(std::size_t num_pre, std::size_t num_post, double p, double weight,
                              Duration delay, std::uint64_t seed, std::uint32_t port) {
  if (!(p >= 0.0 && p <= 1.0)) throw InvalidArgument("p", "connection probability must be in [0, 1]");
  ProjectionBuilder builder(num_pre, num_post, port,
                            static_cast<std::size_t>(p * static_cast<double>(num_pre) * static_cast<double>(num_post) * 1.02) + 16);
  for (std::size_t i = 0; i < num_pre; ++i) {
    const CounterRng rng(seed, i);  // one stream per source row: rows are independent
    for_each_bernoulli(rng, num_post, p, [&](std::uint64_t j) {
      builder.add(static_cast<NeuronIndex>(i), static_cast<NeuronIndex>(j), weight, delay);
    });
  }
  return std::move(builder).build();
}

std::size_t Projection::memory_bytes() const {
  return source_groups_.size() * sizeof(std::uint32_t) + group_delay_.size() * sizeof(Duration) +
         group_synapses_.size() * sizeof(std::uint64_t) + targets_.size() * sizeof(NeuronIndex) +
         weights_.size() * sizeof(double);
}

}  // namespace rockpool
