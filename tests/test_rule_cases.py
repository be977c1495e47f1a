"""One generic test runs every rule case in rules/cases/*.yml (sqlfluff style).

Each case names the findings of its rule that must appear (rule, indicator or section,
reported, expected) and, with ``expect: []``, that none appear.  The form must have been
read (every indicator the case gives found in the model), or "no finding" would prove
nothing.  The first failing and passing case of each rule are the examples ``jixiao rules``
prints, so they run here too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.profile import load_profile
from rules import load_all
from tests.casekit import load_cases, named_rows, run_case

ROOT = Path(__file__).resolve().parents[1]
CASES = load_cases(ROOT / "rules" / "cases")
# Findings no tiny form can provoke: a crash inside jixiao (tests/test_engine.py), a reader's
# repair of damaged bytes (tests of the readers), and what only a workbook holds — hidden rows,
# columns and sheets, formulas saved without a value (tests/test_readers_realfiles.py).
NOT_BY_CASES = {"PARSE.INTERNAL", "PARSE.READ_REPAIRED", "PARSE.HIDDEN", "PARSE.FORMULA_NO_VALUE"}


@pytest.mark.parametrize("rule_id,name,case", CASES, ids=[f"{r}:{n}" for r, n, _ in CASES])
def test_rule_case(rule_id, name, case, tmp_path):
    profile = load_profile(str(ROOT / case["profile"])) if "profile" in case else None
    got, statuses, read = run_case(rule_id, case, tmp_path, profile)
    if rule_id != "PARSE.UNRECOGNISED":
        assert set(statuses) == {"checked"}, statuses
        missing = [n for form in case.get("files") or [case] for n in named_rows(form) if n not in read]
        assert not missing, f"indicators not read from the case's form: {missing}"
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


def test_every_rule_has_cases():
    with_cases = {r for r, _, _ in CASES}
    rules = {r.id for r in load_all().values()} - NOT_BY_CASES
    missing = sorted(rules - with_cases)
    assert not missing, f"rules without test cases: {missing}"


@pytest.mark.parametrize("rule", sorted(load_all().values(), key=lambda r: r.id), ids=lambda r: r.id)
def test_rule_documented_with_examples_that_run(rule):
    """A title in each language, and (but for the two no case can provoke) a failing and a passing
    example: the first case of each kind, run above."""
    assert rule.title("zh") and rule.title("en") and rule.title("zh") != rule.title("en"), rule.id
    if rule.id in NOT_BY_CASES:
        return
    fails, passes = rule.examples()
    assert fails is not None and passes is not None, f"{rule.id} lacks a failing or a passing case"
