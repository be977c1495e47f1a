"""TARGET: performance target tables (绩效目标表) — measurable, complete, consistent with funds."""

from __future__ import annotations

import re

import pandas as pd

from checker import precision as P
from checker.lexicon import LEXICON
from rules import hits, rule, section_of

_TEMPLATE = LEXICON.section("taxonomy")["national_2020"]
OUTPUT_KINDS = list(_TEMPLATE["measurable"])          # 数量 / 质量 / 时效: a number, a rate or a deadline
SATISFACTION = "满意度指标"                            # the level-1 whose indicators need a rate
# Categories a target table fills: each level-2 under 产出, any indicator under 效益 and 满意度.
REQUIRED = [(l1, l2) for l1, l2s in _TEMPLATE["required"].items() for l2 in (l2s or [None])]
TIME_WORDS = LEXICON.words("date_words", "time_limit")   # a deadline said in words ("工作日内", "月底")


TARGET = ("target",)   # the kind every rule here applies to: the engine shows them target tables only


def _targets(batch) -> pd.DataFrame:
    return batch.indicators


@rule("TARGET.GOAL_EMPTY", "error",
      "目标表未填写年度目标",
      "The target table has no annual goal (年度目标)", kinds=TARGET)
def goal_empty(batch):
    """An empty 年度目标 (in a table whose header block was read: an indicator sheet on its own,
    with no 项目名称 above it, has no goal block to fill).
    """
    p = batch.projects
    bad = p[(p["goal"].str.strip() == "") & p["has_header"]]
    return hits(bad, section="年度目标", indicator="", location="loc", reported="", expected="年度目标")


@rule("TARGET.CATEGORY_EMPTY", "warning",
      "“{section}”下没有设置任何指标",
      "No indicator under '{section}'", kinds=TARGET)
def category_empty(batch):
    """A category of indicators (数量/质量/时效/成本, 效益, 满意度; or a printed heading
    such as 经济效益指标) with no indicator, reported once per table.
    """
    i = _targets(batch)
    named = i[i["name"] != ""]
    # A table none of whose indicators was read is not judged category by category (PARSE says why).
    p = batch.projects[batch.projects["project_id"].isin(named["project_id"])]
    have2 = set(zip(named["project_id"], named["level2"]))
    have1 = set(zip(named["project_id"], named["level1"]))
    s = batch.sections
    s = s[s["project_id"].isin(p["project_id"]) & (s["level"] == 2)]
    printed = {pid: list(zip(g["name"], g["loc"])) for pid, g in s.groupby("project_id", sort=False)}
    rows = []
    for pid, loc in zip(p["project_id"], p["loc"]):
        empty = {n: where for n, where in printed.get(pid, []) if (pid, n) not in have2}
        for l1, l2 in REQUIRED:
            if l2 and (pid, l2) not in have2:
                empty.setdefault(l2, loc)
            if l2 is None and (pid, l1) not in have1:
                empty.setdefault(l1, loc)
        rows += [{"project_id": pid, "section": n, "location": where} for n, where in empty.items()]
    df = pd.DataFrame(rows, columns=["project_id", "section", "location"])
    return hits(df, section="section", indicator="", location="location", reported="（空）", expected="至少一项指标")


def _vague(value: str, kind: str, level2: str) -> bool:
    if kind in ("quantity", "percent", "date"):
        return False
    if re.search(r"\d", value):
        return False
    return not (level2 == "时效指标" and any(w in value for w in TIME_WORDS))


@rule("TARGET.NOT_MEASURABLE", "warning",
      "{section}“{indicator}”的指标值为“{reported}”，应设置可衡量的数值、比率或时限",
      "{section} '{indicator}' is '{reported}': it needs a number, a rate or a deadline", kinds=TARGET)
def not_measurable(batch):
    """数量/质量/时效 indicators need a number, a percentage or a date, and a 满意度 indicator a rate;
    vague phrases ("效果显著", "方便快捷", "明显提升") or a blank value there are warnings.
    """
    i = _targets(batch)
    i = i[(i["level2"].isin(OUTPUT_KINDS) | (i["level1"] == SATISFACTION)) & (i["name"] != "")]
    vague = pd.Series([_vague(v, k, lv2) for v, k, lv2 in zip(i["target_raw"], i["target_kind"], i["level2"])],
                      index=i.index, dtype=bool)
    bad = i[vague]
    where = bad["loc_target"].where(bad["loc_target"] != "", bad["loc"])
    return hits(bad, section=section_of(bad), indicator="name", location=where,
                reported=bad["target_raw"].where(bad["target_raw"] != "", "（空）"), expected="数值/比率/时限")


@rule("TARGET.COST_NO_NUMBER", "warning",
      "成本指标“{indicator}”的指标值为“{reported}”，未给出金额，无法与预算核对",
      "Cost indicator '{indicator}' is '{reported}': no amount to check against the budget", kinds=TARGET)
def cost_no_number(batch):
    """A cost indicator with no amount ("控制在预算内", or blank).
    """
    i = _targets(batch)
    bad = i[(i["level2"] == "成本指标") & (i["name"] != "") & i["target_num"].isna()]
    return hits(bad, section="成本指标", indicator="name", location=bad["loc_target"].where(bad["loc_target"] != "", bad["loc"]),
                reported=bad["target_raw"].where(bad["target_raw"] != "", "（空）"), expected="金额")


@rule("TARGET.NO_OPERATOR", "info",
      "指标值“{reported}”未写明≥、≤或=，考核时难以判断是否达标",
      "Target '{reported}' has no ≥, ≤ or =: unclear what counts as met", kinds=TARGET)
def no_operator(batch):
    """A numeric target without an operator ("1.4个工作日", "4次").
    """
    i = _targets(batch)
    bad = i[(i["target_kind"] == "quantity") & (i["target_op"] == "") & i["target_num"].notna()
            & i["level2"].isin(OUTPUT_KINDS + ["成本指标"])]
    return hits(bad, section=section_of(bad), indicator="name", location=bad["loc_target"],
                reported="target_raw", expected="≥ / ≤ / =")


@rule("TARGET.DERIVED_MISMATCH", "warning",
      "{formula} = {reported} 元，与金额指标及年度资金（{expected}）均不一致",
      "{formula} = {reported} 元 matches neither the stated amounts nor the funds ({expected})", kinds=TARGET)
def derived_mismatch(batch):
    """Count × rate × period cannot reproduce any stated amount.
    """
    d = batch.derived_amounts
    bad = d[~d["ties"].astype(bool)]
    return hits(bad, section="成本指标", indicator="", location="loc", reported=bad["derived"].map(P.fmt),
                expected="amounts", formula="formula")
