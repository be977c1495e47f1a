"""CSV -> one Grid.  Delimiter sniffed (, ; tab |), quoted multi-line cells kept whole."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from checker.grid import Cell, Grid, Row, UnreadableInput
from checker.readers.encoding import decode_bytes


def read_csv(path: str) -> list[Grid]:
    try:
        text = decode_bytes(Path(path).read_bytes(), path)
    except OSError as exc:
        raise UnreadableInput(f"无法读取文件: {exc.strerror or exc}") from exc
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    line = 1
    try:
        for record in reader:
            start = line
            line = reader.line_num + 1
            if not any(v.strip() for v in record):
                continue
            cells = [Cell(v, f"line {start} col {i}") for i, v in enumerate(record, start=1)]
            rows.append(Row(cells=cells, loc=f"line {start}"))
    except csv.Error as exc:
        raise UnreadableInput(f"CSV 格式错误 (第 {reader.line_num} 行): {exc}") from exc
    return [Grid(path=path, name="", rows=rows)]
