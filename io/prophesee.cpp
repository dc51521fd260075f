// Prophesee EVT 2.0 / EVT 3.0 RAW and DAT (io/prophesee.hpp), and their rows of the format
// table (io/event_formats.hpp). The bit layouts are in doc/formats.md; the comments here
// say why the decoder does what it does.
#include "io/prophesee.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <limits>

#include "io/event_formats.hpp"

namespace rockpool {
namespace {

constexpr std::size_t kMaxHeaderLine = 4096;
constexpr std::size_t kMaxHeaderLines = 1000;
constexpr std::size_t kBlockBytes = 1 << 16;
// The largest microsecond count whose tick count fits an int64 (about 32 years).
constexpr std::uint64_t kMaxMicroseconds = std::numeric_limits<std::int64_t>::max() / kTicksPerMicrosecond;

// EVT 2.0 TIME_HIGH carries t >> 6 in 28 bits; EVT 3.0 TIME_HIGH carries t >> 12 in 12
// bits. A TIME_HIGH below the previous one is a wrap of that counter when going forward
// to it is at most half the counter's range; a larger step back is time going backwards.
// Our writers emit a TIME_HIGH at least every quarter range, so their wraps always pass.
constexpr std::uint64_t kEvt2HighModulus = std::uint64_t{1} << 28;
constexpr std::uint64_t kEvt3HighModulus = std::uint64_t{1} << 12;

// DAT event types: 12 = CD (the Metavision DAT writer), 0 = Event2d (older files, same
// 8-byte record).
constexpr unsigned kDatCd = 12, kDatEvent2d = 0, kDatRecordBytes = 8;

std::string format_label(EventFileFormat f) {
  switch (f) {
    case EventFileFormat::kEvt2: return "EVT 2.0";
    case EventFileFormat::kEvt3: return "EVT 3.0";
    default: return "DAT";
  }
}

std::string hex(std::uint64_t v, int digits) {
  static const char* d = "0123456789abcdef";
  std::string s(static_cast<std::size_t>(digits), '0');
  for (int k = 0; k < digits; ++k) s[static_cast<std::size_t>(digits - 1 - k)] = d[(v >> (4 * k)) & 0xF];
  return "0x" + s;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A sensor side: a whole number 1 .. 2^20 (a larger one is absurd in any format).
std::optional<std::uint32_t> parse_side(std::string_view s) {
  std::uint32_t v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || v == 0 || v > (1u << 20)) return std::nullopt;
  return v;
}

std::uint32_t max_side(EventFileFormat f) { return f == EventFileFormat::kDat ? kDatMaxSensorSide : kEvtMaxSensorSide; }

// One sensor dimension as several header lines may give it: all must agree.
struct Side {
  std::optional<std::uint32_t> value;
  std::string from;  // the line that gave it, for messages
  void set(const std::string& path, std::uint64_t at, std::uint32_t v, const std::string& line, const char* what) {
    if (value && *value != v) {
      throw FormatError(path, at, "the header's " + std::string(what) + " " + std::to_string(v) + " (" + line +
                                      ") disagrees with " + std::to_string(*value) + " (" + from + ")");
    }
    value = v;
    from = line;
  }
};

}  // namespace

bool looks_like_prophesee(std::string_view head) { return head.substr(0, 2) == "% "; }

PropheseeHeader read_prophesee_header(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path, "cannot open for reading");
  PropheseeHeader h;
  std::optional<EventFileFormat> by_evt, by_format;
  std::uint64_t evt_at = 0;
  bool dat_lines = false;
  Side width, height;
  std::uint64_t offset = 0;
  std::string line;
  for (std::size_t lines = 0;; ++lines) {
    // The header ends at `% end` or at the first line not starting with "% ".
    const int c0 = in.get();
    const int c1 = c0 == '%' ? in.get() : EOF;
    if (c0 != '%' || c1 != ' ') break;
    if (lines == kMaxHeaderLines) {
      throw FormatError(path, offset, "more than " + std::to_string(kMaxHeaderLines) + " header lines");
    }
    line.clear();
    int c = 0;
    std::uint64_t bytes = 0;  // of the line after "% ", with its newline
    while ((c = in.get()) != EOF && c != '\n') {
      ++bytes;
      if (line.size() == kMaxHeaderLine) {
        throw FormatError(path, offset, "a header line longer than " + std::to_string(kMaxHeaderLine) +
                                            " bytes (binary data after a header without `% end`?)");
      }
      line.push_back(static_cast<char>(c));
    }
    if (c == EOF) throw FormatError(path, offset, "the file ends inside a header line (no newline)");
    if (!line.empty() && line.back() == '\r') line.pop_back();
    for (const char ch : line) {
      const auto u = static_cast<unsigned char>(ch);
      if ((u < 0x20 && u != '\t') || u == 0x7F) {
        throw FormatError(path, offset, "a header line holds binary bytes (binary data after a header "
                                        "without `% end`?)");
      }
    }
    const std::uint64_t at = offset;
    offset += 2 + bytes + 1;
    const std::string_view text = trim(line);
    const auto space = text.find(' ');
    const std::string key(text.substr(0, space));
    const std::string value(space == std::string_view::npos ? std::string_view{} : trim(text.substr(space + 1)));
    h.fields.emplace_back(key, value);
    const std::string shown = "`% " + std::string(text) + "`";
    if (key == "end" && value.empty()) break;
    if (key == "evt") {
      if (value == "2.0") {
        by_evt = EventFileFormat::kEvt2;
      } else if (value == "3.0") {
        by_evt = EventFileFormat::kEvt3;
      } else {
        throw FormatError(path, at, "unsupported Prophesee event encoding " + shown +
                                        " (rockpool reads EVT 2.0 and EVT 3.0)");
      }
      evt_at = at;
    } else if (key == "format") {
      std::string_view rest = value;
      const auto semicolon = rest.find(';');
      const std::string_view name = rest.substr(0, semicolon);
      if (name == "EVT2") {
        by_format = EventFileFormat::kEvt2;
      } else if (name == "EVT3") {
        by_format = EventFileFormat::kEvt3;
      } else {
        throw FormatError(path, at, "unsupported Prophesee event encoding " + shown +
                                        " (rockpool reads EVT2 and EVT3)");
      }
      rest.remove_prefix(semicolon == std::string_view::npos ? rest.size() : semicolon + 1);
      while (!rest.empty()) {
        const auto next = rest.find(';');
        const std::string_view param = rest.substr(0, next);
        rest.remove_prefix(next == std::string_view::npos ? rest.size() : next + 1);
        const auto eq = param.find('=');
        const std::string_view name_ = param.substr(0, eq);
        if (name_ != "width" && name_ != "height") continue;  // other parameters do not concern us
        const auto v = eq == std::string_view::npos ? std::nullopt : parse_side(param.substr(eq + 1));
        if (!v) throw FormatError(path, at, "bad sensor " + std::string(name_) + " in " + shown);
        (name_ == "width" ? width : height).set(path, at, *v, shown, name_ == "width" ? "width" : "height");
      }
    } else if (key == "geometry") {
      const auto x = value.find('x');
      const auto w = x == std::string::npos ? std::nullopt : parse_side(std::string_view(value).substr(0, x));
      const auto hh = x == std::string::npos ? std::nullopt : parse_side(std::string_view(value).substr(x + 1));
      if (!w || !hh) throw FormatError(path, at, "bad geometry " + shown + " (expected WIDTHxHEIGHT)");
      width.set(path, at, *w, shown, "width");
      height.set(path, at, *hh, shown, "height");
    } else if (key == "width" || key == "Width" || key == "height" || key == "Height") {
      const auto v = parse_side(value);
      if (!v) throw FormatError(path, at, "bad sensor size " + shown);
      const bool is_width = key == "width" || key == "Width";
      (is_width ? width : height).set(path, at, *v, shown, is_width ? "width" : "height");
      if (key[0] == 'W' || key[0] == 'H') dat_lines = true;
    } else if (key == "Data") {
      dat_lines = true;
    } else if (key == "Version") {
      if (value != "2") {
        throw FormatError(path, at, "unsupported DAT version " + shown + " (rockpool reads version 2)");
      }
      dat_lines = true;
    }
  }
  h.data_offset = offset;
  if (by_evt && by_format && *by_evt != *by_format) {
    throw FormatError(path, evt_at, "the header's `% evt` and `% format` lines name different encodings");
  }
  if (by_evt || by_format) {
    h.format = by_evt ? *by_evt : *by_format;
  } else if (dat_lines) {
    h.format = EventFileFormat::kDat;
  } else {
    throw FormatError(path, 0, "a Prophesee-style `% ` header with neither `% evt` / `% format` lines (RAW) nor "
                               "`% Data file` / `% Version` lines (DAT): its encoding is unknown");
  }
  for (const Side* side : {&width, &height}) {
    if (side->value && *side->value > max_side(h.format)) {
      throw FormatError(path, 0, "sensor size " + side->from + " exceeds what " + format_label(h.format) +
                                     " can address (" + std::to_string(max_side(h.format)) + " pixels a side)");
    }
  }
  h.width = width.value;
  h.height = height.value;
  return h;
}

