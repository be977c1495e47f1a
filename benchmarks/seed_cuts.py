"""The workload issue #11 states its figures in: single-table workbooks cut from the seed-003 bundle
(values, number formats and merged cells kept, every file different) and copies of the bundle as text
(14 tables each).  Made from ``data/`` so it runs on a fresh clone.

    python benchmarks/seed_cuts.py --n 1000 --out /tmp/cuts [--text]
"""

from __future__ import annotations

import argparse
import io
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUNDLE_XLSX = ROOT / "data" / "batch" / "003_bundle.xlsx"
BUNDLE_TEXT = ROOT / "data" / "text" / "003_bundle_jinan.txt"


def cut_workbooks(n: int, out: Path) -> list[Path]:
    """``n`` workbooks, each one table sheet of the bundle (in turn), its project name numbered."""
    from openpyxl import load_workbook

    raw = BUNDLE_XLSX.read_bytes()
    tables = load_workbook(io.BytesIO(raw), read_only=True).sheetnames[1:]  # the first sheet is the 清单
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(n):
        wb = load_workbook(io.BytesIO(raw))
        keep = tables[k % len(tables)]
        for name in [s for s in wb.sheetnames if s != keep]:
            del wb[name]
        _number_project(wb[keep], k + 1)
        path = out / f"cut_{k:06d}.xlsx"
        wb.save(path)
        paths.append(path)
    return paths


def _number_project(ws, k: int) -> None:
    from openpyxl.cell.cell import MergedCell

    for row in ws.iter_rows(max_row=12):
        for cell in row:
            if cell.value == "项目名称":
                right = [ws.cell(row=cell.row, column=cell.column + d) for d in (1, 2)]
                target = next((c for c in right if c.value), None)
                if target is not None and not isinstance(target, MergedCell):
                    target.value = f"{target.value}（第{k}批）"
                return


def copy_text(n: int, out: Path) -> list[Path]:
    """``n`` copies of the bundle as text (14 tables each), project names numbered per copy."""
    src = BUNDLE_TEXT.read_text(encoding="utf-8")
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(n):
        text = re.sub(r"^(项目名称\t\t)([^\t\n]+)", lambda m, k=k: f"{m.group(1)}{m.group(2)}（第{k + 1}批）", src, flags=re.M)
        path = out / f"bundle_{k:06d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--text", action="store_true", help="copies of the bundle as text instead of cut workbooks")
    args = ap.parse_args()
    paths = (copy_text if args.text else cut_workbooks)(args.n, args.out)
    print(f"wrote {len(paths)} files to {args.out}")


if __name__ == "__main__":
    main()
