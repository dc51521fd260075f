// Tests of io/npz.hpp: Rockpool's .npz time series.
//
// Expected values come from elsewhere: the fixtures under tests/io/fixtures/ were written by
// numpy (tools/make_npz_fixtures.py, which printed the ticks quoted below, computed with exact
// rational arithmetic); hand-built archives use this file's own ZIP/NPY builder with the
// CRC-32 of io/native_log.hpp (its own table, not zlib's); round trips check invariants.
#include "io/npz.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <bit>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <utility>

#include "io/event_file.hpp"
#include "io/native_log.hpp"

#include "tests/io/temp_path.hpp"

using namespace rockpool;
using test::slurp;
using test::spit;
using test::TempPath;

namespace {

const std::string kFixtures = std::string(ROCKPOOL_SOURCE_ROOT) + "/tests/io/fixtures/";

Time tick(std::int64_t n) { return Time::from_ticks(n); }

// --- A stored ZIP and NPY builder of our own, from the specs (APPNOTE 4.3.7, 4.3.12, 4.3.16;
// numpy's format.py documentation), to hand-craft good and bad archives.
std::string le(std::uint64_t v, int n) {
  std::string out;
  for (int k = 0; k < n; ++k) out.push_back(static_cast<char>((v >> (8 * k)) & 0xFF));
  return out;
}
std::uint64_t get_le(const std::string& b, std::size_t at, int n) {
  std::uint64_t v = 0;
  for (int k = n - 1; k >= 0; --k) v = (v << 8) | static_cast<unsigned char>(b[at + static_cast<std::size_t>(k)]);
  return v;
}

std::string npy(const std::string& descr, const std::string& shape, const std::string& data,
                const std::string& order = "False") {
  std::string header = "{'descr': '" + descr + "', 'fortran_order': " + order + ", 'shape': " + shape + ", }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  return std::string("\x93NUMPY\x01\x00", 8) + le(header.size(), 2) + header + data;
}
std::string f8(std::initializer_list<double> values) {
  std::string out;
  for (const double v : values) out += le(std::bit_cast<std::uint64_t>(v), 8);
  return out;
}
std::string i8(std::initializer_list<std::int64_t> values) {
  std::string out;
  for (const std::int64_t v : values) out += le(static_cast<std::uint64_t>(v), 8);
  return out;
}

using Members = std::vector<std::pair<std::string, std::string>>;

std::string make_zip(const Members& members) {
  std::string body, cd;
  for (const auto& [name, data] : members) {
    const std::uint32_t crc = rockpool::crc32(data);
    const std::string common = le(20, 2) + le(0, 2) + le(0, 2) + le(0, 2) + le(0x21, 2) + le(crc, 4) +
                               le(data.size(), 4) + le(data.size(), 4) + le(name.size(), 2) + le(0, 2);
    cd += le(0x02014b50, 4) + le(20, 2) + common + le(0, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(body.size(), 4) + name;
    body += le(0x04034b50, 4) + common + name + data;
  }
  return body + cd + le(0x06054b50, 4) + le(0, 2) + le(0, 2) + le(members.size(), 2) + le(members.size(), 2) +
         le(cd.size(), 4) + le(body.size(), 4) + le(0, 2);
}

// A valid TSEvent: 0.5 s ch 1, 1.5 s ch 0; 2 channels; t 0..2 s; named "ev".
Members event_members() {
  return {{"times.npy", npy("<f8", "(2,)", f8({0.5, 1.5}))},
          {"channels.npy", npy("<i8", "(2,)", i8({1, 0}))},
          {"t_start.npy", npy("<f8", "()", f8({0.0}))},
          {"t_stop.npy", npy("<f8", "()", f8({2.0}))},
          {"periodic.npy", npy("|b1", "()", std::string(1, '\0'))},
          {"num_channels.npy", npy("<i8", "()", i8({2}))},
          {"name_ev.npy", npy("<f8", "(0,)", "")},
          {"type_TSEvent.npy", npy("<f8", "(0,)", "")}};
}
Members with(Members m, const std::string& name, const std::string& data) {
  for (auto& [n, d] : m) {
    if (n == name) {
      d = data;
      return m;
    }
  }
  m.emplace_back(name, data);
  return m;
}
Members without(Members m, const std::string& name) {
  std::erase_if(m, [&](const auto& p) { return p.first == name; });
  return m;
}

// The FormatError message of reading `bytes` as events ("" if it reads).
std::string event_error(const std::string& bytes) {
  TempPath f("bad.npz");
  spit(f.path, bytes);
  try {
    read_npz_events(f.path);
  } catch (const FormatError& e) {
    return e.what();
  }
  return "";
}
bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// The members of a stored archive, walked through its local headers (bytes as stored).
std::map<std::string, std::string> stored_members(const std::string& zip) {
  std::map<std::string, std::string> out;
  std::size_t p = 0;
  while (get_le(zip, p, 4) == 0x04034b50) {
    REQUIRE(get_le(zip, p + 8, 2) == 0);  // stored
    const std::size_t size = get_le(zip, p + 18, 4), name_len = get_le(zip, p + 26, 2), extra = get_le(zip, p + 28, 2);
    const std::string name = zip.substr(p + 30, name_len);
    out[name] = zip.substr(p + 30 + name_len + extra, size);
    CHECK(get_le(zip, p + 14, 4) == rockpool::crc32(out[name]));
    p += 30 + name_len + extra + size;
  }
  return out;
}

}  // namespace

// --- Fixtures written by numpy: expected values printed by tools/make_npz_fixtures.py ----

TEST_CASE("a TSEvent saved by np.savez reads with the ticks the fixture script computed") {
  NpzInfo info;
  const TSEvent ev = read_npz_events(kFixtures + "tsevent.npz", &info);
  // make_npz_fixtures.py: 0, 0.1, 0.25, 1/3, 1.5 s -> these ticks (exact, half to even).
  const std::vector<Time> times = {tick(0), tick(900000000), tick(2250000000), tick(3000000000), tick(13500000000)};
  CHECK(std::vector<Time>(ev.times().begin(), ev.times().end()) == times);
  CHECK(std::vector<Channel>(ev.channels().begin(), ev.channels().end()) == std::vector<Channel>{0, 3, 1, 3, 2});
  CHECK(ev.num_channels() == 5);  // more than the highest channel + 1: kept
  CHECK(ev.t_start() == tick(0));
  CHECK(ev.t_stop() == tick(18000000000));
  CHECK_FALSE(ev.periodic());
  CHECK(ev.name() == "spikes");
  CHECK_FALSE(ev.has_values());
  CHECK(info.kind == NpzSeriesKind::kEvent);
  CHECK_FALSE(info.legacy_keys);
  CHECK(info.members == 8);
  CHECK_FALSE(info.any_deflated);
  CHECK(info.ignored_members.empty());
  // The script: max rounding 1.665335e-07 ticks, at 1/3 s.
  CHECK(info.max_rounding_ticks == doctest::Approx(1.665335e-07).epsilon(1e-6));
  CHECK(info.max_rounding_at == "times[3]");
}

TEST_CASE("a TSEvent saved by np.savez_compressed (deflate, UTF-8 name, periodic) reads") {
  NpzInfo info;
  const TSEvent ev = read_npz_events(kFixtures + "tsevent_compressed.npz", &info);
  // Values printed by make_npz_fixtures.py.
  REQUIRE(ev.size() == 50);
  CHECK(ev.times()[0] == tick(-4500000000));
  CHECK(ev.times()[1] == tick(-4389300000));
  CHECK(ev.times()[49] == tick(924300000));
  std::int64_t tick_sum = 0, channel_sum = 0;
  for (const Time t : ev.times()) tick_sum += t.ticks();
  for (const Channel c : ev.channels()) channel_sum += c;
  CHECK(tick_sum == -89392500000);
  CHECK(channel_sum == 248);
  CHECK(ev.num_channels() == 11);
  CHECK(ev.t_start() == tick(-4500000000));
  CHECK(ev.t_stop() == tick(9000000000));
  CHECK(ev.periodic());
  CHECK(ev.name() == "\xCE\x94t Str\xC3\xB6me");  // "Δt Ströme" in UTF-8
  CHECK(info.any_deflated);
  CHECK(info.max_rounding_ticks == doctest::Approx(5.323741e-07).epsilon(1e-6));
}

TEST_CASE("a TSContinuous saved by np.savez reads with its samples, NaN included") {
  NpzInfo info;
  const TSContinuous ts = read_npz_continuous(kFixtures + "tscontinuous.npz", &info);
  const std::vector<Time> times = {tick(0), tick(4500000000), tick(9000000000), tick(18000000000)};
  CHECK(std::vector<Time>(ts.times().begin(), ts.times().end()) == times);
  REQUIRE(ts.num_channels() == 2);
  const std::vector<double> expected = {0.0, 1.0, 0.5, -1.0, 1.0, NAN, 2.0, 3.25};
  for (std::size_t k = 0; k < expected.size(); ++k) {
    if (std::isnan(expected[k])) {
      CHECK(std::isnan(ts.samples()[k]));
    } else {
      CHECK(ts.samples()[k] == expected[k]);
    }
  }
  CHECK(ts.t_start() == tick(0));
  CHECK(ts.t_stop() == tick(22500000000));
  CHECK(ts.interpolation() == Interpolation::kLinear);
  CHECK_FALSE(ts.periodic());
  CHECK(ts.name() == "rates");
  CHECK(info.kind == NpzSeriesKind::kContinuous);
  CHECK(info.max_rounding_ticks == 0);  // every time a whole number of ticks
  CHECK(info.max_rounding_at.empty());
}

TEST_CASE("a TSContinuous saved by np.savez_compressed reads (previous, periodic)") {
  const TSContinuous ts = read_npz_continuous(kFixtures + "tscontinuous_compressed.npz");
  REQUIRE(ts.num_samples() == 100);
  REQUIRE(ts.num_channels() == 3);
  // Printed by make_npz_fixtures.py (samples as hex floats: exact).
  CHECK(ts.times()[1] == tick(90000000));
  CHECK(ts.times()[99] == tick(8910000000));
  CHECK(ts.sample(1, 0) == 0x1.0130a1be09379p-4);
  CHECK(ts.sample(37, 2) == 0x1.465c6feb501bdp-1);
  CHECK(ts.sample(99, 1) == -0x1.00aeb5da15bd8p-3);
  CHECK(ts.interpolation() == Interpolation::kPrevious);
  CHECK(ts.periodic());
  CHECK(ts.name() == "sine");
  CHECK(ts.t_stop() == tick(9000000000));
}

TEST_CASE("the older Rockpool keys (str_type, name) and narrow dtypes read; extra members are ignored") {
  NpzInfo info;
  const TSEvent ev = read_npz_events(kFixtures + "tsevent_legacy.npz", &info);
  // float32 times 0.125, 0.2f, 0.3f -> ticks printed by make_npz_fixtures.py.
  const std::vector<Time> times = {tick(1125000000), tick(1800000027), tick(2700000107)};
  CHECK(std::vector<Time>(ev.times().begin(), ev.times().end()) == times);
  CHECK(std::vector<Channel>(ev.channels().begin(), ev.channels().end()) == std::vector<Channel>{2, 0, 1});
  CHECK(ev.t_start() == tick(900000000));
  CHECK(ev.t_stop() == tick(4500000000));
  CHECK(ev.name() == "old one");
  CHECK(info.legacy_keys);
  CHECK(info.ignored_members == std::vector<std::string>{"trial_start_times.npy"});
  CHECK(info.max_rounding_ticks == doctest::Approx(2.883606e-01).epsilon(1e-6));
  CHECK(info.max_rounding_at == "times[2]");
}

// --- Detection ---------------------------------------------------------------------------

TEST_CASE("a Rockpool npz is recognised by its members, whatever its name") {
  TempPath f("looks_like.csv");
  spit(f.path, slurp(kFixtures + "tsevent_compressed.npz"));
  CHECK(detect_format(f.path) == EventFileFormat::kNpz);
  CHECK(probe_npz(f.path) == NpzSeriesKind::kEvent);
  CHECK(read_events(f.path).size() == 50);
  CHECK(format_name(EventFileFormat::kNpz) == "npz");

  spit(f.path, slurp(kFixtures + "tscontinuous.npz"));
  CHECK(detect_format(f.path) == EventFileFormat::kNpz);
  CHECK(probe_npz(f.path) == NpzSeriesKind::kContinuous);
  try {
    read_events(f.path);
    FAIL("a TSContinuous read as events");
  } catch (const FormatError& e) {
    CHECK(contains(e.what(), "holds a Rockpool TSContinuous, not a TSEvent"));
  }
  spit(f.path, slurp(kFixtures + "tsevent_legacy.npz"));
  CHECK(detect_format(f.path) == EventFileFormat::kNpz);
}

TEST_CASE("other ZIP archives are refused by name, listing their members") {
  const std::string other = kFixtures + "not_timeseries.npz";
  CHECK_FALSE(probe_npz(other).has_value());
  CHECK(npz_member_names(other) == std::vector<std::string>{"x.npy", "y.npy"});
  try {
    detect_format(other);
    FAIL("not refused");
  } catch (const FormatError& e) {
    CHECK(contains(e.what(), "ZIP archive (numpy .npz) that is not a Rockpool time series"));
    CHECK(contains(e.what(), "x.npy, y.npy"));
  }
  CHECK(contains(event_error(slurp(other)), "not a Rockpool time series"));
  // An empty archive: just the end record.
  TempPath f("empty.zip");
  spit(f.path, le(0x06054b50, 4) + std::string(18, '\0'));
  CHECK_THROWS_WITH_AS(detect_format(f.path), doctest::Contains("members: none"), FormatError);
}

// --- Round trips ---------------------------------------------------------------------------

TEST_CASE("TSEvent round trips through npz, stored and deflated, values and names included") {
  std::mt19937_64 rng(7);
  std::vector<Time> times;
  std::vector<Channel> channels;
  std::vector<double> values;
  std::int64_t t = -(std::int64_t{1} << 40);
  for (int k = 0; k < 3000; ++k) {
    t += static_cast<std::int64_t>(rng() % 100000);  // arbitrary ticks, many not whole ns
    times.push_back(tick(t));
    channels.push_back(static_cast<Channel>(rng() % 300));
    values.push_back(static_cast<double>(static_cast<std::int64_t>(rng() % 2001) - 1000) / 7.0);
  }
  // Exact on reading back up to 2^52 ticks (npz.hpp): stay inside, with a margin.
  const TSEvent original(times, channels, values,
                         {.num_channels = 1000, .t_start = times.front() - ticks(5), .t_stop = tick(std::int64_t{1} << 51),
                          .periodic = true, .name = "r\xC3\xA9seau/out"});
  for (const bool compress : {false, true}) {
    CAPTURE(compress);
    TempPath f("rt.npz");
    write_npz_events(f.path, original, {.compress = compress});
    CHECK_FALSE(std::filesystem::exists(f.path + ".tmp"));
    NpzInfo info;
    const TSEvent back = read_npz_events(f.path, &info);
    CHECK(info.any_deflated == compress);
    CHECK(std::equal(back.times().begin(), back.times().end(), original.times().begin(), original.times().end()));
    CHECK(std::equal(back.channels().begin(), back.channels().end(), original.channels().begin(),
                     original.channels().end()));
    CHECK(std::equal(back.values().begin(), back.values().end(), original.values().begin(), original.values().end()));
    CHECK(back.num_channels() == 1000);
    CHECK(back.t_start() == original.t_start());
    CHECK(back.t_stop() == original.t_stop());
    CHECK(back.periodic());
    CHECK(back.name() == original.name());
  }
  TempPath empty("empty.npz");
  write_npz_events(empty.path, TSEvent());
  const TSEvent e = read_npz_events(empty.path);
  CHECK(e.empty());
  CHECK(e.num_channels() == 0);
  CHECK(e.name() == "unnamed");
}

TEST_CASE("TSContinuous round trips through npz with every interpolation kind") {
  const std::vector<Time> times = {tick(-7), tick(0), tick(1), tick(9000000001), tick(9000000002)};
  const std::vector<double> samples = {1, -2, 0.1, NAN, 1e300, -0.0, 4, 5, 6, 7};
  for (const Interpolation kind : {Interpolation::kLinear, Interpolation::kPrevious, Interpolation::kNext,
                                   Interpolation::kNearest, Interpolation::kCubic}) {
    CAPTURE(to_string(kind));
    const TSContinuous original(times, samples, 2,
                                {.t_start = tick(-9), .t_stop = tick(9000000100), .name = "v", .interpolation = kind});
    TempPath f("ts.npz");
    write_npz_continuous(f.path, original, {.compress = kind == Interpolation::kCubic});
    const TSContinuous back = read_npz_continuous(f.path);
    CHECK(std::equal(back.times().begin(), back.times().end(), times.begin(), times.end()));
    REQUIRE(back.samples().size() == samples.size());
    for (std::size_t k = 0; k < samples.size(); ++k) {
      CHECK(std::bit_cast<std::uint64_t>(back.samples()[k]) == std::bit_cast<std::uint64_t>(samples[k]));
    }
    CHECK(back.interpolation() == kind);
    CHECK(back.t_start() == tick(-9));
    CHECK(back.t_stop() == tick(9000000100));
    CHECK(back.name() == "v");
  }
  TempPath empty("empty_ts.npz");
  write_npz_continuous(empty.path, TSContinuous());
  CHECK(read_npz_continuous(empty.path).empty());
}

TEST_CASE("write_events and convert_events speak npz") {
  TempPath npz("conv.npz"), rpl("conv.rpl"), back("back.npz");
  const TSEvent ev({tick(9), tick(18)}, {2, 0}, {.num_channels = 3, .name = "c"});
  write_events(npz.path, ev, EventFileFormat::kNpz);
  CHECK(detect_format(npz.path) == EventFileFormat::kNpz);
  const ConversionResult r = convert_events(npz.path, rpl.path, EventFileFormat::kNative);
  CHECK(r.from == EventFileFormat::kNpz);
  CHECK(r.events == 2);
  convert_events(rpl.path, back.path, EventFileFormat::kNpz);
  const TSEvent again = read_npz_events(back.path);
  CHECK(std::vector<Time>(again.times().begin(), again.times().end()) == std::vector<Time>{tick(9), tick(18)});
  CHECK(again.num_channels() == 3);
}

// --- Byte level ------------------------------------------------------------------------------

TEST_CASE("the writer's members are byte for byte what numpy wrote for the same series") {
  // tsevent.npz was written by np.savez; its times are whole ticks' nearest doubles, so the
  // series read from it writes back to the very same NPY members (only the ZIP framing differs:
  // numpy adds ZIP64 extra fields to its local headers).
  const std::string fixture = kFixtures + "tsevent.npz";
  TempPath f("same.npz");
  write_npz_events(f.path, read_npz_events(fixture));
  const std::string ours = slurp(f.path);
  const auto theirs_members = stored_members(slurp(fixture));
  const auto our_members = stored_members(ours);
  CHECK(our_members == theirs_members);
  REQUIRE(our_members.size() == 8);
  // The NPY header as numpy's format.py pads it: data on a 64-byte boundary.
  const std::string& times = our_members.at("times.npy");
  CHECK(times.substr(0, 10) == std::string("\x93NUMPY\x01\x00\x76\x00", 10));
  const std::string dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (5,), }";
  CHECK(times.substr(10, dict.size()) == dict);
  CHECK(times.substr(10 + dict.size(), 128 - 11 - dict.size()) == std::string(128 - 11 - dict.size(), ' '));
  CHECK(times[127] == '\n');
  CHECK(times.size() == 128 + 5 * 8);
  CHECK(std::bit_cast<double>(get_le(times, 128 + 8, 8)) == 0.1);
  // ZIP framing: members in Rockpool's order, date 1980-01-01, stored, end record.
  CHECK(ours.substr(0, 4) == "PK\x03\x04");
  CHECK(get_le(ours, 12, 2) == 0x0021);
  CHECK(ours.substr(30, 9) == "times.npy");
  const std::size_t end = ours.size() - 22;
  CHECK(get_le(ours, end, 4) == 0x06054b50);
  CHECK(get_le(ours, end + 10, 2) == 8);
  const std::size_t cd = get_le(ours, end + 16, 4);
  std::vector<std::string> order;
  for (std::size_t p = cd; p < end; p += 46 + get_le(ours, p + 28, 2)) order.push_back(ours.substr(p + 46, get_le(ours, p + 28, 2)));
  CHECK(order == std::vector<std::string>{"times.npy", "channels.npy", "t_start.npy", "t_stop.npy", "periodic.npy",
                                          "num_channels.npy", "name_spikes.npy", "type_TSEvent.npy"});
}

