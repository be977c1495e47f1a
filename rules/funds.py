"""FUND: the 项目资金 block — execution rate, fund score, lines, overspending."""

from __future__ import annotations

import numpy as np
import pandas as pd

from checker import precision as P
from checker.lexicon import LEXICON
from rules import hits, rule

COLUMN_ZH = {c: LEXICON.section("display")["field"]["zh"][c] for c in ("budget_initial", "budget", "spent")}


@rule("FUND.RATE_MISMATCH", "error",
      "执行率填报 {reported}%，按 全年执行数 {spent} ÷ 全年预算数 {budget} 计算应为 {expected}%",
      "Stated execution rate {reported}% but spent {spent} / budget {budget} = {expected}%")
def rate_mismatch(batch):
    """Stated 执行率 differs from 全年执行数 / 全年预算数.
    """
    f = batch.funds
    f = f[f["rate"].notna() & f["expected_rate"].notna()]
    lo, hi = P.reported(f["rate"], f["rate_dec"])
    bad = f[~P.ties(lo, hi, f["expected_rate_lo"], f["expected_rate_hi"])]
    return hits(bad, section="项目资金", indicator=bad["label"], location=bad["loc_rate"],
                reported=bad["rate"].map(P.fmt), expected=bad["expected_rate"].map(lambda x: P.fmt(round(x, 2))),
                spent=bad["spent"].map(P.fmt), budget=bad["budget"].map(P.fmt))


def _fund_score_hits(batch, direction):
    f = batch.funds
    f = f[f["score"].notna() & f["weight"].notna() & f["expected_score"].notna()]
    lo, hi = P.reported(f["score"], f["score_dec"])
    test = P.above(lo, f["expected_score_hi"]) if direction == "over" else P.below(hi, f["expected_score_lo"])
    bad = f[test]
    return hits(bad, section="项目资金", indicator=bad["label"], location=bad["loc_score"],
                reported=bad["score"].map(P.fmt), expected=bad["expected_score"].map(lambda x: P.fmt(round(x, 2))),
                weight=bad["weight"].map(P.fmt), rate=bad["expected_rate"].map(lambda x: P.fmt(round(x, 2))))


@rule("FUND.OVERSCORE", "error",
      "资金执行得分填报 {reported}，按 分值 {weight} × 执行率 {rate}% 应为 {expected}，自评得分偏高",
      "Fund score {reported} exceeds weight {weight} × rate {rate}% = {expected}")
def fund_overscore(batch):
    """资金得分 above 分值 × min(执行率, 1).
    """
    return _fund_score_hits(batch, "over")


@rule("FUND.UNDERSCORE", "warning",
      "资金执行得分填报 {reported}，按 分值 {weight} × 执行率 {rate}% 应为 {expected}，少计了得分",
      "Fund score {reported} below weight {weight} × rate {rate}% = {expected}")
def fund_underscore(batch):
    """资金得分 below 分值 × min(执行率, 1).
    """
    return _fund_score_hits(batch, "under")


@rule("FUND.LINES_SUM", "error",
      "{column}: {whole} {reported} ≠ {parts} = {expected}",
      "{column}: {whole_en} {reported} ≠ the sum of its lines ({parts}) = {expected}")
def lines_sum(batch):
    """A breakdown of the funds does not add up to its whole, in one column: 财政拨款 + 上年结转 +
    其他资金 against 年度资金总额; 基本支出 + 项目支出 against it too; 中央 + 省级 + 县级 against
    the 财政拨款 line they break down.
    """
    f = batch.funds
    out = [_breakdown_hits(f, col, zh) for col, zh in COLUMN_ZH.items()]
    out = [x for x in out if len(x)]
    return pd.concat(out, ignore_index=True) if out else hits(f.iloc[0:0])


WHOLE_EN = {"total": "fund total", "fiscal": "fiscal appropriation"}


