"""XREF: cost indicators and a 预算执行率 row against the funds block."""

from __future__ import annotations

import numpy as np

from checker import precision as P
from checker.derived import each_distinct
from checker.lexicon import LEXICON
from rules import hits, rule, section_of


@rule("XREF.COST_OVER_BUDGET", "error",
      "成本指标值 {reported}{over} 超过项目全年预算数 {expected} {unit}",
      "Cost target {reported}{over_en} exceeds the project budget of {expected} {unit}")
def cost_over_budget(batch):
    """A cost target (an amount) above the project's whole budget.
    """
    c = batch.cost_amounts
    bad = c[c["budget"].notna() & P.above(c["a_wan_lo"], c["budget"])]
    over = [f"（按 {P.fmt(n)} 个{'月' if per == '/月' else '年'}计，合计 {P.fmt(round(a, 4))}）" if n != 1 or per else ""
            for n, per, a in zip(bad["periods"], bad["target_per"], bad["a_wan"])]
    over_en = [f" (× {P.fmt(n)} = {P.fmt(round(a, 4))})" if n != 1 or per else ""
               for n, per, a in zip(bad["periods"], bad["target_per"], bad["a_wan"])]
    return hits(bad, section=section_of(bad), indicator="name", location=bad["loc_target"],
                reported="target_raw", expected=bad["budget"].map(P.fmt), unit=bad["project_id"].map(batch.fund_units),
                over=over, over_en=over_en)


@rule("XREF.COST_SUM", "error",
      "成本指标（{names}）指标值合计 {targets} {unit}覆盖全年预算，"
      "但实际值合计 {reported} {unit}与全年执行数 {expected} {unit}不符",
      "Cost targets ({names}: {targets} {unit}) cover the budget, yet their actuals add up to {reported}, "
      "not the {expected} spent")
def cost_sum(batch):
    """Cost actuals that do not add up to 全年执行数 when the cost targets add up to the budget.
    """
    c = batch.cost_amounts
    if c.empty:
        return hits(c)
    c = c[~c["project_id"].isin(c.loc[c["b_wan"].isna(), "project_id"])]   # every actual an amount
    c = c[~c["project_id"].isin(batch.indicators.loc[batch.indicators["unit_issue"] == "mismatch", "project_id"])]
    g = c.groupby("project_id").agg(a=("a_wan", "sum"), a_hi=("a_wan_hi", "sum"), b=("b_wan", "sum"),
                                    b_lo=("b_wan_lo", "sum"), b_hi=("b_wan_hi", "sum"), loc=("loc", "first"),
                                    n=("name", "size"))
    f = batch.total_funds
    g["budget"], g["spent"] = f["budget"].reindex(g.index), f["spent"].reindex(g.index)
    g["spent_dec"] = f["spent_dec"].reindex(g.index).fillna(0)
    g = g[g["budget"].notna() & g["spent"].notna()]
    covers = ~P.apart_below(g["a_hi"], g["budget"])   # the targets reach the whole budget
    s_lo, s_hi = P.reported(g["spent"], g["spent_dec"])
    bad = g[covers & ~P.ties(s_lo, s_hi, g["b_lo"], g["b_hi"])].reset_index()
    names = c[c["project_id"].isin(bad["project_id"])].groupby("project_id")["name"].agg("、".join)
    bad["names"] = bad["project_id"].map(names)
    return hits(bad, section="成本指标", indicator=bad["names"].where(bad["n"] == 1, ""), location="loc",
                reported=bad["b"].map(lambda x: P.fmt(round(x, 4))), expected=bad["spent"].map(P.fmt),
                targets=bad["a"].map(lambda x: P.fmt(round(x, 4))), unit=bad["project_id"].map(batch.fund_units), names="names")


@rule("XREF.SPENT_ZERO", "error",
      "全年执行数为 0，但成本指标实际值填报了 {reported}",
      "Nothing was spent, yet cost actuals of {reported} are reported")
def spent_zero(batch):
    """全年执行数 0 while cost indicators report money spent.
    """
    c = batch.cost_amounts
    spent = c["project_id"].map(batch.total_funds["spent"])
    bad = c[(spent == 0) & (c["b"] > 0)]
    if bad.empty:
        return hits(bad)
    bad = bad.groupby("project_id").agg(loc=("loc_actual", "first"), raw=("actual_raw", lambda s: "、".join(s))).reset_index()
    return hits(bad, section="成本指标", indicator="", location="loc", reported="raw", expected="0")


# --- a self-evaluation against the target table of the same project --------------


RATE_NAMES = LEXICON.words("rate_indicators", "exec_rate")


@rule("XREF.EXEC_RATE", "error",
      "指标“{indicator}”的实际值 {reported}，与资金表 全年执行数 {spent} ÷ 全年预算数 {budget} = {expected} 不符",
      "Indicator '{indicator}' reports {reported}, but the funds give spent {spent} / budget {budget} = {expected}")
def exec_rate(batch):
    """A 预算执行率 indicator row (four-part forms put it among the indicators) whose actual is not
    what the funds block says: 全年执行数 ÷ 全年预算数.
    """
    i = batch.indicators
    named = each_distinct(i["name"], lambda n: any(w in n for w in RATE_NAMES)).astype(bool)
    f = batch.total_funds
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
