"""Grid -> evaluation rubric (绩效评价评分表).

Rubrics come from Word tables, so columns are regular: the header row names them
(一级/二级/三级指标, 分值, 指标解释/评分要点, 评分标准, 评分说明, 自评分/得分) and
each row is read by position.  A heading cell ("决策（5分）", "决\\n策") opens a
level-1 or level-2 section; a blank heading cell continues the one above.  Rows
labelled 合计, 加分项 and 总分 carry the totals.
"""

from __future__ import annotations

import re

from checker.grid import Cell, Grid
from checker.recognise.labels import clean, declared_weight, is_number, number_and_decimals, squash, strip_weight

HEADER_WORDS = ("分值", "权重", "评分标准", "评价标准", "评分要点", "指标解释", "评分细则")
NAME_HEADERS = ("三级指标", "指标名称", "评价指标", "考核指标", "具体指标")
SCORE_WORDS = ("自评分", "得分", "评分", "评价得分", "复核分")
YEAR = re.compile(r"(20\d\d)\s*年")
GRADE = re.compile(r"(?:评价)?等级\s*[为:：]?\s*[“\"]?(优秀?|良好?|中等?|差|合格|不合格)")


def looks_like(grids: list[Grid]) -> bool:
    return any(_header_index(g) is not None for g in grids)


def _header_index(grid: Grid) -> int | None:
    for n, row in enumerate(grid.rows[:30]):
        joined = "".join(squash(t) for t in row.texts)
        if any(h in joined for h in NAME_HEADERS) and sum(w in joined for w in HEADER_WORDS) >= 2:
            return n
    return None


def _columns(cells: list[Cell]) -> dict[str, int]:
    cols: dict[str, int] = {}
    for i, c in enumerate(cells):
        s = squash(c.text)
        if not s:
            continue
        if s.startswith("一级"):
            cols.setdefault("l1", i)
        elif s.startswith("二级"):
            cols.setdefault("l2", i)
        elif s.startswith("三级") or s in NAME_HEADERS or s == "指标":
            cols.setdefault("name", i)
        elif "分值" in s and "weight" not in cols or s in ("权重", "标准分"):
            cols.setdefault("weight", i)
        elif any(w in s for w in ("指标解释", "评分要点", "指标说明", "考核内容")):
            cols.setdefault("explain", i)
        elif any(w in s for w in ("评分标准", "评价标准", "评分细则", "计分方法")):
            cols.setdefault("method", i)
        elif any(w in s for w in ("评分说明", "扣分说明", "评分依据", "得分说明", "扣分原因")):
            cols.setdefault("note", i)
        elif any(w in s for w in SCORE_WORDS) or ("分值" in s and "weight" in cols):
            cols["score"] = i
    if "name" not in cols and "l2" in cols:  # a two-level rubric: the 二级 column names the items
        cols["name"] = cols.pop("l2")
    return cols


