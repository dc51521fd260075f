// sources.hpp: the concrete input sources — generators and recorded series.
//
// PoissonSource and RegularSource generate spikes from a seed (counter-based RNG: the k-th
// spike is a pure function of (seed, k), so a run split in two equals one run).
// TSEventSource replays a TSEvent; TSContinuousSource feeds a TSContinuous to clocked
// layers. Each source keeps one pending spike in the scheduler at a time.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/random.hpp"
#include "engine/source.hpp"
#include "timeseries/ts_continuous.hpp"
#include "timeseries/ts_event.hpp"

namespace rockpool {

// Independent Poisson spike trains, one per channel, each at `rate_hz` (or per-channel
// rates). Generated as one merged process of the summed rate whose spikes are assigned to
// channels in proportion to their rates — the same law, one pending event. Inter-spike
// intervals are drawn in double seconds and rounded once to ticks.
class PoissonSource final : public SpikeSource {
 public:
  PoissonSource(std::size_t channels, double rate_hz, std::uint64_t seed);
  PoissonSource(std::vector<double> rates_hz, std::uint64_t seed);

  std::string_view type_name() const override { return "PoissonSource"; }
  std::size_t size_out() const override { return rates_.size(); }
  void start(Time t0) override;
  std::optional<SourceSpike> next() override;
  void save_state(StateWriter& out) const override;
  void restore_state(StateReader& in) override;

 private:
  std::vector<double> rates_;
  std::vector<double> cumulative_;  // cumulative rates, for channel choice
  double total_rate_ = 0.0;
  CounterRng rng_;
  std::uint64_t drawn_ = 0;  // spikes drawn so far: the RNG counter
  Time now_;
};

// Every channel fires at t0 + phase + k * period, k = 0, 1, ..., channels in order.
class RegularSource final : public SpikeSource {
 public:
  RegularSource(std::size_t channels, Duration period, Duration phase = Duration::zero());

  std::string_view type_name() const override { return "RegularSource"; }
  std::size_t size_out() const override { return channels_; }
  void start(Time t0) override;
  std::optional<SourceSpike> next() override;
  void save_state(StateWriter& out) const override;
  void restore_state(StateReader& in) override;

 private:
  std::size_t channels_;
  Duration period_;
  Duration phase_;
  Time t0_;
  std::int64_t k_ = 0;
  std::size_t channel_ = 0;
};

// Replays the events of a TSEvent (owned copy), from the first event at or after t0.
class TSEventSource final : public SpikeSource {
 public:
  explicit TSEventSource(TSEvent events);

  std::string_view type_name() const override { return "TSEventSource"; }
  std::size_t size_out() const override { return events_.num_channels(); }
  void start(Time t0) override;
  std::optional<SourceSpike> next() override;
  void save_state(StateWriter& out) const override;
  void restore_state(StateReader& in) override;

 private:
  TSEvent events_;
  std::size_t cursor_ = 0;
};

// A TSContinuous as input to clocked layers, sampled with its own interpolation.
class TSContinuousSource final : public ContinuousSource {
 public:
  explicit TSContinuousSource(TSContinuous series);

  std::string_view type_name() const override { return "TSContinuousSource"; }
  std::size_t size_out() const override { return series_.num_channels(); }
  void sample(Time t, std::span<double> out) const override;
  void save_state(StateWriter& out) const override;
  void restore_state(StateReader& in) override;

 private:
  TSContinuous series_;
};

}  // namespace rockpool
