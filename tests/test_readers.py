"""Readers: text layouts and encodings, xlsx (merges, addresses, display), csv."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from checker.engine import check
from checker.grid import UnreadableInput
from checker.readers import read_any
from checker.readers.csv_reader import read_csv
from checker.readers.encoding import decode_bytes
from checker.readers.excel import read_excel, render
from checker.readers.text import read_text

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


def test_decode_utf8_bom_and_gb18030():
    text = "项目名称\t测试"
    assert decode_bytes(text.encode("utf-8-sig")) == text
    assert decode_bytes(text.encode("gb18030")) == text
    assert decode_bytes(text.encode("utf-8")) == text


def test_text_row_per_line_keeps_columns():
    g = read_text(str(DATA / "batch/001_selfeval_yanchi_2024.txt"))[0]
    row = next(r for r in g.rows if any("年度资金总额" in t for t in r.texts))
    assert [t for t in row.texts if t][1:] == ["15", "15", "15", "10", "100%", "10"]
    assert row.loc == "line 10"


def test_text_cell_per_line_rebuilds_word_rows():
    g = read_text(str(DATA / "text/000_rubric_ankangma.txt"))[0]
    row = next(r for r in g.rows if any(t.startswith("决策") for t in r.texts))
    assert "决策\n（5分）" in row.texts
    assert row.texts[-1] == "3"


def test_gb18030_text_file(tmp_path):
    src = (DATA / "batch/001_selfeval_yanchi_2024.txt").read_text(encoding="utf-8")
    p = tmp_path / "gbk.txt"
    p.write_bytes(src.encode("gb18030"))
    assert check([str(p)]).projects.iloc[0]["name"].startswith("其他医疗保障管理事务支出")


def test_render_as_displayed():
    assert render(0.9983, "0.00%") == "99.83%"
    assert render(1, "0%") == "100%"
    assert render(94.1, "0.00") == "94.10"
    assert render(15.0) == "15"
    assert render(0.1 + 0.2) == "0.3"


def test_xlsx_merged_cells_and_addresses(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目1"
    ws["A1"] = "项目名称"
    ws["C1"] = "测试项目"
    ws.merge_cells("C1:F1")
    ws["F12"] = 0.9983
    ws["F12"].number_format = "0.00%"
    p = tmp_path / "t.xlsx"
    wb.save(p)
    grids = read_excel(str(p))
    first = grids[0].rows[0]
    assert [c.text for c in first.cells[2:6]] == ["测试项目", "", "", ""]
    assert first.cells[2].loc == "项目1!C1"
    cell = grids[0].rows[-1].cells[5]
    assert (cell.text, cell.loc) == ("99.83%", "项目1!F12")


def test_corrupt_xlsx_is_unreadable():
    with pytest.raises(UnreadableInput):
        read_any(str(ROOT / "tests" / "fixtures" / "corrupt.xlsx"))


def test_unsupported_type_is_unreadable(tmp_path):
    p = tmp_path / "x.pages"
    p.write_bytes(b"PK\x03\x04")
    with pytest.raises(UnreadableInput, match=r"^不支持的文件类型 \.pages$"):
        read_any(str(p))


def test_csv_delimiters_and_multiline(tmp_path):
    for delim in (",", ";", "\t"):
        p = tmp_path / "t.csv"
        p.write_text(f'项目名称{delim}测试{delim}x\n"多行\n单元格"{delim}2{delim}3\n', encoding="utf-8-sig")
        rows = read_csv(str(p))[0].rows
        assert rows[0].texts[:2] == ["项目名称", "测试"]
        assert rows[1].texts[0] == "多行\n单元格" and rows[1].loc == "line 2"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_selfeval_checks_like_text(tmp_path, delimiter):
    """A whole form, whose rows differ in length (the sniffer gives up on those): the delimiter used
    most is taken."""
    import csv

    rows = read_text(str(DATA / "batch/001_selfeval_yanchi_2024.txt"))[0].rows
    p = tmp_path / "001.csv"
    with p.open("w", encoding="gb18030", newline="") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(r.texts for r in rows)
    a = check([str(DATA / "batch/001_selfeval_yanchi_2024.txt")]).findings
    b = check([str(p)]).findings
    key = lambda f: sorted(zip(f.rule, f.section, f.indicator, f.reported))  # noqa: E731
    assert key(a) == key(b) and len(a) > 0


def test_xlsx_bundle_reproduces_seed_cells():
    from scripts.make_sample_xlsx import split_tables

    _, tables = split_tables(read_text(str(DATA / "text/003_bundle_jinan.txt"))[0].rows)
    grids = read_excel(str(DATA / "batch/003_bundle.xlsx"))
    assert [g.name for g in grids] == ["项目清单"] + [f"项目{n}" for n in range(1, 15)]
    wb = openpyxl.load_workbook(DATA / "batch/003_bundle.xlsx")
    assert all(wb[f"项目{n}"].merged_cells.ranges for n in range(1, 15))
    for table, grid in zip(tables, grids[1:]):
        want = [[t for t in r.texts if t.strip()] for r in table]
        got = [[t for t in r.texts if t.strip()] for r in grid.rows]
        assert want == got


def test_xlsx_bundle_gives_the_same_findings_as_text():
    a = check([str(DATA / "text/003_bundle_jinan.txt")]).findings
    b = check([str(DATA / "batch/003_bundle.xlsx")]).findings
    key = lambda f: sorted(zip(f.rule, f.project, f.section, f.indicator, f.reported, f.expected))  # noqa: E731
    assert key(a) == key(b)
    loc = b[(b.rule == "IND.OVERSCORE") & (b.indicator == "移动终端台数")]["location"].iloc[0]
    assert loc == "项目4!H12"