TEST_CASE("deflated output: method 8 and the CRC of the inflated bytes") {
  TempPath f("deflated.npz");
  write_npz_events(f.path, TSEvent({tick(0), tick(9)}, {0, 0}, {.name = "z"}), {.compress = true});
  const std::string zip = slurp(f.path);
  CHECK(get_le(zip, 8, 2) == 8);
  // The same series stored: its times.npy is what the deflated member must inflate to.
  TempPath g("stored.npz");
  write_npz_events(g.path, TSEvent({tick(0), tick(9)}, {0, 0}, {.name = "z"}));
  const std::string times = stored_members(slurp(g.path)).at("times.npy");
  CHECK(get_le(zip, 14, 4) == rockpool::crc32(times));
  CHECK(get_le(zip, 22, 4) == times.size());
}

// --- Bad input -----------------------------------------------------------------------------

TEST_CASE("hand-built archives: the builder's valid one reads") {
  TempPath f("ok.npz");
  spit(f.path, make_zip(event_members()));
  const TSEvent ev = read_npz_events(f.path);
  CHECK(ev.size() == 2);
  CHECK(ev.times()[1] == tick(13500000000));
  CHECK(ev.name() == "ev");
  // Big-endian and float32 arrays, integer t_start, Fortran order are numpy's too.
  spit(f.path, make_zip(with(with(event_members(), "times.npy", npy(">f8", "(2,)", std::string("\x3f\xe0\0\0\0\0\0\0\x3f\xf8\0\0\0\0\0\0", 16))),
                            "t_start.npy", npy("<i8", "()", i8({0})))));
  CHECK(read_npz_events(f.path).times()[0] == tick(4500000000));
}

