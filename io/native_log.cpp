#include "io/native_log.hpp"

#include <zlib.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <utility>

#include "io/producer_version.hpp"
#include "rockpool_log.pb.h"

namespace rockpool {
namespace {

// The byte layout (doc/formats.md, "Native spike log"):
//   0   magic (8)  8 version u32  12 header length u32  16 header CRC u32  20 header
//   then records: kind u8 ('C' chunk, 'F' footer), payload length u32, payload CRC u32,
//   payload; after the footer record, the trailer: footer offset u64, end magic (8).
// All integers little-endian.
constexpr std::uint64_t kHeaderPrefix = 20;
constexpr std::uint32_t kMaxHeaderBytes = 1u << 20;
constexpr std::uint64_t kRecordPrefix = 9;
// 65536 events of at most 10 (dt) + 5 (channel) + 8 (value) bytes, plus field tags and
// lengths, fit in 1.5 MiB; a larger length can only come from corruption. Bounding it
// bounds what one chunk may make us allocate (protobuf expands a varint byte to at most
// 8 bytes, so < 16 MiB decoded).
constexpr std::uint32_t kMaxChunkBytes = 2u << 20;
// Footer: at most 4 varints + a few bytes per chunk, 10M chunks (4e10 events at 4096).
constexpr std::uint32_t kMaxFooterBytes = 256u << 20;
constexpr std::uint64_t kTrailerBytes = 16;
constexpr std::string_view kTrailerMagic{"\x89RPLEND\n", 8};
constexpr std::byte kChunkKind{'C'};
constexpr std::byte kFooterKind{'F'};


void put_u32(std::string& out, std::uint32_t v) {
  for (int k = 0; k < 4; ++k) out.push_back(static_cast<char>((v >> (8 * k)) & 0xFF));
}
void put_u64(std::string& out, std::uint64_t v) {
  for (int k = 0; k < 8; ++k) out.push_back(static_cast<char>((v >> (8 * k)) & 0xFF));
}
std::uint32_t get_u32(const std::byte* p) {
  std::uint32_t v = 0;
  for (int k = 3; k >= 0; --k) v = (v << 8) | std::to_integer<std::uint32_t>(p[k]);
  return v;
}
std::uint64_t get_u64(const std::byte* p) {
  std::uint64_t v = 0;
  for (int k = 7; k >= 0; --k) v = (v << 8) | std::to_integer<std::uint64_t>(p[k]);
  return v;
}

std::string hex32(std::uint32_t v) {
  static const char* digits = "0123456789abcdef";
  std::string s = "0x00000000";
  for (int k = 0; k < 8; ++k) s[9 - k] = digits[(v >> (4 * k)) & 0xF];
  return s;
}

// One framed record: kind, length, CRC of the payload, payload.
std::string record(std::byte kind, const std::string& payload) {
  std::string out;
  out.reserve(kRecordPrefix + payload.size());
  out.push_back(static_cast<char>(kind));
  put_u32(out, static_cast<std::uint32_t>(payload.size()));
  put_u32(out, crc32(payload));
  out += payload;
  return out;
}

// Folds one chunk's index entry into a running CRC, so that the reader can check the
// footer against the chunks it read without keeping a list of them.
std::uint32_t fold_index(std::uint32_t crc, std::uint64_t offset, std::uint32_t count, std::int64_t first,
                         std::int64_t last) {
  std::string entry;
  put_u64(entry, offset);
  put_u32(entry, count);
  put_u64(entry, static_cast<std::uint64_t>(first));
  put_u64(entry, static_cast<std::uint64_t>(last));
  return crc32(entry, crc);
}

std::string describe_time(Time t) { return format_seconds(t) + " s"; }

}  // namespace

// zlib's CRC-32 (the same polynomial and conventions), which works on several bytes at a
// time: a byte-at-a-time table loop was 40 % of reading a native log.
std::uint32_t crc32(std::span<const std::byte> bytes, std::uint32_t crc) {
  uLong c = crc;
  const auto* data = reinterpret_cast<const Bytef*>(bytes.data());
  for (std::size_t left = bytes.size(); left > 0;) {
    const auto n = static_cast<uInt>(std::min<std::size_t>(left, 1u << 30));
    c = ::crc32(c, data, n);
    data += n;
    left -= n;
  }
  return static_cast<std::uint32_t>(c);
}

std::uint32_t crc32(std::string_view bytes, std::uint32_t crc) {
  return crc32(std::as_bytes(std::span<const char>(bytes.data(), bytes.size())), crc);
}

// ---------------------------------------------------------------------------------------
// Writer

NativeLogWriter::NativeLogWriter(std::string path, NativeLogOptions options)
    : path_(std::move(path)), options_(std::move(options)) {
  if (options_.chunk_events < 1 || options_.chunk_events > kNativeLogMaxChunkEvents) {
    throw InvalidArgument("NativeLogOptions::chunk_events",
                          "must lie in 1.." + std::to_string(kNativeLogMaxChunkEvents) + ", got " +
                              std::to_string(options_.chunk_events));
  }
  if (options_.num_channels > std::uint64_t{std::numeric_limits<Channel>::max()} + 1) {
    throw OutOfRange("NativeLogOptions::num_channels", "exceeds 2^32");
  }
  if (!options_.channel_names.empty() && options_.channel_names.size() != options_.num_channels) {
    throw DimensionMismatch("NativeLogOptions::channel_names",
                            std::to_string(options_.channel_names.size()) + " names for " +
                                std::to_string(options_.num_channels) + " channels");
  }
  if (options_.temp_path.empty()) options_.temp_path = path_ + ".tmp";

  log::Header header;
  header.set_ticks_per_second(static_cast<std::uint64_t>(kTicksPerSecond));
  header.set_time_unit(options_.time_unit);
  header.set_channel_count(options_.num_channels);
  for (const std::string& n : options_.channel_names) header.add_channel_names(n);
  header.set_source(options_.source);
  header.set_producer(ROCKPOOL_PRODUCER);
  header.set_has_values(options_.has_values);
  header.set_chunk_events(options_.chunk_events);
  header.set_name(options_.name);
  if (options_.t_start) header.set_t_start(options_.t_start->ticks());
  std::string payload;
  if (!header.SerializeToString(&payload) || payload.size() > kMaxHeaderBytes) {
    throw InvalidArgument("NativeLogOptions", "header exceeds 1 MiB (too many or too long channel names?)");
  }

  fd_ = ::open(options_.temp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd_ < 0) throw IoError(options_.temp_path, std::string("cannot open for writing: ") + std::strerror(errno));
  std::string bytes(kNativeLogMagic);
  put_u32(bytes, kNativeLogVersion);
  put_u32(bytes, static_cast<std::uint32_t>(payload.size()));
  put_u32(bytes, crc32(payload));
  bytes += payload;
  try {
    write_bytes(bytes);
  } catch (...) {
    release();
    throw;
  }
  const std::size_t reserve = options_.chunk_events;
  times_.reserve(reserve);
  channels_.reserve(reserve);
  if (options_.has_values) values_.reserve(reserve);
}

NativeLogWriter::NativeLogWriter(NativeLogWriter&& other) noexcept
    : path_(std::move(other.path_)),
      options_(std::move(other.options_)),
      fd_(std::exchange(other.fd_, -1)),
      offset_(other.offset_),
      events_(other.events_),
      last_(other.last_),
      times_(std::move(other.times_)),
      channels_(std::move(other.channels_)),
      values_(std::move(other.values_)),
      chunk_base_(other.chunk_base_),
      chunk_offsets_(std::move(other.chunk_offsets_)),
      chunk_counts_(std::move(other.chunk_counts_)),
      chunk_first_(std::move(other.chunk_first_)),
      chunk_last_(std::move(other.chunk_last_)) {}

NativeLogWriter::~NativeLogWriter() {
  if (fd_ < 0) return;
  try {
    write_chunk();
  } catch (...) {
    // Nothing more can be saved; the complete chunks before this one stay readable.
  }
  release();
}

void NativeLogWriter::release() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void NativeLogWriter::write_bytes(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      // Stop here: appending after a partial record would turn a clean truncation into
      // corruption. The complete chunks before it stay readable.
      release();
      throw IoError(options_.temp_path, std::string("write failed: ") + std::strerror(error));
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
    offset_ += static_cast<std::uint64_t>(n);
  }
}

