"""What one input file may cost before it is refused.

A form is a few hundred cells; a hostile or broken file can declare a million rows,
a merge over a whole sheet or a zip member that inflates to gigabytes.  Every reader
checks these limits *before* it allocates (from the zip directory, a sheet's declared
``<dimension>``, a file's size) and again while it works (bytes actually inflated,
cells actually present), so the peak memory of reading any single file stays bounded.

Exceeding a limit raises ``LimitExceeded`` (an ``UnreadableInput``) whose message names
the limit and the figure, e.g. "工作表 Sheet1 声明 1048576 行，超过上限 100000 行".
The engine reads the fields from settings, so the dataclass stays flat (ints and floats).
"""

from __future__ import annotations

from dataclasses import dataclass

from checker.grid import UnreadableInput

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    file_bytes: int = 256 * MIB          # any input file, as stored on disk
    text_bytes: int = 64 * MIB           # a text or CSV file (decoded whole into memory)
    line_chars: int = 100_000            # one line of a text or CSV file
    zip_entries: int = 10_000            # members of an xlsx/docx/ods package
    zip_total_bytes: int = 512 * MIB     # all members inflated (directory sizes, then bytes actually inflated)
    zip_member_bytes: int = 128 * MIB    # one member inflated (a sheet's XML, the shared strings)
    sheet_rows: int = 100_000            # rows of one sheet or table, declared or present
    sheet_cols: int = 1_000              # columns of one sheet or table, declared or present
    sheet_cells: int = 1_000_000         # rows × columns of the grid built for one sheet
    merge_cells: int = 100_000           # cells covered by one merged range
    pdf_pages: int = 500                 # pages of one PDF
    pdf_page_objects: int = 100_000      # characters, lines and images drawn on one PDF page
    per_file_seconds: float = 60.0       # wall-clock budget per file, enforced by the engine (readers ignore it)


DEFAULT_LIMITS = Limits()


class LimitExceeded(UnreadableInput):
    """A file is larger than a configured limit; the message names the limit and the figure."""


def size_text(n: int) -> str:
    """A byte count as a reviewer reads it (12.3 MB)."""
    if n >= MIB:
        return f"{n / MIB:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n} 字节"


def check_file_size(size: int, limits: Limits, limit: int | None = None, what: str = "文件") -> None:
    cap = limits.file_bytes if limit is None else limit
    if size > cap:
        raise LimitExceeded(f"{what}大小 {size_text(size)}，超过上限 {size_text(cap)}")


def check_sheet_shape(name: str, rows: int, cols: int, limits: Limits, declared: bool = False) -> None:
    """Rows, columns and rows × columns of one sheet against the limits.

    ``declared``: the figures a file states about itself (``<dimension ref=…>``); otherwise the
    extent actually used, as far as the reader has got ("用到第 N 行").
    """
    if declared:
        used_rows, used_cols = f"声明 {rows} 行", f"声明 {cols} 列"
    else:
        used_rows, used_cols = f"用到第 {rows} 行", f"用到第 {cols} 列"
    if rows > limits.sheet_rows:
        raise LimitExceeded(f"工作表 {name} {used_rows}，超过上限 {limits.sheet_rows} 行")
    if cols > limits.sheet_cols:
        raise LimitExceeded(f"工作表 {name} {used_cols}，超过上限 {limits.sheet_cols} 列")
    if rows * cols > limits.sheet_cells:
        verb = "声明" if declared else "用到"
        raise LimitExceeded(f"工作表 {name} {verb} {rows} 行 × {cols} 列 = {rows * cols} 个单元格，"
                            f"超过上限 {limits.sheet_cells} 个")
