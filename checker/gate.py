"""The gate's decision, in one place: severity order and whether a run passes.

The CLI's exit code and every emitter's "passed"/"不通过" come from here, so the
report a reviewer reads and the exit code a CI job sees can never disagree.
"""

from __future__ import annotations

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {s: n for n, s in enumerate(SEVERITIES)}
FAIL_ON = ("error", "warning", "never")

# File statuses (checker.result.FileStatus.status).  "checked" and "unrecognised" files were
# read; "unreadable" and "skipped" ones were not.
CHECKED, UNRECOGNISED, UNREADABLE, SKIPPED = "checked", "unrecognised", "unreadable", "skipped"
FILE_STATUSES = (CHECKED, UNRECOGNISED, UNREADABLE, SKIPPED)


def at_or_above(severity: str, fail_on: str) -> bool:
    """Does a finding of ``severity`` fail a gate set to ``fail_on``?"""
    if fail_on == "never":
        return False
    return SEVERITY_RANK[severity] <= SEVERITY_RANK[fail_on]


def worst(severities) -> str:
    """The most severe of some severities ("" for none)."""
    ranked = [s for s in severities if s in SEVERITY_RANK]
    return min(ranked, key=SEVERITY_RANK.__getitem__) if ranked else ""


def input_failed(result) -> bool:
    """A file that could not be read or was skipped: the batch was not wholly checked."""
    return any(s.status in (UNREADABLE, SKIPPED) for s in result.files) or not result.files


def passed(result) -> bool:
    """True when nothing at or above ``result.fail_on`` was found and every input was read."""
    if input_failed(result):
        return False
    c = result.counts()
    return not any(c[s] and at_or_above(s, result.fail_on) for s in SEVERITIES)


def exit_code(result) -> int:
    """0 passed; 1 findings at or above --fail-on; 2 an input unreadable or skipped."""
    if input_failed(result):
        return 2
    return 0 if passed(result) else 1
