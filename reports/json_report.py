"""The JSON contract other tools rely on (keys fixed by issue #2), written as it streams.

``write_json`` writes each file, project and finding as it is formatted, so a batch of hundreds of
thousands of findings never becomes one giant string; the bytes are exactly those of
``json.dumps(doc, ensure_ascii=False, indent=2)`` (``render_json`` is that, for small batches).

Each finding carries its ``fingerprint`` (stable across resubmissions); with ``--compare`` each
also carries ``baseline`` ("new" or "persisting"), the baseline's findings no longer found are
listed under ``fixed``, the figures changed under ``changed_figures``, and ``summary`` counts them.
With a waivers file in force each finding carries ``waived`` and ``waiver_reason``, ``waivers``
lists the stale and expired ones and ``summary.waived`` counts the waived findings.  ``figures``
holds every figure read, with its cell (the next round's baseline).
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterable, Iterator

from checker.compare import FIXED, NEW, PERSISTING, changes_of, comparison_of, field_label, figures, gate_view, states
from checker.gate import passed, table_counts, table_statuses
from checker.waivers import report_of, waived_count
from reports.frames import columns


def _num(x):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


FINDING_KEYS = ["rule", "family", "severity", "file", "project", "section", "indicator", "location", "reported",
                "expected"]


def files(result) -> Iterator[dict]:
    counts = result.findings.groupby(["file", "severity"]).size().to_dict()
    for s in result.files:
        yield {"path": s.path, "status": s.status, "kind": s.kind, "projects": s.projects,
               "errors": int(counts.get((s.path, "error"), 0)), "warnings": int(counts.get((s.path, "warning"), 0)),
               "error_message": s.error_message}


def projects(result) -> Iterator[dict]:
    c = columns(result.projects, ["project_id", "file", "name", "kind", "total_score", "recomputed_total"])
    status = table_statuses(result)
    for n in range(len(result.projects)):
        yield {"file": c["file"][n], "name": c["name"][n], "kind": c["kind"][n],
               "reported_total": _num(c["total_score"][n]), "recomputed_total": _num(c["recomputed_total"][n]),
               "status": status.get(c["project_id"][n], "pass")}


def findings(result) -> Iterator[dict]:
    msg_col = "message_en" if result.lang == "en" else "message"
    c = columns(result.findings, [*FINDING_KEYS, msg_col, "fingerprint", "waived", "waiver_reason"])
    st = states(result)
    waivers_in_force = report_of(result) is not None
    for n in range(len(result.findings)):
        row = {k: c[k][n] for k in FINDING_KEYS}
        row["message"] = c[msg_col][n]
        row["fingerprint"] = c["fingerprint"][n]
        if waivers_in_force:  # accepted by a waiver: shown, never failing the gate
            row["waived"] = bool(c["waived"][n])
            row["waiver_reason"] = c["waiver_reason"][n] or ""
        if st is not None:
            row["baseline"] = st[n]
        yield row


def fixed(result) -> Iterator[dict]:
    comp = comparison_of(result)
    c = columns(comp.fixed, list(comp.fixed.columns))
    for n in range(len(comp.fixed)):
        yield {k: c[k][n] for k in comp.fixed.columns} | {"baseline": FIXED}


def summary(result) -> dict:
    c = result.counts()
    out = {"files": len(result.files), "projects": len(result.projects), "errors": c["error"],
           "warnings": c["warning"], "infos": c["info"], "passed": passed(gate_view(result)),
           "tables": table_counts(table_statuses(result))}
    comp = comparison_of(result)
    if comp is not None:
        out.update(new=comp.counts[NEW], persisting=comp.counts[PERSISTING], fixed=comp.counts[FIXED],
                   baseline=comp.baseline, new_only=comp.new_only)
    changed = changes_of(result)
    if changed is not None:
        out["changed_figures"] = len(changed)
    if report_of(result) is not None:
        out["waived"] = waived_count(result)
    return out


def waivers(result) -> dict:
    """The waivers file in force: how many findings it waived, the waivers matching nothing
    (stale) and those past their date (expired, no longer applied)."""
    rep = report_of(result)
    keys = ["fingerprint", "rule", "project", "indicator", "reason", "by", "at", "expires"]
    return {"file": rep.path, "count": len(rep.waivers), "applied": rep.applied,
            "stale": [{k: w.as_dict()[k] for k in keys} for w in rep.stale],
            "expired": [{k: w.as_dict()[k] for k in keys} for w in rep.expired]}


def changed_figures(result) -> Iterator[dict]:
    lang = "en" if result.lang == "en" else "zh"
    for ch in changes_of(result):
        yield {**ch, "label": field_label(ch["field"], lang)}


def _items(result) -> list[tuple[str, object]]:
    items = [("tool", "jixiao"), ("version", result.version), ("files", files(result)),
             ("projects", projects(result)), ("findings", findings(result))]
    if comparison_of(result) is not None:
        items.append(("fixed", fixed(result)))
    if changes_of(result) is not None:
        items.append(("changed_figures", changed_figures(result)))
    if report_of(result) is not None:
        items.append(("waivers", waivers(result)))
    items.append(("figures", figures(result)))   # what was read, cell by cell: the next round's --compare
    items.append(("summary", summary(result)))
    return items


def _indent(text: str, prefix: str) -> str:
    return text.replace("\n", "\n" + prefix)


def _dump(x) -> str:
    return json.dumps(x, ensure_ascii=False, indent=2)


def _line(x) -> str:
    # One record a line: json's C encoder serves only unindented dumps, and the figures list holds
    # a record for every figure read (≈ 140 a table); indenting each took more time than the check.
    return json.dumps(x, ensure_ascii=False, separators=(", ", ": "))


def _stream_list(items: Iterable[dict], out) -> None:
    first = True
    for item in items:
        out.write(("[\n    " if first else ",\n    ") + _line(item))
        first = False
    out.write("[]" if first else "\n  ]")


def write_json(result, out) -> None:
    """Write the report to a text stream, item by item."""
    out.write("{")
    for n, (key, value) in enumerate(_items(result)):
        out.write(("\n  " if n == 0 else ",\n  ") + _dump(key) + ": ")
        if isinstance(value, Iterator):
            _stream_list(value, out)
        else:
            out.write(_indent(_dump(value), "  "))
    out.write("\n}\n")


def to_dict(result) -> dict:
    return {k: list(v) if isinstance(v, Iterator) else v for k, v in _items(result)}


def render_json(result) -> str:
    buf = io.StringIO()
    write_json(result, buf)
    return buf.getvalue()
