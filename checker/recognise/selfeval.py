"""Grid -> self-evaluation tables (项目支出绩效自评表), single or bundled.

Structure over position: a table starts at a 项目名称 row; the funds block is the
rows under a header naming 预算/执行数; the indicator block runs from the header
naming 三级指标/指标值 to the 总分 row.  Inside the indicator block, headings are
recognised by their words wherever they sit in the row (PDF extraction shifts
cells), and an item's values are read from the right: the last run of plain
numbers is 分值 and 得分, the one or two cells before them are A and B.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from checker.grid import Cell, Grid, Row
from checker.recognise.labels import (
    clean, declared_weight, fund_scale, is_number, level1_of, level2_of,
    number_and_decimals, squash, starts_any, strip_item_prefix,
)

YEAR = re.compile(r"(20\d\d)\s*年度?")
LIST_NO = re.compile(r"^[(（]?\d{1,3}[)）.、．]?$")  # 清单 numbering: 1 / 1. / 1、 / (1)
FUND_COLUMNS = [  # (fragments of the header label, field)
    (("年初",), "budget_initial"), (("全年预", "全年预算", "调整后预算", "预算数"), "budget"),
    (("执行数", "全年执", "实际支出", "执行金额"), "spent"), (("分值", "权重"), "weight"),
    (("执行率",), "rate"), (("得分",), "score"),
]
FUND_LINES = [  # (fragments of a cut label, line)
    (("总额", "资金总", "度资金", "合计"), "total"), (("财政", "本年财", "当年财"), "fiscal"),
    (("结转", "年结转"), "carryover"), (("其他",), "other"),
]
IND_HEADER = ("三级指标", "年度指标值", "指标值", "实际完成值", "全年实际值", "实际值")
GOAL_LABEL = ("总体目", "度总体", "年度目标", "预期目标")
EMPTY = {"", "—", "-", "--", "/", "——", "无"}


@dataclass
class Draft:
    """One table being read; becomes one row of Projects plus its child rows."""
    name: str
    loc: str
    sheet: str
    title: str = ""
    year: int | None = None
    department: str = ""
    department_code: str = ""
    unit: str = ""
    goal: str = ""
    method: list[str] = field(default_factory=list)
    funds: list[dict] = field(default_factory=list)
    sections: dict = field(default_factory=dict)     # (level, name, parent) -> record
    items: list[dict] = field(default_factory=list)
    total_weight: float | None = None
    total_score: float | None = None
    total_score_dec: int = 0
    total_loc: str = ""
    has_reason_column: bool = True
    fund_scale: float = 1e4


@dataclass
class SelfEvalDoc:
    listed: list[tuple[str, str]]      # (name, loc) from a 项目清单
    tables: list[Draft]
    year: int | None = None


def looks_like_selfeval(grids: list[Grid]) -> bool:
    text = "".join(squash(c.text) for g in grids for r in g.rows[:400] for c in r.cells)
    return ("项目名称" in text and ("实际完成值" in text or "全年实际值" in text or "实际值" in text)
            and ("得分" in text))


def read_selfeval(grids: list[Grid]) -> SelfEvalDoc:
    doc = SelfEvalDoc(listed=[], tables=[])
    for grid in grids:
        _read_grid(grid, doc)
    return doc


def _first(row: Row) -> str:
    cells = row.nonempty()
    return squash(cells[0].text) if cells else ""


def _read_grid(grid: Grid, doc: SelfEvalDoc) -> None:
    mode = "preamble"
    pending_year = None
    draft: Draft | None = None
    fund_cols: list[str] = []
    header: dict[str, int] = {}
    levels: dict = {}
    for row in grid.rows:
        cells = row.nonempty()
        if not cells:
            continue
        first = _first(row)
        joined = "".join(squash(c.text) for c in cells)
        if len(cells) == 1 and re.fullmatch(r"[-—]?\s*\d{1,3}\s*[-—]?|第\d+页(共\d+页)?", joined):
            continue  # a page number printed between rows
        if first.startswith("项目名称"):
            draft = Draft(name=_value_after(row, "项目名称"), loc=row.loc, sheet=grid.name,
                          year=pending_year or doc.year)
            doc.tables.append(draft)
            mode, levels, header = "header", {"l1": "", "l1w": None, "l2": "", "seq": 0}, {}
            continue
        if draft is None or mode == "after":
            # Preamble and text between tables: titles, year, 清单, notes.
            m = YEAR.search(joined)
            if m and ("自评" in joined or "年度" in joined) and len(joined) < 80:
                pending_year = int(m.group(1))
                if draft is None:
                    doc.year = doc.year or pending_year
            if draft is not None and first.startswith(("注", "1.", "2.", "3.", "4.", "5.")):
                draft.method.append(clean(" ".join(c.text for c in cells)))
                continue
            if draft is None and len(cells) >= 2 and LIST_NO.match(squash(cells[0].text)) and not is_number(cells[1].text):
                doc.listed.append((clean(cells[1].text), row.loc))
            continue
        if "主管部门" in joined or "实施单位" in joined:
            _read_departments(row, draft)
            continue
        if mode in ("header", "funds") and _is_fund_header(joined):
            fund_cols = _fund_columns(row)
            draft.fund_scale = fund_scale(joined) or draft.fund_scale
            mode = "funds"
            continue
        if mode == "funds" and starts_any(first, GOAL_LABEL) or (mode == "funds" and "预期目标" in joined):
            mode = "goal"
            continue
        if mode in ("funds", "goal", "header") and _is_indicator_header(joined):
            header = _indicator_columns(row)
            draft.has_reason_column = "note" in header
            for c in row.cells:  # a level-1 heading may sit in the header row (seed 001)
                name = level1_of(c.text)
                if name:
                    _open_level1(draft, levels, name, declared_weight(c.text), c.loc)
            mode = "indicators"
            continue
        if mode == "funds":
            _read_fund_row(row, draft, fund_cols)
            continue
        if mode == "goal":
            texts = [clean(c.text) for c in cells if not starts_any(c.text, GOAL_LABEL + ("实际完成",))]
            if texts and not draft.goal:
                draft.goal = texts[0]
            continue
        if mode == "indicators":
            if first.startswith(("总分", "合计", "总计")):
                _read_total(row, draft)
                mode = "after"
                continue
            _read_indicator_row(row, draft, levels, header)


def _value_after(row: Row, label: str) -> str:
    for i, c in enumerate(row.cells):
        s = squash(c.text)
        if s.startswith(label):
            rest = clean(c.text)[len(label):].lstrip(":： ") if len(s) > len(label) else ""
            if rest:
                return rest
            for d in row.cells[i + 1:]:
                if d.text.strip():
                    return clean(d.text)
    return ""


def _split_code(text: str) -> tuple[str, str]:
    m = re.match(r"^\s*(\d{1,9})\s*[-—－_ ]\s*(.+)$", text)
    return (m.group(1), m.group(2).strip()) if m else ("", text.strip())


def _read_departments(row: Row, draft: Draft) -> None:
    dept = _value_after(row, "主管部门")
    if dept and not dept.startswith("实施单位"):
        draft.department_code, draft.department = _split_code(dept)
    unit = _value_after(row, "实施单位")
    if unit:
        draft.unit = _split_code(unit)[1]


def _is_fund_header(joined: str) -> bool:
    return ("预算" in joined or "预 算" in joined) and ("执行" in joined or "执 行" in joined)


DEFAULT_FUND_COLUMNS = [(None, f) for f in ("budget_initial", "budget", "spent", "weight", "rate", "score")]


def _fund_columns(row: Row) -> list[tuple[int | None, str]]:
    """(column index, field) of each fund column the header names, in order."""
    cols: list[tuple[int | None, str]] = []
    for i, c in enumerate(row.cells):
        s = squash(c.text)
        for frags, name in FUND_COLUMNS:
            if any(f in s for f in frags) and name not in (n for _, n in cols):
                cols.append((i, name))
                break
    return cols or DEFAULT_FUND_COLUMNS


def _read_fund_row(row: Row, draft: Draft, cols: list[tuple[int | None, str]]) -> None:
    cells = [c for c in row.cells if c.text.strip()]
    label_cell = next((c for c in cells if not is_number(c.text) and squash(c.text) not in EMPTY
                       and not squash(c.text).endswith("%")), None)
    label = clean(label_cell.text) if label_cell else ""
    if "项目资金" in squash(label):
        label = ""
    line = _fund_line(label, draft)
    if line is None:
        return
    record = {"line": line, "label": label, "loc": row.loc}
    record.update(_fund_values(row, label_cell, cols))
    draft.funds.append(record)


def _fund_values(row: Row, label_cell: Cell | None, cols) -> dict:
    """By the header's positions when the row lines up with it (a blank 年初预算数 stays blank);
    otherwise in order, since extraction may shift a row whose label was lost."""
    index = {id(c): i for i, c in enumerate(row.cells)}
    filled = [(index[id(c)], c) for c in row.cells if c.text.strip() and c is not label_cell]
    positions = {i: name for i, name in cols if i is not None}
    label_at = index.get(id(label_cell)) if label_cell is not None else None
    first_value_col = min(positions) if positions else None
    aligned = (positions and label_at is not None and label_at < first_value_col
               and all(i in positions for i, _ in filled))
    if aligned:
        return {positions[i]: c for i, c in filled}
    return {name: c for (_, name), (_, c) in zip(cols, filled)}


def _fund_line(label: str, draft: Draft) -> str | None:
    taken = {f["line"] for f in draft.funds}
    s = squash(label)
    if s:
        for frags, line in FUND_LINES:
            if any(f in s for f in frags):
                return line if line not in taken else None
    # A label lost in extraction: the lines come in their printed order.
    for _, line in FUND_LINES:
        if line not in taken:
            return line
    return None


def _is_indicator_header(joined: str) -> bool:
    return sum(1 for h in IND_HEADER if h in joined) >= 2 or ("三级指标" in joined and "分值" in joined)


def _indicator_columns(row: Row) -> dict[str, int]:
    cols: dict[str, int] = {}
    for i, c in enumerate(row.cells):
        s = squash(c.text)
        if "三级" in s:
            cols.setdefault("name", i)
        elif "指标值" in s or s.startswith("年度指"):
            cols.setdefault("target", i)
        elif "实际" in s or "完成值" in s:
            cols.setdefault("actual", i)
        elif "分值" in s or "权重" in s:
            cols.setdefault("weight", i)
        elif "得分" in s and "方法" not in s:
            cols.setdefault("score", i)
        elif "方法" in s or "评分标准" in s:
            cols.setdefault("method", i)
        elif "偏差" in s or "原因" in s or "备注" in s or "说明" in s:
            cols.setdefault("note", i)
    return cols


def _open_level1(draft: Draft, levels: dict, name: str, weight, loc: str) -> None:
    levels.update(l1=name, l1w=weight, l2="")
    key = (1, name, "")
    if key not in draft.sections:
        draft.sections[key] = {"level": 1, "name": name, "parent": "", "weight": weight, "loc": loc}
    elif weight is not None and draft.sections[key]["weight"] is None:
        draft.sections[key]["weight"] = weight


def _open_level2(draft: Draft, levels: dict, name: str, weight, loc: str) -> None:
    levels["l2"] = name
    key = (2, name, levels["l1"])
    if key not in draft.sections:
        draft.sections[key] = {"level": 2, "name": name, "parent": levels["l1"], "weight": weight, "loc": loc}


def _read_indicator_row(row: Row, draft: Draft, levels: dict, header: dict[str, int]) -> None:
    cells = list(row.cells)
    start = 0
    for i, c in enumerate(cells):
        s = squash(c.text)
        if not s or s in ("绩效指标",):
            start = i + 1
            continue
        l1 = level1_of(c.text)
        l2 = level2_of(c.text)
        nxt = next((d for d in cells[i + 1:] if d.text.strip()), None)
        # "满意度指标" names both a level-1 and a level-2 heading: it is level 1 unless
        # we are already under 满意度 and no level-2 heading follows it.
        repeats_l2 = l1 == "满意度指标" and levels["l1"] == "满意度指标" and not (nxt and level2_of(nxt.text))
        if l1 and not repeats_l2:
            _open_level1(draft, levels, l1, declared_weight(c.text), c.loc)
            start = i + 1
            continue
        if l2:
            if l2.startswith("满意度") and levels["l1"] != "满意度指标":
                _open_level1(draft, levels, "满意度指标", None, c.loc)
            _open_level2(draft, levels, l2, declared_weight(c.text), c.loc)
            start = i + 1
            continue
        break
    rest = [(i, c) for i, c in enumerate(cells) if i >= start and c.text.strip()]
    if not rest:
        return
    name_cell = None
    if not is_number(rest[0][1].text) or len(rest) >= 5:
        name_cell = rest.pop(0)[1]
    name = strip_item_prefix(name_cell.text) if name_cell else ""
    if not name and not rest:
        return  # a template placeholder such as "指标1:" with nothing filled in
    if not name and not any(is_number(c.text) for _, c in rest):
        # An unfilled template row ("指标1:") that may still carry the method text.
        draft.method.extend(clean(c.text) for _, c in rest if len(squash(c.text)) > 8)
        return
    if SUBTOTAL.match(name):
        return  # a 小计 row restates its section; the sums are recomputed from the items
    item = _assign_values(rest, header)
    if not name and not any(k in item for k in ("target", "actual")):
        # Only numbers beside a heading: an unused category ("经济效益指标 … 0") or a heading
        # row carrying its section's 分值/得分 ("产出指标 | … | 50 | 45"), not an indicator.
        if start and not _zero_or_empty(item) and "weight" in item:
            _declare_from_row(draft, levels, item["weight"])
        return
    levels["seq"] += 1
    item.update(seq=levels["seq"], level1=levels["l1"], level2=levels["l2"], name=name,
                loc=row.loc, name_cell=name_cell)
    draft.items.append(item)


SUBTOTAL = re.compile(r"^(小计|合计|分项合计)")


def _declare_from_row(draft: Draft, levels: dict, cell: Cell) -> None:
    """A heading row's own 分值 cell declares the weight of the deepest heading open."""
    weight, _ = number_and_decimals(cell.text)
    key = (2, levels["l2"], levels["l1"]) if levels["l2"] else (1, levels["l1"], "")
    section = draft.sections.get(key)
    if section is not None and section["weight"] is None and weight:
        section["weight"], section["loc"] = weight, cell.loc


