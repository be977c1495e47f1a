"""IND: each indicator's score against the formula, the tier band and its weight."""

from __future__ import annotations

import numpy as np
import pandas as pd

from checker import precision as P
from rules import SCORED, hits, rule, section_of

COLUMN_ZH = {"score": "得分", "review": "复核分"}
COLUMN_EN = {"score": "Score", "review": "Review score"}
QUANT = ["pos", "neg", "eq"]
TIER = ["tier", "same"]


def _score_hits(bad, col: str = "score", **extra):
    return hits(bad, section=section_of(bad), indicator="name",
                location=bad[f"loc_{col}"].where(bad[f"loc_{col}"] != "", bad["loc"]),
                reported=bad[col].map(P.fmt),
                expected=[P.fmt_interval(lo, hi) for lo, hi in zip(bad["expected_lo"], bad["expected_hi"])],
                weight=bad["weight"].map(P.fmt), target=bad["target_raw"], actual=bad["actual_raw"],
                basis=bad["basis"], column=COLUMN_ZH[col], column_en=COLUMN_EN[col], **extra)


def _judged(i, col: str):
    """Rows whose reported ``col`` (得分 or 复核分) can be held against a recomputed score."""
    return i["mode"].ne("") & i[col].notna() & i["weight"].notna()


def _over(i, modes, col):
    return i[i["mode"].isin(modes) & _judged(i, col) & P.above(i[f"{col}_lo"], i["expected_hi"])]


def _under(i, modes, col):
    return i[i["mode"].isin(modes) & _judged(i, col) & P.below(i[f"{col}_hi"], i["expected_lo"])]


def _both(fn, modes, batch):
    """A score rule over 自评分 and, where the form has one, 复核分."""
    i = batch.indicators
    return pd.concat([_score_hits(fn(i, modes, col), col) for col in ("score", "review")], ignore_index=True)


@rule("IND.OVERSCORE", "error",
      "{column} {reported} 高于按公式计算的 {expected}（{basis}；指标值 {target}，实际值 {actual}），自评得分虚高",
      "{column_en} {reported} exceeds the formula's {expected} ({basis}; target {target}, actual {actual})")
def overscore(batch):
    """Score above 分值 × B/A (or A/B for ≤ targets) beyond the precision the form shows; a 复核分
    column is held to the same formula.
    """
    return _both(_over, QUANT, batch)


@rule("IND.UNDERSCORE", "warning",
      "{column} {reported} 低于按公式计算的 {expected}（{basis}；指标值 {target}，实际值 {actual}），少计了得分",
      "{column_en} {reported} below the formula's {expected} ({basis}; target {target}, actual {actual})")
def underscore(batch):
    """Score below the formula beyond the form's precision (under-scoring).
    """
    return _both(_under, QUANT, batch)


@rule("IND.TIER_ABOVE_BAND", "error",
      "定性指标实际为“{actual}”，{column}应在 {expected} 之间，填报 {reported} 超出档次上限",
      "Qualitative result '{actual}' allows {expected}; {column_en} {reported} is above the band")
def tier_above(batch):
    """A qualitative score above the band of its tier (达成/部分达成/未达成).
    """
    return _both(_over, TIER, batch)


@rule("IND.TIER_BELOW_BAND", "warning",
      "定性指标实际为“{actual}”，{column}应在 {expected} 之间，填报 {reported} 低于档次下限",
      "Qualitative result '{actual}' allows {expected}; {column_en} {reported} is below the band")
def tier_below(batch):
    """A qualitative score below the band of its tier.
    """
    return _both(_under, TIER, batch)


@rule("IND.FULL_MARKS_MISSED", "warning",
      "实际值 {actual} 未达到指标值 {target}，却得满分 {reported}（按公式 {expected}）",
      "Full marks {reported} although actual {actual} misses target {target} (formula {expected})")
def full_marks_missed(batch):
    """Full marks while B misses A, within the form's rounding (so not already over-scoring).
    """
    i = batch.indicators
    full = ~P.differs(i["score"], i["weight"])
    missed = i["mode"].isin(QUANT) & P.exceeds(1.0, i["ratio"])
    over = _judged(i, "score") & P.above(i["score_lo"], i["expected_hi"])
    return _score_hits(i[full & missed & ~over])


@rule("IND.REVIEW_DIFFERS", "info",
      "自评分 {self_score} 与复核分 {reported} 不同（相差 {diff}）",
      "Self-assessed score {self_score} differs from the review score {reported} (by {diff})")
def review_differs(batch):
    """A form with both 自评分 and 复核分: where the reviewer changed the score (for the record).
    """
    i = batch.indicators
    both = i[i["score"].notna() & i["review"].notna()]
    bad = both[P.differs(both["score"], both["review"])]
    return hits(bad, section=section_of(bad), indicator="name", location=bad["loc_review"],
                reported=bad["review"].map(P.fmt), expected=bad["score"].map(P.fmt),
                self_score=bad["score"].map(P.fmt), diff=(bad["score"] - bad["review"]).abs().map(P.fmt))