void NativeLogWriter::check(Time t, Channel channel, std::uint64_t index, Time previous) const {
  if (fd_ < 0) throw InvalidArgument("NativeLogWriter::append", "the log is closed (or a write failed)");
  if (t < previous) {
    throw InvalidArgument("NativeLogWriter::append", "event " + std::to_string(index) + ": time " +
                                                         describe_time(t) + " precedes the previous event at " +
                                                         describe_time(previous) + " (times must not decrease)");
  }
  if (options_.t_start && t < *options_.t_start) {
    throw InvalidArgument("NativeLogWriter::append", "event " + std::to_string(index) + ": time " +
                                                         describe_time(t) + " precedes t_start " +
                                                         describe_time(*options_.t_start));
  }
  if (options_.num_channels != 0 && channel >= options_.num_channels) {
    throw OutOfRange("NativeLogWriter::append", "event " + std::to_string(index) + ": channel " +
                                                    std::to_string(channel) + " >= channel count " +
                                                    std::to_string(options_.num_channels));
  }
}

void NativeLogWriter::check_value(double value, std::uint64_t index) const {
  if (!std::isfinite(value)) {
    throw InvalidArgument("NativeLogWriter::append",
                          "event " + std::to_string(index) + ": value is not finite (" + std::to_string(value) + ")");
  }
}

