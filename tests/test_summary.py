"""The season's picture: the department summary (HTML section, --format summary-csv) and --statistics."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from checker.engine import check
from reports.html import render_html
from reports.summary import departments, grade_of, render_summary_csv, statistics

ROOT = Path(__file__).resolve().parents[1]
BATCH = ROOT / "data" / "batch"


@pytest.fixture(scope="module")
def result():
    return check([str(BATCH)])


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "checker", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


def test_grade_bands():
    assert [grade_of(x) for x in (100, 90, 89.99, 80, 79.5, 60, 59.99, 0)] == ["优", "优", "良", "良", "中", "中", "差", "差"]
    assert grade_of(float("nan")) == ""


def test_departments_of_the_sample_batch(result):
    rows = {d["department"]: d for d in departments(result)}
    assert set(rows) == {"六安市金安区医疗保障局", "六安市金安区财政局", "霍山县数据资源管理局", "盐池县医疗保障局",
                         "（未注明主管部门）"}
    ybj = rows["六安市金安区医疗保障局"]
    assert ybj["codes"] == ["202", "262"]     # one department, the two codes its forms give merged
    assert (ybj["tables"], ybj["pass"], ybj["fail"], ybj["doubt"]) == (12, 5, 7, 0)
    assert (round(ybj["reported"], 2), round(ybj["recomputed"], 2), ybj["over"], ybj["rank"]) == (1034.33, 1033.27, 1.06, 1)
    assert ybj["stated"] == Counter({"优": 8, "良": 2, "中": 1}) and ybj["scored"] == 11
    assert ybj["top_rules"][0] == ("XREF.COST_SUM", 3)
    czj = rows["六安市金安区财政局"]
    assert (czj["tables"], czj["over"], czj["rank"]) == (4, -0.66, 5)
    hs = rows["霍山县数据资源管理局"]
    assert (hs["tables"], hs["scored"], hs["pass"]) == (5, 0, 5)          # target tables: no 总分 to compare
    assert [d["rank"] for d in departments(result)] == [1, 2, 3, 4, 5]


def test_summary_csv(result):
    text = render_summary_csv(result)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    head = rows[0]
    assert head[:11] == ["主管部门", "部门编码", "表数", "通过", "不通过", "需人工核对", "填报总分合计", "重算总分合计",
                         "虚高分（填报−重算）", "每表平均虚高", "虚高排名"]
    first = dict(zip(head, rows[1]))
    assert (first["主管部门"], first["部门编码"], first["表数"], first["不通过"], first["虚高分（填报−重算）"],
            first["虚高排名"], first["优（填报）"], first["中（重算）"]) == (
        "六安市金安区医疗保障局", "202 262", "12", "7", "1.06", "1", "8", "1")
    assert first["最常见问题"].startswith("XREF.COST_SUM×3、")


def test_summary_csv_from_the_cli(tmp_path):
    out = tmp_path / "s.csv"
    p = _cli("check", BATCH, "--format", "summary-csv", "-o", out, "-q", "--fail-on", "never")
    assert p.returncode == 0, p.stderr
    assert out.read_text(encoding="utf-8-sig").splitlines()[1].startswith("六安市金安区医疗保障局,202 262,12,5,7,0,")


def test_statistics(result):
    lines = statistics(result).splitlines()
    counts = Counter(result.findings["rule"])
    top_rule, top_n = counts.most_common(1)[0]
    assert re.fullmatch(rf"\s*{top_n}\t{re.escape(top_rule)}\s*\t(错误|警告|提示)\t.+", lines[0])
    assert lines[-1] == f"共 {sum(counts.values())} 个问题，{len(counts)} 条规则"
    numbers = [int(line.split("\t")[0]) for line in lines[:-1]]
    assert numbers == sorted(numbers, reverse=True) and len(numbers) == len(counts)


def test_statistics_on_the_terminal(tmp_path):
    p = _cli("check", BATCH, "--statistics", "-q", "--fail-on", "never", "-f", "json", "-o", tmp_path / "r.json")
    assert p.returncode == 0
    assert re.search(r"^10\tTARGET\.NOT_MEASURABLE\s*\t警告\t指标值不可衡量$", p.stdout, re.M)
    p = _cli("check", BATCH, "--statistics", "-q", "--fail-on", "never", "-f", "json")
    assert p.stdout.lstrip().startswith("{") and "TARGET.NOT_MEASURABLE" in p.stderr   # stdout keeps the JSON whole


def test_html_summary_section(result):
    html = render_html(result)
    section = re.search(r'<section class="dept-summary" id="summary">.*?</section>', html, re.S).group(0)
    assert "各主管部门汇总" in section
    rows = re.findall(r'<tr class="dept-row" data-dept-name="([^"]+)">', section)
    assert rows[0] == "六安市金安区医疗保障局" and len(rows) == 5
    assert '<td class="num over sev-error">+1.06</td>' in section
    assert '<td class="grades-stated">优8 良2 中1</td>' in section
    assert section.count('<svg class="chart chart-over"') == 1 and section.count('<svg class="chart chart-grades"') == 1
    assert section.count('class="bar-over"') == 5
    assert "<script" not in section
