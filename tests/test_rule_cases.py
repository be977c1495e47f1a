"""One generic test runs every rule case in tests/cases/*.yml (sqlfluff style).

Each case names the findings of its rule that must appear (rule, indicator or
section, reported, expected) and, with ``expect: []``, that none appear.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.engine import check
from checker.profile import load_profile
from rules import load_all
from tests.casekit import build_form, load_cases, named_rows

CASES = load_cases(Path(__file__).parent / "cases")


@pytest.mark.parametrize("rule_id,name,case", CASES, ids=[f"{r}:{n}" for r, n, _ in CASES])
def test_rule_case(rule_id, name, case, tmp_path):
    files = []
    forms = case.get("files") or [case]
    for n, form in enumerate(forms):
        path = tmp_path / f"form{n}.txt"
        path.write_text(build_form(form), encoding="utf-8")
        files.append(str(path))
    profile = load_profile(str(Path(__file__).parents[1] / case["profile"])) if "profile" in case else None
    result = check(files, profile)
    if rule_id != "PARSE.UNRECOGNISED":  # the case's form must have been read, or "no finding" proves nothing
        assert [s.status for s in result.files] == ["checked"] * len(files), [s.error_message for s in result.files]
        read = set(result.indicators["name"])
        missing = [n for form in forms for n in named_rows(form) if n not in read]
        assert not missing, f"indicators not read from the case's form: {missing}"
    got = result.findings[result.findings["rule"] == rule_id]
    expected = case.get("expect", [])
    if not expected:
        assert got.empty, f"{rule_id} fired unexpectedly:\n{got[['indicator', 'section', 'reported', 'expected', 'message']]}"
        return
    assert len(got) == len(expected), got[["indicator", "section", "reported", "expected", "message"]].to_string()
    for want in expected:
        match = got
        for key, val in want.items():
            match = match[match[key].astype(str) == str(val)]
        assert not match.empty, f"no {rule_id} finding with {want}; got:\n{got[list(want)].to_string()}"


# Findings no tiny form can provoke: a crash inside jixiao (tests/test_engine.py), and a reader's
# repair of damaged bytes (tests of the readers).
NOT_BY_CASES = {"PARSE.INTERNAL", "PARSE.READ_REPAIRED"}


def test_every_rule_has_cases():
    with_cases = {r for r, _, _ in CASES}
    rules = {r.id for r in load_all().values()} - NOT_BY_CASES
    missing = sorted(rules - with_cases)
    assert not missing, f"rules without test cases: {missing}"


def test_every_rule_has_failing_and_passing_case():
    by_rule: dict[str, set[bool]] = {}
    for rule_id, _, case in CASES:
        by_rule.setdefault(rule_id, set()).add(bool(case.get("expect")))
    lacking = sorted(r for r, kinds in by_rule.items() if kinds != {True, False})
    assert not lacking, f"rules lacking a failing or a passing case: {lacking}"


@pytest.mark.parametrize("rule", sorted(load_all().values(), key=lambda r: r.id), ids=lambda r: r.id)
def test_rule_documented(rule):
    assert rule.summary, f"{rule.id} has no docstring"
    assert "Fails" in rule.doc and "Passes" in rule.doc, f"{rule.id} docstring lacks examples"
