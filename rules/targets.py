"""TARGET: performance target tables (绩效目标表) — measurable, complete, consistent with funds."""

from __future__ import annotations

import re

import pandas as pd

from checker import precision as P
from rules import hits, rule
from rules.crossref import _unit_label
from rules.indicators import section_of

OUTPUT_KINDS = ["数量指标", "质量指标", "时效指标"]
REQUIRED = [("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标"), ("产出指标", "成本指标"),
            ("满意度指标", None), ("效益指标", None)]
TIME_WORDS = ("当天", "当日", "即时", "实时", "期末", "季末", "月底", "月末", "年底", "年末", "按月", "按季", "工作日",
              "小时", "天内", "日内", "及时")


def _targets(batch) -> pd.DataFrame:
    i = batch.indicators
    return i[i["form_kind"] == "target"]


@rule("TARGET.GOAL_EMPTY", "error",
      "目标表未填写年度目标",
      "The target table has no annual goal (年度目标)")
def goal_empty(batch):
    """An empty 年度目标.

    Fails: 年度目标 | (blank).   Passes: 年度目标 | 完成全县政务服务线上办件…
    """
    p = batch.projects
    bad = p[(p["kind"] == "target") & (p["goal"].str.strip() == "")]
    return hits(bad, section="年度目标", indicator="", location="loc", reported="", expected="年度目标")


@rule("TARGET.CATEGORY_EMPTY", "warning",
      "“{section}”下没有设置任何指标",
      "No indicator under '{section}'")
def category_empty(batch):
    """A category of indicators (数量/质量/时效/成本, 效益, 满意度; or a printed heading
    such as 经济效益指标) with no indicator, reported once per table.

    Fails: 生态效益指标 | (no rows).   Passes: 生态效益指标 | 节能降耗 | ≥5%.
    """
    p = batch.projects[batch.projects["kind"] == "target"]
    i = _targets(batch)
    named = i[i["name"] != ""]
    have2 = set(zip(named["project_id"], named["level2"]))
    have1 = set(zip(named["project_id"], named["level1"]))
    s = batch.sections[batch.sections["project_id"].isin(p["project_id"])]
    rows = []
    for pid, loc in zip(p["project_id"], p["loc"]):
        printed = s[(s["project_id"] == pid) & (s["level"] == 2)]
        empty = {n: l for n, l in zip(printed["name"], printed["loc"]) if (pid, n) not in have2}
        for l1, l2 in REQUIRED:
            if l2 and (pid, l2) not in have2:
                empty.setdefault(l2, loc)
            if l2 is None and (pid, l1) not in have1:
                empty.setdefault(l1, loc)
        rows += [{"project_id": pid, "section": n, "location": l} for n, l in empty.items()]
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
      "{section} '{indicator}' is '{reported}': it needs a number, a rate or a deadline")
def not_measurable(batch):
    """数量/质量/时效 indicators need a number, a percentage or a date; vague phrases
    ("效果显著", "方便快捷") or a blank value there are warnings.

    Fails: 质量指标 | 安康码应用 | 方便快捷.   Passes: 质量指标 | 安康码申诉处理率 | 100%.
    """
    i = _targets(batch)
    i = i[i["level2"].isin(OUTPUT_KINDS) & (i["name"] != "")]
    vague = pd.Series([_vague(v, k, l) for v, k, l in zip(i["target_raw"], i["target_kind"], i["level2"])],
                      index=i.index, dtype=bool)
    bad = i[vague]
    return hits(bad, section=section_of(bad), indicator="name", location=bad["loc_target"].where(bad["loc_target"] != "", bad["loc"]),
                reported=bad["target_raw"].where(bad["target_raw"] != "", "（空）"), expected="数值/比率/时限")


@rule("TARGET.COST_NO_NUMBER", "warning",
      "成本指标“{indicator}”的指标值为“{reported}”，未给出金额，无法与预算核对",
      "Cost indicator '{indicator}' is '{reported}': no amount to check against the budget")
def cost_no_number(batch):
    """A cost indicator with no amount ("控制在预算内", or blank).

    Fails: 成本指标 | 各项费用支出 | 控制在预算内.   Passes: 成本指标 | 项目经费 | ≤80万元.
    """
    i = _targets(batch)
    bad = i[(i["level2"] == "成本指标") & (i["name"] != "") & i["target_num"].isna()]
    return hits(bad, section="成本指标", indicator="name", location=bad["loc_target"].where(bad["loc_target"] != "", bad["loc"]),
                reported=bad["target_raw"].where(bad["target_raw"] != "", "（空）"), expected="金额")


@rule("TARGET.NO_OPERATOR", "info",
      "指标值“{reported}”未写明≥、≤或=，考核时难以判断是否达标",
      "Target '{reported}' has no ≥, ≤ or =: unclear what counts as met")
def no_operator(batch):
    """A numeric target without an operator ("1.4个工作日", "4次").

    Fails: 时效指标 | 办结时限 | 1.4个工作日.   Passes: ≤1.4个工作日.
    """
    i = _targets(batch)
    bad = i[(i["target_kind"] == "quantity") & (i["target_op"] == "") & i["target_num"].notna()
            & i["level2"].isin(OUTPUT_KINDS + ["成本指标"])]
    return hits(bad, section=section_of(bad), indicator="name", location=bad["loc_target"],
                reported="target_raw", expected="≥ / ≤ / =")


