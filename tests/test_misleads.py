"""Issue #19, "What misleads today": each point, tested on the output a reviewer reads."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest

from checker.engine import check
from checker.gate import DOUBT_RULES, table_status, table_statuses
from reports import render
from reports.html import render_html
from tests.casekit import build_form

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
BUNDLE = DATA / "batch" / "003_bundle.xlsx"
REVIEW_HEADER = "绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 全年实际值 | 分值 | 得分 | | 偏差原因分析及改进措施"


def _cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "checker", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "COLUMNS": "200"})


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S)))


# --- every per-table status in every format comes from checker/gate.py ---------------------------


@pytest.fixture(scope="module")
def resubmitted(tmp_path_factory):
    """The bundle checked twice, the second time against the first with --fail-on-new: nothing new."""
    tmp = tmp_path_factory.mktemp("resub")
    base = tmp / "round1.json"
    assert _cli("check", BUNDLE, "-f", "json", "-o", base, "-q").returncode == 1
    out = {}
    for fmt in ("html", "junit", "json", "sarif", "csv", "text"):
        p = _cli("check", BUNDLE, "--compare", base, "--fail-on-new", "-f", fmt, "-o", tmp / f"r.{fmt}", "-q")
        assert p.returncode == 0, (fmt, p.stderr)
        out[fmt] = (tmp / f"r.{fmt}").read_text(encoding="utf-8-sig")
    return out


def test_fail_on_new_every_format_agrees_with_the_exit_code(resubmitted):
    html = resubmitted["html"]
    assert 'data-state="fail"' not in html and "gate-pass" in html
    assert ET.fromstring(resubmitted["junit"]).get("failures") == "0"
    doc = json.loads(resubmitted["json"])
    assert doc["summary"]["tables"] == {"fail": 0, "doubt": 0, "pass": 14}
    assert {p["status"] for p in doc["projects"]} == {"pass"}
    sarif = json.loads(resubmitted["sarif"])["runs"][0]["properties"]
    assert sarif["tableCounts"]["fail"] == 0 and len(sarif["tables"]) == 14
    rows = list(csv.reader(io.StringIO(resubmitted["csv"])))
    col = rows[0].index("表格状态")
    assert {r[col] for r in rows[1:] if r[col]} == {"通过"}
    assert "（不通过 0，需人工核对 0，通过 14）" in resubmitted["text"]


def test_without_fail_on_new_the_same_tables_fail_everywhere(tmp_path):
    r = check([str(BUNDLE)])
    status = table_statuses(r)
    failing = sorted(pid for pid, s in status.items() if s == "fail")
    assert len(failing) == 9
    html = render_html(r)
    assert html.count('class="project" id="p-') == 14 and html.count('data-state="fail"') == 9
    assert ET.fromstring(render(r, "junit")).get("failures") == "9"
    assert json.loads(render(r, "json"))["summary"]["tables"]["fail"] == 9


def _with_doubt(result, pid: str):
    """The result with a PARSE.LAYOUT_DOUBT finding (the rule another change adds) on one table."""
    row = result.findings.iloc[0].copy()
    project = result.projects.set_index("project_id").loc[pid]
    row.update({"rule": "PARSE.LAYOUT_DOUBT", "family": "PARSE", "severity": "warning", "project_id": pid,
                "project": project["name"], "file": project["file"], "section": "", "indicator": "", "location": "",
                "message": "版式存疑", "message_en": "layout in doubt", "fingerprint": "0" * 16})
    result.findings = pd.concat([result.findings, row.to_frame().T], ignore_index=True)
    return result


def test_doubt_is_a_third_status_shown_in_every_format():
    assert "PARSE.LAYOUT_DOUBT" in DOUBT_RULES
    assert table_status(["warning"], ["PARSE.LAYOUT_DOUBT"], "error") == "doubt"
    assert table_status(["error", "warning"], ["IND.OVERSCORE", "PARSE.LAYOUT_DOUBT"], "error") == "fail"
    assert table_status(["warning"], ["IND.NO_REASON"], "error") == "pass"
    r = check([str(DATA / "batch" / "paired")])
    pid = r.projects.loc[r.projects["kind"] == "target", "project_id"].iloc[0]
    assert table_statuses(r)[pid] == "pass"
    r = _with_doubt(r, pid)
    assert table_statuses(r)[pid] == "doubt"
    html = render_html(r)
    assert f'id="p-{pid}" data-file="f1" data-dept="d0" data-state="doubt"' in html
    assert '<span class="badge doubt">需人工核对</span>' in html
    assert json.loads(render(r, "json"))["summary"]["tables"]["doubt"] == 1
    assert json.loads(render(r, "sarif"))["runs"][0]["properties"]["tableCounts"]["doubt"] == 1
    case = next(c for c in ET.fromstring(render(r, "junit")).iter("testcase")
                if c.find("properties/property[@value='doubt']") is not None)
    assert case.find("failure") is None and "需人工核对" in case.find("system-out").text
    rows = list(csv.reader(io.StringIO(render(r, "csv")[1:])))
    assert "需人工核对" in [row[rows[0].index("表格状态")] for row in rows[1:]]
    assert "需人工核对 1" in render(r, "text")


# --- 复核 is the reviewer's: jixiao's recomputation is 重算 ---------------------------------------


def test_recomputation_called_重算_and_the_forms_own_复核分_shown(tmp_path):
    form = tmp_path / "review.txt"
    form.write_text(build_form({"ind_header": REVIEW_HEADER, "sub_header": [" | | | | | | | 自评分 | 复核分 |"],
                                "indicators": ["产出指标(50分) | 数量指标 | 人数 | ≥93人 | 93 | 50 | 50 | 45 |"],
                                "after": ["总分 | | | | | | 60 | 60 | 55"], "incomplete": True}), encoding="utf-8")
    html = render_html(check([str(form)]))
    text = _text(html)
    assert "复核得分" not in text and "重算得分" in text and "重算总分" in text
    head = re.search(r'<table class="indicators"><thead><tr>(.*?)</tr>', html).group(1)
    assert re.findall(r"<th>([^<]+)</th>", head)[3:9] == ["指标值(A)", "实际值(B)", "分值", "得分", "复核分", "重算得分"]
    assert re.search(r'<td class="num review[^"]*"[^>]*>45</td>', html)
    assert '复核总分: <b class="review-total">55</b>' in html


def test_a_form_without_weights_and_scores_keeps_B_and_prints_no_recomputed_total(tmp_path):
    form = tmp_path / "noscore.txt"
    form.write_text(build_form({
        "ind_header": "绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 全年实际值 | 偏差原因分析及改进措施",
        "indicators": ["产出指标 | 数量指标 | 人数 | ≥93人 | 95 |", "效益指标 | 社会效益指标 | 覆盖率 | ≥90% | 92% |"],
        "incomplete": True}), encoding="utf-8")
    r = check([str(form)])
    assert set(r.indicators["name"]) >= {"人数", "覆盖率"}
    html = render_html(r)
    head = re.search(r'<table class="indicators"><thead><tr>(.*?)</tr>', html).group(1)
    assert "实际值(B)" in head and "分值" not in head
    assert '<td class="actual">95</td>' in html
    assert "重算总分" not in _text(html.split('<details class="project"', 1)[1])


def test_fund_lines_shown_under_the_forms_own_label(tmp_path):
    form = tmp_path / "levels.txt"
    form.write_text(build_form({"funds": [" | | 年度资金总额 | 10 | 10 | 10 | 10 | 100% | 10",
                                          " | | 其中：中央补助 | 6 | 6 | 6 | — | |",
                                          " | | 县级配套 | 4 | 4 | 4 | — | |"],
                                "indicators": ["产出指标(90分) | 数量指标 | 人数 | ≥93人 | 93 | 90 | 90 |"]}),
                    encoding="utf-8")
    r = check([str(form)])
    assert {"central", "county"} <= set(r.funds["line"])
    funds = re.search(r'<table class="funds">.*?</table>', render_html(r), re.S).group(0)
    assert "中央补助" in funds and "县级配套" in funds
    assert not re.search(r">(central|county|provincial)<", funds)


def test_profile_name_and_inspect_have_no_english_or_none():
    assert "评分口径: 默认" in _text(render_html(check([str(DATA / "batch" / "paired")])))
    p = _cli("inspect", DATA / "batch" / "004_targets_huoshan.txt")
    assert p.returncode == 0 and "None" not in p.stdout and "总分: 分值 —  得分 —" in p.stdout


# --- English in Chinese output --------------------------------------------------------------------


def test_locations_in_chinese():
    p = _cli("check", DATA / "text" / "003_bundle_jinan.txt", "-q")
    lines = p.stdout.splitlines()
    assert any(":第103行第8列: IND.OVERSCORE" in line for line in lines)
    assert not any(re.search(r":line \d+", line) for line in lines)
    r = check([str(DATA / "text" / "003_bundle_jinan.txt")])
    assert "第103行第8列" in render_html(r) and ">line 103" not in render_html(r)
    rows = list(csv.reader(io.StringIO(render(r, "csv")[1:])))
    assert "第103行第8列" in [row[4] for row in rows]
    assert json.loads(render(r, "json"))["findings"][0]["location"].startswith("line ")   # machines keep the raw form
    en = check([str(DATA / "text" / "003_bundle_jinan.txt")], lang="en")
    assert "line 103 col 8" in render(en, "text")


def test_rule_examples_have_no_english_titles_in_chinese():
    p = _cli("rules", "FUND.RATE_MISMATCH")
    assert "stated rate does not match" not in p.stdout
    assert "反例（报出）:\n    项目资金(万元)" in p.stdout and "98.00%" in p.stdout
    en = _cli("rules", "FUND.RATE_MISMATCH", "--lang", "en")
    assert "stated rate does not match spent / budget" in en.stdout


def test_typer_messages_in_chinese():
    p = _cli("check")
    assert p.returncode == 2 and "缺少参数 'paths'" in p.stderr and "Missing argument" not in p.stderr
    assert "用法:" in p.stderr and "查看帮助" in p.stderr
    p = _cli("check", "--help")
    assert "显示本帮助并退出" in p.stdout and "Show this message" not in p.stdout
    p = _cli("check", "x", "--format", "bogus")
    assert "的取值无效" in p.stderr and "Invalid value" not in p.stderr


# --- a folder's README and profiles do not fail the gate --------------------------------------------


def test_readme_and_profile_in_a_folder_are_skipped_harmlessly(tmp_path):
    folder = tmp_path / "season"
    folder.mkdir()
    (folder / "form.txt").write_text((DATA / "batch" / "paired" / "2023_target_医保智能审核.txt").read_text(
        encoding="utf-8"), encoding="utf-8")
    (folder / "README.md").write_text("# 本季度报送材料\n说明文字。\n", encoding="utf-8")
    (folder / "national.yaml").write_text((DATA / "profiles" / "national.yaml").read_text(encoding="utf-8"),
                                          encoding="utf-8")
    p = _cli("check", folder, "--fail-on", "never", "-f", "json", "-q")
    assert p.returncode == 0, p.stderr
    files = {Path(f["path"]).name: f["status"] for f in json.loads(p.stdout)["files"]}
    assert files == {"form.txt": "checked", "README.md": "skipped", "national.yaml": "skipped"}
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    assert _cli("check", folder, "--fail-on", "never", "-q").returncode == 2   # a form that cannot be read still fails


# --- profiles -----------------------------------------------------------------------------------


def test_unknown_profile_key_is_exit_2_naming_it(tmp_path):
    prof = tmp_path / "p.yaml"
    prof.write_text("name: mine\nunit_mismach_ratio: 500\n", encoding="utf-8")
    p = _cli("check", DATA / "batch" / "paired", "--profile", prof)
    assert p.returncode == 2 and p.stdout == ""
    assert "未知的键: unit_mismach_ratio（是否指 unit_mismatch_ratio？）" in p.stderr


def test_messages_built_from_the_profiles_values(tmp_path):
    from checker.profile import load_profile

    prof = tmp_path / "p.yaml"
    prof.write_text("name: strict\ngrades: {优: 95, 良: 85, 中: 70, 差: 0}\nunit_mismatch_ratio: 500\n", encoding="utf-8")
    rubric = tmp_path / "rubric.txt"
    rubric.write_text(build_form({"form": """测试项目绩效评价评分表
