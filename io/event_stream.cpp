// The format table's rows for the native log, text and npz (io/event_formats.hpp): thin
// adapters from each format's own reader and writer to EventReader / EventWriter.
#include "io/event_stream.hpp"

#include <algorithm>
#include <filesystem>

#include "io/event_formats.hpp"
#include "io/native_log.hpp"
#include "io/npz.hpp"
#include "io/text_events.hpp"

namespace rockpool {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

std::string file_name(const std::string& path) { return std::filesystem::path(path).filename().string(); }

// ---- native ----------------------------------------------------------------------------

class NativeEventReader final : public EventReader {
 public:
  explicit NativeEventReader(const std::string& path) : reader_(path) { refresh_info(); }
  const EventStreamInfo& info() const override { return info_; }
  std::optional<EventChunk> next_chunk() override {
    auto chunk = reader_.next_chunk();
    if (!chunk) refresh_info();  // a count declared only in the footer is known now
    return chunk;
  }
  std::uint64_t events_read() const override { return reader_.events_read(); }
  std::uint64_t bytes_read() const override { return reader_.offset(); }
  std::uint64_t file_size() const override { return reader_.file_size(); }
  bool truncated() const override { return reader_.truncated(); }
  std::optional<Time> t_stop() const override { return reader_.t_stop(); }

 private:
  void refresh_info() {
    const NativeLogHeader& h = reader_.header();
    info_.format = EventFileFormat::kNative;
    info_.num_channels = h.num_channels;
    info_.has_values = h.has_values;
    info_.t_start = h.t_start;
    info_.name = h.name;
    info_.source = h.source;
    info_.time_unit = h.time_unit.empty() ? "s" : h.time_unit;
    info_.channel_names = h.channel_names;
    info_.file_ticks_per_second = h.ticks_per_second;
  }

  NativeLogReader reader_;
  EventStreamInfo info_;
};

class NativeEventWriter final : public EventWriter {
 public:
  NativeEventWriter(const std::string& path, NativeLogOptions options) : writer_(path, std::move(options)) {}
  void append(std::span<const Time> times, std::span<const Channel> channels,
              std::span<const double> values) override {
    writer_.append(times, channels, values);
  }
  void close(std::optional<Time> t_stop) override { writer_.close(t_stop); }
  std::uint64_t events_written() const override { return writer_.size(); }

 private:
  NativeLogWriter writer_;
};

bool sniff_native(std::string_view head, const std::string&) {
  // A native log, or the first bytes of one cut off inside its magic.
  return starts_with(head, kNativeLogMagic) ||
         (head.size() < kNativeLogMagic.size() && starts_with(kNativeLogMagic, head));
}

std::unique_ptr<EventReader> open_native(const std::string& path, const EventReaderOptions&) {
  return std::make_unique<NativeEventReader>(path);
}

std::unique_ptr<EventWriter> create_native(const std::string& path, const EventStreamInfo& info,
                                           const std::string& temp_path) {
  NativeLogOptions options;
  options.num_channels = info.num_channels;
  options.has_values = info.has_values;
  options.t_start = info.t_start;
  options.name = info.name;
  options.source = info.source;
  if (info.channel_names.size() == info.num_channels) options.channel_names = info.channel_names;
  options.time_unit = info.time_unit.empty() ? "s" : info.time_unit;
  options.temp_path = temp_path;
  return std::make_unique<NativeEventWriter>(path, std::move(options));
}

// ---- text ------------------------------------------------------------------------------

class TextReaderAdapter final : public EventReader {
 public:
  TextReaderAdapter(const std::string& path, const EventReaderOptions& options)
      : reader_(path, options.chunk_events) {
    info_.format = EventFileFormat::kText;
    info_.name = file_name(path);
    info_.time_unit = reader_.info().time_unit;
    info_.has_values = reader_.info().has_values;
  }
  const EventStreamInfo& info() const override { return info_; }
  std::optional<EventChunk> next_chunk() override { return reader_.next_chunk(); }
  std::uint64_t events_read() const override { return reader_.events_read(); }
  std::uint64_t bytes_read() const override { return reader_.bytes_read(); }
  std::uint64_t file_size() const override { return reader_.file_size(); }
  double max_rounding_seconds() const override { return reader_.max_rounding_seconds(); }

 private:
  TextEventReader reader_;
  EventStreamInfo info_;
};

class TextWriterAdapter final : public EventWriter {
 public:
  TextWriterAdapter(const std::string& path, const EventStreamInfo& info, const std::string& temp_path)
      : writer_(path, temp_path, info.has_values), num_channels_(info.num_channels), t_start_(info.t_start) {}
  void append(std::span<const Time> times, std::span<const Channel> channels,
              std::span<const double> values) override {
    for (std::size_t k = 0; k < times.size() && k < channels.size(); ++k) {
      if (num_channels_ != 0 && channels[k] >= num_channels_) {
        throw OutOfRange("TextEventWriter::append", "event " + std::to_string(writer_.events_written() + k) +
                                                        ": channel " + std::to_string(channels[k]) +
                                                        " >= channel count " + std::to_string(num_channels_));
      }
      if (t_start_ && times[k] < *t_start_) {
        throw InvalidArgument("TextEventWriter::append", "event " + std::to_string(writer_.events_written() + k) +
                                                             ": time precedes t_start");
      }
    }
    writer_.append(times, channels, values);
  }
  void close(std::optional<Time> t_stop) override {
    if (t_stop && writer_.last_time() && *t_stop < *writer_.last_time()) {
      throw InvalidArgument("TextEventWriter::close", "t_stop precedes the last event");
    }
    writer_.close();  // the text format records no span: t_stop is only checked
  }
  std::uint64_t events_written() const override { return writer_.events_written(); }

