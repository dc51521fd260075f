// export.hpp: ROCKPOOL_API marks what the shared library exports.
//
// The library is built with -fvisibility=hidden, so only declarations marked ROCKPOOL_API
// (the public API under include/rockpool/) are visible to programs that link it; the
// engine, models and io stay internal. Exception classes are marked too, so that their
// type information is shared and a `catch (const rockpool::Error&)` in the application
// matches what the library throws.
//
//   class ROCKPOOL_API Session { ... };
#pragma once

#if defined(_WIN32)
#define ROCKPOOL_API
#else
#define ROCKPOOL_API __attribute__((visibility("default")))
#endif
