"""Excel workbooks -> one Grid per sheet, cells as the reviewer sees them.

xlsx/xlsm: the package is checked against the limits and scanned first
(``xlsx_scan``: extents, merged ranges, each cell's style and number format), then
python-calamine reads the values.  Numbers are rendered with their number format
(0.9983 in a "0.00%" cell is "99.83%", 94.1 in "0.00" is "94.10") so the checker sees
the precision the form shows; a merged range keeps its value at the top-left cell and
reads blank elsewhere, exactly as on screen.  The grid is the one openpyxl gives,
cell for cell (``read_openpyxl``, kept as the fallback and as the reference in tests),
at a fraction of the cost.

When calamine cannot read a workbook openpyxl is tried, and the other way round;
only when both fail is the file unreadable.  xls/ods are read with calamine.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import zipfile
from functools import lru_cache
from pathlib import Path

from checker.grid import Cell, Grid, Repair, Row, UnreadableInput
from checker.limits import DEFAULT_LIMITS, LimitExceeded, Limits, check_sheet_shape
from checker.readers.xlsx_scan import SheetScan, WorkbookScan, add_merge, column_letter, scan_workbook
from checker.readers.zipguard import Package

_DECIMALS = re.compile(r"0\.(0+)")
_DATE_LETTERS = re.compile(r"[dmhysDMHYS]")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
STYLES_LOST = Repair("样式表无法读取，数字按常规格式显示（百分比、小数位可能与原表不同）",
                     "the styles could not be read: numbers are shown in General format "
                     "(percentages and decimals may differ from the form)")


def read_excel(path: str, limits: Limits | None = None) -> list[Grid]:
    """By content first: an OLE container is .xls (or an encrypted .xlsx), a zip is xlsx or ods."""
    limits = limits or DEFAULT_LIMITS
    suffix = Path(path).suffix.lower()
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head == _OLE_MAGIC:
        return _read_ole(path, limits)
    if suffix == ".ods":
        from checker.readers.ods_scan import check_ods

        return _read_calamine_plain(path, limits, check_ods(path, limits))
    if head.startswith(b"PK") or suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, limits)
    raise UnreadableInput("不是有效的 Excel 文件（内容既不是 xls 也不是 xlsx，可能是改了扩展名的网页或文本）")


def render(value, number_format: str = "General") -> str:
    """A cell value as displayed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (int, float)):
        percent, decimals = _number_style(number_format or "General")
        if percent:
            return f"{value * 100:.{decimals or 0}f}%"
        if decimals is not None:
            return f"{value:.{decimals}f}"
        if float(value).is_integer():
            return str(int(value))
        return repr(round(float(value), 10))
    return str(value).replace("\r\n", "\n").strip("\n")


@lru_cache(maxsize=1024)  # a workbook has a handful of formats, a batch a few hundred at most
def _number_style(number_format: str) -> tuple[bool, int | None]:
    """Whether a format shows a percent, and its decimals (None: as General)."""
    fmt = number_format.split(";")[0]
    m = _DECIMALS.search(fmt)
    whole = re.search(r"(^|[^#])0(?!\.)", fmt) and "General" not in fmt  # "0", "#,##0": no decimals
    return "%" in fmt, len(m.group(1)) if m else (0 if whole else None)


# --- xlsx: scan + calamine, with openpyxl as the fallback -------------------------------

def read_xlsx(path: str, limits: Limits) -> list[Grid]:
    with Package(path, limits, "Excel") as pkg:
        scan = scan_workbook(pkg, limits)  # limits enforced here, before any library allocates
    errors = []
    if scan.sheets is not None and scan.formats is not None:
        try:
            grids = _read_calamine_scanned(path, scan, limits)
        except LimitExceeded:
            raise
        except BaseException as exc:  # calamine raises its own error types on broken parts, and panics
            if not calamine_failed(exc):
                raise
            errors.append(f"calamine: {_reason(exc)}")
        else:
            for g in grids:
                g.warnings += [Repair(f"压缩包成员 {name} 已损坏，已跳过（表格内容不受影响）",
                                  f"damaged archive member {name} skipped (the table is not affected)") for name in scan.damaged]
            return grids
    try:
        return read_openpyxl(path)
    except UnreadableInput as exc:
        errors.append(f"openpyxl: {exc}")
    if scan.sheets is None or scan.formats is None:  # values may still be there: calamine without styles
        return _values_only(path, scan, limits, errors)
    raise UnreadableInput(f"Excel 文件已损坏，无法读取（{errors[0]}）")


