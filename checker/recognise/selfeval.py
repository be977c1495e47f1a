"""Grid -> self-evaluation tables (项目支出绩效自评表), single or bundled, in any layout.

A table starts at its 项目名称 row.  Its blocks are found by their header rows, and every
header is read into a column map (``columns.read_header``): the funds block under a header
naming 预算/执行数, the 年度总体目标 text, then the indicator block under a header naming
三级指标 / 年度指标值 / 实际完成值 / 分值 / 得分 in whatever order and words the form uses.
Each data row is placed under that map (``columns.align``); headings (一级/二级指标, with
their weights) are recognised by their words.  The table ends at its 总分 row; a table that
stops before it is marked incomplete.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath

from checker.grid import Cell, Grid, Row, squash
from checker.lexicon import LEXICON
from checker.model import note
from checker.recognise import columns as C
from checker.recognise.labels import (
    DEPARTMENT_LABELS,
    PARENT_2021,
    UNIT_LABELS,
    clean,
    declared_weight,
    fund_line,
    fund_scale,
    is_noise_row,
    is_number,
    level1_of,
    level2_of,
    number_and_decimals,
    period_months,
    project_name_label,
    starts_any,
    strip_item_prefix,
)
from checker.values import EMPTY

YEAR = re.compile(r"(20\d\d)\s*年度?")
LIST_NO = re.compile(r"^[(（]?\d{1,3}[)）.、．]?$")  # 清单 numbering: 1 / 1. / 1、 / (1)
GOAL_LABEL = LEXICON.words("row_labels", "goal")
LEVEL2_PARENT = PARENT_2021   # level-2 -> its level-1 (服务对象满意度指标 -> 满意度指标)
# Level-2 names of the 2020 template that the 2021 one makes level-1 over level-2s of their own
# (成本指标 over 经济 / 社会 / 生态环境成本指标): which one a heading is, what follows it says.
LEVEL1_IN_2021 = frozenset(p for p in PARENT_2021.values() if PARENT_2021.get(p, p) != p)
GOAL_COLUMNS = LEXICON.words("goal_columns", "label")
BLOCK_NAMES = LEXICON.section("display")["block"]
PAIRED_SPENT = LEXICON.words("fund_block", "paired_spent")
TOTAL_LABEL = LEXICON.words("row_labels", "total")
TAIL_LABEL = LEXICON.words("row_labels", "tail")
NOTE_LABEL = LEXICON.words("row_labels", "note")
SUBTOTAL = LEXICON.regex("noise", "subtotal")
GRADES = LEXICON.mapping("grades")
OP_WORDS = LEXICON.mapping("operator_words")
INDICATOR_FIELDS = ["l1", "l2", "name", "op", "target", "unit", "actual", "weight", "score", "review", "method",
                    "explain", "note"]


@dataclass
class Table:
    """One self-evaluation table as read; ``records`` turns it into model rows."""
    name: str
    loc: str
    sheet: str
    year: int | None = None
    department: str = ""
    department_code: str = ""
    unit: str = ""
    goal: str = ""
    goal_actual: str = ""
    method: list[str] = field(default_factory=list)
    funds: list[dict] = field(default_factory=list)      # {line, split, label, loc, cells}
    fund_weight: float | None = None                     # declared in the funds header "(20分)"
    fund_scale: float = 1e4
    fund_map: C.ColumnMap | None = None
    sections: dict = field(default_factory=dict)         # (level, name, parent) -> record
    items: list[dict] = field(default_factory=list)
    cmap: C.ColumnMap | None = None
    noted: bool = False   # notes (注：…) seen under the indicators
    total: dict = field(default_factory=dict)            # field -> Cell, plus "label_weight", "grade"
    period_months: float | None = None                   # 项目期 / 实施期
    source: str = ""
    complete: bool = False
    named: bool = True        # opened at its 项目名称 label
    narrative: list = field(default_factory=list)   # (text, loc) of the prose above it (a report's paragraphs)
    last_loc: str = ""
    notes: list[dict] = field(default_factory=list)


@dataclass
class SelfEvalDoc:
    listed: list[tuple[str, str]]      # (name, loc) from a 项目清单
    tables: list[Table]
    year: int | None = None
    unnamed: bool = False     # no 项目名称 anywhere: the first block opens a table
    title: str = ""           # the last title line seen before a table
    prose: list = field(default_factory=list)   # (text, loc) of paragraphs since the last table
    total_row: bool = True    # the form kind ends its tables in a 总分 row (checker/forms: a ``total`` block)


def read_selfeval(grids: list[Grid], total_row: bool = True) -> SelfEvalDoc:
    doc = SelfEvalDoc(listed=[], tables=[], total_row=total_row)
    GridReader.read_grids(grids, doc)
    return doc


def _is_indicator_header(rows: list[Row], n: int, found: set | None = None) -> bool:
    """A row naming the indicator columns (with the row under it, where header words are broken
    over two rows: "年度" over "指标值"); ``found``: the row's fields, where already known."""
    found = {C.field_of(c.key) for c in rows[n].cells if c.key} if found is None else found
    if not found & {"name", "l2"}:
        return False
    if not found & {"target", "actual", "weight", "score"}:
        found = set(C.read_header(rows, n).fields)
    has_value = bool(found & {"target", "actual"})
    return has_value or (bool(found & {"weight", "score"}) and len(found - {None}) >= 4)


