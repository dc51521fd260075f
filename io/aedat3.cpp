// AEDAT 3.1 (cAER / libcaer; the DynapSE board's own log): the format table's row, its
// streamed reader and writer. Layout, bits and rules: doc/formats.md, "AEDAT 3.1".
#include <algorithm>
#include <filesystem>
#include <limits>

#include "io/aedat.hpp"
#include "io/event_formats.hpp"

namespace rockpool {
namespace {

using namespace aedat;

constexpr std::string_view kMagic = "#!AER-DAT3.1\r\n";
constexpr std::string_view kEndHeader = "#!END-HEADER";
constexpr std::size_t kMaxHeaderBytes = 16u << 20;
constexpr std::size_t kPacketHeaderBytes = 28;
// libcaer's event types we read (others are skipped whole).
constexpr int kSpecial = 0, kPolarity = 1, kSpike = 12;
constexpr std::uint32_t kTimestampWrap = 0, kTimestampReset = 1;
// Bounds on what a packet header may claim: an event of any type up to 16 MiB (a large
// frame), capacities within int32. Sizes are checked against the file before skipping.
constexpr std::int64_t kMaxEventSize = 16 << 20;
// How far open() looks for the first event packet to tell camera from chip files.
constexpr int kScanPackets = 1024;
constexpr std::uint32_t kWriterPacketEvents = 4096;

std::string type_name(int type) {
  static constexpr std::string_view kNames[] = {"SPECIAL", "POLARITY", "FRAME",   "IMU6",    "IMU9",
                                                "SAMPLE",  "EAR",      "CONFIG",  "POINT1D", "POINT2D",
                                                "POINT3D", "POINT4D",  "SPIKE",   "MATRIX4x4"};
  if (type >= 0 && type < static_cast<int>(std::size(kNames))) return std::string(kNames[type]);
  return "type " + std::to_string(type);
}

struct PacketHeader {
  std::uint64_t at = 0;  // offset of the header in the file
  int type = 0;
  std::int32_t size = 0, ts_offset = 0, overflow = 0, capacity = 0, number = 0, valid = 0;
};

// Reads and checks one 28-byte packet header; the body must fit in the file.
PacketHeader read_packet_header(InputFile& in) {
  PacketHeader h;
  h.at = in.offset();
  const auto b = in.take(kPacketHeaderBytes, "packet header");
  h.type = static_cast<std::int16_t>(le16(b.data()));
  h.size = static_cast<std::int32_t>(le32(b.data() + 4));
  h.ts_offset = static_cast<std::int32_t>(le32(b.data() + 8));
  h.overflow = static_cast<std::int32_t>(le32(b.data() + 12));
  h.capacity = static_cast<std::int32_t>(le32(b.data() + 16));
  h.number = static_cast<std::int32_t>(le32(b.data() + 20));
  h.valid = static_cast<std::int32_t>(le32(b.data() + 24));
  const std::string what = type_name(h.type) + " packet: ";
  if (h.size <= 0 || h.size > kMaxEventSize) {
    in.fail(h.at + 4, what + "absurd eventSize " + std::to_string(h.size) + " (1 byte to 16 MiB)");
  }
  if (h.capacity < 0 || h.number < 0 || h.number > h.capacity || h.valid < 0 || h.valid > h.number) {
    in.fail(h.at + 16, what + "absurd counts: eventCapacity " + std::to_string(h.capacity) + ", eventNumber " +
                           std::to_string(h.number) + ", eventValid " + std::to_string(h.valid));
  }
  if (h.overflow < 0) in.fail(h.at + 12, what + "negative eventTSOverflow " + std::to_string(h.overflow));
  if ((h.type == kSpecial || h.type == kPolarity || h.type == kSpike) && (h.size != 8 || h.ts_offset != 4)) {
    in.fail(h.at + 4, what + "eventSize " + std::to_string(h.size) + " / eventTSOffset " + std::to_string(h.ts_offset) +
                          " (this type has 8-byte events with the time stamp at byte 4)");
  }
  const std::uint64_t body = std::uint64_t(h.size) * std::uint64_t(h.capacity);
  if (body > in.size() - in.offset()) {
    in.fail(h.at, "truncated " + what + std::to_string(h.capacity) + " events of " + std::to_string(h.size) +
                      " bytes declared, " + std::to_string(in.size() - in.offset()) + " bytes left in the file");
  }
  return h;
}

struct Header {
  std::string source;  // the first #Source description
  std::uint64_t end = 0;
};

Header read_header(InputFile& in) {
  Header h;
  const std::string first = in.read_line(kMagic.size(), "AEDAT 3.1 header");
  if (first != kMagic) in.fail(0, "not an AEDAT 3.1 file (its first line is not #!AER-DAT3.1 ending in CR LF)");
  for (;;) {
    const std::uint64_t at = in.offset();
    if (at > kMaxHeaderBytes) in.fail(at, "the header exceeds 16 MiB without its #!END-HEADER line");
    if (in.peek() != '#') {
      in.fail(at, in.at_end() ? "truncated header: the file ends before #!END-HEADER"
                              : "a header line that does not start with '#' before #!END-HEADER");
    }
    std::string line = in.read_line(kMaxHeaderLine, "AEDAT 3.1 header");
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    if (line == kEndHeader) break;
    if (line.rfind("#Format:", 0) == 0) {
      std::string_view v = std::string_view(line).substr(8);
      while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
      if (v != "RAW") in.fail(at, "#Format: " + std::string(v) + " is not supported (only RAW)");
    } else if (line.rfind("#Source ", 0) == 0 && h.source.empty()) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) {
        std::string_view v = std::string_view(line).substr(colon + 1);
        while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
        h.source = v;
      }
    }
  }
  h.end = in.offset();
  return h;
}

