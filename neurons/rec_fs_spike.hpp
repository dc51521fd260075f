// rec_fs_spike.hpp: Rockpool's RecFSSpikeEulerBT — a recurrent spiking reservoir with
// tight E/I balance, fast and slow synapses, and a back-tick spike-time solver.
//
// Continuous input (one channel per neuron, 1:1), spikes out. Rockpool's equations and
// its integrator (rockpool.nn.layers.spike_bt), step for step:
//   tau_mem dV/dt        = v_rest - V + I_slow + I_fast + I_ext + bias
//   tau_syn_r_slow dI_slow/dt = -I_slow + (spike of j: weights_slow[i][j])
//   tau_syn_r_fast dI_fast/dt = -I_fast + (spike of j: weights_fast[i][j])
// Forward Euler of step dt. At the start of each iteration, neurons above v_thresh are
// spike candidates; each one's crossing is placed by linear interpolation between the
// last two iterations, and only the earliest fires ("one spike per step"): time goes back
// to its crossing (clipped to [t_last + min_delta, t]), every V and I is linearly
// interpolated back to it, the spiker is reset to v_reset and made refractory, and its
// column of both weight matrices is added to the currents; then an Euler step of dt is
// taken from the spike time. So after a spike the iteration times leave the dt grid.
// Neurons still above threshold fire in the following iterations. Note the indexing:
// Rockpool adds weights[:, j] for a spike of j, so weights[i][j] is from j to i (the
// transpose of Rockpool's usual [pre, post]; Deneve-style reservoirs are symmetric).
//
// As a ClockedLayer the tick that closes bin k runs every Rockpool iteration whose time
// lies before (k + 1) dt, exactly as one Rockpool evolve() over the whole run would, and
// emits the spikes of those iterations at the tick (their precise times, which may lie a
// little before the bin when time was stepped back, are in precise_spikes()). The input
// of an iteration at time t is the sample of bin floor(t / dt) (Rockpool's static_input
// index), plus noise_std * N(0, 1) drawn once per bin and neuron (CounterRng(seed,
// neuron).normal(bin)); as in Rockpool the noise is not scaled by dt.
//
//   RecFSSpikeEulerBT::Parameters p;
//   p.weights_fast = WeightMatrix(n, n, fast);  p.weights_slow = WeightMatrix(n, n, slow);
//   p.bias = {0.01};
//   auto reservoir = std::make_unique<RecFSSpikeEulerBT>(std::move(p));
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "engine/clocked_layer.hpp"
#include "neurons/rate.hpp"

namespace rockpool {

// Rockpool's parameters and defaults. Per-neuron ones take 1 value (all) or N.
struct RecFSSpikeEulerBTParameters {
  WeightMatrix weights_fast;                   // N x N, [post][pre] (see above)
  WeightMatrix weights_slow;                   // N x N, [post][pre]
  std::vector<double> bias = {0.0};
  double noise_std = 0.0;
  std::vector<double> tau_mem = {20e-3};        // s
  std::vector<double> tau_syn_r_fast = {1e-3};  // s
  std::vector<double> tau_syn_r_slow = {100e-3};  // s
  std::vector<double> v_thresh = {-55e-3};
  std::vector<double> v_reset = {-65e-3};
  std::vector<double> v_rest = {-65e-3};
  double refractory = -std::numeric_limits<double>::epsilon();  // s; Rockpool's "none"
  // Euler step; default min(tau_syn_r_fast, tau_syn_r_slow) / 10, and no larger allowed.
  std::optional<Duration> dt;
  // Shortest step after a spike (s); default dt / 10 (Rockpool's evolve(min_delta)).
  std::optional<double> min_delta;
  std::uint64_t seed = 0;
};

class RecFSSpikeEulerBT final : public ClockedLayer {
 public:
  using Parameters = RecFSSpikeEulerBTParameters;

  // Throws DimensionMismatch for non-square or different-size weights or per-neuron lists
  // of the wrong length, InvalidArgument naming the parameter for non-positive time
  // constants, dt above min(tau_syn) / 10, min_delta outside (0, dt), non-finite values.
  explicit RecFSSpikeEulerBT(Parameters parameters);

  std::string_view type_name() const override { return "RecFSSpikeEulerBT"; }
  std::size_t size_in() const override { return n_; }
  std::size_t size_out() const override { return n_; }
  Signal input_signal() const override { return Signal::kContinuous; }
  Signal output_signal() const override { return Signal::kSpikes; }
  Duration dt() const override { return dt_; }
  // {"v_mem", "i_syn_slow", "i_syn_fast"}: after the last iteration of the last tick.
  std::span<const std::string_view> state_names() const override;
  double state(std::size_t variable, NeuronIndex i, Time t) const override;

  void start() override;
  void step(std::span<const double> input, std::span<double> output) override;

  struct PreciseSpike {
    double time;  // s since start(), Rockpool's spike time
    NeuronIndex neuron;
  };
  // The spikes of the last step, with their interpolated times, in order.
  std::span<const PreciseSpike> precise_spikes() const { return precise_; }

  void save_state(StateWriter& out) const override;
  void restore_state(StateReader& in) override;

 private:
  // One Rockpool iteration; returns the neuron that spiked, or -1.
  std::int64_t iterate();

  Parameters params_;
  std::size_t n_;
  Duration dt_;
  double dt_s_;       // dt in seconds
  double min_delta_;  // s
  std::vector<double> bias_, tau_mem_, tau_fast_, tau_slow_, v_thresh_, v_reset_, v_rest_;

  // Integrator state (Rockpool's names in comments).
  double t_time_ = 0, t_last_ = 0;   // t_time, t_last (s since start)
  std::uint64_t bin_ = 0;            // bins stepped so far
  std::vector<double> v_, i_slow_, i_fast_;                 // state, I_s_S, I_s_F
  std::vector<double> v_last_, i_slow_last_, i_fast_last_;  // v_last, I_s_S_Last, I_s_F_Last
  std::vector<double> refractory_left_;                     // vec_refractory
  std::vector<double> input_now_, input_before_;            // static_input of bins k and k - 1
  std::vector<double> spike_slow_, spike_fast_;             // scratch: the spiker's columns
  std::vector<PreciseSpike> precise_;
};

}  // namespace rockpool
