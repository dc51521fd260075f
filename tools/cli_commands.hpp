// cli_commands.hpp: the subcommands of the `rockpool` command line.
//
// Each command parses its own options with Boost.Program_options and returns an exit code:
// 0 ok, 1 runtime error (a rockpool::Error), 2 usage error (rockpool::UsageError).
// rockpool_main.cpp dispatches on the first argument; add a command by adding a row to
// commands().
#pragma once

#include <boost/program_options.hpp>
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

// Parses `args` against `options` (+ positionals), adding --help; returns false after
// printing the help. Unknown options and malformed values throw UsageError (exit code 2).
bool parse_options(std::span<const std::string> args, std::string_view usage,
                   boost::program_options::options_description& options,
                   const boost::program_options::positional_options_description& positional,
                   boost::program_options::variables_map& vm);

int run_version(std::span<const std::string> args);
int run_info(std::span<const std::string> args);
int run_convert(std::span<const std::string> args);
int run_demo(std::span<const std::string> args);
int run_bench(std::span<const std::string> args);
int run_plot(std::span<const std::string> args);  // tools/plot_command.cpp
void print_nir_info(const std::string& file);       // tools/nir_info.cpp
int run_run(std::span<const std::string> args);     // run_command.cpp
int run_replay(std::span<const std::string> args);  // run_command.cpp

}  // namespace rockpool::cli
