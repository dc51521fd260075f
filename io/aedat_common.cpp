// What the AEDAT readers and writers share (io/aedat.hpp).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>

#include "io/aedat.hpp"
#include "io/event_formats.hpp"

namespace rockpool::aedat {
namespace {

constexpr std::size_t kBufferBytes = 1u << 20;
constexpr std::size_t kWriteBuffer = 1u << 20;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

// ---- input ---------------------------------------------------------------------------

InputFile::InputFile(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw IoError(path, std::string("cannot open for reading: ") + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd_, &st) != 0) {
    const int error = errno;
    ::close(fd_);
    throw IoError(path, std::string("cannot stat: ") + std::strerror(error));
  }
  size_ = static_cast<std::uint64_t>(st.st_size);
  buf_.resize(kBufferBytes);
}

InputFile::~InputFile() {
  if (fd_ >= 0) ::close(fd_);
}

void InputFile::fail(std::uint64_t offset, std::string_view problem) const { throw FormatError(path_, offset, problem); }

bool InputFile::fill(std::size_t want) {
  if (end_ - begin_ >= want) return true;
  if (begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  while (end_ < want) {
    const ssize_t n = ::read(fd_, buf_.data() + end_, buf_.size() - end_);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw IoError(path_, std::string("read failed: ") + std::strerror(errno));
    if (n == 0) return false;
    end_ += static_cast<std::size_t>(n);
    file_pos_ += static_cast<std::uint64_t>(n);
  }
  return true;
}

int InputFile::peek() {
  if (!fill(1)) return -1;
  return std::to_integer<int>(buf_[begin_]);
}

std::span<const std::byte> InputFile::take(std::size_t n, std::string_view what) {
  const std::uint64_t at = offset();
  if (n > buf_.size() || !fill(n)) {
    fail(at, "truncated " + std::string(what) + ": " + std::to_string(n) + " bytes needed, " +
                 std::to_string(size_ > at ? size_ - at : 0) + " left in the file");
  }
  const std::span<const std::byte> out(buf_.data() + begin_, n);
  begin_ += n;
  return out;
}

void InputFile::read_into(std::span<std::byte> out, std::string_view what) {
  const std::uint64_t at = offset();
  if (out.size() > size_ - std::min(size_, at)) {
    fail(at, "truncated " + std::string(what) + ": " + std::to_string(out.size()) + " bytes needed, " +
                 std::to_string(size_ > at ? size_ - at : 0) + " left in the file");
  }
  std::size_t done = 0;
  while (done < out.size()) {
    const std::size_t step = std::min(out.size() - done, buf_.size());
    const auto part = take(step, what);
    std::memcpy(out.data() + done, part.data(), step);
    done += step;
  }
}

void InputFile::skip(std::uint64_t n, std::string_view what) {
  const std::uint64_t at = offset();
  if (n > size_ - std::min(size_, at)) {
    fail(at, "truncated " + std::string(what) + ": " + std::to_string(n) + " bytes declared, " +
                 std::to_string(size_ > at ? size_ - at : 0) + " left in the file");
  }
  const std::size_t buffered = end_ - begin_;
  if (n <= buffered) {
    begin_ += static_cast<std::size_t>(n);
    return;
  }
  const std::uint64_t target = at + n;
  if (::lseek(fd_, static_cast<off_t>(target), SEEK_SET) < 0) {
    throw IoError(path_, std::string("seek failed: ") + std::strerror(errno));
  }
  begin_ = end_ = 0;
  file_pos_ = target;
}

std::string InputFile::read_line(std::size_t max, std::string_view what) {
  const std::uint64_t at = offset();
  std::string line;
  for (;;) {
    if (!fill(1)) fail(at, "truncated " + std::string(what) + ": the file ends inside a header line");
    const auto* first = buf_.data() + begin_;
    const auto* last = buf_.data() + end_;
    const auto* nl = std::find(first, last, std::byte{'\n'});
    const std::size_t n = static_cast<std::size_t>((nl == last ? last : nl + 1) - first);
    if (line.size() + n > max) {
      fail(at, std::string(what) + ": a header line longer than " + std::to_string(max) + " bytes");
    }
    line.append(reinterpret_cast<const char*>(first), n);
    begin_ += n;
    if (nl != last) return line;
  }
}

// ---- output --------------------------------------------------------------------------

OutputFile::OutputFile(std::string path, std::string temp_path) : path_(std::move(path)), temp_path_(std::move(temp_path)) {
  fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd_ < 0) throw IoError(temp_path_, std::string("cannot open for writing: ") + std::strerror(errno));
  pending_.reserve(kWriteBuffer);
}

OutputFile::~OutputFile() {
  if (committed_) return;
  if (fd_ >= 0) ::close(fd_);
  std::error_code ignored;
  std::filesystem::remove(temp_path_, ignored);
}

void OutputFile::write(std::string_view bytes) {
  if (fd_ < 0) throw IoError(temp_path_, "the file is closed (or a write failed)");
  pending_ += bytes;
  written_ += bytes.size();
  if (pending_.size() >= kWriteBuffer) flush();
}

void OutputFile::flush() {
  std::string_view rest = pending_;
  while (!rest.empty()) {
    const ssize_t n = ::write(fd_, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd_);
      fd_ = -1;
      throw IoError(temp_path_, std::string("write failed: ") + std::strerror(error));
    }
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  pending_.clear();
}

void OutputFile::commit() {
  if (fd_ < 0) throw IoError(temp_path_, "the file is closed (or a write failed)");
  flush();
  if (::fsync(fd_) != 0) throw IoError(temp_path_, std::string("fsync failed: ") + std::strerror(errno));
  const int fd = std::exchange(fd_, -1);
  if (::close(fd) != 0) throw IoError(temp_path_, std::string("close failed: ") + std::strerror(errno));
  rename_into_place(temp_path_, path_);
  committed_ = true;
}

void put_le16(std::string& out, std::uint16_t v) {
  out.push_back(static_cast<char>(v & 0xFF));
  out.push_back(static_cast<char>(v >> 8));
}
void put_le32(std::string& out, std::uint32_t v) {
  for (int k = 0; k < 4; ++k) out.push_back(static_cast<char>((v >> (8 * k)) & 0xFF));
}
void put_le64(std::string& out, std::uint64_t v) {
  for (int k = 0; k < 8; ++k) out.push_back(static_cast<char>((v >> (8 * k)) & 0xFF));
}
void put_be32(std::string& out, std::uint32_t v) {
  for (int k = 3; k >= 0; --k) out.push_back(static_cast<char>((v >> (8 * k)) & 0xFF));
}

// ---- time ----------------------------------------------------------------------------

Time micros_to_time(std::int64_t micros, const InputFile& file, std::uint64_t offset) {
  std::int64_t ticks = 0;
  if (__builtin_mul_overflow(micros, kTicksPerMicrosecond, &ticks)) {
    file.fail(offset, "time stamp " + std::to_string(micros) + " µs lies outside the int64 tick range (+-32 years)");
  }
  return Time::from_ticks(ticks);
}

std::int64_t time_to_micros(Time t, std::uint64_t event_index) {
  const std::int64_t ticks = t.ticks();
  if (ticks < 0) {
    throw InvalidArgument("AEDAT writer", "event " + std::to_string(event_index) + ": time " + format_seconds(t) +
                                              " s is negative (AEDAT time stamps are unsigned microseconds)");
  }
  std::int64_t q = ticks / kTicksPerMicrosecond;
  const std::int64_t r = ticks % kTicksPerMicrosecond;
  if (2 * r > kTicksPerMicrosecond || (2 * r == kTicksPerMicrosecond && (q & 1))) ++q;
  return q;
}

std::optional<std::pair<std::uint32_t, std::uint32_t>> sensor_size_in(std::string_view text) {
  // A `WxH` token: digits, 'x', digits, not inside a longer word.
  for (std::size_t k = 0; k < text.size(); ++k) {
    if (!std::isdigit(static_cast<unsigned char>(text[k]))) continue;
    if (k > 0 && std::isalnum(static_cast<unsigned char>(text[k - 1]))) continue;
    std::size_t j = k;
    std::uint64_t w = 0, h = 0;
    while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j])) && w < (1u << 20)) w = w * 10 + (text[j++] - '0');
    if (j >= text.size() || (text[j] != 'x' && text[j] != 'X')) continue;
    std::size_t i = ++j;
    while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j])) && h < (1u << 20)) h = h * 10 + (text[j++] - '0');
    if (j == i || (j < text.size() && std::isalnum(static_cast<unsigned char>(text[j])))) continue;
    if (w > 0 && h > 0 && w < (1u << 16) && h < (1u << 16)) {
      return std::pair{static_cast<std::uint32_t>(w), static_cast<std::uint32_t>(h)};
    }
  }
  const std::string s = lower(text);
  struct Known {
    std::string_view name;
    std::uint32_t w, h;
  };
  static constexpr Known kKnown[] = {{"dvs128", 128, 128},   {"tmpdiff128", 128, 128}, {"davis240", 240, 180},
                                     {"davis346", 346, 260}, {"davis640", 640, 480}};
  for (const Known& k : kKnown) {
    if (s.find(k.name) != std::string::npos) return std::pair{k.w, k.h};
  }
  return std::nullopt;
}

