// lif_exp.hpp: exact event-driven leaky integrate-and-fire neurons with exponential
// current synapses — the model that proves the engine.
//
// Equations (Rockpool's LIF, with a resting potential; Brian2's CUBA is the case of two
// ports and no bias):
//   tau_mem dV/dt  = -(V - v_rest) + sum_p I_p + bias + I_in
//   tau_syn_p dI_p/dt = -I_p,        a spike of weight w on port p: I_p += w
//   I_in: an optional current input (Rockpool's "current input" layers), continuous
//   projections sampled every current_dt() and held in between (population.hpp).
//   V >= threshold: spike, V = v_reset, V held at v_reset for `refractory` (currents go on).
// Between events the state is updated analytically (exp of the elapsed time); the next
// threshold crossing is found exactly to the tick (threshold_crossing.hpp), including the
// degenerate tau_syn == tau_mem case. To keep that search off the per-input path, after an
// input the neuron is given a cheap lower bound on its crossing as a *check* time; only
// when the bound comes within kExactWindow is the exact crossing solved. Checks never
// store state (recording and checks leave a neuron's stored state alone). V and I are in the same unit (Rockpool: dimensionless;
// CUBA: volts), times in seconds.
//
// State is structure-of-arrays and kept in *modal* form relative to a population-wide
// reference time t_ref: each synaptic current as I_p e^{(t - t_ref)/tau_p} and the
// membrane's own mode likewise. Those values do not change between inputs, and an input at
// t only adds w e^{(t - t_ref)/tau} to two of them: the exponentials are shared by all the
// targets of a spike, so a delivery costs a few exp() calls in all and a few flops per
// synapse. The reference moves forward (renormalising every neuron) before the factors get
// large, at the first event more than 100 of the fastest time constants past it.
//
//   LifExp::Parameters p;  p.tau_syn = {5e-3, 10e-3};  p.threshold = -50e-3; ...
//   auto pop = std::make_unique<LifExp>(p, 4000);
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "engine/population.hpp"

namespace rockpool {

class LifExp final : public Population {
 public:
  static constexpr std::size_t kMaxPorts = 4;

  struct Parameters {
    double tau_mem = 20e-3;               // s
    std::vector<double> tau_syn = {50e-3};  // s, one per synaptic port (1..4)
    double bias = 0.0;                    // constant input current, units of V
    double threshold = 1.0;
    double v_rest = 0.0;
    double v_reset = 0.0;                 // must lie below threshold
    Duration refractory = Duration::zero();
  };

  // Throws InvalidArgument naming the parameter for non-positive or non-finite time
  // constants, v_reset >= threshold, no or too many ports.
  LifExp(Parameters parameters, std::size_t size);

  std::string_view type_name() const override { return "LifExp"; }
  std::size_t size() const override { return last_.size(); }
  std::size_t num_ports() const override { return params_.tau_syn.size(); }
  std::span<const std::string_view> state_names() const override;
  double state(std::size_t variable, NeuronIndex i, Time t) const override;
  void sample_state(std::size_t variable, std::span<const NeuronIndex> neurons, Time t,
                    std::span<double> out) const override;

  // Initial membrane potentials (default v_rest); before start().
  void set_v_mem(std::span<const double> v);
  // Sampling period of a current input (Rockpool's dt; default 1 ms). Only used when
  // continuous projections lead into the population; before the network is built.
  void set_current_dt(Duration dt);
  Duration current_input_dt() const override { return current_dt_; }
  void set_current(Time t, std::span<const double> current, PredictionList& changed) override;
  const Parameters& parameters() const { return params_; }

  void start(Time t0, PredictionList& changed) override;
  void receive(Time t, std::uint32_t port, std::span<const NeuronIndex> targets, std::span<const double> weights,
               PredictionList& changed) override;
  bool on_due(Time t, NeuronIndex i, PredictionList& changed) override;
  void save_state(StateWriter& out) const override;
  void restore_state(StateReader& in) override;

  // Solve exactly once the crossing's lower bound is nearer than this; further away,
  // schedule a check at the bound instead.
  static constexpr Duration kExactWindow = microseconds(100);

 private:
  // One neuron's state, copied out of the arrays for an update.
  struct Neuron {
    double v;
    double v_inf;             // where V relaxes to: v_rest + bias + its input current
    std::array<double, kMaxPorts> i_syn;
    std::int64_t last;        // ticks: state is exact at this time
    std::int64_t ref_until;   // ticks: V clamped to v_reset before this time
  };
  // The physical state of neuron i at last_[i], and back (both cost exp() calls: slow path).
  Neuron load(NeuronIndex i) const;
  // The physical state of neuron i at t >= last_[i], without storing it.
  Neuron state_at(NeuronIndex i, std::int64_t t) const;
  void store(NeuronIndex i, const Neuron& n);
  // Moves t_ref to t, rescaling every neuron, when t is too far past it.
  void renormalize_if_needed(std::int64_t t);
  // Advances a copy exactly to tick t (t >= n.last).
  void advance(Neuron& n, std::int64_t t) const;
  // The next due time at or after `now` of a neuron whose state is exact at n.last
  // (<= now) and which cannot have crossed threshold before `now`.
  struct Due {
    std::int64_t time;  // ticks; kNever if nothing is due
    bool exact;         // the spike time itself (not a check)
  };
  // `tight`: use the tighter (logarithm) lower bound for the next check.
  Due next_due(const Neuron& n, std::int64_t now, bool tight = false) const;
  // Stores a new due time for neuron i; appends it to `changed` if the heap must change.
  void set_due(NeuronIndex i, Due due, PredictionList& changed);

  Parameters params_;
  std::size_t ports_;
  double v_inf0_;                            // v_rest + bias: where V relaxes to without input current
  Duration current_dt_ = milliseconds(1);
  std::array<double, kMaxPorts> k_syn_{};    // tau_p / (tau_p - tau_mem), or 0 if equal
  std::array<bool, kMaxPorts> equal_tau_{};  // tau_p == tau_mem (the s*exp form)

  // Modal state relative to t_ref_ (see the header comment):
  //   I_p(t) = i_tilde_[p * n + i] e^{-(t - t_ref)/tau_p}
  //   V(t)   = v_inf[i] + e^{-u/tm} (m_tilde_[i] + sum_{p: tau_p = tm} u I~_p / tm)
  //            + sum_{p: tau_p != tm} k_p I_p(t),          u = t - t_ref (seconds)
  // While a neuron is refractory at its last update (ref_until_ > last_), V is v_reset and
  // m_tilde_ is not used.
  std::int64_t t_ref_ = 0;
  std::int64_t renormalize_after_ = 0;  // ticks past t_ref_ that trigger renormalisation
  std::vector<double> initial_v_;
  std::vector<double> v_inf_;    // per neuron: v_inf0_ + its input current (modal form below)
  std::vector<double> m_tilde_;
  std::vector<double> i_tilde_;  // [port * size + neuron]
  std::vector<std::int64_t> last_;       // ticks of the last input or spike
  std::vector<std::int64_t> ref_until_;
  std::vector<std::int64_t> due_;          // ticks: what the scheduler holds, kNever if nothing
  std::vector<std::uint8_t> due_exact_;    // due_ is the exact spike time (not a check)
};

}  // namespace rockpool
