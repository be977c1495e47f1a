"""SUM: weights rolling up to their headings and to 100; 总分 equal to the scores."""

from __future__ import annotations

import numpy as np
import pandas as pd

from checker import precision as P
from checker.lexicon import LEXICON
from rules import SCORED, hits, rule

ITEM_COLUMNS = ["project_id", "level1", "level2", "name", "form_kind", "weight", "weight_dec", "loc"]


def _items(batch) -> pd.DataFrame:
    """The scored items: not 加分项, not the "其中…" rows that break an item down (the columns
    the SUM rules read, with each weight's rounding slack; built once per batch)."""
    return batch.once(_scored_items)


def _scored_items(batch) -> pd.DataFrame:
    ind = batch.indicators
    i = ind.loc[~ind["bonus"] & (ind["part_of"] == 0), ITEM_COLUMNS]
    d = i["weight_dec"].astype(float)
    return i.assign(w_slack=np.where(d > 0, P.half_ulp(d), 0.0).astype(float) * i["weight"].notna())


def _project_flag(frame: pd.DataFrame, batch, column: str) -> pd.Series:
    flags = batch.by_project[column]
    return frame["project_id"].map(flags).fillna(False).astype(bool)


def _weight_verdict(sum_w, slack_own, declared):
    """'' when the weights add up exactly (weights are declared, not measured: the
    勾稽关系 must hold as printed), 'rounding' when the gap is within each item's own
    rounding (10/3 shown as 3.3), 'error' otherwise."""
    exact = ~P.differs(sum_w, declared)
    ok_own = P.overlap(sum_w - slack_own, sum_w + slack_own, declared, declared)
    return np.select([exact, ok_own], ["", "rounding"], "error")


def section_weights(batch) -> pd.DataFrame:
    """Every whole section with a declared weight, the weight of what it holds, and the verdict
    (once per batch: SUM.SECTION_WEIGHT and SUM.WEIGHT_ROUNDING share it).

    What a section holds: its items' 分值 where the form has a 分值 column; otherwise the
    declared weights of the headings under it (产出指标(60分) + 效益指标(40分) under 年度绩效目标
    (80分)).  A section the table stops inside is not judged: its rows are not all there.
    """
    return batch.once(_section_weights)


def _section_weights(batch) -> pd.DataFrame:
    i = _items(batch)
    s = batch.sections
    s = s.assign(has_w=_project_flag(s, batch, "has_weight_column"))
    cols = ["project_id", "level", "name", "parent", "weight", "loc", "sum_w", "n", "slack"]
    l2 = _level2(i, s)
    l1 = _level1(i, s, l2)
    l0 = _level0(s)
    parts = [x[cols] for x in (l2[l2["judged"]], l1, l0) if len(x)]
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)
    out["verdict"] = _weight_verdict(out["sum_w"].astype(float), out["slack"].astype(float),
                                     out["weight"].astype(float)) if len(out) else []
    return out


def _level2(i: pd.DataFrame, s: pd.DataFrame) -> pd.DataFrame:
    """Level-2 sections against their items' 分值 (forms with a 分值 column)."""
    g = i[i["level2"] != ""].groupby(["project_id", "level1", "level2"]).agg(
        sum_w=("weight", "sum"), n=("weight", "count"), slack=("w_slack", "sum")).reset_index()
    m = s[s["level"] == 2].merge(g, left_on=["project_id", "parent", "name"],
                                 right_on=["project_id", "level1", "level2"], how="left")
    m["contrib"] = m["weight"].where(m["weight"].notna(), m["sum_w"].where(m["has_w"] & (m["n"] > 0)))
    m["n_items"] = m["n"].fillna(0)
    return m.assign(judged=m["weight"].notna() & m["has_w"] & (m["n"].fillna(0) > 0) & m["complete"])


