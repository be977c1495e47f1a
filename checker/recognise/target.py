"""Grid -> performance target tables (项目支出绩效目标表), several per file.

A table starts at its 项目名称 row.  Header rows (主管部门及代码, 实施单位, 项目来源,
项目期), the funds block (年度资金总额, 其中财政拨款, 其他资金: one amount each),
the 年度目标 text, then indicator rows: headings wherever they sit, the value
(指标值) last, the indicator's name just before it.  Extraction noise — markdown
headings, "----" rows, heading fragments ("度指", "满意") — is recognised and skipped.
"""

from __future__ import annotations

import re

from checker.grid import Cell, Grid, Row
from checker.recognise.labels import (
    clean, fund_scale, is_number, level1_of, level2_of, number_and_decimals, squash,
)

YEAR = re.compile(r"(20\d\d)\s*年度")
FRAGMENTS = {"度指", "指标", "指", "标", "度", "一级", "二级", "三级", "绩效指标", "绩效", "指标值"}
L1_FRAGMENTS = {"满意": "满意度指标", "产出": "产出指标", "效益": "效益指标", "满意度": "满意度指标"}
PARENT = {"数量指标": "产出指标", "质量指标": "产出指标", "时效指标": "产出指标", "成本指标": "产出指标",
          "经济效益指标": "效益指标", "社会效益指标": "效益指标", "生态效益指标": "效益指标",
          "可持续影响指标": "效益指标", "满意度指标": "满意度指标", "服务对象满意度指标": "满意度指标"}
FUND_LINES = (("总额", "total"), ("资金总", "total"), ("财政", "fiscal"), ("结转", "carryover"), ("其他", "other"))


def looks_like(grids: list[Grid]) -> bool:
    text = "".join(squash(c.text) for g in grids for r in g.rows[:200] for c in r.cells)
    return "项目名称" in text and ("绩效目标表" in text or ("指标值" in text and "实际" not in text))


def _is_noise(row: Row) -> bool:
    """Markdown table rules ("|----|"), and page numbers printed between rows."""
    texts = [squash(t) for t in row.texts if squash(t)]
    if len(texts) == 1 and re.fullmatch(r"[-—]?\d{1,3}[-—]?|第\d+页(共\d+页)?", texts[0]):
        return True
    return not texts or all(re.fullmatch(r"[-|:#*\s]+", t) for t in texts)


def recognise(path: str, grids: list[Grid], file_no: int):
    from checker.recognise import FileModel, project_id, value_columns

    fm = FileModel(path=path, kind="target")
    seq, year = 0, None
    for grid in grids:
        project = None
        mode = ""
        levels = {"l1": "", "l2": "", "n": 0}
        for row in grid.rows:
            if _is_noise(row):
                continue
            cells = row.nonempty()
            joined = "".join(squash(c.text) for c in cells)
            first = squash(cells[0].text)
            m = YEAR.search(joined)
            if m and len(joined) < 40:
                year = int(m.group(1))
            if first.startswith("项目名称"):
                seq += 1
                pid = project_id(file_no, seq)
                project = _project(pid, path, seq, _after(cells, "项目名称"), year, row, grid.name)
                fm.projects.append(project)
                mode, levels = "header", {"l1": "", "l2": "", "n": 0}
                continue
            if project is None:
                continue
            if mode and _between_tables(joined):
                mode = "between"
                continue
            if mode == "between":
                continue
            pid = project["project_id"]
            if mode == "header" and ("主管部门" in joined or "实施单位" in joined):
                code, dept = _code_name(_after(cells, "主管部门"))
                project.update(department=dept, department_code=code, unit=_code_name(_after(cells, "实施单位"))[1])
                continue
            if mode == "header" and ("项目来源" in joined or "项目期" in joined):
                project["source"] = _after(cells, "项目来源")
                project["period_months"] = _months(_after(cells, "项目期"))
                continue
            line = _fund_line(joined) if mode in ("header", "funds") else None
            if line:
                mode = "funds"
                project["fund_scale"] = fund_scale(joined) or project["fund_scale"]
                amount = next((c for c in reversed(cells) if is_number(c.text)), None)
                num, dec = number_and_decimals(amount.text) if amount else (None, 0)
                fm.funds.append({"project_id": pid, "line": line, "label": clean(cells[0].text if not "项目资金" in first else cells[1].text),
                                 "budget_initial": None, "budget": num, "spent": None, "budget_initial_dec": 0,
                                 "budget_dec": dec, "spent_dec": 0, "weight": None, "rate": None, "rate_dec": 0,
                                 "score": None, "score_dec": 0, "loc": row.loc, "loc_budget": amount.loc if amount else "",
                                 "loc_spent": "", "loc_rate": "", "loc_score": ""})
                continue
            if mode in ("header", "funds") and (first.startswith("年度") or first.startswith("总体目标")):
                project["goal"] = _goal(cells)
                project["goal_loc"] = row.loc
                mode = "goal"
                continue
            if "三级指标" in joined and "指标值" in joined:
                mode = "indicators"
                _headings(cells, levels, fm, pid)
                continue
            if mode in ("goal", "indicators", "funds", "header"):
                if mode != "indicators" and not (level1_of(cells[0].text) or level2_of(cells[0].text) or "指标" in joined):
                    continue
                mode = "indicators"
                _indicator_row(row, cells, levels, fm, pid, value_columns)
    for p in fm.projects:
        p.pop("goal_loc", None)
    return fm


