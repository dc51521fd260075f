// filter_bank.hpp: a bank of Butterworth band-pass filters as a clocked layer — Rockpool's
// ButterFilter and ButterMelFilter (rockpool.nn.layers.filter_bank).
//
// One continuous input channel (sampled at fs = 1 / dt), N continuous outputs. Channel c
// is a digital Butterworth band-pass of order `order` between bands[c].low and
// bands[c].high (Hz), designed here from the analog prototype: the N-th order low-pass
// poles, the low-pass to band-pass transform (s -> (s^2 + w0^2) / (B s)) with pre-warped
// edges, and the bilinear transform, giving `order` biquad sections with zeros at z = +-1,
// scaled to gain 1 at the centre (so the magnitude is exactly 1/sqrt(2), -3 dB, at both
// band edges: doc/models.md). Each section runs in direct form II transposed, as scipy's
// sosfilt which Rockpool calls. As in Rockpool, each output is then, by default, the
// envelope: the rectified band signal |y| through a Butterworth low-pass of the same
// order at cutoff_fs (100 Hz); envelope = false gives the band signal itself.
//
// Band placement, Rockpool's two layers:
//   butter_bands(frequency, bandwidth)   ButterFilter: [f - bw/2, f + bw/2]
//   mel_bands(fs, num_filters, cutoff_fs, filter_width)
//                                         ButterMelFilter: num_filters lower edges evenly
//                                         spaced in mel from cutoff_fs, each band
//                                         [f, f (1 + filter_width / num_filters)]
//
//   ButterFilterBank::Parameters p;
//   p.dt = Duration::from_seconds(1.0 / 16000);
//   p.bands = ButterFilterBank::mel_bands(16000, 64);
//   auto bank = std::make_unique<ButterFilterBank>(p);
//
// The state is structure-of-arrays ([section][channel]), the step loops run over channels
// innermost. Output of input sample k appears at the tick t_{k+1} (clocked_layer.hpp).
//
// Rockpool's mean_subtraction and normalize act on the whole output of one evolve() and
// have no streaming form: see neurons/filter_bank_signal.hpp for them. The streaming layer
// offers (ours, not Rockpool's) running_mean_subtraction: each output minus the mean of
// that channel's outputs so far, this one included.
#pragma once

#include <complex>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "engine/clocked_layer.hpp"

namespace rockpool {

struct FilterBand {
  double low, high;  // Hz, 0 < low < high < fs / 2
};

struct ButterFilterBankParameters {
  std::vector<FilterBand> bands;                       // one per output channel
  int order = 2;                                       // Rockpool's default
  Duration dt = Duration::from_ticks(562'500);         // 1 / 16 kHz
  bool envelope = true;                                // |y| through the low-pass (Rockpool)
  double cutoff_fs = 100.0;                            // Hz, the envelope's low-pass
  bool running_mean_subtraction = false;               // ours: y_k - mean(y_0..y_k) per channel
};

// One second-order section: y = (b0 + b1 z^-1 + b2 z^-2) / (1 + a1 z^-1 + a2 z^-2) x.
struct Biquad {
  double b0, b1, b2, a1, a2;
  std::complex<double> response(double omega) const;  // at z = e^{i omega}
};

class ButterFilterBank final : public ClockedLayer {
 public:
  using Parameters = ButterFilterBankParameters;

  // Throws InvalidArgument naming the parameter: no bands, a band not inside
  // (0, fs / 2) or with high <= low ("bands"), order < 1 or > 16, dt <= 0, cutoff_fs
  // not inside (0, fs / 2).
  explicit ButterFilterBank(Parameters parameters);

  // Rockpool's ButterFilter placement. bandwidth has 1 or N values.
  static std::vector<FilterBand> butter_bands(std::span<const double> frequency, std::span<const double> bandwidth);
  // Rockpool's ButterMelFilter placement (its defaults: 64 filters, 100 Hz, width 2).
  // InvalidArgument on cutoff_fs if the top band would reach fs / 2.
  static std::vector<FilterBand> mel_bands(double fs, int num_filters = 64, double cutoff_fs = 100.0,
                                           double filter_width = 2.0);

  std::string_view type_name() const override { return "ButterFilterBank"; }
  std::size_t size_in() const override { return 1; }
  std::size_t size_out() const override { return channels_; }
  Signal input_signal() const override { return Signal::kContinuous; }
  Signal output_signal() const override { return Signal::kContinuous; }
  Duration dt() const override { return params_.dt; }
  std::span<const std::string_view> state_names() const override;  // {"y"}: the output
  double state(std::size_t variable, NeuronIndex i, Time t) const override;

  void start() override;
  void step(std::span<const double> input, std::span<double> output) override;

  double fs() const { return fs_; }
  // The designed sections of channel c's band-pass (order of them), and of the envelope
  // low-pass (shared by all channels).
  std::vector<Biquad> band_sections(std::size_t c) const;
  const std::vector<Biquad>& lowpass_sections() const { return lowpass_; }

  void save_state(StateWriter& out) const override;
  void restore_state(StateReader& in) override;

 private:
  Parameters params_;
  std::size_t channels_;
  double fs_;
  std::size_t band_sections_;  // = order
  // Band-pass coefficients and state, [section * channels + channel]. b1 = 0, b2 = -b0.
  std::vector<double> gain_, a1_, a2_, z1_, z2_;
  std::vector<Biquad> lowpass_;
  std::vector<double> lp_z1_, lp_z2_;  // [section * channels + channel]
  std::vector<double> y_;              // output held since the last tick
  // running_mean_subtraction: per channel, the mean of the outputs so far, and their count.
  std::vector<double> mean_;
  std::uint64_t count_ = 0;
};

}  // namespace rockpool