def _is_fund_header(row: Row) -> bool:
    found = {C.field_of(c.key, C.FUND_HEADERS) for c in row.cells if c.key} - {None}
    return len(found) >= 2 and bool(found & {"budget", "spent", "budget_initial"})


_TITLE_WORDS = LEXICON.words("titles")


def _title_like(key: str) -> bool:
    """A form's title line (…绩效评价指标表, …自评表), not a sentence or a labelled field."""
    return 6 <= len(key) <= 60 and any(w in key for w in _TITLE_WORDS + ("表",)) and not re.search(r"[:。，,;；]", key)


FUND_BLOCK_LABELS = LEXICON.words("fund_block", "label")
INDICATOR_BLOCK = LEXICON.words("blocks", "indicators")
PERIOD_FIELD = LEXICON.words("header", "period")
PROSE_MIN = 40   # a line this long, alone in its row, is a paragraph, not a label
GOAL_BLOCK = LEXICON.words("blocks", "goal_block")   # 年度绩效目标 (80分): the indicators of a 20/80 form
BY_NATURE = LEXICON.words("fund_block", "by_source") + LEXICON.words("fund_block", "by_use")
# "label:amount" in one cell (the whole cell: a label, a colon, a number and nothing else).
_INLINE_AMOUNT = re.compile(r"(\D.*?)[:：]([-+]?\d[\d,]*(?:\.\d+)?)(?:万元|元)?")


def _without_block_label(row: Row) -> Row:
    """A funds header with its block label blanked: "年度预算申请（万元）" or "年度预算数(万元)" heads
    the column of line labels, not a budget column (the real 全年预算数 / 调整后预算数 is further
    right).  A cell is the block label where it names the block, or where it carries the block's
    unit and another cell of the row names the same field."""
    fields = [C.field_of(c.key, C.FUND_HEADERS) if c.key else None for c in row.cells]
    cells = list(row.cells)
    for i, (c, f) in enumerate(zip(cells, fields)):
        if not f:
            continue
        named = c.key.startswith(FUND_BLOCK_LABELS)
        unit_of_block = fund_scale(c.key) is not None and fields.count(f) > 1 and fields.index(f) == i
        if named or unit_of_block:
            cells[i] = Cell("", c.loc)
            break   # one block label per header
    return Row(cells, row.loc) if cells != row.cells else row


def _first(row: Row) -> str:
    return next((c.key for c in row.cells if c.key), "")


