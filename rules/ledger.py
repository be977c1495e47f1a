"""XREF.LEDGER_*: the forms against the budget system's own figures (``--ledger FILE``).

The ledger (``Batch.ledger``, read by ``checker.ledger``) lists the season's projects with their
全年预算数 and 全年执行数.  A form is matched to a ledger project by project code where both carry
one, else by its name normalised (``checker.ledger.name_key``); when several ledger projects
share a name, the one of the form's 实施单位 or 主管部门.  Amounts are compared in 元, each at the
precision it is written with (``checker.precision``): 24.96 万元 and 249580 元 agree.
Without ``--ledger`` these rules find nothing.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from checker import precision as P
from checker.ledger import name_key
from rules import hits, rule

FORMS_WITH_FUNDS = ("selfeval",)              # a 目标表's 年度资金总额 is the plan, not the year's budget
FORMS_IN_LEDGER = ("selfeval", "target")      # a 评分表 is the evaluator's sheet, not a budget project
_LINE = re.compile(r"^line (\d+)$")


def _row_zh(loc: str) -> str:
    m = _LINE.match(loc or "")
    return f"第{m[1]}行" if m else loc


def _code_of(projects: pd.DataFrame) -> pd.Series:
    """A form's project code, where the model carries one (forms read today do not)."""
    if "project_code" in projects.columns:
        return projects["project_code"].fillna("").astype(str)
    return pd.Series("", index=projects.index)


def _pick(candidates: list[int], ledger: pd.DataFrame, unit: str, dept: str) -> int:
    if len(candidates) > 1:
        for n in candidates:
            u = name_key(ledger.at[n, "unit"])
            if u and (u == name_key(unit) or u == name_key(dept)):
                return n
    return candidates[0]


def matched(batch) -> pd.Series:
    """The ledger row (index into ``batch.ledger``) of each project, by project_id; -1 for none."""
    ledger, projects = batch.ledger, batch.projects
    if ledger.empty or projects.empty:
        return pd.Series(-1, index=projects["project_id"], dtype=int)
    by_code: dict[str, list[int]] = {}
    by_key: dict[str, list[int]] = {}
    for n, code, key in zip(ledger.index, ledger["code"], ledger["key"]):
        if code:
            by_code.setdefault(code.strip(), []).append(n)
        by_key.setdefault(key, []).append(n)
    out = []
    for code, name, unit, dept in zip(_code_of(projects), projects["name"], projects["unit"], projects["department"]):
        candidates = by_code.get(code.strip(), []) if code else []
        candidates = candidates or by_key.get(name_key(name), [])
        out.append(_pick(candidates, ledger, unit, dept) if candidates else -1)
    return pd.Series(out, index=projects["project_id"].to_numpy(), dtype=int)


def _differing(batch, column: str) -> pd.DataFrame:
    """Self-evaluations whose 年度资金总额 ``column`` (budget | spent) the ledger contradicts."""
    match = batch.once(matched)
    p = batch.projects
    p = p[p["project_id"].map(match).fillna(-1).astype(int) >= 0]
    funds = batch.total_funds
    p = p[p["project_id"].isin(funds.index)]
    if p.empty:
        return p
    led = batch.ledger.loc[p["project_id"].map(match).to_numpy()]
    dec = batch.funds.groupby("project_id")[f"{column}_dec"].max()   # the column's decimals in the table
    value = p["project_id"].map(funds[column]).to_numpy(dtype=float)
    scale = p["fund_scale"].to_numpy(dtype=float)
    f_lo, f_hi = P.reported(value, p["project_id"].map(dec).fillna(0).to_numpy())
    l_lo, l_hi = P.reported(led[column].to_numpy(dtype=float), led[f"{column}_dec"].to_numpy())
    lscale = led["scale"].to_numpy(dtype=float)
    both = ~np.isnan(value) & ~np.isnan(led[column].to_numpy(dtype=float))
    bad = both & ~P.ties(f_lo * scale, f_hi * scale, l_lo * lscale, l_hi * lscale)
    p, led = p[bad], led[bad]
    units = batch.fund_units
    in_form_unit = led[column].to_numpy(dtype=float) * led["scale"].to_numpy(dtype=float) / p["fund_scale"].to_numpy()
    loc_col = f"loc_{column}"
    return hits(p, section="项目资金", indicator=p["project_id"].map(funds["label"]),
                location=p["project_id"].map(funds[loc_col]),
                reported=pd.Series(value[bad], index=p.index).map(P.fmt),
                expected=pd.Series(in_form_unit, index=p.index).map(lambda x: P.fmt(round(x, 6))),
                unit=p["project_id"].map(units).fillna("万元"),
                ledger_file=pd.Series(led["file"].to_numpy(), index=p.index),
                ledger_row=pd.Series(led["loc"].map(_row_zh).to_numpy(), index=p.index),
                ledger_row_en=pd.Series(led["loc"].to_numpy(), index=p.index))