void NativeLogWriter::append(Time t, Channel channel) {
  if (options_.has_values) {
    throw InvalidArgument("NativeLogWriter::append", "event " + std::to_string(events_) +
                                                         ": this log has values; pass one per event");
  }
  check(t, channel, events_, last_);
  times_.push_back(t);
  channels_.push_back(channel);
  seen_channels_ = std::max<std::uint64_t>(seen_channels_, std::uint64_t{channel} + 1);
  last_ = t;
  ++events_;
  if (times_.size() == options_.chunk_events) write_chunk();
}

void NativeLogWriter::append(Time t, Channel channel, double value) {
  if (!options_.has_values) {
    throw InvalidArgument("NativeLogWriter::append", "event " + std::to_string(events_) +
                                                         ": this log has no values (NativeLogOptions::has_values)");
  }
  check(t, channel, events_, last_);
  check_value(value, events_);
  times_.push_back(t);
  channels_.push_back(channel);
  seen_channels_ = std::max<std::uint64_t>(seen_channels_, std::uint64_t{channel} + 1);
  values_.push_back(value);
  last_ = t;
  ++events_;
  if (times_.size() == options_.chunk_events) write_chunk();
}

void NativeLogWriter::append(std::span<const Time> times, std::span<const Channel> channels,
                             std::span<const double> values) {
  if (channels.size() != times.size()) {
    throw DimensionMismatch("NativeLogWriter::append", std::to_string(times.size()) + " times but " +
                                                           std::to_string(channels.size()) + " channels");
  }
  if (values.size() != (options_.has_values ? times.size() : 0)) {
    throw DimensionMismatch("NativeLogWriter::append",
                            std::to_string(values.size()) + " values for " + std::to_string(times.size()) +
                                " events in a log " + (options_.has_values ? "with" : "without") + " values");
  }
  Time previous = last_;
  for (std::size_t k = 0; k < times.size(); ++k) {
    check(times[k], channels[k], events_ + k, previous);
    if (options_.has_values) check_value(values[k], events_ + k);
    previous = times[k];
  }
  for (std::size_t k = 0; k < times.size(); ++k) {
    times_.push_back(times[k]);
    channels_.push_back(channels[k]);
    seen_channels_ = std::max<std::uint64_t>(seen_channels_, std::uint64_t{channels[k]} + 1);
    if (options_.has_values) values_.push_back(values[k]);
    ++events_;
    if (times_.size() == options_.chunk_events) write_chunk();
  }
  last_ = previous;
}

void NativeLogWriter::flush() {
  if (fd_ < 0) throw InvalidArgument("NativeLogWriter::flush", "the log is closed");
  write_chunk();
}