// ---- mappings --------------------------------------------------------------------------

CameraMap::CameraMap(std::uint32_t w, std::uint32_t h, AddressMapping::Polarity p) : width(w), height(h), polarity(p) {
  if (w == 0 || h == 0) throw InvalidArgument("sensor size", "width and height must be positive");
  if (std::uint64_t{w} * h * 2 > std::uint64_t{std::numeric_limits<Channel>::max()} + 1) {
    throw InvalidArgument("sensor size", std::to_string(w) + "x" + std::to_string(h) +
                                             " pixels have more than 2^32 channels");
  }
}

CameraMap reader_camera(const InputFile& file, std::uint64_t offset, std::uint32_t width, std::uint32_t height,
                        AddressMapping::Polarity polarity) {
  try {
    return CameraMap(width, height, polarity);
  } catch (const InvalidArgument& e) {
    file.fail(offset, "sensor size (from the header or --sensor): " + std::string(e.what()));
  }
}

std::size_t CameraMap::num_channels() const {
  const std::size_t pixels = std::size_t{width} * height;
  return polarity == AddressMapping::Polarity::kSplit ? 2 * pixels : pixels;
}

CameraMap::Pixel CameraMap::pixel(Channel c, std::uint64_t event_index) const {
  if (c >= num_channels()) {
    throw OutOfRange("AEDAT writer", "event " + std::to_string(event_index) + ": channel " + std::to_string(c) +
                                         " is beyond the " + std::to_string(width) + "x" + std::to_string(height) +
                                         " sensor (" + std::to_string(num_channels()) + " channels)");
  }
  const bool split = polarity == AddressMapping::Polarity::kSplit;
  const std::uint32_t p = split ? c / 2 : c;
  const bool on = split ? (c & 1) != 0 : polarity != AddressMapping::Polarity::kOffOnly;
  return Pixel{p % width, p / width, on};
}

