"""XREF: values that must agree with each other — units, years, costs against funds."""

from __future__ import annotations

import numpy as np
import pandas as pd

from checker import precision as P
from rules import hits, rule
from rules.indicators import section_of

MONEY_UNITS = {"元", ""}
PERIODS = {"/月": 1.0, "/年": 12.0}   # a rate per period, in months


def cost_amounts(batch) -> pd.DataFrame:
    """成本指标 rows whose target is an amount of money, in the funds' unit (万元 as a rule).

    "≤7万元" → 7; "≤200000" against a 20 万元 budget → 20 (a bare number far above the
    budget is in 元); per-unit costs ("0.6万元/次") and percentages are not amounts.
    Columns a_wan / b_wan hold target and actual in the funds' unit.
    """
    i = batch.indicators
    months = i["project_id"].map(batch.projects.set_index("project_id")["period_months"])
    per_months = i["target_per"].map(PERIODS)
    # "≤620万/月" over an 11-month 实施期 is an amount of 620 × 11; "0.6万元/次" is not an amount.
    periods = (months / per_months).where(per_months.notna(), np.where(i["target_per"] == "", 1.0, np.nan))
    c = i[i["level2"].str.contains("成本") & (i["target_kind"] == "quantity") & periods.notna()
          & i["target_unit"].isin(MONEY_UNITS) & i["a"].notna()].copy()
    c["periods"] = periods[c.index]
    budget = batch.project_funds("total")["budget"]
    c["budget"] = c["project_id"].map(budget)
    unit = c["project_id"].map(batch.projects.set_index("project_id")["fund_scale"]).fillna(1e4)
    in_yuan = (c["target_unit"] == "元") | (c["target_scale"] != 1) | (c["a"] > c["budget"].fillna(np.inf) * 1000)
    k = np.where(in_yuan, 1 / unit, 1.0) * c["periods"]
    c["a_wan"], c["a_wan_lo"], c["a_wan_hi"] = c["a"] * k, c["a_lo"] * k, c["a_hi"] * k
    b_dec = P.table_decimals(i, "actual_dec").reindex(c.index)
    b_lo, b_hi = P.reported(c["actual_num"], b_dec)
    scale = np.where(c["actual_scale"] != 1, c["actual_scale"], np.where(c["actual_unit"] == "", c["target_scale"], 1))
    c["b_wan"] = c["b"] * k
    c["b_wan_lo"], c["b_wan_hi"] = b_lo * scale * k, b_hi * scale * k
    return c


UNIT_LABELS = {1e8: "亿元", 1e4: "万元", 1e3: "千元", 1.0: "元"}


def _unit_label(batch, frame: pd.DataFrame) -> list[str]:
    """The funds' unit, as the form writes it, for each row of a hit table."""
    scale = frame["project_id"].map(batch.projects.set_index("project_id")["fund_scale"]).fillna(1e4)
    return [UNIT_LABELS.get(float(x), "万元") for x in scale]


def _unit_hits(batch, issue: str):
    i = batch.indicators
    bad = i[i["unit_issue"] == issue]
    return hits(bad, section=section_of(bad), indicator="name", location=bad["loc_actual"],
                reported="actual_raw", expected="target_raw")


@rule("XREF.UNIT_MISMATCH", "error",
      "指标值 {expected} 与实际值 {reported} 相差逾千倍，疑为单位不一致（如万元与元），未据此计分",
      "Target {expected} and actual {reported} are over 1000× apart: units differ (万元 vs 元?)")
def unit_mismatch(batch):
    """A and B written in different units (≈10⁴ apart), e.g. "≤2万元" against "5000".

    Fails: A ≤2万元, B 5000.   Passes: A ≤2万元, B 0.5.
    """
    return _unit_hits(batch, "mismatch")


@rule("XREF.UNIT_AMBIGUOUS", "warning",
      "指标值 {expected} 带“万”而实际值 {reported} 未写单位，无法确认是否同一计量单位",
      "Target {expected} is in 万 but the actual {reported} has no unit")
def unit_ambiguous(batch):
    """A written with 万 and no unit ("≥200万") against a bare B ("200").

    Fails: A ≥200万, B 200.   Passes: A ≥200万人次, B 200万人次.
    """
    return _unit_hits(batch, "bare_wan")


@rule("XREF.DEADLINE_YEAR", "warning",
      "{year}年度的表中，时限指标值为“{reported}”，年份与评价年度不符",
      "A {year} form sets the deadline '{reported}' in another year")
