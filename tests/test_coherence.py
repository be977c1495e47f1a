"""A reading is corroborated before it yields errors (checker/coherence.py, PARSE.LAYOUT_DOUBT).

The seeds' real errors stay errors; a table misread so that most of its own sums fail gives one
PARSE.LAYOUT_DOUBT warning instead of a cascade; a money column in 元 under a 万元 header is read
in 元 where only that reading ties; no published form the key calls clean is doubted but the
one misreading listed below.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from checker import coherence
from checker.batch import build_batch
from checker.cli import app
from checker.engine import check
from checker.profile import load_profile
from checker.readers import read_any
from checker.recognise import recognise_file
from tests.formkit import Form, write
from tests.test_seeds import SEED_001, SEED_003

ROOT = Path(__file__).resolve().parents[1]
SHARED = next((p / "shared" / "realforms" for p in ROOT.parents if (p / "shared" / "realforms").is_dir()), None)

ROWS = [  # 产出 50 (30 + 20), 效益 30, 满意度 10, funds 10: every sum ties
    {"l1": "产出指标(50分)", "l2": "数量指标", "name": "接种人次", "target": "≥900人次", "actual": "950", "weight": "30",
     "score": "30"},
    {"l1": "产出指标(50分)", "l2": "质量指标", "name": "接种合格率", "target": "100%", "actual": "100%", "weight": "20",
     "score": "20"},
    {"l1": "效益指标(30分)", "l2": "社会效益指标", "name": "传染病发病率", "target": "≤1%", "actual": "0.5%", "weight": "30",
     "score": "30"},
    {"l1": "满意度指标(10分)", "l2": "服务对象满意度指标", "name": "群众满意度", "target": "≥90%", "actual": "95%",
     "weight": "10", "score": "10"},
]


def coherence_of(path: Path):
    fm = recognise_file(str(path), read_any(str(path)), 1)
    return coherence.settle(build_batch([fm], load_profile()))


def misread_form(tmp_path) -> Path:
    """Each row's 分值 and 得分 one cell to the right of their headers (an empty cell before them):
    the 分值 column reads blank, the weights are taken for the scores."""
    rows = [{**r, "weight": "", "score": r["weight"], "note": r["score"]} for r in ROWS]
    return write(Form(rows=rows, total={"weight": "100", "score": "100"}).grid(), tmp_path / "misread.txt")


# --- the seeds keep their errors ------------------------------------------------------------

def test_seed_001_is_coherent_and_keeps_its_four_errors():
    f = check([SEED_001]).findings
    assert f[f["rule"] == "PARSE.LAYOUT_DOUBT"].empty
    errors = f[f["severity"] == "error"]
    assert sorted(zip(errors["rule"], errors["section"])) == sorted([
        ("CAP.SECTION_SCORE", "可持续影响指标"), ("CAP.SECTION_SCORE", "社会效益指标"),
        ("SUM.SECTION_WEIGHT", "可持续影响指标"), ("SUM.SECTION_WEIGHT", "社会效益指标")])


def test_seed_001_coherence_names_its_four_failing_checks():
    c = coherence_of(Path(SEED_001)).iloc[0]
    assert (c["checks"], c["tied"], c["reading"], bool(c["doubt"])) == (28, 24, "A", False)
    assert c["failed_names"] == ("“社会效益指标”分值合计、“可持续影响指标”分值合计、"
                                 "“社会效益指标”得分不超过分值、“可持续影响指标”得分不超过分值")


@pytest.mark.parametrize("rule,project,indicator", [
    ("SUM.SECTION_WEIGHT", "离休人员医药统筹费", ""), ("CAP.SECTION_SCORE", "离休人员医药费历史欠款", ""),
    ("IND.OVERSCORE", "医保智能审核移动终端经费", "移动终端台数"),
    ("IND.OVERSCORE", "医保智能审核移动终端经费", "远程查房终端台数"),
    ("XREF.SPENT_ZERO", "医保智能审核移动终端经费", ""), ("XREF.COST_SUM", "医保基金监管", ""),
    ("XREF.COST_OVER_BUDGET", "城乡居民医保统筹代办经费", "筹资代办经费支出"),
    ("XREF.UNIT_MISMATCH", "医保智能审核移动终端经费", "远程查房终端成本"),
    ("DUP.PROJECT", "离休人员医药费历史欠款", ""), ("DUP.DEPT_CODE", "网络升级改造经费", ""),
])
def test_seed_003_errors_stay_errors(r003, rule, project, indicator):
    m = r003[(r003["rule"] == rule) & r003["project"].str.contains(project, regex=False)]
    if indicator:
        m = m[m["indicator"] == indicator]
    assert len(m) >= 1 and set(m["severity"]) == {"error"}, m[["rule", "project", "severity"]]


@pytest.fixture(scope="module")
def r003():
    return check([SEED_003]).findings


def test_seed_003_no_table_in_doubt(r003):
    assert r003[r003["rule"] == "PARSE.LAYOUT_DOUBT"].empty
    c = coherence_of(Path(SEED_003))
    assert len(c) == 14 and not c["doubt"].any()
    both = c[c["project"].str.startswith("离休人员医药")]
    assert list(both["tied"]) == [11, 11] and list(both["checks"]) == [14, 14]


# --- a misread table: one warning, no cascade -------------------------------------------------

def test_misread_table_gives_one_doubt_and_no_error(tmp_path):
    f = check([str(misread_form(tmp_path))]).findings
    doubt = f[f["rule"] == "PARSE.LAYOUT_DOUBT"]
    assert len(doubt) == 1 and doubt.iloc[0]["severity"] == "warning"
    assert doubt.iloc[0]["project"] == "测试专项资金"
    msg = doubt.iloc[0]["message"]
    assert msg.startswith("读取存疑，需人工核对：各项指标分值、得分齐全、“产出指标”分值合计")
    assert msg.endswith("；请用 jixiao inspect 查看读取情况")
    assert doubt.iloc[0]["message_en"].startswith("Reading in doubt, needs a human check: every item has its weight")
    assert f[f["severity"] == "error"].empty
    # the cascade is kept, as infos marked as read under doubt
    kept = f[f["rule"] != "PARSE.LAYOUT_DOUBT"]
    assert {"IND.MISSING_SCORE", "SUM.SECTION_WEIGHT", "SUM.TOTAL_WEIGHT"} <= set(kept["rule"])
    assert set(kept["severity"]) == {"info"}
    assert kept["message"].str.startswith("（读取存疑，仅供参考）").all()


def test_ignoring_the_doubt_gives_the_cascade_back(tmp_path):
    f = check([str(misread_form(tmp_path))], ignore_ids=["PARSE.LAYOUT_DOUBT"]).findings
    errors = f[f["severity"] == "error"]
    assert (errors["rule"] == "IND.MISSING_SCORE").sum() == 4
    assert set(errors.loc[errors["rule"] == "SUM.SECTION_WEIGHT", "section"]) == {"产出指标", "效益指标", "满意度指标"}


def test_the_same_form_read_right_is_coherent(tmp_path):
    path = write(Form(rows=ROWS, total={"weight": "100", "score": "100"}).grid(), tmp_path / "right.txt")
    c = coherence_of(path).iloc[0]
    assert c["tied"] == c["checks"] and c["checks"] >= 10 and not c["doubt"]
    assert check([str(path)]).findings.query("severity == 'error'").empty


def test_one_genuine_mistake_stays_an_error(tmp_path):
    rows = [dict(r) for r in ROWS]
    rows[0].update(weight="40", score="40")   # 产出 (50分) holds 40 + 20
    rows[2].update(weight="20", score="20")   # 效益 (30分) holds 20
    path = write(Form(rows=rows, total={"weight": "100", "score": "100"}).grid(), tmp_path / "one.txt")
    f = check([str(path)]).findings
    assert f[f["rule"] == "PARSE.LAYOUT_DOUBT"].empty
    errors = f[f["severity"] == "error"]
    assert sorted(zip(errors["rule"], errors["section"])) == [
        ("CAP.SECTION_SCORE", "产出指标"), ("SUM.SECTION_WEIGHT", "产出指标"), ("SUM.SECTION_WEIGHT", "效益指标")]


# --- alternative readings of the funds ------------------------------------------------------------

def funds_form(tmp_path, funds, name="funds.txt") -> Path:
    """The consistent indicators (90 of 90) under the given funds; 总分 = 90 + the fund score stated."""
    total = f"{90 + float(funds[0][-1]):g}"
    return write(Form(rows=ROWS, funds=funds, total={"weight": "100", "score": total}).grid(), tmp_path / name)


def test_spent_in_yuan_under_a_wan_header_is_read_in_yuan(tmp_path):
    path = funds_form(tmp_path, [["年度资金总额", "50", "50", "498000", "10", "99.6%", "9.96"],
                                 ["其中：当年财政拨款", "50", "50", "498000", "—", "—", "—"]])
    c = coherence_of(path).iloc[0]
    assert c["reading"] == "全年执行数按元读（÷10000）" and c["tied"] == c["checks"]
    assert c["tried"] == "读法 A：资金 3 项中 1 项相符"
    r = check([str(path)])
    assert r.findings[r.findings["family"] == "FUND"].empty
    assert r.findings[r.findings["severity"] == "error"].empty
    assert r.funds.loc[r.funds["line"] == "total", "spent"].tolist() == [49.8]


def test_the_same_funds_without_the_alternative_would_fail(tmp_path, monkeypatch):
    monkeypatch.setattr(coherence, "READINGS", [])
    path = funds_form(tmp_path, [["年度资金总额", "50", "50", "498000", "10", "99.6%", "9.96"],
                                 ["其中：当年财政拨款", "50", "50", "498000", "—", "—", "—"]])
    f = check([str(path)]).findings
    assert "FUND.RATE_MISMATCH" in set(f["rule"])
    assert coherence_of(path).iloc[0]["reading"] == "A"


def test_budget_and_initial_budget_swapped_are_read_the_other_way(tmp_path):
    path = funds_form(tmp_path, [["年度资金总额", "50", "45", "50", "10", "100%", "10"],
                                 ["其中：当年财政拨款", "50", "45", "50", "—", "—", "—"]])
    c = coherence_of(path).iloc[0]
    assert c["reading"] == "年初预算数与全年预算数互换" and c["tied"] == c["checks"]
    f = check([str(path)]).findings
    assert f[f["family"] == "FUND"].empty


def test_a_genuine_rate_error_is_not_read_away(tmp_path):
    path = funds_form(tmp_path, [["年度资金总额", "50", "50", "40", "10", "90%", "8"],
                                 ["其中：当年财政拨款", "50", "50", "40", "—", "—", "—"]])
    c = coherence_of(path).iloc[0]
    assert c["reading"] == "A" and "执行率（年度资金总额）" in c["failed_names"]
    f = check([str(path)]).findings
    m = f[f["rule"] == "FUND.RATE_MISMATCH"]
    assert list(m["reported"]) == ["90"] and list(m["expected"]) == ["80"] and set(m["severity"]) == {"error"}


def test_a_failing_measure_is_reported_and_the_rules_still_run(tmp_path, monkeypatch):
    def broken(batch):
        raise ValueError("boom")
    monkeypatch.setattr(coherence, "CHECKS", ((broken, "funds", "sum"),))
    f = check([str(misread_form(tmp_path))]).findings
    internal = f[f["rule"] == "PARSE.INTERNAL"]
    assert len(internal) == 1 and "ValueError: boom" in internal.iloc[0]["message"]
    assert (f["rule"] == "IND.MISSING_SCORE").sum() == 4 and f[f["rule"] == "PARSE.LAYOUT_DOUBT"].empty


# --- jixiao inspect --------------------------------------------------------------------------------

def test_inspect_prints_the_coherence_line_of_every_table():
    res = CliRunner().invoke(app, ["inspect", SEED_003])
    assert res.exit_code == 0, res.output
    lines = [x for x in res.stdout.splitlines() if x.startswith("勾稽: ")]
    assert len(lines) == 14
    assert "勾稽: 14 项勾稽中 14 项相符（读法 A）" in lines
    res = CliRunner().invoke(app, ["inspect", SEED_003, "--format", "json"])
    tables = json.loads(res.stdout)["tables"]
    c = next(t["coherence"] for t in tables if t["name"] == "离休人员医药统筹费")
    assert (c["checks"], c["tied"], c["reading"], c["doubt"]) == (14, 11, "A", False)
    assert c["line"].startswith("14 项勾稽中 11 项相符（读法 A）；不符：“产出指标”分值合计")
    assert c["line_en"].startswith("11 of 14 checks tie under reading A")


def test_inspect_says_a_misread_table_is_in_doubt(tmp_path):
    res = CliRunner().invoke(app, ["inspect", str(misread_form(tmp_path)), "--format", "json"])
    c = json.loads(res.stdout)["tables"][0]["coherence"]
    assert c["doubt"] is True and c["line"].endswith("；读取存疑，需人工核对")


# --- published forms -------------------------------------------------------------------------------

# Misreadings the recogniser rewrite is to fix: in doubt until then.  r3_天长 is keyed clean: its
# 一级 names were lost in extraction and a row's score is not read (IND.MISSING_SCORE, 总分 90 vs 100).
KNOWN_DOUBTS = {"real2/r2_宁晋_高中助学金指标表.txt", "real2/r2_黄冈_水土保持监测.txt", "real3/r3_天长_水旱灾害防御.txt"}
KNOWN_CLEAN_DOUBTS = {"real3/r3_天长_水旱灾害防御.txt"}


def _keys(folder: Path) -> list[dict]:
    return [e for p in sorted(folder.glob("answers*.yaml")) for e in yaml.safe_load(p.read_text(encoding="utf-8")) or []]


def test_local_published_forms_none_in_doubt():
    here = Path(__file__).parent / "realforms"
    for e in _keys(here):
        c = coherence_of(here / e["file"])
        assert not c["doubt"].any(), (e["file"], c[["project", "checks", "tied", "failed_names"]].to_string())


@pytest.mark.skipif(SHARED is None, reason="../shared/realforms not present")
def test_no_published_form_keyed_clean_is_doubted_but_the_known_misreading():
    doubted, clean = set(), set()
    for e in _keys(SHARED):
        if e.get("expect_error"):
            continue
        fm = recognise_file(str(SHARED / e["file"]), read_any(str(SHARED / e["file"])), 1)
        if not fm.projects:
            continue
        if coherence.settle(build_batch([fm], load_profile()))["doubt"].any():
            doubted.add(e["file"])
            if not e.get("expected"):
                clean.add(e["file"])
    assert doubted <= KNOWN_DOUBTS, doubted - KNOWN_DOUBTS
    assert clean <= KNOWN_CLEAN_DOUBTS, clean - KNOWN_CLEAN_DOUBTS