TEST_CASE("wrong dtypes, shapes and values are FormatErrors naming the member") {
  const Members good = event_members();
  CHECK(contains(event_error(make_zip(with(good, "times.npy", npy("<i8", "(2,)", i8({0, 1}))))),
                 "member 'times.npy': dtype '<i8', expected float seconds"));
  CHECK(contains(event_error(make_zip(with(good, "times.npy", npy("<c16", "(1,)", std::string(16, '\0'))))),
                 "dtype '<c16' not supported"));
  CHECK(contains(event_error(make_zip(with(good, "times.npy", npy("<f8", "(1, 2)", f8({0.5, 1.5}))))),
                 "expected a 1-d array"));
  CHECK(contains(event_error(make_zip(with(good, "times.npy", npy("<f8", "(3,)", f8({0.5, 1.5}))))),
                 "(truncated)"));
  CHECK(contains(event_error(make_zip(with(good, "times.npy", npy("<f8", "(2,)", f8({0.5, NAN}))))),
                 "times[1] is NaN"));
  CHECK(contains(event_error(make_zip(with(good, "times.npy", npy("<f8", "(2,)", f8({1.5, 0.5}))))),
                 "times not sorted at index 1"));
  CHECK(contains(event_error(make_zip(with(good, "times.npy", npy("<f8", "(2,)", f8({0.5, 1e300}))))),
                 "outside the tick range"));
  CHECK(contains(event_error(make_zip(with(good, "channels.npy", npy("<i8", "(2,)", i8({1, 2}))))),
                 "channels[1] = 2 outside 0 .. num_channels - 1 = 1"));
  CHECK(contains(event_error(make_zip(with(good, "channels.npy", npy("<i8", "(2,)", i8({-1, 0}))))),
                 "channels[0] = -1"));
  CHECK(contains(event_error(make_zip(with(good, "channels.npy", npy("<i8", "(1,)", i8({1}))))),
                 "1 channels for 2 times"));
  CHECK(contains(event_error(make_zip(with(good, "periodic.npy", npy("|b1", "()", "\x02")))), "neither 0 nor 1"));
  CHECK(contains(event_error(make_zip(with(good, "num_channels.npy", npy("<f8", "()", f8({2.0}))))),
                 "expected an integer"));
  CHECK(contains(event_error(make_zip(with(good, "t_stop.npy", npy("<f8", "()", f8({1.0}))))),
                 "the last time follows t_stop"));
  CHECK(contains(event_error(make_zip(without(good, "channels.npy"))), "member 'channels.npy' missing"));
  CHECK(event_error(make_zip(with(good, "times.npy", npy("<f8", "(2,)", f8({0.5, 1.5}), "True")))).empty());
  CHECK(contains(event_error(make_zip(with(good, "times.npy", npy("<f8", "(2,)", f8({0.5, 1.5, 2.5}))))),
                 "8 bytes after the data of shape (2,)"));
  CHECK(contains(event_error(make_zip(with(good, "str_type.npy", npy("<U12", "()", std::string(48, '\0'))))),
                 "holds a Rockpool series of unknown type"));
  // A structured dtype and a header key numpy does not write.
  std::string structured = npy("<f8", "(2,)", f8({0.5, 1.5}));
  structured.replace(structured.find("'<f8'"), 5, "[('a', '<f8')]");
  CHECK(contains(event_error(make_zip(with(good, "times.npy", structured))), "member 'times.npy'"));
}

