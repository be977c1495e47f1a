"""Cell text -> typed value: operator, number, unit with scale, kind.

Forms write the same thing many ways (DOMAIN §4): "≥15台", "$\\geq 90\\%$",
"不低于95%", "=100百分比", "≤2万元", "0.6万元/次", "14个工作日内",
"2023年12月31日之前", "部分达成预期指标并具有一定效果".  ``parse_value`` never
raises: a cell it cannot read is ``text``, so one odd cell never stops a batch.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from checker.lexicon import LEXICON

KINDS = ("empty", "quantity", "percent", "tier", "date", "text")
# Placeholders reviewers write for "nothing here"; NFKC has already folded "／" and "－".
EMPTY = {"", *LEXICON.words("placeholders", "empty")}

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
# Word/PDF extraction breaks Chinese words with spaces ("达成预 期指标", "73.75 万人次").
_WS_BETWEEN = re.compile(rf"(?<=[{_CJK}0-9])\s+(?=[{_CJK}])|(?<=[{_CJK}])\s+(?=[0-9])")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_NUM = re.compile(r"[-+]?\d+(?:,\d{3})*(?:\.\d+)?")
# "指标1:" labels and list numbers "1." / "2、" that OCR glues onto the value.
_PREFIX = re.compile(r"^(?:指标\s*\d+\s*[:：]|\d+\s*[.、]\s*(?=[^\d\s]))")

# Operators written before the number.  Order matters: longer words first, so
# "大于等于" is not read as "大于" and "不低于" not as "低于".
_OPS_BEFORE = sorted(((w, op) for op, ws in LEXICON.table("operators_before") for w in ws), key=lambda t: -len(t[0]))
_OPS_AFTER = sorted(((w, op) for op, ws in LEXICON.table("operators_after") for w in ws), key=lambda t: -len(t[0]))
_SCALES = {w: float(scale) for scale, ws in LEXICON.table("scales") for w in ws}
# A unit is a short run without digits or punctuation, then optional "/次", "/人/月".
_UNIT = re.compile(r"^([^\d/\s,，;；、。()（）]{0,6}?)((?:/[^\d/\s]{1,3})*)$")

TIER_PATTERNS = sorted(((int(t), ws) for t, ws in LEXICON.table("tiers")), reverse=True)  # 3 first: "未达成" holds "达成"
# A deadline: at most a short lead-in ("截至", "于"), year, optional month/day, "底", "前".
_DATE_FULL = re.compile(r"^(\D{0,3}?)((?:19|20)\d\d)年度?(?:(\d{1,2})月)?(?:(\d{1,2})日)?(底|末)?(之前|以前|前|之内|以内|内|止)?")
_DATE_MONTH = re.compile(r"^(\d{1,2})月(?:\d{1,2}日)?(?:底|末)?(?:之前|以前|前|止)?(?:完成)?$")
_DATE_ISO = re.compile(r"^((?:19|20)\d\d)[-/.](\d{1,2})(?:[-/.](\d{1,2}))?(?:前|之前|以前)?$")
_DATE_WORDS = LEXICON.words("date_words", "within_year")


@dataclass(frozen=True)
class Value:
    raw: str          # the cell as given
    text: str         # normalise_text(raw)
    kind: str         # one of KINDS
    op: str | None = None
    number: float | None = None
    decimals: int = 0  # as written: precision checks compare at the form's own precision
    unit: str = ""     # base unit, scale prefix removed ("元" for "万元")
    scale: float = 1.0
    per: str = ""      # "/次", "/人/月": a rate, not a total — not comparable with budgets
    tier: int | None = None
    year: int | None = None

    @property
    def base(self) -> float | None:
        return None if self.number is None else self.number * self.scale


@lru_cache(maxsize=65536)
def _normalise_str(s: str) -> str:
    t = unicodedata.normalize("NFKC", s).translate(_INVISIBLE)
    t = _WS_BETWEEN.sub("", t)
    return re.sub(r"\s+", " ", t).strip()


def normalise_text(s) -> str:
    """NFKC (fullwidth → ASCII), no spaces inside Chinese words, single spaces elsewhere.
    (Forms repeat their cells — "100%", "达成预期指标" — so each distinct text is worked out once.)"""
    return _normalise_str("" if s is None else str(s))


def parse_number(s) -> tuple[float | None, int]:
    """The first number in the text and the decimals it is written with."""
    m = _NUM.search(normalise_text(s))
    if not m:
        return None, 0
    digits = m.group(0).replace(",", "")
    return float(digits), _decimals(digits)


def parse_value(s) -> Value:
    if isinstance(s, str):
        return _parse_str(s)
    return _parse_any(s)


@lru_cache(maxsize=65536)
def _parse_str(s: str) -> Value:
    return _parse_any(s)


def _parse_any(s) -> Value:
    raw = "" if s is None else str(s)
    try:
        if _missing(s):  # NaN / pd.NA from a DataFrame is a blank cell, not the word "nan"
            return Value(raw, normalise_text(raw), "empty")
        if isinstance(s, float) and math.isfinite(s):
            # str(1e-05) is "1e-05"; read the float in positional notation instead.
            return _parse(raw, format(Decimal(repr(s)), "f"))
        return _parse(raw, raw)
    except Exception:  # never raise on a cell: the reviewer still sees it as text
        return Value(raw=raw, text=raw.strip(), kind="text")


def _missing(s) -> bool:
    if s is None or isinstance(s, str):
        return False
    try:
        return bool(s != s)
    except Exception:  # pd.NA refuses bool(): it is missing by definition
        return True


def _strip_latex(t: str) -> str:
    """OCR leaves LaTeX around operators: "$\\geq 90\\%$", "\\le{5}"."""
    t = t.replace("$", "").replace("{", "").replace("}", "")
    t = re.sub(r"\\(?:geq?(?:slant)?|gt)(?![a-zA-Z])", lambda m: "≥" if "ge" in m.group(0) else ">", t)
    t = re.sub(r"\\(?:leq?(?:slant)?|lt)(?![a-zA-Z])", lambda m: "≤" if "le" in m.group(0) else "<", t)
    return t.replace("\\%", "%").replace("\\", "").strip()


def _parse(raw: str, source: str) -> Value:
    text = normalise_text(raw)
    t = _PREFIX.sub("", _strip_latex(normalise_text(source))).strip()
    compact = t.replace(" ", "")
    if compact in EMPTY:
        return Value(raw, text, "empty")
    for tier, words in TIER_PATTERNS:
        if any(w in compact for w in words):
            return Value(raw, text, "tier", tier=tier)
    iso = _DATE_ISO.match(compact)
    if iso:  # a date typed into a spreadsheet cell: 2024-12-31
        return Value(raw, text, "date", "<=", year=int(iso.group(1)))
    month = _DATE_MONTH.match(compact)
    if month and 1 <= int(month.group(1)) <= 12:  # "12月底前": a deadline in the form's own year
        return Value(raw, text, "date", "<=")
    return _quantity(raw, text, compact) or _date(raw, text, compact) or Value(raw, text, "text")


def _quantity(raw: str, text: str, t: str) -> Value | None:
    op = None
    for word, sym in _OPS_BEFORE:
        if t.startswith(word):
            op, t = sym, t[len(word):]
            break
    m = _NUM.match(t)
    if not m:
        return None  # "控制在预算内": an operator with no number is still vague text
    number_text = m.group(0).replace(",", "")
    rest = re.sub(r"[(（]含[)）]", "", t[m.end():])  # "30分钟（含）以上": inclusive is already >=
    rest = re.sub(r"[(（][^()（）]{0,6}[)）]$", "", rest)  # "≥95%（注）": a note, not a unit
    for word, sym in _OPS_AFTER:
        if rest.endswith(word) and not rest.endswith("年内"):
            op = op or sym
            rest = rest[: -len(word)]
            break
    if rest.startswith("年") and re.fullmatch(r"(?:19|20)\d\d", number_text):
        return None  # "2023年", "2023年12月": a year, left to _date
    if rest.endswith("百分比") or rest.endswith("%") or rest == "百分点":
        if rest.removesuffix("百分比").removesuffix("%"):
            return None  # "覆盖率达100%": a sentence around a percent
        return Value(raw, text, "percent", op, float(number_text), _decimals(number_text), "%")
    scale = 1.0
    # 万/亿/千 are scale only before a unit or at the end: "≥200万", "0.6万元/次".
    if rest[:1] in _SCALES:
        scale, rest = _SCALES[rest[0]], rest[1:]
    um = _UNIT.match(rest)
    if not um:
        return None
    unit, per = um.group(1), um.group(2)
    if unit and re.search(r"[的是和与及或，。]", unit):
        return None  # function words mean a phrase, not a unit
    return Value(raw, text, "quantity", op, float(number_text), _decimals(number_text), unit, scale, per)


def _date(raw: str, text: str, t: str) -> Value | None:
    m = _DATE_FULL.match(t)
    if m:
        rest = t[m.end():]
        deadline = m.group(3) or m.group(5) or m.group(6)
        # "2023年12月底前完成验收" is a deadline; "2021年实施采购…公司2家" is a sentence.
        if not rest or (deadline and not re.search(r"\d", rest)):
            return Value(raw, text, "date", "<=", year=int(m.group(2)))
    if len(t) <= 10 and not t.endswith("率") and any(w in t for w in _DATE_WORDS):
        return Value(raw, text, "date", "<=")   # "年度内完成"; not a name such as "按期完成率"
    return None


def _decimals(number_text: str) -> int:
    return len(number_text.split(".")[1]) if "." in number_text else 0
