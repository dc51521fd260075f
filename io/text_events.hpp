// text_events.hpp: the plain-text event format, `t,channel[,value]` one event per line.
//
// An optional header line names the columns and the time unit: `t[ms],channel,value`
// (units s, ms, us, ns, tick; without a header, seconds). Lines starting with '#' are
// comments. Times are decimals read exactly (no binary floating point on the way) and
// rounded once, half to even, to the 1/9 ns tick. Times must not decrease; channels are
// non-negative integers; values finite. Any violation throws FormatError with the file
// and line number. The full set of formats (native log, npz, AEDAT, ...) lives beside this
// file as it grows; see doc/formats.md.
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
