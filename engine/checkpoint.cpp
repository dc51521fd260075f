#include "engine/checkpoint.hpp"

#include <zlib.h>

#include <cstdio>
#include <fstream>
#include <iterator>

namespace rockpool {

namespace {

constexpr char kMagic[8] = {'R', 'P', 'C', 'K', 'P', 'T', '\r', '\n'};
constexpr std::size_t kHeaderSize = sizeof(kMagic) + 4 + 8;
constexpr std::size_t kTrailerSize = 4;

std::uint32_t crc32_of(std::span<const std::byte> bytes) {
  // zlib's crc32 takes a uInt length: feed it in pieces so any size works.
  uLong crc = crc32(0L, Z_NULL, 0);
  std::size_t done = 0;
  while (done < bytes.size()) {
    const std::size_t n = std::min<std::size_t>(bytes.size() - done, 1u << 30);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data() + done), static_cast<uInt>(n));
    done += n;
  }
  return static_cast<std::uint32_t>(crc);
}

template <class T>
T read_at(std::span<const std::byte> bytes, std::size_t offset) {
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof(T));
  return value;
}

}  // namespace

std::vector<std::byte> seal_checkpoint(std::span<const std::byte> payload) {
  // Sized once and filled with memcpy (g++ 12 misreports vector<byte>::insert as an overflow).
  std::vector<std::byte> out(kHeaderSize + payload.size() + kTrailerSize);
  const std::uint32_t version = kCheckpointVersion;
  const std::uint64_t length = payload.size();
  const std::uint32_t crc = crc32_of(payload);
  std::byte* p = out.data();
  std::memcpy(p, kMagic, sizeof(kMagic));
  std::memcpy(p + sizeof(kMagic), &version, sizeof(version));
  std::memcpy(p + sizeof(kMagic) + 4, &length, sizeof(length));
  if (!payload.empty()) std::memcpy(p + kHeaderSize, payload.data(), payload.size());
  std::memcpy(p + kHeaderSize + payload.size(), &crc, sizeof(crc));
  return out;
}

std::vector<std::byte> open_checkpoint(std::span<const std::byte> sealed, const std::string& where) {
  if (sealed.size() < kHeaderSize + kTrailerSize ||
      std::memcmp(sealed.data(), kMagic, sizeof(kMagic)) != 0) {
    throw CheckpointError(where, "not a rockpool checkpoint (no RPCKPT magic at offset 0)");
  }
  const auto version = read_at<std::uint32_t>(sealed, sizeof(kMagic));
  if (version != kCheckpointVersion) {
    throw CheckpointError(where, "format version " + std::to_string(version) + ", this build reads version " +
                                     std::to_string(kCheckpointVersion));
  }
  const auto length = read_at<std::uint64_t>(sealed, sizeof(kMagic) + 4);
  if (length != sealed.size() - kHeaderSize - kTrailerSize) {
    throw CheckpointError(where, "payload length " + std::to_string(length) + " but the file holds " +
                                     std::to_string(sealed.size() - kHeaderSize - kTrailerSize) +
                                     " bytes of payload (truncated?)");
  }
  const auto payload = sealed.subspan(kHeaderSize, length);
  const auto stored = read_at<std::uint32_t>(sealed, kHeaderSize + length);
  if (stored != crc32_of(payload)) throw CheckpointError(where, "CRC-32 mismatch: the checkpoint is corrupt");
  return {payload.begin(), payload.end()};
}

void write_checkpoint_file(const std::string& path, std::span<const std::byte> payload) {
  const auto sealed = seal_checkpoint(payload);
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw IoError(tmp, "cannot open for writing");
    out.write(reinterpret_cast<const char*>(sealed.data()), static_cast<std::streamsize>(sealed.size()));
    out.flush();
    if (!out) throw IoError(tmp, "write failed");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) throw IoError(path, "cannot rename " + tmp + " to it");
}

std::vector<std::byte> read_checkpoint_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path, "cannot open for reading");
  std::vector<char> raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw IoError(path, "read failed");
  const auto* p = reinterpret_cast<const std::byte*>(raw.data());
  return open_checkpoint(std::span<const std::byte>(p, raw.size()), path);
}

}  // namespace rockpool
