"""IND: each indicator's score against the formula, the tier band and its weight."""

from __future__ import annotations

import numpy as np

from checker import precision as P
from rules import hits, rule


def section_of(df):
    return df["level2"].where(df["level2"] != "", df["level1"])


def _score_hits(bad, **extra):
    return hits(bad, section=section_of(bad), indicator="name", location=bad["loc_score"].where(bad["loc_score"] != "", bad["loc"]),
                reported=bad["score"].map(P.fmt),
                expected=[P.fmt_interval(lo, hi) for lo, hi in zip(bad["expected_lo"], bad["expected_hi"])],
                weight=bad["weight"].map(P.fmt), target=bad["target_raw"], actual=bad["actual_raw"],
                basis=bad["basis"], **extra)


QUANT = ["pos", "neg", "eq"]


@rule("IND.OVERSCORE", "error",
      "得分 {reported} 高于按公式计算的 {expected}（{basis}；指标值 {target}，实际值 {actual}），自评得分虚高",
      "Score {reported} exceeds the formula's {expected} ({basis}; target {target}, actual {actual})")
def overscore(batch):
    """Score above 分值 × B/A (or A/B for ≤ targets) beyond the precision the form shows.

    Fails: 分值 5, A ≥15台, B 7, 得分 3 (formula 2.33).   Passes: 得分 2.33.
    """
    i = batch.indicators
    return _score_hits(i[i["mode"].isin(QUANT) & (i["verdict"] == "over")])


@rule("IND.UNDERSCORE", "warning",
      "得分 {reported} 低于按公式计算的 {expected}（{basis}；指标值 {target}，实际值 {actual}），少计了得分",
      "Score {reported} below the formula's {expected} ({basis}; target {target}, actual {actual})")
def underscore(batch):
    """Score below the formula beyond the form's precision (under-scoring).

    Fails: 分值 5, A ≥300000, B 150000, 得分 2 (formula 2.5).   Passes: 得分 2.5.
    """
    i = batch.indicators
    return _score_hits(i[i["mode"].isin(QUANT) & (i["verdict"] == "under")])


@rule("IND.TIER_ABOVE_BAND", "error",
      "定性指标实际为“{actual}”，得分应在 {expected} 之间，填报 {reported} 超出档次上限",
      "Qualitative result '{actual}' allows {expected}; score {reported} is above the band")
def tier_above(batch):
    """A qualitative score above the band of its tier (达成/部分达成/未达成).

    Fails: 分值 10, 实际 部分达成预期指标, 得分 9 (band 5~8).   Passes: 得分 7.
    """
    i = batch.indicators
    return _score_hits(i[i["mode"].isin(["tier", "same"]) & (i["verdict"] == "over")])


@rule("IND.TIER_BELOW_BAND", "warning",
      "定性指标实际为“{actual}”，得分应在 {expected} 之间，填报 {reported} 低于档次下限",
      "Qualitative result '{actual}' allows {expected}; score {reported} is below the band")
def tier_below(batch):
    """A qualitative score below the band of its tier.

    Fails: 分值 10, 实际 达成预期指标, 得分 6 (band 8~10).   Passes: 得分 9.
    """
    i = batch.indicators
    return _score_hits(i[i["mode"].isin(["tier", "same"]) & (i["verdict"] == "under")])


@rule("IND.FULL_MARKS_MISSED", "warning",
      "实际值 {actual} 未达到指标值 {target}，却得满分 {reported}（按公式 {expected}）",
      "Full marks {reported} although actual {actual} misses target {target} (formula {expected})")
def full_marks_missed(batch):
    """Full marks while B misses A, within the form's rounding (so not already over-scoring).

    Fails: 分值 10, A ≥100, B 99.9, 得分 10.   Passes: B 100.
    """
    i = batch.indicators
    full = np.round(i["score"] - i["weight"], 9) == 0
    missed = i["mode"].isin(QUANT) & (np.round(i["ratio"], 9) < 1)
    return _score_hits(i[full & missed & (i["verdict"] != "over")])


@rule("IND.MISSING_SCORE", "error",
      "指标“{indicator}”缺少{what}，无法核算",
      "Indicator '{indicator}' has no readable {what_en}")
def missing_score(batch):
    """An indicator with a target or actual but no readable 分值 or 得分, where the form has that
    column (a form without a 分值 column takes its weights from the headings).  The last row of a
    table that stops early is cut, not missing; "其中…" rows break an item down and carry none.

    Fails: 申请流程合规性 | 合规 | 达成预期指标 | (blank) | (blank).   Passes: … | 10 | 10.
    """
    i = batch.indicators
    p = batch.projects.set_index("project_id")
    has_w = i["project_id"].map(p["has_weight_column"]).fillna(False).astype(bool)
    has_s = i["project_id"].map(p["has_score_column"]).fillna(False).astype(bool)
    last = i["seq"] == i.groupby("project_id")["seq"].transform("max")
    cut = last & ~i["project_id"].map(p["complete"]).fillna(True).astype(bool)
    has_values = (i["target_raw"] != "") | (i["actual_raw"] != "")
    no_w, no_s = i["weight"].isna() & has_w, i["score"].isna() & has_s
    bad = i[has_values & (no_w | no_s) & ~i["bonus"] & (i["part_of"] == 0) & ~cut & (i["form_kind"] != "target")]
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

    Fails: A 100%, B 达成预期指标.   Passes: A 100%, B 100%.
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

    Fails: 分值 10, 得分 7, 偏差原因 (blank).   Passes: 偏差原因 "由于即将搬迁办公区…".
    """
    i = batch.indicators
    below = i["score"].notna() & i["weight"].notna() & P.below(i["score_hi"], i["weight"])
    has_column = i["project_id"].map(batch.projects.set_index("project_id")["has_reason_column"]).fillna(True)
    bad = i[below & ~i["bonus"] & (i["part_of"] == 0) & has_column.astype(bool)
            & (i["note"].str.strip().isin(["", "—", "-", "/", "无"]))]
    return hits(bad, section=section_of(bad), indicator="name", location=bad["loc_score"],
                reported=bad["score"].map(P.fmt), expected=bad["weight"].map(P.fmt))


@rule("IND.TARGET_TOO_LOW", "info",
      "实际值 {reported} 达到指标值 {expected} 的 {times} 倍，目标值可能设定偏低",
      "Actual {reported} is {times}× the target {expected}: the target may be set too low")
def target_too_low(batch):
    """B ≥ 1.2 × A on a 正向 indicator: reviewers ask whether the target was set too low.

    Fails: A ≥8次, B 13.   Passes: A ≥8次, B 9.
    """
    i = batch.indicators
    k = batch.profile.target_too_low_ratio
    bad = i[(i["mode"] == "pos") & (i["a"] > 0) & (i["b"] >= k * i["a"])]
    return hits(bad, section=section_of(bad), indicator="name", location=bad["loc_actual"],
                reported="actual_raw", expected="target_raw",
                times=[P.fmt(round(b / a, 2)) for a, b in zip(bad["a"], bad["b"])])
