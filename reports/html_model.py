"""What the HTML report shows, built from a ``Result`` without judging anything.

Rows are built from column arrays grouped once by project (no per-row ``DataFrame.to_dict``,
no per-project frame filtering), so a batch of thousands of tables stays fast.

A cell is marked only where a finding points: its ``location`` is that cell's address, or the
finding names the row's indicator.  Nothing here reads a recomputed verdict.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from pathlib import Path

from markupsafe import Markup, escape

from checker import precision as P
from checker.compare import FIXED, NEW, changes_of, comparison_of, field_label, gate_view, states
from checker.gate import SEVERITIES, TABLE_FAIL, TABLE_PASS, passed, table_level, table_status, table_statuses, worst
from checker.model import FAMILIES
from reports import labels
from reports.annotate_xlsx import skipped_note
from reports.clock import generated_at, local_text
from reports.frames import columns, positions
from reports.html_labels import FUND_LINE, LABELS
from reports.locations import shown

# A reviewer's round: waivers and the figures changed since the last round.
ROUND_LABELS = {
    "zh": {"waived": "已豁免", "waiver_reason": "豁免理由", "waivers": "豁免清单", "waived_count": "已豁免",
           "stale_waivers": "已失效的豁免（没有匹配的问题）", "expired_waivers": "已过期的豁免（不再适用）",
           "waiver_applied": "豁免问题", "changed_figures": "改动的数字", "field": "栏目", "old_value": "上次填报",
           "new_value": "本次填报", "expires": "有效期至", "by": "审核人", "fingerprint": "指纹"},
    "en": {"waived": "waived", "waiver_reason": "Reason", "waivers": "Waivers", "waived_count": "Waived",
           "stale_waivers": "Stale waivers (matching no finding)", "expired_waivers": "Expired waivers (no longer applied)",
           "waiver_applied": "findings waived", "changed_figures": "Figures changed", "field": "Field",
           "old_value": "Before", "new_value": "Now", "expires": "Expires", "by": "By", "fingerprint": "Fingerprint"},
}

STATE_ORDER = {"fail": 0, "doubt": 1, "attention": 2, "pass": 3}

IND_COLUMNS = ["project_id", "level1", "level2", "name", "target_raw", "actual_raw", "weight_raw", "score_raw",
               "loc", "loc_target", "loc_actual", "loc_weight", "loc_score", "expected_score", "expected_lo",
               "expected_hi", "basis", "review_raw", "loc_review"]
FUND_COLUMNS = ["project_id", "line", "label", "budget_initial", "budget", "spent", "weight", "rate", "score",
                "expected_rate", "expected_score", "loc", "loc_budget", "loc_spent", "loc_rate", "loc_score"]
FINDING_COLUMNS = ["rule", "family", "severity", "file", "project", "project_id", "section", "indicator",
                   "location", "reported", "expected", "message", "message_en", "fingerprint", "waived", "waiver_reason"]


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def num(x, digits: int | None = None) -> str:
    if _missing(x):
        return ""
    return P.fmt(round(float(x), digits) if digits is not None else float(x))


def _text(x) -> str:
    return "" if _missing(x) else str(x)


def display_fail_on(result) -> str:
    """The level a table fails at in the report; ``--fail-on never`` still shows what would not pass."""
    return table_level(result.fail_on)


def shown_state(status: str, severities: list[str]) -> str:
    """The badge of a table or file: its status from ``checker.gate`` (pass / fail / doubt), a passing
    one with errors or warnings the gate does not judge shown as needing attention."""
    if status == TABLE_PASS and any(s in ("error", "warning") for s in severities):
        return "attention"
    return status


class Marks:
    """Which cells of one project findings point to: location → (worst severity, rule ids)."""

    def __init__(self, findings: list[dict]):
        self.by_loc: dict[str, list[dict]] = defaultdict(list)
        self.by_indicator: dict[str, list[dict]] = defaultdict(list)
        for f in findings:
            if f["location"]:
                self.by_loc[f["location"]].append(f)
            if f["indicator"]:
                self.by_indicator[f["indicator"]].append(f)
        self.used: set[int] = set()

    def at(self, loc) -> list[dict]:
        hits = self.by_loc.get(loc, []) if loc else []
        self.used.update(id(f) for f in hits)
        return hits

    def named(self, indicator: str) -> list[dict]:
        """Findings naming this indicator that point at no cell shown: the row's label carries them."""
        return [f for f in self.by_indicator.get(indicator, []) if id(f) not in self.used]


