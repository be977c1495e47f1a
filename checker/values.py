"""Cell text -> typed value: operator, number, unit with scale, kind.

Forms write the same thing many ways (DOMAIN §4): "≥15台", "$\\geq 90\\%$",
"不低于95%", "=100百分比", "≤2万元", "0.6万元/次", "14个工作日内",
"2023年12月31日之前", "部分达成预期指标并具有一定效果".  ``parse_value`` never
raises: a cell it cannot read is ``text``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

KINDS = ("empty", "quantity", "percent", "tier", "date", "text")
EMPTY = {"", "—", "-", "--", "/", "无", "——", "－", "—-", "\\"}

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_WS_BETWEEN = re.compile(rf"(?<=[{_CJK}0-9])\s+(?=[{_CJK}])|(?<=[{_CJK}])\s+(?=[0-9])")
_NUM = re.compile(r"[-+]?\d+(?:,\d{3})*(?:\.\d+)?")
_PREFIX = re.compile(r"^(?:指标\s*\d+\s*[:：]|\d+\s*[.、]\s*(?=\D))")

# Operators written before the number, longest first.
_OPS_BEFORE = [
    (">=", ">="), ("<=", "<="), ("≥", ">="), ("≤", "<="), ("⩾", ">="), ("⩽", "<="),
    ("不低于", ">="), ("不少于", ">="), ("大于等于", ">="), ("大于或等于", ">="), ("至少", ">="),
    ("不高于", "<="), ("不超过", "<="), ("不多于", "<="), ("小于等于", "<="), ("小于或等于", "<="),
    ("控制在", "<="), ("最多", "<="), ("大于", ">"), ("高于", ">"), ("超过", ">"), ("多于", ">"),
    ("小于", "<"), ("低于", "<"), ("少于", "<"), (">", ">"), ("<", "<"), ("=", "="), ("＝", "="),
]
_OPS_AFTER = [("及以上", ">="), ("及以下", "<="), ("以上", ">="), ("以下", "<="), ("以内", "<="), ("之内", "<="), ("内", "<=")]
_SCALES = {"万": 1e4, "亿": 1e8, "千": 1e3}
_UNIT = re.compile(r"^([^\d/\s,，;；、。()（）]{0,6}?)((?:/[^\d/\s]{1,3})*)$")

TIER_PATTERNS = [  # checked in order: "未达成" contains "达成"
    (3, ("未达成", "未完成", "效果较差", "未达到预期", "没有达成", "未达标", "未实现")),
    (2, ("部分达成", "部分完成", "基本达成", "基本完成", "部分达到", "部分实现")),
    (1, ("达成预期", "达到预期", "全部完成", "已完成", "全面完成", "完成预期", "已达成", "全部达成", "已实现")),
]
_DATE_FULL = re.compile(r"(20\d\d)\s*年(?:\s*(\d{1,2})\s*月)?(?:\s*(\d{1,2})\s*日)?(底|末)?\s*(之前|以前|前|内|止)?")
_DATE_ISO = re.compile(r"^(20\d\d)[-/.](\d{1,2})(?:[-/.](\d{1,2}))?(?:\s*(?:前|之前|以前))?$")
_DATE_WORDS = ("年度内", "当年完成", "年底前", "年内", "按时完成", "按期完成", "年末前", "当年内")


@dataclass(frozen=True)
class Value:
    raw: str
    text: str
    kind: str
    op: str | None = None
    number: float | None = None
    decimals: int = 0
    unit: str = ""
    scale: float = 1.0
    per: str = ""
    tier: int | None = None
    year: int | None = None

    @property
    def base(self) -> float | None:
        return None if self.number is None else self.number * self.scale


def normalise_text(s) -> str:
    """NFKC (fullwidth → ASCII), no spaces inside Chinese words, single spaces elsewhere."""
    t = unicodedata.normalize("NFKC", "" if s is None else str(s)).replace("\xa0", " ")
    t = _WS_BETWEEN.sub("", t)
    return re.sub(r"\s+", " ", t).strip()


def parse_number(s) -> tuple[float | None, int]:
    """The first number in the text and the decimals it is written with."""
    m = _NUM.search(normalise_text(s))
    if not m:
        return None, 0
    digits = m.group(0).replace(",", "")
    try:
        return float(digits), (len(digits.split(".")[1]) if "." in digits else 0)
    except ValueError:
        return None, 0


def _strip_latex(t: str) -> str:
    t = t.replace("$", "")
    t = re.sub(r"\\geq?\b|\\geqslant", "≥", t)
    t = re.sub(r"\\leq?\b|\\leqslant", "≤", t)
    t = t.replace("\\%", "%").replace("\\", "")
    return t.strip()


def parse_value(s) -> Value:
    try:
        return _parse(s)
    except Exception:  # never raise on a cell: the reviewer still sees it as text
        raw = "" if s is None else str(s)
        return Value(raw=raw, text=raw.strip(), kind="text")


def _parse(s) -> Value:
    raw = "" if s is None else str(s)
    text = normalise_text(raw)
    t = _PREFIX.sub("", _strip_latex(text)).strip()
    if t.replace(" ", "") in EMPTY:
        return Value(raw, text, "empty")
    compact = t.replace(" ", "")
    for tier, words in TIER_PATTERNS:
        if any(w in compact for w in words):
            return Value(raw, text, "tier", tier=tier)
    iso = _DATE_ISO.match(compact)
    if iso:  # a date typed into a spreadsheet cell: 2024-12-31
        return Value(raw, text, "date", "<=", year=int(iso.group(1)))
    return _quantity(raw, text, compact) or _date(raw, text, compact) or Value(raw, text, "text")


def _quantity(raw: str, text: str, t: str) -> Value | None:
    op = None
    for word, sym in _OPS_BEFORE:
        if t.startswith(word):
            op, t = sym, t[len(word):]
            break
    if op == "<=" and t.endswith(("以内", "之内", "内")) and "控制在" in text:
        t = re.sub(r"(以内|之内|内)$", "", t)
    m = _NUM.match(t)
    if not m:
        return None
    number_text = m.group(0).replace(",", "")
    rest = re.sub(r"[(（][^()（）]{0,6}[)）]$", "", t[m.end():])  # "≥95%（含）": a note, not a unit
    for word, sym in _OPS_AFTER:
        if rest.endswith(word) and not rest.endswith("年内"):
            op = op or sym
            rest = rest[: -len(word)]
            break
    if "年" in rest and re.match(r"^年(\d|底|末|度)", rest) and len(number_text) == 4:
        return None  # a date such as 2023年12月
    if rest.endswith("百分比") or rest.endswith("%") or rest == "百分点":
        unit = rest.removesuffix("百分比").removesuffix("%")
        if unit:
            return None
        return Value(raw, text, "percent", op, float(number_text), _decimals(number_text), "%")
    scale = 1.0
    if rest[:1] in _SCALES:
        scale, rest = _SCALES[rest[0]], rest[1:]
    um = _UNIT.match(rest)
    if not um:
        return None
    unit, per = um.group(1), um.group(2)
    if unit and re.search(r"[的是和与及或，。]", unit):
        return None
    return Value(raw, text, "quantity", op, float(number_text), _decimals(number_text), unit, scale, per)


def _date(raw: str, text: str, t: str) -> Value | None:
    m = _DATE_FULL.search(t)
    if m:
        op = "<=" if (m.group(4) or m.group(5)) or m.group(2) else None
        return Value(raw, text, "date", op or "<=", year=int(m.group(1)))
    if any(w in t for w in _DATE_WORDS):
        return Value(raw, text, "date", "<=")
    return None


def _decimals(number_text: str) -> int:
    return len(number_text.split(".")[1]) if "." in number_text else 0