@rule("XREF.LEDGER_BUDGET", "error",
      "全年预算数填报 {reported}{unit}，预算系统账表（{ledger_file} {ledger_row}）为 {expected}{unit}",
      "全年预算数 {reported} {unit} on the form, {expected} {unit} in the budget ledger ({ledger_file} {ledger_row_en})",
      kinds=FORMS_WITH_FUNDS)
def ledger_budget(batch):
    """A self-evaluation's 全年预算数 differs from the budget system's ledger.

    The form's 年度资金总额 line against the ledger row of the same project (by code, else by
    name), both in 元 and each at the precision it is written with.
    """
    return _differing(batch, "budget")


@rule("XREF.LEDGER_SPENT", "error",
      "全年执行数填报 {reported}{unit}，预算系统账表（{ledger_file} {ledger_row}）为 {expected}{unit}",
      "全年执行数 {reported} {unit} on the form, {expected} {unit} in the budget ledger ({ledger_file} {ledger_row_en})",
      kinds=FORMS_WITH_FUNDS)
def ledger_spent(batch):
    """A self-evaluation's 全年执行数 differs from the budget system's ledger.

    As XREF.LEDGER_BUDGET, for what was spent: the unit may not report more (or less) spending
    than the treasury paid out.
    """
    return _differing(batch, "spent")


@rule("XREF.LEDGER_NO_FORM", "warning",
      "预算系统账表中的项目“{expected}”（{unit}）在本批表格中没有对应的表：本轮尚未收齐",
      "Ledger project \"{expected}\" ({unit}) has no form in this batch: the season is incomplete")
def ledger_no_form(batch):
    """A project of the budget ledger has no form in the batch.

    Every project the budget system funded this year owes a self-evaluation; one the ledger
    lists and no file of the batch holds (under its code or name) has not been submitted.
    """
    ledger = batch.ledger
    if ledger.empty:
        return None
    used = set(batch.once(matched).tolist())
    missing = ledger[~ledger.index.isin(used)]
    code = missing["code"].where(missing["code"] == "", " " + missing["code"])
    return hits(missing.assign(project_id=""), file="file", section="预算账表", indicator="name",
                location="loc", expected="name", reported=code.str.strip(),
                unit=missing["unit"].where(missing["unit"] != "", "单位未注明"))


@rule("XREF.LEDGER_NO_PROJECT", "warning",
      "项目“{reported}”不在预算系统账表（{ledger_file}）中：核对项目名称或项目编码",
      "Project \"{reported}\" is not in the budget ledger ({ledger_file}): check its name or code",
      kinds=FORMS_IN_LEDGER)
def ledger_no_project(batch):
    """A form's project is not in the budget ledger.

    A self-evaluation or target table whose project the ledger does not list (under its code or
    its name): a renamed project, a typo in the name, or a project outside the budget.
    """
    ledger = batch.ledger
    if ledger.empty:
        return None
    match = batch.once(matched)
    p = batch.projects
    p = p[p["project_id"].map(match).fillna(-1).astype(int) < 0]
    return hits(p, section="项目名称", location="loc", reported="name", ledger_file=ledger["file"].iloc[0])
