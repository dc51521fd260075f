// checkpoint.hpp: the bytes of a checkpoint — a writer and a reader for node and engine state,
// and the file envelope (magic, version, CRC) around them.
//
// A checkpoint holds everything that changes while a simulation runs: each node's state
// (Node::save_state), the scheduler's pending events with their sequence numbers (in-flight
// delayed spikes included), the populations' due times, the clocked layers' bins and tick
// counters, the sources' RNG counters and cursors, and the time. Parameters, weights and
// delays are not in it: a checkpoint is restored into a freshly built identical network,
// which is checked by a fingerprint of the network's structure (names, types, sizes,
// projections), so restoring into a different network is a CheckpointError, not garbage.
//
// StateWriter/StateReader are a plain byte stream (native byte order: little-endian on our
// targets) of fixed-width values and length-prefixed arrays; the reader checks every
// length, so a truncated or mismatched state is a CheckpointError naming what was being
// read, never an overrun.
//
//   void LifExp::save_state(StateWriter& out) const { out.put(t_ref_); out.put_array(m_tilde_); ... }
//   void LifExp::restore_state(StateReader& in) { t_ref_ = in.get<std::int64_t>(); in.get_array(m_tilde_, "m_tilde"); ... }
//
// The file (write_checkpoint_file / read_checkpoint_file): "RPCKPT\r\n" magic, u32 format
// version, u64 payload length, the payload, u32 CRC-32 of the payload. Written to
// <path>.tmp and renamed, so a crash never leaves a half-written checkpoint under the name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "engine/error.hpp"

namespace rockpool {

inline constexpr std::uint32_t kCheckpointVersion = 1;

class StateWriter {
 public:
  template <class T>
    requires std::is_trivially_copyable_v<T>
  void put(const T& value) {
    const auto* p = reinterpret_cast<const std::byte*>(&value);
    bytes_.insert(bytes_.end(), p, p + sizeof(T));
  }
  // A length (u64) and the elements.
  template <class T>
    requires std::is_trivially_copyable_v<T>
  void put_array(std::span<const T> values) {
    put<std::uint64_t>(values.size());
    if (values.empty()) return;
    const auto* p = reinterpret_cast<const std::byte*>(values.data());
    bytes_.insert(bytes_.end(), p, p + values.size_bytes());
  }
  template <class T>
  void put_array(const std::vector<T>& values) { put_array(std::span<const T>(values)); }
  void put_string(std::string_view s) { put_array(std::span<const char>(s.data(), s.size())); }

  std::span<const std::byte> bytes() const { return bytes_; }
  std::vector<std::byte> take() && { return std::move(bytes_); }

 private:
  std::vector<std::byte> bytes_;
};

class StateReader {
 public:
  // `where` names the source in errors: a file name or "<memory>".
  StateReader(std::span<const std::byte> bytes, std::string where) : bytes_(bytes), where_(std::move(where)) {}

  template <class T>
    requires std::is_trivially_copyable_v<T>
  T get(std::string_view what = "value") {
    need(sizeof(T), what);
    T value;
    std::memcpy(&value, bytes_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return value;
  }
  // Reads an array of any length into `values` (resized).
  template <class T>
    requires std::is_trivially_copyable_v<T>
  void get_array(std::vector<T>& values, std::string_view what) {
    const auto n = get<std::uint64_t>(what);
    if (n > (bytes_.size() - pos_) / (sizeof(T) == 0 ? 1 : sizeof(T))) {
      fail(std::string(what) + ": length " + std::to_string(n) + " runs past the end");
    }
    values.resize(n);
    if (n > 0) std::memcpy(values.data(), bytes_.data() + pos_, n * sizeof(T));
    pos_ += n * sizeof(T);
  }
  // Reads an array that must have exactly values.size() elements, in place (no
  // reallocation: spans into `values` held elsewhere stay valid).
  template <class T>
    requires std::is_trivially_copyable_v<T>
  void get_exact(std::span<T> values, std::string_view what) {
    const auto n = get<std::uint64_t>(what);
    if (n != values.size()) {
      fail(std::string(what) + ": " + std::to_string(n) + " values saved, " + std::to_string(values.size()) +
           " expected (a different network?)");
    }
    need(n * sizeof(T), what);
    if (n > 0) std::memcpy(values.data(), bytes_.data() + pos_, n * sizeof(T));
    pos_ += n * sizeof(T);
  }
  template <class T>
  void get_exact(std::vector<T>& values, std::string_view what) { get_exact(std::span<T>(values), what); }
  std::string get_string(std::string_view what) {
    std::vector<char> chars;
    get_array(chars, what);
    return std::string(chars.begin(), chars.end());
  }

  bool at_end() const { return pos_ == bytes_.size(); }
  std::size_t position() const { return pos_; }
  const std::string& where() const { return where_; }
  [[noreturn]] void fail(const std::string& problem) const {
    throw CheckpointError(where_, problem + " (at payload byte " + std::to_string(pos_) + ")");
  }

 private:
  void need(std::size_t n, std::string_view what) const {
    if (n > bytes_.size() - pos_) fail("truncated while reading " + std::string(what));
  }
  std::span<const std::byte> bytes_;
  std::size_t pos_ = 0;
  std::string where_;
};

// The envelope: magic, version, length, payload, CRC-32.
std::vector<std::byte> seal_checkpoint(std::span<const std::byte> payload);
// Checks the envelope and returns the payload. CheckpointError naming `where` for a wrong
// magic (not a checkpoint), an unknown version, a wrong length or a CRC mismatch.
std::vector<std::byte> open_checkpoint(std::span<const std::byte> sealed, const std::string& where);
// Seals `payload` into <path>.tmp, then renames it to `path` (IoError on failure).
void write_checkpoint_file(const std::string& path, std::span<const std::byte> payload);
// Reads and opens a checkpoint file (IoError if unreadable, CheckpointError if not valid).
std::vector<std::byte> read_checkpoint_file(const std::string& path);

}  // namespace rockpool
