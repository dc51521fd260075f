#include "timeseries/ts_event.hpp"

#include "timeseries/time_span.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numeric>
#include <utility>

namespace rockpool {

namespace {

using series_detail::check_sorted;
using series_detail::resolve_span;
using series_detail::seconds_text;
using series_detail::TimeSpan;

// Smallest k with k * dt >= span, for span >= 0 and dt > 0.
std::int64_t ceil_div(Duration span, Duration dt) {
  const std::int64_t q = span.ticks() / dt.ticks();
  return q + (span.ticks() % dt.ticks() != 0 ? 1 : 0);
}

void require_positive(Duration dt, const char* argument) {
  if (dt <= Duration::zero())
    throw InvalidArgument(argument, "must be positive, got " + format_seconds(dt) + " s");
}

}  // namespace

std::uint32_t Raster::at(std::size_t timestep, std::size_t channel) const {
  if (timestep >= num_timesteps)
    throw OutOfRange("timestep", "index " + std::to_string(timestep) + " is >= num_timesteps " +
                                     std::to_string(num_timesteps));
  if (channel >= num_channels)
    throw OutOfRange("channel", "index " + std::to_string(channel) + " is >= num_channels " +
                                    std::to_string(num_channels));
  return data[timestep * num_channels + channel];
}

TSEvent::TSEvent(std::vector<Time> times, std::vector<Channel> channels, Options options)
    : TSEvent(std::move(times), std::move(channels), {}, std::move(options)) {
  has_values_ = false;
}

TSEvent::TSEvent(std::vector<Time> times, std::vector<Channel> channels,
                 std::vector<double> values, Options options)
    : times_(std::move(times)),
      channels_(std::move(channels)),
      values_(std::move(values)),
      has_values_(true),
      periodic_(options.periodic),
      name_(std::move(options.name)) {
  const std::size_t n = times_.size();
  if (channels_.size() != n)
    throw DimensionMismatch("channels", "has " + std::to_string(channels_.size()) +
                                            " elements but times has " + std::to_string(n));
  // The 3-argument constructor delegates here with no values: that means "no values".
  if (!values_.empty() && values_.size() != n)
    throw DimensionMismatch("values", "has " + std::to_string(values_.size()) +
                                          " elements but times has " + std::to_string(n));
  if (values_.empty() && n > 0) has_values_ = false;
  check_sorted(times_, "times");
  for (std::size_t i = 0; i < values_.size(); ++i)
    if (std::isnan(values_[i]))
      throw InvalidArgument("values", "NaN at index " + std::to_string(i));

  if (options.num_channels) {
    num_channels_ = *options.num_channels;
    for (std::size_t i = 0; i < n; ++i)
      if (channels_[i] >= num_channels_)
        throw OutOfRange("channels", "channel " + std::to_string(channels_[i]) + " at index " +
                                         std::to_string(i) + " is >= num_channels " +
                                         std::to_string(num_channels_));
  } else {
    num_channels_ = 0;
    for (Channel c : channels_) num_channels_ = std::max<std::size_t>(num_channels_, c + std::size_t{1});
  }

  const TimeSpan span = resolve_span(times_, options.t_start, options.t_stop, "event");
  t_start_ = span.t_start;
  t_stop_ = span.t_stop;
}

TSEvent TSEvent::from_seconds(std::span<const double> times_s, std::vector<Channel> channels,
                              Options options) {
  std::vector<Time> times;
  times.reserve(times_s.size());
  for (std::size_t i = 0; i < times_s.size(); ++i) {
    if (!std::isfinite(times_s[i]))
      throw InvalidArgument("times", (std::isnan(times_s[i]) ? "NaN" : "infinity") +
                                         std::string(" at index ") + std::to_string(i));
    times.push_back(Time::from_seconds(times_s[i]));
  }
  return TSEvent(std::move(times), std::move(channels), std::move(options));
}

TSEvent TSEvent::from_raster(std::span<const std::uint32_t> raster, std::size_t num_channels,
                             Duration dt, FromRasterOptions options) {
  require_positive(dt, "dt");
  if (num_channels == 0 ? !raster.empty() : raster.size() % num_channels != 0)
    throw DimensionMismatch("raster", "has " + std::to_string(raster.size()) +
                                          " entries, not a multiple of num_channels " +
                                          std::to_string(num_channels));
  const std::size_t num_timesteps = num_channels == 0 ? 0 : raster.size() / num_channels;
  // Bin middles: dt / 2 rounded down to a tick (exact for every dt of an even tick count).
  const Duration shift = options.spikes_at_bin_start ? Duration::zero() : ticks(dt.ticks() / 2);
  std::vector<Time> times;
  std::vector<Channel> channels;
  for (std::size_t bin = 0; bin < num_timesteps; ++bin) {
    const Time t = options.t_start + dt * static_cast<std::int64_t>(bin) + shift;
    for (std::size_t c = 0; c < num_channels; ++c)
      for (std::uint32_t k = 0; k < raster[bin * num_channels + c]; ++k) {
        times.push_back(t);
        channels.push_back(static_cast<Channel>(c));
      }
  }
  Options ts_options;
  ts_options.num_channels = options.num_channels.value_or(num_channels);
  ts_options.t_start = options.t_start;
  ts_options.t_stop =
      options.t_stop.value_or(options.t_start + dt * static_cast<std::int64_t>(num_timesteps));
  ts_options.periodic = options.periodic;
  ts_options.name = std::move(options.name);
  return TSEvent(std::move(times), std::move(channels), std::move(ts_options));
}

TSEvent TSEvent::from_raster(const Raster& raster, Duration dt, FromRasterOptions options) {
  if (raster.data.size() != raster.num_timesteps * raster.num_channels)
    throw DimensionMismatch("raster", "holds " + std::to_string(raster.data.size()) +
                                          " entries, not num_timesteps x num_channels");
  return from_raster(raster.data, raster.num_channels, dt, std::move(options));
}

std::string TSEvent::description() const {
  const std::string kind = empty() ? "empty" : (periodic_ ? "periodic" : "non-periodic");
  return kind + " TSEvent '" + name_ + "' from t=" + format_seconds(t_start_) + " to " +
         format_seconds(t_stop_) + ". Channels: " + std::to_string(num_channels_) +
         ". Events: " + std::to_string(times_.size());
}

TSEvent::Events TSEvent::collect(Time t0, Time t1, bool include_stop) const {
  Events out;
  auto take = [&](std::size_t i, Duration shift) {
    out.times.push_back(times_[i] + shift);
    out.channels.push_back(channels_[i]);
    if (has_values_) out.values.push_back(values_[i]);
  };
  auto range = [&](std::size_t count, Time lo, Time hi) {
    const auto first = times_.begin();
    const auto last = first + static_cast<std::ptrdiff_t>(count);
    const auto b = std::lower_bound(first, last, lo);
    const auto e = include_stop ? std::upper_bound(first, last, hi) : std::lower_bound(first, last, hi);
    return std::pair<std::size_t, std::size_t>(static_cast<std::size_t>(b - first),
                                               static_cast<std::size_t>(std::max(b, e) - first));
  };
  const Duration period = duration();
  if (!periodic_ || period <= Duration::zero()) {
    const auto [b, e] = range(times_.size(), t0, t1);
    for (std::size_t i = b; i < e; ++i) take(i, Duration::zero());
    return out;
  }
  // One period is [t_start, t_stop): an event exactly at t_stop is the same instant as
  // t_start of the next period and is not repeated.
  const std::size_t base =
      static_cast<std::size_t>(std::lower_bound(times_.begin(), times_.end(), t_stop_) - times_.begin());
  const std::int64_t m_first = floor_div(t0 - t_start_, period);
  const std::int64_t m_last = floor_div(t1 - t_start_, period);
  for (std::int64_t m = m_first; m <= m_last; ++m) {
    const Duration shift = period * m;
    const auto [b, e] = range(base, t0 - shift, t1 - shift);
    for (std::size_t i = b; i < e; ++i) take(i, shift);
  }
  return out;
}

void TSEvent::validate_channels_query(std::span<const Channel> channels, const char* argument) const {
  for (std::size_t i = 0; i < channels.size(); ++i)
    if (channels[i] >= num_channels_)
      throw OutOfRange(argument, "channel " + std::to_string(channels[i]) + " at index " +
                                     std::to_string(i) + " is >= num_channels " +
                                     std::to_string(num_channels_));
}

TSEvent::Events TSEvent::events_between(Time t0, Time t1, const Query& query) const {
  if (t1 < t0)
    throw InvalidArgument("t1", seconds_text(t1) + " is before t0 " + seconds_text(t0));
  Events all = collect(t0, t1, query.include_stop);
  if (!query.channels) return all;
  validate_channels_query(*query.channels, "channels");
  std::vector<bool> wanted(num_channels_, false);
  for (Channel c : *query.channels) wanted[c] = true;
  Events out;
  for (std::size_t i = 0; i < all.times.size(); ++i) {
    if (!wanted[all.channels[i]]) continue;
    out.times.push_back(all.times[i]);
    out.channels.push_back(all.channels[i]);
    if (has_values_) out.values.push_back(all.values[i]);
  }
  return out;
}

TSEvent::Events TSEvent::events_between(Time t0, Time t1, std::span<const Channel> channels) const {
  Query query;
  query.channels = std::vector<Channel>(channels.begin(), channels.end());
  return events_between(t0, t1, query);
}

TSEvent TSEvent::slice(std::size_t begin, std::size_t end) const {
  if (end > size())
    throw OutOfRange("end", "index " + std::to_string(end) + " is > size " + std::to_string(size()));
  if (begin > end)
    throw OutOfRange("begin", "index " + std::to_string(begin) + " is > end " + std::to_string(end));
  std::vector<std::size_t> indices(end - begin);
  std::iota(indices.begin(), indices.end(), begin);
  return select(indices);
}

TSEvent TSEvent::select(std::span<const std::size_t> indices) const {
  for (std::size_t k = 0; k < indices.size(); ++k)
    if (indices[k] >= size())
      throw OutOfRange("indices", "index " + std::to_string(indices[k]) + " at position " +
                                      std::to_string(k) + " is >= size " + std::to_string(size()));
  std::vector<std::size_t> order(indices.begin(), indices.end());
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return times_[a] < times_[b]; });
  TSEvent out = *this;
  out.times_.clear();
  out.channels_.clear();
  out.values_.clear();
  for (std::size_t i : order) {
    out.times_.push_back(times_[i]);
    out.channels_.push_back(channels_[i]);
    if (has_values_) out.values_.push_back(values_[i]);
  }
  return out;
}