def _level1(i: pd.DataFrame, s: pd.DataFrame, l2: pd.DataFrame) -> pd.DataFrame:
    """Level-1 sections against their level-2 children (declared weight, else their items) and
    the items directly under them."""
    child = l2.assign(
        cslack=np.where(l2["weight"].notna(), 0.0, l2["slack"].fillna(0)),
        cn=np.where(l2["weight"].notna(), 0, l2["n"].fillna(0)),
        unknown=l2["contrib"].isna() & (l2["n_items"] > 0),
    ).groupby(["project_id", "parent"]).agg(sum_w=("contrib", "sum"), slack=("cslack", "sum"), n=("cn", "sum"),
                                           unknown=("unknown", "any"), whole=("complete", "all")).reset_index()
    loose = i[i["level2"] == ""].groupby(["project_id", "level1"]).agg(
        lsum=("weight", "sum"), ln=("weight", "count"), lslack=("w_slack", "sum"), litems=("name", "size")).reset_index()
    items = i.groupby(["project_id", "level1"]).size().rename("items").reset_index()
    m = s[(s["level"] == 1) & s["weight"].notna()].merge(items, left_on=["project_id", "name"],
                                                        right_on=["project_id", "level1"], how="inner")
    m = m.merge(child, left_on=["project_id", "name"], right_on=["project_id", "parent"], how="left",
                suffixes=("", "_c"))
    m = m.merge(loose, left_on=["project_id", "name"], right_on=["project_id", "level1"], how="left",
                suffixes=("", "_l"))
    m["sum_w"] = m["sum_w"].fillna(0) + m["lsum"].fillna(0)
    m["slack"] = m["slack"].fillna(0) + m["lslack"].fillna(0)
    m["n"] = m["n"].fillna(0) + m["ln"].fillna(0)
    loose_unknown = (m["litems"].fillna(0) > 0) & ~m["has_w"]
    whole = m["complete"] & m["whole"].astype("boolean").fillna(True).astype(bool)
    unknown = m["unknown"].astype("boolean").fillna(False).astype(bool)
    known = ~unknown & ~loose_unknown & (m["has_w"] | m["sum_w"].gt(0))
    return m[whole & known].assign(parent="")


def _level0(s: pd.DataFrame) -> pd.DataFrame:
    """A block over the level-1 headings (年度绩效目标 (80分)) against their declared weights."""
    top = s[(s["level"] == 0) & s["weight"].notna()]
    if top.empty:
        return top.assign(sum_w=[], n=[], slack=[])
    l1 = s[s["level"] == 1].groupby("project_id").agg(sum_w=("weight", "sum"), n=("weight", "count"),
                                                      all_declared=("weight", lambda w: w.notna().all()),
                                                      whole=("complete", "all"))
    m = top.join(l1, on="project_id", how="inner")
    m = m[m["all_declared"] & m["whole"] & m["complete"]]
    return m.assign(slack=0.0, parent="")


def _section_hits(bad):
    return hits(bad, section="name", indicator="", location="loc", reported=bad["sum_w"].map(lambda x: P.fmt(round(x, 6))),
                expected=bad["weight"].map(P.fmt), items=bad["n"].map(lambda x: str(int(x))))


@rule("SUM.SECTION_WEIGHT", "error",
      "“{section}”标明 {expected} 分，但其下 {items} 项指标分值合计 {reported} 分",
      "'{section}' declares {expected} points but its {items} items weigh {reported}")
def section_weight(batch):
    """Item weights under a heading do not add up to the weight the heading declares.
    """
    w = section_weights(batch)
    return _section_hits(w[w["verdict"] == "error"])


@rule("SUM.WEIGHT_ROUNDING", "warning",
      "“{section}”标明 {expected} 分，其下指标分值合计 {reported} 分，"
      "差额来自分值四舍五入（如 10÷3 记为 3.3），建议调整使合计相符",
      "'{section}' declares {expected}; its items add to {reported} because of rounded splits (10/3 as 3.3)")
def weight_rounding(batch):
    """Weights split by rounding (10/3 → 3.3) leave the heading short or over.
    """
    w = section_weights(batch)
    return _section_hits(w[w["verdict"] == "rounding"])


@rule("SUM.TOTAL_WEIGHT_ROUNDING", "warning",
      "各项分值合计 {reported} 分（含资金执行分值），与总分值 {expected} 的差额"
      "来自分值四舍五入（如 10÷3 记为 3.3），建议调整使合计相符",
      "Weights add up to {reported} (incl. funds), off the total {expected} because of rounded splits (10/3 as 3.3)",
      kinds=SCORED)
