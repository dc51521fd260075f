#include "io/svg_plot.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "engine/error.hpp"

namespace rockpool {
namespace {

// Fixed-point with two decimals: deterministic, and a hundredth of a pixel is finer than
// any screen. "-0.00" becomes "0.00" so that equal marks give equal bytes.
std::string fixed(double v, int decimals = 2) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s(buf);
  if (s.front() == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

// A slack for the float divisions in tick placement: lo / step may come out as
// 2.9999999999999996 for a true 3.
constexpr double kSlack = 1e-9;
constexpr double kClipMargin = 4;  // pixels

struct TickLayout {
  double step;
  double first;  // index of the first tick (a whole number)
  double last;
};

TickLayout layout(double lo, double hi, int max_ticks, double min_step = 0) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) throw InvalidArgument("plot range", "not finite");
  if (lo > hi) throw InvalidArgument("plot range", "lower bound above upper bound");
  max_ticks = std::max(max_ticks, 3);  // a range around 0 needs -step, 0, step
  if (lo == hi) {
    const double half = lo == 0 ? 1.0 : std::abs(lo) / 10;
    lo -= half;
    hi += half;
  }
  const double raw = (hi - lo) / (max_ticks - 1);
  double base = std::pow(10.0, std::floor(std::log10(std::max(raw, min_step))));
  for (;;) {
    for (const double m : {1.0, 2.0, 5.0}) {
      const double step = m * base;
      if (step < min_step) continue;
      const double first = std::floor(lo / step + kSlack);
      const double last = std::ceil(hi / step - kSlack);
      if (last - first + 1 <= max_ticks) return {step, first, last};
    }
    base *= 10;
  }
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int max_ticks, double min_step) {
  const TickLayout t = layout(lo, hi, max_ticks, min_step);
  std::vector<double> ticks;
  for (double k = t.first; k <= t.last; k += 1) ticks.push_back(k * t.step);
  return ticks;
}

double nice_step(double lo, double hi, int max_ticks, double min_step) {
  return layout(lo, hi, max_ticks, min_step).step;
}

std::string format_tick(double value, double step) {
  // The step is m * 10^k with m in {1, 2, 5}: -k decimals show every tick exactly.
  const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + kSlack)));
  return fixed(value, decimals);
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

SvgPlot::SvgPlot(SvgPlotOptions options) : options_(std::move(options)) {
  if (options_.width < 200 || options_.height < 150) {
    throw InvalidArgument("plot size", "at least 200 x 150 pixels");
  }
  left_ = 80;
  top_ = 40;
  right_ = options_.width - 20.0;
  bottom_ = options_.height - 50.0;
}

void SvgPlot::set_x_range(double lo, double hi) {
  const TickLayout t = layout(lo, hi, options_.max_ticks);
  x_step_ = t.step;
  x_lo_ = t.first * t.step;
  x_hi_ = t.last * t.step;
  x_set_ = true;
}

void SvgPlot::set_y_range(double lo, double hi) {
  const TickLayout t = layout(lo, hi, options_.max_ticks, options_.y_integer ? 1.0 : 0.0);
  y_step_ = t.step;
  y_lo_ = t.first * t.step;
  y_hi_ = t.last * t.step;
  y_set_ = true;
}

void SvgPlot::require_ranges() const {
  if (!x_set_ || !y_set_) throw InvalidArgument("SvgPlot", "set the x and y ranges before adding marks");
}

double SvgPlot::px(double x) const { return left_ + (x - x_lo_) / (x_hi_ - x_lo_) * (right_ - left_); }
double SvgPlot::py(double y) const { return bottom_ - (y - y_lo_) / (y_hi_ - y_lo_) * (bottom_ - top_); }

void SvgPlot::add_point(double x, double y, double radius_px) {
  require_ranges();
  body_ += "<circle class=\"event\" cx=\"" + fixed(px(x)) + "\" cy=\"" + fixed(py(y)) + "\" r=\"" +
           fixed(radius_px) + "\"/>\n";
  ++marks_;
}