def _heading(text: str) -> tuple[str, float | None]:
    """'决策（5分）' -> ('决策', 5); '项目管理\\n…\\n项目管理' (a merged cell read twice) -> '项目管理'."""
    s = strip_weight(text)
    for p in range(2, len(s) // 2 + 1):
        if len(s) % p == 0 and s == s[:p] * (len(s) // p):
            s = s[:p]
            break
    return s, declared_weight(text)


def recognise(path: str, grids: list[Grid], file_no: int):
    from checker.recognise import FileModel, project_id

    fm = FileModel(path=path, kind="rubric")
    seq = 0
    for grid in grids:
        h = _header_index(grid)
        if h is None:
            continue
        seq += 1
        pid = project_id(file_no, seq)
        title = next((clean(r.texts[0]) for r in grid.rows[:h] if r.nonempty()), "")
        title_text = " ".join(clean(t) for r in grid.rows[:h] for t in r.texts if t.strip())
        cols = _columns(grid.rows[h].cells)
        from pathlib import Path
        project = _project_record(pid, path, seq, title or Path(path).stem, grid, title_text)
        l1 = l2 = ""
        item_no = 0
        for row in grid.rows[h + 1:]:
            cells = row.cells
            texts = [squash(c.text) for c in cells]
            nonempty = [t for t in texts if t]
            if not nonempty:
                continue
            if len(nonempty) == 1 and is_number(nonempty[0]) and len(cells) <= 2:
                continue  # a page number
            if any(GRADE.search(t) for t in texts):
                m = next(GRADE.search(t) for t in texts if GRADE.search(t))
                project["grade"], project["grade_loc"] = m.group(1)[:1], row.loc
            first = nonempty[0]
            if first.startswith(("合计", "小计")) or first == "总计":
                nums = [c for c in cells if is_number(c.text)]
                if nums:
                    project["total_weight"] = number_and_decimals(nums[0].text)[0]
                    project["subtotal_score"], project["subtotal_score_dec"] = number_and_decimals(nums[-1].text)
                    project["subtotal_loc"] = nums[-1].loc
                continue
            if first.startswith(("总分", "总得分", "最终得分")):
                nums = [c for c in cells if is_number(c.text)]
                if nums:
                    project["total_score"], project["total_score_dec"] = number_and_decimals(nums[-1].text)
                    project["total_loc"] = nums[-1].loc
                continue
            get = lambda key: cells[cols[key]] if key in cols and cols[key] < len(cells) else None  # noqa: E731
            bonus = any("加分" in t for t in texts[: cols.get("name", 3)])
            for key, level in (("l1", 1), ("l2", 2)):
                cell = get(key)
                if cell is None or not squash(cell.text) or bonus:
                    continue
                name, weight = _heading(cell.text)
                if level == 1:
                    if name != l1:
                        l1, l2 = name, ""
                    parent = ""
                else:
                    l2, parent = name, l1
                _add_section(fm, pid, level, name, parent, weight, cell.loc)
            name_cell, weight_cell, score_cell = get("name"), get("weight"), get("score")
            if name_cell is None or not squash(name_cell.text):
                # A heading row: its 分值 cell declares the weight of the deepest heading in it.
                declared, _ = number_and_decimals(weight_cell.text if weight_cell else "")
                opened = [(lvl, cell) for key, lvl in (("l2", 2), ("l1", 1))
                          if (cell := get(key)) is not None and squash(cell.text)]
                if declared is not None and opened and not bonus:
                    level, cell = opened[0]
                    name = l2 if level == 2 else l1
                    for sec in fm.sections:
                        if sec["project_id"] == pid and sec["level"] == level and sec["name"] == name \
                                and sec["weight"] is None:
                            sec["weight"], sec["loc"] = declared, weight_cell.loc
                continue
            item_no += 1
            weight, wdec = number_and_decimals(weight_cell.text if weight_cell else "")
            score, sdec = number_and_decimals(score_cell.text if score_cell else "")
            fm.indicators.append(_indicator(pid, item_no, "加分项" if bonus else l1, "" if bonus else l2,
                                            name_cell, weight_cell, score_cell, get("method"), get("note"),
                                            get("explain"), bonus, row.loc))
        if project["total_score"] is None and project["subtotal_score"] is not None:
            project["total_score"] = project["subtotal_score"]
            project["total_score_dec"] = project["subtotal_score_dec"]
            project["total_loc"] = project["subtotal_loc"]
        fm.projects.append(project)
    return fm


def _project_record(pid, path, seq, title, grid, title_text) -> dict:
    m = YEAR.search(title_text)
    name = re.sub(r"(项目)?(支出)?绩效(自评|评价)?(评分)?表$", "", title).strip() or title
    return {
        "project_id": pid, "file": path, "seq": seq, "name": name, "kind": "rubric", "department": "",
        "department_code": "", "unit": "", "year": float(m.group(1)) if m else None, "total_weight": None,
        "total_score": None, "total_score_dec": 0, "total_loc": "", "subtotal_score": None,
        "subtotal_score_dec": 0, "subtotal_loc": "", "grade": "", "grade_loc": "", "listed_name": "",
        "loc": grid.rows[0].loc if grid.rows else "", "sheet": grid.name, "method_text": "", "goal": "",
        "fund_scale": 1e4, "source": "", "period_months": None, "has_reason_column": True,
    }


def _add_section(fm, pid, level, name, parent, weight, loc) -> None:
    for s in fm.sections:
        if s["project_id"] == pid and s["level"] == level and s["name"] == name and s["parent"] == parent:
            if s["weight"] is None and weight is not None:
                s["weight"], s["loc"] = weight, loc
            return
    fm.sections.append({"project_id": pid, "level": level, "name": name, "parent": parent, "weight": weight, "loc": loc})


def _indicator(pid, seq, l1, l2, name_cell, weight_cell, score_cell, method, note, explain, bonus, loc) -> dict:
    from checker.recognise import number_columns, value_columns

    rec = {"project_id": pid, "seq": seq, "level1": l1, "level2": l2, "name": clean(name_cell.text),
           "method": (method.text.strip() if method else ""), "note": (note.text.strip() if note else ""),
           "bonus": bonus, "loc": loc}
    rec.update(value_columns("target", None))
    rec.update(value_columns("actual", None))
    rec.update(number_columns("weight", weight_cell))
    rec.update(number_columns("score", score_cell))
    return rec
