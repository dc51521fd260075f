// parameter_checks.hpp: the checks every neuron model makes on its parameters, in one place.
//
// Internal to neurons/. Rockpool lets most parameters be one value for all units or one
// per unit; these expand and check them, naming the parameter and the offending index.
#pragma once

#include <charconv>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "engine/error.hpp"
#include "engine/event.hpp"

namespace rockpool::neuron_detail {

// The shortest decimal that reads back to v ("0.02", "-1e-09").
inline std::string shortest(double v) {
  char buffer[32];
  const auto r = std::to_chars(buffer, buffer + sizeof buffer, v);
  return std::string(buffer, r.ptr);
}

// A per-unit parameter given as 1 value (for all units) or n: checked, then expanded to n.
inline std::vector<double> per_unit(std::string_view name, const std::vector<double>& values, std::size_t n) {
  if (values.size() != 1 && values.size() != n) {
    throw DimensionMismatch(name, "has " + std::to_string(values.size()) + " values for " + std::to_string(n) +
                                      " units (give 1 or " + std::to_string(n) + ")");
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) throw InvalidArgument(name, "not finite at index " + std::to_string(i));
  }
  return values.size() == n ? values : std::vector<double>(n, values[0]);
}

// The same for a parameter that must be positive (time constants).
inline std::vector<double> positive_per_unit(std::string_view name, const std::vector<double>& values,
                                             std::size_t n) {
  std::vector<double> out = per_unit(name, values, n);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i] <= 0.0) {
      throw InvalidArgument(name, "must be positive, got " + shortest(values[i]) + " at index " + std::to_string(i));
    }
  }
  return out;
}

inline void check_unit(NeuronIndex i, std::size_t n) {
  if (i >= n) throw OutOfRange("unit", std::to_string(i) + " >= layer size " + std::to_string(n));
}

}  // namespace rockpool::neuron_detail