ChipMap::ChipMap(const AddressMapping& m) : cores_per_chip(m.cores_per_chip), neurons_per_core(m.neurons_per_core) {
  if (cores_per_chip == 0 || neurons_per_core == 0) {
    throw InvalidArgument("AddressMapping", "cores_per_chip and neurons_per_core must be positive");
  }
  if (std::uint64_t{cores_per_chip} * neurons_per_core > std::numeric_limits<Channel>::max()) {
    throw InvalidArgument("AddressMapping", "cores_per_chip * neurons_per_core exceeds the 32-bit channel range");
  }
}

Channel ChipMap::channel(std::uint32_t chip, std::uint32_t core, std::uint32_t neuron, const InputFile& file,
                         std::uint64_t offset) const {
  if (core >= cores_per_chip) {
    file.fail(offset, "core " + std::to_string(core) + " is beyond the mapping's " + std::to_string(cores_per_chip) +
                          " cores per chip");
  }
  if (neuron >= neurons_per_core) {
    file.fail(offset, "neuron " + std::to_string(neuron) + " is beyond the mapping's " +
                          std::to_string(neurons_per_core) + " neurons per core");
  }
  const std::uint64_t c = (std::uint64_t{chip} * cores_per_chip + core) * neurons_per_core + neuron;
  if (c > std::numeric_limits<Channel>::max()) {
    file.fail(offset, "chip " + std::to_string(chip) + " core " + std::to_string(core) + " neuron " +
                          std::to_string(neuron) + " maps beyond channel 2^32 - 1");
  }
  return static_cast<Channel>(c);
}

