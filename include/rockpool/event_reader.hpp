// event_reader.hpp: read recorded events from a file, chunk by chunk, to stream them
// through a session.
//
// Any event format the library reads (the native .rpl log, text `t,channel` files,
// Rockpool's .npz; doc/formats.md) is recognised by its content. Memory stays bounded by
// one chunk for the streamed formats. Errors: IoError (cannot open), FormatError (file and
// byte offset or line).
//
//   rockpool::EventFileReader log("recording.rpl");
//   std::vector<rockpool::InputEvent> chunk;
//   while (log.next(chunk)) { session.push(input, chunk); chunk.clear(); }
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "rockpool/events.hpp"
#include "rockpool/export.hpp"

namespace rockpool {

class ROCKPOOL_API EventFileReader {
 public:
  explicit EventFileReader(const std::string& path);
  ~EventFileReader();
  EventFileReader(const EventFileReader&) = delete;
  EventFileReader& operator=(const EventFileReader&) = delete;

  // The channel count the file declares, or 0 if it does not say.
  std::size_t num_channels() const;
  // Appends the next chunk of events (time order) to `events`; false at the end.
  bool next(std::vector<InputEvent>& events);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rockpool
