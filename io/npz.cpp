// npz.cpp: three layers, bottom up.
//   1. ZIP: the central directory (end record, ZIP64 end record when present) and member
//      data, stored or raw deflate (zlib inflate), every CRC-32 checked (zlib crc32).
//   2. NPY: the `.npy` header (magic, version 1/2/3, a Python dict literal with descr,
//      fortran_order, shape) and typed access to the data that follows.
//   3. Rockpool: which members a TSEvent / TSContinuous has, what they must hold, and the
//      conversion of float seconds to ticks (rounded once, largest rounding reported).
// The writer goes top down with the same layouts; doc/formats.md has them byte by byte.
#include "io/npz.hpp"

#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <span>
#include <string_view>

namespace rockpool {
namespace {

using u128 = unsigned __int128;

constexpr std::uint32_t kLocalSig = 0x04034b50;
constexpr std::uint32_t kCentralSig = 0x02014b50;
constexpr std::uint32_t kEndSig = 0x06054b50;
constexpr std::uint32_t kZip64EndSig = 0x06064b50;
constexpr std::uint32_t kZip64LocatorSig = 0x07064b50;
constexpr std::size_t kLocalSize = 30, kCentralSize = 46, kEndSize = 22, kZip64EndSize = 56, kLocatorSize = 20;
constexpr std::size_t kMaxComment = 65535;
// Deflate cannot expand more than 1032:1 (zlib's technical details: a 258-byte match costs
// at least 2 bits), so a member claiming more is corrupt, whatever it holds.
constexpr std::uint64_t kMaxDeflateRatio = 1032;
// numpy itself refuses headers above 10000 bytes by default; 64 KiB leaves room and still
// refuses absurd lengths before anything is parsed.
constexpr std::uint64_t kMaxNpyHeader = 65536;

std::uint64_t get_le(std::string_view bytes, std::size_t at, int width) {
  assert(at + static_cast<std::size_t>(width) <= bytes.size());
  std::uint64_t v = 0;
  for (int k = width - 1; k >= 0; --k) v = (v << 8) | static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(k)]);
  return v;
}
std::uint16_t get16(std::string_view b, std::size_t at) { return static_cast<std::uint16_t>(get_le(b, at, 2)); }
std::uint32_t get32(std::string_view b, std::size_t at) { return static_cast<std::uint32_t>(get_le(b, at, 4)); }
std::uint64_t get64(std::string_view b, std::size_t at) { return get_le(b, at, 8); }

void put_le(std::string& out, std::uint64_t v, int width) {
  for (int k = 0; k < width; ++k) out.push_back(static_cast<char>((v >> (8 * k)) & 0xFF));
}

std::string hex32(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08X", v);
  return buf;
}

// zlib's crc32 over any length (its length argument is a uInt).
std::uint32_t zlib_crc(std::string_view bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  while (!bytes.empty()) {
    const std::size_t n = std::min<std::size_t>(bytes.size(), 1u << 30);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(n));
    bytes.remove_prefix(n);
  }
  return static_cast<std::uint32_t>(crc);
}

// ---------------------------------------------------------------------------------------
// Layer 1: ZIP.

class InputFile {
 public:
  explicit InputFile(const std::string& path) : path_(path), in_(path, std::ios::binary) {
    if (!in_) throw IoError(path, "cannot open for reading");
    in_.seekg(0, std::ios::end);
    const auto end = in_.tellg();
    if (end < 0) throw IoError(path, "cannot tell the file size");
    size_ = static_cast<std::uint64_t>(end);
  }
  std::uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }
  // Exactly n bytes at `offset`; the caller has checked that they lie inside the file.
  std::string read(std::uint64_t offset, std::uint64_t n) {
    assert(offset <= size_ && n <= size_ - offset);
    std::string out(static_cast<std::size_t>(n), '\0');
    in_.clear();
    in_.seekg(static_cast<std::streamoff>(offset));
    in_.read(out.data(), static_cast<std::streamsize>(n));
    if (!in_) throw IoError(path_, "read error at offset " + std::to_string(offset));
    return out;
  }
  [[noreturn]] void fail(std::uint64_t offset, std::string_view problem) const {
    throw FormatError(path_, offset, problem);
  }

 private:
  std::string path_;
  std::ifstream in_;
  std::uint64_t size_ = 0;
};

struct ZipEntry {
  std::string name;
  std::uint16_t flags = 0;
  std::uint16_t method = 0;
  std::uint32_t crc = 0;
  std::uint64_t compressed_size = 0;
  std::uint64_t size = 0;
  std::uint64_t local_offset = 0;
  std::uint64_t central_offset = 0;  // of its central-directory record, for messages
};

struct ZipDirectory {
  std::vector<ZipEntry> entries;
  std::uint64_t central_offset = 0;  // member data must end before it
};

