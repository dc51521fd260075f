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

// Native logs through the CLI: convert and info (issue 7).
#include <unistd.h>

#include <chrono>
#include <iterator>
#include <vector>

namespace {
// Removes the files at the end of the scope, also when a REQUIRE stops the test early.
struct RemoveAtExit {
  std::vector<std::string> paths;
  ~RemoveAtExit() {
    for (const auto& p : paths) std::filesystem::remove(p);
  }
};
}  // namespace

TEST_CASE("rockpool convert: text -> native -> text, exact; info on the native log; usage errors exit 2") {
  const auto dir = std::filesystem::temp_directory_path();
  const std::string stem = (dir / ("rockpool_cli_conv_" + std::to_string(::getpid()))).string();
  const std::string csv = stem + ".csv", rpl = stem + ".rpl", back = stem + "_back.txt", odd = stem + ".odd";
  const RemoveAtExit cleanup{{csv, rpl, back, odd}};
  // 4 ticks past 1 s: not a whole nanosecond, so the text must keep ticks to stay exact.
  const std::string content = "t[tick],channel,value\n0,0,1.5\n4500000000,3,-2\n9000000004,1,0.25\n";
  std::ofstream(csv) << content;
  Result r = run("convert " + csv + " " + rpl);
  CHECK(r.exit_code == 0);
  r = run("info " + rpl);
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("format:      native spike log v1 with values") != std::string::npos);
  CHECK(r.output.find("events:      3") != std::string::npos);
  CHECK(r.output.find("channels:    4") != std::string::npos);
  // 1 + 4/9e9 s, the nearest double printed shortest (Python: float(Fraction(9000000004, 9000000000))).
  CHECK(r.output.find("time span:   0 s to 1.0000000004444445 s") != std::string::npos);
  CHECK(r.output.find("timebase:    9000000000 ticks per second") != std::string::npos);
  CHECK(r.output.find("chunks:      1") != std::string::npos);
  CHECK(r.output.find("truncated:   no") != std::string::npos);
  CHECK(run("convert " + rpl + " " + back).exit_code == 0);
  std::ifstream in(back);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Times in nanoseconds: 4 ticks past 1 s is 1e9 + 4/9 ns, written as .4444.
  CHECK(text == "t[ns],channel,value\n0,0,1.5\n500000000,3,-2\n1000000000.4444,1,0.25\n");
  // Output format from --to when the extension says nothing; else a usage error.
  CHECK(run("convert " + rpl + " " + odd).exit_code == 2);
  CHECK(run("convert " + rpl + " " + odd + " --to native").exit_code == 0);
  CHECK(run("info " + odd).output.find("native spike log") != std::string::npos);  // sniffed
  CHECK(run("convert " + rpl + " " + odd + " --to mp3").exit_code == 2);
  CHECK(run("convert " + rpl + " " + odd + " --to npz").exit_code == 0);
  CHECK(run("info " + odd).output.find("Rockpool npz, TSEvent") != std::string::npos);
  CHECK(run("convert " + stem + ".missing " + odd + " --to text").exit_code == 1);
  CHECK(run("convert " + rpl).exit_code == 2);
}

TEST_CASE("rockpool info reports a truncated native log; convert writes a complete copy") {
  const auto dir = std::filesystem::temp_directory_path();
  const std::string stem = (dir / ("rockpool_cli_trunc_" + std::to_string(::getpid()))).string();
  const std::string csv = stem + ".csv", rpl = stem + ".rpl", cut = stem + "_cut.rpl", fixed = stem + "_fixed.rpl";
  const RemoveAtExit cleanup{{csv, rpl, cut, fixed}};
  std::ofstream(csv) << "t,channel\n0.5,0\n1.5,1\n";
  REQUIRE(run("convert " + csv + " " + rpl).exit_code == 0);
  const auto size = std::filesystem::file_size(rpl);
  std::filesystem::copy_file(rpl, cut, std::filesystem::copy_options::overwrite_existing);
  std::filesystem::resize_file(cut, size - 20);  // into the footer: the one chunk is whole
  Result r = run("info " + cut);
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("events:      2") != std::string::npos);
  CHECK(r.output.find("truncated:   yes, after 2 events") != std::string::npos);
  r = run("convert " + cut + " " + fixed);
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("was truncated") != std::string::npos);
  CHECK(run("info " + fixed).output.find("truncated:   no") != std::string::npos);
}

