// rockpool.hpp: the whole public API of rockpool-cpp in one include.
//
//   #include <rockpool/rockpool.hpp>
//   rockpool::NetworkBuilder net;  ...;  rockpool::Session session(std::move(net));
//
// Link with `pkg-config --cflags --libs rockpool`. doc/api.md is the guide.
#pragma once

#include "rockpool/checkpoint.hpp"
#include "rockpool/errors.hpp"
#include "rockpool/event_reader.hpp"
#include "rockpool/events.hpp"
#include "rockpool/export.hpp"
#include "rockpool/network_builder.hpp"
#include "rockpool/session.hpp"
#include "rockpool/time.hpp"
#include "rockpool/version.hpp"
