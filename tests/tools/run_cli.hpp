// run_cli.hpp: runs the built `rockpool` executable for the tools tests.
#pragma once

#include <doctest/doctest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace rockpool::test {

struct CliResult {
  int exit_code;
  std::string output;  // stdout and stderr
};

// `rockpool ARGS`, with stderr merged into the output.
inline CliResult rockpool_cli(const std::string& args) {
  const std::string command = std::string(ROCKPOOL_CLI) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  std::array<char, 4096> buffer;
  while (std::fgets(buffer.data(), buffer.size(), pipe)) output += buffer.data();
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

}  // namespace rockpool::test
