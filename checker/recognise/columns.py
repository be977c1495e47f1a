"""One column model for every recogniser: header words → fields, data rows → fields.

Forms put the same column under many words and in many orders (DOMAIN §6):
分值 / 权重 / 指标分值 before or after 年度指标值, 年度指标值 split over 指标性质 | 指标值 |
度量单位, 得分 over 自评分 | 复核分, no 分值 column at all.  Everything a recogniser
knows about columns lives here:

* ``INDICATOR_HEADERS`` and ``FUND_HEADERS`` — header synonyms → fields, in one table a
  newcomer can extend (first match wins, so the more specific words come first);
* ``read_header`` — one or two header rows merged into a ``ColumnMap`` (which column holds
  which field, and the header cells not understood);
* ``align`` — a data row's cells placed under the map: by column index where the reader
  kept every cell, otherwise by an order-preserving alignment that respects what each field
  can hold (an operator belongs to a target, a 分值 is a plain number, a 偏差原因 is text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from checker.grid import Cell, Row, squash
from checker.lexicon import LEXICON
from checker.recognise.labels import declared_weight, level1_of, level2_of, strip_weight
from checker.values import parse_value

# --- header synonyms (checker/lexicon/columns.yaml, funds.yaml) ---------------------------
# (field, fragments of the squashed header text).  Order matters: "得分计算方法" is a
# method before it is a score, "未完成原因" a note before it is an actual, "年初预算数" an
# initial budget before it is a budget.
INDICATOR_HEADERS: tuple[tuple[str, tuple[str, ...]], ...] = LEXICON.table("indicator_columns")
FUND_HEADERS: tuple[tuple[str, tuple[str, ...]], ...] = LEXICON.table("fund_columns")
# Headers that name the indicator only where no column is headed as its name (see _name_column).
NAME_WITHOUT_NAME = LEXICON.words("column_roles", "name_without_name")
# Header cells that label a block rather than a column; never reported as not understood.
BLOCK_LABELS = LEXICON.words("column_roles", "block_label")
BLOCK_COLUMNS = frozenset(LEXICON.words("column_roles", "block_column"))

_DIGIT = re.compile(r"\d")
MULTI = {"target", "actual", "note", "method", "explain", "label", "unknown"}  # fields that may span several cells
VALUE_FIELDS = ("target", "actual", "weight", "score", "review")


@lru_cache(maxsize=65536)
def field_of(key: str, table: tuple[tuple[str, tuple[str, ...]], ...] = INDICATOR_HEADERS) -> str | None:
    """The field a squashed header cell names, or None."""
    if not key:
        return None
    text = strip_weight(key) or key
    for name, fragments in _patterns(table):
        if fragments.search(text):
            return name
    return None


@lru_cache(maxsize=8)
def _patterns(table: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[tuple[str, re.Pattern], ...]:
    """Each field's fragments as one pattern: one search per field instead of one per fragment."""
    return tuple((name, re.compile("|".join(map(re.escape, fragments)) or "(?!)")) for name, fragments in table)


@dataclass
class Column:
    field: str
    index: int          # column index of the header cell
    header: str         # the header text as printed (both rows when merged)
    loc: str
    scale: float | None = None   # a money column's own unit in 元, where its header names one ("（元）")


@dataclass
class ColumnMap:
    """Which column holds which field, from one or two header rows."""
    columns: list[Column]
    unknown: list[Cell] = field(default_factory=list)   # header cells not understood
    rows: int = 1                                        # header rows consumed
    declared: list[tuple[str, float, str]] = field(default_factory=list)  # (label, weight, loc) in header cells
    words: frozenset[str] = frozenset()                  # the header rows' cells, squashed

    def repeated_by(self, row: Row) -> bool:
        """The header printed again where the table goes on over a page (Word, PDF): every filled
        cell of the row is one of the header's words — a header word of this map, or any word that
        names a column (a second block's header may use other words for the same columns) — or a
        block label with its weight leading the row again ("年度绩效目标2(40分) | 一级指标 | …": the
        second block of a 20/80 form).  Asked of every indicator row: the first cell that is none of
        these answers no."""
        keys = [c.key for c in row.cells if c.key]
        words = 0
        for k in keys:
            if k in self.words:
                words += 1
            elif not _DIGIT.search(k):
                if field_of(k) is None:
                    return False   # no digit, so no weight: neither a header word nor a block label
                words += 1
            elif declared_weight(k) is None or level1_of(k) or level2_of(k):
                return False
        return words >= 2

    def has(self, name: str) -> bool:
        return any(c.field == name for c in self.columns)

    def index(self, name: str) -> int | None:
        return next((c.index for c in self.columns if c.field == name), None)

    @property
    def fields(self) -> list[str]:
        return [c.field for c in self.columns]

    def describe(self) -> list[dict]:
        return [{"field": c.field, "column": c.index + 1, "header": c.header, "loc": c.loc} for c in self.columns]