def deadline_year(batch):
    """A deadline whose year is not the form's year (copied from last year's form).

    Fails: (2024年度) 指标值 2023年12月31日之前.   Passes: 2024年12月31日之前.
    """
    i = batch.indicators
    year = i["project_id"].map(batch.projects.set_index("project_id")["year"])
    bad = i[i["target_year"].notna() & year.notna() & (i["target_year"] != year)]
    yb = year[bad.index]
    return hits(bad, section=section_of(bad), indicator="name", location=bad["loc_target"],
                reported="target_raw", expected=yb.map(lambda y: f"{int(y)}年"), year=yb.map(lambda y: str(int(y))))


@rule("XREF.COST_OVER_BUDGET", "error",
      "成本指标值 {reported}{over} 超过项目全年预算数 {expected} {unit}",
      "Cost target {reported}{over_en} exceeds the project budget of {expected} {unit}")
def cost_over_budget(batch):
    """A cost target (an amount) above the project's whole budget.

    Fails: 预算 141.6, 成本指标 ≤177万元.   Passes: ≤141.6万元.
    """
    c = cost_amounts(batch)
    bad = c[c["budget"].notna() & P.above(c["a_wan_lo"], c["budget"])]
    over = [f"（按 {P.fmt(n)} 个{'月' if per == '/月' else '年'}计，合计 {P.fmt(round(a, 4))}）" if n != 1 or per else ""
            for n, per, a in zip(bad["periods"], bad["target_per"], bad["a_wan"])]
    over_en = [f" (× {P.fmt(n)} = {P.fmt(round(a, 4))})" if n != 1 or per else ""
               for n, per, a in zip(bad["periods"], bad["target_per"], bad["a_wan"])]
    return hits(bad, section=section_of(bad), indicator="name", location=bad["loc_target"],
                reported="target_raw", expected=bad["budget"].map(P.fmt), unit=_unit_label(batch, bad),
                over=over, over_en=over_en)


@rule("XREF.COST_SUM", "error",
      "成本指标（{names}）指标值合计 {targets} {unit}覆盖全年预算，但实际值合计 {reported} {unit}与全年执行数 {expected} {unit}不符",
      "Cost targets ({names}: {targets} {unit}) cover the budget, yet their actuals add up to {reported}, "
      "not the {expected} spent")
def cost_sum(batch):
    """Cost actuals that do not add up to 全年执行数 when the cost targets add up to the budget.

    Fails: targets 15+5+4 = 24 = 预算, actuals 2+9+2 = 13, 执行 24.   Passes: actuals 15+5+4.
    """
    c = cost_amounts(batch)
    if c.empty:
        return hits(c)
    c = c[c.groupby("project_id")["b_wan"].transform(lambda s: s.notna().all()).astype(bool)]
    c = c[~c["project_id"].isin(batch.indicators.loc[batch.indicators["unit_issue"] == "mismatch", "project_id"])]
    g = c.groupby("project_id").agg(a=("a_wan", "sum"), a_hi=("a_wan_hi", "sum"), b=("b_wan", "sum"),
                                    b_lo=("b_wan_lo", "sum"), b_hi=("b_wan_hi", "sum"), loc=("loc", "first"),
                                    names=("name", "、".join), n=("name", "size"))
    f = batch.project_funds("total")
    g["budget"], g["spent"] = f["budget"].reindex(g.index), f["spent"].reindex(g.index)
    g["spent_dec"] = f["spent_dec"].reindex(g.index).fillna(0)
    g = g[g["budget"].notna() & g["spent"].notna()]
    covers = np.round(g["a_hi"], 9) >= np.round(g["budget"], 9)
    s_lo, s_hi = P.reported(g["spent"], g["spent_dec"])
    bad = g[covers & ~P.ties(s_lo, s_hi, g["b_lo"], g["b_hi"])].reset_index()
    return hits(bad, section="成本指标", indicator=bad["names"].where(bad["n"] == 1, ""), location="loc",
                reported=bad["b"].map(lambda x: P.fmt(round(x, 4))), expected=bad["spent"].map(P.fmt),
                targets=bad["a"].map(lambda x: P.fmt(round(x, 4))), unit=_unit_label(batch, bad), names="names")