class Aedat3Reader final : public AedatReader {
 public:
  Aedat3Reader(const std::string& path, const EventReaderOptions& options)
      : AedatReader(path, options), chip_(options.address_mapping) {
    const Header header = read_header(in_);
    info_.format = EventFileFormat::kAedat3;
    info_.name = std::filesystem::path(path).filename().string();
    info_.source = "AEDAT 3.1" + (header.source.empty() ? std::string() : ": " + header.source);
    info_.file_ticks_per_second = 1'000'000;
    info_.address_mapping = options.address_mapping;
    source_ = header.source;
    // The kind of events, from the first POLARITY or SPIKE packet.
    InputFile scan(path);
    scan.skip(header.end, "header");
    for (int k = 0; k < kScanPackets && !scan.at_end(); ++k) {
      const PacketHeader p = read_packet_header(scan);
      if (p.type == kPolarity || p.type == kSpike) {
        decide(p);
        break;
      }
      scan.skip(std::uint64_t(p.size) * std::uint64_t(p.capacity), "packet");
    }
  }

  bool fill(std::size_t room) override {
    if (remaining_ == 0) {
      if (trailing_ > 0) {
        in_.skip(trailing_, "packet");
        trailing_ = 0;
      }
      if (in_.at_end()) return false;
      start_packet();
      return true;
    }
    // At most 64 Ki events (512 KiB) per read of the file buffer.
    decode(static_cast<std::size_t>(std::min<std::uint64_t>({remaining_, room, 65536})));
    return true;
  }

 private:
  // Sets the file's kind from its first event packet: camera or chip.
  void decide(const PacketHeader& p) {
    if (p.type == kPolarity) {
      info_.addresses = EventStreamInfo::Addresses::kCamera;
      const AddressMapping& m = options_.address_mapping;
      auto size = (m.width && m.height) ? std::optional(std::pair{*m.width, *m.height}) : sensor_size_in(source_);
      if (!size) {
        in_.fail(p.at, "POLARITY events, but the #Source line names no sensor size: give it (--sensor WxH)");
      }
      camera_.emplace(reader_camera(in_, p.at, size->first, size->second, m.polarity));
      info_.address_mapping.width = size->first;
      info_.address_mapping.height = size->second;
      info_.num_channels = camera_->num_channels();
    } else {
      info_.addresses = EventStreamInfo::Addresses::kChip;
    }
  }

  void start_packet() {
    const PacketHeader p = read_packet_header(in_);
    packet_ = p;
    epoch_ = std::max<std::int64_t>(p.overflow, wrap_epoch_);
    if (p.type == kPolarity || p.type == kSpike) {
      if (info_.addresses == EventStreamInfo::Addresses::kChannels) decide(p);
      const bool camera = info_.addresses == EventStreamInfo::Addresses::kCamera;
      if (camera != (p.type == kPolarity)) {
        in_.fail(p.at, "a " + type_name(p.type) + " packet in a file of " + (camera ? "POLARITY" : "SPIKE") +
                           " events (one kind of events per file)");
      }
    }
    if (p.type == kPolarity || p.type == kSpike || p.type == kSpecial) {
      remaining_ = static_cast<std::uint64_t>(p.number);
      trailing_ = std::uint64_t(p.capacity - p.number) * 8;
    } else {
      skipped_ += static_cast<std::uint64_t>(p.number);
      in_.skip(std::uint64_t(p.size) * std::uint64_t(p.capacity), "packet");
      remaining_ = trailing_ = 0;
    }
  }

