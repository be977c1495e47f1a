"""Legacy .xls (BIFF8, or BIFF5, inside an OLE container) checked against the limits first.

calamine turns a sheet into a dense range as soon as it is opened: one cell at IV65536 in a
6 KB file costs a gigabyte and ten seconds.  The Workbook stream is walked record by record
here (olefile reads the container): every cell record's row and column, each sheet's
declared DIMENSIONS and its merged ranges are checked against the limits before calamine
sees the file.  An encrypted workbook (FILEPASS) is refused with its own message.  Rows
(ROW, fDyZero) and columns (COLINFO, fHidden) marked hidden are recorded, so the reader
leaves them out; hidden sheets calamine reports itself.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from checker.grid import UnreadableInput
from checker.limits import LimitExceeded, Limits, check_sheet_shape
from checker.readers.xlsx_scan import BUILTIN_FORMATS, SheetScan, add_merge

BOF, EOF, BOUNDSHEET, DIMENSIONS, MERGEDCELLS, FILEPASS = 0x0809, 0x000A, 0x0085, 0x0200, 0x00E5, 0x002F
CELLS = {0x0203, 0x027E, 0x00FD, 0x0204, 0x0201, 0x0006, 0x0205, 0x00D6}  # NUMBER RK LABELSST LABEL BLANK …
MULTI = {0x00BD, 0x00BE}  # MULRK, MULBLANK: one row, a run of columns
MULRK, XF, FORMAT, ROW, COLINFO = 0x00BD, 0x00E0, 0x041E, 0x0208, 0x007D
ROW_HIDDEN, COL_HIDDEN = 0x0020, 0x0001   # ROW's fDyZero, COLINFO's fHidden
NUMERIC = {0x0203, 0x027E, 0x0006}  # NUMBER, RK, FORMULA: a number whose XF decides how it shows
ENCRYPTED = "Excel 文件已加密（设有打开密码），请解除密码后再提交"
_HEAD = struct.Struct("<HH")
MAX_SHEETS = 1_000  # a form workbook has a few dozen; each sheet is walked once


@dataclass
class WorkbookFormats:
    """Number formats of a workbook calamine reads without them (xls, ods), by sheet name."""

    formats: list[str] = field(default_factory=list)            # XF index -> number format code
    sheets: dict[str, SheetScan] = field(default_factory=dict)  # by name: extents, merges, formatted cells


def check_xls(path: str, limits: Limits) -> WorkbookFormats:
    """Limits and corruption checked; on the way, each numeric cell's number format (XF → FORMAT),
    so .xls numbers read as shown, like xlsx.  Each sheet is walked from where its BOUNDSHEET
    record says it starts, as calamine reads it, not in stream order."""
    check_container(path)
    stream = _workbook_stream(path, limits)
    scan = WorkbookFormats()
    custom: dict[int, str] = {}
    xf_formats: list[int] = []
    sheets: dict[int, str] = {}
    for rtype, data, _ in _records(stream):  # the workbook globals, up to their EOF
        if rtype == FILEPASS:
            raise UnreadableInput(ENCRYPTED)
        if rtype == EOF:
            break
        if rtype == XF:
            xf_formats.append(_u16(data, 2))
        elif rtype == FORMAT:
            _format(data, custom)
        elif rtype == BOUNDSHEET and len(data) >= 8:
            sheets[struct.unpack_from("<I", data)[0]] = _sheet_name(data)
    if len(sheets) > MAX_SHEETS:
        raise LimitExceeded(f"xls 文件含 {len(sheets)} 个工作表，超过上限 {MAX_SHEETS} 个")
    scan.formats = [custom.get(i, BUILTIN_FORMATS.get(i, "General")) for i in xf_formats]
    for offset, name in sheets.items():
        _walk_sheet(scan.sheets.setdefault(name, SheetScan(name=name, part="")), stream, offset, scan.formats,
                    limits)
    return scan


def _walk_sheet(sheet: SheetScan, stream: bytes, offset: int, formats: list[str], limits: Limits) -> None:
    depth = 0
    for rtype, data, _ in _records(stream, offset):
        if rtype == BOF:
            depth += 1
        elif rtype == EOF:
            depth -= 1
            if depth <= 0:
                return
        elif depth == 1:  # not inside an embedded chart's substream
            _sheet_record(sheet, rtype, data, formats, limits)


def _sheet_record(sheet: SheetScan, rtype: int, data: bytes, formats: list[str], limits: Limits) -> None:
    if rtype in CELLS or rtype in MULTI:
        sheet.cells += 1
        if sheet.cells > limits.sheet_cells:
            raise LimitExceeded(f"工作表 {sheet.name} 的单元格超过上限 {limits.sheet_cells} 个")
        row, col = _u16(data, 0) + 1, _u16(data, 2) + 1
        last_col = _u16(data, len(data) - 2) + 1 if rtype in MULTI else col
        _grow(sheet, row, last_col, limits)
        if rtype in NUMERIC:
            _style(sheet, row, col, _u16(data, 4), formats)
        elif rtype == MULRK:
            for i in range(min(last_col - col + 1, (len(data) - 6) // 6)):
                _style(sheet, row, col + i, _u16(data, 4 + 6 * i), formats)
    elif rtype == DIMENSIONS:
        _dimensions(sheet, data, limits)
    elif rtype == ROW and len(data) >= 14 and _u16(data, 12) & ROW_HIDDEN:
        sheet.hidden_rows.add(_u16(data, 0) + 1)
    elif rtype == COLINFO and len(data) >= 10 and _u16(data, 8) & COL_HIDDEN:
        sheet.hidden_cols.update(range(_u16(data, 0) + 1, min(_u16(data, 2) + 1, limits.sheet_cols) + 1))
    elif rtype == MERGEDCELLS:
        for i in range(min(_u16(data, 0), (len(data) - 2) // 8)):
            r1, r2, c1, c2 = struct.unpack_from("<HHHH", data, 2 + 8 * i)
            add_merge(sheet, (r1 + 1, c1 + 1, max(r1, r2) + 1, max(c1, c2) + 1), limits)


def _style(sheet: SheetScan, row: int, col: int, xf: int, formats: list[str]) -> None:
    if xf < len(formats) and formats[xf] != "General":
        sheet.styles[(row, col)] = xf


def _format(data: bytes, custom: dict[int, str]) -> None:
    """FORMAT (BIFF8): the format's id, then its code as an XLUnicodeString."""
    if len(data) >= 5:
        ifmt, cch, flags = struct.unpack_from("<HHB", data)
        raw = data[5: 5 + (cch * 2 if flags & 1 else cch)]
        custom[ifmt] = raw.decode("utf-16-le" if flags & 1 else "latin-1", "replace")


