// event_file.hpp: event files of any supported format, told apart by their content.
//
// Use it when a file may be in any event format (the CLI's `info` and `convert`, replay):
// detect_format() looks at the first bytes, never at the extension, and read_events() /
// write_events() dispatch to the format's reader or writer (io/native_log.hpp,
// io/text_events.hpp, io/npz.hpp). The sniffing rules are in doc/formats.md. Formats
// recognised but not readable yet (AEDAT, HDF5, Prophesee RAW) are refused by name, and so
// are ZIP archives that do not hold a Rockpool time series.
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

// Room for more: AEDAT 2/3.1/4, EVT 2/3 come as further enumerators.
// kNpz: Rockpool's TimeSeries.save (a ZIP of .npy arrays), a TSEvent or a TSContinuous.
enum class EventFileFormat { kNative, kText, kNpz };

// "native", "text" or "npz".
std::string_view format_name(EventFileFormat format);
// "native" (or "rpl") and "text" (or "csv"); nothing for other names.
std::optional<EventFileFormat> parse_format_name(std::string_view name);
// By the extension, case-insensitive: .rpl native; .csv, .txt text; nothing otherwise.
// Only for choosing an output format: inputs are always sniffed.
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
};

// Reads `in` (sniffed) and writes `out` in `to`, through a fresh temporary file next to
// `out` that is renamed over it only when complete: an interrupted or failed conversion
// leaves `out` (and `in`, even when it is `out` or `out.tmp`) untouched. Native to native
// is streamed chunk by chunk (bounded memory), which also completes a truncated log.
ConversionResult convert_events(const std::string& in, const std::string& out, EventFileFormat to);

}  // namespace rockpool
