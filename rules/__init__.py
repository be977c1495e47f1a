"""The rule catalog.  One module per family; each rule is one decorated function.

A rule receives the whole batch (model frames after recomputation, plus the
profile) and returns a DataFrame of hits: ``project_id, section, indicator,
location, reported, expected`` and any parameters its message templates use.
The engine fills file and project, formats the messages and validates the result
against ``checker.model.Findings``.  A rule never reads files.

The docstring of each rule is its documentation (``jixiao rules`` prints it): a
one-line summary, then a failing and a passing example.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable

import pandas as pd

FAMILY_MODULES = ["funds", "indicators", "sums", "caps", "duplicates", "units", "deadlines", "costs", "pairing",
                  "text", "targets", "parse"]
HIT_COLUMNS = ["project_id", "section", "indicator", "location", "reported", "expected"]


@dataclass(frozen=True)
class Rule:
    id: str
    family: str
    severity: str
    message_zh: str
    message_en: str
    func: Callable
    doc: str

    @property
    def summary(self) -> str:
        return (self.doc or "").strip().splitlines()[0] if self.doc else ""

    def title(self, lang: str = "zh") -> str:
        """One line saying what the rule checks, in the reviewer's language."""
        if lang == "zh" and TITLES_ZH.get(self.id):
            return TITLES_ZH[self.id]
        return self.summary


# Chinese one-line titles by rule id (filled per rule; English summary as the fallback).
TITLES_ZH: dict[str, str] = {}


REGISTRY: dict[str, Rule] = {}


def rule(id: str, severity: str, zh: str, en: str):
    """Register a rule: ``@rule("IND.OVERSCORE", "error", "得分{reported}高于…", "…")``."""
    family = id.split(".")[0]

    def deco(fn):
        REGISTRY[id] = Rule(id, family, severity, zh, en, fn, fn.__doc__ or "")
        return fn

    return deco


def load_all() -> dict[str, Rule]:
    for name in FAMILY_MODULES:
        try:
            importlib.import_module(f"rules.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"rules.{name}":
                raise
    return REGISTRY


def hits(frame: pd.DataFrame, **columns) -> pd.DataFrame:
    """Build a hit table from a filtered frame: each keyword is a column name or a Series/list."""
    out = pd.DataFrame(index=frame.index)
    out["project_id"] = frame["project_id"]
    for key, val in columns.items():
        out[key] = frame[val] if isinstance(val, str) and val in frame.columns else val
    for col in HIT_COLUMNS:
        if col not in out.columns:
            out[col] = ""
    return out.reset_index(drop=True)


def section_of(df: pd.DataFrame) -> pd.Series:
    """Where a row belongs, for a finding: its 二级指标, else its 一级指标."""
    return df["level2"].where(df["level2"] != "", df["level1"])


def select(ids: list[str] | None, ignore: list[str] | None) -> list[Rule]:
    """Rules chosen by id or family prefix, ruff style (``--select IND,SUM.TOTAL_WEIGHT``)."""
    chosen = []
    for r in load_all().values():
        if ids and not any(r.id == s or r.family == s or r.id.startswith(s + ".") for s in ids):
            continue
        if ignore and any(r.id == s or r.family == s for s in ignore):
            continue
        chosen.append(r)
    return sorted(chosen, key=lambda r: r.id)
