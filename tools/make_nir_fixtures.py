#!/usr/bin/python3
"""make_nir_fixtures.py: the NIR (HDF5) fixtures of tests/io/nir_test.cpp, and a check that
h5py reads what rockpool-cpp writes.

The `nir` Python package cannot be installed here (no pip), so this script writes the HDF5
layout nir.write produces (nir/serialization.py, see
/work/shared/reference/formats-and-ecosystem.md section 1.8): a root dataset `version`
(variable-length UTF-8 string), a group `node` with `type` = "NIRGraph", `nodes/<name>`
groups each with a `type` string and its parameters as float64 arrays written with
compression="gzip" (plus the `input_type` / `output_type` dict groups), and `edges`, a
list of (source, target) str pairs as h5py stores it (an (E, 2) vlen string dataset).

Needs Debian's python3-h5py and python3-numpy (run it with /usr/bin/python3). CI does not
run it: the files are committed under tests/io/fixtures/, and the spike times it prints
(computed here in closed form, independently of the C++) are the ones the tests expect.

  /usr/bin/python3 tools/make_nir_fixtures.py           # rewrite the fixtures, print values
  /usr/bin/python3 tools/make_nir_fixtures.py --check F.nir ...
      # read files written by rockpool-cpp with h5py and print their graph
"""
import math
import os
import sys

import h5py
import numpy as np

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "io", "fixtures")


def write_node(nodes, name, type_, params, input_shape=None, output_shape=None):
    g = nodes.create_group(name)
    g.create_dataset("type", data=type_)
    for key, value in params.items():
        value = np.asarray(value)
        # HDF5 cannot chunk (so cannot compress) a scalar.
        g.create_dataset(key, data=value, compression="gzip" if value.ndim else None)
    # nir.write turns the dict fields input_type / output_type into groups of arrays.
    if input_shape is not None:
        g.create_group("input_type").create_dataset("input", data=np.array(input_shape))
    if output_shape is not None:
        g.create_group("output_type").create_dataset("output", data=np.array(output_shape))


def write_graph(path, nodes, edges):
    with h5py.File(path, "w") as f:
        f.create_dataset("version", data="1.0.0")
        node = f.create_group("node")
        node.create_dataset("type", data="NIRGraph")
        group = node.create_group("nodes")
        for name, (type_, params, shapes) in nodes.items():
            write_node(group, name, type_, params, *shapes)
        node.create_dataset("edges", data=edges)


# The CubaLIF net: input (2) -> fc (Linear, diagonal) -> delay (Delay, per channel) ->
# lif (CubaLIF, 2 neurons, per-neuron r and w_in) -> output.
TAU_MEM = 0.01
TAU_SYN = 0.02  # = 2 tau_mem: the first threshold crossing has a closed form
R = [2.0, 1.0]
W_IN = [0.5, 3.0]
WEIGHT = [[0.05, 0.0], [0.0, 0.025]]
DELAY = [0.001, 0.002]
V_LEAK = 0.1
V_THRESHOLD = 1.1
V_RESET = 0.1


def cuba_lif_expected():
    """First spike time of each neuron after one input spike at t = 0 on each channel.

    NIR's CubaLIF read as its equations say: tau_syn dI/dt = -I + w_in S, tau_mem dv/dt =
    (v_leak - v) + r I. A spike of weight W (a Dirac delta) makes I jump by w_in W / tau_syn
    = I0; then v - v_leak = r I0 tau_syn / (tau_syn - tau_mem) (e^{-t/tau_syn} - e^{-t/tau_mem}).
    With tau_syn = 2 tau_mem and x = e^{-t/tau_syn}: v - v_leak = A (x - x^2), A = 2 r I0,
    which reaches theta = v_threshold - v_leak at the larger root x = (1 + sqrt(1 - 4 theta/A))/2,
    i.e. t = -tau_syn ln x, plus the channel's delay.
    """
    times = []
    for j in range(2):
        i0 = W_IN[j] * WEIGHT[j][j] / TAU_SYN
        a = TAU_SYN / (TAU_SYN - TAU_MEM) * R[j] * i0
        theta = V_THRESHOLD - V_LEAK
        x = (1 + math.sqrt(1 - 4 * theta / a)) / 2
        times.append(DELAY[j] - TAU_SYN * math.log(x))
    return times


