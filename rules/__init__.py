"""The rule catalog.  One module per family (XREF by subject); each rule is one decorated function.

A rule receives the whole batch (model frames after recomputation, plus the
profile) and returns a DataFrame of hits: ``project_id, section, indicator,
location, reported, expected`` and any parameters its message templates use.
The engine fills file and project, formats the messages and validates the result
against ``checker.model.Findings``.  A rule never reads files.

Each rule's documentation is in two places side by side: its docstring (the English
explanation) and ``rules/cases/<RULE.ID>.yml`` — its Chinese title and explanation and
its test cases, tiny forms with the findings they must give.  The first failing and the
first passing case are the examples ``jixiao rules ID`` prints: one source, run by the
tests, so an example cannot drift from what the rule does.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pandas as pd

FAMILY_MODULES = ["funds", "indicators", "sums", "caps", "duplicates", "units", "deadlines", "costs", "pairing",
                  "text", "targets", "ledger", "parse"]
HIT_COLUMNS = ["project_id", "section", "indicator", "location", "reported", "expected"]
# The form kinds whose items carry 分值 and 得分 adding up to a full mark (a 目标表 sets targets only).
SCORED = ("selfeval", "rubric")


@dataclass(frozen=True)
class Rule:
    id: str
    family: str
    severity: str
    message_zh: str
    message_en: str
    func: Callable
    doc: str
    kinds: tuple[str, ...] | None = None   # the form kinds it applies to (None: every kind, and across kinds)

    @property
    def summary(self) -> str:
        """The docstring's first paragraph, on one line."""
        first = (self.doc or "").strip().split("\n\n")[0]
        return " ".join(line.strip() for line in first.splitlines())

    def title(self, lang: str = "zh") -> str:
        """One line saying what the rule checks, in the reviewer's language."""
        if lang == "zh" and case_file(self.id).get("title"):
            return case_file(self.id)["title"]
        return self.summary

    def explanation(self, lang: str = "zh") -> str:
        if lang == "zh" and case_file(self.id).get("doc"):
            return case_file(self.id)["doc"]
        rest = (self.doc or "").strip().split("\n\n")[1:]
        return "\n\n".join(" ".join(line.strip() for line in p.splitlines()) for p in rest)

    def examples(self) -> tuple[dict | None, dict | None]:
        """(failing case, passing case) from the rule's case file."""
        cases = case_file(self.id).get("cases") or []
        fails = next((c for c in cases if c.get("expect")), None)
        passes = next((c for c in cases if not c.get("expect")), None)
        return fails, passes


CASES_DIR = "cases"


@cache
def case_file(rule_id: str) -> dict:
    """``rules/cases/<RULE.ID>.yml``: title, explanation and test cases of one rule."""
    import yaml

    path = resources.files("rules").joinpath(CASES_DIR, f"{rule_id}.yml")
    if not path.is_file():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


REGISTRY: dict[str, Rule] = {}


def rule(id: str, severity: str, zh: str, en: str, kinds: tuple[str, ...] | None = None):
    """Register a rule: ``@rule("IND.OVERSCORE", "error", "得分{reported}高于…", "…")``.  ``kinds``:
    the form kinds (自评表 ``selfeval``, 目标表 ``target``, 评分表 ``rubric``) it applies to; the
    engine shows the rule only the tables of those kinds and skips it where there are none."""
    family = id.split(".")[0]

    def deco(fn):
        REGISTRY[id] = Rule(id, family, severity, zh, en, fn, fn.__doc__ or "", tuple(kinds) if kinds else None)
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
    values = {"project_id": frame["project_id"]}
    for key, val in columns.items():
        values[key] = frame[val] if isinstance(val, str) and val in frame.columns else val
    for col in HIT_COLUMNS:
        values.setdefault(col, "")
    # Built in one go, each Series lined up with the frame's rows as a column assignment would.
    index = frame.index
    data = {k: (v if v.index.equals(index) else v.reindex(index)).array if isinstance(v, pd.Series) else v
            for k, v in values.items()}
    return pd.DataFrame(data, index=index).reset_index(drop=True)


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
