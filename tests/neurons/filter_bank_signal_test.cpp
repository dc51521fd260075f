// Rockpool's whole-signal mean_subtraction and normalize (neurons/filter_bank_signal.hpp),
// and our streaming running_mean_subtraction.
#include "neurons/filter_bank_signal.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "engine/checkpoint.hpp"
#include "neurons/model_registry.hpp"

using namespace rockpool;

namespace {

constexpr double kFs = 16000.0;

ButterFilterBank::Parameters three_bands(bool envelope) {
  ButterFilterBank::Parameters p;  // dt = 1 / 16 kHz
  p.bands = {{400, 600}, {900, 1100}, {2900, 3100}};
  p.envelope = envelope;
  return p;
}

// A sine of `f` Hz sampled at 16 kHz, `n` samples, plus `offset`.
TSContinuous sine(double f, std::size_t n, double amplitude = 1.0, double offset = 0.0) {
  std::vector<double> x(n);
  for (std::size_t k = 0; k < n; ++k) x[k] = offset + amplitude * std::sin(2 * std::numbers::pi * f * k / kFs);
  return TSContinuous::from_clocked(std::move(x), 1, ButterFilterBank::Parameters{}.dt);
}

double max_abs(std::span<const double> y, std::size_t first, std::size_t stride) {
  double m = 0;
  for (std::size_t k = first; k < y.size(); k += stride) m = std::max(m, std::abs(y[k]));
  return m;
}

}  // namespace

TEST_CASE("filter bank post-processing: Rockpool's whole-array max and mean, in its order") {
  // T = 3 samples x N = 2 channels, row-major.
  const std::vector<double> y = {1, -4, 2, 0, 3, 2};
  auto apply = [&](FilterBankPostprocess o) {
    std::vector<double> v = y;
    postprocess_filter_output(v, 2, o);
    return v;
  };
  // normalize: one max |y| = 4 over everything (divisions by 4 are exact).
  CHECK(apply({.normalize = true}) == std::vector<double>{0.25, -1, 0.5, 0, 0.75, 0.5});
  // mean_subtraction: one mean, 4 / 6.
  const double m = 2.0 / 3.0;
  CHECK(apply({.mean_subtraction = true}) == std::vector<double>{1 - m, -4 - m, 2 - m, 0 - m, 3 - m, 2 - m});
  // Both: normalise first ({0.25, -1, 0.5, 0, 0.75, 0.5}, sum 1), then subtract 1/6; the
  // peak is then 7/6, not 1.
  const double s = 1.0 / 6.0;
  const std::vector<double> both = apply({.mean_subtraction = true, .normalize = true});
  const std::vector<double> expected = {0.25 - s, -1 - s, 0.5 - s, 0 - s, 0.75 - s, 0.5 - s};
  for (std::size_t k = 0; k < 6; ++k) CHECK(both[k] == doctest::Approx(expected[k]).epsilon(1e-15));
  CHECK(max_abs(both, 0, 1) == doctest::Approx(7.0 / 6.0).epsilon(1e-15));
  // per_channel (the docstrings' reading): channel 0 {1, 2, 3} / 3, channel 1 {-4, 0, 2} / 4;
  // means 2 and -2/3.
  const std::vector<double> pn = apply({.normalize = true, .per_channel = true});
  CHECK(pn[0] == doctest::Approx(1.0 / 3.0).epsilon(1e-15));
  CHECK(pn[2] == doctest::Approx(2.0 / 3.0).epsilon(1e-15));
  CHECK(pn[4] == 1.0);
  CHECK(pn[1] == -1.0);
  CHECK(pn[3] == 0.0);
  CHECK(pn[5] == 0.5);
  const std::vector<double> pm = apply({.mean_subtraction = true, .per_channel = true});
  CHECK(pm[0] == -1.0);
  CHECK(pm[2] == 0.0);
  CHECK(pm[4] == 1.0);
  CHECK(pm[1] == doctest::Approx(-4 + m).epsilon(1e-15));
  CHECK(pm[3] == doctest::Approx(m).epsilon(1e-15));
  CHECK(pm[5] == doctest::Approx(2 + m).epsilon(1e-15));
  // All zeros stay zeros (numpy would give 0 / 0 = NaN).
  std::vector<double> zeros(6, 0.0);
  postprocess_filter_output(zeros, 2, {.mean_subtraction = true, .normalize = true});
  CHECK(zeros == std::vector<double>(6, 0.0));
  std::vector<double> ragged(5, 1.0);
  CHECK_THROWS_AS(postprocess_filter_output(ragged, 2, {}), DimensionMismatch);
}

TEST_CASE("filter bank mean_subtraction removes a constant offset of the output exactly") {
  // The option acts on the output: y and y + c give the same result (up to the rounding
  // of the mean), and the result has mean 0.
  const TSContinuous y = filter_signal(three_bands(true), sine(1000, 1600));
  std::vector<double> a(y.samples().begin(), y.samples().end()), b = a;
  for (double& v : b) v += 0.375;
  postprocess_filter_output(a, 3, {.mean_subtraction = true});
  postprocess_filter_output(b, 3, {.mean_subtraction = true});
  double sum = 0, scale = 0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    CHECK(b[k] == doctest::Approx(a[k]).epsilon(1e-12));
    sum += a[k];
    scale += std::abs(a[k]);
  }
  CHECK(std::abs(sum) < 1e-12 * scale);
  CHECK(scale > 0);
  // A zero input gives zeros, with both options on (no 0 / 0).
  const TSContinuous quiet = filter_signal(three_bands(true), sine(1000, 160, 0.0),
                                           {.mean_subtraction = true, .normalize = true});
  for (double v : quiet.samples()) CHECK(v == 0.0);
}