class GridReader:
    """Reads one grid (sheet, Word table, text file) into tables, row by row."""

    def __init__(self, grid: Grid, doc: SelfEvalDoc):
        self.grid, self.doc = grid, doc
        self.table: Table | None = None
        self.mode = "preamble"
        self.pending_year: int | None = None
        self.levels = {"l1": "", "l2": "", "seq": 0}
        self.skip = 0
        self.paired_at = 0

    @classmethod
    def read_grids(cls, grids: list[Grid], doc: SelfEvalDoc) -> None:
        """Every grid of a file in order.  A table left open at the end of one grid goes on in the
        next when that one starts with a block header of its own instead of a 项目名称 (a Word form
        whose indicators are a second table under a heading, "二、绩效指标完成情况")."""
        last: GridReader | None = None
        # A file with no 项目名称 (a report's table, an indicator sheet): its first block opens a
        # table named by the title above it, so what it has is read.
        doc.unnamed = not any(project_name_label(_first(row)) for g in grids for row in g.rows[:400])
        for grid in grids:
            reader = cls(grid, doc)
            if last is not None and last.table is not None and last.mode not in ("after", "preamble") \
                    and reader._continues():
                reader._resume(last)
            elif last is not None:
                last._close()
            reader.read()
            last = reader
        if last is not None:
            last._close()

    def _continues(self) -> bool:
        rows = self.grid.rows
        for n, row in enumerate(rows):
            if self._noise(row) or len(row.nonempty()) < 2:
                continue   # a heading above the table
            return self._starts_block(rows, n)
        return False

    def _starts_block(self, rows: list[Row], n: int) -> bool:
        return _is_indicator_header(rows, n) or _is_fund_header(rows[n])

    def _resume(self, last: GridReader) -> None:
        self.table, self.levels, self.pending_year = last.table, last.levels, last.pending_year
        # Indicators cut off by the table's end: the new table's header is read as a header again.
        self.mode = "goal" if last.mode == "indicators" else last.mode

    def read(self) -> None:
        """The grid's rows; the table it leaves open is closed by ``read_grids``."""
        rows = self.grid.rows
        for n, row in enumerate(rows):
            if self.skip:
                self.skip -= 1
                continue
            if self._noise(row):
                continue
            self._row(rows, n, row)

    @staticmethod
    def _noise(row: Row) -> bool:
        return is_noise_row([c.key for c in row.cells])

    def _row(self, rows: list[Row], n: int, row: Row) -> None:
        first = _first(row)
        if project_name_label(first):
            self._open(row)
            return
        if self.doc.unnamed and not self.doc.tables and self._starts_block(rows, n):
            self._open_unnamed(row)
        if self.table is None or self.mode == "after":
            self._between(row, first)
            return
        if self.mode in ("header", "funds", "goal", "paired") and _is_indicator_header(rows, n):
            self._indicator_header(rows, n)
            return
        handler = getattr(self, f"_{self.mode}_row")
        handler(rows, n, row, first)

    # --- table start and text around tables -------------------------------------------
    def _open(self, row: Row) -> None:
        self._close()
        label = project_name_label(_first(row))
        self.table = Table(name=_value_after(row, label), loc=row.loc, sheet=self.grid.name,
                           year=self.pending_year or self.doc.year)
        self._take_prose()
        self.doc.tables.append(self.table)
        self.mode, self.levels = "header", {"l1": "", "l2": "", "seq": 0}
        self._departments(row)

    def _open_unnamed(self, row: Row) -> None:
        """A table with no 项目名称 label: named by the last title above it (or the file)."""
        self.table = Table(name=self.doc.title or PurePath(self.grid.path).stem, loc=row.loc, sheet=self.grid.name,
                           year=self.pending_year or self.doc.year, named=False)
        self._take_prose()
        self.doc.tables.append(self.table)
        self.mode, self.levels = "header", {"l1": "", "l2": "", "seq": 0}

    def _take_prose(self) -> None:
        self.table.narrative, self.doc.prose = self.doc.prose, []

    def _close(self) -> None:
        t = self.table
        if t is None or self.mode == "after":
            return
        # No 总分 row to wait for: the kind has none (a 转移支付 自评表), the table no score to add up, and
        # its notes (说明, 注) or sign-off follow the indicators — a table cut in its indicators is still cut.
        unscored = t.cmap is not None and not (t.cmap.has("score") or t.cmap.has("weight"))
        ended = not self.doc.total_row and unscored and (self.mode == "tail" or (self.mode == "indicators" and t.noted))
        if self.mode != "preamble" and not ended:
            t.complete = False
            where = BLOCK_NAMES["zh"].get(self.mode, "")
            where_en = BLOCK_NAMES["en"].get(self.mode, "")
            t.notes.append(note("PARSE.INCOMPLETE", self.grid.path, f"止于{where}", f"ends in the {where_en}",
                                location=t.last_loc or t.loc))
            for key in ((2, self.levels["l2"], self.levels["l1"]), (1, self.levels["l1"], "")):
                if key in t.sections:
                    t.sections[key]["complete"] = False
        self.mode = "after"

    def _between(self, row: Row, first: str) -> None:
        """Titles, the year, a bundle's 项目清单 and the notes under a table."""
        cells = row.nonempty()
        joined = "".join(c.key for c in cells)
        if self.table is None and len(cells) == 1 and _title_like(joined):
            self.doc.title = clean(cells[0].text)   # the last title line: an unnamed table's name
        elif self.table is None and len(cells) == 1 and len(joined) >= PROSE_MIN:
            self.doc.prose.append((clean(cells[0].text), row.loc))   # a report's paragraph: its stated figures
        m = YEAR.search(joined)
        if m and ("自评" in joined or "年度" in joined) and len(joined) < 80:
            self.pending_year = int(m.group(1))
            if self.table is None:
                self.doc.year = self.doc.year or self.pending_year
        if self.table is not None and (first.startswith(NOTE_LABEL) or re.match(r"^\d[.、．]", first)):
            self.table.method.append(clean(" ".join(c.text for c in cells)))
            return
        if self.table is None and len(cells) >= 2 and LIST_NO.match(cells[0].key) and not is_number(cells[1].text):
            self.doc.listed.append((clean(cells[1].text), row.loc))

    def _departments(self, row: Row) -> None:
        t = self.table
        dept = _labelled(row, DEPARTMENT_LABELS)
        if dept and not starts_any(dept, UNIT_LABELS):
            t.department_code, t.department = _split_code(dept)
        unit = _labelled(row, UNIT_LABELS)
        if unit:
            t.unit = _split_code(unit)[1]

    # --- blocks -------------------------------------------------------------------------
    def _header_row(self, rows, n, row, first) -> None:
        t = self.table
        t.last_loc = row.loc
        keys = "".join(c.key for c in row.cells)
        if any(lab in keys for lab in PERIOD_FIELD):
            t.period_months = period_months(_labelled(row, PERIOD_FIELD))
        if any(lab in keys for lab in DEPARTMENT_LABELS + UNIT_LABELS):
            self._departments(row)
        elif _is_fund_header(row):
            self._fund_header(row)
        elif starts_any(first, GOAL_LABEL):
            self._goal_label(row)
        elif self._paired_funds_start(row):
            self._paired_fund_row(row)

    # --- funds printed as two blocks side by side: 资金情况 (budget) | 资金使用情况 (spent) ------
    def _paired_funds_start(self, row: Row) -> bool:
        keys = [c.key for c in row.cells]
        left = any(k.startswith(FUND_BLOCK_LABELS) for k in keys)
        right = next((i for i, k in enumerate(keys) if any(w in k for w in PAIRED_SPENT)), None)
        if left and right is not None:
            self.paired_at = right
            self.table.fund_scale = fund_scale("".join(keys)) or self.table.fund_scale
            self.mode = "paired"
            return True
        return False

    def _paired_row(self, rows, n, row, first) -> None:
        self.table.last_loc = row.loc
        if starts_any(first, GOAL_LABEL):
            self._goal_label(row)
        else:
            self._paired_fund_row(row)

    def _paired_fund_row(self, row: Row) -> None:
        """"中央财政 | 165万元 | … | 中央财政 | 84.5万元": the budget on the left, the spending on the right."""
        cut = self.paired_at
        left = [c for i, c in enumerate(row.cells) if c.key and i < cut]
        right = [c for i, c in enumerate(row.cells) if c.key and i > cut]
        label = next((c for c in left if fund_line(c.text)), None)
        if label is None:
            return
        line, split = fund_line(label.text)
        amount = lambda cs: next((c for c in reversed(cs) if C.cell_kind(c.key) in ("num", "value")), None)  # noqa: E731
        t = self.table
        if not any(f["line"] == line and (line == "total" or f["label"] == clean(label.text)) for f in t.funds):
            t.funds.append({"line": line, "split": split, "label": clean(label.text), "loc": row.loc,
                            "cells": {"budget": amount(left), "spent": amount(right)}})

    def _fund_header(self, row: Row) -> None:
        t = self.table
        cmap = C.read_header([_without_block_label(row)], 0, C.FUND_HEADERS)
        first_value = min((c.index for c in cmap.columns), default=0)
        if first_value > 0:
            cmap.columns.insert(0, C.Column("label", 0, row.cells[0].text.strip(), row.cells[0].loc))
        cmap.unknown = [c for c in cmap.unknown if row.cells.index(c) >= first_value]
        t.fund_map = cmap
        joined = "".join(c.key for c in row.cells)
        t.fund_scale = fund_scale(row.cells[0].key) or fund_scale(joined) or t.fund_scale
        for col in cmap.columns:   # "全年执行数（元）" beside 万元 columns
            col.scale = fund_scale(col.header)
        for c in row.cells:
            w = declared_weight(c.text)
            if w is not None:
                t.fund_weight = w
                break
        self.mode = "funds"

    def _funds_row(self, rows, n, row, first) -> None:
        self.table.last_loc = row.loc
        if starts_any(first, GOAL_LABEL):
            self._goal_label(row)
            return
        t = self.table
        if self._inline_fund_lines(row):
            return
        cells = [(i, c) for i, c in enumerate(row.cells) if c.key]
        placed = C.align(cells, t.fund_map, self.grid.layout)
        label_cell = placed.get("label")
        label = clean(label_cell.text) if label_cell else ""
        kind = fund_line(label) if label else None
        if kind is None:
            kind = self._unlabelled_fund_line(label)
        if kind is None:
            return
        line, split = kind
        if any(f["line"] == line and (line == "total" or f["label"] == label) for f in t.funds):
            return  # a repeated line (a printed 小计) adds nothing
        values = {f: placed.get(f) for f in ("budget_initial", "budget", "spent", "weight", "rate", "score")}
        t.funds.append({"line": line, "split": split, "label": label, "loc": row.loc, "cells": values})

    def _inline_fund_lines(self, row: Row) -> bool:
        """Lines written "label:amount" in one cell, the splits of a 部门整体 form side by side
        ("其中:一般公共预算:1325.68 | 其中:基本支出:900.47"): each cell is a line of the 全年预算数
        its block breaks down; the "按收入性质分:2030.12" heads of the two splits add nothing."""
        pairs = [(c, _INLINE_AMOUNT.fullmatch(c.key)) for c in row.cells if c.key]
        if not pairs or not all(m for _, m in pairs):
            return False
        for c, m in pairs:
            label, amount = m.group(1), m.group(2)
            kind = fund_line(label)
            if kind is None or label.startswith(BY_NATURE):
                continue
            line, split = kind
            if any(f["line"] == line and f["label"] == label for f in self.table.funds):
                continue
            self.table.funds.append({"line": line, "split": split, "label": clean(label), "loc": c.loc,
                                     "cells": {"budget": Cell(amount, c.loc)}})
        return True

    def _unlabelled_fund_line(self, label: str) -> tuple[str, str] | None:
        """A line whose label was lost in extraction: the lines come in their printed order."""
        if label and not is_number(label):
            return None
        taken = {f["line"] for f in self.table.funds}
        for line, split in (("total", "total"), ("fiscal", "source"), ("carryover", "source"), ("other", "source")):
            if line not in taken:
                return line, split
        return None

    def _goal_label(self, row: Row) -> None:
        self.mode = "goal"
        texts = [c for c in row.nonempty() if not starts_any(c.key, GOAL_LABEL + GOAL_COLUMNS)]
        self._goal_texts(texts)

    def _goal_row(self, rows, n, row, first) -> None:
        self.table.last_loc = row.loc
        self._goal_texts(row.nonempty())

    def _goal_texts(self, cells: list[Cell]) -> None:
        t = self.table
        texts = [clean(c.text) for c in cells if len(c.key) > 1]
        if texts and not t.goal:
            t.goal = texts[0]
            t.goal_actual = texts[1] if len(texts) > 1 else ""

    def _indicator_header(self, rows: list[Row], n: int) -> None:
        t = self.table
        cmap = C.read_header(rows, n)
        t.cmap = cmap
        header = rows[n]
        for c in header.cells:  # a heading may sit in the header row (seed 001), a block weight too
            name = level1_of(c.text)
            if name:
                self._open_level1(name, declared_weight(c.text), c.loc)
        for label, weight, loc in cmap.declared:
            if starts_any(label, GOAL_BLOCK):
                t.sections.pop((0, GOAL_BLOCK[0], ""), None)
                self._add_goal_block(weight, loc)
        if cmap.unknown:
            names = "、".join(f"“{clean(c.text)}”（{c.loc}）" for c in cmap.unknown)
            t.notes.append(note("PARSE.LAYOUT", self.grid.path, f"表头栏目 {names} 未能识别，该栏内容未作核查",
                                f"header cells not understood and not checked: {names}", location=header.loc))
        self.skip = cmap.rows - 1
        self.mode = "indicators"

    def _indicators_row(self, rows, n, row, first) -> None:
        t = self.table
        if self._repeats_header(row):
            return
        if first.startswith(TOTAL_LABEL):
            self._total_row(row)
            return
        if first.startswith(TAIL_LABEL):
            self.mode = "tail"
            return
        if first.startswith(NOTE_LABEL) and len(first) > 6:
            t.method.append(clean(" ".join(c.text for c in row.nonempty())))
            t.noted = True
            return
        t.last_loc = row.loc
        self._item(row)

    def _repeats_header(self, row: Row) -> bool:
        cmap = self.table.cmap
        if cmap is None or not cmap.repeated_by(row):
            return False
        for c in row.nonempty():   # the next block's weight: 年度绩效目标2(40分) adds to 年度绩效目标
            w = declared_weight(c.text) if c.key not in cmap.words else None
            if w is not None and starts_any(c.key, GOAL_BLOCK):
                self._add_goal_block(w, c.loc)
        return True

    def _add_goal_block(self, weight: float, loc: str) -> None:
        """年度绩效目标 (80分), or its parts 年度绩效目标1(40分) + 年度绩效目标2(40分): one level-0 section."""
        key = (0, GOAL_BLOCK[0], "")
        if key in self.table.sections and self.table.sections[key]["weight"] is not None:
            self.table.sections[key]["weight"] += weight
        else:
            self.table.sections[key] = _section(0, GOAL_BLOCK[0], "", weight, loc)

    def _tail_row(self, rows, n, row, first) -> None:
        if first.startswith(TOTAL_LABEL):
            self._total_row(row)
        elif first.startswith(NOTE_LABEL) or re.match(r"^\d[.、．]", first):
            self.table.method.append(clean(" ".join(c.text for c in row.nonempty())))

    def _preamble_row(self, rows, n, row, first) -> None:  # pragma: no cover - table is None in preamble
        pass

    # --- indicator rows -------------------------------------------------------------------
    fields = INDICATOR_FIELDS

    def _item(self, row: Row) -> None:
        t = self.table
        seq = t.cmap.index("seq")   # a 序号 column: its row numbers are no content
        cells = self._drop_noise([(i, c) for i, c in enumerate(row.cells)
                                  if c.key and not (i == seq and is_number(c.text))])
        cells, heading = self._headings(cells)
        if not cells:
            return
        placed = C.align(cells, t.cmap, self.grid.layout, self.fields)
        moved: list[tuple[str, Cell]] = []
        for key in ("l1", "l2"):
            cell = placed.get(key)
            if cell is not None and self._positional_heading(cell, placed):
                self._open_heading(key, cell)
                heading = True
            elif cell is not None and cell in placed.moved and not is_number(cell.text):
                moved.append((key, cell))
        name_cell = placed.get("name")
        name = strip_item_prefix(name_cell.text) if name_cell else ""
        if SUBTOTAL.match(name):
            return  # a 小计 row restates its section; the sums are recomputed from the items
        if _left_empty(name, placed):
            return  # "经济成本指标 | 无 | 无 | 无 …": a category the unit has no indicator for
        if not name and not placed.has("target") and (heading or not placed.has("actual")):
            self._numbers_only(placed, heading, row)   # no name, no target: not an indicator
            return
        if placed.unplaced:
            self._unplaced(placed.unplaced, row)
        if moved:
            self._moved_headings(moved, row)
        item = self._new_item(placed, name, row)
        if item is not None:
            t.items.append(item)

    def _drop_noise(self, cells: list[tuple[int, Cell]]) -> list[tuple[int, Cell]]:
        return cells

    def _positional_heading(self, cell: Cell, placed: C.Placed) -> bool:
        """A cell under 一级/二级 that no heading word names is a heading by its position only where
        columns are kept (a spreadsheet, a Word or PDF table, tab-separated text) and the cell sits
        in that column, not moved there by the alignment of a shifted row."""
        return not is_number(cell.text) and self.grid.layout in ("cells", "tabs") and cell not in placed.moved

    def _moved_headings(self, moved: list[tuple[str, Cell]], row: Row) -> None:
        """Text moved under 一级/二级 by the alignment of a shifted row: a heading may start here, but
        whether the cell is one (or a name pushed aside) is a guess.  The row is filed under no
        heading of that level rather than under the one above, and the reader is told."""
        for key, _ in moved:
            self.levels.update({"l1": "", "l2": ""} if key == "l1" else {"l2": ""})
        self._layout_note([c for _, c in moved], row)

    def _new_item(self, placed: C.Placed, name: str, row: Row) -> dict | None:
        self.levels["seq"] += 1
        return {
            "seq": self.levels["seq"], "level1": self.levels["l1"], "level2": self.levels["l2"], "name": name,
            "loc": row.loc, "target": _target(placed), "actual": placed.get("actual"),
            "weight": placed.get("weight"), "score": placed.get("score"), "review": placed.get("review"),
            "method": placed.get("method") or placed.get("explain"), "note": placed.get("note"),
        }

    def _headings(self, cells: list[tuple[int, Cell]]) -> tuple[list[tuple[int, Cell]], bool]:
        """Open the headings at the start of a row (short extraction debris before a heading is
        dropped: "1日/小 | 可持续影响指标"); the rest of its cells, and whether any opened."""
        opened = False
        debris: list[tuple[int, Cell]] = []
        for k, (i, c) in enumerate(cells):
            if c.key in INDICATOR_BLOCK or c.key.startswith(GOAL_BLOCK[0]):
                continue
            nxt = cells[k + 1][1] if k + 1 < len(cells) else None
            if self._heading(c, nxt):
                opened, debris = True, []
            elif len(c.key) <= 4 and not is_number(c.text) and not debris:
                debris.append((i, c))   # maybe debris, maybe a short name: decided by what follows
            else:
                return debris + cells[k:], opened
        return debris, opened

    def _heading(self, c: Cell, nxt: Cell | None) -> bool:
        """Open the heading ``c`` names, if it names one."""
        l1, l2 = level1_of(c.text), level2_of(c.text)
        # The 2021 template: 成本指标 a level-1 heading over 经济 / 社会 / 生态环境成本指标.  By the words
        # that follow, not by its column: a header printed one column off (seed 001) puts the 2020
        # template's level-2 成本指标 under 一级指标.
        if l2 in LEVEL1_IN_2021 and nxt is not None and LEVEL2_PARENT.get(level2_of(nxt.text)) == l2:
            l1 = l2
        # "满意度指标" names both levels: level 1 unless already under 满意度 with no level 2 after it.
        repeats = l1 == "满意度指标" and self.levels["l1"] == "满意度指标" and not (nxt and level2_of(nxt.text))
        if l1 and not repeats:
            self._open_level1(l1, declared_weight(c.text), c.loc)
            return True
        if l2:
            if LEVEL2_PARENT.get(l2) == "满意度指标" and self.levels["l1"] != "满意度指标":
                self._open_level1("满意度指标", None, c.loc)
            self._open_level2(l2, declared_weight(c.text), c.loc)
            return True
        return False

    def _open_heading(self, key: str, cell: Cell) -> None:
        name = clean(cell.text)
        w = declared_weight(cell.text)
        if key == "l1":
            self._open_level1(level1_of(cell.text) or _heading_name(name), w, cell.loc)
        else:
            self._open_level2(level2_of(cell.text) or _heading_name(name), w, cell.loc)

    def _open_level1(self, name: str, weight, loc: str) -> None:
        self.levels.update(l1=name, l2="")
        key = (1, name, "")
        sections = self.table.sections
        if key not in sections:
            sections[key] = _section(1, name, "", weight, loc)
        elif weight is not None and sections[key]["weight"] is None:
            sections[key]["weight"] = weight

    def _open_level2(self, name: str, weight, loc: str) -> None:
        self.levels["l2"] = name
        key = (2, name, self.levels["l1"])
        if key not in self.table.sections:
            self.table.sections[key] = _section(2, name, self.levels["l1"], weight, loc)

    def _numbers_only(self, placed: C.Placed, heading: bool, row: Row) -> None:
        """Only numbers beside a heading: an unused category ("经济效益指标 … 0") or a heading
        row carrying its section's 分值/得分 ("产出指标 | … | 50 | 45"), not an indicator."""
        weight = placed.get("weight")
        if not heading or weight is None:
            return
        w, _ = number_and_decimals(weight.text)
        key = (2, self.levels["l2"], self.levels["l1"]) if self.levels["l2"] else (1, self.levels["l1"], "")
        section = self.table.sections.get(key)
        if section is not None and section["weight"] is None and w:
            section["weight"], section["loc"] = w, weight.loc

    def _unplaced(self, cells: list[Cell], row: Row) -> None:
        if any(C.cell_kind(c.key) in ("num", "pct", "value") for c in cells):
            self._layout_note(cells, row)

    def _layout_note(self, cells: list[Cell], row: Row) -> None:
        names = "、".join(f"“{clean(c.text)}”（{c.loc}）" for c in cells)
        self.table.notes.append(note(
            "PARSE.LAYOUT", self.grid.path, f"本行 {names} 无法对应到表头栏目，未作核查",
            f"cells {names} fit no column of the header; not checked", location=row.loc))

    # --- the 总分 row ------------------------------------------------------------------------
    def _total_row(self, row: Row) -> None:
        t = self.table
        t.complete = True
        t.last_loc = row.loc
        cells = row.nonempty()
        label = cells[0]
        t.total["label_weight"] = declared_weight(label.text)
        nums = [c for c in cells[1:] if C.cell_kind(c.key) == "num"]
        grades = [c for c in cells if c.key in GRADES]
        if grades:
            t.total["grade"] = grades[0]
        t.total.update(_total_fields(nums, t.cmap, label.key, [row.cells.index(c) for c in nums]))
        self.mode = "after"


