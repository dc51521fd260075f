// AEDAT 2.0 (jAER): the format table's row, its streamed reader and writer. Layout, chip
// profiles and rules: doc/formats.md, "AEDAT 2.0".
#include <algorithm>
#include <cctype>
#include <filesystem>

#include "io/aedat.hpp"
#include "io/event_formats.hpp"

namespace rockpool {
namespace {

using namespace aedat;
using Profile = AddressMapping::ChipProfile;

constexpr std::string_view kMagic = "#!AER-DAT2.0\r\n";
constexpr std::int64_t kWrap = std::int64_t{1} << 32;  // the 32-bit µs stamp wraps here

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view profile_name(Profile p) { return p == Profile::kDvs128 ? "DVS128" : "DAVIS"; }

class Aedat2Reader final : public AedatReader {
 public:
  Aedat2Reader(const std::string& path, const EventReaderOptions& options) : AedatReader(path, options) {
    if (in_.read_line(kMagic.size(), "AEDAT 2.0 header") != kMagic) {
      in_.fail(0, "not an AEDAT 2.0 file (its first line is not #!AER-DAT2.0 ending in CR LF)");
    }
    std::string chip;  // the # AEChip: line's value
    std::uint64_t chip_at = 0;
    while (in_.peek() == '#') {
      const std::uint64_t at = in_.offset();
      std::string line = in_.read_line(kMaxHeaderLine, "AEDAT 2.0 header");
      while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
      const auto key = line.find("AEChip:");
      if (key != std::string::npos && key <= 2) {
        chip = line.substr(key + 7);
        while (!chip.empty() && chip.front() == ' ') chip.erase(0, 1);
        chip_at = at;
      }
    }
    body_ = in_.offset();
    const AddressMapping& m = options.address_mapping;
    profile_ = m.chip_profile;
    if (profile_ == Profile::kFromHeader) {
      const std::string c = lower(chip);
      if (chip.empty()) {
        in_.fail(body_, "no `# AEChip:` header line says which chip's address layout the events have: give it "
                        "(--chip-profile dvs128|davis)");
      }
      if (c.find("dvs128") != std::string::npos || c.find("tmpdiff128") != std::string::npos) {
        profile_ = Profile::kDvs128;
      } else if (c.find("davis") != std::string::npos) {
        profile_ = Profile::kDavis;
      } else {
        in_.fail(chip_at, "AEChip " + chip + " has no known address layout: give it (--chip-profile dvs128|davis)");
      }
    }
    std::optional<std::pair<std::uint32_t, std::uint32_t>> size;
    if (m.width && m.height) {
      size = std::pair{*m.width, *m.height};
    } else if (profile_ == Profile::kDvs128) {
      size = std::pair{128u, 128u};
    } else {
      size = sensor_size_in(chip);
      if (!size) in_.fail(chip_at, "the DAVIS sensor size is not known from the AEChip line: give it (--sensor WxH)");
    }
    if (profile_ == Profile::kDvs128 && (size->first > 128 || size->second > 128)) {
      in_.fail(chip_at, "a DVS128 has at most 128x128 pixels");
    }
    camera_.emplace(reader_camera(in_, chip_at, size->first, size->second, m.polarity));
    info_.format = EventFileFormat::kAedat2;
    info_.name = std::filesystem::path(path).filename().string();
    info_.source = "AEDAT 2.0 (jAER), " + std::string(profile_name(profile_)) + " address layout" +
                   (chip.empty() ? std::string() : ", AEChip " + chip);
    info_.file_ticks_per_second = 1'000'000;
    info_.addresses = EventStreamInfo::Addresses::kCamera;
    info_.address_mapping = m;
    info_.address_mapping.chip_profile = profile_;
    info_.address_mapping.width = size->first;
    info_.address_mapping.height = size->second;
    info_.num_channels = camera_->num_channels();
  }

  bool fill(std::size_t room) override {
    const std::uint64_t left = in_.size() - in_.offset();
    if (left == 0) return false;
    if (left < 8) {
      in_.fail(in_.offset(), "truncated record: " + std::to_string(left) + " bytes after the last whole 8-byte record");
    }
    decode(static_cast<std::size_t>(std::min<std::uint64_t>({left / 8, room, 65536})));
    return true;
  }

 private:
  void decode(std::size_t n) {
    const std::uint64_t at = in_.offset();
    const auto bytes = in_.take(8 * n, "record");
    for (std::size_t k = 0; k < n; ++k) {
      const std::uint64_t where = at + 8 * k;
      const std::uint32_t address = be32(bytes.data() + 8 * k);
      const std::uint32_t stamp = be32(bytes.data() + 8 * k + 4);
      std::uint32_t x = 0, y = 0;
      bool on = false;
      if (profile_ == Profile::kDvs128) {
        if (address & 0x8000) {  // an external input event, not a pixel
          ++skipped_;
          continue;
        }
        // jAER renders x mirrored and y upwards; flipped here to top-left image axes.
        on = address & 1;
        x = 127 - ((address >> 1) & 0x7F);
        y = 127 - ((address >> 8) & 0x7F);
        if (x >= camera_->width || y >= camera_->height) out_of_range(where, x, y);
      } else {
        if ((address & 0x80000000u) || (address & 0x400)) {  // an APS sample, or IMU / special
          ++skipped_;
          continue;
        }
        on = (address >> 11) & 1;
        x = (address >> 12) & 0x3FF;
        const std::uint32_t y_up = (address >> 22) & 0x1FF;
        if (x >= camera_->width || y_up >= camera_->height) out_of_range(where, x, y_up);
        y = camera_->height - 1 - y_up;
      }
      // Unwrap the 32-bit stamp: a fall of more than 2^31 µs is a wrap, a smaller one an error.
      if (last_stamp_ && stamp < *last_stamp_) {
        if (*last_stamp_ - stamp > 0x80000000u) {
          if (epoch_ > (std::int64_t{1} << 60)) in_.fail(where + 4, "more than 2^28 time stamp wraps");
          epoch_ += kWrap;
        } else {
          in_.fail(where + 4, "time stamps go backwards: " + std::to_string(stamp) + " µs after " +
                                  std::to_string(*last_stamp_) + " µs (not a 32-bit wrap)");
        }
      }
      last_stamp_ = stamp;
      const std::optional<Channel> channel = camera_->channel(x, y, on);
      if (!channel) {
        ++dropped_;
        continue;
      }
      times_.push_back(micros_to_time(epoch_ + stamp, in_, where + 4));
      channels_.push_back(*channel);
    }
  }

