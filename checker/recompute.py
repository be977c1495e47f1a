"""Recompute every indicator score and every fund figure, batch-wide.

This is where the formulas live (DOMAIN §3).  It adds columns to the model's frames —
each documented in ``checker.model.RecomputedIndicators`` and ``RecomputedFunds`` and
validated when recompute ends — and rules compare those columns.  Nothing here judges:
a recomputed score is an interval, and a rule states which difference is a finding.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from checker import model as M
from checker import precision as P
from checker.derived import each_distinct
from checker.lexicon import LEXICON
from checker.profile import Profile, form_overrides
from checker.recognise.labels import squash

QUANT = ("quantity", "percent")
TIER_NAMES = {int(t): ws[0] for t, ws in LEXICON.table("tier_names")}   # 1 -> 达成预期指标


def project_settings(projects: pd.DataFrame, profile: Profile) -> pd.DataFrame:
    """Per project: the reverse formula and tier bands in force (form beats profile)."""
    rows = []
    for pid, text in zip(projects["project_id"], projects["method_text"]):
        o = form_overrides(text)
        bands = o.get("bands", profile.bands)
        rows.append({"project_id": pid, "reverse_formula": o.get("reverse_formula", profile.reverse_formula),
                     "band2_lo": bands[2][0], "band2_hi": bands[2][1], "band1_lo": bands[1][0],
                     "band3_hi": bands[3][1], "method_source": "form" if o else "profile"})
    return pd.DataFrame(rows, columns=["project_id", "reverse_formula", "band2_lo", "band2_hi", "band1_lo",
                                       "band3_hi", "method_source"])


def recompute_indicators(ind: pd.DataFrame, projects: pd.DataFrame, profile: Profile) -> pd.DataFrame:
    """The indicators with the recomputed columns.  They are added to ``ind`` itself (the batch's
    frame, built for this; a copy would double the largest frame of the batch), whose own
    columns are left as they are."""
    df = ind
    settings = project_settings(projects, profile).set_index("project_id")
    df["form_kind"] = df["project_id"].map(projects.set_index("project_id")["kind"]).fillna("")
    df["is_rubric"] = df["form_kind"].eq("rubric")
    for col in settings.columns:
        df[col] = df["project_id"].map(settings[col])
    _normalise(df, profile)
    _mode(df)
    _expected(df)
    _text_dues(df)
    _reported(df, projects)
    return M.validate_frame(M.RecomputedIndicators, df)


def _normalise(df: pd.DataFrame, profile: Profile) -> None:
    a = df["target_num"].astype(float).to_numpy() * df["target_scale"].astype(float).to_numpy()
    b = df["actual_num"].astype(float).to_numpy() * df["actual_scale"].astype(float).to_numpy()
    a_dec = df["target_dec"].to_numpy()
    b_dec = df["actual_dec"].to_numpy()
    a_lo, a_hi = P.input_interval(df["target_num"].astype(float), a_dec)
    b_lo, b_hi = P.input_interval(df["actual_num"].astype(float), b_dec)
    a_lo, a_hi = a_lo * df["target_scale"].to_numpy(), a_hi * df["target_scale"].to_numpy()
    b_lo, b_hi = b_lo * df["actual_scale"].to_numpy(), b_hi * df["actual_scale"].to_numpy()

    a_kind, b_kind = df["target_kind"].to_numpy(), df["actual_kind"].to_numpy()
    a_bare = (a_kind == "quantity") & (df["target_unit"] == "").to_numpy() & (df["target_scale"] == 1).to_numpy()
    b_bare = (b_kind == "quantity") & (df["actual_unit"] == "").to_numpy() & (df["actual_scale"] == 1).to_numpy()
    # Percent written three ways: 100%, 100, 1 (seed 003 mixes A = 1 with B = 100).
    frac_b = (a_kind == "percent") & b_bare & (b <= 1) & (a > 1)
    frac_a = a_bare & (a > 0) & (a <= 1) & (b_bare | (b_kind == "percent")) & (b > 1) & (b <= 100)
    for arr, lo, hi, m in ((b, b_lo, b_hi, frac_b), (a, a_lo, a_hi, frac_a)):
        arr[m], lo[m], hi[m] = arr[m] * 100, lo[m] * 100, hi[m] * 100
    # A bare actual is read in the target's unit ("≤7万元" against "7").
    scaled_a = (df["target_scale"] != 1).to_numpy() & b_bare
    s = df["target_scale"].to_numpy()
    for arr in (b, b_lo, b_hi):
        arr[scaled_a] = arr[scaled_a] * s[scaled_a]

    one_side_bare = scaled_a | ((df["actual_scale"] != 1).to_numpy() & a_bare)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where((a > 0) & (b > 0), b / a, 1.0)
    far = (ratio >= profile.unit_mismatch_ratio) | (ratio <= 1 / profile.unit_mismatch_ratio)
    is_cost = df["level2"].str.contains("成本").to_numpy()
    bare_wan = scaled_a & (df["target_unit"] == "").to_numpy() & ~is_cost
    # A rate against a count ("100%" against "5个"): not the same measure at all, whatever the ratio.
    unit_a, unit_b = (df["target_unit"] != "").to_numpy(), (df["actual_unit"] != "").to_numpy()
    kind_apart = (((a_kind == "percent") & (b_kind == "quantity") & unit_b)
                  | ((a_kind == "quantity") & unit_a & (b_kind == "percent")))
    df["unit_issue"] = np.select([kind_apart, one_side_bare & far, bare_wan], ["kind", "mismatch", "bare_wan"], "")
    df["a"], df["a_lo"], df["a_hi"] = a, a_lo, a_hi
    df["b"], df["b_lo"], df["b_hi"] = b, b_lo, b_hi


def _mode(df: pd.DataFrame) -> None:
    quant = (df["target_kind"].isin(QUANT) & df["actual_kind"].isin(QUANT)
             & df["a"].notna() & df["b"].notna() & ~df["unit_issue"].isin(["mismatch", "kind"]))
    op = df["target_op"]
    same = (each_distinct(df["target_raw"], squash) == each_distinct(df["actual_raw"], squash)) & (df["target_raw"] != "")
    tier = df["actual_tier"].notna()
    df["mode"] = np.select(
        [quant & op.isin(["<=", "<"]), quant & (op == "="), quant, tier, same],
        ["neg", "eq", "pos", "tier", "same"], "")


def _ratio_fn(mode: str, formula: str, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        if mode == "pos":
            return np.where(a <= 0, 1.0, np.clip(b / a, 0, 1))
        if mode == "eq":
            r = np.where(a <= 0, np.where(b <= 0, 1.0, 0.0), np.minimum(b / a, np.where(b > 0, a / b, 0.0)))
            return np.clip(r, 0, 1)
        # 反向: smaller is better; B ≤ A earns full marks under both formulas.
        if formula == "national":
            r = np.where(a > 0, b / a, np.where(b <= 0, 0.0, np.inf))
            return np.where(r <= 1, 1.0, np.clip(2 - r, 0, 1))
        return np.where(b <= a, 1.0, np.where(b > 0, a / b, 1.0))


def _expected(df: pd.DataFrame) -> None:
    n = len(df)
    f = np.full(n, np.nan)
    f_lo = np.full(n, np.nan)
    f_hi = np.full(n, np.nan)
    for mode in ("pos", "neg", "eq"):
        for formula in ("ratio", "national"):
            m = ((df["mode"] == mode) & ((mode != "neg") | (df["reverse_formula"] == formula))).to_numpy()
            if mode != "neg" and formula == "national" or not m.any():
                continue
            a, b = df["a"].to_numpy()[m], df["b"].to_numpy()[m]
            corners = [_ratio_fn(mode, formula, df[x].to_numpy()[m], df[y].to_numpy()[m])
                       for x in ("a_lo", "a_hi") for y in ("b_lo", "b_hi")]
            f[m] = _ratio_fn(mode, formula, a, b)
            # A and B written as the same figure are the same number, not two
            # independent roundings: the ratio is exactly 1.
            identical = np.round(a, 9) == np.round(b, 9)
            f_lo[m] = np.where(identical, f[m], np.minimum.reduce(corners))
            f_hi[m] = np.where(identical, f[m], np.maximum.reduce(corners))
            if mode == "eq":  # the peak at B = A lies inside the corners' span
                col = {x: df[x].to_numpy()[m] for x in ("a_lo", "a_hi", "b_lo", "b_hi")}
                straddle = P.overlap(col["b_lo"], col["b_hi"], col["a_lo"], col["a_hi"])
                f_hi[m] = np.where(straddle, 1.0, f_hi[m])
    tier = df["actual_tier"].where(df["mode"] == "tier")
    tier = tier.where(df["mode"] != "same", 1.0) if "same" in set(df["mode"]) else tier
    tier = np.where(df["mode"] == "same", 1.0, tier.astype(float))
    band_lo = np.select([tier == 1, tier == 2, tier == 3], [df["band1_lo"], df["band2_lo"], 0.0], np.nan) / 100
    band_hi = np.select([tier == 1, tier == 2, tier == 3], [100.0, df["band2_hi"], df["band3_hi"]], np.nan) / 100
    is_band = ~np.isnan(tier)
    f_lo = np.where(is_band, band_lo, f_lo)
    f_hi = np.where(is_band, band_hi, f_hi)
    w = df["weight"].astype(float).to_numpy()
    df["ratio"] = f
    df["expected_score"] = w * f
    df["expected_lo"] = w * f_lo
    df["expected_hi"] = w * f_hi
    df["basis"] = _bases(df)


BASIS_MODES = ("pos", "eq", "neg", "tier", "same")
BASIS_COLUMNS = ["weight", "target_scale", "a", "b", "mode", "expected_score", "expected_lo", "expected_hi",
                 "reverse_formula", "actual_tier"]


def _bases(df: pd.DataFrame) -> np.ndarray:
    """``_basis`` of every row; only rows with a weight and a formula have one, so only they
    are visited (and only the columns it reads)."""
    out = np.full(len(df), "", dtype=object)
    has = (df["weight"].notna() & df["mode"].isin(BASIS_MODES)).to_numpy()
    if has.any():
        rows = df.loc[has, BASIS_COLUMNS].itertuples(index=False)
        out[has] = [_basis(r) for r in rows]
    return out


# P.fmt depends on the number alone (0.0 and -0.0 both print "0"), and weights, targets and
# scores recur from row to row: each is formatted once.
_fmt = lru_cache(maxsize=4096)(P.fmt)


def _basis(r) -> str:
    """The recomputation in a reviewer's words: '5 × 7/15 = 2.33'."""
    if np.isnan(r.weight) if isinstance(r.weight, float) else r.weight is None:
        return ""
    w = _fmt(r.weight)
    # Show A and B in the unit the target is written in (万元, 万人次), not in base units.
    scale = r.target_scale if r.target_scale and r.target_scale == r.target_scale else 1.0
    A, B = _fmt(r.a / scale), _fmt(r.b / scale)
    if r.mode == "pos":
        return f"正向: {w} × min(B/A, 1) = {w} × {B}/{A} = {_fmt(round(r.expected_score, 4))}"
    if r.mode == "eq":
        return f"等值: {w} × min(B/A, A/B) = {_fmt(round(r.expected_score, 4))} (A={A}, B={B})"
    if r.mode == "neg":
        how = "A/B" if r.reverse_formula == "ratio" else "1-(B-A)/A"
        return f"反向: B≤A 满分, 否则 {w} × {how} = {_fmt(round(r.expected_score, 4))} (A={A}, B={B})"
    if r.mode in ("tier", "same"):
        tier = 1 if r.mode == "same" else int(r.actual_tier)
        label = "实际值与指标值一致" if r.mode == "same" else TIER_NAMES.get(tier, "")
        return f"定性: {label} → {_fmt(r.expected_lo)}~{_fmt(r.expected_hi)} 分"
    return ""


