"""Value parser: the ways forms write targets and actuals (DOMAIN §4); never raises."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from checker.values import KINDS, normalise_text, parse_number, parse_value


@pytest.mark.parametrize("raw,kind,op,number,unit,scale,per", [
    ("≥15台", "quantity", ">=", 15, "台", 1, ""),
    ("＜2万元", "quantity", "<", 2, "元", 1e4, ""),
    ("≤5万元", "quantity", "<=", 5, "元", 1e4, ""),
    ("=12次", "quantity", "=", 12, "次", 1, ""),
    (">=300000人次", "quantity", ">=", 300000, "人次", 1, ""),
    ("≥73.75 万人次", "quantity", ">=", 73.75, "人次", 1e4, ""),
    ("100%", "percent", None, 100, "%", 1, ""),
    ("$\\geq 90\\%$", "percent", ">=", 90, "%", 1, ""),
    ("\\geq 100000", "quantity", ">=", 100000, "", 1, ""),
    ("=100百 分比", "percent", "=", 100, "%", 1, ""),
    ("不低于95%", "percent", ">=", 95, "%", 1, ""),
    ("不高于3万元", "quantity", "<=", 3, "元", 1e4, ""),
    ("90%以上", "percent", ">=", 90, "%", 1, ""),
    ("95%及以上", "percent", ">=", 95, "%", 1, ""),
    ("≥95%（含）", "percent", ">=", 95, "%", 1, ""),
    ("≤177万 元", "quantity", "<=", 177, "元", 1e4, ""),
    ("≥200万", "quantity", ">=", 200, "", 1e4, ""),
    ("≥2亿条", "quantity", ">=", 2, "条", 1e8, ""),
    ("0.6万元/次", "quantity", None, 0.6, "元", 1e4, "/次"),
    ("≤400元/人/月", "quantity", "<=", 400, "元", 1, "/人/月"),
    ("361800元/年", "quantity", None, 361800, "元", 1, "/年"),
    ("744000元", "quantity", None, 744000, "元", 1, ""),
    ("14个工作日内", "quantity", "<=", 14, "个工作日", 1, ""),
    ("1.4个工作日", "quantity", None, 1.4, "个工作日", 1, ""),
    ("指标1: 3万元", "quantity", None, 3, "元", 1e4, ""),
    ("１５台", "quantity", None, 15, "台", 1, ""),
])
def test_quantities(raw, kind, op, number, unit, scale, per):
    v = parse_value(raw)
    assert (v.kind, v.op, v.number, v.unit, v.scale, v.per) == (kind, op, number, unit, scale, per)


def test_decimals_as_written():
    assert parse_value("94.13").decimals == 2
    assert parse_value("3.30").decimals == 2
    assert parse_value("3").decimals == 0
    assert parse_number("合计1,234.5万元") == (1234.5, 1)


@pytest.mark.parametrize("raw,tier", [
    ("达成预期指标", 1), ("达成预 期指标", 1), ("部分达成预期指标并具有一定效果", 2), ("部分达 成预期 指标", 2),
    ("未达成预期指标且效果较差", 3), ("未完成 预期指 标且", 3),
])
def test_tiers(raw, tier):
    v = parse_value(raw)
    assert (v.kind, v.tier) == ("tier", tier)


@pytest.mark.parametrize("raw,year", [
    ("2023年12月31日之前", 2023), ("2022年12月", 2022), ("2024-12-31", 2024), ("2024/06", 2024), ("2022年 12月底", 2022), ("年度内 完成", None), ("当年完成", None),
])
def test_dates(raw, year):
    v = parse_value(raw)
    assert (v.kind, v.year) == ("date", year)


@pytest.mark.parametrize("raw", ["", "—", "-", "/", "无", "  "])
def test_empty(raw):
    assert parse_value(raw).kind == "empty"


@pytest.mark.parametrize("raw", ["控制在预算内", "效果显著", "方便快捷", "合规", "长期"])
def test_free_text(raw):
    v = parse_value(raw)
    assert v.kind == "text" and v.number is None


def test_base_applies_scale():
    assert parse_value("≤2万元").base == 20000
    assert parse_value("效果显著").base is None


def test_normalise_text():
    assert normalise_text("全区医疗生育参保 人次") == "全区医疗生育参保人次"
    assert normalise_text("≥73.75 万人次") == "≥73.75万人次"
    assert normalise_text("（５０分）") == "(50分)"
    assert normalise_text("a  b\n c") == "a b c"


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), st.floats(), st.integers(), st.none(),
                 st.text(alphabet="≥≤<>=%万亿元人次台0123456789.$\\geq百分比年月日之前内以上部分达成未", max_size=20)))
def test_never_raises(raw):
    v = parse_value(raw)
    assert v.kind in KINDS
    assert v.decimals >= 0
    assert v.number is None or v.number == v.number or v.kind != "quantity"
