#!/usr/bin/env python3
"""scaling_sweep.py: how CUBA's run time and memory grow with the network size.

CUBA (Vogels & Abbott 2005, the parameters of tools/compare_brian2.py) at a fixed
in-degree of 80: N neurons, 80 % excitatory, each ordered pair connected with
p = 80 / N. Each point runs in a fresh subprocess with a timeout:
  `rockpool bench cuba --neurons N --mode clocked|exact --json` (bench/workloads.cpp),
  Brian2 cpp_standalone (single-threaded) and, optionally, Brian2 runtime mode, with
  compare_brian2.py's CUBA model and measurement code, only N and p changed.
Prints one table (per point: run time per simulated second, synaptic events/s, ns per
synaptic event, peak RSS, model memory, bytes per synapse) and writes an SVG plot of
synaptic events/s against N. doc/performance.md ("Scaling") shows a run.

  tools/rp build && tools/scaling_sweep.py                  # default sizes, doc/scaling.svg
  tools/scaling_sweep.py --sizes 1000,4000 --no-brian2 --svg /tmp/s.svg
  tools/scaling_sweep.py --brian2-modes cpp_standalone,runtime --json-out sweep.json

Run from the repository root after `tools/rp build`; this script builds nothing.
"""

import argparse
import importlib.util
import json
import math
import os
import resource
import sys

sys.dont_write_bytecode = True          # importing compare_brian2 leaves no __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare_brian2 as cb  # noqa: E402  (the Brian2 CUBA model, subprocess helper)

IN_DEGREE = 80                          # CUBA's 4000 * 0.02, kept at every size
DEFAULT_SIZES = (1000, 4000, 16000, 64000, 100000)
RESULT_MARK = "SCALING_SWEEP_RESULT "
SHORT_RUN_S = 1e-4                      # one clocked step: the set-up-only run
SERIES = (  # (simulator, mode, label, colour, dash) in legend order
    ("rockpool", "clocked", "rockpool clocked (dt 0.1 ms)", "#1f77b4", None),
    ("rockpool", "exact", "rockpool exact (event-driven)", "#d62728", None),
    ("brian2", "cpp_standalone", "Brian2 cpp_standalone", "#2ca02c", "7,4"),
    ("brian2", "runtime", "Brian2 runtime (Cython, wall time)", "#9467bd", "2,3"),
)


