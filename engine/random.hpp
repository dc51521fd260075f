// random.hpp: counter-based random numbers (Philox4x32-10, Salmon et al., SC'11).
//
// A random value is a pure function of (seed, stream, counter): no hidden generator state,
// so results do not depend on evaluation order, thread count or how a run is split. Use
// `stream` for the entity (a neuron, a generator) and `counter` for the draw (a step, the
// k-th spike). Same key and counter => the same bits, on every machine.
//
//   CounterRng rng(seed, /*stream=*/neuron);
//   double u = rng.uniform(step);            // in [0, 1)
//   double g = rng.normal(step);             // standard normal
#pragma once

#include <array>
#include <cmath>
#include <cstdint>

namespace rockpool {

// The Philox4x32-10 block function: four 32-bit words of output for a 128-bit counter
// and a 64-bit key.
std::array<std::uint32_t, 4> philox4x32_10(std::array<std::uint32_t, 4> counter,
                                           std::array<std::uint32_t, 2> key);

class CounterRng {
 public:
  CounterRng(std::uint64_t seed, std::uint64_t stream) : seed_(seed), stream_(stream) {}

  // 64 random bits for draw `counter`; `lane` (0 or 1) selects half of the 128-bit block.
  std::uint64_t bits(std::uint64_t counter, unsigned lane = 0) const;
  // Uniform in [0, 1) with 53 random bits.
  double uniform(std::uint64_t counter) const;
  // Uniform in (0, 1]: safe for log().
  double uniform_open0(std::uint64_t counter) const;
  // Standard normal (Box-Muller on the two halves of one block).
  double normal(std::uint64_t counter) const;
  // Exponential with rate 1.
  double exponential(std::uint64_t counter) const;

  std::uint64_t seed() const { return seed_; }
  std::uint64_t stream() const { return stream_; }

 private:
  std::array<std::uint32_t, 4> block(std::uint64_t counter) const;
  std::uint64_t seed_;
  std::uint64_t stream_;
};

// Calls visit(j) for each j in [0, n) that succeeds in an independent Bernoulli(p) trial,
// in increasing order, drawing one geometric gap per success (draw k uses counter k) rather
// than one number per trial: O(p n) work for sparse connectivity.
template <class Visit>
void for_each_bernoulli(const CounterRng& rng, std::uint64_t n, double p, Visit&& visit) {
  if (p <= 0.0 || n == 0) return;
  if (p >= 1.0) {
    for (std::uint64_t j = 0; j < n; ++j) visit(j);
    return;
  }
  // The number of failures before a success is floor(ln U / ln(1 - p)), U in (0, 1].
  const double log_q = std::log1p(-p);
  std::uint64_t j = 0;
  for (std::uint64_t k = 0;; ++k) {
    const double gap = std::floor(std::log(rng.uniform_open0(k)) / log_q);
    if (gap >= static_cast<double>(n - j)) return;
    j += static_cast<std::uint64_t>(gap);
    visit(j);
    if (++j >= n) return;
  }
}

}  // namespace rockpool
