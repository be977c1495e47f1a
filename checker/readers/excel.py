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

What a reviewer does not see is not content: hidden sheets are not read, hidden rows are
left out as the rows are built and hidden columns out of each row (the cells that remain
keep their addresses: C12 stays C12), and one PARSE.HIDDEN note on the file lists those
that held anything.  A formula saved without its value reads blank, with a
PARSE.FORMULA_NO_VALUE note naming its cells.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import zipfile
from functools import lru_cache
from pathlib import Path

from checker.grid import FORMULA_NO_VALUE, HIDDEN, Cell, Grid, Repair, Row, UnreadableInput
from checker.limits import DEFAULT_LIMITS, LimitExceeded, Limits, check_sheet_shape
from checker.readers.xlsx_scan import SheetScan, WorkbookScan, add_merge, column_letter, scan_workbook
from checker.readers.zipguard import Package

_DECIMALS = re.compile(r"0\.(0+)")
_DATE_LETTERS = re.compile(r"[dmhysDMHYS]")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_QUOTED = re.compile(r'"[^"]*"|\\.')   # literal text in a number format: "%" there is not a percent
LISTED = 20                            # cells or rows named in one note; the rest counted
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
        percent, decimals, sign = _number_style(number_format or "General")
        if percent:
            return f"{value * 100:.{decimals or 0}f}%"
        if decimals is not None:
            return f"{value:.{decimals}f}{sign}"
        if float(value).is_integer():
            return str(int(value))
        return repr(round(float(value), 10))
    return str(value).replace("\r\n", "\n").strip("\n")


@lru_cache(maxsize=1024)  # a workbook has a handful of formats, a batch a few hundred at most
def _number_style(number_format: str) -> tuple[bool, int | None, str]:
    """Whether a format shows a percent (the number × 100), its decimals (None: as General), and
    a percent sign written as literal text (``0.00"%"``, ``0.00\\%``: 95.67 shows 95.67%, not × 100)."""
    fmt = number_format.split(";")[0]
    bare = _QUOTED.sub("", fmt)
    m = _DECIMALS.search(bare)
    whole = re.search(r"(^|[^#])0(?!\.)", bare) and "General" not in bare  # "0", "#,##0": no decimals
    decimals = len(m.group(1)) if m else (0 if whole else None)
    return "%" in bare, decimals, "%" if "%" in fmt and "%" not in bare and decimals is not None else ""


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
    from checker.readers.xls_scan import WorkbookFormats

    sheets = WorkbookFormats(["General"], {s.name: s for s in scan.sheets}) if scan.sheets is not None else None
    try:
        grids = _read_calamine_plain(path, limits, sheets)
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
    hidden = Hidden()
    with rust_panics_silenced():
        wb = _open_calamine(path)
        try:
            grids = [_sheet_grid(path, sheet, wb.get_sheet_by_name(sheet.name), scan.formats, limits, hidden)
                     for sheet in scan.sheets if not hidden.sheet(sheet.name, sheet.state != "visible")]
        finally:
            wb.close()
    return hidden.noted(grids, path)


class Hidden:
    """What a workbook hides from its reader: sheets, and the rows and columns (of each sheet) that
    held something.  ``noted`` puts them in one PARSE.HIDDEN note on the first grid they concern."""

    def __init__(self):
        self.sheets: list[str] = []
        self.cells: list[tuple[str, list[int], list[int]]] = []   # sheet, rows, columns

    def sheet(self, name: str, hidden: bool) -> bool:
        if hidden:
            self.sheets.append(name)
        return hidden

    def add(self, name: str, rows: list[int], cols: list[int]) -> None:
        if rows or cols:
            self.cells.append((name, rows, cols))

    def noted(self, grids: list[Grid], path: str) -> list[Grid]:
        if not self.sheets and not self.cells:
            return grids
        parts_zh = [f"工作表 {name} 的" + "、".join(
            ([f"第 {_spans(rows)} 行"] if rows else []) + ([f"第 {_spans(cols, column_letter)} 列"] if cols else []))
            for name, rows, cols in self.cells]
        parts_en = ["sheet {} {}".format(name, ", ".join(
            ([f"rows {_spans(rows, en=True)}"] if rows else [])
            + ([f"columns {_spans(cols, column_letter, en=True)}"] if cols else []))) for name, rows, cols in self.cells]
        if self.sheets:
            parts_zh.append("隐藏工作表 " + "、".join(self.sheets))
            parts_en.append("hidden sheets " + ", ".join(self.sheets))
        note = Repair("隐藏内容未读取：" + "；".join(parts_zh), "hidden content not read: " + "; ".join(parts_en), HIDDEN)
        first = next((n for n, g in enumerate(grids) if any(g.name == name for name, _, _ in self.cells)), 0)
        if not grids:  # every sheet hidden: an empty grid carries the note
            grids = [Grid(path=path, name="")]
        grids[first].warnings.insert(0, note)
        return grids


def _spans(numbers: list[int], show=str, en: bool = False) -> str:
    """[5, 7, 8, 9] -> "5、7–9" (columns as letters; "5, 7–9" in English), at most ``LISTED`` runs
    and then how many there are."""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    text = (", " if en else "、").join(show(a) if a == b else f"{show(a)}–{show(b)}" for a, b in runs[:LISTED])
    if len(runs) <= LISTED:
        return text
    return text + (f" ({len(runs)} runs in all)" if en else f" 等 {len(runs)} 处")


