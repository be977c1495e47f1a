"""Reading numbers in reviewers' sentences."""

from __future__ import annotations

import pytest

from checker import textcalc as T


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
