#include "neurons/rate.hpp"

#include "neurons/parameter_checks.hpp"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <string>

#include "engine/checkpoint.hpp"
#include "engine/random.hpp"

namespace rockpool {
namespace {

// Shortest decimal that reads back to v, for messages.
using neuron_detail::check_unit;
using neuron_detail::per_unit;
using neuron_detail::positive_per_unit;
std::string str(double v) { return neuron_detail::shortest(v); }

void check_noise(double noise_std) {
  if (!std::isfinite(noise_std) || noise_std < 0.0) {
    throw InvalidArgument("noise_std", "must be finite and >= 0, got " + str(noise_std));
  }
}

void check_dt(Duration dt) {
  if (dt <= Duration::zero()) throw InvalidArgument("dt", "must be positive");
}

// Forward Euler on tau dx/dt = -x is stable only for dt < 2 tau (|1 - dt/tau| < 1).
void check_euler_stable(Duration dt, const std::vector<double>& tau) {
  const double min_tau = *std::min_element(tau.begin(), tau.end());
  if (to_seconds(dt) >= 2.0 * min_tau) {
    throw InvalidArgument("dt", format_seconds(dt) + " s >= 2 min(tau) = " + str(2.0 * min_tau) +
                                    " s: forward Euler is unstable (use dt <= tau / 10 for accuracy)");
  }
}

void check_initial(std::span<const double> x, std::size_t n) {
  if (x.size() != n) throw DimensionMismatch("x", "has " + std::to_string(x.size()) + " values for " + std::to_string(n) + " units");
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i])) throw InvalidArgument("x", "not finite at index " + std::to_string(i));
  }
}


// out[j] = sum_i in[i] W[i][j] ([pre, post]): row by row, so the inner loop runs along
// contiguous weights.
void weighted_sum(const WeightMatrix& w, std::span<const double> in, std::span<double> out) {
  assert(in.size() == w.rows && out.size() == w.columns);
  std::fill(out.begin(), out.end(), 0.0);
  for (std::size_t i = 0; i < w.rows; ++i) {
    const double u = in[i];
    if (u == 0.0) continue;
    const double* row = w.values.data() + i * w.columns;
    for (std::size_t j = 0; j < w.columns; ++j) out[j] += u * row[j];
  }
}

}  // namespace

void WeightMatrix::check(std::string_view what) const {
  if (values.size() != rows * columns) {
    throw DimensionMismatch(what, "has " + std::to_string(values.size()) + " values for " + std::to_string(rows) +
                                      " rows x " + std::to_string(columns) + " columns");
  }
  if (rows == 0 || columns == 0) {
    throw InvalidArgument(what, "is empty (" + std::to_string(rows) + " rows x " + std::to_string(columns) + " columns)");
  }
  for (std::size_t k = 0; k < values.size(); ++k) {
    if (!std::isfinite(values[k])) {
      throw InvalidArgument(what, "not finite at row " + std::to_string(k / columns) + ", column " + std::to_string(k % columns));
    }
  }
}

Activation Activation::user(std::function<double(double)> f) {
  if (!f) throw InvalidArgument("activation", "user function is empty");
  Activation a(Kind::kUser);
  a.user_ = std::move(f);
  return a;
}

double Activation::operator()(double z) const {
  switch (kind_) {
    case Kind::kReLU: return z > 0.0 ? z : 0.0;  // Rockpool: z * (z > 0)
    case Kind::kSigmoid: return (std::tanh(z) + 1.0) / 2.0;  // Rockpool's H_sigmoid
    case Kind::kTanh: return std::tanh(z);
    case Kind::kIdentity: return z;
    case Kind::kUser: return user_(z);
  }
  return z;
}

// ---------------------------------------------------------------------------------------
// PassThrough

PassThrough::PassThrough(WeightMatrix weights, Parameters parameters)
    : weights_(std::move(weights)), params_(std::move(parameters)) {
  weights_.check("weights");
  check_dt(params_.dt);
  bias_ = per_unit("bias", params_.bias, weights_.columns);
  check_noise(params_.noise_std);
  if (params_.delay < Duration::zero()) throw InvalidArgument("delay", "must be >= 0");
  // Rockpool rounds delay / dt to whole steps; we refuse what would need rounding.
  if (params_.delay.ticks() % params_.dt.ticks() != 0) {
    throw InvalidArgument("delay", format_seconds(params_.delay) + " s is not a whole number of dt = " +
                                       format_seconds(params_.dt) + " s");
  }
  delay_steps_ = params_.delay.ticks() / params_.dt.ticks();
  start();
}

