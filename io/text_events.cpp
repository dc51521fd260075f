#include "io/text_events.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string_view>
#include <vector>

#include "engine/error.hpp"

namespace rockpool {
namespace {

// "t[ms]" -> "ms"; "t" -> "s".
std::string unit_of_time_column(std::string_view column) {
  const auto open = column.find('[');
  if (open == std::string_view::npos) return "s";
  const auto close = column.find(']', open);
  if (close == std::string_view::npos) return "";
  return std::string(column.substr(open + 1, close - open - 1));
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split_fields(std::string_view s) {
  std::vector<std::string_view> fields;
  for (std::size_t start = 0;;) {
    const auto comma = s.find(',', start);
    fields.push_back(trim(s.substr(start, comma == std::string_view::npos ? s.npos : comma - start)));
    if (comma == std::string_view::npos) return fields;
    start = comma + 1;
  }
}


}  // namespace

TextEventReader::TextEventReader(const std::string& path, std::size_t chunk_events)
    : path_(path), in_(path, std::ios::binary), chunk_events_(std::max<std::size_t>(chunk_events, 1)) {
  if (!in_) throw IoError(path, "cannot open for reading");
  std::error_code ec;
  file_size_ = std::filesystem::file_size(path, ec);
  if (ec) file_size_ = 0;
  fill();
  pending_ = true;
}

void TextEventReader::fill() {
  times_.clear();
  channels_.clear();
  values_.clear();
  while (times_.size() < chunk_events_ && !eof_) {
    if (!std::getline(in_, line_)) {
      eof_ = true;
      break;
    }
    bytes_ += line_.size() + 1;
    ++info_.lines;
    const std::string_view text = trim(line_);
    if (text.empty() || text.front() == '#') continue;
    const std::vector<std::string_view> fields = split_fields(text);
    const std::string_view name = fields[0].substr(0, fields[0].find('['));
    if (!header_seen_ && !last_ && times_.empty() && (name == "t" || name == "time")) {
      header_seen_ = true;
      info_.time_unit = unit_of_time_column(fields[0]);
      if (fields.size() < 2 || fields.size() > 3) {
        throw FormatError(path_, info_.lines, "header must be t[unit],channel[,value]");
      }
      columns_ = fields.size();
      try {
        (void)parse_duration("1" + info_.time_unit, "time unit");
      } catch (const InvalidArgument&) {
        throw FormatError(path_, info_.lines, "unknown time unit '" + info_.time_unit + "' (use s, ms, us, ns, tick)");
      }
      continue;
    }
    if (columns_ == 0) columns_ = fields.size();
    if (fields.size() != columns_ || columns_ < 2 || columns_ > 3) {
      throw FormatError(path_, info_.lines, "expected " + std::to_string(columns_ < 2 ? 2 : columns_) +
                                                " comma-separated fields, found " + std::to_string(fields.size()));
    }
    Duration t;
    try {
      t = parse_duration(std::string(fields[0]) + info_.time_unit, "time");
    } catch (const Error&) {
      throw FormatError(path_, info_.lines, "bad time '" + std::string(fields[0]) + "'");
    }
    const Time time = Time::zero() + t;
    if (last_ && time < *last_) {
      throw FormatError(path_, info_.lines, "time " + std::string(fields[0]) + " goes backwards (previous event at " +
                                                format_seconds(*last_) + " s)");
    }
    // How far the decimal was rounded to the tick (in double precision: a report, not a
    // computation anything depends on).
    double decimal = 0;
    if (std::from_chars(fields[0].data(), fields[0].data() + fields[0].size(), decimal).ec == std::errc()) {
      const double unit = static_cast<double>(parse_duration("1" + info_.time_unit).ticks()) /
                          static_cast<double>(kTicksPerSecond);
      const double exact = decimal * unit;
      const double error = std::abs(exact - to_seconds(time));
      // Below a few ulps of the time itself the difference is the double arithmetic's.
      if (error > 4 * std::numeric_limits<double>::epsilon() * std::abs(exact)) {
        max_rounding_ = std::max(max_rounding_, error);
      }
    }
    std::uint64_t channel = 0;
    const auto ch = std::from_chars(fields[1].data(), fields[1].data() + fields[1].size(), channel);
    if (ch.ec != std::errc() || ch.ptr != fields[1].data() + fields[1].size() || channel > UINT32_MAX) {
      throw FormatError(path_, info_.lines, "bad channel '" + std::string(fields[1]) + "' (a non-negative integer)");
    }
    times_.push_back(time);
    last_ = time;
    channels_.push_back(static_cast<Channel>(channel));
    if (columns_ == 3) {
      double v = 0;
      const auto r = std::from_chars(fields[2].data(), fields[2].data() + fields[2].size(), v);
      if (r.ec != std::errc() || r.ptr != fields[2].data() + fields[2].size() || !std::isfinite(v)) {
        throw FormatError(path_, info_.lines, "bad value '" + std::string(fields[2]) + "' (a finite number)");
      }
      values_.push_back(v);
    }
  }
  if (in_.bad()) throw IoError(path_, "read error");
  info_.has_values = columns_ == 3;
}

std::optional<EventChunk> TextEventReader::next_chunk() {
  if (!pending_) fill();
  pending_ = false;
  if (times_.empty()) return std::nullopt;
  events_ += times_.size();
  return EventChunk{times_, channels_, values_};
}

TSEvent read_text_events(const std::string& path, TextEventInfo* info) {
  TextEventReader reader(path);
  EventColumns all = EventColumns::drain(reader);
  if (info) *info = reader.info();
  TSEvent::Options options;
  options.name = std::filesystem::path(path).filename().string();
  if (reader.info().has_values) return TSEvent(std::move(all.times), std::move(all.channels), std::move(all.values), options);
  return TSEvent(std::move(all.times), std::move(all.channels), options);
}

namespace {

// A tick time as nanoseconds: whole, or with the four decimals of its ninths
// (1/9 ns = .1111, ..., 8/9 ns = .8889), each within 0.0001 ns of the tick and so read
// back (rounded to the nearest tick) as the same tick.
void append_nanoseconds(std::string& out, std::int64_t ticks) {
  static constexpr std::string_view kNinths[] = {"", ".1111", ".2222", ".3333", ".4444",
                                                 ".5556", ".6667", ".7778", ".8889"};
  const bool negative = ticks < 0;
  // |ticks| without overflow for INT64_MIN: work on the unsigned magnitude.
  const std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(ticks) : static_cast<std::uint64_t>(ticks);
  if (negative) out += '-';
  out += std::to_string(magnitude / kTicksPerNanosecond);
  out += kNinths[magnitude % kTicksPerNanosecond];
}

}  // namespace

TextEventWriter::TextEventWriter(std::string path, std::string temp_path, bool has_values)
    : path_(std::move(path)), temp_path_(std::move(temp_path)), has_values_(has_values) {
  out_.open(temp_path_, std::ios::binary | std::ios::trunc);
  if (!out_) throw IoError(temp_path_, "cannot open for writing");
  out_ << (has_values_ ? "t[ns],channel,value\n" : "t[ns],channel\n");
}

TextEventWriter::~TextEventWriter() {
  if (closed_) return;
  out_.close();
  std::error_code ignored;
  std::filesystem::remove(temp_path_, ignored);
}

void TextEventWriter::append(std::span<const Time> times, std::span<const Channel> channels,
                             std::span<const double> values) {
  if (closed_) throw InvalidArgument("TextEventWriter::append", "the file is closed");
  if (channels.size() != times.size() || values.size() != (has_values_ ? times.size() : 0)) {
    throw DimensionMismatch("TextEventWriter::append", std::to_string(times.size()) + " times, " +
                                                           std::to_string(channels.size()) + " channels and " +
                                                           std::to_string(values.size()) + " values" +
                                                           (has_values_ ? "" : " (this file has no values)"));
  }
  std::optional<Time> previous = last_;
  for (std::size_t k = 0; k < times.size(); ++k) {
    if (previous && times[k] < *previous) {
      throw InvalidArgument("TextEventWriter::append", "event " + std::to_string(events_ + k) + ": time " +
                                                           format_seconds(times[k]) + " s precedes the previous event");
    }
    previous = times[k];
    if (has_values_ && !std::isfinite(values[k])) {
      throw InvalidArgument("TextEventWriter::append", "event " + std::to_string(events_ + k) + ": value is not finite");
    }
  }
  std::string text;
  char buffer[64];
  for (std::size_t k = 0; k < times.size(); ++k) {
    append_nanoseconds(text, times[k].ticks());
    text += ',';
    text += std::to_string(channels[k]);
    if (has_values_) {
      const auto r = std::to_chars(buffer, buffer + sizeof buffer, values[k]);
      text += ',';
      text.append(buffer, r.ptr);
    }
    text += '\n';
  }
  out_.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out_) throw IoError(temp_path_, "write failed");
  events_ += times.size();
  last_ = previous;
}

void TextEventWriter::close() {
  if (closed_) return;
  out_.flush();
  if (!out_) throw IoError(temp_path_, "write failed");
  out_.close();
  std::error_code ec;
  std::filesystem::rename(temp_path_, path_, ec);
  if (ec) throw IoError(path_, "cannot rename " + temp_path_ + " to it: " + ec.message());
  closed_ = true;
}

void write_text_events(const std::string& path, const TSEvent& events) {
  TextEventWriter writer(path, path + ".tmp", !events.values().empty());
  writer.append(events.times(), events.channels(), events.values());
  writer.close();
}

}  // namespace rockpool