def total_weight_rounding(batch):
    """Rounded weight splits (3.3, 1.43) leave the table's weights just short of or over 100.
    """
    t = total_weights(batch)
    tr = t[t["verdict"] == "rounding"]
    return hits(tr, section="总分", indicator="", location="loc", reported=tr["sum_w"].map(lambda x: P.fmt(round(x, 6))),
                expected=tr["declared"].map(P.fmt))


def total_weights(batch) -> pd.DataFrame:
    """Per whole table with weights: Σ item 分值 (or, with no 分值 column, the declared weights
    of its top headings) + the funds' 分值, against the declared total (100); once per batch."""
    return batch.once(_total_weights)


def _total_weights(batch) -> pd.DataFrame:
    """A table cut before its 总分 row is judged only where its weights already exceed the full
    mark: the missing rows could add weight, never take it away."""
    p = batch.by_project
    i = _items(batch)
    i = i[i["project_id"].isin(p.index)]
    by_items = i.groupby("project_id").agg(sum_w=("weight", "sum"), n=("weight", "count"), slack=("w_slack", "sum"))
    by_items = by_items[p["has_weight_column"].reindex(by_items.index).fillna(False).astype(bool)]
    g = pd.concat([by_items, _declared_tops(batch, p[~p["has_weight_column"]].index)])
    if g.empty:
        return g.assign(declared=[], loc=[], verdict=[]).reset_index()
    fund = batch.total_funds["weight"].reindex(g.index).fillna(0)
    g["sum_w"] = g["sum_w"] + fund
    g["n"] = g["n"] + (fund > 0)
    g["declared"] = p["total_weight"].reindex(g.index).fillna(batch.profile.total)
    g["loc"] = p["total_loc"].reindex(g.index).where(lambda x: x != "", p["loc"].reindex(g.index))
    g["verdict"] = _weight_verdict(g["sum_w"], g["slack"], g["declared"])
    cut = ~p["complete"].reindex(g.index).fillna(True).astype(bool)
    over = (g["sum_w"] - g["slack"] > g["declared"]) & (g["verdict"] == "error")
    g.loc[cut & ~over, "verdict"] = ""
    return g.rename_axis("project_id").reset_index()


def _declared_tops(batch, pids) -> pd.DataFrame:
    """Forms without a 分值 column: the weight of the 年度绩效目标 block if declared, else the sum
    of the level-1 headings' declared weights — only where every top heading declares one."""
    s = batch.sections[batch.sections["project_id"].isin(pids)]
    i = _items(batch)
    used = set(zip(i["project_id"], i["level1"]))
    in_use = pd.Series([(p, n) in used for p, n in zip(s["project_id"], s["name"])], index=s.index, dtype=bool)
    l1 = s[(s["level"] == 1) & in_use]
    l0 = s[(s["level"] == 0) & s["weight"].notna()].groupby("project_id")["weight"].sum()
    g = l1.groupby("project_id").agg(sum_w=("weight", "sum"), n=("weight", "count"),
                                     all_declared=("weight", lambda w: w.notna().all()))
    g = g[g["all_declared"] & (g["n"] > 0)]
    g["sum_w"] = l0.reindex(g.index).where(lambda x: x.notna(), g["sum_w"])
    return g.assign(slack=0.0)[["sum_w", "n", "slack"]]


@rule("SUM.TOTAL_WEIGHT", "error",
      "各项分值合计 {reported} 分（含资金执行分值），与总分值 {expected} 不符",
      "Weights add up to {reported} (incl. funds), not the total {expected}", kinds=SCORED)
def total_weight(batch):
    """All item weights plus the fund weight do not add up to the total (100).
    """
    t = total_weights(batch)
    bad = t[t["verdict"] == "error"]
    return hits(bad, section="总分", indicator="", location="loc", reported=bad["sum_w"].map(lambda x: P.fmt(round(x, 6))),
                expected=bad["declared"].map(P.fmt))


@rule("SUM.DECLARED_TOTAL", "error",
      "总分行标明的分值为 {reported}，满分应为 {expected} 分",
      "The total row declares {reported} points; the full mark is {expected}")
