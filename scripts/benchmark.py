"""Throughput on a large batch: N copies of the seed 003 bundle (14 tables each).

Usage: python scripts/benchmark.py [COPIES]   (default 50 → 700 tables)
Prints wall time, tables per second and peak memory.  Not a test: timings vary by machine.
"""

from __future__ import annotations

import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from checker.engine import check  # noqa: E402


def main(copies: int) -> None:
    src = ROOT / "data" / "text" / "003_bundle_jinan.txt"
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(copies):
            shutil.copy(src, Path(tmp) / f"bundle_{n:04d}.txt")
        start = time.perf_counter()
        result = check([tmp])
        elapsed = time.perf_counter() - start
    tables = len(result.projects)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{copies} files, {tables} tables, {len(result.findings)} findings: "
          f"{elapsed:.2f} s ({tables / elapsed:.0f} tables/s), peak RSS {peak_mb:.0f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
