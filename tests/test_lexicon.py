"""The lexicon (checker/lexicon/*.yaml) and the form-kind descriptions (checker/forms/*.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.forms import choose, descriptions, known_signal
from checker.lexicon import LEXICON, problems
from checker.readers import read_any
from tests.lexicon_scan import allowed, scan

DATA = Path(__file__).resolve().parent.parent / "data"


def test_lexicon_frame_passes_its_schema():
    rows = LEXICON.rows   # pandera LexiconRows, lazy: every failure at once
    assert len(rows) > 400
    assert set(rows["match"]) == {"word", "pattern"}
    assert "转移支付(项目)名称" in LEXICON.words("header", "transfer_name")   # folded: full-width brackets to ASCII


def test_lexicon_problems_are_all_listed():
    bad = [
        {"file": "x.yaml", "section": "s", "field": "a", "word": " 项目 ", "match": "word", "origin": "", "position": 0},
        {"file": "x.yaml", "section": "s", "field": "b", "word": "([", "match": "pattern", "origin": "", "position": 1},
        {"file": "x.yaml", "section": "s", "field": "a", "word": "分值", "match": "word", "origin": "", "position": 2},
        {"file": "x.yaml", "section": "s", "field": "b", "word": "分值", "match": "word", "origin": "", "position": 3},
    ]
    found = problems(bad)
    assert len(found) == 3
    assert "untrimmed" in found[0] and "does not compile" in found[1] and "already a word of s.a" in found[2]


def test_fund_levels_follow_the_pattern_of_every_level():
    from checker.recognise.labels import fund_line
    assert fund_line("自治区级资金") == ("provincial", "level")
    assert fund_line("盟市级资金") == ("municipal", "level")
    assert fund_line("旗县级资金") == ("county", "level")
    assert fund_line("其中:中央补助") == ("central", "level")
    assert fund_line("地方资金") == ("local", "level")
    assert fund_line("区域内符合计划生育政策、法规生育的独生子女伤残家庭") is None   # a sentence holding 合计


def test_2021_taxonomy_has_cost_as_a_level_one():
    from checker.recognise.labels import PARENT_2020, PARENT_2021
    assert PARENT_2020["成本指标"] == "产出指标"
    assert PARENT_2021["经济成本指标"] == "成本指标" and PARENT_2021["生态环境成本指标"] == "成本指标"


def test_every_description_loads_with_known_signals():
    ds = {d.key: d for d in descriptions()}
    assert {"project_selfeval", "transfer_selfeval", "dept_selfeval", "report", "rubric", "project_target",
            "transfer_target", "dept_target"} <= set(ds)
    assert all(known_signal(e.signal) for d in ds.values() for e in d.evidence)
    assert ds["transfer_selfeval"].reader == "selfeval"          # inherited from project_selfeval
    assert len(ds["transfer_selfeval"].evidence) > len(ds["project_selfeval"].evidence)


@pytest.mark.parametrize("name, key", [
    ("batch/001_selfeval_yanchi_2024.txt", "project_selfeval"),
    ("text/000_rubric_ankangma.txt", "rubric"),
    ("batch/004_targets_huoshan.txt", "project_target"),
])
def test_samples_choose_their_kind_with_a_runner_up(name, key):
    c = choose(read_any(str(DATA / name)))
    assert c.description.key == key and not c.fallback
    assert c.ranking[0]["score"] >= c.ranking[0]["threshold"] and c.ranking[1]["key"] != key


def test_transfer_form_is_read_by_its_own_words(tmp_path):
    form = tmp_path / "t.txt"
    form.write_text("中央财政农业防灾减灾绩效目标自评表\n转移支付（项目）名称\t动物防疫补助\n中央主管部门\t农业农村部\n"
                    "项目资金（万元）\t\t全年预算数（A）\t全年执行数（B）\t预算执行率（B/A）\n"
                    "\t年度资金总额：\t390\t390\t100%\n\t其中：中央补助\t390\t390\t100%\n", encoding="utf-8")
    c = choose(read_any(str(form)))
    assert c.description.key == "transfer_selfeval"
    assert "header:transfer_name" in c.ranking[0]["found"]


def test_no_new_chinese_outside_the_lexicon():
    """Words to recognise live in checker/lexicon/; what the package still spells is messages and the
    emitters' display tables, held to tests/lexicon_allow.yaml: a new word list or message fails here."""
    now, allow = scan(), allowed()
    grown = {m: (c, allow.get(m)) for m, c in now.items()
             if c["word_lists"] > allow.get(m, {}).get("word_lists", 0)
             or c["literals"] > allow.get(m, {}).get("literals", 0)}
    assert not grown, f"Chinese words added outside checker/lexicon/ (now, allowed): {grown}"
    assert sum(c["word_lists"] for c in now.values()) <= sum(c["word_lists"] for c in allow.values())
