// rate.hpp: Rockpool's rate-based (non-spiking) models, as clocked layers.
//
// Continuous input -> continuous output, one step per dt (engine/clocked_layer.hpp: the
// input of a step is sampled at the start of its bin, the output is produced at the tick
// that closes it and held until the next tick). The four models share the activation
// functions and the weight-matrix type, hence one header:
//
//   PassThrough   y = W^T u (+ bias), optionally delayed by a whole number of steps
//   FFRateEuler   tau dx/dt + x = g W^T u + noise,  y = H(x + b)     (Rockpool's legacy layer)
//   RecRateEuler  tau dx/dt + x = W^T H(x + b) + u + noise,  y = H(x + b)
//   Rate          RateJax: X += dt/tau (-X + i + W_rec^T H(X) + bias + noise),  y = H(X - threshold)
//
// Parameter names, units and defaults are Rockpool's; doc/models.md gives the equations,
// the noise scaling of each model (Rockpool's differs between them) and where the output
// times differ from Rockpool's. Weights use Rockpool's [pre, post] convention: row i of an
// M x N matrix holds the weights from input i to the N units. Noise is drawn from
// CounterRng(seed, unit).normal(step), step = 0, 1, ... since start(), so a run does not
// depend on evaluation order and the same seed gives the same output.
//
//   FFRateEuler::Parameters p;
//   p.tau = {0.02};
//   p.dt = milliseconds(1);
//   p.integration = Integration::kExact;
//   auto layer = std::make_unique<FFRateEuler>(WeightMatrix(2, 3, {...}), p);
//
// Each layer owns its parameters and state (one vector per variable, index = unit) and
// copies the weights it is given. Bad parameters throw at construction (error.hpp):
// DimensionMismatch for shapes, InvalidArgument for values, naming the parameter.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "engine/clocked_layer.hpp"

namespace rockpool {

// A dense M x N matrix, row-major, indexed [pre][post] (Rockpool's convention).
struct WeightMatrix {
  WeightMatrix() = default;
  WeightMatrix(std::size_t rows, std::size_t columns, std::vector<double> values)
      : rows(rows), columns(columns), values(std::move(values)) {}
  // Throws DimensionMismatch if values.size() != rows * columns, InvalidArgument for an
  // empty matrix or a non-finite weight (naming its row and column). `what` names it.
  void check(std::string_view what) const;
  double at(std::size_t row, std::size_t column) const { return values[row * columns + column]; }

  std::size_t rows = 0;
  std::size_t columns = 0;
  std::vector<double> values;
};

// Rockpool's neuron transfer functions, applied element-wise to z (z = x + b for the
// Euler layers, z = x - threshold for Rate). "sigmoid" is Rockpool's H_sigmoid,
// (tanh(z) + 1) / 2 = 1 / (1 + e^{-2z}), not the logistic of z.
class Activation {
 public:
  enum class Kind : std::uint8_t { kReLU, kSigmoid, kTanh, kIdentity, kUser };

  static Activation relu() { return Activation(Kind::kReLU); }
  static Activation sigmoid() { return Activation(Kind::kSigmoid); }
  static Activation tanh() { return Activation(Kind::kTanh); }
  static Activation identity() { return Activation(Kind::kIdentity); }
  // Any element-wise function (Rockpool accepts a callable). InvalidArgument if empty.
  static Activation user(std::function<double(double)> f);

  Activation() : Activation(Kind::kReLU) {}  // Rockpool's default everywhere
  Kind kind() const { return kind_; }
  double operator()(double z) const;

 private:
  explicit Activation(Kind kind) : kind_(kind) {}
  Kind kind_;
  std::function<double(double)> user_;
};

// PassThrough: y = W^T u + bias, delayed by `delay`. Rockpool adds noise to W^T u before
// the delay line (noise_std per sample, no dt factor: `noisy(inp @ weights, noise_std)`).
struct PassThroughParameters {
  Duration dt = seconds(1);               // Rockpool's default 1.0 s
  std::vector<double> bias = {0.0};       // 1 or N values, added to the output
  Duration delay = Duration::zero();      // a whole number of dt (else InvalidArgument)
  double noise_std = 0.0;                 // std. dev. of the noise on each output sample
  std::uint64_t seed = 0;
};

class PassThrough final : public ClockedLayer {
 public:
  using Parameters = PassThroughParameters;

