// `rockpool info FILE.nir`: a NIR model graph is recognised by its HDF5 signature and
// described (nodes, sizes, edges, whether it imports), broken ones fail with exit code 1.
#include <doctest/doctest.h>

#include <string>

#include "tests/tools/run_cli.hpp"

using rockpool::test::rockpool_cli;

namespace {
const std::string kFixtures = std::string(ROCKPOOL_SOURCE_ROOT) + "/tests/io/fixtures/";
}

TEST_CASE("rockpool info describes a NIR graph: nodes with sizes, edges, and the import") {
  const auto r = rockpool_cli("info " + kFixtures + "nir_cuba_lif.nir");
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("format:      NIR graph (HDF5), version 1.0.0") != std::string::npos);
  CHECK(r.output.find("nodes:       5") != std::string::npos);
  CHECK(r.output.find("weight (2, 2): 2 -> 2") != std::string::npos);
  CHECK(r.output.find("shape [2]: 2 channels") != std::string::npos);
  CHECK(r.output.find("edges:       4") != std::string::npos);
  CHECK(r.output.find("  delay -> lif\n") != std::string::npos);
  // One projection input -> lif of the two non-zero weights of the diagonal fc.
  CHECK(r.output.find("imports as:  2 nodes, 1 projection, 2 synapses") != std::string::npos);
}

TEST_CASE("rockpool info on NIR: an unsupported node is reported, a broken file exits 1") {
  auto r = rockpool_cli("info " + kFixtures + "nir_unsupported.nir");
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("not importable: ") != std::string::npos);
  CHECK(r.output.find("NIR node 'conv' of type Conv2d is not supported") != std::string::npos);
  r = rockpool_cli("info " + kFixtures + "nir_broken.nir");
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("HDF5 cannot open it") != std::string::npos);
  // Plotting a model is refused: HDF5 is not an event format.
  r = rockpool_cli("plot " + kFixtures + "nir_cuba_lif.nir --out /tmp/rockpool_never.svg");
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("HDF5") != std::string::npos);
}
