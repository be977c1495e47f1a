"""Resubmissions: compare this run's findings with an earlier run's JSON report.

Each finding is *new* (not in the baseline) or *persisting* (in it, matched by fingerprint — see
``checker.fingerprint``); the baseline's findings that no longer occur are *fixed*.  Matching is
one-to-one: a fingerprint that occurs twice now and once before gives one persisting and one new.

The comparison rides on ``Result.extra["comparison"]`` so every emitter can show it, and
``gate_view`` gives the gate what it should judge when only new findings may fail it.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from checker.fingerprint import fingerprint_records

NEW, PERSISTING, FIXED = "new", "persisting", "fixed"
FIXED_COLUMNS = ["rule", "family", "severity", "file", "project", "section", "indicator", "location",
                 "reported", "expected", "message", "fingerprint"]


class BaselineError(ValueError):
    """The --compare file cannot serve as a baseline (one line, naming the file)."""


@dataclass
class Comparison:
    baseline: str                       # the baseline report's path, as given
    state: pd.Series                    # NEW or PERSISTING, aligned with result.findings' index
    fixed: pd.DataFrame                 # baseline findings no longer found (FIXED_COLUMNS)
    new_only: bool = False              # the gate judges only new findings
    counts: dict = field(default_factory=dict)


BASELINE_MAX_BYTES = 256 * 1024 * 1024   # a JSON report of a very large batch is tens of MB


def load_baseline(path: str | Path) -> list[dict]:
    """The findings of a JSON report written by ``jixiao check --format json``: a regular file of
    bounded size (never a device or a pipe), every finding of the report's schema
    (strings; a known severity).  Anything else is a ``BaselineError`` of one line."""
    doc = _baseline_doc(path)
    if not isinstance(doc, dict) or doc.get("tool") != "jixiao" or not isinstance(doc.get("findings"), list):
        raise BaselineError(f"{path}: 比对基准不是 jixiao 的 JSON 报告（缺少 tool/findings）")
    findings = doc["findings"]
    for n, f in enumerate(findings):
        why = _bad_finding(f)
        if why:
            raise BaselineError(f"{path}: 比对基准第 {n + 1} 条问题{why}，不是 jixiao 的 JSON 报告")
    missing = [n for n, f in enumerate(findings) if not f.get("fingerprint")]
    if missing:  # a report from before fingerprints: compute them from its fields
        computed = fingerprint_records(findings)
        for n in missing:
            findings[n]["fingerprint"] = computed[n]
    return findings


def _baseline_doc(path: str | Path):
    from checker.regular_file import Refused, read_regular

    try:
        raw = read_regular(path, BASELINE_MAX_BYTES)
    except Refused as r:
        size = f"{r.size} 字节，" if r.size is not None else ""
        raise BaselineError({
            "missing": f"{path}: 比对基准文件不存在",
            "folder": f"{path}: 比对基准不是普通文件",
            "not_regular": f"{path}: 比对基准不是普通文件",
            "too_big": f"{path}: 比对基准过大（{size}上限 {BASELINE_MAX_BYTES} 字节）",
        }.get(r.why, f"{path}: 无法读取比对基准（{r.detail}）")) from None
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except RecursionError:   # nesting the parser refuses: no report of jixiao nests past 3
        raise BaselineError(f"{path}: 比对基准嵌套过深，不是 jixiao 的 JSON 报告") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{path}: 比对基准不是 jixiao 的 JSON 报告（{type(exc).__name__}）") from None


def _bad_finding(f) -> str:
    """Why one baseline entry is not a finding of a jixiao report ("" when it is)."""
    if not isinstance(f, dict):
        return "不是一个对象"
    if not isinstance(f.get("rule"), str) or not f["rule"]:
        return "缺少规则编号"
    for key in FIXED_COLUMNS:
        value = f.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            return f"的 {key} 不是字符串"
        if any(0xD800 <= ord(ch) <= 0xDFFF for ch in value):
            return f"的 {key} 含无效字符（孤立代理项）"
    if f.get("severity") not in (None, "", "error", "warning", "info"):
        return "的级别不是 error、warning 或 info"
    return ""


def compare(findings: pd.DataFrame, baseline: list[dict], baseline_path: str, new_only: bool = False) -> Comparison:
    """Mark each current finding new or persisting; list the baseline's findings no longer found."""
    left = Counter(str(f.get("fingerprint", "")) for f in baseline)
    state = []
    for fp in findings["fingerprint"].tolist():
        if left[fp] > 0:
            left[fp] -= 1
            state.append(PERSISTING)
        else:
            state.append(NEW)
    fixed_rows = []
    for f in reversed(baseline):  # the last occurrences are the unmatched ones
        fp = str(f.get("fingerprint", ""))
        if left[fp] > 0:
            left[fp] -= 1
            fixed_rows.append({c: str(f.get(c, "") or "") for c in FIXED_COLUMNS})
    fixed = pd.DataFrame(fixed_rows[::-1], columns=FIXED_COLUMNS)
    state_s = pd.Series(state, index=findings.index, dtype=str)
    counts = {NEW: int((state_s == NEW).sum()), PERSISTING: int((state_s == PERSISTING).sum()), FIXED: len(fixed)}
    return Comparison(baseline_path, state_s, fixed, new_only, counts)


