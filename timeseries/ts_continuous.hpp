// ts_continuous.hpp: a sampled, continuous-valued signal, Rockpool's `TSContinuous`.
//
// Use it for analog inputs to a network (currents, rates), for recorded state (membrane
// potentials) and for anything that is sampled at arbitrary times. A TSContinuous owns its
// sample times (exact `Time`, non-decreasing), a T x N matrix of samples (row-major: the N
// channel values at times[0], then at times[1], ...) and its span [t_start, t_stop]. It is
// immutable after construction: every manipulation returns a new series, so spans returned
// by times()/samples() stay valid as long as the series does.
//
// Sampling at an arbitrary time interpolates (linear, previous, next, nearest, or a
// not-a-knot cubic spline); outside [t_start, t_stop] it returns the fill value (NaN by
// default); a periodic series wraps the query time into [t_start, t_stop) first. Arithmetic
// with another series samples the other one on this series' time base, as Rockpool does.
// See doc/timeseries.md for the exact rules and the differences from Rockpool.
//
//   std::vector<Time> t = {Time::zero(), Time::zero() + seconds(1)};
//   TSContinuous ramp(t, {0.0, 2.0}, 1, {.name = "ramp"});
//   double half = ramp.at(Time::zero() + milliseconds(500), 0);   // 1.0
//   TSContinuous shifted = (ramp * 2.0 + 1.0).delay(seconds(3));
#pragma once

#include <cstddef>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/error.hpp"
#include "engine/time.hpp"

namespace rockpool {

enum class Interpolation {
  kLinear,    // straight line between neighbouring samples
  kPrevious,  // zero-order hold: the last sample at or before t, held up to t_stop
  kNext,      // the first sample at or after t
  kNearest,   // the closer sample; exactly half-way takes the earlier one (scipy "nearest")
  kCubic,     // not-a-knot cubic spline (scipy interp1d "cubic"), computed in double
};

// "linear", "previous", "next", "nearest", "cubic"
const char* to_string(Interpolation kind);

// Option types of TSContinuous, also reachable as TSContinuous::Options etc. (they live
// outside the class so that `= {}` default arguments work inside it).
struct TSContinuousOptions {
  std::optional<Time> t_start;  // default: first sample time (0 without samples)
  std::optional<Time> t_stop;   // default: last sample time (t_start without samples)
  bool periodic = false;
  std::string name = "unnamed";
  std::string units;
  Interpolation interpolation = Interpolation::kLinear;
  // Returned wherever the series is undefined: outside [t_start, t_stop] and, unless
  // `extrapolate`, between t_start and the first sample or the last sample and t_stop.
  double fill_value = std::numeric_limits<double>::quiet_NaN();
  // Extend the interpolant from the outermost samples to t_start and t_stop.
  bool extrapolate = false;
};

// How clip() chooses its sample times (Rockpool's include_stop and sample_limits).
struct TSContinuousClipOptions {
  bool include_stop = true;   // keep a sample exactly at t_stop
  bool sample_limits = true;  // add samples at t_start (and t_stop if include_stop)
};

class TSContinuous {
 public:
  using Options = TSContinuousOptions;
  using ClipOptions = TSContinuousClipOptions;

  TSContinuous() = default;  // no samples, 0 channels, t_start = t_stop = 0
  // `samples` is row-major T x num_channels with T = times.size(). Throws DimensionMismatch
  // on a size mismatch, InvalidArgument for unsorted times (naming the index), for t_start
  // after the first sample, t_stop before the last, or cubic interpolation on repeated times.
  TSContinuous(std::vector<Time> times, std::vector<double> samples, std::size_t num_channels,
               Options options = {});