def _breakdown_hits(f: pd.DataFrame, col: str, zh: str) -> pd.DataFrame:
    parts = f[(f["part_of"] != "") & f[col].notna()]
    lo, hi = P.input_interval(parts[col], parts[f"{col}_dec"])
    keys = ["project_id", "part_of", "breakdown"]
    sums = parts.assign(_lo=lo, _hi=hi).groupby(keys).agg(
        s=(col, "sum"), lo=("_lo", "sum"), hi=("_hi", "sum"), dec=(f"{col}_dec", "max")).reset_index()
    wholes = f[f[col].notna()].drop_duplicates(["project_id", "line"])
    both = sums.merge(wholes, left_on=["project_id", "part_of"], right_on=["project_id", "line"],
                      suffixes=("_sum", ""))
    if both.empty:
        return both.assign(parts=[])
    r_lo, r_hi = P.reported(both[col], np.maximum(both[f"{col}_dec"], both["dec"]))
    bad = both[~P.ties(r_lo, r_hi, both["lo"], both["hi"])]
    # The lines' labels, joined for the message: only where a breakdown does not add up.
    labels = parts[parts["project_id"].isin(bad["project_id"])].groupby(keys)["label"].agg(" + ".join)
    bad = bad.assign(parts=[labels.get(k, "") for k in zip(bad["project_id"], bad["part_of_sum"], bad["breakdown_sum"])])
    loc_col = "loc_spent" if col == "spent" else ("loc_budget_initial" if col == "budget_initial" else "loc_budget")
    return hits(bad, section="项目资金", indicator=bad["label"], location=bad[loc_col].where(bad[loc_col] != "", bad["loc"]),
                reported=bad[col].map(P.fmt), expected=bad["s"].map(lambda x: P.fmt(round(x, 6))), column=zh,
                whole=bad["label"].where(bad["label"] != "", bad["line"]), whole_en=bad["line"].map(WHOLE_EN),
                parts=bad["parts"])


@rule("FUND.OVERSPENT", "warning",
      "全年执行数 {reported} 超过全年预算数 {expected}",
      "Spent {reported} exceeds the budget {expected}")
def overspent(batch):
    """全年执行数 above 全年预算数 (spending beyond the budget).
    """
    f = batch.funds
    f = f[(f["line"] == "total") & f["spent"].notna() & f["budget"].notna()]
    bad = f[P.exceeds(f["spent"], f["budget"])]
    return hits(bad, section="项目资金", indicator=bad["label"], location=bad["loc_spent"],
                reported=bad["spent"].map(P.fmt), expected=bad["budget"].map(P.fmt))


@rule("FUND.TOTAL_BLANK", "warning",
      "{column}：{whole}未填，而其下各项合计 {expected}",
      "{column}: the {whole_en} is blank while its lines add up to {expected}")
def total_blank(batch):
    """A whole left blank (年度资金总额, 财政拨款) while the lines that break it down hold amounts:
    the total a reviewer reads is missing, and what it should say is their sum.
    """
    f = batch.funds
    out = []
    for col, zh in COLUMN_ZH.items():
        parts = f[(f["part_of"] != "") & f[col].notna()]
        if parts.empty:
            continue
        sums = parts.groupby(["project_id", "part_of"])[col].sum().reset_index(name="s")
        wholes = f[f[col].isna()].drop_duplicates(["project_id", "line"])
        both = sums.merge(wholes, left_on=["project_id", "part_of"], right_on=["project_id", "line"])
        both = both[both["s"] != 0]
        loc_col = "loc_spent" if col == "spent" else ("loc_budget_initial" if col == "budget_initial" else "loc_budget")
        where = both[loc_col].where(both[loc_col] != "", both["loc"])
        out.append(hits(both, section="项目资金", indicator=both["label"], location=where,
                        reported="（空）", expected=both["s"].map(lambda x: P.fmt(round(x, 6))), column=zh,
                        whole=both["label"].where(both["label"] != "", both["line"]), whole_en=both["line"].map(WHOLE_EN)))
    out = [x for x in out if len(x)]
    return pd.concat(out, ignore_index=True) if out else hits(f.iloc[0:0])
