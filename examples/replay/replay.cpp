// replay: stream a recorded event log through a session at real time (or `speed` times it).
//
// Reads the log chunk by chunk (any format the library reads: native .rpl, text, .npz),
// feeds each event into a spike input of a small LIF network as soon as the wall clock
// reaches its time, and lets the session follow the wall clock. Output spikes arrive
// through the callback while the log plays; the program reports them and the lag.
//
// Build against an installed library:  c++ -std=c++20 replay.cpp $(pkg-config --cflags --libs rockpool)
// Run: ./replay events.csv [speed, default 1]
#include <rockpool/rockpool.hpp>

#include <cstdio>
#include <cstdlib>
#include <thread>

int main(int argc, char** argv) {
  using namespace rockpool;
  if (argc < 2) {
    std::fprintf(stderr, "usage: replay <event file> [speed]\n");
    return 2;
  }
  const double speed = argc > 2 ? std::atof(argv[2]) : 1.0;
  try {
    EventFileReader log(argv[1]);
    std::vector<InputEvent> chunk;
    bool more = log.next(chunk);
    std::size_t channels = log.num_channels();
    for (const InputEvent& e : chunk) channels = std::max<std::size_t>(channels, e.channel + 1);

    NetworkBuilder net;
    const NodeRef in = net.spike_input("log", channels);
    const NodeRef lif = net.lif("neurons", channels, {.tau_mem = 20e-3, .tau_syn = {10e-3}, .threshold = 1.0});
    net.connect(in, lif, Connection::one_to_one(0.6, milliseconds(1)));
    Session session(std::move(net), {.pacing = Pacing::kRealTime, .speed = speed});
    session.observe("neurons");
    std::uint64_t spikes = 0;
    Time last_spike;
    session.on_output([&](const OutputSpike& s) {
      ++spikes;
      last_spike = s.time;
    });

    const InputRef input = session.input("log");
    Time last = Time::zero();
    std::uint64_t events = 0;
    while (!chunk.empty()) {
      for (const InputEvent& e : chunk) {
        // Wait for the wall clock to reach the event, keeping the simulation up with it.
        while (session.wall_now() < e.time) {
          session.advance_realtime(e.time);  // not past the event: it must stay pushable
          const Duration ahead = e.time - session.wall_now();
          if (ahead > Duration::zero()) {
            std::this_thread::sleep_for(std::chrono::duration<double>(std::min(1e-3, to_seconds(ahead) / speed)));
          }
        }
        session.push(input, e.time, e.channel);
        last = e.time;
        ++events;
      }
      session.advance_realtime(last);
      chunk.clear();
      if (more) more = log.next(chunk);
    }
    const AdvanceResult r = session.run_realtime(last + milliseconds(20));
    std::printf("replay: %llu events over %.3f s, %llu output spikes (last at %.4f s), max lag %.3f ms\n",
                static_cast<unsigned long long>(events), to_seconds(r.reached), static_cast<unsigned long long>(spikes),
                to_seconds(last_spike), to_seconds(session.stats().max_lag) * 1e3);
    return events > 0 ? 0 : 1;
  } catch (const Error& e) {
    std::fprintf(stderr, "replay: %s\n", e.what());
    return 1;
  }
}
