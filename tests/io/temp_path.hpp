// temp_path.hpp: scratch files for the io tests, and whole-file read/write helpers.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace rockpool::test {

// A path in the temporary directory, unique to this process and this object; the file and
// its `.tmp` sibling (what our writers leave when interrupted) are removed at scope end.
struct TempPath {
  std::string path;
  explicit TempPath(const std::string& name) : path(unique(name)) {}
  ~TempPath() {
    std::filesystem::remove(path);
    std::filesystem::remove(path + ".tmp");
  }
  TempPath(const TempPath&) = delete;
  TempPath& operator=(const TempPath&) = delete;

 private:
  static std::string unique(const std::string& name) {
    static std::atomic<unsigned> counter{0};
    return (std::filesystem::temp_directory_path() /
            ("rockpool_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" + name))
        .string();
  }
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void spit(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

}  // namespace rockpool::test
