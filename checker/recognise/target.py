"""Grid -> performance target tables (项目支出绩效目标表), several per file.

A table starts at its 项目名称 row: header rows (主管部门及代码, 实施单位, 项目来源, 项目期),
the funds block (年度资金总额, 其中财政拨款, 其他资金: one amount each, no column header),
the 年度目标 text, then indicator rows read under their header's column map like any other
form (三级指标 | 指标值 | 备注 …).  Extraction noise — markdown headings, "----" rows, heading
fragments ("度指", "满意"), signature lines between tables — is recognised and skipped.
Target tables have no 总分 row: a table ends where the next one's title begins.
"""

from __future__ import annotations

import re

from checker.grid import Cell, Grid, Row, squash
from checker.lexicon import LEXICON
from checker.recognise import FileModel, project_id
from checker.recognise import columns as C
from checker.recognise import records as R
from checker.recognise.labels import (
    DEPARTMENT_LABELS,
    PARENT_2021,
    UNIT_LABELS,
    clean,
    fund_line,
    fund_scale,
    level1_of,
    level2_of,
    number_and_decimals,
    period_months,
)
from checker.recognise.selfeval import GridReader, SelfEvalDoc, _first, _labelled, _split_code

FRAGMENTS = frozenset(LEXICON.words("column_fragments", "fragment"))
L1_FRAGMENTS = LEXICON.mapping("level1_cut")
PARENT = PARENT_2021
INDICATOR_BLOCK = LEXICON.words("blocks", "indicators")
TOTAL_LABEL = LEXICON.words("row_labels", "total")
NOTE_LABEL = LEXICON.words("row_labels", "note")
TIMELINESS = "时效指标"
SIGN_OFF_ROWS = LEXICON.words("sign_off_rows", "label")
BUDGET_FIELD = LEXICON.words("header", "budget_amount")
SOURCE_FIELD = LEXICON.words("header", "source")
PERIOD_FIELD = LEXICON.words("header", "period")
FUND_BLOCK = LEXICON.words("fund_block", "label")
MONEY_WORDS = LEXICON.words("fund_block", "money")
GOAL_LABEL = LEXICON.words("row_labels", "goal")
GOAL_CUT = LEXICON.words("row_labels", "goal_cut")
_GOAL_PREFIX = re.compile("^(?:" + "|".join(map(re.escape, sorted(GOAL_LABEL + GOAL_CUT, key=len, reverse=True)))
                          + r")\s*[:：]?\s*")


def _goal_label(first: str) -> bool:
    """A row that opens the goal: 年度目标, 总体目标, 项目绩效目标 … (or a label cut to 年度)."""
    return first.startswith(GOAL_LABEL + GOAL_CUT)
TARGET_FIELDS = ["l1", "l2", "name", "op", "target", "unit", "weight", "note"]
DEFAULT_HEADER = list(LEXICON.words("default_header"))


def _target_header(row: Row) -> bool:
    found = {C.field_of(c.key) for c in row.cells if c.key}
    return bool(found & {"name", "l2"}) and "target" in found and "actual" not in found


def _period_of_items(items: list[dict]) -> float | None:
    """The project's length where no 项目期 field gives it: a 时效 indicator whose value is a span
    of months ("各项费用使用周期 2020年1月--2020年11月" → 11)."""
    for it in items:
        if it.get("level2") == TIMELINESS and it.get("target") is not None:
            months = period_months(it["target"].text)
            if months:
                return months
    return None


def recognise(path: str, grids: list[Grid], file_no: int) -> FileModel:
    doc = SelfEvalDoc(listed=[], tables=[])
    TargetReader.read_grids(grids, doc)
    fm = FileModel(path=path, kind="target")
    for seq, t in enumerate(doc.tables, start=1):
        pid = project_id(file_no, seq)
        t.period_months = t.period_months or _period_of_items(t.items)
        fm.projects.append(R.project(
            pid, path, seq, t.name, "target", t.loc, department=t.department, department_code=t.department_code,
            unit=t.unit, year=t.year, sheet=t.sheet, goal=t.goal, fund_scale=t.fund_scale, source=t.source,
            period_months=t.period_months, has_weight_column=bool(t.cmap and t.cmap.has("weight")), has_header=t.named))
        fm.funds += [R.fund(pid, f["line"], f["label"], f["loc"], f["cells"], t.fund_scale, f["split"])
                     for f in t.funds]
        fm.sections += [{"project_id": pid, **s} for s in t.sections.values()]
        rows = [R.indicator(pid, it["seq"], it["level1"] or PARENT.get(it["level2"], ""), it["level2"],
                            it["name"], it["loc"], target=it["target"], weight=it["weight"],
                            note=clean(it["note"].text) if it["note"] is not None else "") for it in t.items]
        R.link_parts(rows)
        fm.indicators += rows
        fm.notes += [{**n, "project_id": pid} for n in t.notes]
        fm.layouts.append({"project_id": pid, "name": t.name, "indicators": t.cmap, "funds": None})
    return fm


