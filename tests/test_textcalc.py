"""Reading numbers in reviewers' sentences."""

from __future__ import annotations

import importlib

import pytest

from checker import textcalc as T
from checker.lexicon import LEXICON


@pytest.mark.parametrize("text,value", [("一", 1), ("两", 2), ("十", 10), ("十二", 12), ("二十", 20), ("半", 0.5),
                                        ("0.5", 0.5), ("一点五", 1.5), ("x", None)])
def test_chinese_numerals(text, value):
    assert T.cn_number(text) == value


@pytest.mark.parametrize("text,total", [
    ("未全面反映数量目标。扣1分。", 1), ("扣一分；资料不全，扣0.5分", 1.5), ("酌情扣两分", 2), ("扣除0.2分", 0.2),
    ("项目资金已全部到位。", 0),
    # a total stated beside its items counts once
    ("共扣2分（资料不全扣1分，报送不及时扣1分）", 2), ("资料不全扣1分，报送不及时扣1分，共扣2分", 2),
    ("合计扣2分：其中资料不全扣1分、报送不及时扣1分", 2), ("共计扣除1.5分", 1.5),
])
def test_deductions(text, total):
    assert sum(p.value for p in T.deductions(text)) == total


def test_stated_points_skip_negations():
    assert [p.value for p in T.stated_points("未设立的，不得分；设立的，得2分")] == [2]
    assert T.floors_at_zero("每少一次扣0.5分，扣完为止")


@pytest.mark.parametrize("text,total", [
    ("1．设立了全面、具体、量化的绩效指标，得2分；未设立的，不得分；\n2．绩效指标科学合理，得1分。", 3),
    ("①项目立项符合法律法规，计1分；②符合行业规划，计1分；否则，酌情扣分。", 2),
    ("1.覆盖率≥80%，得2分；80%＞覆盖率≥60%，得1分；覆盖率＜60%，不得分。\n2.第1-3名，得3分；第4-6名，得2分。", 5),
    ("1．得1分；\n2．每出现一次负面舆情扣2分，超过2次扣完4分。", 5),
    ("1．得3分；\n2．得3分；\n3．发表宣传信息得3分；市级得2分，最多得6分。", 12),
    # grades of one criterion are alternatives; two criteria that each name one grade word add up
    ("好得10分，较好得8分，一般得6分", 10), ("完全符合得5分，基本符合得3分，不符合不得分", 5),
    ("制度健全得2分，执行良好得3分", 5),
])
def test_criteria_points(text, total):
    assert T.criteria_points(text)[0] == total


def test_criteria_points_unknowable():
    assert T.criteria_points("每完成一个场景得2分") is None
    assert T.criteria_points("根据实际到位资金占比计算得分（5分*资金到位率）") is None


def test_claims():
    survey = T.claims("通过现场询问60位，回答满意的有51人，满意度调查结果为85%，扣1分。")[0]
    assert (survey.stated, round(survey.computed, 6)) == (85, 85)
    product = T.claims("按照2400元/人/年的标准，发放160名重性精神病患者监护奖励经费38.4万元")[0]
    assert (product.stated, round(product.computed, 6)) == (38.4, 38.4)
    total = T.claims("年初预算345万元，实际拨付1932.88万元，年中调增1587.88万元")[0]
    assert round(total.computed, 2) == 1932.88
    eq = T.claims("执行率=（1932.88/1932.88）×100%=100%")[0]
    assert (eq.stated, eq.computed) == (100, 100)


def test_satisfaction_rule():
    c = T.satisfaction_rule("满意度达到90%得满分，每降低1个百分点扣0.2分", "满意度调查结果为85%", 5)
    assert c.computed == 4
    assert T.satisfaction_rule("满意度达到90%得满分，每降低1个百分点扣0.2分", "满意度为95%", 5).computed == 5
    assert T.satisfaction_rule("酌情计分", "满意度为85%", 5) is None


# --- the words come from checker/lexicon/grammar.yaml ------------------------------------------
def _grammar(fld: str) -> tuple[str, ...]:
    section, name = fld.rsplit(".", 1)
    return LEXICON.words(f"grammar.{section}", name)


