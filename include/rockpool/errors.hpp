// errors.hpp: the one error mechanism of rockpool-cpp (public; engine/error.hpp includes it).
//
// Bad input (arguments, files, configs, links) throws rockpool::Error or one of the
// named subclasses below. Every message says what is wrong and where: the argument
// name, the index, the file and offset, the time. Input is checked once, at the edge
// (constructors, readers, the command line); hot loops never check. A broken internal
// invariant is a bug and is asserted, not thrown.
//
//   if (t[i] < t[i - 1])
//     throw InvalidArgument("times", "not sorted at index " + std::to_string(i));
//
// The CLI catches Error, prints what() and exits with code 1 (2 for UsageError).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "rockpool/export.hpp"

namespace rockpool {

// Base of every error we throw on purpose.
class ROCKPOOL_API Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// A function argument or constructor input is invalid. `argument` names it.
class ROCKPOOL_API InvalidArgument : public Error {
 public:
  InvalidArgument(std::string_view argument, std::string_view problem)
      : Error(std::string(argument) + ": " + std::string(problem)), argument_(argument) {}
  const std::string& argument() const { return argument_; }

 private:
  std::string argument_;
};

// Two inputs that must agree in size (samples vs times, weights vs populations) do not.
class ROCKPOOL_API DimensionMismatch : public InvalidArgument {
 public:
  using InvalidArgument::InvalidArgument;
};

// An index, channel or time lies outside the valid range.
class ROCKPOOL_API OutOfRange : public InvalidArgument {
 public:
  using InvalidArgument::InvalidArgument;
};

// Integer time arithmetic would leave the int64 tick range: reported, never wrapped.
class ROCKPOOL_API TimeOverflow : public Error {
 public:
  explicit TimeOverflow(std::string_view operation)
      : Error("time overflow in " + std::string(operation) +
              ": the result lies outside the int64 tick range (about +-32 years)") {}
};

// A file or stream is malformed. Carries the file and the byte offset or record number.
class ROCKPOOL_API FormatError : public Error {
 public:
  FormatError(std::string_view file, std::uint64_t position, std::string_view problem)
      : Error(std::string(file) + ":" + std::to_string(position) + ": " + std::string(problem)),
        file_(file),
        position_(position) {}
  const std::string& file() const { return file_; }
  std::uint64_t position() const { return position_; }

 private:
  std::string file_;
  std::uint64_t position_;
};

// A config file (io/network_config.hpp) is malformed or describes a network that cannot be
// built. Carries the file and the 1-based line and column of the offending entry (0 when
// unknown): "net.pbtxt:12:5: unknown model 'LIF'", as compilers print them.
class ROCKPOOL_API ConfigError : public Error {
 public:
  ConfigError(std::string_view file, std::size_t line, std::size_t column, std::string_view problem)
      : Error(std::string(file) + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " +
              std::string(problem)),
        file_(file),
        line_(line),
        column_(column) {}
  const std::string& file() const { return file_; }
  std::size_t line() const { return line_; }
  std::size_t column() const { return column_; }

 private:
  std::string file_;
  std::size_t line_;
  std::size_t column_;
};

// Reading or writing a file failed at the operating-system level.
class ROCKPOOL_API IoError : public Error {
 public:
  IoError(std::string_view file, std::string_view problem)
      : Error(std::string(file) + ": " + std::string(problem)) {}
};

// A network cannot be built or run as described (wrong sizes, zero-delay cycles, ...).
class ROCKPOOL_API NetworkError : public Error {
 public:
  using Error::Error;
};

// The command line is malformed. The CLI exits with code 2 for this one.
class ROCKPOOL_API UsageError : public Error {
 public:
  using Error::Error;
};

// Times went backwards where they must not: an event pushed into a session before one
// already pushed, or before the session's simulated time. Names the input and both times.
class TimeOrderError : public InvalidArgument {
 public:
  using InvalidArgument::InvalidArgument;
};

// A bounded queue of a session is full and the session was told to report it rather than
// wait (SessionOptions::overflow). Nothing was dropped: the event that did not fit was
// refused (input) or kept beyond the bound (output), and the caller is told here.
class QueueOverflow : public Error {
 public:
  using Error::Error;
};

// A checkpoint cannot be written or restored: a node that does not support checkpoints, a
// corrupt or truncated file (bad magic, CRC mismatch), an unknown format version, or a
// checkpoint of a different network. Names the file (or "<memory>") and the problem.
class CheckpointError : public Error {
 public:
  CheckpointError(std::string_view where, std::string_view problem)
      : Error("checkpoint " + std::string(where) + ": " + std::string(problem)) {}
};

}  // namespace rockpool
