"""Tables derived once per batch from the recomputed frames, shared by several rules.

The 目标表 pairing, the cost indicators read as amounts of money, count × rate × period
products on target tables, the funds' unit as the form writes it.  ``Batch`` computes each
on first use and keeps it, so no rule rebuilds another's work.
"""

from __future__ import annotations

from pathlib import PurePath

import numpy as np
import pandas as pd

from checker import precision as P
from checker.grid import squash
from checker.lexicon import LEXICON

UNIT_LABELS = {1e8: "亿元", 1e4: "万元", 1e3: "千元", 1.0: "元"}
MONEY_UNITS = {"元", ""}
PERIODS = {w: float(months) for months, ws in LEXICON.table("periods") for w in ws}   # a rate per period, in months
_RATE_NAMES = "|".join(LEXICON.words("rate_names", "rate"))
_COST = LEXICON.words("level2", "成本指标")[0]   # "成本": a cost indicator's level-2 (经济成本指标 too)


def name_key(name: str) -> str:
    """A project or indicator name as compared across forms."""
    return squash(name).replace("（", "(").replace("）", ")")


def each_distinct(values: pd.Series, fn) -> pd.Series:
    """``values.map(fn)`` with ``fn`` called once per distinct value: names, targets and units
    recur across rows and files, so a batch has far fewer distinct values than rows."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    mapped = np.empty(len(uniques), dtype=object)
    for k, u in enumerate(uniques):   # one by one: a result may be a tuple, not to be spread by numpy
        mapped[k] = fn(u)
    return pd.Series(mapped[codes], index=values.index).infer_objects()


def fund_units(projects: pd.DataFrame) -> pd.Series:
    """Per project: the funds' unit as the form writes it (万元 as a rule)."""
    return projects.set_index("project_id")["fund_scale"].map(lambda x: UNIT_LABELS.get(float(x), "万元"))


# --- a self-evaluation and the target table of the same submission ------------------------------
def target_pairs(projects: pd.DataFrame) -> pd.DataFrame:
    """(selfeval, target) pairs of one submission: the same 项目名称, the same department where
    both state one, and the same year — or, where a form states no year, the same folder (last
    year's targets, or a sample from elsewhere, are not this form's)."""
    p = projects.assign(key=each_distinct(projects["name"], name_key),
                        folder=projects["file"].map(lambda f: str(PurePath(f).parent)))
    cols = ["project_id", "key", "department", "year", "folder"]
    s = p[p["kind"] == "selfeval"][cols + ["loc"]]
    t = p[p["kind"] == "target"][cols]
    m = s.merge(t, on="key", suffixes=("_s", "_t"))
    same_dept = (m["department_s"] == "") | (m["department_t"] == "") | (m["department_s"] == m["department_t"])
    stated = m["year_s"].notna() & m["year_t"].notna()
    same_year = (stated & (m["year_s"] == m["year_t"])) | (~stated & (m["folder_s"] == m["folder_t"]))
    return m[same_dept & same_year].reset_index(drop=True)