// Finds the end record, follows it (and the ZIP64 end record if the 16/32-bit fields are
// saturated) to the central directory and reads it. Everything is checked against the
// file size before it is read.
ZipDirectory read_directory(InputFile& f) {
  const std::uint64_t size = f.size();
  if (size < kEndSize) {
    f.fail(size, "no ZIP end-of-central-directory record: the file is " + std::to_string(size) +
                     " bytes (a ZIP / numpy .npz cut short?)");
  }
  const std::uint64_t tail_size = std::min<std::uint64_t>(size, kEndSize + kMaxComment);
  const std::string tail = f.read(size - tail_size, tail_size);
  std::optional<std::size_t> end_at;
  for (std::size_t p = tail.size() - kEndSize + 1; p-- > 0;) {
    if (get32(tail, p) == kEndSig && p + kEndSize + get16(tail, p + 20) == tail.size()) {
      end_at = p;
      break;
    }
  }
  if (!end_at) {
    f.fail(size, "no ZIP end-of-central-directory record at the end of the file (a ZIP / numpy .npz cut short?)");
  }
  const std::uint64_t end_offset = size - tail_size + *end_at;
  const std::string_view end(tail.data() + *end_at, kEndSize);
  if (get16(end, 4) != 0 || get16(end, 6) != 0) f.fail(end_offset, "multi-disk ZIP archives are not supported");
  std::uint64_t count = get16(end, 10);
  std::uint64_t cd_size = get32(end, 12);
  std::uint64_t cd_offset = get32(end, 16);
  if (get16(end, 8) != count) f.fail(end_offset + 8, "multi-disk ZIP archives are not supported");
  std::uint64_t directory_end = end_offset;
  if (count == 0xFFFF || cd_size == 0xFFFFFFFF || cd_offset == 0xFFFFFFFF) {
    // ZIP64: a locator right before the end record points at the ZIP64 end record.
    if (end_offset < kLocatorSize) f.fail(end_offset, "ZIP64 sizes without a ZIP64 end-record locator");
    const std::uint64_t loc_offset = end_offset - kLocatorSize;
    const std::string loc = f.read(loc_offset, kLocatorSize);
    if (get32(loc, 0) != kZip64LocatorSig) f.fail(loc_offset, "ZIP64 sizes without a ZIP64 end-record locator");
    const std::uint64_t z_offset = get64(loc, 8);
    if (z_offset > loc_offset || loc_offset - z_offset < kZip64EndSize) {
      f.fail(loc_offset + 8, "ZIP64 end record offset " + std::to_string(z_offset) + " out of place");
    }
    const std::string z = f.read(z_offset, kZip64EndSize);
    if (get32(z, 0) != kZip64EndSig) f.fail(z_offset, "bad ZIP64 end-record signature");
    if (get32(z, 16) != 0 || get32(z, 20) != 0) f.fail(z_offset, "multi-disk ZIP archives are not supported");
    count = get64(z, 32);
    cd_size = get64(z, 40);
    cd_offset = get64(z, 48);
    directory_end = z_offset;
  }
  if (cd_offset > directory_end || cd_size > directory_end - cd_offset) {
    f.fail(end_offset, "central directory (offset " + std::to_string(cd_offset) + ", " + std::to_string(cd_size) +
                           " bytes) lies outside the file (truncated or not a ZIP)");
  }
  if (count > cd_size / kCentralSize) {
    f.fail(end_offset, "absurd member count " + std::to_string(count) + " for a central directory of " +
                           std::to_string(cd_size) + " bytes");
  }
  const std::string cd = f.read(cd_offset, cd_size);
  ZipDirectory dir;
  dir.central_offset = cd_offset;
  dir.entries.reserve(static_cast<std::size_t>(count));
  std::size_t p = 0;
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::uint64_t at = cd_offset + p;
    if (cd.size() - p < kCentralSize) f.fail(at, "central directory ends inside member record " + std::to_string(i));
    if (get32(cd, p) != kCentralSig) f.fail(at, "bad central-directory record signature (member " + std::to_string(i) + ")");
    const std::size_t name_len = get16(cd, p + 28), extra_len = get16(cd, p + 30), comment_len = get16(cd, p + 32);
    if (cd.size() - p - kCentralSize < name_len + extra_len + comment_len) {
      f.fail(at, "central-directory record " + std::to_string(i) + " runs past the directory");
    }
    ZipEntry e;
    e.central_offset = at;
    e.flags = get16(cd, p + 8);
    e.method = get16(cd, p + 10);
    e.crc = get32(cd, p + 16);
    e.compressed_size = get32(cd, p + 20);
    e.size = get32(cd, p + 24);
    e.local_offset = get32(cd, p + 42);
    e.name = cd.substr(p + kCentralSize, name_len);
    if (get16(cd, p + 34) != 0) f.fail(at, "member '" + e.name + "' on another disk: multi-disk ZIP archives are not supported");
    // ZIP64 extra field: the 64-bit values of exactly the saturated 32-bit fields, in order.
    std::size_t x = p + kCentralSize + name_len;
    const std::size_t x_end = x + extra_len;
    while (x_end - x >= 4) {
      const std::uint16_t id = get16(cd, x), len = get16(cd, x + 2);
      if (x_end - x - 4 < len) f.fail(cd_offset + x, "extra field of member '" + e.name + "' runs past its record");
      if (id == 0x0001) {
        std::size_t q = x + 4;
        auto take = [&](std::uint64_t& field) {
          if (field != 0xFFFFFFFF) return;
          if (x + 4 + len - q < 8) f.fail(cd_offset + x, "ZIP64 extra field of member '" + e.name + "' too short");
          field = get64(cd, q);
          q += 8;
        };
        take(e.size);
        take(e.compressed_size);
        take(e.local_offset);
      }
      x += 4 + len;
    }
    if (e.flags & 0x0001) f.fail(at, "member '" + e.name + "' is encrypted");
    if (e.method != 0 && e.method != 8) {
      f.fail(at, "member '" + e.name + "' uses compression method " + std::to_string(e.method) +
                     " (only stored and deflate are supported)");
    }
    if (e.local_offset >= cd_offset) f.fail(at, "member '" + e.name + "' starts after the central directory");
    for (const ZipEntry& other : dir.entries) {
      if (other.name == e.name) f.fail(at, "member '" + e.name + "' appears twice");
    }
    dir.entries.push_back(std::move(e));
    p += kCentralSize + name_len + extra_len + comment_len;
  }
  return dir;
}

// The uncompressed bytes of a member, CRC-checked, and where its data starts in the file.
struct MemberData {
  std::string bytes;
  std::uint64_t data_offset = 0;
  bool stored = true;
};

