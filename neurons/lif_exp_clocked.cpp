#include "neurons/lif_exp_clocked.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <string>

#include "engine/checkpoint.hpp"

namespace rockpool {

LifExpClocked::LifExpClocked(LifExp::Parameters parameters, std::size_t size, Duration dt,
                             Discretisation discretisation)
    : params_(std::move(parameters)),
      size_(size),
      ports_(params_.tau_syn.size()),
      dt_(dt),
      discretisation_(discretisation) {
  LifExp check(params_, 0);  // the same parameter checks as the event-driven model
  if (dt <= Duration::zero()) throw InvalidArgument("dt", "must be positive");
  if (discretisation == Discretisation::kRockpoolEuler && params_.refractory != Duration::zero()) {
    throw InvalidArgument("refractory", "must be 0 with the rockpool_euler discretisation (Rockpool's Jax LIF "
                                        "layers have no refractory period)");
  }
  const double h = to_seconds(dt);
  euler_rate_ = h / params_.tau_mem;
  refractory_steps_ = static_cast<double>((params_.refractory.ticks() + dt.ticks() - 1) / dt.ticks());
  decay_mem_ = std::exp(-h / params_.tau_mem);
  v_inf_ = params_.v_rest + params_.bias;
  for (double tau : params_.tau_syn) {
    const double b = std::exp(-h / tau);
    decay_syn_.push_back(b);
    // The current's contribution to V over one step (see LifExp::advance).
    coupling_.push_back(tau == params_.tau_mem ? (h / params_.tau_mem) * decay_mem_
                                               : tau / (tau - params_.tau_mem) * (b - decay_mem_));
  }
  initial_v_.assign(size, params_.v_rest);
  start();
}

constexpr std::string_view kClockedStateNames[] = {"v_mem", "i_syn0", "i_syn1", "i_syn2", "i_syn3"};

std::span<const std::string_view> LifExpClocked::state_names() const {
  return std::span<const std::string_view>(kClockedStateNames, 1 + ports_);
}

double LifExpClocked::state(std::size_t variable, NeuronIndex i, Time t) const {
  if (variable > ports_) return Node::state(variable, i, t);
  if (i >= size_) throw OutOfRange("neuron", std::to_string(i) + " >= layer size " + std::to_string(size_));
  // v held since the last tick; i_syn also holds the input received since (see the header).
  return variable == 0 ? v_mem_[i] : i_syn_[(variable - 1) * size_ + i];
}

void LifExpClocked::set_v_mem(std::span<const double> v) {
  if (v.size() != size_) throw DimensionMismatch("v_mem", "has " + std::to_string(v.size()) + " values for " + std::to_string(size_) + " neurons");
  initial_v_.assign(v.begin(), v.end());
  v_mem_ = initial_v_;
}

void LifExpClocked::start() {
  has_current_ = false;
  v_mem_ = initial_v_;
  i_syn_.assign(size_ * ports_, 0.0);
  refractory_left_.assign(size_, 0.0);
  if (discretisation_ == Discretisation::kRockpoolEuler) spikes_prev_.assign(size_, 0.0);
  step_ = 0;
}

void LifExpClocked::set_noise(double noise_std, std::uint64_t seed) {
  // Rockpool's Jax LIF layers draw noise_std * z per step, unscaled by dt: a StateNoise over
  // 1 s has per_step() == noise_std exactly.
  noise_ = StateNoise(noise_std, discretisation_ == Discretisation::kRockpoolEuler ? seconds(1) : dt_, seed);
}

// One fused, branch-free pass over the neurons with the port count known at compile time,
// so the compiler vectorises it (check with -fopt-info-vec): restrict (the arrays never
// alias), one lane width (doubles only, hence the double refractory counter), and selects
// instead of branches (if-converting the threshold test also needs -fno-trapping-math,
// set in meson.build).
template <std::size_t kPorts, bool kInput, bool kCurrent>
[[gnu::always_inline]] inline void LifExpClocked::advance_ports(std::size_t begin, std::size_t end,
                                                                const double* __restrict in,
                                                                double* __restrict fired) {
  const std::size_t n = size_;
  double* __restrict v = v_mem_.data();
  const double* __restrict current = current_.data();
  double* __restrict cur = i_syn_.data();
  double* __restrict refractory = refractory_left_.data();
  double coupling[kPorts], decay[kPorts];
  for (std::size_t p = 0; p < kPorts; ++p) {
    coupling[p] = coupling_[p];
    decay[p] = decay_syn_[p];
  }
  const double a = decay_mem_, v_inf = v_inf_, theta = params_.threshold, reset = params_.v_reset;
  const double steps = refractory_steps_;
  for (std::size_t i = begin; i < end; ++i) {
    // The bin's input joins the currents at the start of the step (it is already in them
    // when they are the accumulator); then the exact propagator over dt (LifExp::advance).
    // A current input is a bias held over the step: it moves where V relaxes to.
    const double target = kCurrent ? v_inf + current[i] : v_inf;
    double vi = target + (v[i] - target) * a;
    for (std::size_t p = 0; p < kPorts; ++p) {
      const double now = kInput ? cur[p * n + i] + in[p * n + i] : cur[p * n + i];
      vi += now * coupling[p];
      cur[p * n + i] = now * decay[p];
    }
    const double left = refractory[i];
    const bool free = left <= 0.0;
    const bool fires = free & (vi >= theta);
    const double flag = fires ? 1.0 : 0.0;
    fired[i - begin] = flag;
    v[i] = free & !fires ? vi : reset;
    // fires ? steps : max(left - 1, 0) with one select fewer: a neuron that fires had
    // left <= 0, so left - 1 < 0 <= steps.
    refractory[i] = std::max(left - 1.0, flag * steps);
  }
}

// Rockpool's LIF step (see the header), in Rockpool's order of operations. Not tuned: it
// exists to reproduce Rockpool's numbers, so it stays a plain loop over ports.
template <bool kInput, bool kCurrent>
[[gnu::always_inline]] inline void LifExpClocked::advance_rockpool(std::size_t begin, std::size_t end,
                                                                   const double* __restrict in,
                                                                   double* __restrict fired) {
  const std::size_t n = size_;
  double* __restrict v = v_mem_.data();
  const double* __restrict current = current_.data();
  double* __restrict cur = i_syn_.data();
  const double a = decay_mem_, v_rest = params_.v_rest, bias = params_.bias, theta = params_.threshold;
  for (std::size_t i = begin; i < end; ++i) {
    double vi = v_rest + (v[i] - v_rest) * a;
    double sum = 0.0;
    for (std::size_t p = 0; p < ports_; ++p) {
      const double now = (kInput ? cur[p * n + i] + in[p * n + i] : cur[p * n + i]) * decay_syn_[p];
      cur[p * n + i] = now;
      sum += now;
    }
    // Rockpool's current-input layers add I_in beside the synaptic current, before the bias.
    vi += kCurrent ? (sum + current[i]) + bias : sum + bias;
    const bool fires = vi > theta;
    fired[i - begin] = fires ? 1.0 : 0.0;
    v[i] = fires ? vi - theta : vi;
  }
}

// Rockpool's older Jax LIF step (see the header), in Rockpool's order of operations; like
// advance_rockpool, a plain untuned loop. The currents hold beta_p I_p from the last step,
// so adding the bin's input completes Rockpool's beta_p I_p + x_p.
template <bool kInput, bool kCurrent>
[[gnu::always_inline]] inline void LifExpClocked::advance_euler(std::size_t begin, std::size_t end,
                                                                const double* __restrict in,
                                                                double* __restrict fired) {
  const std::size_t n = size_;
  double* __restrict v = v_mem_.data();
  double* __restrict previous = spikes_prev_.data();
  const double* __restrict current = current_.data();
  double* __restrict cur = i_syn_.data();
  const double rate = euler_rate_, v_rest = params_.v_rest, bias = params_.bias, theta = params_.threshold;
  const double reset = params_.threshold - params_.v_reset;  // > 0 (LifExp's check)
  for (std::size_t i = begin; i < end; ++i) {
    double sum = 0.0;
    for (std::size_t p = 0; p < ports_; ++p) {
      const double now = kInput ? cur[p * n + i] + in[p * n + i] : cur[p * n + i];
      cur[p * n + i] = now * decay_syn_[p];
      sum += now;
    }
    const double vi = v[i] - previous[i] * reset;  // the previous step's reset, subtractive
    const double drive = kCurrent ? (sum + current[i]) + bias : sum + bias;
    const double next = vi + rate * (drive - (vi - v_rest));
    // Rockpool: clip(floor(V + 1), 0), in units where threshold = 0 and the reset is 1.
    const double count = std::max(std::floor((next - theta) / reset + 1.0), 0.0);
    v[i] = next;
    previous[i] = count;
    fired[i - begin] = count;
  }
}

[[gnu::always_inline]] inline void LifExpClocked::advance(std::size_t begin, std::size_t end,
                                                          std::span<const double> input, double* fired) {
  const double* in = input.data();
  const bool with_input = !input.empty();
  if (discretisation_ == Discretisation::kRockpoolEuler) {
    switch (with_input * 2 + has_current_) {
      case 0: advance_euler<false, false>(begin, end, in, fired); break;
      case 1: advance_euler<false, true>(begin, end, in, fired); break;
      case 2: advance_euler<true, false>(begin, end, in, fired); break;
      default: advance_euler<true, true>(begin, end, in, fired); break;
    }
    return;
  }
  if (discretisation_ == Discretisation::kRockpool) {
    switch (with_input * 2 + has_current_) {
      case 0: advance_rockpool<false, false>(begin, end, in, fired); break;
      case 1: advance_rockpool<false, true>(begin, end, in, fired); break;
      case 2: advance_rockpool<true, false>(begin, end, in, fired); break;
      default: advance_rockpool<true, true>(begin, end, in, fired); break;
    }
    return;
  }
  if (has_current_) {
    switch (ports_ * 2 + with_input) {
      case 2: advance_ports<1, false, true>(begin, end, in, fired); break;
      case 3: advance_ports<1, true, true>(begin, end, in, fired); break;
      case 4: advance_ports<2, false, true>(begin, end, in, fired); break;
      case 5: advance_ports<2, true, true>(begin, end, in, fired); break;
      case 6: advance_ports<3, false, true>(begin, end, in, fired); break;
      case 7: advance_ports<3, true, true>(begin, end, in, fired); break;
      case 8: advance_ports<4, false, true>(begin, end, in, fired); break;
      default: advance_ports<4, true, true>(begin, end, in, fired); break;
    }
    return;
  }
  switch (ports_ * 2 + with_input) {
    case 2: advance_ports<1, false, false>(begin, end, in, fired); break;
    case 3: advance_ports<1, true, false>(begin, end, in, fired); break;
    case 4: advance_ports<2, false, false>(begin, end, in, fired); break;
    case 5: advance_ports<2, true, false>(begin, end, in, fired); break;
    case 6: advance_ports<3, false, false>(begin, end, in, fired); break;
    case 7: advance_ports<3, true, false>(begin, end, in, fired); break;
    case 8: advance_ports<4, false, false>(begin, end, in, fired); break;
    default: advance_ports<4, true, false>(begin, end, in, fired); break;
  }
}

// The two entry points below are cloned for AVX2 and AVX-512 and picked at load time (GNU
// ifunc), so a portable build still runs 4 or 8 wide where the CPU allows. The clones do
// the same IEEE operations in the same order (no FMA contraction: -ffp-contract=off in
// meson.build), so results do not depend on which one runs.

[[gnu::target_clones("avx512f", "avx2", "default")]] void LifExpClocked::step_dense(std::span<const double> input,
                                                                        std::span<double> output) {
  advance(0, size_, input, output.data());
}

[[gnu::target_clones("avx512f", "avx2", "default")]] void LifExpClocked::step_listing(std::span<const double> input,
                                                                          std::vector<NeuronIndex>& spiked) {
  // Few neurons fire in a step (CUBA: ~2 of 4000), so step in blocks, flags into a buffer
  // that stays in L1, and look for the spikes only in blocks whose flags are not all zero.
  // That test ORs the flags' bits over the block: a vectorised loop, much cheaper than a
  // test per neuron (and a reduction inside the step loop does not vectorise on SSE2).
  constexpr std::size_t kBlock = 256;
  double fired[kBlock];
  for (std::size_t b = 0; b < size_; b += kBlock) {
    const std::size_t len = std::min(size_ - b, kBlock);
    advance(b, b + len, input, fired);
    std::uint64_t any = 0;
    if (len == kBlock) {
      for (std::size_t i = 0; i < kBlock; ++i) any |= std::bit_cast<std::uint64_t>(fired[i]);
    } else {
      for (std::size_t i = 0; i < len; ++i) any |= std::bit_cast<std::uint64_t>(fired[i]);
    }
    if (any == 0) continue;
    // The same test on sub-blocks narrows the per-neuron scan to the 16 around a spike.
    constexpr std::size_t kSub = 16;
    for (std::size_t s = 0; s < len; s += kSub) {
      const std::size_t sub_end = std::min(len, s + kSub);
      std::uint64_t sub_any = 0;
      if (sub_end - s == kSub) {
        for (std::size_t i = 0; i < kSub; ++i) sub_any |= std::bit_cast<std::uint64_t>(fired[s + i]);
      } else {
        sub_any = 1;
      }
      if (sub_any == 0) continue;
      for (std::size_t i = s; i < sub_end; ++i) {
        if (fired[i] != 0.0) spiked.push_back(static_cast<NeuronIndex>(b + i));
      }
    }
  }
}

void LifExpClocked::step(std::span<const double> input, std::span<double> output) {
  assert(input.empty() || input.size() == size_in());
  assert(output.size() == size_);
  add_noise();
  step_dense(input, output);
  has_current_ = false;
  if (discretisation_ == Discretisation::kRockpoolEuler) check_counts(0, output.data(), size_);
}

void LifExpClocked::step_spikes(std::span<const double> input, std::vector<NeuronIndex>& spiked) {
  assert(input.empty() || input.size() == size_in());
  add_noise();
  if (discretisation_ == Discretisation::kRockpoolEuler) {
    step_listing_euler(input, spiked);
  } else {
    step_listing(input, spiked);
  }
  has_current_ = false;
}

// kRockpoolEuler's listing: a count of c spikes lists the neuron c times (the simulation
// emits one spike per entry). Separate from step_listing, whose flags are 0 or 1.
void LifExpClocked::step_listing_euler(std::span<const double> input, std::vector<NeuronIndex>& spiked) {
  constexpr std::size_t kBlock = 256;
  double counts[kBlock];
  for (std::size_t b = 0; b < size_; b += kBlock) {
    const std::size_t len = std::min(size_ - b, kBlock);
    advance(b, b + len, input, counts);
    check_counts(b, counts, len);
    for (std::size_t i = 0; i < len; ++i) {
      for (double c = counts[i]; c >= 1.0; c -= 1.0) spiked.push_back(static_cast<NeuronIndex>(b + i));
    }
  }
}

void LifExpClocked::check_counts(std::size_t begin, const double* counts, std::size_t n) const {
  // A whole number of spikes per step; V far above threshold (a huge input) would make the
  // simulation emit millions of spikes at one tick, so that is refused by name instead.
  constexpr double kMaxSpikesPerStep = 1u << 20;
  for (std::size_t i = 0; i < n; ++i) {
    if (!(counts[i] <= kMaxSpikesPerStep)) {
      throw OutOfRange("spike count", "neuron " + std::to_string(begin + i) + " of '" + name() + "' would fire " +
                                          std::to_string(counts[i]) + " spikes in one step (v_mem " +
                                          std::to_string(v_mem_[begin + i]) + "); at most 2^20");
    }
  }
}

// Copies size_ values and says whether all are finite, in one branch-free pass that
// vectorises (cloned as the step is): x - x is +0 (all bits zero) unless x is infinite or
// NaN, and the bits are OR-ed, as step_listing tests its flags.
[[gnu::target_clones("avx512f", "avx2", "default")]] bool LifExpClocked::copy_finite(const double* __restrict from,
                                                                         double* __restrict into) const {
  std::uint64_t bits = 0;
  for (std::size_t i = 0; i < size_; ++i) {
    into[i] = from[i];
    bits |= std::bit_cast<std::uint64_t>(from[i] - from[i]);
  }
  return bits == 0;
}

void LifExpClocked::set_current(std::span<const double> current) {
  if (current.size() != size_) {
    throw DimensionMismatch("current", "has " + std::to_string(current.size()) + " values for " +
                                           std::to_string(size_) + " neurons");
  }
  current_.resize(size_);
  if (!copy_finite(current.data(), current_.data())) {
    for (std::size_t i = 0; i < size_; ++i) {
      if (!std::isfinite(current[i])) {
        throw InvalidArgument("current input", "not finite for neuron " + std::to_string(i) + " of '" + name() + "'");
      }
    }
  }
  has_current_ = true;
}

void LifExpClocked::add_noise() {
  // A separate pass, so the tuned step loops stay as they are when there is no noise.
  if (noise_ && discretisation_ == Discretisation::kRockpoolEuler) {
    // Rockpool's Jax LIF layers add the noise to the current input: I_in + noise.
    if (!has_current_) current_.assign(size_, 0.0);
    for (std::size_t i = 0; i < size_; ++i) current_[i] += noise_(i, step_);
    has_current_ = true;
  } else if (noise_) {
    for (std::size_t i = 0; i < size_; ++i) v_mem_[i] += noise_(i, step_);
  }
  ++step_;
}

// Checkpoints: the state vectors, read in place (i_syn_ is the input accumulator the
// simulation holds a span of).
void LifExpClocked::save_state(StateWriter& out) const {
  out.put_array(v_mem_);
  out.put_array(i_syn_);
  out.put_array(refractory_left_);
  out.put(step_);  // the noise counter: noise draws are keyed by (seed, neuron, step)
  // The pending reset; only kRockpoolEuler has one, so the other layouts are unchanged.
  if (discretisation_ == Discretisation::kRockpoolEuler) out.put_array(spikes_prev_);
}

void LifExpClocked::restore_state(StateReader& in) {
  has_current_ = false;  // a current is given per step, never saved
  in.get_exact(v_mem_, "LifExpClocked v_mem");
  in.get_exact(i_syn_, "LifExpClocked i_syn");
  in.get_exact(refractory_left_, "LifExpClocked refractory_left");
  step_ = in.get<std::uint64_t>("LifExpClocked step");
  if (discretisation_ == Discretisation::kRockpoolEuler) in.get_exact(spikes_prev_, "LifExpClocked spikes_prev");
}

}  // namespace rockpool
