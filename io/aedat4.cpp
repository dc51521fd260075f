// AEDAT 4.0 (iniVation DV): the format table's row, its streamed reader and writer. Flatbuffers
// are decoded by hand with every offset bounds-checked; packets are LZ4 or Zstd frames
// (liblz4, libzstd). Layout and rules: doc/formats.md, "AEDAT 4.0".
#include <lz4frame.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>

#include "io/aedat.hpp"
#include "io/event_formats.hpp"

namespace rockpool {
namespace {

using namespace aedat;

constexpr std::string_view kMagic = "#!AER-DAT4.0\r\n";
constexpr std::uint32_t kMaxIoHeaderBytes = 16u << 20;
constexpr std::size_t kEventBytes = 16;  // struct Event { int64 t; int16 x; int16 y; bool on; } + padding
enum Compression { kNone = 0, kLz4 = 1, kLz4High = 2, kZstd = 3, kZstdHigh = 4 };

std::string_view compression_name(std::int32_t c) {
  static constexpr std::string_view kNames[] = {"NONE", "LZ4", "LZ4_HIGH", "ZSTD", "ZSTD_HIGH"};
  return c >= 0 && c <= 4 ? kNames[c] : "unknown";
}

// A bounds-checked view of one flatbuffer. Errors name the file offset of the thing that
// holds the buffer (the IOHeader or a packet) and the byte within the buffer.
class Flat {
 public:
  Flat(std::span<const std::byte> buf, const InputFile& file, std::uint64_t at, std::string what)
      : buf_(buf), file_(file), at_(at), what_(std::move(what)) {}

  [[noreturn]] void fail(std::size_t pos, const std::string& problem) const {
    file_.fail(at_, what_ + ", byte " + std::to_string(pos) + " of the flatbuffer: " + problem);
  }
  void need(std::uint64_t pos, std::uint64_t n) const {
    if (pos > buf_.size() || n > buf_.size() - pos) fail(pos, "an offset or length points outside the buffer");
  }
  std::uint32_t u32(std::uint64_t pos) const {
    need(pos, 4);
    return le32(buf_.data() + pos);
  }
  std::uint16_t u16(std::uint64_t pos) const {
    need(pos, 2);
    return le16(buf_.data() + pos);
  }
  std::span<const std::byte> bytes() const { return buf_; }

  struct Table {
    std::uint64_t pos = 0, vtable = 0;
    std::uint16_t vtable_size = 0, table_size = 0;
  };
  Table root() const { return table(u32(0)); }
  Table table(std::uint64_t pos) const {
    Table t;
    t.pos = pos;
    const auto soffset = static_cast<std::int32_t>(u32(pos));
    const std::int64_t vt = static_cast<std::int64_t>(pos) - soffset;
    if (vt < 0) fail(pos, "a vtable offset points before the buffer");
    t.vtable = static_cast<std::uint64_t>(vt);
    t.vtable_size = u16(t.vtable);
    t.table_size = u16(t.vtable + 2);
    if (t.vtable_size < 4 || t.vtable_size % 2 != 0) fail(t.vtable, "a vtable of absurd size");
    need(t.vtable, t.vtable_size);
    need(pos, t.table_size);
    return t;
  }
  // The field's offset inside the table, 0 when absent.
  std::uint16_t field(const Table& t, int id) const {
    const std::uint64_t entry = 4 + 2 * std::uint64_t(id);
    if (entry + 2 > t.vtable_size) return 0;
    const std::uint16_t off = u16(t.vtable + entry);
    if (off != 0 && off >= t.table_size) fail(t.vtable + entry, "a field lies outside its table");
    return off;
  }
  template <typename T>
  T scalar(const Table& t, int id, T fallback) const {
    const std::uint16_t off = field(t, id);
    if (off == 0) return fallback;
    need(t.pos + off, sizeof(T));
    std::uint64_t v = 0;
    for (std::size_t k = 0; k < sizeof(T); ++k) v |= std::to_integer<std::uint64_t>(buf_[t.pos + off + k]) << (8 * k);
    return static_cast<T>(v);
  }
  // A vector or string field: the position of its first element and its length; nothing
  // when absent. Checks that length * element_size bytes fit.
  std::optional<std::pair<std::uint64_t, std::uint32_t>> vector(const Table& t, int id, std::size_t element_size) const {
    const std::uint16_t off = field(t, id);
    if (off == 0) return std::nullopt;
    const std::uint64_t at = t.pos + off;
    const std::uint64_t target = at + u32(at);
    const std::uint32_t length = u32(target);
    need(target + 4, std::uint64_t(length) * element_size);
    return std::pair{target + 4, length};
  }

