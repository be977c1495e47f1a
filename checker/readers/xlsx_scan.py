"""What calamine does not tell: sheet parts, number formats, cell styles and true extents.

The package XML is read here with a few regular expressions and defusedxml:

* ``workbook.xml`` + its rels: the worksheets in order and their parts;
* ``styles.xml``: each cell style (``cellXfs``) → its number format code (built-in id
  or a custom ``numFmt``), resolved as openpyxl resolves it;
* each sheet's XML: ``<dimension>``, every ``<c r=… s=…>`` (row/column extent and the
  style of cells whose format matters), every ``<mergeCell>``; rows and columns marked
  ``hidden`` and formulas saved without their value (``<f>`` and no ``<v>``), where the
  sheet has any.  A sheet's ``state`` (hidden, veryHidden) comes from ``workbook.xml``.

Limits are checked as the scan goes (declared dimension, cells present, merge areas),
so a sheet that would make calamine or openpyxl allocate gigabytes is refused first.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from checker.grid import UnreadableInput
from checker.limits import LimitExceeded, Limits, check_sheet_shape
from checker.readers.zipguard import Package

# The standard built-in number formats (ECMA-376 §18.8.30), as openpyxl knows them.
BUILTIN_FORMATS = {
    0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00",
    5: '"$"#,##0_);("$"#,##0)', 6: '"$"#,##0_);[Red]("$"#,##0)', 7: '"$"#,##0.00_);("$"#,##0.00)',
    8: '"$"#,##0.00_);[Red]("$"#,##0.00)', 9: "0%", 10: "0.00%", 11: "0.00E+00", 12: "# ?/?", 13: "# ??/??",
    14: "mm-dd-yy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 18: "h:mm AM/PM", 19: "h:mm:ss AM/PM",
    20: "h:mm", 21: "h:mm:ss", 22: "m/d/yy h:mm", 37: "#,##0_);(#,##0)", 38: "#,##0_);[Red](#,##0)",
    39: "#,##0.00_);(#,##0.00)", 40: "#,##0.00_);[Red](#,##0.00)",
    41: r'_(* #,##0_);_(* \(#,##0\);_(* "-"_);_(@_)', 42: r'_("$"* #,##0_);_("$"* \(#,##0\);_("$"* "-"_);_(@_)',
    43: r'_(* #,##0.00_);_(* \(#,##0.00\);_(* "-"??_);_(@_)',
    44: r'_("$"* #,##0.00_)_("$"* \(#,##0.00\)_("$"* "-"??_)_(@_)', 45: "mm:ss", 46: "[h]:mm:ss", 47: "mmss.0",
    48: "##0.0E+0", 49: "@",
}

_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>")
_RANGE_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(dimension|mergeCell)(?=[\s/>])([^>]*)>")
_FAST_CELL = re.compile(rb'<c r="([A-Z]{1,3})([1-9]\d{0,6})"(?: s="(\d+)")?(?: t="[a-zA-Z]+")?\s*/?>')
_PLAIN_START = re.compile(rb"<[A-Za-z_?]")   # "<" then an ASCII name start: not UTF-16, no BOM
_ENCODING = re.compile(rb"""\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_ATTR_R = re.compile(rb"(?:^|\s)r\s*=\s*[\"']([^\"']*)[\"']")
_CELL_R = re.compile(rb"(?:^|\s)r\s*=\s*[\"']\$?([A-Za-z]{1,3})\$?(\d{1,7})[\"']")
_ATTR_S = re.compile(rb"(?:^|\s)s\s*=\s*[\"'](\d+)[\"']")
_ATTR_REF = re.compile(rb"(?:^|\s)ref\s*=\s*[\"']([^\"']*)[\"']")
_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"
_ERROR_CELL = re.compile(rb"<" + _PREFIX + rb"c(\s[^>]*?\bt\s*=\s*[\"']e[\"'][^>]*)>(.*?)</" + _PREFIX + rb"c>", re.S)
_VALUE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?v>([^<]*)</")
_UNIQUE_COUNT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sst\b[^>]*?\buniqueCount\s*=\s*[\"']\s*\+?(\d+)")
_CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})$")
_ROW_OR_COL = re.compile(rb"<" + _PREFIX + rb"(row|col)(?=[\s/>])([^>]*)>")
_HIDDEN = re.compile(rb"(?:^|\s)hidden\s*=\s*[\"'](?:1|true)[\"']")
_ATTR_MIN = re.compile(rb"(?:^|\s)min\s*=\s*[\"'](\d{1,7})[\"']")
_ATTR_MAX = re.compile(rb"(?:^|\s)max\s*=\s*[\"'](\d{1,7})[\"']")
_ATTR_T = re.compile(rb"(?:^|\s)t\s*=\s*[\"'](\w+)[\"']")
_FORMULA = re.compile(rb"<" + _PREFIX + rb"f(?=[\s/>])")
_CELL_BODY = re.compile(rb"<" + _PREFIX + rb"c(\s[^>]*)?(?<!/)>(.*?)</" + _PREFIX + rb"c>", re.S)
_HAS_VALUE = re.compile(rb"<" + _PREFIX + rb"v(?:\s[^>]*)?>[^<]")
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


