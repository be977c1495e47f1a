"""Write the rubric seeds (000, 002) as Word documents with the merges a real form has.

The title becomes a paragraph, the table keeps the seed's columns; a heading cell
left blank because it continues the one above becomes a vertical merge, a short
row (合计, 总分) spans its last cell to the table's width, a trailing page number
becomes a paragraph after the table.

Usage: python scripts/make_sample_docx.py [SEED.txt OUT.docx]...
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from checker.readers.text import read_text  # noqa: E402

DEFAULTS = [("000_bd31ef3130a7a41e.txt", "000_rubric.docx"), ("002_ebd695c3574dbcda.txt", "002_rubric.docx")]
HEADING_COLUMNS = ("一级", "二级")


def _vmerge(cell, value: str) -> None:
    props = cell._tc.get_or_add_tcPr()
    el = OxmlElement("w:vMerge")
    if value == "restart":
        el.set(qn("w:val"), "restart")
    props.append(el)


def _set_text(cell, text: str) -> None:
    lines = text.split("\n")
    cell.paragraphs[0].text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def build(seed: str, out: str) -> None:
    rows = [r.texts for r in read_text(seed)[0].rows]
    title = rows[0][0] if len(rows[0]) == 1 else ""
    body = rows[1:] if title else rows
    page = body[-1][0] if len(body[-1]) == 1 and body[-1][0].strip().isdigit() else ""
    if page or (len(body[-1]) == 1 and not body[-1][0].strip()):
        body = body[:-1]
    if all(r and r[0] == "" for r in body):
        body = [r[1:] for r in body]  # the extraction's leading tab
    width = max(len(r) for r in body)
    header = body[0]
    heading_cols = [c for c, h in enumerate(header) if h.replace("\n", "").startswith(HEADING_COLUMNS)]
    doc = Document()
    if title:
        doc.add_paragraph(title)
    table = doc.add_table(rows=len(body), cols=width)
    table.style = "Table Grid"
    for r, texts in enumerate(body):
        cells = table.rows[r].cells
        for c, text in enumerate(texts):
            if text:
                _set_text(cells[c], text)
        if len(texts) < width:  # 合计 / 总分: the last cell spans the rest of the row
            cells[len(texts) - 1].merge(cells[width - 1])
        elif texts and texts[0].strip().startswith(("合计", "总分")):
            end = 0  # the label spans the blank cells after it, as on a printed form
            while end + 1 < width - 1 and texts[end + 1] == "":
                end += 1
            if end:
                cells[0].merge(cells[end])
    # Blank heading cells continue the heading above: make them one vertically merged cell.
    for c in heading_cols:
        start = None
        for r in range(1, len(body) + 1):
            blank = (r < len(body) and c < len(body[r]) and body[r][c] == "" and len(body[r]) == width
                     and not body[r][0].strip().startswith(("合计", "总分")))
            if start is None and r < len(body) and c < len(body[r]) and body[r][c]:
                start = r
            elif start is not None and not blank:
                if r - 1 > start:
                    _vmerge(table.rows[start].cells[c], "restart")
                    for k in range(start + 1, r):
                        _vmerge(table.rows[k].cells[c], "continue")
                start = r if r < len(body) and c < len(body[r]) and body[r][c] else None
    if page:
        doc.add_paragraph(page)
    doc.core_properties.author = "jixiao scripts/make_sample_docx.py"
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    doc.save(out)
    print(f"wrote {out}: {len(body)} rows × {width} columns")


if __name__ == "__main__":
    args = sys.argv[1:]
    pairs = list(zip(args[::2], args[1::2])) or [(str(ROOT.parent / "shared" / "seeds" / s), str(ROOT / "data" / o))
                                                   for s, o in DEFAULTS]
    for seed, out in pairs:
        build(seed, out)
