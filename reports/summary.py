"""The season's picture: one row per 主管部门, for the HTML summary page and ``--format summary-csv``.

Per department (its name; the codes its forms give are merged under it): tables, how many pass,
fail and need a manual check (``checker.gate.table_status``), the reported 总分 summed against the
recomputed one over the tables that state both (how much the department over-scores, ranked), the
grade distribution as stated and as recomputed, and its most frequent rules.  Nothing here judges a
table: statuses come from the gate, totals from the engine.
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter, defaultdict

from checker import precision as P
from checker.gate import TABLE_STATUSES, table_statuses
from reports import labels
from reports.frames import columns
from reports.safe_cells import csv_cell

GRADES = (("优", 90.0), ("良", 80.0), ("中", 60.0), ("差", float("-inf")))   # 优 ≥90, 良 80–89, 中 60–79, 差 <60
TOP_RULES = 5
NO_DEPT = {"zh": "（未注明主管部门）", "en": "(no department)"}


def grade_of(total) -> str:
    """The grade band a 总分 falls in ("" for none)."""
    if total is None or (isinstance(total, float) and math.isnan(total)):
        return ""
    return next(g for g, floor in GRADES if float(total) >= floor)


def _stated_grade(grade: str, reported) -> str:
    """The grade a form claims: its own 评价等级, else the band of its reported 总分."""
    g = (grade or "").strip()[:1]
    return g if g in {x for x, _ in GRADES} else grade_of(reported)


def _empty(name: str) -> dict:
    return {"department": name, "codes": set(), "tables": 0, **{s: 0 for s in TABLE_STATUSES},
            "reported": 0.0, "recomputed": 0.0, "scored": 0, "stated": Counter(), "regraded": Counter(),
            "rules": Counter()}


def departments(result) -> list[dict]:
    """One dict per department, ranked by how much it over-scores (reported − recomputed, summed)."""
    lang = labels.lang_of(result)
    status = table_statuses(result)
    c = columns(result.projects, ["project_id", "department", "department_code", "kind", "total_score",
                                  "recomputed_total", "grade"])
    rules_of: dict[str, Counter] = defaultdict(Counter)
    for pid, rule in zip(result.findings["project_id"].tolist(), result.findings["rule"].tolist()):
        rules_of[pid][rule] += 1
    out: dict[str, dict] = {}
    for n, pid in enumerate(c["project_id"]):
        name = (c["department"][n] or "").strip() or NO_DEPT[lang]
        d = out.setdefault(name, _empty(name))
        if c["department_code"][n]:
            d["codes"].add(c["department_code"][n])
        d["tables"] += 1
        d[status.get(pid, "pass")] += 1
        d["rules"].update(rules_of.get(pid, {}))
        rep, rec = c["total_score"][n], c["recomputed_total"][n]
        if c["kind"][n] == "target" or rep is None or math.isnan(rep) or rec is None or math.isnan(rec):
            continue
        d["scored"] += 1
        d["reported"] += float(rep)
        d["recomputed"] += float(rec)
        d["stated"][_stated_grade(c["grade"][n], rep)] += 1
        d["regraded"][grade_of(rec)] += 1
    rows = list(out.values())
    for d in rows:
        d["over"] = round(d["reported"] - d["recomputed"], 2)
        d["over_mean"] = round(d["over"] / d["scored"], 2) if d["scored"] else 0.0
        d["codes"] = sorted(d["codes"])
        d["top_rules"] = d["rules"].most_common(TOP_RULES)
    rows.sort(key=lambda d: (-d["over"], d["department"]))
    for rank, d in enumerate(rows, start=1):
        d["rank"] = rank
    return rows


def grade_text(counter: Counter) -> str:
    return " ".join(f"{g}{counter[g]}" for g, _ in GRADES if counter[g])


def rules_text(top: list) -> str:
    return "、".join(f"{rule}×{n}" for rule, n in top)


HEADER = {
    "zh": ["主管部门", "部门编码", "表数", "通过", "不通过", "需人工核对", "填报总分合计", "重算总分合计",
           "虚高分（填报−重算）", "每表平均虚高", "虚高排名"] + [f"{g}（填报）" for g, _ in GRADES]
          + [f"{g}（重算）" for g, _ in GRADES] + ["最常见问题"],
    "en": ["department", "codes", "tables", "pass", "fail", "manual check", "reported total", "recomputed total",
           "over-score (reported − recomputed)", "mean over-score per table", "rank"]
          + [f"{g} (stated)" for g, _ in GRADES] + [f"{g} (recomputed)" for g, _ in GRADES] + ["most frequent rules"],
}


def render_summary_csv(result) -> str:
    """``--format summary-csv``: the department summary (UTF-8 with BOM for Excel)."""
    lang = labels.lang_of(result)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(HEADER[lang])
    for d in departments(result):
        row = [d["department"], " ".join(d["codes"]), d["tables"], d["pass"], d["fail"], d["doubt"],
               P.fmt(round(d["reported"], 2)), P.fmt(round(d["recomputed"], 2)), P.fmt(d["over"]),
               P.fmt(d["over_mean"]), d["rank"]]
        row += [d["stated"][g] for g, _ in GRADES] + [d["regraded"][g] for g, _ in GRADES]
        row.append(rules_text(d["top_rules"]))
        w.writerow([csv_cell(v) for v in row])
    return "\ufeff" + out.getvalue()


def statistics(result) -> str:
    """``--statistics``: findings per rule, most frequent first (as ruff's), with the rule's title."""
    from rules import load_all

    lang = labels.lang_of(result)
    catalog = load_all()
    counts = Counter(result.findings["rule"].tolist())
    sev = dict(zip(result.findings["rule"].tolist(), result.findings["severity"].tolist()))
    if not counts:
        return ("没有发现问题" if lang == "zh" else "No findings") + "\n"
    width = max(len(str(n)) for n in counts.values())
    rid_w = max(len(r) for r in counts)
    lines = []
    for rule, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        title = labels.rule_title(catalog[rule], lang) if rule in catalog else ""
        lines.append(f"{n:>{width}}\t{rule:<{rid_w}}\t{labels.severity(sev[rule], lang)}\t{title}".rstrip())
    total = sum(counts.values())
    lines.append(f"共 {total} 个问题，{len(counts)} 条规则" if lang == "zh" else f"{total} findings, {len(counts)} rules")
    return "\n".join(lines) + "\n"
