// rockpool: the command line. `rockpool --help` lists the commands; `rockpool CMD --help`
// lists a command's options. Exit codes: 0 ok, 1 runtime error, 2 usage error.
#include <iostream>
#include <string>
#include <vector>

#include "engine/error.hpp"
#include "tools/cli_commands.hpp"

namespace {

void print_usage(std::ostream& out) {
  out << "usage: rockpool COMMAND [OPTIONS]\n\ncommands:\n";
  for (const auto& c : rockpool::cli::commands()) {
    out << "  " << c.name << std::string(12 - std::min<std::size_t>(c.name.size(), 11), ' ') << c.summary
        << "\n";
  }
  out << "\n`rockpool COMMAND --help` shows the options of a command.\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    print_usage(std::cerr);
    return 2;
  }
  const std::string& name = args.front();
  if (name == "--help" || name == "-h" || name == "help") {
    print_usage(std::cout);
    return 0;
  }
  if (name == "--version") args.front() = "version";
  for (const auto& c : rockpool::cli::commands()) {
    if (c.name != args.front()) continue;
    try {
      return c.run(std::span<const std::string>(args).subspan(1));
    } catch (const rockpool::UsageError& e) {
      std::cerr << "rockpool " << c.name << ": " << e.what() << "\n(see `rockpool " << c.name
                << " --help`)\n";
      return 2;
    } catch (const rockpool::Error& e) {
      std::cerr << "rockpool " << c.name << ": error: " << e.what() << "\n";
      return 1;
    }
  }
  std::cerr << "rockpool: unknown command '" << name << "'\n\n";
  print_usage(std::cerr);
  return 2;
}
