"""Grid -> evaluation rubric (绩效评价评分表).

Rubrics come from Word tables, so columns are regular: the header row names them
(一级/二级/三级指标, 分值, 指标解释/评分要点, 评分标准, 评分说明, 自评分/得分) and is read
into a column map like every other form; each row is then read by position.  A heading
cell ("决策（5分）", "决\\n策") opens a level-1 or level-2 section; a blank heading cell
continues the one above.  Rows labelled 合计, 加分项 and 总分 carry the totals.
"""

from __future__ import annotations

import re
from pathlib import Path

from checker.grid import Cell, Grid, Row
from checker.lexicon import LEXICON
from checker.model import note
from checker.recognise import FileModel, project_id
from checker.recognise import columns as C
from checker.recognise import records as R
from checker.recognise.labels import clean, declared_weight, is_noise_row, is_number, number_and_decimals, strip_weight

RUBRIC_SUBTOTAL = LEXICON.words("rubric_rows", "subtotal")
RUBRIC_TOTAL = LEXICON.words("rubric_rows", "total")
YEAR = re.compile(r"(20\d\d)\s*年")
GRADE = re.compile(r"(?:评价)?等级\s*[为:：]?\s*[“\"]?(优秀?|良好?|中等?|差|合格|不合格)")
NAME_FIELDS = {"name", "l2"}
RULE_FIELDS = {"weight", "method", "explain", "score"}


HEADER_ROWS = 30   # a rubric's header is among the first rows of its sheet


def is_header(fields: set) -> bool:
    """Do a row's fields (``columns.field_of`` of its cells) make a rubric's header?"""
    return bool(fields & NAME_FIELDS) and len(fields & RULE_FIELDS) >= 2 and "actual" not in fields


def _header_index(grid: Grid) -> int | None:
    for n, row in enumerate(grid.rows[:HEADER_ROWS]):
        if is_header({C.field_of(c.key) for c in row.cells if c.key}):
            return n
    return None


