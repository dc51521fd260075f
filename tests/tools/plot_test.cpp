// `rockpool plot`: runs the built CLI and checks the SVG it writes — marks per event, PSTH
// counts computed by hand, nice axis ticks, bounded output, and errors with exit codes.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "io/npz.hpp"
#include "tests/io/svg_check.hpp"
#include "tests/io/temp_path.hpp"
#include "tests/tools/run_cli.hpp"

using namespace rockpool;
using rockpool::test::count_substr;
using rockpool::test::TempPath;

namespace {

using Result = test::CliResult;
using test::rockpool_cli;

// The values of attribute `name` of the elements starting with `element` ("<rect class=\"bar\"").
std::vector<std::string> attributes(const std::string& svg, const std::string& element, const std::string& name) {
  std::vector<std::string> out;
  for (std::size_t p = svg.find(element); p != std::string::npos; p = svg.find(element, p + 1)) {
    const std::size_t end = svg.find('>', p);
    const std::size_t a = svg.find(" " + name + "=\"", p);
    REQUIRE(a < end);
    const std::size_t v = a + name.size() + 3;
    out.push_back(svg.substr(v, svg.find('"', v) - v));
  }
  return out;
}

// The texts of the <text class="x-tick"> (or y-tick) labels.
std::vector<double> tick_values(const std::string& svg, const std::string& cls) {
  std::vector<double> out;
  const std::string start = "<text class=\"" + cls + "\"";
  for (std::size_t p = svg.find(start); p != std::string::npos; p = svg.find(start, p + 1)) {
    const std::size_t gt = svg.find('>', p);
    out.push_back(std::stod(svg.substr(gt + 1, svg.find('<', gt) - gt - 1)));
  }
  return out;
}

bool nice(double step) {
  const double mantissa = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
  return std::abs(mantissa - 1) < 1e-9 || std::abs(mantissa - 2) < 1e-9 || std::abs(mantissa - 5) < 1e-9;
}

// Six events over 0 .. 9.99 ms on channels 0..3.
const char* const kEvents = "t[ms],channel\n0,0\n1,1\n2.5,2\n2.5,0\n7,1\n9.99,3\n";

}  // namespace

TEST_CASE("rockpool plot: a raster has one mark per event, nice ticks covering the data, and is deterministic") {
  TempPath csv("events.csv"), svg("raster.svg");
  test::spit(csv.path, kEvents);
  const Result r = rockpool_cli("plot " + csv.path + " --out " + svg.path);
  REQUIRE(r.exit_code == 0);
  const std::string doc = test::slurp(svg.path);
  CHECK(test::check_xml(doc) == "");
  CHECK(count_substr(doc, "<circle") == 6);
  // Times in ms (the window is 9.99 ms wide): ticks 0, 2, ..., 10 cover 0 .. 9.99.
  const auto x = tick_values(doc, "x-tick");
  REQUIRE(x.size() >= 2);
  CHECK(x.front() <= 0);
  CHECK(x.back() >= 9.99);
  CHECK(nice(x[1] - x[0]));
  for (std::size_t k = 1; k < x.size(); ++k) CHECK(x[k] - x[k - 1] == doctest::Approx(x[1] - x[0]));
  CHECK(doc.find("time (ms)") != std::string::npos);
  // Channels 0..3: integer ticks covering them.
  const auto y = tick_values(doc, "y-tick");
  CHECK(y.front() <= 0);
  CHECK(y.back() >= 3);
  for (const double v : y) CHECK(v == std::round(v));
  // Same input, same bytes.
  TempPath again("raster2.svg");
  REQUIRE(rockpool_cli("plot " + csv.path + " --out " + again.path).exit_code == 0);
  CHECK(test::slurp(again.path) == doc);
  // A channel selection and a window: channels 0-1 in [1 ms, 7 ms] are (1,1), (2.5,0), (7,1).
  REQUIRE(rockpool_cli("plot " + csv.path + " --out " + svg.path + " --channels 0-1 --t0 1ms --t1 7ms").exit_code == 0);
  CHECK(count_substr(test::slurp(svg.path), "<circle") == 3);
}

TEST_CASE("rockpool plot --kind psth: bar heights are the hand-computed counts per bin") {
  TempPath csv("events.csv"), svg("psth.svg");
  test::spit(csv.path, kEvents);
  REQUIRE(rockpool_cli("plot " + csv.path + " --out " + svg.path + " --kind psth --bin 2ms").exit_code == 0);
  std::string doc = test::slurp(svg.path);
  CHECK(test::check_xml(doc) == "");
  // Window 0 .. 9.99 ms in 2 ms bins: 5 bins. [0,2): t=0, 1 -> 2; [2,4): 2.5, 2.5 -> 2;
  // [4,6): 0; [6,8): 7 -> 1; [8,10): 9.99 -> 1.
  const std::vector<double> expected{2, 2, 0, 1, 1};
  auto check_bars = [&](const std::vector<double>& counts) {
    const auto data = attributes(doc, "<rect class=\"bar\"", "data-count");
    const auto heights = attributes(doc, "<rect class=\"bar\"", "height");
    REQUIRE(data.size() == counts.size());
    const double max_count = *std::max_element(counts.begin(), counts.end());
    double max_height = 0;
    for (const auto& h : heights) max_height = std::max(max_height, std::stod(h));
    // The tallest bar reaches the top tick; the y ticks are whole counts.
    const auto y = tick_values(doc, "y-tick");
    for (std::size_t k = 0; k < counts.size(); ++k) {
      CHECK(std::stod(data[k]) == counts[k]);
      // Heights in pixels are proportional to the counts (to the 0.01 px the SVG prints).
      CHECK(std::stod(heights[k]) * max_count == doctest::Approx(max_height * counts[k]).epsilon(1e-3));
    }
    CHECK(y.back() >= max_count);
  };
  check_bars(expected);
  CHECK(doc.find("events per bin (bin 2 ms, all channels)") != std::string::npos);
  // Only channels 1 and 3: t = 1 (bin 0), 7 (bin 3), 9.99 (bin 4).
  REQUIRE(rockpool_cli("plot " + csv.path + " --out " + svg.path + " --kind psth --bin 2ms --channels 1,3").exit_code == 0);
  doc = test::slurp(svg.path);
  check_bars({1, 0, 0, 1, 1});
  CHECK(doc.find("selected channels") != std::string::npos);
  // A bin that would make too many bars is refused as a usage error.
  const Result r = rockpool_cli("plot " + csv.path + " --out " + svg.path + " --kind psth --bin 1ns");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("bins") != std::string::npos);
}

