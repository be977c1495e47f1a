"""Findings as CSV for spreadsheet users (UTF-8 with BOM so Excel reads the Chinese).

Every input file appears: a file with no findings (passed, unreadable, skipped, unrecognised)
gets one row with its status and reason, so nothing vanishes from the sheet.  ``--format
csv-files`` lists the files alone.  Cells a spreadsheet would run as formulas are escaped.
"""

from __future__ import annotations

import csv
import io

from checker.compare import comparison_of, states
from checker.gate import table_statuses
from checker.waivers import report_of
from reports import labels
from reports.frames import columns
from reports.locations import shown
from reports.safe_cells import csv_cell

# The first eleven columns are those of earlier versions; new ones are appended.
COLUMNS = ["file", "project", "section", "indicator", "location", "rule", "family", "severity", "reported",
           "expected", "message", "file_status", "fingerprint", "table_status"]
HEADER_ZH = ["文件", "项目", "部分", "指标", "位置", "规则", "类别", "级别", "填报值", "应为", "说明",
             "文件状态", "指纹", "表格状态"]
FILE_COLUMNS = ["file", "status", "kind", "tables", "errors", "warnings", "infos", "sha256", "reason"]
FILE_HEADER_ZH = ["文件", "状态", "类型", "表数", "错误", "警告", "提示", "SHA-256", "原因"]


def _writer(out):
    return csv.writer(out, lineterminator="\n")


def _row(values) -> list[str]:
    return [csv_cell(v) for v in values]


def render_csv(result) -> str:
    lang = labels.lang_of(result)
    out = io.StringIO()
    w = _writer(out)
    comp = comparison_of(result)
    head = list(HEADER_ZH if lang == "zh" else COLUMNS)
    if comp is not None:
        head.append("比对" if lang == "zh" else "baseline")
    waivers = report_of(result) is not None   # a waivers file in force: two columns more
    if waivers:
        head += ["豁免", "豁免理由"] if lang == "zh" else ["waived", "waiver_reason"]
    w.writerow(head)
    msg = "message_en" if lang == "en" else "message"
    c = columns(result.findings, [*COLUMNS[:10], msg, "fingerprint", "waived", "waiver_reason"])
    status = {s.path: s for s in result.files}
    st = states(result)
    table = table_statuses(result)
    pids = result.findings["project_id"].tolist()
    for n in range(len(result.findings)):
        s = status.get(c["file"][n])
        row = [c["file"][n], c["project"][n], c["section"][n], c["indicator"][n], shown(c["location"][n], lang),
               c["rule"][n],
               c["family"][n], labels.severity(c["severity"][n], lang), c["reported"][n], c["expected"][n], c[msg][n],
               labels.status(s.status, lang) if s else "", c["fingerprint"][n],
               labels.table_status(table[pids[n]], lang) if pids[n] in table else ""]
        if st is not None:
            row.append(labels.baseline(st[n], lang))
        if waivers:
            row += [("已豁免" if lang == "zh" else "waived") if c["waived"][n] else "", c["waiver_reason"][n] or ""]
        w.writerow(_row(row))
    seen = set(c["file"])
    pad = [""] * ((st is not None) + 2 * waivers)
    for s in result.files:
        if s.path not in seen:
            row = [s.path, "", "", "", "", "", "", "", "", "", s.error_message, labels.status(s.status, lang), "", ""]
            w.writerow(_row(row + pad))
    if comp is not None:
        for f in comp.fixed.itertuples(index=False):
            row = [f.file, f.project, f.section, f.indicator, f.location, f.rule, f.family,
                   labels.severity(f.severity, lang), f.reported, f.expected, f.message, "", f.fingerprint, "",
                   labels.baseline("fixed", lang)]
            w.writerow(_row(row + [""] * (2 * waivers)))
    return "\ufeff" + out.getvalue()


def render_csv_files(result) -> str:
    """Every input file with its status, kind, counts, hash and reason."""
    lang = labels.lang_of(result)
    out = io.StringIO()
    w = _writer(out)
    w.writerow(FILE_HEADER_ZH if lang == "zh" else FILE_COLUMNS)
    counts = result.findings.groupby(["file", "severity"]).size().to_dict()
    for s in result.files:
        w.writerow(_row([s.path, labels.status(s.status, lang), labels.kind(s.kind, lang), s.projects,
                         counts.get((s.path, "error"), 0), counts.get((s.path, "warning"), 0),
                         counts.get((s.path, "info"), 0), getattr(s, "sha256", "") or "", s.error_message]))
    return "\ufeff" + out.getvalue()
