// events.hpp: what an application pushes into a session and what it gets back.
//
// An InputEvent is a spike on a channel of a spike input at an exact time; an OutputSpike
// is a spike of an observed node (Session::observe), with the neuron and the exact time.
// Both are small values, compared and ordered field by field.
//
//   std::vector<rockpool::InputEvent> batch = {{t, 0}, {t + rockpool::milliseconds(1), 3}};
//   session.push(input, batch);
//   session.on_output([](const rockpool::OutputSpike& s) { act(s.neuron, s.time); });
#pragma once

#include <compare>
#include <cstdint>

#include "rockpool/time.hpp"

namespace rockpool {

struct InputEvent {
  Time time;
  std::uint32_t channel = 0;
  friend constexpr auto operator<=>(const InputEvent&, const InputEvent&) = default;
};

struct OutputSpike {
  std::uint32_t output = 0;  // which observed node: the index Session::observe returned
  std::uint32_t neuron = 0;  // the neuron (channel) of that node
  Time time;
  friend constexpr auto operator<=>(const OutputSpike&, const OutputSpike&) = default;
};

}  // namespace rockpool
