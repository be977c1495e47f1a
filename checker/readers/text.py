"""Text extracted from PDF or Word: tab-separated cells.

Two layouts occur in the wild and both are handled:

* row-per-line (PDF extraction, seeds 001/003/004): each line is a table row and
  tabs separate its cells;
* cell-per-line (Word extraction, seeds 000/002): every cell starts on a new line
  with a tab, and lines without a leading tab continue the cell above, so one row
  spans many lines and cells may hold line breaks.
"""

from __future__ import annotations

import re

from checker.grid import Cell, Grid, Row
from checker.limits import DEFAULT_LIMITS, LimitExceeded, Limits
from checker.readers.encoding import load_text


def read_text(path: str, limits: Limits | None = None) -> list[Grid]:
    limits = limits or DEFAULT_LIMITS
    decoded = load_text(path, limits)
    lines = decoded.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    decoded.text = ""  # the lines hold it now
    check_cells(lines, "\t", limits)
    if _is_cell_per_line(lines):
        grid = Grid(path=path, name="", rows=_cell_per_line(lines), layout="lines")
    else:
        sep = _separator(lines)
        grid = Grid(path=path, name="", rows=_row_per_line(lines, sep, limits),
                    layout="spaces" if sep is _SPACES else "tabs")
    grid.warnings += decoded.warnings
    return [grid]


def check_cells(lines: list[str], sep: str, limits: Limits) -> None:
    """Cells per line and in all, counted before any is built."""
    total = 0
    for n, line in enumerate(lines, start=1):
        cells = line.count(sep) + 1
        if cells > limits.sheet_cols:
            raise LimitExceeded(f"第 {n} 行有 {cells} 个单元格，超过上限 {limits.sheet_cols} 列")
        total += cells
    if total > limits.sheet_cells:
        raise LimitExceeded(f"文件共 {total} 个单元格，超过上限 {limits.sheet_cells} 个")


def _separator(lines: list[str]) -> re.Pattern:
    """Tabs as a rule; "pdftotext -layout" style files align columns with runs of spaces instead."""
    tabbed = sum(1 for ln in lines if "\t" in ln)
    spaced = sum(1 for ln in lines if _SPACES.search(ln.strip()))
    return _SPACES if tabbed < 3 and spaced >= 5 else _TAB


_TAB = re.compile("\t")
_SPACES = re.compile(r"(?: {2,}|\u3000+)")


def _is_cell_per_line(lines: list[str]) -> bool:
    tabbed = [ln for ln in lines if "\t" in ln]
    if len(tabbed) < 5:
        return False
    single_leading = sum(1 for ln in tabbed if ln.startswith("\t") and ln.count("\t") == 1)
    return single_leading / len(tabbed) > 0.6


def _row_per_line(lines: list[str], sep: re.Pattern, limits: Limits) -> list[Row]:
    rows = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        parts = sep.split(line.rstrip() if sep is _SPACES else line)
        if len(parts) > limits.sheet_cols:  # runs of spaces: not counted before
            raise LimitExceeded(f"第 {n} 行有 {len(parts)} 个单元格，超过上限 {limits.sheet_cols} 列")
        loc = f"line {n}"
        cells = [Cell(part, f"{loc} col {i}") for i, part in enumerate(parts, start=1)]
        rows.append(Row(cells=cells, loc=loc))
    return rows


def _cell_per_line(lines: list[str]) -> list[Row]:
    """Rebuild rows: a tab opens a cell, a plain line continues the open cell.

    A tabbed line after a blank line opens a new row only once the current row has
    as many cells as the header row; Word often leaves a blank line inside a cell.
    Two blank lines before a plain line mean it stands alone (a page number).
    """
    rows: list[tuple[int, list[list]]] = []  # (start line, [[text, line], ...])
    width = 0
    current: list[list] | None = None
    blanks = 0
    for n, line in enumerate(lines, start=1):
        if line == "":
            blanks += 1
            continue
        parts = line.split("\t")
        if len(parts) > 1:
            full = current is not None and len(current) >= max(width, 2)
            if current is None or (blanks and full):
                current = []
                rows.append((n, current))
                current.append([parts[0], n])
            elif parts[0]:
                current[-1][0] += "\n" + parts[0]
            current.extend([p, n] for p in parts[1:])
            if len(rows) <= 3:
                width = max(width, len(current))
        elif current is not None and blanks < 2:
            current[-1][0] += "\n" + line
        else:
            current = None
            rows.append((n, [[line, n]]))
        blanks = 0
    return [
        Row(cells=[Cell(text.strip("\n"), f"line {ln}") for text, ln in cells], loc=f"line {start}")
        for start, cells in rows
    ]