def cell(text: str, css: str = "", hits: list[dict] | None = None, sort: str | None = None) -> dict:
    c = {"text": text, "css": css, "rules": "", "sort": sort}
    if hits:
        c["css"] = (css + " flag flag-" + worst(f["severity"] for f in hits)).strip()
        c["rules"] = " ".join(sorted({f["rule"] for f in hits}))
    return c


def cells_html(cells: list[dict]) -> Markup:
    """A row's cells as HTML, escaped here rather than in a template macro: tens of thousands of
    rows in a big batch, and this is the hot loop."""
    out = []
    for c in cells:
        attrs = f' class="{c["css"]}"' if c["css"] else ""
        if c["rules"]:
            attrs += f' data-rules="{c["rules"]}" title="{c["rules"]}"'
        out.append(f"<td{attrs}>{escape(c['text'])}</td>")
    return Markup("".join(out))


def _recomputed(lo, hi, exp) -> str:
    if _missing(lo) or _missing(hi):
        return num(exp, 2)
    if round(lo, 2) == round(hi, 2):
        return num(exp if not _missing(exp) else lo, 2)
    return f"{num(lo, 2)}~{num(hi, 2)}"


def indicator_rows(cols: dict, idx: list[int], marks: Marks, L: dict) -> tuple[list, bool, bool, bool]:
    """The indicator rows; whether the table has A/B values, 分值/得分 and a 复核分 column of its own
    (a form without 分值 and 得分 still shows its 实际值(B))."""
    has_values = any(cols["target_raw"][n] or cols["actual_raw"][n] for n in idx)
    has_scores = any(cols["weight_raw"][n] or cols["score_raw"][n] for n in idx)
    has_review = any(cols["review_raw"][n] for n in idx)
    rows = []
    for n in idx:
        name = _text(cols["name"][n])
        row_hits = marks.at(cols["loc"][n])
        cells = [cell(_text(cols["level1"][n])), cell(_text(cols["level2"][n]))]
        value_cells = []
        if has_values:
            value_cells.append(cell(_text(cols["target_raw"][n]), "target", marks.at(cols["loc_target"][n])))
            value_cells.append(cell(_text(cols["actual_raw"][n]), "actual", marks.at(cols["loc_actual"][n])))
        score_cells = []
        if has_scores:
            score_cells = [cell(_text(cols["weight_raw"][n]), "num weight", marks.at(cols["loc_weight"][n])),
                           cell(_text(cols["score_raw"][n]), "num score", marks.at(cols["loc_score"][n]))]
            if has_review:
                score_cells.append(cell(_text(cols["review_raw"][n]), "num review", marks.at(cols["loc_review"][n])))
            score_cells += [cell(_recomputed(cols["expected_lo"][n], cols["expected_hi"][n],
                                            cols["expected_score"][n]), "num recomputed"),
                           cell(_text(cols["basis"][n]), "basis")]
        name_hits = row_hits + marks.named(name)
        cells.append(cell(name, "name", name_hits))
        cells += value_cells + score_cells + [cell(shown(_text(cols["loc"][n]), L["lang"]), "loc")]
        sev = worst(s for c in cells if c["rules"] for s in _sev_of(c))
        rows.append({"name": name, "severity": sev, "html": cells_html(cells)})
    return rows, has_values, has_scores, has_review


def _sev_of(c: dict) -> list[str]:
    return [s for s in SEVERITIES if f"flag-{s}" in c["css"]]


FUND_FIELDS = [  # (key, label key, formatter, location column)
    ("budget_initial", "budget_initial", lambda v, line: num(v), "loc"),
    ("budget", "budget", lambda v, line: num(v), "loc_budget"),
    ("spent", "spent", lambda v, line: num(v), "loc_spent"),
    ("weight", "weight", lambda v, line: num(v), ""),
    ("rate", "rate", lambda v, line: "" if _missing(v) else num(v) + "%", "loc_rate"),
    ("expected_rate", "rate_re", lambda v, line: "" if _missing(v) or line != "total" else num(v, 2) + "%", ""),
    ("score", "score", lambda v, line: num(v), "loc_score"),
    ("expected_score", "score_re", lambda v, line: num(v, 2) if line == "total" else "", ""),
]


