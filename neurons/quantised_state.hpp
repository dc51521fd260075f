// quantised_state.hpp: Rockpool's `state_type` — the number type a digital neuron's state lives in.
//
// Rockpool's constant-leak and digital IAF layers (RecCLIAF, RecDIAF) keep the membrane
// state in a NumPy dtype and, after every update, clip it to that type's range and cast it
// (`np.clip(state + update, min, max).astype(state_type)`): an integer type truncates
// towards zero, float32 rounds to nearest. StateType names the dtype; quantise() is that
// clip-and-cast on a double, which holds every int8/16/32 and float32 value exactly.
//
//   const StateType type = StateType::kInt8;
//   double v = quantise(type, 100.0 + 50.7);   // 127: clipped to int8's maximum
//   double w = quantise(type, -3.9);           // -3: truncated towards zero
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <string_view>

namespace rockpool {

// int64 is left out on purpose: its range is not representable in a double, so the clip
// would not be exact.
enum class StateType : std::uint8_t { kInt8, kInt16, kInt32, kFloat32, kFloat64 };

constexpr std::string_view state_type_name(StateType t) {
  switch (t) {
    case StateType::kInt8: return "int8";
    case StateType::kInt16: return "int16";
    case StateType::kInt32: return "int32";
    case StateType::kFloat32: return "float32";
    case StateType::kFloat64: return "float64";
  }
  return "?";
}

// The smallest and largest value of the type (NumPy's iinfo / finfo min and max).
constexpr double state_min(StateType t) {
  switch (t) {
    case StateType::kInt8: return -128.0;
    case StateType::kInt16: return -32768.0;
    case StateType::kInt32: return -2147483648.0;
    case StateType::kFloat32: return -static_cast<double>(std::numeric_limits<float>::max());
    case StateType::kFloat64: return std::numeric_limits<double>::lowest();
  }
  return 0.0;
}
constexpr double state_max(StateType t) {
  switch (t) {
    case StateType::kInt8: return 127.0;
    case StateType::kInt16: return 32767.0;
    case StateType::kInt32: return 2147483647.0;
    case StateType::kFloat32: return static_cast<double>(std::numeric_limits<float>::max());
    case StateType::kFloat64: return std::numeric_limits<double>::max();
  }
  return 0.0;
}

constexpr bool is_integer(StateType t) { return t == StateType::kInt8 || t == StateType::kInt16 || t == StateType::kInt32; }

// np.clip(x, min, max).astype(type), for a finite x.
inline double quantise(StateType t, double x) {
  if (t == StateType::kFloat64) return x;
  const double clipped = std::fmin(std::fmax(x, state_min(t)), state_max(t));
  if (t == StateType::kFloat32) return static_cast<double>(static_cast<float>(clipped));
  return std::trunc(clipped);
}

}  // namespace rockpool
