"""A finding's ``location`` read back as coordinates, for formats that want numbers.

Readers write locations as a reviewer reads them: ``line 103 col 8`` (text), ``项目4!H12``
(spreadsheets), ``表2 R3C4`` (Word tables), ``段落5`` (Word paragraphs), ``p3 r12 c5`` (PDF).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LINE = re.compile(r"^line (\d+)(?: col (\d+))?$")
_CELL = re.compile(r"^(?P<sheet>.+)!(?P<col>[A-Z]{1,3})(?P<row>\d+)$")
_WORD = re.compile(r"^表(?P<table>\d+) R(?P<row>\d+)(?:C(?P<col>\d+))?$")
_PARA = re.compile(r"^段落(\d+)$")
_PDF = re.compile(r"^p(?P<page>\d+) r(?P<row>\d+)(?: c(?P<col>\d+))?$")


@dataclass(frozen=True)
class Where:
    line: int                 # line, sheet row, table row, paragraph or PDF row (1-based)
    column: int | None        # column (1-based) when the location names one
    container: str = ""       # sheet name, "表2", "p3": what the line and column count within


def column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def cell_ref(location: str) -> tuple[str, str] | None:
    """(sheet, "H12") for a spreadsheet location, else None."""
    m = _CELL.match(location or "")
    return (m["sheet"], m["col"] + m["row"]) if m else None


def parse(location: str) -> Where | None:
    loc = (location or "").strip()
    if m := _LINE.match(loc):
        return Where(int(m[1]), int(m[2]) if m[2] else None)
    if m := _CELL.match(loc):
        return Where(int(m["row"]), column_number(m["col"]), m["sheet"])
    if m := _WORD.match(loc):
        return Where(int(m["row"]), int(m["col"]) if m["col"] else None, f"表{m['table']}")
    if m := _PARA.match(loc):
        return Where(int(m[1]), None, "段落")
    if m := _PDF.match(loc):
        return Where(int(m["row"]), int(m["col"]) if m["col"] else None, f"p{m['page']}")
    return None


def shown(location: str, lang: str = "zh") -> str:
    """A location as a Chinese report shows it: ``line 25`` → 第25行, ``line 3 col 5`` → 第3行第5列
    (other forms — 项目4!H12, 表2 R3C4, p3 r12 c5 — are read the same in both languages)."""
    if lang != "zh" or not location:
        return location or ""
    m = _LINE.match(location.strip())
    if not m:
        return location
    return f"第{m[1]}行第{m[2]}列" if m[2] else f"第{m[1]}行"