 private:
  TextEventWriter writer_;
  std::size_t num_channels_;
  std::optional<Time> t_start_;
};

bool sniff_text(std::string_view head, const std::string&) {
  for (const char ch : head) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) return false;
  }
  return true;
}

// ---- npz -------------------------------------------------------------------------------
// An .npz is whole-file by nature (deflated members, a directory at the end): the reader
// loads the series and hands it out in chunks; the writer collects the events and writes
// the archive in close().

class NpzEventReader final : public EventReader {
 public:
  NpzEventReader(const std::string& path, const EventReaderOptions& options)
      : series_(read_npz_events(path, &npz_)), chunk_events_(std::max<std::size_t>(options.chunk_events, 1)) {
    info_.format = EventFileFormat::kNpz;
    info_.num_channels = series_.num_channels();
    info_.has_values = !series_.values().empty();
    info_.t_start = series_.t_start();
    info_.name = series_.name();
    std::error_code ec;
    file_size_ = std::filesystem::file_size(path, ec);
  }
  const EventStreamInfo& info() const override { return info_; }
  std::optional<EventChunk> next_chunk() override {
    if (next_ >= series_.size()) return std::nullopt;
    const std::size_t n = std::min(chunk_events_, series_.size() - next_);
    EventChunk chunk{series_.times().subspan(next_, n), series_.channels().subspan(next_, n),
                     info_.has_values ? series_.values().subspan(next_, n) : std::span<const double>{}};
    next_ += n;
    return chunk;
  }
  std::uint64_t events_read() const override { return next_; }
  std::uint64_t bytes_read() const override { return next_ >= series_.size() ? file_size_ : 0; }
  std::uint64_t file_size() const override { return file_size_; }
  std::optional<Time> t_stop() const override { return series_.t_stop(); }
  double max_rounding_seconds() const override {
    return npz_.max_rounding_ticks / static_cast<double>(kTicksPerSecond);
  }

 private:
  NpzInfo npz_;
  TSEvent series_;
  std::size_t chunk_events_;
  std::size_t next_ = 0;
  std::uint64_t file_size_ = 0;
  EventStreamInfo info_;
};

class NpzEventWriter final : public EventWriter {
 public:
  NpzEventWriter(const std::string& path, const EventStreamInfo& info, const std::string& temp_path)
      : path_(path), temp_path_(temp_path), info_(info) {}
  ~NpzEventWriter() override {
    if (closed_) return;
    std::error_code ignored;
    std::filesystem::remove(temp_path_, ignored);
  }
  void append(std::span<const Time> times, std::span<const Channel> channels,
              std::span<const double> values) override {
    if (closed_) throw InvalidArgument("NpzEventWriter::append", "the file is closed");
    if (channels.size() != times.size() || values.size() != (info_.has_values ? times.size() : 0)) {
      throw DimensionMismatch("NpzEventWriter::append", "times, channels and values differ in length");
    }
    for (std::size_t k = 0; k < times.size(); ++k) {
      const Time previous = times_.empty() ? (k ? times[k - 1] : times[k]) : (k ? times[k - 1] : times_.back());
      if (times[k] < previous) {
        throw InvalidArgument("NpzEventWriter::append",
                              "event " + std::to_string(times_.size() + k) + ": time precedes the previous event");
      }
    }
    times_.insert(times_.end(), times.begin(), times.end());
    channels_.insert(channels_.end(), channels.begin(), channels.end());
    values_.insert(values_.end(), values.begin(), values.end());
  }
  void close(std::optional<Time> t_stop) override {
    if (closed_) return;
    TSEvent::Options options;
    if (info_.num_channels > 0) options.num_channels = info_.num_channels;
    options.t_start = info_.t_start;
    options.t_stop = t_stop;
    options.name = info_.name;
    const TSEvent series = info_.has_values
                               ? TSEvent(std::move(times_), std::move(channels_), std::move(values_), options)
                               : TSEvent(std::move(times_), std::move(channels_), options);
    write_npz_events(temp_path_, series);
    rename_into_place(temp_path_, path_);
    closed_ = true;
    events_ = series.size();
  }
  std::uint64_t events_written() const override { return closed_ ? events_ : times_.size(); }

 private:
  std::string path_;
  std::string temp_path_;
  EventStreamInfo info_;
  bool closed_ = false;
  std::uint64_t events_ = 0;
  std::vector<Time> times_;
  std::vector<Channel> channels_;
  std::vector<double> values_;
};

// A ZIP (a local header, or the end record of an empty archive) is numpy's .npz. Only one
// whose members look like a Rockpool time series is ours; that needs the ZIP's directory.
bool sniff_npz(std::string_view head, const std::string& path) {
  if (!starts_with(head, std::string_view("PK\x03\x04", 4)) && !starts_with(head, std::string_view("PK\x05\x06", 4))) {
    return false;
  }
  if (probe_npz(path)) return true;
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

}  // namespace

const EventFormat& native_event_format() {
  static const EventFormat f{EventFileFormat::kNative, "native", "rpl", ".rpl", sniff_native, open_native,
                             create_native};
  return f;
}

const EventFormat& text_event_format() {
  static const EventFormat f{EventFileFormat::kText, "text", "csv txt", ".csv .txt", sniff_text,
                             open_as<TextReaderAdapter>, create_as<TextWriterAdapter>};
  return f;
}

const EventFormat& npz_event_format() {
  static const EventFormat f{EventFileFormat::kNpz, "npz", "", ".npz", sniff_npz, open_as<NpzEventReader>,
                             create_as<NpzEventWriter>};
  return f;
}

}  // namespace rockpool
