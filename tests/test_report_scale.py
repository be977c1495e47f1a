"""Reports at scale (#11): the HTML for 4,200 tables (300 copies of the seed-003 bundle) is an index
plus pages, none above 5 MB, every table on one of them.  How long it takes is measured by
``benchmarks/html_report.py``, not asserted here."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from checker.engine import check
from checker.result import FileStatus
from reports.html import write_html

ROOT = Path(__file__).resolve().parents[1]
COPIES = 300


def replicated(n: int):
    """The bundle's result as if n copies had been checked (built without re-running the checks)."""
    one = check([str(ROOT / "data" / "text" / "003_bundle_jinan.txt")])
    src = one.files[0].path

    def copies(frame: pd.DataFrame) -> pd.DataFrame:
        parts = []
        for k in range(n):
            part = frame.copy()
            part["project_id"] = part["project_id"].str.replace(r"^F1", f"F{k + 1}", regex=True)
            if "file" in part.columns:
                part["file"] = part["file"].replace(src, f"/batch/bundle_{k + 1:03d}.txt")
            parts.append(part)
        return pd.concat(parts, ignore_index=True)

    files = [FileStatus(f"/batch/bundle_{k + 1:03d}.txt", "checked", "bundle", 14) for k in range(n)]
    return replace(one, files=files, projects=copies(one.projects), funds=copies(one.funds),
                   sections=copies(one.sections), indicators=copies(one.indicators), findings=copies(one.findings),
                   extra=dict(one.extra))


def test_4200_tables_in_pages_under_5_mb(tmp_path):
    result = replicated(COPIES)
    assert len(result.projects) == 4200
    written = write_html(result, tmp_path / "report.html", max_bytes=5_000_000)
    sizes = [p.stat().st_size for p in written]
    assert len(written) == COPIES + 1 and max(sizes) <= 5_000_000
    pages = sum(p.read_text(encoding="utf-8").count('<details class="project"') for p in written[1:])
    assert pages == 4200