TEST_CASE("rockpool bench runs each workload and reports it as JSON") {
  // A short CUBA run at the standard size: the exact and clocked modes agree on the network
  // (synapse count) and both fire (CUBA's El lies above threshold, so every neuron fires).
  const Result exact = run("bench cuba --mode exact --duration 50ms --json");
  const Result clocked = run("bench cuba --mode clocked --duration 50ms --json");
  REQUIRE(exact.exit_code == 0);
  REQUIRE(clocked.exit_code == 0);
  const auto field = [](const std::string& json, const std::string& key) {
    const auto at = json.find("\"" + key + "\": ");
    return at == std::string::npos ? std::string() : json.substr(at + key.size() + 4, json.find(',', at) - at - key.size() - 4);
  };
  CHECK(field(exact.output, "synapses") == field(clocked.output, "synapses"));
  CHECK(field(exact.output, "mode") == "\"exact\"");
  CHECK(std::stod(field(exact.output, "spikes")) > 0);
  const Result reservoir = run("bench reservoir --neurons 50 --duration 100ms --json");
  CHECK(reservoir.exit_code == 0);
  CHECK(field(reservoir.output, "neurons") == "50");
  CHECK(run("bench reservoir --mode exact").exit_code == 2);
  CHECK(run("bench nosuch").exit_code == 2);
}

TEST_CASE("rockpool info describes a Rockpool npz fixture (tools/make_npz_fixtures.py)") {
  // tsevent.npz: 5 events on 5 channels over t = 0..2 s (written by numpy, see the script).
  const Result r = run(std::string("info ") + ROCKPOOL_SOURCE_ROOT + "/tests/io/fixtures/tsevent.npz");
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("Rockpool npz, TSEvent") != std::string::npos);
  CHECK(r.output.find("events:      5") != std::string::npos);
  CHECK(r.output.find("channels:    5") != std::string::npos);
  CHECK(r.output.find("time span:   0 s to 2 s") != std::string::npos);
  // 5 events over 2 s on 5 channels: 0.5 Hz per channel.
  CHECK(r.output.find("mean rate:   0.5 Hz") != std::string::npos);
}

TEST_CASE("rockpool demo --out writes the excitatory spikes to a native log that info reads") {
  const auto dir = std::filesystem::temp_directory_path();
  const std::string stem = (dir / ("rockpool_cli_demo_out_" + std::to_string(::getpid()))).string();
  const std::string log = stem + ".rpl", again = stem + "_again.rpl";
  const RemoveAtExit cleanup{{log, again, log + ".tmp", again + ".tmp"}};
  const Result demo = run("demo --neurons 1000 --duration 200ms --seed 5 --out " + log);
  REQUIRE(demo.exit_code == 0);
  const std::string said = "wrote " + log + ": ";
  const auto at = demo.output.find(said);
  REQUIRE(at != std::string::npos);
  const std::string count = demo.output.substr(at + said.size(), demo.output.find(' ', at + said.size()) - at - said.size());
  CHECK(std::stoul(count) > 0);
  CHECK_FALSE(std::filesystem::exists(log + ".tmp"));  // closed, renamed
  const Result info = run("info " + log);
  CHECK(info.exit_code == 0);
  CHECK(info.output.find("events:      " + count + "\n") != std::string::npos);
  CHECK(info.output.find("channels:    800\n") != std::string::npos);  // 4/5 of 1000 are excitatory
  CHECK(info.output.find("time span:   0 s to 0.2 s") != std::string::npos);
  CHECK(info.output.find("source:      simulation") != std::string::npos);
  CHECK(info.output.find("truncated:   no") != std::string::npos);
  // Seeded: the same command writes the same bytes.
  REQUIRE(run("demo --neurons 1000 --duration 200ms --seed 5 --out " + again).exit_code == 0);
  const auto bytes = [](const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  };
  CHECK(bytes(log) == bytes(again));
}

