// svg_plot.hpp: a small 2-D plot written straight to SVG — axes, "nice" ticks, labels,
// a title, and marks (points, bars, cells, polylines) in data coordinates.
//
// Use it for figures a command line tool writes without a plotting library: spike
// rasters, PSTHs, traces (`rockpool plot`, tools/plot_command.cpp). The output is plain
// SVG 1.1 text, deterministic (same marks, same bytes: fixed-point numbers with two
// decimals, no dates or ids), written to a temporary file next to the target and renamed
// into place. Marks are drawn in the order added; each carries a class attribute
// ("event", "bar", "cell", "trace") so that a reader (or a test) can find them.
//
//   SvgPlot plot({.title = "spikes", .x_label = "time (ms)", .y_label = "channel"});
//   plot.set_x_range(0, 100);  plot.set_y_range(0, 9);   // extended to nice ticks
//   plot.add_point(12.5, 3);                              // one <circle class="event">
//   plot.write("raster.svg");
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rockpool {

// Tick values for the range [lo, hi]: multiples of a step of 1, 2 or 5 times a power of
// ten, at most `max_ticks` of them (below 3 counts as 3: a range around zero needs -step,
// 0, step), from the largest multiple <= lo to the smallest >= hi, so the ticks cover the
// range. lo == hi is widened by a tenth of its magnitude (by 1 if it is 0). Throws
// InvalidArgument for non-finite bounds or lo > hi.
// `min_step`: no finer step than this (1 for counts and channel numbers).
std::vector<double> nice_ticks(double lo, double hi, int max_ticks = 8, double min_step = 0);

// The step nice_ticks chose (the difference of its first two ticks).
double nice_step(double lo, double hi, int max_ticks = 8, double min_step = 0);

// A tick label: the value with as many decimals as the step needs ("0.25", "-5", "1000").
std::string format_tick(double value, double step);

// Escapes & < > " ' for XML text and attributes.
std::string xml_escape(std::string_view text);

struct SvgPlotOptions {
  std::string title;
  std::string x_label;  // with its unit, e.g. "time (ms)"
  std::string y_label;
  int width = 800;      // pixels, whole image
  int height = 480;
  int max_ticks = 8;    // per axis
  bool y_integer = false;  // y holds counts or channel numbers: tick steps of at least 1
};

class SvgPlot {
 public:
  explicit SvgPlot(SvgPlotOptions options);

  // The data ranges; each is extended outwards to the nice ticks covering it. Required
  // before marks are added (InvalidArgument otherwise).
  void set_x_range(double lo, double hi);
  void set_y_range(double lo, double hi);
  // The ranges after extension to the ticks.
  std::pair<double, double> x_range() const { return {x_lo_, x_hi_}; }
  std::pair<double, double> y_range() const { return {y_lo_, y_hi_}; }

  // One <circle class="event"> at (x, y), radius in pixels.
  void add_point(double x, double y, double radius_px = 1.5);
  // One <rect class="bar"> from (x0, 0) to (x1, height) with data-count = height (a
  // histogram bar; the count is repeated as an attribute for readers).
  void add_bar(double x0, double x1, double height, std::uint64_t count);
  // One <rect class="cell"> spanning [x0, x1] x [y0, y1], opacity in (0, 1] (a binned
  // raster's cell; data-count says how many events it stands for).
  void add_cell(double x0, double x1, double y0, double y1, double opacity, std::uint64_t count);
  // One <polyline class="trace"> through the points, in a colour of a fixed palette chosen
  // by `series` (so series k has the same colour in every plot); a single point becomes a
  // <circle class="trace-point">.
  void add_polyline(std::span<const std::pair<double, double>> points, std::size_t series);
  // A legend entry (small text at the top right), one per call.
  void add_legend(std::string text, std::size_t series);

  std::size_t num_marks() const { return marks_; }
  // The whole document.
  std::string svg() const;
  // Writes svg() to `path` (through `path.tmp-<pid>`, renamed). Throws IoError.
  void write(const std::string& path) const;

 private:
  double px(double x) const;
  double py(double y) const;
  void require_ranges() const;

  SvgPlotOptions options_;
  double x_lo_ = 0, x_hi_ = 0, y_lo_ = 0, y_hi_ = 0;
  double x_step_ = 0, y_step_ = 0;
  bool x_set_ = false, y_set_ = false;
  // Plot area in pixels (left, top, right, bottom).
  double left_, top_, right_, bottom_;
  std::string body_;  // the marks, as SVG text
  std::vector<std::pair<std::string, std::size_t>> legend_;
  std::size_t marks_ = 0;
};

}  // namespace rockpool