constexpr std::string_view kPassThroughStateNames[] = {"y"};

std::span<const std::string_view> PassThrough::state_names() const { return kPassThroughStateNames; }

double PassThrough::state(std::size_t variable, NeuronIndex i, Time t) const {
  if (variable > 0) return Node::state(variable, i, t);
  check_unit(i, weights_.columns);
  return y_[i];
}

void PassThrough::start() {
  ring_.assign(static_cast<std::size_t>(delay_steps_) * weights_.columns, 0.0);
  ring_pos_ = 0;
  y_ = bias_;  // the delay line starts empty (zeros), as Rockpool's buffer
  step_ = 0;
}

void PassThrough::step(std::span<const double> input, std::span<double> output) {
  assert(input.size() == size_in() && output.size() == size_out());
  const std::size_t n = weights_.columns;
  weighted_sum(weights_, input, output);  // the new sample, W^T u
  if (params_.noise_std > 0.0) {
    for (std::size_t j = 0; j < n; ++j) output[j] += params_.noise_std * CounterRng(params_.seed, j).normal(step_);
  }
  if (delay_steps_ > 0) {
    // Out goes the sample from delay_steps ago, in goes the new one.
    double* row = ring_.data() + ring_pos_ * n;
    for (std::size_t j = 0; j < n; ++j) std::swap(row[j], output[j]);
    ring_pos_ = (ring_pos_ + 1) % static_cast<std::size_t>(delay_steps_);
  }
  for (std::size_t j = 0; j < n; ++j) {
    output[j] += bias_[j];
    y_[j] = output[j];
  }
  ++step_;
}

// ---------------------------------------------------------------------------------------
// FFRateEuler

FFRateEuler::FFRateEuler(WeightMatrix weights, Parameters parameters)
    : weights_(std::move(weights)), params_(std::move(parameters)) {
  weights_.check("weights");
  const std::size_t n = weights_.columns;
  const std::vector<double> tau = positive_per_unit("tau", params_.tau, n);
  gain_ = per_unit("gain", params_.gain, n);
  bias_ = per_unit("bias", params_.bias, n);
  check_noise(params_.noise_std);
  const double min_tau = *std::min_element(tau.begin(), tau.end());
  dt_ = params_.dt ? *params_.dt : Duration::from_seconds(min_tau / 10.0);
  check_dt(dt_);
  const double h = to_seconds(dt_);
  if (params_.integration == Integration::kEuler && h > min_tau) {
    throw InvalidArgument("dt", format_seconds(dt_) + " s > min(tau) = " + str(min_tau) +
                                    " s: Rockpool's Euler solver needs tau >= dt (or use Integration::kExact)");
  }
  for (std::size_t j = 0; j < n; ++j) {
    if (params_.integration == Integration::kEuler) {
      // Rockpool: x += alpha (-x + g W^T u + noise_std sqrt(2 / alpha) z), alpha = dt/tau:
      // x then settles at std. dev. noise_std / sqrt(1 - alpha / 2).
      const double alpha = h / tau[j];
      decay_.push_back(1.0 - alpha);
      keep_.push_back(alpha);
      noise_scale_.push_back(params_.noise_std * std::sqrt(2.0 * alpha));
    } else {
      // Exact for input held over the step; the noise is the exact Ornstein-Uhlenbeck
      // increment for stationary std. dev. noise_std (what Rockpool's scaling aims at).
      const double d = std::exp(-h / tau[j]);
      decay_.push_back(d);
      keep_.push_back(-std::expm1(-h / tau[j]));  // 1 - e^{-h/tau} without cancellation
      noise_scale_.push_back(params_.noise_std * std::sqrt(-std::expm1(-2.0 * h / tau[j])));
    }
  }
  initial_x_.assign(n, 0.0);
  drive_.assign(n, 0.0);
  start();
}

constexpr std::string_view kRateStateNames[] = {"x", "y", "rec_input"};

std::span<const std::string_view> FFRateEuler::state_names() const { return std::span(kRateStateNames, 2); }

double FFRateEuler::state(std::size_t variable, NeuronIndex i, Time t) const {
  if (variable > 1) return Node::state(variable, i, t);
  check_unit(i, x_.size());
  return variable == 0 ? x_[i] : y_[i];
}

void FFRateEuler::set_x(std::span<const double> x) {
  check_initial(x, weights_.columns);
  initial_x_.assign(x.begin(), x.end());
  start();
}