MemberData read_member(InputFile& f, const ZipDirectory& dir, const ZipEntry& e) {
  const std::string who = "member '" + e.name + "'";
  if (dir.central_offset - e.local_offset < kLocalSize) {
    f.fail(e.local_offset, who + ": local header runs into the central directory");
  }
  const std::string local = f.read(e.local_offset, kLocalSize);
  if (get32(local, 0) != kLocalSig) f.fail(e.local_offset, who + ": bad local header signature");
  const std::uint64_t name_len = get16(local, 26), extra_len = get16(local, 28);
  const std::uint64_t header_end = e.local_offset + kLocalSize + name_len + extra_len;
  if (header_end > dir.central_offset) f.fail(e.local_offset, who + ": local header runs into the central directory");
  if (f.read(e.local_offset + kLocalSize, name_len) != e.name) {
    f.fail(e.local_offset + kLocalSize, who + ": local header names another member");
  }
  if (get16(local, 8) != e.method) f.fail(e.local_offset + 8, who + ": local header disagrees on the compression method");
  // Without a data descriptor (flag bit 3) the local header repeats CRC and sizes
  // (saturated to 0xFFFFFFFF when they live in a ZIP64 extra field, as numpy writes them).
  if (!(get16(local, 6) & 0x0008)) {
    const std::uint32_t crc = get32(local, 14), csize = get32(local, 18), usize = get32(local, 22);
    const bool ok = crc == e.crc && (csize == 0xFFFFFFFF || csize == e.compressed_size) &&
                    (usize == 0xFFFFFFFF || usize == e.size);
    if (!ok) f.fail(e.local_offset + 14, who + ": local header disagrees with the central directory on CRC or sizes");
  }
  if (e.compressed_size > dir.central_offset - header_end) {
    f.fail(e.local_offset, who + ": its " + std::to_string(e.compressed_size) +
                               " bytes of data run past the end of the member area (truncated or corrupt)");
  }
  MemberData out;
  out.data_offset = header_end;
  std::string raw = f.read(header_end, e.compressed_size);
  if (e.method == 0) {
    if (e.size != e.compressed_size) f.fail(e.local_offset, who + ": stored member with different sizes");
    out.bytes = std::move(raw);
  } else {
    out.stored = false;
    if (e.size / kMaxDeflateRatio > e.compressed_size + 1) {
      f.fail(e.local_offset, who + ": absurd size " + std::to_string(e.size) + " for " +
                                 std::to_string(e.compressed_size) + " deflated bytes");
    }
    z_stream z{};
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK) throw IoError(f.path(), "zlib inflateInit2 failed");
    struct Guard {
      z_stream* z;
      ~Guard() { inflateEnd(z); }
    } guard{&z};
    // Grow only as data arrives: a lying size field costs nothing.
    constexpr std::size_t kStep = 1 << 16;
    std::size_t in_pos = 0;
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
      if (out.bytes.size() >= e.size) {
        out.bytes.resize(static_cast<std::size_t>(e.size + 1));  // room to detect overrun
      } else {
        out.bytes.resize(std::min<std::size_t>(static_cast<std::size_t>(e.size), out.bytes.size() + kStep));
      }
      const std::size_t have = out.bytes.size() - static_cast<std::size_t>(z.total_out);
      z.next_out = reinterpret_cast<Bytef*>(out.bytes.data() + z.total_out);
      z.avail_out = static_cast<uInt>(std::min<std::size_t>(have, 1u << 30));
      const std::size_t in_now = std::min<std::size_t>(raw.size() - in_pos, 1u << 30);
      z.next_in = reinterpret_cast<Bytef*>(raw.data() + in_pos);
      z.avail_in = static_cast<uInt>(in_now);
      rc = inflate(&z, Z_NO_FLUSH);
      in_pos += in_now - z.avail_in;
      if (z.total_out > e.size) f.fail(e.local_offset, who + ": inflates to more than its stated " + std::to_string(e.size) + " bytes");
      if (rc == Z_STREAM_END) break;
      if (rc == Z_BUF_ERROR && in_pos == raw.size() && z.avail_out > 0) {
        f.fail(e.local_offset, who + ": deflate stream cut short after " + std::to_string(z.total_out) + " bytes");
      }
      if (rc != Z_OK && rc != Z_BUF_ERROR) {
        f.fail(e.local_offset, who + ": corrupt deflate stream (" + std::string(z.msg ? z.msg : "zlib error") + ")");
      }
    }
    out.bytes.resize(static_cast<std::size_t>(z.total_out));
    if (z.total_out != e.size) {
      f.fail(e.local_offset, who + ": inflates to " + std::to_string(z.total_out) + " bytes, the archive states " +
                                 std::to_string(e.size));
    }
    if (in_pos != raw.size()) f.fail(e.local_offset, who + ": bytes after the end of its deflate stream");
  }
  const std::uint32_t crc = zlib_crc(out.bytes);
  if (crc != e.crc) {
    f.fail(e.local_offset, who + ": CRC mismatch (stored " + hex32(e.crc) + ", computed " + hex32(crc) + ")");
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Layer 2: NPY.

// Where a member's bytes are, for messages: stored members report file offsets of the
// offending byte, deflated ones the local header (and the position inside the member).
struct MemberContext {
  const InputFile* file = nullptr;
  const ZipEntry* entry = nullptr;
  const MemberData* data = nullptr;
  [[noreturn]] void fail(std::uint64_t pos, std::string_view problem) const {
    std::string msg = "member '" + entry->name + "': " + std::string(problem);
    if (data->stored) file->fail(data->data_offset + pos, msg);
    file->fail(entry->local_offset, msg + " (at byte " + std::to_string(pos) + " of the inflated member)");
  }
};

struct NpyArray {
  char kind = 'f';  // 'f' float, 'i' signed, 'u' unsigned, 'b' bool, 'U' UTF-32 string
  bool big_endian = false;
  std::size_t itemsize = 8;
  std::string descr;
  std::vector<std::uint64_t> shape;
  bool fortran_order = false;
  std::uint64_t count = 1;  // elements: the product of shape (1 for 0-d)
  std::string_view data;
  std::size_t data_pos = 0;  // where the data starts in the member
};

// The header is a Python dict literal; this reads the subset numpy writes.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, std::size_t base, const MemberContext& ctx) : s_(text), base_(base), ctx_(ctx) {}

  void parse(NpyArray& a) {
    bool have_descr = false, have_order = false, have_shape = false;
    skip();
    expect('{');
    for (;;) {
      skip();
      if (peek() == '}') break;
      const std::string key = string();
      skip();
      expect(':');
      skip();
      if (key == "descr") {
        if (peek() == '[') fail("structured dtypes (a list descr) are not supported");
        a.descr = string();
        have_descr = true;
      } else if (key == "fortran_order") {
        a.fortran_order = boolean();
        have_order = true;
      } else if (key == "shape") {
        a.shape = tuple();
        have_shape = true;
      } else {
        fail("unexpected header key '" + key + "'");
      }
      skip();
      if (peek() == ',') {
        ++i_;
        continue;
      }
      skip();
      if (peek() != '}') fail("expected ',' or '}' in the header");
    }
    ++i_;
    skip();
    if (i_ != s_.size()) fail("text after the header dict");
    if (!have_descr || !have_order || !have_shape) fail("header lacks descr, fortran_order or shape");
  }

 private:
  [[noreturn]] void fail(std::string_view problem) const { ctx_.fail(base_ + i_, "NPY header: " + std::string(problem)); }
  char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  void skip() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
  }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++i_;
  }
  std::string string() {
    const char q = peek();
    if (q != '\'' && q != '"') fail("expected a quoted string");
    const std::size_t start = ++i_;
    while (i_ < s_.size() && s_[i_] != q) {
      if (s_[i_] == '\\') fail("escapes in header strings are not supported");
      ++i_;
    }
    if (i_ >= s_.size()) fail("unterminated string");
    return std::string(s_.substr(start, i_++ - start));
  }
  bool boolean() {
    if (s_.substr(i_, 4) == "True") {
      i_ += 4;
      return true;
    }
    if (s_.substr(i_, 5) == "False") {
      i_ += 5;
      return false;
    }
    fail("expected True or False");
  }
  std::vector<std::uint64_t> tuple() {
    std::vector<std::uint64_t> dims;
    expect('(');
    for (;;) {
      skip();
      if (peek() == ')') break;
      if (peek() < '0' || peek() > '9') fail("expected a dimension");
      std::uint64_t v = 0;
      while (peek() >= '0' && peek() <= '9') {
        const auto d = static_cast<std::uint64_t>(peek() - '0');
        if (v > (std::numeric_limits<std::uint64_t>::max() - d) / 10) fail("dimension too large");
        v = v * 10 + d;
        ++i_;
      }
      if (peek() == 'L') ++i_;  // Python 2 longs
      dims.push_back(v);
      if (dims.size() > 32) fail("more than 32 dimensions");
      skip();
      if (peek() == ',') {
        ++i_;
        continue;
      }
      skip();
      if (peek() != ')') fail("expected ',' or ')' in the shape");
    }
    ++i_;
    return dims;
  }

  std::string_view s_;
  std::size_t base_;
  const MemberContext& ctx_;
  std::size_t i_ = 0;
};

