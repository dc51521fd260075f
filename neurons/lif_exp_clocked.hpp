// lif_exp_clocked.hpp: the LifExp neuron stepped on a clock of period dt.
//
// The same equations and parameters as LifExp (lif_exp.hpp), run as a ClockedLayer: the
// spiking input of a bin is added to the synaptic currents at the start of the bin, the
// state is then propagated over dt with the exact linear propagator (exp(-dt/tau) terms,
// Rotter & Diesmann 1999), and a neuron whose V reached threshold at the end of the step
// spikes (emitted at the tick), is reset to v_reset and held there for
// ceil(refractory / dt) steps. So it differs from the exact event-driven model only in
// that inputs move to bin starts and spikes to bin ends: the error is O(dt), and it is
// the fast mode.
//
// Discretisation::kRockpool runs Rockpool's own LIF step instead (rockpool.nn.modules LIF,
// per step: I += input; V *= alpha; I *= beta; V += sum_p I_p + bias; spike = V > threshold;
// V -= spike * threshold; alpha = e^{-dt/tau_mem}, beta_p = e^{-dt/tau_syn_p}): a current
// enters V one step after it arrives, unscaled by dt, the reset is subtractive (v_reset
// unused) and there is no refractory period (refractory unused). V decays towards v_rest
// (Rockpool: 0). For reproducing Rockpool's numbers; it does not converge to LifExp.
//
// Input channel p * size + i is port p of neuron i (size_in = ports * size), so one
// projection per port addresses a block of channels.
//
// Current input (Rockpool's "current input" layers, as LifExp's): continuous projections
// onto the neurons (size targets, port 0) give I_in[i], sampled at each bin start and held
// over the step (clocked_layer.hpp). kExact treats it as a bias for that step: V relaxes to
// v_rest + bias + I_in. kRockpool adds it beside the synaptic current and the bias, where
// Rockpool's LIF step has its I_in term: V += (sum_p I_p + I_in) + bias. (Rockpool's older
// RecLIFCurrentInJax steps by forward Euler instead: kRockpoolEuler below.) Without such
// projections the step is the plain one.
//
// Discretisation::kRockpoolEuler runs the forward-Euler step of Rockpool's older Jax LIF
// layers (rockpool.nn.layers.lif_jax: RecLIFJax, RecLIFCurrentInJax, their _IO / _SO
// variants, FFLIFJax_*), in their order, per step k:
//   I_p = beta_p I_p + x_p                 (x_p: the bin's spiking input, recurrent included)
//   V -= s_{k-1} (threshold - v_reset)      (the reset of the previous step's spikes)
//   V += dt/tau_mem ((sum_p I_p + I_in) + bias - (V - v_rest))
//   s_k = max(floor((V - threshold) / (threshold - v_reset) + 1), 0)
// s_k is a spike count (several spikes in one step when V is a reset amount or more above
// threshold); step() writes the count, step_spikes() lists the neuron once per spike. A
// neuron fires at V >= threshold. Rockpool's units are threshold 0, v_reset -1 (reset 1),
// v_rest 0 (and RecLIFJax's default bias is -1): with those the step is Rockpool's, bit for
// bit for one input per bin; other values scale the same step. The reset lands on the next
// step, so V read after a spiking step is still above threshold, as Rockpool's Vmem.
// refractory must be 0 (InvalidArgument). Recurrence: Rockpool's I_rec = s_{k-1} w_rec is a
// zero-delay projection of the layer onto itself: the spikes of step k-1 are emitted at the
// tick closing bin k-1, which is the start of bin k, so they are step k's input. Noise is
// Rockpool's noise_std * z per step added to I_in (not to V).
//
// Fast paths (see clocked_layer.hpp): the synaptic currents are the input accumulator, so a
// delivery adds its weight to I_p at once, which is the same as adding the bin's input at
// the start of the step (up to rounding: I + w1 + w2 instead of I + (w1 + w2)); and
// step_spikes lists the neurons that fired. So the state "i_syn<p>" read between ticks
// includes the input that arrived since the last tick. kRockpoolEuler keeps beta_p I_p (the
// decay done at the end of the step), so that the input it accumulates completes
// beta_p I_p + x_p: its "i_syn<p>" is Rockpool's Isyn times beta_p, plus that input.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/clocked_layer.hpp"
#include "neurons/lif_exp.hpp"
#include "neurons/state_noise.hpp"

namespace rockpool {

class LifExpClocked final : public ClockedLayer {
 public:
  enum class Discretisation {
    kExact,    // the exact propagator over each step (the default)
    kRockpool,      // Rockpool's LIF step (see above)
    kRockpoolEuler  // Rockpool's older Jax LIF layers' forward-Euler step (see above)
  };