// ---------------------------------------------------------------------------------------
// Reader

PropheseeReader::PropheseeReader(const std::string& path, const EventReaderOptions& options)
    : path_(path), header_(read_prophesee_header(path)), chunk_events_(std::max<std::size_t>(options.chunk_events, 1)) {
  in_.open(path, std::ios::binary);
  if (!in_) throw IoError(path, "cannot open for reading");
  std::error_code ec;
  file_size_ = std::filesystem::file_size(path, ec);
  if (ec) throw IoError(path, "cannot stat: " + ec.message());

  AddressMapping mapping = options.address_mapping;
  if (!mapping.width) mapping.width = header_.width;
  if (!mapping.height) mapping.height = header_.height;
  if (!mapping.width || !mapping.height) {
    throw FormatError(path, 0, "the " + format_label(header_.format) +
                                   " header gives no sensor size, which the channel numbers need: pass it "
                                   "(AddressMapping width and height; `--sensor WIDTHxHEIGHT` on the command line)");
  }
  width_ = *mapping.width;
  height_ = *mapping.height;
  const std::uint64_t per_pixel = mapping.polarity == AddressMapping::Polarity::kSplit ? 2 : 1;
  if (width_ == 0 || height_ == 0 || std::uint64_t{width_} * height_ * per_pixel > (std::uint64_t{1} << 32)) {
    throw InvalidArgument("AddressMapping", "sensor " + std::to_string(width_) + "x" + std::to_string(height_) +
                                                " gives no channels or more than 2^32");
  }

  info_.format = header_.format;
  info_.num_channels = static_cast<std::size_t>(std::uint64_t{width_} * height_ * per_pixel);
  info_.name = std::filesystem::path(path).filename().string();
  info_.source = "Prophesee " + format_label(header_.format) + " camera, " + std::to_string(width_) + "x" +
                 std::to_string(height_);
  for (const auto& [key, value] : header_.fields) {
    if ((key == "plugin_name" || key == "serial_number") && !value.empty()) info_.source += ", " + key + " " + value;
  }
  info_.file_ticks_per_second = 1'000'000;
  info_.address_mapping = mapping;
  info_.addresses = EventStreamInfo::Addresses::kCamera;

  buffer_.resize(kBlockBytes);
  offset_ = header_.data_offset;
  in_.seekg(static_cast<std::streamoff>(offset_));
  if (header_.format == EventFileFormat::kDat) {
    if (!refill(2)) fail(offset_, "the file ends before the DAT event type and size bytes");
    const unsigned type = buffer_[pos_], size = buffer_[pos_ + 1];
    if (type != kDatCd && type != kDatEvent2d) {
      fail(offset_, "DAT event type " + std::to_string(type) + " is not CD events (12, or 0 in older files)");
    }
    if (size != kDatRecordBytes) {
      fail(offset_ + 1, "DAT event size " + std::to_string(size) + " bytes (CD events are 8)");
    }
    pos_ += 2;
    offset_ += 2;
  }
  times_.reserve(chunk_events_ + 12);
  channels_.reserve(chunk_events_ + 12);
}