TSEvent TSEvent::clip(Time t0, Time t1, const ClipOptions& options) const {
  if (t1 < t0)
    throw InvalidArgument("t_stop", seconds_text(t1) + " is before t_start " + seconds_text(t0));
  Query query;
  query.channels = options.channels;
  query.include_stop = options.include_stop;
  Events ev = events_between(t0, t1, query);
  std::size_t num_channels = num_channels_;
  if (options.remap_channels) {
    std::vector<Channel> ids = options.channels ? *options.channels : ev.channels;
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    for (Channel& c : ev.channels)
      c = static_cast<Channel>(std::lower_bound(ids.begin(), ids.end(), c) - ids.begin());
    num_channels = ids.size();
  }
  TSEvent out = *this;
  out.times_ = std::move(ev.times);
  out.channels_ = std::move(ev.channels);
  out.values_ = std::move(ev.values);
  out.num_channels_ = num_channels;
  out.t_start_ = t0;
  out.t_stop_ = t1;
  return out;
}

TSEvent TSEvent::clip_channels(std::span<const Channel> channels) const {
  validate_channels_query(channels, "channels");
  std::vector<bool> wanted(num_channels_, false);
  for (Channel c : channels) wanted[c] = true;
  std::vector<std::size_t> keep;
  for (std::size_t i = 0; i < size(); ++i)
    if (wanted[channels_[i]]) keep.push_back(i);
  return select(keep);
}

