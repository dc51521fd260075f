// error.hpp: the one error mechanism of rockpool-cpp (internal spelling).
//
// The exception hierarchy is part of the public API, so it lives in the installed header
// include/rockpool/errors.hpp; this header keeps the engine's include path working.
#pragma once

#include "rockpool/errors.hpp"
