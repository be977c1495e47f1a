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


# Skipped files that do not fail the gate: OS and Office litter found in a folder, a folder
# reached again through a symlink (its files were already listed), and jixiao's own outputs
# named in the folder's manifest (checker.inputs.MANIFEST).  Unsupported types fail it
# unless --skip-unsupported; everything else skipped (too deep, no access, a reader's refusal)
# means a submission was not checked, so it fails.
# ledger: a budget ledger (checker.ledger); not-submission: a README, a profile, a report beside the forms
HARMLESS_SKIPS = ("hidden", "temporary", "symlink-loop", "jixiao-output", "ledger", "not-submission")


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
    from checker.selection import UNSILENCEABLE  # a file nobody read fails, whatever a waiver says

    keep = ~findings["waived"].astype(bool)
    return findings[keep | findings["rule"].isin(UNSILENCEABLE)] if "rule" in findings.columns else findings[keep]


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


# Per-table status: every emitter (HTML, JSON, SARIF, JUnit, CSV, text) shows this and only this.
# "doubt" (需人工核对): jixiao read the table's layout with doubt (PARSE.LAYOUT_DOUBT), so a person
# must look at it; a table that also fails stays "fail".  With ``--fail-on never`` the run never
# fails, but each table is still judged at ``error`` so a report still says which would not pass.
TABLE_PASS, TABLE_FAIL, TABLE_DOUBT = "pass", "fail", "doubt"
TABLE_STATUSES = (TABLE_FAIL, TABLE_DOUBT, TABLE_PASS)
DOUBT_RULES = frozenset({"PARSE.LAYOUT_DOUBT"})


def table_level(fail_on: str) -> str:
    """The severity at which a table is shown as failing."""
    return "error" if fail_on == "never" else fail_on


def table_status(judged_severities, rules, fail_on: str) -> str:
    """pass / fail / doubt for one table: ``judged_severities`` of the findings the gate judges
    (all, or only the new ones under ``--fail-on-new``), ``rules`` of all its findings."""
    level = table_level(fail_on)
    if any(at_or_above(s, level) for s in judged_severities if s in SEVERITY_RANK):
        return TABLE_FAIL
    if any(r in DOUBT_RULES for r in rules):
        return TABLE_DOUBT
    return TABLE_PASS


def table_statuses(result) -> dict[str, str]:
    """Every table's status, by project_id (``table_status`` over the findings the gate judges)."""
    from checker.compare import gate_view

    judged = gate_view(result).findings
    severities: dict[str, list] = {}
    rules: dict[str, list] = {}
    for pid, sev in zip(judged["project_id"].tolist(), judged["severity"].tolist()):
        severities.setdefault(pid, []).append(sev)
    f = result.findings
    for pid, rule in zip(f["project_id"].tolist(), f["rule"].tolist()):
        rules.setdefault(pid, []).append(rule)
    return {pid: table_status(severities.get(pid, ()), rules.get(pid, ()), result.fail_on)
            for pid in result.projects["project_id"].tolist()}


def table_counts(statuses) -> dict[str, int]:
    """How many tables pass, fail, are in doubt."""
    values = list(statuses.values()) if isinstance(statuses, dict) else list(statuses)
    return {s: values.count(s) for s in TABLE_STATUSES}
