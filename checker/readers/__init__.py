"""Readers: any input file -> list of ``Grid``.  They never judge content."""

from __future__ import annotations

from pathlib import Path

from checker.grid import Grid, UnreadableInput

TEXT_SUFFIXES = {".txt", ".text", ".md", ".tsv"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}


def supported(path: Path) -> bool:
    return path.suffix.lower() in TEXT_SUFFIXES | EXCEL_SUFFIXES | {".csv", ".docx"}


def read_any(path: str) -> list[Grid]:
    """Dispatch on the file suffix; raise UnreadableInput with a one-line reason."""
    suffix = Path(path).suffix.lower()
    if not Path(path).is_file():
        raise UnreadableInput("文件不存在或不可读")
    if suffix in TEXT_SUFFIXES:
        from checker.readers.text import read_text
        return read_text(path)
    if suffix == ".csv":
        from checker.readers.csv_reader import read_csv
        return read_csv(path)
    if suffix in EXCEL_SUFFIXES:
        from checker.readers.excel import read_excel
        return read_excel(path)
    if suffix == ".docx":
        from checker.readers.word import read_docx
        return read_docx(path)
    raise UnreadableInput(f"不支持的文件类型 {suffix or '(无扩展名)'}")