 private:
  std::span<const std::byte> buf_;
  const InputFile& file_;
  std::uint64_t at_;
  std::string what_;
};

// The few facts DV's infoNode XML gives us: per output stream, its type and sensor size.
struct StreamInfo {
  std::string type;  // "EVTS", "FRME", "IMUS", "TRIG"
  std::optional<std::uint32_t> width, height;
};

std::string attribute(std::string_view tag, std::string_view name) {
  const std::string key = std::string(name) + "=\"";
  std::size_t k = 0;
  while ((k = tag.find(key, k)) != std::string_view::npos) {
    if (k == 0 || tag[k - 1] == ' ' || tag[k - 1] == '\t' || tag[k - 1] == '\n') {
      const std::size_t start = k + key.size();
      const std::size_t end = tag.find('"', start);
      if (end == std::string_view::npos) return {};
      return std::string(tag.substr(start, end - start));
    }
    k += key.size();
  }
  return {};
}

std::optional<std::uint32_t> to_u32(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n')) s.remove_suffix(1);
  if (s.empty() || s.size() > 9) return std::nullopt;
  std::uint32_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint32_t>(c - '0');
  }
  return v;
}

// Walks the XML's <node name=...> nesting and reads the attrs typeIdentifier (of
// outInfo/<id>) and sizeX / sizeY (of outInfo/<id>/info). Tolerant: anything else is ignored.
std::map<std::int64_t, StreamInfo> parse_streams(std::string_view xml) {
  std::map<std::int64_t, StreamInfo> streams;
  std::vector<std::string> path;  // names of the open <node>s, the unnamed root left out
  std::vector<bool> named;
  std::size_t k = 0;
  while ((k = xml.find('<', k)) != std::string_view::npos) {
    const std::size_t close = xml.find('>', k);
    if (close == std::string_view::npos) break;
    const std::string_view tag = xml.substr(k + 1, close - k - 1);
    k = close + 1;
    if (tag.empty() || tag.front() == '?' || tag.front() == '!') continue;
    if (tag.substr(0, 5) == "/node") {
      if (!named.empty()) {
        if (named.back()) path.pop_back();
        named.pop_back();
      }
      continue;
    }
    const bool self_closing = tag.back() == '/';
    if (tag.substr(0, 5) == "node " || tag == "node") {
      if (self_closing) continue;
      const std::string name = attribute(tag, "name");
      named.push_back(!name.empty());
      if (!name.empty()) path.push_back(name);
      continue;
    }
    if (tag.substr(0, 5) == "attr " && !self_closing) {
      const std::string key = attribute(tag, "key");
      const std::size_t end = xml.find('<', k);
      if (end == std::string_view::npos) break;
      const std::string_view text = xml.substr(k, end - k);
      if (path.size() < 2 || path[0] != "outInfo") continue;
      auto id = to_u32(path[1]);
      if (!id) continue;
      if (path.size() == 2 && key == "typeIdentifier") {
        std::string_view t = text;
        while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
        while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
        streams[*id].type = t;
      } else if (path.size() == 3 && path[2] == "info" && (key == "sizeX" || key == "sizeY")) {
        (key == "sizeX" ? streams[*id].width : streams[*id].height) = to_u32(text);
      }
    }
  }
  return streams;
}

class Aedat4Reader final : public AedatReader {
 public:
  Aedat4Reader(const std::string& path, const EventReaderOptions& options) : AedatReader(path, options) {
    const auto magic = in_.take(kMagic.size(), "AEDAT 4.0 magic");
    if (std::memcmp(magic.data(), kMagic.data(), kMagic.size()) != 0) {
      in_.fail(0, "not an AEDAT 4.0 file (it does not start with #!AER-DAT4.0)");
    }
    const std::uint32_t length = le32(in_.take(4, "IOHeader length").data());
    if (length < 8 || length > kMaxIoHeaderBytes) {
      in_.fail(kMagic.size(), "absurd IOHeader length " + std::to_string(length) + " (8 bytes to 16 MiB)");
    }
    const std::uint64_t header_at = in_.offset();
    std::vector<std::byte> header(length);
    in_.read_into(header, "IOHeader");
    const Flat flat(header, in_, header_at, "IOHeader");
    const Flat::Table root = flat.root();
    compression_ = flat.scalar<std::int32_t>(root, 0, kNone);
    if (compression_ < kNone || compression_ > kZstdHigh) {
      in_.fail(header_at, "IOHeader: unknown compression " + std::to_string(compression_) +
                              " (NONE 0, LZ4 1, LZ4_HIGH 2, ZSTD 3, ZSTD_HIGH 4)");
    }
    const auto table_at = flat.scalar<std::int64_t>(root, 1, -1);
    body_ = in_.offset();
    if (table_at >= 0) {
      if (static_cast<std::uint64_t>(table_at) < body_ || static_cast<std::uint64_t>(table_at) > in_.size()) {
        in_.fail(header_at, "IOHeader: dataTablePosition " + std::to_string(table_at) + " lies outside the packets (" +
                                std::to_string(body_) + ".." + std::to_string(in_.size()) + ")");
      }
      end_ = static_cast<std::uint64_t>(table_at);
    } else {
      end_ = in_.size();
    }
    std::string xml;
    if (auto s = flat.vector(root, 2, 1)) {
      xml.assign(reinterpret_cast<const char*>(header.data() + s->first), s->second);
    }
    const auto streams = parse_streams(xml);
    for (const auto& [id, s] : streams) {
      if (s.type != "EVTS") continue;
      if (!stream_) {
        stream_ = id;
      } else {
        ++other_event_streams_;
      }
    }
    if (!stream_) in_.fail(header_at, "IOHeader: the infoNode declares no event stream (typeIdentifier EVTS)");
    const StreamInfo& s = streams.at(*stream_);
    const AddressMapping& m = options.address_mapping;
    const auto width = m.width ? m.width : s.width;
    const auto height = m.height ? m.height : s.height;
    if (!width || !height || *width == 0 || *height == 0) {
      in_.fail(header_at, "IOHeader: the infoNode gives no sensor size (sizeX, sizeY) for event stream " +
                              std::to_string(*stream_) + ": give it (--sensor WxH)");
    }
    camera_.emplace(reader_camera(in_, header_at, *width, *height, m.polarity));
    info_.format = EventFileFormat::kAedat4;
    info_.name = std::filesystem::path(path).filename().string();
    info_.file_ticks_per_second = 1'000'000;
    info_.addresses = EventStreamInfo::Addresses::kCamera;
    info_.address_mapping = m;
    info_.address_mapping.width = *width;
    info_.address_mapping.height = *height;
    info_.num_channels = camera_->num_channels();
    info_.t_start = Time::zero();
    source_ = "AEDAT 4.0 (DV), event stream " + std::to_string(*stream_) + " of " + std::to_string(*width) + "x" +
              std::to_string(*height) + ", " + std::string(compression_name(compression_)) + " packets";
    info_.source = source_;
    LZ4F_dctx* lz4 = nullptr;
    if (LZ4F_isError(LZ4F_createDecompressionContext(&lz4, LZ4F_VERSION))) throw IoError(path, "cannot create an LZ4 context");
    lz4_.reset(lz4);
    zstd_.reset(ZSTD_createDCtx());
    if (!zstd_) throw IoError(path, "cannot create a Zstd context");
    // The first events fix the time origin, which the info reports.
    load();
  }