std::string shape_text(std::span<const std::uint64_t> shape) {
  // As Python prints a tuple: (), (3,), (3, 2).
  std::string s = "(";
  for (std::size_t k = 0; k < shape.size(); ++k) s += (k ? ", " : "") + std::to_string(shape[k]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

NpyArray parse_npy(std::string_view bytes, const MemberContext& ctx) {
  static constexpr std::string_view kMagic{"\x93NUMPY", 6};
  if (bytes.size() < 10 || bytes.substr(0, 6) != kMagic) ctx.fail(0, "not an NPY array (no \\x93NUMPY magic)");
  const auto major = static_cast<unsigned char>(bytes[6]), minor = static_cast<unsigned char>(bytes[7]);
  if (major < 1 || major > 3 || minor != 0) {
    ctx.fail(6, "NPY version " + std::to_string(major) + "." + std::to_string(minor) + " not supported");
  }
  std::size_t preamble = 10;
  std::uint64_t header_len = get16(bytes, 8);
  if (major >= 2) {
    if (bytes.size() < 12) ctx.fail(8, "NPY preamble cut short");
    preamble = 12;
    header_len = get32(bytes, 8);
  }
  if (header_len > kMaxNpyHeader) ctx.fail(8, "absurd NPY header length " + std::to_string(header_len));
  if (header_len > bytes.size() - preamble) {
    ctx.fail(8, "NPY header length " + std::to_string(header_len) + " runs past the member (" +
                    std::to_string(bytes.size()) + " bytes)");
  }
  NpyArray a;
  HeaderParser(bytes.substr(preamble, header_len), preamble, ctx).parse(a);
  // descr: byte order, kind, item size, e.g. '<f8', '|b1', '<U7'.
  const std::string& d = a.descr;
  const auto bad_dtype = [&] { ctx.fail(preamble, "dtype '" + d + "' not supported"); };
  if (d.size() < 3 || std::string_view("<>|=").find(d[0]) == std::string_view::npos) bad_dtype();
  std::size_t n = 0;
  for (std::size_t k = 2; k < d.size(); ++k) {
    if (d[k] < '0' || d[k] > '9' || n > 1'000'000) bad_dtype();
    n = n * 10 + static_cast<std::size_t>(d[k] - '0');
  }
  a.kind = d[1];
  a.big_endian = d[0] == '>';
  switch (a.kind) {
    case 'f':
      if (n != 4 && n != 8) bad_dtype();
      a.itemsize = n;
      break;
    case 'i':
    case 'u':
      if (n != 1 && n != 2 && n != 4 && n != 8) bad_dtype();
      a.itemsize = n;
      break;
    case 'b':
      if (n != 1) bad_dtype();
      a.itemsize = 1;
      break;
    case 'U':
      if (n == 0) bad_dtype();
      a.itemsize = 4 * n;
      break;
    default:
      bad_dtype();
  }
  a.data_pos = preamble + static_cast<std::size_t>(header_len);
  const std::uint64_t available = bytes.size() - a.data_pos;
  for (const std::uint64_t dim : a.shape) {
    if (dim != 0 && a.count > std::numeric_limits<std::uint64_t>::max() / dim) ctx.fail(preamble, "shape overflows");
    a.count *= dim;
  }
  if (a.count > available / a.itemsize) {
    ctx.fail(a.data_pos, "shape " + shape_text(a.shape) + " and dtype '" + d + "' need more than the " +
                             std::to_string(available) + " data bytes the member has (truncated)");
  }
  if (a.count * a.itemsize != available) {
    ctx.fail(a.data_pos, std::to_string(available - a.count * a.itemsize) + " bytes after the data of shape " +
                             shape_text(a.shape));
  }
  a.data = bytes.substr(a.data_pos);
  return a;
}

std::uint64_t raw_item(const NpyArray& a, std::uint64_t i) {
  const std::size_t at = static_cast<std::size_t>(i * a.itemsize);
  std::uint64_t v = 0;
  const auto w = static_cast<int>(a.itemsize);
  for (int k = 0; k < w; ++k) {
    const int byte = a.big_endian ? w - 1 - k : k;
    v |= static_cast<std::uint64_t>(static_cast<unsigned char>(a.data[at + static_cast<std::size_t>(byte)])) << (8 * k);
  }
  return v;
}

double float_item(const NpyArray& a, std::uint64_t i) {
  const std::uint64_t r = raw_item(a, i);
  if (a.itemsize == 4) return static_cast<double>(std::bit_cast<float>(static_cast<std::uint32_t>(r)));
  return std::bit_cast<double>(r);
}

// Signed value of an integer item; false for an unsigned 64-bit value above INT64_MAX.
bool int_item(const NpyArray& a, std::uint64_t i, std::int64_t& out) {
  const std::uint64_t r = raw_item(a, i);
  if (a.kind == 'u' || a.kind == 'b') {
    if (r > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return false;
    out = static_cast<std::int64_t>(r);
    return true;
  }
  const unsigned bits = 8 * static_cast<unsigned>(a.itemsize);
  out = bits == 64 ? static_cast<std::int64_t>(r)
                   : static_cast<std::int64_t>(r << (64 - bits)) >> (64 - bits);  // sign-extend
  return true;
}

// ---------------------------------------------------------------------------------------
// Layer 3: Rockpool's members.

// |seconds * 9e9 - round(seconds * 9e9)| in ticks, from the exact binary value of the
// double (as Duration::from_seconds rounds it); exact up to the final conversion to double.
double rounding_ticks(double seconds) {
  if (seconds == 0.0) return 0.0;
  int exponent = 0;
  const double fraction = std::frexp(std::fabs(seconds), &exponent);
  const auto mantissa = static_cast<std::uint64_t>(std::ldexp(fraction, 53));  // seconds = m * 2^(e-53)
  const int shift = exponent - 53;
  if (shift >= 0) return 0.0;  // a whole number of seconds
  const u128 scaled = static_cast<u128>(mantissa) * static_cast<u128>(kTicksPerSecond);  // < 2^87
  if (-shift >= 128) return std::ldexp(static_cast<double>(scaled), shift);  // rounds to 0 ticks
  const u128 unit = static_cast<u128>(1) << -shift;
  const u128 rem = scaled & (unit - 1);
  return std::ldexp(static_cast<double>(std::min(rem, unit - rem)), shift);
}

// An open archive with its directory and the Rockpool reading of its keys.
class Archive {
 public:
  explicit Archive(const std::string& path) : file_(path), dir_(read_directory(file_)) {}

  InputFile& file() { return file_; }
  const ZipDirectory& dir() const { return dir_; }
  const std::string& path() const { return file_.path(); }

  // np.load's keys: member names without ".npy".
  static std::string key_of(const std::string& name) {
    return name.size() >= 4 && name.compare(name.size() - 4, 4, ".npy") == 0 ? name.substr(0, name.size() - 4) : name;
  }
  const ZipEntry* find(std::string_view key) const {
    for (const ZipEntry& e : dir_.entries) {
      if (key_of(e.name) == key) return &e;
    }
    return nullptr;
  }
  // The first key (in archive order) that starts with `prefix`, as Rockpool's loader takes it.
  std::optional<std::string> first_key_with(std::string_view prefix) const {
    for (const ZipEntry& e : dir_.entries) {
      const std::string k = key_of(e.name);
      if (k.compare(0, prefix.size(), prefix) == 0) return k;
    }
    return std::nullopt;
  }

  // A member decoded as NPY; the data stays alive in the archive until it is destroyed.
  struct Loaded {
    MemberContext ctx;
    NpyArray array;
  };
  Loaded load(const ZipEntry& e) {
    used_.push_back(e.name);
    loaded_.push_back(std::make_unique<MemberData>(read_member(file_, dir_, e)));
    Loaded out;
    out.ctx = MemberContext{&file_, &e, loaded_.back().get()};
    out.array = parse_npy(loaded_.back()->bytes, out.ctx);
    return out;
  }
  Loaded load(std::string_view key, std::string_view what) {
    const ZipEntry* e = find(key);
    if (!e) {
      file_.fail(dir_.central_offset, "member '" + std::string(key) + ".npy' missing: a Rockpool " + std::string(what) +
                                          " has it (members: " + member_list() + ")");
    }
    return load(*e);
  }
  // A member whose name is the information (name_*, type_*, interp_kind_*): decoded only
  // to check it, as every member we rely on is.
  void mark_used(std::string_view key) {
    if (const ZipEntry* e = find(key)) load(*e);
  }
  // The ZIP framing and CRC of every member not decoded yet (trial_start_times, ...): a
  // damaged archive is refused even where the damage is in a member we do not need.
  void check_rest() {
    for (const ZipEntry& e : dir_.entries) {
      if (std::find(used_.begin(), used_.end(), e.name) == used_.end()) read_member(file_, dir_, e);
    }
  }

  std::string member_list() const {
    std::string out;
    for (std::size_t k = 0; k < dir_.entries.size(); ++k) {
      if (k == 12) return out + ", ...";
      out += (k ? ", " : "") + dir_.entries[k].name;
    }
    return out.empty() ? "none" : out;
  }

  void fill_info(NpzInfo& info) const {
    info.members = dir_.entries.size();
    info.any_deflated = std::any_of(dir_.entries.begin(), dir_.entries.end(), [](const ZipEntry& e) { return e.method == 8; });
    info.ignored_members.clear();
    for (const ZipEntry& e : dir_.entries) {
      if (std::find(used_.begin(), used_.end(), e.name) == used_.end()) info.ignored_members.push_back(e.name);
    }
  }

 private:
  InputFile file_;
  ZipDirectory dir_;
  std::vector<std::unique_ptr<MemberData>> loaded_;
  std::vector<std::string> used_;
};

// A 0-d (or one-element) unicode array as UTF-8, trailing NULs dropped as numpy does.
std::string string_scalar(const Archive::Loaded& m) {
  const NpyArray& a = m.array;
  if (a.kind != 'U') m.ctx.fail(a.data_pos, "dtype '" + a.descr + "', expected a unicode string ('<U..')");
  if (a.count != 1) m.ctx.fail(a.data_pos, "expected a single string, shape holds " + std::to_string(a.count));
  std::u32string cps;
  for (std::size_t k = 0; k < a.itemsize / 4; ++k) {
    const std::size_t at = 4 * k;
    std::uint32_t c = 0;
    for (int b = 0; b < 4; ++b) {
      const int byte = a.big_endian ? 3 - b : b;
      c |= static_cast<std::uint32_t>(static_cast<unsigned char>(a.data[at + static_cast<std::size_t>(byte)])) << (8 * b);
    }
    if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) m.ctx.fail(a.data_pos + at, "invalid code point in a string");
    cps.push_back(c);
  }
  while (!cps.empty() && cps.back() == 0) cps.pop_back();
  std::string out;
  for (const char32_t c : cps) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (c >> 18)));
      out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

void require_scalar(const Archive::Loaded& m) {
  if (m.array.count != 1 || m.array.shape.size() > 1) {
    m.ctx.fail(m.array.data_pos, "expected a single value (shape ()), got " + std::to_string(m.array.count) + " elements");
  }
}

double float_scalar(const Archive::Loaded& m) {
  require_scalar(m);
  if (m.array.kind == 'f') return float_item(m.array, 0);
  std::int64_t v = 0;
  if ((m.array.kind == 'i' || m.array.kind == 'u') && int_item(m.array, 0, v)) return static_cast<double>(v);
  m.ctx.fail(m.array.data_pos, "dtype '" + m.array.descr + "', expected a number");
}

std::int64_t int_scalar(const Archive::Loaded& m) {
  require_scalar(m);
  std::int64_t v = 0;
  if ((m.array.kind != 'i' && m.array.kind != 'u') || !int_item(m.array, 0, v)) {
    m.ctx.fail(m.array.data_pos, "dtype '" + m.array.descr + "', expected an integer");
  }
  return v;
}

bool bool_scalar(const Archive::Loaded& m) {
  require_scalar(m);
  std::int64_t v = 0;
  if ((m.array.kind != 'b' && m.array.kind != 'i' && m.array.kind != 'u') || !int_item(m.array, 0, v)) {
    m.ctx.fail(m.array.data_pos, "dtype '" + m.array.descr + "', expected a bool");
  }
  if (v != 0 && v != 1) m.ctx.fail(m.array.data_pos, "bool value " + std::to_string(v) + " is neither 0 nor 1");
  return v == 1;
}

void require_1d(const Archive::Loaded& m) {
  if (m.array.shape.size() != 1) m.ctx.fail(m.array.data_pos, "expected a 1-d array, got " + std::to_string(m.array.shape.size()) + " dimensions");
}

// Seconds to ticks, rounded once, with the largest rounding remembered.
class TimeConverter {
 public:
  explicit TimeConverter(NpzInfo& info) : info_(info) {}
  Time convert(double s, const MemberContext& ctx, std::uint64_t pos, const std::string& what) {
    if (!std::isfinite(s)) ctx.fail(pos, what + " is " + (std::isnan(s) ? "NaN" : "infinite"));
    Time t;
    try {
      t = Time::from_seconds(s);
    } catch (const TimeOverflow&) {
      ctx.fail(pos, what + " = " + std::to_string(s) + " s lies outside the tick range (about +-32 years)");
    }
    const double r = rounding_ticks(s);
    if (r > info_.max_rounding_ticks) {
      info_.max_rounding_ticks = r;
      info_.max_rounding_at = what;
    }
    return t;
  }

 private:
  NpzInfo& info_;
};

// `times` as ticks: 1-d float, finite, non-decreasing.
std::vector<Time> read_times(Archive::Loaded& m, TimeConverter& conv) {
  require_1d(m);
  const NpyArray& a = m.array;
  if (a.kind != 'f') m.ctx.fail(a.data_pos, "dtype '" + a.descr + "', expected float seconds ('<f8' or '<f4')");
  std::vector<Time> out;
  out.reserve(static_cast<std::size_t>(a.count));
  double previous = -std::numeric_limits<double>::infinity();
  for (std::uint64_t i = 0; i < a.count; ++i) {
    const double s = float_item(a, i);
    const std::uint64_t pos = a.data_pos + i * a.itemsize;
    out.push_back(conv.convert(s, m.ctx, pos, "times[" + std::to_string(i) + "]"));
    if (s < previous) {
      m.ctx.fail(pos, "times not sorted at index " + std::to_string(i) + " (" + std::to_string(s) + " s after " +
                          std::to_string(previous) + " s)");
    }
    previous = s;
  }
  return out;
}

struct Common {
  std::string type;
  bool legacy = false;
  std::string name = "unnamed";
};

// The type, by Rockpool's rules: `str_type`, `strType`, else the first key starting with
// "type" minus its first five characters. Nothing when there is no type marker.
std::optional<std::string> series_type(Archive& ar, bool& legacy) {
  for (const char* key : {"str_type", "strType"}) {
    if (ar.find(key)) {
      legacy = true;
      return string_scalar(ar.load(key, "time series"));
    }
  }
  legacy = false;
  if (auto k = ar.first_key_with("type")) {
    ar.mark_used(*k);
    return k->size() > 5 ? k->substr(5) : std::string();
  }
  return std::nullopt;
}

Common read_common(Archive& ar, std::string_view expected) {
  Common c;
  const auto type = series_type(ar, c.legacy);
  if (!type || !ar.find("times")) {
    ar.file().fail(ar.dir().central_offset, "a ZIP archive that is not a Rockpool time series (no times.npy and type_" +
                                                std::string(expected) + ".npy; members: " + ar.member_list() + ")");
  }
  if (*type != expected) {
    ar.file().fail(ar.dir().central_offset, "holds a Rockpool " + (type->empty() ? "series of unknown type" : *type) +
                                                ", not a " + std::string(expected));
  }
  c.type = *type;
  if (ar.find("name")) {
    c.name = string_scalar(ar.load("name", "time series"));
    c.legacy = true;
  } else if (auto k = ar.first_key_with("name")) {
    c.name = k->size() > 5 ? k->substr(5) : std::string();
    ar.mark_used(*k);
  }
  return c;
}

struct Span {
  Time t_start, t_stop;
  bool periodic = false;
};

Span read_span(Archive& ar, std::string_view what, TimeConverter& conv) {
  Span s;
  Archive::Loaded start = ar.load("t_start", what);
  s.t_start = conv.convert(float_scalar(start), start.ctx, start.array.data_pos, "t_start");
  Archive::Loaded stop = ar.load("t_stop", what);
  s.t_stop = conv.convert(float_scalar(stop), stop.ctx, stop.array.data_pos, "t_stop");
  if (s.t_stop < s.t_start) stop.ctx.fail(stop.array.data_pos, "t_stop precedes t_start");
  s.periodic = bool_scalar(ar.load("periodic", what));
  return s;
}

void check_span(const Archive::Loaded& times_member, const std::vector<Time>& times, const Span& s) {
  if (times.empty()) return;
  if (times.front() < s.t_start) times_member.ctx.fail(times_member.array.data_pos, "times[0] precedes t_start");
  if (times.back() > s.t_stop) times_member.ctx.fail(times_member.array.data_pos, "the last time follows t_stop");
}

std::optional<Interpolation> interpolation_named(std::string_view kind) {
  if (kind == "linear") return Interpolation::kLinear;
  if (kind == "previous") return Interpolation::kPrevious;
  if (kind == "next") return Interpolation::kNext;
  if (kind == "nearest") return Interpolation::kNearest;
  if (kind == "cubic") return Interpolation::kCubic;
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------
// Writing.


// An NPY v1.0 array exactly as numpy 1.24 writes it: the dict, space-padded and ended by
// '\n' so that the data starts on a 64-byte boundary.
std::string npy(std::string_view descr, std::initializer_list<std::uint64_t> shape, std::string_view data) {
  std::string header = "{'descr': '" + std::string(descr) + "', 'fortran_order': False, 'shape': " +
                       shape_text(std::span<const std::uint64_t>(shape.begin(), shape.size())) + ", }";
  const std::size_t used = 10 + header.size() + 1;
  header.append((64 - used % 64) % 64, ' ');
  header.push_back('\n');
  assert(header.size() <= 0xFFFF);
  std::string out("\x93NUMPY\x01\x00", 8);
  put_le(out, header.size(), 2);
  out += header;
  out.append(data);
  return out;
}

std::string f8(std::span<const double> values) {
  std::string out;
  out.reserve(values.size() * 8);
  for (const double v : values) put_le(out, std::bit_cast<std::uint64_t>(v), 8);
  return out;
}
std::string f8(double v) { return f8(std::span<const double>(&v, 1)); }
std::string i8(std::int64_t v) {
  std::string out;
  put_le(out, static_cast<std::uint64_t>(v), 8);
  return out;
}
std::string seconds_of(std::span<const Time> times) {
  std::string out;
  out.reserve(times.size() * 8);
  for (const Time t : times) put_le(out, std::bit_cast<std::uint64_t>(to_seconds(t)), 8);
  return out;
}

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

// Writes a ZIP member by member to `path.tmp`, then renames it over `path`.
class ZipWriter {
 public:
  ZipWriter(std::string path, bool compress) : path_(std::move(path)), tmp_(path_ + ".tmp"), compress_(compress) {
    out_.open(tmp_, std::ios::binary | std::ios::trunc);
    if (!out_) throw IoError(tmp_, "cannot open for writing");
  }
  ~ZipWriter() {
    if (!done_) {
      out_.close();
      std::error_code ignored;
      std::filesystem::remove(tmp_, ignored);
    }
  }
  ZipWriter(const ZipWriter&) = delete;
  ZipWriter& operator=(const ZipWriter&) = delete;

  void add(const std::string& name, const std::string& data) {
    Central c;
    c.name = name;
    c.flags = valid_ascii(name) ? 0 : 0x0800;  // bit 11: the name is UTF-8
    c.crc = zlib_crc(data);
    c.size = data.size();
    c.offset = offset_;
    std::string body = compress_ ? deflate(data) : std::string();
    c.method = compress_ ? 8 : 0;
    c.compressed_size = compress_ ? body.size() : data.size();
    if (c.size >= 0xFFFFFFFF || c.compressed_size >= 0xFFFFFFFF || c.offset >= 0xFFFFFFFF) {
      throw IoError(path_, "member '" + name + "' or its offset exceeds 4 GiB: ZIP64 archives are not written");
    }
    std::string h;
    put_le(h, kLocalSig, 4);
    put_le(h, 20, 2);  // version needed: 2.0 (deflate)
    put_le(h, c.flags, 2);
    put_le(h, c.method, 2);
    put_le(h, 0, 2);       // time 00:00:00
    put_le(h, 0x0021, 2);  // date 1980-01-01, as numpy writes: reproducible files
    put_le(h, c.crc, 4);
    put_le(h, c.compressed_size, 4);
    put_le(h, c.size, 4);
    put_le(h, name.size(), 2);
    put_le(h, 0, 2);
    h += name;
    write(h);
    write(compress_ ? body : data);
    central_.push_back(std::move(c));
  }

  void finish() {
    const std::uint64_t cd_offset = offset_;
    std::string cd;
    for (const Central& c : central_) {
      put_le(cd, kCentralSig, 4);
      put_le(cd, 0x0314, 2);  // made by: Unix, 2.0 (as Python's zipfile)
      put_le(cd, 20, 2);
      put_le(cd, c.flags, 2);
      put_le(cd, c.method, 2);
      put_le(cd, 0, 2);
      put_le(cd, 0x0021, 2);
      put_le(cd, c.crc, 4);
      put_le(cd, c.compressed_size, 4);
      put_le(cd, c.size, 4);
      put_le(cd, c.name.size(), 2);
      put_le(cd, 0, 2);  // extra
      put_le(cd, 0, 2);  // comment
      put_le(cd, 0, 2);  // disk
      put_le(cd, 0, 2);  // internal attributes
      put_le(cd, 0644u << 16, 4);  // external: a regular file, rw-r--r--
      put_le(cd, c.offset, 4);
      cd += c.name;
    }
    write(cd);
    if (cd_offset >= 0xFFFFFFFF) throw IoError(path_, "archive exceeds 4 GiB: ZIP64 archives are not written");
    std::string end;
    put_le(end, kEndSig, 4);
    put_le(end, 0, 2);
    put_le(end, 0, 2);
    put_le(end, central_.size(), 2);
    put_le(end, central_.size(), 2);
    put_le(end, cd.size(), 4);
    put_le(end, cd_offset, 4);
    put_le(end, 0, 2);
    write(end);
    out_.close();
    if (!out_) throw IoError(tmp_, "write failed");
    std::error_code ec;
    std::filesystem::rename(tmp_, path_, ec);
    if (ec) throw IoError(path_, "cannot rename " + tmp_ + ": " + ec.message());
    done_ = true;
  }

 private:
  struct Central {
    std::string name;
    std::uint16_t flags = 0, method = 0;
    std::uint32_t crc = 0;
    std::uint64_t compressed_size = 0, size = 0, offset = 0;
  };

  static bool valid_ascii(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  }

  // Raw deflate (no zlib header), level 6, as Python's zipfile does for np.savez_compressed.
  std::string deflate(const std::string& data) {
    z_stream z{};
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      throw IoError(path_, "zlib deflateInit2 failed");
    }
    std::string out;
    std::size_t in_pos = 0;
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
      const std::size_t in_now = std::min<std::size_t>(data.size() - in_pos, 1u << 30);
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + in_pos));
      z.avail_in = static_cast<uInt>(in_now);
      const int flush = in_pos + in_now == data.size() ? Z_FINISH : Z_NO_FLUSH;
      do {
        const std::size_t before = out.size();
        out.resize(before + (1 << 16));
        z.next_out = reinterpret_cast<Bytef*>(out.data() + before);
        z.avail_out = 1 << 16;
        rc = ::deflate(&z, flush);
        out.resize(before + (1 << 16) - z.avail_out);
        if (rc == Z_STREAM_ERROR) {
          deflateEnd(&z);
          throw IoError(path_, "zlib deflate failed");
        }
      } while (z.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
      in_pos += in_now - z.avail_in;
    }
    deflateEnd(&z);
    return out;
  }

  void write(std::string_view bytes) {
    out_.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out_) throw IoError(tmp_, "write failed");
    offset_ += bytes.size();
  }

  std::string path_, tmp_;
  bool compress_;
  std::ofstream out_;
  std::uint64_t offset_ = 0;
  std::vector<Central> central_;
  bool done_ = false;
};