  void decode(std::size_t n) {
    const std::uint64_t at = in_.offset();
    const auto bytes = in_.take(n * 8, type_name(packet_.type) + " packet");
    remaining_ -= n;
    for (std::size_t k = 0; k < n; ++k) {
      const std::byte* e = bytes.data() + 8 * k;
      const std::uint64_t where = at + 8 * k;
      const std::uint32_t data = le32(e);
      const auto ts = static_cast<std::int32_t>(le32(e + 4));
      if ((data & 1) == 0) {  // marked invalid (filtered out by the recorder)
        ++skipped_;
        continue;
      }
      if (ts < 0) in_.fail(where + 4, "negative time stamp " + std::to_string(ts));
      if (packet_.type == kSpecial) {
        special(data);
        continue;
      }
      const std::int64_t file_us = (epoch_ << 31) | ts;
      const std::int64_t us = reset_base_ + file_us;
      if (last_us_ && us < *last_us_) {
        in_.fail(where + 4, "time stamps go backwards" + std::string(epoch_ < last_epoch_ ? " past a wrap" : "") + ": " +
                                std::to_string(file_us) + " µs (eventTSOverflow " + std::to_string(epoch_) +
                                ") after " + std::to_string(*last_us_ - reset_base_) + " µs (eventTSOverflow " +
                                std::to_string(last_epoch_) + ")");
      }
      std::optional<Channel> channel;
      if (packet_.type == kPolarity) {
        const bool on = (data >> 1) & 1;
        const std::uint32_t y = (data >> 2) & 0x7FFF, x = (data >> 17) & 0x7FFF;
        if (x >= camera_->width || y >= camera_->height) {
          in_.fail(where, "pixel x " + std::to_string(x) + ", y " + std::to_string(y) + " is outside the " +
                              std::to_string(camera_->width) + "x" + std::to_string(camera_->height) + " sensor");
        }
        channel = camera_->channel(x, y, on);
      } else {
        channel = chip_.channel((data >> 6) & 0x3F, (data >> 1) & 0x1F, (data >> 12) & 0xFFFFF, in_, where);
      }
      last_us_ = us;
      last_epoch_ = epoch_;
      if (!channel) {
        ++dropped_;
        continue;
      }
      times_.push_back(micros_to_time(us, in_, where + 4));
      channels_.push_back(*channel);
    }
  }

  void special(std::uint32_t data) {
    const std::uint32_t type = (data >> 1) & 0x7F;
    ++skipped_;
    if (type == kTimestampWrap) {
      // The events after a wrap are one overflow further on (libcaer's packet headers say
      // so too; this keeps files right whose headers do not).
      ++epoch_;
      wrap_epoch_ = epoch_;
    } else if (type == kTimestampReset) {
      // The device's clock restarted at 0: later events continue from the last one.
      reset_base_ = last_us_.value_or(0);
      wrap_epoch_ = 0;
      epoch_ = 0;
      last_epoch_ = 0;
    }
  }

  ChipMap chip_;
  std::optional<CameraMap> camera_;
  std::string source_;
  PacketHeader packet_;
  std::uint64_t remaining_ = 0;  // events of the current packet still to decode
  std::uint64_t trailing_ = 0;   // bytes after them (capacity beyond number)
  std::int64_t epoch_ = 0, wrap_epoch_ = 0, last_epoch_ = 0;
  std::int64_t reset_base_ = 0;
  std::optional<std::int64_t> last_us_;
};

// Writes POLARITY packets for camera channels (the info's addresses are a camera's, or a
// sensor size is given), SPIKE packets otherwise; at most 4096 events per packet, and a
// new packet, after a SPECIAL packet with TIMESTAMP_WRAP, whenever the overflow grows.
class Aedat3Writer final : public AddressEventWriter {
 public:
  Aedat3Writer(const std::string& path, const EventStreamInfo& info, const std::string& temp_path)
      : AddressEventWriter(path, temp_path, info, "Aedat3Writer"), chip_(info.address_mapping) {
    const bool camera = info.addresses == EventStreamInfo::Addresses::kCamera ||
                        (info.addresses == EventStreamInfo::Addresses::kChannels && info.address_mapping.width);
    std::string header(kMagic);
    header += "#Format: RAW\r\n";
    if (camera) {
      camera_.emplace(writer_camera(info, "AEDAT 3.1"));
      if (camera_->width > 0x8000 || camera_->height > 0x8000) {
        throw UsageError("AEDAT 3.1 POLARITY events hold x and y below 32768");
      }
      header += "#Source 1: rockpool-cpp POLARITY events, sensor " + std::to_string(camera_->width) + "x" +
                std::to_string(camera_->height) + "\r\n";
    } else {
      header += "#Source 1: rockpool-cpp DYNAPSE SPIKE events\r\n";
    }
    header += std::string(kEndHeader) + "\r\n";
    out_.write(header);
  }

