"""SARIF 2.1.0, for code-scanning dashboards that already read linters' output."""

from __future__ import annotations

import json
import re

from checker import __version__
from rules import load_all

LEVEL = {"error": "error", "warning": "warning", "info": "note"}
LINE = re.compile(r"line (\d+)(?: col (\d+))?")


def render_sarif(result) -> str:
    catalog = load_all()
    used = sorted(set(result.findings["rule"]))
    rules = [{"id": rid, "shortDescription": {"text": catalog[rid].summary if rid in catalog else rid},
              "fullDescription": {"text": catalog[rid].doc.strip() if rid in catalog else rid},
              "defaultConfiguration": {"level": LEVEL[catalog[rid].severity] if rid in catalog else "error"}}
             for rid in used]
    msg = "message_en" if result.lang == "en" else "message"
    results = []
    for f in result.findings.to_dict("records"):
        location = {"physicalLocation": {"artifactLocation": {"uri": f["file"]}}}
        m = LINE.search(f["location"])
        if m:
            region = {"startLine": int(m.group(1))}
            if m.group(2):
                region["startColumn"] = int(m.group(2))
            location["physicalLocation"]["region"] = region
        location["logicalLocations"] = [{"name": " / ".join(x for x in (f["project"], f["section"], f["indicator"]) if x),
                                         "fullyQualifiedName": f["location"]}]
        results.append({"ruleId": f["rule"], "level": LEVEL[f["severity"]], "message": {"text": f[msg]},
                        "locations": [location],
                        "properties": {"reported": f["reported"], "expected": f["expected"]}})
    doc = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
           "runs": [{"tool": {"driver": {"name": "jixiao", "version": __version__, "rules": rules}},
                     "results": results,
                     "artifacts": [{"location": {"uri": s.path}} for s in result.files]}]}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
