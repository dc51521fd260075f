// time.hpp: exact simulation time (internal spelling).
//
// Time and Duration are part of the public API, so they live in the installed header
// include/rockpool/time.hpp; this header keeps the engine's include path working.
#pragma once

#include "rockpool/time.hpp"
