#include "tools/cli_commands.hpp"

#include <boost/program_options.hpp>
#include <iostream>

#include "engine/error.hpp"

namespace rockpool::cli {
namespace po = boost::program_options;

namespace {

// Parses `args` against `options` (+ positionals); returns false after printing --help.
// Unknown options and malformed values become UsageError (exit code 2).
bool parse(std::span<const std::string> args, std::string_view usage, po::options_description& options,
           const po::positional_options_description& positional, po::variables_map& vm) {
  options.add_options()("help,h", "show this help");
  try {
    po::store(po::command_line_parser(std::vector<std::string>(args.begin(), args.end()))
                  .options(options)
                  .positional(positional)
                  .run(),
              vm);
    if (vm.count("help")) {
      std::cout << "usage: " << usage << "\n" << options;
      return false;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return true;
}

}  // namespace

std::span<const Command> commands() {
  static const Command kCommands[] = {
      {"version", "print the version of rockpool-cpp", run_version},
      {"info", "describe a text event file (t,channel[,value])", run_info},
      {"demo", "run a small seeded simulation and print a summary", run_demo},
  };
  return kCommands;
}

int run_version(std::span<const std::string> args) {
  po::options_description options("options");
  po::variables_map vm;
  if (!parse(args, "rockpool version", options, {}, vm)) return 0;
  std::cout << "rockpool-cpp 0.1.0 (C++20, time tick 1/9 ns)\n";
  return 0;
}

int run_info(std::span<const std::string> args) {
  po::options_description options("options");
  std::string file;
  options.add_options()("file", po::value(&file)->required(), "text event file");
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map vm;
  if (!parse(args, "rockpool info FILE", options, positional, vm)) return 0;
  throw Error("info: not built yet");
}

int run_demo(std::span<const std::string> args) {
  po::options_description options("options");
  po::variables_map vm;
  if (!parse(args, "rockpool demo", options, {}, vm)) return 0;
  throw Error("demo: not built yet");
}

}  // namespace rockpool::cli