def fund_table(cols: dict, idx: list[int], marks: Marks, lang: str, L: dict) -> dict | None:
    if not idx:
        return None
    texts = {key: [fmt(cols[key][n], cols["line"][n]) for n in idx] for key, _, fmt, _ in FUND_FIELDS}
    shown = [(key, lab, loc) for key, lab, _, loc in FUND_FIELDS if any(texts[key])]  # no empty columns
    rows = []
    for k, n in enumerate(idx):
        line = cols["line"][n]
        own = _text(cols["label"][n]).strip().rstrip(":：").strip()   # the form's own words for the line
        cells = [cell(own or FUND_LINE[lang].get(line, line), "", marks.at(cols["loc"][n]))]
        for key, _, loc in shown:
            hits = marks.at(cols[loc][n]) if loc and loc != "loc" else []
            cells.append(cell(texts[key][k], "num", hits))
        rows.append({"severity": worst(s for c in cells for s in _sev_of(c)), "html": cells_html(cells)})
    return {"headers": [L["line"]] + [L[lab] for _, lab, _ in shown], "rows": rows}


def totals(p: dict, marks: Marks, L: dict, has_scores: bool = True) -> dict | None:
    """The 总分 line: reported, recomputed and their difference, and the form's own 复核总分 where it
    has one; none for target tables, nor for a form without 分值/得分 that states no 总分."""
    if p["kind"] == "target":
        return None
    rep, rec = p.get("total_score"), p.get("recomputed_total")
    if _missing(rep) and (_missing(rec) or not has_scores):
        return None
    dec = int(p.get("total_score_dec") or 0)
    diff, differs = "", False
    if not _missing(rep) and not _missing(rec):
        d = float(rep) - float(rec)
        differs = round(float(rep), max(dec, 0)) != round(float(rec), max(dec, 0))  # at the form's own precision
        diff = ("+" if d > 0 else "") + P.fmt(round(d, 2))
    hits = marks.at(p.get("total_loc"))
    review = p.get("review_total")
    return {"reported": num(rep) or "—", "recomputed": num(rec, 2) or "—", "review": num(review),
            "diff": diff or "—", "differs": differs,
            "over": differs and float(rep) > float(rec), "flag": worst(f["severity"] for f in hits),
            "rules": " ".join(sorted({f["rule"] for f in hits}))}


def finding_view(f: dict, lang: str) -> dict:
    f["text"] = f["message_en"] if lang == "en" else f["message"]
    f["where"] = shown(f["location"], lang)
    f["sev_label"] = labels.severity(f["severity"], lang)
    f["fam_label"] = labels.family(f["family"], lang)
    f["state_label"] = labels.baseline(f["state"], lang) if f.get("state") else ""
    return f


def build(result) -> dict:
    """Everything the templates need, in display order."""
    lang = labels.lang_of(result)
    L = {**LABELS[lang], **ROUND_LABELS[lang]}
    fcols = columns(result.findings, FINDING_COLUMNS)
    st = states(result) or [""] * len(result.findings)
    findings = [finding_view({k: fcols[k][n] for k in FINDING_COLUMNS} | {"state": st[n]}, lang)
                for n in range(len(result.findings))]
    by_project: dict[str, list] = defaultdict(list)
    by_file: dict[str, list] = defaultdict(list)
    for f in findings:
        (by_project[f["project_id"]] if f["project_id"] else by_file[f["file"]]).append(f)

    judged = set(gate_view(result).findings.index)
    for f, idx in zip(findings, result.findings.index):
        f["judged"] = idx in judged
    statuses = table_statuses(result)
    file_index = {s.path: n for n, s in enumerate(result.files)}
    # as the tables' counts: a waived finding needs no attention (the waivers section lists it)
    file_counts = Counter((f["file"], f["severity"]) for f in findings if not f.get("waived"))
    files = [file_view(s, n, file_counts, by_file.get(s.path, []), result.fail_on, lang)
             for n, s in enumerate(result.files)]
    no_copy = set(result.extra.get("no_annotated_copy", ()))
    for f in files:
        f["note"] = skipped_note(f["path"], lang) if f["path"] in no_copy else ""

    depts: dict[str, dict] = {}
    projects = project_views(result, by_project, file_index, depts, statuses, lang, L)
    _file_states(files, projects)
    orphans = attach_fixed(result, projects, lang)
    fam = Counter((f["family"], f["severity"]) for f in findings)
    families = [{"code": fa, "label": labels.family(fa, lang), **{s: fam[(fa, s)] for s in SEVERITIES}}
                for fa in FAMILIES if any(fam[(fa, s)] for s in SEVERITIES)]
    return {
        "L": L, "lang": lang, "files": files, "projects": projects, "families": families,
        "counts": result.counts(), "n_files": len(result.files), "n_projects": len(result.projects),
        "version": result.version, "profile": _profile_name(result, L),
        "generated": local_text(generated_at(result)), "fail_on": result.fail_on,
        "passed": passed(gate_view(result)), "comparison": comparison_summary(result, orphans),
        "filters": filter_options(findings, files, depts, lang),
        "departments": department_views(result),
        "file_level": [f for fl in files for f in fl["findings"]],
        "waivers": waivers_view(result), "changes": changes_view(result, lang),
    }


