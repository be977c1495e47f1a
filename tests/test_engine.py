"""Engine: a failing rule or recogniser is reported, and the rest of the batch still checked."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import rules
from checker import engine, executors

DATA = Path(__file__).resolve().parents[1] / "data"


def test_a_crashing_rule_is_reported_not_fatal(monkeypatch):
    def boom(batch):
        raise RuntimeError("kaput")

    rules.load_all()
    broken = replace(rules.REGISTRY["SUM.TOTAL_SCORE"], func=boom)
    monkeypatch.setitem(rules.REGISTRY, "SUM.TOTAL_SCORE", broken)
    f = engine.check([str(DATA / "batch/001_selfeval_yanchi_2024.txt")]).findings
    internal = f[f["rule"] == "PARSE.INTERNAL"]
    assert len(internal) == 1 and "SUM.TOTAL_SCORE" in internal.iloc[0]["message"]
    assert (f["rule"] == "SUM.SECTION_WEIGHT").sum() == 2


def test_a_crashing_recogniser_leaves_the_file_listed(monkeypatch, tmp_path):
    def boom(path, grids, n):
        raise ValueError("odd form")

    monkeypatch.setattr(executors, "recognise_file", boom)
    r = engine.check([str(DATA / "batch/001_selfeval_yanchi_2024.txt")])
    assert [(s.status, s.kind) for s in r.files] == [("unrecognised", "unrecognised")]
    assert "odd form" in r.findings[r.findings["rule"] == "PARSE.INTERNAL"].iloc[0]["message"]


def test_unrecognised_file_is_listed_and_fails_the_gate(tmp_path):
    p = tmp_path / "notes.txt"
    p.write_text("会议纪要\n今天讨论了预算。\n", encoding="utf-8")
    r = engine.check([str(p)])
    assert (r.files[0].status, r.files[0].kind) == ("unrecognised", "unrecognised")
    assert list(r.findings["rule"]) == ["PARSE.UNRECOGNISED"]
    assert list(r.findings["severity"]) == ["error"] and r.findings.iloc[0]["file"] == str(p)


# --- rules know their kinds ---------------------------------------------------------------------

REALFORMS = Path(__file__).resolve().parent / "realforms"
SELFEVAL = DATA / "batch/001_selfeval_yanchi_2024.txt"
TARGET = REALFORMS / "real2/r2_陈仓_残疾人补助目标表.txt"


def test_every_rule_declares_kinds_the_model_knows():
    from checker.model import FORM_KINDS

    declared = {r.id: r.kinds for r in rules.load_all().values() if r.kinds is not None}
    assert declared, "no rule declares its kinds"
    assert all(set(k) <= set(FORM_KINDS) for k in declared.values()), declared
    assert {k for k in declared if k.startswith("TARGET.")} == {
        r.id for r in rules.load_all().values() if r.family == "TARGET"}


def test_no_rule_filters_on_a_kind_string():
    """The engine decides where a rule applies (``@rule(..., kinds=...)``): no rule module compares a
    table's kind itself."""
    import re

    rule_dir = Path(rules.__file__).parent
    offenders = [f"{p.name}:{n}" for p in sorted(rule_dir.glob("*.py"))
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if re.search(r'\[\s*"(form_)?kind"\s*\]\s*(==|!=|\.isin)', line)]
    assert not offenders


def test_a_rule_of_one_kind_sees_only_its_tables(monkeypatch):
    """A rule declared for target tables is shown the batch's 目标表 only, skipped where there is none,
    and its findings name only those tables; a rule of every kind sees both."""
    seen: dict[str, list[str]] = {}

    def every_table(name):
        def fn(batch):
            seen[name] = sorted(set(batch.projects["kind"]))
            return rules.hits(batch.projects, section="", indicator="", location="loc", reported="", expected="")
        return fn

    rules.load_all()
    base = rules.REGISTRY["TARGET.GOAL_EMPTY"]
    monkeypatch.setitem(rules.REGISTRY, "TARGET.GOAL_EMPTY", replace(base, func=every_table("target")))
    monkeypatch.setitem(rules.REGISTRY, "DUP.PROJECT", replace(rules.REGISTRY["DUP.PROJECT"],
                                                                    func=every_table("all")))
    r = engine.check([str(SELFEVAL), str(TARGET)], select_ids=["TARGET.GOAL_EMPTY", "DUP.PROJECT"])
    assert seen == {"target": ["target"], "all": ["selfeval", "target"]}
    kinds = dict(zip(r.projects["name"], r.projects["kind"]))
    goal = r.findings[r.findings["rule"] == "TARGET.GOAL_EMPTY"]
    assert len(goal) == 1 and {kinds[p] for p in goal["project"]} == {"target"}
    seen.clear()
    engine.check([str(SELFEVAL)], select_ids=["TARGET.GOAL_EMPTY"])
    assert "target" not in seen   # no 目标表 in the batch: the rule is not run at all


def test_the_api_cannot_ignore_an_unread_file_either(tmp_path):
    """engine.check(ignore_ids=...) keeps PARSE.UNRECOGNISED as the command line does: ignoring the
    PARSE family ignores its other rules; naming the rule itself is refused."""
    import pytest

    from checker.selection import UnsilenceableError

    p = tmp_path / "notes.txt"
    p.write_text("会议纪要\n今天讨论了预算。\n", encoding="utf-8")
    r = engine.check([str(p)], ignore_ids=["PARSE"])
    assert list(r.findings["rule"]) == ["PARSE.UNRECOGNISED"]
    with pytest.raises(UnsilenceableError):
        engine.check([str(p)], ignore_ids=["parse.unrecognised"])