一级指标 | 二级指标 | 三级指标 | 分值 | 评分要点 | 评分标准 | 评分说明 | 得分
决策 | 绩效目标（100分） | 绩效目标合理性 | 100 | 是否设立 | 酌情计分 | 扣14分。 | 86
合计 | 100 | | | | 86
评价等级：优"""}), encoding="utf-8")
    form = tmp_path / "g.txt"
    form.write_text(build_form({"indicators": ["产出指标(90分) | 数量指标 | 人数 | ≥93人 | 93 | 90 | 90 |",
                                               "效益指标(0分) | 成本 | 费用 | ≤2万元 | 5000 | 0 | 0 |"]}),
                    encoding="utf-8")
    r = check([str(rubric), str(form)], profile=load_profile(str(prof)))
    grade = r.findings[r.findings["rule"] == "SUM.GRADE"]
    assert len(grade) == 1 and "（优≥95，良85-94，中70-84，差<70）" in grade["message"].iloc[0]
    unit = r.findings[r.findings["rule"] == "XREF.UNIT_MISMATCH"]
    assert len(unit) == 1 and "相差逾 500 倍" in unit["message"].iloc[0]


# --- split reports --------------------------------------------------------------------------------


def test_split_names_carry_the_file_and_workbooks_hold_one_sheet(tmp_path):
    import openpyxl

    out = tmp_path / "split"
    p = _cli("check", DATA / "batch", "--split-by", "project", out, "-q", "--fail-on", "never")
    assert p.returncode == 0, p.stderr
    names = sorted(x.name for x in out.iterdir())
    assert "医保智能审核移动终端经费（003_bundle）.html" in names
    assert "医保智能审核移动终端经费（2023_selfeval_医保智能审核）.html" in names
    assert not any(n.startswith("医保智能审核移动终端经费-") for n in names)
    assert openpyxl.load_workbook(out / "机关党建经费.核查.xlsx").sheetnames == ["核查结果", "项目5"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'class="filters split-filters' in index and '<select name="dept">' in index
    assert '<option value="六安市金安区医疗保障局">' in index


def test_department_filter_merges_one_departments_codes():
    html = render_html(check([str(BUNDLE)]))
    options = re.findall(r'<option value="(d\d+)">([^<]*)</option>', html)
    assert ("d0", "六安市金安区医疗保障局（262、202）") in options
    assert len([o for o in options if "医疗保障局" in o[1]]) == 1


# --- JUnit, print layout, README -------------------------------------------------------------------


def test_junit_failure_message_is_a_one_line_summary():
    root = ET.fromstring(render(check([str(BUNDLE)]), "junit"))
    messages = [f.get("message") for f in root.iter("failure")]
    assert messages and all("\n" not in m and not m.isdigit() for m in messages)
    assert any(re.fullmatch(r"[A-Z]+\.[A-Z_]+ .+（另有 \d+ 个问题）", m) for m in messages)


def test_css_keeps_header_cells_and_numbers_whole():
    css = (ROOT / "reports" / "templates" / "report.css").read_text(encoding="utf-8")
    rule = re.search(r"^th, td \{[^}]*\}", css, re.M).group(0)
    assert "overflow-wrap: anywhere" not in rule
    assert re.search(r"^th \{[^}]*word-break: keep-all", css, re.M)


def test_readme_layout_block_is_closed():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.count("\n```") % 2 == 0
    layout = readme.split("## Layout", 1)[1].split("## Adding a rule", 1)[0]
    assert layout.count("```") == 2


def test_split_index_lists_reports_in_natural_order(tmp_path):
    folder = tmp_path / "forms"
    folder.mkdir()
    for n in (10, 2, 1):
        header = ["测试县部门项目支出绩效自评表", "(2024年度)", f"项目名称 | | 项目{n}",
                  "主管部门 | | 262-测试县医疗保障局 | 实施单位 | 测试县医保中心"]
        (folder / f"f{n}.txt").write_text(build_form({"header": header, "indicators": [
            "产出指标(90分) | 数量指标 | 人数 | ≥93人 | 93 | 90 | 90 |"]}), encoding="utf-8")
    out = tmp_path / "split"
    assert _cli("check", folder, "--split-by", "project", out, "-q", "--fail-on", "never").returncode == 0
    index = (out / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'<a href="[^"]*">(项目\d+)\.html</a>', index) == ["项目1", "项目2", "项目10"]
