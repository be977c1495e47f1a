"""``jixiao inspect FILE``: how jixiao read a form — like ``sqlfluff parse`` for forms.

Shows the kind, each table's column map (which header cell became which field), its
sections with their weights, every indicator with A, B, 分值, 得分, note and source cell,
the funds block, and what could not be read (PARSE notes).  Reviewers use it to trust a
finding; developers to see a misreading at a glance.
"""

from __future__ import annotations

import json
import math

from checker.lexicon import LEXICON
from checker.readers import read_any
from checker.recognise import FileModel, recognise_file

FIELD_ZH = LEXICON.section("display")["inspect_field"]["zh"]
KIND_ZH = LEXICON.section("display")["kind"]["zh"]


def inspect_file(path: str, limits=None) -> dict:
    """The model one file became, as plain data."""
    fm = recognise_file(path, read_any(path, limits=limits), 1)
    return with_coherence(describe(fm), fm)


def with_coherence(data: dict, fm: FileModel) -> dict:
    """Each table's coherence (``checker.coherence``): how many of its own cross-checks tie under
    the reading kept, in one line."""
    if not fm.projects:
        return data
    from checker import coherence
    from checker.batch import build_batch
    from checker.profile import load_profile

    c = coherence.settle(build_batch([fm], load_profile())).set_index("project_id")
    for p, t in zip(fm.projects, data["tables"]):
        if p["project_id"] not in c.index:
            continue
        r = c.loc[p["project_id"]]
        t["coherence"] = {"checks": int(r["checks"]), "tied": int(r["tied"]), "failed": r["failed_names"],
                          "reading": r["reading"], "doubt": bool(r["doubt"]), "line": coherence.line(r),
                          "line_en": coherence.line(r, "en")}
    return data


def inspect_bounded(path: str, limits=None) -> dict:
    """``inspect_file`` in a worker process under the same bounds as ``check`` (the per-file time
    limit, the memory cap, the readers' limits): a bomb that ``check`` refuses is refused here
    too, with the same one-line reason (``checker.executors.BoundedCallError``)."""
    from checker.executors import EngineLimits, call_bounded
    from checker.grid import UnreadableInput

    limits = limits or EngineLimits()
    if not _regular_or_missing(path):
        raise UnreadableInput("不是普通文件（管道、设备或目录），未读取")
    return call_bounded(inspect_file, (path, limits.reader), limits)


def _regular_or_missing(path: str) -> bool:
    import os
    import stat

    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True   # the reader says why it cannot open it


def describe(fm: FileModel) -> dict:
    tables = []
    for p in fm.projects:
        pid = p["project_id"]
        layout = next((x for x in fm.layouts if x["project_id"] == pid), {})
        tables.append({
            "name": p["name"], "loc": p["loc"], "year": _num(p["year"]),
            "department": "-".join(x for x in (p["department_code"], p["department"]) if x),
            "complete": p["complete"], "stops_at": p["stops_at"],
            "columns": _columns(layout.get("indicators")), "fund_columns": _columns(layout.get("funds")),
            "sections": [{"level": s["level"], "name": s["name"], "parent": s["parent"], "weight": _num(s["weight"]),
                          "loc": s["loc"]} for s in fm.sections if s["project_id"] == pid],
            "indicators": [_indicator(i) for i in fm.indicators if i["project_id"] == pid],
            "funds": [{"line": f["line"], "label": f["label"], "budget_initial": _num(f["budget_initial"]),
                       "budget": _num(f["budget"]), "spent": _num(f["spent"]), "weight": _num(f["weight"]),
                       "rate": _num(f["rate"]), "score": _num(f["score"]), "loc": f["loc"]}
                      for f in fm.funds if f["project_id"] == pid],
            "total": {"weight": _num(p["total_weight"]), "score": _num(p["total_score"]), "loc": p["total_loc"]},
        })
    notes = [{"rule": n["code"], "location": n["location"], "detail": n["detail"]} for n in fm.notes]
    return {"file": fm.path, "kind": fm.kind, "form": fm.form, "tables": tables, "notes": notes}


def _columns(cmap) -> list[dict]:
    if cmap is None:
        return []
    return [{"field": c.field, "field_zh": FIELD_ZH.get(c.field, c.field), "header": c.header, "loc": c.loc}
            for c in cmap.columns]