 private:
  void encode(std::span<const std::int64_t> micros, std::span<const Channel> channels) override {
    words_.resize(channels.size());
    for (std::size_t k = 0; k < channels.size(); ++k) {
      if (camera_) {
        const CameraMap::Pixel p = camera_->pixel(channels[k], events_ + k);
        words_[k] = 1u | (p.on ? 2u : 0u) | p.y << 2 | p.x << 17;
      } else {
        const ChipMap::Neuron n = chip_.neuron(channels[k]);
        if (n.chip > 0x3F || n.core > 0x1F || n.neuron > 0xFFFFF) {
          throw OutOfRange("Aedat3Writer::append", "event " + std::to_string(events_ + k) + ": channel " +
                                                       std::to_string(channels[k]) + " is chip " + std::to_string(n.chip) +
                                                       " (SPIKE events hold chips below 64)");
        }
        words_[k] = 1u | n.core << 1 | n.chip << 6 | n.neuron << 12;
      }
    }
    for (std::size_t k = 0; k < micros.size(); ++k) {
      const std::int64_t epoch = micros[k] >> 31;
      if (!body_.empty() && (epoch != packet_epoch_ || body_.size() == 8 * kWriterPacketEvents)) flush_packet();
      if (written_epoch_ && epoch > *written_epoch_) write_wraps(*written_epoch_, epoch);
      written_epoch_ = epoch;
      packet_epoch_ = epoch;
      put_le32(body_, words_[k]);
      put_le32(body_, static_cast<std::uint32_t>(micros[k] & 0x7FFFFFFF));
    }
  }

  void finish() override { flush_packet(); }

  void packet(int type, std::int64_t epoch, std::uint32_t count, const std::string& body) {
    if (epoch > std::numeric_limits<std::int32_t>::max()) throw InvalidArgument("Aedat3Writer", "time beyond the format's range");
    std::string h;
    put_le16(h, static_cast<std::uint16_t>(type));
    put_le16(h, 1);  // eventSource
    put_le32(h, 8);  // eventSize
    put_le32(h, 4);  // eventTSOffset
    put_le32(h, static_cast<std::uint32_t>(epoch));
    put_le32(h, count);  // eventCapacity
    put_le32(h, count);  // eventNumber
    put_le32(h, count);  // eventValid
    out_.write(h);
    out_.write(body);
  }

  void flush_packet() {
    if (body_.empty()) return;
    packet(camera_ ? kPolarity : kSpike, packet_epoch_, static_cast<std::uint32_t>(body_.size() / 8), body_);
    body_.clear();
  }

  // One TIMESTAMP_WRAP per overflow step, at the last microsecond of the old overflow.
  void write_wraps(std::int64_t from, std::int64_t to) {
    for (std::int64_t e = from; e < to; ++e) {
      std::string body;
      put_le32(body, 1u | kTimestampWrap << 1);
      put_le32(body, 0x7FFFFFFF);
      packet(kSpecial, e, 1, body);
    }
  }

  std::optional<CameraMap> camera_;
  ChipMap chip_;
  std::vector<std::uint32_t> words_;
  std::string body_;
  std::int64_t packet_epoch_ = 0;
  std::optional<std::int64_t> written_epoch_;
};

bool sniff_aedat3(std::string_view head, const std::string& path) {
  if (head.substr(0, 12) == "#!AER-DAT3.0") {
    throw FormatError(path, 0, "AEDAT 3.0 is not supported (only 3.1, with its #!END-HEADER line)");
  }
  return head.substr(0, kMagic.size() - 2) == kMagic.substr(0, kMagic.size() - 2);
}

}  // namespace

const EventFormat& aedat3_event_format() {
  static const EventFormat f{EventFileFormat::kAedat3, "aedat3", "aedat aedat3.1", ".aedat .aedat3", sniff_aedat3,
                             open_as<Aedat3Reader>, create_as<Aedat3Writer>};
  return f;
}

}  // namespace rockpool
