#!/usr/bin/env python3
"""compare_brian2.py: run Brian2 and rockpool-cpp side by side on the same workloads.

For each workload (CUBA, synaptic throughput) this runs, each in a fresh subprocess:
  Brian2 runtime mode (default code generation target, Cython on Debian),
  Brian2 cpp_standalone (single-threaded),
  `rockpool bench WORKLOAD --mode clocked|exact --json`,
then prints one table per workload and a statistics check (mean rate and CV of ISIs of
each simulator against Brian2 cpp_standalone). doc/brian2-comparison.md explains the
measurements and the tolerances.

  tools/compare_brian2.py                      # CUBA 1 s and synaptic (10k sources)
  tools/compare_brian2.py --long               # also CUBA 10 s
  tools/compare_brian2.py --workloads synaptic --sources 1000,10000,100000
  tools/compare_brian2.py --json-out cmp.json --rockpool build/tools/rockpool

The Brian2 models live in this file too (section "Brian2 models"), so the parameters are
written once, below.
"""

import argparse
import importlib.util
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time

# ---------------------------------------------------------------------------------------
# Workload parameters, written once. Units: SI (seconds, volts, hertz).
#
# CUBA: Vogels T.P. & Abbott L.F. (2005) "Signal propagation and logic gating in networks
# of integrate-and-fire neurons", J. Neurosci. 25(46):10786-10795, current-based
# benchmark as in Brian2's examples/CUBA.py (Brian2 2.5.1). rockpool-cpp's copy of the
# same numbers is bench/workloads.cpp (build_cuba, build_synaptic).
# ---------------------------------------------------------------------------------------
DT = 0.1e-3                      # s, Brian2's clock and rockpool's clocked step

CUBA = dict(
    n=4000, n_exc=3200,          # 3200 excitatory, 800 inhibitory
    p_connect=0.02,              # each ordered pair independently (self-pairs included)
    taum=20e-3, taue=5e-3, taui=10e-3,
    vt=-50e-3, vr=-60e-3, el=-49e-3,
    refractory=5e-3,
    we=60 * 0.27 / 10 * 1e-3,    # 1.62 mV, on_pre: ge += we
    wi=-20 * 4.5 / 10 * 1e-3,    # -9 mV,   on_pre: gi += wi
)                                # v0 ~ U[vr, vt), ge = gi = 0; no delay (next step)

SYNAPTIC = dict(
    n=1000,                      # LIF targets
    sources=10_000,              # Poisson sources (--sources overrides)
    rate=10.0,                   # Hz per source
    p_connect=0.1,
    taum=20e-3, taue=5e-3,
    vt=-50e-3, vr=-60e-3, el=-60e-3,   # rest = reset: targets fire only when driven
    refractory=5e-3,
    w=0.2e-3,                    # 0.2 mV, fixed whatever the number of sources
)
# Why 0.2 mV: a target gets p*sources*rate = 10 kHz of input; the mean depolarisation is
# rate * w * taue = 10 kHz * 0.2 mV * 5 ms = 10 mV = Vt - El, so the mean input sits at
# threshold and the fluctuations (shot noise, std ~ 0.45 mV) make the targets fire at
# about 10 Hz (9.6 Hz in Brian2, seed 1). The weight stays 0.2 mV when --sources changes,
# so fewer sources mean quieter targets and more mean busier ones.

# Statistics tolerances (doc/brian2-comparison.md, "Tolerances").
RATE_TOLERANCE = 0.15            # relative, on the mean rate per neuron
CV_TOLERANCE = 0.15              # absolute, on the mean CV of ISIs

