#include "timeseries/ts_continuous.hpp"

#include "timeseries/time_span.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <utility>

namespace rockpool {

namespace {

using series_detail::check_sorted;
using series_detail::resolve_span;
using series_detail::seconds_text;
using series_detail::TimeSpan;

double ratio(Duration num, Duration den) {
  return static_cast<double>(num.ticks()) / static_cast<double>(den.ticks());
}

// Rockpool's default gap when appending in time: the median step of the earlier series
// (numpy's median: the mean of the two middle steps for an even count, here rounded down
// to a whole tick), or 0 if it has fewer than two samples or the appended one is empty.
Duration default_append_offset(const TSContinuous& before, const TSContinuous& after) {
  if (after.empty() || before.num_samples() < 2) return Duration::zero();
  const auto t = before.times();
  std::vector<std::int64_t> steps;
  for (std::size_t i = 1; i < t.size(); ++i) steps.push_back((t[i] - t[i - 1]).ticks());
  std::sort(steps.begin(), steps.end());
  const std::size_t m = steps.size() / 2;
  if (steps.size() % 2 == 1) return ticks(steps[m]);
  return ticks(time_detail::floor_div(steps[m - 1], 2) + time_detail::floor_div(steps[m], 2) +
               time_detail::floor_div((steps[m - 1] % 2) + (steps[m] % 2), 2));
}

}  // namespace

const char* to_string(Interpolation kind) {
  switch (kind) {
    case Interpolation::kLinear: return "linear";
    case Interpolation::kPrevious: return "previous";
    case Interpolation::kNext: return "next";
    case Interpolation::kNearest: return "nearest";
    case Interpolation::kCubic: return "cubic";
  }
  return "unknown";
}

TSContinuous::TSContinuous(std::vector<Time> times, std::vector<double> samples,
                           std::size_t num_channels, Options options)
    : times_(std::move(times)),
      samples_(std::move(samples)),
      num_channels_(num_channels),
      periodic_(options.periodic),
      name_(std::move(options.name)),
      units_(std::move(options.units)),
      interpolation_(options.interpolation),
      fill_value_(options.fill_value),
      extrapolate_(options.extrapolate) {
  const std::size_t n = times_.size();
  if (samples_.size() != n * num_channels_)
    throw DimensionMismatch("samples", "has " + std::to_string(samples_.size()) +
                                           " values but times (" + std::to_string(n) +
                                           ") x num_channels (" + std::to_string(num_channels_) +
                                           ") needs " + std::to_string(n * num_channels_));
  check_sorted(times_, "times");
  const TimeSpan span = resolve_span(times_, options.t_start, options.t_stop, "sample");
  t_start_ = span.t_start;
  t_stop_ = span.t_stop;
  if (interpolation_ == Interpolation::kCubic) {
    for (std::size_t i = 1; i < n; ++i)
      if (times_[i] == times_[i - 1])
        throw InvalidArgument("times", "cubic interpolation needs strictly increasing times; "
                                       "time repeated at index " + std::to_string(i));
    compute_spline();
  }
}

TSContinuous TSContinuous::from_seconds(std::span<const double> times_s,
                                        std::vector<double> samples, std::size_t num_channels,
                                        Options options) {
  std::vector<Time> times;
  times.reserve(times_s.size());
  for (std::size_t i = 0; i < times_s.size(); ++i) {
    if (!std::isfinite(times_s[i]))
      throw InvalidArgument("times", (std::isnan(times_s[i]) ? "NaN" : "infinity") +
                                         std::string(" at index ") + std::to_string(i));
    times.push_back(Time::from_seconds(times_s[i]));
  }
  return TSContinuous(std::move(times), std::move(samples), num_channels, std::move(options));
}

TSContinuous TSContinuous::from_clocked(std::vector<double> samples, std::size_t num_channels,
                                        Duration dt, Time t_start, std::string name,
                                        Interpolation interpolation, bool periodic) {
  if (dt <= Duration::zero())
    throw InvalidArgument("dt", "must be positive, got " + format_seconds(dt) + " s");
  if (num_channels == 0 || samples.empty())
    throw InvalidArgument("samples", "must not be empty");
  if (samples.size() % num_channels != 0)
    throw DimensionMismatch("samples", "has " + std::to_string(samples.size()) +
                                           " values, not a multiple of num_channels " +
                                           std::to_string(num_channels));
  const std::size_t n = samples.size() / num_channels;
  std::vector<Time> times(n);
  for (std::size_t k = 0; k < n; ++k) times[k] = t_start + dt * static_cast<std::int64_t>(k);
  Options options;
  options.t_start = t_start;
  options.t_stop = t_start + dt * static_cast<std::int64_t>(n);
  options.periodic = periodic;
  options.name = std::move(name);
  options.interpolation = interpolation;
  return TSContinuous(std::move(times), std::move(samples), num_channels, std::move(options));
}

// Not-a-knot cubic spline (the boundary condition of scipy's interp1d(kind="cubic")): the
// third derivative is continuous at the second and the second-to-last knot. Unknowns are the
// second derivatives M_i; the interior equations are the usual
//   h[i-1] M[i-1] + 2 (h[i-1] + h[i]) M[i] + h[i] M[i+1] = 6 (s[i] - s[i-1]),  s = slopes,
// and the not-a-knot conditions M0 = M1 (1 + h0/h1) - M2 h0/h1 (and its mirror) are
// substituted into the first and last of them. The system stays diagonally dominant, so the
// Thomas algorithm needs no pivoting. Three samples give the parabola through them (the
// not-a-knot limit), two give the straight line.
void TSContinuous::compute_spline() {
  const std::size_t n = times_.size();
  second_derivatives_.clear();
  if (n < 3) return;
  const std::size_t nc = num_channels_;
  second_derivatives_.assign(n * nc, 0.0);
  std::vector<double> h(n - 1);
  for (std::size_t i = 0; i + 1 < n; ++i) h[i] = to_seconds(times_[i + 1] - times_[i]);
  std::vector<double> slope(n - 1);
  for (std::size_t c = 0; c < nc; ++c) {
    auto y = [&](std::size_t i) { return samples_[i * nc + c]; };
    auto m = [&](std::size_t i) -> double& { return second_derivatives_[i * nc + c]; };
    for (std::size_t i = 0; i + 1 < n; ++i) slope[i] = (y(i + 1) - y(i)) / h[i];
    if (n == 3) {
      const double curvature = 2.0 * (slope[1] - slope[0]) / (h[0] + h[1]);
      m(0) = m(1) = m(2) = curvature;
      continue;
    }
    const std::size_t k = n - 2;  // unknowns M1 .. M(n-2), row r is knot r + 1
    std::vector<double> a(k), b(k), cc(k), d(k);
    for (std::size_t r = 0; r < k; ++r) {
      const std::size_t i = r + 1;
      a[r] = h[i - 1];
      b[r] = 2.0 * (h[i - 1] + h[i]);
      cc[r] = h[i];
      d[r] = 6.0 * (slope[i] - slope[i - 1]);
    }
    b[0] += h[0] + h[0] * h[0] / h[1];
    cc[0] -= h[0] * h[0] / h[1];
    a[0] = 0.0;
    b[k - 1] += h[n - 2] + h[n - 2] * h[n - 2] / h[n - 3];
    a[k - 1] -= h[n - 2] * h[n - 2] / h[n - 3];
    cc[k - 1] = 0.0;
    for (std::size_t r = 1; r < k; ++r) {
      const double w = a[r] / b[r - 1];
      b[r] -= w * cc[r - 1];
      d[r] -= w * d[r - 1];
    }
    m(k) = d[k - 1] / b[k - 1];
    for (std::size_t r = k - 1; r-- > 0;) m(r + 1) = (d[r] - cc[r] * m(r + 2)) / b[r];
    m(0) = m(1) * (1.0 + h[0] / h[1]) - m(2) * h[0] / h[1];
    m(n - 1) = m(n - 2) * (1.0 + h[n - 2] / h[n - 3]) - m(n - 3) * h[n - 2] / h[n - 3];
  }
}

double TSContinuous::sample(std::size_t row, std::size_t channel) const {
  if (row >= times_.size())
    throw OutOfRange("row", "index " + std::to_string(row) + " is >= num_samples " +
                                std::to_string(times_.size()));
  if (channel >= num_channels_)
    throw OutOfRange("channel", "index " + std::to_string(channel) + " is >= num_channels " +
                                    std::to_string(num_channels_));
  return samples_[row * num_channels_ + channel];
}

std::string TSContinuous::description() const {
  const std::string kind = empty() ? "empty" : (periodic_ ? "periodic" : "non-periodic");
  return kind + " TSContinuous '" + name_ + "' from t=" + format_seconds(t_start_) + " to " +
         format_seconds(t_stop_) + ". Samples: " + std::to_string(times_.size()) +
         ". Channels: " + std::to_string(num_channels_);
}

Time TSContinuous::wrap(Time t) const {
  const Duration period = duration();
  if (!periodic_ || period <= Duration::zero()) return t;
  return t_start_ + floor_mod(t - t_start_, period);
}

double TSContinuous::segment_value(std::size_t i, Time t, std::size_t c) const {
  const std::size_t nc = num_channels_;
  const double y0 = samples_[i * nc + c];
  const double y1 = samples_[(i + 1) * nc + c];
  const Duration h = times_[i + 1] - times_[i];
  if (h == Duration::zero()) return t > times_[i + 1] ? y1 : y0;  // linear only: cubic refuses
  const double b = ratio(t - times_[i], h);
  if (second_derivatives_.empty()) return y0 + b * (y1 - y0);
  const double a = ratio(times_[i + 1] - t, h);
  const double hs = to_seconds(h);
  const double m0 = second_derivatives_[i * nc + c];
  const double m1 = second_derivatives_[(i + 1) * nc + c];
  return a * y0 + b * y1 + ((a * a * a - a) * m0 + (b * b * b - b) * m1) * hs * hs / 6.0;
}

double TSContinuous::value_at(Time t, std::size_t c) const {
  const std::size_t n = times_.size();
  const std::size_t nc = num_channels_;
  if (n == 0 || t < t_start_ || t > t_stop_) return fill_value_;
  const bool smooth =
      interpolation_ == Interpolation::kLinear || interpolation_ == Interpolation::kCubic;
  if (t < times_.front()) {
    if (!extrapolate_) return fill_value_;
    return (smooth && n > 1) ? segment_value(0, t, c) : samples_[c];
  }
  if (t > times_.back()) {
    // Zero-order hold is defined up to t_stop (Rockpool's from_clocked relies on this).
    if (interpolation_ == Interpolation::kPrevious) return samples_[(n - 1) * nc + c];
    if (!extrapolate_) return fill_value_;
    return (smooth && n > 1) ? segment_value(n - 2, t, c) : samples_[(n - 1) * nc + c];
  }
  // times[i] is the last sample time <= t.
  const std::size_t i =
      static_cast<std::size_t>(std::upper_bound(times_.begin(), times_.end(), t) - times_.begin()) - 1;
  if (times_[i] == t) {
    if (interpolation_ != Interpolation::kNext) return samples_[i * nc + c];
    const auto first = std::lower_bound(times_.begin(), times_.end(), t) - times_.begin();
    return samples_[static_cast<std::size_t>(first) * nc + c];
  }
  switch (interpolation_) {
    case Interpolation::kPrevious: return samples_[i * nc + c];
    case Interpolation::kNext: return samples_[(i + 1) * nc + c];
    case Interpolation::kNearest:
      return (t - times_[i] <= times_[i + 1] - t) ? samples_[i * nc + c]
                                                  : samples_[(i + 1) * nc + c];
    case Interpolation::kLinear:
    case Interpolation::kCubic: return segment_value(i, t, c);
  }
  return fill_value_;
}

std::vector<double> TSContinuous::operator()(Time t) const {
  const Time w = wrap(t);
  std::vector<double> out(num_channels_);
  for (std::size_t c = 0; c < num_channels_; ++c) out[c] = value_at(w, c);
  return out;
}

std::vector<double> TSContinuous::operator()(std::span<const Time> times) const {
  std::vector<double> out;
  out.reserve(times.size() * num_channels_);
  for (Time t : times) {
    const Time w = wrap(t);
    for (std::size_t c = 0; c < num_channels_; ++c) out.push_back(value_at(w, c));
  }
  return out;
}

double TSContinuous::at(Time t, std::size_t channel) const {
  if (channel >= num_channels_)
    throw OutOfRange("channel", "index " + std::to_string(channel) + " is >= num_channels " +
                                    std::to_string(num_channels_));
  return value_at(wrap(t), channel);
}

TSContinuous::Options TSContinuous::own_options() const {
  Options options;
  options.t_start = t_start_;
  options.t_stop = t_stop_;
  options.periodic = periodic_;
  options.name = name_;
  options.units = units_;
  options.interpolation = interpolation_;
  options.fill_value = fill_value_;
  options.extrapolate = extrapolate_;
  return options;
}

TSContinuous TSContinuous::with(std::vector<Time> times, std::vector<double> samples,
                                std::size_t num_channels) const {
  Options options = own_options();
  if (!times.empty()) {
    options.t_start = std::min(t_start_, times.front());
    options.t_stop = std::max(t_stop_, times.back());
  }
  return TSContinuous(std::move(times), std::move(samples), num_channels, std::move(options));
}

TSContinuous TSContinuous::resample(std::vector<Time> times) const {
  check_sorted(times, "times");
  std::vector<double> values = (*this)(times);
  TSContinuous out = with({}, {}, num_channels_);
  if (!times.empty()) {
    out.t_start_ = times.front();
    out.t_stop_ = times.back();
  }
  out.times_ = std::move(times);
  out.samples_ = std::move(values);
  if (interpolation_ == Interpolation::kCubic) {
    for (std::size_t i = 1; i < out.times_.size(); ++i)
      if (out.times_[i] == out.times_[i - 1])
        throw InvalidArgument("times", "cubic interpolation needs strictly increasing times; "
                                       "time repeated at index " + std::to_string(i));
    out.compute_spline();
  }
  return out;
}

TSContinuous TSContinuous::resample(Duration dt) const {
  if (dt <= Duration::zero())
    throw InvalidArgument("dt", "must be positive, got " + format_seconds(dt) + " s");
  std::vector<Time> times;
  for (Time t = t_start_; t < t_stop_; t += dt) times.push_back(t);
  return resample(std::move(times));
}

TSContinuous TSContinuous::select_channels(std::span<const std::size_t> channels) const {
  for (std::size_t k = 0; k < channels.size(); ++k)
    if (channels[k] >= num_channels_)
      throw OutOfRange("channels", "channel " + std::to_string(channels[k]) + " at index " +
                                       std::to_string(k) + " is >= num_channels " +
                                       std::to_string(num_channels_));
  const std::size_t k_out = channels.size();
  std::vector<double> samples(times_.size() * k_out);
  for (std::size_t i = 0; i < times_.size(); ++i)
    for (std::size_t k = 0; k < k_out; ++k)
      samples[i * k_out + k] = samples_[i * num_channels_ + channels[k]];
  return with(times_, std::move(samples), k_out);
}

TSContinuous TSContinuous::clip(Time t0, Time t1, ClipOptions options) const {
  if (t1 < t0)
    throw InvalidArgument("t_stop", seconds_text(t1) + " is before t_start " + seconds_text(t0));
  auto keep = [&](Time t) { return (t >= t0 && t < t1) || (options.include_stop && t == t1); };
  std::vector<Time> times;
  const Duration period = duration();
  if (periodic_ && period > Duration::zero()) {
    // One period is [t_start, t_stop): a sample at t_stop coincides with the next t_start.
    const std::int64_t m_first = floor_div(t0 - t_start_, period);
    const std::int64_t m_last = floor_div(t1 - t_start_, period);
    for (std::int64_t m = m_first; m <= m_last; ++m)
      for (Time t : times_)
        if (t < t_stop_ && keep(t + period * m)) times.push_back(t + period * m);
  } else {
    for (Time t : times_)
      if (keep(t)) times.push_back(t);
  }
  if (options.sample_limits) {
    // As Rockpool: t_stop is added to an empty selection even without include_stop.
    const bool add_start = times.empty() || times.front() > t0;
    const bool add_stop = times.empty() || (times.back() < t1 && options.include_stop);
    if (add_start) times.insert(times.begin(), t0);
    if (add_stop) times.push_back(t1);
  }
  TSContinuous out = resample(std::move(times));
  out.t_start_ = t0;
  out.t_stop_ = t1;
  return out;
}

TSContinuous TSContinuous::slice(Time t0, Time t1) const {
  return clip(t0, t1, ClipOptions{.include_stop = false, .sample_limits = false});
}

TSContinuous TSContinuous::slice(Time t0, Time t1, Duration step) const {
  if (step <= Duration::zero())
    throw InvalidArgument("step", "must be positive, got " + format_seconds(step) + " s");
  std::vector<Time> times;
  for (Time t = t0; t < t1; t += step)
    if (t >= t_start_ && t < t_stop_) times.push_back(t);
  return resample(std::move(times));
}

TSContinuous TSContinuous::delay(Duration offset) const {
  TSContinuous out = *this;
  for (Time& t : out.times_) t += offset;
  out.t_start_ += offset;
  out.t_stop_ += offset;
  return out;
}

TSContinuous TSContinuous::merge(const TSContinuous& other, bool remove_duplicates) const {
  std::size_t nc = num_channels_;
  if (empty() && nc == 0) nc = other.num_channels_;
  if (!other.empty() && other.num_channels_ != nc)
    throw DimensionMismatch("other", "has " + std::to_string(other.num_channels_) +
                                         " channels; expected " + std::to_string(nc));
  std::vector<Time> times;
  std::vector<double> samples;
  auto push = [&](const TSContinuous& s, std::size_t i) {
    times.push_back(s.times_[i]);
    samples.insert(samples.end(), s.samples_.begin() + static_cast<std::ptrdiff_t>(i * nc),
                   s.samples_.begin() + static_cast<std::ptrdiff_t>((i + 1) * nc));
  };
  // Linear merge, stable: at equal times this series' samples come first.
  std::size_t i = 0, j = 0;
  while (i < num_samples() || j < other.num_samples()) {
    if (j < other.num_samples() && remove_duplicates &&
        std::binary_search(times_.begin(), times_.end(), other.times_[j])) {
      ++j;
      continue;
    }
    if (j == other.num_samples() || (i < num_samples() && times_[i] <= other.times_[j]))
      push(*this, i++);
    else
      push(other, j++);
  }
  Options options = own_options();
  options.t_start = std::min(t_start_, other.t_start_);
  options.t_stop = std::max(t_stop_, other.t_stop_);
  return TSContinuous(std::move(times), std::move(samples), nc, std::move(options));
}

TSContinuous TSContinuous::append_t(const TSContinuous& other, std::optional<Duration> offset) const {
  const Duration gap = offset ? *offset : default_append_offset(*this, other);
  return merge(other.delay(gap + (t_stop_ - other.t_start_)), false);
}

TSContinuous TSContinuous::append_c(const TSContinuous& other) const {
  const std::vector<double> extra = other(times_);
  const std::size_t m = other.num_channels_;
  const std::size_t nc = num_channels_ + m;
  std::vector<double> samples(times_.size() * nc);
  for (std::size_t i = 0; i < times_.size(); ++i) {
    std::copy_n(samples_.begin() + static_cast<std::ptrdiff_t>(i * num_channels_), num_channels_,
                samples.begin() + static_cast<std::ptrdiff_t>(i * nc));
    std::copy_n(extra.begin() + static_cast<std::ptrdiff_t>(i * m), m,
                samples.begin() + static_cast<std::ptrdiff_t>(i * nc + num_channels_));
  }
  return with(times_, std::move(samples), nc);
}

TSContinuous TSContinuous::concatenate_t(std::span<const TSContinuous> series,
                                         std::optional<Duration> offset) {
  if (series.empty()) return TSContinuous();
  TSContinuous out = series.front();
  // Rockpool takes each default gap from the series just before, not from the result so far.
  for (std::size_t k = 1; k < series.size(); ++k)
    out = out.append_t(series[k], offset ? *offset : default_append_offset(series[k - 1], series[k]));
  return out;
}

double TSContinuous::min() const {
  double best = std::numeric_limits<double>::quiet_NaN();
  for (double v : samples_)
    if (!std::isnan(v) && (std::isnan(best) || v < best)) best = v;
  return best;
}

double TSContinuous::max() const {
  double best = std::numeric_limits<double>::quiet_NaN();
  for (double v : samples_)
    if (!std::isnan(v) && (std::isnan(best) || v > best)) best = v;
  return best;
}

double TSContinuous::mean() const {
  double sum = 0.0;
  std::size_t count = 0;
  for (double v : samples_)
    if (!std::isnan(v)) {
      sum += v;
      ++count;
    }
  return count == 0 ? std::numeric_limits<double>::quiet_NaN() : sum / static_cast<double>(count);
}

void TSContinuous::apply(Op op, std::span<const double> other, std::size_t other_channels) {
  const std::size_t n = times_.size();
  const std::size_t nc = num_channels_;
  if (other_channels != nc && other_channels != 1)
    throw DimensionMismatch("other", "has " + std::to_string(other_channels) +
                                         " channels; expected " + std::to_string(nc) + " or 1");
  const bool per_row = other.size() != other_channels;  // scalars give one row for all
  assert(!per_row || other.size() == n * other_channels);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t c = 0; c < nc; ++c) {
      const double b = other[(per_row ? i * other_channels : 0) + (other_channels == 1 ? 0 : c)];
      double& a = samples_[i * nc + c];
      const bool nan_a = std::isnan(a), nan_b = std::isnan(b);
      switch (op) {
        // Rockpool treats NaN as 0 in + and -, unless both operands are NaN.
        case Op::kAdd: a = nan_a ? b : (nan_b ? a : a + b); break;
        case Op::kSub: a = nan_a ? (nan_b ? b : -b) : (nan_b ? a : a - b); break;
        case Op::kMul: a = a * b; break;
        case Op::kDiv: a = a / b; break;
        // std::pow(1, NaN) is 1 and std::pow(NaN, 0) is 1; Rockpool gives NaN for both.
        case Op::kPow: a = (nan_a || nan_b) ? std::numeric_limits<double>::quiet_NaN() : std::pow(a, b); break;
      }
    }
  if (interpolation_ == Interpolation::kCubic) compute_spline();
}

