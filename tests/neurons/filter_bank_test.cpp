#include "neurons/filter_bank.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "engine/simulation.hpp"
#include "engine/sources.hpp"

using namespace rockpool;

namespace {

constexpr double kPi = std::numbers::pi;

// The Butterworth band-pass magnitude, analytically: the analog response
// 1 / sqrt(1 + ((W^2 - w0^2) / (B W))^{2N}) at the frequency the bilinear transform maps f
// to, W = 2 fs tan(pi f / fs), with the band edges pre-warped the same way.
double analytic_magnitude(double f, FilterBand band, int order, double fs) {
  auto warp = [&](double x) { return 2 * fs * std::tan(kPi * x / fs); };
  const double w1 = warp(band.low), w2 = warp(band.high), w = warp(f);
  const double x = (w * w - w1 * w2) / ((w2 - w1) * w);
  return 1 / std::sqrt(1 + std::pow(x * x, order));
}

double bank_magnitude(const ButterFilterBank& bank, std::size_t c, double f) {
  std::complex<double> h = 1.0;
  for (const Biquad& q : bank.band_sections(c)) h *= q.response(2 * kPi * f / bank.fs());
  return std::abs(h);
}

ButterFilterBank::Parameters band_only(std::vector<FilterBand> bands, int order) {
  ButterFilterBank::Parameters p;
  p.bands = std::move(bands);
  p.order = order;
  p.envelope = false;
  return p;
}

// The amplitude of the steady-state response to sin(2 pi f t) of unit amplitude, fitted
// over the last `fit` samples of `steps`.
double steady_amplitude(ButterFilterBank& bank, std::size_t c, double f, int steps, int fit) {
  bank.start();
  std::vector<double> out(bank.size_out());
  double ss = 0, sc = 0, s2 = 0, c2 = 0;
  const double dt = 1 / bank.fs();
  for (int k = 0; k < steps; ++k) {
    const double in = std::sin(2 * kPi * f * k * dt);
    bank.step(std::span(&in, 1), out);
    if (k >= steps - fit) {
      const double s = std::sin(2 * kPi * f * k * dt), co = std::cos(2 * kPi * f * k * dt);
      ss += out[c] * s;
      sc += out[c] * co;
      s2 += s * s;
      c2 += co * co;
    }
  }
  return std::hypot(ss / s2, sc / c2);
}

}  // namespace

TEST_CASE("ButterFilterBank: designed sections follow the analytic Butterworth magnitude") {
  const std::vector<FilterBand> bands = {{300, 500}, {1000, 1400}, {3000, 6000}, {40, 60}};
  for (int order : {1, 2, 3, 4, 6}) {
    ButterFilterBank bank(band_only(bands, order));
    CHECK(bank.fs() == 16000.0);
    for (std::size_t c = 0; c < bands.size(); ++c) {
      CAPTURE(order);
      CAPTURE(c);
      const FilterBand b = bands[c];
      const double centre = std::atan(std::sqrt(std::tan(kPi * b.low / 16000) * std::tan(kPi * b.high / 16000))) *
                            16000 / kPi;
      CHECK(bank_magnitude(bank, c, centre) == doctest::Approx(1.0).epsilon(1e-10));
      CHECK(bank_magnitude(bank, c, b.low) == doctest::Approx(1 / std::sqrt(2.0)).epsilon(1e-10));   // -3 dB
      CHECK(bank_magnitude(bank, c, b.high) == doctest::Approx(1 / std::sqrt(2.0)).epsilon(1e-10));  // -3 dB
      for (double f = 10; f < 8000; f *= 1.13) {
        CHECK(bank_magnitude(bank, c, f) == doctest::Approx(analytic_magnitude(f, b, order, 16000)).epsilon(1e-9).scale(1e-12));
      }
    }
  }
}

