"""Sixteen published forms with a reviewer's answer key (copied from ../shared/realforms).

The matching rule is the key's own (tests/realforms/README.md): an expected item is found
when a finding of an acceptable family names its project and, if given, its indicator; an
error-severity finding that matches no expected or tolerated item is a false alarm.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from checker.engine import check

HERE = Path(__file__).parent / "realforms"
KEY = yaml.safe_load((HERE / "answers.yaml").read_text(encoding="utf-8"))


def _text(f: dict, *keys) -> str:
    return "".join(str(f.get(k) or "") for k in keys)


def matches(expected: dict, f: dict) -> bool:
    families = expected["family"] if isinstance(expected["family"], list) else [expected["family"]]
    if f["family"] not in families:
        return False
    if expected.get("project") and expected["project"] not in _text(f, "project", "file", "message"):
        return False
    ind = expected.get("indicator")
    return not ind or ind in _text(f, "indicator", "section", "message")


def tolerated(t: dict, f: dict) -> bool:
    if not f["rule"].startswith(t["rule"]):
        return False
    return not t.get("indicator") or t["indicator"] in _text(f, "indicator", "section", "message")


@pytest.fixture(scope="module")
def results():
    return {e["file"]: check([str(HERE / e["file"])]).findings.to_dict("records") for e in KEY}


@pytest.mark.parametrize("entry", KEY, ids=[e["file"] for e in KEY])
def test_every_keyed_item_found(results, entry):
    findings = results[entry["file"]]
    missed = [e for e in entry.get("expected") or [] if not any(matches(e, f) for f in findings)]
    assert not missed, f"missed: {missed}"


@pytest.mark.parametrize("entry", KEY, ids=[e["file"] for e in KEY])
def test_no_false_alarm(results, entry):
    expected, tolerate = entry.get("expected") or [], entry.get("tolerate") or []
    false = [(f["rule"], f["indicator"], f["message"]) for f in results[entry["file"]]
             if f["severity"] == "error" and not any(matches(e, f) for e in expected)
             and not any(tolerated(t, f) for t in tolerate)]
    assert not false, f"false alarms: {false}"


def test_keyed_warnings_are_warnings_not_errors(results):
    """The key's soft items ("warning (under-scoring)") must not be raised as errors."""
    for entry in KEY:
        for e in entry.get("expected") or []:
            if not str(e.get("why", "")).startswith("warning"):
                continue
            hit = [f for f in results[entry["file"]] if matches(e, f)]
            assert hit and all(f["severity"] != "error" for f in hit), (entry["file"], e.get("indicator"))


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
@pytest.mark.parametrize("entry", KEY, ids=[e["file"] for e in KEY])
def test_the_same_findings_as_a_workbook_or_word_table(entry, suffix, tmp_path, results):
    """Each published form, its rows written as a workbook or a Word table, reads to the same findings."""
    from tests.formkit import write

    rows = [line.split("\t") for line in (HERE / entry["file"]).read_text(encoding="utf-8").split("\n")]
    other = check([str(write(rows, tmp_path / f"form{suffix}"))]).findings
    key = lambda fs: sorted((f["rule"], f["indicator"], f["section"], f["reported"], f["expected"]) for f in fs)  # noqa: E731
    assert key(other.to_dict("records")) == key(results[entry["file"]])
