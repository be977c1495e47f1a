"""``jixiao rules``: the catalog and each rule's documentation, in Chinese or English.

A rule's examples are its first failing and first passing test case (``rules/cases``),
printed as the rows a reviewer would see and the finding they give.
"""

from __future__ import annotations

from checker.lexicon import LEXICON
from rules import Rule, load_all

DEFAULT_IND_HEADER = ("绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值(A) | 全年实际值(B) | 分值 | 得分 | "
                      "偏差原因分析及改进措施")
SEVERITY = LEXICON.section("display")["severity"]
FAMILY = LEXICON.section("display")["family"]
WORDS = {"zh": {"fails": "反例（报出）", "passes": "正例（不报）", "gives": "报出", "nothing": "不报出任何问题",
                "reported": "填报", "expected": "应为", "applies": "适用于"},
         "en": {"fails": "Fails", "passes": "Passes", "gives": "gives", "nothing": "no finding",
                "reported": "reported", "expected": "expected", "applies": "Applies to"}}
KIND = LEXICON.section("display")["kind"]


def catalog(lang: str = "zh") -> str:
    lines = []
    for r in sorted(load_all().values(), key=lambda r: r.id):
        lines.append(f"{r.id:28} {SEVERITY[lang][r.severity]:8} {r.title(lang)}")
    return "\n".join(lines) + "\n"


def document(rule: Rule, lang: str = "zh") -> str:
    family = FAMILY.get(lang, {}).get(rule.family, rule.family)
    out = [f"{rule.id}  [{SEVERITY[lang][rule.severity]}]  {family}", rule.title(lang)]
    if rule.kinds:   # where the engine applies it (every kind otherwise)
        sep = "、" if lang == "zh" else ", "
        out.append(f"{WORDS[lang]['applies']}: {sep.join(KIND[lang].get(k, k) for k in rule.kinds)}")
    if rule.explanation(lang):
        out += ["", rule.explanation(lang)]
    fails, passes = rule.examples()
    for word, case in (("fails", fails), ("passes", passes)):
        if case is not None:
            out += ["", _example_title(WORDS[lang][word], case, lang)] + [f"    {line}" for line in _rows(case)]
            out.append(f"    → {_outcome(case, lang)}")
    return "\n".join(out) + "\n"


FUND_HEADER = "项目资金(万元) | | | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分"


def _example_title(word: str, case: dict, lang: str) -> str:
    """反例（报出） / 正例（不报）, with the case's name where it is in the reader's language (the case
    names are English notes for developers: a Chinese page shows ``name_zh`` or none)."""
    name = case.get("name_zh", "") if lang == "zh" else case.get("name", "")
    return f"{word}: {name}" if name else f"{word}:"


def _rows(case: dict) -> list[str]:
    if "form" in case:
        return [line for line in case["form"].strip("\n").split("\n")]
    if "ledger" in case:   # a ledger case: its form is the plain table, the ledger is what matters
        return [f"{r.strip()}" for r in case.get("funds", [])] + ["预算账表:"] + [f"  {r}" for r in case["ledger"]]
    if "funds" in case and not case.get("indicators"):
        return [FUND_HEADER] + [r.strip() for r in case["funds"]]
    header = case.get("ind_header", DEFAULT_IND_HEADER).split("|", 1)[1].strip()
    return [header] + list(case.get("sub_header", [])) + [r.strip() for r in case.get("indicators", [])] + \
        list(case.get("after", []))


def _outcome(case: dict, lang: str) -> str:
    w = WORDS[lang]
    if not case.get("expect"):
        return w["nothing"]
    parts = []
    for e in case["expect"]:
        where = e.get("indicator") or e.get("section") or ""
        bits = [where] if where else []
        if "reported" in e:
            bits.append(f"{w['reported']} {e['reported']}")
        if "expected" in e:
            bits.append(f"{w['expected']} {e['expected']}")
        parts.append("，".join(bits) if lang == "zh" else ", ".join(bits))
    return f"{w['gives']}: " + "；".join(parts)