void NativeLogWriter::write_chunk() {
  if (times_.empty()) return;
  log::Chunk chunk;
  const std::int64_t base = chunk_offsets_.empty() ? times_.front().ticks() : chunk_base_.ticks();
  chunk.set_count(static_cast<std::uint32_t>(times_.size()));
  chunk.set_base_time(base);
  auto* dt = chunk.mutable_dt();
  dt->Reserve(static_cast<int>(times_.size()));
  std::int64_t previous = base;
  for (Time t : times_) {
    // Non-negative by the append checks; the difference of two int64 fits in uint64.
    dt->AddAlreadyReserved(static_cast<std::uint64_t>(t.ticks()) - static_cast<std::uint64_t>(previous));
    previous = t.ticks();
  }
  chunk.mutable_channel()->Add(channels_.begin(), channels_.end());
  if (options_.has_values) chunk.mutable_value()->Add(values_.begin(), values_.end());
  std::string payload;
  if (!chunk.SerializeToString(&payload)) throw IoError(options_.temp_path, "cannot encode a chunk");
  const std::uint64_t at = offset_;
  write_bytes(record(kChunkKind, payload));
  chunk_offsets_.push_back(at);
  chunk_counts_.push_back(static_cast<std::uint32_t>(times_.size()));
  chunk_first_.push_back(times_.front().ticks());
  chunk_last_.push_back(times_.back().ticks());
  chunk_base_ = times_.back();
  times_.clear();
  channels_.clear();
  values_.clear();
  if (options_.sync_chunks && ::fdatasync(fd_) != 0) {
    const int error = errno;
    release();
    throw IoError(options_.temp_path, std::string("fdatasync failed: ") + std::strerror(error));
  }
}

void NativeLogWriter::close(std::optional<Time> t_stop) {
  if (fd_ < 0) throw InvalidArgument("NativeLogWriter::close", "the log is already closed");
  if (t_stop && events_ > 0 && *t_stop < last_) {
    throw InvalidArgument("NativeLogWriter::close",
                          "t_stop " + describe_time(*t_stop) + " precedes the last event at " + describe_time(last_));
  }
  if (t_stop && options_.t_start && *t_stop < *options_.t_start) {
    throw InvalidArgument("NativeLogWriter::close", "t_stop " + describe_time(*t_stop) + " precedes t_start " +
                                                        describe_time(*options_.t_start));
  }
  write_chunk();
  log::Footer footer;
  footer.mutable_chunk_offset()->Add(chunk_offsets_.begin(), chunk_offsets_.end());
  footer.mutable_chunk_count()->Add(chunk_counts_.begin(), chunk_counts_.end());
  footer.mutable_chunk_first()->Add(chunk_first_.begin(), chunk_first_.end());
  footer.mutable_chunk_last()->Add(chunk_last_.begin(), chunk_last_.end());
  footer.set_event_count(events_);
  if (options_.num_channels == 0) footer.set_channel_count(seen_channels_);
  if (t_stop) footer.set_t_stop(t_stop->ticks());
  std::string payload;
  if (!footer.SerializeToString(&payload) || payload.size() > kMaxFooterBytes) {
    throw IoError(options_.temp_path, "the chunk index exceeds 256 MiB; use larger chunks");
  }
  const std::uint64_t footer_offset = offset_;
  std::string bytes = record(kFooterKind, payload);
  put_u64(bytes, footer_offset);
  bytes += kTrailerMagic;
  write_bytes(bytes);
  // The data must be on disk before the rename makes the file visible under its name.
  if (::fsync(fd_) != 0) throw IoError(options_.temp_path, std::string("fsync failed: ") + std::strerror(errno));
  const int fd = std::exchange(fd_, -1);
  if (::close(fd) != 0) throw IoError(options_.temp_path, std::string("close failed: ") + std::strerror(errno));
  std::error_code ec;
  std::filesystem::rename(options_.temp_path, path_, ec);
  if (ec) throw IoError(path_, "cannot rename " + options_.temp_path + ": " + ec.message());
  // Best effort: make the rename itself durable.
  std::string dir = std::filesystem::path(path_).parent_path().string();
  if (dir.empty()) dir = ".";
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    (void)::fsync(dir_fd);
    ::close(dir_fd);
  }
}

