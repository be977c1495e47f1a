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
    import os
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise BaselineError(f"{path}: 比对基准文件不存在") from None
    except OSError as exc:
        raise BaselineError(f"{path}: 无法读取比对基准（{exc.strerror or exc}）") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise BaselineError(f"{path}: 比对基准不是普通文件")
        if st.st_size > BASELINE_MAX_BYTES:
            raise BaselineError(f"{path}: 比对基准过大（{st.st_size} 字节，上限 {BASELINE_MAX_BYTES} 字节）")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            raw = fh.read(BASELINE_MAX_BYTES + 1)
    except OSError as exc:
        raise BaselineError(f"{path}: 无法读取比对基准（{exc.strerror or exc}）") from None
    finally:
        os.close(fd)
    if len(raw) > BASELINE_MAX_BYTES:
        raise BaselineError(f"{path}: 比对基准过大（上限 {BASELINE_MAX_BYTES} 字节）")
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
    """What the gate judges: the whole result, or only its new findings under ``--fail-on-new``."""
    from checker.selection import UNSILENCEABLE

    c = comparison_of(result)
    if c is None or not c.new_only:
        return result
    keep = c.state.reindex(result.findings.index).fillna(NEW) == NEW
    keep |= result.findings["rule"].isin(UNSILENCEABLE)   # a file nobody read fails, baseline or not
    return replace(result, findings=result.findings[keep])
