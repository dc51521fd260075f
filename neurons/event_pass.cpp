#include "neurons/event_pass.hpp"

#include "engine/checkpoint.hpp"

#include <cassert>
#include <cmath>
#include <string>

#include "neurons/parameter_checks.hpp"

namespace rockpool {

using neuron_detail::shortest;

namespace {
bool is_count(double w) { return w >= 0.0 && w == std::floor(w) && w < 9.007199254740992e15; }
}  // namespace

PassThroughEvents::PassThroughEvents(WeightMatrix weights) : weights_(std::move(weights)) {
  weights_.check("weights");
  for (std::size_t k = 0; k < weights_.values.size(); ++k) {
    if (!is_count(weights_.values[k])) {
      throw InvalidArgument("weights", "must be non-negative whole numbers (event counts), got " +
                                           shortest(weights_.values[k]) + " at row " + std::to_string(k / weights_.columns) +
                                           ", column " + std::to_string(k % weights_.columns));
    }
  }
  pending_.assign(weights_.columns, 0);
}

Projection PassThroughEvents::input_projection() const {
  return Projection::dense(weights_.rows, weights_.columns, weights_.values, Duration::zero());
}

void PassThroughEvents::start(Time /*t0*/, PredictionList& /*changed*/) { std::fill(pending_.begin(), pending_.end(), 0); }

void PassThroughEvents::receive(Time t, std::uint32_t /*port*/, std::span<const NeuronIndex> targets,
                                std::span<const double> weights, PredictionList& changed) {
  for (std::size_t k = 0; k < targets.size(); ++k) {
    const double w = weights[k];
    if (!is_count(w)) {
      throw InvalidArgument("weight", "PassThroughEvents reads weights as event counts; got " + shortest(w) +
                                          " for channel " + std::to_string(targets[k]));
    }
    if (w == 0.0) continue;
    const NeuronIndex j = targets[k];
    // Due now: the scheduler pops it right after this delivery (a due time sorts before
    // deliveries at the same time).
    if (pending_[j] == 0) changed.push_back({j, t});
    pending_[j] += static_cast<std::uint64_t>(w);
  }
}

bool PassThroughEvents::on_due(Time t, NeuronIndex i, PredictionList& changed) {
  assert(pending_[i] > 0);
  if (--pending_[i] > 0) changed.push_back({i, t});  // the next copy, still at t
  return true;
}

// Checkpoints: the copies still to emit at the current time (their due times are the engine's).
void PassThroughEvents::save_state(StateWriter& out) const { out.put_array(pending_); }

void PassThroughEvents::restore_state(StateReader& in) { in.get_exact(pending_, "PassThroughEvents pending"); }

}  // namespace rockpool
