// checkpoint.hpp: save a running session and restore it, bit for bit.
//
// A checkpoint holds the whole running state of a Session: every node's state, the
// pending events including spikes in flight on delayed synapses, the generators' RNG
// counters, inputs pushed but not yet simulated, undelivered outputs, and the time. So
//
//   session.advance_to(t1); session.save_checkpoint("run.ckpt");
//   Session fresh(build_network());  fresh.observe("neurons");
//   fresh.restore_checkpoint("run.ckpt");  fresh.advance_to(t2);
//
// gives exactly the spikes and state of one session advanced straight to t2. The file
// is versioned and CRC-checked and written to <path>.tmp then renamed. Restoring a file
// that is not a checkpoint, is corrupt or truncated, has another version, or was saved
// from a different network (names, sizes, weights, delays) throws CheckpointError; a
// network with a node that cannot be checkpointed throws CheckpointError naming it.
// The format is described in doc/api.md.
#pragma once

#include "rockpool/errors.hpp"
#include "rockpool/session.hpp"