def _between_tables(joined: str) -> bool:
    """Text printed between two tables: the next title, its year, signature lines."""
    return ("目标表" in joined or re.fullmatch(r"[(（]?20\d\d年度[)）]?", joined) is not None
            or joined.startswith(("项目责任人", "项目负责人", "单位(盖章)", "单位（盖章）", "填报人", "联系电话")))


def _project(pid, path, seq, name, year, row, sheet) -> dict:
    return {"project_id": pid, "file": path, "seq": seq, "name": name, "kind": "target", "department": "",
            "department_code": "", "unit": "", "year": year, "total_weight": None, "total_score": None,
            "total_score_dec": 0, "total_loc": "", "subtotal_score": None, "subtotal_score_dec": 0,
            "subtotal_loc": "", "grade": "", "grade_loc": "", "listed_name": "", "loc": row.loc, "sheet": sheet,
            "method_text": "", "goal": "", "fund_scale": 1e4, "source": "", "period_months": None,
            "has_reason_column": False}


def _after(cells: list[Cell], label: str) -> str:
    for i, c in enumerate(cells):
        s = squash(c.text)
        if s.startswith(label):
            rest = clean(c.text)[len(label):].lstrip(":： ")
            if rest and not rest.startswith("及代码"):
                return rest
            if i + 1 < len(cells):
                return clean(cells[i + 1].text)
    return ""


def _months(text: str) -> float | None:
    """项目期 in months: "1年" → 12, "6个月" → 6, "2022-2024年" → None (a range, not a length)."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(年|个月|月)\s*", text or "")
    if not m:
        return None
    return float(m.group(1)) * (12 if m.group(2) == "年" else 1)


def _code_name(text: str) -> tuple[str, str]:
    m = re.match(r"^\s*[\[【(（]?\s*(\d{1,9})\s*[\]】)）]?\s*[-—－_ ]?\s*(.+)$", text)
    return (m.group(1), m.group(2).strip()) if m else ("", text.strip())


def _fund_line(joined: str) -> str | None:
    if "资金" not in joined and "财政" not in joined:
        return None
    for frag, line in FUND_LINES:
        if frag in joined:
            return line
    return None


def _goal(cells: list[Cell]) -> str:
    texts = [clean(c.text) for c in cells]
    first = re.sub(r"^(年度(总体)?目标|总体目标|年度)\s*[:：]?\s*", "", texts[0])
    rest = [t for t in [first] + texts[1:] if t]
    return max(rest, key=len) if rest else ""


def _heading_of(cell: Cell, levels: dict) -> tuple[str, str] | None:
    s = squash(cell.text)
    if s in L1_FRAGMENTS:
        return "l1", L1_FRAGMENTS[s]
    l1, l2 = level1_of(cell.text), level2_of(cell.text)
    if l1 and l2 and l1 == "满意度指标":
        return ("l2", l2) if levels["l1"] == "满意度指标" else ("l1", l1)
    if l1:
        return "l1", l1
    if l2:
        return "l2", l2
    return None


def _headings(cells, levels, fm, pid) -> None:
    for c in cells:
        h = _heading_of(c, levels)
        if h:
            _open(h, c, levels, fm, pid)


def _open(h, cell, levels, fm, pid) -> None:
    kind, name = h
    if kind == "l1":
        levels.update(l1=name, l2="")
        _section(fm, pid, 1, name, "", cell.loc)
    else:
        parent = PARENT.get(name, levels["l1"])
        levels.update(l1=parent, l2=name)
        _section(fm, pid, 1, parent, "", cell.loc)
        _section(fm, pid, 2, name, parent, cell.loc)


def _section(fm, pid, level, name, parent, loc) -> None:
    if not any(s["project_id"] == pid and s["level"] == level and s["name"] == name and s["parent"] == parent
               for s in fm.sections):
        fm.sections.append({"project_id": pid, "level": level, "name": name, "parent": parent, "weight": None, "loc": loc})


def _looks_like_value(text: str) -> bool:
    from checker.values import parse_value

    return parse_value(text).kind in ("quantity", "percent", "date") or bool(re.search(r"\d", text))


def _indicator_row(row, cells, levels, fm, pid, value_columns) -> None:
    tokens: list[Cell] = []
    for c in cells:
        s = squash(c.text)
        if s in FRAGMENTS:
            continue
        h = _heading_of(c, levels)
        if h:
            _open(h, c, levels, fm, pid)
            tokens = []  # anything before a heading is noise ("1日/小")
            continue
        tokens.append(c)
    if not tokens:
        return
    if len(tokens) == 1:
        only = tokens[0]
        name_cell, value_cell = (None, only) if _looks_like_value(only.text) else (only, None)
    else:
        name_cell, value_cell = tokens[-2], tokens[-1]
    levels["n"] += 1
    from checker.recognise import number_columns

    rec = {"project_id": pid, "seq": levels["n"], "level1": levels["l1"] or PARENT.get(levels["l2"], ""),
           "level2": levels["l2"], "name": clean(name_cell.text) if name_cell else "", "method": "", "note": "",
           "bonus": False, "loc": row.loc}
    rec.update(value_columns("target", value_cell))
    rec.update(value_columns("actual", None))
    rec.update(number_columns("weight", None))
    rec.update(number_columns("score", None))
    fm.indicators.append(rec)
