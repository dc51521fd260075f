// aeif_psc_exp.hpp: adaptive exponential integrate-and-fire neurons with exponential
// current synapses (Brette & Gerstner 2005) — NEST's aeif_psc_exp, the neuron behind
// Rockpool's NEST AdEx layers (RecAEIFSpkInNest) and the VirtualDynapse's neurons.
//
// Equations (NEST's names; SI units: V, F, S, A, s — Rockpool's layers take SI and convert):
//   C_m dV/dt   = -g_L (V - E_L) + g_L Delta_T exp((V - V_th) / Delta_T) - w + I_ex - I_in + I_e
//   tau_w dw/dt = a (V - E_L) - w
//   tau_syn_ex dI_ex/dt = -I_ex,  tau_syn_in dI_in/dt = -I_in
//   an input of weight q: I_ex += q if q >= 0, else I_in += -q   (NEST routes by sign)
//   V >= V_peak: spike; V = V_reset, w += b; V clamped at V_reset for t_ref (w goes on)
// With Delta_T == 0 the exponential term is dropped and the spike is at V_th (as in NEST).
// As in NEST, the exponential is evaluated at min(V, V_peak), so it stays finite.
//
// Event-driven: a neuron is touched only when it receives input or something is due.
// Between events the currents and the refractory part are closed form; V and w are
// integrated by an embedded Runge–Kutta 5(4) pair (Dormand–Prince) with error control
// (Accuracy). A spike, V reaching V_peak, is located inside the accepted step by its
// cubic Hermite interpolant and refined by re-stepping from the step start (Newton), and
// given the first tick at or after that time. Due times (population.hpp: never after the
// spike), the cheapest that applies after each event: nothing, if the state lies in a box
// that provably never reaches V_th with the input it has (quiet()); a check at a lower
// bound of V reaching V_th (a linear comparison equation, threshold_crossing.hpp) when
// that is far enough; else the model integrates ahead over a look-ahead window: V
// reaching V_peak there is the due spike, otherwise a check at the window's end (where
// the integrated state is kept and the window doubles). doc/models.md states the accuracy.
//
//   AeifPscExp::Parameters p;            // NEST's defaults, in SI units
//   p.I_e = 600e-12;                     // A
//   auto pop = std::make_unique<AeifPscExp>(p, 100);
//   net.connect(src, net.add("adex", std::move(pop)), Projection::one_to_one(100, 50e-12, d));
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "engine/population.hpp"

namespace rockpool {

// NEST's aeif_psc_exp defaults (281 pF, 30 nS, -70.6 mV, ...) in SI units.
struct AeifPscExpParameters {
  double C_m = 281e-12;       // F, membrane capacitance
  double g_L = 30e-9;         // S, leak conductance
  double E_L = -70.6e-3;      // V, leak reversal potential
  double V_th = -50.4e-3;     // V, spike initiation threshold
  double Delta_T = 2e-3;      // V, slope factor (0: no exponential, spike at V_th)
  double tau_w = 144e-3;      // s, adaptation time constant
  double a = 4e-9;            // S, subthreshold adaptation
  double b = 80.5e-12;        // A, spike-triggered adaptation
  double V_reset = -60e-3;    // V
  Duration t_ref = Duration::zero();  // absolute refractory period
  double V_peak = 0.0;        // V, spike detection threshold (used when Delta_T > 0)
  double tau_syn_ex = 0.2e-3; // s
  double tau_syn_in = 2e-3;   // s
  double I_e = 0.0;           // A, constant input current
};

// The solver's error control: a step is accepted when its error estimate is within
//   |e_V| <= abs_v + rel |V| + abs_t |dV/dt|,     |e_w| <= abs_w + rel |w|.
// abs_v and abs_w are NEST's gsl_error_tol 1e-6 in its units (mV, pA). The abs_t term
// lets V's error grow with its slope, i.e. bounds it as an error in time: near V_peak V
// explodes (dV/dt ~ 1e10 V/s) and no fixed voltage tolerance could be met there.
struct AeifPscExpAccuracy {
  double abs_v = 1e-9;    // V
  double abs_w = 1e-18;   // A
  double abs_t = 1e-10;   // s
  double rel = 1e-9;
  Duration look_ahead = milliseconds(1);       // window integrated ahead after an input
  Duration max_look_ahead = milliseconds(100); // the window doubles at each check up to this
};

class AeifPscExp final : public Population {
 public:
  using Parameters = AeifPscExpParameters;
  using Accuracy = AeifPscExpAccuracy;

