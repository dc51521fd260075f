#include "io/text_events.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <vector>


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

TSEvent read_text_events(const std::string& path, TextEventInfo* info) {
  std::ifstream in(path);
  if (!in) throw IoError(path, "cannot open for reading");
  TextEventInfo local;
  TextEventInfo& meta = info ? *info : local;
  meta = {};
  std::vector<Time> times;
  std::vector<Channel> channels;
  std::vector<double> values;
  std::string line;
  std::size_t columns = 0;
  bool header_seen = false;
  while (std::getline(in, line)) {
    ++meta.lines;
    const std::string_view text = trim(line);
    if (text.empty() || text.front() == '#') continue;
    const std::vector<std::string_view> fields = split_fields(text);
    const std::string_view name = fields[0].substr(0, fields[0].find('['));
    if (!header_seen && times.empty() && (name == "t" || name == "time")) {
      header_seen = true;
      meta.time_unit = unit_of_time_column(fields[0]);
      if (fields.size() < 2 || fields.size() > 3) {
        throw FormatError(path, meta.lines, "header must be t[unit],channel[,value]");
      }
      columns = fields.size();
      try {
        (void)parse_duration("1" + meta.time_unit, "time unit");
      } catch (const InvalidArgument&) {
        throw FormatError(path, meta.lines, "unknown time unit '" + meta.time_unit + "' (use s, ms, us, ns, tick)");
      }
      continue;
    }
    if (columns == 0) columns = fields.size();
    if (fields.size() != columns || columns < 2 || columns > 3) {
      throw FormatError(path, meta.lines, "expected " + std::to_string(columns < 2 ? 2 : columns) +
                                               " comma-separated fields, found " + std::to_string(fields.size()));
    }
    Duration t;
    try {
      t = parse_duration(std::string(fields[0]) + meta.time_unit, "time");
    } catch (const Error&) {
      throw FormatError(path, meta.lines, "bad time '" + std::string(fields[0]) + "'");
    }
    const Time time = Time::zero() + t;
    if (!times.empty() && time < times.back()) {
      throw FormatError(path, meta.lines, "time " + std::string(fields[0]) + " goes backwards (previous event at " +
                                               format_seconds(times.back()) + " s)");
    }
    std::uint64_t channel = 0;
    const auto ch = std::from_chars(fields[1].data(), fields[1].data() + fields[1].size(), channel);
    if (ch.ec != std::errc() || ch.ptr != fields[1].data() + fields[1].size() || channel > UINT32_MAX) {
      throw FormatError(path, meta.lines, "bad channel '" + std::string(fields[1]) + "' (a non-negative integer)");
    }
    times.push_back(time);
    channels.push_back(static_cast<Channel>(channel));
    if (columns == 3) {
      double v = 0;
      const auto r = std::from_chars(fields[2].data(), fields[2].data() + fields[2].size(), v);
      if (r.ec != std::errc() || r.ptr != fields[2].data() + fields[2].size() || !std::isfinite(v)) {
        throw FormatError(path, meta.lines, "bad value '" + std::string(fields[2]) + "' (a finite number)");
      }
      values.push_back(v);
    }
  }
  if (in.bad()) throw IoError(path, "read error");
  meta.has_values = columns == 3;
  TSEvent::Options options;
  options.name = std::filesystem::path(path).filename().string();
  if (meta.has_values) return TSEvent(std::move(times), std::move(channels), std::move(values), options);
  return TSEvent(std::move(times), std::move(channels), options);
}

void write_text_events(const std::string& path, const TSEvent& events) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) throw IoError(tmp, "cannot open for writing");
    const bool with_values = !events.values().empty();
    // Nanoseconds with up to 9 decimals hold any tick exactly (1 tick = 0.111... ns is not
    // a finite decimal, so write ticks instead when a time is not a whole nanosecond).
    bool whole_ns = true;
    for (Time t : events.times()) whole_ns = whole_ns && t.ticks() % kTicksPerNanosecond == 0;
    out << (whole_ns ? "t[ns],channel" : "t[tick],channel") << (with_values ? ",value\n" : "\n");
    char buffer[64];
    for (std::size_t k = 0; k < events.size(); ++k) {
      const std::int64_t ticks = events.times()[k].ticks();
      out << (whole_ns ? ticks / kTicksPerNanosecond : ticks) << ',' << events.channels()[k];
      if (with_values) {
        const auto r = std::to_chars(buffer, buffer + sizeof buffer, events.values()[k]);
        out << ',' << std::string_view(buffer, r.ptr - buffer);
      }
      out << '\n';
    }
    out.flush();
    if (!out) throw IoError(tmp, "write failed");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw IoError(path, "cannot rename " + tmp + ": " + ec.message());
}

}  // namespace rockpool
