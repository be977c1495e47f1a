"""The one shape every reader produces: rows of text cells, each with a location.

A reader turns a file into one or more ``Grid`` objects (one per sheet, per Word
table, per PDF table run, or per text file).  It never interprets content: a cell is
its text, with merged cells already resolved to the top-left value, and a location a
reviewer can find in the original file (``项目1!F12``, ``line 37``, ``表2 R3C4``,
``p3 r12 c5``).

Each cell carries ``key``, its text normalised once for matching (NFKC, no whitespace),
so recognisers never normalise the same cell twice.

``Grid.layout`` tells recognisers how far a cell's column index can be trusted:

* ``cells``  — xlsx/xls/ods, docx, csv, PDF tables: every cell sits in its column;
* ``tabs``   — tab-separated extracted text: empty cells are mostly kept, but a row may
  be shifted where the source had merged cells;
* ``spaces`` — space-aligned text (``pdftotext -layout``): empty cells are lost;
* ``lines``  — Word copy-paste, one cell per line: rows rebuilt, columns approximate.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

LAYOUTS = ("cells", "tabs", "spaces", "lines")
_WS = re.compile(r"\s+")


def squash(text: str) -> str:
    """NFKC, no whitespace: the form in which labels are compared."""
    if not text:
        return ""
    return _squash(text)


@lru_cache(maxsize=1024)  # the labels every form repeats; small: distinct values rarely recur
def _squash(text: str) -> str:
    return _WS.sub("", unicodedata.normalize("NFKC", text))


class Cell:
    """One cell: its text as shown, where it is, and its normalised ``key``."""

    __slots__ = ("text", "loc", "key")

    def __init__(self, text: str, loc: str):
        self.text = text
        self.loc = loc
        self.key = _squash(text) if text else ""   # squash, without a call per cell

    def __repr__(self) -> str:
        return f"Cell({self.text!r}, {self.loc!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Cell) and (self.text, self.loc) == (other.text, other.loc)

    def __hash__(self) -> int:
        return hash((self.text, self.loc))

    def __reduce__(self):  # picklable for worker processes
        return Cell, (self.text, self.loc)


@dataclass
class Row:
    cells: list[Cell]
    loc: str  # where the row starts ("line 12", "Sheet1!A7", "表1 R3")

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]

    def nonempty(self) -> list[Cell]:
        return [c for c in self.cells if c.key]


READ_REPAIRED, HIDDEN, FORMULA_NO_VALUE = "PARSE.READ_REPAIRED", "PARSE.HIDDEN", "PARSE.FORMULA_NO_VALUE"


class Repair(str):
    """One line of what a reader repaired or left out: the Chinese a reviewer reads, with its English
    in ``en`` (for ``--lang en``) and the PARSE rule it becomes in ``code`` (PARSE.READ_REPAIRED unless
    said: PARSE.HIDDEN for hidden rows, columns and sheets not read, PARSE.FORMULA_NO_VALUE for formulas
    saved without their value).  A ``str``, so a grid's warnings still read, join and compare as text."""

    en: str
    code: str

    def __new__(cls, zh: str, en: str, code: str = READ_REPAIRED) -> Repair:
        line = super().__new__(cls, zh)
        line.en = en
        line.code = code
        return line

    def __getnewargs__(self) -> tuple[str, str, str]:  # pickled to worker processes and Dask
        return str(self), self.en, self.code


@dataclass
class Grid:
    path: str          # the input file, as given on the command line
    name: str          # sheet / table name ("" for a plain text file)
    rows: list[Row] = field(default_factory=list)
    layout: str = "cells"   # one of LAYOUTS
    warnings: list[Repair] = field(default_factory=list)  # what the reader repaired or left out (one line each)


class UnreadableInput(Exception):
    """The file cannot be read at all (bad encoding, corrupt zip, unknown type)."""


class SkippedInput(Exception):
    """The file was deliberately not read (unsupported type, temporary file, a limit)."""