PropheseeReader::~PropheseeReader() = default;

void PropheseeReader::fail(std::uint64_t offset, const std::string& problem) const {
  throw FormatError(path_, offset, format_label(header_.format) + ": " + problem);
}

bool PropheseeReader::refill(std::size_t need) {
  if (end_ - pos_ >= need) return true;
  std::memmove(buffer_.data(), buffer_.data() + pos_, end_ - pos_);
  end_ -= pos_;
  pos_ = 0;
  while (end_ < need && !eof_) {
    in_.read(reinterpret_cast<char*>(buffer_.data() + end_), static_cast<std::streamsize>(buffer_.size() - end_));
    if (in_.bad()) throw IoError(path_, "read error");
    const auto n = static_cast<std::size_t>(in_.gcount());
    end_ += n;
    if (n == 0) eof_ = true;
  }
  return end_ - pos_ >= need;
}

void PropheseeReader::emit(std::uint64_t t_us, std::uint32_t x, std::uint32_t y, std::uint32_t p,
                           std::uint64_t at) {
  if (x >= width_) {
    fail(at, "event at x " + std::to_string(x) + " outside the sensor (width " + std::to_string(width_) + ")");
  }
  if (y >= height_) {
    fail(at, "event at y " + std::to_string(y) + " outside the sensor (height " + std::to_string(height_) + ")");
  }
  if (last_us_ && t_us < *last_us_) {
    fail(at, "time goes backwards: an event at " + std::to_string(t_us) + " us after one at " +
                 std::to_string(*last_us_) + " us");
  }
  if (t_us > kMaxMicroseconds) fail(at, "time " + std::to_string(t_us) + " us lies beyond the int64 tick range");
  last_us_ = t_us;
  const std::uint32_t pixel = y * width_ + x;
  Channel channel = pixel;
  switch (info_.address_mapping.polarity) {
    case AddressMapping::Polarity::kSplit: channel = pixel * 2 + p; break;
    case AddressMapping::Polarity::kMerge: break;
    case AddressMapping::Polarity::kOnOnly:
      if (p == 0) {
        ++dropped_;
        return;
      }
      break;
    case AddressMapping::Polarity::kOffOnly:
      if (p == 1) {
        ++dropped_;
        return;
      }
      break;
  }
  times_.push_back(Time::from_ticks(static_cast<std::int64_t>(t_us) * kTicksPerMicrosecond));
  channels_.push_back(channel);
}