void write_native_log(const std::string& path, const TSEvent& events, NativeLogOptions options) {
  options.num_channels = events.num_channels();
  options.has_values = events.has_values();
  options.t_start = events.t_start();
  options.name = events.name();
  NativeLogWriter writer(path, std::move(options));
  writer.append(events.times(), events.channels(), events.has_values() ? events.values() : std::span<const double>{});
  writer.close(events.t_stop());
}

// ---------------------------------------------------------------------------------------
// Reader

NativeLogReader::NativeLogReader(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw IoError(path, std::string("cannot open for reading: ") + std::strerror(errno));
  try {
    struct stat st {};
    if (::fstat(fd_, &st) != 0) throw IoError(path, std::string("cannot stat: ") + std::strerror(errno));
    file_size_ = static_cast<std::uint64_t>(st.st_size);

    std::array<std::byte, kHeaderPrefix> prefix{};
    const std::uint64_t have = std::min<std::uint64_t>(file_size_, kHeaderPrefix);
    read_at(0, std::span(prefix).first(have));
    const std::string_view magic(reinterpret_cast<const char*>(prefix.data()), std::min<std::uint64_t>(have, 8));
    if (magic != kNativeLogMagic.substr(0, magic.size())) fail(0, "not a native spike log (wrong magic)");
    if (have < kHeaderPrefix) {
      fail(have, "truncated header: the file ends after " + std::to_string(have) + " of the " +
                     std::to_string(kHeaderPrefix) + " bytes before the header");
    }
    header_.version = get_u32(prefix.data() + 8);
    if (header_.version != kNativeLogVersion) {
      fail(8, "format version " + std::to_string(header_.version) + " is not supported (this reader reads " +
                  std::to_string(kNativeLogVersion) + ")");
    }
    const std::uint32_t header_bytes = get_u32(prefix.data() + 12);
    if (header_bytes == 0 || header_bytes > kMaxHeaderBytes) {
      fail(12, "absurd header size " + std::to_string(header_bytes) + " (1 byte to 1 MiB)");
    }
    if (kHeaderPrefix + header_bytes > file_size_) {
      fail(file_size_, "truncated header: " + std::to_string(header_bytes) + " bytes declared, " +
                           std::to_string(file_size_ - kHeaderPrefix) + " present");
    }
    payload_.resize(header_bytes);
    read_at(kHeaderPrefix, std::as_writable_bytes(std::span(payload_)));
    const std::uint32_t stored = get_u32(prefix.data() + 16), computed = crc32(payload_);
    if (stored != computed) {
      fail(kHeaderPrefix, "header CRC mismatch (stored " + hex32(stored) + ", computed " + hex32(computed) + ")");
    }
    log::Header h;
    if (!h.ParseFromString(payload_)) fail(kHeaderPrefix, "header is not a valid protobuf rockpool.log.Header");
    const std::uint64_t tps = h.ticks_per_second();
    if (tps == 0 || static_cast<std::uint64_t>(kTicksPerSecond) % tps != 0) {
      fail(kHeaderPrefix, "timebase of " + std::to_string(tps) +
                              " ticks per second is not supported (it must divide 9e9 exactly)");
    }
    header_.ticks_per_second = tps;
    scale_ = kTicksPerSecond / static_cast<std::int64_t>(tps);
    if (h.channel_count() > std::uint64_t{std::numeric_limits<Channel>::max()} + 1) {
      fail(kHeaderPrefix, "channel count " + std::to_string(h.channel_count()) + " exceeds 2^32");
    }
    header_.num_channels = h.channel_count();
    if (h.channel_names_size() != 0 && static_cast<std::uint64_t>(h.channel_names_size()) != h.channel_count()) {
      fail(kHeaderPrefix, std::to_string(h.channel_names_size()) + " channel names for " +
                              std::to_string(h.channel_count()) + " channels");
    }
    header_.channel_names.assign(h.channel_names().begin(), h.channel_names().end());
    header_.time_unit = h.time_unit();
    header_.source = h.source();
    header_.producer = h.producer();
    header_.has_values = h.has_values();
    header_.chunk_events = h.chunk_events();
    header_.name = h.name();
    if (h.has_t_start()) header_.t_start = to_time(h.t_start(), kHeaderPrefix, "t_start");
    offset_ = kHeaderPrefix + header_bytes;

    // A complete file ends with the trailer; then every record up to the footer must be
    // whole, and a short one is corruption rather than truncation.
    if (file_size_ >= offset_ + kRecordPrefix + kTrailerBytes) {
      std::array<std::byte, kTrailerBytes> trailer{};
      read_at(file_size_ - kTrailerBytes, trailer);
      if (std::string_view(reinterpret_cast<const char*>(trailer.data()) + 8, 8) == kTrailerMagic) {
        const std::uint64_t at = get_u64(trailer.data());
        if (at < offset_ || at > file_size_ - kTrailerBytes - kRecordPrefix) {
          fail(file_size_ - kTrailerBytes, "the trailer points at a footer at byte " + std::to_string(at) +
                                               ", outside the records");
        }
        footer_offset_ = at;
      }
    }
  } catch (...) {
    ::close(fd_);
    fd_ = -1;
    throw;
  }
}

