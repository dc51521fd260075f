#include "engine/random.hpp"

#include <cmath>
#include <numbers>

namespace rockpool {
namespace {
// Constants of the Philox4x32 round function and Weyl key schedule (Salmon et al. 2011).
constexpr std::uint32_t kMultiplier0 = 0xD2511F53;
constexpr std::uint32_t kMultiplier1 = 0xCD9E8D57;
constexpr std::uint32_t kWeyl0 = 0x9E3779B9;
constexpr std::uint32_t kWeyl1 = 0xBB67AE85;
}  // namespace

std::array<std::uint32_t, 4> philox4x32_10(std::array<std::uint32_t, 4> c,
                                           std::array<std::uint32_t, 2> k) {
  for (int round = 0; round < 10; ++round) {
    const std::uint64_t p0 = static_cast<std::uint64_t>(kMultiplier0) * c[0];
    const std::uint64_t p1 = static_cast<std::uint64_t>(kMultiplier1) * c[2];
    c = {static_cast<std::uint32_t>(p1 >> 32) ^ c[1] ^ k[0], static_cast<std::uint32_t>(p1),
         static_cast<std::uint32_t>(p0 >> 32) ^ c[3] ^ k[1], static_cast<std::uint32_t>(p0)};
    k[0] += kWeyl0;
    k[1] += kWeyl1;
  }
  return c;
}

std::array<std::uint32_t, 4> CounterRng::block(std::uint64_t counter) const {
  // Counter words: the draw index and the stream; key: the seed.
  return philox4x32_10({static_cast<std::uint32_t>(counter), static_cast<std::uint32_t>(counter >> 32),
                        static_cast<std::uint32_t>(stream_), static_cast<std::uint32_t>(stream_ >> 32)},
                       {static_cast<std::uint32_t>(seed_), static_cast<std::uint32_t>(seed_ >> 32)});
}

std::uint64_t CounterRng::bits(std::uint64_t counter, unsigned lane) const {
  const auto b = block(counter);
  const unsigned i = (lane & 1) * 2;
  return (static_cast<std::uint64_t>(b[i + 1]) << 32) | b[i];
}

double CounterRng::uniform(std::uint64_t counter) const {
  return static_cast<double>(bits(counter) >> 11) * 0x1.0p-53;
}

double CounterRng::uniform_open0(std::uint64_t counter) const {
  return (static_cast<double>(bits(counter) >> 11) + 1.0) * 0x1.0p-53;
}

double CounterRng::normal(std::uint64_t counter) const {
  const auto b = block(counter);
  const std::uint64_t a = (static_cast<std::uint64_t>(b[1]) << 32) | b[0];
  const std::uint64_t c = (static_cast<std::uint64_t>(b[3]) << 32) | b[2];
  const double u1 = (static_cast<double>(a >> 11) + 1.0) * 0x1.0p-53;  // (0, 1]
  const double u2 = static_cast<double>(c >> 11) * 0x1.0p-53;          // [0, 1)
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

double CounterRng::exponential(std::uint64_t counter) const {
  return -std::log(uniform_open0(counter));
}

}  // namespace rockpool
