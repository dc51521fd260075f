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

#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "io/native_log.hpp"  // EventChunk

#include "timeseries/ts_event.hpp"

namespace rockpool {

struct TextEventInfo {
  std::string time_unit = "s";  // as declared by the header
  bool has_values = false;
  std::size_t lines = 0;        // lines read, comments included
};

// Reads a text event file chunk by chunk (bounded memory), for io/event_stream.hpp.
// The header line and the first chunk are read on construction, so info() is known then.
class TextEventReader {
 public:
  explicit TextEventReader(const std::string& path, std::size_t chunk_events = 65536);
  std::optional<EventChunk> next_chunk();
  const TextEventInfo& info() const { return info_; }
  std::uint64_t events_read() const { return events_; }
  std::uint64_t bytes_read() const { return bytes_; }
  std::uint64_t file_size() const { return file_size_; }
  // Largest |decimal time - tick time| so far, in seconds (at most half a tick).
  double max_rounding_seconds() const { return max_rounding_; }
  const std::string& path() const { return path_; }

 private:
  void fill();

  std::string path_;
  std::ifstream in_;
  std::size_t chunk_events_;
  TextEventInfo info_;
  std::size_t columns_ = 0;
  bool header_seen_ = false;
  bool eof_ = false;
  bool pending_ = false;  // the buffers hold a chunk not handed out yet
  std::uint64_t events_ = 0;
  std::uint64_t bytes_ = 0;
  std::uint64_t file_size_ = 0;
  double max_rounding_ = 0;
  std::optional<Time> last_;
  std::string line_;
  std::vector<Time> times_;
  std::vector<Channel> channels_;
  std::vector<double> values_;
};

TSEvent read_text_events(const std::string& path, TextEventInfo* info = nullptr);

// Writes `t[ns],channel[,value]`: whole nanoseconds, and for a time between two (a tick is
// 1/9 ns) four decimals, which read back to the same tick; through a temporary file
// renamed over `path`.
void write_text_events(const std::string& path, const TSEvent& events);

// The same, streamed: appends go straight to `temp_path`, close() renames it to `path`;
// destroyed without close() it removes `temp_path`.
class TextEventWriter {
 public:
  TextEventWriter(std::string path, std::string temp_path, bool has_values);
  ~TextEventWriter();
  TextEventWriter(const TextEventWriter&) = delete;
  TextEventWriter& operator=(const TextEventWriter&) = delete;
  // Checks all events first (times not decreasing, values present iff has_values and
  // finite); a refused span writes nothing.
  void append(std::span<const Time> times, std::span<const Channel> channels, std::span<const double> values);
  void close();
  std::uint64_t events_written() const { return events_; }
  std::optional<Time> last_time() const { return last_; }

 private:
  std::string path_;
  std::string temp_path_;
  bool has_values_;
  std::ofstream out_;
  bool closed_ = false;
  std::uint64_t events_ = 0;
  std::optional<Time> last_;
};

}  // namespace rockpool
