"""Excel workbooks -> one Grid per sheet, cells as the reviewer sees them.

xlsx/xlsm are read with openpyxl (merged ranges are known: the value sits at the
top-left cell, the rest of the range reads as blank, exactly as on screen);
xls/ods with python-calamine.  Numbers are rendered with their number format
(0.9983 in a "0.00%" cell is "99.83%", 94.1 in "0.00" is "94.10") so the
checker sees the precision the form shows.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

from checker.grid import Cell, Grid, Row, UnreadableInput

_DECIMALS = re.compile(r"0\.(0+)")


def read_excel(path: str) -> list[Grid]:
    suffix = Path(path).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_openpyxl(path)
    return _read_calamine(path)


def render(value, number_format: str = "General") -> str:
    """A cell value as displayed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (int, float)):
        fmt = (number_format or "General").split(";")[0]
        m = _DECIMALS.search(fmt)
        decimals = len(m.group(1)) if m else (0 if re.search(r"(^|[^#])0(?!\.)", fmt) and "General" not in fmt else None)
        if "%" in fmt:
            return f"{value * 100:.{decimals or 0}f}%"
        if decimals is not None:
            return f"{value:.{decimals}f}"
        if float(value).is_integer():
            return str(int(value))
        return repr(round(float(value), 10))
    return str(value).replace("\r\n", "\n").strip("\n")


def _read_openpyxl(path: str) -> list[Grid]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UnreadableInput(f"Excel 文件已损坏或不是有效的 xlsx ({type(exc).__name__})") from exc
    except Exception as exc:  # openpyxl raises many types on broken or encrypted files
        raise UnreadableInput(f"无法打开 Excel 文件: {exc}") from exc
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


def _read_calamine(path: str) -> list[Grid]:
    from openpyxl.utils import get_column_letter
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(path)
    except Exception as exc:
        raise UnreadableInput(f"表格文件已损坏或无法识别 ({type(exc).__name__})") from exc
    grids = []
    for name in wb.sheet_names:
        data = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        rows = []
        for r, values in enumerate(data, start=1):
            cells = [Cell(render(v if v != "" else None), f"{name}!{get_column_letter(c)}{r}")
                     for c, v in enumerate(values, start=1)]
            if any(c.text.strip() for c in cells):
                rows.append(Row(cells=cells, loc=cells[0].loc))
        grids.append(Grid(path=path, name=name, rows=rows))
    return grids