def _sheet_grid(path: str, sheet: SheetScan, cs, formats: list[str], limits: Limits, hidden: Hidden) -> Grid:
    check_sheet_shape(sheet.name, cs.height, cs.width, limits)  # what calamine found, before Python objects
    data = cs.to_python(skip_empty_area=False) if cs.height and cs.width else []
    last_error_row = max((r for r, _ in sheet.errors), default=0)
    data.extend([] for _ in range(last_error_row - len(data)))  # a row holding only an error cell
    _blank_merged(data, sheet.merges)
    width = max(sheet.cols, max((len(v) for v in data), default=0))
    shown, held = _shown_columns(sheet, data, width)
    prefixes = [f"{sheet.name}!{column_letter(c)}" for c in range(1, width + 1)]
    styles = sheet.styles
    errors: dict[int, list] = {}
    for (r, c), text in sheet.errors.items():
        if c <= width:
            errors.setdefault(r, []).append((c, text))
    hidden_rows, skipped = sheet.hidden_rows, []
    rows = []
    for r, values in enumerate(data, start=1):
        if hidden_rows and r in hidden_rows:  # left out as the rows are built; named if it held anything
            if any(v != "" for v in values) or r in errors:
                skipped.append(r)
            continue
        texts = [""] * width
        for c, v in enumerate(values):
            if v.__class__ is str:  # most cells: text as is (render only trims line breaks)
                texts[c] = v if "\n" not in v else render(v)
            else:
                s = styles.get((r, c + 1))
                texts[c] = _display(v, formats[s] if s is not None and s < len(formats) else "General")
        for c, text in errors.get(r, ()):
            texts[c - 1] = text
        if shown is not None:
            texts = [texts[c] for c in shown]
        if "".join(texts).strip():  # some cell not blank (one strip, not one per cell)
            number = str(r)
            cells = ([Cell(t, prefixes[c] + number) for c, t in enumerate(texts)] if shown is None
                     else [Cell(t, prefixes[c] + number) for c, t in zip(shown, texts)])
            rows.append(Row(cells=cells, loc=cells[0].loc))
    grid = Grid(path=path, name=sheet.name, rows=rows)
    hidden.add(sheet.name, skipped, held)
    if sheet.no_value:
        _no_value_note(grid, sheet)
    return grid


def _shown_columns(sheet: SheetScan, data: list[list], width: int) -> tuple[list[int] | None, list[int]]:
    """The 0-based columns a reviewer sees (None: all of them), and the hidden ones that hold anything."""
    if not sheet.hidden_cols:
        return None, []
    cols = {c for c in sheet.hidden_cols if c <= width}
    held = sorted(c for c in cols if any(len(v) >= c and v[c - 1] != "" for v in data)
                  or any(col == c for _, col in sheet.errors))
    return [c for c in range(width) if c + 1 not in cols], held


def _no_value_note(grid: Grid, sheet: SheetScan) -> None:
    """One PARSE.FORMULA_NO_VALUE note naming the visible cells whose formula was saved without a value."""
    cells = sorted((r, c) for r, c in sheet.no_value
                   if r not in sheet.hidden_rows and c not in sheet.hidden_cols)
    if not cells:
        return
    refs = [f"{column_letter(c)}{r}" for r, c in cells]
    more = f" 等 {len(refs)} 个" if len(refs) > LISTED else ""
    more_en = f" and {len(refs) - LISTED} more" if len(refs) > LISTED else ""
    grid.warnings.append(Repair(
        f"工作表 {sheet.name} 的 {'、'.join(refs[:LISTED])}{more} 含公式但未保存计算结果（公式未计算），按空白读取；"
        "请在 Excel 中打开、重新计算并保存后再提交",
        f"sheet {sheet.name}: {', '.join(refs[:LISTED])}{more_en} hold a formula saved without its value (not "
        "calculated) and were read as blank; open the file in Excel, recalculate and save it", FORMULA_NO_VALUE))


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
    hidden = Hidden()
    try:
        for meta in wb.sheets_metadata:
            if str(meta.typ).rsplit(".", 1)[-1] not in ("WorkSheet", "DialogSheet"):
                continue
            if hidden.sheet(meta.name, str(meta.visible).rsplit(".", 1)[-1] != "Visible"):
                continue
            cs = wb.get_sheet_by_name(meta.name)
            sheet = scan.sheets.get(meta.name) if scan is not None else None
            if sheet is None or (not sheet.merges and not xls):  # ods merges: as calamine reports them
                sheet = sheet or SheetScan(name=meta.name, part="")
                for a, b in cs.merged_cell_ranges or []:
                    add_merge(sheet, (a[0] + 1, a[1] + 1, b[0] + 1, b[1] + 1), limits)
            grids.append(_sheet_grid(path, sheet, cs, scan.formats if scan is not None else ["General"], limits, hidden))
    finally:
        wb.close()
    return hidden.noted(grids, path)


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
    hidden = Hidden()
    for ws in wb.worksheets:
        if hidden.sheet(ws.title, ws.sheet_state != "visible"):
            continue
        width = ws.max_column or 0
        cols = {c for d in ws.column_dimensions.values() if d.hidden
                for c in range(d.min or 1, min(d.max or d.min or 1, width) + 1)}
        rows, skipped, held = [], [], set()
        for r in ws.iter_rows(min_row=1, max_row=ws.max_row or 0, max_col=width):
            shown = [c for c in r if c.column not in cols]
            held.update(c.column for c in r if c.column in cols and c.value is not None)
            if ws.row_dimensions[r[0].row].hidden if r else False:
                skipped += [r[0].row] if any(c.value is not None for c in r) else []
                continue
            cells = [Cell(render(c.value, c.number_format), f"{ws.title}!{c.coordinate}") for c in shown]
            if any(c.text.strip() for c in cells):
                rows.append(Row(cells=cells, loc=cells[0].loc))
        hidden.add(ws.title, skipped, sorted(held))
        grids.append(Grid(path=path, name=ws.title, rows=rows))
    return hidden.noted(grids, path)