TEST_CASE("rockpool convert / info on Prophesee files: text -> evt3 -> evt2 -> dat -> native -> text, exact") {
  const auto dir = std::filesystem::temp_directory_path();
  const std::string stem = (dir / ("rockpool_cli_cam_" + std::to_string(::getpid()))).string();
  const std::string csv = stem + ".csv", raw = stem + ".raw", evt2 = stem + "_2.raw", dat = stem + ".dat",
                    rpl = stem + ".rpl", back = stem + "_back.csv", odd = stem + "_odd.csv", odd_dat = stem + "_odd.dat";
  const RemoveAtExit cleanup{{csv, raw, evt2, dat, rpl, back, odd, odd_dat}};
  // An 8x6 sensor, split polarities: 96 channels. 16777216 us is the EVT 3.0 time base's wrap.
  std::ofstream(csv) << "t[us],channel\n0,0\n16777216,95\n20000000,13\n";
  Result r = run("convert " + csv + " " + raw);  // .raw is EVT 3.0, which needs the sensor size
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("--sensor") != std::string::npos);
  CHECK(run("convert " + csv + " " + raw + " --sensor 8by6").exit_code == 2);
  CHECK(run("convert " + csv + " " + raw + " --sensor 8x6 --polarity up").exit_code == 2);
  r = run("convert " + csv + " " + raw + " --sensor 8x6");
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("3 events, evt3") != std::string::npos);
  r = run("info " + raw);
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("format:      evt3\n") != std::string::npos);
  CHECK(r.output.find("events:      3\n") != std::string::npos);
  CHECK(r.output.find("channels:    96\n") != std::string::npos);
  CHECK(r.output.find("time span:   0 s to 20 s") != std::string::npos);
  CHECK(r.output.find("timebase:    1000000 ticks per second in the file; largest rounding 0 s") != std::string::npos);
  CHECK(r.output.find("addresses:   camera 8x6, polarity split: (y*W+x)*2+p") != std::string::npos);
  // Merged polarities: one channel per pixel.
  CHECK(run("info " + raw + " --polarity merge").output.find("channels:    48\n") != std::string::npos);
  // Only ON: the events on even channels (0) are dropped.
  CHECK(run("info " + raw + " --polarity on").output.find("dropped:     1 events") != std::string::npos);
  REQUIRE(run("convert " + raw + " " + evt2 + " --to evt2").exit_code == 0);
  CHECK(run("info " + evt2).output.find("format:      evt2\n") != std::string::npos);
  REQUIRE(run("convert " + evt2 + " " + dat).exit_code == 0);
  CHECK(run("info " + dat).output.find("format:      dat\n") != std::string::npos);
  REQUIRE(run("convert " + dat + " " + rpl).exit_code == 0);
  REQUIRE(run("convert " + rpl + " " + back).exit_code == 0);
  std::ifstream in(back);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text == "t[ns],channel\n0,0\n16777216000,95\n20000000000,13\n");
  // A time between two microseconds is rounded, and the conversion says so.
  std::ofstream(odd) << "t[ns],channel\n1500,0\n";
  r = run("convert " + odd + " " + odd_dat + " --sensor 8x6");
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("times rounded to the output's time base, by at most 5e-07 s") != std::string::npos);
}

TEST_CASE("rockpool convert/info with AEDAT: --sensor makes camera events, --polarity filters them") {
  const auto dir = std::filesystem::temp_directory_path();
  const std::string stem = (dir / ("rockpool_cli_aedat_" + std::to_string(::getpid()))).string();
  const std::string csv = stem + ".csv", a3 = stem + ".aedat", a2 = stem + ".aedat2", back = stem + "_back.csv";
  const RemoveAtExit cleanup{{csv, a3, a2, back}};
  // Channels of a 4x3 camera, split polarity: 23 = pixel 11 ON, 9 = pixel 4 ON, 0 = pixel 0 OFF.
  std::ofstream(csv) << "t[us],channel\n1,0\n2,23\n3,9\n";
  CHECK(run("convert " + csv + " " + a2).exit_code == 2);  // AEDAT 2.0 needs a sensor size (usage)
  CHECK(run("convert " + csv + " " + a2 + " --sensor 4x3").exit_code == 0);
  Result r = run("info " + a2 + " --polarity on");
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("format:      aedat2") != std::string::npos);
  CHECK(r.output.find("events:      2") != std::string::npos);
  CHECK(r.output.find("dropped:     1 events") != std::string::npos);
  CHECK(r.output.find("camera 4x3") != std::string::npos);
  CHECK(run("convert " + a2 + " " + a3).exit_code == 0);  // camera events stay camera events
  CHECK(run("info " + a3).output.find("POLARITY events, sensor 4x3") != std::string::npos);
  CHECK(run("convert " + a3 + " " + back).exit_code == 0);
  std::ifstream in(back);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text == "t[ns],channel\n1000,0\n2000,23\n3000,9\n");
  CHECK(run("info " + a2 + " --sensor 4y3").exit_code == 2);
  CHECK(run("info " + a2 + " --polarity up").exit_code == 2);
}

