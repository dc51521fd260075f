// force_rate.hpp: ForceRateEuler, Rockpool's FORCE reservoir (ForceRateEulerJax_IO), as a
// clocked layer.
//
// A rate reservoir without recurrent weights: the recurrent input each unit would get from
// its reservoir is injected from outside as a "force" signal F(t). Rockpool uses it for
// reservoir transfer: drive it with the recurrent currents W_rec^T H(x) recorded from a
// target reservoir, compare its activities with the target's, and solve for W_rec by
// linear regression. Rockpool's dynamics (rockpool/nn/layers/rate_jax.py):
//
//   tau dx/dt + x = W_in^T u(t) + F(t) + b + sigma zeta(t),   output  y = W_out^T H(x)
//
// with I inputs u, N units x and O outputs: w_in is I x N, w_out is N x O, both
// [pre, post]. Forward Euler as Rockpool (x += dt/tau (-x + W_in^T u + noise + F + b)), or,
// since the ODE is linear while the input and force are held over a step, the exact
// solution (Integration::kExact, as FFRateEuler). doc/models.md has the details.
//
// Input channels: size_in() = I + N. Channels [0, I) are u (weighted by w_in), channels
// [I, I + N) are the force, channel I + j added unweighted to unit j. The engine gives a
// clocked layer one input vector per step (engine/clocked_layer.hpp) and synaptic ports
// only to spiking populations, so two signals need two ranges of that vector. Both are
// then sampled by the same rule, on the same time base, as Rockpool samples ts_input and
// ts_force; an unconnected force channel reads 0, as Rockpool's default force, and a NaN
// sample on any channel counts as 0 (Rockpool's rule for its input). Any projection can
// address either range; input_projection() and force_projection() build the one-to-one
// ones.
//
//   ForceRateEuler::Parameters p;
//   p.tau = {0.02};
//   p.dt = milliseconds(1);
//   auto layer = std::make_unique<ForceRateEuler>(WeightMatrix(2, 3, {...}), WeightMatrix(3, 1, {...}), p);
//   Projection to_u = layer->input_projection(), to_force = layer->force_projection();
//   const NodeId id = net.add("force", std::move(layer));
//   net.connect(input, id, std::move(to_u));       // a 2-channel node -> u
//   net.connect(target, id, std::move(to_force));  // a 3-channel node -> F
//
// The layer owns its parameters and state (one vector per variable, index = unit) and
// copies the weights. Bad parameters throw at construction (engine/error.hpp):
// DimensionMismatch for shapes, InvalidArgument for values, naming the parameter.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "engine/clocked_layer.hpp"
#include "engine/projection.hpp"
#include "neurons/rate.hpp"

namespace rockpool {

// Rockpool's constructor arguments (tau and bias have no default there).
struct ForceRateEulerParameters {
  std::vector<double> tau;                // s, 1 or N values; required
  std::vector<double> bias = {0.0};       // 1 or N values, added to the drive (Rockpool requires it)
  Activation activation;                  // ReLU (Rockpool's H_ReLU)
  // Rockpool adds noise_std z to each unit's drive every step (no dt factor), so x gets
  // dt/tau noise_std z per step; we keep that scaling (doc/models.md, "Noise").
  double noise_std = 0.0;
  std::optional<Duration> dt;             // default min(tau) / 10, as in Rockpool
  Integration integration = Integration::kEuler;  // Rockpool's solver
  std::uint64_t seed = 0;
};

class ForceRateEuler final : public ClockedLayer {
 public:
  using Parameters = ForceRateEulerParameters;

  // w_in: I x N, w_out: N x O. DimensionMismatch if w_out has not N rows; InvalidArgument
  // for a missing or non-positive tau, non-finite values, and in Euler mode for
  // dt >= 2 min(tau) (forward Euler on the leak is unstable there).
  ForceRateEuler(WeightMatrix w_in, WeightMatrix w_out, Parameters parameters);

  std::string_view type_name() const override { return "ForceRateEuler"; }
  std::size_t size_in() const override { return w_in_.rows + w_in_.columns; }  // I + N
  std::size_t size_out() const override { return w_out_.columns; }             // O
  Signal input_signal() const override { return Signal::kContinuous; }
  Signal output_signal() const override { return Signal::kContinuous; }
  Duration dt() const override { return dt_; }
  // {"x", "activity", "output"}: x and activity = H(x) per unit (N, Rockpool's state and
  // res_acts), output per output channel (O, Rockpool's outputs).
  std::span<const std::string_view> state_names() const override;
  double state(std::size_t variable, NeuronIndex i, Time t) const override;
  std::size_t state_size(std::size_t variable) const override { return variable < 2 ? num_units() : size_out(); }

  std::size_t num_inputs() const { return w_in_.rows; }   // I
  std::size_t num_units() const { return w_in_.columns; }  // N
  // Input channel of unit j's force: I + j.
  std::size_t force_channel(std::size_t unit) const { return w_in_.rows + unit; }
  // One-to-one projections from an I-channel (N-channel) continuous node onto the input
  // (force) channels, weight 1.
  Projection input_projection(Duration delay = Duration::zero()) const;
  Projection force_projection(Duration delay = Duration::zero()) const;

  void set_x(std::span<const double> x);  // initial state (default 0, Rockpool's), before start()
  void start() override;
  void save_state(StateWriter& out) const override;
  void restore_state(StateReader& in) override;
  void step(std::span<const double> input, std::span<double> output) override;

 private:
  WeightMatrix w_in_, w_out_;
  Parameters params_;
  Duration dt_;
  std::vector<double> bias_;
  // x' = x decay + drive keep. Euler: decay unused, keep = dt/tau (Rockpool's dt_tau);
  // exact: decay = e^{-dt/tau}, keep = 1 - decay.
  std::vector<double> decay_, keep_;
  std::vector<double> initial_x_;
  std::vector<double> x_, activity_;  // per unit
  std::vector<double> output_;        // activity @ w_out, held since the last tick
  std::vector<double> res_inputs_;    // scratch: W_in^T u
  std::uint64_t step_ = 0;            // steps since start(): the noise counter
};

}  // namespace rockpool
