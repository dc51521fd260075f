// spike_log_recorder.hpp: writes one node's spikes to a native log (.rpl) while a run goes.
//
// Use it instead of Simulation::record_spikes when a run's spikes should go to disk rather
// than stay in memory: memory stays bounded by one chunk of the log, each chunk reaches the
// file as soon as it is full, and a run that is killed leaves `path.tmp` readable up to its
// last complete chunk (io/native_log.hpp, doc/formats.md "Crash tolerance").
//
//   Simulation sim(std::move(net));
//   SpikeLogRecorder log(sim, exc, "exc.rpl");   // declare after sim: it borrows sim
//   sim.run_until(Time::from_seconds(1.0));       // any number of run calls
//   log.close();                                  // footer, rename exc.rpl.tmp -> exc.rpl
//
// Design. The engine knows nothing of io/ (io sits above it), so the recorder attaches
// through the engine's public API: it takes the simulation's spike callback slot
// (Simulation::on_spike) and appends every spike of its node to a NativeLogWriter, in event
// order, which is non-decreasing in time, as the log requires. The alternative, draining a
// SpikeRecorder into the writer after each run call, keeps every spike of the run in memory
// and writes nothing during a run call, so a run killed midway would leave nothing: it
// would defeat both reasons for the log.
//
// The cost of the callback: Simulation::on_spike holds ONE callback, and setting it
// replaces the previous one, which cannot be read back to chain to it (that needs an engine
// change). So, from construction until close() or destruction, the recorder owns the slot:
//   * a callback set before the recorder is replaced (set it afterwards and it replaces the
//     recorder, whose log then silently stops growing);
//   * at most one SpikeLogRecorder per simulation; to log several nodes, run one per
//     simulation or record the others with record_spikes.
//
// Ownership: borrows the simulation (which must outlive the recorder: declare the recorder
// after it) and owns its NativeLogWriter. Not copyable or movable: the callback refers to
// the recorder. close() and the destructor both give the slot back (set an empty callback).
//
// Span: the log's t_start is sim.now() when the recorder is made, its t_stop sim.now() at
// close(), so reading it back gives the same TSEvent as
// record_spikes(node).to_tsevent(t_start, t_stop) over the same runs.
//
// Errors: InvalidArgument if the node does not emit spikes; IoError if the file cannot be
// written (from the constructor, or from run_until when a full chunk is written).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/event.hpp"
#include "engine/time.hpp"
#include "io/native_log.hpp"

namespace rockpool {

class Simulation;

class SpikeLogRecorder {
 public:
  // Starts the log of `node`'s spikes at `path` (written as `path.tmp` until close()) and
  // takes the simulation's spike callback. From `options`, the recorder sets num_channels
  // (the node's size_out), t_start (sim.now()) and has_values (false); it keeps the rest,
  // with defaults name = the node's name and source = "simulation" when those are left at
  // their defaults.
  SpikeLogRecorder(Simulation& sim, NodeId node, std::string path, NativeLogOptions options = {});
  SpikeLogRecorder(const SpikeLogRecorder&) = delete;
  SpikeLogRecorder& operator=(const SpikeLogRecorder&) = delete;
  // Without close() (an exception unwound the run, the run was abandoned): gives the
  // callback slot back and leaves `path.tmp` holding every spike logged, the pending ones
  // as a last chunk, as after a crash; `path` is not created.
  ~SpikeLogRecorder();

  // Writes the pending spikes now as a (possibly short) chunk, e.g. between run calls, so
  // that a crash loses nothing logged before the call. Extra chunk boundaries change the
  // file's bytes, not its events.
  void flush();
  // Gives the callback slot back, writes the footer with t_stop = sim.now() and renames
  // `path.tmp` to `path`. The recorder logs nothing afterwards. InvalidArgument if called
  // twice.
  void close();

  NodeId node() const { return node_; }
  std::uint64_t size() const { return writer_.size(); }  // spikes logged so far
  const std::string& path() const { return writer_.path(); }
  const std::string& temp_path() const { return writer_.temp_path(); }

 private:
  void detach() noexcept;

  Simulation& sim_;
  NodeId node_;
  NativeLogWriter writer_;
  bool attached_ = false;  // true while the recorder holds the simulation's callback
};

}  // namespace rockpool