  bool fill(std::size_t room) override {
    if (next_ == count_ && !load()) return false;
    decode(std::min<std::size_t>(count_ - next_, room));
    return true;
  }

 private:
  // Reads packets up to the next one of our event stream with events; false at the end.
  bool load() {
    for (;;) {
      const std::uint64_t at = in_.offset();
      if (at == end_) return false;
      if (end_ - at < 8) in_.fail(at, "truncated packet header: " + std::to_string(end_ - at) + " bytes before the end of the packets");
      const auto h = in_.take(8, "packet header");
      const auto id = static_cast<std::int32_t>(le32(h.data()));
      const auto size = static_cast<std::int32_t>(le32(h.data() + 4));
      if (size <= 0 || static_cast<std::uint32_t>(size) > kMaxPacketBytes) {
        in_.fail(at + 4, "absurd packet size " + std::to_string(size) + " (1 byte to 64 MiB)");
      }
      if (std::uint64_t(size) > end_ - in_.offset()) {
        in_.fail(at, "truncated packet: " + std::to_string(size) + " bytes declared, " +
                         std::to_string(end_ - in_.offset()) + " left before the end of the packets");
      }
      if (id != *stream_) {
        ++skipped_;
        in_.skip(static_cast<std::uint64_t>(size), "packet");
        continue;
      }
      raw_.resize(static_cast<std::size_t>(size));
      in_.read_into(raw_, "packet");
      packet_at_ = at;
      const std::span<const std::byte> payload = decompress(at);
      parse(payload, at);
      if (count_ > 0) return true;
    }
  }

