// closed_loop: a simulated sensor thread pushes events into a real-time session; the
// application reacts to the network's output spikes through the callback, and its
// reaction feeds back into the network as input on a second channel.
//
// The network: a 2-channel spike input -> 2 exact LIF neurons (one-to-one, 1 ms delay).
// The sensor fires channel 0 every 2 ms. Each output spike of neuron 0 makes the
// "controller" push a spike on channel 1 right away (stamped with the wall clock), which
// drives neuron 1: a closed loop through the application.
//
// Build against an installed library:  c++ -std=c++20 closed_loop.cpp $(pkg-config --cflags --libs rockpool)
// Run: ./closed_loop [simulated seconds, default 0.2]
#include <rockpool/rockpool.hpp>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <thread>

int main(int argc, char** argv) {
  using namespace rockpool;
  const double seconds = argc > 1 ? std::atof(argv[1]) : 0.2;
  try {
    NetworkBuilder net;
    const NodeRef sensor = net.spike_input("sensor", 2);
    const NodeRef neurons = net.lif("neurons", 2, {.tau_mem = 10e-3, .tau_syn = {5e-3}, .threshold = 1.0});
    net.connect(sensor, neurons, Connection::one_to_one(2.5, milliseconds(1)));

    Session session(std::move(net), {.pacing = Pacing::kRealTime});
    session.observe("neurons");
    const InputRef input = session.input("sensor");

    std::atomic<int> reactions{0}, loop_spikes{0};
    // The callback runs on the thread that advances the session (here: main, inside
    // run_realtime). push_now is thread-safe and stamps the event with the wall clock.
    session.on_output([&](const OutputSpike& s) {
      if (s.neuron == 0) {
        session.push_now(input, 1);
        ++reactions;
      } else {
        ++loop_spikes;
      }
    });

    const Time end = Time::zero() + Duration::from_seconds(seconds);
    std::thread sensor_thread([&] {
      // One event every 2 ms of wall-clock time, stamped on arrival.
      while (session.wall_now() < end) {
        session.push_now(input, 0);
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    });
    const AdvanceResult r = session.run_realtime(end);
    sensor_thread.join();

    const SessionStats stats = session.stats();
    std::printf("closed_loop: %.3f s simulated, %llu inputs pushed, %d reactions, %d spikes of the loop neuron, "
                "max lag %.3f ms\n",
                to_seconds(r.reached), static_cast<unsigned long long>(stats.pushed), reactions.load(),
                loop_spikes.load(), to_seconds(stats.max_lag) * 1e3);
    // Every reaction was pushed back; the loop neuron must have answered most of them.
    return reactions > 0 && loop_spikes > 0 ? 0 : 1;
  } catch (const Error& e) {
    std::fprintf(stderr, "closed_loop: %s\n", e.what());
    return 1;
  }
}
