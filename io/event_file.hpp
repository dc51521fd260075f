// event_file.hpp: event files of any supported format, told apart by their content.
//
// Use it when a file may be in any event format (the CLI's `info` and `convert`, replay):
// detect_format() looks at the first bytes, never at the extension, and read_events() /
// write_events() go through the format's streamed reader or writer (io/event_stream.hpp).
// The sniffing rules are in doc/formats.md. Formats recognised but not readable (numpy
// .npy, HDF5) are refused by name, and so are ZIP archives that do not hold a Rockpool
// time series.
//
//   TSEvent ev = read_events("spikes.dat");        // native log or text, whatever the name
//   write_events("spikes.rpl", ev, EventFileFormat::kNative);
//   convert_events("run.rpl.tmp", "run.rpl", EventFileFormat::kNative);  // recover a crashed log
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "timeseries/ts_event.hpp"

namespace rockpool {

// kNpz: Rockpool's TimeSeries.save (a ZIP of .npy arrays), a TSEvent or a TSContinuous.
// kAedat2/3/4: jAER's AEDAT 2.0, cAER's AEDAT 3.1 (the DynapSE board's log), DV's AEDAT 4.
// kEvt2/kEvt3: Prophesee RAW files in EVT 2.0 / 3.0; kDat: Prophesee's older .dat.
// Which of them can be read and written: io/event_file.cpp's table, doc/formats.md.
enum class EventFileFormat { kNative, kText, kNpz, kAedat2, kAedat3, kAedat4, kEvt2, kEvt3, kDat };

// "native", "text", "npz", ...: the name in the format table (io/event_file.cpp).
std::string_view format_name(EventFileFormat format);
// A format's name or alias ("native" or "rpl", "text" or "csv", ...), case-insensitive;
// nothing for other names.
std::optional<EventFileFormat> parse_format_name(std::string_view name);
// By the extension, case-insensitive (.rpl native; .csv, .txt text; .npz npz; ...);
// nothing otherwise. Only for choosing an output format: inputs are always sniffed.
std::optional<EventFileFormat> format_from_extension(std::string_view path);

// The format of an existing file, by content. Throws IoError if it cannot be read and
// FormatError (offset of the deciding byte) for a known but unsupported format or binary
// content of no known format.
EventFileFormat detect_format(const std::string& path);

// Reads any supported format (a truncated native log yields its complete chunks). An npz
// holding a TSContinuous is refused with FormatError: it holds samples, not events.
TSEvent read_events(const std::string& path);
// Writes `events` in `format`, through a temporary file renamed over `path`.
void write_events(const std::string& path, const TSEvent& events, EventFileFormat format);

struct ConversionResult {
  EventFileFormat from = EventFileFormat::kText;
  std::uint64_t events = 0;
  bool input_truncated = false;  // a native input without its footer (crashed writer)
  double max_rounding_seconds = 0;  // see EventReader::max_rounding_seconds()
  std::uint64_t events_dropped = 0; // by the address mapping
};

// Reads `in` (sniffed) and writes `out` in `to`, chunk by chunk (bounded memory unless a
// side is npz), through a fresh temporary file next to `out` that is renamed over it only
// when complete: an interrupted or failed conversion leaves `out` (and `in`, even when it
// is `out` or `out.tmp`) untouched. A truncated native log is completed.
struct EventReaderOptions;
ConversionResult convert_events(const std::string& in, const std::string& out, EventFileFormat to);
ConversionResult convert_events(const std::string& in, const std::string& out, EventFileFormat to,
                                const EventReaderOptions& options);

}  // namespace rockpool
