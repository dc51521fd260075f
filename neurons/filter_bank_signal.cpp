#include "neurons/filter_bank_signal.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "engine/error.hpp"

namespace rockpool {
namespace {

// Normalise then mean-subtract the elements k0, k0 + stride, ... of `y` (one channel, or
// with stride 1 the whole array).
void postprocess_strided(std::span<double> y, std::size_t first, std::size_t stride, FilterBankPostprocess options) {
  if (options.normalize) {
    double peak = 0.0;
    for (std::size_t k = first; k < y.size(); k += stride) peak = std::max(peak, std::abs(y[k]));
    if (peak > 0.0) {
      for (std::size_t k = first; k < y.size(); k += stride) y[k] /= peak;
    }
  }
  if (options.mean_subtraction) {
    double sum = 0.0;
    std::size_t count = 0;
    for (std::size_t k = first; k < y.size(); k += stride, ++count) sum += y[k];
    if (count == 0) return;
    const double mean = sum / static_cast<double>(count);
    for (std::size_t k = first; k < y.size(); k += stride) y[k] -= mean;
  }
}

}  // namespace

void postprocess_filter_output(std::span<double> samples, std::size_t channels, FilterBankPostprocess options) {
  if (channels == 0 || samples.size() % channels != 0) {
    throw DimensionMismatch("samples", std::to_string(samples.size()) + " values are not T x " +
                                           std::to_string(channels) + " channels");
  }
  if (!options.per_channel) {
    postprocess_strided(samples, 0, 1, options);
    return;
  }
  for (std::size_t c = 0; c < channels; ++c) postprocess_strided(samples, c, channels, options);
}

TSContinuous filter_signal(const ButterFilterBank::Parameters& parameters, const TSContinuous& input,
                           FilterBankPostprocess options) {
  if (input.num_channels() != 1) {
    throw DimensionMismatch("input", "a filter bank takes one channel, got " + std::to_string(input.num_channels()));
  }
  if (input.empty()) throw InvalidArgument("input", "has no samples");
  ButterFilterBank bank(parameters);
  const Duration dt = bank.dt();
  const std::int64_t steps = input.duration().ticks() / dt.ticks();  // floor(duration / dt)
  std::vector<Time> times;
  for (std::int64_t k = 0; k <= steps; ++k) times.push_back(input.t_start() + k * dt);
  const std::vector<double> x = input(times);
  const std::size_t n = bank.size_out();
  std::vector<double> y(times.size() * n);
  bank.start();
  for (std::size_t k = 0; k < times.size(); ++k) {
    bank.step(std::span<const double>(&x[k], 1), std::span<double>(y).subspan(k * n, n));
  }
  postprocess_filter_output(y, n, options);
  return TSContinuous(std::move(times), std::move(y), n);
}

}  // namespace rockpool
