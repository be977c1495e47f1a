"""checker.readers.word: merges, paragraphs, split tables, titles, hostile files, and the
rubric samples in data/ against the seed text they were generated from."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from docx import Document

from checker.grid import UnreadableInput
from checker.readers.text import read_text
from checker.readers.word import read_docx
from scripts.make_sample_docx import SEEDS, build

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SEED_DIR = ROOT.parent / "shared" / "seeds"
DATA_COPIES = {"000_bd31ef3130a7a41e.txt": "text/000_rubric_ankangma.txt",  # identical copies of the seeds
               "002_ebd695c3574dbcda.txt": "text/002_rubric_thirdparty.txt"}


def _save(doc, tmp_path, name="t.docx") -> str:
    path = tmp_path / name
    doc.save(path)
    return str(path)


def _table(doc, rows: list[list[str]]):
    t = doc.add_table(rows=len(rows), cols=len(rows[0]))
    for r, texts in enumerate(rows):
        for c, text in enumerate(texts):
            t.cell(r, c).text = text
    return t


def test_grid_span_keeps_one_cell_per_column(tmp_path):
    doc = Document()
    t = _table(doc, [["三级指标", "分值", "得分"], ["指标1", "3", "3"], ["", "", ""]])
    t.cell(2, 0).merge(t.cell(2, 1)).text = "合计"
    t.cell(2, 2).text = "3"
    g = read_docx(_save(doc, tmp_path))[0]
    assert g.name == "表1"
    assert g.rows[2].texts == ["合计", "", "3"]
    assert [c.loc for c in g.rows[2].cells] == ["表1 R3C1", "表1 R3C2", "表1 R3C3"]
    assert g.rows[2].loc == "表1 R3"


def test_vertical_merge_continuation_is_blank(tmp_path):
    doc = Document()
    t = _table(doc, [["一级指标", "三级指标"], ["", "指标1"], ["", "指标2"], ["", "指标3"]])
    t.cell(1, 0).merge(t.cell(3, 0)).text = "决策"
    assert b"w:vMerge" in _xml(_save(doc, tmp_path))
    g = read_docx(str(tmp_path / "t.docx"))[0]
    assert [r.texts for r in g.rows[1:]] == [["决策", "指标1"], ["", "指标2"], ["", "指标3"]]


def test_paragraphs_of_a_cell_are_lines(tmp_path):
    doc = Document()
    t = _table(doc, [["评分标准", "分值"], ["1．设立了目标，得2分；", "3"]])
    t.cell(1, 0).add_paragraph("2．指标合理，得1分。")
    g = read_docx(_save(doc, tmp_path))[0]
    assert g.rows[1].texts[0] == "1．设立了目标，得2分；\n2．指标合理，得1分。"


def test_nested_table_text_joins_the_outer_cell(tmp_path):
    doc = Document()
    t = _table(doc, [["指标", "说明"], ["满意度", "见下表"]])
    inner = t.cell(1, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "满意", "90%"
    g = read_docx(_save(doc, tmp_path))
    assert len(g) == 1 and len(g[0].rows[1].cells) == 2
    assert g[0].rows[1].texts[1] == "见下表\n满意\n90%"


def test_table_split_across_pages_is_rejoined(tmp_path):
    doc = Document()
    header = ["三级指标", "分值"]
    _table(doc, [header, ["指标1", "1"], ["指标2", "2"]])
    doc.add_paragraph("- 1 -")  # a page number between the halves does not separate them
    _table(doc, [["三级 指标", "分值"], ["指标3", "3"]])  # header repeated, spacing differs
    grids = read_docx(_save(doc, tmp_path))
    assert len(grids) == 1
    assert [r.texts[0] for r in grids[0].rows] == ["三级指标", "指标1", "指标2", "指标3"]
    assert grids[0].rows[-1].loc == "表2 R2" and grids[0].rows[-1].cells[1].loc == "表2 R2C2"


def test_a_titled_table_with_the_same_header_is_a_new_form(tmp_path):
    doc = Document()
    for name in ("甲项目绩效自评表", "乙项目绩效自评表"):
        doc.add_paragraph(name)
        _table(doc, [["三级指标", "分值"], ["指标1", "1"]])
    grids = read_docx(_save(doc, tmp_path))
    assert [g.name for g in grids] == ["表1", "表2"]
    assert grids[1].rows[0].texts == ["乙项目绩效自评表"]


def test_paragraphs_before_the_first_table_are_rows_in_order(tmp_path):
    """A report's prose and the title above its first table are all rows (the recogniser tells a
    title from a paragraph: a report's stated figures are checked, TEXT.NARRATIVE)."""
    doc = Document()
    doc.add_paragraph("本报告" + "说明文字，" * 30)  # body text
    doc.add_paragraph("")
    doc.add_paragraph("某某项目绩效自评表")
    _table(doc, [["三级指标", "分值"], ["指标1", "1"]])
    g = read_docx(_save(doc, tmp_path))[0]
    assert g.rows[0].texts[0].startswith("本报告说明文字") and g.rows[0].loc == "段落1"
    assert g.rows[1].texts == ["某某项目绩效自评表"]
    assert g.rows[1].loc == "段落3" and g.rows[1].cells[0].loc == "段落3"
    assert g.rows[2].loc == "表1 R1"