def make():
    os.makedirs(FIXTURES, exist_ok=True)
    cuba = os.path.join(FIXTURES, "nir_cuba_lif.nir")
    write_graph(
        cuba,
        {
            "input": ("Input", {"shape": np.array([2])}, ([2], [2])),
            "fc": ("Linear", {"weight": np.array(WEIGHT)}, ([2], [2])),
            "delay": ("Delay", {"delay": np.array(DELAY)}, ([2], [2])),
            "lif": (
                "CubaLIF",
                {
                    "tau_syn": np.full(2, TAU_SYN),
                    "tau_mem": np.full(2, TAU_MEM),
                    "r": np.array(R),
                    "v_leak": np.full(2, V_LEAK),
                    "v_threshold": np.full(2, V_THRESHOLD),
                    "v_reset": np.full(2, V_RESET),
                    "w_in": np.array(W_IN),
                },
                ([2], [2]),
            ),
            "output": ("Output", {"shape": np.array([2])}, ([2], [2])),
        },
        [["input", "fc"], ["fc", "delay"], ["delay", "lif"], ["lif", "output"]],
    )
    print(f"{cuba}: first spikes (s) {', '.join(repr(t) for t in cuba_lif_expected())}")

    unsupported = os.path.join(FIXTURES, "nir_unsupported.nir")
    write_graph(
        unsupported,
        {
            "input": ("Input", {"shape": np.array([1, 4, 4])}, ([1, 4, 4], [1, 4, 4])),
            "conv": (
                "Conv2d",
                {
                    "weight": np.ones((2, 1, 3, 3)),
                    "stride": np.array([1, 1]),
                    "padding": np.array([0, 0]),
                    "dilation": np.array([1, 1]),
                    "groups": np.array(1),
                    "bias": np.zeros(2),
                },
                ([1, 4, 4], [2, 2, 2]),
            ),
            "lif": (
                "CubaLIF",
                {
                    "tau_syn": np.full(8, TAU_SYN),
                    "tau_mem": np.full(8, TAU_MEM),
                    "r": np.ones(8),
                    "v_leak": np.zeros(8),
                    "v_threshold": np.ones(8),
                    "v_reset": np.zeros(8),
                    "w_in": np.ones(8),
                },
                ([8], [8]),
            ),
            "output": ("Output", {"shape": np.array([8])}, ([8], [8])),
        },
        [["input", "conv"], ["conv", "lif"], ["lif", "output"]],
    )
    print(f"{unsupported}: Input -> Conv2d 'conv' -> CubaLIF -> Output")

    # Input and Output with their shape only in the input_type / output_type dicts (no
    # `shape` dataset), as a newer nir may write them: input (3) -> fc -> lif (3) -> output.
    type_only = os.path.join(FIXTURES, "nir_shape_in_type.nir")
    write_graph(
        type_only,
        {
            "input": ("Input", {}, ([3], [3])),
            "fc": ("Linear", {"weight": np.eye(3)}, ([3], [3])),
            "lif": (
                "CubaLIF",
                {k: np.full(3, v) for k, v in [("tau_syn", TAU_SYN), ("tau_mem", TAU_MEM), ("r", 1.0),
                                               ("v_leak", 0.0), ("v_threshold", 1.0), ("v_reset", 0.0),
                                               ("w_in", 1.0)]},
                ([3], [3]),
            ),
            "output": ("Output", {}, ([3], [3])),
        },
        [["input", "fc"], ["fc", "lif"], ["lif", "output"]],
    )
    print(f"{type_only}: Input/Output shapes only in input_type/output_type")

    # A file cut in the middle (a failed copy): the HDF5 superblock promises more bytes.
    with open(cuba, "rb") as f:
        data = f.read()
    broken = os.path.join(FIXTURES, "nir_broken.nir")
    with open(broken, "wb") as f:
        f.write(data[: len(data) // 2])
    print(f"{broken}: the first {len(data) // 2} of {len(data)} bytes of nir_cuba_lif.nir")


def check(paths):
    for path in paths:
        with h5py.File(path, "r") as f:
            print(f"{path}: version {f['version'][()].decode()!r}, graph type {f['node/type'][()].decode()!r}")
            for name, g in f["node/nodes"].items():
                datasets = {k: v for k, v in g.items() if k != "type" and isinstance(v, h5py.Dataset)}
                params = {k: (v.dtype.str, v.shape, v.compression) for k, v in datasets.items()}
                print(f"  node {name}: {g['type'][()].decode()}  {params}")
                for k, v in datasets.items():
                    print(f"    {k} = {np.array2string(np.asarray(v[()]), precision=17)}")
            edges = f["node/edges"][()]
            print(f"  edges ({f['node/edges'].dtype}, shape {edges.shape}):",
                  [(a.decode(), b.decode()) for a, b in edges])


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--check":
        check(sys.argv[2:])
    else:
        make()