def _indicator(i: dict) -> dict:
    return {"seq": i["seq"], "level1": i["level1"], "level2": i["level2"], "name": i["name"],
            "target": i["target_raw"], "actual": i["actual_raw"], "weight": _num(i["weight"]),
            "weight_source": i["weight_source"], "score": _num(i["score"]), "review": _num(i["review"]),
            "note": i["note"], "part_of": i["part_of"], "loc": i["loc"], "loc_target": i["loc_target"],
            "loc_score": i["loc_score"]}


def _num(x):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return int(x) if float(x).is_integer() else float(x)


def form_lines(form: dict) -> list[str]:
    """Which form-kind description was chosen and why, the runner-up, and for a file none fits what
    was looked for and not found (checker/forms)."""
    best, runner = form.get("best"), form.get("runner_up")
    if not best:
        return []
    def score(r: dict) -> str:
        return f"{r['name']}（证据 {r['score']:g} 分，门槛 {r['threshold']:g}）"
    if not form.get("chosen"):
        missed = "、".join(best["missed"]) or "无"
        return [f"表式: 未识别 — 最接近 {score(best)}；未找到: {missed}"]
    lines = [f"表式: {score(best)}{'（未达门槛，按已有内容读取）' if form.get('fallback') else ''}；"
             f"依据: {'、'.join(best['found']) or '无'}"]
    if runner:
        lines.append(f"次选: {score(runner)}")
    return lines


def render_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render_text(data: dict, console) -> None:
    """Rich tables in the terminal."""
    from rich.markup import escape
    from rich.table import Table

    console.print(f"[bold]{data['file']}[/bold]  类型: {KIND_ZH.get(data['kind'], data['kind'])}，"
                  f"{len(data['tables'])} 张表")
    for line in form_lines(data.get("form") or {}):
        console.print(escape(line), highlight=False)
    for t in data["tables"]:
        state = "完整" if t["complete"] else f"不完整（止于 {t['stops_at']}）"
        console.print(f"\n[bold]{t['name']}[/bold]  {t['loc']}  {t['department']}  {t['year'] or ''}  {state}")
        for title, cols in (("栏目对照（指标）", t["columns"]), ("栏目对照（资金）", t["fund_columns"])):
            if cols:
                tab = Table(title=title, title_justify="left")
                for h in ("表头", "位置", "读作"):
                    tab.add_column(h)
                for c in cols:
                    tab.add_row(c["header"], c["loc"], f"{c['field_zh']} ({c['field']})")
                console.print(tab)
        _funds(t, console, Table)
        _sections(t, console, Table)
        _indicators(t, console, Table)
        console.print(f"总分: 分值 {_s(t['total']['weight']) or '—'}  得分 {_s(t['total']['score']) or '—'}  "
                      f"{t['total']['loc']}".rstrip())
        if "coherence" in t:
            colour = "red" if t["coherence"]["doubt"] else "green"
            console.print(f"[{colour}]勾稽[/{colour}]: {escape(t['coherence']['line'])}", highlight=False)
    for n in data["notes"]:
        console.print(f"[yellow]{n['rule']}[/yellow] {n['location']}: {n['detail']}")


def _funds(t: dict, console, Table) -> None:
    if not t["funds"]:
        return
    tab = Table(title="项目资金", title_justify="left")
    for h in ("资金", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", "位置"):
        tab.add_column(h)
    for f in t["funds"]:
        tab.add_row(f["label"] or f["line"], *(_s(f[k]) for k in ("budget_initial", "budget", "spent", "weight",
                                                                   "rate", "score")), f["loc"])
    console.print(tab)


def _sections(t: dict, console, Table) -> None:
    if not t["sections"]:
        return
    tab = Table(title="指标层级与标明分值", title_justify="left")
    for h in ("级", "名称", "上级", "标明分值", "位置"):
        tab.add_column(h)
    for s in t["sections"]:
        tab.add_row(str(s["level"]), s["name"], s["parent"], _s(s["weight"]), s["loc"])
    console.print(tab)


def _indicators(t: dict, console, Table) -> None:
    tab = Table(title="绩效指标", title_justify="left")
    for h in ("#", "一级", "二级", "三级指标", "指标值(A)", "实际值(B)", "分值", "得分", "复核分", "说明", "位置"):
        tab.add_column(h, overflow="fold")
    for i in t["indicators"]:
        weight = _s(i["weight"]) + ("（标题）" if i["weight_source"] == "heading" else "")
        name = ("  └ " if i["part_of"] else "") + i["name"]
        tab.add_row(str(i["seq"]), i["level1"], i["level2"], name, i["target"], i["actual"], weight, _s(i["score"]),
                    _s(i["review"]), i["note"][:20], i["loc"])
    console.print(tab)


def _s(x) -> str:
    return "" if x is None else str(x)
