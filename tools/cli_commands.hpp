// cli_commands.hpp: the subcommands of the `rockpool` command line.
//
// Each command parses its own options with Boost.Program_options and returns an exit code:
// 0 ok, 1 runtime error (a rockpool::Error), 2 usage error (rockpool::UsageError).
// rockpool_main.cpp dispatches on the first argument; add a command by adding a row to
// commands().
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rockpool::cli {

struct Command {
  std::string_view name;
  std::string_view summary;
  // args excludes the program and command names.
  int (*run)(std::span<const std::string> args);
};

std::span<const Command> commands();

int run_version(std::span<const std::string> args);
int run_info(std::span<const std::string> args);
int run_demo(std::span<const std::string> args);

}  // namespace rockpool::cli
