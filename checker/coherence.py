"""Is a reading borne out by the form's own numbers?  A coherence measure per table.

People who fill in these forms mostly get their sums right: fund lines add up to their total,
the 执行率 is 执行数 ÷ 预算数, item weights add up to their headings and to 100, the 总分 is the
sum of the scores.  So when most of those cross-checks fail in one table at once, it is the
*reading* (a header row read as an indicator, scores in a column not understood, a money column in
元 among 万元 ones) that is wrong, not the form — and every consequence of it reported as an error
would be a cascade of false errors.

``measure(batch)`` counts, per table, the cross-checks its own numbers allow and how many tie, with
the same comparisons the rules make (``checker.precision``; the SUM rules' own section and total
weight tables).  ``settle(batch)`` also tries the *alternative readings* that are cheap to try (a
money column at another scale, see ``READINGS``) and keeps, per table, the one under which the table
is most coherent; the result is ``batch.coherence`` (``checker.model.Coherence``).  A table left
incoherent under every reading is *in doubt* (``DOUBT``): rule PARSE.LAYOUT_DOUBT reports it once,
and ``demote`` turns that table's cascade findings (``CASCADE``) into infos.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from checker import model as M
from checker import precision as P
from checker.recompute import recompute_funds
from rules import SCORED

CHECK_COLUMNS = ["project_id", "name", "name_en", "tied", "cause"]

# When a table is in doubt.  The funds block and the indicator table are read under separate header
# maps, so a misreading usually breaks one of them: each part is judged on its own.  A table is in
# doubt when, in one part, at least ``DOUBT_MIN_FAILED[part]`` mistakes show (failing checks, those of
# one cause counted once: a heading that declares 50 over items of 60 fails its weight and its score
# cap, one mistake) AND fewer sums tie there than mistakes show (a bound kept or a cell filled is no
# evidence for a reading: weights read as scores keep every cap).  Measured on the seeds and the 47
# published forms of ../shared/realforms:
# * genuine mistakes leave sums tying beside them.  Seed 001: 2 mistakes (社会效益, 可持续影响) against
#   a dozen sums; seed 003's 离休 tables: 2 (产出, 效益) against 8; 区商务局: its 年度绩效目标 (80分)
#   over 100 and 总分 120 against 100, 2 mistakes against 2 sums that tie; 中江: 2 against 5.  All
#   coherent: their errors stay errors;
# * a misreading breaks most of what its part can check: 宁晋's scores in a column not understood
#   (总分 100 against a sum of 0, weights 20 against 100): 2 against 0; 黄冈's header row read as an
#   item: 2 against 1; 天长's row whose score was not read: 3 against 2; scores one column right of
#   their headers: 5 against 2.
# A single mistake never casts doubt.  The funds need three: they have few checks and one mistake
# there often fails two (a wrong 执行率 carries a wrong 资金得分), while a column read off fails the
# rate and score of every line.  A breakdown of the funds counts once however many columns it fails
# in (池州's total row left 0/0/0 is one mistake, not three).
DOUBT_MIN_FAILED = {"funds": 3, "indicators": 2}

# Findings a misreading produces as its consequences: they are turned into infos (kept, marked) in a
# table in doubt.  Families whole, plus the single rules of other families that read the same
# numbers (an item's score and weight, the funds).
CASCADE_FAMILIES = ("SUM", "CAP", "FUND")
CASCADE_RULES = ("IND.MISSING_SCORE", "IND.OVERSCORE", "IND.UNDERSCORE", "IND.TIER_ABOVE_BAND",
                 "IND.TIER_BELOW_BAND", "IND.FULL_MARKS_MISSED", "XREF.EXEC_RATE", "XREF.COST_OVER_BUDGET",
                 "XREF.COST_SUM", "XREF.SPENT_ZERO")
DEMOTED_ZH = "（读取存疑，仅供参考）"
DEMOTED_EN = "(reading in doubt, for reference only) "

MONEY = {"budget_initial": ("年初预算数", "initial budget"), "budget": ("全年预算数", "budget"),
         "spent": ("全年执行数", "spent")}
BREAKDOWN = {"source": ("按来源", "by source"), "level": ("按级次", "by level"), "use": ("按用途", "by use")}


# --- the checks ------------------------------------------------------------------------------


def _frame(pids, names, names_en, tied, cause=None) -> pd.DataFrame:
    """Checks as rows.  ``cause``: checks that fail together from one mistake share it (a heading
    declaring 50 over items of 60 fails its weight and its score cap: one mistake); by default
    each check is its own."""
    names = list(names)
    return pd.DataFrame({"project_id": list(pids), "name": names, "name_en": list(names_en),
                         "tied": np.asarray(tied, dtype=bool), "cause": names if cause is None else list(cause)},
                        columns=CHECK_COLUMNS)


def fund_line_checks(batch) -> pd.DataFrame:
    """Each breakdown of the funds (by source, level, use) against its whole.  One check per
    breakdown, tying when it ties in every money column: one wrong line (a total row left 0/0/0)
    breaks all three columns at once, and is one mistake, not three."""
    f = batch.funds
    keys = ["project_id", "part_of", "breakdown"]
    out = []
    for col, (zh, en) in MONEY.items():
        parts = f[(f["part_of"] != "") & f[col].notna()]
        if parts.empty:
            continue
        lo, hi = P.input_interval(parts[col], parts[f"{col}_dec"])
        sums = parts.assign(_lo=lo, _hi=hi).groupby(keys).agg(
            lo=("_lo", "sum"), hi=("_hi", "sum"), dec=(f"{col}_dec", "max")).reset_index()
        wholes = f[f[col].notna()].drop_duplicates(["project_id", "line"])
        both = sums.merge(wholes.drop(columns=["part_of", "breakdown"]), left_on=["project_id", "part_of"],
                          right_on=["project_id", "line"])
        r_lo, r_hi = P.reported(both[col], np.maximum(both[f"{col}_dec"], both["dec"]))
        out.append(both[keys].assign(tied=P.ties(r_lo, r_hi, both["lo"], both["hi"]), zh=zh, en=en))
    if not out:
        return _frame([], [], [], [])
    c = pd.concat(out, ignore_index=True)
    bad = c[~c["tied"]]
    g = c.groupby(keys, sort=False).agg(tied=("tied", "all")).reset_index()
    at = list(zip(*(g[k] for k in keys)))
    bad_at = list(zip(*(bad[k] for k in keys)))
    how = g["breakdown"].map(lambda b: BREAKDOWN.get(b, ("", ""))[0])
    how_en = g["breakdown"].map(lambda b: BREAKDOWN.get(b, ("", ""))[1])
    zh_of, en_of = _joined(bad_at, bad["zh"], "、"), _joined(bad_at, bad["en"], ", ")
    zh_cols = pd.Series([zh_of.get(k, "") for k in at], index=g.index, dtype=object)
    en_cols = pd.Series([en_of.get(k, "") for k in at], index=g.index, dtype=object)
    return _frame(g["project_id"], "资金" + how + "分项合计" + zh_cols.map(lambda x: f"（{x}）" if x else ""),
                  "fund lines " + how_en + " add up" + en_cols.map(lambda x: f" ({x})" if x else ""), g["tied"])


def _joined(keys, values, sep: str) -> dict:
    """The values of each key joined in order (a plain loop: pandas joins strings group by group in
    Python anyway, with a Series built for every group)."""
    out: dict = {}
    for k, v in zip(keys, values):
        out[k] = f"{out[k]}{sep}{v}" if k in out else v
    return out


def _label(f: pd.DataFrame) -> pd.Series:
    return f["label"].where(f["label"] != "", f["line"])


def fund_rate_checks(batch) -> pd.DataFrame:
    """执行率 = 全年执行数 ÷ 全年预算数, on every line that states one (as FUND.RATE_MISMATCH)."""
    f = batch.funds
    f = f[f["rate"].notna() & f["expected_rate"].notna()]
    lo, hi = P.reported(f["rate"], f["rate_dec"])
    return _frame(f["project_id"], "执行率（" + _label(f) + "）", "execution rate (" + _label(f) + ")",
                  P.ties(lo, hi, f["expected_rate_lo"], f["expected_rate_hi"]))


def fund_score_checks(batch) -> pd.DataFrame:
    """资金得分 = 分值 × min(执行率, 1), on every line that states one (as FUND.OVER/UNDERSCORE)."""
    f = batch.funds
    f = f[f["score"].notna() & f["weight"].notna() & f["expected_score"].notna()]
    lo, hi = P.reported(f["score"], f["score_dec"])
    return _frame(f["project_id"], "资金得分（" + _label(f) + "）", "fund score (" + _label(f) + ")",
                  P.ties(lo, hi, f["expected_score_lo"], f["expected_score_hi"]))


def item_cap_checks(batch) -> pd.DataFrame:
    """One check per table: no item scored above its own 分值 (as CAP.ITEM_SCORE).  Counted once
    per table, not per item, so a long table's items do not drown its sums."""
    i = batch.indicators
    i = i[i["score"].notna() & i["weight"].notna() & ~i["bonus"]]
    over = pd.Series(P.exceeds(i["score"], i["weight"]), index=i.index).groupby(i["project_id"]).any()
    return _frame(over.index, ["各项得分不超过分值"] * len(over), ["no score above its weight"] * len(over), ~over)


