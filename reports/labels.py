"""Words every emitter shows a reviewer: severities, form kinds, file statuses, families.

One table, so the HTML, the CSV and the annotated workbook's 核查结果 sheet say the same thing,
in Chinese by default and in English with ``--lang en``.
"""

from __future__ import annotations

SEVERITY = {
    "zh": {"error": "错误", "warning": "警告", "info": "提示"},
    "en": {"error": "error", "warning": "warning", "info": "info"},
}
KIND = {
    "zh": {"selfeval": "自评表", "bundle": "自评表汇编", "rubric": "评分表", "target": "目标表",
           "mixed": "多种表", "unrecognised": "未识别", "ledger": "预算账表", "": ""},
    "en": {"selfeval": "self-evaluation", "bundle": "self-evaluation bundle", "rubric": "rubric",
           "target": "target table", "mixed": "mixed", "unrecognised": "unrecognised", "ledger": "budget ledger",
           "": ""},
}
STATUS = {
    "zh": {"checked": "已核查", "unrecognised": "未识别", "unreadable": "无法读取", "skipped": "已跳过"},
    "en": {"checked": "checked", "unrecognised": "unrecognised", "unreadable": "unreadable", "skipped": "skipped"},
}
FAMILY = {
    "zh": {"FUND": "资金", "IND": "指标得分", "SUM": "合计与权重", "CAP": "分值上限", "DUP": "重复与一致",
           "XREF": "交叉核对", "TEXT": "评分说明", "TARGET": "目标表", "PARSE": "读取与识别"},
    "en": {"FUND": "funds", "IND": "indicator scores", "SUM": "sums and weights", "CAP": "caps",
           "DUP": "duplicates", "XREF": "cross-checks", "TEXT": "rubric wording", "TARGET": "target tables",
           "PARSE": "reading"},
}
# A table's status (checker.gate.table_status).
TABLE_STATUS = {
    "zh": {"pass": "通过", "fail": "不通过", "doubt": "需人工核对"},
    "en": {"pass": "pass", "fail": "fail", "doubt": "manual check"},
}
# A finding's state against a baseline run (``--compare``).
BASELINE = {
    "zh": {"new": "新增", "persisting": "遗留", "fixed": "已修正"},
    "en": {"new": "new", "persisting": "persisting", "fixed": "fixed"},
}


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