  // weights: M x N (M inputs, N outputs).
  explicit PassThrough(WeightMatrix weights, Parameters parameters = {});

  std::string_view type_name() const override { return "PassThrough"; }
  std::size_t size_in() const override { return weights_.rows; }
  std::size_t size_out() const override { return weights_.columns; }
  Signal input_signal() const override { return Signal::kContinuous; }
  Signal output_signal() const override { return Signal::kContinuous; }
  Duration dt() const override { return params_.dt; }
  std::span<const std::string_view> state_names() const override;  // {"y"}
  double state(std::size_t variable, NeuronIndex i, Time t) const override;

  std::int64_t delay_steps() const { return delay_steps_; }
  void start() override;
  void save_state(StateWriter& out) const override;
  void restore_state(StateReader& in) override;
  void step(std::span<const double> input, std::span<double> output) override;

 private:
  WeightMatrix weights_;
  Parameters params_;
  std::int64_t delay_steps_;
  std::vector<double> bias_;     // per unit
  std::vector<double> ring_;     // delay line: delay_steps x N, oldest row at ring_pos_
  std::size_t ring_pos_ = 0;
  std::vector<double> y_;        // output held since the last tick
  std::uint64_t step_ = 0;       // steps since start(): the noise counter
};

// How FFRateEuler advances x over one step with the input held constant.
enum class Integration : std::uint8_t {
  kEuler,  // x += dt/tau (-x + I): Rockpool's solver (its default, and ours)
  kExact,  // x = x e^{-dt/tau} + I (1 - e^{-dt/tau}): the exact solution of the linear ODE
};

// FFRateEuler: tau dx/dt + x = g W^T u + sigma zeta(t), y = H(x + b) (Rockpool's
// FFRateEuler: the gain scales the weighted input, the bias enters the activation).
struct FFRateEulerParameters {
  std::vector<double> tau = {10.0};       // s, 1 or N values (Rockpool's default 10 s)
  std::vector<double> gain = {1.0};       // 1 or N values
  std::vector<double> bias = {0.0};       // 1 or N values
  Activation activation;                  // ReLU
  // Stationary std. dev. of x from the noise (Rockpool: "noise std. dev. per second",
  // implemented so that x settles at this std. dev.; see doc/models.md).
  double noise_std = 0.0;
  std::optional<Duration> dt;             // default min(tau) / 10, as in Rockpool
  Integration integration = Integration::kEuler;
  std::uint64_t seed = 0;
};

class FFRateEuler final : public ClockedLayer {
 public:
  using Parameters = FFRateEulerParameters;

  // weights: M x N. InvalidArgument for dt > min(tau) in Euler mode (Rockpool: "All tau
  // must be at least dt"); the exact mode takes any dt.
  explicit FFRateEuler(WeightMatrix weights, Parameters parameters = {});

  std::string_view type_name() const override { return "FFRateEuler"; }
  std::size_t size_in() const override { return weights_.rows; }
  std::size_t size_out() const override { return weights_.columns; }
  Signal input_signal() const override { return Signal::kContinuous; }
  Signal output_signal() const override { return Signal::kContinuous; }
  Duration dt() const override { return dt_; }
  std::span<const std::string_view> state_names() const override;  // {"x", "y"}
  double state(std::size_t variable, NeuronIndex i, Time t) const override;

  void set_x(std::span<const double> x);  // initial state (default 0), before start()
  void start() override;
  void save_state(StateWriter& out) const override;
  void restore_state(StateReader& in) override;
  void step(std::span<const double> input, std::span<double> output) override;

 private:
  WeightMatrix weights_;
  Parameters params_;
  Duration dt_;
  std::vector<double> gain_, bias_;
  // x' = x decay + drive keep, plus noise_scale z: Euler decay = 1 - dt/tau, keep = dt/tau;
  // exact decay = e^{-dt/tau}, keep = 1 - decay.
  std::vector<double> decay_, keep_, noise_scale_;
  std::vector<double> initial_x_;
  std::vector<double> x_, y_;
  std::vector<double> drive_;  // scratch: g W^T u
  std::uint64_t step_ = 0;
};

// RecRateEuler: tau dx/dt + x = W^T H(x + b) + u + sigma zeta(t), y = H(x + b); input 1:1
// (size_in = N). Nonlinear, so forward Euler as in Rockpool.
struct RecRateEulerParameters {
  std::vector<double> bias = {0.0};       // 1 or N values
  std::vector<double> tau = {1.0};        // s, 1 or N values (Rockpool's default 1 s)
  Activation activation;                  // ReLU
  Duration dt = milliseconds(100);        // Rockpool's default 0.1 s
  double noise_std = 0.0;                 // stationary std. dev. of x from the noise
  std::uint64_t seed = 0;
};

class RecRateEuler final : public ClockedLayer {
 public:
  using Parameters = RecRateEulerParameters;

