#include "neurons/lif_exp_clocked.hpp"

#include <cmath>
#include <string>

namespace rockpool {

LifExpClocked::LifExpClocked(LifExp::Parameters parameters, std::size_t size, Duration dt)
    : params_(std::move(parameters)), size_(size), ports_(params_.tau_syn.size()), dt_(dt) {
  LifExp check(params_, 0);  // the same parameter checks as the event-driven model
  if (dt <= Duration::zero()) throw InvalidArgument("dt", "must be positive");
  const double h = to_seconds(dt);
  refractory_steps_ = static_cast<std::int32_t>((params_.refractory.ticks() + dt.ticks() - 1) / dt.ticks());
  decay_mem_ = std::exp(-h / params_.tau_mem);
  v_inf_ = params_.v_rest + params_.bias;
  for (double tau : params_.tau_syn) {
    const double b = std::exp(-h / tau);
    decay_syn_.push_back(b);
    // The current's contribution to V over one step (see LifExp::advance).
    coupling_.push_back(tau == params_.tau_mem ? (h / params_.tau_mem) * decay_mem_
                                               : tau / (tau - params_.tau_mem) * (b - decay_mem_));
  }
  initial_v_.assign(size, params_.v_rest);
  start();
}

constexpr std::string_view kClockedStateNames[] = {"v_mem", "i_syn0", "i_syn1", "i_syn2", "i_syn3"};

std::span<const std::string_view> LifExpClocked::state_names() const {
  return std::span<const std::string_view>(kClockedStateNames, 1 + ports_);
}

double LifExpClocked::state(std::size_t variable, NeuronIndex i, Time t) const {
  if (variable > ports_) return Node::state(variable, i, t);
  if (i >= size_) throw OutOfRange("neuron", std::to_string(i) + " >= layer size " + std::to_string(size_));
  return variable == 0 ? v_mem_[i] : i_syn_[(variable - 1) * size_ + i];  // held since the last tick
}

void LifExpClocked::set_v_mem(std::span<const double> v) {
  if (v.size() != size_) throw DimensionMismatch("v_mem", "has " + std::to_string(v.size()) + " values for " + std::to_string(size_) + " neurons");
  initial_v_.assign(v.begin(), v.end());
  v_mem_ = initial_v_;
}

void LifExpClocked::start() {
  v_mem_ = initial_v_;
  i_syn_.assign(size_ * ports_, 0.0);
  refractory_left_.assign(size_, 0);
}

void LifExpClocked::step(std::span<const double> input, std::span<double> output) {
  // Currents: add the bin's input, then the membrane update uses the currents at the
  // start of the step; both loops are branch-free over contiguous arrays.
  std::vector<double>& v = v_mem_;
  for (std::size_t i = 0; i < size_; ++i) v[i] = v_inf_ + (v[i] - v_inf_) * decay_mem_;
  for (std::size_t p = 0; p < ports_; ++p) {
    double* cur = i_syn_.data() + p * size_;
    const double* in = input.data() + p * size_;
    const double c = coupling_[p], b = decay_syn_[p];
    for (std::size_t i = 0; i < size_; ++i) {
      const double now = cur[i] + in[i];
      v[i] += now * c;
      cur[i] = now * b;
    }
  }
  const double theta = params_.threshold, reset = params_.v_reset;
  for (std::size_t i = 0; i < size_; ++i) {
    const bool refractory = refractory_left_[i] > 0;
    const bool fires = !refractory && v[i] >= theta;
    output[i] = fires ? 1.0 : 0.0;
    v[i] = (refractory || fires) ? reset : v[i];
    refractory_left_[i] = fires ? refractory_steps_ : std::max(0, refractory_left_[i] - 1);
  }
}

}  // namespace rockpool