class ScanError(Exception):
    """The package XML is broken in a way the fast reader cannot work around."""


@dataclass
class SheetScan:
    name: str
    part: str
    rows: int = 0                       # highest row holding a <c> or a merge (openpyxl's max_row)
    cols: int = 0                       # highest column likewise (openpyxl's max_column)
    styles: dict = field(default_factory=dict)   # (row, col) 1-based -> style index, formatted cells only
    merges: list = field(default_factory=list)   # (r1, c1, r2, c2) 1-based, inclusive
    merged_area: int = 0                # cells covered by all merges (overlapping merges are hostile)
    errors: dict = field(default_factory=dict)   # (row, col) -> "#DIV/0!" …: calamine reads error cells as blank
    cells: int = 0                      # cell records seen (.xls)
    state: str = "visible"              # visible | hidden | veryHidden: a hidden sheet is not read
    hidden_rows: set = field(default_factory=set)   # 1-based rows marked hidden (up to the extent)
    hidden_cols: set = field(default_factory=set)   # 1-based columns marked hidden (up to the extent)
    no_value: list = field(default_factory=list)    # (row, col) of formulas saved without a value


@dataclass
class WorkbookScan:
    sheets: list[SheetScan] | None      # None: workbook.xml or its rels unreadable
    formats: list[str] | None           # style index -> number format code; None: styles.xml unreadable
    problems: list[str] = field(default_factory=list)  # why sheets or formats are None
    damaged: list[str] = field(default_factory=list)   # members that could not be inflated (skipped)


_WORKSHEET_PART = re.compile(r"(^|/)worksheets/[^/]+\.xml$")


_COLUMNS: dict[bytes, int] = {}


def _column(letters: bytes) -> int:
    n = _COLUMNS.get(letters)
    if n is None:
        n = _COLUMNS[letters] = column_index(letters.decode("latin-1"))
    return n


def column_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def parse_ref(ref: str) -> tuple[int, int] | None:
    m = _CELL_REF.match(ref.strip())
    return (int(m.group(2)), column_index(m.group(1))) if m else None


def parse_range(ref: str) -> tuple[int, int, int, int] | None:
    parts = ref.split(":")
    a = parse_ref(parts[0])
    b = parse_ref(parts[-1])
    if not a or not b:
        return None
    return min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1])


