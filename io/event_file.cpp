#include "io/event_file.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>

#include "io/native_log.hpp"
#include "io/npz.hpp"
#include "io/text_events.hpp"

namespace rockpool {
namespace {

constexpr std::size_t kSniffBytes = 4096;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Magic numbers of formats we know but cannot read yet, so that they are refused by name
// instead of failing somewhere in the text reader ('#' lines are comments there).
struct ForeignMagic {
  std::string_view magic;
  std::string_view name;
};
constexpr ForeignMagic kForeign[] = {
    {"#!AER-DAT", "AEDAT (jAER/cAER/DV)"},
    {"\x93NUMPY", "numpy .npy"},
    {"\x89HDF\r\n\x1a\n", "HDF5 (NIR, SHD, NWB)"},
    {"% evt ", "Prophesee RAW"},
    {"% format ", "Prophesee RAW"},
    {"% Data file", "Prophesee DAT"},
};

// A temporary name next to `out` that no file has: `out.tmp-<pid>-<n>`. (Not mkstemp: its
// files are mode 0600, and the renamed output should get the usual umask permissions.)
std::string make_temp_next_to(const std::string& out) {
  for (unsigned n = 0;; ++n) {
    std::string name = out + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(n);
    std::error_code ec;
    if (!std::filesystem::exists(name, ec) && !ec) return name;
    if (n > 1000) throw IoError(out, "cannot find a free temporary file name next to it");
  }
}

}  // namespace

std::string_view format_name(EventFileFormat format) {
  switch (format) {
    case EventFileFormat::kNative:
      return "native";
    case EventFileFormat::kText:
      return "text";
    case EventFileFormat::kNpz:
      return "npz";
  }
  return "unknown";
}

std::optional<EventFileFormat> parse_format_name(std::string_view name) {
  const std::string n = lower(name);
  if (n == "native" || n == "rpl") return EventFileFormat::kNative;
  if (n == "text" || n == "csv") return EventFileFormat::kText;
  return std::nullopt;
}

std::optional<EventFileFormat> format_from_extension(std::string_view path) {
  const std::string ext = lower(std::filesystem::path(path).extension().string());
  if (ext == ".rpl") return EventFileFormat::kNative;
  if (ext == ".csv" || ext == ".txt") return EventFileFormat::kText;
  return std::nullopt;
}

EventFileFormat detect_format(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path, "cannot open for reading");
  std::string head(kSniffBytes, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  if (in.bad()) throw IoError(path, "read error");
  head.resize(static_cast<std::size_t>(in.gcount()));
  if (head.empty()) return EventFileFormat::kText;  // an empty text file: no events
  // A native log, or the first bytes of one cut off inside its magic.
  if (starts_with(head, kNativeLogMagic) || (head.size() < kNativeLogMagic.size() && starts_with(kNativeLogMagic, head))) {
    return EventFileFormat::kNative;
  }
  // A ZIP (a local header, or the end record of an empty archive): numpy's .npz. Only one
  // whose members look like a Rockpool time series is ours; that needs its central
  // directory, at the end of the file, beyond the sniffed bytes.
  if (starts_with(head, std::string_view("PK\x03\x04", 4)) || starts_with(head, std::string_view("PK\x05\x06", 4))) {
    if (probe_npz(path)) return EventFileFormat::kNpz;
    std::string members;
    for (const std::string& m : npz_member_names(path)) {
      if (members.size() > 200) {
        members += ", ...";
        break;
      }
      members += (members.empty() ? "" : ", ") + m;
    }
    throw FormatError(path, 0,
                      "a ZIP archive (numpy .npz) that is not a Rockpool time series: it lacks times.npy and a "
                      "type_TSEvent.npy / type_TSContinuous.npy member (members: " +
                          (members.empty() ? std::string("none") : members) + ")");
  }
  for (const ForeignMagic& f : kForeign) {
    if (starts_with(head, f.magic)) {
      throw FormatError(path, 0, "looks like " + std::string(f.name) + ", which rockpool cannot read yet");
    }
  }
  // Text: no control bytes other than tab, line feed, carriage return (UTF-8 is fine).
  for (std::size_t k = 0; k < head.size(); ++k) {
    const auto c = static_cast<unsigned char>(head[k]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
      throw FormatError(path, k, "not a known event file: binary content (rockpool reads native logs and text)");
    }
  }
  return EventFileFormat::kText;
}

TSEvent read_events(const std::string& path) {
  switch (detect_format(path)) {
    case EventFileFormat::kNative:
      return read_native_log(path);
    case EventFileFormat::kText:
      return read_text_events(path);
    case EventFileFormat::kNpz:
      return read_npz_events(path);
  }
  return {};
}

void write_events(const std::string& path, const TSEvent& events, EventFileFormat format) {
  switch (format) {
    case EventFileFormat::kNative:
      write_native_log(path, events);
      return;
    case EventFileFormat::kText:
      write_text_events(path, events);
      return;
    case EventFileFormat::kNpz:
      write_npz_events(path, events);
      return;
  }
}

ConversionResult convert_events(const std::string& in, const std::string& out, EventFileFormat to) {
  ConversionResult result;
  result.from = detect_format(in);
  const std::string tmp = make_temp_next_to(out);
  const std::string source = "converted from " + std::filesystem::path(in).filename().string() + " (" +
                             std::string(format_name(result.from)) + ")";
  try {
    if (result.from == EventFileFormat::kNative && to == EventFileFormat::kNative) {
      NativeLogReader reader(in);
      const NativeLogHeader& h = reader.header();
      NativeLogOptions options;
      options.num_channels = h.num_channels;
      options.has_values = h.has_values;
      options.t_start = h.t_start;
      options.name = h.name;
      options.source = h.source.empty() ? source : h.source;
      options.channel_names = h.channel_names;
      options.time_unit = h.time_unit.empty() ? "s" : h.time_unit;
      options.temp_path = tmp;
      NativeLogWriter writer(out, std::move(options));
      while (auto chunk = reader.next_chunk()) writer.append(chunk->times, chunk->channels, chunk->values);
      result.events = reader.events_read();
      result.input_truncated = reader.truncated();
      writer.close(reader.t_stop());
    } else {
      NativeLogStatus status;
      const TSEvent events = result.from == EventFileFormat::kNative ? read_native_log(in, &status)
                             : result.from == EventFileFormat::kNpz  ? read_npz_events(in)
                                                                     : read_text_events(in);
      result.events = events.size();
      result.input_truncated = status.truncated;
      if (to == EventFileFormat::kNative) {
        NativeLogOptions options;
        options.source = status.header.source.empty() ? source : status.header.source;
        options.channel_names = status.header.channel_names;
        options.temp_path = tmp;
        write_native_log(out, events, std::move(options));
      } else {
        if (to == EventFileFormat::kNpz) {
          write_npz_events(tmp, events);
        } else {
          write_text_events(tmp, events);
        }
        std::error_code ec;
        std::filesystem::rename(tmp, out, ec);
        if (ec) throw IoError(out, "cannot rename " + tmp + ": " + ec.message());
      }
    }
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    std::filesystem::remove(tmp + ".tmp", ignored);
    throw;
  }
  return result;
}

}  // namespace rockpool
