// address_options.hpp: the command-line options that number a camera's pixels as channels.
//
// `rockpool info` and `rockpool convert` take them for formats whose events are addresses
// (Prophesee EVT 2.0 / 3.0 / DAT: x, y, polarity): `--polarity split|merge|on|off` and
// `--sensor WIDTHxHEIGHT` (default: the file's header), turned into the AddressMapping of
// io/event_stream.hpp.
//
//   AddressOptions address;
//   address.add_to(options);            // before parse_options
//   convert_events(in, out, to, {.address_mapping = address.mapping()});
#pragma once

#include <boost/program_options.hpp>
#include <string>

#include "io/event_stream.hpp"

namespace rockpool::cli {

struct AddressOptions {
  std::string polarity = "split";
  std::string sensor;  // "WIDTHxHEIGHT", empty: from the file

  void add_to(boost::program_options::options_description& options);
  // Throws UsageError for an unknown polarity or a malformed sensor size.
  AddressMapping mapping() const;
};

}  // namespace rockpool::cli
