#include "rockpool/event_reader.hpp"

#include "io/event_stream.hpp"

namespace rockpool {

struct EventFileReader::Impl {
  std::unique_ptr<EventReader> reader;
};

EventFileReader::EventFileReader(const std::string& path) : impl_(std::make_unique<Impl>()) {
  impl_->reader = open_event_reader(path);
}

EventFileReader::~EventFileReader() = default;

std::size_t EventFileReader::num_channels() const { return impl_->reader->info().num_channels; }

bool EventFileReader::next(std::vector<InputEvent>& events) {
  const auto chunk = impl_->reader->next_chunk();
  if (!chunk) return false;
  events.reserve(events.size() + chunk->times.size());
  for (std::size_t k = 0; k < chunk->times.size(); ++k) events.push_back({chunk->times[k], chunk->channels[k]});
  return true;
}

}  // namespace rockpool
