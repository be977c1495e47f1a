"""OpenDocument spreadsheets checked against the limits before calamine expands them.

An ods cell or row may say "repeated 1,000,000 times"; calamine expands repeats that
hold a value into a dense range.  The content XML is inflated under the zip limits and
its rows and cells are walked with their repeat counts, so the extent a sheet would
take is known (and refused when too large) without building it.  On the way: rows and
columns hidden (``table:visibility`` "collapse" or "filter") and formulas saved without
a value, which the reader leaves out or names (hidden sheets calamine reports itself).
"""

from __future__ import annotations

import html
import re

from checker.limits import Limits, check_sheet_shape
from checker.readers.xls_scan import WorkbookFormats
from checker.readers.xlsx_scan import SheetScan
from checker.readers.zipguard import Package

_TAG = re.compile(rb"<(/?)(?:[\w.-]+:)?(table|table-row|table-column|table-cell|covered-table-cell)(?=[\s/>])([^>]*?)(/?)>")
_NAME = re.compile(rb"(?:^|\s)[\w.-]+:name\s*=\s*\"([^\"]*)\"")
_ROWS = re.compile(rb"number-rows-repeated\s*=\s*\"(\d+)\"")
_COLS = re.compile(rb"number-columns-repeated\s*=\s*\"(\d+)\"")
_VALUE = re.compile(rb"value-type\s*=")
_NUMBER = re.compile(rb"office:value-type\s*=\s*\"(?:float|percentage|currency)\"")
_DISPLAY = re.compile(rb"<(?:[\w.-]+:)?p\b[^>]*>([^<]*)<")
_DECIMALS = re.compile(r"\d\.(\d+)")
_HIDDEN = re.compile(rb"visibility\s*=\s*\"(?:collapse|filter)\"")
_FORMULA = re.compile(rb"(?:^|\s)[\w.-]+:formula\s*=")
MAX_NO_VALUE = 1_000   # formula cells without a value named per sheet (a note lists twenty)


def check_ods(path: str, limits: Limits) -> WorkbookFormats:
    """Limits checked; on the way, how each number is shown (its decimals, a percent sign), read from
    the text the file stores beside the value, so ods numbers read as displayed."""
    formats = WorkbookFormats(formats=["General"])
    with Package(path, limits, "ODS") as pkg:
        for info in pkg.infos:
            data = pkg.read(info, keep=info.filename == "content.xml")
            if info.filename == "content.xml":
                _walk(data, limits, formats)
    return formats


class _Walk:
    """Where the walk is: sheet, row (0-based, repeats counted), column, extent."""

    def __init__(self, name: str):
        self.sheet = SheetScan(name=name, part="")
        self.row = self.col = self.column = 0   # column: the next <table-column>'s index
        self.row_reps, self.filled, self.hidden = 1, False, False


def _walk(xml: bytes, limits: Limits, formats: WorkbookFormats) -> None:
    at: _Walk | None = None
    for m in _TAG.finditer(xml):
        closing, tag, attrs, empty = m.group(1), m.group(2), m.group(3), m.group(4)
        if tag == b"table" and not closing:
            found = _NAME.search(attrs)
            at = _Walk(html.unescape(found.group(1).decode("utf-8", "replace")) if found else "")
            formats.sheets.setdefault(at.sheet.name, at.sheet)
        elif at is None:
            continue
        elif tag == b"table-row" and not closing:
            reps = _ROWS.search(attrs)
            at.row_reps, at.col, at.filled = (int(reps.group(1)) if reps else 1), 0, False
            at.hidden = _HIDDEN.search(attrs) is not None
        elif tag == b"table-row":  # </table-row>: the row (and its repeats) counts if it held anything
            if at.filled:
                at.sheet.rows = at.row + at.row_reps
                if at.hidden:
                    at.sheet.hidden_rows.update(range(at.row + 1, at.row + at.row_reps + 1))
            at.row += at.row_reps
            check_sheet_shape(at.sheet.name, at.sheet.rows, at.sheet.cols, limits)
        elif tag == b"table-column":
            if not closing:
                _column(at, attrs, limits)
        elif not closing:
            _cell(at, attrs, empty, xml, m.end(), limits, formats)


def _column(at: _Walk, attrs: bytes, limits: Limits) -> None:
    """A column declaration (before the rows); a hidden one is recorded up to the column limit."""
    reps = _COLS.search(attrs)
    n = int(reps.group(1)) if reps else 1
    if _HIDDEN.search(attrs):
        at.sheet.hidden_cols.update(range(at.column + 1, min(at.column + n, limits.sheet_cols) + 1))
    at.column += n


def _cell(at: _Walk, attrs: bytes, empty: bytes, xml: bytes, end: int, limits: Limits,
          formats: WorkbookFormats) -> None:
    reps = _COLS.search(attrs)
    n = int(reps.group(1)) if reps else 1
    if not _VALUE.search(attrs) and _FORMULA.search(attrs) and len(at.sheet.no_value) < MAX_NO_VALUE:
        at.sheet.no_value.append((at.row + 1, at.col + 1))  # a formula the file holds no result for
    if _VALUE.search(attrs) or not empty:
        at.filled = True
        at.sheet.cols = max(at.sheet.cols, at.col + n)
        check_sheet_shape(at.sheet.name, max(at.sheet.rows, at.row + 1), at.sheet.cols, limits)
        kind = _NUMBER.search(attrs)
        if kind and not empty:
            fmt = _shown_as(xml, end)
            if fmt != "General":
                index = _format_index(formats, fmt)
                for r in range(at.row + 1, at.row + at.row_reps + 1):
                    for c in range(at.col + 1, at.col + n + 1):
                        at.sheet.styles[(r, c)] = index
    at.col += n


def _shown_as(xml: bytes, start: int) -> str:
    """The number format the cell's displayed text implies: "99.83%" -> "0.00%", "24.958" -> "0.000"."""
    stop = xml.find(b"table-cell", start)
    shown = _DISPLAY.search(xml, start, stop if stop > 0 else len(xml))
    if not shown:
        return "General"
    text = shown.group(1).decode("utf-8", "replace").strip()
    digits = _DECIMALS.search(text)
    decimals = len(digits.group(1)) if digits else 0
    body = "0." + "0" * decimals if decimals else "0"
    return body + "%" if text.endswith("%") else body


def _format_index(formats: WorkbookFormats, fmt: str) -> int:
    if fmt not in formats.formats:
        formats.formats.append(fmt)
    return formats.formats.index(fmt)