  // Times in seconds at the boundary, each rounded once to the tick. Throws InvalidArgument
  // for a NaN or infinite time, naming its index.
  static TSContinuous from_seconds(std::span<const double> times_s, std::vector<double> samples,
                                   std::size_t num_channels, Options options = {});
  // Rockpool's from_clocked: sample k at t_start + k * dt, t_stop one dt after the last one,
  // zero-order hold by default. Throws InvalidArgument for dt <= 0.
  static TSContinuous from_clocked(std::vector<double> samples, std::size_t num_channels,
                                   Duration dt, Time t_start = Time::zero(),
                                   std::string name = "unnamed",
                                   Interpolation interpolation = Interpolation::kPrevious,
                                   bool periodic = false);

  std::span<const Time> times() const { return times_; }
  std::span<const double> samples() const { return samples_; }  // row-major T x N
  double sample(std::size_t row, std::size_t channel) const;     // throws OutOfRange
  std::size_t num_samples() const { return times_.size(); }
  std::size_t num_channels() const { return num_channels_; }
  bool empty() const { return times_.empty(); }
  Time t_start() const { return t_start_; }
  Time t_stop() const { return t_stop_; }
  Duration duration() const { return t_stop_ - t_start_; }
  bool periodic() const { return periodic_; }
  const std::string& name() const { return name_; }
  const std::string& units() const { return units_; }
  Interpolation interpolation() const { return interpolation_; }
  double fill_value() const { return fill_value_; }
  bool extrapolate() const { return extrapolate_; }
  // True if sampling at t is within the series (always for a periodic one).
  bool contains(Time t) const { return periodic_ || (t >= t_start_ && t <= t_stop_); }

  // "non-periodic TSContinuous 'sine' from t=0 to 9.9. Samples: 100. Channels: 1"
  std::string description() const;

  // The N interpolated channel values at t.
  std::vector<double> operator()(Time t) const;
  // Row-major T x N values at each of `times` (any order).
  std::vector<double> operator()(std::span<const Time> times) const;
  double at(Time t, std::size_t channel) const;  // throws OutOfRange for a bad channel

  // --- New series from this one ---------------------------------------------------------
  // Samples at `times` (non-decreasing); t_start/t_stop become the first/last of them.
  TSContinuous resample(std::vector<Time> times) const;
  // Samples at t_start + k * dt for every such time before t_stop (Rockpool's ts[::dt]).
  TSContinuous resample(Duration dt) const;
  // Channel subset / reordering; repeats allowed. Throws OutOfRange naming the index.
  TSContinuous select_channels(std::span<const std::size_t> channels) const;
  // Rockpool's clip: samples at the series' own times within [t0, t1) (a periodic series
  // repeats them), plus t1 if include_stop, plus t0 / t1 themselves if sample_limits; values
  // interpolated; the new series spans exactly [t0, t1].
  TSContinuous clip(Time t0, Time t1, ClipOptions options = {}) const;
  // Rockpool's ts[t0:t1]: clip without the sample at t1 and without added limit samples.
  TSContinuous slice(Time t0, Time t1) const;
  // Rockpool's ts[t0:t1:step]: resampled at t0 + k * step for k >= 0, kept where the time
  // lies in [t0, t1) and in [t_start, t_stop).
  TSContinuous slice(Time t0, Time t1, Duration step) const;

  TSContinuous delay(Duration offset) const;
  TSContinuous start_at_zero() const { return delay(Time::zero() - t_start_); }
  TSContinuous start_at(Time t) const { return delay(t - t_start_); }

  // Interleaves the samples of `other` (same channel count, or empty) in time. With
  // remove_duplicates, samples of `other` at a time this series already has are dropped;
  // otherwise they follow this series' sample at that time.
  TSContinuous merge(const TSContinuous& other, bool remove_duplicates = true) const;
  // Appends `other` in time: its t_start moves to t_stop + offset. Default offset: the
  // median step of this series' times (0 if it has fewer than 2 samples or `other` none).
  TSContinuous append_t(const TSContinuous& other, std::optional<Duration> offset = {}) const;
  // Appends the channels of `other`, sampled on this series' times.
  TSContinuous append_c(const TSContinuous& other) const;
  static TSContinuous concatenate_t(std::span<const TSContinuous> series,
                                    std::optional<Duration> offset = {});

