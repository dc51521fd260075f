#!/usr/bin/python3
"""make_npz_fixtures.py: the Rockpool .npz fixtures of tests/io/npz_test.cpp, and a check
that numpy loads what rockpool-cpp writes.

Rockpool itself cannot be installed here (no pip), so this script writes the arrays exactly
as Rockpool's TimeSeries.to_dict / save do (rockpool/timeseries.py: np.savez of `times`,
`channels` or `samples`, 0-d `t_start`, `t_stop`, `periodic`, `num_channels`, and empty
float64 arrays whose *key* carries the name, the type and the interpolation kind, e.g.
`name_spikes`, `type_TSEvent`, `interp_kind_linear`), plus one file in the older layout
that load_ts_from_file still accepts (0-d unicode `str_type` and `name`).

Needs Debian's python3-numpy (run it with /usr/bin/python3). CI does not run it: the files
it writes are committed under tests/io/fixtures/, and the values it prints are the expected
values hard-coded in tests/io/npz_test.cpp. Expected ticks (1/9 ns) are computed with exact
rational arithmetic (fractions.Fraction), rounding half to even, independently of the C++.

  /usr/bin/python3 tools/make_npz_fixtures.py            # rewrite the fixtures, print values
  /usr/bin/python3 tools/make_npz_fixtures.py --check F.npz ...
      # load files written by rockpool-cpp the way Rockpool's load_ts_from_file does and
      # print them (see doc/formats.md, "Checked against numpy")
"""
import math
import os
import sys
from fractions import Fraction

import numpy as np

TICKS_PER_SECOND = 9_000_000_000
FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "io", "fixtures")


def ticks(seconds):
    """Exact value of the double `seconds` in ticks, rounded half to even; and the rounding."""
    exact = Fraction(float(seconds)) * TICKS_PER_SECOND
    rounded = round(exact)  # Fraction.__round__ rounds half to even
    return rounded, abs(exact - rounded)


def report(label, times, extra=()):
    all_times = list(times) + list(extra)
    rounding = max((ticks(t)[1] for t in all_times), default=Fraction(0))
    print(f"  {label}: {len(times)} times; max rounding {float(rounding):.6e} ticks")
    return rounding


def tsevent_dict(times, channels, t_start, t_stop, periodic, num_channels, name):
    # Rockpool's TSEvent.to_dict (dtype_times / dtype_channels = None), in its key order.
    return {
        "times": times,
        "channels": channels,
        "t_start": np.array(t_start),
        "t_stop": np.array(t_stop),
        "periodic": np.array(periodic),
        "num_channels": np.array(num_channels),
        f"name_{name}": np.array([]),
        "type_TSEvent": np.array([]),
    }


def tscontinuous_dict(times, samples, t_start, t_stop, interp_kind, periodic, name):
    # Rockpool's TSContinuous.to_dict, in its key order.
    return {
        "times": times,
        "samples": samples,
        "t_start": np.array(t_start),
        "t_stop": np.array(t_stop),
        f"interp_kind_{interp_kind}": np.array([]),
        "periodic": np.array(periodic),
        f"name_{name}": np.array([]),
        "type_TSContinuous": np.array([]),
    }


def show_ticks(times, indices):
    for i in indices:
        t, r = ticks(times[i])
        print(f"    times[{i}] = {float(times[i])!r} s -> {t} ticks (rounded by {float(r):.6e})")


