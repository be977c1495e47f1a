"""Word (.docx) tables -> Grids, read from the package XML with defusedxml.

python-docx is not used here: it parses with lxml without entity protection, and a
form arrives from outside.  Each table row gets one cell per grid column: a
horizontally merged cell (w:gridSpan) keeps its text in its first column and the
spanned columns are blank; a vertical-merge continuation (w:vMerge without
"restart") is blank, as on the page.  A cell's paragraphs are joined with "\\n"
(a nested table's text included).  A table split over pages — a later table whose
first row repeats the previous table's header — is joined to it.  Short paragraphs
just before a table (its title) become one-cell rows at the top of its grid.
"""

from __future__ import annotations

import re

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from checker.grid import Cell, Grid, Row, UnreadableInput
from checker.limits import DEFAULT_LIMITS, LimitExceeded, Limits
from checker.readers.zipguard import Package

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
CORRUPT = "Word 文件已损坏或不是有效的 docx"
MAX_SPAN = 512               # a forged gridSpan must not allocate millions of cells
TITLE_MAX = 80               # longer paragraphs are body text, not a table title
PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*)?\d{1,4}(\s*页)?([/／]\d+)?[-—–\s]*$")


def read_docx(path: str, limits: Limits | None = None) -> list[Grid]:
    limits = limits or DEFAULT_LIMITS
    body = _load_body(path, limits)
    cells = 0
    grids: list[Grid] = []
    headers: list[list[str]] = []  # normalised first table row of each grid
    between: list[tuple[str, str]] = []  # (text, loc) of paragraphs since the last table
    para_no = table_no = 0
    for el in _blocks(body):
        if el.tag == f"{W}p":
            para_no += 1
            text = _text(el).strip()
            if text and not PAGE_NUMBER.match(text):  # page numbers sit between split tables
                between.append((text, f"段落{para_no}"))
        elif el.tag == f"{W}tbl":
            table_no += 1
            rows = _table_rows(el, table_no, limits)
            if not rows:
                continue
            cells += sum(len(r.cells) for r in rows)
            if cells > limits.sheet_cells:
                raise LimitExceeded(f"Word 表格共 {cells} 个单元格，超过上限 {limits.sheet_cells} 个")
            header = _norm(rows[0])
            if grids and not between and header == headers[-1]:
                grids[-1].rows.extend(rows[1:])  # same table continued on the next page
                continue
            # Before the first table every paragraph is kept (a report's prose, its title): later ones
            # only the title run, so a table going on after a page's text still joins its start.
            top = [Row([Cell(text, loc)], loc) for text, loc in (between if not grids else _titles(between))]
            grids.append(Grid(path=path, name=f"表{table_no}", rows=top + rows))
            headers.append(header)
            between = []
    return grids


def _titles(paras: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The short paragraphs right before a table (title, unit line); body text stops the run."""
    run = []
    for text, loc in reversed(paras[-3:]):
        if len(text) > TITLE_MAX:
            break
        run.insert(0, (text, loc))
    return run


def _load_body(path: str, limits: Limits):
    with Package(path, limits, "Word", corrupt=CORRUPT) as pkg:  # directory and inflated sizes checked
        xml = pkg.read_name("word/document.xml")
    if xml is None:
        raise UnreadableInput(CORRUPT)
    try:
        root = SafeET.fromstring(bytes(xml), forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise UnreadableInput("Word 文件含 DTD 或实体声明 (可能是恶意文件)，拒绝读取") from exc
    except SafeET.ParseError as exc:
        raise UnreadableInput(CORRUPT) from exc
    body = root.find(f"{W}body")
    if body is None:
        raise UnreadableInput(CORRUPT)
    return body


def _blocks(parent):
    """Direct children, looking through content controls and custom XML wrappers."""
    for child in parent:
        if child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                yield from _blocks(content)
        elif child.tag == f"{W}customXml":
            yield from _blocks(child)
        else:
            yield child


def _text(el) -> str:
    """Visible text of a paragraph; deleted revisions and duplicate fallbacks skipped."""
    parts = []
    for child in el:
        tag = child.tag
        if tag in (f"{W}del", f"{W}moveFrom", MC_FALLBACK):
            continue
        if tag == f"{W}t" and child.text:
            parts.append(child.text)
        elif tag == f"{W}tab":
            parts.append("\t")
        elif tag in (f"{W}br", f"{W}cr"):
            parts.append("\n")
        elif tag == f"{W}noBreakHyphen":
            parts.append("-")
        elif tag == f"{W}p":  # a text box's paragraph inside this one
            parts.append("\n" + _text(child))
        else:
            parts.append(_text(child))
    return "".join(parts)


def _cell_text(tc) -> str:
    lines = []
    for el in _blocks(tc):
        if el.tag == f"{W}p":
            lines.append(_text(el))
        elif el.tag == f"{W}tbl":  # nested table: its cells' text, one per line
            lines += [_cell_text(inner) for tr in _blocks(el) if tr.tag == f"{W}tr"
                      for inner in _blocks(tr) if inner.tag == f"{W}tc"]
    return "\n".join(lines).strip("\n")


def _val(props, name: str) -> str | None:
    el = props.find(f"{W}{name}") if props is not None else None
    return None if el is None else el.get(f"{W}val", "")


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), MAX_SPAN))
    except ValueError:
        return 1


def _table_rows(tbl, t: int, limits: Limits) -> list[Row]:
    grid = tbl.find(f"{W}tblGrid")
    width = len(grid.findall(f"{W}gridCol")) if grid is not None else 0
    if width > limits.sheet_cols:
        raise LimitExceeded(f"Word 表{t} 有 {width} 列，超过上限 {limits.sheet_cols} 列")
    rows = []
    r = 0
    for tr in _blocks(tbl):
        if tr.tag != f"{W}tr":
            continue
        r += 1
        before = _val(tr.find(f"{W}trPr"), "gridBefore")
        texts = [""] * _span(before) if before else []  # row starts right of the first grid column
        for tc in _blocks(tr):
            if tc.tag != f"{W}tc":
                continue
            props = tc.find(f"{W}tcPr")
            vmerge = _val(props, "vMerge")
            continued = vmerge is not None and vmerge != "restart"  # no w:val means "continue"
            texts.append("" if continued else _cell_text(tc))
            texts += [""] * (_span(_val(props, "gridSpan")) - 1)
        texts += [""] * (width - len(texts))  # gridAfter or a short row: pad to the grid
        if len(texts) > limits.sheet_cols:
            raise LimitExceeded(f"Word 表{t} 第 {r} 行有 {len(texts)} 列，超过上限 {limits.sheet_cols} 列")
        if any(x.strip() for x in texts):
            cells = [Cell(x, f"表{t} R{r}C{c}") for c, x in enumerate(texts, start=1)]
            rows.append(Row(cells=cells, loc=f"表{t} R{r}"))
    return rows


def _norm(row: Row) -> list[str]:
    return ["".join(c.text.split()) for c in row.cells]