def _dimensions(sheet: SheetScan, data: bytes, limits: Limits) -> None:
    """First and one-past-last row and column as declared.  calamine sizes its cell list from
    their difference: a first row past the last wraps around and aborts the process."""
    layout = "<IIHH" if len(data) >= 14 else "<HHHH"  # BIFF8 or BIFF5
    if len(data) < struct.calcsize(layout):
        return
    first_row, rows, first_col, cols = struct.unpack_from(layout, data)
    if first_row > rows:  # (calamine itself resets a bad first column)
        raise UnreadableInput(f"xls 文件已损坏（工作表 {sheet.name} 的尺寸记录无效："
                              f"首行 {first_row + 1} 在末行 {rows} 之后）")
    check_sheet_shape(sheet.name, rows, cols, limits, declared=True)


def _workbook_stream(path: str, limits: Limits) -> bytes:
    import olefile

    try:
        with olefile.OleFileIO(path) as ole:
            name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
            if name is None:
                if ole.exists("EncryptedPackage"):
                    raise UnreadableInput(ENCRYPTED)
                raise UnreadableInput("xls 文件已损坏（缺少 Workbook 数据流）")
            if ole.get_size(name) > limits.zip_member_bytes:
                raise LimitExceeded(f"xls 文件的 Workbook 数据流超过上限 {limits.zip_member_bytes // (1 << 20)} MB")
            return ole.openstream(name).read()
    except UnreadableInput:
        raise
    except Exception as exc:  # olefile raises many types on a damaged container
        raise UnreadableInput(f"xls 文件已损坏或不是有效的 Excel 97-2003 工作簿 ({type(exc).__name__})") from exc


def _records(stream: bytes, pos: int = 0):
    while pos >= 0 and pos + 4 <= len(stream):
        rtype, length = _HEAD.unpack_from(stream, pos)
        yield rtype, stream[pos + 4: pos + 4 + length], pos
        pos += 4 + length