// rockpool run / replay (issue 7): configs drive networks; outputs equal the spikes of the
// same network built in code; exit codes; real-time mode; the progress bar.
#include "engine/simulation.hpp"
#include "engine/sources.hpp"
#include "io/event_file.hpp"
#include "io/npz.hpp"
#include "neurons/lif_exp.hpp"
#include "tools/progress.hpp"

using rockpool::Node;
using rockpool::Time;
using rockpool::TSEvent;

namespace {

std::string temp_stem(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("rockpool_cli_" + name + "_" + std::to_string(::getpid()))).string();
}

// The config of the run/replay tests: an input of 6 channels (Poisson or a log) -> 8 LIF.
std::string lif_config(const std::string& input) {
  return "input { name: \"in\" size: 6 " + input +
         " }\n"
         "node { name: \"lif\" model: \"LIFExact\" size: 8\n"
         "  param { name: \"tau_mem\" value: 0.01 }\n"
         "  param { name: \"tau_syn\" value: 0.004 }\n"
         "  param { name: \"threshold\" value: 0.3 }\n"
         "  param { name: \"refractory\" text: \"1ms\" } }\n"
         "projection { from: \"in\" to: \"lif\" random { p: 0.5 seed: 9 } weight: 0.4 delay: \"0.5ms\" }\n";
}

// The same network in code, driven by `source`: the spikes of "lif" until `until`.
TSEvent lif_in_code(std::unique_ptr<Node> source, Time until) {
  rockpool::Network net;
  const auto in = net.add("in", std::move(source));
  rockpool::LifExp::Parameters p;
  p.tau_mem = 0.01;
  p.tau_syn = {0.004};
  p.threshold = 0.3;
  p.refractory = rockpool::milliseconds(1);
  const auto lif = net.add("lif", std::make_unique<rockpool::LifExp>(p, 8));
  net.connect(in, lif, rockpool::Projection::random(6, 8, 0.5, 0.4, rockpool::microseconds(500), 9));
  rockpool::Simulation sim(std::move(net));
  auto& spikes = sim.record_spikes(lif);
  sim.run_until(until);
  return spikes.to_tsevent(rockpool::Time::zero(), until);
}

}  // namespace

TEST_CASE("rockpool run CONFIG --out: the file holds the spikes of the same network built in code") {
  const std::string stem = temp_stem("run");
  const std::string config = stem + ".pbtxt", out = stem + "_out.rpl", csv = stem + "_out.csv";
  const RemoveAtExit cleanup{{config, out, csv}};
  std::ofstream(config) << lif_config("poisson { rate: 150 seed: 4 }") << "run { duration: \"300ms\" }\n";
  const Result r = run("run " + config + " --out " + out + " --record lif");
  REQUIRE(r.exit_code == 0);
  const rockpool::Time until = rockpool::Time::zero() + rockpool::milliseconds(300);
  const TSEvent expected =
      lif_in_code(std::make_unique<rockpool::PoissonSource>(std::vector<double>(6, 150.0), 4), until);
  REQUIRE(expected.size() > 10);
  const TSEvent got = rockpool::read_events(out);
  CHECK(std::vector<rockpool::Time>(got.times().begin(), got.times().end()) ==
        std::vector<rockpool::Time>(expected.times().begin(), expected.times().end()));
  CHECK(std::vector<rockpool::Channel>(got.channels().begin(), got.channels().end()) ==
        std::vector<rockpool::Channel>(expected.channels().begin(), expected.channels().end()));
  CHECK(got.num_channels() == 8);
  CHECK(got.t_stop() == until);
  CHECK(r.output.find("wrote " + out + ": " + std::to_string(expected.size()) + " spikes") != std::string::npos);
  // --duration overrides the config's; the text output holds the same first spikes.
  REQUIRE(run("run " + config + " --out " + csv + " --record lif --duration 100ms --quiet").exit_code == 0);
  const TSEvent shorter = rockpool::read_events(csv);
  CHECK(shorter.size() == expected.clip(rockpool::Time::zero(), rockpool::Time::zero() + rockpool::milliseconds(100)).size());
}

