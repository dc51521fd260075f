// nir.hpp: NIR model graphs (Neuromorphic Intermediate Representation, HDF5 files), read
// into our engine's Network and written from one.
//
// Use it to exchange a spiking network with the frameworks that speak NIR (Rockpool,
// snnTorch, Norse, Sinabs, Lava, SpiNNaker2). A NIR file is a model, not events: it stays
// out of the event format table (io/event_file.hpp refuses HDF5 there); `rockpool info`
// recognises it with is_hdf5_file(). doc/formats.md ("NIR") gives the layout, the node
// types we support, how their parameters map onto LifExp and what is refused.
//
// Two layers:
//   NirGraph  the file's content, as it is: nodes (name, type, numeric parameter arrays)
//             and edges. read_nir_graph / write_nir_graph are the HDF5 layer (C API, in
//             nir.cpp only); nothing here needs HDF5 headers.
//   read_nir / write_nir  the mapping between a NirGraph and a Network: Input -> a
//             TSEventSource, CubaLIF -> LifExp (or LifExpClocked), Linear/Affine/Scale/
//             Identity/Delay chains -> one Projection each, Output -> the name of the node
//             that feeds it.
//
//   NirNetwork model = read_nir("net.nir", {.inputs = {{"input", spikes}}});
//   Simulation sim(std::move(model.network));
//   auto& out = sim.record_spikes(sim.network().id(model.outputs.at("output")));
//   write_nir("copy.nir", net);
//
// Errors: a file that is not HDF5, or whose layout is not NIR's (missing `type`, wrong
// shapes, dangling edges), and every node or parameter we cannot represent, throw
// FormatError(file, 0, problem); the problem names the node (and parameter, index) — HDF5
// objects have no meaningful byte offset, so the position is 0. Writing refuses what NIR
// cannot express (a refractory period, two synaptic ports) with InvalidArgument naming the
// node. Writes go to a temporary file renamed into place.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "engine/network.hpp"
#include "engine/time.hpp"
#include "timeseries/ts_event.hpp"

namespace rockpool {

// A numeric dataset of a NIR node (any integer or float type in the file, held as double).
struct NirArray {
  std::vector<std::size_t> shape;  // empty: a scalar
  std::vector<double> values;      // row-major (C order), the product of shape
  bool integer = false;            // stored as an integer type (Input's `shape`)

  std::size_t size() const { return values.size(); }
  friend bool operator==(const NirArray&, const NirArray&) = default;
};

struct NirNode {
  std::string name;
  std::string type;                        // "CubaLIF", "Linear", ...
  std::map<std::string, NirArray> params;  // numeric datasets of the node's group, by name
  friend bool operator==(const NirNode&, const NirNode&) = default;
};

struct NirGraph {
  std::string version;  // the root `version` dataset ("" if absent)
  std::vector<NirNode> nodes;                               // in name order
  std::vector<std::pair<std::string, std::string>> edges;   // (source, target), file order
  const NirNode* find(const std::string& name) const;
  friend bool operator==(const NirGraph&, const NirGraph&) = default;
};

// The first 8 bytes are HDF5's signature ("\x89HDF\r\n\x1a\n"). IoError if unreadable.
bool is_hdf5_file(const std::string& path);

// Reads the NIR layout: root `version`, group `node` (type NIRGraph) with `nodes/<name>`
// groups (`type` string + datasets) and `edges` (E x 2 strings); also the old layout of
// nir <= 0.0.5 (`nodes`, `edges` at the root). Subgraphs (a node of type NIRGraph) are
// refused. Non-numeric datasets other than `type`, and groups inside a node (`input_type`,
// `output_type`, `metadata`), are skipped.
NirGraph read_nir_graph(const std::string& path);

// Writes `graph` in NIR's layout (what nir.write produces: vlen UTF-8 strings, float64 and
// int64 arrays gzip-compressed and chunked, scalars contiguous), to a temporary file renamed
// over `path`. IoError if HDF5 cannot write.
void write_nir_graph(const std::string& path, const NirGraph& graph);

struct NirReadOptions {
  // Spikes for each Input node, by its name (channels must fit its size); an Input without
  // an entry gets an empty series (a source that never fires).
  std::map<std::string, TSEvent> inputs;
  // Non-zero: neurons become LifExpClocked layers stepped at this dt (exact propagator)
  // instead of event-driven LifExp populations.
  Duration clocked_dt = Duration::zero();
  // NIR's LIF has no synaptic current (an input spike makes v jump by r w / tau); LifExp
  // always has one. Positive: import LIF as LifExp with this synaptic time constant (s),
  // weights scaled so that the jump, once the current has decayed, is NIR's (see
  // doc/formats.md). Zero: LIF nodes are refused.
  double lif_tau_syn = 0.0;
  // An Affine bias b into a CubaLIF is a constant input through the synaptic filter: in NIR
  // the current starts at 0 and rises as w_in b (1 - e^{-t/tau_syn}). LifExp's bias is
  // that current at its steady state from t = 0. True: accept this (r w_in b becomes the
  // bias); false: refuse a non-zero bias into a CubaLIF.
  bool bias_at_steady_state = false;
};

struct NirNetwork {
  Network network;
  std::vector<std::string> inputs;             // the Input nodes (network nodes of that name)
  std::map<std::string, std::string> outputs;  // Output node -> the network node feeding it
};

// The graph as a Network (see the mapping in doc/formats.md). Throws FormatError naming
// the node for anything unsupported or inconsistent; `file` is for messages only.
NirNetwork nir_to_network(const NirGraph& graph, const NirReadOptions& options = {},
                          const std::string& file = "NIR graph");

NirNetwork read_nir(const std::string& path, const NirReadOptions& options = {});

struct NirWriteOptions {
  // Nodes whose spikes are the graph's outputs (an Output node `output_<name>` each).
  // Default: every population without outgoing projections.
  std::vector<std::string> outputs;
};

// The network as a NIR graph: spike sources -> Input, LifExp -> CubaLIF (r = tau_syn,
// w_in = 1, so weights are ours unscaled; v_leak = v_rest + bias), each projection ->
// a Linear `<pre>_to_<post>` (weights out x in), plus a Delay after it when the delays are
// not all zero (one delay per target neuron; per-synapse delays that differ within a
// target are refused). Throws InvalidArgument naming the node or projection for what NIR
// cannot hold: other node types, LifExp with several ports or a refractory period,
// projections on port > 0.
NirGraph network_to_nir(const Network& network, const NirWriteOptions& options = {});

void write_nir(const std::string& path, const Network& network, const NirWriteOptions& options = {});

}  // namespace rockpool
