"""TEXT: what the words of a rubric say against the score written beside them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from checker import precision as P
from checker import textcalc as T
from checker.derived import each_distinct
from rules import hits, rule, section_of

TEXT_COLUMNS = ["project_id", "level1", "level2", "name", "loc", "loc_score", "weight", "score", "score_table_dec",
                "review", "review_table_dec", "loc_review", "due_deduction", "words_deduction", "due_stated",
                "words_stated", "due_satisfaction", "words_satisfaction"]


def _rows(batch) -> pd.DataFrame:
    """Rows with a weight and a score or 复核分 (the columns the TEXT rules read; once per batch)."""
    return batch.once(_scored_rows)


def _scored_rows(batch) -> pd.DataFrame:
    i = batch.indicators
    return i.loc[i["weight"].notna() & (i["score"].notna() | i["review"].notna()), TEXT_COLUMNS]


def _disagrees(rows: pd.DataFrame, col: str, due: pd.Series) -> np.ndarray:
    lo, hi = P.reported(rows[col], rows[f"{col}_table_dec"])
    return ~P.ties(lo, hi, due, due) | rows[col].isna().to_numpy()


def _mismatch(rows: pd.DataFrame, due: pd.Series) -> pd.Series:
    """The words agree with neither score.  Where a form has both 自评分 and 复核分, whose score
    the 扣分说明 explains is not marked (the reviewer's, mostly; sometimes the unit's): the words
    matching either is not a contradiction, and the change itself is IND.REVIEW_DIFFERS."""
    return pd.Series(_disagrees(rows, "score", due) & _disagrees(rows, "review", due), index=rows.index)


def _text_hits(bad, due, words, **extra):
    """Reported against the final score: the 复核分 where there is one."""
    reviewed = bad["review"].notna()
    final = bad["review"].where(reviewed, bad["score"])
    where = bad["loc_score"].where(bad["loc_score"] != "", bad["loc"]).where(~reviewed, bad["loc_review"])
    return hits(bad, section=section_of(bad), indicator="name", location=where,
                reported=final.map(P.fmt), expected=due.map(lambda x: P.fmt(round(x, 4))),
                weight=bad["weight"].map(P.fmt), words=words, **extra)


def _due_hits(batch, column):
    r = _rows(batch)
    r = r[r[column].notna()]
    bad = r[_mismatch(r, r[column])]
    return _text_hits(bad, bad[column], bad[column.replace("due_", "words_")])


@rule("TEXT.DEDUCTION", "error",
      "评分说明写明“{words}”，分值 {weight} 扣减后应得 {expected} 分，实际填报 {reported} 分",
      "The explanation says '{words}': {weight} less the deductions is {expected}, but {reported} is scored")
def deduction(batch):
    """评分说明 "扣X分" (several add up; "扣完为止" floors at 0) ⇒ 得分 = 分值 − ΣX.
    """
    return _due_hits(batch, "due_deduction")


@rule("TEXT.STATED_SCORE", "error",
      "评分说明写明“{words}”，但得分填报为 {reported}",
      "The explanation says '{words}' but {reported} is scored")
def stated_score(batch):
    """评分说明 "计N分" / "得N分" (one stated score, no deduction) ⇒ 得分 = N.
    """
    return _due_hits(batch, "due_stated")


@rule("TEXT.CRITERIA_POINTS", "warning",
      "评分标准所列各项分数（{words}）合计 {reported} 分，与该指标分值 {expected} 不符",
      "The scoring standard awards {reported} points in all ({words}), not the weight {expected}")
def criteria_points(batch):
    """The points a 评分标准 lists ("得2分 … 得1分") do not add up to the row's 分值.
    """
    ind = batch.indicators
    i = ind.loc[ind["weight"].notna() & ~ind["bonus"], ["project_id", "level1", "level2", "name", "loc", "weight",
                                                         "method"]]
    parsed = each_distinct(i["method"], T.criteria_points)
    i = i[parsed.notna()]
    parsed = parsed[i.index]
    total = parsed.map(lambda p: p[0])
    bad = i[P.differs(total, i["weight"])]
    return hits(bad, section=section_of(bad), indicator="name", location="loc",
                reported=total[bad.index].map(P.fmt), expected=bad["weight"].map(P.fmt),
                words=parsed[bad.index].map(lambda p: "、".join(p[1])))


@rule("TEXT.ARITHMETIC", "error",
      "文字中的计算不成立：“{words}”，按所列数字应为 {expected}{unit}，文中写 {reported}{unit}",
      "Stated arithmetic does not hold: '{words}' gives {expected}{unit}, the text says {reported}{unit}")
def arithmetic(batch):
    """Arithmetic stated in the text, recomputed: "询问60位, 满意51人, 满意度85%",
    "2400元/人 × 160人 = 38.4万元", "345万元 + 1587.88万元 = 1932.88万元".
    """
    i = batch.indicators
    rows = []
    claims = {}   # the same words recur across rows and forms: each text read once
    for idx, note, method in zip(i.index, i["note"], i["method"]):
        for text in (note, method if "=" in method else ""):
            if text not in claims:
                claims[text] = T.claims(text)
        for c in claims[note] + claims[method if "=" in method else ""]:
            lo, hi = P.reported(np.array([c.stated]), np.array([c.decimals]))
            if not P.ties(lo, hi, np.array([c.computed]), np.array([c.computed]))[0]:
                rows.append((idx, c))
    if not rows:
        return hits(i.iloc[0:0])
    return _claim_hits(i.loc[[idx for idx, _ in rows]], [c for _, c in rows], section_of, "name", "loc")


@rule("TEXT.NARRATIVE", "warning",
      "报告正文中的计算不成立：“{words}”，按所列数字应为 {expected}{unit}，文中写 {reported}{unit}",
      "The report's prose does not add up: '{words}' gives {expected}{unit}, the text says {reported}{unit}")
def narrative(batch):
    """Figures a report states in the paragraphs above its table ("实际下达预算2596万元，全年度实际总支出
    2595.6208万元，项目预算执行率99%"), recomputed as TEXT.ARITHMETIC does a table's text.  A warning:
    the table's own figures are what is scored.
    """
    p = batch.projects
    prose = [(idx, c) for idx, text in zip(p.index, p["narrative"]) if text for c in T.claims(text) if _fails(c)]
    if not prose:
        return hits(p.iloc[0:0])
    return _claim_hits(p.loc[[idx for idx, _ in prose]], [c for _, c in prose], lambda b: "", "", "narrative_loc")


def _fails(c) -> bool:
    lo, hi = P.reported(np.array([c.stated]), np.array([c.decimals]))
    return not P.ties(lo, hi, np.array([c.computed]), np.array([c.computed]))[0]


def _claim_hits(bad, cl, section, indicator, location):
    return hits(bad, section=section(bad), indicator=indicator, location=location,
                reported=[P.fmt(c.stated) for c in cl], expected=[P.fmt(round(c.computed, max(c.decimals, 2))) for c in cl],
                words=[c.words for c in cl], unit=[c.unit for c in cl])


@rule("TEXT.SATISFACTION", "error",
      "按评分标准“{words}”，应得 {expected} 分，实际填报 {reported} 分",
      "By the rule '{words}' the score is {expected}, but {reported} is scored")
def satisfaction(batch):
    """Satisfaction rules ("90%得满分，每低1个百分点扣0.2分") recomputed from the stated rate.
    """
    return _due_hits(batch, "due_satisfaction")


# --- the 年度总体目标 text: a total and its 其中 parts ---------------------------------------
def _breakdowns(batch):
    """Each goal text's total against the sum of its parts, with the share of the total it
    misses by (narrative figures: a slip under the profile's tolerance is minor)."""
    p = batch.projects
    rows = []
    for pid, loc, goal, actual in zip(p["project_id"], p["loc"], p["goal"], p["goal_actual"]):
        for label, text in (("年度目标", goal), ("实际完成情况", actual)):
            for c in T.breakdowns(text):
                lo, hi = P.reported(np.array([c.stated]), np.array([c.decimals]))
                parts_lo, parts_hi = P.reported(np.array([c.computed]), np.array([c.decimals]))
                if P.ties(lo, hi, parts_lo, parts_hi)[0]:
                    continue
                share = abs(c.computed - c.stated) / c.stated if c.stated else 1.0
                rows.append({"project_id": pid, "section": label, "location": loc, "reported": P.fmt(c.stated),
                             "expected": P.fmt(round(c.computed, max(c.decimals, 2))), "words": c.words,
                             "unit": c.unit, "share": share})
    return pd.DataFrame(rows, columns=["project_id", "section", "location", "reported", "expected", "words", "unit",
                                       "share"])


def _breakdown_hits(df):
    return hits(df, section="section", indicator="", location="location", reported="reported", expected="expected",
                words="words", unit="unit", share=df["share"].map(lambda x: f"{x:.2%}" if x < 0.01 else f"{x:.1%}"))


@rule("TEXT.BREAKDOWN", "error",
      "{section}文字所列“{words}”：各项合计 {expected}{unit}，与所写总额 {reported}{unit}不符（相差 {share}）",
      "{section}: '{words}' — the parts add up to {expected}{unit}, not the stated {reported}{unit} ({share} apart)")
def breakdown(batch):
    """A total in the goal text whose "其中" parts do not add up to it, by more than the profile's
    narrative tolerance (1% of the total by default).
    """
    b = _breakdowns(batch)
    return _breakdown_hits(b[b["share"] >= batch.profile.narrative_tolerance])


@rule("TEXT.BREAKDOWN_MINOR", "warning",
      "{section}文字所列“{words}”：各项合计 {expected}{unit}，与所写总额 {reported}{unit}略有出入（相差 {share}）",
      "{section}: '{words}' — the parts add up to {expected}{unit}, slightly off the stated {reported}{unit} ({share})")
def breakdown_minor(batch):
    """As TEXT.BREAKDOWN, where the parts miss the total by less than the narrative tolerance
    (a slip in a figure, worth correcting, not a contradiction in the accounts).
    """
    b = _breakdowns(batch)
    return _breakdown_hits(b[b["share"] < batch.profile.narrative_tolerance])