std::optional<EventChunk> PropheseeReader::next_chunk() {
  // Drop the events handed out last time; a vector word's overshoot stays for this chunk.
  times_.erase(times_.begin(), times_.begin() + static_cast<std::ptrdiff_t>(handed_));
  channels_.erase(channels_.begin(), channels_.begin() + static_cast<std::ptrdiff_t>(handed_));
  handed_ = 0;
  if (times_.size() < chunk_events_ && !(eof_ && pos_ == end_)) {
    switch (header_.format) {
      case EventFileFormat::kEvt2: decode_evt2(); break;
      case EventFileFormat::kEvt3: decode_evt3(); break;
      default: decode_dat(); break;
    }
  }
  if (times_.empty()) return std::nullopt;
  handed_ = std::min(times_.size(), chunk_events_);
  events_ += handed_;
  return EventChunk{std::span<const Time>(times_).first(handed_), std::span<const Channel>(channels_).first(handed_),
                    {}};
}

// EVT 2.0: 32-bit little-endian words, type in bits 31-28.
void PropheseeReader::decode_evt2() {
  while (times_.size() < chunk_events_) {
    if (!refill(4)) {
      if (end_ > pos_) {
        fail(offset_, "truncated word: the file ends " + std::to_string(end_ - pos_) + " bytes into a 32-bit word");
      }
      return;
    }
    const unsigned char* b = buffer_.data() + pos_;
    const std::uint32_t w = std::uint32_t{b[0]} | std::uint32_t{b[1]} << 8 | std::uint32_t{b[2]} << 16 |
                            std::uint32_t{b[3]} << 24;
    const std::uint64_t at = offset_;
    pos_ += 4;
    offset_ += 4;
    switch (w >> 28) {
      case 0x0:    // CD_OFF
      case 0x1: {  // CD_ON
        if (!high_) {
          ++before_state_;
          break;
        }
        const std::uint64_t t = (*high_ << 6) | ((w >> 22) & 0x3F);
        emit(t, (w >> 11) & 0x7FF, w & 0x7FF, w >> 28, at);
        break;
      }
      case 0x8: {  // EVT_TIME_HIGH
        const std::uint64_t h = w & 0x0FFFFFFF;
        if (!high_) {
          high_ = h;
          break;
        }
        const std::uint64_t current = *high_ % kEvt2HighModulus, base = *high_ - current;
        if (h >= current) {
          high_ = base + h;
        } else if (h + kEvt2HighModulus - current <= kEvt2HighModulus / 2) {
          high_ = base + kEvt2HighModulus + h;  // the 34-bit microsecond counter wrapped
        } else {
          fail(at, "time goes backwards: TIME_HIGH " + hex(h, 7) + " after " + hex(current, 7) +
                       " (too far back for a wrap of the 28-bit counter)");
        }
        if (*high_ > (kMaxMicroseconds >> 6)) fail(at, "after its wraps, TIME_HIGH lies beyond the int64 tick range");
        break;
      }
      case 0xA: ++triggers_; break;  // EXT_TRIGGER
      case 0xE:                      // OTHERS
      case 0xF: break;               // CONTINUED
      default:
        fail(at, "unknown word type " + hex(w >> 28, 1) + " (word " + hex(w, 8) +
                     "; EVT 2.0 has CD 0/1, TIME_HIGH 8, EXT_TRIGGER A, OTHERS E, CONTINUED F)");
    }
  }
}

