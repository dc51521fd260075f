// model_registry.hpp: neuron models by name, built from a config's parameters.
//
// A network config (io/network_config.hpp) names each node's model ("LIFExact", "LIFClocked",
// "ExpSyn", "FFRateEuler", ...) and gives its parameters by Rockpool's names and units; the
// registry maps the name to a factory that reads those parameters and returns the node.
// `rockpool demo --model NAME` picks its neuron model the same way.
//
//   ModelRegistry models = builtin_models();
//   ModelParams params({{"tau_mem", {0.02}}, {"threshold", {1.0}}});
//   BuiltModel m = models.build("LIFExact", {.node = "lif", .size = 100, .params = params});
//
// Adding a model is one registration function next to the model, and one call to it in
// builtin_models() (model_registry.cpp):
//
//   void register_my_model(ModelRegistry& r) {
//     r.add({"MyModel", {"MyAlias"}, "one line for `rockpool run --list-models`", [](const ModelSpec& s) {
//       MyModel::Parameters p;
//       p.tau = s.params.number("tau", p.tau);           // Rockpool's name, seconds
//       return BuiltModel{std::make_unique<MyModel>(p, s.size)};
//     }});
//   }
//
// Parameters a factory never asks for are refused by name (a misspelt "tau_m" is an error,
// not a silently ignored default). No self-registration and no global: builtin_models()
// builds a fresh registry on every call.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/network.hpp"
#include "engine/node.hpp"

namespace rockpool {

// One parameter as a config gives it: numbers, or a text (a duration with its unit, a name).
struct ModelParam {
  std::string name;
  std::vector<double> values;
  std::string text;
};

// The parameters of one node. Accessors take the parameter's name and its default, and
// throw InvalidArgument naming the parameter when the value has the wrong form. Each name
// asked for is remembered, so that unused() lists the ones no accessor wanted.
class ModelParams {
 public:
  ModelParams() = default;
  // InvalidArgument for an empty or repeated name.
  explicit ModelParams(std::vector<ModelParam> params);

  bool has(std::string_view name) const;
  // Exactly one number.
  double number(std::string_view name, double fallback) const;
  // One or more numbers (per unit or per port).
  std::vector<double> numbers(std::string_view name, std::vector<double> fallback) const;
  // A non-negative whole number (seeds, counts).
  std::uint64_t integer(std::string_view name, std::uint64_t fallback) const;
  // Numbers, or the text "none" (nullopt): Rockpool's optional per-unit parameters.
  std::optional<std::vector<double>> numbers_or_none(std::string_view name,
                                                     std::optional<std::vector<double>> fallback) const;
  // A duration: one number in seconds, or a text with a unit ("100us"), rounded once.
  Duration duration(std::string_view name, Duration fallback) const;
  std::optional<Duration> optional_duration(std::string_view name) const;
  // A name ("tanh"): lower-cased.
  std::string text(std::string_view name, std::string fallback) const;

  // Names given but never asked for, in the order given.
  std::vector<std::string> unused() const;
  // Names asked for so far, sorted: what the model knows.
  std::vector<std::string> asked() const;

 private:
  const ModelParam* find(std::string_view name) const;
  std::vector<ModelParam> params_;
  mutable std::vector<std::string> asked_;
};

// What a factory gets: the node's name (for messages), its size, its input size when the
// config gives one (0 otherwise: models with a weight matrix default it to `size`), the
// parameters, and a seed for stochastic models that are given none.
struct ModelSpec {
  std::string_view node;
  std::size_t size = 0;
  std::size_t size_in = 0;
  const ModelParams& params;
  std::uint64_t seed = 0;
  // The nodes built so far (a config builds in order): for models that refer to another
  // node by name (StateReadout's `source`). Null where there is no network.
  const Network* network = nullptr;
};

struct BuiltModel {
  std::unique_ptr<Node> node;
  // A clocked layer whose spiking input channels are split into `input_blocks` equal blocks,
  // one per synaptic port (LIFClocked: channel p * size + i is port p of neuron i); a
  // spiking projection to port p is then laid onto block p (a continuous one is a current
  // input, onto the neurons). 1 for everything else.
  std::size_t input_blocks = 1;
};

struct ModelInfo {
  std::string name;                  // canonical name, as listed
  std::vector<std::string> aliases;  // further accepted names
  std::string summary;               // one line
  std::function<BuiltModel(const ModelSpec&)> build;
};

class ModelRegistry {
 public:
  // InvalidArgument if the name or an alias is already taken (names are case-insensitive).
  void add(ModelInfo model);
  // By name or alias, case-insensitive; null if unknown.
  const ModelInfo* find(std::string_view name) const;
  // Builds a node of model `name`. InvalidArgument("model", ...) listing the known names if
  // it is unknown; InvalidArgument naming a parameter the model does not take; any error of
  // the model's constructor (naming the parameter).
  BuiltModel build(std::string_view name, const ModelSpec& spec) const;
  std::span<const ModelInfo> models() const { return models_; }
  // "LIFExact, LIFClocked, ...": for error messages.
  std::string names() const;

 private:
  std::vector<ModelInfo> models_;
};

// The models of this library (LIFExact, LIFClocked, ExpSyn, ExpSynExact, PassThrough,
// FFRateEuler, RecRateEuler, Rate, ForceRateEuler, AeifPscExp, CLIAF, SoftMax, RecDIAF,
// FFUpDown, PassThroughEvents, RecFSSpikeEulerBT, ButterFilter, ButterMelFilter,
// StateReadout; doc/configs.md).
ModelRegistry builtin_models();

// Registration functions of the built-in models, one per model file.
void register_lif_models(ModelRegistry& registry);
void register_exp_syn_models(ModelRegistry& registry);
void register_rate_models(ModelRegistry& registry);
void register_force_rate_models(ModelRegistry& registry);    // ForceRateEuler
void register_aeif_models(ModelRegistry& registry);          // AeifPscExp
void register_cliaf_models(ModelRegistry& registry);         // CLIAF, SoftMax
void register_diaf_models(ModelRegistry& registry);          // RecDIAF
void register_updown_models(ModelRegistry& registry);        // FFUpDown
void register_event_pass_models(ModelRegistry& registry);    // PassThroughEvents
void register_rec_fs_models(ModelRegistry& registry);        // RecFSSpikeEulerBT
void register_filter_bank_models(ModelRegistry& registry);   // ButterFilter, ButterMelFilter
void register_readout_models(ModelRegistry& registry);       // StateReadout

}  // namespace rockpool