  // Throws InvalidArgument naming the parameter: non-positive C_m, g_L or time constants,
  // negative Delta_T or t_ref, V_peak < V_th (Delta_T > 0), V_reset >= the spike
  // threshold, anything not finite, non-positive tolerances or windows.
  AeifPscExp(Parameters parameters, std::size_t size, Accuracy accuracy = {});

  std::string_view type_name() const override { return "AeifPscExp"; }
  std::size_t size() const override { return last_.size(); }
  // {"V_m", "w", "I_syn_ex", "I_syn_in"} (NEST's names; I_syn_in >= 0 is subtracted).
  std::span<const std::string_view> state_names() const override;
  double state(std::size_t variable, NeuronIndex i, Time t) const override;

  // Initial state (defaults: V_m = E_L, w = 0, as NEST); before start().
  void set_v_mem(std::span<const double> v);
  void set_w(std::span<const double> w);
  const Parameters& parameters() const { return params_; }
  const Accuracy& accuracy() const { return accuracy_; }

  void start(Time t0, PredictionList& changed) override;
  void receive(Time t, std::uint32_t port, std::span<const NeuronIndex> targets, std::span<const double> weights,
               PredictionList& changed) override;
  bool on_due(Time t, NeuronIndex i, PredictionList& changed) override;

  // Solver counters since construction (accepted and rejected steps), for benchmarks.
  std::uint64_t accepted_steps() const { return accepted_; }
  std::uint64_t rejected_steps() const { return rejected_; }

  void save_state(StateWriter& out) const override;
  void restore_state(StateReader& in) override;

 private:
  struct Neuron {
    double v, w, i_ex, i_in;
    std::int64_t last;       // ticks: the state is at this time
    std::int64_t ref_until;  // ticks: V clamped at V_reset before this time
    double h;                // the solver's next trial step (s)
  };
  struct Due {
    std::int64_t time;  // ticks, kNever if nothing is due
    bool exact;         // a spike (else a check)
    double v, w;        // the state at `time` (for a spike: at the crossing)
    double h;           // the solver's trial step there
    bool state_known;   // v, w, h hold the state at `time` (else integrate to it)
  };
  Neuron load(NeuronIndex i) const;
  void store(NeuronIndex i, const Neuron& n);
  // Advances n to tick t (>= n.last). With find_peak, stops at the first V >= V_peak and
  // returns true with n at the crossing (n.last = its tick, rounded up; v = V_peak);
  // without it, integrates through (the exponential is clamped).
  bool advance(Neuron& n, std::int64_t t, bool find_peak) const;
  // The next due time of a neuron whose state n is at n.last, looking ahead `window` ticks.
  Due next_due(Neuron n, std::int64_t window) const;
  // True if the state provably never reaches V_th without further input.
  bool quiet(const Neuron& n) const;
  // A lower bound, in ticks after n.last, on V first reaching V_th without further
  // input (kNever: not at all); nullopt where no bound is derived (V >= V_th, a < 0,
  // refractory).
  std::optional<std::int64_t> ticks_to_threshold_bound(const Neuron& n) const;
  void set_due(NeuronIndex i, const Due& due, PredictionList& changed);

  Parameters params_;
  Accuracy accuracy_;
  double v_spike_;  // V_peak, or V_th when Delta_T == 0
  std::vector<double> initial_v_, initial_w_;
  // State at last_ (structure of arrays, index = neuron).
  std::vector<double> v_, w_, i_ex_, i_in_, h_;
  std::vector<std::int64_t> last_, ref_until_;
  std::vector<std::int64_t> window_;  // current look-ahead (ticks)
  // What the scheduler holds, and the state at that time (valid while due_ is).
  std::vector<std::int64_t> due_;
  std::vector<std::uint8_t> due_exact_;
  std::vector<double> due_v_, due_w_, due_h_;
  std::vector<std::uint8_t> due_state_;  // Due::state_known
  mutable std::uint64_t accepted_ = 0, rejected_ = 0;
};

}  // namespace rockpool
