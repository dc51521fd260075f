#include "tools/address_options.hpp"

#include <charconv>

#include "engine/error.hpp"

namespace rockpool::cli {
namespace po = boost::program_options;

void add_address_options(po::options_description& options, AddressOptions& v) {
  po::options_description group("address events (AEDAT camera and DynapSE files)");
  group.add_options()(
      "polarity", po::value(&v.polarity)->default_value("split"),
      "camera events to channels: split ((y*W+x)*2+p), merge (y*W+x), on or off (that polarity only, y*W+x)")(
      "sensor", po::value(&v.sensor), "camera sensor size WxH (default: from the file's header); also makes plain "
                                      "channels written to AEDAT camera events")(
      "chip-profile", po::value(&v.chip_profile),
      "AEDAT 2.0 address layout: dvs128 or davis (default: from the file's # AEChip: line)")(
      "cores-per-chip", po::value(&v.cores_per_chip)->default_value(4), "DynapSE events: cores per chip")(
      "neurons-per-core", po::value(&v.neurons_per_core)->default_value(256), "DynapSE events: neurons per core");
  options.add(group);
}

namespace {
std::uint32_t parse_size(std::string_view s, std::string_view what) {
  std::uint32_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v == 0 || v > 65535) {
    throw UsageError("--sensor: " + std::string(what) + " must be a whole number in 1..65535, not '" + std::string(s) + "'");
  }
  return v;
}
}  // namespace

EventReaderOptions AddressOptions::reader_options() const {
  EventReaderOptions o;
  AddressMapping& m = o.address_mapping;
  if (polarity == "split") {
    m.polarity = AddressMapping::Polarity::kSplit;
  } else if (polarity == "merge") {
    m.polarity = AddressMapping::Polarity::kMerge;
  } else if (polarity == "on") {
    m.polarity = AddressMapping::Polarity::kOnOnly;
  } else if (polarity == "off") {
    m.polarity = AddressMapping::Polarity::kOffOnly;
  } else {
    throw UsageError("--polarity must be split, merge, on or off, not '" + polarity + "'");
  }
  if (!sensor.empty()) {
    const auto x = sensor.find_first_of("xX");
    if (x == std::string::npos) throw UsageError("--sensor must be WIDTHxHEIGHT (e.g. 346x260), not '" + sensor + "'");
    m.width = parse_size(std::string_view(sensor).substr(0, x), "the width");
    m.height = parse_size(std::string_view(sensor).substr(x + 1), "the height");
  }
  if (chip_profile == "dvs128") {
    m.chip_profile = AddressMapping::ChipProfile::kDvs128;
  } else if (chip_profile == "davis") {
    m.chip_profile = AddressMapping::ChipProfile::kDavis;
  } else if (!chip_profile.empty()) {
    throw UsageError("--chip-profile must be dvs128 or davis, not '" + chip_profile + "'");
  }
  if (cores_per_chip == 0 || neurons_per_core == 0) {
    throw UsageError("--cores-per-chip and --neurons-per-core must be positive");
  }
  m.cores_per_chip = cores_per_chip;
  m.neurons_per_core = neurons_per_core;
  return o;
}

}  // namespace rockpool::cli
