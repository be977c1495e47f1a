"""Time the Excel readers: openpyxl (the reference) against calamine + the workbook's number formats.

    python3 scripts/bench_readers.py [N]     # N copies of data/batch/003_bundle.xlsx (default 200)

Each reader reads every copy once, in one process, paired and repeated; CPU and wall seconds
are printed (median of the repeats).  Not part of the test suite: no timing is asserted.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from checker.readers.excel import read_excel, read_openpyxl  # noqa: E402


def _run(reader, paths: list[str]) -> tuple[float, float, int]:
    wall, cpu = time.perf_counter(), time.process_time()
    cells = sum(len(r.cells) for p in paths for g in reader(p) for r in g.rows)
    return time.process_time() - cpu, time.perf_counter() - wall, cells


def main(n: int = 200, repeats: int = 3) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i in range(n):
            p = Path(tmp) / f"bundle_{i:04d}.xlsx"
            shutil.copyfile(ROOT / "data" / "batch" / "003_bundle.xlsx", p)
            paths.append(str(p))
        read_excel(paths[0]), read_openpyxl(paths[0])  # imports and first-use costs out of the timing
        results = {"openpyxl": [], "calamine+styles": []}
        for _ in range(repeats):
            results["openpyxl"].append(_run(read_openpyxl, paths))
            results["calamine+styles"].append(_run(lambda p: read_excel(p), paths))
    base = statistics.median(r[0] for r in results["openpyxl"])
    for name, runs in results.items():
        cpu, wall = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
        print(f"{name:16s} {n} × 003_bundle.xlsx (15 sheets, {runs[0][2] // n} cells each): "
              f"CPU {cpu:6.2f} s, wall {wall:6.2f} s, {n / wall:6.1f} files/s, {base / cpu:4.1f}× openpyxl")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