TEST_CASE("absurd sizes are refused before anything is allocated") {
  // NPY header length 0xFFFF in a 100-byte member.
  std::string times = npy("<f8", "(2,)", f8({0.5, 1.5}));
  times[8] = '\xFF';
  times[9] = '\xFF';
  CHECK(contains(event_error(make_zip(with(event_members(), "times.npy", times))), "header length 65535 runs past"));
  // Version 2 header claiming 4 GiB.
  std::string v2 = std::string("\x93NUMPY\x02\x00", 8) + le(0xFFFFFFF0, 4) + "{}";
  CHECK(contains(event_error(make_zip(with(event_members(), "times.npy", v2))), "absurd NPY header length"));
  // A shape of 2^61 elements: the data must be there first.
  CHECK(contains(event_error(make_zip(with(event_members(), "times.npy", npy("<f8", "(2305843009213693952,)", "")))),
                 "(truncated)"));
  // The end record claims 60000 members in a small central directory.
  std::string zip = make_zip(event_members());
  const std::size_t end = zip.size() - 22;
  zip.replace(end + 8, 4, le(60000, 2) + le(60000, 2));
  CHECK(contains(event_error(zip), "absurd member count"));
  // A deflated member claiming 4 GB from a few bytes (a zip bomb's header).
  std::string bomb = slurp(kFixtures + "tsevent_compressed.npz");
  const std::size_t cd = get_le(bomb, bomb.size() - 6, 4);
  bomb.replace(cd + 24, 4, le(0xFFFFFFF0, 4));
  bomb.replace(22, 4, le(0xFFFFFFF0, 4));  // and the local header's copy
  CHECK(contains(event_error(bomb), "absurd size"));
}

