// text_events.hpp: the plain-text event format, `t,channel[,value]` one event per line.
//
// For debugging, spreadsheets and small hand-written inputs. An optional header line
// declares the time unit (`t[ms],channel,value`); times are decimals read exactly and
// rounded once to the tick; violations throw FormatError with the file and line number.
// doc/formats.md describes the format in full, beside the native log and the sniffing
// rules of io/event_file.hpp (read_events picks the format by content).
//
//   TSEvent events = read_text_events("spikes.csv");
#pragma once

#include <string>

#include "timeseries/ts_event.hpp"

namespace rockpool {

struct TextEventInfo {
  std::string time_unit = "s";  // as declared by the header
  bool has_values = false;
  std::size_t lines = 0;        // lines read, comments included
};

TSEvent read_text_events(const std::string& path, TextEventInfo* info = nullptr);

// Writes `t[unit],channel[,value]` with times in seconds printed exactly enough to read
// back to the same tick; written to a temporary file, then renamed over `path`.
void write_text_events(const std::string& path, const TSEvent& events);

}  // namespace rockpool
