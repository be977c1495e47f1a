"""The JSON contract other tools rely on (keys fixed by issue #2)."""

from __future__ import annotations

import json
import math

from checker.gate import passed


def _num(x):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def to_dict(result) -> dict:
    f = result.findings
    by_file_sev = f.groupby(["file", "severity"]).size()
    files = [{
        "path": s.path, "status": s.status, "kind": s.kind, "projects": s.projects,
        "errors": int(by_file_sev.get((s.path, "error"), 0)),
        "warnings": int(by_file_sev.get((s.path, "warning"), 0)),
        "error_message": s.error_message,
    } for s in result.files]
    projects = [{
        "file": p["file"], "name": p["name"], "kind": p["kind"],
        "reported_total": _num(p["total_score"]), "recomputed_total": _num(p["recomputed_total"]),
    } for p in result.projects.to_dict("records")]
    msg_col = "message_en" if result.lang == "en" else "message"
    findings = [{
        "rule": r["rule"], "family": r["family"], "severity": r["severity"], "file": r["file"],
        "project": r["project"], "section": r["section"], "indicator": r["indicator"],
        "location": r["location"], "reported": r["reported"], "expected": r["expected"], "message": r[msg_col],
    } for r in f.to_dict("records")]
    c = result.counts()
    return {
        "tool": "jixiao", "version": result.version, "files": files, "projects": projects, "findings": findings,
        "summary": {"files": len(result.files), "projects": len(result.projects), "errors": c["error"],
                    "warnings": c["warning"], "infos": c["info"], "passed": passed(result)},
    }


def render_json(result) -> str:
    return json.dumps(to_dict(result), ensure_ascii=False, indent=2) + "\n"
