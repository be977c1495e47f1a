"""Findings as CSV for spreadsheet users (UTF-8 with BOM so Excel reads the Chinese)."""

from __future__ import annotations

import csv
import io

COLUMNS = ["file", "project", "section", "indicator", "location", "rule", "family", "severity",
           "reported", "expected", "message"]
HEADER_ZH = ["文件", "项目", "部分", "指标", "位置", "规则", "类别", "级别", "填报值", "应为", "说明"]


def render_csv(result) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(HEADER_ZH if result.lang != "en" else COLUMNS)
    msg = "message_en" if result.lang == "en" else "message"
    for r in result.findings.to_dict("records"):
        w.writerow([r[c] if c != "message" else r[msg] for c in COLUMNS])
    return "\ufeff" + out.getvalue()