TEST_CASE("a corrupted CRC or member byte is a FormatError") {
  std::string zip = slurp(kFixtures + "tsevent.npz");
  std::string bad = zip;
  bad[zip.find("NUMPY") + 130] ^= 0x01;  // a byte of the times data
  CHECK(contains(event_error(bad), "member 'times.npy': CRC mismatch (stored 0x"));
  bad = zip;
  const std::size_t cd = get_le(zip, zip.size() - 6, 4);
  bad[cd + 16] ^= 0x01;  // the central directory's CRC of times.npy
  CHECK(contains(event_error(bad), "CRC"));
  std::string deflated = slurp(kFixtures + "tsevent_compressed.npz");
  deflated[60] ^= 0x55;  // inside the first member's deflate stream
  const std::string e = event_error(deflated);
  CHECK((contains(e, "CRC mismatch") || contains(e, "deflate")));
}

TEST_CASE("files cut at any offset, or cut inside a member with the directory kept, fail cleanly") {
  for (const char* name : {"tsevent.npz", "tsevent_compressed.npz", "tscontinuous_compressed.npz"}) {
    CAPTURE(name);
    const std::string zip = slurp(kFixtures + name);
    TempPath f("cut.npz");
    const bool continuous = std::string(name).find("tscontinuous") == 0;
    auto read_fails = [&](const std::string& bytes) {
      spit(f.path, bytes);
      try {
        if (continuous) {
          read_npz_continuous(f.path);
        } else {
          read_npz_events(f.path);
        }
      } catch (const FormatError&) {
        return true;
      }
      return false;
    };
    std::size_t failures = 0;
    for (std::size_t cut = 0; cut < zip.size(); ++cut) failures += read_fails(zip.substr(0, cut));
    CHECK(failures == zip.size());
    // Keep the central directory and end record, drop member bytes before it.
    const std::size_t cd = get_le(zip, zip.size() - 6, 4);
    failures = 0;
    for (std::size_t cut = 0; cut < cd; cut += 7) {
      std::string bytes = zip.substr(0, cut) + zip.substr(cd);
      bytes.replace(bytes.size() - 6, 4, le(cut, 4));
      failures += read_fails(bytes);
    }
    CHECK(failures == (cd + 6) / 7);
  }
}

