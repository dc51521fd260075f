#include "neurons/model_registry.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "engine/error.hpp"
#include "neurons/aeif_psc_exp.hpp"
#include "neurons/cliaf.hpp"
#include "neurons/diaf.hpp"
#include "neurons/event_pass.hpp"
#include "neurons/exp_syn.hpp"
#include "neurons/filter_bank.hpp"
#include "neurons/force_rate.hpp"
#include "neurons/lif_exp.hpp"
#include "neurons/lif_exp_clocked.hpp"
#include "neurons/parameter_checks.hpp"
#include "neurons/rate.hpp"
#include "neurons/rec_fs_spike.hpp"
#include "neurons/state_readout.hpp"
#include "neurons/updown.hpp"

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

std::optional<std::vector<double>> ModelParams::numbers_or_none(std::string_view name,
                                                               std::optional<std::vector<double>> fallback) const {
  const ModelParam* p = find(name);
  if (!p) return fallback;
  if (!p->text.empty() && p->values.empty() && lower(p->text) == "none") return std::nullopt;
  return numbers(name, {});
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

// The rate layers' `integration`: Rockpool's forward Euler (default) or the exact step.
Integration integration(const ModelParams& params) {
  const std::string name = params.text("integration", "euler");
  if (name == "euler") return Integration::kEuler;
  if (name == "exact") return Integration::kExact;
  throw InvalidArgument("integration", "must be euler or exact, not '" + name + "'");
}

}  // namespace

void register_readout_models(ModelRegistry& r) {
  r.add({"StateReadout", {"SurrogateReadout"},
         "a population's or layer's state every dt, through Rockpool's surrogate and w_out: continuous out "
         "(neurons/state_readout.hpp)",
         [](const ModelSpec& s) {
           const std::string source = s.params.text("source", "");
           if (source.empty()) throw InvalidArgument("source", "needed: the name of the population to read");
           if (!s.network) throw InvalidArgument("source", "can only be resolved inside a network config");
           const Node* node = nullptr;
           for (NodeId id = 0; id < s.network->num_nodes(); ++id) {
             if (s.network->node(id).name() == source) node = &s.network->node(id);
           }
           if (!node ||
               (node->family() != NodeFamily::kPopulation && node->family() != NodeFamily::kClockedLayer)) {
             throw InvalidArgument("source", "'" + source + "' is not a population or clocked layer listed before '" +
                                                 std::string(s.node) + "'");
           }
           StateReadout::Parameters p;
           p.dt = s.params.duration("dt", p.dt);
           p.variable = s.params.text("variable", p.variable);
           const std::string transform = s.params.text("transform", "surrogate");
           if (transform == "surrogate") {
             p.transform = ReadoutTransform::kRockpoolSurrogate;
           } else if (transform != "identity") {
             throw InvalidArgument("transform", "must be surrogate or identity, not '" + transform + "'");
           }
           if (const auto* lif = dynamic_cast<const LifExp*>(node)) {  // the LIF's own levels
             p.threshold = lif->parameters().threshold;
             p.v_reset = lif->parameters().v_reset;
           } else if (const auto* clocked = dynamic_cast<const LifExpClocked*>(node)) {
             p.threshold = clocked->parameters().threshold;
             p.v_reset = clocked->parameters().v_reset;
           }
           p.threshold = s.params.number("threshold", p.threshold);
           p.v_reset = s.params.number("v_reset", p.v_reset);
           // One row of w_out per unit of the variable (StateReadout names an unknown variable).
           const auto names = node->state_names();
           const auto found = std::find(names.begin(), names.end(), p.variable);
           const std::size_t units =
               found == names.end() ? node->size_out() : node->state_size(static_cast<std::size_t>(found - names.begin()));
           if (s.params.has("w_out")) {
             std::vector<double> w = s.params.numbers("w_out", {});
             if (w.size() != units * s.size) {
               throw DimensionMismatch("w_out", "has " + std::to_string(w.size()) + " values for a " +
                                                    std::to_string(units) + " x " + std::to_string(s.size) +
                                                    " matrix (source size x size, row-major)");
             }
             p.w_out = WeightMatrix(units, s.size, std::move(w));
           } else if (s.size != units) {
             throw InvalidArgument("size", "without w_out the readout has one output per neuron of '" + source +
                                               "' (" + std::to_string(units) + ")");
           }
           return BuiltModel{std::make_unique<StateReadout>(*node, std::move(p))};
         }});
}