def declared_total(batch):
    """The 总分 row declares a full mark other than the profile's (100).
    """
    p = batch.projects
    decl = p[p["total_weight"].notna() & P.differs(p["total_weight"], batch.profile.total)]
    return hits(decl, section="总分", indicator="", location="total_loc", reported=decl["total_weight"].map(P.fmt),
                expected=P.fmt(batch.profile.total))


def _score_sums(batch, with_bonus: bool, col: str = "score") -> pd.DataFrame:
    """Σ item scores (+ 资金得分) per project, with the interval of the items' own decimals;
    ``col`` "review" sums the 复核分 column instead (each once per batch)."""
    return batch.once(_sums_of_scores, with_bonus, col)


def _sums_of_scores(batch, with_bonus: bool, col: str) -> pd.DataFrame:
    ind = batch.indicators
    i = ind.loc[ind["part_of"] == 0, ["project_id", "bonus", col, f"{col}_dec", f"{col}_table_dec"]]
    i = i if with_bonus else i[~i["bonus"]]
    d = i[f"{col}_dec"].astype(float)
    h = np.where(d > 0, P.half_ulp(d), 0.0) * i[col].notna()
    i = i.assign(s_lo=i[col].fillna(0) - h, s_hi=i[col].fillna(0) + h)
    g = i.groupby("project_id").agg(s=(col, "sum"), lo=("s_lo", "sum"), hi=("s_hi", "sum"),
                                    dec=(f"{col}_table_dec", "max"))
    f = batch.total_funds
    fs = f["score"].reindex(g.index).fillna(0)
    fd = f["score_dec"].reindex(g.index).fillna(0)
    fh = pd.Series(np.where(fd > 0, P.half_ulp(fd), 0.0), index=g.index)
    g["s"], g["lo"], g["hi"] = g["s"] + fs, g["lo"] + fs - fh, g["hi"] + fs + fh
    return g


def _total_hits(g, stated, dec, loc, section):
    g = g.assign(total=stated.reindex(g.index), loc=loc.reindex(g.index),
                 dec=np.maximum(g["dec"], dec.reindex(g.index).fillna(0)))
    g = g[g["total"].notna()]
    r_lo, r_hi = P.reported(g["total"], g["dec"])
    bad = g[~P.ties(r_lo, r_hi, g["lo"], g["hi"])].reset_index()
    return hits(bad, section=section, indicator="", location="loc", reported=bad["total"].map(P.fmt),
                expected=bad["s"].map(lambda x: P.fmt(round(x, 4))))


@rule("SUM.TOTAL_SCORE", "error",
      "{section}填报 {reported}，各指标得分合计（含资金执行得分、加分项）应为 {expected}",
      "{section} is {reported} but the scores (incl. funds, bonus) add up to {expected}")
def total_score(batch):
    """Stated 总分 differs from Σ item scores + 资金得分 (+ 加分项); a 复核总分 likewise from Σ 复核分.
    """
    p = batch.by_project
    separate = p["subtotal_score"].notna() & (p["subtotal_loc"] != p["total_loc"])
    with_bonus = _score_sums(batch, True)
    base = _score_sums(batch, False)
    # The 总分 counts the 加分项; a 合计 standing in for it (no 总分 row) does not.
    use_base = ~separate.reindex(with_bonus.index).fillna(False) & p["subtotal_score"].reindex(with_bonus.index).notna()
    total_sums = with_bonus.where(~use_base, base.reindex(with_bonus.index), axis=0)
    out = [_total_hits(total_sums, p["total_score"], p["total_score_dec"], p["total_loc"], "总分")]
    reviewed = p[p["review_total"].notna()]
    if len(reviewed):
        out.append(_total_hits(_score_sums(batch, True, "review"), reviewed["review_total"],
                               reviewed["review_total_dec"], reviewed["review_total_loc"], "复核总分"))
    return pd.concat(out, ignore_index=True)


@rule("SUM.SUBTOTAL_SCORE", "error",
      "{section}填报 {reported}，各指标得分合计（不含加分项）应为 {expected}",
      "{section} is {reported} but the scores without the bonus add up to {expected}")
