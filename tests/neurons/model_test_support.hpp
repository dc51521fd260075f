// model_test_support.hpp: small helpers the model tests share (tests only).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "engine/error.hpp"
#include "engine/projection.hpp"
#include "neurons/lif_exp.hpp"
#include "timeseries/ts_continuous.hpp"

namespace rockpool::test {

// The argument a construction error names, and whether it is a DimensionMismatch
// ("(accepted)" if `make` did not throw).
template <class F>
std::pair<std::string, bool> refusal(F&& make) {
  try {
    make();
  } catch (const DimensionMismatch& e) {
    return {e.argument(), true};
  } catch (const InvalidArgument& e) {
    return {e.argument(), false};
  }
  return {"(accepted)", false};
}

// A piecewise-constant signal: `values[k]` (one per channel) from `times[k]` on, held to 10 s.
inline TSContinuous held(std::vector<Time> times, std::vector<double> values, std::size_t channels = 1) {
  TSContinuous::Options o;
  o.interpolation = Interpolation::kPrevious;
  o.t_stop = Time::from_seconds(10.0);
  return TSContinuous(std::move(times), std::move(values), channels, o);
}

// Dense rows x columns weights, row-major [pre][post].
inline Projection dense(std::size_t rows, std::size_t columns, std::vector<double> w,
                        Duration delay = Duration::zero(), std::uint32_t port = 0) {
  return Projection::dense(rows, columns, w, delay, port);
}

// The LIF of the current-input tests: tau_mem 20 ms, one 5 ms port, threshold 1, rest and
// reset 0.
constexpr double kCurrentTestTauMem = 0.02;
inline LifExp::Parameters current_test_lif(Duration refractory = Duration::zero()) {
  LifExp::Parameters p;
  p.tau_mem = kCurrentTestTauMem;
  p.tau_syn = {0.005};
  p.threshold = 1.0;
  p.v_rest = 0.0;
  p.v_reset = 0.0;
  p.refractory = refractory;
  return p;
}

}  // namespace rockpool::test