def money_in_wan(i: pd.DataFrame, unit: pd.Series | float = 1e4) -> pd.Series:
    """Money targets in the funds' unit (万元 as a rule): 744000元 → 74.4; ≤61万元 → 61; 361800元/年 → 36.18."""
    money = (i["target_kind"] == "quantity") & (i["target_unit"] == "元") & i["target_per"].isin(["", "/年"])
    return (i["target_num"] * i["target_scale"] / unit).where(money)


def _fund_unit(batch, i: pd.DataFrame) -> pd.Series:
    return i["project_id"].map(batch.projects.set_index("project_id")["fund_scale"]).fillna(1e4)


@rule("TARGET.AMOUNT_TIES", "info",
      "金额指标 {reported} 折合 {wan} {unit}，与年度资金总额 {expected} {unit}一致",
      "Amount {reported} = {wan} {unit} ties with the annual funds {expected} {unit}")
def amount_ties(batch):
    """A money target that equals the annual funds after unit normalisation (744000元 = 74.40万元).

    Fails: (reported as info) 744000元 with funds 74.40.   Passes: (silent) 744000元 with funds 80.00.
    """
    i = _targets(batch)
    wan = money_in_wan(i, _fund_unit(batch, i))
    total = i["project_id"].map(batch.project_funds("total")["budget"])
    dec = i["project_id"].map(batch.project_funds("total")["budget_dec"]).fillna(0)
    lo, hi = P.reported(total, dec)
    tie = wan.notna() & total.notna() & P.ties(lo, hi, wan, wan)
    bad = i[tie]
    return hits(bad, section=section_of(bad), indicator="name", location="loc_target", reported="target_raw",
                expected=total[bad.index].map(lambda x: f"{x:.{int(dec[bad.index].max() if len(bad) else 2)}f}"),
                wan=wan[bad.index].map(lambda x: P.fmt(round(x, 4))), unit=_unit_label(batch, bad))


def derived_amounts(batch) -> pd.DataFrame:
    """Per target table: count × rate × periods, when a headcount, a per-person rate and a
    period are all given (155人, ≤400元/人 monthly, 12个月), and the amounts it should give."""
    i = _targets(batch)
    rows = []
    funds = batch.project_funds("total")
    for pid, t in i.groupby("project_id"):
        rate = t[(t["target_unit"] == "元") & t["target_per"].str.startswith("/人")]
        count = t[(t["target_kind"] == "quantity") & (t["target_unit"] == "人") & (t["target_per"] == "")]
        if rate.empty or count.empty:
            continue
        r, c = rate.iloc[0], count.iloc[0]
        words = r["name"] + r["target_raw"] + r["target_per"]
        # The rate's period (月均, /月, 季度) times the project's length (项目期, a year if unstated).
        length = batch.projects.set_index("project_id")["period_months"].get(pid)
        length = 12.0 if length is None or pd.isna(length) else float(length)
        per_months = 1 if "月" in words else (3 if "季" in words else 12)
        periods = max(length / per_months, 1.0)
        derived = r["target_num"] * r["target_scale"] * c["target_num"] * periods
        unit = float(_fund_unit(batch, t).iloc[0])
        amounts = sorted(set(round(x, 2) for x in money_in_wan(t).dropna() * 1e4))
        if pid in funds.index and pd.notna(funds.loc[pid, "budget"]):
            amounts = sorted(set(amounts) | {round(funds.loc[pid, "budget"] * unit, 2)})
        unit_word = {1: "个月", 3: "个季度", 12: "年"}[per_months]
        period = f"{P.fmt(periods)}{unit_word}"
        suffix = "/月" if per_months == 1 and "/月" not in r["target_raw"] else ""
        rows.append({"project_id": pid, "loc": r["loc_target"], "derived": derived,
                     "formula": f"{c['target_raw']} × {r['target_raw']}{suffix} × {period}",
                     "ties": any(abs(derived - a) < 0.5 for a in amounts),
                     "amounts": "、".join(P.fmt(a) + "元" for a in amounts)})
    return pd.DataFrame(rows, columns=["project_id", "loc", "derived", "formula", "ties", "amounts"])


@rule("TARGET.DERIVED_AMOUNT", "info",
      "{formula} = {reported} 元，与金额指标/年度资金一致",
      "{formula} = {reported} 元 reproduces the stated amount")
def derived_amount(batch):
    """Count × rate × period reproduces the amount (155人 × 400元/人/月 × 12个月 = 744000元).

    Fails: (reported as info) when it ties.   Passes: (silent) when no rate is given.
    """
    d = derived_amounts(batch)
    ok = d[d["ties"].astype(bool)]
    return hits(ok, section="成本指标", indicator="", location="loc", reported=ok["derived"].map(P.fmt),
                expected=ok["amounts"], formula="formula")


@rule("TARGET.DERIVED_MISMATCH", "warning",
      "{formula} = {reported} 元，与金额指标及年度资金（{expected}）均不一致",
      "{formula} = {reported} 元 matches neither the stated amounts nor the funds ({expected})")
def derived_mismatch(batch):
    """Count × rate × period cannot reproduce any stated amount.

    Fails: 155人 × ≤400元/人 × 12个月 with funds 80.00.   Passes: with funds 74.40.
    """
    d = derived_amounts(batch)
    bad = d[~d["ties"].astype(bool)]
    return hits(bad, section="成本指标", indicator="", location="loc", reported=bad["derived"].map(P.fmt),
                expected="amounts", formula="formula")
