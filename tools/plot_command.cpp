// `rockpool plot`: a raster, PSTH or trace plot of a file, written as SVG (io/svg_plot.hpp).
//
// Events are streamed through open_event_reader (any event format, bounded memory) in two
// passes: the first finds the window (times, channels) and counts the events in it, the
// second draws. The SVG stays bounded whatever the file size:
//   raster  one <circle> per event while the window holds at most --max-marks events
//           (default 100000); beyond that the events are binned into a grid of 400 time
//           columns by at most 300 channel rows (channels grouped evenly), one <rect> per
//           non-empty cell with opacity rising with its count.
//   psth    one bar per bin, at most 100000 bins (a usage error beyond).
//   traces  a TSContinuous (.npz): per channel, at most 2 points per pixel column (the
//           minimum and maximum of the samples falling in it, in time order), so a trace
//           keeps its extremes; at most 64 channels.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "engine/error.hpp"
#include "io/event_file.hpp"
#include "io/event_stream.hpp"
#include "io/npz.hpp"
#include "io/svg_plot.hpp"
#include "tools/cli_commands.hpp"

namespace rockpool::cli {
namespace po = boost::program_options;
namespace {

constexpr std::size_t kRasterColumns = 400;
constexpr std::size_t kRasterRows = 300;
constexpr std::uint64_t kMaxBins = 100000;
constexpr std::size_t kTraceColumns = 1000;
constexpr std::size_t kMaxTraces = 64;

// A channel selection "0-9,15,20-23": inclusive ranges, in the order given.
struct ChannelSelection {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;  // empty: all channels
  bool all() const { return ranges.empty(); }
  bool contains(std::uint64_t c) const {
    if (ranges.empty()) return true;
    for (const auto& [lo, hi] : ranges) {
      if (c >= lo && c <= hi) return true;
    }
    return false;
  }
  std::uint64_t min() const {
    std::uint64_t m = std::numeric_limits<std::uint64_t>::max();
    for (const auto& r : ranges) m = std::min(m, r.first);
    return m;
  }
  std::uint64_t max() const {
    std::uint64_t m = 0;
    for (const auto& r : ranges) m = std::max(m, r.second);
    return m;
  }
};

ChannelSelection parse_channels(const std::string& text) {
  ChannelSelection s;
  auto bad = [&](const std::string& why) {
    return UsageError("--channels '" + text + "': " + why + " (expected e.g. 0-9,15)");
  };
  std::size_t pos = 0;
  auto number = [&](std::size_t& p) -> std::uint64_t {
    const std::size_t start = p;
    std::uint64_t v = 0;
    while (p < text.size() && text[p] >= '0' && text[p] <= '9') {
      v = v * 10 + static_cast<std::uint64_t>(text[p] - '0');
      if (v > 0xFFFFFFFFull) throw bad("channel above 2^32 - 1");
      ++p;
    }
    if (p == start) throw bad("a channel number is missing at character " + std::to_string(start + 1));
    return v;
  };
  while (pos < text.size()) {
    const std::uint64_t lo = number(pos);
    std::uint64_t hi = lo;
    if (pos < text.size() && text[pos] == '-') hi = number(++pos);
    if (hi < lo) throw bad("range " + std::to_string(lo) + "-" + std::to_string(hi) + " runs backwards");
    s.ranges.emplace_back(lo, hi);
    if (pos < text.size()) {
      if (text[pos] != ',') throw bad("unexpected '" + std::string(1, text[pos]) + "'");
      ++pos;
      if (pos == text.size()) throw bad("trailing comma");
    }
  }
  if (s.ranges.empty()) throw bad("empty");
  return s;
}

// The time unit of the x axis, from the width of the window: seconds down to nanoseconds,
// so that the tick labels stay short.
struct TimeUnit {
  const char* name;
  double ticks;  // ticks per unit
};
TimeUnit time_unit_for(Duration span) {
  const std::int64_t t = span.ticks();
  if (t >= 2 * 9'000'000'000LL) return {"s", 9e9};
  if (t >= 2 * 9'000'000LL) return {"ms", 9e6};
  if (t >= 2 * 9'000LL) return {"us", 9e3};
  return {"ns", 9.0};
}
double in_unit(Time t, TimeUnit u) { return static_cast<double>(t.ticks()) / u.ticks; }
// A duration in the unit, the shortest decimal that reads back the same ("10", "0.5").
std::string format_in_unit(Duration d, TimeUnit u) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, static_cast<double>(d.ticks()) / u.ticks);
  return std::string(buf, r.ptr);
}

struct PlotArgs {
  std::string file, out, kind, title;
  std::optional<Time> t0, t1;
  std::optional<Duration> bin;
  ChannelSelection channels;
  std::uint64_t max_marks = 100000;
};

// Pass 1 over the events: the window and what is in it.
struct EventWindow {
  Time t0, t1;  // the window drawn: options, else the file's span, else first/last event
  std::uint64_t count = 0;  // events inside the window and the selection
  std::uint64_t max_channel = 0;  // highest selected channel seen
  std::size_t num_channels = 0;   // from the file's header, or the highest seen + 1
  std::string name;
};

bool in_window(const PlotArgs& a, Time t) { return (!a.t0 || t >= *a.t0) && (!a.t1 || t <= *a.t1); }

EventWindow scan_events(const PlotArgs& a) {
  auto reader = open_event_reader(a.file);
  EventWindow w;
  std::optional<Time> first, last;
  std::uint64_t seen_channels = 0;
  while (auto chunk = reader->next_chunk()) {
    for (std::size_t k = 0; k < chunk->times.size(); ++k) {
      const Channel c = chunk->channels[k];
      seen_channels = std::max<std::uint64_t>(seen_channels, std::uint64_t{c} + 1);
      if (!a.channels.contains(c) || !in_window(a, chunk->times[k])) continue;
      if (!first) first = chunk->times[k];
      last = chunk->times[k];
      w.max_channel = std::max<std::uint64_t>(w.max_channel, c);
      ++w.count;
    }
  }
  const EventStreamInfo& info = reader->info();
  w.name = info.name;
  w.num_channels = info.num_channels ? info.num_channels : static_cast<std::size_t>(seen_channels);
  if (w.count == 0) {
    throw Error(a.file + ": no events to plot" +
                (a.t0 || a.t1 || !a.channels.all() ? std::string(" in the chosen window and channels") : ""));
  }
  w.t0 = a.t0 ? *a.t0 : (info.t_start && *info.t_start <= *first ? *info.t_start : *first);
  w.t1 = a.t1 ? *a.t1 : (reader->t_stop() && *reader->t_stop() >= *last ? *reader->t_stop() : *last);
  if (w.t1 < w.t0) throw UsageError("--t1 lies before --t0");
  return w;
}

std::string default_title(const PlotArgs& a, const std::string& what) {
  if (!a.title.empty()) return a.title;
  return what + " of " + a.file;
}

void plot_raster(const PlotArgs& a) {
  const EventWindow w = scan_events(a);
  const TimeUnit u = time_unit_for(w.t1 - w.t0);
  const double c_lo = a.channels.all() ? 0.0 : static_cast<double>(a.channels.min());
  const double c_hi = a.channels.all() ? static_cast<double>(std::max<std::size_t>(w.num_channels, 1) - 1)
                                       : static_cast<double>(std::min<std::uint64_t>(a.channels.max(), w.max_channel));
  const bool binned = w.count > a.max_marks;
  SvgPlot plot({.title = default_title(a, binned ? "Raster (binned)" : "Raster"),
                .x_label = std::string("time (") + u.name + ")",
                .y_label = "channel",
                .y_integer = true});
  plot.set_x_range(in_unit(w.t0, u), in_unit(w.t1, u));
  plot.set_y_range(c_lo, c_hi);

  auto reader = open_event_reader(a.file);
  if (!binned) {
    const double radius = w.count <= 2000 ? 2.5 : 1.2;  // pixels: visible when few, apart when many
    while (auto chunk = reader->next_chunk()) {
      for (std::size_t k = 0; k < chunk->times.size(); ++k) {
        const Time t = chunk->times[k];
        const Channel c = chunk->channels[k];
        if (a.channels.contains(c) && in_window(a, t) && t >= w.t0 && t <= w.t1) {
          plot.add_point(in_unit(t, u), static_cast<double>(c), radius);
        }
      }
    }
  } else {
    // Grid cells in exact ticks: column = (t - t0) * columns / span, rows group channels.
    const std::int64_t span = std::max<std::int64_t>((w.t1 - w.t0).ticks(), 1);
    const auto c_first = static_cast<std::uint64_t>(c_lo), c_last = static_cast<std::uint64_t>(c_hi);
    const std::uint64_t num_ch = c_last - c_first + 1;
    const std::uint64_t per_row = (num_ch + kRasterRows - 1) / kRasterRows;
    const std::size_t rows = static_cast<std::size_t>((num_ch + per_row - 1) / per_row);
    std::vector<std::uint64_t> counts(kRasterColumns * rows, 0);
    while (auto chunk = reader->next_chunk()) {
      for (std::size_t k = 0; k < chunk->times.size(); ++k) {
        const Time t = chunk->times[k];
        const Channel c = chunk->channels[k];
        if (!a.channels.contains(c) || !in_window(a, t) || t < w.t0 || t > w.t1 || c < c_first || c > c_last) {
          continue;
        }
        const auto offset = static_cast<unsigned __int128>((t - w.t0).ticks());
        const auto col = std::min<std::size_t>(static_cast<std::size_t>(offset * kRasterColumns / span),
                                               kRasterColumns - 1);
        const auto row = static_cast<std::size_t>((c - c_first) / per_row);
        ++counts[row * kRasterColumns + col];
      }
    }
    const std::uint64_t max_count = *std::max_element(counts.begin(), counts.end());
    const double x0 = in_unit(w.t0, u), dx = (in_unit(w.t1, u) - x0) / kRasterColumns;
    for (std::size_t row = 0; row < rows; ++row) {
      for (std::size_t col = 0; col < kRasterColumns; ++col) {
        const std::uint64_t n = counts[row * kRasterColumns + col];
        if (n == 0) continue;
        const double y0 = static_cast<double>(c_first + row * per_row) - 0.5;
        plot.add_cell(x0 + dx * static_cast<double>(col), x0 + dx * static_cast<double>(col + 1), y0,
                      y0 + static_cast<double>(per_row), 0.15 + 0.85 * static_cast<double>(n) / static_cast<double>(max_count),
                      n);
      }
    }
  }
  plot.write(a.out);
  std::cout << "wrote " << a.out << ": raster of " << w.count << " events"
            << (binned ? " binned into cells (more than --max-marks " + std::to_string(a.max_marks) + ")" : "")
            << ", " << plot.num_marks() << " marks\n";
}

void plot_psth(const PlotArgs& a) {
  EventWindow w = scan_events(a);
  Duration bin;
  if (a.bin) {
    bin = *a.bin;
    if (bin <= Duration::zero()) throw UsageError("--bin must be positive");
  } else {
    // 41 to 100 bins of a nice width (1, 2 or 5 times a power of ten of the axis unit): the
    // finest such step giving at most 100 bins (the next finer one gives more, and the steps
    // differ by at most 2.5 times).
    const TimeUnit u = time_unit_for(w.t1 - w.t0);
    const double span = std::max(in_unit(w.t1, u) - in_unit(w.t0, u), 1.0 / u.ticks);
    bin = Duration::from_ticks(std::max<std::int64_t>(1, std::llround(nice_step(0, span, 101) * u.ticks)));
  }
  if (w.t1 == w.t0) w.t1 = w.t0 + bin;  // a single instant: one bin
  const std::int64_t span = (w.t1 - w.t0).ticks();
  const std::uint64_t bins = static_cast<std::uint64_t>((span + bin.ticks() - 1) / bin.ticks());
  if (bins > kMaxBins) {
    throw UsageError("--bin " + format_seconds(bin) + " s gives " + std::to_string(bins) + " bins over " +
                     format_seconds(w.t1 - w.t0) + " s; at most " + std::to_string(kMaxBins));
  }
  // Bin k holds [t0 + k bin, t0 + (k+1) bin); an event at t1 itself goes to the last bin.
  std::vector<std::uint64_t> counts(bins, 0);
  auto reader = open_event_reader(a.file);
  while (auto chunk = reader->next_chunk()) {
    for (std::size_t k = 0; k < chunk->times.size(); ++k) {
      const Time t = chunk->times[k];
      if (!a.channels.contains(chunk->channels[k]) || !in_window(a, t) || t < w.t0 || t > w.t1) continue;
      const auto b = std::min<std::uint64_t>(static_cast<std::uint64_t>((t - w.t0).ticks() / bin.ticks()), bins - 1);
      ++counts[b];
    }
  }
  const Time end = w.t0 + Duration::from_ticks(static_cast<std::int64_t>(bins) * bin.ticks());
  const TimeUnit u = time_unit_for(end - w.t0);
  const std::uint64_t max_count = *std::max_element(counts.begin(), counts.end());
  SvgPlot plot({.title = default_title(a, "PSTH"),
                .x_label = std::string("time (") + u.name + ")",
                .y_label = "events per bin (bin " + format_in_unit(bin, u) + " " + u.name +
                           (a.channels.all() ? std::string(", all channels)") : std::string(", selected channels)")),
                .y_integer = true});
  plot.set_x_range(in_unit(w.t0, u), in_unit(end, u));
  plot.set_y_range(0, static_cast<double>(std::max<std::uint64_t>(max_count, 1)));
  for (std::uint64_t k = 0; k < bins; ++k) {
    const Time b0 = w.t0 + Duration::from_ticks(static_cast<std::int64_t>(k) * bin.ticks());
    plot.add_bar(in_unit(b0, u), in_unit(b0 + bin, u), static_cast<double>(counts[k]), counts[k]);
  }
  plot.write(a.out);
  std::cout << "wrote " << a.out << ": PSTH of " << w.count << " events in " << bins << " bins of "
            << format_seconds(bin) << " s\n";
}

void plot_traces(const PlotArgs& a) {
  const TSContinuous series = read_npz_continuous(a.file);
  if (series.empty()) throw Error(a.file + ": no samples to plot");
  std::vector<std::size_t> chosen;
  for (std::size_t c = 0; c < series.num_channels(); ++c) {
    if (a.channels.contains(c)) chosen.push_back(c);
  }
  if (chosen.empty()) throw Error(a.file + ": none of the --channels exist (the series has " +
                                  std::to_string(series.num_channels()) + " channels)");
  if (chosen.size() > kMaxTraces) {
    throw UsageError(std::to_string(chosen.size()) + " traces: select at most " + std::to_string(kMaxTraces) +
                     " channels with --channels");
  }
  const auto times = series.times();
  std::size_t begin = 0, end = times.size();
  if (a.t0) begin = static_cast<std::size_t>(std::lower_bound(times.begin(), times.end(), *a.t0) - times.begin());
  if (a.t1) end = static_cast<std::size_t>(std::upper_bound(times.begin(), times.end(), *a.t1) - times.begin());
  if (begin >= end) throw Error(a.file + ": no samples in the chosen window");
  const Time t0 = a.t0 ? *a.t0 : times[begin], t1 = a.t1 ? *a.t1 : times[end - 1];
  const TimeUnit u = time_unit_for(t1 - t0);
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (std::size_t k = begin; k < end; ++k) {
    for (const std::size_t c : chosen) {
      const double v = series.sample(k, c);
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    }
  }
  if (!std::isfinite(lo)) throw Error(a.file + ": every sample in the window is NaN or infinite");
  const std::string units = series.units().empty() ? "" : " (" + series.units() + ")";
  SvgPlot plot({.title = default_title(a, "Traces"),
                .x_label = std::string("time (") + u.name + ")",
                .y_label = (series.name() == "unnamed" ? std::string("value") : series.name()) + units});
  plot.set_x_range(in_unit(t0, u), in_unit(t1, u));
  plot.set_y_range(lo, hi);
  // Decimation by pixel column: the samples of a column (k - begin) * columns / n are
  // reduced to their minimum and maximum, in the order they occur. Non-finite samples
  // break the line.
  const std::size_t n = end - begin;
  const bool decimate = n > 2 * kTraceColumns;
  for (std::size_t s = 0; s < chosen.size(); ++s) {
    const std::size_t c = chosen[s];
    std::vector<std::pair<double, double>> line;
    auto flush = [&] {
      plot.add_polyline(line, s);
      line.clear();
    };
    for (std::size_t k = begin; k < end;) {
      std::size_t stop = k + 1;
      if (decimate) {
        const std::size_t col = (k - begin) * kTraceColumns / n;
        while (stop < end && (stop - begin) * kTraceColumns / n == col) ++stop;
      }
      std::size_t k_min = end, k_max = end;
      for (std::size_t j = k; j < stop; ++j) {
        const double v = series.sample(j, c);
        if (!std::isfinite(v)) {
          if (k_min != end) {
            for (const std::size_t m : {std::min(k_min, k_max), std::max(k_min, k_max)}) {
              line.emplace_back(in_unit(times[m], u), series.sample(m, c));
            }
            k_min = k_max = end;
          }
          flush();
          continue;
        }
        if (k_min == end || v < series.sample(k_min, c)) k_min = j;
        if (k_max == end || v > series.sample(k_max, c)) k_max = j;
      }
      if (k_min != end) {
        line.emplace_back(in_unit(times[std::min(k_min, k_max)], u), series.sample(std::min(k_min, k_max), c));
        if (k_min != k_max) {
          line.emplace_back(in_unit(times[std::max(k_min, k_max)], u), series.sample(std::max(k_min, k_max), c));
        }
      }
      k = stop;
    }
    flush();
    if (chosen.size() <= 10) plot.add_legend("channel " + std::to_string(c), s);
  }
  plot.write(a.out);
  std::cout << "wrote " << a.out << ": " << chosen.size() << " trace(s) of " << n << " samples"
            << (decimate ? " (min/max per pixel column)" : "") << "\n";
}

}  // namespace

int run_plot(std::span<const std::string> args) {
  po::options_description options("options");
  PlotArgs a;
  std::string t0, t1, bin, channels;
  options.add_options()("file", po::value(&a.file)->required(),
                        "input: any event file (raster, psth) or a Rockpool TSContinuous .npz (traces)")(
      "out", po::value(&a.out)->required(), "output SVG; written to a temporary file, then renamed")(
      "kind", po::value(&a.kind), "raster, psth or traces (default: traces for a TSContinuous, else raster)")(
      "t0", po::value(&t0), "start of the window, e.g. 0.5, 200ms (default: start of the file's span)")(
      "t1", po::value(&t1), "end of the window, inclusive (default: end of the file's span)")(
      "channels", po::value(&channels), "channels to plot, e.g. 0-9,15 (default: all)")(
      "bin", po::value(&bin), "psth bin width, e.g. 10ms (default: the finest 1/2/5 step giving at most 100 bins)")(
      "max-marks", po::value(&a.max_marks)->default_value(100000),
      "raster: above this many events in the window, bin them into a 400-column grid instead of one mark each")(
      "title", po::value(&a.title), "plot title (default: the kind and the file name)");
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map vm;
  if (!parse_options(args,
                     "rockpool plot FILE --out OUT.svg [--kind raster|psth|traces] [--t0 T] [--t1 T] "
                     "[--channels LIST] [--bin T]",
                     options, positional, vm)) {
    return 0;
  }
  if (!a.kind.empty() && a.kind != "raster" && a.kind != "psth" && a.kind != "traces") {
    throw UsageError("--kind must be raster, psth or traces, not '" + a.kind + "'");
  }
  if (!t0.empty()) a.t0 = Time::zero() + parse_duration(t0, "--t0");
  if (!t1.empty()) a.t1 = Time::zero() + parse_duration(t1, "--t1");
  if (a.t0 && a.t1 && *a.t1 < *a.t0) throw UsageError("--t1 lies before --t0");
  if (!bin.empty()) a.bin = parse_duration(bin, "--bin");
  if (!channels.empty()) a.channels = parse_channels(channels);
  if (vm.count("bin") && !a.kind.empty() && a.kind != "psth") throw UsageError("--bin applies to --kind psth only");

  // What the file holds decides the default kind and which kinds make sense.
  const EventFileFormat format = detect_format(a.file);
  const bool continuous = format == EventFileFormat::kNpz && probe_npz(a.file) == NpzSeriesKind::kContinuous;
  if (a.kind.empty()) a.kind = continuous ? "traces" : "raster";
  if (continuous && a.kind != "traces") {
    throw Error(a.file + " holds a TSContinuous (sampled values, not events): a " + a.kind +
                " needs events; plot it with --kind traces");
  }
  if (!continuous && a.kind == "traces") {
    throw Error(a.file + " holds events (" + std::string(format_name(format)) +
                "), not a TSContinuous: plot it with --kind raster or psth");
  }
  if (a.kind == "raster") {
    plot_raster(a);
  } else if (a.kind == "psth") {
    plot_psth(a);
  } else {
    plot_traces(a);
  }
  return 0;
}

}  // namespace rockpool::cli
