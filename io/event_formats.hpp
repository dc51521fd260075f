// event_formats.hpp: the table of event file formats behind io/event_stream.hpp (internal).
//
// Each format contributes one EventFormat row: its names, how to recognise its first bytes,
// and how to open a reader or create a writer (null when it cannot). io/event_file.cpp
// holds the table, in sniffing order; a new format defines its row in its own .cpp (say
// io/aedat.cpp: `const EventFormat& aedat31_event_format()`), declares it below, and adds
// it to the table. Text has no magic and is tried last.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "io/event_stream.hpp"

namespace rockpool {

struct EventFormat {
  EventFileFormat format;
  std::string_view name;        // as printed and accepted by --format: "native"
  std::string_view aliases;     // further accepted names, space separated: "rpl"
  std::string_view extensions;  // lower-case, space separated, for output files: ".rpl"
  // True when `head` (the first up to 4096 bytes of `path`) is this format; may look at
  // the file further (npz reads the ZIP directory). Throws FormatError for a file that is
  // recognisably this family but unusable (a ZIP that is not a time series).
  bool (*sniff)(std::string_view head, const std::string& path) = nullptr;
  std::unique_ptr<EventReader> (*open)(const std::string& path, const EventReaderOptions& options) = nullptr;
  // Writes to `temp_path` and renames it over `path` in close().
  std::unique_ptr<EventWriter> (*create)(const std::string& path, const EventStreamInfo& info,
                                         const std::string& temp_path) = nullptr;
};

// The usual `open` and `create` entries: construct the format's reader or writer.
template <class Reader>
std::unique_ptr<EventReader> open_as(const std::string& path, const EventReaderOptions& options) {
  return std::make_unique<Reader>(path, options);
}
template <class Writer>
std::unique_ptr<EventWriter> create_as(const std::string& path, const EventStreamInfo& info,
                                       const std::string& temp_path) {
  return std::make_unique<Writer>(path, info, temp_path);
}

const EventFormat& native_event_format();
const EventFormat& text_event_format();
const EventFormat& npz_event_format();
const EventFormat& evt2_event_format();  // io/prophesee.cpp
const EventFormat& evt3_event_format();
const EventFormat& dat_event_format();
const EventFormat& aedat2_event_format();  // io/aedat2.cpp
const EventFormat& aedat3_event_format();  // io/aedat3.cpp
const EventFormat& aedat4_event_format();  // io/aedat4.cpp (also refuses other AEDAT versions)

// The table, in sniffing order (text last).
std::span<const EventFormat* const> event_formats();
const EventFormat& event_format(EventFileFormat format);

// A fresh name next to `path` for its temporary file: `path.tmp-<pid>-<n>`.
std::string make_temp_next_to(const std::string& path);
// Renames `tmp` over `path`, or throws IoError naming both.
void rename_into_place(const std::string& tmp, const std::string& path);

}  // namespace rockpool
