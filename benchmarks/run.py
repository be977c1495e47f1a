"""Throughput against the floor: jixiao next to a bare calamine read and a bare openpyxl read of
the same generated workbooks, measured in one run, each workload in a fresh process.

    python benchmarks/run.py --n 1000 [--text-n 1000] [--repeat 1] [--profile] [--workdir /tmp/jixiao-bench]

For each workload: CPU seconds (the process and its worker processes), wall seconds, peak RSS
of the main process and of the largest worker, files/s; then the ratios the targets of issue
#11 are stated in.  Files are generated (seeded) under --workdir and reused by later runs.
Not part of the test suite: timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

WORKLOADS = {
    "calamine": "calamine-only read (values of every sheet)",
    "openpyxl": "openpyxl-only read (load_workbook, every cell's value)",
    "jixiao-j1": "jixiao check --format json --jobs 1",
    "jixiao-j2": "jixiao check --format json --jobs 2",
    "text-read": "text read only (decode + split)",
    "text-j1": "jixiao check --format json --jobs 1 on text tables",
}


# ---------------------------------------------------------------- inside the measured process


def _files(folder: str) -> list[str]:
    return sorted(str(p) for p in Path(folder).iterdir() if p.is_file())


def _calamine(folder: str) -> None:
    from python_calamine import CalamineWorkbook

    for p in _files(folder):
        wb = CalamineWorkbook.from_path(p)
        for name in wb.sheet_names:
            wb.get_sheet_by_name(name).to_python()


def _openpyxl(folder: str) -> None:
    from openpyxl import load_workbook

    for p in _files(folder):
        wb = load_workbook(p)
        for ws in wb.worksheets:
            for _ in ws.iter_rows(values_only=True):
                pass


def _text_read(folder: str) -> None:
    for p in _files(folder):
        [line.split("\t") for line in Path(p).read_bytes().decode("utf-8").splitlines()]


def _jixiao(folder: str, jobs: str) -> None:
    from checker.cli import app

    with contextlib.suppress(SystemExit):
        app(["check", folder, "--format", "json", "-o", os.devnull, "--jobs", jobs, "-q", "--no-config",
             "--fail-on", "never"], standalone_mode=False)


def measure_here(workload: str, folder: str) -> dict:
    import resource

    started, cpu0 = time.perf_counter(), time.process_time()
    if workload == "calamine":
        _calamine(folder)
    elif workload == "openpyxl":
        _openpyxl(folder)
    elif workload == "text-read":
        _text_read(folder)
    else:
        _jixiao(folder, "2" if workload.endswith("j2") else "1")
    wall = time.perf_counter() - started
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    main, workers = time.process_time() - cpu0, kids.ru_utime + kids.ru_stime
    return {"wall": wall, "cpu": main + workers, "cpu_main": main, "cpu_workers": workers,
            "rss_main_mib": me.ru_maxrss / 1024, "rss_worker_mib": kids.ru_maxrss / 1024}


# ---------------------------------------------------------------- the driver


def measure(workload: str, folder: Path) -> dict:
    load = os.getloadavg()[0]  # other processes on the machine: wall times mean little when it is high
    out = subprocess.run([sys.executable, __file__, "--_measure", workload, str(folder)], capture_output=True,
                         text=True, cwd=ROOT)
    if out.returncode:
        sys.exit(f"{workload} failed:\n{out.stderr}")
    return {**json.loads(out.stdout.strip().splitlines()[-1]), "load": (load + os.getloadavg()[0]) / 2}


def ensure_files(kind: str, n: int, workdir: Path, seed: int, files: str = "generated") -> Path:
    from generate import generate
    from seed_cuts import copy_text, cut_workbooks

    folder = workdir / (f"{kind}-{n}-seed{seed}" if files == "generated" else f"{kind}-{n}-seed003")
    done = workdir / f"{folder.name}.complete"
    if not done.exists():
        started = time.perf_counter()
        if files == "generated":
            generate(n, folder, seed=seed, text=kind == "text")
        else:  # the issue's own workload; n text files hold 14 × n tables
            (copy_text if kind == "text" else cut_workbooks)(n, folder)
        done.write_text("ok", encoding="utf-8")
        print(f"generated {n} {kind} files in {time.perf_counter() - started:.0f} s: {folder}", file=sys.stderr)
    return folder


def tables_in(folder: Path) -> int:
    from checker.engine import RunOptions, check

    return len(check([str(folder)], options=RunOptions(jobs=2)).projects)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000, help="workbooks (single tables, a few bundles)")
    ap.add_argument("--text-n", type=int, default=None, help="text tables (default: --n)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per workload; the median is reported")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/jixiao-bench"))
    ap.add_argument("--profile", action="store_true", help="also print a cProfile of jixiao on the workbooks")
    ap.add_argument("--only", default="", help="comma-separated workloads to run (default: all)")
    ap.add_argument("--files", choices=["generated", "seed003"], default="generated",
                    help="generated forms (default), or #11's own workload: tables cut from the seed-003 bundle")
    ap.add_argument("--_measure", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._measure:
        print(json.dumps(measure_here(*args._measure)))
        return
    xlsx = ensure_files("xlsx", args.n, args.workdir, args.seed, args.files)
    text = ensure_files("text", args.text_n or args.n, args.workdir, args.seed, args.files)
    chosen = [w for w in WORKLOADS if not args.only or w in args.only.split(",")]
    results = {}
    for w in chosen:
        runs = [measure(w, text if w.startswith("text") else xlsx) for _ in range(args.repeat)]
        results[w] = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    report(results, args.n, args.text_n or args.n, xlsx, text)
    if args.profile:
        profile(xlsx)


def report(results: dict, n: int, text_n: int, xlsx: Path, text: Path) -> None:
    print(f"cores: {os.cpu_count()}   workbooks: {n}   text tables: {text_n}   python {sys.version.split()[0]}")
    print(f"{'workload':12} {'CPU s':>8} {'wall s':>8} {'files/s':>8} {'RSS main MiB':>13} {'RSS worker MiB':>15} "
          f"{'load':>5}")
    for w, r in results.items():
        files = text_n if w.startswith("text") else n
        print(f"{w:12} {r['cpu']:8.2f} {r['wall']:8.2f} {files / r['wall']:8.0f} {r['rss_main_mib']:13.0f} "
              f"{r['rss_worker_mib']:15.0f} {r['load']:5.1f}   {WORKLOADS[w]}")
    ratios(results, text_n, text)


def ratios(r: dict, text_n: int, text: Path) -> None:
    def has(*names):
        return all(x in r for x in names)

    print("\nagainst the targets of #11:")
    if has("jixiao-j1", "calamine"):
        print(f"  jixiao / calamine-only (CPU): {r['jixiao-j1']['cpu'] / r['calamine']['cpu']:.1f}×   (target ≤ 6×)")
    if has("jixiao-j1", "openpyxl"):
        print(f"  openpyxl-only / jixiao (CPU): {r['openpyxl']['cpu'] / r['jixiao-j1']['cpu']:.2f}×   (target ≥ 5×)")
    if has("jixiao-j1", "jixiao-j2"):
        print(f"  --jobs 2 / --jobs 1 (wall): {r['jixiao-j2']['wall'] / r['jixiao-j1']['wall']:.2f}   (target ≤ 0.6)")
        # On a shared machine wall time depends on the others' load; the critical path from CPU
        # times says what two free cores would give: the driver's work plus the workers' share.
        one = r["jixiao-j1"]["cpu_main"] + r["jixiao-j1"]["cpu_workers"]
        two = r["jixiao-j2"]["cpu_main"] + r["jixiao-j2"]["cpu_workers"] / 2
        print(f"  --jobs 2 / --jobs 1 (critical path from CPU times, two free cores): {two / one:.2f}")
    if has("text-j1"):
        tables = tables_in(text)
        print(f"  text: {r['text-j1']['cpu'] / tables * 1000:.2f} ms CPU per table ({tables} tables)"
              f"   (target ≤ 0.6 ms)")
    if has("jixiao-j1"):
        print(f"  peak RSS, main process: {r['jixiao-j1']['rss_main_mib']:.0f} MiB   (target ≤ 400 MiB at 10,000)")


def profile(folder: Path, top: int = 30) -> None:
    import cProfile
    import pstats

    from checker.engine import RunOptions, check
    from reports import render

    prof = cProfile.Profile()
    prof.enable()
    render(check([str(folder)], options=RunOptions(jobs=0)), "json")
    prof.disable()
    stats = pstats.Stats(prof)
    print(f"\ncProfile of jixiao (one process) on {folder}: top {top} by cumulative time")
    stats.sort_stats("cumulative").print_stats(top)
    print(f"top {top} by own time")
    stats.sort_stats("tottime").print_stats(top)


if __name__ == "__main__":
    main()
