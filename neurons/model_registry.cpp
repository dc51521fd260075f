#include "neurons/model_registry.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "engine/error.hpp"
#include "neurons/exp_syn.hpp"
#include "neurons/lif_exp.hpp"
#include "neurons/lif_exp_clocked.hpp"
#include "neurons/parameter_checks.hpp"
#include "neurons/rate.hpp"

namespace rockpool {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string count_text(std::size_t n, std::string_view what) { return std::to_string(n) + " " + std::string(what); }

}  // namespace

// ---------------------------------------------------------------------------------------
// ModelParams

ModelParams::ModelParams(std::vector<ModelParam> params) : params_(std::move(params)) {
  for (std::size_t i = 0; i < params_.size(); ++i) {
    if (params_[i].name.empty()) throw InvalidArgument("param", "parameter " + std::to_string(i) + " has no name");
    for (std::size_t j = 0; j < i; ++j) {
      if (params_[j].name == params_[i].name) throw InvalidArgument(params_[i].name, "given twice");
    }
  }
}

const ModelParam* ModelParams::find(std::string_view name) const {
  if (std::find(asked_.begin(), asked_.end(), name) == asked_.end()) asked_.emplace_back(name);
  for (const ModelParam& p : params_) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

bool ModelParams::has(std::string_view name) const { return find(name) != nullptr; }

std::vector<double> ModelParams::numbers(std::string_view name, std::vector<double> fallback) const {
  const ModelParam* p = find(name);
  if (!p) return fallback;
  if (!p->text.empty()) throw InvalidArgument(name, "takes numbers (value: ...), not the text '" + p->text + "'");
  if (p->values.empty()) throw InvalidArgument(name, "has no value");
  for (std::size_t i = 0; i < p->values.size(); ++i) {
    if (!std::isfinite(p->values[i])) throw InvalidArgument(name, "not finite at index " + std::to_string(i));
  }
  return p->values;
}

double ModelParams::number(std::string_view name, double fallback) const {
  const std::vector<double> v = numbers(name, {fallback});
  if (v.size() != 1) throw InvalidArgument(name, "takes one value, got " + count_text(v.size(), "values"));
  return v[0];
}

std::uint64_t ModelParams::integer(std::string_view name, std::uint64_t fallback) const {
  if (!has(name)) return fallback;
  const double v = number(name, 0.0);
  if (v < 0 || v != std::floor(v) || v > 9007199254740992.0) {
    throw InvalidArgument(name, "must be a whole number >= 0, got " + neuron_detail::shortest(v));
  }
  return static_cast<std::uint64_t>(v);
}

std::optional<Duration> ModelParams::optional_duration(std::string_view name) const {
  const ModelParam* p = find(name);
  if (!p) return std::nullopt;
  if (!p->text.empty()) {
    if (!p->values.empty()) throw InvalidArgument(name, "give either a value (seconds) or a text, not both");
    return parse_duration(p->text, name);
  }
  return Duration::from_seconds(number(name, 0.0));
}

Duration ModelParams::duration(std::string_view name, Duration fallback) const {
  return optional_duration(name).value_or(fallback);
}

std::string ModelParams::text(std::string_view name, std::string fallback) const {
  const ModelParam* p = find(name);
  if (!p) return fallback;
  if (p->text.empty() || !p->values.empty()) throw InvalidArgument(name, "takes a name (text: \"...\")");
  return lower(p->text);
}

std::vector<std::string> ModelParams::unused() const {
  std::vector<std::string> out;
  for (const ModelParam& p : params_) {
    if (std::find(asked_.begin(), asked_.end(), p.name) == asked_.end()) out.push_back(p.name);
  }
  return out;
}

std::vector<std::string> ModelParams::asked() const {
  std::vector<std::string> out = asked_;
  std::sort(out.begin(), out.end());
  return out;
}

// ---------------------------------------------------------------------------------------
// ModelRegistry

void ModelRegistry::add(ModelInfo model) {
  if (model.name.empty() || !model.build) throw InvalidArgument("model", "a model needs a name and a factory");
  std::vector<std::string> names = model.aliases;
  names.push_back(model.name);
  for (const std::string& n : names) {
    if (find(n)) throw InvalidArgument("model", "the name '" + n + "' is already registered");
  }
  models_.push_back(std::move(model));
}

const ModelInfo* ModelRegistry::find(std::string_view name) const {
  const std::string key = lower(name);
  for (const ModelInfo& m : models_) {
    if (lower(m.name) == key) return &m;
    for (const std::string& a : m.aliases) {
      if (lower(a) == key) return &m;
    }
  }
  return nullptr;
}

std::string ModelRegistry::names() const {
  std::string out;
  for (const ModelInfo& m : models_) out += (out.empty() ? "" : ", ") + m.name;
  return out;
}

BuiltModel ModelRegistry::build(std::string_view name, const ModelSpec& spec) const {
  const ModelInfo* m = find(name);
  if (!m) throw InvalidArgument("model", "unknown model '" + std::string(name) + "'; known: " + names());
  if (spec.size == 0) throw InvalidArgument("size", "must be at least 1");
  BuiltModel built = m->build(spec);
  const std::vector<std::string> unused = spec.params.unused();
  if (!unused.empty()) {
    std::string known;
    for (const std::string& k : spec.params.asked()) known += (known.empty() ? "" : ", ") + k;
    throw InvalidArgument(unused.front(), "is not a parameter of " + m->name + " (its parameters: " + known + ")");
  }
  return built;
}

// ---------------------------------------------------------------------------------------
// The built-in models. Parameter names and defaults are Rockpool's (doc/models.md).

namespace {

// LifExp's parameters, shared by the exact and the clocked form.
LifExp::Parameters lif_parameters(const ModelParams& params, LifExp::Parameters p = {}) {
  p.tau_mem = params.number("tau_mem", p.tau_mem);
  p.tau_syn = params.numbers("tau_syn", p.tau_syn);
  p.bias = params.number("bias", p.bias);
  p.threshold = params.number("threshold", p.threshold);
  p.v_rest = params.number("v_rest", p.v_rest);
  p.v_reset = params.number("v_reset", p.v_reset);
  p.refractory = params.duration("refractory", p.refractory);
  return p;
}

// Initial membrane potentials: 1 value for all or one per neuron (default v_rest).
template <typename Layer>
void set_initial_v(Layer& layer, const ModelParams& params, std::size_t size, double v_rest) {
  const std::vector<double> v = params.numbers("v_mem", {v_rest});
  layer.set_v_mem(neuron_detail::per_unit("v_mem", v, size));
}

// A weight matrix `weights` of size_in x size (row-major [pre][post]); absent: the identity,
// which needs size_in == size.
WeightMatrix weight_matrix(const ModelSpec& s, std::string_view name = "weights") {
  const std::size_t rows = s.size_in ? s.size_in : s.size;
  if (!s.params.has(name)) {
    if (rows != s.size) {
      throw InvalidArgument(name, "needed: size_in " + std::to_string(rows) + " differs from size " +
                                      std::to_string(s.size) + ", so there is no identity default");
    }
    std::vector<double> identity(rows * rows, 0.0);
    for (std::size_t i = 0; i < rows; ++i) identity[i * rows + i] = 1.0;
    return WeightMatrix(rows, s.size, std::move(identity));
  }
  std::vector<double> w = s.params.numbers(name, {});
  if (w.size() != rows * s.size) {
    throw DimensionMismatch(name, "has " + std::to_string(w.size()) + " values for a " + std::to_string(rows) + " x " +
                                      std::to_string(s.size) + " matrix (size_in x size, row-major [pre][post])");
  }
  WeightMatrix m(rows, s.size, std::move(w));
  m.check(name);
  return m;
}

Activation activation(const ModelParams& params) {
  const std::string name = params.text("activation", "relu");
  if (name == "relu") return Activation::relu();
  if (name == "sigmoid") return Activation::sigmoid();
  if (name == "tanh") return Activation::tanh();
  if (name == "identity" || name == "linear") return Activation::identity();
  throw InvalidArgument("activation", "unknown activation '" + name + "' (relu, sigmoid, tanh, identity)");
}

std::uint64_t seed(const ModelSpec& s) { return s.params.integer("seed", s.seed); }

}  // namespace

void register_lif_models(ModelRegistry& r) {
  r.add({"LIFExact", {"LifExp", "LIF"},
         "leaky integrate-and-fire, exponential current synapses, exact event-driven (neurons/lif_exp.hpp)",
         [](const ModelSpec& s) {
           const LifExp::Parameters p = lif_parameters(s.params);
           auto lif = std::make_unique<LifExp>(p, s.size);
           set_initial_v(*lif, s.params, s.size, p.v_rest);
           return BuiltModel{std::move(lif)};
         }});
  r.add({"LIFClocked", {"LifExpClocked"},
         "the same LIF stepped on a clock of period dt (neurons/lif_exp_clocked.hpp)", [](const ModelSpec& s) {
           const LifExp::Parameters p = lif_parameters(s.params);
           const Duration dt = s.params.duration("dt", milliseconds(1));  // Rockpool's LIF default
           const std::string mode = s.params.text("discretisation", "exact");
           if (mode != "exact" && mode != "rockpool") {
             throw InvalidArgument("discretisation", "must be exact or rockpool, not '" + mode + "'");
           }
           auto lif = std::make_unique<LifExpClocked>(p, s.size, dt,
                                                      mode == "exact" ? LifExpClocked::Discretisation::kExact
                                                                      : LifExpClocked::Discretisation::kRockpool);
           set_initial_v(*lif, s.params, s.size, p.v_rest);
           return BuiltModel{std::move(lif), p.tau_syn.size()};
         }});
}

void register_exp_syn_models(ModelRegistry& r) {
  r.add({"ExpSyn", {"ExpSynClocked"},
         "exponential synapses, spikes in, currents out, clocked (neurons/exp_syn.hpp)", [](const ModelSpec& s) {
           ExpSynClocked::Parameters p;
           p.tau = s.params.numbers("tau", p.tau);
           p.bias = s.params.numbers("bias", p.bias);
           p.dt = s.params.duration("dt", p.dt);
           return BuiltModel{std::make_unique<ExpSynClocked>(weight_matrix(s), p)};
         }});
  r.add({"ExpSynExact", {}, "exponential synapses, exact at any time, for recording (neurons/exp_syn.hpp)",
         [](const ModelSpec& s) {
           ExpSynExact::Parameters p;
           p.tau = s.params.numbers("tau", p.tau);
           p.bias = s.params.numbers("bias", p.bias);
           return BuiltModel{std::make_unique<ExpSynExact>(s.size, p)};
         }});
}

void register_rate_models(ModelRegistry& r) {
  r.add({"PassThrough", {}, "y = W^T u + bias, optionally delayed (neurons/rate.hpp)", [](const ModelSpec& s) {
           PassThrough::Parameters p;
           p.dt = s.params.duration("dt", p.dt);
           p.bias = s.params.numbers("bias", p.bias);
           p.delay = s.params.duration("delay", p.delay);
           p.noise_std = s.params.number("noise_std", p.noise_std);
           p.seed = seed(s);
           return BuiltModel{std::make_unique<PassThrough>(weight_matrix(s), p)};
         }});
  r.add({"FFRateEuler", {}, "feed-forward rate neurons, tau dx/dt + x = g W^T u (neurons/rate.hpp)",
         [](const ModelSpec& s) {
           FFRateEuler::Parameters p;
           p.tau = s.params.numbers("tau", p.tau);
           p.gain = s.params.numbers("gain", p.gain);
           p.bias = s.params.numbers("bias", p.bias);
           p.activation = activation(s.params);
           p.noise_std = s.params.number("noise_std", p.noise_std);
           p.dt = s.params.optional_duration("dt");
           const std::string integration = s.params.text("integration", "euler");
           if (integration != "euler" && integration != "exact") {
             throw InvalidArgument("integration", "must be euler or exact, not '" + integration + "'");
           }
           p.integration = integration == "euler" ? Integration::kEuler : Integration::kExact;
           p.seed = seed(s);
           return BuiltModel{std::make_unique<FFRateEuler>(weight_matrix(s), p)};
         }});
  r.add({"RecRateEuler", {}, "recurrent rate neurons, tau dx/dt + x = W^T H(x + b) + u (neurons/rate.hpp)",
         [](const ModelSpec& s) {
           RecRateEuler::Parameters p;
           p.bias = s.params.numbers("bias", p.bias);
           p.tau = s.params.numbers("tau", p.tau);
           p.activation = activation(s.params);
           p.dt = s.params.duration("dt", p.dt);
           p.noise_std = s.params.number("noise_std", p.noise_std);
           p.seed = seed(s);
           if (!s.params.has("w_rec")) throw InvalidArgument("w_rec", "required: the size x size recurrent weights");
           if (s.size_in && s.size_in != s.size) {
             throw DimensionMismatch("size_in", "RecRateEuler takes one input per unit (size_in = size)");
           }
           return BuiltModel{std::make_unique<RecRateEuler>(weight_matrix(s, "w_rec"), p)};
         }});
  r.add({"Rate", {"RateJax"}, "Rockpool's Rate module, X += dt/tau (-X + i + W_rec H(X) + bias) (neurons/rate.hpp)",
         [](const ModelSpec& s) {
           Rate::Parameters p;
           p.tau = s.params.numbers("tau", p.tau);
           p.bias = s.params.numbers("bias", p.bias);
           p.threshold = s.params.numbers("threshold", p.threshold);
           if (s.params.has("w_rec")) p.w_rec = weight_matrix({s.node, s.size, s.size, s.params, s.seed}, "w_rec");
           p.activation = activation(s.params);
           p.noise_std = s.params.number("noise_std", p.noise_std);
           p.dt = s.params.duration("dt", p.dt);
           p.seed = seed(s);
           return BuiltModel{std::make_unique<Rate>(s.size, p)};
         }});
}

ModelRegistry builtin_models() {
  ModelRegistry r;
  register_lif_models(r);
  register_exp_syn_models(r);
  register_rate_models(r);
  // New models: one register_*(r) call here (see model_registry.hpp).
  return r;
}

}  // namespace rockpool
