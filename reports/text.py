"""Linter-style text: ``FILE:LOCATION: RULE severity 项目 / 指标: message``.

Every input file is listed with its status.  With ``--compare`` each finding line ends with its
state against the baseline ([新增] / [遗留]) and the fixed findings follow, one a line.
"""

from __future__ import annotations

from checker.compare import changes_of, comparison_of, field_label, states
from checker.gate import table_counts, table_statuses
from checker.waivers import report_of, waived_count
from reports import labels
from reports.frames import columns
from reports.locations import shown

SEVERITY_ZH = labels.SEVERITY["zh"]
KIND_ZH = labels.KIND["zh"]
LINE_KEYS = ["file", "location", "rule", "severity", "project", "indicator", "section", "message", "message_en",
             "waived", "waiver_reason"]
WAIVED = {"zh": "已豁免", "en": "waived"}


def finding_line(f: dict, lang: str = "zh") -> str:
    msg = f["message_en"] if lang == "en" else f["message"]
    where = " / ".join(x for x in (f["project"], f["indicator"] or f["section"]) if x)
    loc = f"{f['file']}:{shown(f['location'], lang)}" if f["location"] else f["file"]
    head = f"{loc}: {f['rule']} {f['severity']}"
    return f"{head} {where}: {msg}" if where else f"{head}: {msg}"


def summary_line(result) -> str:
    c = result.counts()
    n_files = len(result.files)
    unreadable = sum(1 for s in result.files if s.status == "unreadable")
    n_proj = len(result.projects)
    comp = comparison_of(result)
    t = table_counts(table_statuses(result))
    if result.lang == "en":
        s = f"{n_files} files, {n_proj} tables checked ({t['fail']} fail, {t['doubt']} manual check, " \
            f"{t['pass']} pass): {c['error']} errors, {c['warning']} warnings, {c['info']} infos"
        s += f"; {unreadable} unreadable" if unreadable else ""
        if comp is not None:
            s += f"; against the baseline: {comp.counts['new']} new, {comp.counts['persisting']} persisting, " \
                 f"{comp.counts['fixed']} fixed"
        s += f"; {waived_count(result)} waived" if waived_count(result) else ""
        s += f"; {len(changes_of(result))} figures changed" if changes_of(result) else ""
        return s
    s = f"共 {n_files} 个文件、{n_proj} 张表（不通过 {t['fail']}，需人工核对 {t['doubt']}，通过 {t['pass']}）：" \
        f"错误 {c['error']}，警告 {c['warning']}，提示 {c['info']}"
    s += f"；{unreadable} 个文件无法读取" if unreadable else ""
    if comp is not None:
        s += f"；与上次相比：新增 {comp.counts['new']}，遗留 {comp.counts['persisting']}，已修正 {comp.counts['fixed']}"
    s += f"，改动数字 {len(changes_of(result))} 处" if changes_of(result) else ""
    s += f"；已豁免 {waived_count(result)}（不计入核查结果）" if waived_count(result) else ""
    return s


def waiver_lines(result, lang: str) -> list[str]:
    """The waivers that matched nothing (stale) or are past their date (expired)."""
    rep = report_of(result)
    if rep is None:
        return []
    out = []
    for kind, items in (("stale", rep.stale), ("expired", rep.expired)):
        for w in items:
            what = " / ".join(x for x in (w.rule, w.project, w.indicator) if x)
            if lang == "en":
                tag = "stale waiver (matches no finding)" if kind == "stale" else \
                    f"expired waiver (ended {w.expires}, no longer applied)"
                out.append(f"{rep.path}: {tag}: #{w.number} {w.fingerprint} {what}: {w.reason}")
            else:
                tag = "豁免已失效（没有匹配的问题）" if kind == "stale" else f"豁免已过期（{w.expires} 止，不再适用）"
                out.append(f"{rep.path}: {tag}：第 {w.number} 条 {w.fingerprint} {what}：{w.reason}")
    return out


def change_lines(result, lang: str) -> list[str]:
    """Figures the unit changed since the baseline: ``FILE:CELL 项目 / 指标 得分 15 → 6``."""
    tag = "changed" if lang == "en" else "改动"
    out = []
    for ch in changes_of(result) or []:
        where = f"{ch['file']}:{ch['location']}" if ch["location"] else ch["file"]
        out.append(f"{tag}: {where} {ch['project']} / {ch['indicator']} {field_label(ch['field'], lang)} "
                   f"{ch['old'] or '（空）'} → {ch['new'] or '（空）'}")
    return out


def file_line(s, counts, lang: str) -> str:
    """Every input file, with its status: nothing is lost from a report."""
    e, w = counts.get((s.path, "error"), 0), counts.get((s.path, "warning"), 0)
    status = labels.status(s.status, lang)
    if s.status in ("unreadable", "skipped"):
        return f"{s.path}: {status}: {s.error_message}"
    if lang == "en":
        if s.status == "unrecognised":
            return f"{s.path}: unrecognised (not a self-evaluation, rubric or target table): {e} errors, {w} warnings"
        if s.kind == "ledger":
            return f"{s.path}: compared (budget ledger): {e} errors, {w} warnings"
        return f"{s.path}: checked ({labels.kind(s.kind, lang)}, {s.projects} tables): {e} errors, {w} warnings"
    if s.status == "unrecognised":
        return f"{s.path}: 未识别（不是自评表、评分表或目标表）：错误 {e}，警告 {w}"
    if s.kind == "ledger":
        return f"{s.path}: 已核对（预算账表）：错误 {e}，警告 {w}"
    return f"{s.path}: 已核查（{labels.kind(s.kind, lang)}，{s.projects} 张表）：错误 {e}，警告 {w}"


def render_text(result) -> str:
    lang = labels.lang_of(result)
    c = columns(result.findings, LINE_KEYS)
    st = states(result)
    lines = []
    for n in range(len(result.findings)):
        line = finding_line({k: c[k][n] for k in LINE_KEYS}, lang)
        line += f" [{labels.baseline(st[n], lang)}]" if st is not None else ""
        lines.append(line + (f" [{WAIVED[lang]}：{c['waiver_reason'][n]}]" if c["waived"][n] else ""))
    comp = comparison_of(result)
    if comp is not None:
        tag = labels.baseline("fixed", lang)
        for f in comp.fixed.itertuples(index=False):
            where = " / ".join(x for x in (f.project, f.indicator or f.section) if x)
            lines.append(f"{tag}: {f.file}: {f.rule} {where}: {f.message}")
    lines += change_lines(result, lang) + waiver_lines(result, lang)
    counts = result.findings.groupby(["file", "severity"]).size().to_dict()
    lines += [file_line(s, counts, lang) for s in result.files]
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"