def item_complete_checks(batch) -> pd.DataFrame:
    """One check per table with a 分值 or 得分 column: every item with a target or actual has its
    分值 and 得分 (as IND.MISSING_SCORE; a header row read as an item has neither)."""
    batch = batch.of_kinds(SCORED)
    if batch is None:
        return _frame([], [], [], [])
    i = batch.indicators
    p = batch.by_project
    has_w = i["project_id"].map(p["has_weight_column"]).fillna(False).astype(bool)
    has_s = i["project_id"].map(p["has_score_column"]).fillna(False).astype(bool)
    last = i["seq"] == i.groupby("project_id")["seq"].transform("max")
    cut = last & ~i["project_id"].map(p["complete"]).fillna(True).astype(bool)
    judged = ((i["target_raw"] != "") | (i["actual_raw"] != "")) & ~i["bonus"] & (i["part_of"] == 0) & ~cut \
        & (has_w | has_s)
    missing = (i["weight"].isna() & has_w) | (i["score"].isna() & has_s)
    g = missing[judged].groupby(i.loc[judged, "project_id"]).any()
    return _frame(g.index, ["各项指标分值、得分齐全"] * len(g), ["every item has its weight and score"] * len(g), ~g)


def section_weight_checks(batch) -> pd.DataFrame:
    """Each heading's declared weight against what it holds (the SUM rules' own table; a gap
    from rounded splits, a warning there, ties here)."""
    from rules.sums import section_weights

    w = section_weights(batch)
    return _frame(w["project_id"], "“" + w["name"] + "”分值合计", "weights under '" + w["name"] + "'",
                  w["verdict"] != "error", "heading " + w["name"])