// The member that carries the series' name: "name_<name>.npy".
std::string name_member(const std::string& name) {
  if (name.find('\0') != std::string::npos || !valid_utf8(name)) {
    throw InvalidArgument("series name", "a ZIP member name needs valid UTF-8 without NUL bytes");
  }
  if (name.size() > 60000) throw InvalidArgument("series name", "too long for a ZIP member name");
  return "name_" + name + ".npy";
}

// np.array([]): the members whose name carries the information.
std::string empty_marker() { return npy("<f8", {0}, ""); }

}  // namespace

// ---------------------------------------------------------------------------------------

std::vector<std::string> npz_member_names(const std::string& path) {
  InputFile f(path);
  std::vector<std::string> out;
  for (ZipEntry& e : read_directory(f).entries) out.push_back(std::move(e.name));
  return out;
}

std::optional<NpzSeriesKind> probe_npz(const std::string& path) {
  Archive ar(path);
  bool legacy = false;
  const auto type = series_type(ar, legacy);
  if (!type || !ar.find("times")) return std::nullopt;
  if (*type == "TSEvent") return NpzSeriesKind::kEvent;
  if (*type == "TSContinuous") return NpzSeriesKind::kContinuous;
  return std::nullopt;
}

TSEvent read_npz_events(const std::string& path, NpzInfo* info_out) {
  NpzInfo info;
  info.kind = NpzSeriesKind::kEvent;
  Archive ar(path);
  const Common common = read_common(ar, "TSEvent");
  info.legacy_keys = common.legacy;
  TimeConverter conv(info);
  Archive::Loaded tm = ar.load("times", "TSEvent");
  std::vector<Time> times = read_times(tm, conv);
  const Span span = read_span(ar, "TSEvent", conv);
  check_span(tm, times, span);

  Archive::Loaded nc = ar.load("num_channels", "TSEvent");
  const std::int64_t num_channels = int_scalar(nc);
  constexpr std::int64_t kMaxChannels = std::int64_t{1} << 32;
  if (num_channels < 0 || num_channels > kMaxChannels) {
    nc.ctx.fail(nc.array.data_pos, "num_channels " + std::to_string(num_channels) + " outside 0 .. 2^32");
  }

  Archive::Loaded ch = ar.load("channels", "TSEvent");
  require_1d(ch);
  const NpyArray& ca = ch.array;
  if (ca.count != times.size()) {
    ch.ctx.fail(ca.data_pos, std::to_string(ca.count) + " channels for " + std::to_string(times.size()) + " times");
  }
  std::vector<Channel> channels;
  channels.reserve(times.size());
  for (std::uint64_t i = 0; i < ca.count; ++i) {
    const std::uint64_t pos = ca.data_pos + i * ca.itemsize;
    std::int64_t c = 0;
    if (ca.kind == 'f') {  // an empty series may come with float64 channels
      const double d = float_item(ca, i);
      if (!(d >= 0 && d < static_cast<double>(kMaxChannels)) || d != std::floor(d)) {
        ch.ctx.fail(pos, "channels[" + std::to_string(i) + "] = " + std::to_string(d) + " is not a channel number");
      }
      c = static_cast<std::int64_t>(d);
    } else if ((ca.kind != 'i' && ca.kind != 'u') || !int_item(ca, i, c)) {
      ch.ctx.fail(ca.data_pos, "dtype '" + ca.descr + "', expected integer channels");
    }
    if (c < 0 || c >= num_channels) {
      ch.ctx.fail(pos, "channels[" + std::to_string(i) + "] = " + std::to_string(c) + " outside 0 .. num_channels - 1 = " +
                           std::to_string(num_channels - 1));
    }
    channels.push_back(static_cast<Channel>(c));
  }

  std::vector<double> values;
  const bool has_values = ar.find("values") != nullptr;
  if (has_values) {  // rockpool-cpp's extension: one double per event
    Archive::Loaded vm = ar.load("values", "TSEvent");
    require_1d(vm);
    if (vm.array.kind != 'f' || vm.array.count != times.size()) {
      vm.ctx.fail(vm.array.data_pos, "values must be " + std::to_string(times.size()) + " floats");
    }
    for (std::uint64_t i = 0; i < vm.array.count; ++i) {
      values.push_back(float_item(vm.array, i));
      if (!std::isfinite(values.back())) {
        vm.ctx.fail(vm.array.data_pos + i * vm.array.itemsize, "values[" + std::to_string(i) + "] is not finite");
      }
    }
  }

  TSEvent::Options options;
  options.num_channels = static_cast<std::size_t>(num_channels);
  options.t_start = span.t_start;
  options.t_stop = span.t_stop;
  options.periodic = span.periodic;
  options.name = common.name;
  ar.check_rest();
  ar.fill_info(info);
  TSEvent out;
  try {
    out = has_values ? TSEvent(std::move(times), std::move(channels), std::move(values), std::move(options))
                     : TSEvent(std::move(times), std::move(channels), std::move(options));
  } catch (const InvalidArgument& e) {
    throw FormatError(path, 0, std::string("not a valid TSEvent: ") + e.what());
  }
  if (info_out) *info_out = std::move(info);
  return out;
}