def subtotal_score(batch):
    """A rubric's 合计 (printed before its 加分项 and 总分) differs from Σ of its leaves without
    the 加分项.
    """
    p = batch.by_project
    sub = p[p["subtotal_score"].notna() & (p["subtotal_loc"] != p["total_loc"])]
    return _total_hits(_score_sums(batch, False), sub["subtotal_score"], sub["subtotal_score_dec"],
                       sub["subtotal_loc"], "合计")


GRADE_NAMES = LEXICON.mapping("grades")   # 合格 / 合 -> 中, 不合格 / 不 -> 差


@rule("SUM.GRADE", "error",
      "评价等级填为“{reported}”，但总分 {total} 对应等级应为“{expected}”（{bands}）",
      "Stated grade '{reported}' does not match the total {total}, which is '{expected}'")
def grade(batch):
    """A stated 评价等级 (优/良/中/差) that does not match the total.
    """
    p = batch.projects[(batch.projects["grade"] != "") & batch.projects["total_score"].notna()]
    g = batch.profile.grades
    bounds = sorted(((float(v), k) for k, v in g.items()), reverse=True)
    due = p["total_score"].map(lambda s: next((k for v, k in bounds if s >= v), "差"))
    stated = p["grade"].map(lambda x: GRADE_NAMES.get(x, GRADE_NAMES.get(x[:1], x)))
    bad = p[stated != due]
    return hits(bad, section="评价等级", indicator="", location=bad["grade_loc"], reported=bad["grade"],
                expected=due[bad.index], total=bad["total_score"].map(P.fmt), bands=grade_bands(bounds))


def grade_bands(bounds: list[tuple[float, str]]) -> str:
    """The profile's grade bands in words: 优≥90，良80-89，中60-79，差<60 for the default."""
    parts = []
    for n, (floor, name) in enumerate(bounds):
        if n == 0:
            parts.append(f"{name}≥{P.fmt(floor)}")
        elif n == len(bounds) - 1:
            parts.append(f"{name}<{P.fmt(bounds[n - 1][0])}")
        else:
            parts.append(f"{name}{P.fmt(floor)}-{P.fmt(bounds[n - 1][0] - 1)}")
    return "，".join(parts)


@rule("SUM.PROFILE_WEIGHT", "warning",
      "本表未标明“{section}”的分值；按评分口径（{profile}）应为 {expected} 分，其下指标分值合计 {reported} 分",
      "The form declares no weight for '{section}'; the {profile} profile expects {expected}, its items weigh {reported}",
      kinds=("selfeval",))
def profile_weight(batch):
    """When a self-evaluation declares no level-1 weights at all, its sections are held to the
    profile's weights (national: 产出 50, 效益 30, 满意度 10).
    """
    i = _items(batch)
    i = i[(i["level1"] != "") & _project_flag(i, batch, "has_weight_column")]
    s = batch.sections
    cut = set(zip(*(s.loc[(s["level"] == 1) & ~s["complete"], c] for c in ("project_id", "name"))))
    i = i[pd.Series([k not in cut for k in zip(i["project_id"], i["level1"])], index=i.index, dtype=bool)]
    declared = s[(s["level"] == 1) & s["weight"].notna()]["project_id"].unique()
    i = i[~i["project_id"].isin(declared)]
    want = pd.Series({k: float(v) for k, v in batch.profile.weights.items() if k != "funds"}, dtype=float)
    g = i.groupby(["project_id", "level1"]).agg(sum_w=("weight", "sum"), n=("weight", "count"),
                                                slack=("w_slack", "sum"), loc=("loc", "first")).reset_index()
    g["weight"] = g["level1"].map(want)
    g = g[g["weight"].notna()]
    if g.empty:
        return hits(g)
    g["verdict"] = _weight_verdict(g["sum_w"], g["slack"], g["weight"])
    bad = g[g["verdict"] != ""]
    return hits(bad, section="level1", indicator="", location="loc", reported=bad["sum_w"].map(lambda x: P.fmt(round(x, 6))),
                expected=bad["weight"].map(P.fmt), profile=batch.profile.name)
