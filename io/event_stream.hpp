// event_stream.hpp: every event file format behind one streamed reader and one writer.
//
// Use it whenever events go to or come from a file and the format should not matter:
// replay, conversion, info, the CLI. open_event_reader() sniffs the format from the content
// (io/event_file.hpp, never the extension) and returns a reader that hands out the events
// chunk by chunk, so memory stays bounded whatever the file size (except for formats that
// are whole-file by nature, named in doc/formats.md: npz). Times reach the caller as our
// exact ticks; the conversion from the file's own time base happens once, in the format's
// reader, which also reports the largest rounding it had to apply.
//
//   auto in = open_event_reader("recording.aedat");
//   while (auto chunk = in->next_chunk()) feed(chunk->times, chunk->channels);
//
//   auto out = create_event_writer("copy.rpl", EventFileFormat::kNative, in->info());
//   out->append(times, channels);
//   out->close();                  // complete file renamed into place; never half a file
//
// Formats whose events are addresses rather than channels (a camera's x, y, polarity; a
// DynapSE chip's chip, core, neuron) turn them into channels by the AddressMapping.
// A new format implements EventReader (and EventWriter if it can be written) and adds one
// row to the format table in io/event_file.cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "io/event_file.hpp"
#include "io/native_log.hpp"  // EventChunk

namespace rockpool {

// How address-event formats number their channels.
struct AddressMapping {
  // Camera events (x, y, polarity p): channel = (y * width + x) * 2 + p with kSplit (the
  // default, ON and OFF apart), (y * width + x) with kMerge, and only one polarity (the
  // other dropped) with kOnOnly / kOffOnly.
  enum class Polarity { kSplit, kMerge, kOnOnly, kOffOnly };
  Polarity polarity = Polarity::kSplit;
  // The sensor size; default: the file's header (a FormatError when it has none).
  std::optional<std::uint32_t> width;
  std::optional<std::uint32_t> height;
  // Chip events (chip, core, neuron): channel = (chip * cores_per_chip + core) *
  // neurons_per_core + neuron (DynapSE: 4 cores of 256 neurons).
  std::uint32_t cores_per_chip = 4;
  std::uint32_t neurons_per_core = 256;
};

struct EventReaderOptions {
  AddressMapping address_mapping;
  // Events per chunk handed out (formats with their own chunking may hand out fewer).
  std::size_t chunk_events = 65536;
};

// What a file says about its events (header fields; unknown ones keep their defaults).
struct EventStreamInfo {
  EventFileFormat format = EventFileFormat::kText;
  // Every channel is below it; 0 when the file does not say (then the highest seen + 1).
  std::size_t num_channels = 0;
  bool has_values = false;  // one double per event
  std::optional<Time> t_start;
  std::string name = "unnamed";
  std::string source;       // where the events came from, as recorded
  std::string time_unit = "s";
  std::vector<std::string> channel_names;
  // The file's own time base in ticks per second (1e6 for microseconds), 0 when its times
  // are decimals or floats. Informational: times are already converted.
  std::uint64_t file_ticks_per_second = 0;
};

// Reads one file front to back. Owns the file. Not copyable.
class EventReader {
 public:
  virtual ~EventReader() = default;

  virtual const EventStreamInfo& info() const = 0;
  // The next events in time order, or nothing at the end. The spans stay valid until the
  // next call. Throws FormatError (file and byte offset or record number) on bad input.
  virtual std::optional<EventChunk> next_chunk() = 0;

  virtual std::uint64_t events_read() const = 0;
  // Bytes consumed so far and the file's size, for progress reports.
  virtual std::uint64_t bytes_read() const = 0;
  virtual std::uint64_t file_size() const = 0;
  // After the end: the file stops early but what was read is whole (a crashed writer).
  virtual bool truncated() const { return false; }
  // End of the recorded span if the file records one (known at the end at the latest).
  virtual std::optional<Time> t_stop() const { return std::nullopt; }
  // Largest |our tick time - the file's time| so far, in seconds (0 when the file's time
  // base divides ours, as microseconds and nanoseconds do).
  virtual double max_rounding_seconds() const { return 0.0; }
  // Events the address mapping dropped (kOnOnly / kOffOnly), not counted in events_read().
  virtual std::uint64_t events_dropped() const { return 0; }

 protected:
  EventReader() = default;
  EventReader(const EventReader&) = delete;
  EventReader& operator=(const EventReader&) = delete;
};

// Writes one file; nothing appears under `path` until close() has succeeded.
class EventWriter {
 public:
  // Without close() (an exception unwound the caller): formats that are crash tolerant
  // (native) leave their temporary file for recovery; the others remove it.
  virtual ~EventWriter() = default;

  // Times must not decrease (also across calls), channels must be below the info's
  // num_channels when it is set, values must be given iff info.has_values and be finite.
  // A refused span appends nothing; the error names the event's index.
  virtual void append(std::span<const Time> times, std::span<const Channel> channels,
                      std::span<const double> values = {}) = 0;
  // Completes the file and renames it to its path. t_stop: end of the span (default: the
  // last event); InvalidArgument if it precedes the last event.
  virtual void close(std::optional<Time> t_stop = std::nullopt) = 0;
  virtual std::uint64_t events_written() const = 0;

 protected:
  EventWriter() = default;
  EventWriter(const EventWriter&) = delete;
  EventWriter& operator=(const EventWriter&) = delete;
};

// Opens `path` with the reader of its sniffed format. Throws IoError / FormatError as
// detect_format does, and FormatError for a format that has no reader.
std::unique_ptr<EventReader> open_event_reader(const std::string& path, const EventReaderOptions& options = {});

// Creates a writer of `format` for `path` (written to a temporary file next to it).
// `info` supplies the header: channel count, values, names, source, t_start. Throws
// UsageError for a format that cannot be written.
std::unique_ptr<EventWriter> create_event_writer(const std::string& path, EventFileFormat format,
                                                 const EventStreamInfo& info);

// All remaining events of `reader` as one series (channel count, t_start, t_stop and name
// from the reader's info where it has them).
TSEvent read_all(EventReader& reader);

}  // namespace rockpool