TSContinuous read_npz_continuous(const std::string& path, NpzInfo* info_out) {
  NpzInfo info;
  info.kind = NpzSeriesKind::kContinuous;
  Archive ar(path);
  const Common common = read_common(ar, "TSContinuous");
  info.legacy_keys = common.legacy;
  TimeConverter conv(info);
  Archive::Loaded tm = ar.load("times", "TSContinuous");
  std::vector<Time> times = read_times(tm, conv);
  const Span span = read_span(ar, "TSContinuous", conv);
  check_span(tm, times, span);

  std::string kind = "linear";
  if (ar.find("interp_kind")) {
    kind = string_scalar(ar.load("interp_kind", "TSContinuous"));
    info.legacy_keys = true;
  } else if (auto k = ar.first_key_with("interp_kind")) {
    kind = k->size() > 12 ? k->substr(12) : std::string();
    ar.mark_used(*k);
  }
  const auto interpolation = interpolation_named(kind);
  if (!interpolation) {
    ar.file().fail(ar.dir().central_offset, "interpolation kind '" + kind +
                                                "' not supported (linear, previous, next, nearest, cubic)");
  }

  Archive::Loaded sm = ar.load("samples", "TSContinuous");
  const NpyArray& sa = sm.array;
  if (sa.kind != 'f' && sa.kind != 'i' && sa.kind != 'u') {
    sm.ctx.fail(sa.data_pos, "dtype '" + sa.descr + "', expected numbers");
  }
  // (T, N) as Rockpool stores it; also (T,) for one channel, and any empty shape for T = 0.
  const std::uint64_t rows = times.size();
  std::uint64_t cols = 0;
  if (sa.shape.size() == 2 && (sa.shape[0] == rows || (rows == 0 && sa.count == 0))) {
    cols = sa.shape[0] == rows ? sa.shape[1] : 0;
  } else if (sa.shape.size() == 1 && sa.shape[0] == rows) {
    cols = rows == 0 ? 0 : 1;
  } else {
    sm.ctx.fail(sa.data_pos, "samples of shape " + shape_text(sa.shape) + " for " + std::to_string(rows) + " times");
  }
  std::vector<double> samples;
  samples.reserve(static_cast<std::size_t>(sa.count));
  const bool transpose = sa.fortran_order && sa.shape.size() == 2;
  for (std::uint64_t r = 0; r < rows; ++r) {
    for (std::uint64_t c = 0; c < cols; ++c) {
      const std::uint64_t i = transpose ? c * rows + r : r * cols + c;
      if (sa.kind == 'f') {
        samples.push_back(float_item(sa, i));
      } else {
        std::int64_t v = 0;
        if (!int_item(sa, i, v)) sm.ctx.fail(sa.data_pos + i * sa.itemsize, "sample out of the int64 range");
        samples.push_back(static_cast<double>(v));
      }
    }
  }

  TSContinuous::Options options;
  options.t_start = span.t_start;
  options.t_stop = span.t_stop;
  options.periodic = span.periodic;
  options.name = common.name;
  options.interpolation = *interpolation;
  ar.check_rest();
  ar.fill_info(info);
  TSContinuous out;
  try {
    out = TSContinuous(std::move(times), std::move(samples), static_cast<std::size_t>(cols), std::move(options));
  } catch (const InvalidArgument& e) {
    throw FormatError(path, 0, std::string("not a valid TSContinuous: ") + e.what());
  }
  if (info_out) *info_out = std::move(info);
  return out;
}