TSEvent TSEvent::delay(Duration offset) const {
  TSEvent out = *this;
  for (Time& t : out.times_) t += offset;
  out.t_start_ += offset;
  out.t_stop_ += offset;
  return out;
}

TSEvent TSEvent::merge(const TSEvent& other_in, Duration delay, bool remove_duplicates) const {
  const TSEvent other = other_in.delay(delay);
  const bool this_values = has_values_ && !empty();
  const bool other_values = other.has_values_ && !other.empty();
  if ((!empty() && !other.empty() && this_values != other_values))
    throw InvalidArgument("other", std::string(other_values ? "has" : "lacks") +
                                       " per-event values but this series " +
                                       (this_values ? "has them" : "does not"));
  const bool values = this_values || other_values;
  TSEvent out = *this;
  out.times_.clear();
  out.channels_.clear();
  out.values_.clear();
  out.has_values_ = values;
  auto push = [&](const TSEvent& s, std::size_t i) {
    out.times_.push_back(s.times_[i]);
    out.channels_.push_back(s.channels_[i]);
    if (values) out.values_.push_back(s.values_[i]);
  };
  // Linear merge of two sorted sequences; at equal times this series goes first.
  std::size_t i = 0, j = 0;
  while (i < size() || j < other.size()) {
    if (j == other.size() || (i < size() && times_[i] <= other.times_[j]))
      push(*this, i++);
    else
      push(other, j++);
  }
  if (remove_duplicates) {
    std::size_t w = 0;
    for (std::size_t r = 0; r < out.times_.size(); ++r) {
      bool duplicate = false;
      for (std::size_t k = w; k-- > 0 && out.times_[k] == out.times_[r];)
        if (out.channels_[k] == out.channels_[r]) duplicate = true;
      if (duplicate) continue;
      out.times_[w] = out.times_[r];
      out.channels_[w] = out.channels_[r];
      if (values) out.values_[w] = out.values_[r];
      ++w;
    }
    out.times_.resize(w);
    out.channels_.resize(w);
    if (values) out.values_.resize(w);
  }
  out.num_channels_ = std::max(num_channels_, other.num_channels_);
  out.t_start_ = std::min(t_start_, other.t_start_);
  out.t_stop_ = std::max(t_stop_, other.t_stop_);
  return out;
}

