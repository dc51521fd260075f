// npz.hpp: Rockpool's `.npz` time series (TSEvent, TSContinuous), read and written.
//
// Use it to exchange spike trains and sampled signals with Rockpool (Python): its
// `TimeSeries.save` writes an `.npz` (numpy's ZIP of `.npy` arrays) with `times` in float
// seconds, `channels` or `samples`, 0-d `t_start`, `t_stop`, `periodic`, `num_channels`, and
// the name, type and interpolation kind encoded in member *names* (`name_spikes.npy`,
// `type_TSEvent.npy`, `interp_kind_linear.npy`). doc/formats.md gives the layout byte by byte.
// The ZIP (stored and deflated members) and NPY layers are our own; zlib does the CRC-32
// and the deflate streams. Nothing here holds a file open between calls.
//
//   NpzInfo info;
//   TSEvent spikes = read_npz_events("spikes.npz", &info);  // info.max_rounding_ticks <= 0.5
//   write_npz_events("out.npz", spikes);                       // loadable by TimeSeries.load
//   TSContinuous v = read_npz_continuous("vmem.npz");
//
// Float seconds become ticks once, rounded half to even (Time::from_seconds); NpzInfo says
// how far the largest rounding went. Writing goes the other way (to_seconds), which is exact
// on reading back for |t| up to 2^52 ticks (about 5.8 days).
//
// Every violation (a broken ZIP, CRC mismatch, truncated member, unknown dtype, wrong shape,
// NaN or unsorted times, channel out of range, missing member) throws FormatError naming the
// file, the byte offset (of the member's local header, or of the offending byte in a stored
// member) and the member. Memory stays bounded by what the file really holds: sizes are
// checked against the file size before anything is allocated, and a deflated member grows
// its buffer only as data actually inflates (at most deflate's 1032:1, and never past the
// size the archive states).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "timeseries/ts_continuous.hpp"
#include "timeseries/ts_event.hpp"

namespace rockpool {

// Which Rockpool class an `.npz` holds.
enum class NpzSeriesKind { kEvent, kContinuous };

// What a reader found besides the series.
struct NpzInfo {
  NpzSeriesKind kind = NpzSeriesKind::kEvent;
  // Rockpool's older keys (0-d unicode `str_type` / `strType`, `name`, `interp_kind`)
  // instead of the type, name and kind encoded in member names.
  bool legacy_keys = false;
  std::size_t members = 0;        // members in the archive
  bool any_deflated = false;      // some member is deflated (np.savez_compressed)
  // Members present that a Rockpool series does not need (e.g. `trial_start_times`); their
  // ZIP framing and CRC are checked, their contents are not decoded.
  std::vector<std::string> ignored_members;
  // The largest |seconds * 9e9 - ticks| over times, t_start and t_stop, in ticks (1/9 ns);
  // between 0 and 0.5. Zero when every time was a whole number of ticks.
  double max_rounding_ticks = 0;
  std::string max_rounding_at;    // where it happened: "times[3]", "t_stop"; empty if none
};

// The archive holds a Rockpool time series: returns its kind. Reads only the ZIP's central
// directory. Returns nothing for a well-formed ZIP whose members do not look like one
// (no `times.npy`, or no type marker: `type_*.npy`, `str_type.npy`, `strType.npy`); throws
// FormatError for a broken ZIP, IoError if the file cannot be read.
std::optional<NpzSeriesKind> probe_npz(const std::string& path);

// The member names of a ZIP archive, in central-directory order (for messages and tools).
std::vector<std::string> npz_member_names(const std::string& path);

// Reads a Rockpool TSEvent (`type_TSEvent` or `str_type == "TSEvent"`). The rockpool-cpp
// extension member `values.npy` (one double per event), if present, becomes the values.
// Throws FormatError, also when the file holds a TSContinuous.
TSEvent read_npz_events(const std::string& path, NpzInfo* info = nullptr);

// Reads a Rockpool TSContinuous. Rockpool's interpolation kinds linear, previous, next,
// nearest and cubic are kept; other scipy kinds are refused. Throws FormatError.
TSContinuous read_npz_continuous(const std::string& path, NpzInfo* info = nullptr);

struct NpzWriteOptions {
  // Deflate every member (as np.savez_compressed); default stored (as np.savez, which
  // TimeSeries.save uses).
  bool compress = false;
};

// Writes the layout TSEvent.save writes (times f8, channels i8, t_start, t_stop f8,
// periodic b1, num_channels i8, name_<name>, type_TSEvent), plus `values` (f8) when the
// series has values (Rockpool ignores it). Written to `path.tmp`, then renamed over `path`.
// Throws IoError if writing fails, InvalidArgument for a name a ZIP member cannot carry.
void write_npz_events(const std::string& path, const TSEvent& events, NpzWriteOptions options = {});

// Writes the layout TSContinuous.save writes (times f8, samples f8 T x N, t_start, t_stop,
// interp_kind_<kind>, periodic, name_<name>, type_TSContinuous). Units, fill value and
// extrapolation have no place in it and are not written.
void write_npz_continuous(const std::string& path, const TSContinuous& series,
                          NpzWriteOptions options = {});

}  // namespace rockpool
