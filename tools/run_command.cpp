// `rockpool run CONFIG` and `rockpool replay LOG --net CONFIG`: build a network from a
// config (io/network_config.hpp), drive it with a recorded log or its own sources, and
// stream the recorded spikes to a file while the run goes.
//
// One loop serves both commands. The run ends at the given duration, or, when there is
// none, at the end of the input logs: each log source reads one event ahead, so the spike
// callback knows when the last input event is being delivered and stops the run there; the
// run then goes on to the recording's end (its t_stop, or just past its last event) and no
// further. With --realtime the run goes in slices of --step of simulated time, each held
// back until the wall clock has caught up with it; the lag (how far the simulation was
// behind the wall clock at the end of a slice) is measured and reported.
#include <boost/program_options.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>

#include "engine/error.hpp"
#include "engine/simulation.hpp"
#include "io/event_formats.hpp"
#include "io/event_log_source.hpp"
#include "io/network_config.hpp"
#include "io/npz.hpp"
#include "neurons/model_registry.hpp"
#include "tools/cli_commands.hpp"
#include "tools/progress.hpp"

namespace rockpool::cli {
namespace po = boost::program_options;
namespace {

struct RunRequest {
  std::string config;
  std::vector<std::string> inputs;  // "FILE" or "NAME=FILE"
  std::optional<std::string> duration;
  std::optional<std::string> out;
  std::optional<std::string> format;
  std::vector<std::string> record;  // node names
  bool realtime = false;
  std::string step = "1ms";
  Verbosity verbosity = Verbosity::kNormal;
  bool drop_out_of_range = false;
  std::optional<std::string> polarity;  // camera events: split, merge, on, off
};

// One output file of spikes: the spikes of `nodes`, channel offsets in the order given.
struct SpikeOutput {
  std::string path;
  std::vector<NodeId> nodes;
  std::unique_ptr<EventWriter> writer;
  std::vector<Time> times;         // pending, flushed every kFlushEvents
  std::vector<Channel> channels;
  static constexpr std::size_t kFlushEvents = 1 << 16;