def _fund_parts(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """A line's whole and the breakdown it belongs to.  By source (财政拨款 + 上年结转 + 其他) and
    by use (基本支出 + 项目支出) each add up to the total; lines by level of government (中央 /
    省级 / 县级) break down the 财政拨款 line where there is one, else they stand beside 其他资金."""
    has_fiscal = df["project_id"].isin(df.loc[df["line"] == "fiscal", "project_id"]).to_numpy()
    level = (df["split"] == "level").to_numpy()
    under_fiscal = level & has_fiscal
    whole = np.select([df["split"].eq("total").to_numpy(), under_fiscal], ["", "fiscal"], "total")
    breakdown = np.select([df["split"].eq("total").to_numpy(), df["split"].eq("use").to_numpy(), under_fiscal],
                          ["", "use", "level"], "source")
    return whole, breakdown


def _text_dues(df: pd.DataFrame) -> None:
    """Scores a rubric's own words imply: "扣1分" ⇒ 分值 − 1; "计3分" ⇒ 3; satisfaction rules.

    Rows without a formula (rubric leaves) show these as their recomputed score.
    """

    n = len(df)
    cols = {k: np.full(n, np.nan) for k in ("due_deduction", "due_stated", "due_satisfaction")}
    words = {k: [""] * n for k in cols}
    read: dict = {}
    for k, (w, note, method) in enumerate(zip(df["weight"], df["note"], df["method"])):
        if w is None or w != w:
            continue
        ded, pts, sat = _words_read(note, method, w, read)
        if ded:
            cols["due_deduction"][k] = max(w - sum(p.value for p in ded), 0.0)
            words["due_deduction"][k] = "、".join(p.words for p in ded)
        if len(pts) == 1 and not ded:
            cols["due_stated"][k] = pts[0].value
            words["due_stated"][k] = pts[0].words
        if sat:
            cols["due_satisfaction"][k] = sat.computed
            words["due_satisfaction"][k] = sat.words
    for k in cols:
        df[k] = cols[k]
        df[k.replace("due_", "words_")] = words[k]
    fill = df["mode"].eq("")
    for k in ("due_satisfaction", "due_deduction", "due_stated"):
        m = fill & df[k].notna()
        if not m.any():
            continue
        df.loc[m, "expected_score"] = df.loc[m, k]
        df.loc[m, "expected_lo"] = df.loc[m, k]
        df.loc[m, "expected_hi"] = df.loc[m, k]
        words = df.loc[m, k.replace("due_", "words_")]
        due = df.loc[m, k].map(P.fmt)
        if k == "due_deduction":  # 分值 4 − 扣1分 = 3
            df.loc[m, "basis"] = "评分说明: 分值 " + df.loc[m, "weight"].map(P.fmt) + " − " + words + " = " + due
        else:
            df.loc[m, "basis"] = "评分说明: " + words + " → " + due
        df.loc[m, "mode"] = "text"
        fill = fill & ~m
    # A rubric row whose explanation names no deduction is due its full weight.
    full = fill & df["is_rubric"] & df["weight"].notna() & ~df["bonus"]
    if full.any():
        df.loc[full, ["expected_score", "expected_lo", "expected_hi"]] = np.repeat(
            df.loc[full, "weight"].to_numpy()[:, None], 3, axis=1)
        df.loc[full, "basis"] = "未列扣分 → 满分"
        df.loc[full, "mode"] = "full"


def _words_read(note: str, method: str, weight: float, read: dict) -> tuple:
    """A row's deductions, stated points and satisfaction rule, each distinct 评分说明 (and
    评分标准) read once into ``read``: most rows share a few texts, or none."""
    from checker import textcalc as T

    if note not in read:
        read[note] = (T.deductions(note), T.stated_points(note))
    if (method, note, weight) not in read:
        read[(method, note, weight)] = T.satisfaction_rule(method, note, weight)
    return *read[note], read[(method, note, weight)]


def _reported(df: pd.DataFrame, projects: pd.DataFrame) -> None:
    """The interval each reported score stands for, at the decimals its column shows in the
    table (自评分 and 复核分 each in their own column)."""
    p = projects.set_index("project_id")
    for col, total in (("score", "total_score_dec"), ("review", "review_total_dec")):
        df[f"{col}_table_dec"] = P.table_decimals(df, f"{col}_dec", p[total])
        df[f"{col}_lo"], df[f"{col}_hi"] = P.reported(df[col].astype(float), df[f"{col}_table_dec"])


def recompute_funds(funds: pd.DataFrame) -> pd.DataFrame:
    """执行率 = 执行数/预算数; 资金得分 = 分值 × min(执行率, 1), with intervals; and which line each
    line is a part of (``part_of``), so every breakdown can be summed against its whole."""
    df = funds.copy()
    df["part_of"], df["breakdown"] = _fund_parts(df)
    # A rate written as a fraction ("0.9983" in a cell without %) is the same rate in percent: where
    # it is nearer the fraction spent / budget than that fraction in percent (0.5 for 0.5% stays 0.5).
    ratio = df["spent"].astype(float) / df["budget"].astype(float)
    as_fraction = (df["rate"] <= 1.0) & (ratio > 0) & ((df["rate"] - ratio).abs() < (df["rate"] - ratio * 100).abs())
    df.loc[as_fraction, "rate"] = df.loc[as_fraction, "rate"] * 100
    df.loc[as_fraction, "rate_dec"] = (df.loc[as_fraction, "rate_dec"] - 2).clip(lower=0)
    s_lo, s_hi = P.input_interval(df["spent"].astype(float), df["spent_dec"])
    b_lo, b_hi = P.input_interval(df["budget"].astype(float), df["budget_dec"])
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = df["spent"].astype(float) / df["budget"].astype(float) * 100
        rate_lo = np.where(b_hi > 0, s_lo / b_hi * 100, np.nan)
        rate_hi = np.where(b_lo > 0, s_hi / b_lo * 100, np.nan)
    df["expected_rate"] = rate.where(df["budget"].astype(float) > 0)
    df["expected_rate_lo"], df["expected_rate_hi"] = rate_lo, rate_hi
    w = df["weight"].astype(float)
    df["expected_score"] = w * np.minimum(df["expected_rate"], 100) / 100
    df["expected_score_lo"] = w * np.minimum(rate_lo, 100) / 100
    df["expected_score_hi"] = w * np.minimum(rate_hi, 100) / 100
    return M.validate_frame(M.RecomputedFunds, df)
