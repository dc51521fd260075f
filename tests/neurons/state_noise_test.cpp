// State noise in LifExpClocked (Rockpool's noise_std convention, neurons/state_noise.hpp).
#include "neurons/lif_exp_clocked.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

using namespace rockpool;

namespace {
std::vector<double> run(LifExpClocked& layer, int steps) {
  std::vector<double> out(layer.size_out());
  for (int k = 0; k < steps; ++k) layer.step(std::vector<double>(layer.size_in(), 0.0), out);
  std::vector<double> v;
  for (NeuronIndex i = 0; i < layer.size_out(); ++i) v.push_back(layer.state(0, i, Time::zero()));
  return v;
}
}  // namespace

TEST_CASE("LifExpClocked state noise: the variance of V follows the discrete OU recursion, draws order-independent") {
  // noise_std sqrt(dt) z joins V at the start of each step and decays with it:
  // V_n = a (V_{n-1} + xi_n), a = e^{-dt/tau_mem}, Var xi = sigma^2 dt, so
  // Var V_n = sigma^2 dt a^2 (1 - a^{2n}) / (1 - a^2).
  LifExp::Parameters p;
  p.tau_mem = 0.02;
  p.threshold = 1e9;
  const std::size_t n = 4000;
  LifExpClocked layer(p, n, milliseconds(1));
  const double sigma = 3.0;
  layer.set_noise(sigma, 21);
  const std::vector<double> v = run(layer, 200);
  const double a = std::exp(-0.001 / 0.02);
  const double expected = sigma * sigma * 0.001 * a * a * (1 - std::pow(a, 400)) / (1 - a * a);
  double mean = 0, var = 0;
  for (double x : v) mean += x;
  mean /= n;
  for (double x : v) var += (x - mean) * (x - mean);
  var /= n - 1;
  CHECK(std::abs(mean) < 5 * std::sqrt(expected / n));
  CHECK(std::abs(var - expected) < 5 * expected * std::sqrt(2.0 / (n - 1)));
  // A smaller layer draws the same noise for the neurons it shares, bit for bit; start()
  // restarts the noise sequence.
  LifExpClocked small(p, 3, milliseconds(1));
  small.set_noise(sigma, 21);
  const std::vector<double> w = run(small, 200);
  for (std::size_t i = 0; i < 3; ++i) CHECK(w[i] == v[i]);
  small.start();
  const std::vector<double> again = run(small, 200);
  CHECK(again == w);
  // Off by default and with noise_std 0.
  LifExpClocked quiet(p, 3, milliseconds(1));
  for (double x : run(quiet, 50)) CHECK(x == 0.0);
  CHECK_THROWS_AS(quiet.set_noise(-1.0, 0), InvalidArgument);
}