void FFRateEuler::start() {
  x_ = initial_x_;
  y_.resize(x_.size());
  for (std::size_t j = 0; j < x_.size(); ++j) y_[j] = params_.activation(x_[j] + bias_[j]);
  step_ = 0;
}

void FFRateEuler::step(std::span<const double> input, std::span<double> output) {
  assert(input.size() == size_in() && output.size() == size_out());
  weighted_sum(weights_, input, drive_);
  const bool noisy = params_.noise_std > 0.0;
  const bool euler = params_.integration == Integration::kEuler;
  for (std::size_t j = 0; j < x_.size(); ++j) {
    const double noise = noisy ? noise_scale_[j] * CounterRng(params_.seed, j).normal(step_) : 0.0;
    const double in = gain_[j] * drive_[j];
    // Euler in Rockpool's operation order, x + alpha (-x + I), so the rounding matches too.
    const double x = euler ? x_[j] + keep_[j] * (-x_[j] + in) + noise : x_[j] * decay_[j] + in * keep_[j] + noise;
    x_[j] = x;
    // Rockpool's output at the tick time t is H(x(t) + b).
    y_[j] = output[j] = params_.activation(x + bias_[j]);
  }
  ++step_;
}

// ---------------------------------------------------------------------------------------
// RecRateEuler

RecRateEuler::RecRateEuler(WeightMatrix weights, Parameters parameters)
    : weights_(std::move(weights)), params_(std::move(parameters)) {
  weights_.check("weights");
  if (weights_.rows != weights_.columns) {
    throw DimensionMismatch("weights", "must be square (N x N), got " + std::to_string(weights_.rows) + " rows x " +
                                           std::to_string(weights_.columns) + " columns");
  }
  const std::size_t n = weights_.rows;
  const std::vector<double> tau = positive_per_unit("tau", params_.tau, n);
  bias_ = per_unit("bias", params_.bias, n);
  check_noise(params_.noise_std);
  check_dt(params_.dt);
  check_euler_stable(params_.dt, tau);
  const double h = to_seconds(params_.dt);
  for (std::size_t j = 0; j < n; ++j) {
    lambda_.push_back(h / tau[j]);
    // Rockpool adds noise_std sqrt(2 tau / dt) z to the input, which lambda scales by dt/tau.
    noise_scale_.push_back(params_.noise_std * std::sqrt(2.0 * tau[j] / h));
  }
  initial_x_.assign(n, 0.0);
  rec_.assign(n, 0.0);
  start();
}

std::span<const std::string_view> RecRateEuler::state_names() const { return std::span(kRateStateNames, 2); }

double RecRateEuler::state(std::size_t variable, NeuronIndex i, Time t) const {
  if (variable > 1) return Node::state(variable, i, t);
  check_unit(i, x_.size());
  return variable == 0 ? x_[i] : y_[i];
}

void RecRateEuler::set_x(std::span<const double> x) {
  check_initial(x, weights_.rows);
  initial_x_.assign(x.begin(), x.end());
  start();
}

void RecRateEuler::start() {
  x_ = initial_x_;
  y_.resize(x_.size());
  for (std::size_t j = 0; j < x_.size(); ++j) y_[j] = params_.activation(x_[j] + bias_[j]);
  step_ = 0;
}

void RecRateEuler::step(std::span<const double> input, std::span<double> output) {
  assert(input.size() == size_in() && output.size() == size_out());
  // Rockpool: this_act = H(x + b); x += dt/tau (-x + u + noise + this_act @ W). y_ holds
  // H(x + b) of the current x (set by start() or the last step).
  weighted_sum(weights_, y_, rec_);
  const bool noisy = params_.noise_std > 0.0;
  for (std::size_t j = 0; j < x_.size(); ++j) {
    double drive = -x_[j] + input[j] + rec_[j];
    if (noisy) drive += noise_scale_[j] * CounterRng(params_.seed, j).normal(step_);
    x_[j] += drive * lambda_[j];
  }
  for (std::size_t j = 0; j < x_.size(); ++j) y_[j] = output[j] = params_.activation(x_[j] + bias_[j]);
  ++step_;
}

// ---------------------------------------------------------------------------------------
// Rate