def scan_workbook(pkg: Package, limits: Limits) -> WorkbookScan:
    """Worksheets, their extents and formatted cells, number formats; limits enforced.

    A broken workbook.xml or styles.xml does not stop the scan: every worksheet part is
    still checked against the limits, so a fallback reader can open the package safely.
    """
    scan = WorkbookScan(sheets=None, formats=None)
    try:
        wb_part = _office_document(pkg)
        scan.sheets = _worksheets(pkg, wb_part)
    except ScanError as exc:
        wb_part = "xl/workbook.xml"
        scan.problems.append(str(exc))
    try:
        scan.formats = _number_formats(pkg, posixpath.dirname(wb_part))
    except ScanError as exc:
        scan.problems.append(str(exc))
    interesting = {i for i, f in enumerate(scan.formats or []) if f != "General"}
    by_part = {s.part: s for s in scan.sheets or []}
    for info in pkg.infos:
        sheet = by_part.get(info.filename)
        if sheet is None and _WORKSHEET_PART.search(info.filename):
            sheet = SheetScan(name=posixpath.basename(info.filename), part=info.filename)  # checked, not read
        if sheet is not None:  # duplicates in a damaged zip: whichever a library picks was checked
            _scan_sheet(sheet, pkg.read(info), interesting, limits)
        elif info.filename.endswith((".xml", ".rels")):  # anything else a library may parse, inflated once
            try:
                data = pkg.read(info, keep=info.filename.endswith("sharedStrings.xml"))
            except LimitExceeded:
                raise
            except UnreadableInput:  # a damaged theme or docProps: calamine never reads it
                scan.damaged.append(info.filename)
                continue
            if data:
                _check_shared_strings(data, limits)
    if scan.sheets is not None and any(s.part not in pkg.names for s in scan.sheets):
        scan.problems.append("缺少工作表内容")
        scan.sheets = None
    return scan


def _check_shared_strings(data: bytes, limits: Limits) -> None:
    """calamine reserves room for the uniqueCount the file declares, before reading a string: a
    forged count aborts the process.  Declared and actual counts both stay under the limit."""
    declared = _UNIQUE_COUNT.search(data, 0, 4096)
    if declared and int(declared.group(1)) > limits.sheet_cells:
        raise LimitExceeded(f"共享字符串表声明 {int(declared.group(1))} 项，超过上限 {limits.sheet_cells} 项")
    if data.count(b"<si") > limits.sheet_cells:
        raise LimitExceeded(f"共享字符串 {data.count(b'<si')} 个，超过上限 {limits.sheet_cells} 个")


def _xml(data: bytes | None, what: str):
    if data is None:
        raise ScanError(f"缺少 {what}")
    data = bytes(data)
    try:
        if _without_dtd(data):  # nothing defusedxml guards against can be in it: the C parser, 3× faster
            return ET.fromstring(data)
        return SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ScanError(f"{what} 含 DTD 或实体声明") from exc
    except SafeET.ParseError as exc:
        raise ScanError(f"{what} 不是有效的 XML") from exc


def _without_dtd(data: bytes) -> bool:
    """An UTF-8 part with no ``<!`` anywhere has no DTD, so no entity can be declared (only the five
    predefined ones and character references exist: nothing to expand, nothing external to fetch).
    Anything else (a BOM, UTF-16, another declared encoding, any ``<!``) goes through defusedxml."""
    if not _PLAIN_START.match(data) or b"<!" in data:
        return False
    if not data.startswith(b"<?"):
        return True
    declaration = data[:data.find(b"?>") + 2]
    if b"encoding" not in declaration:
        return True
    declared = _ENCODING.search(declaration)
    return declared is not None and declared.group(1).lower() == b"utf-8"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _office_document(pkg: Package) -> str:
    data = pkg.read_name("_rels/.rels")
    if data is not None:
        for rel in _xml(data, "_rels/.rels"):
            if rel.get("Type", "").endswith("/officeDocument"):
                return rel.get("Target", "").lstrip("/")
    return "xl/workbook.xml"


def _worksheets(pkg: Package, wb_part: str) -> list[SheetScan]:
    base = posixpath.dirname(wb_part)
    rels_part = posixpath.join(base, "_rels", posixpath.basename(wb_part) + ".rels")
    targets = {}
    for rel in _xml(pkg.read_name(rels_part), rels_part):
        if rel.get("Type", "").endswith("/worksheet"):
            target = rel.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
            targets[rel.get("Id")] = part
    sheets = []
    for el in _xml(pkg.read_name(wb_part), wb_part).iter():
        if _local(el.tag) == "sheet" and el.get(f"{_REL_NS}id") in targets:
            sheets.append(SheetScan(name=el.get("name", ""), part=targets[el.get(f"{_REL_NS}id")],
                                    state=el.get("state") or "visible"))
    return sheets