def _heading(text: str) -> tuple[str, float | None]:
    """'决策（5分）' -> ('决策', 5); '项目管理\\n…\\n项目管理' (a merged cell read twice) -> '项目管理'."""
    s = strip_weight(text)
    for p in range(2, len(s) // 2 + 1):
        if len(s) % p == 0 and s == s[:p] * (len(s) // p):
            s = s[:p]
            break
    return s, declared_weight(text)


def recognise(path: str, grids: list[Grid], file_no: int) -> FileModel:
    fm = FileModel(path=path, kind="rubric")
    open_reader: RubricReader | None = None   # a rubric not yet at its 合计/总分
    for grid in grids:
        h = _header_index(grid)
        if h is not None:
            if open_reader is not None:
                open_reader.finish()
            open_reader = RubricReader(fm, path, grid, h, project_id(file_no, len(fm.projects) + 1))
            open_reader.read_rows(grid.rows[h + open_reader.cmap.rows:])
        elif open_reader is not None and open_reader.fits(grid):
            open_reader.read_rows(grid.rows)   # a Word table going on after a page, without its header
        if open_reader is not None and open_reader.totalled:
            open_reader.finish()
            open_reader = None
    if open_reader is not None:
        open_reader.finish()
    return fm


class RubricReader:
    def __init__(self, fm: FileModel, path: str, grid: Grid, header: int, pid: str):
        self.fm, self.path, self.grid, self.header, self.pid = fm, path, grid, header, pid
        self.cmap = C.read_header(grid.rows, header)
        self.cols = {c.field: c.index for c in self.cmap.columns}
        self.l1 = self.l2 = ""
        self.items = 0
        self.totalled = False
        self.last_loc = grid.rows[header].loc
        title = next((clean(r.texts[0]) for r in grid.rows[:header] if r.nonempty()), "")
        title_text = " ".join(clean(t) for r in grid.rows[:header] for t in r.texts if t.strip())
        m = YEAR.search(title_text)
        name = re.sub(r"(项目)?(支出)?绩效(自评|评价)?(评分)?(指标)?(计分)?表$", "", title).strip() or title
        self.project = R.project(pid, path, len(fm.projects) + 1, name or Path(path).stem, "rubric",
                                 grid.rows[0].loc if grid.rows else "", year=float(m.group(1)) if m else None,
                                 sheet=grid.name, has_reason_column=True,
                                 has_weight_column="weight" in self.cols, has_score_column="score" in self.cols)

    def fits(self, grid: Grid) -> bool:
        """A grid with no header of its own whose rows are as wide as this rubric's columns."""
        width = max((len(r.cells) for r in grid.rows), default=0)
        return width >= max(c.index for c in self.cmap.columns) + 1

    def read_rows(self, rows: list[Row]) -> None:
        for row in rows:
            texts = [c.key for c in row.cells]
            nonempty = [t for t in texts if t]
            if is_noise_row(texts) or (len(nonempty) == 1 and is_number(nonempty[0]) and len(row.cells) <= 2):
                continue  # blank, a page number, a converter's comment
            if self.cmap.repeated_by(row):
                continue  # the header again, where the table goes on over a page
            self._grade(row)
            if self._total(row, nonempty[0]):
                self.totalled = True
            else:
                self.last_loc = row.loc
                self._row(row)

    def finish(self) -> None:
        p = self.project
        if not self.totalled:
            self._incomplete()
        if p["total_score"] is None and p["subtotal_score"] is not None:
            p.update(total_score=p["subtotal_score"], total_score_dec=p["subtotal_score_dec"],
                     total_loc=p["subtotal_loc"])
        self.fm.projects.append(p)
        self.fm.layouts.append({"project_id": self.pid, "name": p["name"], "indicators": self.cmap, "funds": None})

    def _incomplete(self) -> None:
        """No 合计 or 总分 row: the rubric stops early; its open sections are not whole."""
        self.project.update(complete=False, stops_at=self.last_loc)
        self.fm.notes.append(note("PARSE.INCOMPLETE", self.path, "止于评分指标", "ends in the scoring rows",
                                  project_id=self.pid, location=self.last_loc))
        for s in self.fm.sections:
            if s["project_id"] == self.pid and (s["level"], s["name"]) in ((1, self.l1), (2, self.l2)):
                s["complete"] = False

    def get(self, row: Row, key: str) -> Cell | None:
        i = self.cols.get(key)
        return row.cells[i] if i is not None and i < len(row.cells) else None

    def _grade(self, row: Row) -> None:
        m = next((GRADE.search(c.key) for c in row.cells if GRADE.search(c.key)), None)
        if m:
            self.project["grade"], self.project["grade_loc"] = m.group(1)[:1], row.loc

    def _total(self, row: Row, first: str) -> bool:
        """合计 (before 加分项) and 总分 rows: 分值, 得分 and 复核分 read under their columns."""
        subtotal = first.startswith(RUBRIC_SUBTOTAL) or first == "总计"
        if not subtotal and not first.startswith(RUBRIC_TOTAL):
            return False
        values = self._total_values(row)
        p = self.project
        if subtotal and "weight" in values:
            p["total_weight"] = number_and_decimals(values["weight"].text)[0]
        targets = {"score": ("subtotal_score", "subtotal_score_dec", "subtotal_loc") if subtotal
                   else ("total_score", "total_score_dec", "total_loc"),
                   "review": ("review_total", "review_total_dec", "review_total_loc")}
        for field, (value, dec, loc) in targets.items():
            cell = values.get(field)
            if cell is not None:
                p[value], p[dec] = number_and_decimals(cell.text)
                p[loc] = cell.loc
        return True

    def _total_values(self, row: Row) -> dict[str, Cell]:
        """By column where the row's numbers sit under 分值/得分/复核分, else in the order printed."""
        by_column = {f: c for f in ("weight", "score", "review") if (c := self.get(row, f)) is not None
                     and is_number(c.text)}
        if "score" in by_column:
            return by_column
        nums = [c for c in row.cells if is_number(c.text)]
        if not nums:
            return {}
        if "review" in self.cols and len(nums) >= 3:
            return {"weight": nums[0], "score": nums[-2], "review": nums[-1]}
        return {"weight": nums[0], "score": nums[-1]}

    def _row(self, row: Row) -> None:
        keys = [c.key for c in row.cells]
        bonus = any("加分" in t for t in keys[: self.cols.get("name", 3)])
        if not bonus:
            self._headings(row)
        name_cell, weight_cell = self.get(row, "name"), self.get(row, "weight")
        if name_cell is None or not name_cell.key:
            self._heading_weight(row, weight_cell, bonus)
            return
        self.items += 1
        name, named_weight = _heading(name_cell.text)
        source = "column" if weight_cell is not None and weight_cell.key else ""
        if not source and named_weight is not None:   # "目标内容（4分）": the weight in the name
            weight_cell, source = Cell(f"{named_weight:g}", name_cell.loc), "heading"
        method, note, explain = self.get(row, "method"), self.get(row, "note"), self.get(row, "explain")
        rec = R.indicator(self.pid, self.items, "加分项" if bonus else self.l1, "" if bonus else self.l2,
                          clean(name_cell.text) if source != "heading" else name, row.loc, weight=weight_cell,
                          score=self.get(row, "score"), review=self.get(row, "review"),
                          method=(method.text.strip() if method else "") or (explain.text.strip() if explain else ""),
                          note=note.text.strip() if note else "", bonus=bonus, weight_source=source)
        self.fm.indicators.append(rec)

    def _headings(self, row: Row) -> None:
        for key, level in (("l1", 1), ("l2", 2)):
            cell = self.get(row, key)
            if cell is None or not cell.key:
                continue
            name, weight = _heading(cell.text)
            if level == 1:
                if name != self.l1:
                    self.l1, self.l2 = name, ""
                parent = ""
            else:
                self.l2, parent = name, self.l1
            self._section(level, name, parent, weight, cell.loc)

    def _heading_weight(self, row: Row, weight_cell: Cell | None, bonus: bool) -> None:
        """A heading row: its 分值 cell declares the weight of the deepest heading in it."""
        declared, _ = number_and_decimals(weight_cell.text if weight_cell else "")
        opened = [(lvl, cell) for key, lvl in (("l2", 2), ("l1", 1))
                  if (cell := self.get(row, key)) is not None and cell.key]
        if declared is None or not opened or bonus:
            return
        level = opened[0][0]
        name = self.l2 if level == 2 else self.l1
        for sec in self.fm.sections:
            if sec["project_id"] == self.pid and sec["level"] == level and sec["name"] == name \
                    and sec["weight"] is None:
                sec["weight"], sec["loc"] = declared, weight_cell.loc

    def _section(self, level, name, parent, weight, loc) -> None:
        for s in self.fm.sections:
            if s["project_id"] == self.pid and (s["level"], s["name"], s["parent"]) == (level, name, parent):
                if s["weight"] is None and weight is not None:
                    s["weight"], s["loc"] = weight, loc
                return
        self.fm.sections.append(R.section(self.pid, level, name, parent, weight, loc))