  std::span<const std::byte> decompress(std::uint64_t at) {
    if (compression_ == kNone) return raw_;
    std::size_t produced = 0;
    if (plain_.size() < 2 * raw_.size() + 4096) plain_.resize(std::min<std::size_t>(2 * raw_.size() + 4096, kMaxPacketBytes));
    auto grow = [&] {
      if (plain_.size() >= kMaxPacketBytes) in_.fail(at, "the packet decompresses to more than 64 MiB");
      plain_.resize(std::min<std::size_t>(2 * plain_.size(), kMaxPacketBytes));
    };
    if (compression_ == kLz4 || compression_ == kLz4High) {
      LZ4F_resetDecompressionContext(lz4_.get());
      std::size_t consumed = 0;
      for (;;) {
        if (produced == plain_.size()) grow();
        std::size_t out_size = plain_.size() - produced, in_size = raw_.size() - consumed;
        const std::size_t r = LZ4F_decompress(lz4_.get(), plain_.data() + produced, &out_size, raw_.data() + consumed, &in_size, nullptr);
        if (LZ4F_isError(r)) in_.fail(at, std::string("the packet is not a valid LZ4 frame: ") + LZ4F_getErrorName(r));
        produced += out_size;
        consumed += in_size;
        if (r == 0) break;  // the frame is complete
        if (consumed == raw_.size() && out_size == 0 && in_size == 0) in_.fail(at, "truncated LZ4 frame in the packet");
      }
      if (consumed != raw_.size()) in_.fail(at, "bytes after the LZ4 frame in the packet");
    } else {
      ZSTD_DCtx_reset(zstd_.get(), ZSTD_reset_session_only);
      ZSTD_inBuffer input{raw_.data(), raw_.size(), 0};
      for (;;) {
        if (produced == plain_.size()) grow();
        ZSTD_outBuffer output{plain_.data() + produced, plain_.size() - produced, 0};
        const std::size_t r = ZSTD_decompressStream(zstd_.get(), &output, &input);
        if (ZSTD_isError(r)) in_.fail(at, std::string("the packet is not a valid Zstd frame: ") + ZSTD_getErrorName(r));
        produced += output.pos;
        if (r == 0) break;  // the frame is complete
        if (input.pos == input.size && output.pos < output.size) in_.fail(at, "truncated Zstd frame in the packet");
      }
      if (input.pos != input.size) in_.fail(at, "bytes after the Zstd frame in the packet");
    }
    return std::span<const std::byte>(plain_.data(), produced);
  }

  // The payload is a size-prefixed flatbuffer with the identifier EVTS: EventPacket
  // { elements: [Event] }.
  void parse(std::span<const std::byte> payload, std::uint64_t at) {
    if (payload.size() < 12) in_.fail(at, "an event packet of " + std::to_string(payload.size()) + " bytes (too short for a flatbuffer)");
    const std::uint32_t prefix = le32(payload.data());
    if (prefix > payload.size() - 4) in_.fail(at, "the event packet's size prefix " + std::to_string(prefix) + " exceeds its " + std::to_string(payload.size() - 4) + " bytes");
    const auto buffer = payload.subspan(4, prefix);
    if (buffer.size() < 8 || std::memcmp(buffer.data() + 4, "EVTS", 4) != 0) {
      in_.fail(at, "a packet of event stream " + std::to_string(*stream_) + " whose flatbuffer is not EVTS");
    }
    const Flat flat(buffer, in_, at, "event packet");
    const auto elements = flat.vector(flat.root(), 0, kEventBytes);
    events_buf_ = buffer;
    next_ = count_ = 0;
    if (!elements) return;
    first_ = elements->first;
    count_ = elements->second;
    if (!origin_ && count_ > 0) {
      origin_ = static_cast<std::int64_t>(le64(events_buf_.data() + first_));
      info_.unix_origin_us = origin_;
      info_.source = source_ + "; t = 0 at Unix time " + std::to_string(*origin_) + " µs (the first event)";
    }
  }