def _file_states(files: list[dict], projects: list[dict]) -> None:
    """A file's badge: failed when unread or when one of its tables (or its file-level findings)
    fails, else in doubt when one is, else as its findings say."""
    by_file: dict[str, list[str]] = defaultdict(list)
    for p in projects:
        by_file[p["file"]].append(p["status"])
    for f in files:
        own = by_file.get(f["path"], [])
        for status in (TABLE_FAIL, "doubt"):
            if f["status_code"] != TABLE_FAIL and status in own:
                f["state"] = status
                break


def _profile_name(result, L: dict) -> str:
    name = result.extra.get("profile", "default")
    return L["default_profile"] if name == "default" else name


def department_views(result) -> list[dict]:
    """The department summary (``reports.summary``) with its cells as shown."""
    from reports.summary import departments, grade_text, rules_text

    rows = departments(result)
    for d in rows:
        d.update(codes_text=" ".join(d["codes"]), reported_text=num(d["reported"], 2),
                 recomputed_text=num(d["recomputed"], 2), over_text=("+" if d["over"] > 0 else "") + num(d["over"]),
                 over_mean_text=num(d["over_mean"]), stated_text=grade_text(d["stated"]),
                 regraded_text=grade_text(d["regraded"]), rules_text=rules_text(d["top_rules"]))
    return rows


def waivers_view(result) -> dict | None:
    """The waivers file in force: findings waived, stale and expired waivers."""
    from checker.waivers import report_of

    rep = report_of(result)
    if rep is None:
        return None
    return {"path": rep.path, "count": len(rep.waivers), "applied": rep.applied,
            "stale": [w.as_dict() for w in rep.stale], "expired": [w.as_dict() for w in rep.expired]}


def changes_view(result, lang: str) -> list[dict]:
    """Figures changed since the baseline, with their field's label."""
    return [{**ch, "label": field_label(ch["field"], lang)} for ch in changes_of(result) or []]


def file_view(s, n: int, counts: Counter, file_findings: list, fail_on: str, lang: str) -> dict:
    sevs = [sev for sev in SEVERITIES for _ in range(counts[(s.path, sev)])]
    own = table_status([f["severity"] for f in file_findings if f.get("judged", True)],
                       [f["rule"] for f in file_findings], fail_on)
    status = TABLE_FAIL if s.status != "checked" else own
    state = shown_state(status, sevs)
    for f in file_findings:
        f["file_idx"] = f"f{n}"
    return {"idx": f"f{n}", "path": s.path, "name": Path(s.path).name, "status": s.status,
            "status_label": labels.status(s.status, lang), "kind": s.kind, "kind_label": labels.kind(s.kind, lang),
            "projects": s.projects, "error_message": s.error_message, "sha256": getattr(s, "sha256", "") or "",
            "errors": counts[(s.path, "error")], "warnings": counts[(s.path, "warning")],
            "infos": counts[(s.path, "info")], "state": state, "status_code": status, "findings": file_findings,
            "page": ""}


