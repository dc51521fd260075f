// filter_bank_signal.hpp: Rockpool's whole-signal filter bank evolve — ButterFilter /
// ButterMelFilter with their mean_subtraction and normalize options.
//
// Rockpool filters the whole input of one evolve() from rest (scipy's sosfilt per band,
// rectify, low-pass) and then, on the whole T x N output array:
//   normalize:         y /= max |y|      one maximum over every sample of every channel
//   mean_subtraction:  y -= mean(y)      one mean over every sample of every channel
// in that order (so with both, max |y| is no longer 1). Its docstrings say "per channel";
// its code (every version, numpy without an axis) takes one value for the whole array,
// which is what we do by default; per_channel = true is the docstrings' reading (ours).
// These need the whole signal, so they are not options of the streaming layer
// (ButterFilterBank); filter_signal() runs the layer over a whole TSContinuous as one
// Rockpool evolve would, and postprocess_filter_output() applies the options to any
// recorded T x N output.
//
//   ButterFilterBank::Parameters p;  p.bands = ButterFilterBank::mel_bands(16000, 64);
//   TSContinuous y = filter_signal(p, audio, {.mean_subtraction = true, .normalize = true});
#pragma once

#include <cstddef>
#include <span>

#include "neurons/filter_bank.hpp"
#include "timeseries/ts_continuous.hpp"

namespace rockpool {

struct FilterBankPostprocess {
  bool mean_subtraction = false;  // Rockpool's default
  bool normalize = false;         // Rockpool's default
  bool per_channel = false;       // ours: one max / mean per channel instead of one overall
};

// Applies the options to `samples`, row-major T x channels, in Rockpool's order (normalize,
// then mean subtraction). An all-zero array (or channel) is left as it is, where numpy
// divides 0 by 0 and gives NaN. DimensionMismatch if samples.size() is not a multiple of
// `channels`.
void postprocess_filter_output(std::span<double> samples, std::size_t channels, FilterBankPostprocess options);

// Rockpool's evolve over the whole of `input` (one channel): the bank, started from rest,
// is stepped on the input sampled at t_start + k dt for k = 0 .. floor(duration / dt)
// (Rockpool's time base, both ends included), and the output then post-processed. Output
// sample k is stamped t_start + k dt, as Rockpool stamps it (the clocked layer in a
// Simulation delivers it one dt later). DimensionMismatch for an input with other than one
// channel; InvalidArgument for an empty one.
TSContinuous filter_signal(const ButterFilterBank::Parameters& parameters, const TSContinuous& input,
                           FilterBankPostprocess options = {});

}  // namespace rockpool