def section_cap_checks(batch) -> pd.DataFrame:
    """Each heading with a declared weight: the scores under it do not exceed it (as CAP.SECTION_SCORE)."""
    ind = batch.indicators
    i = ind.loc[~ind["bonus"] & (ind["part_of"] == 0) & ind["score"].notna(), ["project_id", "level1", "level2", "score"]]
    s = batch.sections[batch.sections["weight"].notna()]
    l2 = i.groupby(["project_id", "level1", "level2"])["score"].sum().rename("sum_s").reset_index()
    l1 = i.groupby(["project_id", "level1"])["score"].sum().rename("sum_s").reset_index()
    l0 = i.groupby("project_id")["score"].sum().rename("sum_s").reset_index()
    a = s[s["level"] == 2].merge(l2, left_on=["project_id", "parent", "name"], right_on=["project_id", "level1", "level2"])
    b = s[s["level"] == 1].merge(l1, left_on=["project_id", "name"], right_on=["project_id", "level1"])
    c = s[s["level"] == 0].merge(l0, on="project_id")
    both = pd.concat([x[["project_id", "name", "weight", "sum_s"]] for x in (a, b, c)], ignore_index=True)
    return _frame(both["project_id"], "“" + both["name"] + "”得分不超过分值", "scores under '" + both["name"] + "' within it",
                  ~P.exceeds(both["sum_s"], both["weight"]), "heading " + both["name"])


