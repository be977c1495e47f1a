"""Label matching that survives extraction noise.

Labels arrive cut ("年结转资", "度资金总"), spaced ("产出指 标 (50分)"), in fullwidth
brackets or with prefixes ("指标1:").  Everything here works on ``squash``ed text
(NFKC, no whitespace) and matches by meaningful fragments, never by exact cell.
"""

from __future__ import annotations

import re
from functools import lru_cache

from checker.grid import squash  # noqa: F401  (re-exported: labels are matched squashed)
from checker.lexicon import LEXICON

_WS = re.compile(r"\s+")
_ENUMERATOR = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[、.．](?!\d))")
_WEIGHT = re.compile(r"[(（]\s*(\d+(?:\.\d+)?)\s*分?\s*[)）]?")
_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?$")
_WEIGHT_SUFFIX = re.compile(r"(\d+(?:\.\d+)?)分$")
_PREFIX = re.compile(r"^(?:指标\s*\d+\s*[:：.、]?|\d{1,2}\s*[.、．](?!\d))\s*")   # "1." / "2、", never "2023.07"




@lru_cache(maxsize=65536)
def clean(text: str) -> str:
    """Readable single-line text: NFKC, no spaces inside Chinese words (PDF extraction
    breaks "参保 人次"), other whitespace runs to one space."""
    from checker.values import normalise_text
    return normalise_text(text or "")


@lru_cache(maxsize=65536)
def declared_weight(text: str) -> float | None:
    """'产出指标(50分)', '满意度指标(10' (cut), '决策（5分）' -> the weight; a leading enumerator
    ("（1）数量指标") is not one."""
    s = _ENUMERATOR.sub("", squash(text))
    m = _WEIGHT.search(s)
    if m:
        return float(m.group(1))
    m = _WEIGHT_SUFFIX.search(s)   # "产出指标40分", "项目决策2分": a heading with its weight unbracketed
    return float(m.group(1)) if m and _names_a_heading(s[:m.start()]) else None




@lru_cache(maxsize=65536)
@lru_cache(maxsize=65536)
def strip_weight(text: str) -> str:
    """A heading without its weight or its enumerator: "一、产出指标（50分）" → "产出指标"."""
    s = _ENUMERATOR.sub("", _WEIGHT.sub("", squash(text)))
    m = _WEIGHT_SUFFIX.search(s)
    return s[:m.start()] if m and _names_a_heading(s[:m.start()]) else s


@lru_cache(maxsize=65536)
def is_number(text: str) -> bool:
    t = squash(text).removesuffix("分")
    return bool(_NUMBER.match(t))


@lru_cache(maxsize=65536)
def number_and_decimals(text: str) -> tuple[float | None, int]:
    t = squash(text).rstrip("。.").removesuffix("分").replace(",", "")
    if not _NUMBER.match(t):
        return None, 0
    return float(t), (len(t.split(".")[1]) if "." in t else 0)


@lru_cache(maxsize=65536)
def strip_item_prefix(text: str) -> str:
    """'指标1: 全县参保人数' -> '全县参保人数'."""
    return _PREFIX.sub("", clean(text)).strip()


# --- performance indicator headings (words: checker/lexicon/taxonomy.yaml) ------------------
LEVEL1 = {frag: name for name, frags in LEXICON.table("level1") for frag in frags}
# Level-1 headings of four-part (决策/过程/产出/效益) forms and rubrics, written without "指标".
LEVEL1_BARE = {frag: name for name, frags in LEXICON.table("level1_bare") for frag in frags}
LEVEL2 = [(frag, name) for name, frags in LEXICON.table("level2") for frag in frags]
_LEVEL2_TAIL = LEXICON.words("level2_tail", "tail")
_LEVEL2_BY_LENGTH = sorted(LEVEL2, key=lambda p: -len(p[0]))
_LEVEL2_LONGEST = max(10, *(len(f) + 4 for f, _ in LEVEL2))


@lru_cache(maxsize=65536)
def _names_a_heading(s: str) -> bool:
    """Does a squashed text (its weight cut off) name a level-1 or level-2 heading?  Asked before
    an unbracketed "40分" is taken for a heading's weight, never of "得2分" in a rule's text."""
    return bool(s) and len(s) <= 10 and (s in LEVEL1_BARE or any(s.startswith(f) and s.endswith("指标") for f in LEVEL1)
                                         or any(s.startswith(f) and s.endswith("指标") for f, _ in LEVEL2))


@lru_cache(maxsize=65536)
def level1_of(text: str) -> str | None:
    """Canonical level-1 name if the cell is a level-1 heading ('产出指 标 (50分)')."""
    s = strip_weight(text)
    for frag, name in LEVEL1.items():
        if s.startswith(frag) and "指" in s[len(frag):len(frag) + 2] and len(s) <= len(frag) + 3:
            return name
    if s in LEVEL1_BARE:
        return LEVEL1_BARE[s]   # "决策(20分)", "过程": a part of a four-part form
    return None


