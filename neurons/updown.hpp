// updown.hpp: Rockpool's FFUpDown — analogue input to up/down spike channels by delta modulation.
//
// Each input channel i keeps a tracking value s_i (Rockpool's `analog_value`), started at
// the first input sample. Per step of dt, with u_i the input sampled at the start of the bin
// (rockpool.nn.layers.updown, in its order):
//   s_i *= 1 - dt / tau_decay_i                      (no decay where tau_decay is none)
//   multiplex_spikes:  up = max(floor((u_i - s_i) / thr_up_i), 0)
//                      down = max(floor((s_i - u_i) / thr_down_i), 0)
//   otherwise:         up = [u_i > s_i + thr_up_i],  down = [u_i < s_i - thr_down_i]
//   s_i += thr_up_i up - thr_down_i down
// so s tracks u to within one threshold and the number of up minus down spikes is
// (u(t) - u(0)) / thr, a delta modulator. Each spike is repeated `repeat_output` times,
// and with multi_channels = n > 1 the spikes of raw channel c (2i up, 2i + 1 down) go to
// output channels c n ... c n + n - 1 in turn (a running count of all spikes, in order of
// step and raw channel, picks the channel: Rockpool's np.tile distribution).
// size_in = M inputs, size_out = 2 n M.
//
//   FFUpDown::Parameters p;  p.thr_up = {0.1};  p.thr_down = {0.1};
//   auto layer = std::make_unique<FFUpDown>(/*size_in=*/2, p);
//
// Noise (Rockpool's code, whatever its docstring says): noise_std z is added to every input
// sample, no dt factor; z = CounterRng(seed, i).normal(step). Bad parameters throw at
// construction (InvalidArgument naming the parameter).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "engine/clocked_layer.hpp"

namespace rockpool {

struct FFUpDownParameters {
  std::size_t multi_channels = 1;          // n output channels per up / down channel
  std::size_t repeat_output = 1;           // each spike is repeated this many times
  Duration dt = milliseconds(1);           // Rockpool's default 0.001 s
  // s, 1 or M values, each >= dt; +infinity (or an empty vector, the default) = no decay.
  std::vector<double> tau_decay = {};
  double noise_std = 0.0;                  // std. dev. added to every input sample
  std::vector<double> thr_up = {0.001};    // 1 or M values, > 0
  std::vector<double> thr_down = {0.001};  // 1 or M values, > 0
  bool multiplex_spikes = true;            // several spikes per step when a threshold is exceeded several times
  std::uint64_t seed = 0;
};

class FFUpDown final : public ClockedLayer {
 public:
  using Parameters = FFUpDownParameters;

  explicit FFUpDown(std::size_t size_in, Parameters parameters = {});

  std::string_view type_name() const override { return "FFUpDown"; }
  std::size_t size_in() const override { return size_in_; }
  std::size_t size_out() const override { return 2 * params_.multi_channels * size_in_; }
  Signal input_signal() const override { return Signal::kContinuous; }
  Signal output_signal() const override { return Signal::kSpikes; }
  Duration dt() const override { return params_.dt; }
  // {"analog_value"}: one per *input* channel (i < size_in), so record it with explicit indices.
  std::span<const std::string_view> state_names() const override;
  double state(std::size_t variable, NeuronIndex i, Time t) const override;

  void start() override;
  void step(std::span<const double> input, std::span<double> output) override;

  void save_state(StateWriter& out) const override;
  void restore_state(StateReader& in) override;

 private:
  std::size_t size_in_;
  Parameters params_;
  std::vector<double> decay_, thr_up_, thr_down_;
  std::vector<double> analog_value_;
  bool initialised_ = false;     // s starts at the first input sample
  std::uint64_t spikes_out_ = 0;  // running spike count: picks the sub-channel
  std::uint64_t step_ = 0;
};

}  // namespace rockpool