def _values_only(path: str, scan: WorkbookScan, limits: Limits, errors: list[str]) -> list[Grid]:
    """The last resort for a workbook whose styles or structure are broken: calamine's values, said so."""
    try:
        grids = _read_calamine_plain(path, limits)
    except LimitExceeded:
        raise
    except UnreadableInput as exc:
        first = errors[0] if errors else str(exc)
        raise UnreadableInput(f"Excel 文件已损坏，无法读取（{first}）") from exc
    broken = Repair(f"工作簿结构不完整（{'；'.join(scan.problems)}），已按可读内容读取",
                    f"the workbook's structure is incomplete ({'; '.join(scan.problems)}); read what could be read")
    note = STYLES_LOST if scan.sheets is not None else broken
    for g in grids:
        g.warnings.append(note)
    return grids


def _reason(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text[:120]}" if text else type(exc).__name__


def _read_ole(path: str, limits: Limits) -> list[Grid]:
    """An OLE container: an .xls workbook, or a password-protected xlsx (an EncryptedPackage)."""
    from checker.readers.xls_scan import check_xls

    scan = check_xls(path, limits)  # extents, merges and encryption, before calamine builds dense ranges
    return _read_calamine_plain(path, limits, scan, xls=True)


def _open_calamine(path: str, xls: bool = False):
    from python_calamine import CalamineWorkbook

    if xls:  # an .xls saved under another suffix: calamine picks the format by content from a file object
        with open(path, "rb") as fh:
            return CalamineWorkbook.from_filelike(fh)
    return CalamineWorkbook.from_path(path)