def _number_formats(pkg: Package, base: str) -> list[str]:
    """Style index -> format code, as openpyxl resolves it (unknown built-in ids read as General)."""
    part = posixpath.join(base, "styles.xml")
    data = pkg.read_name(part)
    if data is None:
        return ["General"]
    root = _xml(data, part)
    custom, xfs = {}, []
    for el in root:
        if _local(el.tag) == "numFmts":
            for fmt in el:
                try:
                    custom[int(fmt.get("numFmtId", ""))] = fmt.get("formatCode", "General")
                except ValueError:
                    continue
        elif _local(el.tag) == "cellXfs":
            for xf in el:
                try:
                    xfs.append(int(xf.get("numFmtId", "0")))
                except ValueError:
                    xfs.append(0)
    return [custom[i] if i in custom else BUILTIN_FORMATS.get(i, "General") for i in xfs] or ["General"]


def _scan_sheet(sheet: SheetScan, xml: bytes, interesting: set[int], limits: Limits) -> None:
    tags = xml.count(b"<c ") + xml.count(b"<c>") + xml.count(b"<c/>")
    if tags > limits.sheet_cells:
        raise LimitExceeded(f"工作表 {sheet.name} 含 {tags} 个单元格，超过上限 {limits.sheet_cells} 个")
    for m in _RANGE_TAG.finditer(xml):  # the declared dimension and the merges, before the cells
        _range_tag(sheet, m.group(1), m.group(2), limits)
    wanted = {str(i).encode() for i in interesting}
    if not _scan_cells_fast(sheet, xml, tags, wanted, limits):
        _scan_cells(sheet, xml, wanted, limits)
    if b't="e"' in xml or b"t='e'" in xml:
        _scan_errors(sheet, xml)
    if b"hidden" in xml:
        _scan_hidden(sheet, xml)
    if (b"<f" in xml or b":f" in xml) and _FORMULA.search(xml):  # a plain search first: most sheets hold none
        _scan_formulas(sheet, xml)


def _scan_hidden(sheet: SheetScan, xml: bytes) -> None:
    """Rows and columns marked hidden, within the sheet's extent (a ``<col max="16384">`` hiding
    the unused columns to the right names no cell)."""
    row = 0
    for m in _ROW_OR_COL.finditer(xml):
        tag, attrs = m.group(1), m.group(2)
        if tag == b"row":
            ref = _ATTR_R.search(attrs)
            row = int(ref.group(1)) if ref and ref.group(1).isdigit() else row + 1
            if _HIDDEN.search(attrs) and row <= sheet.rows:
                sheet.hidden_rows.add(row)
        elif _HIDDEN.search(attrs):
            lo, hi = _ATTR_MIN.search(attrs), _ATTR_MAX.search(attrs)
            if lo:
                first = int(lo.group(1))
                sheet.hidden_cols.update(range(first, min(int(hi.group(1)) if hi else first, sheet.cols) + 1))


def _scan_formulas(sheet: SheetScan, xml: bytes) -> None:
    """Cells holding a formula but no value (what openpyxl and other writers save: Excel computes
    it when the file is opened, a reader sees a blank).  A formula whose text result is empty
    (``t="str"``, an empty ``<v>``) has its value."""
    for m in _CELL_BODY.finditer(xml):
        attrs, body = m.group(1) or b"", m.group(2)
        if _FORMULA.search(body) is None or _HAS_VALUE.search(body):
            continue
        kind = _ATTR_T.search(attrs)
        ref = _CELL_R.search(attrs)
        if ref and not (kind and kind.group(1) in (b"str", b"inlineStr")):
            sheet.no_value.append((int(ref.group(2)), _column(ref.group(1))))


def _scan_errors(sheet: SheetScan, xml: bytes) -> None:
    """Error cells (a formula's #DIV/0!) as Excel and openpyxl show them."""
    for m in _ERROR_CELL.finditer(xml):
        ref = _CELL_R.search(m.group(1))
        value = _VALUE.search(m.group(2))
        if ref and value:
            text = html.unescape(value.group(1).decode("utf-8", "replace"))
            sheet.errors[(int(ref.group(2)), _column(ref.group(1)))] = text