def _total_fields(nums: list[Cell], cmap: C.ColumnMap | None, label: str, positions: list[int]) -> dict:
    """The 总分 row's numbers under 分值 / 得分 / 复核分, in the order the form prints them."""
    fields = [f for f in ("weight", "score", "review") if cmap is not None and cmap.has(f)] or ["score"]
    if not nums:
        return {}
    if cmap is not None and cmap.has(fields[0]):
        fields.sort(key=cmap.index)   # 得分 may come before 分值
        under = {cmap.index(f): f for f in fields}
        if len(nums) > 1 and all(p in under for p in positions):  # each number under its own column
            return {under[p]: n for p, n in zip(positions, nums)}
    if len(nums) == 1 and len(fields) > 1:
        if "得分" in label or "score" not in fields:
            return {"score" if "score" in fields else fields[-1]: nums[0]}
        nearest = min(fields, key=lambda f: (abs(cmap.index(f) - positions[0]), f != "score"))
        return {nearest: nums[0]}
    return dict(zip(fields, nums))


def _left_empty(name: str, placed: C.Placed) -> bool:
    """An indicator row written "无" (or "/", "—") throughout: nothing to check, not a missing score."""
    key = squash(name)
    if not key or key not in EMPTY:
        return False
    return all(c is None or c.key in EMPTY for c in map(placed.get, ("target", "actual", "weight", "score", "review")))


