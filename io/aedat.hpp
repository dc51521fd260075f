// aedat.hpp: iniVation's AEDAT event files, read and written through io/event_stream.hpp.
//
// Use open_event_reader() / create_event_writer() for them like for any format; this
// header holds what the three AEDAT rows (io/aedat2.cpp, io/aedat3.cpp, io/aedat4.cpp)
// share: a bounded, offset-counting input file, a temporary output file, the exact
// microsecond <-> tick conversion and the address <-> channel mappings.
//
//   - AEDAT 2.0 (jAER): big-endian int32 address + int32 µs timestamp; camera events whose
//     bit layout depends on the chip (AddressMapping::chip_profile).
//   - AEDAT 3.1 (cAER, the DynapSE board's own log): packets of POLARITY (camera) or SPIKE
//     (chip, core, neuron) events with 64-bit µs time stamps.
//   - AEDAT 4.0 (DV): flatbuffer packets, optionally LZ4 or Zstd compressed; read only.
//
//   auto in = open_event_reader("dynapse.aedat");        // AEDAT 3.1 SPIKE events
//   while (auto chunk = in->next_chunk()) use(chunk->times, chunk->channels);
//   EventStreamInfo info{.num_channels = 1024};
//   auto out = create_event_writer("copy.aedat", EventFileFormat::kAedat3, info);
//
// Every byte layout, time base, mapping and refusal is in doc/formats.md ("AEDAT").
// Bad input throws FormatError naming the file, the byte offset and what is wrong.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io/event_stream.hpp"

namespace rockpool::aedat {

// The largest AEDAT 4 packet (compressed or not) and the largest decompressed payload we
// accept; DV writes packets of a few hundred KiB. Larger claims are refused before any
// allocation, so memory stays bounded whatever a file says.
inline constexpr std::uint32_t kMaxPacketBytes = 64u << 20;
// The longest header line we accept (jAER may put a whole XML preferences dump in its
// header, one line per XML line).
inline constexpr std::size_t kMaxHeaderLine = 1u << 20;

// A file read front to back through a 1 MiB buffer, counting the byte offset, so that
// every error can name where it happened.
class InputFile {
 public:
  explicit InputFile(const std::string& path);  // IoError if it cannot be opened
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  const std::string& path() const { return path_; }
  std::uint64_t size() const { return size_; }
  std::uint64_t offset() const { return file_pos_ - (end_ - begin_); }  // of the next unread byte
  bool at_end() const { return offset() >= size_; }
  // The next byte without consuming it, or -1 at the end.
  int peek();
  // Exactly n (<= 1 MiB) bytes, valid until the next call; FormatError "truncated <what>"
  // (at the offset where `what` starts) if the file ends first.
  std::span<const std::byte> take(std::size_t n, std::string_view what);
  // Exactly out.size() bytes into `out` (any size).
  void read_into(std::span<std::byte> out, std::string_view what);
  // Skips n bytes; FormatError "truncated <what>" if that passes the end.
  void skip(std::uint64_t n, std::string_view what);
  // One line through its '\n' (included); FormatError if longer than `max` or cut off.
  std::string read_line(std::size_t max, std::string_view what);
  [[noreturn]] void fail(std::uint64_t offset, std::string_view problem) const;

 private:
  bool fill(std::size_t want);  // true if at least `want` bytes are buffered

  std::string path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::uint64_t file_pos_ = 0;  // file offset of buf_[end_]
  std::vector<std::byte> buf_;
  std::size_t begin_ = 0, end_ = 0;
};

// The output side: buffered writes to the temporary file, renamed over `path` by commit();
// removed if the writer is destroyed before (an exception unwound it).
class OutputFile {
 public:
  OutputFile(std::string path, std::string temp_path);  // IoError if it cannot be created
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  void write(std::string_view bytes);
  void commit();  // flush, fsync, close, rename
  std::uint64_t written() const { return written_; }