BRIAN2_MODES = ("runtime", "cpp_standalone")
ROCKPOOL_MODES = ("clocked", "exact")
DEBIAN_PYTHON = "/usr/bin/python3"
RESULT_MARK = "COMPARE_BRIAN2_RESULT "
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# ---------------------------------------------------------------------------------------
# Statistics shared by both sides' raw spike trains
# ---------------------------------------------------------------------------------------
def cv_isi(trains, min_spikes=3):
    """Mean over neurons with >= min_spikes spikes of std(ISI)/mean(ISI); None if none."""
    import numpy as np
    cvs = []
    for t in trains:
        if len(t) >= min_spikes:
            isi = np.diff(np.sort(np.asarray(t, dtype=float)))
            m = isi.mean()
            if m > 0:
                cvs.append(isi.std() / m)
    return float(np.mean(cvs)) if cvs else None


# ---------------------------------------------------------------------------------------
# Brian2 models (run inside the worker subprocess)
# ---------------------------------------------------------------------------------------
# Peak RSS of the standalone binary alone (the worker's own RSS and the compilers' are
# not the simulation's): Brian2 runs this instead of ./main; it forks ./main, waits with
# wait4 and writes the binary's ru_maxrss to results/peak_rss.txt.
_STANDALONE_RUN_WRAPPER = r"""
import os, sys
pid = os.fork()
if pid == 0:
    os.execv('./main', ['./main'] + sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
with open('results/peak_rss.txt', 'w') as f:
    f.write(str(usage.ru_maxrss * 1024))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def _build_cuba(b2):
    """Brian2's examples/CUBA.py with the constants above. Returns (objects, monitor,
    callable giving the total out-degree per neuron, number of recorded neurons)."""
    c = CUBA
    ms, mV, second = b2.ms, b2.mV, b2.second
    ns = dict(taum=c["taum"] * second, taue=c["taue"] * second, taui=c["taui"] * second,
              Vt=c["vt"] * 1e3 * mV, Vr=c["vr"] * 1e3 * mV, El=c["el"] * 1e3 * mV,
              we=c["we"] * 1e3 * mV, wi=c["wi"] * 1e3 * mV)
    eqs = """
    dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
    dge/dt = -ge/taue : volt
    dgi/dt = -gi/taui : volt
    """
    P = b2.NeuronGroup(c["n"], eqs, threshold="v>Vt", reset="v = Vr",
                       refractory=c["refractory"] * second, method="exact", namespace=ns)
    P.v = "Vr + rand() * (Vt - Vr)"
    P.ge = 0 * mV
    P.gi = 0 * mV
    Ce = b2.Synapses(P, P, on_pre="ge += we", namespace=ns)
    Ci = b2.Synapses(P, P, on_pre="gi += wi", namespace=ns)
    Ce.connect(f"i<{c['n_exc']}", p=c["p_connect"])
    Ci.connect(f"i>={c['n_exc']}", p=c["p_connect"])
    mon = b2.SpikeMonitor(P)

    def spike_deliveries(spike_counts):
        import numpy as np
        out = (np.bincount(np.asarray(Ce.i[:]), minlength=c["n"]) +
               np.bincount(np.asarray(Ci.i[:]), minlength=c["n"]))
        return int(np.dot(spike_counts.astype(np.int64), out)), int(len(Ce) + len(Ci))

    return [P, Ce, Ci, mon], mon, None, spike_deliveries, c["n"]


def _poisson_spike_generator(b2, sources, duration, seed):
    """SpikeGeneratorGroup replaying Poisson trains drawn in numpy beforehand: at most one
    spike per source and step (as PoissonGroup), so Brian2's loop does no random draws."""
    import numpy as np
    s = SYNAPTIC
    rng = np.random.default_rng(seed)
    steps = int(round(duration / DT))
    counts = rng.poisson(s["rate"] * duration, size=sources)
    idx = np.repeat(np.arange(sources, dtype=np.int64), counts)
    bins = rng.integers(0, steps, size=idx.size)
    keys = np.unique(idx * steps + bins)           # one spike per (source, step)
    return b2.SpikeGeneratorGroup(sources, keys // steps, (keys % steps) * DT * b2.second)


def _build_synaptic(b2, sources, poisson="group", duration=None, seed=None):
    s = SYNAPTIC
    mV, second, Hz = b2.mV, b2.second, b2.Hz
    ns = dict(taum=s["taum"] * second, taue=s["taue"] * second, Vt=s["vt"] * 1e3 * mV,
              Vr=s["vr"] * 1e3 * mV, El=s["el"] * 1e3 * mV, w=s["w"] * 1e3 * mV)
    eqs = """
    dv/dt  = (ge-(v-El))/taum : volt (unless refractory)
    dge/dt = -ge/taue : volt
    """
    if poisson == "generator":
        src = _poisson_spike_generator(b2, sources, duration, seed)
    else:
        src = b2.PoissonGroup(sources, rates=s["rate"] * Hz)  # one rand() per source and step
    G = b2.NeuronGroup(s["n"], eqs, threshold="v>Vt", reset="v = Vr",
                       refractory=s["refractory"] * second, method="exact", namespace=ns)
    G.v = s["el"] * 1e3 * mV
    G.ge = 0 * mV
    S = b2.Synapses(src, G, on_pre="ge += w", namespace=ns)
    S.connect(p=s["p_connect"])
    mon = b2.SpikeMonitor(G)
    src_count = b2.SpikeMonitor(src, record=False)  # counts only, for the deliveries

    def spike_deliveries(_target_counts):
        import numpy as np
        out = np.bincount(np.asarray(S.i[:]), minlength=sources)
        counts = np.asarray(src_count.count[:]).astype(np.int64)
        return int(np.dot(counts, out)), int(len(S))

    return [src, G, S, mon, src_count], mon, src_count, spike_deliveries, s["n"]


def _count_cython_modules(cache_dir):
    if not cache_dir or not os.path.isdir(cache_dir):
        return 0
    return sum(1 for f in os.listdir(cache_dir) if f.endswith(".so"))


def brian2_worker(spec):
    """Runs one Brian2 measurement; returns a dict (printed as JSON by the caller)."""
    t_begin = time.perf_counter()
    import warnings
    warnings.filterwarnings("ignore")  # Debian's pythran warns about numpy on import
    import numpy as np
    import brian2 as b2
    from brian2 import prefs
    import resource
    t_imported = time.perf_counter()

    mode, workload, duration = spec["mode"], spec["workload"], spec["duration"]
    prefs.logging.file_log = False
    b2.defaultclock.dt = spec.get("dt", DT) * b2.second  # "dt", "delay": for tolerance studies
    build_dir = None
    result = dict(simulator="brian2", brian2_version=b2.__version__, mode=mode,
                  workload=workload, duration_s=duration, seed=spec["seed"])
    if mode == "cpp_standalone":
        build_dir = spec.get("build_dir") or tempfile.mkdtemp(prefix="brian2_standalone_")
        b2.set_device("cpp_standalone", directory=build_dir, build_on_run=False)
        prefs.devices.cpp_standalone.openmp_threads = 0          # single-threaded
        prefs.devices.cpp_standalone.extra_make_args_unix = ["-j2"]
        prefs.devices.cpp_standalone.run_cmd_unix = [sys.executable, "-c",
                                                     _STANDALONE_RUN_WRAPPER]
        result["build_dir"] = build_dir
    else:
        prefs.codegen.target = spec.get("codegen_target", "auto")
        cache = spec.get("cython_cache")
        if cache:
            prefs.codegen.runtime.cython.cache_dir = cache
        from brian2.codegen.runtime.cython_rt.extension_manager import get_cython_cache_dir
        cdir = get_cython_cache_dir()
        result["cython_cache"] = cdir
        result["cython_modules_before"] = _count_cython_modules(cdir)
    b2.seed(spec["seed"])

    t0 = time.perf_counter()
    if workload == "cuba":
        objects, mon, _, deliveries, n = _build_cuba(b2)
    elif workload == "synaptic":
        poisson = spec.get("poisson", "group")
        objects, mon, _, deliveries, n = _build_synaptic(b2, spec["sources"], poisson,
                                                         duration, spec["seed"])
        result.update(sources=spec["sources"], poisson=poisson)
    else:
        raise ValueError(f"unknown workload {workload!r}")
    if spec.get("delay"):
        for obj in objects:
            if isinstance(obj, b2.Synapses):
                obj.delay = spec["delay"] * b2.second
    net = b2.Network(*objects)
    t1 = time.perf_counter()
    net.run(duration * b2.second, namespace={})
    t2 = time.perf_counter()
    result["build_s"] = t1 - t0
    if mode == "cpp_standalone":
        b2.device.build(directory=build_dir, compile=True, run=True, with_output=False)
        t3 = time.perf_counter()
        timers = b2.device.timers
        compile_s = (timers["compile"].get("clean") or 0) + (timers["compile"].get("make") or 0)
        binary_s = timers["run_binary"]
        run_s = float(b2.device._last_run_time)  # results/last_run_info.txt: loop CPU time
        result.update(
            codegen_s=(t2 - t1) + (t3 - t2) - compile_s - binary_s,
            compile_s=compile_s, binary_s=binary_s, run_s=run_s,
            run_clock="std::clock() CPU time of the loop (Network::run, no OpenMP)",
            setup_s=(t3 - t0) - run_s)  # build, codegen, compile, in-binary init, output
        with open(os.path.join(build_dir, "results", "peak_rss.txt")) as f:
            result["peak_rss_bytes"] = int(f.read())
        result["codegen_target"] = "cpp_standalone"
    else:
        run_s = float(b2.device._last_run_time)   # time.time() around Network.run's loop
        result.update(codegen_compile_s=(t2 - t1) - run_s, run_s=run_s,
                      run_clock="time.time() wall of Network.run's loop",
                      setup_s=(t2 - t0) - run_s)  # build, codegen and Cython compile
        result["peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        stateupdater = objects[1] if workload == "synaptic" else objects[0]
        result["codegen_target"] = type(stateupdater.state_updater.codeobj).__name__
        result["cython_modules_compiled"] = (_count_cython_modules(result["cython_cache"])
                                             - result["cython_modules_before"])
    t_end = time.perf_counter()

    trains = mon.spike_trains()
    counts = np.asarray(mon.count[:])
    spikes = int(counts.sum())
    events, synapses = deliveries(counts)
    result.update(
        import_s=t_imported - t_begin, worker_wall_s=t_end - t_begin,
        neurons=n, synapses=synapses, spikes=spikes, synaptic_events=events,
        synaptic_events_per_s=events / run_s if run_s > 0 else None,
        mean_rate_hz=spikes / (n * duration),
        cv_isi=cv_isi([np.asarray(trains[i] / b2.second) for i in range(n)]))
    if build_dir and not spec.get("keep_build"):
        shutil.rmtree(build_dir, ignore_errors=True)
        result.pop("build_dir", None)
    return result


# ---------------------------------------------------------------------------------------
# Subprocesses: each measurement in a fresh process, with a timeout
# ---------------------------------------------------------------------------------------
def run_subprocess(argv, timeout, env=None):
    """Runs argv in its own session; returns (rc, stdout, stderr, wall_s, error or None).
    On timeout kills the whole process group (Brian2's make and ./main included)."""
    t0 = time.perf_counter()
    try:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, start_new_session=True, env=env)
    except OSError as e:
        return None, "", "", 0.0, f"cannot start {argv[0]}: {e}"
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = proc.communicate()
        return proc.returncode, out, err, time.perf_counter() - t0, f"timed out after {timeout} s"
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        lines = (err or out).strip().splitlines()
        # The first lines say what went wrong (a usage message follows); a Python
        # traceback ends with the exception.
        shown = lines[-4:] if any(l.startswith("Traceback") for l in lines) else lines[:3]
        return proc.returncode, out, err, wall, (f"exit status {proc.returncode}: "
                                                 + " | ".join(l.strip() for l in shown if l.strip()))
    return proc.returncode, out, err, wall, None


def run_worker(script, spec, mark, timeout):
    """Runs `script --worker SPEC` in a fresh process and returns its result: the JSON after
    the last line starting with `mark`, plus wall_s, or wall_s and an error."""
    argv = [sys.executable, script, "--worker", json.dumps(spec)]
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    rc, out, err, wall, error = run_subprocess(argv, timeout, env)
    result = dict(wall_s=wall)
    if error is None:
        lines = [l for l in out.splitlines() if l.startswith(mark)]
        if not lines:
            error = "worker printed no result: " + " | ".join(err.strip().splitlines()[-6:])
        else:
            result.update(json.loads(lines[-1][len(mark):]))
    if error:
        result["error"] = error
    return result


def measure_brian2(workload, mode, args, sources=None, duration=None):
    spec = dict(workload=workload, mode=mode, duration=duration or args.duration,
                seed=args.seed, sources=sources, keep_build=args.keep_build,
                cython_cache=args.cython_cache, poisson=args.brian2_poisson)
    row = dict(simulator="brian2", mode=mode, workload=workload)
    row.update(run_worker(os.path.abspath(__file__), spec, RESULT_MARK, args.timeout))
    return row


def find_rockpool(args):
    return args.rockpool or os.path.join(REPO_ROOT, "build", "tools", "rockpool")


def measure_rockpool(workload, mode, args, sources=None, duration=None):
    binary = find_rockpool(args)
    row = dict(simulator="rockpool", mode=mode, workload=workload, wall_s=None)
    if not os.path.isfile(binary) or not os.access(binary, os.X_OK):
        row["error"] = f"no executable at {binary} (build it, or pass --rockpool PATH)"
        return row
    argv = [binary, "bench", workload, "--mode", mode, "--duration",
            repr(duration or args.duration), "--seed", str(args.seed), "--json"]
    if workload == "synaptic":
        argv += ["--sources", str(sources)]
    rc, out, err, wall, error = run_subprocess(argv, args.timeout)
    row["wall_s"] = wall
    row["command"] = " ".join(argv)
    if error is None:
        try:
            start = out.index("{")
            data = json.loads(out[start:out.rindex("}") + 1])
        except ValueError as e:
            error = f"output is not one JSON object ({e}): {out.strip()[:200]!r}"
        else:
            row.update({k: v for k, v in data.items() if k not in ("workload", "mode")})
            row["reported_mode"] = data.get("mode")
            if data.get("synaptic_events") is not None and data.get("run_s"):
                row["synaptic_events_per_s"] = data["synaptic_events"] / data["run_s"]
    if error:
        row["error"] = error
    return row


# ---------------------------------------------------------------------------------------
# Tables and the statistics check
# ---------------------------------------------------------------------------------------
def _fmt(v, spec, width):
    if v is None:
        return "n/a".rjust(width)
    return format(v, spec).rjust(width)


def row_label(row):
    return f"{'Brian2' if row['simulator'] == 'brian2' else 'rockpool'} {row['mode']}"


def reference_row(rows):
    """Brian2 cpp_standalone, else Brian2 runtime, if it succeeded."""
    for mode in BRIAN2_MODES[::-1]:
        for r in rows:
            if r["simulator"] == "brian2" and r["mode"] == mode and "error" not in r:
                return r
    return None


def print_table(title, rows):
    ref = next((r for r in rows if r["simulator"] == "brian2" and r["mode"] == "cpp_standalone"
                and "error" not in r), None)
    cols = ("simulator/mode", "wall s", "setup s", "run s", "syn ev/s", "peak RSS MB",
            "spikes", "rate Hz", "CV ISI", "run/B2 sa")
    widths = (24, 8, 8, 8, 10, 11, 9, 8, 7, 9)
    print(f"\n== {title}")
    print("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(cols, widths))))
    print("-" * (sum(widths) + 2 * (len(widths) - 1)))
    for r in rows:
        label = row_label(r).ljust(widths[0])
        if "error" in r:
            print(f"{label}  n/a: {r['error']}")
            continue
        ratio = (r["run_s"] / ref["run_s"]) if ref and r.get("run_s") and ref.get("run_s") else None
        rss = r.get("peak_rss_bytes")
        cells = [_fmt(r.get("wall_s"), ".2f", widths[1]), _fmt(r.get("setup_s"), ".2f", widths[2]),
                 _fmt(r.get("run_s"), ".3f", widths[3]),
                 _fmt(r.get("synaptic_events_per_s"), ".3g", widths[4]),
                 _fmt(rss / 2**20 if rss else None, ".1f", widths[5]),
                 _fmt(r.get("spikes"), "d", widths[6]), _fmt(r.get("mean_rate_hz"), ".2f", widths[7]),
                 _fmt(r.get("cv_isi"), ".3f", widths[8]), _fmt(ratio, ".3f", widths[9])]
        print(label + "  " + "  ".join(cells))
    for r in rows:
        if r["simulator"] == "brian2" and "error" not in r:
            extra = (f"codegen {r['codegen_s']:.2f} s, compile {r['compile_s']:.2f} s, "
                     f"binary {r['binary_s']:.2f} s (run = loop CPU time)"
                     if r["mode"] == "cpp_standalone" else
                     f"target {r.get('codegen_target')}, codegen+compile "
                     f"{r['codegen_compile_s']:.2f} s, "
                     f"{r.get('cython_modules_compiled', 0)} Cython modules compiled "
                     f"({'cold' if r.get('cython_modules_compiled') else 'warm'} cache)")
            print(f"  {row_label(r)}: import {r['import_s']:.2f} s, build {r['build_s']:.2f} s, {extra}")


def statistics_check(rows, rate_tol, cv_tol):
    """Compares every other successful row with the reference; returns a list of checks."""
    ref = reference_row(rows)
    checks = []
    if ref is None:
        print("  statistics: no Brian2 reference row succeeded; nothing to compare")
        return checks
    print(f"  statistics vs {row_label(ref)}: rate within +-{rate_tol:.0%}, "
          f"CV ISI within +-{cv_tol:.2f}")
    for r in rows:
        if r is ref:
            continue
        for name, key in (("rate", "mean_rate_hz"), ("CV ISI", "cv_isi")):
            a, b = r.get(key), ref.get(key)
            if "error" in r or a is None or b is None:
                verdict, detail = "SKIP", "n/a"
            elif key == "mean_rate_hz" and b == 0:
                verdict = "PASS" if a == 0 else "FAIL"   # silent reference: must be silent
                detail = f"{a:.3f} vs 0 Hz"
            elif key == "mean_rate_hz":
                rel = (a - b) / b
                verdict = "PASS" if abs(rel) <= rate_tol else "FAIL"
                detail = f"{a:.3f} vs {b:.3f} Hz ({rel:+.1%})"
            else:
                verdict = "PASS" if abs(a - b) <= cv_tol else "FAIL"
                detail = f"{a:.3f} vs {b:.3f} ({a - b:+.3f})"
            print(f"    {verdict}  {row_label(r):<24} {name:<7} {detail}")
            checks.append(dict(row=row_label(r), reference=row_label(ref), quantity=name,
                               verdict=verdict, detail=detail))
    return checks


# ---------------------------------------------------------------------------------------
# Machine description and interpreter set-up
# ---------------------------------------------------------------------------------------
def machine_info():
    info = dict(platform=platform.platform(), python=sys.version.split()[0],
                cores=os.cpu_count(), loadavg_start=os.getloadavg())
    try:
        with open("/proc/cpuinfo") as f:
            info["cpu"] = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        info["cpu"] = platform.processor() or "unknown"
    try:
        info["gcc"] = subprocess.run(["g++", "--version"], capture_output=True, text=True,
                                     timeout=10).stdout.splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        info["gcc"] = "unknown"
    return info


def ensure_brian2(install):
    """Re-executes under Debian's python3 if this interpreter lacks brian2; with --install
    first apt-get installs python3-brian (needs root)."""
    if importlib.util.find_spec("brian2") is not None:
        return
    if os.path.realpath(sys.executable) != os.path.realpath(DEBIAN_PYTHON) and \
            os.path.exists(DEBIAN_PYTHON) and subprocess.run(
                [DEBIAN_PYTHON, "-c", "import importlib.util, sys; "
                 "sys.exit(importlib.util.find_spec('brian2') is None)"]).returncode == 0:
        os.execv(DEBIAN_PYTHON, [DEBIAN_PYTHON, os.path.abspath(__file__)] + sys.argv[1:])
    if install:
        print("brian2 not importable: apt-get install -y python3-brian python3-numpy", flush=True)
        rc = subprocess.run(["apt-get", "install", "-y", "python3-brian", "python3-numpy"]).returncode
        if rc != 0:
            sys.exit(f"compare_brian2: apt-get install failed with status {rc}")
        if os.path.realpath(sys.executable) != os.path.realpath(DEBIAN_PYTHON):
            os.execv(DEBIAN_PYTHON, [DEBIAN_PYTHON, os.path.abspath(__file__)] + sys.argv[1:])
        importlib.invalidate_caches()
        if importlib.util.find_spec("brian2") is not None:
            return
    sys.exit("compare_brian2: brian2 cannot be imported (neither here nor by /usr/bin/python3); "
             "rerun with --install (as root), or use --no-brian2")


# ---------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------
def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--workloads", default="cuba,synaptic",
                   help="comma-separated subset of cuba,synaptic (default both)")
    p.add_argument("--duration", type=float, default=1.0, help="simulated seconds (default 1)")
    p.add_argument("--long", action="store_true", help="also run CUBA for 10 s")
    p.add_argument("--sources", default=str(SYNAPTIC["sources"]),
                   help="synaptic workload: Poisson sources, comma-separated to sweep (default 10000)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--brian2-modes", default=",".join(BRIAN2_MODES),
                   help="comma-separated subset of runtime,cpp_standalone")
    p.add_argument("--rockpool-modes", default=",".join(ROCKPOOL_MODES),
                   help="comma-separated subset of clocked,exact")
    p.add_argument("--brian2-poisson", choices=("group", "generator"), default="group",
                   help="synaptic workload's Brian2 sources: PoissonGroup (one rand() per "
                        "source and step, the default) or a SpikeGeneratorGroup replaying "
                        "trains drawn beforehand (isolates synaptic delivery)")
    p.add_argument("--no-brian2", action="store_true", help="skip Brian2")
    p.add_argument("--no-rockpool", action="store_true", help="skip rockpool-cpp")
    p.add_argument("--rockpool", metavar="PATH",
                   help="rockpool binary (default <repo>/build/tools/rockpool)")
    p.add_argument("--timeout", type=float, default=1800.0,
                   help="seconds allowed per subprocess (default 1800)")
    p.add_argument("--rate-tol", type=float, default=RATE_TOLERANCE,
                   help=f"relative mean-rate tolerance (default {RATE_TOLERANCE})")
    p.add_argument("--cv-tol", type=float, default=CV_TOLERANCE,
                   help=f"absolute CV ISI tolerance (default {CV_TOLERANCE})")
    p.add_argument("--cython-cache", metavar="DIR",
                   help="Brian2 runtime Cython cache (default ~/.cython/brian_extensions); "
                        "an empty directory measures a cold compile")
    p.add_argument("--keep-build", action="store_true",
                   help="keep Brian2 standalone project directories")
    p.add_argument("--json-out", metavar="FILE", help="write all measurements as JSON")
    p.add_argument("--install", action="store_true",
                   help="apt-get install python3-brian python3-numpy if brian2 is missing")
    p.add_argument("--worker", metavar="SPEC", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    args.workloads = [w.strip() for w in args.workloads.split(",") if w.strip()]
    args.brian2_modes = [m.strip() for m in args.brian2_modes.split(",") if m.strip()]
    args.rockpool_modes = [m.strip() for m in args.rockpool_modes.split(",") if m.strip()]
    try:
        args.sources = [int(s) for s in args.sources.split(",") if s.strip()]
    except ValueError:
        p.error(f"--sources: expected integers, got {args.sources!r}")
    for w in args.workloads:
        if w not in ("cuba", "synaptic"):
            p.error(f"--workloads: unknown workload {w!r} (cuba, synaptic)")
    for m in args.brian2_modes:
        if m not in BRIAN2_MODES:
            p.error(f"--brian2-modes: unknown mode {m!r}")
    for m in args.rockpool_modes:
        if m not in ROCKPOOL_MODES:
            p.error(f"--rockpool-modes: unknown mode {m!r}")
    if args.duration <= 0 or any(s <= 0 for s in args.sources) or args.timeout <= 0:
        p.error("--duration, --sources and --timeout must be positive")
    return args


def main(argv):
    args = parse_args(argv)
    if args.worker:
        result = brian2_worker(json.loads(args.worker))
        print(RESULT_MARK + json.dumps(result), flush=True)
        return 0
    if not args.no_brian2:
        ensure_brian2(args.install)

    runs = []   # (title, workload, duration, sources)
    for w in args.workloads:
        if w == "cuba":
            runs.append((f"CUBA {args.duration:g} s", "cuba", args.duration, None))
            if args.long and args.duration != 10.0:
                runs.append(("CUBA 10 s", "cuba", 10.0, None))
        else:
            for n in args.sources:
                runs.append((f"synaptic: {n} Poisson sources -> {SYNAPTIC['n']} LIF, "
                             f"{args.duration:g} s", "synaptic", args.duration, n))

    machine = machine_info()
    print(f"machine: {machine['cpu']}, {machine['cores']} cores, {machine['gcc']}; "
          f"load average {machine['loadavg_start'][0]:.2f} at start")
    report = dict(machine=machine, constants=dict(dt=DT, cuba=CUBA, synaptic=SYNAPTIC),
                  tolerances=dict(rate_relative=args.rate_tol, cv_absolute=args.cv_tol),
                  seed=args.seed, workloads=[])
    status = 0
    for title, workload, duration, sources in runs:
        rows = []
        if not args.no_brian2:
            for mode in args.brian2_modes:
                print(f"  running Brian2 {mode}: {title} ...", flush=True)
                rows.append(measure_brian2(workload, mode, args, sources, duration))
        if not args.no_rockpool:
            for mode in args.rockpool_modes:
                print(f"  running rockpool {mode}: {title} ...", flush=True)
                rows.append(measure_rockpool(workload, mode, args, sources, duration))
        print_table(title, rows)
        checks = statistics_check(rows, args.rate_tol, args.cv_tol)
        if any(c["verdict"] == "FAIL" for c in checks):
            status = 1
        report["workloads"].append(dict(title=title, workload=workload, duration_s=duration,
                                        sources=sources, rows=rows, checks=checks))
    machine["loadavg_end"] = os.getloadavg()
    print(f"\nload average {machine['loadavg_end'][0]:.2f} at end")
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(report, f, indent=2)
        print(f"measurements written to {args.json_out}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
