"""The one shape every reader produces: rows of text cells, each with a location.

A reader turns a file into one or more ``Grid`` objects (one per sheet, per Word
table, or per text file).  It never interprets content: a cell is its text, with
merged cells already resolved to the top-left value, and a location a reviewer can
find in the original file (``项目1!F12``, ``line 37``, ``表2 R3C4``).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Cell:
    text: str
    loc: str  # human location in the source file


@dataclass
class Row:
    cells: list[Cell]
    loc: str  # where the row starts ("line 12", "Sheet1!A7", "表1 R3")

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]

    def nonempty(self) -> list[Cell]:
        return [c for c in self.cells if c.text.strip()]


@dataclass
class Grid:
    path: str          # the input file, as given on the command line
    name: str          # sheet / table name ("" for a plain text file)
    rows: list[Row] = field(default_factory=list)


class UnreadableInput(Exception):
    """The file cannot be read at all (bad encoding, corrupt zip, unknown type)."""
