#include "engine/projection.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "engine/error.hpp"
#include "engine/random.hpp"

namespace rockpool {

Projection Projection::from_synapses(std::size_t num_pre, std::size_t num_post, std::vector<Synapse> synapses,
                                     std::uint32_t port) {
  if (num_pre > UINT32_MAX || num_post > UINT32_MAX) {
    throw OutOfRange("projection size", "more than 2^32 - 1 neurons on one side");
  }
  for (std::size_t k = 0; k < synapses.size(); ++k) {
    const Synapse& s = synapses[k];
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
  // Order by (pre, delay); stable so equal keys keep the caller's order (deterministic
  // delivery order within a group).
  const auto by_pre_then_delay = [](const Synapse& a, const Synapse& b) {
    if (a.pre != b.pre) return a.pre < b.pre;
    return a.delay < b.delay;
  };
  // Generators usually produce rows in order already; sorting is then wasted work.
  if (!std::is_sorted(synapses.begin(), synapses.end(), by_pre_then_delay)) {
    std::stable_sort(synapses.begin(), synapses.end(), by_pre_then_delay);
  }
  Projection p;
  p.num_pre_ = num_pre;
  p.num_post_ = num_post;
  p.port_ = port;
  p.source_groups_.assign(num_pre + 1, 0);
  p.targets_.reserve(synapses.size());
  p.weights_.reserve(synapses.size());
  p.group_synapses_.push_back(0);
  std::size_t k = 0;
  for (std::size_t pre = 0; pre < num_pre; ++pre) {
    p.source_groups_[pre] = static_cast<std::uint32_t>(p.group_delay_.size());
    while (k < synapses.size() && synapses[k].pre == pre) {
      const Duration d = synapses[k].delay;
      while (k < synapses.size() && synapses[k].pre == pre && synapses[k].delay == d) {
        p.targets_.push_back(synapses[k].post);
        p.weights_.push_back(synapses[k].weight);
        ++k;
      }
      p.group_delay_.push_back(d);
      p.group_synapses_.push_back(p.targets_.size());
    }
  }
  p.source_groups_[num_pre] = static_cast<std::uint32_t>(p.group_delay_.size());
  if (!p.group_delay_.empty()) {
    p.min_delay_ = *std::min_element(p.group_delay_.begin(), p.group_delay_.end());
    p.max_delay_ = *std::max_element(p.group_delay_.begin(), p.group_delay_.end());
  }
  return p;
}

Projection Projection::dense(std::size_t num_pre, std::size_t num_post, std::span<const double> weights,
                             Duration delay, std::uint32_t port) {
  if (weights.size() != num_pre * num_post) {
    throw DimensionMismatch("weights", "has " + std::to_string(weights.size()) + " entries, expected " +
                                           std::to_string(num_pre) + " x " + std::to_string(num_post));
  }
  std::vector<Synapse> synapses;
  for (std::size_t i = 0; i < num_pre; ++i) {
    for (std::size_t j = 0; j < num_post; ++j) {
      const double w = weights[i * num_post + j];
      if (!std::isfinite(w)) {
        throw InvalidArgument("weights", "non-finite weight at [" + std::to_string(i) + "][" + std::to_string(j) + "]");
      }
      if (w != 0.0) synapses.push_back({static_cast<NeuronIndex>(i), static_cast<NeuronIndex>(j), w, delay});
    }
  }
  return from_synapses(num_pre, num_post, std::move(synapses), port);
}

Projection Projection::one_to_one(std::size_t n, double weight, Duration delay, std::uint32_t port) {
  std::vector<Synapse> synapses;
  synapses.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    synapses.push_back({static_cast<NeuronIndex>(i), static_cast<NeuronIndex>(i), weight, delay});
  }
  return from_synapses(n, n, std::move(synapses), port);
}

Projection Projection::random(std::size_t num_pre, std::size_t num_post, double p, double weight,
                              Duration delay, std::uint64_t seed, std::uint32_t port) {
  if (!(p >= 0.0 && p <= 1.0)) throw InvalidArgument("p", "connection probability must be in [0, 1]");
  std::vector<Synapse> synapses;
  synapses.reserve(static_cast<std::size_t>(p * static_cast<double>(num_pre * num_post) * 1.05) + 16);
  for (std::size_t i = 0; i < num_pre; ++i) {
    const CounterRng rng(seed, i);  // one stream per source row: rows are independent
    for_each_bernoulli(rng, num_post, p, [&](std::uint64_t j) {
      synapses.push_back({static_cast<NeuronIndex>(i), static_cast<NeuronIndex>(j), weight, delay});
    });
  }
  return from_synapses(num_pre, num_post, std::move(synapses), port);
}

std::size_t Projection::memory_bytes() const {
  return source_groups_.size() * sizeof(std::uint32_t) + group_delay_.size() * sizeof(Duration) +
         group_synapses_.size() * sizeof(std::uint64_t) + targets_.size() * sizeof(NeuronIndex) +
         weights_.size() * sizeof(double);
}

}  // namespace rockpool
