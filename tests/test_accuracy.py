"""benchmarks/accuracy.py: the answer key's matching rule and the tallies per form kind and family,
on a tiny key made here (two forms, one with a planted over-score, one clean but read with an error)."""

from __future__ import annotations

from pathlib import Path

import yaml

from benchmarks import accuracy as A
from tests.formkit import Form, write
from tests.test_layouts import SELF_EVAL_ROWS

ROWS = SELF_EVAL_ROWS   # the plain self-evaluation of the layout tests


def test_matching_follows_the_key():
    f = {"rule": "IND.OVERSCORE", "family": "IND", "severity": "error", "project": "测试专项资金", "indicator": "移动终端台数",
         "section": "数量指标", "message": "得分 12 超过按完成比例计算的 9.33", "file": "a.txt"}
    assert A.matches({"family": "IND", "project": "测试专项", "indicator": "移动终端"}, f)
    assert A.matches({"family": ["SUM", "IND"], "project": "a.txt"}, f)           # the project may be in the file name
    assert not A.matches({"family": "SUM", "project": "测试专项"}, f)
    assert not A.matches({"family": "IND", "project": "测试专项", "indicator": "培训人次"}, f)
    assert A.tolerated({"rule": "IND."}, f) and not A.tolerated({"rule": "IND.", "indicator": "培训"}, f)


def test_scores_and_tallies_per_kind_and_family():
    error = {"rule": "SUM.TOTAL", "family": "SUM", "severity": "error", "project": "乙", "indicator": "", "section": "总分"}
    warning = {**error, "severity": "warning", "rule": "IND.NO_REASON", "family": "IND"}
    a = A.score_file({"file": "a", "expected": [{"family": "SUM", "project": "乙"}, {"family": "FUND", "project": "乙"}]},
                     "selfeval", [error, warning])
    b = A.score_file({"file": "b", "expected": [], "tolerate": [{"rule": "SUM.TOTAL"}]}, "selfeval", [error])
    c = A.score_file({"file": "c", "expected": []}, "target", [error, warning])
    assert (len(a.found), len(a.missed), len(a.false), len(b.false), len(c.false)) == (1, 1, 0, 0, 1)
    kinds, fams, total = A.aggregate([a, b, c])
    assert (kinds["selfeval"].files, kinds["selfeval"].expected, kinds["selfeval"].found, kinds["selfeval"].false) == \
        (2, 2, 1, 0)
    assert (kinds["target"].files, kinds["target"].false) == (1, 1)
    assert (fams["SUM"].expected, fams["SUM"].found, fams["SUM"].false, fams["FUND"].found) == (1, 1, 1, 0)
    assert (total.expected, total.found, total.false) == (2, 1, 1)


def test_runs_on_a_key_folder(tmp_path: Path, capsys):
    """The whole script on a made-up key: the planted over-score is found, a false item is missed."""
    write(Form(rows=ROWS, total={"weight": "100", "score": "92"}).grid(), tmp_path / "over.txt")
    key = [{"file": "over.txt", "expected": [
        {"family": "IND", "project": "测试专项", "indicator": "移动终端台数", "why": "12 of 20 for 7/15"},
        {"family": "FUND", "project": "测试专项", "why": "made up: not in the form"}]}]
    (tmp_path / "answers_tiny.yaml").write_text(yaml.safe_dump(key, allow_unicode=True), encoding="utf-8")
    assert A.main(["--key", str(tmp_path), "--verbose"]) == 0
    out = capsys.readouterr().out
    assert "over.txt: [selfeval] 1/2 found, 0 false errors" in out
    assert "   missed: FUND 测试专项 / " in out
    assert out.rstrip().endswith("recall=1/2 false_errors=0 crashes=0")


def test_a_missing_key_folder_is_one_line_and_exit_2(tmp_path: Path, capsys):
    assert A.main(["--key", str(tmp_path / "nope")]) == 2
    assert capsys.readouterr().err.strip() == f"{tmp_path / 'nope'}: no such folder (give --key DIR)"
    assert A.main(["--key", str(tmp_path)]) == 2