TEST_CASE("rockpool replay LOG --net CONFIG equals a run of the same events from a TSEventSource") {
  const std::string stem = temp_stem("replay");
  const std::string config = stem + ".pbtxt", log = stem + "_in.rpl", text = stem + "_in.csv",
                    out = stem + "_out.rpl", out_text = stem + "_out2.rpl";
  const RemoveAtExit cleanup{{config, log, text, out, out_text}};
  // 400 input events on 6 channels over 0.4 s, with a recorded end at 0.5 s.
  std::vector<rockpool::Time> times;
  std::vector<rockpool::Channel> channels;
  for (int k = 0; k < 400; ++k) {
    times.push_back(rockpool::Time::zero() + rockpool::microseconds(1000 * k + 37 * (k % 5)));
    channels.push_back(static_cast<rockpool::Channel>((k * 7) % 6));
  }
  const rockpool::Time t_stop = rockpool::Time::zero() + rockpool::milliseconds(500);
  const TSEvent events(times, channels, {.num_channels = 6, .t_stop = t_stop});
  rockpool::write_events(log, events, rockpool::EventFileFormat::kNative);
  rockpool::write_events(text, events, rockpool::EventFileFormat::kText);
  std::ofstream(config) << lif_config("log {}");

  const Result r = run("replay " + log + " --net " + config + " --out " + out);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("input in: 400 events") != std::string::npos);
  const TSEvent expected = lif_in_code(std::make_unique<rockpool::TSEventSource>(events), t_stop);
  REQUIRE(expected.size() > 10);
  const TSEvent got = rockpool::read_events(out);
  CHECK(std::vector<rockpool::Time>(got.times().begin(), got.times().end()) ==
        std::vector<rockpool::Time>(expected.times().begin(), expected.times().end()));
  CHECK(std::vector<rockpool::Channel>(got.channels().begin(), got.channels().end()) ==
        std::vector<rockpool::Channel>(expected.channels().begin(), expected.channels().end()));
  CHECK(got.t_stop() == t_stop);  // the replay ends at the recording's end, not before or after
  // The same events from a text file: the same output spikes (the text has no t_stop, so
  // the run ends just past the last input event).
  REQUIRE(run("replay " + text + " --net " + config + " --out " + out_text + " --quiet").exit_code == 0);
  const TSEvent from_text = rockpool::read_events(out_text);
  const TSEvent until_last = expected.clip(rockpool::Time::zero(), times.back(), {.include_stop = true});
  CHECK(from_text.size() == until_last.size());
  CHECK(from_text.t_stop() == times.back() + rockpool::ticks(1));
  // A config written for an application (a session input): the log feeds it instead, and
  // the spikes are the same.
  const std::string session_config = stem + "_session.pbtxt", out_session = stem + "_out3.rpl";
  const RemoveAtExit cleanup_session{{session_config, out_session}};
  std::ofstream(session_config) << lif_config("session {}");
  REQUIRE(run("replay " + log + " --net " + session_config + " --out " + out_session + " --quiet").exit_code == 0);
  const TSEvent from_session = rockpool::read_events(out_session);
  CHECK(std::vector<rockpool::Time>(from_session.times().begin(), from_session.times().end()) ==
        std::vector<rockpool::Time>(expected.times().begin(), expected.times().end()));
  CHECK(from_session.t_stop() == t_stop);
}