TEST_CASE("every single-byte corruption reads or fails with FormatError, never anything else") {
  for (const char* name : {"tsevent.npz", "tsevent_compressed.npz", "tsevent_legacy.npz"}) {
    CAPTURE(name);
    const std::string zip = slurp(kFixtures + name);
    TempPath f("flip.npz");
    std::size_t errors = 0;
    for (std::size_t k = 0; k < zip.size(); ++k) {
      std::string bytes = zip;
      bytes[k] = static_cast<char>(bytes[k] ^ 0xA5);
      spit(f.path, bytes);
      try {
        read_npz_events(f.path);
      } catch (const FormatError&) {
        ++errors;
      }
    }
    CHECK(errors > zip.size() / 2);  // most bytes are CRC-covered or structural
  }
}

TEST_CASE("unsupported interpolation kinds and names a ZIP member cannot carry are refused") {
  Members m = {{"times.npy", npy("<f8", "(1,)", f8({0.0}))},
               {"samples.npy", npy("<f8", "(1, 1)", f8({1.0}))},
               {"t_start.npy", npy("<f8", "()", f8({0.0}))},
               {"t_stop.npy", npy("<f8", "()", f8({0.0}))},
               {"interp_kind_quadratic.npy", npy("<f8", "(0,)", "")},
               {"periodic.npy", npy("|b1", "()", std::string(1, '\0'))},
               {"type_TSContinuous.npy", npy("<f8", "(0,)", "")}};
  TempPath f("interp.npz");
  spit(f.path, make_zip(m));
  CHECK_THROWS_WITH_AS(read_npz_continuous(f.path), doctest::Contains("interpolation kind 'quadratic' not supported"),
                       FormatError);
  spit(f.path, make_zip(without(m, "interp_kind_quadratic.npy")));
  const TSContinuous ts = read_npz_continuous(f.path);
  CHECK(ts.interpolation() == Interpolation::kLinear);  // Rockpool's default
  CHECK(ts.name() == "unnamed");
  CHECK_THROWS_AS(write_npz_events(f.path, TSEvent({}, {}, {.name = std::string("a\0b", 3)})), InvalidArgument);
  CHECK_THROWS_AS(write_npz_events(f.path, TSEvent({}, {}, {.name = "\xFF"})), InvalidArgument);
}

