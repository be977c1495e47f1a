"""SARIF 2.1.0, for code-scanning dashboards that already read linters' output.

Every finding with a location gets a ``region``: startLine/startColumn are the line and column of
a text file, the row and column of a spreadsheet cell (the sheet named in the logical location),
the row and column of a Word table (``表2 R3C4``), the row and column on a PDF page.  URIs are
percent-encoded; rule texts are in the report's language; ``invocations`` carry the exit code
and times; with ``--compare`` each result has a ``baselineState`` and fixed findings are listed
as ``absent``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import quote

from checker.compare import FIXED, NEW, comparison_of, gate_view, states
from checker.gate import exit_code, table_counts, table_statuses
from reports import labels, locations
from reports.clock import generated_at, iso_utc
from reports.frames import columns
from rules import load_all

LEVEL = {"error": "error", "warning": "warning", "info": "note"}
BASELINE_STATE = {NEW: "new", "persisting": "unchanged", FIXED: "absent"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINDING = ["rule", "severity", "file", "project", "section", "indicator", "location", "reported", "expected",
           "message", "message_en", "fingerprint", "waived", "waiver_reason"]


def uri(path: str) -> str:
    """A file path as a URI reference: relative paths stay relative, every unsafe byte escaped
    (non-ASCII names as UTF-8, undecodable names byte for byte)."""
    raw = os.fsencode(path)
    if os.path.isabs(path):
        return Path(path).as_uri() if _utf8(raw) else "file://" + quote(raw.replace(b"\\", b"/"), safe="/")
    return quote(raw.replace(b"\\", b"/"), safe="/")


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _rule(rid: str, catalog, lang: str) -> dict:
    r = catalog.get(rid)
    if r is None:
        return {"id": rid, "shortDescription": {"text": rid}}
    # Chinese: the rule's Chinese title, else its Chinese message template — never the English docs
    title = labels.rule_title(r, lang) or (r.message_zh if lang == "zh" else r.summary)
    doc = r.doc.strip() if lang == "en" else title
    return {"id": rid, "name": rid, "shortDescription": {"text": title or rid},
            "fullDescription": {"text": doc or rid},
            "defaultConfiguration": {"level": LEVEL.get(r.severity, "warning")},
            "properties": {"family": r.family}}


def _location(f: dict, artifact: int | None) -> dict:
    phys: dict = {"artifactLocation": {"uri": uri(f["file"])}}
    if artifact is not None:
        phys["artifactLocation"]["index"] = artifact
    where = locations.parse(f["location"])
    if where is not None:
        phys["region"] = {"startLine": where.line}
        if where.column:
            phys["region"]["startColumn"] = where.column
    loc = {"physicalLocation": phys}
    name = " / ".join(x for x in (f["project"], f["section"], f["indicator"]) if x)
    if name or f["location"]:
        loc["logicalLocations"] = [{"name": name or f["location"], "fullyQualifiedName": f["location"] or name}]
    return loc


def _result(f: dict, rule_index: dict, artifacts: dict, msg: str, state: str | None) -> dict:
    out = {"ruleId": f["rule"], "ruleIndex": rule_index[f["rule"]], "message": {"text": f[msg]},
           "locations": [_location(f, artifacts.get(f["file"]))],
           "partialFingerprints": {"jixiaoFinding/v1": f["fingerprint"]},
           "properties": {"reported": f["reported"], "expected": f["expected"]}}
    if state == FIXED:
        out.update(kind="pass", level="none")
    else:
        out.update(kind="fail", level=LEVEL[f["severity"]])
    if state:
        out["baselineState"] = BASELINE_STATE[state]
    if f.get("waived"):  # accepted by a reviewer in jixiao-waivers.toml: suppressed, with the reason
        out["suppressions"] = [{"kind": "external", "justification": f.get("waiver_reason") or ""}]
    return out


def _artifact(s) -> dict:
    a = {"location": {"uri": uri(s.path)}, "properties": {"status": s.status, "kind": s.kind}}
    if getattr(s, "sha256", ""):
        a["hashes"] = {"sha-256": s.sha256}
    if s.error_message:
        a["properties"]["reason"] = s.error_message
    return a


def _tables(result) -> dict:
    """Each table's status (checker.gate.table_status: pass / fail / doubt) and their counts."""
    status = table_statuses(result)
    c = columns(result.projects, ["project_id", "file", "name"])
    tables = [{"file": c["file"][n], "project": c["name"][n], "status": status[c["project_id"][n]]}
              for n in range(len(result.projects))]
    return {"tableCounts": table_counts(status), "tables": tables}


def to_sarif(result) -> dict:
    lang = "en" if result.lang == "en" else "zh"
    msg = "message_en" if lang == "en" else "message"
    catalog = load_all()
    c = columns(result.findings, FINDING)
    rows = [{k: c[k][n] for k in FINDING} for n in range(len(result.findings))]
    st = states(result) or [None] * len(rows)
    comp = comparison_of(result)
    fixed = []
    if comp is not None:
        fc = columns(comp.fixed, list(comp.fixed.columns))
        fixed = [{k: fc[k][n] for k in comp.fixed.columns} | {"message_en": fc["message"][n]}
                 for n in range(len(comp.fixed))]
    used = sorted({r["rule"] for r in rows + fixed})
    rule_index = {rid: n for n, rid in enumerate(used)}
    artifacts = {s.path: n for n, s in enumerate(result.files)}
    results = [_result(r, rule_index, artifacts, msg, s) for r, s in zip(rows, st)]
    results += [_result(r, rule_index, artifacts, msg, FIXED) for r in fixed]
    end = generated_at(result)
    code = exit_code(gate_view(result))
    invocation = {"executionSuccessful": code in (0, 1), "exitCode": code,
                  "startTimeUtc": iso_utc(result.extra.get("started") or end), "endTimeUtc": iso_utc(end)}
    notes = [{"level": "error", "message": {"text": s.error_message or s.status},
              "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(s.path), "index": n}}}]}
             for n, s in enumerate(result.files) if s.status in ("unreadable", "skipped")]
    if notes:
        invocation["toolExecutionNotifications"] = notes
    run = {"tool": {"driver": {"name": "jixiao", "version": result.version, "semanticVersion": result.version,
                               "rules": [_rule(rid, catalog, lang) for rid in used]}},
           "invocations": [invocation], "language": "en-US" if lang == "en" else "zh-CN",
           "columnKind": "unicodeCodePoints", "artifacts": [_artifact(s) for s in result.files], "results": results,
           "properties": _tables(result)}
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render_sarif(result) -> str:
    return json.dumps(to_sarif(result), ensure_ascii=False, indent=2) + "\n"