# ---------------------------------------------------------------------------------------
# Brian2 side: compare_brian2's worker with CUBA resized (runs in the subprocess)
# ---------------------------------------------------------------------------------------
def cuba_params(n):
    """compare_brian2.CUBA at n neurons: same split (4:1) and in-degree, p = 80 / n."""
    base = cb.CUBA
    return dict(base, n=n, n_exc=n * base["n_exc"] // base["n"], p_connect=IN_DEGREE / n)


def brian2_worker(spec):
    # compare_brian2._build_cuba reads the module-level CUBA when called; this process
    # runs one measurement, so rebinding it here changes nothing for anyone else.
    cb.CUBA = cuba_params(spec["neurons"])
    return cb.brian2_worker(spec)


def measure_brian2(n, mode, args):
    spec = dict(workload="cuba", mode=mode, duration=args.duration, seed=args.seed,
                neurons=n, keep_build=False, cython_cache=None)
    row = dict(simulator="brian2", mode=mode, neurons=n)
    row.update(cb.run_worker(os.path.abspath(__file__), spec, RESULT_MARK, args.timeout))
    return row


# ---------------------------------------------------------------------------------------
# rockpool side
# ---------------------------------------------------------------------------------------
def rockpool_binary(args):
    return args.rockpool or os.path.join(cb.REPO_ROOT, "build", "tools", "rockpool")


def children_cpu_s():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run_rockpool(n, mode, duration, args):
    """One `rockpool bench cuba` run: (row, process CPU seconds). The CPU time is that of
    the one child reaped meanwhile (runs are sequential; rockpool starts no children)."""
    binary = rockpool_binary(args)
    argv = [binary, "bench", "cuba", "--neurons", str(n), "--mode", mode,
            "--duration", f"{duration!r}s", "--seed", str(args.seed), "--json"]
    cpu0 = children_cpu_s()
    rc, out, err, wall, error = cb.run_subprocess(argv, args.timeout)
    cpu = children_cpu_s() - cpu0
    row = dict(simulator="rockpool", mode=mode, neurons=n, wall_s=wall, command=" ".join(argv))
    if error is None:
        try:
            data = json.loads(out[out.index("{"):out.rindex("}") + 1])
        except ValueError as e:
            error = f"output is not one JSON object ({e}): {out.strip()[:200]!r}"
        else:
            row.update({k: v for k, v in data.items() if k not in ("workload", "mode")})
    if error:
        row["error"] = error
    return row, cpu


def measure_rockpool(n, mode, args):
    """args.repeat pairs of runs, each a full run and a one-step run (the same set-up):
    run_cpu_s = the difference of their process CPU times, the measure Brian2
    cpp_standalone reports (std::clock of its loop) and one the other agents' load on
    the machine inflates much less than wall time. The median pair (by run_cpu_s) is
    kept; run_s stays rockpool's own wall time of run_until."""
    pairs = []
    for _ in range(args.repeat):
        full, cpu_full = run_rockpool(n, mode, args.duration, args)
        if "error" in full:
            return full
        short, cpu_short = run_rockpool(n, mode, SHORT_RUN_S, args)
        if "error" in short:
            return short
        full["run_cpu_s"] = max(cpu_full - cpu_short, 0.0)
        pairs.append(full)
    pairs.sort(key=lambda r: r["run_cpu_s"])
    row = dict(pairs[len(pairs) // 2])
    row["run_cpu_s_all"] = [r["run_cpu_s"] for r in pairs]
    row["run_s_all"] = [r["run_s"] for r in pairs]
    row["peak_rss_bytes"] = max(r["peak_rss_bytes"] for r in pairs)
    return row


# ---------------------------------------------------------------------------------------
# Derived quantities, the table
# ---------------------------------------------------------------------------------------
def derive(row, duration):
    """The run time behind every rate: CPU time where we have it (rockpool: run_cpu_s;
    Brian2 cpp_standalone: its loop's std::clock), else wall (Brian2 runtime)."""
    if "error" in row or not row.get("synaptic_events"):
        return row
    if row["simulator"] == "rockpool":
        run, row["clock"] = row.get("run_cpu_s"), "cpu"
        row["wall_per_sim_s"] = row["run_s"] / duration
    elif row["mode"] == "cpp_standalone":
        run, row["clock"] = row.get("run_s"), "cpu"
    else:
        run, row["clock"] = row.get("run_s"), "wall"
        row["wall_per_sim_s"] = run / duration
    if not run:
        return row
    events = row["synaptic_events"]
    row["run_per_sim_s"] = run / duration
    row["events_per_s"] = events / run
    row["ns_per_event"] = run / events * 1e9
    syn = row.get("synapses")
    if syn:
        row["rss_bytes_per_synapse"] = row["peak_rss_bytes"] / syn
        if row.get("model_memory_bytes"):
            row["model_bytes_per_synapse"] = row["model_memory_bytes"] / syn
    return row


def label(row):
    return next(s[2] for s in SERIES if s[0] == row["simulator"] and s[1] == row["mode"])


COLUMNS = (  # header, key, format, width, scale
    ("N", "neurons", "d", 7, 1),
    ("synapses", "synapses", "d", 9, 1),
    ("run s/sim s", "run_per_sim_s", ".3f", 11, 1),
    ("wall s/sim s", "wall_per_sim_s", ".3f", 12, 1),
    ("syn ev/s", "events_per_s", ".3g", 9, 1),
    ("ns/event", "ns_per_event", ".1f", 8, 1),
    ("peak RSS MB", "peak_rss_bytes", ".1f", 11, 2**-20),
    ("model MB", "model_memory_bytes", ".1f", 8, 2**-20),
    ("model B/syn", "model_bytes_per_synapse", ".1f", 11, 1),
    ("RSS B/syn", "rss_bytes_per_synapse", ".1f", 9, 1),
    ("rate Hz", "mean_rate_hz", ".2f", 7, 1),
)


def cell(row, key, spec, width, scale):
    v = row.get(key)
    if v is None:
        return "n/a".rjust(width)
    return format(v * scale if scale != 1 else v, spec).rjust(width)


def print_table(rows):
    lw = max(len(s[2]) for s in SERIES)
    print("  ".join([" simulator/mode".ljust(lw)] + [c[0].rjust(c[3]) for c in COLUMNS]))
    print("-" * (lw + sum(c[3] + 2 for c in COLUMNS)))
    for r in rows:
        head = label(r).ljust(lw)
        if "error" in r:
            print(f"{head}  {r['neurons']:>7d}  n/a: {r['error']}")
        else:
            print("  ".join([head] + [cell(r, *c[1:]) for c in COLUMNS]))


def markdown_table(rows):
    heads = ["simulator/mode"] + [c[0] for c in COLUMNS]
    out = ["| " + " | ".join(heads) + " |", "|---" + "|---:" * len(COLUMNS) + "|"]
    for r in rows:
        if "error" in r:
            out.append(f"| {label(r)} | {r['neurons']} | " + r["error"] + " |")
        else:
            out.append("| " + " | ".join([label(r)] + [cell(r, *c[1:]).strip()
                                                       for c in COLUMNS]) + " |")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------
# The SVG plot, written as text
# ---------------------------------------------------------------------------------------
def _esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _si(v):
    for div, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if v >= div:
            s = f"{v / div:g}"
            return s + suffix
    return f"{v:g}"


def write_svg(path, rows, title, subtitle, cache_marks=()):
    """Synaptic events/s against N, both axes logarithmic, one line per simulator/mode.
    cache_marks: (N, text) vertical dashed markers."""
    W, H = 940, 560
    left, right, top, bottom = 96, 310, 74, 72      # plot area margins; legend at right
    pw, ph = W - left - right, H - top - bottom
    ok = [r for r in rows if "error" not in r and r.get("events_per_s")]
    if not ok:
        raise ValueError("no successful points to plot")
    xs = [r["neurons"] for r in ok]
    ys = [r["events_per_s"] for r in ok]
    x0, x1 = math.log10(min(xs)) - 0.08, math.log10(max(xs)) + 0.08
    y0 = math.floor(math.log10(min(ys)) * 2) / 2 - 0.05
    y1 = math.ceil(math.log10(max(ys)) * 2) / 2 + 0.05

    def px(n):
        return left + (math.log10(n) - x0) / (x1 - x0) * pw

    def py(v):
        return top + ph - (math.log10(v) - y0) / (y1 - y0) * ph

    o = []
    o.append(f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
             f'viewBox="0 0 {W} {H}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">')
    o.append(f'<rect width="{W}" height="{H}" fill="white"/>')
    o.append(f'<text x="{left + pw / 2}" y="30" text-anchor="middle" font-size="18" '
             f'font-weight="bold">{_esc(title)}</text>')
    o.append(f'<text x="{left + pw / 2}" y="52" text-anchor="middle" font-size="12" '
             f'fill="#444">{_esc(subtitle)}</text>')
    # Grid and ticks: y at 1, 2, 5 x 10^k; x at the measured sizes and 1-2-5 decades.
    for k in range(math.floor(y0), math.ceil(y1) + 1):
        for m in (1, 2, 5):
            v = m * 10 ** k
            if not (y0 <= math.log10(v) <= y1):
                continue
            y = py(v)
            major = m == 1
            o.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + pw}" y2="{y:.1f}" '
                     f'stroke="{"#ccc" if major else "#eee"}" stroke-width="1"/>')
            o.append(f'<line x1="{left - 5}" y1="{y:.1f}" x2="{left}" y2="{y:.1f}" stroke="black"/>')
            o.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" '
                     f'font-size="{13 if major else 11}">{_si(v)}</text>')
    for k in range(math.floor(x0), math.ceil(x1) + 1):
        for m in range(1, 10):
            n = m * 10 ** k
            if not (x0 <= math.log10(n) <= x1):
                continue
            x = px(n)
            major = m == 1
            o.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + ph}" '
                     f'stroke="{"#ccc" if major else "#f2f2f2"}" stroke-width="1"/>')
            o.append(f'<line x1="{x:.1f}" y1="{top + ph}" x2="{x:.1f}" y2="{top + ph + (6 if major else 3)}" '
                     f'stroke="black"/>')
            if m in (1, 2, 5):
                o.append(f'<text x="{x:.1f}" y="{top + ph + 21}" text-anchor="middle" '
                         f'font-size="{13 if major else 11}">{_si(n)}</text>')
    for n, text in cache_marks:
        if x0 <= math.log10(n) <= x1:
            x = px(n)
            o.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + ph}" stroke="#888" '
                     f'stroke-width="1.2" stroke-dasharray="3,4"/>')
            o.append(f'<text x="{x - 5:.1f}" y="{top + ph - 8}" text-anchor="end" font-size="11" '
                     f'fill="#555">{_esc(text)}</text>')
    o.append(f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="black"/>')
    o.append(f'<text x="{left + pw / 2}" y="{H - 22}" text-anchor="middle" font-size="14">'
             f'network size N (neurons; 80 synapses per neuron; log scale)</text>')
    o.append(f'<text transform="translate(24,{top + ph / 2}) rotate(-90)" text-anchor="middle" '
             f'font-size="14">synaptic events per second of run CPU time (log scale)</text>')
    # Series and legend.
    ly = top + 10
    for sim, mode, text, colour, dash in SERIES:
        pts = sorted((r["neurons"], r["events_per_s"]) for r in ok
                     if r["simulator"] == sim and r["mode"] == mode)
        if not pts:
            continue
        d = f' stroke-dasharray="{dash}"' if dash else ""
        path_d = " ".join(f"{'M' if i == 0 else 'L'}{px(n):.1f},{py(v):.1f}"
                          for i, (n, v) in enumerate(pts))
        o.append(f'<path d="{path_d}" fill="none" stroke="{colour}" stroke-width="2.5"{d}/>')
        for n, v in pts:
            o.append(f'<circle cx="{px(n):.1f}" cy="{py(v):.1f}" r="4.5" fill="{colour}" '
                     f'stroke="white" stroke-width="1"><title>{_esc(text)}: N={n}, '
                     f'{v:.3g} events/s</title></circle>')
        lx = left + pw + 18
        o.append(f'<line x1="{lx}" y1="{ly}" x2="{lx + 34}" y2="{ly}" stroke="{colour}" '
                 f'stroke-width="2.5"{d}/>')
        o.append(f'<circle cx="{lx + 17}" cy="{ly}" r="4.5" fill="{colour}" stroke="white"/>')
        o.append(f'<text x="{lx + 42}" y="{ly + 4}" font-size="12">{_esc(text)}</text>')
        ly += 24
    o.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(o) + "\n")