@rule("XREF.SPENT_ZERO", "error",
      "全年执行数为 0，但成本指标实际值填报了 {reported}",
      "Nothing was spent, yet cost actuals of {reported} are reported")
def spent_zero(batch):
    """全年执行数 0 while cost indicators report money spent.

    Fails: 执行数 0, 移动终端成本 实际 0.46.   Passes: 实际 0.
    """
    c = cost_amounts(batch)
    spent = c["project_id"].map(batch.project_funds("total")["spent"])
    bad = c[(spent == 0) & (c["b"] > 0)]
    if bad.empty:
        return hits(bad)
    bad = bad.groupby("project_id").agg(loc=("loc_actual", "first"), raw=("actual_raw", lambda s: "、".join(s))).reset_index()
    return hits(bad, section="成本指标", indicator="", location="loc", reported="raw", expected="0")


# --- a self-evaluation against the target table of the same project --------------

def target_pairs(batch) -> pd.DataFrame:
    """(selfeval project, target project) pairs: same 项目名称, and the same department and year
    when both forms state them (last year's targets are not this year's)."""
    p = batch.projects.assign(key=batch.projects["name"].map(_name_key))
    s = p[p["kind"] == "selfeval"][["project_id", "key", "department", "year", "loc"]]
    t = p[p["kind"] == "target"][["project_id", "key", "department", "year"]]
    m = s.merge(t, on="key", suffixes=("_s", "_t"))
    same_dept = (m["department_s"] == "") | (m["department_t"] == "") | (m["department_s"] == m["department_t"])
    same_year = m["year_s"].isna() | m["year_t"].isna() | (m["year_s"] == m["year_t"])
    return m[same_dept & same_year]


def _name_key(name: str) -> str:
    from checker.recognise.labels import squash
    return squash(name).replace("（", "(").replace("）", ")")


def _paired_indicators(batch) -> pd.DataFrame:
    pairs = target_pairs(batch)
    i = batch.indicators[batch.indicators["name"] != ""].assign(key=lambda d: d["name"].map(_name_key))
    cols = ["project_id", "key", "name", "level2", "target_raw", "target_op", "a", "a_lo", "a_hi", "loc_target", "loc"]
    s = pairs[["project_id_s", "project_id_t"]].merge(i[cols].add_suffix("_s"), on="project_id_s")
    t = pairs[["project_id_s", "project_id_t"]].merge(i[cols].add_suffix("_t"), on="project_id_t")
    return s.merge(t, left_on=["project_id_s", "project_id_t", "key_s"], right_on=["project_id_s", "project_id_t", "key_t"],
                   how="outer", indicator=True)


@rule("XREF.TARGET_CHANGED", "error",
      "年度指标值“{reported}”与绩效目标表的指标值“{expected}”不一致（目标值被改动{how}）",
      "Target '{reported}' differs from the target table's '{expected}' (target changed{how_en})")
def target_changed(batch):
    """A self-evaluation's 年度指标值 differs from the filed target table's 指标值 for the same indicator.

    Fails: 目标表 ≥15台, 自评表 ≥7台.   Passes: both ≥15台.
    """
    m = _paired_indicators(batch)
    both = m[m["_merge"] == "both"]
    from checker.recognise.labels import squash
    same_text = both["target_raw_s"].map(squash) == both["target_raw_t"].map(squash)
    same_value = (both["target_op_s"] == both["target_op_t"]) & P.ties(both["a_lo_s"], both["a_hi_s"] + 1e-12,
                                                                        both["a_lo_t"], both["a_hi_t"])
    bad = both[~same_text & ~same_value.fillna(False)].copy()
    lower_is_easier = bad["target_op_t"].isin(["", ">=", ">", "="])
    lowered = np.where(lower_is_easier, bad["a_s"] < bad["a_t"], bad["a_s"] > bad["a_t"])
    bad["how"] = np.where(pd.notna(bad["a_s"]) & pd.notna(bad["a_t"]) & lowered, "，且目标被调低", "")
    bad["how_en"] = np.where(bad["how"] != "", ", and lowered", "")
    bad["project_id"] = bad["project_id_s"]
    return hits(bad, section=bad["level2_s"], indicator=bad["name_s"], location=bad["loc_target_s"],
                reported=bad["target_raw_s"], expected=bad["target_raw_t"], how=bad["how"], how_en=bad["how_en"])


@rule("XREF.TARGET_DROPPED", "error",
      "绩效目标表中的指标“{indicator}”（指标值 {expected}）在自评表中缺失",
      "Indicator '{indicator}' ({expected}) of the target table is missing from the self-evaluation")
