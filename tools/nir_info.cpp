// `rockpool info FILE.nir`: what a NIR model graph holds — nodes with their types and
// sizes, edges, and whether (and as what) it imports into a Network (io/nir.hpp).
#include <algorithm>
#include <iostream>
#include <string>

#include "engine/error.hpp"
#include "io/nir.hpp"
#include "tools/cli_commands.hpp"

namespace rockpool::cli {
namespace {

std::string shape_text(const std::vector<std::size_t>& shape) {
  std::string s = "(";
  for (std::size_t k = 0; k < shape.size(); ++k) s += (k ? ", " : "") + std::to_string(shape[k]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

// The size a node works on, as far as its parameters say.
std::string node_summary(const NirNode& n) {
  if ((n.type == "Input" || n.type == "Output") && n.params.count("shape")) {
    std::string s = "shape [";
    std::size_t total = 1;
    const auto& v = n.params.at("shape").values;
    for (std::size_t k = 0; k < v.size(); ++k) {
      s += (k ? ", " : "") + std::to_string(static_cast<long long>(v[k]));
      total *= static_cast<std::size_t>(std::max(v[k], 0.0));
    }
    return s + "]: " + std::to_string(total) + " channels";
  }
  if (n.params.count("weight")) {
    const auto& w = n.params.at("weight");
    std::string s = "weight " + shape_text(w.shape);
    if (w.shape.size() == 2) s += ": " + std::to_string(w.shape[1]) + " -> " + std::to_string(w.shape[0]);
    return s;
  }
  std::size_t size = 0;
  for (const auto& [key, a] : n.params) size = std::max(size, a.size());
  std::string keys;
  for (const auto& [key, a] : n.params) keys += (keys.empty() ? "" : " ") + key;
  return std::to_string(size) + " units; " + (keys.empty() ? "no parameters" : keys);
}

}  // namespace

void print_nir_info(const std::string& file) {
  const NirGraph g = read_nir_graph(file);
  std::cout << "file:        " << file << "\n"
            << "format:      NIR graph (HDF5)" << (g.version.empty() ? "" : ", version " + g.version) << "\n"
            << "nodes:       " << g.nodes.size() << "\n";
  std::size_t width = 4;
  for (const NirNode& n : g.nodes) width = std::max(width, n.name.size());
  for (const NirNode& n : g.nodes) {
    std::cout << "  " << n.name << std::string(width + 2 - n.name.size(), ' ') << n.type
              << std::string(n.type.size() < 10 ? 10 - n.type.size() : 1, ' ') << node_summary(n) << "\n";
  }
  std::cout << "edges:       " << g.edges.size() << "\n";
  constexpr std::size_t kMaxEdges = 100;
  for (std::size_t k = 0; k < g.edges.size() && k < kMaxEdges; ++k) {
    std::cout << "  " << g.edges[k].first << " -> " << g.edges[k].second << "\n";
  }
  if (g.edges.size() > kMaxEdges) std::cout << "  ... " << g.edges.size() - kMaxEdges << " more\n";
  // Whether it imports with the default options, and if not, why (the named error).
  try {
    const NirNetwork m = nir_to_network(g, {}, file);
    std::size_t synapses = 0;
    for (ProjectionId p = 0; p < m.network.num_projections(); ++p) synapses += m.network.projection(p).num_synapses();
    const std::size_t projections = m.network.num_projections();
    std::cout << "imports as:  " << m.network.num_nodes() << " nodes, " << projections
              << (projections == 1 ? " projection, " : " projections, ") << synapses
              << " synapses (Input -> TSEventSource, CubaLIF -> LifExp)\n";
  } catch (const Error& e) {
    std::cout << "imports as:  not importable: " << e.what() << "\n";
  }
}

}  // namespace rockpool::cli
