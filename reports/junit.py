"""JUnit XML: one test suite per file, one test case per table, failures at or above --fail-on.

The root and every suite carry totals (tests, failures, errors, skipped).  A file that could not
be read is an error; an unrecognised one a failure; a skipped one a skipped case.  With
``--compare`` each failure line says whether the finding is new or persisting, fixed findings are
listed in the suite's output, and under ``--fail-on-new`` only new findings fail a case.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from checker.compare import comparison_of, gate_view, states
from checker.gate import TABLE_DOUBT, TABLE_FAIL, at_or_above, table_level, table_status, table_statuses
from reports import labels
from reports.frames import columns
from reports.locations import shown

# What XML 1.0 forbids anywhere in a document: C0 controls but tab/newline/CR, lone surrogates,
# U+FFFE and U+FFFF.  Such a character (from a file name or a cell) is written escaped as text.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(value):
    """``value`` with every character XML 1.0 forbids written as its escape (``\\uFFFE``, ``\\x07``)."""
    if not isinstance(value, str):
        return value
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                        else f"\\u{ord(m.group()):04X}", value)


def _clean(root: ET.Element) -> ET.Element:
    for el in root.iter():
        el.text = xml_safe(el.text)
        el.tail = xml_safe(el.tail)
        for k, v in el.attrib.items():
            el.attrib[k] = xml_safe(v)
    return root


def _file_case(suite, s, lang: str) -> tuple[int, int, int]:
    """The case for a file that yielded no tables: (failures, errors, skipped)."""
    reason = s.error_message or labels.status(s.status, lang)
    case = ET.SubElement(suite, "testcase", classname=s.path, name="读取" if lang == "zh" else "read")
    if s.status == "unreadable":
        ET.SubElement(case, "error", message=reason, type="unreadable").text = reason
        return 0, 1, 0
    if s.status == "skipped":
        ET.SubElement(case, "skipped", message=reason)
        return 0, 0, 1
    ET.SubElement(case, "failure", message=reason, type="unrecognised").text = reason
    return 1, 0, 0


def _fixed_lines(comp, projects_of: dict, lang: str) -> dict[str, list[str]]:
    """Fixed findings by the file now holding their project (a resubmission has a new name)."""
    if comp is None or comp.fixed.empty:
        return {}
    file_of = {name: file for file, ps in projects_of.items() for _, name in reversed(ps)}
    out: dict[str, list[str]] = defaultdict(list)
    tag = labels.baseline("fixed", lang)
    for f in comp.fixed.itertuples(index=False):
        out[file_of.get(f.project, f.file)].append(f"{tag}: {f.rule} {f.project} {f.message}")
    return out


DOUBT_NOTE = {"zh": "需人工核对：表格版式读取存疑，请人工核对原表",
              "en": "manual check: the table's layout was read with doubt; check it by hand"}


def _one_line(failing: list[int], c: dict, msg: str, lang: str, width: int = 160) -> str:
    """The failure's ``message``: the first problem on one line, and how many more."""
    first = " ".join(f"{c['rule'][failing[0]]} {c[msg][failing[0]]}".split())
    if len(first) > width:
        first = first[:width - 1] + "…"
    more = len(failing) - 1
    if not more:
        return first
    return f"{first}（另有 {more} 个问题）" if lang == "zh" else f"{first} (and {more} more)"


def _table_case(case, status: str, mine: list, c: dict, st: list, how: tuple) -> int:
    """A table's case: its status (``checker.gate.table_status``) as a property, a failure listing
    the findings that fail it, or the 需人工核对 note.  Returns 1 when it failed."""
    level, msg, lang = how
    ET.SubElement(ET.SubElement(case, "properties"), "property", name="status", value=status)
    if status == TABLE_DOUBT:
        ET.SubElement(case, "system-out").text = DOUBT_NOTE[lang]
    if status != TABLE_FAIL:
        return 0
    failing = [n for n, gate in mine if gate and at_or_above(c["severity"][n], level)]
    lines = [f"{shown(c['location'][n], lang)}: {c['rule'][n]} {labels.severity(c['severity'][n], lang)}"
             f"{' [' + labels.baseline(st[n], lang) + ']' if st[n] else ''} {c[msg][n]}" for n in failing]
    ET.SubElement(case, "failure", message=_one_line(failing, c, msg, lang), type="jixiao").text = "\n".join(lines)
    return 1


def render_junit(result) -> str:
    lang = labels.lang_of(result)
    msg = "message_en" if lang == "en" else "message"
    gated = gate_view(result)  # what may fail a case: all findings, or only new ones
    gate_ids = set(gated.findings.index)
    c = columns(result.findings, ["project_id", "file", "location", "rule", "severity", msg, "waived", "waiver_reason"])
    st = states(result) or [""] * len(result.findings)
    by_project = defaultdict(list)
    for n, idx in enumerate(result.findings.index):
        by_project[c["project_id"][n] or ("", c["file"][n])].append((n, idx in gate_ids))
    pc = columns(result.projects, ["project_id", "file", "name"])
    projects_of = defaultdict(list)
    for n in range(len(result.projects)):
        projects_of[pc["file"][n]].append((pc["project_id"][n], pc["name"][n]))
    fixed_by_file = _fixed_lines(comparison_of(result), projects_of, lang)
    statuses = table_statuses(result)
    level = table_level(result.fail_on)   # the level table_status fails a table at
    root = ET.Element("testsuites", name="jixiao")
    totals = dict(tests=0, failures=0, errors=0, skipped=0)
    for s in result.files:
        suite = ET.SubElement(root, "testsuite", name=s.path)
        t = dict(tests=0, failures=0, errors=0, skipped=0)
        waived: list[str] = []
        if s.status != "checked":
            f, e, k = _file_case(suite, s, lang)
            t.update(tests=1, failures=f, errors=e, skipped=k)
        cases = list(projects_of[s.path])
        if s.status == "checked" and by_project.get(("", s.path)):
            cases.append((("", s.path), "文件级问题" if lang == "zh" else "file-level findings"))
        for pid, name in cases:
            t["tests"] += 1
            case = ET.SubElement(suite, "testcase", classname=s.path, name=name)
            mine = by_project.get(pid, [])
            status = statuses.get(pid) if isinstance(pid, str) else table_status(
                [c["severity"][n] for n, gate in mine if gate], [c["rule"][n] for n, _ in mine], result.fail_on)
            t["failures"] += _table_case(case, status, mine, c, st, (level, msg, lang))
            waived += [f"{'已豁免' if lang == 'zh' else 'waived'}: {name}: {c['location'][n]}: {c['rule'][n]} {c[msg][n]}"
                       f" ({c['waiver_reason'][n]})" for n, _ in mine if c["waived"][n]]
        out_lines = fixed_by_file.pop(s.path, []) + waived
        if out_lines:
            ET.SubElement(suite, "system-out").text = "\n".join(out_lines)
        for k, v in t.items():
            suite.set(k, str(v))
            totals[k] += v
    for k, v in totals.items():
        root.set(k, str(v))
    rest = [line for lines in fixed_by_file.values() for line in lines]
    if rest:
        ET.SubElement(root, "system-out").text = "\n".join(rest)
    return ET.tostring(_clean(root), encoding="unicode", xml_declaration=True) + "\n"