def _target(placed: C.Placed) -> Cell | None:
    """年度指标值 read with its split columns: 指标性质 (≥ ≤ =, 正向/反向) + 指标值 + 度量单位."""
    value = placed.get("target")
    op, unit = placed.get("op"), placed.get("unit")
    if op is None and unit is None:
        return value
    parts = []
    if op is not None:
        parts.append(OP_WORDS.get(op.key, op.key))
    if value is not None:
        parts.append(value.text.strip())
    if unit is not None and value is not None and not value.key.endswith(unit.key):
        parts.append(unit.text.strip())
    text = "".join(parts)
    loc = (value or op or unit).loc
    return Cell(text, loc) if value is not None else None


def _heading_name(text: str) -> str:
    from checker.recognise.labels import strip_weight
    return strip_weight(text) or text


def _section(level: int, name: str, parent: str, weight, loc: str) -> dict:
    return {"level": level, "name": name, "parent": parent, "weight": weight, "loc": loc, "complete": True}


def _value_after(row: Row, label: str) -> str:
    """The value printed after a label: in the same cell ("单位名称:某局") or the next filled one."""
    for i, c in enumerate(row.cells):
        if c.key.startswith(label):
            return _after(row, i, label)
    return ""


def _labelled(row: Row, labels: tuple[str, ...]) -> str:
    """The value after the first cell that starts with one of ``labels`` (longest label first)."""
    ordered = sorted(labels, key=len, reverse=True)
    for i, c in enumerate(row.cells):
        label = next((lab for lab in ordered if c.key.startswith(lab)), None)
        if label:
            return _after(row, i, label)
    return ""


def _after(row: Row, i: int, label: str) -> str:
    pattern = re.compile(r"^\s*" + r"\s*".join(map(re.escape, label)) + r"\s*[:：]?\s*")
    rest = pattern.sub("", clean(row.cells[i].text), count=1).strip()
    if rest:
        return rest
    return next((clean(d.text) for d in row.cells[i + 1:] if d.key), "")


def _split_code(text: str) -> tuple[str, str]:
    m = re.match(r"^\s*[\[【(（]?\s*(\d{1,9})\s*[\]】)）]?\s*[-—－_ ]?\s*(.+)$", text)
    return (m.group(1), m.group(2).strip()) if m else ("", text.strip())
