"""Word (.docx) tables -> Grids, parsed from the package XML with defusedxml.

Each grid column gets one cell: a horizontally merged cell (w:gridSpan) keeps its
text in its first column and blanks the rest; a vertically merged continuation
(w:vMerge without "restart") is blank, as on the page.  Paragraphs of a cell are
joined with line breaks.  A table split over pages — a later table whose first
row repeats the previous table's header — is joined to it.  The paragraph just
before a table (its title) becomes the grid's first row.
"""

from __future__ import annotations

import zipfile

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from checker.grid import Cell, Grid, Row, UnreadableInput

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(path: str) -> list[Grid]:
    try:
        with zipfile.ZipFile(path) as z:
            xml = z.read("word/document.xml")
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise UnreadableInput("Word 文件已损坏或不是有效的 docx") from exc
    try:
        root = SafeET.fromstring(xml, forbid_dtd=True)
    except (DefusedXmlException, SafeET.ParseError) as exc:
        raise UnreadableInput(f"Word 文件内容不安全或无法解析 ({type(exc).__name__})") from exc
    body = root.find(f"{W}body")
    if body is None:
        raise UnreadableInput("Word 文件中没有正文")
    grids: list[Grid] = []
    last_para, para_no, table_no = "", 0, 0
    for el in body:
        if el.tag == f"{W}p":
            para_no += 1
            text = _text(el).strip()
            if text:
                last_para = (text, f"段落{para_no}")
        elif el.tag == f"{W}tbl":
            table_no += 1
            rows = _table_rows(el, table_no)
            if not rows:
                continue
            prev = grids[-1] if grids else None
            if prev is not None and _header(prev) == _norm(rows[0]) and not last_para:
                prev.rows.extend(rows[1:])  # the header repeated on the next page
                continue
            if prev is not None and _header(prev) == _norm(rows[0]) and last_para and _is_page_number(last_para[0]):
                prev.rows.extend(rows[1:])
                last_para = ""
                continue
            title_rows = [Row([Cell(last_para[0], last_para[1])], last_para[1])] if last_para else []
            grids.append(Grid(path=path, name=f"表{table_no}", rows=title_rows + rows))
            last_para = ""
    return grids


def _text(el) -> str:
    parts = []
    for node in el.iter():
        if node.tag == f"{W}t" and node.text:
            parts.append(node.text)
        elif node.tag == f"{W}tab":
            parts.append("\t")
        elif node.tag in (f"{W}br", f"{W}cr"):
            parts.append("\n")
    return "".join(parts)


def _cell_text(tc) -> str:
    paras = [_text(p) for p in tc.iter(f"{W}p")]
    return "\n".join(paras).strip("\n")


def _table_rows(tbl, table_no: int) -> list[Row]:
    rows = []
    for r_no, tr in enumerate(tbl.findall(f"{W}tr"), start=1):
        cells: list[Cell] = []
        col = 1
        for tc in tr.findall(f"{W}tc"):
            props = tc.find(f"{W}tcPr")
            span, continued = 1, False
            if props is not None:
                gs = props.find(f"{W}gridSpan")
                if gs is not None:
                    span = int(gs.get(f"{W}val", "1") or 1)
                vm = props.find(f"{W}vMerge")
                if vm is not None and vm.get(f"{W}val", "continue") != "restart":
                    continued = True
            text = "" if continued else _cell_text(tc)
            cells.append(Cell(text, f"表{table_no} R{r_no}C{col}"))
            cells += [Cell("", f"表{table_no} R{r_no}C{col + k}") for k in range(1, span)]
            col += span
        if any(c.text.strip() for c in cells):
            rows.append(Row(cells=cells, loc=f"表{table_no} R{r_no}"))
    return rows


def _norm(row: Row) -> list[str]:
    return ["".join(c.text.split()) for c in row.cells]


def _header(grid: Grid) -> list[str]:
    for row in grid.rows:
        if len(row.cells) > 1:
            return _norm(row)
    return []


def _is_page_number(text: str) -> bool:
    return text.strip().isdigit()