@rule("IND.MISSING_SCORE", "error",
      "指标“{indicator}”缺少{what}，无法核算",
      "Indicator '{indicator}' has no readable {what_en}", kinds=SCORED)
def missing_score(batch):
    """An indicator with a target or actual but no readable 分值 or 得分, where the form has that
    column (a form without a 分值 column takes its weights from the headings).  The last row of a
    table that stops early is cut, not missing; "其中…" rows break an item down and carry none; a
    table with no score and no actual filled in anywhere was published unfilled.
    """
    i = batch.indicators
    p = batch.by_project
    has_w = i["project_id"].map(p["has_weight_column"]).fillna(False).astype(bool)
    has_s = i["project_id"].map(p["has_score_column"]).fillna(False).astype(bool)
    last = i["seq"] == i.groupby("project_id")["seq"].transform("max")
    cut = last & ~i["project_id"].map(p["complete"]).fillna(True).astype(bool)
    has_values = (i["target_raw"] != "") | (i["actual_raw"] != "")
    no_w, no_s = i["weight"].isna() & has_w, i["score"].isna() & has_s
    # A table whose every 得分 and every actual is blank was published unfilled (a template): not a
    # missing score on each row — its scores are not there to check, and no sum is claimed over them.
    filled = (i["score"].notna() | (i["actual_raw"] != "")).groupby(i["project_id"]).transform("any")
    no_s &= filled
    bad = i[has_values & (no_w | no_s) & ~i["bonus"] & (i["part_of"] == 0) & ~cut]
    what = np.select([no_w[bad.index] & no_s[bad.index], no_w[bad.index]], ["分值和得分", "分值"], "得分")
    what_en = np.select([no_w[bad.index] & no_s[bad.index], no_w[bad.index]], ["weight and score", "weight"], "score")
    return hits(bad, section=section_of(bad), indicator="name", location="loc",
                reported=bad["weight_raw"].replace("", "空") + "/" + bad["score_raw"].replace("", "空"), expected="分值/得分",
                what=list(what), what_en=list(what_en))


@rule("IND.NON_NUMERIC_ACTUAL", "warning",
      "定量指标（指标值 {expected}）的实际值填为“{reported}”，应填写实际数值",
      "Quantitative target {expected} but the actual is not a number: '{reported}'")
def non_numeric_actual(batch):
    """A quantitative target (number, percent) whose actual is words, not a number.
    """
    i = batch.indicators
    bad = i[i["target_kind"].isin(["quantity", "percent"]) & i["target_num"].notna()
            & ~i["actual_kind"].isin(["quantity", "percent", "empty"]) & (i["mode"] != "same")]
    return hits(bad, section=section_of(bad), indicator="name", location=bad["loc_actual"],
                reported="actual_raw", expected="target_raw")


@rule("IND.NO_REASON", "warning",
      "得分 {reported} 低于分值 {expected}，但“偏差原因分析及改进措施”未填写",
      "Score {reported} below weight {expected} with no deviation reason given")
def no_reason(batch):
    """A score below its weight with an empty 偏差原因分析.
    """
    i = batch.indicators
    below = i["score"].notna() & i["weight"].notna() & P.below(i["score_hi"], i["weight"])
    has_column = i["project_id"].map(batch.by_project["has_reason_column"]).fillna(True)
    bad = i[below & ~i["bonus"] & (i["part_of"] == 0) & has_column.astype(bool)
            & (i["note"].str.strip().isin(["", "—", "-", "/", "无"]))]
    return hits(bad, section=section_of(bad), indicator="name", location=bad["loc_score"],
                reported=bad["score"].map(P.fmt), expected=bad["weight"].map(P.fmt))


@rule("IND.TARGET_TOO_LOW", "info",
      "实际值 {reported} 达到指标值 {expected} 的 {times} 倍，目标值可能设定偏低",
      "Actual {reported} is {times}× the target {expected}: the target may be set too low")
def target_too_low(batch):
    """B ≥ 1.2 × A on a 正向 indicator: reviewers ask whether the target was set too low.
    """
    i = batch.indicators
    k = batch.profile.target_too_low_ratio
    bad = i[(i["mode"] == "pos") & (i["a"] > 0) & (i["b"] >= k * i["a"])]
    return hits(bad, section=section_of(bad), indicator="name", location=bad["loc_actual"],
                reported="actual_raw", expected="target_raw",
                times=[P.fmt(round(b / a, 2)) for a, b in zip(bad["a"], bad["b"])])


