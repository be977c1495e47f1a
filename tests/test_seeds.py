"""Every seed is an end-to-end fixture with its expected findings (DOMAIN.md §5).

The seeds are read from ../shared/seeds when present, else from the copies in data/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checker import precision as P
from checker.engine import check

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "seeds"


def seed(prefix: str, data_name: str) -> str:
    found = sorted(SHARED.glob(f"{prefix}_*.txt")) if SHARED.is_dir() else []
    return str(found[0]) if found else str(next((ROOT / "data").rglob(data_name)))


SEED_001 = seed("001", "001_selfeval_yanchi_2024.txt")
SEED_003 = seed("003", "003_bundle_jinan.txt")


@pytest.fixture(scope="module")
def r001():
    return check([SEED_001]).findings


@pytest.fixture(scope="module")
def r003():
    return check([SEED_003]).findings


def find(findings, rule, project=None, indicator=None, section=None, reported=None, expected=None):
    m = findings[findings["rule"] == rule]
    for col, val in (("project", project), ("indicator", indicator), ("section", section),
                     ("reported", reported), ("expected", expected)):
        if val is not None:
            m = m[m[col].str.contains(val, regex=False)] if col == "project" else m[m[col] == val]
    return m


def one(findings, rule, **kw):
    m = find(findings, rule, **kw)
    shown = findings[findings["rule"] == rule][["project", "section", "indicator", "reported", "expected"]]
    assert len(m) == 1, f"expected one {rule} {kw}, got:\n{shown.to_string()}"
    return m.iloc[0]


# --- seed 001: Ningxia self-evaluation, 2024 ---------------------------------

def test_001_social_benefit_heading_holds_20(r001):
    one(r001, "SUM.SECTION_WEIGHT", section="社会效益指标", reported="20", expected="10")


def test_001_sustainability_heading_holds_20_and_scores_over_it(r001):
    one(r001, "SUM.SECTION_WEIGHT", section="可持续影响指标", reported="20", expected="10")
    one(r001, "CAP.SECTION_SCORE", section="可持续影响指标", reported="20", expected="10")


def test_001_rounded_weight_splits_are_warnings(r001):
    one(r001, "SUM.WEIGHT_ROUNDING", section="质量指标", reported="9.9", expected="10")
    one(r001, "SUM.WEIGHT_ROUNDING", section="时效指标", reported="9.9", expected="10")
    one(r001, "SUM.WEIGHT_ROUNDING", section="成本指标", reported="10.01", expected="10")
    one(r001, "SUM.TOTAL_WEIGHT_ROUNDING", section="总分", reported="99.81", expected="100")


def test_001_remote_audit_cost_underscored(r001):
    f = one(r001, "IND.UNDERSCORE", indicator="全年异地核查成本", reported="1.42", expected="1.43")
    assert f["severity"] == "warning"


def test_001_deadline_from_last_year(r001):
    one(r001, "XREF.DEADLINE_YEAR", indicator="医保政策宣传活动时间", reported="2023年12月31日之前", expected="2024年")


def test_001_total_score_ties(r001):
    assert find(r001, "SUM.TOTAL_SCORE").empty
    assert find(r001, "SUM.TOTAL_WEIGHT").empty


def test_001_errors_are_exactly_the_known_ones(r001):
    errors = r001[r001["severity"] == "error"]
    got = sorted(zip(errors["rule"], errors["section"]))
    assert got == sorted([
        ("CAP.SECTION_SCORE", "可持续影响指标"), ("CAP.SECTION_SCORE", "社会效益指标"),
        ("SUM.SECTION_WEIGHT", "可持续影响指标"), ("SUM.SECTION_WEIGHT", "社会效益指标"),
    ])


# --- seed 003: bundle of 14 ----------------------------------------------------

def test_003_duplicate_tables(r003):
    f = one(r003, "DUP.PROJECT", project="离休人员医药费历史欠款")
    assert "离休人员医药统筹费" in f["message"]


@pytest.mark.parametrize("project", ["离休人员医药统筹费", "离休人员医药费历史欠款"])
def test_003_output_heading_overweight(r003, project):
    one(r003, "SUM.SECTION_WEIGHT", project=project, section="产出指标", reported="60", expected="50")
    one(r003, "SUM.SECTION_WEIGHT", project=project, section="效益指标", reported="20", expected="30")
    one(r003, "CAP.SECTION_SCORE", project=project, section="产出指标", reported="60", expected="50")


def test_003_terminals_overscored(r003):
    one(r003, "IND.OVERSCORE", project="医保智能审核移动终端经费", indicator="移动终端台数", reported="3", expected="2.33")
    one(r003, "IND.OVERSCORE", project="医保智能审核移动终端经费", indicator="远程查房终端台数", reported="3", expected="0.65")


def test_003_terminals_nothing_spent_and_unit(r003):
    one(r003, "XREF.SPENT_ZERO", project="医保智能审核移动终端经费")
    one(r003, "XREF.UNIT_MISMATCH", project="医保智能审核移动终端经费", indicator="远程查房终端成本",
        reported="5000", expected="≤2万元")


def test_003_relief_underscored_at_two_decimals(r003):
    one(r003, "IND.UNDERSCORE", project="困难人员救助", indicator="救助人次", reported="2", expected="2.5")
    one(r003, "IND.UNDERSCORE", project="困难人员救助", indicator="支付次数", reported="4", expected="4.17")


def test_003_fund_supervision(r003):
    one(r003, "IND.UNDERSCORE", project="医保基金监管", indicator="宣传费材料印刷费", reported="2", expected="2.78")
    one(r003, "XREF.COST_SUM", project="医保基金监管", reported="13", expected="24")


def test_003_agency_fee_cost_over_budget(r003):
    one(r003, "XREF.COST_OVER_BUDGET", project="城乡居民医保统筹代办经费", indicator="筹资代办经费支出",
        reported="≤177万元", expected="141.6")
    one(r003, "XREF.COST_SUM", project="城乡居民医保统筹代办经费", reported="15", expected="140.947")


def test_003_network_upgrade_code_and_unit(r003):
    one(r003, "DUP.DEPT_CODE", project="网络升级改造经费", reported="202", expected="262")
    one(r003, "XREF.UNIT_AMBIGUOUS", project="网络升级改造经费", indicator="服务人次", reported="200", expected="≥200万")


def test_003_insured_count_underscored(r003):
    one(r003, "IND.UNDERSCORE", project="医疗、生育待遇", indicator="全区医疗生育参保人次", reported="18", expected="19.17")


def test_003_list_matches_tables(r003):
    assert find(r003, "DUP.LIST_NO_TABLE").empty
    assert find(r003, "DUP.TABLE_NOT_LISTED").empty


def test_003_fund_blocks_tie(r003):
    assert r003[r003["family"] == "FUND"].empty


# --- seed 000: county rubric with a 加分项 ----------------------------------------

SEED_000 = seed("000", "000_rubric_ankangma.txt")
SEED_002 = seed("002", "002_rubric_thirdparty.txt")
SEED_004 = seed("004", "004_targets_huoshan.txt")


def test_000_total_above_100_is_the_only_error():
    r = check([SEED_000])
    assert r.projects.iloc[0]["kind"] == "rubric"
    errors = r.findings[r.findings["severity"] == "error"]
    assert list(zip(errors["rule"], errors["reported"], errors["expected"])) == [("CAP.TOTAL_SCORE", "102", "100")]


def test_000_weights_roll_up_to_declared_sections():
    r = check([SEED_000])
    s = r.sections.set_index("name")["weight"]
    assert (s["决策"], s["过程"], s["产出"], s["效益"]) == (5, 20, 55, 20)
    assert r.findings[r.findings["family"] == "SUM"].empty
    bonus = r.indicators[r.indicators["bonus"]]
    assert list(zip(bonus["name"], bonus["weight"], bonus["score"])) == [("本地安康码场景创新应用", 4, 2)]


# --- seed 002: third-party rubric, internally consistent ---------------------------

def test_002_has_no_error_and_every_explained_row_recomputed():
    r = check([SEED_002])
    assert r.findings[r.findings["severity"] == "error"].empty, r.findings.to_string()
    i = r.indicators
    assert r.projects.iloc[0]["total_score"] == 86
    assert i["score"].sum() == 86
    explained = i[i["note"].str.contains("扣|计")]
    assert explained["expected_score"].notna().all()
    assert (P.ties(explained["score_lo"], explained["score_hi"], explained["expected_lo"], explained["expected_hi"])).all()
    sat = i[i["name"] == "服务对象满意度"].iloc[0]
    assert sat["expected_score"] == 4 and "85%" in sat["basis"]


# --- seed 004: five target tables -------------------------------------------------

def test_004_funds_tie_and_amounts_recognised():
    r = check([SEED_004])
    f = r.findings
    assert len(r.projects) == 5 and set(r.projects["kind"]) == {"target"}
    assert f[f["family"].isin(["FUND", "TARGET"]) & (f["severity"] == "error")].empty
    # Figures that agree are shown with their row, not reported as findings.
    assert f[f["severity"] == "info"]["rule"].isin(["TARGET.NO_OPERATOR", "IND.TARGET_TOO_LOW"]).all()
    basis = dict(zip(r.indicators["name"], r.indicators["basis"]))
    assert basis["考勤考核奖金额"] == "744000元 = 74.4万元，与年度资金总额一致"
    assert basis["专线运行费用"] == "361800元/年 = 36.18万元，与年度资金总额一致"
    assert basis["月均发放标准"] == "155人 × ≤400元/人/月 × 12个月 = 744000元，与所列金额一致"


def test_004_vague_targets_warned():
    f = check([SEED_004]).findings
    one(f, "TARGET.COST_NO_NUMBER", project="业务费", indicator="各项费用支出", reported="控制在预算内")
    one(f, "TARGET.NOT_MEASURABLE", project="新办企业服务费", indicator="中心设置邮件窗口", reported="方便快捷")
    one(f, "TARGET.NO_OPERATOR", project="业务费", indicator="服务事项办结平均时限", reported="1.4个工作日")


def test_004_empty_benefit_categories():
    f = check([SEED_004]).findings
    empty = f[f["rule"] == "TARGET.CATEGORY_EMPTY"]
    assert set(empty["section"]) == {"经济效益指标", "生态效益指标"}
    assert len(find(f, "TARGET.CATEGORY_EMPTY", project="业务费")) == 2


def test_paired_target_and_selfeval():
    paired = ROOT / "data" / "batch" / "paired"
    f = check([str(paired)]).findings
    one(f, "XREF.TARGET_CHANGED", project="医保智能审核移动终端经费", indicator="移动终端台数",
        reported="≥7台", expected="≥15台")
    one(f, "XREF.TARGET_DROPPED", project="医保智能审核移动终端经费", indicator="远程查房终端台数", expected="≥23台")
    assert "调低" in find(f, "XREF.TARGET_CHANGED").iloc[0]["message"]


def test_a_selfeval_is_paired_only_within_its_submission():
    """Seed 003 states no year: its 医保智能审核 table is not held against the sample 目标表 in
    another folder (a different submission), only against one in its own folder."""
    f = check([SEED_003, str(ROOT / "data" / "batch" / "paired")]).findings
    pairing = f[f["rule"].str.startswith("XREF.TARGET_")]
    assert set(pairing["file"].map(lambda p: Path(p).parent.name)) == {"paired"}
