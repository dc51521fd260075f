// ts_event.hpp: a series of discrete events (spikes), Rockpool's `TSEvent`.
//
// Use it for spike trains going into or coming out of a network, and for event streams read
// from files or devices. A TSEvent owns its events: times (exact `Time`, non-decreasing),
// the channel of each event and, optionally, one `double` value per event. It also owns its
// time span [t_start, t_stop] and its channel count, which may exceed the highest channel
// that actually fires. Every method that "changes" a series returns a new one; the object is
// immutable after construction, so spans returned by times()/channels()/values() stay valid
// as long as the series does.
//
// Semantics follow Rockpool (see doc/timeseries.md for the details and the differences):
//   * queries cover the half-open interval [t0, t1) unless include_stop is asked for;
//   * a periodic series repeats its events in [t_start, t_stop) with period t_stop - t_start;
//   * raster(dt) puts an event at t in bin floor((t - t_start) / dt), computed exactly on
//     ticks, so an event on a bin edge falls in the later bin.
//
//   TSEvent spikes({Time::zero() + milliseconds(1), Time::zero() + milliseconds(3)}, {0, 2},
//                  {.num_channels = 4, .t_stop = Time::zero() + milliseconds(10)});
//   Raster r = spikes.raster(milliseconds(1));   // 10 bins x 4 channels
//   TSEvent later = spikes.delay(milliseconds(5));
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/error.hpp"
#include "engine/time.hpp"

namespace rockpool {

using Channel = std::uint32_t;

// A dense time x channel matrix of event counts, row-major: data[bin * num_channels + col].
// Boolean rasters (add_events == false) hold only 0 and 1.
struct Raster {
  std::size_t num_timesteps = 0;
  std::size_t num_channels = 0;
  std::vector<std::uint32_t> data;

  // Throws OutOfRange naming the offending index.
  std::uint32_t at(std::size_t timestep, std::size_t channel) const;
};

// Option and result types of TSEvent, also reachable as TSEvent::Options etc. (they live
// outside the class so that `= {}` default arguments work inside it).
struct TSEventOptions {
  // Default: highest channel + 1 (0 without events). Must exceed every channel.
  std::optional<std::size_t> num_channels;
  // Default: first event time (0 without events). Must not exceed the first event.
  std::optional<Time> t_start;
  // Default: last event time (t_start without events). Must not precede the last event.
  std::optional<Time> t_stop;
  bool periodic = false;
  std::string name = "unnamed";
};

// The events a query returns, in time order (ties keep the series' order).
struct EventSelection {
  std::vector<Time> times;
  std::vector<Channel> channels;
  std::vector<double> values;  // empty when the series has no per-event values
};

// Which events a query or clip selects.
struct TSEventQuery {
  std::optional<std::vector<Channel>> channels;  // default: all channels
  bool include_stop = false;                     // also take events exactly at t1
};

struct TSEventClipOptions {
  std::optional<std::vector<Channel>> channels;  // default: all channels
  bool include_stop = false;
  // Renumber the kept channels 0, 1, ... in ascending order of their old id; num_channels
  // becomes the number of distinct requested channels (or of channels present).
  bool remap_channels = false;
};

struct TSEventRasterOptions {
  std::optional<Time> t_start;                   // default: series t_start
  std::optional<Time> t_stop;                    // default: series t_stop
  std::optional<std::size_t> num_timesteps;      // alternative to t_stop, not both
  std::optional<std::vector<Channel>> channels;  // columns, in this order; default: all
  bool add_events = false;                       // counts instead of 0/1
  bool include_t_stop = false;                   // add a bin so events at t_stop count
};

struct TSEventFromRasterOptions {
  Time t_start = Time::zero();
  std::optional<Time> t_stop;                // default: t_start + num_timesteps * dt
  std::optional<std::size_t> num_channels;   // default: the raster's column count
  bool periodic = false;
  std::string name = "unnamed";
  bool spikes_at_bin_start = false;          // default: events at bin middles
};

class TSEvent {
 public:
  using Options = TSEventOptions;
  using Events = EventSelection;
  using Query = TSEventQuery;
  using ClipOptions = TSEventClipOptions;
  using RasterOptions = TSEventRasterOptions;
  using FromRasterOptions = TSEventFromRasterOptions;

  TSEvent() = default;  // empty series, 0 channels, t_start = t_stop = 0
  TSEvent(std::vector<Time> times, std::vector<Channel> channels, Options options = {});
  TSEvent(std::vector<Time> times, std::vector<Channel> channels, std::vector<double> values,
          Options options);

