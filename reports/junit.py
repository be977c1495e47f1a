"""JUnit XML: one test suite per file, one test case per table, failures at or above --fail-on."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from checker.gate import at_or_above



def render_junit(result) -> str:
    msg = "message_en" if result.lang == "en" else "message"
    suites = ET.Element("testsuites", name="jixiao")
    f = result.findings
    for s in result.files:
        suite = ET.SubElement(suites, "testsuite", name=s.path)
        cases = 0
        failures = 0
        if s.status == "unreadable":
            case = ET.SubElement(suite, "testcase", classname=s.path, name="读取")
            ET.SubElement(case, "error", message=s.error_message).text = s.error_message
            cases, failures = 1, 1
        projects = result.projects[result.projects["file"] == s.path]
        for p in projects.to_dict("records"):
            cases += 1
            case = ET.SubElement(suite, "testcase", classname=s.path, name=p["name"])
            mine = f[(f["project_id"] == p["project_id"]) & f["severity"].map(lambda s: at_or_above(s, result.fail_on))]
            if len(mine):
                failures += 1
                text = "\n".join(f"{r['location']}: {r['rule']} {r['severity']} {r[msg]}" for r in mine.to_dict("records"))
                ET.SubElement(case, "failure", message=f"{len(mine)} findings", type="jixiao").text = text
        suite.set("tests", str(cases))
        suite.set("failures", str(failures))
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"