  [[noreturn]] void out_of_range(std::uint64_t where, std::uint32_t x, std::uint32_t y) const {
    in_.fail(where, "pixel x " + std::to_string(x) + ", y " + std::to_string(y) + " (as stored) is outside the " +
                        std::to_string(camera_->width) + "x" + std::to_string(camera_->height) + " sensor");
  }

  Profile profile_ = Profile::kFromHeader;
  std::optional<CameraMap> camera_;
  std::uint64_t body_ = 0;
  std::int64_t epoch_ = 0;
  std::optional<std::uint32_t> last_stamp_;
};

// Writes camera events in the DVS128 layout (a 128x128 sensor, or --chip-profile dvs128)
// or the DAVIS layout (any other size up to 1024x512).
class Aedat2Writer final : public AddressEventWriter {
 public:
  Aedat2Writer(const std::string& path, const EventStreamInfo& info, const std::string& temp_path)
      : AddressEventWriter(path, temp_path, info, "Aedat2Writer"), camera_(writer_camera(info, "AEDAT 2.0")) {
    profile_ = info.address_mapping.chip_profile;
    if (profile_ == Profile::kFromHeader) {
      profile_ = camera_.width == 128 && camera_.height == 128 ? Profile::kDvs128 : Profile::kDavis;
    }
    std::string chip;
    if (profile_ == Profile::kDvs128) {
      if (camera_.width > 128 || camera_.height > 128) throw UsageError("AEDAT 2.0 DVS128 events hold at most 128x128 pixels");
      chip = "ch.unizh.ini.jaer.chip.retina.DVS128";
    } else {
      if (camera_.width > 1024 || camera_.height > 512) throw UsageError("AEDAT 2.0 DAVIS events hold at most 1024x512 pixels");
      const std::string size = std::to_string(camera_.width) + "x" + std::to_string(camera_.height);
      chip = size == "240x180"   ? "eu.seebetter.ini.chips.davis.DAVIS240C"
             : size == "346x260" ? "eu.seebetter.ini.chips.davis.Davis346B"
             : size == "640x480" ? "eu.seebetter.ini.chips.davis.Davis640"
                                 : "eu.seebetter.ini.chips.davis.Davis (rockpool-cpp, sensor " + size + ")";
    }
    out_.write(std::string(kMagic) +
               "# This is a raw AE data file created by rockpool-cpp\r\n"
               "# Data format is int32 address, int32 timestamp (8 bytes total), repeated for each event\r\n"
               "# Timestamps tick is 1 us\r\n"
               "# AEChip: " + chip + "\r\n");
  }

 private:
  void encode(std::span<const std::int64_t> micros, std::span<const Channel> channels) override {
    std::string bytes;
    bytes.reserve(8 * micros.size());
    std::optional<std::int64_t> previous = last_;
    for (std::size_t k = 0; k < micros.size(); ++k) {
      const std::uint64_t index = events_ + k;
      if (!previous && micros[k] >= kWrap) {
        throw InvalidArgument("Aedat2Writer::append", "event " + std::to_string(index) +
                                                          ": a first time stamp beyond 2^32 µs (71.6 min) cannot be "
                                                          "told from a wrapped one in AEDAT 2.0");
      }
      if (previous && micros[k] - *previous > 0x7FFFFFFF) {
        throw InvalidArgument("Aedat2Writer::append", "event " + std::to_string(index) +
                                                          ": a gap of 2^31 µs (35.8 min) or more after the previous "
                                                          "event cannot be told from a wrap in AEDAT 2.0");
      }
      previous = micros[k];
      const CameraMap::Pixel p = camera_.pixel(channels[k], index);
      std::uint32_t address = 0;
      if (profile_ == Profile::kDvs128) {
        address = (p.on ? 1u : 0u) | (127 - p.x) << 1 | (127 - p.y) << 8;
      } else {
        address = (p.on ? 1u : 0u) << 11 | p.x << 12 | (camera_.height - 1 - p.y) << 22;
      }
      put_be32(bytes, address);
      put_be32(bytes, static_cast<std::uint32_t>(micros[k] & 0xFFFFFFFF));
    }
    out_.write(bytes);
    last_ = previous;
  }

  CameraMap camera_;
  Profile profile_ = Profile::kFromHeader;
  std::optional<std::int64_t> last_;
};

bool sniff_aedat2(std::string_view head, const std::string&) { return head.substr(0, 12) == kMagic.substr(0, 12); }

}  // namespace

const EventFormat& aedat2_event_format() {
  static const EventFormat f{EventFileFormat::kAedat2, "aedat2", "aedat2.0 jaer", ".aedat2", sniff_aedat2,
                             open_as<Aedat2Reader>, create_as<Aedat2Writer>};
  return f;
}

}  // namespace rockpool