Rate::Rate(std::size_t size, Parameters parameters) : size_(size), params_(std::move(parameters)) {
  if (size == 0) throw InvalidArgument("size", "must be at least 1");
  const std::vector<double> tau = positive_per_unit("tau", params_.tau, size);
  bias_ = per_unit("bias", params_.bias, size);
  threshold_ = per_unit("threshold", params_.threshold, size);
  check_noise(params_.noise_std);
  check_dt(params_.dt);
  check_euler_stable(params_.dt, tau);
  if (params_.w_rec) {
    params_.w_rec->check("w_rec");
    if (params_.w_rec->rows != size || params_.w_rec->columns != size) {
      throw DimensionMismatch("w_rec", "must be " + std::to_string(size) + " x " + std::to_string(size) + ", got " +
                                           std::to_string(params_.w_rec->rows) + " rows x " +
                                           std::to_string(params_.w_rec->columns) + " columns");
    }
  }
  const double h = to_seconds(params_.dt);
  for (double t : tau) alpha_.push_back(h / t);
  noise_zeta_ = params_.noise_std * std::sqrt(h);  // RateJax: noise_zeta = noise_std * sqrt(dt)
  initial_x_.assign(size, 0.0);
  start();
}

std::span<const std::string_view> Rate::state_names() const { return kRateStateNames; }

double Rate::state(std::size_t variable, NeuronIndex i, Time t) const {
  if (variable > 2) return Node::state(variable, i, t);
  check_unit(i, size_);
  return variable == 0 ? x_[i] : variable == 1 ? y_[i] : rec_[i];
}

void Rate::set_x(std::span<const double> x) {
  check_initial(x, size_);
  initial_x_.assign(x.begin(), x.end());
  start();
}

void Rate::start() {
  x_ = initial_x_;
  y_.resize(size_);
  // RateJax starts the scan with act0 = act_fn(x0, threshold).
  for (std::size_t j = 0; j < size_; ++j) y_[j] = params_.activation(x_[j] - threshold_[j]);
  rec_.assign(size_, 0.0);
  step_ = 0;
}

void Rate::step(std::span<const double> input, std::span<double> output) {
  assert(input.size() == size_in() && output.size() == size_out());
  // RateJax forward(): rec_input = activation @ w_rec; state += alpha (-state + inp +
  // bias + rec_input), inp already carrying noise_zeta z; activation = act_fn(state, threshold).
  if (params_.w_rec) weighted_sum(*params_.w_rec, y_, rec_);
  const bool noisy = noise_zeta_ > 0.0;
  for (std::size_t j = 0; j < size_; ++j) {
    double inp = input[j];
    if (noisy) inp += noise_zeta_ * CounterRng(params_.seed, j).normal(step_);
    x_[j] += alpha_[j] * (-x_[j] + inp + bias_[j] + rec_[j]);
  }
  for (std::size_t j = 0; j < size_; ++j) y_[j] = output[j] = params_.activation(x_[j] - threshold_[j]);
  ++step_;
}

// Checkpoints: state vectors and the step counter (the noise RNG's counter).
void PassThrough::save_state(StateWriter& out) const {
  out.put_array(ring_);
  out.put<std::uint64_t>(ring_pos_);
  out.put_array(y_);
  out.put(step_);
}

void PassThrough::restore_state(StateReader& in) {
  in.get_exact(ring_, "PassThrough delay line");
  ring_pos_ = in.get<std::uint64_t>("PassThrough ring position");
  if (ring_pos_ > ring_.size()) in.fail("PassThrough ring position out of range");
  in.get_exact(y_, "PassThrough y");
  step_ = in.get<std::uint64_t>("PassThrough step");
}

void FFRateEuler::save_state(StateWriter& out) const {
  out.put_array(x_);
  out.put_array(y_);
  out.put(step_);
}

void FFRateEuler::restore_state(StateReader& in) {
  in.get_exact(x_, "FFRateEuler x");
  in.get_exact(y_, "FFRateEuler y");
  step_ = in.get<std::uint64_t>("FFRateEuler step");
}

void RecRateEuler::save_state(StateWriter& out) const {
  out.put_array(x_);
  out.put_array(y_);
  out.put(step_);
}

void RecRateEuler::restore_state(StateReader& in) {
  in.get_exact(x_, "RecRateEuler x");
  in.get_exact(y_, "RecRateEuler y");
  step_ = in.get<std::uint64_t>("RecRateEuler step");
}

void Rate::save_state(StateWriter& out) const {
  out.put_array(x_);
  out.put_array(y_);
  out.put_array(rec_);
  out.put(step_);
}

void Rate::restore_state(StateReader& in) {
  in.get_exact(x_, "Rate x");
  in.get_exact(y_, "Rate y");
  in.get_exact(rec_, "Rate rec");
  step_ = in.get<std::uint64_t>("Rate step");
}

}  // namespace rockpool
