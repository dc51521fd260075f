// native_log.hpp: the native spike log (.rpl), written while a run goes, read in chunks.
//
// Use it to record spikes (or any time-ordered events, with an optional value each) to disk
// during a run and to read them back exactly to the tick. The file is a magic, a protobuf
// header (timebase 9e9 ticks/s, channel count, names, source, producer), chunks of up to
// 4096 events (delta-encoded ticks, channels, values) each with its own CRC-32, a footer
// index and a fixed trailer. doc/formats.md describes it byte by byte.
//
// Crash tolerance: NativeLogWriter writes `path.tmp`, one whole chunk per write as it
// fills, and renames it to `path` only in close(). A killed run therefore never leaves a
// half file under the final name, and its `path.tmp` stays readable up to its last
// complete chunk: the reader stops there cleanly and reports `truncated()`.
// `rockpool convert run.rpl.tmp run.rpl` turns it into a complete file.
//
//   NativeLogWriter log("spikes.rpl", {.num_channels = 100, .source = "simulation"});
//   log.append(t, channel);            // times must not decrease
//   log.close();                       // footer, fsync, rename spikes.rpl.tmp -> spikes.rpl
//
//   NativeLogReader in("spikes.rpl");  // bounded memory: one chunk at a time
//   while (auto chunk = in.next_chunk()) use(chunk->times, chunk->channels);
//   TSEvent all = read_native_log("spikes.rpl");
//
// Bad input throws FormatError naming the file and byte offset; the writer refuses
// unsorted times, out-of-range channels and non-finite values with InvalidArgument /
// OutOfRange naming the event's index.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/time.hpp"
#include "timeseries/ts_event.hpp"

namespace rockpool {

// The first 8 bytes of every native log: "\x89RPL\r\n\x1a\n" (PNG-style: the high byte and
// the line endings catch text-mode transfers).
inline constexpr std::string_view kNativeLogMagic{"\x89RPL\r\n\x1a\n", 8};
inline constexpr std::uint32_t kNativeLogVersion = 1;
inline constexpr std::uint32_t kNativeLogMaxChunkEvents = 65536;

// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, as in zlib and PNG) of `bytes`,
// continuing from `crc` (0 to start). crc32("123456789") == 0xCBF43926.
std::uint32_t crc32(std::span<const std::byte> bytes, std::uint32_t crc = 0);
std::uint32_t crc32(std::string_view bytes, std::uint32_t crc = 0);

struct NativeLogOptions {
  // Every channel must be below it. 0: not known up front (a stream); the footer then
  // records the highest channel + 1 and readers take the count from there.
  std::size_t num_channels = 0;
  bool has_values = false;        // one double per event
  std::optional<Time> t_start;    // start of the recorded span; no event may precede it
  std::string name = "unnamed";   // the series' name
  std::string source;             // where the events come from ("simulation", a file name)
  std::vector<std::string> channel_names;  // empty, or num_channels names
  std::string time_unit = "s";    // display hint for tools; times are stored as ticks
  std::uint32_t chunk_events = 4096;  // events per chunk, 1 .. kNativeLogMaxChunkEvents
  // fdatasync after every chunk, so that completed chunks survive a power loss or kernel
  // crash too (each chunk is written to the OS as it completes, which already survives the
  // death of the process). Costs one disk flush per chunk.
  bool sync_chunks = false;
  // Where the file is written until close(); default `path + ".tmp"`.
  std::string temp_path;
};

// Appends events in non-decreasing time order and writes each chunk as soon as it is full.
// Owns its file descriptor. Not copyable; move-constructible (e.g. returned from a factory).
class NativeLogWriter {
 public:
  // Creates (truncates) the temporary file and writes the header. Throws IoError if it
  // cannot, InvalidArgument for inconsistent options.
  NativeLogWriter(std::string path, NativeLogOptions options);
  NativeLogWriter(NativeLogWriter&&) noexcept;
  NativeLogWriter& operator=(NativeLogWriter&&) = delete;
  NativeLogWriter(const NativeLogWriter&) = delete;
  NativeLogWriter& operator=(const NativeLogWriter&) = delete;
  // Without close() (an exception unwound the run): the pending events are written as a
  // last chunk and the file stays at the temporary path, as after a crash.
  ~NativeLogWriter();