class TargetReader(GridReader):
    """The self-evaluation reader's machinery with the target table's blocks."""

    fields = TARGET_FIELDS

    def _close(self) -> None:
        if self.table is not None and self.mode in ("header", "funds", "goal"):
            super()._close()             # cut off before its indicators: an excerpt, said once
        elif self.table is not None and self.mode != "after":
            self.table.complete = True   # a target table has no 总分 row to reach
            self.mode = "after"

    def _starts_block(self, rows: list[Row], n: int) -> bool:
        return _target_header(rows[n]) or super()._starts_block(rows, n)

    def _row(self, rows: list[Row], n: int, row: Row) -> None:
        first = _first(row)
        if self.table is not None and self.mode not in ("after", "preamble") and _between_tables(
                row, sign_off=self.mode != "header"):
            self._close()
            self._between(row, first)
            return
        if self.mode in ("header", "funds", "goal") and _target_header(row):
            self._indicator_header(rows, n)
            return
        super()._row(rows, n, row)

    def _header_row(self, rows, n, row, first) -> None:
        t = self.table
        t.last_loc = row.loc
        keys = "".join(c.key for c in row.cells)
        budget_field = any(c.key.startswith(BUDGET_FIELD) for c in row.cells)
        if budget_field:
            self._budget_field(row)   # "项目预算金额(万元) | 5652", often beside the department
        if any(w in keys for w in DEPARTMENT_LABELS + UNIT_LABELS):
            self._departments(row)
        elif any(w in keys for w in SOURCE_FIELD + PERIOD_FIELD):
            t.source = _labelled(row, SOURCE_FIELD)
            t.period_months = period_months(_labelled(row, PERIOD_FIELD))
        elif budget_field:
            return   # the row's other amounts (该项目支出上级资金 0) are no lines of that budget
        elif self._fund_line(row):
            self.mode = "funds"
        elif _goal_label(first):
            self._target_goal(row)
        elif self._starts_indicators(row):
            self._default_header(row)
            self._item(row)

    def _budget_field(self, row: Row) -> None:
        """The budget given as a header field: the table's total line, where it has none."""
        t = self.table
        cells = row.nonempty()
        at = next(k for k, c in enumerate(cells) if c.key.startswith(BUDGET_FIELD))
        amount = next((c for c in cells[at + 1:at + 2] if number_and_decimals(c.text)[0] is not None
                       or C.cell_kind(c.key) == "value"), None)
        if amount is None or any(f["line"] == "total" for f in t.funds):
            return
        t.fund_scale = fund_scale(cells[at].key) or t.fund_scale
        t.funds.append({"line": "total", "split": "total", "label": clean(cells[at].text), "loc": row.loc,
                        "cells": {"budget": amount}})

    def _funds_row(self, rows, n, row, first) -> None:
        self.table.last_loc = row.loc
        if self._fund_line(row):
            return
        if _goal_label(first):
            self._target_goal(row)
        elif self._starts_indicators(row):
            self._default_header(row)
            self._item(row)

    def _goal_row(self, rows, n, row, first) -> None:
        t = self.table
        t.last_loc = row.loc
        if self._starts_indicators(row):
            self._default_header(row)
            self._item(row)
        elif not t.goal:
            texts = [clean(c.text) for c in row.nonempty() if len(c.key) > 1]
            t.goal = max(texts, key=len) if texts else ""

    def _tail_row(self, rows, n, row, first) -> None:
        pass

    def _indicators_row(self, rows, n, row, first) -> None:
        if self._repeats_header(row):
            return
        if first.startswith(TOTAL_LABEL):   # 总分 / 合计 under the indicators: the table ends
            self._close()
            return
        if first.startswith(NOTE_LABEL) and len(row.nonempty()) == 1:   # "注:各地请根据实际情况…": the notes
            self._close()
            return
        if _target_header(row):   # the header itself, after a "绩效指标" heading opened the block
            self._indicator_header(rows, n)
            return
        self.table.last_loc = row.loc
        self._item(row)

    # --- target-table blocks ------------------------------------------------------------
    def _fund_line(self, row: Row) -> bool:
        """"项目资金 (万元) | 年度资金总额： | 86.00": one amount per line."""
        t = self.table
        labels = [c for c in row.nonempty() if not re.search(r"\d", c.key) or fund_line(c.text)]
        labels = [c for c in labels if not c.key.startswith(FUND_BLOCK) or fund_line(c.text)]
        kind = next((fund_line(c.text) for c in labels if fund_line(c.text) and not c.key.startswith(FUND_BLOCK)), None)
        joined = "".join(c.key for c in row.cells)
        # A line names money (资金, 财政, 补助 …) unless the block is open already: "其中:中央补助 | 50.29".
        if kind is None or not (any(w in joined for w in MONEY_WORDS) or t.funds):
            return False
        t.fund_scale = fund_scale("".join(c.key for c in row.cells)) or t.fund_scale
        line, split = kind
        amount = next((c for c in reversed(row.nonempty()) if number_and_decimals(c.text)[0] is not None
                       or C.cell_kind(c.key) == "value"), None)
        label = next(c for c in labels if fund_line(c.text) and "项目资金" not in c.key)
        # A line printed twice is read once; lines of one kind under their own labels are each a part
        # (自有资金, 事业收入, 经营性收入: all "other" money of the 2011 申报表).
        if not any(f["line"] == line and f["label"] == clean(label.text) for f in t.funds):
            t.funds.append({"line": line, "split": split, "label": clean(label.text), "loc": row.loc,
                            "cells": {"budget": amount}})
        return True

    def _target_goal(self, row: Row) -> None:
        t = self.table
        self.mode = "goal"
        cells = row.nonempty()
        first = _GOAL_PREFIX.sub("", clean(cells[0].text))
        texts = [x for x in [first] + [clean(c.text) for c in cells[1:]] if x and not _goal_label(squash(x))]
        t.goal = max(texts, key=len) if texts else ""

    def _starts_indicators(self, row: Row) -> bool:
        cells = row.nonempty()
        return bool(cells) and (level1_of(cells[0].text) is not None or level2_of(cells[0].text) is not None
                                or cells[0].key in L1_FRAGMENTS or cells[0].key in INDICATOR_BLOCK)

    def _default_header(self, row: Row) -> None:
        """Indicator rows with no header row: the usual four columns, placed by order."""
        if self.table.cmap is None:
            start = 1 if len(row.cells) > 4 else 0
            self.table.cmap = C.ColumnMap([C.Column(f, start + i, h, "")
                                           for i, (f, h) in enumerate(zip(["l1", "l2", "name", "target"],
                                                                          DEFAULT_HEADER))])
        self.mode = "indicators"

    # --- rows -----------------------------------------------------------------------------
    def _drop_noise(self, cells: list[tuple[int, Cell]]) -> list[tuple[int, Cell]]:
        """Heading fragments left by extraction ("度指", "满意"); a leading 满意 opens its heading."""
        kept = []
        for i, c in cells:
            if c.key in FRAGMENTS:
                continue
            if c.key in L1_FRAGMENTS and not kept:
                self._open_level1(L1_FRAGMENTS[c.key], None, c.loc)
                continue
            kept.append((i, c))
        return kept

    def _open_level2(self, name: str, weight, loc: str) -> None:
        parent = PARENT.get(name)
        if parent and self.levels["l1"] != parent:
            self._open_level1(parent, None, loc)
        super()._open_level2(name, weight, loc)

    def _new_item(self, placed: C.Placed, name: str, row: Row) -> dict | None:
        target = placed.get("target")
        if not name and target is not None and C.cell_kind(target.key) == "text" and not placed.has("actual"):
            # A lone word under 指标值 with nothing beside it: the name, shifted one cell right.
            return super()._new_item(C.Placed({"name": [target]}, []), clean(target.text), row)
        return super()._new_item(placed, name, row)


SIGN_OFF = LEXICON.regex("noise", "sign_off")


def _between_tables(row: Row, sign_off: bool = True) -> bool:
    """Text printed between two tables, or under the last: the next title, its year, the sign-off
    rows (项目负责人, 单位（盖章）, 财政部门…审核意见).  Not the sign-off words in a table's header block
    (``sign_off=False``), where 联系电话 and 项目负责人 are fields of the header (the 2011 申报表)."""
    cells = [c.key for c in row.cells if c.key]
    joined = "".join(cells)
    if "目标表" in joined and len(joined) < 40 or re.fullmatch(r"[(（]?20\d\d年度[)）]?", joined) is not None:
        return True
    return sign_off and (joined.startswith(SIGN_OFF_ROWS) or (bool(cells) and SIGN_OFF.search(cells[0]) is not None)
                         or any(re.fullmatch(r"[(（]盖章[)）]", k) for k in cells))


__all__ = ["recognise", "_split_code"]
