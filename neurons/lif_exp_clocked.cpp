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

// One fused, branch-free pass over the neurons with the port count known at compile time,
// so the compiler vectorises it (restrict: the arrays never alias).
template <std::size_t kPorts>
void LifExpClocked::step_ports(std::span<const double> input, std::span<double> output) {
  const std::size_t n = size_;
  double* __restrict v = v_mem_.data();
  double* __restrict cur = i_syn_.data();
  const double* __restrict in = input.data();
  double* __restrict out = output.data();
  std::int32_t* __restrict refractory = refractory_left_.data();
  double coupling[kPorts], decay[kPorts];
  for (std::size_t p = 0; p < kPorts; ++p) {
    coupling[p] = coupling_[p];
    decay[p] = decay_syn_[p];
  }
  const double a = decay_mem_, v_inf = v_inf_, theta = params_.threshold, reset = params_.v_reset;
  const std::int32_t steps = refractory_steps_;
  for (std::size_t i = 0; i < n; ++i) {
    // The bin's input joins the currents at the start of the step; then the exact
    // propagator over dt (see LifExp::advance).
    double vi = v_inf + (v[i] - v_inf) * a;
    for (std::size_t p = 0; p < kPorts; ++p) {
      const double now = cur[p * n + i] + in[p * n + i];
      vi += now * coupling[p];
      cur[p * n + i] = now * decay[p];
    }
    const std::int32_t left = refractory[i];
    const bool fires = left <= 0 && vi >= theta;
    out[i] = fires ? 1.0 : 0.0;
    v[i] = (left > 0 || fires) ? reset : vi;
    refractory[i] = fires ? steps : (left > 0 ? left - 1 : 0);
  }
}

void LifExpClocked::step(std::span<const double> input, std::span<double> output) {
  switch (ports_) {
    case 1: step_ports<1>(input, output); break;
    case 2: step_ports<2>(input, output); break;
    case 3: step_ports<3>(input, output); break;
    default: step_ports<4>(input, output); break;
  }
}

}  // namespace rockpool