// Not a check: with ROCKPOOL_NPZ_OUT=DIR this writes sample files there for
// `/usr/bin/python3 tools/make_npz_fixtures.py --check DIR/*.npz` (doc/formats.md).
TEST_CASE("sample files for the numpy check (only with ROCKPOOL_NPZ_OUT)") {
  const char* dir = std::getenv("ROCKPOOL_NPZ_OUT");
  if (!dir) return;
  const std::string d(dir);
  const TSEvent ev({tick(0), tick(900000000), tick(900000001)}, {1, 0, 2}, {.num_channels = 4, .t_stop = tick(9000000000),
                                                                     .periodic = true, .name = "cpp spikes \xC3\xA9"});
  write_npz_events(d + "/cpp_tsevent.npz", ev);
  write_npz_events(d + "/cpp_tsevent_compressed.npz", ev, {.compress = true});
  write_npz_events(d + "/cpp_tsevent_empty.npz", TSEvent());
  const TSContinuous ts({tick(0), tick(4500000000), tick(9000000000)}, {0, 1, 2, 3, NAN, 5}, 2,
                        {.name = "cpp signal", .interpolation = Interpolation::kNearest});
  write_npz_continuous(d + "/cpp_tscontinuous.npz", ts);
  write_npz_continuous(d + "/cpp_tscontinuous_compressed.npz", ts, {.compress = true});
}