  LifExpClocked(LifExp::Parameters parameters, std::size_t size, Duration dt,
                Discretisation discretisation = Discretisation::kExact);

  std::string_view type_name() const override { return "LifExpClocked"; }
  std::size_t size_in() const override { return size_ * ports_; }
  std::size_t size_out() const override { return size_; }
  Signal input_signal() const override { return Signal::kSpikes; }
  Signal output_signal() const override { return Signal::kSpikes; }
  Duration dt() const override { return dt_; }
  std::span<const std::string_view> state_names() const override;
  double state(std::size_t variable, NeuronIndex i, Time t) const override;

  void set_v_mem(std::span<const double> v);
  const LifExp::Parameters& parameters() const { return params_; }
  // State noise, Rockpool's noise_std (state_noise.hpp): noise_std sqrt(dt) z is added to V
  // at the start of each step and then propagated with it over the step; z is drawn per
  // (seed, neuron, step). 0 (the default) switches it off. kRockpoolEuler: noise_std z is
  // added to the step's current input instead (Rockpool's Jax LIF layers).
  void set_noise(double noise_std, std::uint64_t seed);
  void start() override;
  void save_state(StateWriter& out) const override;
  void restore_state(StateReader& in) override;
  void step(std::span<const double> input, std::span<double> output) override;
  std::span<double> input_accumulator() override { return i_syn_; }
  bool takes_current_input() const override { return true; }
  // Pre: size values, all finite (else DimensionMismatch / InvalidArgument naming the
  // neuron). The input current of the next step only.
  void set_current(std::span<const double> current) override;
  bool lists_spikes() const override { return true; }
  void step_spikes(std::span<const double> input, std::vector<NeuronIndex>& spiked) override;

 private:
  // One step of neurons [begin, end): fired[i - begin] = 1 if neuron i spiked, else 0.
  // `input` is empty when the currents already hold it.
  void advance(std::size_t begin, std::size_t end, std::span<const double> input, double* fired);
  // kCurrent: the step has a current input (current_); a separate variant, so the plain
  // step keeps its speed.
  template <bool kInput, bool kCurrent>
  void advance_rockpool(std::size_t begin, std::size_t end, const double* input, double* fired);
  template <bool kInput, bool kCurrent>
  void advance_euler(std::size_t begin, std::size_t end, const double* input, double* fired);
  template <std::size_t kPorts, bool kInput, bool kCurrent>
  void advance_ports(std::size_t begin, std::size_t end, const double* input, double* fired);
  // step() and step_spikes() without their checks (the CPU-specific clones live here).
  void step_dense(std::span<const double> input, std::span<double> output);
  void step_listing(std::span<const double> input, std::vector<NeuronIndex>& spiked);
  void step_listing_euler(std::span<const double> input, std::vector<NeuronIndex>& spiked);
  // kRockpoolEuler: OutOfRange naming the neuron if a count is beyond what can be emitted.
  void check_counts(std::size_t begin, const double* counts, std::size_t n) const;
  void add_noise();  // the noise of this step (if any) into V; counts the step
  bool copy_finite(const double* from, double* into) const;  // set_current's copy and check

  LifExp::Parameters params_;
  std::size_t size_;
  std::size_t ports_;
  Duration dt_;
  Discretisation discretisation_;
  double refractory_steps_;  // ceil(refractory / dt), a whole number
  // Propagator over one step: V' = v_inf + (V - v_inf) a + sum_p I_p c_p, I_p' = I_p b_p.
  // kRockpool uses a (decay_mem_) and b_p (decay_syn_) only.
  double decay_mem_;
  std::vector<double> decay_syn_;
  std::vector<double> coupling_;
  double v_inf_;
  double euler_rate_;  // kRockpoolEuler: dt / tau_mem

  std::vector<double> initial_v_;
  std::vector<double> v_mem_;
  std::vector<double> i_syn_;  // [port * size + neuron]; also the input accumulator
  // Steps left to hold at v_reset. A whole number kept as a double so that the step loop
  // has one lane width (vectorises without 64-bit integer compares, which SSE2 lacks).
  std::vector<double> refractory_left_;
  std::vector<double> spikes_prev_;  // kRockpoolEuler: the last step's counts (reset pending)
  std::vector<double> current_;  // the current input of the next step, if has_current_
  bool has_current_ = false;     // set by set_current, cleared by the step (not state)
  StateNoise noise_;       // off unless set_noise()
  std::uint64_t step_ = 0;  // steps since start(): the noise counter
};

}  // namespace rockpool