def _xml(path: str) -> bytes:
    return zipfile.ZipFile(path).read("word/document.xml")


def _with_document_xml(tmp_path, xml: bytes) -> str:
    src = _save(Document(), tmp_path, "ok.docx")
    evil = tmp_path / "evil.docx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(evil, "w") as zout:
        for item in zin.infolist():
            zout.writestr(item, xml if item.filename == "word/document.xml" else zin.read(item.filename))
    return str(evil)


BODY = (b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        b"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>")


def test_external_entity_is_refused_not_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-42")
    doctype = f'<!DOCTYPE d [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'.encode()
    with pytest.raises(UnreadableInput) as err:
        read_docx(_with_document_xml(tmp_path, b'<?xml version="1.0"?>' + doctype + BODY))
    assert "TOP-SECRET" not in str(err.value)


def test_entity_expansion_is_refused(tmp_path):
    laughs = b'<!DOCTYPE d [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY x "&b;&b;&b;&b;">]>'
    with pytest.raises(UnreadableInput):
        read_docx(_with_document_xml(tmp_path, laughs + BODY))


@pytest.mark.parametrize("content", [b"plain text, not a zip", b"PK\x03\x04 truncated", b""])
def test_not_a_docx(tmp_path, content):
    p = tmp_path / "x.docx"
    p.write_bytes(content)
    with pytest.raises(UnreadableInput, match="Word 文件已损坏或不是有效的 docx"):
        read_docx(str(p))


def test_zip_without_document_xml(tmp_path):
    p = tmp_path / "empty.docx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(UnreadableInput, match="Word 文件已损坏"):
        read_docx(str(p))


# --- the generated rubric samples against their seeds --------------------------------

def _seed(name: str) -> Path:
    return SEED_DIR / name if (SEED_DIR / name).is_file() else DATA / DATA_COPIES[name]


def _words(texts: list[str]) -> list[str]:
    """Non-empty cell texts, with \\xa0 and line-end spaces normalised away."""
    norm = ("\n".join(line.replace("\xa0", " ").rstrip() for line in t.split("\n")).strip() for t in texts)
    return [t for t in norm if t]


def _page_number(row: list[str]) -> bool:
    return len(row) == 1 and row[0].strip().isdigit()


@pytest.mark.parametrize("seed_name", sorted(SEEDS))
def test_rubric_docx_round_trips_the_seed(seed_name):
    expected = [_words(r.texts) for r in read_text(str(_seed(seed_name)))[0].rows]
    expected = [w for w in expected if w and not _page_number(w)]
    grids = read_docx(str(DATA / "batch" / SEEDS[seed_name]))
    assert len(grids) == 1
    assert [_words(r.texts) for r in grids[0].rows] == expected
    width = len(grids[0].rows[-1].cells)
    assert all(len(r.cells) == width for r in grids[0].rows if r.loc.startswith("表"))
    assert b"w:vMerge" in _xml(str(DATA / "batch" / SEEDS[seed_name]))


@pytest.mark.parametrize("seed_name", sorted(SEEDS))
def test_rubric_docx_in_data_is_up_to_date(seed_name, tmp_path):
    fresh = tmp_path / SEEDS[seed_name]
    build(str(_seed(seed_name)), str(fresh))
    texts = lambda p: [r.texts for g in read_docx(str(p)) for r in g.rows]  # noqa: E731
    assert texts(fresh) == texts(DATA / "batch" / SEEDS[seed_name])