def attach(result, baseline_path: str, new_only: bool = False) -> Comparison:
    """Compare ``result`` with the baseline report and keep the comparison on the result."""
    comparison = compare(result.findings, load_baseline(baseline_path), str(baseline_path), new_only)
    result.extra["comparison"] = comparison
    return comparison


def comparison_of(result) -> Comparison | None:
    return getattr(result, "extra", {}).get("comparison")


def states(result) -> list[str] | None:
    """NEW/PERSISTING per finding in order, or None when the run was not compared."""
    c = comparison_of(result)
    return None if c is None else c.state.reindex(result.findings.index).fillna(NEW).tolist()


def gate_view(result):
    """What the gate judges: the whole result less the findings a waiver accepted, or only its new
    findings under ``--fail-on-new``; a file nobody read is judged whatever a waiver or baseline says."""
    from checker.selection import UNSILENCEABLE

    f = result.findings
    unsilenceable = f["rule"].isin(UNSILENCEABLE)   # a file nobody read fails, baseline or waiver or not
    keep = ~f["waived"].astype(bool) | unsilenceable if "waived" in f.columns else unsilenceable | True
    c = comparison_of(result)
    if c is not None and c.new_only:
        keep &= (c.state.reindex(f.index).fillna(NEW) == NEW) | unsilenceable
    return result if bool(keep.all()) else replace(result, findings=f[keep])


# ---------------------------------------------------------------- figures: what was read, cell by cell
#
# The JSON report keeps every figure read — A, B, 分值, 得分, 复核分 of each indicator and the funds
# of each fund line, with its cell — so the next round's ``--compare`` can say which figures a unit
# changed (``项目5!F11 得分 15 → 6``), not only which findings came and went.  A figure is matched
# by file, project, section, indicator and field (the n-th of a repeated key with the n-th); one
# whose file was renamed (``v2.xlsx``) by the rest of that key, where it is unique on both sides.

FIGURE_KEYS = ["file", "project", "section", "indicator", "field", "value", "location"]
INDICATOR_FIGURES = (("A", "target_raw", "loc_target"), ("B", "actual_raw", "loc_actual"),
                     ("weight", "weight_raw", "loc_weight"), ("score", "score_raw", "loc_score"),
                     ("review", "review_raw", "loc_review"))
FUND_FIGURES = (("budget_initial", "budget_initial_dec", "loc_budget_initial"), ("budget", "budget_dec", "loc_budget"),
                ("spent", "spent_dec", "loc_spent"), ("rate", "rate_dec", "loc_rate"), ("weight", "", ""),
                ("score", "score_dec", "loc_score"))
FUND_SECTION = "资金"
TOTAL_SECTION = "总分"
FIELD_LABELS = {
    "zh": {"A": "指标值", "B": "实际值", "weight": "分值", "score": "得分", "review": "复核分",
           "budget_initial": "年初预算数", "budget": "全年预算数", "spent": "全年执行数", "rate": "执行率",
           "total": "总分", "review_total": "复核总分"},
    "en": {"A": "target (A)", "B": "actual (B)", "weight": "weight", "score": "score", "review": "review score",
           "budget_initial": "initial budget", "budget": "budget", "spent": "spent", "rate": "execution rate",
           "total": "total score", "review_total": "reviewed total"},
}
CHANGE_KEYS = ["file", "project", "section", "indicator", "field", "location", "old", "new", "old_file",
               "old_location"]


def field_label(name: str, lang: str = "zh") -> str:
    return FIELD_LABELS["en" if lang == "en" else "zh"].get(name, name)


def _blank(x) -> bool:
    return x is None or (isinstance(x, float) and x != x) or x == ""


def _fund_value(v, dec) -> str:
    from checker.precision import fmt

    if _blank(v):
        return ""
    try:
        return fmt(float(v), int(dec) if not _blank(dec) else None)
    except (TypeError, ValueError):
        return str(v)