  // Times given in seconds at the boundary; each is rounded once to the tick. Throws
  // InvalidArgument for a NaN or infinite time, naming its index.
  static TSEvent from_seconds(std::span<const double> times_s, std::vector<Channel> channels,
                              Options options = {});

  // Events from a raster: a bin holding k > 0 yields k events at t_start + bin * dt (plus
  // dt / 2, rounded down to a whole tick, unless spikes_at_bin_start). `raster` is row-major
  // num_timesteps x num_channels.
  static TSEvent from_raster(std::span<const std::uint32_t> raster, std::size_t num_channels,
                             Duration dt, FromRasterOptions options = {});
  static TSEvent from_raster(const Raster& raster, Duration dt, FromRasterOptions options = {});

  std::span<const Time> times() const { return times_; }
  std::span<const Channel> channels() const { return channels_; }
  std::span<const double> values() const { return values_; }
  bool has_values() const { return has_values_; }
  std::size_t size() const { return times_.size(); }
  bool empty() const { return times_.empty(); }
  std::size_t num_channels() const { return num_channels_; }
  Time t_start() const { return t_start_; }
  Time t_stop() const { return t_stop_; }
  Duration duration() const { return t_stop_ - t_start_; }
  bool periodic() const { return periodic_; }
  const std::string& name() const { return name_; }

  // "non-periodic TSEvent 'spikes' from t=0 to 1.5. Channels: 4. Events: 12"
  std::string description() const;

  // Events with t0 <= t < t1 (t <= t1 with include_stop), optionally on some channels only.
  // A periodic series repeats its events over [t0, t1). Throws InvalidArgument if t1 < t0
  // and OutOfRange for a requested channel >= num_channels.
  Events events_between(Time t0, Time t1, const Query& query = {}) const;
  Events events_between(Time t0, Time t1, std::span<const Channel> channels) const;

  // Events by index: [begin, end), or a list of indices (the result is re-sorted by time,
  // stably). Other attributes are kept. Throws OutOfRange for an index >= size().
  TSEvent slice(std::size_t begin, std::size_t end) const;
  TSEvent select(std::span<const std::size_t> indices) const;

  // Restricts to [t0, t1) (or [t0, t1]) and optionally to some channels; the new series
  // spans exactly [t0, t1].
  TSEvent clip(Time t0, Time t1, const ClipOptions& options = {}) const;
  // Keeps every time, restricts to the given channels (num_channels unchanged).
  TSEvent clip_channels(std::span<const Channel> channels) const;

  // Shifts events, t_start and t_stop by `offset`.
  TSEvent delay(Duration offset) const;
  TSEvent start_at_zero() const { return delay(Time::zero() - t_start_); }
  TSEvent start_at(Time t) const { return delay(t - t_start_); }

  // Interleaves `other` (delayed by `delay`) with this series. num_channels is the larger
  // of the two, the span covers both. Ties in time keep this series' events first.
  // remove_duplicates drops repeated (time, channel) pairs, keeping the first.
  TSEvent merge(const TSEvent& other, Duration delay = Duration::zero(),
                bool remove_duplicates = false) const;
  // Appends `other` after this series: other.t_start moves to t_stop + offset.
  TSEvent append_t(const TSEvent& other, Duration offset = Duration::zero(),
                   bool remove_duplicates = false) const;
  // Appends `other` as new channels: its channel ids move up by num_channels().
  TSEvent append_c(const TSEvent& other) const;
  // Appends each series after the previous one (offset between consecutive ones).
  static TSEvent concatenate_t(std::span<const TSEvent> series,
                               Duration offset = Duration::zero());

  // Channel c becomes channel_map[c]; channel_map must have num_channels() entries.
  // num_channels grows to fit the new ids if needed (as in Rockpool), never shrinks.
  TSEvent remap_channels(std::span<const Channel> channel_map) const;

  // Rasterises [t_start, t_stop) into bins of dt. See RasterOptions and doc/timeseries.md.
  Raster raster(Duration dt, const RasterOptions& options = {}) const;

 private:
  // Events of the (possibly periodic) series in [t0, t1) / [t0, t1], all channels.
  Events collect(Time t0, Time t1, bool include_stop) const;
  void validate_channels_query(std::span<const Channel> channels, const char* argument) const;

  std::vector<Time> times_;
  std::vector<Channel> channels_;
  std::vector<double> values_;
  bool has_values_ = false;
  std::size_t num_channels_ = 0;
  Time t_start_ = Time::zero();
  Time t_stop_ = Time::zero();
  bool periodic_ = false;
  std::string name_ = "unnamed";
};

}  // namespace rockpool