def target_dropped(batch):
    """An indicator of the target table that the self-evaluation leaves out.

    Fails: 目标表 has 远程查房终端台数, 自评表 does not.   Passes: both have it.
    """
    m = _paired_indicators(batch)
    bad = m[m["_merge"] == "right_only"].copy()
    bad["project_id"] = bad["project_id_s"]
    loc = bad["project_id_s"].map(batch.projects.set_index("project_id")["loc"])
    return hits(bad, section=bad["level2_t"], indicator=bad["name_t"], location=loc, reported="（缺失）",
                expected=bad["target_raw_t"])


@rule("XREF.TARGET_ADDED", "warning",
      "自评表中的指标“{indicator}”在绩效目标表中没有",
      "Indicator '{indicator}' is not in the target table")
def target_added(batch):
    """An indicator in the self-evaluation that the target table never set.

    Fails: 自评表 adds 使用期限.   Passes: every indicator is in the target table.
    """
    m = _paired_indicators(batch)
    bad = m[m["_merge"] == "left_only"].copy()
    bad["project_id"] = bad["project_id_s"]
    return hits(bad, section=bad["level2_s"], indicator=bad["name_s"], location=bad["loc_s"],
                reported=bad["target_raw_s"], expected="（目标表无此指标）")


@rule("XREF.TARGET_BUDGET", "error",
      "自评表年初预算数 {reported} 万元与绩效目标表年度资金总额 {expected} 万元不一致",
      "Budget {reported} differs from the target table's annual funds {expected}")
def target_budget(batch):
    """The self-evaluation's budget differs from the target table's 年度资金总额.

    Fails: 目标表 80.00, 自评表 年初预算 75.   Passes: both 80.
    """
    pairs = target_pairs(batch)
    f = batch.project_funds("total")
    s_budget = pairs["project_id_s"].map(f["budget_initial"].where(f["budget_initial"].notna(), f["budget"]))
    t_budget = pairs["project_id_t"].map(f["budget"])
    bad = pairs[s_budget.notna() & t_budget.notna() & (np.round(s_budget - t_budget, 6) != 0)].copy()
    bad["project_id"] = bad["project_id_s"]
    return hits(bad, section="项目资金", indicator="", location=bad["project_id_s"].map(f["loc"]),
                reported=s_budget[bad.index].map(P.fmt), expected=t_budget[bad.index].map(P.fmt))


# --- a 预算执行率 indicator against the funds block ---------------------------------------
RATE_NAMES = ("预算执行率", "资金执行率", "预算资金执行率", "资金支出率", "执行率")


@rule("XREF.EXEC_RATE", "error",
      "指标“{indicator}”的实际值 {reported}，与资金表 全年执行数 {spent} ÷ 全年预算数 {budget} = {expected} 不符",
      "Indicator '{indicator}' reports {reported}, but the funds give spent {spent} / budget {budget} = {expected}")
def exec_rate(batch):
    """A 预算执行率 indicator row (four-part forms put it among the indicators) whose actual is not
    what the funds block says: 全年执行数 ÷ 全年预算数.

    Fails: 预算 24, 执行 24, 预算执行率 实际 95%.   Passes: 实际 100%.
    """
    i = batch.indicators
    named = i["name"].map(lambda n: any(w in n for w in RATE_NAMES))
    f = batch.project_funds("total")
    r = i[named & (i["actual_kind"] == "percent") & i["project_id"].isin(f.index)].copy()
    if r.empty:
        return hits(r)
    for col in ("expected_rate_lo", "expected_rate_hi", "expected_rate", "spent", "budget"):
        r[col] = r["project_id"].map(f[col])
    r = r[r["expected_rate"].notna()]
    lo, hi = P.reported(r["actual_num"], r["actual_dec"])
    capped_lo = np.minimum(r["expected_rate_lo"], 100.0)  # a rate above 100% is often written as 100%
    bad = r[~P.ties(lo, hi, capped_lo, r["expected_rate_hi"])]
    return hits(bad, section=section_of(bad), indicator="name", location=bad["loc_actual"],
                reported="actual_raw", expected=bad["expected_rate"].map(lambda x: P.fmt(round(x, 2)) + "%"),
                spent=bad["spent"].map(P.fmt), budget=bad["budget"].map(P.fmt))