  void decode(std::size_t n) {
    for (std::size_t k = 0; k < n; ++k, ++next_) {
      const std::byte* e = events_buf_.data() + first_ + kEventBytes * next_;
      const auto t = static_cast<std::int64_t>(le64(e));
      const auto x = static_cast<std::int16_t>(le16(e + 8));
      const auto y = static_cast<std::int16_t>(le16(e + 10));
      const bool on = std::to_integer<int>(e[12]) != 0;
      auto where = [&] { return "event " + std::to_string(next_) + " of the packet: "; };
      if (last_t_ && t < *last_t_) {
        in_.fail(packet_at_, where() + "time stamps go backwards (" + std::to_string(t) + " µs after " +
                                 std::to_string(*last_t_) + " µs)");
      }
      if (x < 0 || y < 0 || static_cast<std::uint32_t>(x) >= camera_->width ||
          static_cast<std::uint32_t>(y) >= camera_->height) {
        in_.fail(packet_at_, where() + "pixel x " + std::to_string(x) + ", y " + std::to_string(y) + " is outside the " +
                                 std::to_string(camera_->width) + "x" + std::to_string(camera_->height) + " sensor");
      }
      last_t_ = t;
      const auto channel = camera_->channel(static_cast<std::uint32_t>(x), static_cast<std::uint32_t>(y), on);
      if (!channel) {
        ++dropped_;
        continue;
      }
      std::int64_t us = 0;
      if (__builtin_sub_overflow(t, *origin_, &us)) in_.fail(packet_at_, where() + "time stamp out of range");
      times_.push_back(micros_to_time(us, in_, packet_at_));
      channels_.push_back(*channel);
    }
  }

  std::int32_t compression_ = kNone;
  std::uint64_t body_ = 0, end_ = 0;
  std::optional<std::int64_t> stream_;
  std::uint64_t other_event_streams_ = 0;
  std::optional<CameraMap> camera_;
  std::string source_;
  // Members, so that they are freed also when the constructor throws.
  struct FreeLz4 {
    void operator()(LZ4F_dctx* c) const { LZ4F_freeDecompressionContext(c); }
  };
  struct FreeZstd {
    void operator()(ZSTD_DCtx* c) const { ZSTD_freeDCtx(c); }
  };
  std::unique_ptr<LZ4F_dctx, FreeLz4> lz4_;
  std::unique_ptr<ZSTD_DCtx, FreeZstd> zstd_;
  std::vector<std::byte> raw_, plain_;
  std::span<const std::byte> events_buf_;
  std::uint64_t packet_at_ = 0, first_ = 0;
  std::size_t next_ = 0, count_ = 0;
  std::optional<std::int64_t> origin_, last_t_;
};


// Writes camera events as LZ4-compressed EVTS packets of up to 8192 events (DV's default
// compression), without a data table (dataTablePosition -1: readers walk the packets).
// Event times are Unix microseconds: the info's unix_origin_us (0 when it has none) plus
// the event's time.
class Aedat4Writer final : public AddressEventWriter {
 public:
  static constexpr std::size_t kPacketEvents = 8192;

  Aedat4Writer(const std::string& path, const EventStreamInfo& info, const std::string& temp_path)
      : AddressEventWriter(path, temp_path, info, "Aedat4Writer"), camera_(writer_camera(info, "AEDAT 4.0")),
        origin_(info.unix_origin_us.value_or(0)) {
    if (camera_.width > 32767 || camera_.height > 32767) throw UsageError("AEDAT 4.0 events hold x and y below 32768");
    const std::string xml =
        "<dv version=\"2.0\"><node name=\"outInfo\" path=\"/outInfo/\"><node name=\"0\" path=\"/outInfo/0/\">"
        "<attr key=\"compression\" type=\"string\">LZ4</attr>"
        "<attr key=\"originalModuleName\" type=\"string\">rockpool-cpp</attr>"
        "<attr key=\"originalOutputName\" type=\"string\">events</attr>"
        "<attr key=\"typeDescription\" type=\"string\">Array of events (polarity ON/OFF).</attr>"
        "<attr key=\"typeIdentifier\" type=\"string\">EVTS</attr>"
        "<node name=\"info\" path=\"/outInfo/0/info/\">"
        "<attr key=\"sizeX\" type=\"int\">" + std::to_string(camera_.width) + "</attr>"
        "<attr key=\"sizeY\" type=\"int\">" + std::to_string(camera_.height) + "</attr>"
        "<attr key=\"source\" type=\"string\">rockpool-cpp</attr>"
        "</node></node></node></dv>";
    // The IOHeader flatbuffer: root offset, vtable {10, 20, 4, 8, 16} at 4, the table at 20
    // (so that the int64 lands 8-aligned counting the length prefix), the string at 40.
    std::string b;
    put_le32(b, 20);
    for (std::uint16_t v : {10, 20, 4, 8, 16}) put_le16(b, v);
    b += std::string(6, '\0');
    put_le32(b, 20 - 4);
    put_le32(b, kLz4);
    put_le64(b, static_cast<std::uint64_t>(std::int64_t{-1}));
    put_le32(b, 40 - 36);
    put_le32(b, static_cast<std::uint32_t>(xml.size()));
    b += xml;
    b.push_back('\0');
    while (b.size() % 4 != 0) b.push_back('\0');
    std::string out(kMagic);
    put_le32(out, static_cast<std::uint32_t>(b.size()));
    out_.write(out + b);
  }

