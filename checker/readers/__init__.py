"""Readers: any input file -> list of ``Grid``.  They never judge content.

``read_any(path, limits)`` dispatches on the suffix.  Every reader works under
``checker.limits.Limits`` (None: the defaults) and raises ``UnreadableInput`` with a
one-line reason; ``SkippedInput`` when a file was deliberately not read (a legacy
Office format with no LibreOffice to convert it).
"""

from __future__ import annotations

from pathlib import Path

from checker.grid import Grid, UnreadableInput
from checker.limits import DEFAULT_LIMITS, Limits, check_file_size

TEXT_SUFFIXES = {".txt", ".text", ".md", ".tsv"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
LEGACY_SUFFIXES = {".doc", ".wps", ".et"}   # converted with LibreOffice when it is installed
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | EXCEL_SUFFIXES | LEGACY_SUFFIXES | {".csv", ".docx", ".pdf"}


def supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_SUFFIXES


def read_any(path: str, limits: Limits | None = None) -> list[Grid]:
    """Dispatch on the file suffix; raise UnreadableInput (or SkippedInput) with a one-line reason."""
    limits = limits or DEFAULT_LIMITS
    suffix = Path(path).suffix.lower()
    if not Path(path).is_file():
        raise UnreadableInput("文件不存在或不可读")
    try:
        check_file_size(Path(path).stat().st_size, limits)
    except OSError as exc:
        raise UnreadableInput(f"无法读取文件: {exc.strerror or exc}") from exc
    if suffix in TEXT_SUFFIXES:
        from checker.readers.text import read_text
        return read_text(path, limits)
    if suffix == ".csv":
        from checker.readers.csv_reader import read_csv
        return read_csv(path, limits)
    if suffix in EXCEL_SUFFIXES:
        from checker.readers.excel import read_excel
        return read_excel(path, limits)
    if suffix == ".docx":
        from checker.readers.word import read_docx
        return read_docx(path, limits)
    if suffix == ".pdf":
        from checker.readers.pdf import read_pdf
        return read_pdf(path, limits)
    if suffix in LEGACY_SUFFIXES:
        from checker.readers.office import read_legacy
        return read_legacy(path, limits)
    raise UnreadableInput(f"不支持的文件类型 {suffix or '(无扩展名)'}")