void register_lif_models(ModelRegistry& r) {
  r.add({"LIFExact", {"LifExp", "LIF"},
         "leaky integrate-and-fire, exponential current synapses, exact event-driven (neurons/lif_exp.hpp)",
         [](const ModelSpec& s) {
           const LifExp::Parameters p = lif_parameters(s.params);
           auto lif = std::make_unique<LifExp>(p, s.size);
           set_initial_v(*lif, s.params, s.size, p.v_rest);
           // Sampling period of a current input (continuous projections into the population).
           lif->set_current_dt(s.params.duration("dt", lif->current_input_dt()));
           return BuiltModel{std::move(lif)};
         }});
  r.add({"LIFClocked", {"LifExpClocked"},
         "the same LIF stepped on a clock of period dt (neurons/lif_exp_clocked.hpp)", [](const ModelSpec& s) {
           const LifExp::Parameters p = lif_parameters(s.params);
           const Duration dt = s.params.duration("dt", milliseconds(1));  // Rockpool's LIF default
           const std::string mode = s.params.text("discretisation", "exact");
           if (mode != "exact" && mode != "rockpool" && mode != "rockpool_euler") {
             throw InvalidArgument("discretisation", "must be exact, rockpool or rockpool_euler, not '" + mode + "'");
           }
           auto lif = std::make_unique<LifExpClocked>(
               p, s.size, dt,
               mode == "exact"      ? LifExpClocked::Discretisation::kExact
               : mode == "rockpool" ? LifExpClocked::Discretisation::kRockpool
                                    : LifExpClocked::Discretisation::kRockpoolEuler);
           set_initial_v(*lif, s.params, s.size, p.v_rest);
           lif->set_noise(s.params.number("noise_std", 0.0), seed(s));  // state noise (state_noise.hpp)
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
           p.noise_std = s.params.number("noise_std", p.noise_std);
           p.seed = seed(s);
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
           p.integration = integration(s.params);
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

// size = N units, size_in = I inputs; the node's input channels are the I inputs, then the
// N force channels (neurons/force_rate.hpp). w_out's O columns follow from its length.
void register_force_rate_models(ModelRegistry& r) {
  r.add({"ForceRateEuler", {"ForceRateEulerJax_IO", "ForceRateEulerJax"},
         "FORCE reservoir, tau dx/dt + x = W_in^T u + F + b, y = W_out^T H(x); inputs: size_in, then size force "
         "channels (neurons/force_rate.hpp)",
         [](const ModelSpec& s) {
           ForceRateEuler::Parameters p;
           p.tau = s.params.numbers("tau", {});  // required: the constructor names it if absent
           p.bias = s.params.numbers("bias", p.bias);
           p.activation = activation(s.params);
           p.noise_std = s.params.number("noise_std", p.noise_std);
           p.dt = s.params.optional_duration("dt");
           p.integration = integration(s.params);
           p.seed = seed(s);
           WeightMatrix w_in = weight_matrix(s, "w_in");
           WeightMatrix w_out;
           if (s.params.has("w_out")) {
             std::vector<double> w = s.params.numbers("w_out", {});
             if (w.size() % s.size != 0) {
               throw DimensionMismatch("w_out", "has " + std::to_string(w.size()) + " values, not a multiple of size " +
                                                    std::to_string(s.size) + " (size x O, row-major [pre][post])");
             }
             const std::size_t columns = w.size() / s.size;
             w_out = WeightMatrix(s.size, columns, std::move(w));
           } else {
             w_out = weight_matrix({s.node, s.size, s.size, s.params, s.seed}, "w_out");  // identity: y = H(x)
           }
           return BuiltModel{std::make_unique<ForceRateEuler>(std::move(w_in), std::move(w_out), p)};
         }});
}

namespace {

StateType state_type(const ModelParams& params, StateType fallback) {
  const std::string name = params.text("state_type", std::string(state_type_name(fallback)));
  if (name == "float") return StateType::kFloat64;  // Python's float, Rockpool's CLIAF default
  for (const StateType t : {StateType::kInt8, StateType::kInt16, StateType::kInt32, StateType::kFloat32,
                            StateType::kFloat64}) {
    if (name == state_type_name(t)) return t;
  }
  throw InvalidArgument("state_type", "unknown type '" + name + "' (int8, int16, int32, float32, float64, float)");
}

// An N x N matrix given as a parameter (required), row-major as the model states.
WeightMatrix square_matrix(const ModelSpec& s, std::string_view name, std::string_view what) {
  if (!s.params.has(name)) throw InvalidArgument(name, "required: the size x size " + std::string(what));
  return weight_matrix({s.node, s.size, s.size, s.params, s.seed}, name);
}

bool flag(const ModelParams& params, std::string_view name, bool fallback) {
  const std::uint64_t v = params.integer(name, fallback ? 1 : 0);
  if (v > 1) throw InvalidArgument(name, "must be 0 or 1");
  return v == 1;
}

}  // namespace

void register_aeif_models(ModelRegistry& r) {
  r.add({"AeifPscExp", {"aeif", "aeif_psc_exp"},
         "adaptive exponential IF, exponential current synapses (NEST's aeif_psc_exp), adaptive solver "
         "(neurons/aeif_psc_exp.hpp)",
         [](const ModelSpec& s) {
           AeifPscExp::Parameters p;
           p.C_m = s.params.number("C_m", p.C_m);
           p.g_L = s.params.number("g_L", p.g_L);
           p.E_L = s.params.number("E_L", p.E_L);
           p.V_th = s.params.number("V_th", p.V_th);
           p.Delta_T = s.params.number("Delta_T", p.Delta_T);
           p.tau_w = s.params.number("tau_w", p.tau_w);
           p.a = s.params.number("a", p.a);
           p.b = s.params.number("b", p.b);
           p.V_reset = s.params.number("V_reset", p.V_reset);
           p.t_ref = s.params.duration("t_ref", p.t_ref);
           p.V_peak = s.params.number("V_peak", p.V_peak);
           p.tau_syn_ex = s.params.number("tau_syn_ex", p.tau_syn_ex);
           p.tau_syn_in = s.params.number("tau_syn_in", p.tau_syn_in);
           p.I_e = s.params.number("I_e", p.I_e);
           auto aeif = std::make_unique<AeifPscExp>(p, s.size);
           if (s.params.has("V_m")) aeif->set_v_mem(neuron_detail::per_unit("V_m", s.params.numbers("V_m", {}), s.size));
           if (s.params.has("w")) aeif->set_w(neuron_detail::per_unit("w", s.params.numbers("w", {}), s.size));
           return BuiltModel{std::move(aeif)};
         }});
}

void register_cliaf_models(ModelRegistry& r) {
  r.add({"CLIAF", {"FFCLIAF", "RecCLIAF"},
         "constant-leak integrate-and-fire, clocked, quantised state; recurrent with weights_rec (neurons/cliaf.hpp)",
         [](const ModelSpec& s) {
           CLIAF::Parameters p;
           p.bias = s.params.numbers("bias", p.bias);
           p.v_thresh = s.params.numbers("v_thresh", p.v_thresh);
           p.v_reset = s.params.numbers("v_reset", p.v_reset);
           p.v_subtract = s.params.numbers_or_none("v_subtract", p.v_subtract);
           p.refractory = s.params.numbers("refractory", p.refractory);
           p.dt = s.params.optional_duration("dt");
           p.delay = s.params.optional_duration("delay");
           p.tTauBias = s.params.optional_duration("tTauBias");
           p.state_type = state_type(s.params, p.state_type);
           p.noise_std = s.params.number("noise_std", p.noise_std);
           p.seed = seed(s);
           std::optional<WeightMatrix> rec;
           if (s.params.has("weights_rec")) rec = square_matrix(s, "weights_rec", "recurrent weights");
           auto layer = std::make_unique<CLIAF>(weight_matrix(s, "weights_in"), std::move(rec), p);
           if (s.params.has("state")) layer->set_state(neuron_detail::per_unit("state", s.params.numbers("state", {}), s.size));
           return BuiltModel{std::move(layer)};
         }});
  r.add({"SoftMax", {"SoftMaxLayer"}, "leak-free integrator of weighted spikes, softmax output, clocked (neurons/cliaf.hpp)",
         [](const ModelSpec& s) {
           SoftMax::Parameters p;
           p.dt = s.params.duration("dt", p.dt);
           p.thresh = s.params.number("thresh", p.thresh);
           p.noise_std = s.params.number("noise_std", p.noise_std);
           p.seed = seed(s);
           return BuiltModel{std::make_unique<SoftMax>(weight_matrix(s), p)};
         }});
}

// RecDIAF's weights are engine projections (RecDIAF::add_to), which a model cannot add: in a
// config, give the input weights as a projection into the node and the recurrent weights
// as a projection from the node to itself with delay = Rockpool's `delay` (a projection from
// a node to itself is delivered after external input at equal times, as Rockpool's heap
// orders them). The layer's own matrices are then unused and built as zeros.
void register_diaf_models(ModelRegistry& r) {
  r.add({"RecDIAF", {"DIAF"},
         "digital IAF, quantised state, event-driven; weights are config projections (neurons/diaf.hpp)",
         [](const ModelSpec& s) {
           RecDIAF::Parameters p;
           p.tau_leak = s.params.duration("tau_leak", p.tau_leak);
           p.refractory = s.params.numbers("refractory", p.refractory);
           p.v_thresh = s.params.numbers("v_thresh", p.v_thresh);
           p.v_reset = s.params.numbers("v_reset", p.v_reset);
           p.v_rest = s.params.numbers_or_none("v_rest", p.v_rest);
           p.leak = s.params.numbers("leak", p.leak);
           p.v_subtract = s.params.numbers_or_none("v_subtract", p.v_subtract);
           p.state_type = state_type(s.params, p.state_type);
           const std::size_t rows = s.size_in ? s.size_in : s.size;
           return BuiltModel{std::make_unique<RecDIAF>(WeightMatrix(rows, s.size, std::vector<double>(rows * s.size, 0.0)),
                                                       WeightMatrix(s.size, s.size, std::vector<double>(s.size * s.size, 0.0)),
                                                       p)};
         }});
}

// FFUpDown's size is its number of *input* channels (size_out = 2 multi_channels size).
void register_updown_models(ModelRegistry& r) {
  r.add({"FFUpDown", {"UpDown"}, "delta modulator, analogue in, up/down spike channels out; size = inputs (neurons/updown.hpp)",
         [](const ModelSpec& s) {
           FFUpDown::Parameters p;
           p.multi_channels = s.params.integer("multi_channels", p.multi_channels);
           p.repeat_output = s.params.integer("repeat_output", p.repeat_output);
           p.dt = s.params.duration("dt", p.dt);
           p.tau_decay = s.params.numbers_or_none("tau_decay", p.tau_decay).value_or(std::vector<double>{});
           p.noise_std = s.params.number("noise_std", p.noise_std);
           p.thr_up = s.params.numbers("thr_up", p.thr_up);
           p.thr_down = s.params.numbers("thr_down", p.thr_down);
           p.multiplex_spikes = flag(s.params, "multiplex_spikes", p.multiplex_spikes);
           p.seed = seed(s);
           return BuiltModel{std::make_unique<FFUpDown>(s.size, p)};
         }});
}

// The routing matrix is the layer's, but events reach it through a projection: in a config,
// connect the input with the same weights (PassThroughEvents::input_projection()).
void register_event_pass_models(ModelRegistry& r) {
  r.add({"PassThroughEvents", {}, "routes and multiplies events by a whole-number matrix (neurons/event_pass.hpp)",
         [](const ModelSpec& s) { return BuiltModel{std::make_unique<PassThroughEvents>(weight_matrix(s))}; }});
}

void register_rec_fs_models(ModelRegistry& r) {
  r.add({"RecFSSpikeEulerBT", {}, "recurrent spiking, fast and slow synapses, Euler with back-stepping (neurons/rec_fs_spike.hpp)",
         [](const ModelSpec& s) {
           if (s.size_in && s.size_in != s.size) {
             throw DimensionMismatch("size_in", "RecFSSpikeEulerBT takes one input per neuron (size_in = size)");
           }
           RecFSSpikeEulerBT::Parameters p;
           p.weights_fast = square_matrix(s, "weights_fast", "fast weights, [post][pre]");
           p.weights_slow = square_matrix(s, "weights_slow", "slow weights, [post][pre]");
           p.bias = s.params.numbers("bias", p.bias);
           p.noise_std = s.params.number("noise_std", p.noise_std);
           p.tau_mem = s.params.numbers("tau_mem", p.tau_mem);
           p.tau_syn_r_fast = s.params.numbers("tau_syn_r_fast", p.tau_syn_r_fast);
           p.tau_syn_r_slow = s.params.numbers("tau_syn_r_slow", p.tau_syn_r_slow);
           p.v_thresh = s.params.numbers("v_thresh", p.v_thresh);
           p.v_reset = s.params.numbers("v_reset", p.v_reset);
           p.v_rest = s.params.numbers("v_rest", p.v_rest);
           p.refractory = s.params.number("refractory", p.refractory);
           p.dt = s.params.optional_duration("dt");
           if (s.params.has("min_delta")) p.min_delta = s.params.number("min_delta", 0.0);
           p.seed = seed(s);
           if (s.params.has("weights_out")) {  // size x M, row-major [neuron][output]
             std::vector<double> w = s.params.numbers("weights_out", {});
             if (w.size() % s.size != 0) {
               throw DimensionMismatch("weights_out", "has " + std::to_string(w.size()) +
                                                          " values, not a multiple of size " + std::to_string(s.size) +
                                                          " (size x M, row-major)");
             }
             const std::size_t m = w.size() / s.size;
             p.weights_out = WeightMatrix(s.size, m, std::move(w));
           }
           const std::string output = s.params.text("output", "spikes");
           if (output == "weights_out") {
             p.output = RecFSSpikeEulerBT::Parameters::Output::kWeightsOut;
           } else if (output != "spikes") {
             throw InvalidArgument("output", "must be 'spikes' or 'weights_out', got '" + output + "'");
           }
           return BuiltModel{std::make_unique<RecFSSpikeEulerBT>(std::move(p))};
         }});
}

namespace {

// fs (Hz) sets dt; without it, the model's default (16 kHz).
void filter_common(const ModelParams& params, ButterFilterBank::Parameters& p) {
  if (params.has("fs")) {
    const double fs = params.number("fs", 0.0);
    if (!(fs > 0)) throw InvalidArgument("fs", "must be positive");
    p.dt = Duration::from_seconds(1.0 / fs);
  }
  const std::uint64_t order = params.integer("order", static_cast<std::uint64_t>(p.order));
  p.order = order > 64 ? 65 : static_cast<int>(order);  // the constructor names the range
  p.envelope = flag(params, "envelope", p.envelope);
  p.running_mean_subtraction = flag(params, "running_mean_subtraction", p.running_mean_subtraction);
  // Rockpool's options act on a whole evolve's output, which a streaming node never has.
  for (const char* whole : {"mean_subtraction", "normalize"}) {
    if (flag(params, whole, false)) {
      throw InvalidArgument(whole, "acts on the whole output of a run (Rockpool's evolve), not on a stream: "
                                   "apply it to the recorded output (filter_signal / postprocess_filter_output in "
                                   "neurons/filter_bank_signal.hpp), or use running_mean_subtraction");
    }
  }
}

}  // namespace

// `size` must equal the number of bands (the output channels); one analogue input.
void register_filter_bank_models(ModelRegistry& r) {
  r.add({"ButterFilter", {"ButterFilterBank"},
         "Butterworth band-pass bank at given frequency / bandwidth, rectified and low-passed (neurons/filter_bank.hpp)",
         [](const ModelSpec& s) {
           ButterFilterBank::Parameters p;
           filter_common(s.params, p);
           if (!s.params.has("frequency")) throw InvalidArgument("frequency", "required: the bands' centre frequencies (Hz)");
           const std::vector<double> f = s.params.numbers("frequency", {});
           const std::vector<double> bw = s.params.numbers("bandwidth", {});
           if (bw.empty()) throw InvalidArgument("bandwidth", "required: 1 or one per band (Hz)");
           p.bands = ButterFilterBank::butter_bands(f, bw);
           p.cutoff_fs = s.params.number("cutoff_fs", p.cutoff_fs);
           if (p.bands.size() != s.size) {
             throw DimensionMismatch("frequency", "has " + std::to_string(p.bands.size()) + " bands for size " +
                                                      std::to_string(s.size));
           }
           return BuiltModel{std::make_unique<ButterFilterBank>(std::move(p))};
         }});
  r.add({"ButterMelFilter", {"ButterMel"},
         "Butterworth band-pass bank on a mel scale, size = num_filters (neurons/filter_bank.hpp)", [](const ModelSpec& s) {
           ButterFilterBank::Parameters p;
           filter_common(s.params, p);
           const double cutoff = s.params.number("cutoff_fs", 100.0);
           const double width = s.params.number("filter_width", 2.0);
           if (s.size > 100000) throw InvalidArgument("size", "too many filters");
           p.bands = ButterFilterBank::mel_bands(1.0 / to_seconds(p.dt), static_cast<int>(s.size), cutoff, width);
           p.cutoff_fs = cutoff;  // Rockpool's one cutoff_fs: the lowest band and the envelope's low-pass
           return BuiltModel{std::make_unique<ButterFilterBank>(std::move(p))};
         }});
}

ModelRegistry builtin_models() {
  ModelRegistry r;
  register_lif_models(r);
  register_exp_syn_models(r);
  register_rate_models(r);
  register_force_rate_models(r);
  register_aeif_models(r);
  register_cliaf_models(r);
  register_diaf_models(r);
  register_updown_models(r);
  register_event_pass_models(r);
  register_rec_fs_models(r);
  register_filter_bank_models(r);
  register_readout_models(r);
  // New models: one register_*(r) call here (see model_registry.hpp).
  return r;
}

}  // namespace rockpool