void write_npz_events(const std::string& path, const TSEvent& events, NpzWriteOptions options) {
  const std::string name = name_member(events.name());
  const auto n = static_cast<std::uint64_t>(events.size());
  std::string channels;
  channels.reserve(events.size() * 8);
  for (const Channel c : events.channels()) put_le(channels, c, 8);
  ZipWriter zip(path, options.compress);
  // Rockpool's TSEvent.to_dict, in its order.
  zip.add("times.npy", npy("<f8", {n}, seconds_of(events.times())));
  zip.add("channels.npy", npy("<i8", {n}, channels));
  zip.add("t_start.npy", npy("<f8", {}, f8(to_seconds(events.t_start()))));
  zip.add("t_stop.npy", npy("<f8", {}, f8(to_seconds(events.t_stop()))));
  zip.add("periodic.npy", npy("|b1", {}, std::string(1, events.periodic() ? '\x01' : '\x00')));
  zip.add("num_channels.npy", npy("<i8", {}, i8(static_cast<std::int64_t>(events.num_channels()))));
  zip.add(name, empty_marker());
  zip.add("type_TSEvent.npy", empty_marker());
  if (events.has_values()) zip.add("values.npy", npy("<f8", {n}, f8(events.values())));
  zip.finish();
}

void write_npz_continuous(const std::string& path, const TSContinuous& series, NpzWriteOptions options) {
  const std::string name = name_member(series.name());
  const auto t = static_cast<std::uint64_t>(series.num_samples());
  const auto c = static_cast<std::uint64_t>(series.num_channels());
  ZipWriter zip(path, options.compress);
  // Rockpool's TSContinuous.to_dict, in its order; samples are row-major T x N, as numpy's
  // C order.
  zip.add("times.npy", npy("<f8", {t}, seconds_of(series.times())));
  zip.add("samples.npy", npy("<f8", {t, c}, f8(series.samples())));
  zip.add("t_start.npy", npy("<f8", {}, f8(to_seconds(series.t_start()))));
  zip.add("t_stop.npy", npy("<f8", {}, f8(to_seconds(series.t_stop()))));
  zip.add("interp_kind_" + std::string(to_string(series.interpolation())) + ".npy", empty_marker());
  zip.add("periodic.npy", npy("|b1", {}, std::string(1, series.periodic() ? '\x01' : '\x00')));
  zip.add(name, empty_marker());
  zip.add("type_TSContinuous.npy", empty_marker());
  zip.finish();
}

}  // namespace rockpool