def heading_total_checks(batch) -> pd.DataFrame:
    """The level-1 headings' declared weights (with the funds' 分值, or under a declared block)
    add up to the full mark: only where every level-1 heading declares one in a whole table."""
    batch = batch.of_kinds(SCORED)
    if batch is None:
        return _frame([], [], [], [])
    p = batch.by_project
    p = p[p["complete"]]
    s = batch.sections[batch.sections["project_id"].isin(p.index)]
    s1 = s[s["level"] == 1]
    l1 = s1.assign(undeclared=s1["weight"].isna()).groupby("project_id").agg(w=("weight", "sum"),
                                                                              undeclared=("undeclared", "any"))
    l1 = l1[~l1["undeclared"]]
    if l1.empty:
        return _frame([], [], [], [])
    l0 = s[(s["level"] == 0) & s["weight"].notna()].groupby("project_id")["weight"].sum().reindex(l1.index)
    full = p["total_weight"].reindex(l1.index).fillna(batch.profile.total)
    fund = batch.total_funds["weight"].reindex(l1.index).fillna(0)
    ok = ~P.differs(l1["w"], full) | ~P.differs(l1["w"] + fund, full) | (l0.notna() & ~P.differs(l0 + fund, full))
    return _frame(l1.index, ["一级指标分值合计为满分"] * len(l1), ["level-1 weights add up to the full mark"] * len(l1), ok)


def total_weight_checks(batch) -> pd.DataFrame:
    """Σ weights (+ the funds' 分值) = the declared total (the SUM rules' own table)."""
    from rules.sums import total_weights

    batch = batch.of_kinds(SCORED)
    if batch is None:
        return _frame([], [], [], [])
    t = total_weights(batch)
    return _frame(t["project_id"], ["分值合计等于总分值"] * len(t), ["weights add up to the total"] * len(t),
                  t["verdict"] != "error")


def total_score_checks(batch) -> pd.DataFrame:
    """Σ scores (+ 资金得分, + 加分项) = the declared 总分; a rubric's 合计 without its 加分项 likewise
    (as SUM.TOTAL_SCORE and SUM.SUBTOTAL_SCORE)."""
    from rules.sums import _score_sums

    p = batch.by_project
    out = []
    separate = p["subtotal_score"].notna() & (p["subtotal_loc"] != p["total_loc"])
    with_bonus, base = _score_sums(batch, True), _score_sums(batch, False)
    use_base = ~separate.reindex(with_bonus.index).fillna(False) & p["subtotal_score"].reindex(with_bonus.index).notna()
    total_sums = with_bonus.where(~use_base, base.reindex(with_bonus.index), axis=0)
    # A table whose 总分 is stated but none of whose scores was read still has its 总分 to check.
    unread = p.index[p["total_score"].notna() & ~p.index.isin(total_sums.index)]
    total_sums = pd.concat([total_sums, pd.DataFrame({"s": 0.0, "lo": 0.0, "hi": 0.0, "dec": 0}, index=unread)])
    for g, stated, dec, zh, en in ((total_sums, p["total_score"], p["total_score_dec"], "总分等于各项得分合计",
                                    "total = sum of scores"),
                                   (base, p.loc[separate, "subtotal_score"], p["subtotal_score_dec"],
                                    "合计等于各项得分合计", "subtotal = sum of scores")):
        g = g.assign(total=stated.reindex(g.index), d=np.maximum(g["dec"].astype(float), dec.reindex(g.index).fillna(0)))
        g = g[g["total"].notna()]
        r_lo, r_hi = P.reported(g["total"], g["d"])
        out.append(_frame(g.index, [zh] * len(g), [en] * len(g), P.ties(r_lo, r_hi, g["lo"], g["hi"])))
    return pd.concat(out, ignore_index=True)


# Each check: the function, the part of the table it reads (the funds block and the indicator table
# are read under separate header maps, so a misreading usually breaks one of them), and whether it is
# a sum that must tie ("sum") or a bound or a filled cell ("bound").  A bound kept proves little about
# a reading (weights read as scores keep every cap), so only sums that tie count as evidence for it;
# a bound broken counts against it like a sum that does not tie.
CHECKS: tuple[tuple[Callable, str, str], ...] = (
    (fund_line_checks, "funds", "sum"), (fund_rate_checks, "funds", "sum"), (fund_score_checks, "funds", "sum"),
    (item_complete_checks, "indicators", "bound"), (item_cap_checks, "indicators", "bound"),
    (section_weight_checks, "indicators", "sum"), (section_cap_checks, "indicators", "bound"),
    (heading_total_checks, "indicators", "sum"), (total_weight_checks, "indicators", "sum"),
    (total_score_checks, "indicators", "sum"))
PART_ZH = {"funds": "资金", "indicators": "指标"}