// EVT 3.0: 16-bit little-endian words, type in bits 15-12, decoded against a state (time
// base, row, vector base) that the words update.
void PropheseeReader::decode_evt3() {
  while (times_.size() < chunk_events_) {
    if (!refill(2)) {
      if (end_ > pos_) fail(offset_, "truncated word: the file ends 1 byte into a 16-bit word");
      return;
    }
    const std::uint32_t w = std::uint32_t{buffer_[pos_]} | std::uint32_t{buffer_[pos_ + 1]} << 8;
    const std::uint64_t at = offset_;
    pos_ += 2;
    offset_ += 2;
    const std::uint64_t t = high_ ? (*high_ << 12) | low_ : 0;
    switch (w >> 12) {
      case 0x0: y_ = w & 0x7FF; break;  // EVT_ADDR_Y (bit 11: master/slave, ignored)
      case 0x2:                          // EVT_ADDR_X: one event
        if (!high_ || !y_) {
          ++before_state_;
          break;
        }
        emit(t, w & 0x7FF, *y_, (w >> 11) & 1, at);
        break;
      case 0x3:  // VECT_BASE_X
        base_x_ = w & 0x7FF;
        base_p_ = (w >> 11) & 1;
        break;
      case 0x4:    // VECT_12
      case 0x5: {  // VECT_8
        const unsigned size = (w >> 12) == 0x4 ? 12 : 8;
        const std::uint32_t mask = w & ((1u << size) - 1);
        if (!high_ || !y_ || !base_x_) {
          before_state_ += static_cast<std::uint64_t>(std::popcount(mask));
          break;
        }
        for (unsigned i = 0; i < size; ++i) {
          if (!(mask & (1u << i))) continue;
          const std::uint64_t x = *base_x_ + i;
          if (x >= width_) {
            fail(at, "vector event at x " + std::to_string(x) + " outside the sensor (width " +
                         std::to_string(width_) + ")");
          }
          emit(t, static_cast<std::uint32_t>(x), *y_, base_p_, at);
        }
        // Past the sensor's edge the base can only serve as an error: keep it from growing.
        *base_x_ = std::min<std::uint32_t>(*base_x_ + size, kEvtMaxSensorSide + 12);
        break;
      }
      case 0x6: low_ = w & 0xFFF; break;  // EVT_TIME_LOW
      case 0x8: {                         // EVT_TIME_HIGH
        const std::uint64_t h = w & 0xFFF;
        if (!high_) {
          high_ = h;
          low_ = 0;
          break;
        }
        const std::uint64_t current = *high_ % kEvt3HighModulus, base = *high_ - current;
        std::uint64_t next = 0;
        if (h >= current) {
          next = base + h;
        } else if (h + kEvt3HighModulus - current <= kEvt3HighModulus / 2) {
          next = base + kEvt3HighModulus + h;  // the 24-bit time base wrapped (every 16.777216 s)
        } else {
          fail(at, "time goes backwards: TIME_HIGH " + hex(h, 3) + " after " + hex(current, 3) +
                       " (too far back for a wrap of the 24-bit time base)");
        }
        // A new period starts at its low 0 until TIME_LOW says more; a repeated TIME_HIGH
        // keeps the low bits.
        if (next != *high_) low_ = 0;
        high_ = next;
        if (next > (kMaxMicroseconds >> 12)) fail(at, "after its wraps, TIME_HIGH lies beyond the int64 tick range");
        break;
      }
      case 0x7:  // CONTINUED_4
      case 0xE:  // OTHERS
      case 0xF:  // CONTINUED_12
        break;
      case 0xA: ++triggers_; break;  // EXT_TRIGGER
      default:
        fail(at, "unknown word type " + hex(w >> 12, 1) + " (word " + hex(w, 4) +
                     "; EVT 3.0 has ADDR_Y 0, ADDR_X 2, VECT_BASE_X 3, VECT_12 4, VECT_8 5, TIME_LOW 6, "
                     "CONTINUED_4 7, TIME_HIGH 8, EXT_TRIGGER A, OTHERS E, CONTINUED_12 F)");
    }
  }
}

