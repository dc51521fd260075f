#include "neurons/filter_bank.hpp"

#include "engine/checkpoint.hpp"

#include <cmath>
#include <numbers>
#include <string>

#include "neurons/parameter_checks.hpp"

namespace rockpool {
namespace {

using Complex = std::complex<double>;
using neuron_detail::shortest;

constexpr std::string_view kStateNames[] = {"y"};

// The N poles of the analog Butterworth low-pass prototype (cut-off 1 rad/s) in the upper
// half plane, p_k = e^{i pi (2k + N - 1) / (2N)}, k = 1 .. floor(N/2); for odd N the pole
// -1 comes on top. Their conjugates are the others.
std::vector<Complex> prototype_upper_poles(int order) {
  std::vector<Complex> poles;
  for (int k = 1; 2 * k <= order; ++k) {
    poles.push_back(std::polar(1.0, std::numbers::pi * (2.0 * k + order - 1) / (2.0 * order)));
  }
  return poles;
}

// Bilinear transform of an analog pole s: z = (2 fs + s) / (2 fs - s).
Complex bilinear(Complex s, double fs) { return (2 * fs + s) / (2 * fs - s); }

// The denominator 1 + a1 z^-1 + a2 z^-2 with digital poles z1, z2 (a conjugate pair or
// two reals, so a1, a2 are real).
void denominator(Complex z1, Complex z2, double& a1, double& a2) {
  a1 = -(z1 + z2).real();
  a2 = (z1 * z2).real();
}

double prewarp(double f, double fs) { return 2 * fs * std::tan(std::numbers::pi * f / fs); }

}  // namespace

Complex Biquad::response(double omega) const {
  const Complex z1 = std::polar(1.0, -omega), z2 = z1 * z1;
  return (b0 + b1 * z1 + b2 * z2) / (1.0 + a1 * z1 + a2 * z2);
}

std::vector<FilterBand> ButterFilterBank::butter_bands(std::span<const double> frequency,
                                                       std::span<const double> bandwidth) {
  if (bandwidth.size() != 1 && bandwidth.size() != frequency.size()) {
    throw DimensionMismatch("bandwidth", "has " + std::to_string(bandwidth.size()) + " values for " +
                                             std::to_string(frequency.size()) + " frequencies (give 1 or that many)");
  }
  std::vector<FilterBand> bands;
  for (std::size_t c = 0; c < frequency.size(); ++c) {
    const double bw = bandwidth.size() == 1 ? bandwidth[0] : bandwidth[c];
    bands.push_back({frequency[c] - bw / 2, frequency[c] + bw / 2});
  }
  return bands;
}

std::vector<FilterBand> ButterFilterBank::mel_bands(double fs, int num_filters, double cutoff_fs, double filter_width) {
  if (!(fs > 0) || !std::isfinite(fs)) throw InvalidArgument("fs", "must be a positive number, got " + shortest(fs));
  if (num_filters < 1) throw InvalidArgument("num_filters", "must be at least 1");
  if (!(filter_width > 0) || !std::isfinite(filter_width)) {
    throw InvalidArgument("filter_width", "must be positive, got " + shortest(filter_width));
  }
  const double nyquist = fs / 2;
  if (!(cutoff_fs > 0 && cutoff_fs < nyquist)) {
    throw InvalidArgument("cutoff_fs", "must lie in (0, fs / 2), got " + shortest(cutoff_fs));
  }
  auto hz2mel = [](double f) { return 2595 * std::log10(1 + f / 700); };
  auto mel2hz = [](double m) { return 700 * (std::pow(10.0, m / 2595) - 1); };
  const double width = filter_width / num_filters;
  const double low = hz2mel(cutoff_fs), high = hz2mel(nyquist / (1 + width) - 1);
  std::vector<FilterBand> bands;
  for (int c = 0; c < num_filters; ++c) {
    // numpy's linspace: low + c * step, the last one exactly `high`.
    const double mel = num_filters == 1 ? low
                       : c == num_filters - 1 ? high
                                              : low + c * ((high - low) / (num_filters - 1));
    const double f = mel2hz(mel);
    if (f * (1 + width) / nyquist >= 1.0) {
      throw InvalidArgument("cutoff_fs", "is too large (" + shortest(cutoff_fs) + " Hz): the top band would reach fs / 2");
    }
    bands.push_back({f, f * (1 + width)});
  }
  return bands;
}

ButterFilterBank::ButterFilterBank(Parameters parameters) : params_(std::move(parameters)) {
  if (params_.dt <= Duration::zero()) throw InvalidArgument("dt", "must be positive");
  fs_ = 1.0 / to_seconds(params_.dt);
  const double nyquist = fs_ / 2;
  if (params_.order < 1 || params_.order > 16) {
    throw InvalidArgument("order", "must lie in 1 .. 16, got " + std::to_string(params_.order));
  }
  if (params_.bands.empty()) throw InvalidArgument("bands", "no bands: the bank needs at least one channel");
  for (std::size_t c = 0; c < params_.bands.size(); ++c) {
    const FilterBand& b = params_.bands[c];
    if (!(b.low > 0 && b.high > b.low && b.high < nyquist)) {
      throw InvalidArgument("bands", "band " + std::to_string(c) + " [" + shortest(b.low) + ", " + shortest(b.high) +
                                         "] Hz must satisfy 0 < low < high < fs / 2 = " + shortest(nyquist));
    }
  }
  if (params_.envelope && !(params_.cutoff_fs > 0 && params_.cutoff_fs < nyquist)) {
    throw InvalidArgument("cutoff_fs", "must lie in (0, fs / 2 = " + shortest(nyquist) + "), got " +
                                           shortest(params_.cutoff_fs));
  }
  channels_ = params_.bands.size();
  band_sections_ = static_cast<std::size_t>(params_.order);
  const std::size_t n = band_sections_ * channels_;
  gain_.assign(n, 0.0);
  a1_.assign(n, 0.0);
  a2_.assign(n, 0.0);

  // Band-pass: each prototype pole p gives the two roots of s^2 - p B s + w0^2 (the
  // transform s -> (s^2 + w0^2) / (B s)); a conjugate pair of p gives two conjugate pairs,
  // the real pole -1 one quadratic. Each section gets zeros at z = +1 and z = -1 (the
  // transform's zeros at s = 0 and infinity) and is scaled to |H| = 1 at the centre.
  const std::vector<Complex> upper = prototype_upper_poles(params_.order);
  for (std::size_t c = 0; c < channels_; ++c) {
    const double w1 = prewarp(params_.bands[c].low, fs_), w2 = prewarp(params_.bands[c].high, fs_);
    const double w0 = std::sqrt(w1 * w2), bw = w2 - w1;
    const double centre = 2 * std::atan(w0 / (2 * fs_));  // digital rad/sample
    std::vector<std::pair<Complex, Complex>> pole_pairs;  // digital poles of each section
    for (const Complex p : upper) {
      const Complex root = std::sqrt(p * p * bw * bw - 4 * w0 * w0);
      for (const Complex q : {(p * bw + root) / 2.0, (p * bw - root) / 2.0}) {
        const Complex z = bilinear(q, fs_);
        pole_pairs.push_back({z, std::conj(z)});
      }
    }
    if (params_.order % 2 == 1) {
      const Complex root = std::sqrt(Complex(bw * bw - 4 * w0 * w0, 0.0));
      pole_pairs.push_back({bilinear((-bw + root) / 2.0, fs_), bilinear((-bw - root) / 2.0, fs_)});
    }
    for (std::size_t s = 0; s < band_sections_; ++s) {
      Biquad q{1.0, 0.0, -1.0, 0.0, 0.0};
      denominator(pole_pairs[s].first, pole_pairs[s].second, q.a1, q.a2);
      const std::size_t k = s * channels_ + c;
      a1_[k] = q.a1;
      a2_[k] = q.a2;
      gain_[k] = 1.0 / std::abs(q.response(centre));
    }
  }

  // Envelope low-pass: poles wc p (and conjugates), zeros at z = -1, gain 1 at DC.
  if (params_.envelope) {
    const double wc = prewarp(params_.cutoff_fs, fs_);
    for (const Complex p : upper) {
      Biquad q{1.0, 2.0, 1.0, 0.0, 0.0};
      const Complex z = bilinear(wc * p, fs_);
      denominator(z, std::conj(z), q.a1, q.a2);
      const double g = (1 + q.a1 + q.a2) / 4;
      q.b0 = g;
      q.b1 = 2 * g;
      q.b2 = g;
      lowpass_.push_back(q);
    }
    if (params_.order % 2 == 1) {  // the first-order section of the real pole
      const double z = bilinear(Complex(-wc, 0.0), fs_).real();
      const double g = (1 - z) / 2;
      lowpass_.push_back({g, g, 0.0, -z, 0.0});
    }
  }
  z1_.assign(n, 0.0);
  z2_.assign(n, 0.0);
  lp_z1_.assign(lowpass_.size() * channels_, 0.0);
  lp_z2_.assign(lowpass_.size() * channels_, 0.0);
  y_.assign(channels_, 0.0);
  mean_.assign(channels_, 0.0);
}

std::vector<Biquad> ButterFilterBank::band_sections(std::size_t c) const {
  neuron_detail::check_unit(static_cast<NeuronIndex>(c), channels_);
  std::vector<Biquad> out;
  for (std::size_t s = 0; s < band_sections_; ++s) {
    const std::size_t k = s * channels_ + c;
    out.push_back({gain_[k], 0.0, -gain_[k], a1_[k], a2_[k]});
  }
  return out;
}

std::span<const std::string_view> ButterFilterBank::state_names() const { return kStateNames; }

double ButterFilterBank::state(std::size_t variable, NeuronIndex i, Time t) const {
  if (variable != 0) return Node::state(variable, i, t);
  neuron_detail::check_unit(i, channels_);
  return y_[i];
}

void ButterFilterBank::start() {
  std::fill(z1_.begin(), z1_.end(), 0.0);
  std::fill(z2_.begin(), z2_.end(), 0.0);
  std::fill(lp_z1_.begin(), lp_z1_.end(), 0.0);
  std::fill(lp_z2_.begin(), lp_z2_.end(), 0.0);
  std::fill(y_.begin(), y_.end(), 0.0);
  std::fill(mean_.begin(), mean_.end(), 0.0);
  count_ = 0;
}

void ButterFilterBank::step(std::span<const double> input, std::span<double> output) {
  const std::size_t n = channels_;
  double* x = y_.data();
  std::fill(y_.begin(), y_.end(), input[0]);
  // Direct form II transposed, section by section, channels innermost:
  //   y = b0 x + z1;  z1 = b1 x - a1 y + z2;  z2 = b2 x - a2 y     (b1 = 0, b2 = -b0)
  for (std::size_t s = 0; s < band_sections_; ++s) {
    const double* g = gain_.data() + s * n;
    const double* a1 = a1_.data() + s * n;
    const double* a2 = a2_.data() + s * n;
    double* z1 = z1_.data() + s * n;
    double* z2 = z2_.data() + s * n;
    for (std::size_t c = 0; c < n; ++c) {
      const double in = x[c];
      const double y = g[c] * in + z1[c];
      z1[c] = -a1[c] * y + z2[c];
      z2[c] = -g[c] * in - a2[c] * y;
      x[c] = y;
    }
  }
  if (params_.envelope) {
    for (std::size_t c = 0; c < n; ++c) x[c] = std::abs(x[c]);
    for (std::size_t s = 0; s < lowpass_.size(); ++s) {
      const Biquad q = lowpass_[s];
      double* z1 = lp_z1_.data() + s * n;
      double* z2 = lp_z2_.data() + s * n;
      for (std::size_t c = 0; c < n; ++c) {
        const double in = x[c];
        const double y = q.b0 * in + z1[c];
        z1[c] = q.b1 * in - q.a1 * y + z2[c];
        z2[c] = q.b2 * in - q.a2 * y;
        x[c] = y;
      }
    }
  }
  if (params_.running_mean_subtraction) {
    // The running mean updated in place (m += (y - m) / k), which stays exact for a
    // constant signal, unlike a running sum divided by k.
    ++count_;
    const double k = static_cast<double>(count_);
    for (std::size_t c = 0; c < n; ++c) {
      mean_[c] += (x[c] - mean_[c]) / k;
      x[c] -= mean_[c];
    }
  }
  std::copy(y_.begin(), y_.end(), output.begin());
}

// Checkpoints: the filters' delay elements and the output held since the last tick.
void ButterFilterBank::save_state(StateWriter& out) const {
  for (const auto* v : {&z1_, &z2_, &lp_z1_, &lp_z2_, &y_}) out.put_array(*v);
  if (params_.running_mean_subtraction) {  // only then, so other checkpoints keep their form
    out.put_array(mean_);
    out.put(count_);
  }
}

void ButterFilterBank::restore_state(StateReader& in) {
  for (auto* v : {&z1_, &z2_, &lp_z1_, &lp_z2_, &y_}) in.get_exact(*v, "ButterFilterBank filter state");
  if (params_.running_mean_subtraction) {
    in.get_exact(mean_, "ButterFilterBank running mean");
    count_ = in.get<std::uint64_t>("ButterFilterBank running mean count");
  }
}

}  // namespace rockpool