# --- "其中…" rows that break an item down ---------------------------------------------------
def _parts(batch):
    """Each item with 其中 rows, its own A and B and the sums of its parts' (in base units)."""
    i = batch.indicators
    parts = i[i["part_of"] > 0]
    if parts.empty:
        return parts.assign(a_sum=[], b_sum=[], n=[], b_n=[], a_dec=[], b_dec=[], names=[])
    countable = ~parts["target_kind"].isin(["percent"]) & parts["a"].notna()
    g = parts[countable].groupby(["project_id", "part_of"]).agg(
        a_sum=("a", "sum"), b_sum=("b", "sum"), n=("a", "size"), b_n=("b", "count"),
        names=("name", "、".join), a_dec=("target_dec", "max"), b_dec=("actual_dec", "max"))
    whole = i[(i["part_of"] == 0) & i["a"].notna() & (i["target_kind"] != "percent")]
    both = whole.merge(g.reset_index(), left_on=["project_id", "seq"], right_on=["project_id", "part_of"],
                       suffixes=("", "_p"))
    n_parts = parts.groupby(["project_id", "part_of"]).size().rename("all_parts").reset_index()
    both = both.merge(n_parts, left_on=["project_id", "seq"], right_on=["project_id", "part_of"], suffixes=("", "_n"))
    return both[both["n"] == both["all_parts"]]   # every part a number: otherwise nothing to add


def _parts_hits(both, side: str, cmp):
    col, total, dec = ("a", "a_sum", "a_dec") if side == "target" else ("b", "b_sum", "b_dec")
    lo, hi = P.input_interval(both[total], both[dec])
    w_lo, w_hi = P.input_interval(both[col], both[f"{side}_dec"])
    bad = both[cmp(lo, hi, w_lo, w_hi)]
    if side == "actual":
        bad = bad[bad["b_n"] == bad["n"]]
    scale = bad["target_scale"].where(bad["target_scale"] > 0, 1.0)
    return hits(bad, section=section_of(bad), indicator="name", location=bad[f"loc_{side}"],
                reported=(bad[total] / scale).map(lambda x: P.fmt(round(x, 6))), expected=bad[f"{side}_raw"],
                parts=bad["names"], side="指标值" if side == "target" else "实际值",
                side_en="targets" if side == "target" else "actuals")


@rule("IND.PARTS_EXCEED", "error",
      "“其中”各项（{parts}）的{side}合计 {reported}，超过该指标的{side} {expected}",
      "The 其中 rows ({parts}) add up to {reported} {side_en}, more than the item's {expected}")
def parts_exceed(batch):
    """The "其中…" rows under an item add up to more than the item itself (target or actual).
    """
    both = _parts(batch)
    over = lambda lo, hi, w_lo, w_hi: P.apart_above(lo, w_hi)  # noqa: E731
    return pd.concat([_parts_hits(both, side, over) for side in ("target", "actual")], ignore_index=True)


@rule("IND.PARTS_SHORT", "warning",
      "“其中”各项（{parts}）的{side}合计 {reported}，少于该指标的{side} {expected}，分项不全或数字有误",
      "The 其中 rows ({parts}) add up to {reported} {side_en}, less than the item's {expected}")
def parts_short(batch):
    """The "其中…" rows under an item add up to less than the item (a breakdown left incomplete,
    or a figure wrong).
    """
    both = _parts(batch)
    under = lambda lo, hi, w_lo, w_hi: P.apart_below(hi, w_lo)  # noqa: E731
    return pd.concat([_parts_hits(both, side, under) for side in ("target", "actual")], ignore_index=True)


@rule("IND.MISSED_NO_REASON", "warning",
      "实际值 {reported} 未达到指标值 {expected}，但“未完成原因”未填写",
      "Actual {reported} misses the target {expected} with no reason given", kinds=("selfeval",))
def missed_no_reason(batch):
    """Forms without a 得分 column (绩效目标自评表): an actual that misses its target, with the
    form's 未完成原因 / 偏差原因 column left empty.
    """
    i = batch.indicators
    p = batch.by_project
    no_score = ~i["project_id"].map(p["has_score_column"]).fillna(True).astype(bool)
    has_reason = i["project_id"].map(p["has_reason_column"]).fillna(False).astype(bool)
    quant_missed = i["mode"].isin(QUANT) & P.exceeds(1.0, i["ratio"]) & ~P.ties(
        i["b_lo"], i["b_hi"], i["a_lo"], i["a_hi"])
    tier_missed = i["actual_tier"].fillna(1) > 1
    bad = i[no_score & has_reason & (quant_missed | tier_missed) & (i["part_of"] == 0)
            & i["note"].str.strip().isin(["", "—", "-", "/", "无"])]
    return hits(bad, section=section_of(bad), indicator="name", location=bad["loc_actual"],
                reported="actual_raw", expected="target_raw")