std::vector<double> TSContinuous::other_on_my_times(const TSContinuous& other) const {
  if (other.num_channels_ != num_channels_ && other.num_channels_ != 1)
    throw DimensionMismatch("other", "has " + std::to_string(other.num_channels_) +
                                         " channels; expected " + std::to_string(num_channels_) +
                                         " or 1");
  return other(times_);
}

TSContinuous& TSContinuous::operator+=(double x) { apply(Op::kAdd, {&x, 1}, 1); return *this; }
TSContinuous& TSContinuous::operator-=(double x) { apply(Op::kSub, {&x, 1}, 1); return *this; }
TSContinuous& TSContinuous::operator*=(double x) { apply(Op::kMul, {&x, 1}, 1); return *this; }
TSContinuous& TSContinuous::operator/=(double x) { apply(Op::kDiv, {&x, 1}, 1); return *this; }

TSContinuous& TSContinuous::operator+=(const TSContinuous& other) {
  const auto v = other_on_my_times(other);
  apply(Op::kAdd, v, other.num_channels_);
  return *this;
}
TSContinuous& TSContinuous::operator-=(const TSContinuous& other) {
  const auto v = other_on_my_times(other);
  apply(Op::kSub, v, other.num_channels_);
  return *this;
}
TSContinuous& TSContinuous::operator*=(const TSContinuous& other) {
  const auto v = other_on_my_times(other);
  apply(Op::kMul, v, other.num_channels_);
  return *this;
}
TSContinuous& TSContinuous::operator/=(const TSContinuous& other) {
  const auto v = other_on_my_times(other);
  apply(Op::kDiv, v, other.num_channels_);
  return *this;
}

