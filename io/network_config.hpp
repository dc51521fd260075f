// network_config.hpp: network and run configs, in protobuf text format or JSON.
//
// Use it to describe a network in a file rather than in code: nodes (a model by name from
// neurons/model_registry.hpp, its size and Rockpool-named parameters), inputs (a log file,
// a Poisson/regular generator, or a stream the application feeds through a Session),
// projections (dense, one-to-one, random, or a synapse
// list), what to record, and the run's duration, seed and start. The schema is
// io/network_config.proto; doc/configs.md documents every field with an example.
//
//   NetworkConfig config = NetworkConfig::load("examples/configs/lif.pbtxt");
//   BuiltNetwork built = config.build();
//   Simulation sim(std::move(built.network), config.run().t_start);
//   sim.run_until(config.run().t_start + *config.run().duration);
//
// Errors: every problem — a syntax error, an unknown field, an unknown model or node, a
// parameter the model refuses, sizes that do not match — is a ConfigError naming the file
// and the 1-based line and column of the offending entry, "net.pbtxt:12:5: ...", in both
// syntaxes. The format is told from the content: JSON starts with '{'.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/network.hpp"
#include "io/event_log_source.hpp"
#include "neurons/model_registry.hpp"

namespace rockpool {

enum class ConfigSyntax { kText, kJson };

struct ConfigInput {
  // kSession: fed by the application through a Session (NetworkBuilder::from_file), or by a
  // log given in ConfigBuildOptions::input_paths (rockpool run --input, replay).
  enum class Kind { kLog, kPoisson, kRegular, kSession };
  std::string name;
  Kind kind = Kind::kLog;
  std::size_t size = 0;
  std::string path;         // kLog: as resolved against the config's folder; empty if not given
  bool continuous = false;  // kSession: held values rather than spikes
};

struct ConfigRecord {
  std::string node;
  bool spikes = true;
  std::vector<std::string> state;
  Duration every;
  std::string path;  // empty if not given
};

struct ConfigRun {
  std::optional<Duration> duration;
  std::uint64_t seed = 0;
  Time t_start;
};

struct ConfigBuildOptions {
  // Replaces the path of the log input of that name, or feeds the session input of that
  // name (a spiking one) from a log.
  std::vector<std::pair<std::string, std::string>> input_paths;
  // Makes the node of a session input that input_paths does not feed (api/ makes the
  // stream a Session pushes into). Without it, such an input is a ConfigError naming it.
  std::function<std::unique_ptr<Node>(const ConfigInput&)> session_input;
  EventReaderOptions reader;
  ChannelPolicy out_of_range = ChannelPolicy::kError;
};

struct BuiltNetwork {
  Network network;
  std::vector<NodeId> log_inputs;      // the EventLogSource nodes, in config order
  std::vector<NodeId> session_inputs;  // the nodes session_input made, in config order
};

class NetworkConfig {
 public:
  // Reads and parses a file (IoError if it cannot be read, ConfigError if it is not a
  // valid config).
  static NetworkConfig load(const std::string& path);
  // Parses text; `file` names it in errors, relative log paths resolve against `base_dir`.
  static NetworkConfig parse(std::string_view content, std::string file, std::string base_dir = ".");
  static ConfigSyntax detect_syntax(std::string_view content);

  NetworkConfig(NetworkConfig&&) noexcept;
  NetworkConfig& operator=(NetworkConfig&&) noexcept;
  ~NetworkConfig();

  const std::string& file() const;
  ConfigSyntax syntax() const;
  const std::string& name() const;
  const std::vector<ConfigInput>& inputs() const;
  const std::vector<ConfigRecord>& records() const;
  const ConfigRun& run() const;

  // Builds the network: inputs first (in order), then nodes, then projections. Refuses,
  // with the entry's file:line:col, an unknown model, a parameter the model does not take
  // or refuses, an unknown node, wrong sizes, a record of an unknown node or state variable.
  BuiltNetwork build(const ConfigBuildOptions& options = {}) const;
  BuiltNetwork build(const ConfigBuildOptions& options, const ModelRegistry& models) const;

  // A ConfigError at the location of record `index` (for problems found by the caller, such
  // as an unwritable output).
  [[noreturn]] void fail_at_record(std::size_t index, std::string_view problem) const;

 private:
  struct Impl;
  explicit NetworkConfig(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace rockpool
