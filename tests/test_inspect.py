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