NativeLogReader::NativeLogReader(NativeLogReader&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(std::exchange(other.fd_, -1)),
      file_size_(other.file_size_),
      offset_(other.offset_),
      footer_offset_(other.footer_offset_),
      header_(std::move(other.header_)),
      scale_(other.scale_),
      at_end_(other.at_end_),
      truncated_(other.truncated_),
      events_(other.events_),
      chunks_(other.chunks_),
      last_file_ticks_(other.last_file_ticks_),
      t_stop_(other.t_stop_),
      index_crc_(other.index_crc_),
      payload_(std::move(other.payload_)),
      times_(std::move(other.times_)),
      channels_(std::move(other.channels_)),
      values_(std::move(other.values_)) {}

NativeLogReader::~NativeLogReader() {
  if (fd_ >= 0) ::close(fd_);
}

void NativeLogReader::read_at(std::uint64_t offset, std::span<std::byte> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw IoError(path_, std::string("read failed: ") + std::strerror(errno));
    if (n == 0) throw IoError(path_, "the file shrank while it was read");
    done += static_cast<std::size_t>(n);
  }
}

void NativeLogReader::fail(std::uint64_t offset, std::string_view problem) const {
  throw FormatError(path_, offset, problem);
}

Time NativeLogReader::to_time(std::int64_t file_ticks, std::uint64_t offset, std::string_view what) const {
  std::int64_t ticks = 0;
  if (__builtin_mul_overflow(file_ticks, scale_, &ticks)) {
    fail(offset, std::string(what) + " lies outside the int64 tick range");
  }
  return Time::from_ticks(ticks);
}

void NativeLogReader::end_truncated() {
  at_end_ = true;
  truncated_ = true;
  if (header_.num_channels == 0) header_.num_channels = seen_channels_;
}

