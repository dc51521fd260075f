#include "tools/address_options.hpp"

#include <charconv>

#include "engine/error.hpp"

namespace rockpool::cli {
namespace {

std::optional<std::uint32_t> parse_side(std::string_view s) {
  std::uint32_t v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || v == 0) return std::nullopt;
  return v;
}

}  // namespace

void AddressOptions::add_to(boost::program_options::options_description& options) {
  namespace po = boost::program_options;
  options.add_options()("polarity", po::value(&polarity)->default_value("split"),
                        "camera events (x, y, p) to channels: split (channel (y*W+x)*2+p), merge ((y*W+x), "
                        "both polarities), on or off (that polarity only, the other dropped)")(
      "sensor", po::value(&sensor),
      "camera sensor size WIDTHxHEIGHT (default: the file's header; needed to write a camera format)");
}

AddressMapping AddressOptions::mapping() const {
  AddressMapping m;
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
    const auto x = sensor.find('x');
    const auto w = x == std::string::npos ? std::nullopt : parse_side(std::string_view(sensor).substr(0, x));
    const auto h = x == std::string::npos ? std::nullopt : parse_side(std::string_view(sensor).substr(x + 1));
    if (!w || !h) throw UsageError("--sensor must be WIDTHxHEIGHT with positive whole numbers, not '" + sensor + "'");
    m.width = w;
    m.height = h;
  }
  return m;
}

}  // namespace rockpool::cli
