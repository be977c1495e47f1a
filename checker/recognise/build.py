"""Self-evaluation tables as read (``selfeval.Table``) -> rows of the canonical model.

Where the form has no 分值 column, an item that is the only one under a heading with a
declared weight takes that weight ("heading"): the form says it, not a guess.  Nothing
else is inferred.
"""

from __future__ import annotations

from checker.recognise import FileModel, project_id
from checker.recognise import records as R
from checker.recognise.labels import clean, number_and_decimals, squash


def from_selfeval(path: str, doc, file_no: int) -> FileModel:
    fm = FileModel(path=path, kind="selfeval" if len(doc.tables) <= 1 and not doc.listed else "bundle")
    fm.listed = [{"file": path, "name": name, "loc": loc} for name, loc in doc.listed]
    listed = {squash(n): n for n, _ in doc.listed}
    for seq, t in enumerate(doc.tables, start=1):
        pid = project_id(file_no, seq)
        fm.projects.append(_project(pid, path, seq, t, listed.get(squash(t.name), "")))
        fm.funds += [_fund(pid, t, f) for f in t.funds]
        fm.sections += [{"project_id": pid, **s} for s in t.sections.values()]
        fm.indicators += _indicators(pid, t)
        fm.notes += [{**n, "project_id": pid} for n in t.notes]
        fm.layouts.append({"project_id": pid, "name": t.name, "indicators": t.cmap, "funds": t.fund_map})
    return fm


def _project(pid: str, path: str, seq: int, t, listed_name: str) -> dict:
    cmap = t.cmap
    total = t.total
    score_total, score_dec = number_and_decimals(total["score"].text) if "score" in total else (None, 0)
    review_total, review_dec = number_and_decimals(total["review"].text) if "review" in total else (None, 0)
    weight_total = number_and_decimals(total["weight"].text)[0] if "weight" in total else None
    method_cells = [it["method"].text for it in t.items if it.get("method") is not None]
    return R.project(
        pid, path, seq, t.name, "selfeval", t.loc, department=t.department, department_code=t.department_code,
        unit=t.unit, year=t.year, total_weight=weight_total if weight_total is not None else total.get("label_weight"),
        total_score=score_total, total_score_dec=score_dec, total_loc=total["score"].loc if "score" in total else "",
        review_total=review_total, review_total_dec=review_dec,
        review_total_loc=total["review"].loc if "review" in total else "",
        grade=clean(total["grade"].text) if "grade" in total else "",
        grade_loc=total["grade"].loc if "grade" in total else "", listed_name=listed_name, sheet=t.sheet,
        method_text="\n".join(clean(m) for m in method_cells + t.method), goal=t.goal, goal_actual=t.goal_actual,
        fund_scale=t.fund_scale, period_months=t.period_months, has_reason_column=bool(cmap and cmap.has("note")),
        has_weight_column=bool(cmap and cmap.has("weight")), has_score_column=bool(cmap and cmap.has("score")),
        has_header=t.named,
        complete=t.complete, stops_at="" if t.complete else t.last_loc,
    )


def _fund(pid: str, t, f: dict) -> dict:
    weight = t.fund_weight if f["line"] == "total" else None
    scales = {c.field: c.scale for c in t.fund_map.columns if c.scale} if t.fund_map is not None else {}
    return R.fund(pid, f["line"], f["label"], f["loc"], f["cells"], t.fund_scale, f["split"], weight, scales)


def _indicators(pid: str, t) -> list[dict]:
    rows = []
    method = ""
    for it in t.items:
        if it.get("method") is not None:
            method = clean(it["method"].text)
        rows.append(R.indicator(
            pid, it["seq"], it["level1"], it["level2"], it["name"], it["loc"], target=it["target"],
            actual=it["actual"], weight=it["weight"], score=it["score"], review=it["review"], method=method,
            note=clean(it["note"].text) if it.get("note") is not None else ""))
    R.link_parts(rows)
    if t.cmap is not None and not t.cmap.has("weight"):
        _weights_from_headings([r for r in rows if not r["part_of"]], t.sections)
    return rows


def _weights_from_headings(rows: list[dict], sections: dict) -> None:
    """The one item under a heading with a declared weight carries that weight."""
    for key, sec in sections.items():
        level, name, parent = key
        if sec["weight"] is None or level == 0:
            continue
        if level == 2:
            under = [r for r in rows if r["level1"] == parent and r["level2"] == name]
        else:
            under = [r for r in rows if r["level1"] == name]
        if len(under) == 1 and under[0]["weight"] is None and (level == 2 or not _has_weighted_child(sections, name)):
            under[0].update(weight=sec["weight"], weight_dec=0, weight_raw="", weight_source="heading")


def _has_weighted_child(sections: dict, l1: str) -> bool:
    return any(k[0] == 2 and k[2] == l1 and s["weight"] is not None for k, s in sections.items())