def paired_indicators(indicators: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """The indicators of each pair matched by name; ``_merge`` says which side has each."""
    cols = ["project_id", "key", "name", "level2", "target_raw", "target_op", "a", "a_lo", "a_hi", "target_dec",
            "loc_target", "loc"]
    paired = indicators["project_id"].isin(pairs["project_id_s"]) | indicators["project_id"].isin(pairs["project_id_t"])
    i = indicators.loc[paired & (indicators["name"] != ""), [c for c in cols if c != "key"]]
    i = i.assign(key=each_distinct(i["name"], name_key))
    s = pairs[["project_id_s", "project_id_t"]].merge(i[cols].add_suffix("_s"), on="project_id_s")
    t = pairs[["project_id_s", "project_id_t"]].merge(i[cols].add_suffix("_t"), on="project_id_t")
    return s.merge(t, left_on=["project_id_s", "project_id_t", "key_s"],
                   right_on=["project_id_s", "project_id_t", "key_t"], how="outer", indicator=True)


# --- cost indicators as amounts of money ---------------------------------------------------
def cost_amounts(indicators: pd.DataFrame, projects: pd.DataFrame, total_funds: pd.DataFrame) -> pd.DataFrame:
    """成本指标 rows whose target is an amount of money, in the funds' unit (万元 as a rule).

    "≤7万元" → 7; "≤200000" against a 20 万元 budget → 20 (a bare number far above the
    budget is in 元); "≤620万/月" over an 11-month 实施期 → 6820; per-unit costs
    ("0.6万元/次") and percentages are not amounts.  Columns a_wan / b_wan hold target and
    actual in the funds' unit, with their intervals.
    """
    i = indicators
    p = projects.set_index("project_id")
    months = i["project_id"].map(p["period_months"])
    per_months = i["target_per"].map(PERIODS)
    periods = (months / per_months).where(per_months.notna(), np.where(i["target_per"] == "", 1.0, np.nan))
    # A bare number under a name that says rate (成本控制率 100) is a rate, never money.
    rate_named = (i["target_unit"] == "") & i["name"].str.contains(_RATE_NAMES)
    c = i[i["level2"].str.contains(_COST) & (i["target_kind"] == "quantity") & periods.notna()
          & i["target_unit"].isin(MONEY_UNITS) & i["a"].notna() & ~rate_named].copy()
    c["periods"] = periods[c.index]
    c["budget"] = c["project_id"].map(total_funds["budget"])
    unit = c["project_id"].map(p["fund_scale"]).fillna(1e4)
    in_yuan = (c["target_unit"] == "元") | (c["target_scale"] != 1) | (c["a"] > c["budget"].fillna(np.inf) * 1000)
    k = np.where(in_yuan, 1 / unit, 1.0) * c["periods"]
    c["a_wan"], c["a_wan_lo"], c["a_wan_hi"] = c["a"] * k, c["a_lo"] * k, c["a_hi"] * k
    b_dec = P.table_decimals(i, "actual_dec").reindex(c.index)
    b_lo, b_hi = P.reported(c["actual_num"], b_dec)
    scale = np.where(c["actual_scale"] != 1, c["actual_scale"], np.where(c["actual_unit"] == "", c["target_scale"], 1))
    c["b_wan"] = c["b"] * k
    c["b_wan_lo"], c["b_wan_hi"] = b_lo * scale * k, b_hi * scale * k
    return c


# --- target tables: amounts of money, and count × rate × period ------------------------------
def money_in_wan(i: pd.DataFrame, unit: pd.Series | float = 1e4) -> pd.Series:
    """Money targets in the funds' unit: 744000元 → 74.4; ≤61万元 → 61; 361800元/年 → 36.18."""
    money = (i["target_kind"] == "quantity") & (i["target_unit"] == "元") & i["target_per"].isin(["", "/年"])
    return (i["target_num"] * i["target_scale"] / unit).where(money)


def derived_amounts(indicators: pd.DataFrame, projects: pd.DataFrame, total_funds: pd.DataFrame) -> pd.DataFrame:
    """Per target table: count × rate × periods, when a headcount, a per-person rate and a period
    are all given (155人, ≤400元/人 monthly, 12个月), whether it reproduces a stated amount
    (a money target or the annual funds, at the precision each is written), and the words."""
    i = indicators[indicators["form_kind"] == "target"]
    p = projects.set_index("project_id")
    rows = []
    for pid, t in i.groupby("project_id"):
        rate = t[(t["target_unit"] == "元") & t["target_per"].str.startswith("/人")]
        count = t[(t["target_kind"] == "quantity") & (t["target_unit"] == "人") & (t["target_per"] == "")]
        if rate.empty or count.empty:
            continue
        r, c = rate.iloc[0], count.iloc[0]
        words = r["name"] + r["target_raw"] + r["target_per"]
        # The rate's period (月均, /月, 季度) times the project's length (项目期, a year if unstated).
        length = p["period_months"].get(pid)
        length = 12.0 if length is None or pd.isna(length) else float(length)
        per_months = 1 if "月" in words else (3 if "季" in words else 12)
        periods = max(length / per_months, 1.0)
        derived = r["target_num"] * r["target_scale"] * c["target_num"] * periods
        stated = [(a * 1e4, 0.0) for a in money_in_wan(t).dropna()]   # integers of 元: exact
        if pid in total_funds.index and pd.notna(total_funds.loc[pid, "budget"]):
            f = total_funds.loc[pid]
            unit = float(p["fund_scale"].get(pid, 1e4))
            stated.append((f["budget"] * unit, float(P.half_ulp(f["budget_dec"])) * unit))
        ties = any(not P.apart_below(derived, a - h) and not P.apart_above(derived, a + h) for a, h in stated)
        unit_word = {1: "个月", 3: "个季度", 12: "年"}[per_months]
        suffix = "/月" if per_months == 1 and "/月" not in r["target_raw"] else ""
        rows.append({"project_id": pid, "seq": r["seq"], "loc": r["loc_target"], "derived": derived,
                     "formula": f"{c['target_raw']} × {r['target_raw']}{suffix} × {P.fmt(periods)}{unit_word}",
                     "ties": ties, "amounts": "、".join(P.fmt(round(a, 2)) + "元" for a, _ in sorted(stated))})
    return pd.DataFrame(rows, columns=["project_id", "seq", "loc", "derived", "formula", "ties", "amounts"])


def target_basis(indicators: pd.DataFrame, projects: pd.DataFrame, total_funds: pd.DataFrame,
                 derived: pd.DataFrame) -> pd.Series:
    """What a target table's money rows come to, shown with the row (no finding when they agree):
    "744000元 = 74.4万元，与年度资金总额一致"; "155人 × ≤400元/人/月 × 12个月 = 744000元"."""
    i = indicators
    basis = pd.Series("", index=i.index, dtype=object)
    t = i[i["form_kind"] == "target"]
    if t.empty:
        return basis
    unit = t["project_id"].map(projects.set_index("project_id")["fund_scale"]).fillna(1e4)
    wan = money_in_wan(t, unit)
    total = t["project_id"].map(total_funds["budget"]) if len(total_funds) else pd.Series(np.nan, index=t.index)
    dec = t["project_id"].map(total_funds["budget_dec"]).fillna(0) if len(total_funds) else 0
    lo, hi = P.reported(total, dec)
    ties = wan.notna() & total.notna() & P.ties(lo, hi, wan, wan)
    label = t["project_id"].map(fund_units(projects))
    for k in t.index[wan.notna()]:
        text = f"{t.at[k, 'target_raw']} = {P.fmt(round(wan[k], 4))}{label[k]}"
        basis[k] = text + ("，与年度资金总额一致" if ties[k] else "")
    for d in derived.to_dict("records"):
        k = t.index[(t["project_id"] == d["project_id"]) & (t["seq"] == d["seq"])]
        if len(k):
            basis[k[0]] = f"{d['formula']} = {P.fmt(d['derived'])}元" + ("，与所列金额一致" if d["ties"] else "")
    return basis
