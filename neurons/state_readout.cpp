#include "neurons/state_readout.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "engine/checkpoint.hpp"
#include "neurons/lif_exp.hpp"
#include "neurons/lif_exp_clocked.hpp"

namespace rockpool {
namespace {

constexpr std::string_view kReadoutStateNames[] = {"y"};

}  // namespace

StateReadout::StateReadout(const Node& source, Parameters parameters)
    : source_(source), params_(std::move(parameters)) {
  if (source_.family() != NodeFamily::kPopulation && source_.family() != NodeFamily::kClockedLayer) {
    throw InvalidArgument("source", std::string(source_.type_name()) + " '" + source_.name() +
                                        "' is an input: a readout reads a population or a clocked layer");
  }
  if (params_.dt <= Duration::zero()) throw InvalidArgument("dt", "must be positive");
  variable_ = source_.state_index(params_.variable);
  if (params_.transform == ReadoutTransform::kRockpoolSurrogate &&
      !(std::isfinite(params_.threshold) && std::isfinite(params_.v_reset) && params_.v_reset < params_.threshold)) {
    throw InvalidArgument("v_reset", "the surrogate needs finite threshold and v_reset, v_reset < threshold");
  }
  if (params_.w_out) {
    params_.w_out->check("w_out");
    if (params_.w_out->rows != source_.state_size(variable_)) {
      throw DimensionMismatch("w_out", "has " + std::to_string(params_.w_out->rows) + " rows for a population of " +
                                           std::to_string(source_.state_size(variable_)) + " (one row per neuron)");
    }
  }
  sampled_.assign(source_.state_size(variable_), 0.0);
  if (params_.w_out) {
    const WeightMatrix& w = *params_.w_out;
    w_out_t_.resize(w.values.size());
    for (std::size_t j = 0; j < w.rows; ++j) {
      for (std::size_t o = 0; o < w.columns; ++o) w_out_t_[o * w.rows + j] = w.at(j, o);
    }
  }
  all_.resize(source_.state_size(variable_));
  for (std::size_t j = 0; j < all_.size(); ++j) all_[j] = static_cast<NeuronIndex>(j);
  last_.assign(size_out(), 0.0);
}

std::unique_ptr<StateReadout> StateReadout::surrogate_of(const Node& lif, const LifExp::Parameters& levels,
                                                         std::optional<WeightMatrix> w_out, Duration dt) {
  Parameters p;
  p.dt = dt;
  p.transform = ReadoutTransform::kRockpoolSurrogate;
  p.threshold = levels.threshold;
  p.v_reset = levels.v_reset;
  if (w_out) p.w_out.emplace(std::move(*w_out));
  return std::make_unique<StateReadout>(lif, std::move(p));
}

std::unique_ptr<StateReadout> StateReadout::surrogate(const LifExp& lif, std::optional<WeightMatrix> w_out,
                                                      Duration dt) {
  return surrogate_of(lif, lif.parameters(), std::move(w_out), dt);
}

std::unique_ptr<StateReadout> StateReadout::surrogate(const LifExpClocked& lif, std::optional<WeightMatrix> w_out,
                                                      Duration dt) {
  return surrogate_of(lif, lif.parameters(), std::move(w_out), dt);
}

std::span<const std::string_view> StateReadout::state_names() const { return kReadoutStateNames; }

double StateReadout::state(std::size_t variable, NeuronIndex i, Time t) const {
  if (variable != 0) return Node::state(variable, i, t);
  if (i >= last_.size()) throw OutOfRange("output", std::to_string(i) + " >= " + std::to_string(last_.size()));
  return last_[i];
}

void StateReadout::start() { std::fill(last_.begin(), last_.end(), 0.0); }

void StateReadout::step(std::span<const double>, std::span<double> output) {
  source_.sample_state(variable_, all_, tick_time(), sampled_);
  if (params_.transform == ReadoutTransform::kRockpoolSurrogate) {
    // U = tanh(z) / 2 + 1/2 = 1 / (1 + e^{-2z}), z = 20 v + 1: one exp instead of tanh's
    // expm1 and its branches (a third of the cost per neuron); equal within a few ulp.
    const double threshold = params_.threshold, unit = 1.0 / (params_.threshold - params_.v_reset);
    for (double& x : sampled_) x = 1.0 / (1.0 + std::exp(-(40.0 * ((x - threshold) * unit) + 2.0)));
  }
  if (!params_.w_out) {
    std::copy(sampled_.begin(), sampled_.end(), output.begin());
  } else {
    // y_o = sum_j U_j w_out[j][o]: one contiguous dot product per output over the
    // transposed weights (a few outputs, many neurons).
    const std::size_t n = sampled_.size();
    const double* __restrict u = sampled_.data();
    for (std::size_t o = 0; o < output.size(); ++o) {
      const double* __restrict w = w_out_t_.data() + o * n;
      // Four partial sums (in a fixed order: deterministic) hide the add latency.
      double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
      std::size_t j = 0;
      for (; j + 4 <= n; j += 4) {
        s0 += u[j] * w[j];
        s1 += u[j + 1] * w[j + 1];
        s2 += u[j + 2] * w[j + 2];
        s3 += u[j + 3] * w[j + 3];
      }
      for (; j < n; ++j) s0 += u[j] * w[j];
      output[o] = (s0 + s1) + (s2 + s3);
    }
  }
  std::copy(output.begin(), output.end(), last_.begin());
}

// The output is a function of the source's state at the tick: only the last output, which
// recorders read between ticks, is state of its own.
void StateReadout::save_state(StateWriter& out) const { out.put_array(last_); }

void StateReadout::restore_state(StateReader& in) { in.get_exact(last_, "StateReadout output"); }

}  // namespace rockpool