@pytest.fixture
def with_words(monkeypatch):
    """textcalc rebuilt over the lexicon with extra words in a grammar field, then restored."""
    words = LEXICON.words

    def add(fld: str, *extra: str):
        section, name = fld.rsplit(".", 1)
        key = (f"grammar.{section}", name)
        monkeypatch.setattr(LEXICON, "words", lambda s, f=None: words(s, f) + (extra if (s, f) == key else ()))
        importlib.reload(T)

    yield add
    monkeypatch.undo()
    importlib.reload(T)


@pytest.mark.parametrize("fld, word, read, before, after", [
    ("deduct.verb", "扣罚", lambda: sum(p.value for p in T.deductions("资料不全扣罚1分")), 0, 1),
    ("bonus.cap", "顶多", lambda: T.bonus_allowance("一个加3分，顶多加2分"), 3, 2),
    ("satisfaction.asked", "电话回访", lambda: len(T.claims("电话回访60位，满意的有51人，满意度为85%")), 0, 1),
])
def test_a_word_added_to_the_lexicon_is_read(with_words, fld, word, read, before, after):
    assert word not in _grammar(fld) and read() == before
    with_words(fld, word)
    assert read() == after


@pytest.mark.parametrize("text, total", [("扣减1分", 1), ("累计扣2分（迟报扣1分，漏报扣1分）", 2), ("一共扣除了0.5分", 0.5)])
def test_deduction_phrasings(text, total):
    assert sum(p.value for p in T.deductions(text)) == total


@pytest.mark.parametrize("verb", _grammar("deduct.verb"))
@pytest.mark.parametrize("total", _grammar("deduct.total"))
def test_every_total_word_states_the_total(total, verb):
    assert [p.value for p in T.deductions(f"迟报{verb}1分，漏报{verb}两分，{total}{verb}3分")] == [3]


@pytest.mark.parametrize("verb", _grammar("points.stated"))
def test_every_stated_verb(verb):
    assert [p.value for p in T.stated_points(f"资料齐全，{verb}2分")] == [2]
    assert T.stated_points(f"资料不全的，不{verb}分") == []


@pytest.mark.parametrize("phrase", _grammar("deduct.until_zero"))
def test_every_until_zero_phrase(phrase):
    assert T.floors_at_zero(f"每少一次扣0.5分，{phrase}")


@pytest.mark.parametrize("cap", _grammar("bonus.cap"))
def test_every_bonus_cap(cap):
    assert T.bonus_allowance(f"正面批示一个加1分，{cap}加2分") == 2
    assert T.bonus_allowance("至多加1分") == 1


@pytest.mark.parametrize("verb", _grammar("item_cap.verb"))
@pytest.mark.parametrize("cap", _grammar("item_cap.cap"))
def test_every_item_cap(cap, verb):
    assert T.criteria_points(f"1．得3分；\n2．国家级得3分；市级得2分，{cap}{verb}6分。") == (9, ["得3分", f"{cap}{verb}6分"])


def test_bonus_row_maximum():
    assert T.bonus_maximum("加分项：获国家级表彰加2分，最高得4分") == 4
    assert T.bonus_maximum("最高 2 分") == 2
    assert T.bonus_maximum("获表彰加2分") is None


@pytest.mark.parametrize("text, stated, computed", [
    ("得分=41/45=91.11%", 91.11, 91.1111),        # a ratio written as its percentage, no "×100%"
    ("41/45×100%=91.11%", 91.11, 91.1111),
    ("(41/45)*100=91.11%", 91.11, 91.1111),
    ("41/45=80%", 80.0, 91.1111),                  # wrong either way: recomputed as the percentage
    ("41/45=0.91", 0.91, 0.9111),                  # a plain ratio stays a ratio
])
def test_percentages_both_ways(text, stated, computed):
    (c,) = T.claims(text)
    assert (c.stated, round(c.computed, 4)) == (stated, computed)
