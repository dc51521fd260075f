// event_log_source.hpp: a spike source that streams an event file into a network.
//
// Use it to drive a network from a recording of any readable format (native log, text,
// npz, AEDAT, ...: io/event_stream.hpp) without loading it: the file is read chunk by chunk
// as simulated time reaches its events, so memory stays bounded by one chunk whatever the
// file's size (npz excepted, which is whole-file by nature). The source keeps the one
// pending spike every SpikeSource keeps, plus the rest of the current chunk.
//
//   Network net;
//   NodeId in = net.add("in", std::make_unique<EventLogSource>("recording.aedat"));
//   ...
//   Simulation sim(std::move(net));
//   sim.run_until(t);
//
// Channels: the source has `channels` outputs (default: the channel count the file
// declares; a FormatError if it declares none, since the network needs the size before the
// run). An event on a channel >= that is an OutOfRange error naming the file, the event's
// index and its channel, or, with ChannelPolicy::kDrop, skipped and counted.
//
// Lookahead: the source reads one event ahead, so it knows it has handed out its last event
// as soon as it has (exhausted()); a replay uses that to end at the recording's end without
// running past it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "engine/source.hpp"
#include "io/event_stream.hpp"

namespace rockpool {

// What to do with an event on a channel the input does not have.
enum class ChannelPolicy { kError, kDrop };

struct EventLogSourceOptions {
  EventReaderOptions reader;
  std::size_t channels = 0;  // 0: the file's declared channel count
  ChannelPolicy out_of_range = ChannelPolicy::kError;
};

class EventLogSource final : public SpikeSource {
 public:
  using Options = EventLogSourceOptions;

  // Opens the file (IoError / FormatError as open_event_reader).
  explicit EventLogSource(std::string path, Options options = {});
  ~EventLogSource() override;

  std::string_view type_name() const override { return "EventLogSource"; }
  std::size_t size_out() const override { return channels_; }
  // Rewinds (reopening the file if it has been read from) and skips events before t0.
  void start(Time t0) override;
  std::optional<SourceSpike> next() override;

  const std::string& path() const { return path_; }
  const EventStreamInfo& info() const;
  // True once the last event has been handed out by next() (or the file has none left).
  bool exhausted() const { return exhausted_; }
  // Where the recording ends, once exhausted(): its recorded t_stop, or just past its last
  // event if that is later (so the last event is processed by run_until(end)).
  std::optional<Time> end_time() const;
  std::uint64_t events_delivered() const { return delivered_; }
  std::uint64_t events_dropped() const { return dropped_; }
  // For progress reports: bytes of the file consumed so far, and its size.
  std::uint64_t bytes_read() const;
  std::uint64_t file_size() const;
  // Largest rounding of the file's times to ticks so far (EventReader::max_rounding_seconds).
  double max_rounding_seconds() const;

 private:
  // Moves the cursor to the next event to hand out, reading chunks as needed; sets
  // exhausted_ when there is none.
  void seek_valid();

  std::string path_;
  Options options_;
  std::size_t channels_ = 0;
  std::unique_ptr<EventReader> reader_;
  bool reader_used_ = false;  // next_chunk() was called: start() must reopen
  std::optional<EventChunk> chunk_;
  std::size_t cursor_ = 0;
  std::uint64_t chunk_first_index_ = 0;  // file index of the chunk's first event
  Time t0_;
  bool exhausted_ = false;
  std::optional<Time> last_time_;
  std::uint64_t delivered_ = 0;
  std::uint64_t dropped_ = 0;
};

}  // namespace rockpool