  // One event. Throws InvalidArgument if t precedes the previous event or t_start, or the
  // value is missing/extra/not finite, OutOfRange if channel >= num_channels; the message
  // names the event's index (events appended before it). A refused event is not written.
  void append(Time t, Channel channel);
  void append(Time t, Channel channel, double value);
  // Many events: all are checked first, so a refused span appends nothing.
  void append(std::span<const Time> times, std::span<const Channel> channels,
              std::span<const double> values = {});

  // Writes the pending events now as a (possibly short) chunk, e.g. at the end of an
  // epoch, so that a crash loses nothing appended before the call.
  void flush();
  // Writes the pending chunk, the footer and the trailer, fsyncs and renames the
  // temporary file to `path`. t_stop: end of the recorded span (default: the last event).
  // Throws InvalidArgument if t_stop precedes the last event.
  void close(std::optional<Time> t_stop = {});

  std::uint64_t size() const { return events_; }  // events appended
  const std::string& path() const { return path_; }
  const std::string& temp_path() const { return options_.temp_path; }

 private:
  void check(Time t, Channel channel, std::uint64_t index, Time previous) const;
  void check_value(double value, std::uint64_t index) const;
  void write_chunk();
  void write_bytes(std::string_view bytes);
  void release() noexcept;

  std::string path_;
  NativeLogOptions options_;
  int fd_ = -1;
  std::uint64_t offset_ = 0;  // bytes written so far
  std::uint64_t events_ = 0;
  Time last_ = Time::min();
  // The chunk being filled.
  std::vector<Time> times_;
  std::vector<Channel> channels_;
  std::vector<double> values_;
  std::uint64_t seen_channels_ = 0;  // highest channel appended + 1
  Time chunk_base_ = Time::min();  // previous chunk's last time, or none yet
  // The index of the written chunks, for the footer.
  std::vector<std::uint64_t> chunk_offsets_;
  std::vector<std::uint32_t> chunk_counts_;
  std::vector<std::int64_t> chunk_first_, chunk_last_;
};

// What the header of a native log says.
struct NativeLogHeader {
  std::uint32_t version = kNativeLogVersion;
  std::uint64_t ticks_per_second = kTicksPerSecond;  // as stored; times are converted
  std::string time_unit = "s";
  // 0 in a header that declares none: then, once the end is reached, the footer's count
  // (or, for a truncated file, the highest channel read + 1).
  std::size_t num_channels = 0;
  std::vector<std::string> channel_names;
  std::string source;
  std::string producer;
  bool has_values = false;
  std::uint32_t chunk_events = 0;
  std::string name;
  std::optional<Time> t_start;
};

// The events of one chunk; the spans stay valid until the next call to next_chunk().
struct EventChunk {
  std::span<const Time> times;
  std::span<const Channel> channels;
  std::span<const double> values;  // empty when the log has no values
};

// Every event of a chunked reader (anything with next_chunk(): NativeLogReader,
// TextEventReader, EventReader), concatenated: for the read-it-all helpers.
struct EventColumns {
  std::vector<Time> times;
  std::vector<Channel> channels;
  std::vector<double> values;