  void flush() {
    if (times.empty()) return;
    writer->append(times, channels);
    times.clear();
    channels.clear();
  }
};

std::vector<std::string> split_list(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const std::string& item : items) {
    std::size_t start = 0;
    while (start <= item.size()) {
      const std::size_t comma = std::min(item.find(',', start), item.size());
      if (comma > start) out.push_back(item.substr(start, comma - start));
      start = comma + 1;
    }
  }
  return out;
}

EventFileFormat output_format(const std::string& path, const std::optional<std::string>& format) {
  if (format) {
    const auto f = parse_format_name(*format);
    if (!f) throw UsageError("--format must name an event format (native, text, npz), not '" + *format + "'");
    return *f;
  }
  const auto f = format_from_extension(path);
  if (!f) {
    throw UsageError("cannot tell the output format from the name '" + path +
                     "' (.rpl is native, .csv/.txt text, .npz npz): give --format FORMAT");
  }
  return *f;
}

// A log input, or a spiking session input (which a log feeds here, standing in for the
// application).
bool takes_log(const ConfigInput& in) {
  return in.kind == ConfigInput::Kind::kLog || (in.kind == ConfigInput::Kind::kSession && !in.continuous);
}

// Which log input each --input feeds.
std::vector<std::pair<std::string, std::string>> input_overrides(const NetworkConfig& config,
                                                                 const std::vector<std::string>& inputs) {
  std::vector<std::string> logs;
  for (const ConfigInput& in : config.inputs()) {
    if (takes_log(in)) logs.push_back(in.name);
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& arg : inputs) {
    const std::size_t eq = arg.find('=');
    if (eq != std::string::npos && std::find(logs.begin(), logs.end(), arg.substr(0, eq)) != logs.end()) {
      out.emplace_back(arg.substr(0, eq), arg.substr(eq + 1));
      continue;
    }
    if (logs.empty()) {
      throw UsageError("the config " + config.file() +
                        " has no log or session input to feed: add one, e.g. input { name: \"in\" size: 128 log {} }");
    }
    if (logs.size() > 1) {
      std::string names;
      for (const auto& n : logs) names += (names.empty() ? "" : ", ") + n;
      throw UsageError("the config has several log inputs (" + names + "): say which, --input NAME=FILE");
    }
    out.emplace_back(logs.front(), arg);
  }
  return out;
}

double seconds_between(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

int execute(const RunRequest& request) {
  const NetworkConfig config = NetworkConfig::load(request.config);
  const bool talk = request.verbosity != Verbosity::kQuiet;
  const bool verbose = request.verbosity == Verbosity::kVerbose;

  for (const ConfigInput& in : config.inputs()) {
    if (in.kind == ConfigInput::Kind::kSession && in.continuous) {
      throw UsageError("the config's input '" + in.name + "' takes continuous values an application pushes through "
                       "a Session (session { continuous: true }): rockpool run cannot feed it");
    }
  }
  ConfigBuildOptions build_options;
  build_options.input_paths = input_overrides(config, request.inputs);
  for (const ConfigInput& in : config.inputs()) {
    const bool given = std::any_of(build_options.input_paths.begin(), build_options.input_paths.end(),
                                   [&](const auto& p) { return p.first == in.name; });
    if (in.kind == ConfigInput::Kind::kLog && in.path.empty() && !given) {
      throw UsageError("the config's input '" + in.name + "' reads a log: give it, --input FILE (or replay FILE)");
    }
    if (in.kind == ConfigInput::Kind::kSession && !given) {
      throw UsageError("the config's input '" + in.name + "' is fed by an application through a Session "
                       "(session {}): give it a log instead, --input FILE (or replay FILE)");
    }
  }
  build_options.out_of_range = request.drop_out_of_range ? ChannelPolicy::kDrop : ChannelPolicy::kError;
  if (request.polarity) {
    using P = AddressMapping::Polarity;
    const std::string& p = *request.polarity;
    if (p == "split") build_options.reader.address_mapping.polarity = P::kSplit;
    else if (p == "merge") build_options.reader.address_mapping.polarity = P::kMerge;
    else if (p == "on") build_options.reader.address_mapping.polarity = P::kOnOnly;
    else if (p == "off") build_options.reader.address_mapping.polarity = P::kOffOnly;
    else throw UsageError("--polarity must be split, merge, on or off, not '" + p + "'");
  }
  BuiltNetwork built = config.build(build_options);

  const Time t_start = config.run().t_start;
  std::optional<Duration> duration = config.run().duration;
  if (request.duration) {
    duration = parse_duration(*request.duration, "--duration");
    if (*duration <= Duration::zero()) throw UsageError("--duration must be positive");
  }
  if (!duration && built.log_inputs.empty()) {
    throw UsageError("no duration: the config has no log input to end the run, so give --duration or run { duration: ... }");
  }
  const Duration step = parse_duration(request.step, "--step");
  if (step <= Duration::zero()) throw UsageError("--step must be positive");

  if (verbose) std::cout << built.network.summary();
  Simulation sim(std::move(built.network), t_start);
  Network& net = sim.network();
  std::vector<EventLogSource*> logs;
  for (const NodeId id : built.log_inputs) logs.push_back(static_cast<EventLogSource*>(&net.node(id)));

  // Spike outputs: --out collects the --record nodes (default: the config's spike records,
  // else every spiking node that is not an input) into one file; without --out, each
  // spike record of the config writes its own path.
  std::vector<SpikeOutput> outputs;
  const std::vector<std::string> record_names = split_list(request.record);
  if (!record_names.empty() && !request.out) throw UsageError("--record needs --out FILE");
  if (request.out) {
    SpikeOutput o;
    o.path = *request.out;
    for (const std::string& n : record_names) {
      try {
        o.nodes.push_back(net.id(n));
      } catch (const OutOfRange&) {
        throw UsageError("--record " + n + ": the config has no node or input of that name");
      }
    }
    if (o.nodes.empty()) {
      for (const ConfigRecord& r : config.records()) {
        if (r.spikes) o.nodes.push_back(net.id(r.node));
      }
    }
    if (o.nodes.empty()) {
      for (NodeId id = 0; id < net.num_nodes(); ++id) {
        const NodeFamily f = net.node(id).family();
        if (net.node(id).output_signal() == Signal::kSpikes && f != NodeFamily::kSpikeSource) o.nodes.push_back(id);
      }
    }
    for (const NodeId id : o.nodes) {
      if (net.node(id).output_signal() != Signal::kSpikes) {
        throw UsageError("--record " + net.node(id).name() + ": it gives " +
                         std::string(signal_name(net.node(id).output_signal())) + " output, not spikes");
      }
    }
    outputs.push_back(std::move(o));
  } else {
    for (std::size_t i = 0; i < config.records().size(); ++i) {
      const ConfigRecord& r = config.records()[i];
      if (!r.spikes) continue;
      if (r.path.empty()) config.fail_at_record(i, "the record of '" + r.node + "' has no path: give path: or --out");
      SpikeOutput o;
      o.path = r.path;
      o.nodes.push_back(net.id(r.node));
      outputs.push_back(std::move(o));
    }
  }
  // Where each node's spikes go: (output, channel offset), per node.
  std::vector<std::vector<std::pair<std::size_t, Channel>>> routes(net.num_nodes());
  for (std::size_t k = 0; k < outputs.size(); ++k) {
    SpikeOutput& o = outputs[k];
    EventStreamInfo info;
    info.format = output_format(o.path, request.format);
    info.t_start = t_start;
    info.source = "rockpool run " + config.file();
    std::size_t channels = 0;
    for (const NodeId id : o.nodes) {
      routes[id].emplace_back(k, static_cast<Channel>(channels));
      channels += net.node(id).size_out();
    }
    info.num_channels = channels;
    info.name = o.nodes.size() == 1 ? net.node(o.nodes.front()).name() : "spikes";
    if (o.nodes.size() > 1) {
      for (const NodeId id : o.nodes) {
        for (std::size_t i = 0; i < net.node(id).size_out(); ++i) {
          info.channel_names.push_back(net.node(id).name() + "[" + std::to_string(i) + "]");
        }
      }
    }
    o.writer = create_event_writer(o.path, info.format, info);
  }

  // State records: sampled in memory, written as Rockpool .npz time series at the end.
  struct StateOutput {
    std::string path;
    StateRecorder* recorder;
  };
  std::vector<StateOutput> states;
  for (const ConfigRecord& r : config.records()) {
    for (const std::string& variable : r.state) {
      if (r.path.empty()) throw UsageError("the state record of '" + r.node + "' needs a path (an .npz file)");
      std::string path = r.path;
      if (r.state.size() > 1) {
        const std::size_t dot = path.rfind('.');
        path = (dot == std::string::npos ? path : path.substr(0, dot)) + "_" + variable + ".npz";
      }
      states.push_back({path, &sim.record_state(net.id(r.node), variable, {}, r.every)});
    }
  }

  std::optional<Time> target;  // the end of the run, once known
  if (duration) target = t_start + *duration;
  sim.on_spike([&](NodeId node, NeuronIndex neuron, Time t) {
    for (const auto& [k, offset] : routes[node]) {
      SpikeOutput& o = outputs[k];
      o.times.push_back(t);
      o.channels.push_back(offset + neuron);
      if (o.times.size() >= SpikeOutput::kFlushEvents) o.flush();
    }
    // The last input event is being delivered: stop here; the loop then runs on to the
    // recording's end, not past it.
    if (!target && !logs.empty() && net.node(node).family() == NodeFamily::kSpikeSource &&
        std::all_of(logs.begin(), logs.end(), [](const EventLogSource* s) { return s->exhausted(); })) {
      sim.request_stop();
    }
  });

  auto logs_end = [&]() -> std::optional<Time> {
    std::optional<Time> end;
    for (const EventLogSource* s : logs) {
      if (!s->exhausted()) return std::nullopt;
      end = std::max(end.value_or(t_start), *s->end_time());
    }
    return end;
  };

  ProgressBar bar(request.verbosity, ProgressBar::stdout_is_terminal());
  const auto wall_start = std::chrono::steady_clock::now();
  auto progress = [&](Time now) {
    ProgressState s;
    s.simulated_s = to_seconds(now - t_start);
    s.wall_s = seconds_between(wall_start, std::chrono::steady_clock::now());
    if (target && *target > t_start) {
      s.fraction = to_seconds(now - t_start) / to_seconds(*target - t_start);
    } else {
      std::uint64_t read = 0, size = 0;
      for (const EventLogSource* l : logs) {
        read += l->bytes_read();
        size += l->file_size();
      }
      s.fraction = size ? static_cast<double>(read) / static_cast<double>(size) : 0.0;
    }
    bar.update(s);
  };
  if (bar.enabled()) sim.on_progress([&](Time now, Time, const RunStats&) { progress(now); }, 4096);

  // Far enough for any recording, and far from overflow.
  const Time far = t_start + seconds(100'000'000);
  std::vector<double> lags;  // realtime: seconds behind the wall clock at the end of each slice
  sim.run_until(t_start);    // starts the sources: an empty log is exhausted now
  if (!target && logs_end()) target = std::max(*logs_end(), t_start);
  while (sim.now() < target.value_or(far)) {
    Time stop = target.value_or(far);
    if (request.realtime) stop = std::min(stop, sim.now() + step);
    sim.run_until(stop);
    if (!target && logs_end()) target = std::max(*logs_end(), sim.now());
    if (request.realtime) {
      const double behind = seconds_between(wall_start, std::chrono::steady_clock::now()) - to_seconds(sim.now() - t_start);
      lags.push_back(std::max(behind, 0.0));
      if (behind < 0) std::this_thread::sleep_for(std::chrono::duration<double>(-behind));
    }
  }
  const double wall = seconds_between(wall_start, std::chrono::steady_clock::now());
  bar.finish();

  for (SpikeOutput& o : outputs) {
    o.flush();
    o.writer->close(sim.now());
  }
  for (const StateOutput& s : states) write_npz_continuous(s.path, s.recorder->to_tscontinuous());

  if (talk) {
    const double simulated = to_seconds(sim.now() - t_start);
    std::printf("ran %s s simulated in %.3f s wall (%.3gx real time): %llu events, %llu spikes\n",
                format_seconds(sim.now() - t_start).c_str(), wall, wall > 0 ? simulated / wall : 0.0,
                static_cast<unsigned long long>(sim.stats().events), static_cast<unsigned long long>(sim.stats().spikes));
    for (const EventLogSource* l : logs) {
      std::printf("input %s: %llu events from %s", l->name().c_str(),
                  static_cast<unsigned long long>(l->events_delivered()), l->path().c_str());
      if (l->events_dropped()) {
        std::printf(" (%llu dropped: channel beyond the input's %zu)", static_cast<unsigned long long>(l->events_dropped()),
                    l->size_out());
      }
      std::printf("\n");
      if (verbose) {
        std::printf("  format %s, %zu channels, largest time rounding %g s, %llu of %llu bytes read\n",
                    std::string(format_name(l->info().format)).c_str(), l->size_out(), l->max_rounding_seconds(),
                    static_cast<unsigned long long>(l->bytes_read()), static_cast<unsigned long long>(l->file_size()));
      }
    }
    for (const SpikeOutput& o : outputs) {
      std::printf("wrote %s: %llu spikes\n", o.path.c_str(), static_cast<unsigned long long>(o.writer->events_written()));
    }
    for (const StateOutput& s : states) std::printf("wrote %s: %zu samples\n", s.path.c_str(), s.recorder->times().size());
    if (request.realtime) {
      double sum = 0, max = 0;
      for (const double l : lags) {
        sum += l;
        max = std::max(max, l);
      }
      std::printf("real time: %zu slices of %s s, lag behind the wall clock max %.3f ms, mean %.3f ms\n", lags.size(),
                  format_seconds(step).c_str(), 1e3 * max, lags.empty() ? 0.0 : 1e3 * sum / static_cast<double>(lags.size()));
    }
  }
  return 0;
}

void add_common_options(po::options_description& options, RunRequest& r, bool& quiet, bool& verbose) {
  options.add_options()("duration", po::value<std::string>(),
                        "simulated time, e.g. 1s, 500ms (default: the config's run { duration }, else the end of "
                        "the input log)")(
      "out", po::value<std::string>(),
      "write the recorded spikes to this file (format from the extension: .rpl native, .csv/.txt text, .npz)")(
      "record", po::value(&r.record)->composing(),
      "nodes whose spikes go to --out, comma separated (default: the config's spike records, else every spiking "
      "node)")("format", po::value<std::string>(), "format of --out (native, text, npz), instead of its extension")(
      "realtime", po::bool_switch(&r.realtime), "pace simulated time against the wall clock; report the lag")(
      "step", po::value(&r.step)->default_value("1ms"), "with --realtime: the slice of simulated time paced at once")(
      "polarity", po::value<std::string>(),
      "camera recordings (x, y, polarity): split (default: channel (y * width + x) * 2 + p), merge, on or off")(
      "drop-out-of-range", po::bool_switch(&r.drop_out_of_range),
      "drop input events on channels the input node does not have (default: an error)")(
      "quiet,q", po::bool_switch(&quiet), "print nothing but errors")(
      "verbose,v", po::bool_switch(&verbose), "also print the network and details of the inputs");
}

void take_common(const po::variables_map& vm, RunRequest& r, bool quiet, bool verbose) {
  if (quiet && verbose) throw UsageError("--quiet and --verbose exclude each other");
  r.verbosity = quiet ? Verbosity::kQuiet : verbose ? Verbosity::kVerbose : Verbosity::kNormal;
  if (vm.count("duration")) r.duration = vm["duration"].as<std::string>();
  if (vm.count("out")) r.out = vm["out"].as<std::string>();
  if (vm.count("format")) r.format = vm["format"].as<std::string>();
  if (vm.count("polarity")) r.polarity = vm["polarity"].as<std::string>();
}

}  // namespace

int run_run(std::span<const std::string> args) {
  RunRequest r;
  bool quiet = false, verbose = false, list_models = false;
  po::options_description options("options");
  options.add_options()("config", po::value(&r.config), "network config (.pbtxt protobuf text or .json; doc/configs.md)")(
      "input", po::value(&r.inputs)->composing(),
      "drive the config's log or (spiking) session input with this event file (any readable format); NAME=FILE when it has several")(
      "list-models", po::bool_switch(&list_models), "list the model names a config can use, and exit");
  add_common_options(options, r, quiet, verbose);
  po::positional_options_description positional;
  positional.add("config", 1);
  po::variables_map vm;
  if (!parse_options(args,
                     "rockpool run CONFIG [--input LOG] [--duration T] [--out LOG] [--record NODES] [--realtime] "
                     "[--quiet|--verbose]\n\nBuilds the network of CONFIG, drives it with a log (--input, or the "
                     "config's own) or its own sources, and streams the recorded spikes to a file. Exit codes: 0 ok, "
                     "1 runtime error (bad config: file:line:col), 2 usage error. Configs: doc/configs.md.\n\nexample:\n"
                     "  rockpool run examples/configs/lif.pbtxt --input recording.rpl --out spikes.rpl\n",
                     options, positional, vm)) {
    return 0;
  }
  if (list_models) {
    const ModelRegistry models = builtin_models();
    for (const ModelInfo& m : models.models()) {
      std::string aliases;
      for (const auto& a : m.aliases) aliases += (aliases.empty() ? " (also " : ", ") + a;
      std::cout << m.name << (aliases.empty() ? "" : aliases + ")") << ": " << m.summary << "\n";
    }
    return 0;
  }
  if (r.config.empty()) throw UsageError("give a config file: rockpool run CONFIG");
  take_common(vm, r, quiet, verbose);
  return execute(r);
}

int run_replay(std::span<const std::string> args) {
  RunRequest r;
  bool quiet = false, verbose = false;
  std::string log;
  po::options_description options("options");
  options.add_options()("log", po::value(&log)->required(),
                        "recorded events: native log, text, npz, AEDAT, ... (format recognised by content)")(
      "net", po::value(&r.config)->required(), "network config (.pbtxt or .json) with one log or session input");
  add_common_options(options, r, quiet, verbose);
  po::positional_options_description positional;
  positional.add("log", 1);
  po::variables_map vm;
  if (!parse_options(args,
                     "rockpool replay LOG --net CONFIG [--out LOG] [--realtime] [--duration T] [--quiet|--verbose]"
                     "\n\nFeeds a recording through a network, as fast as possible or paced in real time "
                     "(--realtime, with the measured lag), to the end of the recording. Exit codes: 0 ok, 1 runtime "
                     "error, 2 usage error. Configs: doc/configs.md.\n\nexample:\n  rockpool replay "
                     "examples/data/poisson_input.csv --net examples/configs/lif.pbtxt --out spikes.rpl\n",
                     options, positional, vm)) {
    return 0;
  }
  take_common(vm, r, quiet, verbose);
  r.inputs.push_back(log);
  return execute(r);
}

}  // namespace rockpool::cli
