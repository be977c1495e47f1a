"""Write seed 003's bundle as a real-looking workbook: data/batch/003_bundle.xlsx.

One 项目清单 sheet and one sheet per project table (项目1 … 项目14), cells exactly
as the seed text, numbers stored as numbers with the format that displays them as
the form did (0.9983 as "99.83%"), and the merged cells a real form has — merged
only over cells that are blank in the seed, so reading the workbook back gives the
seed's cells.

Usage: python scripts/make_sample_xlsx.py [SEED.txt] [OUT.xlsx]
"""

from __future__ import annotations

import re
import sys
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from checker.readers.text import read_text  # noqa: E402
from checker.recognise.labels import squash  # noqa: E402

NUMBER = re.compile(r"^-?\d+(?:\.(\d+))?$")
PERCENT = re.compile(r"^(-?\d+(?:\.(\d+))?)%$")
DOWN_LABELS = ("项目资金", "绩效指标", "年度总体目", "度总体目")


def typed(text: str):
    """Seed cell text -> (value, number_format)."""
    t = text.strip()
    m = PERCENT.match(t)
    if m:
        decimals = len(m.group(2) or "")
        return float(m.group(1)) / 100, "0" + ("." + "0" * decimals if decimals else "") + "%"
    m = NUMBER.match(t)
    if m:
        decimals = len(m.group(1) or "")
        return (float(t) if decimals else int(t)), ("0." + "0" * decimals if decimals else "0")
    return text, None


def split_tables(rows):
    """(清单 rows, [rows of each table]) — a table starts at its 项目名称 row."""
    listing, tables = [], []
    for row in rows:
        first = squash(row.texts[0]) if row.texts else ""
        if first.startswith("项目名称"):
            tables.append([])
        (tables[-1] if tables else listing).append(row)
    return listing, tables


def write_sheet(ws, rows) -> None:
    grid = [row.texts for row in rows]
    width = max(len(r) for r in grid)
    for r, texts in enumerate(grid, start=1):
        for c, text in enumerate(texts, start=1):
            if text == "":
                continue
            value, fmt = typed(text)
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # "=12次" is text typed by a person, not a formula
            if fmt:
                cell.number_format = fmt
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    _merge(ws, grid, width)
    for c in range(1, width + 1):
        ws.column_dimensions[get_column_letter(c)].width = 14 if c > 3 else 12
    ws.column_dimensions["D"].width = 24


def _blank(grid, r, c) -> bool:
    return c >= len(grid[r]) or grid[r][c] == ""


def _merge(ws, grid, width) -> None:
    taken: set[tuple[int, int]] = set()
    for r, texts in enumerate(grid):
        for c, text in enumerate(texts):
            s = squash(text)
            if not s:
                continue
            if s.startswith("项目名称"):  # the name's value spans the empty cells to its right
                v = next((k for k in range(c + 1, len(texts)) if texts[k]), None)
                if v is not None:
                    end = v
                    while end + 1 < width and _blank(grid, r, end + 1):
                        end += 1
                    if end > v:
                        ws.merge_cells(start_row=r + 1, start_column=v + 1, end_row=r + 1, end_column=end + 1)
                continue
            down = s.startswith(DOWN_LABELS) or ("指标" in s and "分" in s and c <= 2 and r > 0)
            if not down:
                continue
            end = r
            while end + 1 < len(grid) and _blank(grid, end + 1, c) and (end + 1, c) not in taken \
                    and not squash(grid[end + 1][0] if grid[end + 1] else "").startswith(("总分", "项目名称")) \
                    and not any(squash(x).startswith(DOWN_LABELS) for x in grid[end + 1][:c]):
                end += 1
            if end > r:
                ws.merge_cells(start_row=r + 1, start_column=c + 1, end_row=end + 1, end_column=c + 1)
                taken.update((k, c) for k in range(r, end + 1))


def main(seed: str, out: str) -> None:
    rows = read_text(seed)[0].rows
    listing, tables = split_tables(rows)
    wb = Workbook()
    ws = wb.active
    ws.title = "项目清单"
    write_sheet(ws, listing)
    ws["A1"].font = Font(bold=True, size=14)
    for n, table in enumerate(tables, start=1):
        write_sheet(wb.create_sheet(f"项目{n}"), table)
    wb.properties.creator = "jixiao scripts/make_sample_xlsx.py"
    wb.properties.created = wb.properties.modified = datetime(2024, 1, 1)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    print(f"wrote {out}: 项目清单 + {len(tables)} tables")


if __name__ == "__main__":
    args = sys.argv[1:]
    main(args[0] if args else str(ROOT.parent / "shared" / "seeds" / "003_e5022aef434c00d6.txt"),
         args[1] if len(args) > 1 else str(ROOT / "data" / "batch" / "003_bundle.xlsx"))