def figures(result):
    """Every figure read, as JSON records (``FIGURE_KEYS``), table by table in reading order."""
    from reports.frames import columns, positions

    p = columns(result.projects, ["project_id", "file", "name", "total_score", "total_score_dec", "total_loc",
                                  "review_total", "review_total_dec", "review_total_loc"])
    ind_cols = ["project_id", "level1", "level2", "name"] + [c for _, v, loc in INDICATOR_FIGURES for c in (v, loc)]
    ic = columns(result.indicators, ind_cols)
    fund_cols = ["project_id", "line", "label", *{c for f, dec, loc in FUND_FIGURES for c in (f, dec, loc) if c}]
    fc = columns(result.funds, fund_cols)
    ipos, fpos = positions(ic["project_id"]), positions(fc["project_id"])
    for n in range(len(result.projects)):
        pid, file, project = p["project_id"][n], p["file"][n], p["name"][n]
        for k in fpos.get(pid, []):
            label = fc["label"][k] or fc["line"][k]
            for name, dec, loc in FUND_FIGURES:
                value = _fund_value(fc[name][k], fc[dec][k] if dec else None)
                where = (fc[loc][k] if loc else "") or ""
                if value or where:
                    yield {"file": file, "project": project, "section": FUND_SECTION, "indicator": label,
                           "field": name, "value": value, "location": where}
        for k in ipos.get(pid, []):
            section = ic["level2"][k] or ic["level1"][k] or ""
            for name, value_col, loc in INDICATOR_FIGURES:
                value, where = ic[value_col][k] or "", ic[loc][k] or ""
                if value or where:
                    yield {"file": file, "project": project, "section": section, "indicator": ic["name"][k] or "",
                           "field": name, "value": str(value), "location": str(where)}
        for name, prefix in (("total", "total_score"), ("review_total", "review_total")):
            value = _fund_value(p[prefix][n], p[prefix + "_dec"][n])
            where = p[prefix.replace("_score", "") + "_loc"][n] or ""
            if value or where:
                yield {"file": file, "project": project, "section": TOTAL_SECTION, "indicator": TOTAL_SECTION,
                       "field": name, "value": value, "location": where}


def load_figures(path: str | Path) -> list[dict] | None:
    """The ``figures`` of a JSON report (None for a report written before figures were kept)."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise BaselineError(f"{path}: 比对基准文件不存在") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{path}: 比对基准不是 jixiao 的 JSON 报告（{type(exc).__name__}）") from None
    figs = doc.get("figures") if isinstance(doc, dict) else None
    if figs is None:
        return None
    if not isinstance(figs, list):
        raise BaselineError(f"{path}: 比对基准的 figures 不是列表")
    return [{k: str(f.get(k, "") or "") for k in FIGURE_KEYS} for f in figs if isinstance(f, dict)]


def _same_value(a: str, b: str) -> bool:
    from checker.fingerprint import normalise

    a, b = normalise(a), normalise(b)
    if a == b:
        return True
    try:
        return float(a.replace(",", "")) == float(b.replace(",", ""))
    except ValueError:
        return False


def _keyed(figs: list[dict], with_file: bool) -> dict[tuple, dict]:
    from checker.fingerprint import normalise

    out: dict[tuple, dict] = {}
    seen: Counter = Counter()
    for f in figs:
        key = (Path(f["file"].replace("\\", "/")).name if with_file else "", normalise(f["project"]),
               normalise(f["section"]), normalise(f["indicator"]), f["field"])
        seen[key] += 1
        out[(*key, seen[key])] = f
    return out


def figure_changes(current: list[dict], baseline: list[dict]) -> list[dict]:
    """The figures whose value differs from the baseline's, in this run's reading order
    (``CHANGE_KEYS``: where it is now, and where it was)."""
    now, before = _keyed(current, True), _keyed(baseline, True)
    pairs = {k: before[k] for k in now if k in before}
    # files renamed between rounds: match the rest without the file, where unique on both sides
    rest_now = [f for k, f in now.items() if k not in pairs]
    rest_before = [f for k, f in before.items() if k not in pairs]
    loose_now, loose_before = _keyed(rest_now, False), _keyed(rest_before, False)
    unique = {k for k in loose_now if k[-1] == 1 and (*k[:-1], 2) not in loose_now and (*k[:-1], 2) not in loose_before}
    loose = {id(loose_now[k]): loose_before[k] for k in unique if k in loose_before}
    out = []
    for k, f in now.items():
        old = pairs.get(k) or loose.get(id(f))
        if old is None or _same_value(f["value"], old["value"]):
            continue
        out.append({"file": f["file"], "project": f["project"], "section": f["section"], "indicator": f["indicator"],
                    "field": f["field"], "location": f["location"], "old": old["value"], "new": f["value"],
                    "old_file": old["file"], "old_location": old["location"]})
    return out


def changes_of(result) -> list[dict] | None:
    """The figures changed since the baseline (None when not compared, or the baseline kept none)."""
    return getattr(result, "extra", {}).get("figure_changes")


def attach_figure_changes(result, baseline_figures: list[dict] | None) -> list[dict] | None:
    if baseline_figures is None:
        return None
    result.extra["figure_changes"] = figure_changes(list(figures(result)), baseline_figures)
    return result.extra["figure_changes"]
