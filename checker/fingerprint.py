"""Stable fingerprints for findings, so a resubmitted table can be judged on what changed.

A fingerprint names *what* is wrong, never *where in the file*: rule + project name + section +
indicator label + the class of the reported value (empty, number, percent, text).  Row numbers,
cell addresses and file names are left out on purpose — a resubmission arrives as 'v2.xlsx' with
rows moved — and so is the reported value itself, so an over-score that is still wrong after a
half-hearted fix persists rather than counting as fixed-and-new.

A finding that names no table (a file-level PARSE finding: a file not recognised, not read) or a
table with no name has only its file to tell it apart, so its fingerprint includes the file's name
(without its folder): an unrelated baseline's unrecognised file can never make a new garbage file
count as persisting under ``--fail-on-new``.

Two findings that would share a fingerprint (same rule on the same unnamed row, say) are told
apart by their order: the second gets ``-2``, the third ``-3``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import pandas as pd

PARTS = ("rule", "project", "section", "indicator")
_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"^[≥≤<>=＞＜]*[-+]?\d[\d,]*(?:\.\d+)?")


def normalise(text) -> str:
    """Labels as a reviewer reads them: full-width folded, spaces and case ignored."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", str(text or ""))).lower()


def value_class(reported) -> str:
    """Class of a reported value: ``empty``, ``percent``, ``number`` or ``text``."""
    s = normalise(reported)
    if not s:
        return "empty"
    m = _NUMBER.match(s)
    if not m:
        return "text"
    rest = s[m.end():]
    if rest.startswith("%"):
        return "percent"
    return "number" if len(rest) <= 4 else "text"  # a unit such as 万元/人次 may follow a number


def file_identity(file) -> str:
    """The file a finding is in, as far as a fingerprint may say: its name without the folder."""
    return normalise(str(file or "").replace("\\", "/").rsplit("/", 1)[-1])


def base_fingerprint(rule: str, project: str, section: str, indicator: str, reported, file: str = "") -> str:
    parts = [rule, normalise(project), normalise(section), normalise(indicator), value_class(reported)]
    if not parts[1]:  # no table name to tell it apart: the file does
        parts.append("file:" + file_identity(file))
    key = "\x1f".join(parts)
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def fingerprints(findings: pd.DataFrame) -> pd.Series:
    """One fingerprint per finding, in the frame's order; repeats numbered -2, -3, …"""
    if findings.empty:
        return pd.Series([], index=findings.index, dtype=str)
    files = findings["file"].tolist() if "file" in findings.columns else [""] * len(findings)
    base = pd.Series([base_fingerprint(*row) for row in zip(*(findings[c].tolist() for c in PARTS),
                                                            findings["reported"].tolist(), files)],
                     index=findings.index)
    n = base.groupby(base).cumcount()
    return base.where(n == 0, base + "-" + (n + 1).astype(str))


def with_fingerprints(findings: pd.DataFrame) -> pd.DataFrame:
    """The findings with their ``fingerprint`` column filled (the engine calls this once, after ordering)."""
    out = findings.copy()
    out["fingerprint"] = fingerprints(out)
    return out


def fingerprint_records(records: list[dict]) -> list[str]:
    """Fingerprints for findings read back from a JSON report (older reports carry none)."""
    frame = pd.DataFrame([{c: r.get(c, "") or "" for c in (*PARTS, "reported", "file")} for r in records],
                         columns=[*PARTS, "reported", "file"])
    return fingerprints(frame.astype(str)).tolist()
