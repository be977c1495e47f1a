"""The HTML report at scale (#11 target: 4,200 tables in ≤ 10 s, no page above 5 MB).

    python benchmarks/html_report.py [--copies 300] [--max-mb 5]

Builds the result of ``--copies`` copies of the seed-003 bundle (14 tables each) without re-running
the checks, then measures writing the HTML: CPU and wall seconds, pages, the largest page.  Not part
of the test suite (timings depend on the machine); the test checks the pages, not the time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=300, help="copies of the 14-table bundle")
    ap.add_argument("--max-mb", type=float, default=5.0, help="largest page before the report is split")
    args = ap.parse_args()

    from reports.html import write_html
    from tests.test_report_scale import replicated

    result = replicated(args.copies)
    with tempfile.TemporaryDirectory() as tmp:
        cpu, wall = time.process_time(), time.perf_counter()
        written = write_html(result, Path(tmp) / "report.html", max_bytes=int(args.max_mb * 1_000_000))
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        sizes = [p.stat().st_size for p in written]
    print(f"HTML for {len(result.projects):,} tables: {cpu:.2f} s CPU, {wall:.2f} s wall, "
          f"{len(written)} pages, largest {max(sizes) / 1e6:.2f} MB, all {sum(sizes) / 1e6:.1f} MB "
          f"(target ≤ 10 s, ≤ {args.max_mb:g} MB a page)")


if __name__ == "__main__":
    main()
