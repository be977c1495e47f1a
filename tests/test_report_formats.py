"""CSV (every file, Chinese, csv-files), JUnit totals, streamed JSON, text statuses, send-back."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checker.cli import app
from checker.engine import check
from reports import render
from reports.filenames import safe_name, unique_names
from reports.json_report import render_json, to_dict, write_json

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
CORRUPT = ROOT / "tests" / "fixtures" / "corrupt.xlsx"
ENGLISH = re.compile(r"\b(error|warning|info|selfeval|bundle|rubric|target|unrecognised|checked|unreadable|skipped)\b")
runner = CliRunner()


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mixed")
    notes = tmp / "会议纪要.txt"
    notes.write_text("会议纪要\n今天讨论了预算。\n", encoding="utf-8")
    return check([str(DATA), str(notes), str(CORRUPT)]), notes


def rows_of(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_lists_every_file_with_its_status(mixed):
    result, notes = mixed
    rows = rows_of(render(result, "csv"))
    assert rows[0] == ["文件", "项目", "部分", "指标", "位置", "规则", "类别", "级别", "填报值", "应为", "说明",
                       "文件状态", "指纹", "表格状态"]
    files = {r[0] for r in rows[1:]}
    assert files == {s.path for s in result.files}
    corrupt = next(r for r in rows if r[0] == str(CORRUPT))
    assert corrupt[11] == "无法读取" and corrupt[10].startswith("Excel 文件已损坏")
    passing = next(r for r in rows if r[0].endswith("002_rubric.docx"))
    assert passing[5] == "" and passing[11] == "已核查"
    assert next(r for r in rows if r[0] == str(notes))[11] == "未识别"
    over = next(r for r in rows if r[5] == "IND.OVERSCORE")
    assert over[7] == "错误" and re.fullmatch(r"[0-9a-f]{16}", over[12])


def test_csv_files_format(mixed):
    result, notes = mixed
    rows = rows_of(render(result, "csv-files"))
    assert rows[0] == ["文件", "状态", "类型", "表数", "错误", "警告", "提示", "SHA-256", "原因"]
    assert len(rows) == len(result.files) + 1
    bundle = next(r for r in rows if r[0].endswith("003_bundle.xlsx"))
    assert bundle[1:7] == ["已核查", "自评表汇编", "14", "18", "7", "2"]   # not paired with data/batch/paired/
    assert next(r for r in rows if r[0] == str(notes))[1:3] == ["未识别", "未识别"]


def test_no_english_left_in_the_chinese_csv(mixed):
    result, _ = mixed
    for fmt in ("csv", "csv-files"):
        text = render(result, fmt)
        cells = [c for r in rows_of(text)[1:] for n, c in enumerate(r) if n != 0]  # the path is the user's
        assert ENGLISH.findall(" ".join(cells)) == [], fmt


def test_junit_totals_on_the_root(mixed):
    result, notes = mixed
    root = ET.fromstring(render(result, "junit"))
    suites = root.findall("testsuite")
    for key in ("tests", "failures", "errors", "skipped"):
        assert int(root.get(key)) == sum(int(s.get(key)) for s in suites)
    assert root.get("errors") == "1"  # the corrupt workbook
    unrec = next(s for s in suites if s.get("name") == str(notes))
    assert unrec.find("testcase/failure").get("type") == "unrecognised"
    skipped = sum(s.status == "skipped" for s in result.files)   # the profiles beside the samples
    assert int(root.get("tests")) == len(result.projects) + 2 + skipped


def test_json_streams_the_same_bytes(mixed, tmp_path):
    result, _ = mixed
    text = render_json(result)
    assert json.loads(text) == json.loads(json.dumps(to_dict(result), ensure_ascii=False))
    with open(tmp_path / "r.json", "w", encoding="utf-8", newline="") as fh:
        write_json(result, fh)
    assert (tmp_path / "r.json").read_text(encoding="utf-8") == text
    # one record a line in every list (the figures list holds ~140 records a table)
    lines = text.splitlines()
    first = next(f for f in to_dict(result)["findings"])
    assert "    " + json.dumps(first, ensure_ascii=False, separators=(", ", ": ")) + "," in lines
    assert text.endswith("\n}\n")
    empty = check([str(CORRUPT)])
    assert json.loads(render_json(empty)) == json.loads(json.dumps(to_dict(empty), ensure_ascii=False))
    assert '"findings": []' in render_json(empty)


def test_text_names_every_status(mixed):
    result, notes = mixed
    text = render(result, "text")
    assert f"{notes}: 未识别（不是自评表、评分表或目标表）" in text
    assert f"{CORRUPT}: 无法读取: Excel 文件已损坏" in text


def test_safe_and_unique_file_names():
    assert safe_name("a/b\\c:d*e?f") == "a_b_c_d_e_f"
    assert safe_name("=cmd|' /C calc'!A0") == "cmd_C_calc_A0"
    assert safe_name("..") == "未命名" and safe_name("CON") == "CON_"
    assert unique_names(["机关党建经费", "机关党建经费", "Ab", "ab"]) == \
        ["机关党建经费", "机关党建经费-2", "Ab", "ab-2"]
    assert len(safe_name("很" * 200)) == 60


def test_split_by_project_writes_mailable_reports_and_an_index(tmp_path):
    out = tmp_path / "send"
    res = runner.invoke(app, ["check", str(DATA / "batch/003_bundle.xlsx"), str(DATA / "text/003_bundle_jinan.txt"),
                              "--split-by", "project", str(out), "--fail-on", "never"])
    assert res.exit_code == 0 and "已写出 28 份退回报告" in res.stderr
    pages = sorted(p.name for p in out.glob("*.html"))
    assert "index.html" in pages and len(pages) == 29
    # a name that repeats carries its file (#19), not a bare -2
    assert "机关党建经费（003_bundle）.html" in pages and "机关党建经费（003_bundle_jinan）.html" in pages
    one = (out / "医保智能审核移动终端经费（003_bundle）.html").read_text(encoding="utf-8")
    assert one.count('<details class="project"') == 1 and "自评得分虚高" in one
    books = sorted(p.name for p in out.glob("*.xlsx"))
    assert "医保智能审核移动终端经费（003_bundle）.核查.xlsx" in books
    import openpyxl
    wb = openpyxl.load_workbook(out / "医保智能审核移动终端经费（003_bundle）.核查.xlsx")
    assert wb.sheetnames == ["核查结果", "项目4"]   # only that table's sheet
    projects = {r[3].value for r in wb["核查结果"].iter_rows(min_row=2)}
    assert projects == {"医保智能审核移动终端经费"}  # only that table's findings
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count('">机关党建经费（003_bundle') >= 2 and '">医保智能审核移动终端经费（003_bundle）.核查.xlsx</a>' in index
    assert "Content-Security-Policy" in index


def test_split_by_department(tmp_path):
    out = tmp_path / "dept"
    res = runner.invoke(app, ["check", str(DATA / "batch/003_bundle.xlsx"), "--split-by", "department", str(out)])
    assert res.exit_code == 1
    assert sorted(p.name for p in out.iterdir()) == [
        ".jixiao-outputs.json", "index.html", "六安市金安区医疗保障局.html", "六安市金安区医疗保障局.核查.xlsx",
        "六安市金安区财政局.html", "六安市金安区财政局.核查.xlsx"]
    page = (out / "六安市金安区财政局.html").read_text(encoding="utf-8")
    assert page.count('<details class="project"') == 4
