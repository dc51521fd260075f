// address_options.hpp: the command-line options that say how address-event files (camera
// pixels, DynapSE neurons) become channels, shared by every command that reads events.
//
// A command adds them to its options and turns the parsed values into reader options:
//
//   AddressOptions address;
//   add_address_options(options, address);      // --polarity, --sensor, --chip-profile, ...
//   parse_options(args, usage, options, positional, vm);
//   auto reader = open_event_reader(file, address.reader_options());
//
// The mapping itself is io/event_stream.hpp's AddressMapping; doc/formats.md explains it.
#pragma once

#include <boost/program_options.hpp>
#include <string>

#include "io/event_stream.hpp"

namespace rockpool::cli {

struct AddressOptions {
  std::string polarity = "split";
  std::string sensor;        // "WxH", empty: the file's header
  std::string chip_profile;  // "dvs128" or "davis", empty: the file's header
  std::uint32_t cores_per_chip = 4;
  std::uint32_t neurons_per_core = 256;

  // The parsed values as reader options; UsageError for a malformed value.
  EventReaderOptions reader_options() const;
};

void add_address_options(boost::program_options::options_description& options, AddressOptions& values);

}  // namespace rockpool::cli