  // weights: N x N, [pre, post]. InvalidArgument for dt >= 2 min(tau): forward Euler on
  // the leak is unstable there (Rockpool asks for dt <= tau / 10 for accuracy).
  explicit RecRateEuler(WeightMatrix weights, Parameters parameters = {});

  std::string_view type_name() const override { return "RecRateEuler"; }
  std::size_t size_in() const override { return weights_.rows; }
  std::size_t size_out() const override { return weights_.rows; }
  Signal input_signal() const override { return Signal::kContinuous; }
  Signal output_signal() const override { return Signal::kContinuous; }
  Duration dt() const override { return params_.dt; }
  std::span<const std::string_view> state_names() const override;  // {"x", "y"}
  double state(std::size_t variable, NeuronIndex i, Time t) const override;

  void set_x(std::span<const double> x);  // initial state (default 0), before start()
  void start() override;
  void save_state(StateWriter& out) const override;
  void restore_state(StateReader& in) override;
  void step(std::span<const double> input, std::span<double> output) override;

 private:
  WeightMatrix weights_;
  Parameters params_;
  std::vector<double> bias_, lambda_, noise_scale_;  // lambda = dt / tau
  std::vector<double> initial_x_;
  std::vector<double> x_, y_;  // y = H(x + b), also the recurrent drive of the next step
  std::vector<double> rec_;    // scratch: W^T y
  std::uint64_t step_ = 0;
};

// Rate: Rockpool's Rate / RateJax module (../shared/reference/RateJax.txt):
//   Xdot = -X + i(t) + W_rec H(X) + bias + sigma zeta_t,  X = X + Xdot dt / tau,
//   H(x, t) = relu(x, t) = (x - t) ((x - t) > 0),  output H(X, threshold).
// Input 1:1 (size_in = N); recurrent iff w_rec is given (Rockpool's has_rec).
struct RateParameters {
  std::vector<double> tau = {20e-3};      // s, 1 or N values (RateJax: 20 ms)
  std::vector<double> bias = {0.0};       // 1 or N values
  std::vector<double> threshold = {0.0};  // 1 or N values
  std::optional<WeightMatrix> w_rec;      // N x N, [pre, post]; none: feed-forward
  Activation activation;                  // ReLU
  double noise_std = 0.0;                 // sigma: the drive gets sigma sqrt(dt) z per step
  Duration dt = milliseconds(1);          // RateJax: 1e-3
  std::uint64_t seed = 0;
};

class Rate final : public ClockedLayer {
 public:
  using Parameters = RateParameters;

  // InvalidArgument for dt >= 2 min(tau) (forward Euler unstable).
  explicit Rate(std::size_t size, Parameters parameters = {});

  std::string_view type_name() const override { return "Rate"; }
  std::size_t size_in() const override { return size_; }
  std::size_t size_out() const override { return size_; }
  Signal input_signal() const override { return Signal::kContinuous; }
  Signal output_signal() const override { return Signal::kContinuous; }
  Duration dt() const override { return params_.dt; }
  std::span<const std::string_view> state_names() const override;  // {"x", "y", "rec_input"}
  double state(std::size_t variable, NeuronIndex i, Time t) const override;

  void set_x(std::span<const double> x);  // initial state (default 0), before start()
  void start() override;
  void save_state(StateWriter& out) const override;
  void restore_state(StateReader& in) override;
  void step(std::span<const double> input, std::span<double> output) override;

 private:
  std::size_t size_;
  Parameters params_;
  std::vector<double> bias_, threshold_, alpha_;  // alpha = dt / tau
  double noise_zeta_;                             // noise_std sqrt(dt)
  std::vector<double> initial_x_;
  std::vector<double> x_, y_;  // y = H(x - threshold), also the next step's recurrent drive
  std::vector<double> rec_;    // W_rec^T y of the last step (Rockpool records it)
  std::uint64_t step_ = 0;
};

}  // namespace rockpool
