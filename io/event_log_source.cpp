#include "io/event_log_source.hpp"

#include "engine/error.hpp"

namespace rockpool {

EventLogSource::EventLogSource(std::string path, Options options)
    : path_(std::move(path)), options_(std::move(options)) {
  reader_ = open_event_reader(path_, options_.reader);
  channels_ = options_.channels ? options_.channels : reader_->info().num_channels;
  if (channels_ == 0) {
    throw FormatError(path_, 0,
                      "the file does not declare its channel count, which the network needs before the run: give "
                      "the input's size");
  }
}

EventLogSource::~EventLogSource() = default;

const EventStreamInfo& EventLogSource::info() const { return reader_->info(); }

std::uint64_t EventLogSource::bytes_read() const { return reader_->bytes_read(); }
std::uint64_t EventLogSource::file_size() const { return reader_->file_size(); }
double EventLogSource::max_rounding_seconds() const { return reader_->max_rounding_seconds(); }

void EventLogSource::start(Time t0) {
  if (reader_used_) reader_ = open_event_reader(path_, options_.reader);
  reader_used_ = true;
  chunk_.reset();
  cursor_ = 0;
  chunk_first_index_ = 0;
  t0_ = t0;
  exhausted_ = false;
  last_time_.reset();
  delivered_ = 0;
  dropped_ = 0;
  seek_valid();
}

void EventLogSource::seek_valid() {
  for (;;) {
    if (!chunk_ || cursor_ == chunk_->times.size()) {
      if (chunk_) chunk_first_index_ += chunk_->times.size();
      chunk_ = reader_->next_chunk();
      cursor_ = 0;
      if (!chunk_) {
        exhausted_ = true;
        return;
      }
      continue;  // a chunk may be empty
    }
    const Time t = chunk_->times[cursor_];
    const Channel c = chunk_->channels[cursor_];
    if (t < t0_) {
      ++cursor_;
      continue;
    }
    if (c >= channels_) {
      if (options_.out_of_range == ChannelPolicy::kDrop) {
        ++dropped_;
        ++cursor_;
        continue;
      }
      throw OutOfRange("input '" + name() + "'",
                       path_ + ": event " + std::to_string(chunk_first_index_ + cursor_) + " (at " +
                           format_seconds(t) + " s) is on channel " + std::to_string(c) + ", but the input has " +
                           std::to_string(channels_) +
                           " channels: give the input a larger size, or drop such events "
                           "(rockpool run/replay --drop-out-of-range)");
    }
    return;
  }
}

std::optional<SourceSpike> EventLogSource::next() {
  if (exhausted_) return std::nullopt;
  const SourceSpike spike{chunk_->times[cursor_], chunk_->channels[cursor_]};
  ++cursor_;
  ++delivered_;
  last_time_ = spike.time;
  seek_valid();  // may read the next chunk, after which the old spans are gone (copied above)
  return spike;
}

std::optional<Time> EventLogSource::end_time() const {
  if (!exhausted_) return std::nullopt;
  const std::optional<Time> recorded = reader_->t_stop();
  Time end = recorded.value_or(last_time_.value_or(t0_));
  if (last_time_ && *last_time_ >= end) end = *last_time_ + Duration::from_ticks(1);
  return std::max(end, t0_);
}

}  // namespace rockpool
