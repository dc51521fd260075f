// prophesee.hpp: Prophesee event camera files, EVT 2.0 and EVT 3.0 RAW and the older DAT,
// read and written behind io/event_stream.hpp.
//
// Use it through open_event_reader() / create_event_writer() like any event format: the
// camera's (x, y, polarity) events become channels by the AddressMapping (sensor size from
// the file's `% ` header or the options), its integer microseconds become exact ticks
// (1 us = 9000 ticks). The concrete classes are declared here for what the interface does
// not carry: the parsed header, and the words a reader skipped (trigger, vendor and
// start-of-stream words). doc/formats.md describes the three formats bit by bit.
//
//   auto in = open_event_reader("recording.raw", {.address_mapping = {.polarity = kMerge}});
//   while (auto chunk = in->next_chunk()) feed(chunk->times, chunk->channels);
//
//   EventStreamInfo info;               // writing needs the sensor size
//   info.address_mapping.width = 64;
//   info.address_mapping.height = 48;
//   auto out = create_event_writer("spikes.raw", EventFileFormat::kEvt3, info);
//
// Readers hold one 64 KiB block of the file and one chunk of events, whatever the header
// or the data claim; bad input throws FormatError naming the file and the byte offset.
#pragma once

#include <cstdint>
#include <fstream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "io/event_stream.hpp"

namespace rockpool {

// The largest sensor each format can address: 11-bit coordinates in EVT 2.0 / 3.0,
// 14-bit in DAT.
inline constexpr std::uint32_t kEvtMaxSensorSide = 2048;
inline constexpr std::uint32_t kDatMaxSensorSide = 16384;

// What a Prophesee file's `% key value` header says.
struct PropheseeHeader {
  EventFileFormat format = EventFileFormat::kEvt3;  // kEvt2, kEvt3 or kDat
  std::optional<std::uint32_t> width;
  std::optional<std::uint32_t> height;
  std::vector<std::pair<std::string, std::string>> fields;  // every line, in order
  std::uint64_t data_offset = 0;  // first byte after the header (DAT: its type and size bytes)
};

// True when `head` (a file's first bytes) starts like a Prophesee header.
bool looks_like_prophesee(std::string_view head);

// Reads and checks the header of `path`. Throws IoError if it cannot be read, FormatError
// (with the line's byte offset) for an absurd line (longer than 4096 bytes, binary bytes,
// more than 1000 lines), an unsupported encoding (`% evt 2.1`, `% format EVT21`), fields
// that disagree, or a sensor larger than the format can address.
PropheseeHeader read_prophesee_header(const std::string& path);

// Reads EVT 2.0, EVT 3.0 or DAT (by the header) in chunks.
class PropheseeReader final : public EventReader {
 public:
  // Throws FormatError when neither the header nor `options` give the sensor size.
  PropheseeReader(const std::string& path, const EventReaderOptions& options);
  ~PropheseeReader() override;

  const EventStreamInfo& info() const override { return info_; }
  std::optional<EventChunk> next_chunk() override;
  std::uint64_t events_read() const override { return events_; }
  std::uint64_t bytes_read() const override { return offset_; }
  std::uint64_t file_size() const override { return file_size_; }
  std::uint64_t events_dropped() const override { return dropped_; }

  const PropheseeHeader& header() const { return header_; }
  // EXT_TRIGGER words, skipped (rockpool reads the camera's CD events only).
  std::uint64_t triggers_skipped() const { return triggers_; }
  // CD events before the stream's state was complete (an event before the first
  // TIME_HIGH has no time; in EVT 3.0 also before the first ADDR_Y / VECT_BASE_X), as a
  // recording that starts mid-stream has: skipped.
  std::uint64_t events_before_state() const { return before_state_; }

 private:
  bool refill(std::size_t need);
  void decode_evt2();
  void decode_evt3();
  void decode_dat();
  void emit(std::uint64_t t_us, std::uint32_t x, std::uint32_t y, std::uint32_t p, std::uint64_t at);
  [[noreturn]] void fail(std::uint64_t offset, const std::string& problem) const;

  std::string path_;
  std::ifstream in_;
  PropheseeHeader header_;
  EventStreamInfo info_;
  std::size_t chunk_events_;
  std::uint32_t width_ = 0, height_ = 0;
  std::uint64_t file_size_ = 0;
  // The block of file bytes being decoded: buffer_[pos_] is at file offset offset_.
  std::vector<unsigned char> buffer_;
  std::size_t pos_ = 0, end_ = 0;
  std::uint64_t offset_ = 0;
  bool eof_ = false;
  // Decoder state. Times are full microseconds since the stream's time origin; `high`
  // counts TIME_HIGH periods including the wraps seen.
  std::optional<std::uint64_t> high_;  // EVT2: t >> 6; EVT3: t >> 12 (with the wraps)
  std::uint64_t low_ = 0;              // EVT3: the 12 low bits of the time base
  std::optional<std::uint32_t> y_;     // EVT3: the current row
  std::optional<std::uint32_t> base_x_;
  std::uint32_t base_p_ = 0;
  std::optional<std::uint64_t> last_us_;
  // Events decoded but not handed out yet (a vector word can overshoot a chunk).
  std::vector<Time> times_;
  std::vector<Channel> channels_;
  std::size_t handed_ = 0;  // events of the vectors handed out in the last chunk
  std::uint64_t events_ = 0, dropped_ = 0, triggers_ = 0, before_state_ = 0;
};

// Writes EVT 2.0, EVT 3.0 or DAT through a temporary file renamed in close().
class PropheseeWriter final : public EventWriter {
 public:
  // info.address_mapping must give the sensor size (UsageError otherwise); info.has_values
  // is refused (the formats hold no values).
  PropheseeWriter(const std::string& path, EventFileFormat format, const EventStreamInfo& info,
                  const std::string& temp_path);
  ~PropheseeWriter() override;

  // Times are rounded to the nearest microsecond (ties to even): refused before 0 and, in
  // DAT, from 2^32 us (71.6 min) on. Channels map back to (x, y, p) by the inverse of the
  // address mapping: kSplit c -> pixel c / 2, p = c % 2; kMerge and kOnOnly: pixel c, ON;
  // kOffOnly: pixel c, OFF. A channel beyond the sensor is OutOfRange.
  void append(std::span<const Time> times, std::span<const Channel> channels,
              std::span<const double> values) override;
  void close(std::optional<Time> t_stop) override;
  std::uint64_t events_written() const override { return events_; }
  double max_rounding_seconds() const override;

 private:
  void put16(std::uint16_t word);
  void put32(std::uint32_t word);
  void advance_time_high(std::uint64_t target, std::uint64_t step, std::uint64_t modulus, unsigned shift);
  void encode(std::uint64_t t_us, std::uint32_t x, std::uint32_t y, std::uint32_t p);

  std::string path_, temp_path_;
  EventFileFormat format_;
  AddressMapping mapping_;
  std::uint32_t width_ = 0, height_ = 0;
  std::size_t num_channels_ = 0;  // from the info, 0 when not set
  std::ofstream out_;
  std::string pending_;  // encoded words not yet written
  bool closed_ = false;
  std::uint64_t events_ = 0;
  std::optional<Time> last_;
  std::int64_t max_rounding_ticks_ = 0;
  // Encoder state, as the decoder will see it.
  std::optional<std::uint64_t> high_;
  std::optional<std::uint64_t> low_;
  std::optional<std::uint32_t> y_;
};

}  // namespace rockpool