ChipMap::Neuron ChipMap::neuron(Channel c) const {
  const std::uint32_t per_chip = cores_per_chip * neurons_per_core;
  return Neuron{c / per_chip, (c / neurons_per_core) % cores_per_chip, c % neurons_per_core};
}

// ---- writer base ---------------------------------------------------------------------------

AddressEventWriter::AddressEventWriter(const std::string& path, const std::string& temp_path,
                                       const EventStreamInfo& info, std::string_view who)
    : out_(path, temp_path), info_(info), who_(who) {
  if (info.has_values) throw UsageError("AEDAT files hold no event values: " + std::string(who) + " cannot write them");
}

void AddressEventWriter::append(std::span<const Time> times, std::span<const Channel> channels,
                                std::span<const double> values) {
  if (closed_) throw InvalidArgument(who_ + "::append", "the file is closed");
  if (channels.size() != times.size()) {
    throw DimensionMismatch(who_ + "::append",
                            std::to_string(times.size()) + " times but " + std::to_string(channels.size()) + " channels");
  }
  if (!values.empty()) throw DimensionMismatch(who_ + "::append", "AEDAT files hold no event values");
  micros_.resize(times.size());
  std::optional<Time> previous = last_;
  for (std::size_t k = 0; k < times.size(); ++k) {
    const std::uint64_t index = events_ + k;
    if (previous && times[k] < *previous) {
      throw InvalidArgument(who_ + "::append", "event " + std::to_string(index) + ": time " + format_seconds(times[k]) +
                                                   " s precedes the previous event (times must not decrease)");
    }
    if (info_.t_start && times[k] < *info_.t_start) {
      throw InvalidArgument(who_ + "::append", "event " + std::to_string(index) + ": time precedes t_start");
    }
    if (info_.num_channels != 0 && channels[k] >= info_.num_channels) {
      throw OutOfRange(who_ + "::append", "event " + std::to_string(index) + ": channel " + std::to_string(channels[k]) +
                                              " >= channel count " + std::to_string(info_.num_channels));
    }
    micros_[k] = time_to_micros(times[k], index);
    previous = times[k];
  }
  encode(micros_, channels);
  events_ += times.size();
  last_ = previous;
}

void AddressEventWriter::close(std::optional<Time> t_stop) {
  if (closed_) return;
  if (t_stop && last_ && *t_stop < *last_) throw InvalidArgument(who_ + "::close", "t_stop precedes the last event");
  finish();
  out_.commit();
  closed_ = true;
}

CameraMap writer_camera(const EventStreamInfo& info, std::string_view format) {
  const AddressMapping& m = info.address_mapping;
  if (!m.width || !m.height) {
    throw UsageError(std::string(format) + " camera events need the sensor size (--sensor WxH)");
  }
  return CameraMap(*m.width, *m.height, m.polarity);
}

}  // namespace rockpool::aedat
