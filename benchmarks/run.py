"""The scale benchmark: generated organisations, every figure beside its floor.

For each size (people x announcements) it generates a data folder with
``generate.py`` (seeded, so the same files every run) and measures, each
phase in a fresh process so that no cache in memory flatters it:

* cold load (files -> validated dataset, empty on-disk cache) and the full
  check (plus the history and its invariants), beside the floors of reading
  the bytes and of parsing the same YAML files with libyaml alone;
* warm load and check (nothing changed on disk, the cache filled);
* materialising the first, a middle and the latest snapshot, beside building
  a bare networkx graph with the same nodes and edges;
* the diff of consecutive versions (median and worst over all pairs) and of
  the first against the latest version;
* before/after charts of one announcement and the full chart of the latest
  version, beside ``dot`` alone on the same DOT text;
* memory: the whole history against one snapshot, and the peak;
* ``orgmodel log`` and ``orgmodel --help`` start-up on the seeds.

Usage (under ten minutes for the default sizes on a 2-core machine)::

    python benchmarks/run.py
    python benchmarks/run.py --sizes 1000x100,10000x1000
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

DEFAULT_SIZES = "1000x100,10000x1000,100000x1000"
NA = "not available"


def clock(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def rss_mb() -> float:
    """Resident memory of this process now, in MB."""
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def yaml_files(data: Path) -> list[Path]:
    return [data / "sources.yaml", data / "registry.yaml", *sorted((data / "announcements").glob("*.yaml"))]


def data_files(data: Path) -> list[Path]:
    return yaml_files(data) + sorted((data / "sources").glob("*.txt"))


# ------------------------------------------------------------------ phases (child processes)


def phase_floors(data: Path) -> dict[str, Any]:
    """Reading the bytes, and libyaml alone on the same YAML files (collector paused, its best)."""
    import yaml

    t_read, blobs = clock(lambda: [p.read_bytes() for p in data_files(data)])
    texts = [p.read_text(encoding="utf-8") for p in yaml_files(data)]
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    gc.disable()
    t_parse, _ = clock(lambda: [yaml.load(t, Loader=loader) for t in texts])  # noqa: S506
    gc.enable()
    return {"read": t_read, "libyaml": t_parse, "bytes": sum(len(b) for b in blobs),
            "yaml_bytes": sum(len(t.encode()) for t in texts)}


def phase_load(data: Path, full: bool) -> dict[str, Any]:
    """Load and check; with ``full``, everything measured on the loaded history."""
    import networkx  # noqa: F401 - imported before the clocks start, as a command would

    from orgmodel.history import History
    from orgmodel.load import load_dataset

    from orgmodel.cache import code_version

    out: dict[str, Any] = {"code": code_version()}
    out["load"], ds = clock(lambda: load_dataset(data))
    out["history"], h = clock(lambda: History(ds))
    out["check"] = out["load"] + out["history"]
    if not full:
        return out
    n = len(h)
    marks = {"first": 0, "middle": n // 2, "latest": n - 1}
    for label, k in marks.items():
        t, g = clock(lambda: h.snapshot(k))
        out[f"snap_{label}"] = t
        out[f"snap_{label}_floor"] = bare_graph(g)
        out[f"snap_{label}_nodes"] = g.number_of_nodes()
        del g
    out.update(measure_diffs(h))
    out.update(measure_charts(h, data))
    out["peak_mb"] = peak_mb()
    return out


def phase_memory(data: Path) -> dict[str, Any]:
    """Bytes allocated by the whole history (dataset and facts) and by one snapshot (tracemalloc)."""
    import tracemalloc

    import networkx  # noqa: F401

    from orgmodel.history import History
    from orgmodel.load import load_dataset

    tracemalloc.start()
    h = History(load_dataset(data))
    gc.collect()
    history = tracemalloc.get_traced_memory()[0]
    g = h.snapshot(len(h) - 1)
    snapshot = tracemalloc.get_traced_memory()[0] - history
    tracemalloc.stop()
    return {"history_mb": history / 1e6, "snapshot_mb": snapshot / 1e6, "nodes": g.number_of_nodes()}


def bare_graph(g: Any) -> float:
    """Building a plain DiGraph with the same nodes and edges, no attributes."""
    import networkx as nx

    nodes, edges = list(g.nodes), list(g.edges)
    gc.disable()  # as the snapshot itself runs
    t, _ = clock(lambda: nx.DiGraph(edges).add_nodes_from(nodes))
    gc.enable()
    return t


def measure_diffs(h: Any) -> dict[str, Any]:
    try:
        from orgmodel.diff import diff_versions
    except ImportError:
        return {"diff": NA}
    n = len(h)
    times, sizes = [], []
    diff_versions(h, 0, min(1, n - 1))  # one-time costs (lazy imports) are not a diff's
    for k in range(1, n):
        t, d = clock(lambda: diff_versions(h, k - 1, k))
        times.append(t)
        sizes.append(len(h.versions[k].announcement.changes))
    worst = max(range(len(times)), key=times.__getitem__)
    small = [t for t, s in zip(times, sizes) if s <= 100]
    t_all, d_all = clock(lambda: diff_versions(h, 0, n - 1))
    return {"diff_median": statistics.median(times), "diff_max": times[worst],
            "diff_max_changes": sizes[worst], "diff_max_small": max(small) if small else None,
            "diff_first_latest": t_all, "diff_first_latest_changes": len(d_all)}


def chart_announcement(h: Any) -> int:
    """The announcement drawn before/after: the last reorganisation, else the latest."""
    for v in reversed(h.versions[1:]):
        if "reorganisation" in v.id:
            return v.index
    return len(h) - 1


def measure_charts(h: Any, data: Path) -> dict[str, Any]:
    try:
        from orgmodel import build, chart, render
        from orgmodel.errors import RenderError
    except ImportError:
        return {"charts": NA}
    out: dict[str, Any] = {}
    k = chart_announcement(h)
    out["chart_version"] = h.versions[k].id
    out["chart_changes"] = len(h.versions[k].announcement.changes)
    gc.collect()  # garbage in reference cycles left by the measures above is not the charts' cost
    out["charts"], _ = clock(lambda: build.diff_svgs(h, k - 1, k))
    sd = build._lookup_diff(h, k - 1, k)
    dc = chart.diff_chart(h.snapshot(k - 1), h.snapshot(k), sources=build.source_labels(h),
                          changes=sd.changes if sd else ())
    out["charts_floor"], _ = clock(lambda: render.run_dot(dc.dot, "svg"))
    out["charts_nodes"] = dc.dot.count("\n")
    g = h.snapshot(len(h) - 1)
    try:
        t, dot = clock(lambda: chart.snapshot_dot(g, sources=build.source_labels(h)))
        t_svg, _ = clock(lambda: render.render_svg(dot))
        out["full_chart"] = t + t_svg
        out["full_chart_floor"], _ = clock(lambda: render.run_dot(dot, "svg"))
    except RenderError as e:
        out["full_chart"] = t_refuse(lambda: chart.snapshot_dot(g, sources=build.source_labels(h)))
        out["full_chart_refused"] = str(e)
    return out


def t_refuse(fn: Callable[[], Any]) -> float:
    from orgmodel.errors import RenderError

    t = time.perf_counter()
    try:
        fn()
    except RenderError:
        pass
    return time.perf_counter() - t


def child(argv: list[str]) -> None:
    phase, data = argv[0], Path(argv[1])
    if phase == "floors":
        result = phase_floors(data)
    elif phase == "memory":
        result = phase_memory(data)
    else:
        result = phase_load(data, full=(phase == "full"))
    print(json.dumps(result))


# ------------------------------------------------------------------ the parent


def run_child(phase: str, data: Path, cache: Path) -> dict[str, Any]:
    env = dict(os.environ, ORGMODEL_CACHE_DIR=str(cache), PYTHONHASHSEED="0")
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", phase, str(data)],
                          capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark phase {phase} failed on {data}:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def startup(args: list[str], repeat: int = 7) -> float:
    """Median wall time of running a command on the seeds."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(args, cwd=REPO, capture_output=True, check=False)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def import_report() -> list[tuple[str, float]]:
    """The packages ``orgmodel log`` imports, by cumulative import time (python -X importtime)."""
    code = "import sys; sys.argv=['orgmodel','log']; from orgmodel.cli import main; main()"
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", code], cwd=REPO, capture_output=True,
                          text=True, check=False)
    rows = []
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if m and len(m.group(2)) <= 2:  # top-level imports only
            rows.append((m.group(3), int(m.group(1)) / 1e6))
    return sorted(rows, key=lambda r: -r[1])[:8]