Fields = dict[int, tuple[str, str, str]]   # column index -> (field, header as printed, loc)


def read_header(rows: list[Row], at: int, table=INDICATOR_HEADERS) -> ColumnMap:
    """The column map of the header at ``rows[at]``, merged with a sub-header row under it
    (指标性质 | 指标值 | 度量单位 under 年度指标值; 自评分 | 复核分 under 得分)."""
    top = rows[at].cells
    fields, unknown, declared = _top_row(top, table)
    sub = rows[at + 1].cells if at + 1 < len(rows) else []
    used = 1
    if _is_sub_header(top, sub, table):
        used = 2
        unknown = _merge_sub_header(top, sub, table, fields, unknown)
    # Two columns naming the same field: the first keeps it, unless the later is a sub-header
    # refinement (the 年度指标值 parent gives way to its 指标值 child).
    _dedupe(fields)
    # A column nobody knows keeps its cells to itself: they are not read, and not guessed into
    # a neighbouring field.
    for c in unknown:
        fields.setdefault(top.index(c), ("unknown", c.text.strip(), c.loc))
    columns = [Column(f, i, h, loc) for i, (f, h, loc) in sorted(fields.items())]
    if not any(c.field == "name" for c in columns):
        _name_column(columns)
    words = frozenset(c.key for r in rows[at:at + used] for c in r.cells if c.key)
    return ColumnMap(columns=columns, unknown=unknown, rows=used, declared=declared, words=words)


def _name_column(columns: list[Column]) -> None:
    """No column is headed as the indicator's name.  具体指标 beside a 三级指标 explains it (a rubric's
    column); alone, it is the name.  Otherwise a two-level table: the 二级 column names the items."""
    named = next((c for c in columns if c.field == "explain" and squash(c.header) in NAME_WITHOUT_NAME), None)
    named = named or next((c for c in columns if c.field == "l2"), None)
    if named is not None:
        named.field = "name"


def _top_row(top: list[Cell], table) -> tuple[Fields, list[Cell], list[tuple[str, float, str]]]:
    """Fields the header row names, the cells it does not understand, and weights its block labels
    declare ("年度绩效目标 (80分)")."""
    fields: Fields = {}
    unknown: list[Cell] = []
    declared = []
    for i, c in enumerate(top):
        if c.key in BLOCK_COLUMNS:
            continue   # 项目权重 heads the blocks' labels (项目决策2分, 项目绩效85分), not a 分值 column
        f = field_of(c.key, table)
        if f:
            fields[i] = (f, c.text.strip(), c.loc)
            continue
        if not c.key:
            continue
        w = declared_weight(c.text)
        if w is not None and not (level1_of(c.text) or level2_of(c.text)):
            declared.append((strip_weight(c.key), w, c.loc))
        if not _is_block_label(c):
            unknown.append(c)
    return fields, unknown, declared


def _merge_sub_header(top: list[Cell], sub: list[Cell], table, fields: Fields, unknown: list[Cell]) -> list[Cell]:
    """The second header row refines the first: a child names its own field (指标值 under
    年度指标值), or completes a word broken over the two rows ("年度" over "指标值")."""
    for i, c in enumerate(sub):
        if not c.key:
            continue
        completed = _completes(top, i, c.key, table)
        f = field_of(c.key, table) or completed
        if not f:
            continue
        parent = fields.get(i)
        above = top[i].text.strip() if i < len(top) else ""
        if parent:
            header = f"{parent[1]}/{c.text.strip()}"
        else:
            header = above + c.text.strip() if completed else c.text.strip()
        fields[i] = (f, header, c.loc)
        unknown = [u for u in unknown if not (i < len(top) and u is top[i])]
    return unknown


