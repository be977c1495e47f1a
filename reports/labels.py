"""Words every emitter shows a reviewer: severities, form kinds, file statuses, families.

One table, so the HTML, the CSV and the annotated workbook's 核查结果 sheet say the same thing,
in Chinese by default and in English with ``--lang en``.
"""

from __future__ import annotations

from checker.lexicon import LEXICON

_DISPLAY = LEXICON.section("display")   # checker/lexicon/display.yaml
SEVERITY = _DISPLAY["severity"]
KIND = {lang: {**words, **LEXICON.section("ledger_display")["kind"][lang]}   # + the budget ledger (ledger.yaml)
        for lang, words in _DISPLAY["kind"].items()}
STATUS = _DISPLAY["status"]
FAMILY = _DISPLAY["family"]
# A table's status (checker.gate.table_status).
TABLE_STATUS = _DISPLAY["table_status"]
# A finding's state against a baseline run (``--compare``).
BASELINE = _DISPLAY["baseline"]


def lang_of(result) -> str:
    return "en" if getattr(result, "lang", "zh") == "en" else "zh"


def severity(code: str, lang: str) -> str:
    return SEVERITY[lang].get(code, code)


def kind(code: str, lang: str) -> str:
    return KIND[lang].get(code, code)


def status(code: str, lang: str) -> str:
    return STATUS[lang].get(code, code)


def table_status(code: str, lang: str) -> str:
    return TABLE_STATUS[lang].get(code, code)


def family(code: str, lang: str) -> str:
    return FAMILY[lang].get(code, code)


def baseline(code: str, lang: str) -> str:
    return BASELINE[lang].get(code, code)


def rule_title(rule, lang: str) -> str:
    """A rule's one-line title in ``lang``; "" for Chinese while the rule has only its English summary
    (a Chinese report shows the rule id alone rather than English)."""
    title = rule.title(lang)
    return "" if lang == "zh" and title == rule.summary else title