std::optional<EventChunk> NativeLogReader::next_chunk() {
  if (at_end_) return std::nullopt;
  const std::uint64_t at = offset_;
  const std::uint64_t limit = footer_offset_ ? *footer_offset_ : file_size_;
  if (at == limit && !footer_offset_) {
    end_truncated();  // stopped on a record boundary, before any footer
    return std::nullopt;
  }
  if (at + kRecordPrefix > file_size_) {
    end_truncated();  // a record header cut off; only possible without a trailer
    return std::nullopt;
  }
  std::array<std::byte, kRecordPrefix> prefix{};
  read_at(at, prefix);
  const std::byte kind = prefix[0];
  const std::uint32_t bytes = get_u32(prefix.data() + 1), stored = get_u32(prefix.data() + 5);
  if (kind == kFooterKind || (footer_offset_ && at == *footer_offset_)) {
    if (kind != kFooterKind) fail(at, "the trailer points here, but this is not the footer record");
    if (footer_offset_ && at != *footer_offset_) {
      fail(at, "a footer record here, but the trailer points at byte " + std::to_string(*footer_offset_));
    }
    if (bytes > kMaxFooterBytes) fail(at, "absurd footer size " + std::to_string(bytes) + " (limit 256 MiB)");
    if (at + kRecordPrefix + bytes > file_size_) {
      if (footer_offset_) fail(at, "the footer runs past the trailer");
      end_truncated();
      return std::nullopt;
    }
    payload_.resize(bytes);
    read_at(at + kRecordPrefix, std::as_writable_bytes(std::span(payload_)));
    finish_with_footer(at, stored);
    return std::nullopt;
  }
  if (kind != kChunkKind) {
    fail(at, "unknown record kind " + std::to_string(std::to_integer<int>(kind)) + " (expected a chunk 'C' or the footer 'F')");
  }
  if (bytes == 0 || bytes > kMaxChunkBytes) {
    fail(at, "absurd chunk size " + std::to_string(bytes) + " bytes (limit 2 MiB)");
  }
  if (at + kRecordPrefix + bytes > limit) {
    if (footer_offset_) {
      fail(at, "chunk " + std::to_string(chunks_) + " runs past the footer at byte " + std::to_string(limit));
    }
    end_truncated();  // the file ends inside this chunk: keep the complete ones
    return std::nullopt;
  }
  payload_.resize(bytes);
  read_at(at + kRecordPrefix, std::as_writable_bytes(std::span(payload_)));
  const std::uint32_t computed = crc32(payload_);
  if (computed != stored) {
    fail(at, "CRC mismatch in chunk " + std::to_string(chunks_) + " (stored " + hex32(stored) + ", computed " +
                 hex32(computed) + ")");
  }
  log::Chunk chunk;
  if (!chunk.ParseFromString(payload_)) {
    fail(at, "chunk " + std::to_string(chunks_) + " is not a valid protobuf rockpool.log.Chunk");
  }
  const std::uint32_t count = chunk.count();
  const std::string where = "chunk " + std::to_string(chunks_) + ": ";
  if (count == 0 || count > kNativeLogMaxChunkEvents) {
    fail(at, where + "event count " + std::to_string(count) + " outside 1..65536");
  }
  const auto n = static_cast<int>(count);
  if (chunk.dt_size() != n || chunk.channel_size() != n || chunk.value_size() != (header_.has_values ? n : 0)) {
    fail(at, where + std::to_string(count) + " events but " + std::to_string(chunk.dt_size()) + " times, " +
                 std::to_string(chunk.channel_size()) + " channels and " + std::to_string(chunk.value_size()) +
                 " values");
  }
  std::int64_t t = chunk.base_time();
  if (last_file_ticks_ && t < *last_file_ticks_) {
    fail(at, where + "times go backwards: it starts from " + describe_time(to_time(t, at, "base time")) +
                 ", before the previous event at " + describe_time(to_time(*last_file_ticks_, at, "time")));
  }
  std::int64_t first = 0;
  times_.resize(count);
  channels_.resize(count);
  values_.resize(header_.has_values ? count : 0);
  for (int i = 0; i < n; ++i) {
    const std::uint64_t dt = chunk.dt(i);
    const std::uint64_t room = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) -
                               static_cast<std::uint64_t>(t);
    if (dt > room) fail(at, where + "event " + std::to_string(i) + ": time overflows int64");
    t = static_cast<std::int64_t>(static_cast<std::uint64_t>(t) + dt);
    if (i == 0) first = t;
    std::int64_t ticks = 0;
    if (__builtin_mul_overflow(t, scale_, &ticks)) {
      fail(at, where + "event " + std::to_string(i) + ": time lies outside the int64 tick range");
    }
    times_[i] = Time::from_ticks(ticks);
    const Channel c = chunk.channel(i);
    if (header_.num_channels != 0 && c >= header_.num_channels) {
      fail(at, where + "event " + std::to_string(i) + " (event " + std::to_string(events_ + i) +
                   " of the file): channel " + std::to_string(c) + " >= channel count " +
                   std::to_string(header_.num_channels));
    }
    channels_[i] = c;
    seen_channels_ = std::max<std::uint64_t>(seen_channels_, std::uint64_t{c} + 1);
    if (header_.has_values) {
      const double v = chunk.value(i);
      if (!std::isfinite(v)) {
        fail(at, where + "event " + std::to_string(i) + " (event " + std::to_string(events_ + i) +
                     " of the file): value is not finite");
      }
      values_[i] = v;
    }
  }
  if (header_.t_start && times_.front() < *header_.t_start) {
    fail(at, where + "event at " + describe_time(times_.front()) + " precedes t_start " +
                 describe_time(*header_.t_start));
  }
  index_crc_ = fold_index(index_crc_, at, count, first, t);
  last_file_ticks_ = t;
  offset_ = at + kRecordPrefix + bytes;
  events_ += count;
  ++chunks_;
  return EventChunk{times_, channels_, values_};
}

