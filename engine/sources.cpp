#include "engine/sources.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "engine/checkpoint.hpp"

namespace rockpool {

PoissonSource::PoissonSource(std::size_t channels, double rate_hz, std::uint64_t seed)
    : PoissonSource(std::vector<double>(channels, rate_hz), seed) {}

PoissonSource::PoissonSource(std::vector<double> rates_hz, std::uint64_t seed)
    : rates_(std::move(rates_hz)), rng_(seed, /*stream=*/0x5053'4f49'5353'4f4eULL) {
  if (rates_.empty()) throw InvalidArgument("rates_hz", "a Poisson source needs at least one channel");
  for (std::size_t c = 0; c < rates_.size(); ++c) {
    if (!std::isfinite(rates_[c]) || rates_[c] < 0) {
      throw InvalidArgument("rates_hz", "rate of channel " + std::to_string(c) + " must be finite and >= 0");
    }
    total_rate_ += rates_[c];
    cumulative_.push_back(total_rate_);
  }
}

void PoissonSource::start(Time t0) {
  now_ = t0;
  drawn_ = 0;
}

std::optional<SourceSpike> PoissonSource::next() {
  if (total_rate_ <= 0) return std::nullopt;
  // Draw k uses counter k: lane 0 of the block for the interval, an independent
  // block (counter with the top bit set) for the channel.
  const std::uint64_t k = drawn_++;
  const double interval = rng_.exponential(k) / total_rate_;
  const Duration step = Duration::from_seconds(interval);
  if (now_ > Time::max() - step) return std::nullopt;  // beyond the representable future
  now_ += step;
  const double u = rng_.uniform(k | (std::uint64_t{1} << 63)) * total_rate_;
  const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), u);
  const auto channel = static_cast<NeuronIndex>(std::min<std::size_t>(it - cumulative_.begin(), rates_.size() - 1));
  return SourceSpike{now_, channel};
}

RegularSource::RegularSource(std::size_t channels, Duration period, Duration phase)
    : channels_(channels), period_(period), phase_(phase) {
  if (channels == 0) throw InvalidArgument("channels", "a regular source needs at least one channel");
  if (period <= Duration::zero()) throw InvalidArgument("period", "must be positive");
  if (phase < Duration::zero()) throw InvalidArgument("phase", "must not be negative");
}

void RegularSource::start(Time t0) {
  t0_ = t0;
  k_ = 0;
  channel_ = 0;
}

std::optional<SourceSpike> RegularSource::next() {
  const Time t = t0_ + phase_ + k_ * period_;  // exact: no accumulated drift
  const SourceSpike spike{t, static_cast<NeuronIndex>(channel_)};
  if (++channel_ == channels_) {
    channel_ = 0;
    ++k_;
  }
  return spike;
}

TSEventSource::TSEventSource(TSEvent events) : events_(std::move(events)) {}

void TSEventSource::start(Time t0) {
  const auto times = events_.times();
  cursor_ = static_cast<std::size_t>(std::lower_bound(times.begin(), times.end(), t0) - times.begin());
}

std::optional<SourceSpike> TSEventSource::next() {
  if (cursor_ >= events_.size()) return std::nullopt;
  const SourceSpike s{events_.times()[cursor_], events_.channels()[cursor_]};
  ++cursor_;
  return s;
}

TSContinuousSource::TSContinuousSource(TSContinuous series) : series_(std::move(series)) {}

void TSContinuousSource::sample(Time t, std::span<double> out) const {
  const std::vector<double> values = series_(t);
  std::copy(values.begin(), values.end(), out.begin());
}

// Checkpoints: the RNG counter and clock, the position in the pattern, the cursor. The
// spike a source has already handed out is a pending event, saved by the simulation.
void PoissonSource::save_state(StateWriter& out) const {
  out.put(drawn_);
  out.put(now_);
}

void PoissonSource::restore_state(StateReader& in) {
  drawn_ = in.get<std::uint64_t>("PoissonSource draws");
  now_ = in.get<Time>("PoissonSource time");
}

void RegularSource::save_state(StateWriter& out) const {
  out.put(t0_);
  out.put(k_);
  out.put<std::uint64_t>(channel_);
}

void RegularSource::restore_state(StateReader& in) {
  t0_ = in.get<Time>("RegularSource t0");
  k_ = in.get<std::int64_t>("RegularSource period count");
  channel_ = in.get<std::uint64_t>("RegularSource channel");
  if (channel_ >= channels_) in.fail("RegularSource channel out of range");
}

void TSEventSource::save_state(StateWriter& out) const {
  out.put<std::uint64_t>(events_.size());
  out.put<std::uint64_t>(cursor_);
}

void TSEventSource::restore_state(StateReader& in) {
  const auto size = in.get<std::uint64_t>("TSEventSource size");
  if (size != events_.size()) {
    in.fail("TSEventSource holds " + std::to_string(events_.size()) + " events, the checkpoint's had " +
            std::to_string(size));
  }
  cursor_ = in.get<std::uint64_t>("TSEventSource cursor");
  if (cursor_ > events_.size()) in.fail("TSEventSource cursor out of range");
}

// A time series source has no run state: it is sampled, never advanced.
void TSContinuousSource::save_state(StateWriter&) const {}

void TSContinuousSource::restore_state(StateReader&) {}

}  // namespace rockpool
