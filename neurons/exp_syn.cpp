#include "neurons/exp_syn.hpp"

#include "engine/checkpoint.hpp"
#include "neurons/parameter_checks.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <string>

namespace rockpool {
namespace {

double seconds_of(std::int64_t ticks) { return static_cast<double>(ticks) / static_cast<double>(kTicksPerSecond); }

using neuron_detail::check_unit;
using neuron_detail::per_unit;

std::vector<double> time_constants(const std::vector<double>& tau, std::size_t n) {
  return neuron_detail::positive_per_unit("tau", tau, n);
}

WeightMatrix identity(std::size_t n) {
  if (n == 0) throw InvalidArgument("size", "must be at least 1");
  std::vector<double> w(n * n, 0.0);
  for (std::size_t i = 0; i < n; ++i) w[i * n + i] = 1.0;
  return WeightMatrix(n, n, std::move(w));
}

constexpr std::string_view kStateNames[] = {"i", "isyn"};

}  // namespace

// --- ExpSynClocked -------------------------------------------------------------------------

ExpSynClocked::ExpSynClocked(WeightMatrix weights, Parameters parameters)
    : weights_(std::move(weights)), params_(std::move(parameters)) {
  weights_.check("weights");
  if (params_.dt <= Duration::zero()) throw InvalidArgument("dt", "must be positive");
  const std::size_t n = weights_.columns;
  const std::vector<double> tau = time_constants(params_.tau, n);
  bias_ = per_unit("bias", params_.bias, n);
  decay_.resize(n);
  // ExpSyn's kernel is exp(-k dt / tau), k = 1, 2, ...: the same factor per step, computed
  // the same way (dt in seconds as a double, then divided by tau).
  const double dt = to_seconds(params_.dt);
  for (std::size_t j = 0; j < n; ++j) decay_[j] = std::exp(-dt / tau[j]);
  isyn_.assign(n, 0.0);
  output_ = bias_;
  noise_ = StateNoise(params_.noise_std, params_.dt, params_.seed);
}

ExpSynClocked::ExpSynClocked(std::size_t size, Parameters parameters)
    : ExpSynClocked(identity(size), std::move(parameters)) {}

std::span<const std::string_view> ExpSynClocked::state_names() const { return kStateNames; }

double ExpSynClocked::state(std::size_t variable, NeuronIndex i, Time t) const {
  if (variable > 1) return Node::state(variable, i, t);
  check_unit(i, isyn_.size());
  return variable == 0 ? output_[i] : isyn_[i];
}

void ExpSynClocked::start() {
  std::fill(isyn_.begin(), isyn_.end(), 0.0);
  output_ = bias_;
  step_ = 0;
}

void ExpSynClocked::step(std::span<const double> input, std::span<double> output) {
  assert(input.size() == weights_.rows && output.size() == weights_.columns);
  const std::size_t n = weights_.columns;
  // ExpSyn's update: I <- I + i(t), then I <- I e^{-dt/tau}. Its convolution with the
  // window exp(-(k + 1) dt / tau), k = 0, 1, ... is this recursion unrolled: a spike in bin
  // k contributes w e^{-dt/tau} to output k. Row by row, skipping silent inputs (spiking
  // input is mostly zeros).
  for (std::size_t i = 0; i < weights_.rows; ++i) {
    const double u = input[i];
    if (u == 0.0) continue;
    const double* row = weights_.values.data() + i * n;
    for (std::size_t j = 0; j < n; ++j) isyn_[j] += u * row[j];
  }
  for (std::size_t j = 0; j < n; ++j) {
    isyn_[j] *= decay_[j];
    output[j] = isyn_[j] + bias_[j];
  }
  if (noise_) {
    for (std::size_t j = 0; j < n; ++j) output[j] += noise_(j, step_);
  }
  ++step_;
  std::copy(output.begin(), output.end(), output_.begin());
}

// --- ExpSynExact ---------------------------------------------------------------------------

ExpSynExact::ExpSynExact(std::size_t size, Parameters parameters) : params_(std::move(parameters)) {
  if (size == 0) throw InvalidArgument("size", "must be at least 1");
  if (size > std::numeric_limits<NeuronIndex>::max()) throw OutOfRange("size", "more than 2^32 - 1 units");
  tau_ = time_constants(params_.tau, size);
  bias_ = per_unit("bias", params_.bias, size);
  uniform_tau_ = std::all_of(tau_.begin(), tau_.end(), [&](double t) { return t == tau_[0]; });
  // Renormalise before the modal factors pass e^{100} ~ 2.7e43 (far from overflow, even
  // times large weights), i.e. after 100 of the fastest time constants; capped so the tick
  // count stays representable for huge tau.
  const double fastest = *std::min_element(tau_.begin(), tau_.end());
  const double after = 100.0 * fastest * static_cast<double>(kTicksPerSecond);
  renormalize_after_ = after < 0x1p62 ? static_cast<std::int64_t>(after) : std::int64_t{1} << 62;
  i_tilde_.assign(size, 0.0);
}

std::span<const std::string_view> ExpSynExact::state_names() const { return kStateNames; }

double ExpSynExact::current(NeuronIndex j, std::int64_t t) const {
  assert(t >= t_ref_);
  return i_tilde_[j] * std::exp(-seconds_of(t - t_ref_) / tau_[j]);
}

double ExpSynExact::state(std::size_t variable, NeuronIndex i, Time t) const {
  if (variable > 1) return Node::state(variable, i, t);
  check_unit(i, size());
  const double isyn = current(i, t.ticks());
  return variable == 0 ? isyn + bias_[i] : isyn;
}

void ExpSynExact::start(Time t0, PredictionList& /*changed*/) {
  t_ref_ = t0.ticks();
  std::fill(i_tilde_.begin(), i_tilde_.end(), 0.0);
}

void ExpSynExact::renormalize_if_needed(std::int64_t t) {
  if (t - t_ref_ <= renormalize_after_) return;
  const double shift = seconds_of(t - t_ref_);
  for (std::size_t j = 0; j < i_tilde_.size(); ++j) i_tilde_[j] *= std::exp(-shift / tau_[j]);
  t_ref_ = t;
}

void ExpSynExact::receive(Time t, std::uint32_t port, std::span<const NeuronIndex> targets,
                          std::span<const double> weights, PredictionList& /*changed*/) {
  assert(port == 0);
  (void)port;
  const std::int64_t now = t.ticks();
  renormalize_if_needed(now);
  const double u = seconds_of(now - t_ref_);
  if (uniform_tau_) {
    const double grow = std::exp(u / tau_[0]);  // shared by every target
    for (std::size_t k = 0; k < targets.size(); ++k) i_tilde_[targets[k]] += weights[k] * grow;
  } else {
    for (std::size_t k = 0; k < targets.size(); ++k) {
      const NeuronIndex j = targets[k];
      i_tilde_[j] += weights[k] * std::exp(u / tau_[j]);
    }
  }
}

bool ExpSynExact::on_due(Time /*t*/, NeuronIndex /*i*/, PredictionList& /*changed*/) {
  assert(false && "ExpSynExact never sets a due time");
  return false;
}

void ExpSynClocked::save_state(StateWriter& out) const {
  out.put_array(isyn_);
  out.put_array(output_);
  out.put(step_);
}

void ExpSynClocked::restore_state(StateReader& in) {
  in.get_exact(isyn_, "ExpSynClocked isyn");
  in.get_exact(output_, "ExpSynClocked output");
  step_ = in.get<std::uint64_t>("ExpSynClocked step");
}

void ExpSynExact::save_state(StateWriter& out) const {
  out.put(t_ref_);
  out.put(renormalize_after_);
  out.put_array(i_tilde_);
}

void ExpSynExact::restore_state(StateReader& in) {
  t_ref_ = in.get<std::int64_t>("ExpSynExact t_ref");
  renormalize_after_ = in.get<std::int64_t>("ExpSynExact renormalize_after");
  in.get_exact(i_tilde_, "ExpSynExact i_tilde");
}

}  // namespace rockpool
