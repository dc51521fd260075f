// The SVG plot writer: nice ticks, tick labels, escaping, and a document that is well-formed
// XML. tests/tools/plot_test.cpp checks the plots `rockpool plot` draws with it.
#include "io/svg_plot.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "engine/error.hpp"
#include "tests/io/svg_check.hpp"
#include "tests/io/temp_path.hpp"

using namespace rockpool;

namespace {

// True if `step` is 1, 2 or 5 times a power of ten (to rounding).
bool is_nice_step(double step) {
  const double exponent = std::floor(std::log10(step) + 1e-9);
  const double mantissa = step / std::pow(10.0, exponent);
  for (const double m : {1.0, 2.0, 5.0}) {
    if (std::abs(mantissa - m) < 1e-9) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("nice_ticks: steps of 1, 2 or 5 x 10^k, by hand") {
  // 0..9.7 in at most 8 ticks: step 1 needs 0..10 (11 ticks), step 2 needs 0..10 (6).
  CHECK(nice_ticks(0, 9.7, 8) == std::vector<double>{0, 2, 4, 6, 8, 10});
  // 0.013..0.048: raw step 0.035/7 = 0.005 fits: 0.010, 0.015, ..., 0.050 is 9 ticks, too
  // many; 0.01 gives 0.01..0.05, 5 ticks.
  const auto t = nice_ticks(0.013, 0.048, 8);
  REQUIRE(t.size() == 5);
  CHECK(t.front() == doctest::Approx(0.01));
  CHECK(t.back() == doctest::Approx(0.05));
  // Negative ranges: -7..3 with step 2 is -8..4 (7 ticks).
  CHECK(nice_ticks(-7, 3, 8) == std::vector<double>{-8, -6, -4, -2, 0, 2, 4});
  // A single value is widened (by a tenth of it, here 0.5), not a zero-width axis.
  const auto single = nice_ticks(5, 5, 8);
  CHECK(single.front() <= 4.5);
  CHECK(single.back() >= 5.5);
  // Counts: no step below 1 with min_step 1.
  CHECK(nice_ticks(0, 2, 8, 1.0) == std::vector<double>{0, 1, 2});
  CHECK(nice_ticks(0, 2, 8) == std::vector<double>{0, 0.5, 1, 1.5, 2});
  CHECK_THROWS_AS(nice_ticks(1, 0), InvalidArgument);
  CHECK_THROWS_AS(nice_ticks(0, NAN), InvalidArgument);
}

TEST_CASE("nice_ticks: for random ranges the ticks are nice, evenly spaced, few, and cover the range") {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> exponent(-9, 9), unit(-1, 1);
  for (int trial = 0; trial < 2000; ++trial) {
    const double scale = std::pow(10.0, exponent(rng));
    double lo = unit(rng) * scale, hi = unit(rng) * scale;
    if (lo > hi) std::swap(lo, hi);
    const int max_ticks = 3 + trial % 10;
    const auto ticks = nice_ticks(lo, hi, max_ticks);
    const double step = nice_step(lo, hi, max_ticks);
    INFO("range ", lo, " .. ", hi, ", max ", max_ticks);
    REQUIRE(ticks.size() >= 2);
    CHECK(static_cast<int>(ticks.size()) <= max_ticks);
    CHECK(is_nice_step(step));
    CHECK(ticks.front() <= lo + 1e-9 * step);
    CHECK(ticks.back() >= hi - 1e-9 * step);
    for (std::size_t k = 0; k < ticks.size(); ++k) {
      // Each tick is a whole multiple of the step.
      CHECK(std::abs(ticks[k] / step - std::round(ticks[k] / step)) < 1e-6);
      if (k) CHECK((ticks[k] - ticks[k - 1]) == doctest::Approx(step).epsilon(1e-9));
    }
  }
}

TEST_CASE("format_tick prints as many decimals as the step needs") {
  CHECK(format_tick(0.30000000000000004, 0.1) == "0.3");
  CHECK(format_tick(1000, 500) == "1000");
  CHECK(format_tick(0.025, 0.005) == "0.025");
  CHECK(format_tick(-0.0, 1) == "0");
  CHECK(format_tick(-2.5, 0.5) == "-2.5");
}

TEST_CASE("xml_escape escapes the five XML specials") {
  CHECK(xml_escape("a<b & \"c\" 'd'>") == "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;");
}

TEST_CASE("SvgPlot: a well-formed document with one element per mark, deterministic, written atomically") {
  SvgPlot plot({.title = "A <title> & more", .x_label = "time (ms)", .y_label = "channel"});
  CHECK_THROWS_AS(plot.add_point(1, 1), InvalidArgument);  // no ranges yet
  plot.set_x_range(0, 9.7);
  plot.set_y_range(0, 3);
  CHECK(plot.x_range() == std::pair<double, double>{0, 10});
  plot.add_point(1, 2);
  plot.add_point(9.7, 0);
  plot.add_bar(0, 2, 3, 3);
  plot.add_cell(2, 4, 0, 1, 0.5, 7);
  const std::vector<std::pair<double, double>> line{{0, 0}, {5, 1}, {10, 3}};
  plot.add_polyline(line, 0);
  CHECK(plot.num_marks() == 5);
  const std::string svg = plot.svg();
  CHECK(test::check_xml(svg) == "");
  CHECK(test::count_substr(svg, "<circle class=\"event\"") == 2);
  CHECK(test::count_substr(svg, "<rect class=\"bar\"") == 1);
  CHECK(test::count_substr(svg, "<rect class=\"cell\"") == 1);
  CHECK(test::count_substr(svg, "<polyline class=\"trace\"") == 1);
  CHECK(svg.find("A &lt;title&gt; &amp; more") != std::string::npos);
  // The x ticks of 0..9.7 (at most 8): 0, 2, ..., 10.
  for (const char* label : {">0<", ">2<", ">4<", ">6<", ">8<", ">10<"}) CHECK(svg.find(label) != std::string::npos);
  CHECK(svg == plot.svg());
  test::TempPath out("plot.svg");
  plot.write(out.path);
  CHECK(test::slurp(out.path) == svg);
  CHECK_THROWS_AS(plot.write("/nonexistent-dir/x.svg"), IoError);
}

TEST_CASE("the XML check itself rejects broken documents") {
  CHECK(test::check_xml("<a><b/></a>") == "");
  CHECK(test::check_xml("<a><b></a>") != "");
  CHECK(test::check_xml("<a x=\"1></a>") != "");
  CHECK(test::check_xml("<a>1 < 2</a>") != "");
  CHECK(test::check_xml("<a>&bogus;</a>") != "");
  CHECK(test::check_xml("<a></a><b></b>") != "");  // two roots
}
