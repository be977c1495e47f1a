"""The rows of a whole batch, gathered file by file as the workers finish, in little memory.

A recogniser's ``FileModel`` holds a dict per row (about 115 KB for a 35-indicator table);
kept for 10,000 tables that alone is over a gigabyte.  The store keeps each row as a tuple
in its table's column order and shares equal strings across files (the same labels, units
and cell addresses recur in every form), so a file's model can be dropped as soon as it is
folded in.  ``frame`` builds exactly what ``checker.model.frame`` builds from the dicts
(same column order, NaN for a key a row lacks, same validation).

A worker process sends its file's rows already as tuples (``pack``): half the bytes of the
dicts, and the driver, which folds in every file of the batch one after the other, builds
no dict.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from checker import model as M

TABLES = ("projects", "funds", "sections", "indicators", "listed")
_MISSING = float("nan")   # what DataFrame.from_records puts where a dict lacks a key


@dataclass
class PackedRows:
    """One file's rows as they travel from a worker: per table, its columns and a tuple of values
    per row (``None`` columns: the records as they were, their keys not all in one order)."""
    tables: dict[str, tuple[tuple[str, ...] | None, list]]
    notes: list[dict]


def pack(file_model) -> PackedRows:
    tables = {}
    for table in TABLES:
        records = getattr(file_model, table)
        if records:
            columns = tuple(records[0])
            if all(tuple(r) == columns for r in records):
                tables[table] = (columns, [tuple(r.values()) for r in records])
            else:
                tables[table] = (None, records)
    return PackedRows(tables, file_model.notes)


def _column(values: tuple) -> pd.Series:
    """One column typed as ``DataFrame.from_records`` types it (floats with None: float64 with NaN;
    str, or mixed: object; ints: int64; bools: bool)."""
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return pd.Series(array).infer_objects()


class RowStore:
    def __init__(self) -> None:
        self.columns: dict[str, list[str]] = {t: [] for t in TABLES}
        self._position: dict[str, dict[str, int]] = {t: {} for t in TABLES}
        self._order: dict[str, tuple[str, ...]] = {t: () for t in TABLES}
        self.rows: dict[str, list[tuple]] = {t: [] for t in TABLES}
        self.notes: list[dict] = []
        self._strings: dict[str, str] = {}
        self._floats: dict[float, float] = {}

    def add(self, file_model) -> None:
        """Fold one file's rows in, from its ``FileModel`` or packed (either may then be dropped)."""
        if isinstance(file_model, PackedRows):
            self._add_packed(file_model)
            return
        for table in TABLES:
            rows = self.rows[table]
            for record in getattr(file_model, table):
                rows.append(self._row(table, record))
        self.notes += file_model.notes

    def _add_packed(self, packed: PackedRows) -> None:
        for table, (columns, values) in packed.tables.items():
            rows = self.rows[table]
            if columns is None or columns != self._order[table]:
                rows += [self._row(table, r if columns is None else dict(zip(columns, r))) for r in values]
                continue
            strings, floats = self._strings, self._floats
            for r in values:   # as in _row
                rows.append(tuple([strings.setdefault(v, v) if type(v) is str
                                   else floats.setdefault(v, v) if type(v) is float and v and v == v else v
                                   for v in r]))
        self.notes += packed.notes

    def _row(self, table: str, record: dict) -> tuple:
        columns = self.columns[table]
        if tuple(record) == self._order[table]:  # the usual case: the columns as before, in order
            strings, floats = self._strings, self._floats
            # _shared, inlined: this runs for every value of every row of the batch
            return tuple([strings.setdefault(v, v) if type(v) is str
                          else floats.setdefault(v, v) if type(v) is float and v and v == v else v
                          for v in record.values()])
        position = self._position[table]
        for key in record:
            if key not in position:
                position[key] = len(columns)
                columns.append(key)
        self._order[table] = tuple(columns)
        return tuple(self._shared(record[c]) if c in record else _MISSING for c in columns)

    def _shared(self, value):
        """One object for equal strings and floats (weights, scores, units, cell addresses recur in
        every form).  Zero is left alone (0.0 and -0.0 are equal as keys but print differently),
        and NaN (never equal to itself, so never found)."""
        kind = type(value)
        if kind is str:
            return self._strings.setdefault(value, value)
        if kind is float and value and value == value:
            return self._floats.setdefault(value, value)
        return value

    def frame(self, table: str, schema, validate: bool = True) -> pd.DataFrame:
        """The validated frame of one table, as ``checker.model.frame`` would build it from dicts
        (``validate=False`` where recompute validates what it returns).  The table's rows are
        handed over: the store no longer holds them afterwards."""
        rows, self.rows[table] = self.rows[table], []
        if not rows:
            return M.empty_frame(schema)
        columns = self.columns[table]
        width = len(columns)
        if any(len(r) != width for r in rows):  # rows folded in before a later file added a column
            rows = [r + (_MISSING,) * (width - len(r)) for r in rows]
        # Built a column at a time, each typed as DataFrame.from_records types it, and in the
        # schema's column order: from_records would first lay out every row as one block of
        # objects (at 10,000 tables over 400 MiB on top of the rows for the indicators).
        values = dict(zip(columns, zip(*rows)))
        del rows
        order = [c for c in schema.to_schema().columns if c in values]
        order += [c for c in values if c not in order]   # the schema's column order, then any other
        df = pd.DataFrame({c: _column(values.pop(c)) for c in order}, copy=False)
        return M.validate_frame(schema, df, lazy=True) if validate else df

    def release(self) -> None:
        """Drop the rows once the batch frames are built."""
        for table in TABLES:
            self.rows[table] = []
        self._strings, self._floats = {}, {}

    def __len__(self) -> int:
        return len(self.rows["projects"])

