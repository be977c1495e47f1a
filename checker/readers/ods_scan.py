"""OpenDocument spreadsheets checked against the limits before calamine expands them.

An ods cell or row may say "repeated 1,000,000 times"; calamine expands repeats that
hold a value into a dense range.  The content XML is inflated under the zip limits and
its rows and cells are walked with their repeat counts, so the extent a sheet would
take is known (and refused when too large) without building it.
"""

from __future__ import annotations

import re

from checker.limits import Limits, check_sheet_shape
from checker.readers.zipguard import Package

_TAG = re.compile(rb"<(/?)(?:[\w.-]+:)?(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*?)(/?)>")
_NAME = re.compile(rb"(?:^|\s)[\w.-]+:name\s*=\s*\"([^\"]*)\"")
_ROWS = re.compile(rb"number-rows-repeated\s*=\s*\"(\d+)\"")
_COLS = re.compile(rb"number-columns-repeated\s*=\s*\"(\d+)\"")
_VALUE = re.compile(rb"value-type\s*=")


def check_ods(path: str, limits: Limits) -> None:
    with Package(path, limits, "ODS") as pkg:
        for info in pkg.infos:
            data = pkg.read(info, keep=info.filename == "content.xml")
            if info.filename == "content.xml":
                _walk(data, limits)


def _walk(xml: bytes, limits: Limits) -> None:
    name, row, rows, cols = "", 0, 0, 0
    row_reps, col, filled = 1, 0, False
    for m in _TAG.finditer(xml):
        closing, tag, attrs, empty = m.group(1), m.group(2), m.group(3), m.group(4)
        if tag == b"table" and not closing:
            found = _NAME.search(attrs)
            name, row, rows, cols = (found.group(1).decode("utf-8", "replace") if found else ""), 0, 0, 0
        elif tag == b"table-row" and not closing:
            reps = _ROWS.search(attrs)
            row_reps, col, filled = (int(reps.group(1)) if reps else 1), 0, False
        elif tag == b"table-row":  # </table-row>: the row (and its repeats) counts if it held anything
            if filled:
                rows = row + row_reps
            row += row_reps
            check_sheet_shape(name, rows, cols, limits)
        elif not closing:
            reps = _COLS.search(attrs)
            n = int(reps.group(1)) if reps else 1
            if _VALUE.search(attrs) or not empty:
                filled = True
                cols = max(cols, col + n)
                check_sheet_shape(name, max(rows, row + 1), cols, limits)
            col += n