// DAT: 8-byte records, uint32 t_us then uint32 (x bits 0-13, y bits 14-27, p bits 28-31).
void PropheseeReader::decode_dat() {
  while (times_.size() < chunk_events_) {
    if (!refill(kDatRecordBytes)) {
      if (end_ > pos_) {
        fail(offset_, "truncated record: the file ends " + std::to_string(end_ - pos_) +
                          " bytes into an 8-byte record");
      }
      return;
    }
    const unsigned char* b = buffer_.data() + pos_;
    const std::uint32_t t = std::uint32_t{b[0]} | std::uint32_t{b[1]} << 8 | std::uint32_t{b[2]} << 16 |
                            std::uint32_t{b[3]} << 24;
    const std::uint32_t d = std::uint32_t{b[4]} | std::uint32_t{b[5]} << 8 | std::uint32_t{b[6]} << 16 |
                            std::uint32_t{b[7]} << 24;
    const std::uint64_t at = offset_;
    pos_ += kDatRecordBytes;
    offset_ += kDatRecordBytes;
    const std::uint32_t p = d >> 28;
    if (p > 1) fail(at, "polarity " + std::to_string(p) + " (0 or 1) in record " + hex(d, 8));
    emit(t, d & 0x3FFF, (d >> 14) & 0x3FFF, p, at);
  }
}

// ---------------------------------------------------------------------------------------
// Writer

PropheseeWriter::PropheseeWriter(const std::string& path, EventFileFormat format, const EventStreamInfo& info,
                                 const std::string& temp_path)
    : path_(path), temp_path_(temp_path), format_(format), mapping_(info.address_mapping),
      num_channels_(info.num_channels) {
  const std::string label = format_label(format);
  if (!mapping_.width || !mapping_.height) {
    throw UsageError("writing " + label + " needs the sensor size, to turn channels into pixels: give it "
                     "(AddressMapping width and height; `--sensor WIDTHxHEIGHT` on the command line)");
  }
  width_ = *mapping_.width;
  height_ = *mapping_.height;
  if (width_ == 0 || height_ == 0 || width_ > max_side(format) || height_ > max_side(format)) {
    throw InvalidArgument("AddressMapping", "sensor " + std::to_string(width_) + "x" + std::to_string(height_) +
                                                ": " + label + " addresses 1 to " + std::to_string(max_side(format)) +
                                                " pixels a side");
  }
  if (info.has_values) {
    throw UsageError(label + " files hold no event values: convert events without values");
  }
  out_.open(temp_path_, std::ios::binary | std::ios::trunc);
  if (!out_) throw IoError(temp_path_, "cannot open for writing");
  const std::string w = std::to_string(width_), h = std::to_string(height_);
  std::string header;
  if (format == EventFileFormat::kDat) {
    header = "% Data file containing CD events\n% Version 2\n% Width " + w + "\n% Height " + h + "\n";
    header += static_cast<char>(kDatCd);
    header += static_cast<char>(kDatRecordBytes);
  } else {
    // What Metavision needs to open the file: the encoding, the geometry, the integrator
    // and a system ID it knows (21: a Gen3 EVT 2.0 camera; 49: an EVK4, EVT 3.0). No date,
    // so that the same events give the same bytes.
    const bool evt2 = format == EventFileFormat::kEvt2;
    header = std::string(evt2 ? "% evt 2.0\n% format EVT2" : "% evt 3.0\n% format EVT3") + ";height=" + h +
             ";width=" + w + "\n% geometry " + w + "x" + h + "\n% integrator_name Prophesee\n% system_ID " +
             (evt2 ? "21" : "49") + "\n% end\n";
  }
  out_.write(header.data(), static_cast<std::streamsize>(header.size()));
  if (!out_) throw IoError(temp_path_, "write failed");
}

PropheseeWriter::~PropheseeWriter() {
  if (closed_) return;
  out_.close();
  std::error_code ignored;
  std::filesystem::remove(temp_path_, ignored);
}

double PropheseeWriter::max_rounding_seconds() const {
  return static_cast<double>(max_rounding_ticks_) / static_cast<double>(kTicksPerSecond);
}

void PropheseeWriter::put16(std::uint16_t word) {
  pending_.push_back(static_cast<char>(word & 0xFF));
  pending_.push_back(static_cast<char>(word >> 8));
}