  // --- Statistics over all samples, NaN ignored (NaN if there is nothing left) ----------
  double min() const;
  double max() const;
  double mean() const;

  // --- Arithmetic ------------------------------------------------------------------------
  // With a series, `other` is sampled at this series' times (its own interpolation, fill
  // and periodicity apply) and must have N channels or 1 (broadcast). The result keeps this
  // series' times and metadata. + and - treat a NaN operand as 0 unless both are NaN (as
  // Rockpool does); the other operations propagate NaN.
  TSContinuous& operator+=(double x);
  TSContinuous& operator-=(double x);
  TSContinuous& operator*=(double x);
  TSContinuous& operator/=(double x);
  TSContinuous& operator+=(const TSContinuous& other);
  TSContinuous& operator-=(const TSContinuous& other);
  TSContinuous& operator*=(const TSContinuous& other);
  TSContinuous& operator/=(const TSContinuous& other);
  TSContinuous operator-() const;
  friend TSContinuous abs(const TSContinuous& ts);
  friend TSContinuous pow(const TSContinuous& base, double exponent);
  friend TSContinuous pow(const TSContinuous& base, const TSContinuous& exponent);
  friend TSContinuous pow(double base, const TSContinuous& exponent);
  friend TSContinuous operator/(double x, const TSContinuous& a);  // x / a, sample-wise

 private:
  // This series' options (span, periodicity, name, units, interpolation, fill), for a new
  // series derived from it.
  Options own_options() const;
  enum class Op { kAdd, kSub, kMul, kDiv, kPow };
  void apply(Op op, std::span<const double> other, std::size_t other_channels);
  std::vector<double> other_on_my_times(const TSContinuous& other) const;
  // Value of channel c at t, t already wrapped for periodic series.
  double value_at(Time t, std::size_t c) const;
  // Value of the interpolant on the segment [i, i+1] (may be evaluated outside it).
  double segment_value(std::size_t i, Time t, std::size_t c) const;
  Time wrap(Time t) const;
  void compute_spline();
  TSContinuous with(std::vector<Time> times, std::vector<double> samples,
                    std::size_t num_channels) const;

  std::vector<Time> times_;
  std::vector<double> samples_;
  std::vector<double> second_derivatives_;  // cubic only: T x N, per second squared
  std::size_t num_channels_ = 0;
  Time t_start_ = Time::zero();
  Time t_stop_ = Time::zero();
  bool periodic_ = false;
  std::string name_ = "unnamed";
  std::string units_;
  Interpolation interpolation_ = Interpolation::kLinear;
  double fill_value_ = std::numeric_limits<double>::quiet_NaN();
  bool extrapolate_ = false;
};

// Also declared here (not only as friends) so that qualified calls like rockpool::pow work.
TSContinuous abs(const TSContinuous& ts);
TSContinuous pow(const TSContinuous& base, double exponent);
TSContinuous pow(const TSContinuous& base, const TSContinuous& exponent);
TSContinuous pow(double base, const TSContinuous& exponent);

TSContinuous operator+(TSContinuous a, double x);
TSContinuous operator+(double x, TSContinuous a);
TSContinuous operator-(TSContinuous a, double x);
TSContinuous operator-(double x, const TSContinuous& a);  // x - a
TSContinuous operator*(TSContinuous a, double x);
TSContinuous operator*(double x, TSContinuous a);
TSContinuous operator/(TSContinuous a, double x);
TSContinuous operator/(double x, const TSContinuous& a);  // x / a, sample-wise
TSContinuous operator+(TSContinuous a, const TSContinuous& b);
TSContinuous operator-(TSContinuous a, const TSContinuous& b);
TSContinuous operator*(TSContinuous a, const TSContinuous& b);
TSContinuous operator/(TSContinuous a, const TSContinuous& b);

}  // namespace rockpool