def _zero_or_empty(item: dict) -> bool:
    for k in ("weight", "score"):
        if k in item:
            n, _ = number_and_decimals(item[k].text)
            if n not in (None, 0.0):
                return False
    return True


def _assign_values(rest: list[tuple[int, Cell]], header: dict[str, int]) -> dict:
    """Map the cells after the name to A, B, 分值, 得分 and trailing text."""
    # Trailing text (method / deviation note) comes after the last plain number.
    last_num = max((k for k, (_, c) in enumerate(rest) if is_number(c.text)), default=-1)
    if last_num < 0:  # no 分值/得分 at all: A and B come first, anything after is a note
        last_num = min(len(rest), 2) - 1
    tail = rest[last_num + 1:]
    body = rest[:last_num + 1]
    out: dict = {}
    # The final run of plain numbers holds 分值 and 得分 (A and B may be numbers too).
    run = 0
    for _, c in reversed(body):
        if not is_number(c.text):
            break
        run += 1
    nums = body[len(body) - run:]
    before = body[:len(body) - run]
    if run >= 2:
        out["weight"], out["score"] = nums[-2][1], nums[-1][1]
        before = before + nums[:-2]
    elif run == 1:
        idx, cell = nums[0]
        slot = _nearest(idx, header, ("weight", "score", "note"), default="score")
        out[slot] = cell
    if len(before) >= 2:
        out["target"], out["actual"] = before[0][1], before[1][1]
        tail = before[2:] + tail
    elif len(before) == 1:
        idx, cell = before[0]
        has_op = squash(cell.text)[:1] in "≥≤<>=＞＜" or "\\" in cell.text
        out["target" if has_op else _nearest(idx, header, ("target", "actual"), "actual")] = cell
    for idx, cell in tail:
        slot = _nearest(idx, header, ("method", "note"), default="note") if "method" in header else "note"
        out.setdefault(slot, cell) if slot not in out else None
        if slot in out and out[slot] is not cell:
            out[slot] = Cell(out[slot].text + "\n" + cell.text, out[slot].loc)
    return out


def _nearest(idx: int, header: dict[str, int], slots: tuple[str, ...], default: str) -> str:
    known = [(abs(header[s] - idx), s) for s in slots if s in header]
    return min(known)[1] if known else default


def _read_total(row: Row, draft: Draft) -> None:
    nums = [c for c in row.cells if is_number(c.text)]
    if len(nums) >= 2:
        draft.total_weight = number_and_decimals(nums[-2].text)[0]
    if nums:
        draft.total_score, draft.total_score_dec = number_and_decimals(nums[-1].text)
        draft.total_loc = nums[-1].loc
