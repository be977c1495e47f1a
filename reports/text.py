"""Linter-style text: ``FILE:LOCATION: RULE severity 项目 / 指标: message``."""

from __future__ import annotations

SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


def finding_line(f: dict, lang: str = "zh") -> str:
    msg = f["message_en"] if lang == "en" else f["message"]
    where = " / ".join(x for x in (f["project"], f["indicator"] or f["section"]) if x)
    loc = f"{f['file']}:{f['location']}" if f["location"] else f["file"]
    return f"{loc}: {f['rule']} {f['severity']} {where}: {msg}" if where else f"{loc}: {f['rule']} {f['severity']}: {msg}"


def summary_line(result) -> str:
    c = result.counts()
    n_files = len(result.files)
    unreadable = sum(1 for s in result.files if s.status == "unreadable")
    n_proj = len(result.projects)
    if result.lang == "en":
        s = f"{n_files} files, {n_proj} tables checked: {c['error']} errors, {c['warning']} warnings, {c['info']} infos"
        return s + (f"; {unreadable} unreadable" if unreadable else "")
    s = f"共 {n_files} 个文件、{n_proj} 张表：错误 {c['error']}，警告 {c['warning']}，提示 {c['info']}"
    return s + (f"；{unreadable} 个文件无法读取" if unreadable else "")


KIND_ZH = {"selfeval": "自评表", "bundle": "自评表汇编", "rubric": "评分表", "target": "目标表",
           "unrecognised": "未识别", "": ""}


def file_line(s, counts, lang: str) -> str:
    """Every input file, with its status: nothing is lost from a report."""
    e, w = counts.get((s.path, "error"), 0), counts.get((s.path, "warning"), 0)
    if lang == "en":
        if s.status == "unreadable":
            return f"{s.path}: unreadable: {s.error_message}"
        return f"{s.path}: checked ({s.kind}, {s.projects} tables): {e} errors, {w} warnings"
    if s.status == "unreadable":
        return f"{s.path}: 无法读取: {s.error_message}"
    return f"{s.path}: 已核查（{KIND_ZH.get(s.kind, s.kind)}，{s.projects} 张表）：错误 {e}，警告 {w}"


def render_text(result) -> str:
    lines = [finding_line(f, result.lang) for f in result.findings.to_dict("records")]
    counts = result.findings.groupby(["file", "severity"]).size().to_dict()
    lines += [file_line(s, counts, result.lang) for s in result.files]
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"