def checks(batch) -> pd.DataFrame:
    """Every cross-check of every table: project_id, name (zh), name_en, tied, part, kind, check
    (the function's name)."""
    frames = [fn(batch).assign(part=part, kind=kind, check=fn.__name__) for fn, part, kind in CHECKS]
    frames = [f for f in frames if len(f)]
    return (pd.concat(frames, ignore_index=True) if frames
            else _frame([], [], [], []).assign(part="", kind="", check=""))


def _doubted(c: pd.DataFrame) -> pd.Series:
    """The tables in doubt, by project_id: in one part (funds or indicators), at least
    ``DOUBT_MIN_FAILED[part]`` mistakes (failing checks, those of one cause counted once) and fewer
    sums tying there than mistakes."""
    keys = ["project_id", "part"]
    mistakes = c[~c["tied"]].drop_duplicates(keys + ["cause"]).groupby(keys).size()
    ties = c[c["tied"] & (c["kind"] == "sum")].groupby(keys).size()
    g = pd.DataFrame({"failed": mistakes}).join(ties.rename("sum_tied")).fillna(0)
    floor = g.index.get_level_values("part").map(DOUBT_MIN_FAILED).to_numpy(dtype=float)
    bad = (g["failed"] >= floor) & (g["sum_tied"] < g["failed"])
    return bad.groupby(level="project_id").any()


def measure(batch, reading: str = "A", reading_en: str = "A", c: pd.DataFrame | None = None) -> pd.DataFrame:
    """The coherence of every table of the batch under the reading it holds (``checker.model.Coherence``);
    ``c``: the batch's ``checks``, where already worked out."""
    c = checks(batch) if c is None else c
    p = batch.projects
    failed = c[~c["tied"]]
    out = pd.DataFrame({"project_id": p["project_id"], "project": p["name"], "file": p["file"]})
    out["checks"] = out["project_id"].map(c.groupby("project_id").size()).fillna(0).astype(int)
    out["tied"] = out["project_id"].map(c.groupby("project_id")["tied"].sum()).fillna(0).astype(int)
    out["failed_names"] = out["project_id"].map(_joined(failed["project_id"], failed["name"], "、")).fillna("")
    out["failed_names_en"] = out["project_id"].map(_joined(failed["project_id"], failed["name_en"], "; ")).fillna("")
    out["reading"], out["reading_en"] = reading, reading_en
    d = _doubted(c)
    out["doubt"] = out["project_id"].isin(d.index[d.to_numpy(dtype=bool)])
    out["tried"], out["tried_en"] = "", ""
    return out.reset_index(drop=True)


# --- alternative readings ----------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """Another way to read the tables of a batch.  ``apply`` returns a copy of the batch as read
    this way, for the tables it applies to (``None`` when it applies to none): the projects it
    changed are the ones to compare.  The frames of the copy are whole (rules read them), but only
    the changed tables' rows differ."""
    name: str
    name_en: str
    apply: Callable          # (batch) -> (batch copy, set of project_ids changed) | None


def _rescaled(col: str, factor: float):
    """A money column at another scale in every table whose funds have it: ×1/10000 (the column
    is in 元 among 万元 ones) or ×10000 (the other way).  Its decimals move with it, so 498000
    (元, exact to 1) is 49.8000 万元, exact to 0.0001."""
    shift = 4 if factor < 1 else -4

    def apply(batch):
        f = batch.funds
        has = f[col].notna() & (f[col] != 0)
        if not has.any():
            return None
        changed = set(f.loc[has, "project_id"])
        g = f.copy()
        scaled = g.loc[has, col] / round(1 / factor) if factor < 1 else g.loc[has, col] * factor
        g.loc[has, col] = scaled.round(P.NOISE)   # 498000 ÷ 10000 is 49.8, not 49.800000000000004
        g.loc[has, f"{col}_dec"] = (g.loc[has, f"{col}_dec"] + shift).clip(lower=0)
        return replace(batch, funds=recompute_funds(g[list(M.Funds.to_schema().columns)])), changed

    return apply


def _swapped(a: str, b: str):
    """Two money columns read the other way round (a header over two rows read one column off:
    年初预算 taken for 全年预算数 and 调整后预算数 for 年初预算数), in every table with both."""
    cols = [a, b, f"{a}_dec", f"{b}_dec", f"loc_{a}", f"loc_{b}"]

    def apply(batch):
        f = batch.funds
        has = f[a].notna() & f[b].notna() & P.differs(f[a], f[b])
        if not has.any():
            return None
        g = f.copy()
        g.loc[has, cols] = g.loc[has, [b, a, f"{b}_dec", f"{a}_dec", f"loc_{b}", f"loc_{a}"]].to_numpy()
        return replace(batch, funds=recompute_funds(g[list(M.Funds.to_schema().columns)])), set(f.loc[has, "project_id"])

    return apply


