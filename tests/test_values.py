"""Value parser: the ways forms write targets and actuals (DOMAIN §4); never raises."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.values import KINDS, Value, normalise_text, parse_number, parse_value


@pytest.mark.parametrize("raw,kind,op,number,unit,scale,per", [
    # seeds
    ("≥15台", "quantity", ">=", 15, "台", 1, ""),
    ("＜2万元", "quantity", "<", 2, "元", 1e4, ""),
    ("≤5万元", "quantity", "<=", 5, "元", 1e4, ""),
    ("=12次", "quantity", "=", 12, "次", 1, ""),
    ("≥300000人次", "quantity", ">=", 300000, "人次", 1, ""),
    ("≥ 300000", "quantity", ">=", 300000, "", 1, ""),
    ("≥73.75万人次", "quantity", ">=", 73.75, "人次", 1e4, ""),
    ("≥73.75 万人次", "quantity", ">=", 73.75, "人次", 1e4, ""),
    ("100%", "percent", None, 100, "%", 1, ""),
    ("$\\geq 90\\%$", "percent", ">=", 90, "%", 1, ""),
    ("≥95%", "percent", ">=", 95, "%", 1, ""),
    ("≤177万元", "quantity", "<=", 177, "元", 1e4, ""),
    ("≤177万 元", "quantity", "<=", 177, "元", 1e4, ""),
    ("1.4个工作日", "quantity", None, 1.4, "个工作日", 1, ""),
    ("≥200万", "quantity", ">=", 200, "", 1e4, ""),
    ("744000元", "quantity", None, 744000, "元", 1, ""),
    ("\\geq 100000", "quantity", ">=", 100000, "", 1, ""),
    ("\\leq 200000", "quantity", "<=", 200000, "", 1, ""),
    ("=100百 分比", "percent", "=", 100, "%", 1, ""),
    ("≥1万人/月", "quantity", ">=", 1, "人", 1e4, "/月"),
    ("≥45万件/年", "quantity", ">=", 45, "件", 1e4, "/年"),
    # operators before the number
    ("≥90", "quantity", ">=", 90, "", 1, ""),
    ("≤90", "quantity", "<=", 90, "", 1, ""),
    ("＞5", "quantity", ">", 5, "", 1, ""),
    ("＜5", "quantity", "<", 5, "", 1, ""),
    (">5", "quantity", ">", 5, "", 1, ""),
    ("<5", "quantity", "<", 5, "", 1, ""),
    ("=5", "quantity", "=", 5, "", 1, ""),
    ("＝5", "quantity", "=", 5, "", 1, ""),
    (">=5", "quantity", ">=", 5, "", 1, ""),
    ("<=5", "quantity", "<=", 5, "", 1, ""),
    ("\\ge 90", "quantity", ">=", 90, "", 1, ""),
    ("\\le 90", "quantity", "<=", 90, "", 1, ""),
    ("\\le{5}万元", "quantity", "<=", 5, "元", 1e4, ""),
    ("不低于95%", "percent", ">=", 95, "%", 1, ""),
    ("不少于3个", "quantity", ">=", 3, "个", 1, ""),
    ("大于等于3", "quantity", ">=", 3, "", 1, ""),
    ("至少3次", "quantity", ">=", 3, "次", 1, ""),
    ("不高于3万元", "quantity", "<=", 3, "元", 1e4, ""),
    ("不超过5万元", "quantity", "<=", 5, "元", 1e4, ""),
    ("不多于3次", "quantity", "<=", 3, "次", 1, ""),
    ("小于等于3", "quantity", "<=", 3, "", 1, ""),
    ("控制在100万元以内", "quantity", "<=", 100, "元", 1e4, ""),
    ("大于3", "quantity", ">", 3, "", 1, ""),
    ("高于3", "quantity", ">", 3, "", 1, ""),
    ("超过3", "quantity", ">", 3, "", 1, ""),
    ("小于3", "quantity", "<", 3, "", 1, ""),
    ("低于3", "quantity", "<", 3, "", 1, ""),
    # operators after the number
    ("90%以上", "percent", ">=", 90, "%", 1, ""),
    ("95%及以上", "percent", ">=", 95, "%", 1, ""),
    ("15台以上", "quantity", ">=", 15, "台", 1, ""),
    ("3人以下", "quantity", "<=", 3, "人", 1, ""),
    ("3天以内", "quantity", "<=", 3, "天", 1, ""),
    ("14个工作日内", "quantity", "<=", 14, "个工作日", 1, ""),
    ("≥95%（含）", "percent", ">=", 95, "%", 1, ""),
    ("30分钟（含）以上", "quantity", ">=", 30, "分钟", 1, ""),
    # scales and per-units
    ("≥2亿条", "quantity", ">=", 2, "条", 1e8, ""),
    ("0.6万元/次", "quantity", None, 0.6, "元", 1e4, "/次"),
    ("≤400元/人/月", "quantity", "<=", 400, "元", 1, "/人/月"),
    ("361800元/年", "quantity", None, 361800, "元", 1, "/年"),
    ("≥5千", "quantity", ">=", 5, "", 1e3, ""),
    ("1,234.5万元", "quantity", None, 1234.5, "元", 1e4, ""),
    # percents and bare numbers
    ("=100百分比", "percent", "=", 100, "%", 1, ""),
    ("95％", "percent", None, 95, "%", 1, ""),
    ("15", "quantity", None, 15, "", 1, ""),
    ("0.9983", "quantity", None, 0.9983, "", 1, ""),
    ("5000", "quantity", None, 5000, "", 1, ""),
    # noise
    ("指标1: 3万元", "quantity", None, 3, "元", 1e4, ""),
    ("指标1：3台", "quantity", None, 3, "台", 1, ""),
    ("１５台", "quantity", None, 15, "台", 1, ""),
    ("≥\u200b5", "quantity", ">=", 5, "", 1, ""),
])
def test_quantities(raw, kind, op, number, unit, scale, per):
    v = parse_value(raw)
    assert (v.kind, v.op, v.number, v.unit, v.scale, v.per) == (kind, op, number, unit, scale, per)


@pytest.mark.parametrize("raw,decimals", [
    ("94.13", 2), ("3", 0), ("1.430", 3), ("3.30", 2), ("0.6万元/次", 1), ("≥73.75万人次", 2),
    ("100.00%", 2), ("24.958", 3), ("", 0), ("效果显著", 0),
])
def test_decimals_as_written(raw, decimals):
    assert parse_value(raw).decimals == decimals


@pytest.mark.parametrize("raw,expected", [
    ("合计1,234.5万元", (1234.5, 1)), ("１２.５０", (12.5, 2)), ("≥73.75 万人次", (73.75, 2)),
    ("3", (3.0, 0)), ("无", (None, 0)), ("", (None, 0)), (None, (None, 0)),
])
def test_parse_number(raw, expected):
    assert parse_number(raw) == expected


@pytest.mark.parametrize("raw,tier", [
    ("达成预期指标", 1), ("达成预 期指标", 1), ("达到预期", 1), ("全部完成", 1), ("已完成", 1),
    ("部分达成预期指标并具有一定效果", 2), ("部分达 成预期 指标", 2), ("部分达成", 2),
    ("未达成预期指标且效果较差", 3), ("未完成 预期指 标且", 3), ("未完成", 3), ("效果较差", 3),
])
def test_tiers(raw, tier):
    v = parse_value(raw)
    assert (v.kind, v.tier, v.number) == ("tier", tier, None)


@pytest.mark.parametrize("raw,year", [
    ("2023年12月31日之前", 2023), ("2023年底前", 2023), ("2024年12月前", 2024), ("2022年12月", 2022),
    ("2022年 12月底", 2022), ("2023年12月31日前完成", 2023), ("截至2023年12月31日", 2023), ("2023年", 2023),
    ("2024-12-31", 2024), ("2024/06", 2024), ("12月底前", None),
    ("年度内", None), ("年度内 完成", None), ("当年完成", None), ("年底前", None), ("按时完成", None),
])
def test_dates(raw, year):
    v = parse_value(raw)
    assert (v.kind, v.year, v.op, v.number) == ("date", year, "<=", None)


@pytest.mark.parametrize("raw", [
    "", "—", "-", "--", "/", "／", "无", "——", "  ", "指标1:", None, float("nan"),
])
def test_empty(raw):
    assert parse_value(raw).kind == "empty"


@pytest.mark.parametrize("raw", [
    "控制在预算内", "效果显著", "方便快捷", "合规", "长期", "7*24小时", "5-8万元",
    # a year inside a sentence is not a deadline
    "金寨县2021年“安康码”应用项目绩效自评表", "2021年实施采购招标委托专业杀灭公司2家",
    "基本公共卫生服务覆盖率达100%", "服务辖区内居民人口数23.23万人",
])
def test_free_text(raw):
    v = parse_value(raw)
    assert v.kind == "text" and v.number is None


def test_non_string_cells():
    assert (parse_value(3).kind, parse_value(3).number, parse_value(3).raw) == ("quantity", 3, "3")
    assert (parse_value(0.25).number, parse_value(0.25).decimals) == (0.25, 2)
    assert (parse_value(1e-05).number, parse_value(1e-05).decimals) == (1e-05, 5)
    assert parse_value(None).raw == ""


def test_raw_and_text_kept():
    v = parse_value("≥73.75 万人次")
    assert (v.raw, v.text) == ("≥73.75 万人次", "≥73.75万人次")


def test_base_applies_scale():
    assert parse_value("≤2万元").base == 20000
    assert parse_value("361800元/年").base == 361800
    assert math.isclose(parse_value("≥73.75万人次").base, 737500)
    assert parse_value("效果显著").base is None


@pytest.mark.parametrize("raw,expected", [
    ("全区医疗生育参保 人次", "全区医疗生育参保人次"),
    ("≥73.75 万人次", "≥73.75万人次"),
    ("第 3 季度", "第3季度"),
    ("（５０分）", "(50分)"),
    ("＞＜％", "><%"),
    ("a  b\n c", "a b c"),
    ("\xa0 达成\u3000预期 ", "达成预期"),
    ("x\u200by\ufeff", "xy"),
    ("产出 指 标 (40 分)", "产出指标 (40分)"),
    (None, ""),
])
def test_normalise_text(raw, expected):
    assert normalise_text(raw) == expected


def _check(v: Value, raw) -> None:
    assert v.kind in KINDS
    assert v.decimals >= 0
    assert v.raw == ("" if raw is None else str(raw))
    assert v.op in (None, ">=", "<=", "=", ">", "<")
    assert v.tier in (None, 1, 2, 3)
    assert (v.number is None) == (v.base is None)


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_never_raises_on_text(raw):
    _check(parse_value(raw), raw)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), st.floats(), st.integers(), st.none(),
                 st.text(alphabet="≥≤<>=%万亿千元人次台/0123456789.,$\\geq百分比年月日底之前内以上部分达成未指标:（含） ",
                         max_size=20)))
def test_never_raises(raw):
    _check(parse_value(raw), raw)