void SvgPlot::add_bar(double x0, double x1, double height, std::uint64_t count) {
  require_ranges();
  const double y_top = py(height), y_base = py(0.0);
  body_ += "<rect class=\"bar\" data-count=\"" + std::to_string(count) + "\" x=\"" + fixed(px(x0)) + "\" y=\"" +
           fixed(std::min(y_top, y_base)) + "\" width=\"" + fixed(px(x1) - px(x0)) + "\" height=\"" +
           fixed(std::abs(y_base - y_top)) + "\"/>\n";
  ++marks_;
}

void SvgPlot::add_cell(double x0, double x1, double y0, double y1, double opacity, std::uint64_t count) {
  require_ranges();
  body_ += "<rect class=\"cell\" data-count=\"" + std::to_string(count) + "\" x=\"" + fixed(px(x0)) + "\" y=\"" +
           fixed(py(y1)) + "\" width=\"" + fixed(px(x1) - px(x0)) + "\" height=\"" + fixed(py(y0) - py(y1)) +
           "\" fill-opacity=\"" + fixed(opacity, 3) + "\"/>\n";
  ++marks_;
}

namespace {
// Colours that stay apart for the first series (Tableau 10).
constexpr const char* kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
const char* colour(std::size_t series) { return kPalette[series % std::size(kPalette)]; }
}  // namespace

void SvgPlot::add_polyline(std::span<const std::pair<double, double>> points, std::size_t series) {
  require_ranges();
  if (points.empty()) return;
  if (points.size() == 1) {  // a lone sample (between NaNs): a line of one point would not show
    body_ += "<circle class=\"trace-point\" cx=\"" + fixed(px(points[0].first)) + "\" cy=\"" +
             fixed(py(points[0].second)) + "\" r=\"2.00\" fill=\"" + colour(series) + "\"/>\n";
    ++marks_;
    return;
  }
  body_ += "<polyline class=\"trace\" fill=\"none\" stroke=\"" + std::string(colour(series)) + "\" points=\"";
  for (std::size_t k = 0; k < points.size(); ++k) {
    if (k) body_ += ' ';
    body_ += fixed(px(points[k].first)) + "," + fixed(py(points[k].second));
  }
  body_ += "\"/>\n";
  ++marks_;
}

void SvgPlot::add_legend(std::string text, std::size_t series) { legend_.emplace_back(std::move(text), series); }