TSContinuous TSContinuous::operator-() const {
  TSContinuous out = *this;
  for (double& v : out.samples_) v = -v;
  if (interpolation_ == Interpolation::kCubic) out.compute_spline();
  return out;
}

TSContinuous abs(const TSContinuous& ts) {
  TSContinuous out = ts;
  for (double& v : out.samples_) v = std::abs(v);
  if (out.interpolation_ == Interpolation::kCubic) out.compute_spline();
  return out;
}

TSContinuous pow(const TSContinuous& base, double exponent) {
  TSContinuous out = base;
  out.apply(TSContinuous::Op::kPow, {&exponent, 1}, 1);
  return out;
}

TSContinuous pow(const TSContinuous& base, const TSContinuous& exponent) {
  TSContinuous out = base;
  const auto v = out.other_on_my_times(exponent);
  out.apply(TSContinuous::Op::kPow, v, exponent.num_channels_);
  return out;
}

TSContinuous pow(double base, const TSContinuous& exponent) {
  TSContinuous out = exponent;
  for (double& v : out.samples_)
    v = std::isnan(v) || std::isnan(base) ? std::numeric_limits<double>::quiet_NaN()
                                          : std::pow(base, v);
  if (out.interpolation_ == Interpolation::kCubic) out.compute_spline();
  return out;
}

TSContinuous operator+(TSContinuous a, double x) { return a += x; }
TSContinuous operator+(double x, TSContinuous a) { return a += x; }
TSContinuous operator-(TSContinuous a, double x) { return a -= x; }
TSContinuous operator-(double x, const TSContinuous& a) { return -(a - x); }
TSContinuous operator*(TSContinuous a, double x) { return a *= x; }
TSContinuous operator*(double x, TSContinuous a) { return a *= x; }
TSContinuous operator/(TSContinuous a, double x) { return a /= x; }
TSContinuous operator/(double x, const TSContinuous& a) {
  // Rockpool computes (1 / a) * x; we divide once, which is the correctly rounded x / a.
  TSContinuous out = a;
  for (double& v : out.samples_) v = x / v;
  if (out.interpolation_ == Interpolation::kCubic) out.compute_spline();
  return out;
}
TSContinuous operator+(TSContinuous a, const TSContinuous& b) { return a += b; }
TSContinuous operator-(TSContinuous a, const TSContinuous& b) { return a -= b; }
TSContinuous operator*(TSContinuous a, const TSContinuous& b) { return a *= b; }
TSContinuous operator/(TSContinuous a, const TSContinuous& b) { return a /= b; }

}  // namespace rockpool