TEST_CASE("filter bank normalize: max |y| is exactly 1, overall (Rockpool) or per channel") {
  // A 1 kHz tone: the centre of channel 1; channels 0 and 2 see only its skirts.
  const TSContinuous raw = filter_signal(three_bands(false), sine(1000, 3200, 0.3));
  const TSContinuous overall = filter_signal(three_bands(false), sine(1000, 3200, 0.3), {.normalize = true});
  CHECK(max_abs(overall.samples(), 1, 3) == 1.0);  // the peak is in channel 1
  CHECK(max_abs(overall.samples(), 0, 3) < 0.5);
  CHECK(max_abs(overall.samples(), 2, 3) < 0.5);
  // The same signal divided by the raw peak (about the tone's 0.3 once settled).
  const double peak = max_abs(raw.samples(), 0, 1);
  CHECK(peak == doctest::Approx(0.3).epsilon(0.05));
  for (std::size_t k = 0; k < raw.samples().size(); ++k) CHECK(overall.samples()[k] == raw.samples()[k] / peak);
  const TSContinuous each =
      filter_signal(three_bands(false), sine(1000, 3200, 0.3), {.normalize = true, .per_channel = true});
  for (std::size_t c = 0; c < 3; ++c) CHECK(max_abs(each.samples(), c, 3) == 1.0);
}

TEST_CASE("filter_signal is the layer run from rest on Rockpool's time base") {
  const TSContinuous x = sine(1000, 160);  // 10 ms: t_stop one dt after the last sample
  const TSContinuous y = filter_signal(three_bands(true), x);
  // Rockpool's time base: t_start + k dt for k = 0 .. duration / dt, both ends included.
  REQUIRE(y.num_samples() == 161);
  REQUIRE(y.num_channels() == 3);
  const Duration dt = ButterFilterBank::Parameters{}.dt;
  for (std::size_t k = 0; k < y.num_samples(); ++k) {
    CHECK(y.times()[k] == Time::zero() + static_cast<std::int64_t>(k) * dt);
  }
  ButterFilterBank bank(three_bands(true));
  bank.start();
  std::vector<double> out(3);
  for (std::size_t k = 0; k < 161; ++k) {
    const double in = x.samples()[std::min<std::size_t>(k, 159)];  // the last sample is held to t_stop
    bank.step(std::span<const double>(&in, 1), out);
    for (std::size_t c = 0; c < 3; ++c) CHECK(y.sample(k, c) == out[c]);
  }
  const TSContinuous two = TSContinuous::from_clocked({1, 2, 3, 4}, 2, dt);
  CHECK_THROWS_AS(filter_signal(three_bands(true), two), DimensionMismatch);
}

TEST_CASE("ButterFilterBank running_mean_subtraction (ours): each output minus the mean so far") {
  auto with = three_bands(true);
  with.running_mean_subtraction = true;
  ButterFilterBank plain(three_bands(true)), centred(with);
  plain.start();
  centred.start();
  const TSContinuous x = sine(1000, 800);
  std::vector<double> sum(3, 0.0), a(3), b(3);
  for (std::size_t k = 0; k < 800; ++k) {
    const double in = x.samples()[k];
    plain.step(std::span<const double>(&in, 1), a);
    centred.step(std::span<const double>(&in, 1), b);
    for (std::size_t c = 0; c < 3; ++c) {
      sum[c] += a[c];
      CHECK(b[c] == doctest::Approx(a[c] - sum[c] / static_cast<double>(k + 1)).epsilon(1e-12).scale(1e-3));
    }
  }
  // Checkpoint: the running mean travels with it.
  StateWriter out;
  centred.save_state(out);
  const std::vector<std::byte> bytes(out.bytes().begin(), out.bytes().end());
  ButterFilterBank restored(with);
  restored.start();
  StateReader in(bytes, "<test>");
  restored.restore_state(in);
  CHECK(in.at_end());
  for (std::size_t k = 0; k < 50; ++k) {
    const double v = std::sin(0.1 * static_cast<double>(k));
    centred.step(std::span<const double>(&v, 1), a);
    restored.step(std::span<const double>(&v, 1), b);
    CHECK(a == b);
  }
}

TEST_CASE("ButterFilter by name: Rockpool's whole-signal options are refused with a pointer, the running one taken") {
  const ModelRegistry models = builtin_models();
  const ModelParams mean({{"frequency", {500}, ""}, {"bandwidth", {100}, ""}, {"mean_subtraction", {1}, ""}});
  try {
    models.build("ButterFilter", {"b", 1, 0, mean, 0});
    FAIL("mean_subtraction accepted on a stream");
  } catch (const InvalidArgument& e) {
    CHECK(e.argument() == "mean_subtraction");
  }
  const ModelParams norm({{"frequency", {500}, ""}, {"bandwidth", {100}, ""}, {"normalize", {1}, ""}});
  CHECK_THROWS_AS(models.build("ButterFilter", {"b", 1, 0, norm, 0}), InvalidArgument);
  const ModelParams off({{"frequency", {500}, ""}, {"bandwidth", {100}, ""}, {"normalize", {0}, ""},
                         {"mean_subtraction", {0}, ""}, {"running_mean_subtraction", {1}, ""}});
  CHECK(models.build("ButterFilter", {"b", 1, 0, off, 0}).node->size_out() == 1);
}