TSEvent TSEvent::append_t(const TSEvent& other, Duration offset, bool remove_duplicates) const {
  return merge(other, offset + (t_stop_ - other.t_start_), remove_duplicates);
}

TSEvent TSEvent::append_c(const TSEvent& other) const {
  TSEvent shifted = other;
  for (Channel& c : shifted.channels_) c = static_cast<Channel>(c + num_channels_);
  shifted.num_channels_ = other.num_channels_ + num_channels_;
  TSEvent out = merge(shifted);
  out.num_channels_ = num_channels_ + other.num_channels_;
  return out;
}

TSEvent TSEvent::concatenate_t(std::span<const TSEvent> series, Duration offset) {
  if (series.empty()) return TSEvent();
  TSEvent out = series.front();
  for (std::size_t k = 1; k < series.size(); ++k) out = out.append_t(series[k], offset);
  return out;
}

TSEvent TSEvent::remap_channels(std::span<const Channel> channel_map) const {
  if (channel_map.size() != num_channels_)
    throw DimensionMismatch("channel_map", "has " + std::to_string(channel_map.size()) +
                                               " entries; expected num_channels " +
                                               std::to_string(num_channels_));
  TSEvent out = *this;
  for (Channel& c : out.channels_) {
    c = channel_map[c];
    out.num_channels_ = std::max<std::size_t>(out.num_channels_, c + std::size_t{1});
  }
  return out;
}

Raster TSEvent::raster(Duration dt, const RasterOptions& options) const {
  require_positive(dt, "dt");
  if (options.num_timesteps && options.t_stop)
    throw InvalidArgument("num_timesteps", "cannot be given together with t_stop");
  const Time t0 = options.t_start.value_or(t_start_);
  std::size_t n = 0;
  Time t1;
  if (options.num_timesteps) {
    n = *options.num_timesteps;
    t1 = t0 + dt * static_cast<std::int64_t>(n);
  } else {
    t1 = options.t_stop.value_or(t_stop_);
    if (t1 < t0)
      throw InvalidArgument("t_stop", seconds_text(t1) + " is before t_start " + seconds_text(t0));
    // Rockpool: ceil((t_stop - t_start) / dt) bins; with include_t_stop enough bins that
    // t_stop itself has one, floor((t_stop - t_start) / dt) + 1.
    n = static_cast<std::size_t>(options.include_t_stop ? floor_div(t1 - t0, dt) + 1
                                                        : ceil_div(t1 - t0, dt));
  }

  std::vector<Channel> columns;
  if (options.channels) {
    columns = *options.channels;
  } else {
    columns.resize(num_channels_);
    std::iota(columns.begin(), columns.end(), Channel{0});
  }
  // Channels beyond num_channels give empty columns (Rockpool warns and does the same).
  std::vector<std::vector<std::size_t>> columns_of(num_channels_);
  for (std::size_t col = 0; col < columns.size(); ++col)
    if (columns[col] < num_channels_) columns_of[columns[col]].push_back(col);

  Raster out{n, columns.size(), std::vector<std::uint32_t>(n * columns.size(), 0)};
  if (n == 0) return out;
  const Events ev = collect(t0, t1, options.include_t_stop);
  for (std::size_t i = 0; i < ev.times.size(); ++i) {
    const std::int64_t bin = floor_div(ev.times[i] - t0, dt);
    assert(bin >= 0);
    if (static_cast<std::size_t>(bin) >= n) continue;
    for (std::size_t col : columns_of[ev.channels[i]]) {
      std::uint32_t& cell = out.data[static_cast<std::size_t>(bin) * out.num_channels + col];
      cell = options.add_events ? cell + 1 : 1;
    }
  }
  return out;
}

}  // namespace rockpool