@lru_cache(maxsize=65536)
def level2_of(text: str) -> str | None:
    """Canonical level-2 name if the cell is a level-2 heading ('可持续 影响指', '数量指 标')."""
    s = strip_weight(text)
    if len(s) > _LEVEL2_LONGEST or "指" not in s:
        return None
    for frag, name in _LEVEL2_BY_LENGTH:
        # a heading is its fragment and a short tail ("数量指标", "社会公众或服务对象满意度指标"), not a
        # sentence that starts like one
        if s.startswith(frag) and len(s) <= max(10, len(frag) + 4):
            rest = s[len(frag):]
            if rest.startswith(_LEVEL2_TAIL) or rest == "":
                return name
    return None


def starts_any(text: str, fragments) -> bool:
    s = squash(text)
    return any(s.startswith(f) for f in fragments)


_MONEY_UNITS = sorted(((w, float(scale)) for scale, ws in LEXICON.table("money_units") for w in ws),
                      key=lambda t: -len(t[0]))


def fund_scale(text: str) -> float | None:
    """Unit of a funds block from its label: "项目资金（万元）" → 1e4, "（元）" → 1."""
    s = squash(text)
    for unit, scale in _MONEY_UNITS:
        if f"({unit})" in s or f"单位:{unit}" in s:
            return scale
    return None


# --- header labels of a table (checker/lexicon/header.yaml) ---------------------------------
PROJECT_NAME_LABELS = tuple(sorted(LEXICON.words("header", "project_name") + LEXICON.words("header", "transfer_name")
                                   + LEXICON.words("header", "department_name"), key=len, reverse=True))
DEPARTMENT_LABELS = LEXICON.words("header", "department")
UNIT_LABELS = LEXICON.words("header", "unit")


@lru_cache(maxsize=1 << 14)  # asked of the first cell of every row
def project_name_label(key: str) -> str | None:
    """The project-name label a squashed cell starts with ('专项(项目)名称')."""
    return next((lab for lab in PROJECT_NAME_LABELS if key.startswith(lab)), None)


# --- fund lines (checker/lexicon/funds.yaml) ------------------------------------------------
# (fragments of a label, line, split).  Order matters: "年度财政资金总额" is a total before it is
# fiscal money, "其中:中央、市级补助" names the central level first.
_SPLIT_OF = {line: split for split, lines in LEXICON.table("fund_line_split") for line in lines}
FUND_LINE_WORDS: list[tuple[tuple[str, ...], str, str]] = [
    (frags, line, _SPLIT_OF[line]) for line, frags in LEXICON.table("fund_lines")]


FUND_LABEL_MAX = 24   # the longest fund-line label seen is ~16 characters ("③县(市、区)财政资金")


@lru_cache(maxsize=65536)
def fund_line(label: str) -> tuple[str, str] | None:
    """(line, split) a fund row's label names, or None ('年结转资' → carryover).  A sentence is no
    line's label, whatever words it holds ("符合计划生育" holds 合计)."""
    s = squash(label)
    if len(s) > FUND_LABEL_MAX:
        return None
    for frags, line, split in FUND_LINE_WORDS:
        if any(f in s for f in frags):
            return line, split
    return None


_PAGE_NUMBER = LEXICON.regex("noise", "page_number")  # and 续表
_RULE = LEXICON.regex("noise", "rule_line")
_FILLER = LEXICON.regex("noise", "filler")


def is_noise_row(keys: list[str]) -> bool:
    """A row that is not form content: blank, a page number or 续表, a markdown rule ("|----|") or a
    comment line ("#截断: …", "## 标题" left by a converter)."""
    keys = [k for k in keys if k]
    if not keys:
        return True
    return ((len(keys) == 1 and _PAGE_NUMBER.fullmatch(keys[0]) is not None) or keys[0].startswith("#")
            or all(_RULE.fullmatch(k) for k in keys) or all(_FILLER.fullmatch(k) for k in keys))


_RANGE = re.compile(r"(20\d\d)\s*[年.\-/]\s*(\d{1,2})\s*月?\s*[-—~至到]+\s*(?:(20\d\d)\s*[年.\-/]\s*)?(\d{1,2})\s*月?")


def period_months(text: str) -> float | None:
    """项目期 / 实施期 in months: "1年" → 12, "6个月" → 6, "2023年2月-12月" → 11,
    "2022-2024年" → None (years without months: not a length jixiao can be sure of)."""
    t = squash(text or "")
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(年|个月|月)", t)
    if m:
        return float(m.group(1)) * (12 if m.group(2) == "年" else 1)
    m = _RANGE.search(t)
    if m:
        y1, m1, y2, m2 = int(m.group(1)), int(m.group(2)), int(m.group(3) or m.group(1)), int(m.group(4))
        months = (y2 - y1) * 12 + (m2 - m1) + 1
        return float(months) if 0 < months <= 120 else None
    return None


# --- the taxonomy of each template version (checker/lexicon/taxonomy.yaml) --------------------
def _parents(version: str) -> dict[str, str]:
    spec = LEXICON.section("taxonomy")[version]
    out = _parents(spec["extends"]) if "extends" in spec else {}
    out.update({child: parent for parent, children in spec.get("parents", {}).items() for child in children or ()})
    return out


PARENT_2020 = _parents("national_2020")   # level-2 -> level-1: 成本指标 under 产出指标
PARENT_2021 = _parents("national_2021")   # 经济/社会/生态环境成本指标 under a level-1 成本指标