 private:
  void flush();
  std::string path_, temp_path_;
  int fd_ = -1;
  std::string pending_;
  std::uint64_t written_ = 0;
  bool committed_ = false;
};

// Little- and big-endian integers.
inline std::uint32_t le32(const std::byte* p) {
  return std::to_integer<std::uint32_t>(p[0]) | std::to_integer<std::uint32_t>(p[1]) << 8 |
         std::to_integer<std::uint32_t>(p[2]) << 16 | std::to_integer<std::uint32_t>(p[3]) << 24;
}
inline std::uint16_t le16(const std::byte* p) {
  return static_cast<std::uint16_t>(std::to_integer<unsigned>(p[0]) | std::to_integer<unsigned>(p[1]) << 8);
}
inline std::uint64_t le64(const std::byte* p) { return le32(p) | std::uint64_t{le32(p + 4)} << 32; }
inline std::uint32_t be32(const std::byte* p) {
  return std::to_integer<std::uint32_t>(p[3]) | std::to_integer<std::uint32_t>(p[2]) << 8 |
         std::to_integer<std::uint32_t>(p[1]) << 16 | std::to_integer<std::uint32_t>(p[0]) << 24;
}
void put_le16(std::string& out, std::uint16_t v);
void put_le32(std::string& out, std::uint32_t v);
void put_le64(std::string& out, std::uint64_t v);
void put_be32(std::string& out, std::uint32_t v);

// Microseconds as our exact ticks (1 µs = 9000 ticks); FormatError at `offset` if the
// result leaves the int64 tick range (beyond +-32 years).
Time micros_to_time(std::int64_t micros, const InputFile& file, std::uint64_t offset);
// Our ticks as whole microseconds, rounded to the nearest (ties to even): the AEDAT
// writers' one rounding. InvalidArgument for a negative time (AEDAT stamps are unsigned).
std::int64_t time_to_micros(Time t, std::uint64_t event_index);

// A sensor size named in a header text: a `WxH` token ("346x260"), else a known chip name
// (DVS128 128x128, DAVIS240 240x180, DAVIS346 346x260, DAVIS640 640x480).
std::optional<std::pair<std::uint32_t, std::uint32_t>> sensor_size_in(std::string_view text);

// Camera pixels (x, y, polarity) <-> channels by AddressMapping (top-left origin).
struct CameraMap {
  std::uint32_t width = 0, height = 0;
  AddressMapping::Polarity polarity = AddressMapping::Polarity::kSplit;
  // InvalidArgument if width * height * 2 leaves the 32-bit channel range or is 0.
  CameraMap(std::uint32_t width, std::uint32_t height, AddressMapping::Polarity polarity);
  std::size_t num_channels() const;
  // The channel of an in-range pixel, or nothing when the polarity mapping drops it.
  std::optional<Channel> channel(std::uint32_t x, std::uint32_t y, bool on) const {
    const std::uint32_t pixel = y * width + x;
    switch (polarity) {
      case AddressMapping::Polarity::kSplit: return pixel * 2 + (on ? 1 : 0);
      case AddressMapping::Polarity::kMerge: return pixel;
      case AddressMapping::Polarity::kOnOnly: return on ? std::optional<Channel>(pixel) : std::nullopt;
      case AddressMapping::Polarity::kOffOnly: return on ? std::nullopt : std::optional<Channel>(pixel);
    }
    return std::nullopt;
  }
  struct Pixel {
    std::uint32_t x, y;
    bool on;
  };
  // The pixel of a channel (kMerge writes ON, the polarity having been merged away);
  // OutOfRange naming the event if the channel is beyond the sensor.
  Pixel pixel(Channel c, std::uint64_t event_index) const;
};
// A reader's camera: as the constructor, but a size beyond the channel range is a
// FormatError at `offset` (the header that named it).
CameraMap reader_camera(const InputFile& file, std::uint64_t offset, std::uint32_t width, std::uint32_t height,
                        AddressMapping::Polarity polarity);

// DynapSE neurons (chip, core, neuron) <-> channels: (chip * cores + core) * neurons + neuron.
struct ChipMap {
  std::uint32_t cores_per_chip = 4, neurons_per_core = 256;
  explicit ChipMap(const AddressMapping& m);  // InvalidArgument for a zero count
  // FormatError (via `file`, at `offset`) for a core or neuron beyond the mapping.
  Channel channel(std::uint32_t chip, std::uint32_t core, std::uint32_t neuron, const InputFile& file,
                  std::uint64_t offset) const;
  struct Neuron {
    std::uint32_t chip, core, neuron;
  };
  Neuron neuron(Channel c) const;
};

// Shared by the AEDAT readers: the file, the stream info and the counters behind
// EventReader's accessors, and the chunk loop. A format implements fill(room): decode up
// to `room` more events into times_ / channels_ (fewer, even none, is fine while records
// remain: skipped or dropped ones), or return false at the end of the file.
class AedatReader : public EventReader {
 public:
  const EventStreamInfo& info() const override { return info_; }
  std::uint64_t events_read() const override { return events_; }
  std::uint64_t bytes_read() const override { return in_.offset(); }
  std::uint64_t file_size() const override { return in_.size(); }
  std::uint64_t events_dropped() const override { return dropped_; }
  std::uint64_t records_skipped() const override { return skipped_; }

  std::optional<EventChunk> next_chunk() final {
    times_.clear();
    channels_.clear();
    const std::size_t want = std::max<std::size_t>(options_.chunk_events, 1);
    while (times_.size() < want && fill(want - times_.size())) {
    }
    if (times_.empty()) return std::nullopt;
    events_ += times_.size();
    return EventChunk{times_, channels_, {}};
  }

 protected:
  AedatReader(const std::string& path, const EventReaderOptions& options) : in_(path), options_(options) {}
  virtual bool fill(std::size_t room) = 0;

  InputFile in_;
  EventReaderOptions options_;
  EventStreamInfo info_;
  std::uint64_t events_ = 0, dropped_ = 0, skipped_ = 0;
  std::vector<Time> times_;
  std::vector<Channel> channels_;
};

// Shared by the AEDAT writers: checks a span whole (lengths, no values, non-decreasing
// times, t_start, channel count) and converts its times to microseconds, before the format
// encodes it, so that a refused span writes nothing.
class AddressEventWriter : public EventWriter {
 public:
  AddressEventWriter(const std::string& path, const std::string& temp_path, const EventStreamInfo& info,
                     std::string_view who);
  void append(std::span<const Time> times, std::span<const Channel> channels,
              std::span<const double> values) override;
  void close(std::optional<Time> t_stop) override;
  std::uint64_t events_written() const override { return events_; }

 protected:
  // Encodes and writes the checked span (micros non-decreasing, >= 0). Throws before
  // writing anything if an address cannot be represented.
  virtual void encode(std::span<const std::int64_t> micros, std::span<const Channel> channels) = 0;
  virtual void finish() {}

  OutputFile out_;
  EventStreamInfo info_;
  std::string who_;  // "Aedat3Writer", for messages
  std::uint64_t events_ = 0;

 private:
  std::optional<Time> last_;
  std::vector<std::int64_t> micros_;
  bool closed_ = false;
};

// The camera geometry a writer of camera events uses: the info's mapping with its sensor
// size, or UsageError naming `format` and asking for --sensor.
CameraMap writer_camera(const EventStreamInfo& info, std::string_view format);

}  // namespace rockpool::aedat
