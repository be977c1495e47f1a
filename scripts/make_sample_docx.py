"""Write the rubric seeds (000, 002) as Word documents with the merges a real form has.

The seeds are Word extractions, so the layout is rebuilt from them: the title line
becomes a paragraph before the table and a trailing page number a paragraph after
it.  In the table, a heading cell (一级/二级指标) left blank because it continues the
heading above becomes a vertical merge; a total row's label (合计, 总分) spans the
blank cells after it and the cells the extraction lost to that merge, so its last
number stays under the last column; any other short row spans its last cell to the
table's width.  Multi-line cell text becomes separate paragraphs.

Usage: python scripts/make_sample_docx.py [SEED_DIR [OUT_DIR]]
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

from docx import Document

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from checker.readers.text import read_text  # noqa: E402

SEEDS = {"000_bd31ef3130a7a41e.txt": "000_rubric.docx", "002_ebd695c3574dbcda.txt": "002_rubric.docx"}
HEADING_COLUMNS = ("一级", "二级")
TOTAL_LABELS = ("合计", "总分", "总计", "小计")


def layout(seed: str) -> tuple[str, list[list[str]], str]:
    """(title, table rows, page number) from a seed, as read_text rebuilds it."""
    rows = [r.texts for r in read_text(seed)[0].rows]
    title = rows.pop(0)[0] if len(rows[0]) == 1 else ""
    page = ""
    while rows and len(rows[-1]) == 1:  # stray lines after the table: a page number or a blank
        page = page or (rows[-1][0].strip() if rows[-1][0].strip().isdigit() else "")
        rows.pop()
    if all(not r[0].strip() for r in rows):
        rows = [r[1:] for r in rows]  # the extraction's leading tab: an empty first column
    return title, rows, page


def spans(rows: list[list[str]], width: int) -> list[list[tuple[int, int, str]]]:
    """Each row as (first grid column, column span, text) cells covering the width."""
    out = []
    for texts in rows:
        cells = [[c, 1, t] for c, t in enumerate(texts)]
        missing = width - len(texts)
        if texts[0].strip().startswith(TOTAL_LABELS):
            blanks = 0
            while 1 + blanks < len(texts) - 1 and not texts[1 + blanks].strip():
                blanks += 1
            cells = [[0, 1 + blanks + missing, texts[0]]] + [
                [c + missing, 1, t] for c, t in enumerate(texts) if c > blanks]
        elif missing:
            cells[-1][1] += missing
        out.append([tuple(x) for x in cells])
    return out


def vertical_runs(rows: list[list[str]], layout_rows, header: list[str]) -> list[tuple[int, int, int]]:
    """(column, first row, last row) of heading cells continued by blank cells below."""
    runs = []
    for col, name in enumerate(header):
        if not name.replace("\n", "").startswith(HEADING_COLUMNS):
            continue
        start = None
        for r in range(1, len(rows) + 1):
            single = r < len(rows) and any(c == col and s == 1 for c, s, _ in layout_rows[r])
            total = r < len(rows) and rows[r][0].strip().startswith(TOTAL_LABELS)
            text = rows[r][col] if single and not total else None
            if text == "" and start is not None:
                continue  # blank below a heading: the heading continues
            if start is not None and r - 1 > start:
                runs.append((col, start, r - 1))
            start = r if text else None
    return runs


def build(seed: str, out: str) -> None:
    title, rows, page = layout(seed)
    width = max(len(r) for r in rows)
    cells = spans(rows, width)
    doc = Document()
    if title:
        doc.add_paragraph(title)
    table = doc.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for r, row in enumerate(cells):
        for c, span, _ in row:
            if span > 1:
                table.cell(r, c).merge(table.cell(r, c + span - 1))
    for col, first, last in vertical_runs(rows, cells, rows[0]):
        table.cell(first, col).merge(table.cell(last, col))
    for r, row in enumerate(cells):  # text last: python-docx's merge would move it around
        for c, _, text in row:
            if text:
                lines = text.split("\n")
                cell = table.cell(r, c)
                cell.paragraphs[0].text = lines[0]
                for line in lines[1:]:
                    cell.add_paragraph(line)
    if page:
        doc.add_paragraph(page)
    doc.core_properties.author = "jixiao scripts/make_sample_docx.py"
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_bytes(_stable(doc))
    print(f"wrote {out}: {len(rows)} rows × {width} columns")


def _stable(doc) -> bytes:
    """The .docx with fixed zip timestamps, so re-running the script changes no bytes."""
    buf = io.BytesIO()
    doc.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(zipfile.ZipInfo(item.filename, (2021, 1, 1, 0, 0, 0)), zin.read(item.filename),
                          zipfile.ZIP_DEFLATED)
    return out.getvalue()


if __name__ == "__main__":
    seed_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "seeds"
    out_dir = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "data" / "batch"
    for seed_name, out_name in SEEDS.items():
        build(str(seed_dir / seed_name), str(out_dir / out_name))