void PropheseeWriter::put32(std::uint32_t word) {
  for (int k = 0; k < 4; ++k) pending_.push_back(static_cast<char>((word >> (8 * k)) & 0xFF));
}

// Brings the decoder's TIME_HIGH counter (with its wraps) to `target` in steps of at most
// `step`, so that every wrap shows as a small step back (see the reader).
void PropheseeWriter::advance_time_high(std::uint64_t target, std::uint64_t step, std::uint64_t modulus,
                                        unsigned shift) {
  const auto put = [&](std::uint64_t high) {
    const std::uint64_t word = (std::uint64_t{0x8} << shift) | (high % modulus);
    if (shift == 28) {
      put32(static_cast<std::uint32_t>(word));
    } else {
      put16(static_cast<std::uint16_t>(word));
    }
  };
  if (!high_) {
    high_ = target <= step ? target : 0;  // the decoder's first TIME_HIGH counts no wraps
    put(*high_);
  }
  while (target - *high_ > step) {
    *high_ += step;
    put(*high_);
  }
  if (target != *high_) {
    high_ = target;
    put(target);
  }
}

void PropheseeWriter::encode(std::uint64_t t_us, std::uint32_t x, std::uint32_t y, std::uint32_t p) {
  switch (format_) {
    case EventFileFormat::kEvt2:
      // TIME_HIGH = t >> 6 whenever it changes; CD word = p<<28 | (t & 63)<<22 | x<<11 | y.
      advance_time_high(t_us >> 6, kEvt2HighModulus / 4, kEvt2HighModulus, 28);
      put32(static_cast<std::uint32_t>((std::uint64_t{p} << 28) | ((t_us & 0x3F) << 22) | (x << 11) | y));
      break;
    case EventFileFormat::kEvt3: {
      // TIME_HIGH (t >> 12) and TIME_LOW (t & 4095) when they change, ADDR_Y when the row
      // changes, then one ADDR_X per event (no vectors).
      const std::uint64_t high = t_us >> 12, low = t_us & 0xFFF;
      if (!high_ || *high_ != high) {
        advance_time_high(high, kEvt3HighModulus / 4, kEvt3HighModulus, 12);
        low_.reset();  // the decoder now stands at low 0; say the low bits explicitly
      }
      if (!low_ || *low_ != low) {
        put16(static_cast<std::uint16_t>(0x6000 | low));
        low_ = low;
      }
      if (!y_ || *y_ != y) {
        put16(static_cast<std::uint16_t>(0x0000 | y));
        y_ = y;
      }
      put16(static_cast<std::uint16_t>(0x2000 | (p << 11) | x));
      break;
    }
    default:
      put32(static_cast<std::uint32_t>(t_us));
      put32(x | (y << 14) | (p << 28));
      break;
  }
}

