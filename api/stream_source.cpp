#include "api/stream_source.hpp"

#include <algorithm>

#include "engine/checkpoint.hpp"

namespace rockpool {

StreamSource::StreamSource(std::size_t channels) : channels_(channels) {
  if (channels == 0) throw InvalidArgument("channels", "a spike input needs at least one channel");
}

std::optional<SourceSpike> StreamSource::next() {
  if (waiting_.empty()) return std::nullopt;
  const SourceSpike s = waiting_.front();
  waiting_.pop_front();
  return s;
}

void StreamSource::save_state(StateWriter& out) const {
  out.put<std::uint64_t>(waiting_.size());
  for (const SourceSpike& s : waiting_) {
    out.put(s.time);
    out.put(s.channel);
  }
}

void StreamSource::restore_state(StateReader& in) {
  waiting_.clear();
  const auto n = in.get<std::uint64_t>("StreamSource waiting events");
  for (std::uint64_t k = 0; k < n; ++k) {
    const Time t = in.get<Time>("StreamSource event time");
    const auto c = in.get<NeuronIndex>("StreamSource event channel");
    if (c >= channels_) in.fail("StreamSource channel " + std::to_string(c) + " out of range");
    waiting_.push_back({t, c});
  }
}

StreamContinuousSource::StreamContinuousSource(std::size_t channels) : held_(channels, 0.0) {
  if (channels == 0) throw InvalidArgument("channels", "a continuous input needs at least one channel");
}

void StreamContinuousSource::sample(Time t, std::span<double> out) const {
  std::copy(held_.begin(), held_.end(), out.begin());
  for (const Change& c : changes_) {
    if (c.time > t) break;
    out[c.channel] = c.value;
  }
}

void StreamContinuousSource::fold_until(Time t) {
  while (!changes_.empty() && changes_.front().time <= t) {
    held_[changes_.front().channel] = changes_.front().value;
    changes_.pop_front();
  }
}

void StreamContinuousSource::save_state(StateWriter& out) const {
  out.put_array(held_);
  out.put<std::uint64_t>(changes_.size());
  for (const Change& c : changes_) {
    out.put(c.time);
    out.put(c.channel);
    out.put(c.value);
  }
}

void StreamContinuousSource::restore_state(StateReader& in) {
  in.get_exact(held_, "StreamContinuousSource held values");
  changes_.clear();
  const auto n = in.get<std::uint64_t>("StreamContinuousSource changes");
  for (std::uint64_t k = 0; k < n; ++k) {
    Change c;
    c.time = in.get<Time>("change time");
    c.channel = in.get<NeuronIndex>("change channel");
    c.value = in.get<double>("change value");
    if (c.channel >= held_.size()) in.fail("StreamContinuousSource channel out of range");
    changes_.push_back(c);
  }
}

}  // namespace rockpool
