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


# Skipped files that do not fail the gate: OS and Office litter found in a folder, and a folder
# reached again through a symlink (its files were already listed).  Unsupported types fail it
# unless --skip-unsupported; everything else skipped (too deep, no access, a reader's refusal)
# means a submission was not checked, so it fails.
HARMLESS_SKIPS = ("hidden", "temporary", "symlink-loop")


def file_failed(status, skip_unsupported: bool = False) -> bool:
    """Does this file alone stop the batch from passing (exit 2)?"""
    if status.status == UNREADABLE:
        return True
    if status.status != SKIPPED:
        return False
    reason = getattr(status, "reason", "")
    if reason in HARMLESS_SKIPS:
        return False
    return not (reason == "unsupported" and skip_unsupported)


def input_failed(result) -> bool:
    """A file that could not be read or was skipped for cause, or nothing read at all: the
    batch was not wholly checked."""
    skip = getattr(result, "skip_unsupported", False)
    if any(file_failed(s, skip) for s in result.files):
        return True
    return not any(s.status in (CHECKED, UNRECOGNISED) for s in result.files)


def gating(findings):
    """The findings that count toward the gate: all but those a waiver accepted (``checker.waivers``)."""
    if "waived" not in findings.columns or findings.empty:
        return findings
    return findings[~findings["waived"].astype(bool)]


def passed(result) -> bool:
    """True when nothing at or above ``result.fail_on`` was found (waived findings never count)
    and every input was read."""
    if input_failed(result):
        return False
    c = gating(result.findings)["severity"].value_counts()
    return not any(c.get(s, 0) and at_or_above(s, result.fail_on) for s in SEVERITIES)


def exit_code(result) -> int:
    """0 passed; 1 findings at or above --fail-on; 2 an input unreadable, skipped for cause,
    or nothing read at all."""
    if input_failed(result):
        return 2
    return 0 if passed(result) else 1