void NativeLogReader::finish_with_footer(std::uint64_t at, std::uint32_t stored) {
  const std::uint32_t computed = crc32(payload_);
  if (computed != stored) {
    fail(at, "footer CRC mismatch (stored " + hex32(stored) + ", computed " + hex32(computed) + ")");
  }
  log::Footer footer;
  if (!footer.ParseFromString(payload_)) fail(at, "the footer is not a valid protobuf rockpool.log.Footer");
  const auto n = footer.chunk_offset_size();
  if (static_cast<std::size_t>(n) != chunks_ || footer.chunk_count_size() != n || footer.chunk_first_size() != n ||
      footer.chunk_last_size() != n || footer.event_count() != events_) {
    fail(at, "the footer lists " + std::to_string(n) + " chunks and " + std::to_string(footer.event_count()) +
                 " events, but the file holds " + std::to_string(chunks_) + " chunks and " +
                 std::to_string(events_) + " events");
  }
  std::uint32_t index = 0;
  for (int k = 0; k < n; ++k) {
    index = fold_index(index, footer.chunk_offset(k), footer.chunk_count(k), footer.chunk_first(k),
                       footer.chunk_last(k));
  }
  if (index != index_crc_) fail(at, "the footer's chunk index disagrees with the chunks");
  if (header_.num_channels == 0) {
    if (footer.channel_count() < seen_channels_) {
      fail(at, "the footer's channel count " + std::to_string(footer.channel_count()) +
                   " does not exceed channel " + std::to_string(seen_channels_ - 1) + " of the events");
    }
    header_.num_channels = footer.channel_count();
  }
  if (footer.has_t_stop()) {
    const Time t_stop = to_time(footer.t_stop(), at, "t_stop");
    if (last_file_ticks_ && t_stop < to_time(*last_file_ticks_, at, "time")) {
      fail(at, "t_stop " + describe_time(t_stop) + " precedes the last event");
    }
    if (header_.t_start && t_stop < *header_.t_start) {
      fail(at, "t_stop " + describe_time(t_stop) + " precedes t_start " + describe_time(*header_.t_start));
    }
    t_stop_ = t_stop;
  }
  const std::uint64_t end = at + kRecordPrefix + payload_.size();
  offset_ = end;
  at_end_ = true;
  if (footer_offset_) {
    if (end + kTrailerBytes != file_size_) fail(end, "bytes between the footer and the trailer");
    offset_ = file_size_;
    return;
  }
  // No valid trailer was found at open: it is cut off, or damaged.
  if (file_size_ - end < kTrailerBytes) {
    truncated_ = true;
    return;
  }
  fail(end, "the trailer after the footer is damaged (or bytes follow it)");
}

TSEvent read_native_log(const std::string& path, NativeLogStatus* status) {
  NativeLogReader reader(path);
  EventColumns all = EventColumns::drain(reader);
  const NativeLogHeader& header = reader.header();
  if (status) {
    status->header = header;
    status->chunks = reader.chunks_read();
    status->events = reader.events_read();
    status->truncated = reader.truncated();
    status->valid_bytes = reader.offset();
    status->file_size = reader.file_size();
  }
  TSEvent::Options options;
  options.num_channels = header.num_channels;
  options.t_start = header.t_start;
  options.t_stop = reader.t_stop();
  options.name = header.name.empty() ? std::filesystem::path(path).filename().string() : header.name;
  try {
    if (header.has_values) return TSEvent(std::move(all.times), std::move(all.channels), std::move(all.values), options);
    return TSEvent(std::move(all.times), std::move(all.channels), options);
  } catch (const InvalidArgument& e) {
    // Only an empty log whose t_stop precedes the default t_start (0) gets here.
    throw FormatError(path, reader.offset(), e.what());
  }
}

}  // namespace rockpool