@contextlib.contextmanager
def rust_panics_silenced():
    """A calamine panic is caught (PanicException) and reported in one line, but Rust's panic hook
    has already printed it, backtrace and all, to file descriptor 2: point that at /dev/null while
    calamine works."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _read_calamine_scanned(path: str, scan: WorkbookScan, limits: Limits) -> list[Grid]:
    with rust_panics_silenced():
        wb = _open_calamine(path)
        try:
            return [_sheet_grid(path, sheet, wb.get_sheet_by_name(sheet.name), scan.formats, limits)
                    for sheet in scan.sheets]
        finally:
            wb.close()


def _sheet_grid(path: str, sheet: SheetScan, cs, formats: list[str], limits: Limits) -> Grid:
    check_sheet_shape(sheet.name, cs.height, cs.width, limits)  # what calamine found, before Python objects
    data = cs.to_python(skip_empty_area=False) if cs.height and cs.width else []
    last_error_row = max((r for r, _ in sheet.errors), default=0)
    data.extend([] for _ in range(last_error_row - len(data)))  # a row holding only an error cell
    _blank_merged(data, sheet.merges)
    width = max(sheet.cols, max((len(v) for v in data), default=0))
    prefixes = [f"{sheet.name}!{column_letter(c)}" for c in range(1, width + 1)]
    styles = sheet.styles
    errors: dict[int, list] = {}
    for (r, c), text in sheet.errors.items():
        if c <= width:
            errors.setdefault(r, []).append((c, text))
    rows = []
    for r, values in enumerate(data, start=1):
        texts = [""] * width
        for c, v in enumerate(values):
            if v.__class__ is str:  # most cells: text as is (render only trims line breaks)
                texts[c] = v if "\n" not in v else render(v)
            else:
                s = styles.get((r, c + 1))
                texts[c] = _display(v, formats[s] if s is not None and s < len(formats) else "General")
        for c, text in errors.get(r, ()):
            texts[c - 1] = text
        if "".join(texts).strip():  # some cell not blank (one strip, not one per cell)
            number = str(r)
            cells = [Cell(t, prefixes[c] + number) for c, t in enumerate(texts)]
            rows.append(Row(cells=cells, loc=cells[0].loc))
    return Grid(path=path, name=sheet.name, rows=rows)


def _blank_merged(data: list[list], merges: list[tuple[int, int, int, int]]) -> None:
    """Cells covered by a merge read blank (some writers repeat the value in every covered cell)."""
    for r1, c1, r2, c2 in merges:
        for r in range(r1, min(r2, len(data)) + 1):
            values = data[r - 1]
            for c in range(c1, min(c2, len(values)) + 1):
                if (r, c) != (r1, c1):
                    values[c - 1] = ""


def _display(value, fmt: str) -> str:
    """As ``render``; a number in a date format calamine did not take for one becomes a date, as in openpyxl."""
    if isinstance(value, float) and fmt != "General" and _is_date_format(fmt):
        from openpyxl.utils.datetime import from_excel

        try:
            value = from_excel(value)
        except (OverflowError, ValueError):
            return "#VALUE!"
    return render(value, fmt)


@lru_cache(maxsize=1024)
def _is_date_format(fmt: str) -> bool:
    if not _DATE_LETTERS.search(fmt):
        return False
    from openpyxl.styles.numbers import is_date_format

    return bool(is_date_format(fmt))


def _read_calamine_plain(path: str, limits: Limits, scan=None, xls: bool = False) -> list[Grid]:
    """xls and ods (number formats from ``scan``, read from the file by xls_scan/ods_scan) and xlsx
    whose styles are lost (numbers as General): calamine values."""
    try:
        with rust_panics_silenced():
            return _calamine_grids(path, limits, scan, xls)
    except UnreadableInput:
        raise
    except BaseException as exc:
        if not calamine_failed(exc):
            raise
        raise UnreadableInput(f"表格文件已损坏或无法识别 ({_reason(exc)})") from exc


def calamine_failed(exc: BaseException) -> bool:
    """calamine raises Python errors, and on a Rust panic pyo3's PanicException, a BaseException
    that ``except Exception`` lets through; both mean the file could not be read."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def _calamine_grids(path: str, limits: Limits, scan, xls: bool) -> list[Grid]:
    wb = _open_calamine(path, xls)
    grids = []
    try:
        for meta in wb.sheets_metadata:
            if str(meta.typ).rsplit(".", 1)[-1] not in ("WorkSheet", "DialogSheet"):
                continue
            cs = wb.get_sheet_by_name(meta.name)
            sheet = scan.sheets.get(meta.name) if scan is not None else None
            if sheet is None or (not sheet.merges and not xls):  # ods merges: as calamine reports them
                sheet = sheet or SheetScan(name=meta.name, part="")
                for a, b in cs.merged_cell_ranges or []:
                    add_merge(sheet, (a[0] + 1, a[1] + 1, b[0] + 1, b[1] + 1), limits)
            grids.append(_sheet_grid(path, sheet, cs, scan.formats if scan is not None else ["General"], limits))
    finally:
        wb.close()
    return grids


# --- the reference reader: openpyxl -------------------------------------------------------

def read_openpyxl(path: str) -> list[Grid]:
    """Every worksheet through openpyxl (slow; the package must already have passed the limits)."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UnreadableInput(f"Excel 文件已损坏或不是有效的 xlsx ({type(exc).__name__})") from exc
    except Exception as exc:  # openpyxl raises many types on broken or encrypted files
        raise UnreadableInput(f"无法打开 Excel 文件: {_reason(exc)}") from exc
    grids = []
    for ws in wb.worksheets:
        rows = []
        width = ws.max_column or 0
        for r in ws.iter_rows(min_row=1, max_row=ws.max_row or 0, max_col=width):
            cells = [Cell(render(c.value, c.number_format), f"{ws.title}!{c.coordinate}") for c in r]
            if any(c.text.strip() for c in cells):
                rows.append(Row(cells=cells, loc=cells[0].loc))
        grids.append(Grid(path=path, name=ws.title, rows=rows))
    return grids