def _dedupe(fields: dict[int, tuple[str, str, str]]) -> None:
    """Two columns naming one field: the first keeps it.  A second 分值 column after the first,
    where no 得分 column is named, is the score (rubrics print 分值 | … | 分值)."""
    seen: set[str] = set()
    has_score = any(f == "score" for f, _, _ in fields.values())
    for i in sorted(fields):
        f, header, loc = fields[i]
        if f == "weight" and f in seen and not has_score:
            fields[i] = ("score", header, loc)
            has_score = True
        elif f in seen and f not in MULTI:
            del fields[i]
        seen.add(fields[i][0] if i in fields else f)


def _is_block_label(c: Cell) -> bool:
    s = c.key
    return (any(s.startswith(b) or b in s for b in BLOCK_LABELS) or level1_of(c.text) is not None
            or level2_of(c.text) is not None or declared_weight(c.text) is not None)


def _is_sub_header(top: list[Cell], sub: list[Cell], table) -> bool:
    """A second header row: only header words (alone or completing the cell above), no data."""
    words = [(i, c) for i, c in enumerate(sub) if c.key]
    if len(words) < 2:
        return False
    for i, c in words:
        if re.search(r"\d", c.key):
            return False
        if not (field_of(c.key, table) or _completes(top, i, c.key, table)):
            return False
    return True


def _completes(top: list[Cell], i: int, key: str, table) -> str | None:
    """A header word broken over two rows ("年度" over "指标值"): the field of both together,
    only where the upper part names nothing by itself."""
    above = top[i].key if i < len(top) else ""
    if not above or field_of(above, table):
        return None
    return field_of(above + key, table)


# --- what a cell can hold ------------------------------------------------------------
OPERATOR_ONLY = re.compile(r"^(?:[≥≤=><]|>=|<=|≥=|\\geq|\\leq|"
                           + "|".join(map(re.escape, LEXICON.words("operator_words"))) + ")$")
PLAIN_NUMBER = re.compile(r"^[-+]?\d+(?:,\d{3})*(?:\.\d+)?分?[。.]?$")
_WEIGHT_ONLY = LEXICON.regex("noise", "weight_only")
PLACEHOLDER = set(LEXICON.words("placeholders", "empty")) - {"无"}   # 无 may be a value


@lru_cache(maxsize=65536)
def cell_kind(key: str) -> str:
    """num | pct | op | unit | value | tier | text | long | blank (a placeholder such as "—")."""
    if not key:
        return "blank"
    if key in PLACEHOLDER:
        return "blank"
    if OPERATOR_ONLY.match(key):
        return "op"
    if _WEIGHT_ONLY.fullmatch(key):
        return "head"   # "(30分)": a heading whose name was lost, only its weight left
    if PLAIN_NUMBER.match(key):
        return "num"
    if re.fullmatch(r"[-+]?\d+(?:\.\d+)?%", key):
        return "pct"
    v = parse_value(key)
    if v.kind in ("quantity", "percent", "date"):
        return "value"
    if v.kind == "tier":
        return "tier"
    if len(key) <= 4 and not re.search(r"\d", key) and _looks_like_unit(key):
        return "unit"
    return "long" if len(key) > 16 else "text"


_UNITS = frozenset(LEXICON.words("units", "unit"))
_PER_UNITS = LEXICON.words("units", "per")


def _looks_like_unit(key: str) -> bool:
    return key in _UNITS or key.startswith(_PER_UNITS)