void PropheseeWriter::append(std::span<const Time> times, std::span<const Channel> channels,
                             std::span<const double> values) {
  const std::string where = "PropheseeWriter::append";
  if (closed_) throw InvalidArgument(where, "the file is closed");
  if (channels.size() != times.size() || !values.empty()) {
    throw DimensionMismatch(where, std::to_string(times.size()) + " times, " + std::to_string(channels.size()) +
                                       " channels and " + std::to_string(values.size()) +
                                       " values (camera files hold no values)");
  }
  const bool split = mapping_.polarity == AddressMapping::Polarity::kSplit;
  const std::uint64_t sensor_channels = std::uint64_t{width_} * height_ * (split ? 2 : 1);
  std::optional<Time> previous = last_;
  for (std::size_t k = 0; k < times.size(); ++k) {
    const auto event = [&] { return "event " + std::to_string(events_ + k) + ": "; };
    if (previous && times[k] < *previous) {
      throw InvalidArgument(where, event() + "time " + format_seconds(times[k]) + " s precedes the previous event");
    }
    previous = times[k];
    if (times[k] < Time::zero()) {
      throw OutOfRange(where, event() + "time " + format_seconds(times[k]) +
                                  " s is negative (camera files count microseconds from 0)");
    }
    if (format_ == EventFileFormat::kDat && times[k].ticks() >= (std::int64_t{1} << 32) * kTicksPerMicrosecond -
                                                                   kTicksPerMicrosecond / 2) {
      throw OutOfRange(where, event() + "time " + format_seconds(times[k]) +
                                  " s is beyond DAT's 32-bit microseconds (4294.967295 s)");
    }
    if (num_channels_ != 0 && channels[k] >= num_channels_) {
      throw OutOfRange(where, event() + "channel " + std::to_string(channels[k]) + " >= channel count " +
                                  std::to_string(num_channels_));
    }
    if (channels[k] >= sensor_channels) {
      throw OutOfRange(where, event() + "channel " + std::to_string(channels[k]) + " lies beyond the " +
                                  std::to_string(width_) + "x" + std::to_string(height_) + " sensor (" +
                                  std::to_string(sensor_channels) + " channels)");
    }
  }
  pending_.clear();
  for (std::size_t k = 0; k < times.size(); ++k) {
    // Nearest microsecond, ties to even: monotone, so the order survives.
    const std::int64_t ticks = times[k].ticks();
    std::uint64_t t_us = static_cast<std::uint64_t>(ticks / kTicksPerMicrosecond);
    const std::int64_t rest = ticks % kTicksPerMicrosecond;
    if (rest > kTicksPerMicrosecond / 2 || (rest == kTicksPerMicrosecond / 2 && (t_us & 1))) ++t_us;
    max_rounding_ticks_ = std::max(max_rounding_ticks_, std::min(rest, kTicksPerMicrosecond - rest));
    const Channel c = channels[k];
    std::uint32_t pixel = c, p = 1;
    switch (mapping_.polarity) {
      case AddressMapping::Polarity::kSplit:
        pixel = c / 2;
        p = c % 2;
        break;
      case AddressMapping::Polarity::kMerge:
      case AddressMapping::Polarity::kOnOnly: p = 1; break;
      case AddressMapping::Polarity::kOffOnly: p = 0; break;
    }
    encode(t_us, pixel % width_, pixel / width_, p);
  }
  out_.write(pending_.data(), static_cast<std::streamsize>(pending_.size()));
  if (!out_) throw IoError(temp_path_, "write failed");
  events_ += times.size();
  last_ = previous;
}

void PropheseeWriter::close(std::optional<Time> t_stop) {
  if (closed_) return;
  if (t_stop && last_ && *t_stop < *last_) {
    throw InvalidArgument("PropheseeWriter::close", "t_stop precedes the last event");
  }
  out_.flush();
  if (!out_) throw IoError(temp_path_, "write failed");
  out_.close();
  rename_into_place(temp_path_, path_);
  closed_ = true;
}

// ---------------------------------------------------------------------------------------
// The format table's rows

namespace {

bool sniff_as(std::string_view head, const std::string& path, EventFileFormat format) {
  return looks_like_prophesee(head) && read_prophesee_header(path).format == format;
}
bool sniff_evt2(std::string_view head, const std::string& path) { return sniff_as(head, path, EventFileFormat::kEvt2); }
bool sniff_evt3(std::string_view head, const std::string& path) { return sniff_as(head, path, EventFileFormat::kEvt3); }
bool sniff_dat(std::string_view head, const std::string& path) { return sniff_as(head, path, EventFileFormat::kDat); }

std::unique_ptr<EventWriter> create_evt2(const std::string& path, const EventStreamInfo& info, const std::string& tmp) {
  return std::make_unique<PropheseeWriter>(path, EventFileFormat::kEvt2, info, tmp);
}
std::unique_ptr<EventWriter> create_evt3(const std::string& path, const EventStreamInfo& info, const std::string& tmp) {
  return std::make_unique<PropheseeWriter>(path, EventFileFormat::kEvt3, info, tmp);
}
std::unique_ptr<EventWriter> create_dat(const std::string& path, const EventStreamInfo& info, const std::string& tmp) {
  return std::make_unique<PropheseeWriter>(path, EventFileFormat::kDat, info, tmp);
}

}  // namespace

// `.raw` goes to EVT 3.0, the encoding of current Prophesee cameras; EVT 2.0 is asked for
// by name (`--to evt2`).
const EventFormat& evt2_event_format() {
  static const EventFormat f{EventFileFormat::kEvt2, "evt2", "evt2.0", "", sniff_evt2, open_as<PropheseeReader>, create_evt2};
  return f;
}

const EventFormat& evt3_event_format() {
  static const EventFormat f{EventFileFormat::kEvt3, "evt3", "evt3.0 raw", ".raw", sniff_evt3, open_as<PropheseeReader>,
                             create_evt3};
  return f;
}

const EventFormat& dat_event_format() {
  static const EventFormat f{EventFileFormat::kDat, "dat", "", ".dat", sniff_dat, open_as<PropheseeReader>, create_dat};
  return f;
}

}  // namespace rockpool
