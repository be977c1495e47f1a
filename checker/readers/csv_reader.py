"""CSV -> one Grid.  Delimiter sniffed (, ; tab |), quoted multi-line cells kept whole."""

from __future__ import annotations

import csv
import io

from checker.grid import Cell, Grid, Row, UnreadableInput
from checker.limits import DEFAULT_LIMITS, LimitExceeded, Limits
from checker.readers.encoding import load_text


def read_csv(path: str, limits: Limits | None = None) -> list[Grid]:
    limits = limits or DEFAULT_LIMITS
    decoded = load_text(path, limits)  # size, line count and line length checked here
    text = decoded.text
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text[:8192]))
    rows = []
    line = 1
    total = 0
    try:
        for record in reader:
            start = line
            line = reader.line_num + 1
            total += len(record)
            if len(record) > limits.sheet_cols or total > limits.sheet_cells:
                raise LimitExceeded(f"第 {start} 行起单元格过多（本行 {len(record)} 个，累计 {total} 个），"
                                    f"超过上限 {limits.sheet_cols} 列 / {limits.sheet_cells} 个")
            if not any(v.strip() for v in record):
                continue
            cells = [Cell(v, f"line {start} col {i}") for i, v in enumerate(record, start=1)]
            rows.append(Row(cells=cells, loc=f"line {start}"))
    except csv.Error as exc:
        raise UnreadableInput(f"CSV 格式错误 (第 {reader.line_num} 行): {exc}") from exc
    return [Grid(path=path, name="", rows=rows, warnings=decoded.warnings)]


DELIMITERS = ",;\t|"


def _delimiter(sample: str) -> str:
    """The sniffed delimiter; where the sniffer cannot tell (rows of different lengths, as a form's
    are), the candidate the sample uses most, comma on a tie."""
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in DELIMITERS}
        return max(DELIMITERS, key=lambda d: (counts[d], d == ","))