def make():
    os.makedirs(FIXTURES, exist_ok=True)

    # 1. TSEvent, np.savez (stored members), current Rockpool keys.
    times = np.array([0.0, 0.1, 0.25, 1.0 / 3.0, 1.5])
    channels = np.array([0, 3, 1, 3, 2])  # int64, numpy's default integer here
    d = tsevent_dict(times, channels, 0.0, 2.0, False, 5, "spikes")
    path = os.path.join(FIXTURES, "tsevent.npz")
    np.savez(path, **d)
    print(f"{path}: np.savez, TSEvent 'spikes', 5 channels, t 0..2 s, not periodic")
    show_ticks(times, range(len(times)))
    print(f"    channels = {channels.tolist()}")
    report("tsevent.npz", times, [0.0, 2.0])

    # 2. TSEvent, np.savez_compressed (deflated members), non-ASCII name, periodic.
    k = np.arange(50)
    times = -0.5 + k * 0.0123  # not whole ticks in binary: every one is rounded
    channels = (k * 7) % 11
    name = "\u0394t Str\u00f6me"  # "Δt Ströme": a UTF-8 member name (ZIP flag bit 11)
    d = tsevent_dict(times, channels, -0.5, 1.0, True, 11, name)
    path = os.path.join(FIXTURES, "tsevent_compressed.npz")
    np.savez_compressed(path, **d)
    print(f"{path}: np.savez_compressed, TSEvent {name!r}, 11 channels, t -0.5..1 s, periodic")
    show_ticks(times, [0, 1, 49])
    tick_sum = sum(ticks(t)[0] for t in times)
    print(f"    sum of ticks = {tick_sum}; sum of channels = {int(channels.sum())}")
    report("tsevent_compressed.npz", times, [-0.5, 1.0])

    # 3. TSContinuous, np.savez, 4 samples x 2 channels with a NaN, linear.
    times = np.array([0.0, 0.5, 1.0, 2.0])
    samples = np.array([[0.0, 1.0], [0.5, -1.0], [1.0, np.nan], [2.0, 3.25]])
    d = tscontinuous_dict(times, samples, 0.0, 2.5, "linear", False, "rates")
    path = os.path.join(FIXTURES, "tscontinuous.npz")
    np.savez(path, **d)
    print(f"{path}: np.savez, TSContinuous 'rates', 4 x 2, t 0..2.5 s, linear")
    print(f"    samples = {samples.tolist()}")

    # 4. TSContinuous, np.savez_compressed, 100 samples x 3 channels, previous, periodic.
    times = np.arange(100) * 0.01
    samples = np.stack([np.sin(times * 2 * np.pi * (c + 1)) for c in range(3)], axis=1)
    d = tscontinuous_dict(times, samples, 0.0, 1.0, "previous", True, "sine")
    path = os.path.join(FIXTURES, "tscontinuous_compressed.npz")
    np.savez_compressed(path, **d)
    print(f"{path}: np.savez_compressed, TSContinuous 'sine', 100 x 3, t 0..1 s, previous, periodic")
    show_ticks(times, [1, 99])
    for r, c in [(1, 0), (37, 2), (99, 1)]:
        print(f"    samples[{r}, {c}] = {float(samples[r, c]).hex()} ({samples[r, c]!r})")
    report("tscontinuous_compressed.npz", times, [0.0, 1.0])

    # 5. TSEvent in the older layout load_ts_from_file still reads: 0-d unicode `name` and
    #    `str_type`, plus narrow dtypes as save(dtype_times=np.float32,
    #    dtype_channels=np.int32) writes, and a `trial_start_times` array (ignored).
    times = np.array([0.125, 0.2, 0.3], dtype=np.float32)
    channels = np.array([2, 0, 1], dtype=np.int32)
    path = os.path.join(FIXTURES, "tsevent_legacy.npz")
    np.savez(path, times=times, channels=channels, t_start=np.array(0.1), t_stop=np.array(0.5),
             periodic=np.array(False), num_channels=np.array(3), name=np.array("old one"),
             str_type=np.array("TSEvent"), trial_start_times=np.array([0.1, 0.3]))
    print(f"{path}: np.savez, legacy keys, float32 times, int32 channels")
    show_ticks(times, range(len(times)))
    print(f"    t_start = 0.1 s -> {ticks(0.1)[0]} ticks")
    report("tsevent_legacy.npz", times, [0.1, 0.5])

    # 6. A ZIP of .npy files that is not a Rockpool time series.
    path = os.path.join(FIXTURES, "not_timeseries.npz")
    np.savez(path, x=np.arange(3), y=np.array([1.5]))
    print(f"{path}: np.savez(x=..., y=...), not a time series")


def load_like_rockpool(path):
    """The key logic of Rockpool's load_ts_from_file, re-implemented (Rockpool is not
    installable here): type from str_type / strType / the first key starting with "type",
    name from `name` or the first key starting with "name", interp kind likewise."""
    data = np.load(path)  # allow_pickle=False: refuses object arrays
    keys = list(data.keys())
    if "str_type" in keys:
        kind = data["str_type"].item()
    elif "strType" in keys:
        kind = data["strType"].item()
    else:
        kind = [k for k in keys if k.startswith("type")][0][5:]
    if "name" in keys:
        name = data["name"].item()
    else:
        names = [k for k in keys if k.startswith("name")]
        name = names[0][5:] if names else "unnamed"
    out = {"type": kind, "name": name, "times": data["times"], "t_start": data["t_start"].item(),
           "t_stop": data["t_stop"].item(), "periodic": data["periodic"].item()}
    if kind == "TSEvent":
        out["channels"] = data["channels"]
        out["num_channels"] = data["num_channels"].item()
        assert out["channels"].ndim == 1 and out["channels"].shape == out["times"].shape
        if out["channels"].size:
            assert out["channels"].max() < out["num_channels"]
    elif kind == "TSContinuous":
        if "interp_kind" in keys:
            out["interp_kind"] = data["interp_kind"].item()
        else:
            kinds = [k for k in keys if k.startswith("interp_kind")]
            out["interp_kind"] = kinds[0][12:] if kinds else "linear"
        out["samples"] = data["samples"]
        assert out["samples"].ndim == 2 and out["samples"].shape[0] == out["times"].size
    else:
        raise TypeError(f"type {kind!r} not supported")
    assert np.all(np.diff(out["times"]) >= 0)
    for k in keys:  # also read the members Rockpool does not use (CRC, dtype, shape)
        data[k]
    return out


def check(paths):
    for path in paths:
        ts = load_like_rockpool(path)
        print(f"{path}: {ts['type']} {ts['name']!r}, t {ts['t_start']!r}..{ts['t_stop']!r}, "
              f"periodic {ts['periodic']}")
        for key in ("times", "channels", "num_channels", "interp_kind", "samples"):
            if key in ts:
                value = ts[key]
                if hasattr(value, "tolist"):
                    shown = value.reshape(-1)[:6].tolist()
                    print(f"  {key} {value.dtype} {value.shape} {shown}{' ...' if value.size > 6 else ''}")
                else:
                    print(f"  {key} {value!r}")
    print(f"ok: {len(paths)} files load as Rockpool time series")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--check":
        check(sys.argv[2:])
    else:
        make()
