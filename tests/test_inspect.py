"""``jixiao inspect``: the column map and the model a form became."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from checker.cli import app
from tests.formkit import Form, write

runner = CliRunner()
ROWS = [
    {"l1": "产出指标", "l2": "数量指标", "name": "学生受资助人数", "op": "≧", "target": "735", "unit": "人次",
     "actual": "735", "weight": "50", "score": "50"},
    {"l1": "满意度指标", "l2": "服务对象满意度指标", "name": "学生满意度", "op": "≥", "target": "95", "unit": "%",
     "actual": "100%", "weight": "50", "score": "50"},
]


def two_row_form(tmp_path, suffix=".txt"):
    form = Form(columns=["l1", "l2", "name", "op", "target", "unit", "actual", "weight", "score"],
                groups={"年度指标值": ["op", "target", "unit"]}, headers={"target": "指标值"}, rows=ROWS,
                total={"weight": "100", "score": "100"})
    return write(form.grid(), tmp_path / f"two_rows{suffix}")


def test_json_shows_the_merged_target_and_the_column_map(tmp_path):
    res = runner.invoke(app, ["inspect", str(two_row_form(tmp_path, ".xlsx")), "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    table = data["tables"][0]
    assert [(c["field"], c["header"]) for c in table["columns"]][3:6] == [
        ("op", "年度指标值/指标性质"), ("target", "指标值"), ("unit", "度量单位")]
    first = table["indicators"][0]
    assert (first["name"], first["target"], first["actual"], first["weight"], first["score"]) == (
        "学生受资助人数", "≥735人次", "735", 50, 50)
    assert first["loc_target"] == "自评表!F12"   # the 指标值 cell, under the second header row
    assert table["indicators"][1]["target"] == "≥95%"


def test_text_table_in_the_terminal(tmp_path):
    res = runner.invoke(app, ["inspect", str(two_row_form(tmp_path))])
    assert res.exit_code == 0, res.output
    assert "指标性质 (op)" in res.stdout and "≥735人次" in res.stdout and "学生受资助人数" in res.stdout


def test_unreadable_file_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"not a zip")
    res = runner.invoke(app, ["inspect", str(bad)])
    assert res.exit_code == 2


def test_inspect_names_the_form_kind_its_evidence_and_the_runner_up():
    """`inspect` says which description was chosen and on what evidence; an unrecognised file says what
    was looked for and not found (checker/forms)."""
    from pathlib import Path

    from checker.inspect import form_lines, inspect_file

    data = inspect_file(str(Path(__file__).resolve().parents[1] / "data" / "batch" / "004_targets_huoshan.txt"))
    assert data["form"]["chosen"] == "project_target"
    assert "indicator_target" in data["form"]["best"]["found"]
    lines = form_lines(data["form"])
    assert lines[0].startswith("表式: 项目支出绩效目标表") and "依据:" in lines[0] and "indicator_target" in lines[0]
    assert lines[1] == "次选: 项目支出绩效自评表（证据 1 分，门槛 5）"   # not a child with the same evidence


def test_inspect_of_an_unrecognised_file_says_what_it_did_not_find(tmp_path):
    from checker.inspect import form_lines, inspect_file

    p = tmp_path / "memo.txt"
    p.write_text("会议纪要\n今天讨论了工作安排。\n", encoding="utf-8")
    data = inspect_file(str(p))
    assert data["kind"] == "unrecognised" and data["form"]["chosen"] == ""
    line = form_lines(data["form"])[0]
    assert line.startswith("表式: 未识别") and "未找到:" in line
