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
