// Runs the built `rockpool` executable and checks its exit codes and output.
#include <doctest/doctest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/wait.h>

namespace {

struct Result {
  int exit_code;
  std::string output;  // stdout and stderr
};

Result run(const std::string& args) {
  const std::string command = std::string(ROCKPOOL_CLI) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  std::array<char, 4096> buffer;
  while (std::fgets(buffer.data(), buffer.size(), pipe)) output += buffer.data();
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

}  // namespace

TEST_CASE("rockpool --help lists every command and exits 0") {
  const Result r = run("--help");
  CHECK(r.exit_code == 0);
  for (const char* command : {"version", "info", "demo"}) CHECK(r.output.find(command) != std::string::npos);
}

TEST_CASE("rockpool CMD --help lists the command's options") {
  const Result r = run("demo --help");
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("--seed") != std::string::npos);
  CHECK(r.output.find("--duration") != std::string::npos);
}

TEST_CASE("unknown commands and options are usage errors: exit code 2 with a clear message") {
  Result r = run("frobnicate");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("unknown command 'frobnicate'") != std::string::npos);
  r = run("demo --no-such-option");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("no-such-option") != std::string::npos);
  r = run("demo --duration 5parsecs");
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("--duration") != std::string::npos);
  CHECK(run("").exit_code == 2);
}

TEST_CASE("rockpool info describes a text event file, and fails with 1 on a bad one") {
  const auto dir = std::filesystem::temp_directory_path();
  const std::string good = (dir / "rockpool_cli_good.csv").string(), bad = (dir / "rockpool_cli_bad.csv").string();
  std::ofstream(good) << "t[ms],channel\n0,0\n500,1\n1000,1\n";
  std::ofstream(bad) << "0.5,0\n0.1,0\n";
  Result r = run("info " + good);
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("events:      3") != std::string::npos);
  CHECK(r.output.find("channels:    2") != std::string::npos);
  // 3 events over 1 s and 2 channels: 1.5 Hz per channel.
  CHECK(r.output.find("mean rate:   1.5 Hz") != std::string::npos);
  r = run("info " + bad);
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("rockpool_cli_bad.csv:2") != std::string::npos);
  std::filesystem::remove(good);
  std::filesystem::remove(bad);
}

TEST_CASE("rockpool demo prints spikes/s and synaptic events/s for both modes, the same for the same seed") {
  const Result a = run("demo --neurons 100 --duration 200ms --seed 3");
  CHECK(a.exit_code == 0);
  CHECK(a.output.find("exact event-driven:") != std::string::npos);
  CHECK(a.output.find("synaptic events/s") != std::string::npos);
  // The Poisson description line is deterministic for a seed (wall times are not).
  const auto line = [](const std::string& s) { return s.substr(s.find("non-periodic"), s.find('\n', s.find("non-periodic")) - s.find("non-periodic")); };
  const Result b = run("demo --neurons 100 --duration 200ms --seed 3");
  CHECK(line(a.output) == line(b.output));
}