TEST_CASE("rockpool run / replay: exit codes, config errors with file:line:col, quiet, real time") {
  const std::string stem = temp_stem("codes");
  const std::string config = stem + ".pbtxt", bad = stem + "_bad.pbtxt", log = stem + "_in.csv", wide = stem + "_wide.csv";
  const RemoveAtExit cleanup{{config, bad, log, wide}};
  std::ofstream(config) << lif_config("log {}");
  std::ofstream(bad) << "node { name: \"a\" model: \"LIFExact\" size: 2 }\nprojection { from: \"a\" to: \"b\" one_to_one {} }\n";
  std::ofstream(log) << "t[ms],channel\n1,0\n2,5\n30,3\n";
  std::ofstream(wide) << "t[ms],channel\n1,0\n2,6\n30,3\n";

  Result r = run("run " + bad + " --duration 10ms");
  CHECK(r.exit_code == 1);
  CHECK(r.output.find(bad + ":2:24: ") != std::string::npos);  // the `to` of the projection
  CHECK(run("run").exit_code == 2);                           // no config
  CHECK(run("replay " + log).exit_code == 2);                 // no --net
  CHECK(run("run " + config).exit_code == 2);                 // a log input but no log
  {
    // A session input (fed by an application) with no log to stand in: a usage error naming
    // it; a continuous one, which no event log can feed, too.
    const std::string session = stem + "_session.pbtxt", level = stem + "_level.pbtxt";
    const RemoveAtExit cleanup_session{{session, level}};
    std::ofstream(session) << lif_config("session {}");
    std::ofstream(level) << lif_config("session { continuous: true }");
    r = run("run " + session + " --duration 10ms");
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("input 'in' is fed by an application through a Session") != std::string::npos);
    CHECK(run("run " + session + " --input " + log + " --quiet").exit_code == 0);
    r = run("replay " + log + " --net " + level);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("input 'in' takes continuous values") != std::string::npos);
  }
  CHECK(run("run " + config + " --input " + log + " --record lif").exit_code == 2);  // --record without --out
  CHECK(run("run " + config + " --input " + log + " --quiet --verbose").exit_code == 2);
  CHECK(run("run /no/such/config.pbtxt --duration 1s").exit_code == 1);

  // Channel 6 of a 6-channel input: a named error, or dropped on request.
  r = run("replay " + wide + " --net " + config);
  CHECK(r.exit_code == 1);
  CHECK(r.output.find(wide + ": event 1") != std::string::npos);
  r = run("replay " + wide + " --net " + config + " --drop-out-of-range");
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("1 dropped") != std::string::npos);

  // --quiet prints nothing; without a terminal there is no progress bar (no '\r').
  r = run("replay " + log + " --net " + config + " --quiet");
  CHECK(r.exit_code == 0);
  CHECK(r.output.empty());
  r = run("replay " + log + " --net " + config);
  CHECK(r.output.find('\r') == std::string::npos);
  // The run ends just past the last event (30 ms), the text having no recorded end.
  const std::string span = rockpool::format_seconds(rockpool::milliseconds(30) + rockpool::ticks(1));
  CHECK(r.output.find("ran " + span + " s simulated") != std::string::npos);

  // Real time: 60 ms of simulated time take at least 60 ms of wall time, and the lag is reported.
  const auto start = std::chrono::steady_clock::now();
  r = run("replay " + log + " --net " + config + " --realtime --duration 60ms --step 5ms");
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(r.exit_code == 0);
  CHECK(wall >= 0.060);
  CHECK(r.output.find("real time: 12 slices of 0.005 s, lag behind the wall clock max ") != std::string::npos);
  CHECK(r.output.find("ms, mean ") != std::string::npos);
}

