// state_noise.hpp: Rockpool's state noise for clocked layers, drawn order-independently.
//
// Rockpool's Layer defines `noise_std` as "the expected std. dev. [of the state] after 1 s
// of integration": a white noise of density noise_std (units of the state per sqrt(s)), so
// a step of dt adds noise_std * sqrt(dt) * z to the state, z standard normal. After 1 s of
// pure integration (1/dt steps) the added noise has std. dev. exactly noise_std, and after
// T seconds noise_std * sqrt(T). The same scaling is RateJax's and LIFJax's `noise_zeta`.
//
// Draw k of unit j is CounterRng(seed, j).normal(k): a pure function of (seed, unit, step),
// so the noise does not depend on evaluation order, on the layer's size or on how a run is
// split. Internal to neurons/ (one copy for every clocked model that has state noise).
//
//   StateNoise noise(p.noise_std, dt, p.seed);
//   if (noise) v[j] += noise(j, step);
#pragma once

#include <cmath>
#include <cstdint>
#include <string>

#include "engine/error.hpp"
#include "engine/random.hpp"
#include "engine/time.hpp"

namespace rockpool {

class StateNoise {
 public:
  StateNoise() = default;
  // InvalidArgument naming `noise_std` if it is negative or not finite.
  StateNoise(double noise_std, Duration dt, std::uint64_t seed) : seed_(seed) {
    if (!std::isfinite(noise_std) || noise_std < 0.0) {
      throw InvalidArgument("noise_std", "must be finite and >= 0, got " + std::to_string(noise_std));
    }
    per_step_ = noise_std * std::sqrt(to_seconds(dt));
  }

  explicit operator bool() const { return per_step_ > 0.0; }
  // The std. dev. added per step: noise_std * sqrt(dt).
  double per_step() const { return per_step_; }
  // The noise added to unit j's state at step k (k = 0 for the first step after start()).
  double operator()(std::uint64_t unit, std::uint64_t step) const {
    return per_step_ * CounterRng(seed_, unit).normal(step);
  }

 private:
  double per_step_ = 0.0;
  std::uint64_t seed_ = 0;
};

}  // namespace rockpool