std::string SvgPlot::svg() const {
  require_ranges();
  const std::string w = std::to_string(options_.width), h = std::to_string(options_.height);
  std::string s;
  s += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  s += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" + w + "\" height=\"" + h +
       "\" viewBox=\"0 0 " + w + " " + h + "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  s += "<rect class=\"background\" width=\"" + w + "\" height=\"" + h + "\" fill=\"white\"/>\n";
  // Marks are clipped a few pixels outside the axes, so that a point on an edge is whole.
  s += "<defs><clipPath id=\"plot-area\"><rect x=\"" + fixed(left_ - kClipMargin) + "\" y=\"" +
       fixed(top_ - kClipMargin) + "\" width=\"" + fixed(right_ - left_ + 2 * kClipMargin) + "\" height=\"" +
       fixed(bottom_ - top_ + 2 * kClipMargin) + "\"/></clipPath></defs>\n";
  if (!options_.title.empty()) {
    s += "<text class=\"title\" x=\"" + fixed((left_ + right_) / 2) + "\" y=\"24\" text-anchor=\"middle\" "
         "font-size=\"15\">" + xml_escape(options_.title) + "</text>\n";
  }
  // Grid and ticks.
  s += "<g class=\"axes\" stroke=\"black\" stroke-width=\"1\">\n";
  const auto x_ticks = nice_ticks(x_lo_, x_hi_, options_.max_ticks);
  const auto y_ticks = nice_ticks(y_lo_, y_hi_, options_.max_ticks, options_.y_integer ? 1.0 : 0.0);
  for (const double t : x_ticks) {
    const std::string x = fixed(px(t));
    s += "<line class=\"grid\" x1=\"" + x + "\" y1=\"" + fixed(top_) + "\" x2=\"" + x + "\" y2=\"" + fixed(bottom_) +
         "\" stroke=\"#e0e0e0\"/>\n";
    s += "<line class=\"tick\" x1=\"" + x + "\" y1=\"" + fixed(bottom_) + "\" x2=\"" + x + "\" y2=\"" +
         fixed(bottom_ + 5) + "\"/>\n";
  }
  for (const double t : y_ticks) {
    const std::string y = fixed(py(t));
    s += "<line class=\"grid\" x1=\"" + fixed(left_) + "\" y1=\"" + y + "\" x2=\"" + fixed(right_) + "\" y2=\"" + y +
         "\" stroke=\"#e0e0e0\"/>\n";
    s += "<line class=\"tick\" x1=\"" + fixed(left_ - 5) + "\" y1=\"" + y + "\" x2=\"" + fixed(left_) + "\" y2=\"" +
         y + "\"/>\n";
  }
  s += "<line class=\"axis\" x1=\"" + fixed(left_) + "\" y1=\"" + fixed(bottom_) + "\" x2=\"" + fixed(right_) +
       "\" y2=\"" + fixed(bottom_) + "\"/>\n";
  s += "<line class=\"axis\" x1=\"" + fixed(left_) + "\" y1=\"" + fixed(top_) + "\" x2=\"" + fixed(left_) +
       "\" y2=\"" + fixed(bottom_) + "\"/>\n";
  s += "</g>\n";
  s += "<g class=\"tick-labels\">\n";
  for (const double t : x_ticks) {
    s += "<text class=\"x-tick\" x=\"" + fixed(px(t)) + "\" y=\"" + fixed(bottom_ + 18) +
         "\" text-anchor=\"middle\">" + format_tick(t, x_step_) + "</text>\n";
  }
  for (const double t : y_ticks) {
    s += "<text class=\"y-tick\" x=\"" + fixed(left_ - 8) + "\" y=\"" + fixed(py(t) + 4) +
         "\" text-anchor=\"end\">" + format_tick(t, y_step_) + "</text>\n";
  }
  s += "</g>\n";
  s += "<text class=\"x-label\" x=\"" + fixed((left_ + right_) / 2) + "\" y=\"" + fixed(options_.height - 12.0) +
       "\" text-anchor=\"middle\">" + xml_escape(options_.x_label) + "</text>\n";
  const std::string ly = fixed((top_ + bottom_) / 2);
  s += "<text class=\"y-label\" x=\"18\" y=\"" + ly + "\" text-anchor=\"middle\" transform=\"rotate(-90 18 " + ly +
       ")\">" + xml_escape(options_.y_label) + "</text>\n";
  s += "<g class=\"marks\" clip-path=\"url(#plot-area)\" fill=\"#1f3f7f\">\n";
  s += body_;
  s += "</g>\n";
  for (std::size_t k = 0; k < legend_.size(); ++k) {
    const std::string y = fixed(top_ + 14 + 16 * static_cast<double>(k));
    s += "<text class=\"legend\" x=\"" + fixed(right_ - 8) + "\" y=\"" + y + "\" text-anchor=\"end\" fill=\"" +
         colour(legend_[k].second) + "\">" + xml_escape(legend_[k].first) + "</text>\n";
  }
  s += "</svg>\n";
  return s;
}

void SvgPlot::write(const std::string& path) const {
  const std::string text = svg();
  const std::string temp = path + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) throw IoError(path, "cannot create " + temp);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) {
      std::filesystem::remove(temp);
      throw IoError(path, "cannot write " + temp);
    }
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    std::filesystem::remove(temp);
    throw IoError(path, "cannot rename " + temp + " to it: " + ec.message());
  }
}

}  // namespace rockpool