 private:
  void encode(std::span<const std::int64_t> micros, std::span<const Channel> channels) override {
    std::vector<CameraMap::Pixel> pixels(channels.size());
    std::vector<std::int64_t> stamps(micros.size());
    for (std::size_t k = 0; k < channels.size(); ++k) {
      pixels[k] = camera_.pixel(channels[k], events_ + k);
      if (__builtin_add_overflow(origin_, micros[k], &stamps[k])) {
        throw InvalidArgument("Aedat4Writer::append", "event " + std::to_string(events_ + k) + ": time stamp beyond int64");
      }
    }
    for (std::size_t k = 0; k < channels.size(); ++k) {
      put_le64(events_bytes_, static_cast<std::uint64_t>(stamps[k]));
      put_le16(events_bytes_, static_cast<std::uint16_t>(pixels[k].x));
      put_le16(events_bytes_, static_cast<std::uint16_t>(pixels[k].y));
      events_bytes_.push_back(pixels[k].on ? '\1' : '\0');
      events_bytes_ += std::string(3, '\0');
      if (events_bytes_.size() == kPacketEvents * kEventBytes) flush_packet();
    }
  }

  void finish() override { flush_packet(); }

  // A size-prefixed EVTS flatbuffer: root offset 16, "EVTS", vtable {6, 8, 4} at 8, the
  // table at 16, the vector's length at 24 and its events from 28 (8-aligned counting the
  // size prefix); LZ4-framed.
  void flush_packet() {
    if (events_bytes_.empty()) return;
    std::string b;
    put_le32(b, 16);
    b += "EVTS";
    for (std::uint16_t v : {6, 8, 4}) put_le16(b, v);
    b += std::string(2, '\0');
    put_le32(b, 8);
    put_le32(b, 24 - 20);
    put_le32(b, static_cast<std::uint32_t>(events_bytes_.size() / kEventBytes));
    b += events_bytes_;
    std::string plain;
    put_le32(plain, static_cast<std::uint32_t>(b.size()));
    plain += b;
    std::string frame(LZ4F_compressFrameBound(plain.size(), nullptr), '\0');
    const std::size_t n = LZ4F_compressFrame(frame.data(), frame.size(), plain.data(), plain.size(), nullptr);
    if (LZ4F_isError(n)) throw IoError("Aedat4Writer", std::string("LZ4 compression failed: ") + LZ4F_getErrorName(n));
    frame.resize(n);
    std::string header;
    put_le32(header, 0);  // stream 0
    put_le32(header, static_cast<std::uint32_t>(frame.size()));
    out_.write(header);
    out_.write(frame);
    events_bytes_.clear();
  }

  CameraMap camera_;
  std::int64_t origin_ = 0;
  std::string events_bytes_;
};

bool sniff_aedat4(std::string_view head, const std::string& path) {
  if (head.substr(0, 12) == kMagic.substr(0, 12)) return true;
  // Other AEDAT versions (2.0 and 3.1 have their rows before this one).
  if (head.substr(0, 9) == "#!AER-DAT") {
    const std::size_t end = head.find_first_of("\r\n");
    throw FormatError(path, 0, "AEDAT version " + std::string(head.substr(9, std::min<std::size_t>(end, 20) - 9)) +
                                   " is not supported (AEDAT 2.0, 3.1 and 4.0 are)");
  }
  return false;
}

}  // namespace

const EventFormat& aedat4_event_format() {
  static const EventFormat f{EventFileFormat::kAedat4, "aedat4", "aedat4.0 dv", ".aedat4", sniff_aedat4,
                             open_as<Aedat4Reader>, create_as<Aedat4Writer>};
  return f;
}

}  // namespace rockpool