def _scan_cells_fast(sheet: SheetScan, xml: bytes, tags: int, wanted: set[bytes], limits: Limits) -> bool:
    """Cells written as Excel writes them (``<c r="B7" s="3" …>``); False if any is not."""
    found = _FAST_CELL.findall(xml)   # (letters, row, style or b""): tuples, no match objects
    # The extent from the distinct rows and column letters (a few dozen, not every cell).
    rows = max(sheet.rows, max(map(int, {d for _, d, _ in found}), default=0))
    cols = max(sheet.cols, max(map(_column, {c for c, _, _ in found}), default=0))
    try:
        check_sheet_shape(sheet.name, rows, cols, limits)
    except LimitExceeded:  # the checks only grow with the extent: find where, in document order, it broke
        _check_extent_in_order(sheet, found, limits)
        raise
    if len(found) != tags:
        return False
    sheet.rows, sheet.cols = rows, cols
    sheet.styles.update({(int(d), _column(c)): int(s) for c, d, s in found if s in wanted})
    return True


def _check_extent_in_order(sheet: SheetScan, found: list[tuple[bytes, bytes, bytes]], limits: Limits) -> None:
    """The limit as the cells reach it one by one, so the message names the extent where it broke."""
    rows, cols = sheet.rows, sheet.cols
    for letters, digits, _ in found:
        row, col = int(digits), _column(letters)
        if row > rows or col > cols:
            rows, cols = max(row, rows), max(col, cols)
            check_sheet_shape(sheet.name, rows, cols, limits)


def _scan_cells(sheet: SheetScan, xml: bytes, wanted: set[bytes], limits: Limits) -> None:
    """Any cell markup: namespace prefixes, attributes in any order, cells without ``r``."""
    row = col = 0
    for m in _TAG.finditer(xml):
        tag, attrs = m.group(1), m.group(2)
        if tag == b"c":
            ref = _CELL_R.search(attrs)
            if ref:
                row, col = int(ref.group(2)), _column(ref.group(1))
            else:  # no r attribute: the next column of the current row
                row, col = max(row, 1), col + 1
            if row > sheet.rows or col > sheet.cols:
                sheet.rows, sheet.cols = max(row, sheet.rows), max(col, sheet.cols)
                check_sheet_shape(sheet.name, sheet.rows, sheet.cols, limits)
            s = _ATTR_S.search(attrs) if wanted else None
            if s and s.group(1) in wanted:
                sheet.styles[(row, col)] = int(s.group(1))
        elif tag == b"row":
            ref = _ATTR_R.search(attrs)
            row = int(ref.group(1)) if ref and ref.group(1).isdigit() else row + 1
            col = 0


def _range_tag(sheet: SheetScan, tag: bytes, attrs: bytes, limits: Limits) -> None:
    ref = _ATTR_REF.search(attrs)
    rng = parse_range(ref.group(1).decode("latin-1")) if ref else None
    if rng is None:
        return
    if tag == b"dimension":
        _, _, r2, c2 = rng
        check_sheet_shape(sheet.name, r2, c2, limits, declared=True)
        return
    add_merge(sheet, rng, limits)


def add_merge(sheet: SheetScan, rng: tuple[int, int, int, int], limits: Limits) -> None:
    """Record one merged range after checking its area, the sheet's merged total and extent."""
    r1, c1, r2, c2 = rng
    area = (r2 - r1 + 1) * (c2 - c1 + 1)
    if area > limits.merge_cells:
        ref = f"{column_letter(c1)}{r1}:{column_letter(c2)}{r2}"
        raise LimitExceeded(f"工作表 {sheet.name} 的合并单元格 {ref} 覆盖 {area} 个单元格，"
                            f"超过上限 {limits.merge_cells} 个")
    sheet.merged_area += area
    if sheet.merged_area > limits.sheet_cells:
        raise LimitExceeded(f"工作表 {sheet.name} 的合并单元格共覆盖 {sheet.merged_area} 个单元格，"
                            f"超过上限 {limits.sheet_cells} 个")
    sheet.merges.append(rng)
    sheet.rows, sheet.cols = max(sheet.rows, r2), max(sheet.cols, c2)
    check_sheet_shape(sheet.name, sheet.rows, sheet.cols, limits)


def column_letter(n: int) -> str:
    letters = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