  template <class Reader>
  static EventColumns drain(Reader& reader) {
    EventColumns all;
    while (auto chunk = reader.next_chunk()) {
      all.times.insert(all.times.end(), chunk->times.begin(), chunk->times.end());
      all.channels.insert(all.channels.end(), chunk->channels.begin(), chunk->channels.end());
      all.values.insert(all.values.end(), chunk->values.begin(), chunk->values.end());
    }
    return all;
  }
};

// Reads a native log chunk by chunk: memory stays bounded by one chunk (at most 2 MiB of
// file bytes and kNativeLogMaxChunkEvents events), whatever the file claims.
class NativeLogReader {
 public:
  // Opens the file and reads the header. Throws IoError if it cannot be opened,
  // FormatError for a wrong magic or version, a truncated, oversized or corrupt header.
  explicit NativeLogReader(const std::string& path);
  NativeLogReader(NativeLogReader&&) noexcept;
  NativeLogReader& operator=(NativeLogReader&&) = delete;
  NativeLogReader(const NativeLogReader&) = delete;
  NativeLogReader& operator=(const NativeLogReader&) = delete;
  ~NativeLogReader();

  const NativeLogHeader& header() const { return header_; }

  // The next chunk's events, or nothing at the end. A file cut off inside a chunk, the
  // footer or the trailer ends cleanly at its last complete chunk (then truncated() is
  // true). Throws FormatError, naming the record's byte offset, for a CRC mismatch,
  // times going backwards, a channel >= the channel count, a non-finite value, an absurd
  // record size, or a footer that disagrees with the chunks.
  std::optional<EventChunk> next_chunk();

  // After the end: true when the file stops before its footer and trailer are complete
  // (a crashed or killed writer, a partial copy). The events read are the complete chunks.
  bool truncated() const { return truncated_; }
  bool at_end() const { return at_end_; }
  std::uint64_t events_read() const { return events_; }
  std::size_t chunks_read() const { return chunks_; }
  // Byte offset just past the last complete record read so far.
  std::uint64_t offset() const { return offset_; }
  std::uint64_t file_size() const { return file_size_; }
  // End of the recorded span, from the footer (once the end is reached, if it was there).
  std::optional<Time> t_stop() const { return t_stop_; }
  const std::string& path() const { return path_; }

 private:
  void read_at(std::uint64_t offset, std::span<std::byte> out);
  [[noreturn]] void fail(std::uint64_t offset, std::string_view problem) const;
  Time to_time(std::int64_t file_ticks, std::uint64_t offset, std::string_view what) const;
  void finish_with_footer(std::uint64_t offset, std::uint32_t stored_crc);
  void end_truncated();

  std::string path_;
  int fd_ = -1;
  std::uint64_t file_size_ = 0;
  std::uint64_t offset_ = 0;
  std::optional<std::uint64_t> footer_offset_;  // from a valid-looking trailer
  NativeLogHeader header_;
  std::int64_t scale_ = 1;  // our ticks per file tick
  bool at_end_ = false;
  bool truncated_ = false;
  std::uint64_t events_ = 0;
  std::size_t chunks_ = 0;
  std::optional<std::int64_t> last_file_ticks_;  // last event time read, in file ticks
  std::optional<Time> t_stop_;
  std::uint32_t index_crc_ = 0;  // the chunks' index entries, folded, to check the footer
  std::string payload_;
  std::vector<Time> times_;
  std::vector<Channel> channels_;
  std::vector<double> values_;
  std::uint64_t seen_channels_ = 0;  // highest channel read + 1
};

// What read_native_log found besides the events.
struct NativeLogStatus {
  NativeLogHeader header;
  std::size_t chunks = 0;
  std::uint64_t events = 0;
  bool truncated = false;        // see NativeLogReader::truncated()
  std::uint64_t valid_bytes = 0; // bytes up to the end of the last complete record
  std::uint64_t file_size = 0;
};

// The whole log as a series: num_channels, t_start, t_stop and name come from the file.
TSEvent read_native_log(const std::string& path, NativeLogStatus* status = nullptr);

// Writes a series (tmp + rename): num_channels, values, t_start, t_stop and name come from
// `events`; source, channel names, chunk size etc. from `options`.
void write_native_log(const std::string& path, const TSEvent& events, NativeLogOptions options = {});

}  // namespace rockpool