def _sheet_name(data: bytes) -> str:
    """BOUNDSHEET (BIFF8): stream offset, state, type, then the name as a short XLUnicodeString."""
    length, flags = struct.unpack_from("<BB", data, 6)
    raw = data[8: 8 + (length * 2 if flags & 1 else length)]
    return raw.decode("utf-16-le" if flags & 1 else "latin-1", "replace")


def _u16(data: bytes, at: int) -> int:
    return struct.unpack_from("<H", data, at)[0] if at >= 0 and at + 2 <= len(data) else 0


def _grow(sheet: SheetScan, rows: int, cols: int, limits: Limits) -> None:
    if rows > sheet.rows or cols > sheet.cols:
        sheet.rows, sheet.cols = max(rows, sheet.rows), max(cols, sheet.cols)
        check_sheet_shape(sheet.name, sheet.rows, sheet.cols, limits)


# --- the OLE container, as calamine walks it ---------------------------------------------------

ENDOFCHAIN, RESERVED, DIFSECT = 0xFFFFFFFE, 0xFFFFFFFA, 0xFFFFFFFC
CORRUPT = "xls 文件已损坏（OLE 容器结构无效：{}）"


def check_container(path: str) -> None:
    """The sector chains calamine follows, checked for loops and bounds first: calamine follows
    them without a limit (a loop grows memory until the process aborts) and sizes some tables
    from header fields as they stand."""
    with open(path, "rb") as fh:
        data = fh.read()
    if len(data) < 512:
        raise UnreadableInput(CORRUPT.format("文件过短"))
    shift = _u16(data, 30)
    if shift not in (9, 12):
        raise UnreadableInput(CORRUPT.format(f"扇区大小 2^{shift}"))
    size = 1 << shift
    sectors = max(0, (len(data) - size) // size)  # sector n sits at (n + 1) × size

    def sector(n: int) -> bytes:
        if n >= sectors:
            raise UnreadableInput(CORRUPT.format(f"扇区 {n} 超出文件"))
        return data[(n + 1) * size: (n + 2) * size]

    fat_len, dir_start = struct.unpack_from("<II", data, 44)
    mini_fat_start = struct.unpack_from("<I", data, 60)[0]
    if fat_len > sectors or struct.unpack_from("<I", data, 62)[0] > 1 << 24:  # calamine reads 62..66 as a count
        raise UnreadableInput(CORRUPT.format("文件头的扇区计数无效"))
    difat = list(struct.unpack_from("<109I", data, 76))
    for n in _chain(struct.unpack_from("<I", data, 68)[0], lambda n: struct.unpack_from("<I", sector(n), size - 4)[0],
                    sectors, RESERVED):
        difat += struct.unpack_from(f"<{size // 4 - 1}I", sector(n))
    fat: list[int] = []
    for n in difat:
        if n < DIFSECT:
            fat += struct.unpack_from(f"<{size // 4}I", sector(n))
    follow = lambda n: fat[n] if n < len(fat) else ENDOFCHAIN  # noqa: E731
    directory = b"".join(sector(n) for n in _chain(dir_start, follow, sectors, ENDOFCHAIN))
    cutoff = struct.unpack_from("<I", data, 56)[0]
    for at in range(0, len(directory) - 127, 128):  # the root's mini stream, and the workbook stream
        name = directory[at: at + 64].decode("utf-16-le", "replace").split("\x00")[0]
        start, length = struct.unpack_from("<II", directory, at + 116)
        if at == 0 or (name in ("Workbook", "Book") and length >= cutoff):
            _chain(start, follow, sectors, ENDOFCHAIN)
    _chain(mini_fat_start, follow, sectors, ENDOFCHAIN)


def _chain(start: int, follow, limit: int, end: int) -> list[int]:
    """A sector chain up to its end marker; a loop or a sector past the file is corruption."""
    seen: list[int] = []
    visited = set()
    n = start
    while n < end if end == RESERVED else n != end:
        if n in visited or n >= limit:
            raise UnreadableInput(CORRUPT.format("扇区链成环" if n in visited else f"扇区 {n} 超出文件"))
        visited.add(n)
        seen.append(n)
        n = follow(n)
    return seen
