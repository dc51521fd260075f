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
// Readout and learning (Rockpool's weights_out and spike_callback). Rockpool stores
// weights_out (N x M, [pre][post]) but its evolve never uses it, and returns spikes only;
// it calls spike_callback(layer, t, j) after each iteration that fired neuron j (t is the
// spike time, the state already stepped past it), and the callback may change the layer's
// weights, which the next iteration uses. Here: readout() gives I_slow @ weights_out (the
// slow synaptic state, Rockpool's "tsA", through the decoder); output = kWeightsOut makes
// that the layer's M continuous outputs instead of the spikes (ours); set_spike_callback()
// installs a std::function called at Rockpool's point, which may change weights through
// set_weight_fast / set_weight_slow / set_weight_out only. Checkpoints save the weights
// (a callback may have changed them) but not the callback: set it again after a restore.
//
//   RecFSSpikeEulerBT::Parameters p;
//   p.weights_fast = WeightMatrix(n, n, fast);  p.weights_slow = WeightMatrix(n, n, slow);
//   p.bias = {0.01};
//   auto reservoir = std::make_unique<RecFSSpikeEulerBT>(std::move(p));
#pragma once

#include <cstdint>
#include <functional>
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
  // Rockpool's decoder, N x M, [neuron][output]; Rockpool keeps it without using it.
  std::optional<WeightMatrix> weights_out;
  // What the layer sends downstream: its spikes (Rockpool's evolve), or (ours) the M values
  // I_slow @ weights_out after each tick's last iteration, as continuous output.
  enum class Output : std::uint8_t { kSpikes, kWeightsOut };
  Output output = Output::kSpikes;
};

class RecFSSpikeEulerBT final : public ClockedLayer {
 public:
  using Parameters = RecFSSpikeEulerBTParameters;

  // Throws DimensionMismatch for non-square or different-size weights or per-neuron lists
  // of the wrong length, InvalidArgument naming the parameter for non-positive time
  // constants, dt above min(tau_syn) / 10, min_delta outside (0, dt), non-finite values;
  // DimensionMismatch for weights_out without N rows; InvalidArgument("output") for
  // kWeightsOut without weights_out.
  explicit RecFSSpikeEulerBT(Parameters parameters);

  std::string_view type_name() const override { return "RecFSSpikeEulerBT"; }
  std::size_t size_in() const override { return n_; }
  std::size_t size_out() const override { return weighted_output() ? params_.weights_out->columns : n_; }
  Signal input_signal() const override { return Signal::kContinuous; }
  Signal output_signal() const override { return weighted_output() ? Signal::kContinuous : Signal::kSpikes; }
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

  // Rockpool's spike_callback: called once per spike, in order, with the spike time (s since
  // start(), as precise_spikes()) and the neuron, after the iteration that fired it and
  // before the next one. It may read the layer and change weights with the setters below
  // (the next iteration uses them); it must not step, start or restore the layer, nor
  // replace itself (InvalidArgument). Runs stay deterministic if the callback is. Empty: none.
  using SpikeCallback = std::function<void(RecFSSpikeEulerBT& layer, double time, NeuronIndex neuron)>;
  void set_spike_callback(SpikeCallback callback);

  const WeightMatrix& weights_fast() const { return params_.weights_fast; }
  const WeightMatrix& weights_slow() const { return params_.weights_slow; }
  bool has_weights_out() const { return params_.weights_out.has_value(); }
  const WeightMatrix& weights_out() const;  // InvalidArgument if there is none
  // Set one weight ([post][pre] for fast and slow, [neuron][output] for out). OutOfRange
  // for an index outside the matrix, InvalidArgument for a non-finite weight or (out) no
  // weights_out.
  void set_weight_fast(NeuronIndex post, NeuronIndex pre, double weight);
  void set_weight_slow(NeuronIndex post, NeuronIndex pre, double weight);
  void set_weight_out(NeuronIndex neuron, std::size_t output, double weight);

  // y[k] = sum_i I_slow[i] weights_out[i][k], from the current state (after the last
  // iteration). `y` has M values; InvalidArgument without weights_out.
  void readout(std::span<double> y) const;

  // Checkpoints include the three weight matrices (a callback may have changed them).
  void save_state(StateWriter& out) const override;
  void restore_state(StateReader& in) override;

 private:
  bool weighted_output() const { return params_.output == Parameters::Output::kWeightsOut; }
  void set_weight(WeightMatrix& m, std::string_view what, std::size_t row, std::size_t column, double weight);

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
  SpikeCallback callback_;
  bool in_callback_ = false;
};

}  // namespace rockpool
