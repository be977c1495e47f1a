"""CAP: no score above its ceiling — item weight, section weight, 100."""

from __future__ import annotations

import pandas as pd

from checker import precision as P
from checker import textcalc as T
from checker.derived import each_distinct
from rules import hits, rule, section_of


@rule("CAP.ITEM_SCORE", "error",
      "得分 {reported} 超过该指标分值 {expected}（得分一档最高不能超过该指标分值上限）",
      "Score {reported} exceeds the indicator's weight {expected}")
def item_score(batch):
    """An indicator scored above its own 分值.
    """
    over, granted = _over_weight(batch)
    bad = over[~granted]
    return hits(bad, section=section_of(bad), indicator="name", location="loc_score",
                reported=bad["score"].map(P.fmt), expected=bad["weight"].map(P.fmt))


def _over_weight(batch):
    """Items scored above their 分值, and whether their own rule grants the extra ("最多加2分")."""
    i = batch.indicators
    over = i[i["score"].notna() & i["weight"].notna() & ~i["bonus"] & P.exceeds(i["score"], i["weight"])]
    extra = each_distinct(over["method"], T.bonus_allowance).astype(float)
    granted = extra.notna() & ~P.exceeds(over["score"], over["weight"] + extra.fillna(0))
    return over.assign(extra=extra), granted


@rule("CAP.ITEM_BONUS", "warning",
      "得分 {reported} 超过该指标分值 {expected}，评分标准写有加分（至多加 {extra} 分），请核对加分依据",
      "Score {reported} is above the weight {expected}; the rule grants up to {extra} extra: check the grounds")
def item_bonus(batch):
    """An item scored above its 分值 within the extra points its own rule grants ("正面批示一个加1分，
    最多加2分"): not an error, but the grounds for the bonus are for the reviewer to see.
    """
    over, granted = _over_weight(batch)
    ok = over[granted]
    return hits(ok, section=section_of(ok), indicator="name", location="loc_score", reported=ok["score"].map(P.fmt),
                expected=ok["weight"].map(P.fmt), extra=ok["extra"].map(P.fmt))


@rule("CAP.SECTION_SCORE", "error",
      "“{section}”标明 {expected} 分，其下指标得分合计 {reported} 分，超过该项分值",
      "'{section}' is worth {expected} but its items score {reported}")
def section_score(batch):
    """The scores under a heading add up to more than the weight the heading declares.
    """
    ind = batch.indicators
    i = ind.loc[~ind["bonus"] & (ind["part_of"] == 0), ["project_id", "level1", "level2", "score"]]
    s = batch.sections[batch.sections["weight"].notna()]
    l2 = i.groupby(["project_id", "level1", "level2"])["score"].sum().rename("sum_s").reset_index()
    l1 = i.groupby(["project_id", "level1"])["score"].sum().rename("sum_s").reset_index()
    l0 = i.groupby("project_id")["score"].sum().rename("sum_s").reset_index()   # 年度绩效目标: every item
    a = s[s["level"] == 2].merge(l2, left_on=["project_id", "parent", "name"], right_on=["project_id", "level1", "level2"])
    b = s[s["level"] == 1].merge(l1, left_on=["project_id", "name"], right_on=["project_id", "level1"])
    c = s[s["level"] == 0].merge(l0, on="project_id")
    both = pd.concat([a, b, c], ignore_index=True)
    bad = both[P.exceeds(both["sum_s"], both["weight"])]
    return hits(bad, section="name", indicator="", location="loc",
                reported=bad["sum_s"].map(lambda x: P.fmt(round(x, 6))), expected=bad["weight"].map(P.fmt))


@rule("CAP.TOTAL_SCORE", "error",
      "总分 {reported} 超过满分 {expected}（含加分项在内总分亦不得超过 {expected} 分）",
      "Total score {reported} exceeds the maximum {expected}")
def total_cap(batch):
    """总分 above 100 (even with 加分项).
    """
    p = batch.projects
    cap = batch.profile.total_cap
    bad = p[p["total_score"].notna() & P.exceeds(p["total_score"], cap)]
    return hits(bad, section="总分", indicator="", location=bad["total_loc"].where(bad["total_loc"] != "", bad["loc"]),
                reported=bad["total_score"].map(P.fmt), expected=P.fmt(cap))


@rule("CAP.BONUS", "error",
      "加分项得分 {reported} 超过其最高分 {expected}",
      "Bonus score {reported} exceeds its stated maximum {expected}")
def bonus_cap(batch):
    """A 加分项 scored above its own maximum ("最高得4分", else its 分值).
    """
    i = batch.indicators[batch.indicators["bonus"] & batch.indicators["score"].notna()]
    stated = each_distinct(i["method"], T.bonus_maximum).astype(float)
    cap = stated.where(stated.notna(), i["weight"])
    bad = i[cap.notna() & P.exceeds(i["score"], cap)]
    return hits(bad, section="加分项", indicator="name", location="loc_score",
                reported=bad["score"].map(P.fmt), expected=cap[bad.index].map(P.fmt))