# ---------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------
def ensure_brian2():
    """Re-executes under Debian's python3 if this interpreter cannot import brian2."""
    if importlib.util.find_spec("brian2") is not None:
        return
    deb = cb.DEBIAN_PYTHON
    if os.path.realpath(sys.executable) != os.path.realpath(deb) and os.path.exists(deb):
        os.execv(deb, [deb, os.path.abspath(__file__)] + sys.argv[1:])
    sys.exit("scaling_sweep: brian2 cannot be imported (neither here nor by /usr/bin/python3); "
             "install python3-brian (see tools/compare_brian2.py --install) or use --no-brian2")


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                   help="comma-separated network sizes (default %(default)s)")
    p.add_argument("--duration", type=float, default=1.0,
                   help="simulated seconds per run (default 1); figures are per simulated second")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--repeat", type=int, default=3,
                   help="rockpool runs per point, the median run time is kept (default 3)")
    p.add_argument("--rockpool-modes", default=",".join(cb.ROCKPOOL_MODES),
                   help="comma-separated subset of clocked,exact")
    p.add_argument("--brian2-modes", default="cpp_standalone",
                   help="comma-separated subset of cpp_standalone,runtime (default cpp_standalone)")
    p.add_argument("--brian2-max-size", type=int, default=None,
                   help="skip Brian2 above this size (default: none)")
    p.add_argument("--no-brian2", action="store_true", help="skip Brian2")
    p.add_argument("--rockpool", metavar="PATH",
                   help="rockpool binary (default <repo>/build/tools/rockpool)")
    p.add_argument("--timeout", type=float, default=600.0,
                   help="seconds allowed per subprocess (default 600)")
    p.add_argument("--svg", default="doc/scaling.svg", help="plot file (default %(default)s)")
    p.add_argument("--json-out", metavar="FILE", help="write all measurements as JSON")
    p.add_argument("--markdown", action="store_true", help="also print the table as Markdown")
    p.add_argument("--worker", metavar="SPEC", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    try:
        args.sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    except ValueError:
        p.error(f"--sizes: expected integers, got {args.sizes!r}")
    args.rockpool_modes = [m.strip() for m in args.rockpool_modes.split(",") if m.strip()]
    args.brian2_modes = [m.strip() for m in args.brian2_modes.split(",") if m.strip()]
    for m in args.rockpool_modes:
        if m not in cb.ROCKPOOL_MODES:
            p.error(f"--rockpool-modes: unknown mode {m!r}")
    for m in args.brian2_modes:
        if m not in cb.BRIAN2_MODES:
            p.error(f"--brian2-modes: unknown mode {m!r}")
    if not args.sizes or min(args.sizes) <= IN_DEGREE:
        p.error(f"--sizes: each size must exceed the in-degree {IN_DEGREE}")
    if args.duration <= 0 or args.timeout <= 0 or args.repeat < 1:
        p.error("--duration and --timeout must be positive, --repeat at least 1")
    return args


def main(argv):
    args = parse_args(argv)
    if args.worker:
        print(RESULT_MARK + json.dumps(brian2_worker(json.loads(args.worker))), flush=True)
        return 0
    binary = rockpool_binary(args)
    if args.rockpool_modes and not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        sys.exit(f"scaling_sweep: no rockpool executable at {binary}: run `tools/rp build` "
                 "from the repository root first, or pass --rockpool PATH")
    if not args.no_brian2 and args.brian2_modes:
        ensure_brian2()

    machine = cb.machine_info()
    print(f"machine: {machine['cpu']}, {machine['cores']} cores, {machine['gcc']}; load average "
          f"{' '.join(f'{x:.2f}' for x in machine['loadavg_start'])} at start", flush=True)
    rows = []
    for n in args.sizes:
        for mode in args.rockpool_modes:
            print(f"  rockpool {mode} N={n} ...", flush=True)
            rows.append(derive(measure_rockpool(n, mode, args), args.duration))
        if args.no_brian2 or (args.brian2_max_size and n > args.brian2_max_size):
            continue
        for mode in args.brian2_modes:
            print(f"  Brian2 {mode} N={n} ...", flush=True)
            rows.append(derive(measure_brian2(n, mode, args), args.duration))
    machine["loadavg_end"] = os.getloadavg()
    order = {(s[0], s[1]): i for i, s in enumerate(SERIES)}
    rows.sort(key=lambda r: (order[(r["simulator"], r["mode"])], r["neurons"]))

    print(f"\nCUBA, in-degree {IN_DEGREE}, {args.duration:g} s simulated, seed {args.seed}; "
          f"rockpool: median of {args.repeat}; Brian2: one run.\n'run' is CPU time (rockpool: "
          f"process CPU of a full run minus a one-step run; Brian2 cpp_standalone: std::clock "
          f"of its loop), except Brian2 runtime (wall time of Network.run's loop); 'wall': "
          f"rockpool's wall time of run_until")
    print_table(rows)
    if args.markdown:
        print("\n" + markdown_table(rows))
    print(f"\nload average {' '.join(f'{x:.2f}' for x in machine['loadavg_end'])} at end")

    if args.svg:
        l2 = cache_size_bytes(2)
        marks = []
        if l2:
            # Where the neuron state alone (rockpool: 48 B per neuron, bench/workloads.cpp's
            # state_bytes) stops fitting one core's L2.
            marks.append((l2 / 48, f"neuron state > L2 ({l2 >> 20} MiB)"))
        try:
            write_svg(args.svg, rows,
                      "CUBA scaling at fixed in-degree (80 synapses per neuron)",
                      f"{machine['cpu']}, 1 core used; {args.duration:g} s simulated per point; "
                      f"load average {machine['loadavg_start'][0]:.1f} to "
                      f"{machine['loadavg_end'][0]:.1f}", marks)
            print(f"plot written to {args.svg}")
        except (OSError, ValueError) as e:
            print(f"scaling_sweep: cannot write {args.svg}: {e}", file=sys.stderr)
            return 1
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(dict(machine=machine, in_degree=IN_DEGREE, duration_s=args.duration,
                           seed=args.seed, repeat=args.repeat, rows=rows), f, indent=2)
        print(f"measurements written to {args.json_out}")
    return 1 if any("error" in r for r in rows) else 0


def cache_size_bytes(level):
    """Size of CPU 0's unified or data cache at this level, from sysfs; None if unknown."""
    base = "/sys/devices/system/cpu/cpu0/cache"
    try:
        for d in sorted(os.listdir(base)):
            with open(os.path.join(base, d, "level")) as f:
                if int(f.read()) != level:
                    continue
            with open(os.path.join(base, d, "type")) as f:
                if f.read().strip() == "Instruction":
                    continue
            with open(os.path.join(base, d, "size")) as f:
                s = f.read().strip()
            mult = {"K": 2**10, "M": 2**20, "G": 2**30}.get(s[-1], 1)
            return int(s.rstrip("KMG")) * mult
    except (OSError, ValueError):
        return None
    return None


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