INF = float("inf")
# Cost of a cell kind under a field: 0 natural, ~1 plausible, 2–3 unlikely, INF impossible.
TYPE_COST: dict[str, dict[str, float]] = {
    "name":    {"num": 2.5, "pct": 2.5, "op": INF, "unit": 3, "value": 1.5, "tier": 1.5, "text": 0, "long": 0},
    "target":  {"num": 0.3, "pct": 0, "op": 1.0, "unit": 1.5, "value": 0, "tier": 0.3, "text": 0.2, "long": 0.5},
    "actual":  {"num": 0, "pct": 0, "op": INF, "unit": 1.5, "value": 0.2, "tier": 0, "text": 0.2, "long": 0.5},
    "weight":  {"num": 0, "pct": 0.5},
    "score":   {"num": 0, "pct": 1.0},
    "review":  {"num": 0, "pct": 1.0},
    "op":      {"op": 0},
    "unit":    {"unit": 0, "text": 1.0},
    "method":  {"num": 3, "pct": 3, "unit": 3, "value": 2, "tier": 2, "text": 0.3, "long": 0},
    "explain": {"num": 3, "pct": 3, "unit": 3, "value": 2, "tier": 2, "text": 0.3, "long": 0},
    "note":    {"num": 1.0, "pct": 2, "unit": 3, "value": 1, "tier": 1, "text": 0, "long": 0},
    "label":   {"text": 0, "long": 0, "tier": 1, "value": 2, "unit": 2},
    "l1":      {"text": 1.2, "long": 1.5, "head": 0},
    "l2":      {"text": 1.2, "long": 1.5, "head": 0.5},
    "unknown": {k: 0.0 for k in ("num", "pct", "op", "unit", "value", "tier", "text", "long", "head")},
}
for _f in ("budget_initial", "budget", "spent"):
    TYPE_COST[_f] = {"num": 0, "value": 0.5}
TYPE_COST["rate"] = {"pct": 0, "num": 0.3, "value": 0.5}


def type_cost(kind: str, field_name: str) -> float:
    if kind == "blank":
        return 0.0
    return TYPE_COST.get(field_name, {}).get(kind, INF)


# How far a cell's column index is trusted, by grid layout: (shifts tried, cost per column
# of displacement for a name, for anything else, cost per column of shift).
TRUST = {
    "cells": ((0, 1, -1, 2, -2), 0.5, 2.5, 0.5),
    "tabs": ((0, 1, -1, 2, -2), 0.3, 2.0, 0.3),
    "spaces": ((0,), 0.02, 0.05, 0.0),
    "lines": ((0,), 0.02, 0.05, 0.0),
}
SKIP = 3.0          # a cell that fits nowhere
FIT = 1.0           # the most a cell may cost to be placed by position alone


@dataclass
class Placed:
    """A row's cells under their fields; ``unplaced`` are cells that fit no field, ``moved`` the cells
    placed under another column than the one their position lies under (a shifted row)."""
    cells: dict[str, list[Cell]]
    unplaced: list[Cell]
    cost: float = 0.0
    moved: list[Cell] = field(default_factory=list)

    def get(self, name: str) -> Cell | None:
        """The field's cell (several cells of one field joined, "≥" + "735" + "人次")."""
        cs = self.cells.get(name)
        if not cs:   # most fields asked for are not in the row
            return None
        if len(cs) == 1:  # the usual case: one cell, no list to filter
            return cs[0] if cell_kind(cs[0].key) != "blank" else None
        cs = [c for c in cs if cell_kind(c.key) != "blank"]
        if not cs:
            return None
        if len(cs) == 1:
            return cs[0]
        sep = "" if name in ("target", "actual") else "\n"
        return Cell(sep.join(c.text.strip() for c in cs), cs[0].loc)

    def has(self, name: str) -> bool:
        return self.get(name) is not None


def align(cells: list[tuple[int, Cell]], cmap: ColumnMap, layout: str, fields: list[str] | None = None) -> Placed:
    """Place a row's cells (column index, cell) under the map's fields.

    By position when every cell sits in a column whose field can hold it; otherwise by the
    cheapest order-preserving alignment (cell kinds against fields, displacement from the
    header's columns, one shift per row for text whose rows lost or gained a leading cell).
    """
    cols, spans = _columns(tuple((c.field, c.index) for c in cmap.columns), None if fields is None else tuple(fields))
    if not cells or not cols:
        return Placed({}, [c for _, c in cells])
    kinds = [cell_kind(c.key) for _, c in cells]
    exact = _by_position(cells, kinds, cols, spans)
    if exact is not None:
        return exact
    return _cheapest(cells, kinds, cols, spans, TRUST.get(layout, TRUST["tabs"]))


