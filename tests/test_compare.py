"""Resubmissions: fingerprints that survive a renamed file and moved rows, --compare in every
format, and a gate that can fail on new findings only."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checker.cli import app
from checker.engine import check
from checker.fingerprint import base_fingerprint, fingerprint_records, value_class

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "text" / "003_bundle_jinan.txt"
runner = CliRunner()


def resubmission(tmp: Path) -> Path:
    """Seed 003 sent back as v2: one over-score fixed (移动终端台数 得分 3 → 2.33, its 总分 with it),
    one new error (机关党建经费 总分 100 → 99), a blank line moving every later row, a new name."""
    lines = SEED.read_text(encoding="utf-8").split("\n")
    assert lines[102].startswith("\t\t\t移动终端台数\t≥15台\t7\t5\t3\t")
    lines[102] = lines[102].replace("\t7\t5\t3\t", "\t7\t5\t2.33\t")
    assert lines[114] == "总分\t\t\t\t\t\t100\t86\t" and lines[135] == "总分\t\t\t\t\t\t100\t100\t"
    lines[114] = "总分\t\t\t\t\t\t100\t85.33\t"
    lines[135] = "总分\t\t\t\t\t\t100\t99\t"
    lines.insert(90, "")
    v2 = tmp / "v2.txt"
    v2.write_text("\n".join(lines), encoding="utf-8")
    return v2


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("compare")
    old = tmp / "old.json"
    assert runner.invoke(app, ["check", str(SEED), "--format", "json", "-o", str(old)]).exit_code == 1
    return tmp, old, resubmission(tmp)


def compare(runs, *args):
    tmp, old, v2 = runs
    return runner.invoke(app, ["check", str(v2), "--compare", str(old), *map(str, args)])


def test_value_class_and_fingerprint_ignore_where():
    assert [value_class(v) for v in ("", "3", "2.33", "≥15台", "99.8%", "0.46、5000", "空/空")] == \
        ["empty", "number", "number", "number", "percent", "text", "text"]
    a = base_fingerprint("IND.OVERSCORE", "医保智能审核移动终端经费", "数量指标", "移动终端台数", "3")
    assert a == base_fingerprint("IND.OVERSCORE", "医保智能审核 移动终端经费", "数量指标", "移动终端台数", "2.5")
    assert a != base_fingerprint("IND.UNDERSCORE", "医保智能审核移动终端经费", "数量指标", "移动终端台数", "3")


def test_findings_carry_unique_fingerprints_that_old_reports_can_recompute():
    f = check([str(SEED)]).findings
    assert f["fingerprint"].is_unique and f["fingerprint"].str.fullmatch(r"[0-9a-f]{16}(-\d+)?").all()
    records = f.drop(columns="fingerprint").to_dict("records")
    assert fingerprint_records(records) == f["fingerprint"].tolist()


def test_one_fixed_one_new_the_rest_persisting_in_json(runs):
    res = compare(runs, "--format", "json")
    assert res.exit_code == 1
    doc = json.loads(res.stdout)
    states = [f["baseline"] for f in doc["findings"]]
    old = json.loads(runs[1].read_text(encoding="utf-8"))
    assert states.count("new") == 1 and states.count("persisting") == len(old["findings"]) - 1
    new = next(f for f in doc["findings"] if f["baseline"] == "new")
    assert (new["rule"], new["project"], new["reported"]) == ("SUM.TOTAL_SCORE", "机关党建经费", "99")
    assert [(f["rule"], f["project"], f["indicator"], f["baseline"]) for f in doc["fixed"]] == \
        [("IND.OVERSCORE", "医保智能审核移动终端经费", "移动终端台数", "fixed")]
    s = doc["summary"]
    assert (s["new"], s["fixed"], s["persisting"]) == (1, 1, len(old["findings"]) - 1)
    assert s["baseline"] == str(runs[1]) and s["passed"] is False


def test_fail_on_new_gate(runs):
    assert compare(runs, "--fail-on-new").exit_code == 1          # the new 总分 error fails it
    tmp, old, _ = runs
    same = runner.invoke(app, ["check", str(SEED), "--compare", str(old), "--fail-on-new", "--format", "json"])
    assert same.exit_code == 0 and json.loads(same.stdout)["summary"]["passed"] is True
    assert runner.invoke(app, ["check", str(SEED), "--compare", str(old)]).exit_code == 1  # all findings count
    assert runner.invoke(app, ["check", str(SEED), "--fail-on-new"]).exit_code == 2
    bad = tmp / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    res = runner.invoke(app, ["check", str(SEED), "--compare", str(bad)])
    assert res.exit_code == 2 and "比对基准不是 jixiao 的 JSON 报告" in res.stderr


def test_text_marks_each_line_and_lists_the_fixed(runs):
    out = compare(runs).stdout.splitlines()
    assert sum(line.endswith("[新增]") for line in out) == 1
    assert sum(line.endswith("[遗留]") for line in out) == 26
    assert [line for line in out if line.startswith("已修正: ")] == [
        f"已修正: {SEED}: IND.OVERSCORE 医保智能审核移动终端经费 / 移动终端台数: "
        "得分 3 高于按公式计算的 2.33（正向: 5 × min(B/A, 1) = 5 × 7/15 = 2.3333；"
        "指标值 ≥15台，实际值 7），自评得分虚高"]
    assert out[-1].endswith("与上次相比：新增 1，遗留 26，已修正 1，改动数字 3 处")


def test_csv_html_sarif_junit_carry_the_comparison(runs):
    tmp = runs[0]
    res = compare(runs, "--format", "csv", "-o", tmp / "c.csv")
    rows = list(csv.reader((tmp / "c.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][-1] == "比对"
    assert [r[-1] for r in rows[1:]].count("新增") == 1 and [r[-1] for r in rows[1:]].count("已修正") == 1

    compare(runs, "--format", "html", "-o", tmp / "c.html")
    page = (tmp / "c.html").read_text(encoding="utf-8")
    assert page.count('data-state="new"') == 1 and page.count('data-state="persisting"') == 26
    assert page.count('<tr class="fixed-finding">') == 1 and "已修正的问题" in page

    res = compare(runs, "--format", "sarif")
    results = json.loads(res.stdout)["runs"][0]["results"]
    assert [r["baselineState"] for r in results].count("new") == 1
    assert [r["baselineState"] for r in results].count("unchanged") == 26
    absent = [r for r in results if r["baselineState"] == "absent"]
    assert len(absent) == 1 and absent[0]["ruleId"] == "IND.OVERSCORE" and absent[0]["kind"] == "pass"

    res = compare(runs, "--format", "junit", "--fail-on-new")
    root = ET.fromstring(res.stdout)
    assert root.get("failures") == "1"  # only the table with a new finding fails
    failed = [c for c in root.iter("testcase") if c.find("failure") is not None]
    assert [c.get("name") for c in failed] == ["机关党建经费"] and "[新增]" in failed[0].find("failure").text
    assert "已修正: IND.OVERSCORE 医保智能审核移动终端经费" in root.find("testsuite/system-out").text


# ---------------------------------------------------------------- figures changed between rounds


def test_json_keeps_every_figure_read_with_its_cell(runs):
    tmp, old, _ = runs
    doc = json.loads(old.read_text(encoding="utf-8"))
    figs = {(f["project"], f["indicator"], f["field"]): f for f in doc["figures"]}
    assert figs[("医保智能审核移动终端经费", "移动终端台数", "A")]["value"] == "≥15台"
    assert figs[("医保智能审核移动终端经费", "移动终端台数", "B")]["value"] == "7"
    assert figs[("医保智能审核移动终端经费", "移动终端台数", "score")] == {
        "file": str(SEED), "project": "医保智能审核移动终端经费", "section": "数量指标", "indicator": "移动终端台数",
        "field": "score", "value": "3", "location": "line 103 col 8"}
    assert figs[("机关党建经费", "总分", "total")]["value"] == "100"
    spent = [f for f in doc["figures"] if f["project"] == "机关党建经费" and f["section"] == "资金" and f["field"] == "spent"]
    assert spent and spent[0]["location"].startswith("line ")


def test_compare_lists_the_figures_changed_in_every_format(runs):
    tmp = runs[0]
    out = compare(runs).stdout.splitlines()
    changed = [line for line in out if line.startswith("改动: ")]
    v2 = runs[2]
    assert changed == [
        f"改动: {v2}:line 104 col 8 医保智能审核移动终端经费 / 移动终端台数 得分 3 → 2.33",
        f"改动: {v2}:line 116 col 8 医保智能审核移动终端经费 / 总分 总分 86 → 85.33",
        f"改动: {v2}:line 137 col 8 机关党建经费 / 总分 总分 100 → 99"]

    doc = json.loads(compare(runs, "--format", "json").stdout)
    assert doc["summary"]["changed_figures"] == 3
    first = doc["changed_figures"][0]
    assert (first["field"], first["label"], first["old"], first["new"], first["location"], first["old_location"]) == \
        ("score", "得分", "3", "2.33", "line 104 col 8", "line 103 col 8")

    compare(runs, "--format", "html", "-o", tmp / "fig.html")
    page = (tmp / "fig.html").read_text(encoding="utf-8")
    assert page.count('<tr class="changed-figure">') == 3 and "改动的数字" in page
    assert '<td>得分</td><td class="loc">line 104 col 8</td><td class="val">3</td><td class="val">2.33</td>' in page


def test_figures_match_across_a_renamed_file_and_not_across_projects():
    from checker.compare import figure_changes

    base = [{"file": "r1/a.xlsx", "project": "甲", "section": "数量指标", "indicator": "次数", "field": "score",
             "value": "15", "location": "项目5!F11"},
            {"file": "r1/a.xlsx", "project": "乙", "section": "数量指标", "indicator": "次数", "field": "score",
             "value": "4", "location": "项目6!F11"}]
    now = [dict(base[0], file="r2/v2.xlsx", value="6"), dict(base[1], file="r2/v2.xlsx", value="4.0")]
    ch = figure_changes(now, base)
    assert [(c["project"], c["old"], c["new"], c["location"]) for c in ch] == [("甲", "15", "6", "项目5!F11")]
    assert figure_changes(now, [dict(base[0], project="丙")]) == []


def test_a_baseline_without_figures_compares_findings_only(runs):
    tmp, old, _ = runs
    doc = json.loads(old.read_text(encoding="utf-8"))
    del doc["figures"]
    older = tmp / "older.json"
    older.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    res = runner.invoke(app, ["check", str(runs[2]), "--compare", str(older)])
    assert not any(line.startswith("改动: ") for line in res.stdout.splitlines())
    assert res.stdout.splitlines()[-1].endswith("已修正 1")
