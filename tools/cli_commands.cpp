#include "tools/cli_commands.hpp"

#include <boost/program_options.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>

#include "engine/error.hpp"
#include "engine/simulation.hpp"
#include "engine/sources.hpp"
#include "io/event_file.hpp"
#include "io/event_stream.hpp"
#include "io/native_log.hpp"
#include "io/nir.hpp"
#include "io/npz.hpp"
#include "io/prophesee.hpp"
#include "io/spike_log_recorder.hpp"
#include "io/text_events.hpp"
#include "neurons/lif_exp.hpp"
#include "neurons/lif_exp_clocked.hpp"
#include "tools/address_options.hpp"
#include "neurons/model_registry.hpp"

namespace rockpool::cli {
namespace po = boost::program_options;

// Parses `args` against `options` (+ positionals); returns false after printing --help.
// Unknown options and malformed values become UsageError (exit code 2).
bool parse_options(std::span<const std::string> args, std::string_view usage, po::options_description& options,
           const po::positional_options_description& positional, po::variables_map& vm) {
  options.add_options()("help,h", "show this help");
  try {
    po::store(po::command_line_parser(std::vector<std::string>(args.begin(), args.end()))
                  .options(options)
                  .positional(positional)
                  .run(),
              vm);
    if (vm.count("help")) {
      std::cout << "usage: " << usage << "\n" << options;
      return false;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return true;
}

std::span<const Command> commands() {
  static const Command kCommands[] = {
      {"version", "print the version of rockpool-cpp", run_version},
      {"info", "describe an event file (native, text, npz, AEDAT, Prophesee) or a NIR model graph", run_info},
      {"convert", "convert an event file between formats (native, text, npz, AEDAT 2/3.1/4, EVT2/EVT3/DAT)",
       run_convert},
      {"demo", "run a small seeded simulation and print a summary", run_demo},
      {"bench", "run a standard workload (cuba, synaptic) and print throughput", run_bench},
      {"plot", "plot an event file (raster, psth) or a TSContinuous (traces) as SVG", run_plot},
      {"run", "build a network from a config, run it, stream its spikes to a file", run_run},
      {"replay", "feed a recorded event file through a network config (fast or --realtime)", run_replay},
  };
  return kCommands;
}

int run_version(std::span<const std::string> args) {
  po::options_description options("options");
  po::variables_map vm;
  if (!parse_options(args, "rockpool version", options, {}, vm)) return 0;
  std::cout << "rockpool-cpp 0.1.0 (C++20, time tick 1/9 ns)\n";
  return 0;
}

namespace {

void print_rate(std::uint64_t events, Duration span, std::size_t channels) {
  const double seconds = to_seconds(span);
  if (seconds > 0 && channels > 0) {
    std::cout << "mean rate:   " << static_cast<double>(events) / seconds / static_cast<double>(channels)
              << " Hz per channel\n";
  }
}

// A native log, read chunk by chunk (bounded memory whatever its size).
void print_native_info(const std::string& file) {
  NativeLogReader reader(file);
  const NativeLogHeader& h = reader.header();
  std::optional<Time> first, last;
  while (auto chunk = reader.next_chunk()) {
    if (!first) first = chunk->times.front();
    last = chunk->times.back();
  }
  // The span as a TSEvent read from this file would have it.
  const Time t_start = h.t_start ? *h.t_start : first.value_or(Time::zero());
  const Time t_stop = reader.t_stop() ? *reader.t_stop() : last.value_or(t_start);
  std::cout << "file:        " << file << "\n"
            << "format:      native spike log v" << h.version << (h.has_values ? " with values" : "")
            << (h.producer.empty() ? "" : ", written by " + h.producer) << "\n";
  if (!h.source.empty()) std::cout << "source:      " << h.source << "\n";
  std::cout << "events:      " << reader.events_read() << "\n"
            << "channels:    " << h.num_channels << "\n"
            << "time span:   " << format_seconds(t_start) << " s to " << format_seconds(t_stop) << " s\n";
  print_rate(reader.events_read(), t_stop - t_start, h.num_channels);
  std::cout << "timebase:    " << h.ticks_per_second << " ticks per second in the file (read exactly as 1/9 ns ticks)\n"
            << "chunks:      " << reader.chunks_read() << "\n";
  if (reader.truncated()) {
    std::cout << "truncated:   yes, after " << reader.events_read() << " events: the file stops at byte "
              << reader.file_size() << " before its footer (complete records end at byte " << reader.offset()
              << "); `rockpool convert " << file << " OUT.rpl` writes a complete copy\n";
  } else {
    std::cout << "truncated:   no\n";
  }
}

// Any other format, streamed through its reader (bounded memory whatever the size).
void print_stream_info(const std::string& file, const EventReaderOptions& options) {
  auto reader = open_event_reader(file, options);
  std::uint64_t events = 0;
  std::size_t seen_channels = 0;
  std::optional<Time> first, last;
  while (auto chunk = reader->next_chunk()) {
    if (chunk->times.empty()) continue;
    if (!first) first = chunk->times.front();
    last = chunk->times.back();
    events += chunk->times.size();
    for (const Channel c : chunk->channels) seen_channels = std::max<std::size_t>(seen_channels, c + std::size_t{1});
  }
  const EventStreamInfo& info = reader->info();
  const std::size_t channels = info.num_channels ? info.num_channels : seen_channels;
  const Time t_start = info.t_start ? *info.t_start : first.value_or(Time::zero());
  const Time t_stop = reader->t_stop() ? *reader->t_stop() : last.value_or(t_start);
  std::cout << "file:        " << file << "\n"
            << "format:      " << format_name(info.format);
  if (info.format == EventFileFormat::kText) {
    std::cout << " events (t,channel" << (info.has_values ? ",value" : "") << "), time unit " << info.time_unit;
  }
  std::cout << "\n";
  if (!info.source.empty()) std::cout << "source:      " << info.source << "\n";
  std::cout << "events:      " << events << "\n"
            << "channels:    " << channels << "\n"
            << "time span:   " << format_seconds(t_start) << " s to " << format_seconds(t_stop) << " s\n";
  print_rate(events, t_stop - t_start, channels);
  if (info.file_ticks_per_second != 0) {
    std::cout << "timebase:    " << info.file_ticks_per_second << " ticks per second in the file";
  } else {
    std::cout << "timebase:    decimal times rounded once to 1/9 ns ticks";
  }
  std::cout << "; largest rounding " << reader->max_rounding_seconds() << " s\n";
  if (reader->events_dropped() != 0) {
    std::cout << "dropped:     " << reader->events_dropped() << " events (by the polarity mapping)\n";
  }
  if (reader->records_skipped() != 0) {
    std::cout << "skipped:     " << reader->records_skipped()
              << " records that are not events of the stream (frames, IMU, special events, other streams)\n";
  }
  if (info.addresses == EventStreamInfo::Addresses::kCamera) {
    static constexpr const char* kPolarity[] = {"split: (y*W+x)*2+p", "merge: y*W+x", "ON only: y*W+x",
                                                "OFF only: y*W+x"};
    std::cout << "addresses:   camera " << info.address_mapping.width.value_or(0) << "x"
              << info.address_mapping.height.value_or(0) << ", polarity "
              << kPolarity[static_cast<int>(info.address_mapping.polarity)] << "\n";
  } else if (info.addresses == EventStreamInfo::Addresses::kChip) {
    std::cout << "addresses:   chip/core/neuron, channel = (chip*" << info.address_mapping.cores_per_chip
              << " + core)*" << info.address_mapping.neurons_per_core << " + neuron\n";
  }
  if (const auto* camera = dynamic_cast<const PropheseeReader*>(reader.get())) {
    if (camera->triggers_skipped() != 0) {
      std::cout << "skipped:     " << camera->triggers_skipped() << " external trigger events\n";
    }
    if (camera->events_before_state() != 0) {
      std::cout << "skipped:     " << camera->events_before_state()
                << " events before the stream's first time (and row) words\n";
    }
  }
}

// A Rockpool .npz time series (TSEvent or TSContinuous), with the rounding of its float times.
void print_npz_info(const std::string& file) {
  NpzInfo info;
  const auto kind = probe_npz(file);
  std::cout << "file:        " << file << "\n";
  if (kind == NpzSeriesKind::kContinuous) {
    const TSContinuous series = read_npz_continuous(file, &info);
    std::cout << "format:      Rockpool npz, TSContinuous" << (info.any_deflated ? " (compressed)" : "") << "\n"
              << "samples:     " << series.num_samples() << "\n"
              << "channels:    " << series.num_channels() << "\n"
              << "time span:   " << format_seconds(series.t_start()) << " s to " << format_seconds(series.t_stop())
              << " s\n";
  } else {
    const TSEvent events = read_npz_events(file, &info);
    std::cout << "format:      Rockpool npz, TSEvent" << (info.any_deflated ? " (compressed)" : "") << "\n"
              << "events:      " << events.size() << "\n"
              << "channels:    " << events.num_channels() << "\n"
              << "time span:   " << format_seconds(events.t_start()) << " s to " << format_seconds(events.t_stop())
              << " s\n";
    print_rate(events.size(), events.t_stop() - events.t_start(), events.num_channels());
  }
  std::cout << "timebase:    float seconds rounded once to 1/9 ns ticks; largest rounding "
            << info.max_rounding_ticks << " ticks" << (info.max_rounding_at.empty() ? "" : " at " + info.max_rounding_at)
            << "\n";
  if (info.legacy_keys) std::cout << "note:        written by an older Rockpool (str_type/name keys)\n";
}

}  // namespace

int run_info(std::span<const std::string> args) {
  po::options_description options("options");
  std::string file;
  options.add_options()("file", po::value(&file)->required(),
                        "event file: native log (.rpl), Rockpool .npz, text (t[unit],channel[,value]), AEDAT "
                        "2.0/3.1/4.0, Prophesee EVT 2.0/3.0 RAW or DAT (recognised by content), or a NIR model "
                        "graph (.nir)");
  AddressOptions address;
  add_address_options(options, address);
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map vm;
  if (!parse_options(args, "rockpool info FILE", options, positional, vm)) return 0;
  if (std::filesystem::exists(file) && is_hdf5_file(file)) {  // a NIR model graph, not events
    print_nir_info(file);
    return 0;
  }
  const EventReaderOptions reader_options = address.reader_options();
  switch (detect_format(file)) {
    case EventFileFormat::kNative:
      print_native_info(file);
      break;
    case EventFileFormat::kNpz:
      print_npz_info(file);
      break;
    default:
      print_stream_info(file, reader_options);
      break;
  }
  return 0;
}

int run_convert(std::span<const std::string> args) {
  po::options_description options("options");
  std::string in, out, to;
  options.add_options()("in", po::value(&in)->required(), "input event file (format recognised by content)")(
      "out", po::value(&out)->required(), "output file; written to a temporary file, then renamed")(
      "to", po::value(&to), "output format: native, text, npz, aedat2, aedat3, aedat4, evt2, evt3 or dat "
                            "(default: from OUT's extension, .rpl native, .csv/.txt text, .npz npz, .aedat2 "
                            "aedat2, .aedat/.aedat3 aedat3, .aedat4 aedat4, .raw evt3, .dat dat)");
  AddressOptions address;
  add_address_options(options, address);
  po::positional_options_description positional;
  positional.add("in", 1).add("out", 1);
  po::variables_map vm;
  if (!parse_options(args, "rockpool convert IN OUT [--to FORMAT]", options, positional, vm)) return 0;
  std::optional<EventFileFormat> format;
  if (vm.count("to")) {
    format = parse_format_name(to);
    if (!format) {
      throw UsageError("--to must name an event format (native, text, npz, aedat2, aedat3, aedat4, evt2, evt3, "
                       "dat), not '" + to + "'");
    }
  } else {
    format = format_from_extension(out);
    if (!format) {
      throw UsageError("cannot tell the output format from the name '" + out +
                       "' (.rpl is native, .csv/.txt text, .npz npz, .aedat2/.aedat/.aedat4 AEDAT, .raw "
                       "evt3, .dat dat): give --to FORMAT");
    }
  }
  const ConversionResult r = convert_events(in, out, *format, address.reader_options());
  std::cout << "wrote " << out << ": " << r.events << " events, " << format_name(*format) << " (from "
            << format_name(r.from) << ")\n";
  if (r.events_dropped != 0) std::cout << "note: " << r.events_dropped << " events dropped by --polarity\n";
  if (r.input_truncated) {
    std::cout << "note: " << in << " was truncated (no footer: a crashed or killed writer); its " << r.events
              << " events in complete chunks were converted\n";
  }
  if (r.events_dropped != 0) std::cout << "note: " << r.events_dropped << " events dropped by --polarity\n";
  if (r.output_rounding_seconds != 0) {
    std::cout << "note: times rounded to the output's time base, by at most " << r.output_rounding_seconds << " s\n";
  }
  return 0;
}

namespace {

struct Timed {
  RunStats stats;
  std::size_t output_spikes = 0;
  std::uint64_t logged_spikes = 0;  // written to the --out log
  double seconds = 0;
};

// The demo network: Poisson input -> an excitatory/inhibitory population of `model` (a
// name from neurons/model_registry.hpp) with recurrent connections, inhibition on the
// second synaptic port where the model has one. The LIF models get the demo's parameters,
// others their defaults. With `log_path`, the excitatory population's spikes are written to
// that native log as the run goes.
Timed run_demo_network(std::size_t n, double duration_s, std::uint64_t seed, const std::string& model,
                       const std::optional<std::string>& log_path = {}) {
  const std::size_t n_in = n / 2, n_exc = n * 4 / 5, n_inh = n - n_exc;
  const ModelRegistry models = builtin_models();
  const ModelInfo* info = models.find(model);
  if (!info) throw UsageError("--model: unknown model '" + model + "'; known: " + models.names());
  std::vector<ModelParam> list;
  if (info->name == "LIFExact" || info->name == "LIFClocked") {
    list = {{"tau_mem", {20e-3}, ""},
            {"tau_syn", {5e-3, 10e-3}, ""},  // port 0 excitatory, port 1 inhibitory
            {"threshold", {1.0}, ""},
            {"refractory", {}, "2ms"}};
    if (info->name == "LIFClocked") list.push_back({"dt", {}, "100us"});
  }
  // The weights below are in units of the LIF threshold; AeifPscExp's are currents (A):
  // 1 nA for 0.2 ms lifts its membrane (281 pF) by about 0.7 mV, as a weight of 0.3 does
  // about a third of the LIF threshold's way.
  const double weight_unit = info->name == "AeifPscExp" ? 10e-9 : 1.0;
  Network net;
  const NodeId in = net.add("input", std::make_unique<PoissonSource>(n_in, 20.0, seed));
  std::size_t blocks = 1;  // LIFClocked: port p of neuron i is input channel p * size + i
  auto make = [&](std::size_t size) {
    const ModelParams params(list);
    BuiltModel m = models.build(model, {"demo", size, 0, params, seed});
    if (m.node->output_signal() != Signal::kSpikes || m.node->input_signal() != Signal::kSpikes) {
      throw UsageError("--model " + model + ": the demo needs a spiking model (spikes in, spikes out)");
    }
    blocks = m.input_blocks;
    return std::move(m.node);
  };
  const NodeId exc = net.add("exc", make(n_exc));
  const NodeId inh = net.add("inh", make(n_inh));
  const std::size_t ports = blocks > 1 ? blocks : net.node(exc).num_ports();
  auto connect = [&](NodeId from, std::size_t from_n, NodeId to, std::size_t to_n, double prob, double w,
                     std::uint32_t port, std::uint64_t s) {
    port = std::min<std::uint32_t>(port, static_cast<std::uint32_t>(ports - 1));
    w *= weight_unit;
    if (blocks == 1) {
      net.connect(from, to, Projection::random(from_n, to_n, prob, w, milliseconds(1), s, port));
      return;
    }
    auto base = Projection::random(from_n, to_n, prob, w, milliseconds(1), s);
    std::vector<Synapse> shifted;
    for (NeuronIndex i = 0; i < from_n; ++i) {
      for (std::uint32_t g = base.groups_begin(i); g < base.groups_begin(i + 1); ++g) {
        for (NeuronIndex t : base.group_targets(g)) {
          shifted.push_back({i, static_cast<NeuronIndex>(port * to_n + t), w, base.group_delay(g)});
        }
      }
    }
    net.connect(from, to, Projection::from_synapses(from_n, to_n * blocks, std::move(shifted)));
  };
  connect(in, n_in, exc, n_exc, 0.1, 0.30, 0, seed + 1);
  connect(in, n_in, inh, n_inh, 0.1, 0.30, 0, seed + 2);
  connect(exc, n_exc, exc, n_exc, 0.02, 0.15, 0, seed + 3);
  connect(exc, n_exc, inh, n_inh, 0.02, 0.15, 0, seed + 4);
  connect(inh, n_inh, exc, n_exc, 0.05, -0.6, 1, seed + 5);
  connect(inh, n_inh, inh, n_inh, 0.05, -0.6, 1, seed + 6);
  Simulation sim(std::move(net));
  SpikeRecorder& e = sim.record_spikes(exc);
  SpikeRecorder& i = sim.record_spikes(inh);
  std::optional<SpikeLogRecorder> log;
  if (log_path) log.emplace(sim, exc, *log_path);  // declared after sim: closed or destroyed first
  const auto start = std::chrono::steady_clock::now();
  sim.run_until(Time::from_seconds(duration_s));
  Timed out;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (log) {
    log->close();
    out.logged_spikes = log->size();
  }
  out.stats = sim.stats();
  out.output_spikes = e.count() + i.count();
  return out;
}

}  // namespace

int run_demo(std::span<const std::string> args) {
  po::options_description options("options");
  std::uint64_t seed = 42;
  std::size_t neurons = 1000;
  std::string duration_text = "1s";
  std::string out;
  std::string model = "LIFExact";
  options.add_options()("seed", po::value(&seed)->default_value(42), "random seed")(
      "model", po::value(&model)->default_value("LIFExact"),
      "neuron model of the first run, by name (`rockpool run --list-models`); the second run is LIFClocked")(
      "neurons", po::value(&neurons)->default_value(1000), "size of the LIF network (>= 10)")(
      "duration", po::value(&duration_text)->default_value("1s"), "simulated time, e.g. 1s, 500ms")(
      "out", po::value(&out), "write the excitatory population's spikes (exact mode) to this native log (.rpl)");
  po::variables_map vm;
  if (!parse_options(args, "rockpool demo [--seed N] [--neurons N] [--duration T] [--model NAME] [--out LOG]", options, {}, vm)) {
    return 0;
  }
  if (neurons < 10) throw UsageError("--neurons must be at least 10");
  const Duration duration = parse_duration(duration_text, "--duration");
  if (duration <= Duration::zero()) throw UsageError("--duration must be positive");
  const double seconds = to_seconds(duration);

  // 1. A seeded Poisson spike train, recorded as a TSEvent and rasterised.
  std::cout << "== 1. Poisson input: 100 channels at 10 Hz, seed " << seed << "\n";
  {
    Network net;
    const NodeId src = net.add("poisson", std::make_unique<PoissonSource>(100, 10.0, seed));
    Simulation sim(std::move(net));
    SpikeRecorder& rec = sim.record_spikes(src);
    sim.run_until(Time::zero() + duration);
    const TSEvent spikes = rec.to_tsevent(Time::zero(), Time::zero() + duration);
    TSEvent::RasterOptions raster_options;
    raster_options.add_events = true;
    const Raster raster = spikes.raster(milliseconds(1), raster_options);
    const auto max_count = raster.data.empty() ? 0u : *std::max_element(raster.data.begin(), raster.data.end());
    std::cout << spikes.description() << "\n"
              << "raster at 1 ms: " << raster.num_timesteps << " bins x " << raster.num_channels
              << " channels, busiest bin holds " << max_count << " spike(s)\n"
              << "mean rate: " << static_cast<double>(spikes.size()) / seconds / 100.0 << " Hz per channel\n\n";
  }

  // 2. An E/I LIF network, exact event-driven, then clocked at 0.1 ms.
  std::cout << "== 2. LIF network: " << neurons / 2 << " Poisson inputs -> " << neurons << " LIF neurons (E/I, "
            << "recurrent), " << format_seconds(duration) << " s simulated\n";
  const Timed exact =
      run_demo_network(neurons, seconds, seed, model, vm.count("out") ? std::optional(out) : std::nullopt);
  const Timed clocked = run_demo_network(neurons, seconds, seed, "LIFClocked");
  auto report = [&](const char* label, const Timed& r) {
    std::printf("%-22s %8zu spikes (%6.2f Hz/neuron)  %8.3f s wall  %11.0f spikes/s  %12.0f synaptic events/s\n",
                label, r.output_spikes, static_cast<double>(r.output_spikes) / seconds / static_cast<double>(neurons),
                r.seconds, static_cast<double>(r.stats.spikes) / r.seconds,
                static_cast<double>(r.stats.synaptic_events) / r.seconds);
  };
  const bool default_model = builtin_models().find(model)->name == "LIFExact";
  report(default_model ? "exact event-driven:" : (model + ":").c_str(), exact);
  report("clocked at 0.1 ms:", clocked);
  std::printf("event-driven / clocked wall time: %.2f\n", exact.seconds / clocked.seconds);
  if (vm.count("out")) {
    std::cout << "wrote " << out << ": " << exact.logged_spikes
              << " spikes of the excitatory population (exact event-driven run)\n";
  }
  return 0;
}

}  // namespace rockpool::cli