TEST_CASE("ButterFilterBank: every pole lies inside the unit circle; the impulse response dies out") {
  // Narrow, high-order, near 0 and near Nyquist: the hard cases for stability.
  const std::vector<FilterBand> bands = {{20, 22}, {7800, 7900}, {1000, 1010}};
  ButterFilterBank bank(band_only(bands, 8));
  for (std::size_t c = 0; c < bands.size(); ++c) {
    for (const Biquad& q : bank.band_sections(c)) {
      // Poles of z^2 + a1 z + a2 inside the unit circle <=> |a2| < 1 and |a1| < 1 + a2.
      CHECK(std::abs(q.a2) < 1.0);
      CHECK(std::abs(q.a1) < 1.0 + q.a2);
    }
  }
  std::vector<double> out(3);
  double early_energy = 0, late_energy = 0, peak = 0;
  const int steps = 16000 * 10;  // 10 s; the 20 Hz band's time constant is ~ 1/(pi 2 Hz)
  for (int k = 0; k < steps; ++k) {
    const double in = k == 0 ? 1.0 : 0.0;
    bank.step(std::span(&in, 1), out);
    for (double y : out) peak = std::max(peak, std::abs(y));
    for (double y : out) (k < 16000 ? early_energy : late_energy) += k < 16000 || k >= steps - 16000 ? y * y : 0.0;
  }
  CHECK(peak > 1e-4);
  // The slowest pole of the 2 Hz wide, 8th-order band decays at ~ sin(pi/16) 2 pi 1 Hz =
  // 1.2 /s: over 9 s the energy falls by ~ e^{-22}, far below 1e-6.
  CHECK(late_energy < 1e-6 * early_energy);
}

TEST_CASE("ButterFilterBank: sinusoids pass with gain 1 at the centre and 1/sqrt(2) at the edges") {
  const FilterBand band{800, 1200};
  ButterFilterBank bank(band_only({band}, 4));
  const double centre = std::atan(std::sqrt(std::tan(kPi * 800 / 16000) * std::tan(kPi * 1200 / 16000))) * 16000 / kPi;
  CHECK(steady_amplitude(bank, 0, centre, 16000, 8000) == doctest::Approx(1.0).epsilon(2e-3));
  CHECK(steady_amplitude(bank, 0, 800, 16000, 8000) == doctest::Approx(1 / std::sqrt(2.0)).epsilon(2e-3));
  CHECK(steady_amplitude(bank, 0, 1200, 16000, 8000) == doctest::Approx(1 / std::sqrt(2.0)).epsilon(2e-3));
  CHECK(steady_amplitude(bank, 0, 3000, 16000, 8000) < analytic_magnitude(3000, band, 4, 16000) * 1.01 + 1e-6);
}

TEST_CASE("ButterFilterBank envelope: |y| low-passed gives the mean of a rectified sine, 2/pi") {
  ButterFilterBank::Parameters p;
  p.bands = {{800, 1200}};
  p.order = 2;
  ButterFilterBank bank(p);
  // The low-pass itself: gain 1 at DC, -3 dB at cutoff_fs.
  std::complex<double> dc = 1.0, edge = 1.0;
  for (const Biquad& q : bank.lowpass_sections()) {
    dc *= q.response(0.0);
    edge *= q.response(2 * kPi * 100 / 16000);
  }
  CHECK(std::abs(dc) == doctest::Approx(1.0).epsilon(1e-12));
  CHECK(std::abs(edge) == doctest::Approx(1 / std::sqrt(2.0)).epsilon(1e-10));
  const double centre = std::atan(std::sqrt(std::tan(kPi * 800 / 16000) * std::tan(kPi * 1200 / 16000))) * 16000 / kPi;
  std::vector<double> out(1);
  double mean = 0;
  for (int k = 0; k < 16000; ++k) {
    const double in = 0.5 * std::sin(2 * kPi * centre * k / 16000);
    bank.step(std::span(&in, 1), out);
    if (k >= 8000) mean += out[0] / 8000;
  }
  CHECK(mean == doctest::Approx(0.5 * 2 / kPi).epsilon(5e-3));
}

