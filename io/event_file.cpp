#include "io/event_file.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>

#include "io/event_formats.hpp"
#include "io/event_stream.hpp"

namespace rockpool {
namespace {

constexpr std::size_t kSniffBytes = 4096;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// True when `word` is one of the space-separated words of `list`.
bool listed(std::string_view list, std::string_view word) {
  while (!list.empty()) {
    const auto space = list.find(' ');
    if (list.substr(0, space) == word) return true;
    if (space == std::string_view::npos) break;
    list.remove_prefix(space + 1);
  }
  return false;
}

// Magic numbers of formats we recognise but do not read, so that they are refused by name
// instead of failing somewhere in the text reader ('#' and '%' lines look like comments).
struct ForeignMagic {
  std::string_view magic;
  std::string_view name;
};
constexpr ForeignMagic kForeign[] = {
    {"\x93NUMPY", "numpy .npy"},
    {"\x89HDF\r\n\x1a\n", "HDF5 (NIR, SHD, NWB)"},
};

// The format table, in sniffing order; text (no magic) last. A new format adds its row.
const EventFormat* const kFormats[] = {
    &native_event_format(),
    &npz_event_format(),
    &evt2_event_format(),
    &evt3_event_format(),
    &dat_event_format(),
    &aedat2_event_format(),
    &aedat3_event_format(),
    &aedat4_event_format(),
    &text_event_format(),
};

}  // namespace

std::span<const EventFormat* const> event_formats() { return kFormats; }

const EventFormat& event_format(EventFileFormat format) {
  for (const EventFormat* f : kFormats) {
    if (f->format == format) return *f;
  }
  throw UsageError("the event file format #" + std::to_string(static_cast<int>(format)) +
                   " is not available in this build");
}

std::string make_temp_next_to(const std::string& path) {
  for (unsigned n = 0;; ++n) {
    std::string name = path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(n);
    std::error_code ec;
    if (!std::filesystem::exists(name, ec) && !ec) return name;
    if (n > 1000) throw IoError(path, "cannot find a free temporary file name next to it");
  }
}

void rename_into_place(const std::string& tmp, const std::string& path) {
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw IoError(path, "cannot rename " + tmp + " to it: " + ec.message());
}

std::string_view format_name(EventFileFormat format) {
  for (const EventFormat* f : kFormats) {
    if (f->format == format) return f->name;
  }
  return "unknown";
}

std::optional<EventFileFormat> parse_format_name(std::string_view name) {
  const std::string n = lower(name);
  for (const EventFormat* f : kFormats) {
    if (n == f->name || listed(f->aliases, n)) return f->format;
  }
  return std::nullopt;
}

std::optional<EventFileFormat> format_from_extension(std::string_view path) {
  const std::string ext = lower(std::filesystem::path(path).extension().string());
  if (ext.empty()) return std::nullopt;
  for (const EventFormat* f : kFormats) {
    if (listed(f->extensions, ext)) return f->format;
  }
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
  for (const EventFormat* f : kFormats) {
    if (f->format != EventFileFormat::kText && f->sniff && f->sniff(head, path)) return f->format;
  }
  for (const ForeignMagic& f : kForeign) {
    if (starts_with(head, f.magic)) {
      throw FormatError(path, 0, "looks like " + std::string(f.name) + ", which rockpool cannot read yet");
    }
  }
  if (text_event_format().sniff(head, path)) return EventFileFormat::kText;
  for (std::size_t k = 0; k < head.size(); ++k) {
    const auto c = static_cast<unsigned char>(head[k]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
      throw FormatError(path, k, "not a known event file: binary content (formats: see `rockpool convert --help`)");
    }
  }
  return EventFileFormat::kText;
}

std::unique_ptr<EventReader> open_event_reader(const std::string& path, const EventReaderOptions& options) {
  const EventFormat& f = event_format(detect_format(path));
  if (!f.open) throw FormatError(path, 0, "rockpool cannot read " + std::string(f.name) + " files");
  return f.open(path, options);
}

std::unique_ptr<EventWriter> create_event_writer(const std::string& path, EventFileFormat format,
                                                 const EventStreamInfo& info) {
  const EventFormat& f = event_format(format);
  if (!f.create) throw UsageError("rockpool cannot write " + std::string(f.name) + " files");
  // A native log keeps the documented `path.tmp`, where a crashed run's log is found.
  const std::string tmp = format == EventFileFormat::kNative ? path + ".tmp" : make_temp_next_to(path);
  return f.create(path, info, tmp);
}

TSEvent read_all(EventReader& reader) {
  EventColumns all = EventColumns::drain(reader);
  const EventStreamInfo& info = reader.info();
  TSEvent::Options options;
  if (info.num_channels > 0) options.num_channels = info.num_channels;
  options.t_start = info.t_start;
  options.t_stop = reader.t_stop();
  options.name = info.name;
  if (info.has_values) return TSEvent(std::move(all.times), std::move(all.channels), std::move(all.values), options);
  return TSEvent(std::move(all.times), std::move(all.channels), options);
}

TSEvent read_events(const std::string& path) {
  auto reader = open_event_reader(path);
  return read_all(*reader);
}

void write_events(const std::string& path, const TSEvent& events, EventFileFormat format) {
  EventStreamInfo info;
  info.format = format;
  info.num_channels = events.num_channels();
  info.has_values = !events.values().empty();
  info.t_start = events.t_start();
  info.name = events.name();
  const EventFormat& f = event_format(format);
  if (!f.create) throw UsageError("rockpool cannot write " + std::string(f.name) + " files");
  const std::string tmp = make_temp_next_to(path);
  try {
    auto writer = f.create(path, info, tmp);
    writer->append(events.times(), events.channels(), events.values());
    writer->close(events.t_stop());
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    throw;
  }
}

ConversionResult convert_events(const std::string& in, const std::string& out, EventFileFormat to) {
  return convert_events(in, out, to, EventReaderOptions{});
}

ConversionResult convert_events(const std::string& in, const std::string& out, EventFileFormat to,
                                const EventReaderOptions& options) {
  ConversionResult result;
  auto reader = open_event_reader(in, options);
  result.from = reader->info().format;
  const EventFormat& f = event_format(to);
  if (!f.create) throw UsageError("rockpool cannot write " + std::string(f.name) + " files");
  EventStreamInfo info = reader->info();
  info.format = to;
  // Address formats read from the file say what their channels are; plain channels
  // written to an address format (AEDAT, Prophesee) are numbered by the given mapping.
  if (info.addresses == EventStreamInfo::Addresses::kChannels &&
      (!info.address_mapping.width || !info.address_mapping.height)) {
    info.address_mapping = options.address_mapping;
  }
  if (info.source.empty()) {
    info.source = "converted from " + std::filesystem::path(in).filename().string() + " (" +
                  std::string(format_name(result.from)) + ")";
  }
  // A fresh name, never `out.tmp`: the input may be that very file (a crashed log).
  const std::string tmp = make_temp_next_to(out);
  double output_rounding = 0;
  try {
    auto writer = f.create(out, info, tmp);
    while (auto chunk = reader->next_chunk()) writer->append(chunk->times, chunk->channels, chunk->values);
    writer->close(reader->t_stop());
    output_rounding = writer->max_rounding_seconds();
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    throw;
  }
  result.events = reader->events_read();
  result.input_truncated = reader->truncated();
  result.max_rounding_seconds = reader->max_rounding_seconds();
  result.events_dropped = reader->events_dropped();
  result.output_rounding_seconds = output_rounding;
  return result;
}

}  // namespace rockpool