TEST_CASE("the progress bar: fraction, ETA from the rate so far, real-time factor") {
  using rockpool::cli::render_progress;
  // Half done in 10 s of wall time: 10 s left; 2 s simulated in 10 s is 0.2x real time.
  const std::string half = render_progress({.fraction = 0.5, .simulated_s = 2.0, .wall_s = 10.0}, 10);
  CHECK(half.starts_with("[#####.....]  50.0%  ETA 0:10"));
  CHECK(half.find("2 s simulated, 0.2x real time") != std::string::npos);
  // A quarter in 30 s: 90 s left = 1:30.
  CHECK(render_progress({.fraction = 0.25, .simulated_s = 1.0, .wall_s = 30.0}, 4).starts_with("[#...]  25.0%  ETA 1:30"));
  CHECK(render_progress({.fraction = 0.0, .simulated_s = 0.0, .wall_s = 0.0}, 4) == "[....]   0.0%  ETA --:--");
  // Drawn only on a terminal, never when quiet.
  CHECK_FALSE(rockpool::cli::ProgressBar(rockpool::cli::Verbosity::kNormal, false).enabled());
  CHECK_FALSE(rockpool::cli::ProgressBar(rockpool::cli::Verbosity::kQuiet, true).enabled());
  CHECK(rockpool::cli::ProgressBar(rockpool::cli::Verbosity::kNormal, true).enabled());
}

TEST_CASE("rockpool run: state records become Rockpool npz time series equal to the state recorded in code") {
  const std::string stem = temp_stem("state");
  const std::string config = stem + ".pbtxt", npz = stem + "_v.npz";
  const RemoveAtExit cleanup{{config, npz}};
  std::ofstream(config) << lif_config("poisson { rate: 150 seed: 4 }")
                        << "record { node: \"lif\" state: \"v_mem\" every: \"2ms\" path: \"" << npz << "\" }\n"
                        << "run { duration: \"100ms\" }\n";
  const Result r = run("run " + config);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("wrote " + npz + ": 50 samples") != std::string::npos);  // 0, 2, ..., 98 ms
  // The same network in code, sampled alike.
  rockpool::Network net;
  const auto in = net.add("in", std::make_unique<rockpool::PoissonSource>(std::vector<double>(6, 150.0), 4));
  rockpool::LifExp::Parameters p;
  p.tau_mem = 0.01;
  p.tau_syn = {0.004};
  p.threshold = 0.3;
  p.refractory = rockpool::milliseconds(1);
  const auto lif = net.add("lif", std::make_unique<rockpool::LifExp>(p, 8));
  net.connect(in, lif, rockpool::Projection::random(6, 8, 0.5, 0.4, rockpool::microseconds(500), 9));
  rockpool::Simulation sim(std::move(net));
  auto& v = sim.record_state(lif, "v_mem", {}, rockpool::milliseconds(2));
  sim.run_until(Time::zero() + rockpool::milliseconds(100));
  const rockpool::TSContinuous got = rockpool::read_npz_continuous(npz);
  REQUIRE(got.num_samples() == v.times().size());
  REQUIRE(got.num_channels() == 8);
  for (std::size_t k = 0; k < got.num_samples(); ++k) {
    for (std::size_t c = 0; c < 8; ++c) CHECK(got.samples()[k * 8 + c] == v.samples()[k * 8 + c]);
  }
}

TEST_CASE("rockpool demo --model picks the neuron model by name; run --list-models lists them") {
  Result r = run("demo --neurons 100 --duration 50ms --model LIFClocked");
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("LIFClocked:") != std::string::npos);
  r = run("demo --neurons 100 --duration 50ms --model NoSuchModel");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("known: LIFExact") != std::string::npos);
  CHECK(run("demo --neurons 100 --duration 50ms --model Rate").exit_code == 2);  // not spiking
  // AeifPscExp by its alias, its weights in amps: the network spikes.
  r = run("demo --neurons 1000 --duration 100ms --model aeif");  // 50 inputs per neuron: it fires
  CHECK(r.exit_code == 0);
  const std::size_t at = r.output.find("aeif:");
  REQUIRE(at != std::string::npos);
  CHECK(std::stoul(r.output.substr(at + 5)) > 0);  // "aeif:   N spikes"
  r = run("run --list-models");
  CHECK(r.exit_code == 0);
  for (const char* model : {"LIFExact", "LIFClocked", "ExpSyn", "FFRateEuler", "Rate", "AeifPscExp", "CLIAF", "SoftMax",
                            "RecDIAF", "FFUpDown", "PassThroughEvents", "RecFSSpikeEulerBT", "ButterFilter",
                            "ButterMelFilter"}) {
    std::string line_start = "\n";  // one model per line
    line_start += model;
    CHECK((r.output.starts_with(model) || r.output.find(line_start) != std::string::npos));
  }
}