TEST_CASE("ButterFilterBank band placement: Rockpool's mel and centre/width rules") {
  // ButterMelFilter, by hand for 4 filters at 16 kHz from 100 Hz, width 2: bands of
  // relative width 1/2, lower edges evenly spaced in mel from 100 Hz up to the edge whose
  // band ends 1 Hz below Nyquist... (nyquist / 1.5 - 1).
  const auto mel = ButterFilterBank::mel_bands(16000, 4, 100, 2.0);
  REQUIRE(mel.size() == 4);
  auto to_mel = [](double f) { return 2595 * std::log10(1 + f / 700); };
  CHECK(mel[0].low == doctest::Approx(100.0).epsilon(1e-12));
  CHECK(mel[3].low == doctest::Approx(8000 / 1.5 - 1).epsilon(1e-12));
  const double step = (to_mel(8000 / 1.5 - 1) - to_mel(100)) / 3;
  for (std::size_t c = 0; c < 4; ++c) {
    CHECK(to_mel(mel[c].low) == doctest::Approx(to_mel(100) + static_cast<double>(c) * step).epsilon(1e-12));
    CHECK(mel[c].high == doctest::Approx(mel[c].low * 1.5).epsilon(1e-15));
  }
  CHECK_THROWS_AS(ButterFilterBank::mel_bands(1000, 4, 400, 2.0), InvalidArgument);
  const std::vector<double> f = {500, 1000}, bw = {100};
  const auto bands = ButterFilterBank::butter_bands(f, bw);
  CHECK(bands[1].low == 950);
  CHECK(bands[1].high == 1050);
}

TEST_CASE("ButterFilterBank in a Simulation: a continuous source feeds 64 mel channels") {
  ButterFilterBank::Parameters p;
  p.bands = ButterFilterBank::mel_bands(16000, 64);
  Network net;
  // A 1 kHz tone sampled at 16 kHz, as a linear-interpolated series.
  std::vector<Time> times;
  std::vector<double> samples;
  for (int k = 0; k <= 1600; ++k) {
    times.push_back(Time::zero() + k * p.dt);
    samples.push_back(std::sin(2 * kPi * 1000 * k / 16000.0));
  }
  const NodeId src = net.add("tone", std::make_unique<TSContinuousSource>(TSContinuous(times, samples, 1)));
  const NodeId bank = net.add("bank", std::make_unique<ButterFilterBank>(p));
  net.connect(src, bank, Projection::one_to_one(1, 1.0, Duration::zero()));
  Simulation sim(std::move(net));
  StateRecorder& y = sim.record_state(bank, "y", {}, std::vector<Time>{Time::from_seconds(0.099)});
  sim.run_until(Time::from_seconds(0.1));
  // The channel whose band holds 1 kHz has the largest envelope.
  std::size_t best = 0;
  for (std::size_t c = 0; c < 64; ++c) {
    if (y.samples()[c] > y.samples()[best]) best = c;
  }
  CHECK(p.bands[best].low < 1000);
  CHECK(p.bands[best].high > 1000);
  CHECK(y.samples()[best] > 0.3);
}

TEST_CASE("ButterFilterBank rejects bad parameters by name") {
  auto rejects = [](auto edit, const char* name) {
    ButterFilterBank::Parameters p;
    p.bands = {{100, 200}};
    edit(p);
    try {
      ButterFilterBank bank(p);
      FAIL("accepted bad " << name);
    } catch (const InvalidArgument& e) {
      CHECK(e.argument() == name);
    }
  };
  rejects([](auto& p) { p.order = 0; }, "order");
  rejects([](auto& p) { p.bands = {}; }, "bands");
  rejects([](auto& p) { p.bands = {{200, 100}}; }, "bands");
  rejects([](auto& p) { p.bands = {{100, 9000}}; }, "bands");  // above fs / 2 = 8 kHz
  rejects([](auto& p) { p.bands = {{0, 100}}; }, "bands");
  rejects([](auto& p) { p.dt = Duration::zero(); }, "dt");
  rejects([](auto& p) { p.cutoff_fs = 8000; }, "cutoff_fs");
  const std::vector<double> f = {500, 1000}, bw = {100, 100, 100};
  CHECK_THROWS_AS(ButterFilterBank::butter_bands(f, bw), DimensionMismatch);
}