READINGS: list[Reading] = [
    Reading(f"{zh}按元读（÷10000）", f"{en} read in yuan (/10000)", _rescaled(col, 1e-4))
    for col, (zh, en) in MONEY.items()] + [
    Reading(f"{zh}按万元读（×10000）", f"{en} read in 10k yuan (x10000)", _rescaled(col, 1e4))
    for col, (zh, en) in MONEY.items()] + [
    Reading("年初预算数与全年预算数互换", "initial budget and budget swapped", _swapped("budget_initial", "budget")),
    Reading("全年预算数与全年执行数互换", "budget and spent swapped", _swapped("budget", "spent")),
]
# Hooks for readings not tried yet, in the same shape: another template version's taxonomy (2021+
# 成本指标 as a level-1 heading rather than under 产出指标: rewrite ``sections`` and the items'
# level1/level2), and hidden rows left out (drop the indicator rows a reader marks hidden).  Each is a
# ``Reading`` whose ``apply`` returns the batch as read that way; ``settle`` needs nothing else.

# Only funds are rewritten by the readings above, so only the checks that read funds can change.
FUND_CHECKS = tuple(fn for fn, part, _ in CHECKS if part == "funds")
_TAG = "\x1f"   # joins a table's id and the reading tried on it, in the one frame every trial is scored in