def machine() -> str:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    dot = subprocess.run(["dot", "-V"], capture_output=True, text=True, check=False).stderr.strip() \
        if shutil.which("dot") else "dot not installed"
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{platform.node()}: {os.cpu_count()} cores, {cpu}; Python {platform.python_version()}; {dot}; "
            f"load average at start {load}")


def fmt(x: Any) -> str:
    if x is None:
        return "-"
    if isinstance(x, str):
        return x
    return f"{x * 1000:.1f} ms" if x < 1 else f"{x:.2f} s"


def row(what: str, ours: Any, floor: Any = None, floor_is: str = "", target: str = "") -> str:
    if isinstance(ours, (int, float)) and isinstance(floor, (int, float)) and floor > 0:
        ratio = f"{ours / floor:.2f}x"
    else:
        ratio = "-"
    return f"| {what} | {fmt(ours)} | {fmt(floor)} | {floor_is} | {ratio} | {target} |"


def table(size: str, counts: dict[str, Any], fl: dict[str, Any], cold: dict[str, Any],
          warm: dict[str, Any]) -> list[str]:
    mb = fl["yaml_bytes"] / 1e6
    out = [f"### {size}: {counts['people']:,} people, {counts['units']:,} units, "
           f"{counts['announcements']:,} announcements, {counts['changes']:,} changes, "
           f"{fl['bytes'] / 1e6:.1f} MB ({mb:.1f} MB YAML)", "",
           "| measure | ours | floor | floor is | ratio | target |", "|---|---|---|---|---|---|"]
    lib = "libyaml alone, same YAML"
    out.append(row("cold load + validation", cold["load"], fl["libyaml"], lib, "<= 1.5x floor"))
    out.append(row("cold check (load + history invariants)", cold["check"], fl["libyaml"], lib, ""))
    stale = " (code edited during the run: NOT warm)" if warm.get("code") != cold.get("code") else ""
    out.append(row("warm load (nothing changed)" + stale, warm["load"], fl["read"], "reading the bytes", "< 2 s"))
    out.append(row("warm check (load + history)", warm["check"], fl["read"], "reading the bytes", ""))
    for label in ("first", "middle", "latest"):
        out.append(row(f"snapshot {label} ({cold[f'snap_{label}_nodes']:,} nodes)", cold[f"snap_{label}"],
                       cold[f"snap_{label}_floor"], "bare networkx graph, same nodes/edges", "< 1 s"))
    if "diff_median" in cold:
        out.append(row("diff consecutive, median of all pairs", cold["diff_median"], target="< 50 ms"))
        out.append(row(f"diff consecutive, worst ({cold['diff_max_changes']} changes)", cold["diff_max"],
                       target="< 50 ms if <= 100 changes"))
        out.append(row(f"diff first vs latest ({cold['diff_first_latest_changes']:,} changes)",
                       cold["diff_first_latest"]))
    else:
        out.append(row("diff", NA))
    if "chart_version" in cold:
        out.append(row(f"before/after charts of {cold['chart_version']} ({cold['chart_changes']} changes)",
                       cold["charts"], cold["charts_floor"], "dot alone, same DOT", "< 1 s"))
        if "full_chart_refused" in cold:
            out.append(row("full chart of the latest version: refused up front", cold["full_chart"],
                           target="says so up front"))
        else:
            out.append(row("full chart of the latest version", cold["full_chart"], cold["full_chart_floor"],
                           "dot alone, same DOT", "reasonable"))
    else:
        out.append(row("charts", NA))
    ratio = cold["history_mb"] / cold["snapshot_mb"] if cold.get("snapshot_mb") else None
    out.append(f"| memory: whole history (dataset + facts) / latest snapshot | {cold['history_mb']:.0f} MB / "
               f"{cold['snapshot_mb']:.0f} MB | | | {ratio:.2f}x | < 3x |" if ratio else "| memory | - | | | | |")
    out.append(f"| peak memory (the cold process above) | {cold['peak_mb']:.0f} MB | | | | |")
    if "full_chart_refused" in cold:
        out += ["", f"Full chart: `{cold['full_chart_refused']}`"]
    return out


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        return child(argv[1:])
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default=DEFAULT_SIZES, help=f"PEOPLExANNOUNCEMENTS,... (default {DEFAULT_SIZES})")
    ap.add_argument("--out", type=Path, default=HERE / "out", help="where the generated data goes")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    from generate import generate

    started = time.perf_counter()
    command = "python benchmarks/run.py" + (f" --sizes {args.sizes}" if args.sizes != DEFAULT_SIZES else "")
    lines = ["## orgmodel scale benchmark", "", f"Command: `{command}`", "", f"Machine: {machine()}", ""]
    print("\n".join(lines), flush=True)
    for size in args.sizes.split(","):
        people, announcements = (int(x) for x in size.lower().split("x"))
        data = args.out / f"p{people}-a{announcements}"
        counts = generate(data, people, announcements, args.seed)
        with tempfile.TemporaryDirectory(prefix="orgmodel-bench-cache-") as cache:
            fl = run_child("floors", data, Path(cache))
            cold = run_child("full", data, Path(cache))
            warm = run_child("load", data, Path(cache))
            cold.update(run_child("memory", data, Path(cache)))
        print("\n".join(table(size, counts, fl, cold, warm)) + "\n", flush=True)
    exe = [str(Path(sys.executable).parent / "orgmodel")] if (Path(sys.executable).parent / "orgmodel").exists() \
        else [sys.executable, "-m", "orgmodel"]
    bare = startup([sys.executable, "-c", "pass"])
    out = ["### start-up on the seeds (median of 7 runs)", "",
           "| command | ours | floor | floor is | ratio | target |", "|---|---|---|---|---|---|",
           row("orgmodel --help", startup(exe + ["--help"]), bare, "bare interpreter", "< 0.3 s"),
           row("orgmodel log", startup(exe + ["log"]), bare, "bare interpreter", "< 0.3 s"), "",
           "Imports of `orgmodel log` by cumulative time (python -X importtime): "
           + ", ".join(f"{name} {t * 1000:.0f} ms" for name, t in import_report()), "",
           f"Total benchmark time: {time.perf_counter() - started:.0f} s"]
    print("\n".join(out), flush=True)


if __name__ == "__main__":
    main()