def project_views(result, by_project, file_index, depts, statuses, lang, L) -> list[dict]:
    pcols = columns(result.projects, ["project_id", "file", "name", "kind", "department", "department_code", "year",
                                      "goal", "total_score", "total_score_dec", "recomputed_total", "total_loc", "loc",
                                      "review_total"])
    icols = columns(result.indicators, IND_COLUMNS)
    ipos = positions(icols["project_id"])
    fdcols = columns(result.funds, FUND_COLUMNS)
    fpos = positions(fdcols["project_id"])
    hashes = {s.path: getattr(s, "sha256", "") or "" for s in result.files}
    out = []
    for n in range(len(result.projects)):
        p = {k: v[n] for k, v in pcols.items()}
        pid = p["project_id"]
        pf = by_project.get(pid, [])
        marks = Marks(pf)
        rows, has_values, has_scores, has_review = indicator_rows(icols, ipos.get(pid, []), marks, L)
        funds = fund_table(fdcols, fpos.get(pid, []), marks, lang, L)
        tot = totals(p, marks, L, has_scores)
        dept = "-".join(x for x in (_text(p["department_code"]), _text(p["department"])) if x)
        key = _text(p["department"]) or _text(p["department_code"])   # one department, whatever codes its forms give
        if key:
            entry = depts.setdefault(key, {"n": len(depts), "codes": []})
            if p["department_code"] and p["department_code"] not in entry["codes"]:
                entry["codes"].append(p["department_code"])
        fidx = f"f{file_index.get(p['file'], 0)}"
        for f in pf:
            f["file_idx"] = fidx
        sevs = [f["severity"] for f in pf if not f.get("waived")]   # a waived finding needs no attention
        status = statuses.get(pid, TABLE_PASS)
        state = shown_state(status, sevs)
        out.append({
            "id": f"p-{pid}", "pid": pid, "name": _text(p["name"]), "file": p["file"], "file_idx": fidx,
            "file_name": Path(p["file"]).name, "sha256": hashes.get(p["file"], ""), "loc": shown(_text(p["loc"]), lang),
            "kind": p["kind"], "kind_label": labels.kind(p["kind"], lang), "department": dept,
            "dept_idx": f"d{depts[key]['n']}" if key else "", "year": num(p["year"]), "goal": _text(p["goal"]),
            "indicators": rows, "has_values": has_values, "has_scores": has_scores,
            "has_review": has_review, "funds": funds, "totals": tot,
            "findings": pf, "fixed": [], "state": state, "status": status, "open": state != "pass",
            "errors": sevs.count("error"), "warnings": sevs.count("warning"), "infos": sevs.count("info"),
            "seq": n, "page": "",
        })
    out.sort(key=lambda p: (STATE_ORDER[p["state"]], p["seq"]))
    return out


def attach_fixed(result, projects: list[dict], lang: str) -> list[dict]:
    """Baseline findings no longer found, under the project of the same name; the rest returned."""
    c = comparison_of(result)
    if c is None or c.fixed.empty:
        return []
    by_name = {}
    for p in projects:
        by_name.setdefault(p["name"], p)
    fixed_cols = columns(c.fixed, list(c.fixed.columns))
    orphans = []
    for n in range(len(c.fixed)):
        f = {k: v[n] for k, v in fixed_cols.items()}
        f.update(state=FIXED, where=shown(f["location"], lang),
                 state_label=labels.baseline(FIXED, lang), sev_label=labels.severity(f["severity"], lang),
                 fam_label=labels.family(f["family"], lang), text=f["message"])
        (by_name[f["project"]]["fixed"] if f["project"] in by_name else orphans).append(f)
    return orphans


def comparison_summary(result, orphans: list[dict]) -> dict | None:
    c = comparison_of(result)
    if c is None:
        return None
    return {"baseline": c.baseline, "new": c.counts.get(NEW, 0), "persisting": c.counts.get("persisting", 0),
            "fixed": c.counts.get(FIXED, 0), "new_only": c.new_only, "orphans": orphans}


def filter_options(findings: list[dict], files: list[dict], depts: dict[str, dict], lang: str) -> dict:
    from rules import load_all

    catalog = load_all()
    present = sorted({f["rule"] for f in findings})
    fams = [fa for fa in FAMILIES if any(f["family"] == fa for f in findings)]
    return {
        "severities": [(s, labels.severity(s, lang)) for s in SEVERITIES],
        "families": [(fa, f"{fa} {labels.family(fa, lang)}") for fa in fams],
        "rules": [(r, f"{r} {labels.rule_title(catalog[r], lang)}".strip() if r in catalog else r) for r in present],
        "files": [(f["idx"], f["path"]) for f in files],
        "depts": [(f"d{d['n']}", f"{name}（{'、'.join(d['codes'])}）" if len(d["codes"]) > 1 else name)
                  for name, d in depts.items()],
    }