@lru_cache(maxsize=4096)
def _columns(columns: tuple[tuple[str, int], ...], fields: tuple[str, ...] | None) -> tuple[tuple[Column, ...], dict]:
    """The map's columns (field, index) a row is placed under, and for each column index the
    position among them of the column whose span holds it: a field spans the blank header cells
    up to the next mapped column (a merged header); the last field spans only its own column.
    Worked out once per map, not for every cell of every row."""
    cols = tuple(Column(f, i, "", "") for f, i in columns if fields is None or f in fields or f == "unknown")
    spans: dict[int, int] = {}
    for k, c in enumerate(cols):
        hi = cols[k + 1].index - 1 if k + 1 < len(cols) else c.index
        for pos in range(c.index, hi + 1):
            spans.setdefault(pos, k)   # the first column whose span holds it
    return cols, spans


_NO_COSTS: dict[str, float] = {}


def _by_position(cells, kinds, cols, spans) -> Placed | None:
    out: dict[str, list[Cell]] = {}
    for i, ((pos, cell), kind) in enumerate(zip(cells, kinds)):
        k = spans.get(pos)
        if k is None:
            return None
        name = cols[k].field
        if kind != "blank" and TYPE_COST.get(name, _NO_COSTS).get(kind, INF) > FIT:  # type_cost, inlined
            return None
        if name in out and kind != "blank" and not _may_join(name, kinds, i):
            return None
        out.setdefault(name, []).append(cell)
    return Placed(out, [])


def _distance(pos: int, k: int, cols: list[Column]) -> int:
    lo = cols[k].index
    hi = cols[k + 1].index - 1 if k + 1 < len(cols) else lo
    if pos < lo:
        return lo - pos
    return max(0, pos - hi)


def _cheapest(cells, kinds, cols, spans, trust) -> Placed:
    shifts, lam_name, lam, lam_shift = trust
    best: Placed | None = None
    for s in shifts:
        placed = _dp(cells, kinds, cols, s, lam_name, lam, spans)
        placed.cost += abs(s) * lam_shift
        if best is None or placed.cost < best.cost - 1e-9:
            best = placed
    return best


def _may_join(field_name: str, kinds: list[str], i: int) -> bool:
    """May cell i join the cell before it in one field?  Text fields take any run of cells; a
    target or actual takes an operator, one figure and a unit ("≥" "735" "人次"), never two
    figures ("460" "5" are an actual and a 分值)."""
    if field_name not in MULTI:
        return False
    if field_name not in ("target", "actual"):
        return True
    kind = kinds[i]
    return kind in ("unit", "text", "blank") or (kind in ("num", "pct", "value") and i > 0 and kinds[i - 1] == "op")


def _dp(cells, kinds, cols, shift, lam_name, lam, spans) -> Placed:
    """Order-preserving assignment of cells to columns (a column may take several cells only
    when its field is MULTI); minimal total cost, skipping a cell costs SKIP."""
    n, m = len(cells), len(cols)
    # cost[i][k]: cell i under column k
    cost = [[type_cost(kinds[i], cols[k].field)
             + (lam_name if cols[k].field == "name" else lam) * _distance(cells[i][0] + shift, k, cols)
             for k in range(m)] for i in range(n)]
    # state: best[k] = (cost, assignment list) with the last cell placed under column k (or -1: none yet)
    states: dict[int, tuple[float, tuple]] = {-1: (0.0, ())}
    for i in range(n):
        nxt: dict[int, tuple[float, tuple]] = {}
        for last, (c0, path) in states.items():
            # skip the cell
            cand = (c0 + SKIP, path + (None,))
            if last not in nxt or cand[0] < nxt[last][0]:
                nxt[last] = cand
            start = last if last >= 0 and _may_join(cols[last].field, kinds, i) else last + 1
            for k in range(max(start, 0), m):
                c = cost[i][k]
                if c == INF:
                    continue
                cand = (c0 + c, path + (k,))
                if k not in nxt or cand[0] < nxt[k][0]:
                    nxt[k] = cand
        states = nxt
    total, path = min(states.values(), key=lambda t: t[0])
    out: dict[str, list[Cell]] = {}
    unplaced, moved = [], []
    for (pos, cell), k in zip(cells, path):
        if k is None:
            unplaced.append(cell)
            continue
        out.setdefault(cols[k].field, []).append(cell)
        if spans.get(pos) != k:
            moved.append(cell)
    return Placed(out, unplaced, total, moved)
