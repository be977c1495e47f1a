"""Word reader: merges, multi-paragraph cells, split tables, safe XML; rubric .docx samples."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from docx import Document

from checker.engine import check
from checker.grid import UnreadableInput
from checker.readers.word import read_docx

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


def _vmerge(cell, restart: bool) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement("w:vMerge")
    if restart:
        el.set(qn("w:val"), "restart")
    cell._tc.get_or_add_tcPr().append(el)


def test_merges_paragraphs_and_title(tmp_path):
    doc = Document()
    doc.add_paragraph("测试项目绩效评价评分表")
    t = doc.add_table(rows=3, cols=3)
    t.rows[0].cells[0].text, t.rows[0].cells[1].text, t.rows[0].cells[2].text = "一级指标", "三级指标", "分值"
    t.rows[1].cells[0].text = "决策"
    _vmerge(t.rows[1].cells[0], True)
    _vmerge(t.rows[2].cells[0], False)
    t.rows[1].cells[1].text = "第一行"
    t.rows[1].cells[1].add_paragraph("第二行")
    t.rows[1].cells[2].text = "3"
    t.rows[2].cells[1].merge(t.rows[2].cells[2]).text = "合计 3"
    p = tmp_path / "t.docx"
    doc.save(p)
    g = read_docx(str(p))[0]
    assert g.rows[0].texts == ["测试项目绩效评价评分表"]
    assert g.rows[2].texts == ["决策", "第一行\n第二行", "3"]
    assert g.rows[3].texts == ["", "合计 3", ""]  # vMerge continuation blank; gridSpan keeps one cell per column
    assert g.rows[3].cells[1].loc == "表1 R3C2" and g.rows[3].cells[2].loc == "表1 R3C3"


def test_table_split_across_pages_is_rejoined(tmp_path):
    doc = Document()
    for rows in (["1", "2"], ["3"]):
        t = doc.add_table(rows=1 + len(rows), cols=2)
        t.rows[0].cells[0].text, t.rows[0].cells[1].text = "三级指标", "分值"
        for k, v in enumerate(rows, start=1):
            t.rows[k].cells[0].text, t.rows[k].cells[1].text = f"指标{v}", v
    p = tmp_path / "split.docx"
    doc.save(p)
    grids = read_docx(str(p))
    assert len(grids) == 1
    assert [r.texts[0] for r in grids[0].rows] == ["三级指标", "指标1", "指标2", "指标3"]
    assert grids[0].rows[-1].loc == "表2 R2"


def test_external_entity_is_refused(tmp_path):
    src = tmp_path / "ok.docx"
    Document().save(src)
    evil = tmp_path / "evil.docx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(evil, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                data = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                        b"<w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>")
            zout.writestr(item, data)
    with pytest.raises(UnreadableInput):
        read_docx(str(evil))


def test_not_a_docx(tmp_path):
    p = tmp_path / "x.docx"
    p.write_bytes(b"plain text")
    with pytest.raises(UnreadableInput):
        read_docx(str(p))


@pytest.mark.parametrize("text_name,docx_name", [("text/000_rubric_ankangma.txt", "batch/000_rubric.docx"),
                                                 ("text/002_rubric_thirdparty.txt", "batch/002_rubric.docx")])
def test_rubric_docx_gives_the_same_findings_as_text(text_name, docx_name):
    a, b = check([str(DATA / text_name)]), check([str(DATA / docx_name)])
    key = lambda r: sorted(zip(r.findings.rule, r.findings.section, r.findings.indicator, r.findings.reported))  # noqa: E731
    assert key(a) == key(b)
    rows = lambda r: list(zip(r.indicators.level1, r.indicators.level2, r.indicators.name,  # noqa: E731
                              r.indicators.weight, r.indicators.score, r.indicators.expected_score.fillna(-1)))
    assert rows(a) == rows(b)
    doc = zipfile.ZipFile(DATA / docx_name).read("word/document.xml")
    assert b"w:vMerge" in doc and b"w:gridSpan" in doc