def _fund_score(batch, pids, c: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per table of ``pids``: its fund checks (``c``, where already worked out), how many tie."""
    c = pd.concat([fn(batch) for fn in FUND_CHECKS], ignore_index=True) if c is None else c
    c = c[c["project_id"].isin(pids)]
    return c.groupby("project_id")["tied"].agg(n="size", tied="sum")


def settle(batch):
    """Measure every table; where its funds do not tie, try the alternative readings and keep, per
    table, one under which every fund check ties (the first such in ``READINGS``).  Sets and
    returns ``batch.coherence``; the batch's funds are those of the kept readings.  Idempotent."""
    if getattr(batch, "coherence", None) is not None:
        return batch.coherence
    c = checks(batch)
    base = measure(batch, c=c)
    now = _fund_score(batch, set(batch.projects["project_id"]), c[c["part"] == "funds"])
    # A money column read off breaks the rate (or the score) of its table; a breakdown that does not
    # add up while the rate ties is a mistake in the form, which no other reading of a column mends.
    rate_off = c[c["check"].isin([fund_rate_checks.__name__, fund_score_checks.__name__])]
    open_ = set(now.index[now["tied"] < now["n"]]) & set(rate_off.loc[~rate_off["tied"].astype(bool), "project_id"])
    kept: dict[str, tuple[Reading, pd.DataFrame]] = {}
    tried: dict[str, list[tuple[int, int, Reading]]] = {}
    # The readings rewrite only the funds of the tables that do not tie: the rest of the batch's funds
    # are left out of every trial (a batch of thousands has a handful of such tables).
    narrow = replace(batch, funds=batch.funds[batch.funds["project_id"].isin(open_)]) if open_ else batch
    trials = []   # (order, reading, its batch, the open tables it changes)
    for k, r in enumerate(READINGS if open_ else ()):
        out = r.apply(narrow)
        if out is not None and open_ & out[1]:
            trials.append((k, r, out[0], open_ & out[1]))
    # Every reading's funds scored in one pass: the tables tagged with the reading tried on them.
    if trials:
        tagged = pd.concat([alt.funds[alt.funds["project_id"].isin(pids)].assign(
            project_id=lambda d, k=k: d["project_id"] + f"{_TAG}{k}") for k, _, alt, pids in trials])
        scores = _fund_score(replace(narrow, funds=tagged), set(tagged["project_id"]))
    for k, r, alt, pids in trials:
        for pid in sorted(pids - set(kept)):   # the first reading under which a table ties is kept
            key = f"{pid}{_TAG}{k}"
            if key not in scores.index:
                continue
            row = scores.loc[key]
            tried.setdefault(pid, []).append((int(row["tied"]), int(row["n"]), r))
            if row["tied"] == row["n"] and row["n"] >= now.loc[pid, "n"] and row["tied"] > now.loc[pid, "tied"]:
                kept[pid] = (r, alt.funds[alt.funds["project_id"] == pid])
    if kept:
        keep = batch.funds[~batch.funds["project_id"].isin(kept)]
        batch.funds = pd.concat([keep] + [f for _, f in kept.values()]).sort_index(kind="stable")
        for attr in ("total_funds", "cost_amounts", "derived_amounts"):  # cached over the old funds
            batch.__dict__.pop(attr, None)
        batch.forget()
        base = _remeasure(batch, base, kept)
    base = _tried(base, tried, kept, now)
    batch.coherence = M.validate_frame(M.Coherence, base)
    return batch.coherence


def _remeasure(batch, base: pd.DataFrame, kept: dict) -> pd.DataFrame:
    again = measure(batch).set_index("project_id")
    base = base.set_index("project_id")
    for pid, (r, _) in kept.items():
        base.loc[pid] = again.loc[pid]
        base.loc[pid, ["reading", "reading_en"]] = [r.name, r.name_en]
    return base.reset_index()


def _tried(base: pd.DataFrame, tried: dict, kept: dict, now: pd.DataFrame) -> pd.DataFrame:
    """For the one-line explanation, the best alternative tried and not kept (or reading A, where an
    alternative was kept): its funds' checks, tied of all."""
    if not tried:
        return base
    zh, en = {}, {}
    for pid, results in tried.items():
        if pid in kept:
            t, n = int(now.loc[pid, "tied"]), int(now.loc[pid, "n"])
            zh[pid], en[pid] = f"读法 A：资金 {n} 项中 {t} 项相符", f"reading A: {t} of {n} fund checks tie"
        else:
            t, n, r = max(results, key=lambda x: (x[0] / x[1] if x[1] else 0, x[0]))
            zh[pid], en[pid] = f"{r.name}：资金 {n} 项中 {t} 项相符", f"{r.name_en}: {t} of {n} fund checks tie"
    base = base.copy()
    base["tried"] = base["project_id"].map(zh).fillna(base["tried"])
    base["tried_en"] = base["project_id"].map(en).fillna(base["tried_en"])
    return base


def of(batch) -> pd.DataFrame:
    """The batch's coherence frame (settled on first use)."""
    return settle(batch)


# --- what it means for the findings ----------------------------------------------------------


def line(row, lang: str = "zh") -> str:
    """The one-line explanation: '15 项勾稽中 14 项相符（读法 A）'."""
    if lang == "en":
        s = f"{row['tied']} of {row['checks']} checks tie under reading {row['reading_en']}"
        if row["failed_names_en"]:
            s += f"; failing: {row['failed_names_en']}"
        if row["tried_en"]:
            s += f" (also tried: {row['tried_en']})"
        return s + (" — reading in doubt, needs a human check" if row["doubt"] else "")
    s = f"{row['checks']} 项勾稽中 {row['tied']} 项相符（读法 {row['reading']}）"
    if row["failed_names"]:
        s += f"；不符：{row['failed_names']}"
    if row["tried"]:
        s += f"；另试：{row['tried']}"
    return s + ("；读取存疑，需人工核对" if row["doubt"] else "")


def demote(findings: pd.DataFrame) -> pd.DataFrame:
    """In every table with a PARSE.LAYOUT_DOUBT finding, its cascade findings (errors and warnings
    of ``CASCADE_FAMILIES`` / ``CASCADE_RULES``) become infos marked as read under doubt: kept, so
    nothing is silently lost (a reviewer who checks the reading by hand still sees them), but out of
    the gate, which the one PARSE.LAYOUT_DOUBT warning speaks for."""
    if findings.empty:
        return findings
    doubted = findings.loc[findings["rule"] == "PARSE.LAYOUT_DOUBT", "project_id"]
    if doubted.empty:
        return findings
    m = (findings["project_id"].isin(set(doubted)) & findings["severity"].isin(["error", "warning"])
         & (findings["family"].isin(CASCADE_FAMILIES) | findings["rule"].isin(CASCADE_RULES)))
    if not m.any():
        return findings
    findings = findings.copy()
    findings.loc[m, "severity"] = "info"
    findings.loc[m, "message"] = DEMOTED_ZH + findings.loc[m, "message"]
    findings.loc[m, "message_en"] = DEMOTED_EN + findings.loc[m, "message_en"]
    return findings