TEST_CASE("rockpool plot: above --max-marks a raster is binned, with every event counted in a cell") {
  TempPath csv("events.csv"), svg("binned.svg");
  test::spit(csv.path, kEvents);
  REQUIRE(rockpool_cli("plot " + csv.path + " --out " + svg.path + " --max-marks 3").exit_code == 0);
  const std::string doc = test::slurp(svg.path);
  CHECK(test::check_xml(doc) == "");
  CHECK(count_substr(doc, "<circle") == 0);
  double total = 0;
  for (const auto& c : attributes(doc, "<rect class=\"cell\"", "data-count")) total += std::stod(c);
  CHECK(total == 6);
  // 400 columns over 9.99 ms, one row per channel: (2.5 ms, channel 2) and (2.5 ms, channel 0)
  // share a column but not a row, so every event has a cell of its own.
  CHECK(count_substr(doc, "<rect class=\"cell\"") == 6);
}

TEST_CASE("rockpool plot --kind traces: a TSContinuous as polylines, split at NaN, decimated when long") {
  TempPath svg("traces.svg");
  // The committed fixture (tools/make_npz_fixtures.py): times 0, 0.5, 1, 2; channel 0 is
  // 0, 0.5, 1, 2; channel 1 is 1, -1, NaN, 3.25 -> one line of 4 points, one of 2, a point.
  const std::string fixture = std::string(ROCKPOOL_SOURCE_ROOT) + "/tests/io/fixtures/tscontinuous.npz";
  Result r = rockpool_cli("plot " + fixture + " --out " + svg.path);  // traces by default
  REQUIRE(r.exit_code == 0);
  std::string doc = test::slurp(svg.path);
  CHECK(test::check_xml(doc) == "");
  const auto lines = attributes(doc, "<polyline", "points");
  REQUIRE(lines.size() == 2);
  CHECK(count_substr(lines[0], ",") == 4);
  CHECK(count_substr(lines[1], ",") == 2);
  CHECK(count_substr(doc, "<circle class=\"trace-point\"") == 1);  // the lone 3.25 after the NaN
  // The y ticks cover -1 .. 3.25.
  const auto y = tick_values(doc, "y-tick");
  CHECK(y.front() <= -1);
  CHECK(y.back() >= 3.25);

  // 100000 samples of one sine period: at most 2 points per pixel column (1000 columns),
  // and the extremes +-1 are kept.
  TempPath npz("sine.npz");
  std::vector<Time> times;
  std::vector<double> samples;
  const std::size_t n = 100000;
  for (std::size_t k = 0; k < n; ++k) {
    times.push_back(Time::from_ticks(static_cast<std::int64_t>(k) * 9000));  // 1 us apart
    samples.push_back(std::sin(2 * M_PI * static_cast<double>(k) / n));
  }
  write_npz_continuous(npz.path, TSContinuous(times, samples, 1));
  r = rockpool_cli("plot " + npz.path + " --out " + svg.path);
  REQUIRE(r.exit_code == 0);
  doc = test::slurp(svg.path);
  const auto sine = attributes(doc, "<polyline", "points");
  REQUIRE(sine.size() == 1);
  const std::size_t points = count_substr(sine[0], ",");
  CHECK(points <= 2000);
  CHECK(points >= 1000);
  CHECK(test::slurp(svg.path).size() < 100000);
}

TEST_CASE("rockpool plot: bad input gives exit code 2 (usage) or 1 (data) with a clear message") {
  TempPath csv("events.csv"), empty("empty.csv"), svg("bad.svg");
  test::spit(csv.path, kEvents);
  test::spit(empty.path, "");
  Result r = rockpool_cli("plot " + csv.path + " --out " + svg.path + " --kind histogram");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("--kind must be raster, psth or traces, not 'histogram'") != std::string::npos);
  r = rockpool_cli("plot " + csv.path);
  CHECK(r.exit_code == 2);  // --out missing
  r = rockpool_cli("plot " + csv.path + " --out " + svg.path + " --channels 3-1");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("runs backwards") != std::string::npos);
  r = rockpool_cli("plot " + empty.path + " --out " + svg.path);
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("no events to plot") != std::string::npos);
  r = rockpool_cli("plot " + csv.path + " --out " + svg.path + " --channels 7");
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("no events to plot in the chosen window and channels") != std::string::npos);
  const std::string continuous = std::string(ROCKPOOL_SOURCE_ROOT) + "/tests/io/fixtures/tscontinuous.npz";
  r = rockpool_cli("plot " + continuous + " --out " + svg.path + " --kind raster");
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("holds a TSContinuous") != std::string::npos);
  CHECK(r.output.find("--kind traces") != std::string::npos);
  r = rockpool_cli("plot " + csv.path + " --out " + svg.path + " --kind traces");
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("not a TSContinuous") != std::string::npos);
  // Nothing was written by the failed runs (the output appears only when complete).
  CHECK(!std::filesystem::exists(svg.path));
}
