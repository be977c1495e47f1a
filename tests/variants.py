"""Metamorphic variants of the seeds and the published forms: the same form, written differently.

Each form of ``../shared/seeds`` and ``../shared/realforms`` (tab-separated text) is changed in a
way that keeps its meaning — header words swapped for other words jixiao reads as the same
column, value columns reordered, 年度指标值 split over two header rows, notes dropped, blank and
续表 rows inserted, a hidden scratch row or column, merged level-1 cells, percentages as formatted
fractions, numbers as text, full-width digits, a 封面 sheet in front — and written as txt, csv
(UTF-8 or GB18030), xlsx, ods, docx or PDF.  The findings of every variant must be those of the
form read as text: a difference is a misreading.

A variant is named ``form:transformation:format`` (``@k`` for the k-th repeat when a deep run asks
for more variants than there are pairs); its random choices come from a seed derived from that
name and the run's seed, so a name always builds the same file.  A pair that cannot keep the
meaning (a text file cannot hide a row) is skipped by name with the reason (``SKIP``); a form a
transformation does not apply to (no notes to drop) is skipped with the reason too.

Used by tests/test_variants.py (a seeded sample in CI) and scripts/variants.py (deeper runs).
"""

from __future__ import annotations

import csv
import html
import random
import re
import shutil
import subprocess
import unicodedata
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# ../shared beside the repository (a worktree of it sits one level deeper)
SHARED = next((p / "shared" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared" / "realforms").is_dir()),
              ROOT.parent / "shared")

Grid = list[list[str]]


# --- the forms ---------------------------------------------------------------------------------
def form_paths(shared: Path = SHARED) -> list[Path]:
    """The seeds, then the published forms (top folder, real2/, real3/), in a stable order; without
    ../shared, the copies in the repository (data/, tests/realforms/)."""
    if (shared / "realforms").is_dir():
        seeds = sorted((shared / "seeds").glob("*.txt"))
        real = shared / "realforms"
        return seeds + sorted(real.glob("r_*.txt")) + sorted(real.glob("real*/r*.txt"))
    seeds = {p.name[:3]: p for p in sorted((ROOT / "data").rglob("[0-9][0-9][0-9]_*.txt"))}
    return [seeds[k] for k in sorted(seeds)] + sorted((ROOT / "tests" / "realforms").glob("r*.txt"))


def form_name(path: Path) -> str:
    """A form's stable name: its file name, or seedNNN for a seed (whichever copy was read)."""
    return f"seed{path.name[:3]}" if re.match(r"\d{3}_", path.name) else path.stem


def load_grid(path: Path) -> Grid:
    """A form's rows of cells: one line a row, or — where the text has one cell a line (text
    copied out of Word, seeds 000 and 002) — the rows jixiao's text reader rebuilds."""
    from checker.readers.text import read_text

    lines = path.read_text(encoding="utf-8").splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    rebuilt = [[c.text for c in r.cells] for g in read_text(str(path)) for r in g.rows]
    if len(rebuilt) != sum(1 for line in lines if line.strip()):
        return rebuilt
    return [line.split("\t") for line in lines]


# --- the lexicon: the ONE place the generator asks jixiao which words mean the same thing -------
@dataclass(frozen=True)
class Lexicon:
    indicator: tuple[tuple[str, tuple[str, ...]], ...]   # field → header words of an indicator table
    fund: tuple[tuple[str, tuple[str, ...]], ...]        # field → header words of the funds block
    rows: dict[str, tuple[str, ...]]                     # row label → words printed for it


# Fragments in jixiao's tables that are cut words (extraction noise) or name another column as
# often as this one; never printed as a whole header by the generator.
NOT_A_WORD = {"年初预", "全年预", "全年执", "预算(A)", "一级", "二级", "三级", "说明", "评价指标", "具体指标", "分数",
              "符号", "评分", "完成情况", "年度指标", "指标值"}


def lexicon() -> Lexicon:
    """The header and label synonyms jixiao's recognisers read, from their own tables.

    The words are moving into ``checker/lexicon/``; repoint this one function when they do."""
    from checker.recognise import columns as C
    from checker.recognise import labels as L

    total_words = next(words for words, line, _ in L.FUND_LINE_WORDS if line == "total")
    return Lexicon(indicator=C.INDICATOR_HEADERS, fund=C.FUND_HEADERS, rows={
        "项目名称": tuple(w for w in L.PROJECT_NAME_LABELS if "部门" not in w and "单位" not in w),
        "主管部门": tuple(w for w in L.DEPARTMENT_LABELS if w in ("主管部门", "主管单位")),
        "实施单位": L.UNIT_LABELS,
        "年度资金总额": ("年度资金总额", *(w for w in total_words if w in ("资金总额", "合计", "总计"))),
    })


def squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def _bare(text: str) -> str:
    """A header without its weight and trailing (A)/(B/A) marks: '全年预算数(A)' → '全年预算数'."""
    return re.sub(r"[(（][^()（）]*[)）]$", "", squash(text).rstrip(":：")) or squash(text)


@lru_cache(maxsize=1 << 16)
def field_of(text: str, table) -> str | None:
    """The field a header cell names under ``table`` — first match wins, as in the recogniser."""
    s = _bare(text)
    if not s or len(s) > 14 or re.search(r"\d", s) or s in _block_columns() or s.startswith(_block_labels()):
        return None   # 项目权重 heads block labels, not weights: a synonym of 权重 would change the form
    return next((name for name, words in table if any(w in s for w in words)), None)


def _block_columns() -> frozenset[str]:
    from checker.recognise.columns import BLOCK_COLUMNS
    return BLOCK_COLUMNS


def _block_labels() -> tuple[str, ...]:
    """Labels of a funds block (年度预算申请（万元）): never a column to rename."""
    from checker.lexicon import LEXICON
    return LEXICON.words("fund_block", "label")


def words_for(fieldname: str, table) -> list[str]:
    """Whole words for ``fieldname`` that read back as it."""
    words = next((w for name, w in table if name == fieldname), ())
    return [w for w in words if w not in NOT_A_WORD and field_of(w, table) == fieldname]


# --- the shape of a form: where its header rows and indicator tables are -------------------------
HIERARCHY = {"l1", "l2", "name", "explain"}
VALUES = {"weight", "score", "target", "actual", "review"}
NOTE_STARTS = ("注", "备注", "说明", "填表说明", "填报说明")
TOTAL_STARTS = ("总分", "合计", "总计", "得分合计", "综合得分", "自评总分", "评价总分")


def blank(row: list[str]) -> bool:
    return not any(c.strip() for c in row)


def first(row: list[str]) -> str:
    return next((squash(c) for c in row if c.strip()), "")


def indicator_fields(row: list[str], lex: Lexicon) -> dict[int, str]:
    return {c: f for c, text in enumerate(row) if (f := field_of(text, lex.indicator))}


def is_fund_header(row: list[str], lex: Lexicon) -> bool:
    fields = {field_of(t, lex.fund) for t in row} - {None}
    return bool(fields & {"budget", "spent", "budget_initial"}) and len(fields) >= 2


def is_indicator_header(row: list[str], lex: Lexicon, below: list[str] | None = None) -> bool:
    """A header row of an indicator table: names its hierarchy and at least one value column
    (or has them in the sub-header row ``below``)."""
    if is_fund_header(row, lex) or any(re.fullmatch(r"[\d.%]+", squash(c)) for c in row if c.strip()):
        return False
    fields = set(indicator_fields(row, lex).values())
    if not fields & {"l1", "l2", "name"}:
        return False
    if below is not None and _is_sub_header(below, lex):
        fields |= set(indicator_fields(below, lex).values())
    return len(fields) >= 3 and bool(fields & {"l1", "l2", "name"}) and bool(fields & (VALUES | {"unit", "method"}))


def is_note(row: list[str]) -> bool:
    filled = [c for c in row if c.strip()]
    return 0 < len(filled) <= 2 and first(row).startswith(NOTE_STARTS)


@dataclass
class Table:
    header: int          # index of the header row
    sub: bool            # a second header row under it
    end: int             # last row of the table (the 总分 row where there is one)

    @property
    def body(self) -> range:
        return range(self.header + 1 + self.sub, self.end + 1)


def tables(grid: Grid, lex: Lexicon) -> list[Table]:
    """Every indicator table: its header row(s) and its last row."""
    found = []
    n = 0
    while n < len(grid):
        if not is_indicator_header(grid[n], lex, grid[n + 1] if n + 1 < len(grid) else None):
            n += 1
            continue
        sub = n + 1 < len(grid) and _is_sub_header(grid[n + 1], lex)
        end = n + sub
        for m in range(n + 1 + sub, len(grid)):
            row = grid[m]
            if blank(row) or is_note(row) or first(row).startswith(("#", "项目名称")) or is_fund_header(row, lex) \
                    or is_indicator_header(row, lex):
                break
            end = m
            if first(row).startswith(TOTAL_STARTS):
                break
        found.append(Table(n, sub, end))
        n = end + 1
    return found


def _is_sub_header(row: list[str], lex: Lexicon) -> bool:
    from checker.recognise.labels import level1_of, level2_of

    filled = [c for c in row if c.strip()]
    if not filled or any(re.search(r"\d", c) or len(squash(c)) > 10 for c in filled):
        return False
    if any(level1_of(c) or level2_of(c) for c in filled):
        return False
    fields = set(indicator_fields(row, lex).values())
    return bool(fields) and not fields & {"l1", "l2", "name"}


def some_tables(grid: Grid, lex: Lexicon) -> list[Table]:
    found = tables(grid, lex)
    if not found:
        raise Skip("no indicator table found")
    return found


_SCORE_CELL = re.compile(r"[-+]?\d+(?:\.\d+)?分?%?|[/／—\-－无空]*")


def aligned(grid: Grid, t: Table, lex: Lexicon) -> bool:
    """The table's data sit under their header cells (column by column), so a column can be moved
    or inserted by index.  Text copied out of a PDF often has its header shifted against the data
    (seed 001); moving columns there would change what the form says."""
    heads = [grid[t.header]] + ([grid[t.header + 1]] if t.sub else [])
    fields: dict[int, str] = {}
    for h in heads:
        fields.update(indicator_fields(h, lex))
    last = max((c for h in heads for c, text in enumerate(h) if text.strip()), default=0)
    numeric = [c for c, f in fields.items() if f in ("weight", "score", "review")]
    return all(_row_aligned(grid[n], fields, numeric, last) for n in t.body)


_TARGETLIKE = re.compile(r"[≥≤<>=≧≦]|\d+(\.\d+)?[^\d.]{0,3}$")


def _row_aligned(row: list[str], fields: dict[int, str], numeric: list[int], last: int) -> bool:
    """A data row whose cells sit in their columns: nothing right of the header, plain numbers
    under 分值/得分, no level-2 heading in the level-1 column, no target in the name column."""
    from checker.recognise.labels import level1_of, level2_of

    if any(c.strip() for c in row[last + 1:]):
        return False
    if any(c < len(row) and not _SCORE_CELL.fullmatch(squash(row[c])) for c in numeric):
        return False
    for c, f in fields.items():
        cell = squash(row[c]) if c < len(row) else ""
        if f == "l1" and level2_of(cell) and not level1_of(cell):
            return False
        if f == "name" and _TARGETLIKE.match(cell):
            return False
    return True


def widen(grid: Grid) -> Grid:
    width = max((len(r) for r in grid), default=0)
    return [r + [""] * (width - len(r)) for r in grid]


# --- what a variant is ---------------------------------------------------------------------------
class Skip(Exception):
    """This transformation cannot keep this form's meaning (the reason is the message)."""


@dataclass
class Sheet:
    """A transformed form and how to write it beyond its cells."""
    grid: Grid
    hidden_rows: list[int] = field(default_factory=list)
    hidden_cols: list[int] = field(default_factory=list)
    merges: list[tuple[int, int, int]] = field(default_factory=list)   # (first row, last row, column)
    cells: str = "typed"          # typed: numbers as numbers, % as text; percent: % as fractions; text: all text
    cover: bool = False


@dataclass
class Variant:
    name: str
    form: str
    source: Path
    transform: str
    fmt: str
    seed: int
    sheet: Sheet | None = None
    skip: str = ""


Transform = Callable[[Grid, Lexicon, random.Random], Sheet]


# --- the transformations -------------------------------------------------------------------------
def t_plain(grid: Grid, lex: Lexicon, rng: random.Random) -> Sheet:
    return Sheet([list(r) for r in grid])


def t_headers(grid: Grid, lex: Lexicon, rng: random.Random) -> Sheet:
    """Every header word of the indicator table and the funds block replaced by another word
    jixiao reads as the same column."""
    out = [list(r) for r in grid]
    rows = [(n, lex.fund) for n, r in enumerate(grid) if is_fund_header(r, lex)]
    for t in tables(grid, lex):
        rows += [(t.header, lex.indicator)] + ([(t.header + 1, lex.indicator)] if t.sub else [])
    changed = 0
    for n, table in rows:
        for c, text in enumerate(grid[n]):
            f = field_of(text, table)
            others = [w for w in words_for(f, table) if w not in squash(text)] if f else []
            if others:
                out[n][c] = rng.choice(others)
                changed += 1
    if not changed:
        raise Skip("no header word with another word for it")
    return Sheet(out)


def t_labels(grid: Grid, lex: Lexicon, rng: random.Random) -> Sheet:
    """项目名称 / 主管部门 / 实施单位 / 年度资金总额 printed as another word for the same label."""
    out = [list(r) for r in grid]
    changed = 0
    for n, row in enumerate(grid):
        for c, text in enumerate(row):
            s = squash(text)
            for label, words in lex.rows.items():
                if s.rstrip(":：") == label and len(words) > 1:
                    out[n][c] = text.replace(label, rng.choice([w for w in words if w != label]))
                    changed += 1
    if not changed:
        raise Skip("no 项目名称/主管部门/实施单位/年度资金总额 label")
    return Sheet(out)


def _blocks(head: list[str], sub: list[str] | None, fields: dict[int, str]) -> tuple[list[int], list[list[int]]]:
    """(fixed leading columns, movable blocks of columns) of an indicator table: the hierarchy
    stays where it is; each value column moves with the unnamed columns after it (a spilled note,
    the children of a two-row group)."""
    hier = [c for c, f in fields.items() if f in HIERARCHY]
    start = max(hier) + 1 if hier else 0
    fixed = list(range(start))
    blocks: list[list[int]] = []
    for c in range(start, len(head)):
        if head[c].strip() or not blocks:
            blocks.append([c])
        else:
            blocks[-1].append(c)
    return fixed, blocks


def t_reorder(grid: Grid, lex: Lexicon, rng: random.Random) -> Sheet:
    """The value columns of each indicator table (分值, 年度指标值, 实际完成值, 得分, 偏差原因, …)
    in another order, header and data together."""
    out = widen(grid)
    moved = 0
    orders: dict[tuple, list[int]] = {}    # a bundle's tables printed from one template move alike
    for t in tables(out, lex):
        head = out[t.header]
        if not aligned(out, t, lex):
            continue
        fixed, blocks = _blocks(head, out[t.header + 1] if t.sub else None, indicator_fields(head, lex))
        blocks = [b for b in blocks if any(out[n][c].strip() for n in range(t.header, t.end + 1) for c in b)]
        if len(blocks) < 2:
            continue
        sig = (tuple(head), tuple(map(tuple, blocks)))
        if sig not in orders:
            order = blocks[:]
            while order == blocks:
                rng.shuffle(order)
            orders[sig] = fixed + [c for b in order for c in b]
        cols = orders[sig]
        tail = [c for c in range(len(head)) if c not in cols]
        for n in range(t.header, t.end + 1):
            out[n] = [out[n][c] for c in cols + tail]
        moved += 1
    if not moved:
        raise Skip("no indicator table with two value columns under their header cells")
    return Sheet(out)


_TARGET = re.compile(r"^\s*([≥≤＞＜><=≧≦﹦═]{1,2})?\s*([-+]?\d+(?:\.\d+)?)\s*([^\d\s].{0,5})?\s*$")


def split_target(text: str) -> tuple[str, str, str]:
    """'≥266米' → ('≥', '266', '米'); text that is not a number stays whole in the middle."""
    m = _TARGET.match(text)
    if not m or (m.group(3) and re.search(r"[≥≤<>=\d]", m.group(3))):
        return "", text, ""
    return m.group(1) or "", m.group(2), (m.group(3) or "").strip()


def t_split_header(grid: Grid, lex: Lexicon, rng: random.Random) -> Sheet:
    """年度指标值 over 指标性质 | 指标值 | 度量单位 on a second header row, each target split."""
    out = widen(grid)
    done = 0
    for t in reversed(tables(out, lex)):
        fields = indicator_fields(out[t.header], lex)
        col = next((c for c, f in fields.items() if f == "target"), None)
        if t.sub or col is None or any(f in ("op", "unit") for f in fields.values()) or not aligned(out, t, lex):
            continue
        for n in range(t.header, t.end + 1):
            row = out[n]
            if n == t.header:
                row[col:col + 1] = ["年度指标值", "", ""]
            else:
                row[col:col + 1] = list(split_target(row[col])) if row[col].strip() else ["", "", ""]
        sub = [""] * len(out[t.header])
        sub[col:col + 3] = ["指标性质", "指标值", "度量单位"]
        out.insert(t.header + 1, sub)
        done += 1
    if not done:
        raise Skip("no single-row header with a 年度指标值 column over its data")
    return Sheet(widen(out))


def t_drop_notes(grid: Grid, lex: Lexicon, rng: random.Random) -> Sheet:
    """The 注 / 备注 / 说明 lines under the tables left out."""
    out = [list(r) for r in grid if not is_note(r)]
    if len(out) == len(grid):
        raise Skip("no 注/备注/说明 line")
    return Sheet(out)


def _body_rows(grid: Grid, lex: Lexicon) -> list[int]:
    """Rows after which a row may go inside an indicator table (not after its last row)."""
    rows = [n for t in some_tables(grid, lex) for n in range(t.header + t.sub, t.end)]
    if not rows:
        raise Skip("an indicator table with no row")
    return rows


def _insert(grid: Grid, after: list[int], rows_at: Callable[[int], Grid]) -> tuple[Grid, list[int]]:
    """``grid`` with ``rows_at(n)`` inserted after each row in ``after``; the new rows' indices."""
    out, new = [], []
    for n, row in enumerate(grid):
        out.append(list(row))
        if n in after:
            for extra in rows_at(n):
                new.append(len(out))
                out.append(extra)
    return out, new


def t_blank_rows(grid: Grid, lex: Lexicon, rng: random.Random) -> Sheet:
    """Blank rows inside the indicator tables (a clerk's spacing)."""
    body = _body_rows(grid, lex)
    after = rng.sample(body, min(len(body), rng.randint(1, 3)))
    out, _ = _insert(widen(grid), after, lambda n: [[""] * len(grid[0])])
    return Sheet(widen(out))


def t_continued(grid: Grid, lex: Lexicon, rng: random.Random) -> Sheet:
    """A page break inside an indicator table: a 续表 line and the header printed again."""
    g = widen(grid)
    t = rng.choice(some_tables(g, lex))
    body = [n for n in range(t.header + 1 + t.sub, t.end)]
    if not body:
        raise Skip("an indicator table with one row")
    heads = [list(g[t.header])] + ([list(g[t.header + 1])] if t.sub else [])
    out, _ = _insert(g, [rng.choice(body)], lambda n: [["续表"] + [""] * (len(g[0]) - 1), *heads])
    return Sheet(out)


def _scratch(head: list[str], fields: dict[int, str], rng: random.Random) -> list[str]:
    row = [""] * len(head)
    name = next((c for c, f in fields.items() if f == "name"), 1)
    row[name] = "测算草稿"
    for c, f in fields.items():
        if f in VALUES:
            row[c] = str(rng.randint(1, 99))
    return row


def t_hidden_row(grid: Grid, lex: Lexicon, rng: random.Random) -> Sheet:
    """A scratch row (测算草稿 with numbers under 分值/得分) inside the indicator table, hidden."""
    g = widen(grid)
    t = rng.choice(some_tables(g, lex))
    body = list(range(t.header + t.sub, t.end))
    if not body:
        raise Skip("an indicator table with no row")
    scratch = _scratch(g[t.header], indicator_fields(g[t.header], lex), rng)
    out, new = _insert(g, [rng.choice(body)], lambda n: [scratch])
    return Sheet(out, hidden_rows=new)


def t_hidden_col(grid: Grid, lex: Lexicon, rng: random.Random) -> Sheet:
    """A scratch column (辅助列 with numbers) inside the indicator tables, hidden."""
    g = widen(grid)
    ts = some_tables(g, lex)
    fields = indicator_fields(g[ts[0].header], lex)
    col = max((c for c, f in fields.items() if f in HIERARCHY), default=0) + 1 + rng.randint(0, 2)
    col = min(col, len(g[0])) if all(aligned(g, t, lex) for t in ts) else len(g[0])
    inside = {n: t for t in ts for n in range(t.header, t.end + 1)}
    out = []
    for n, row in enumerate(g):
        t = inside.get(n)
        cell = "" if t is None else "辅助列" if n == t.header else "" if blank(row) else str(rng.randint(1, 500))
        out.append(row[:col] + [cell] + row[col:])
    return Sheet(out, hidden_cols=[col])


def t_merged(grid: Grid, lex: Lexicon, rng: random.Random) -> Sheet:
    """Each level-1 (and level-2) label merged down over the rows it heads."""
    g = widen(grid)
    merges = []
    for t in tables(g, lex):
        fields = indicator_fields(g[t.header], lex)
        total = t.end if first(g[t.end]).startswith(TOTAL_STARTS) else t.end + 1
        for col in (c for c, f in fields.items() if f in ("l1", "l2")):
            starts = [n for n in t.body if n < total and g[n][col].strip()]
            for a, b in zip(starts, starts[1:] + [total]):
                if b - 1 > a:
                    merges.append((a, b - 1, col))
    if not merges:
        raise Skip("no level-1 label heading two rows")
    return Sheet(g, merges=merges)


_PERCENT = re.compile(r"^\s*-?\d+(?:\.\d+)?%\s*$")
_NUMBER = re.compile(r"^\s*-?\d+(?:\.\d+)?\s*$")


def t_percent(grid: Grid, lex: Lexicon, rng: random.Random) -> Sheet:
    if not any(_PERCENT.match(c) for r in grid for c in r):
        raise Skip("no percentage cell")
    return Sheet([list(r) for r in grid], cells="percent")


def t_text_numbers(grid: Grid, lex: Lexicon, rng: random.Random) -> Sheet:
    if not any(_NUMBER.match(c) for r in grid for c in r):
        raise Skip("no number cell")
    return Sheet([list(r) for r in grid], cells="text")


FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def t_fullwidth(grid: Grid, lex: Lexicon, rng: random.Random) -> Sheet:
    return Sheet([[c.translate(FULLWIDTH) for c in r] for r in grid])


def t_cover(grid: Grid, lex: Lexicon, rng: random.Random) -> Sheet:
    return Sheet([list(r) for r in grid], cover=True)


TEXT_FORMATS = ("txt", "csv", "csv-gb18030")
FORMATS = ("txt", "csv", "csv-gb18030", "xlsx", "ods", "docx", "pdf")
SUFFIX = {"txt": ".txt", "csv": ".csv", "csv-gb18030": ".csv", "xlsx": ".xlsx", "ods": ".ods", "docx": ".docx",
          "pdf": ".pdf"}
# transformation → (function, the formats that can carry it, why the others cannot)
TRANSFORMS: dict[str, tuple[Transform, tuple[str, ...], str]] = {
    "plain": (t_plain, FORMATS, ""),
    "headers": (t_headers, FORMATS, ""),
    "labels": (t_labels, FORMATS, ""),
    "reorder": (t_reorder, FORMATS, ""),
    "split_header": (t_split_header, FORMATS, ""),
    "drop_notes": (t_drop_notes, FORMATS, ""),
    "blank_rows": (t_blank_rows, FORMATS, ""),
    "continued": (t_continued, FORMATS, ""),
    "hidden_row": (t_hidden_row, ("xlsx", "ods"), "only a workbook can hide a row"),
    "hidden_col": (t_hidden_col, ("xlsx", "ods"), "only a workbook can hide a column"),
    "merged": (t_merged, ("xlsx", "docx"), "merged cells are written for xlsx and Word only"),
    "percent": (t_percent, ("xlsx",), "a percentage as a formatted fraction exists in a workbook only"),
    "text_numbers": (t_text_numbers, ("xlsx",), "numbers stored as text exist in a workbook only"),
    "fullwidth": (t_fullwidth, (*TEXT_FORMATS, "docx", "pdf"), "a workbook stores numbers, not digits"),
    "cover": (t_cover, ("xlsx", "ods"), "only a workbook has a second sheet"),
}


def skip_reason(transform: str, fmt: str) -> str:
    """Why this pair is skipped by name ('' when it runs)."""
    _, formats, why = TRANSFORMS[transform]
    if fmt not in formats:
        return f"{fmt}: {why}"
    if fmt == "pdf" and not pdf_tool():
        return "pdf: neither chromium nor LibreOffice (soffice) is installed"
    return ""


# --- writers -------------------------------------------------------------------------------------
def write_variant(v: Variant, directory: Path) -> Path:
    assert v.sheet is not None
    safe = re.sub(r"[^\w.@-]+", "_", v.name.replace(":", "~"))
    path = directory / f"{safe}{SUFFIX[v.fmt]}"
    WRITERS[v.fmt](v.sheet, path)
    return path


def write_txt(s: Sheet, path: Path) -> None:
    path.write_text("\n".join("\t".join(r).rstrip("\t") for r in s.grid) + "\n", encoding="utf-8")


def write_csv(s: Sheet, path: Path, encoding: str = "utf-8") -> None:
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(s.grid)


def _typed(text: str, cells: str):
    from scripts.make_sample_xlsx import typed

    if cells == "text" or (cells == "typed" and _PERCENT.match(text)) or not (_NUMBER.match(text) or _PERCENT.match(text)):
        return text, None
    return typed(text)


COVER = [["绩效自评材料"], [""], ["单位名称（盖章）", "某县某局"], ["填报日期", "2025年3月"]]


def write_xlsx(s: Sheet, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    if s.cover:
        ws.title = "封面"
        for row in COVER:
            ws.append(row)
        ws = wb.create_sheet("自评表")
    else:
        ws.title = "自评表"
    for r, row in enumerate(s.grid, start=1):
        for c, text in enumerate(row, start=1):
            if text == "":
                continue
            value, fmt = _typed(text, s.cells)
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"    # "=12次" is text a clerk typed, not a formula
            if fmt:
                cell.number_format = fmt
    for n in s.hidden_rows:
        ws.row_dimensions[n + 1].hidden = True
    for c in s.hidden_cols:
        ws.column_dimensions[get_column_letter(c + 1)].hidden = True
    for a, b, c in s.merges:
        ws.merge_cells(start_row=a + 1, start_column=c + 1, end_row=b + 1, end_column=c + 1)
    wb.save(path)


def _ods_cell(text: str) -> str:
    from xml.sax.saxutils import escape

    if not text:
        return "<table:table-cell/>"
    if _NUMBER.match(text):
        return (f'<table:table-cell office:value-type="float" office:value="{text.strip()}">'
                f"<text:p>{escape(text)}</text:p></table:table-cell>")
    return f'<table:table-cell office:value-type="string"><text:p>{escape(text)}</text:p></table:table-cell>'


def _ods_table(name: str, grid: Grid, hidden_rows=(), hidden_cols=()) -> str:
    width = max((len(r) for r in grid), default=1)
    cols = "".join('<table:table-column table:visibility="collapse"/>' if c in hidden_cols else "<table:table-column/>"
                   for c in range(width))
    rows = "".join(("<table:table-row" + (' table:visibility="collapse"' if n in hidden_rows else "") + ">"
                    + "".join(_ods_cell(c) for c in row) + "</table:table-row>") for n, row in enumerate(grid))
    return f'<table:table table:name="{name}">{cols}{rows}</table:table>'


def write_ods(s: Sheet, path: Path) -> None:
    from tests.formkit import ods_package

    sheets = (_ods_table("封面", COVER) if s.cover else "") + _ods_table("自评表", s.grid, s.hidden_rows, s.hidden_cols)
    ods_package(path, sheets)


def table_start(grid: Grid) -> int:
    """Where a form's table starts in Word: its 项目名称 row, else the first row of two cells."""
    return next((n for n, r in enumerate(grid) if first(r).startswith("项目名称")),
                next((n for n, r in enumerate(grid) if len([c for c in r if c.strip()]) > 1), 0))


def write_docx(s: Sheet, path: Path) -> None:
    """Title lines as paragraphs, the rest as one Word table (merged cells merged)."""
    from docx import Document
    from docx.table import _Cell

    doc = Document()
    start = table_start(s.grid)
    for row in s.grid[:start]:
        doc.add_paragraph(" ".join(c for c in row if c.strip()))
    body = widen(s.grid[start:])
    table = doc.add_table(rows=len(body), cols=len(body[0]))
    for row, tr in zip(body, table._tbl.tr_lst):   # table.cell() is linear in the table's size
        for text, tc in zip(row, tr.tc_lst):
            if text:
                _Cell(tc, table).text = text
    for a, b, c in s.merges:
        if a >= start:
            table.cell(a - start, c).merge(table.cell(b - start, c))
    doc.save(path)


STYLE = ("@page { size: A4 landscape; margin: 10mm } body { font-family: 'WenQuanYi Micro Hei', 'Noto Sans CJK SC',"
         " sans-serif; font-size: 9px } table { border-collapse: collapse } td { border: 1px solid #000; padding: 2px }")


def pdf_tool() -> str | None:
    return (shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
            or shutil.which("soffice") or shutil.which("libreoffice"))


def grid_html(grid: Grid) -> str:
    """Title lines as paragraphs, the rest as one bordered table."""
    start = table_start(grid)
    parts = ['<!doctype html><html><head><meta charset="utf-8"><style>', STYLE, "</style></head><body>"]
    parts += [f"<p>{html.escape(' '.join(c for c in r if c.strip()))}</p>" for r in grid[:start]]
    parts.append("<table>")
    parts += ["<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in widen(grid[start:])]
    parts.append("</table></body></html>")
    return "\n".join(parts)


def write_pdf(s: Sheet, path: Path) -> None:
    """Printed by headless Chromium from an HTML table, else converted by LibreOffice from Word."""
    exe = pdf_tool()
    if exe is None:
        raise Skip("pdf: neither chromium nor LibreOffice (soffice) is installed")
    work = path.with_suffix("")
    work.mkdir(exist_ok=True)
    if "office" in Path(exe).name:
        write_docx(s, work / f"{path.stem}.docx")
        subprocess.run([exe, "--headless", "--convert-to", "pdf", "--outdir", str(path.parent),
                        str(work / f"{path.stem}.docx")], capture_output=True, timeout=180, check=False)
    else:
        page = work / "form.html"
        page.write_text(grid_html(s.grid), encoding="utf-8")
        subprocess.run([exe, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-background-networking", "--disable-dev-shm-usage", f"--user-data-dir={work / 'p'}",
                        f"--print-to-pdf={path}", "--no-pdf-header-footer", page.as_uri()],
                       capture_output=True, timeout=180, check=False)
    shutil.rmtree(work, ignore_errors=True)
    if not path.is_file():
        raise Skip(f"pdf: {Path(exe).name} wrote no PDF")


WRITERS: dict[str, Callable[[Sheet, Path], None]] = {
    "txt": write_txt, "csv": write_csv, "csv-gb18030": lambda s, p: write_csv(s, p, "gb18030"),
    "xlsx": write_xlsx, "ods": write_ods, "docx": write_docx, "pdf": write_pdf,
}


# --- building and sampling variants -------------------------------------------------------------
def variant_seed(name: str, seed: int) -> int:
    return zlib.crc32(f"{seed}|{name}".encode())


def build(source: Path, transform: str, fmt: str, seed: int = 0, repeat: int = 0,
          grid: Grid | None = None, lex: Lexicon | None = None) -> Variant:
    """One variant, its sheet built (or its skip reason given)."""
    form = form_name(source)
    name = f"{form}:{transform}:{fmt}" + (f"@{repeat}" if repeat else "")
    v = Variant(name, form, source, transform, fmt, variant_seed(name, seed))
    v.skip = skip_reason(transform, fmt)
    if v.skip:
        return v
    try:
        v.sheet = TRANSFORMS[transform][0](grid or load_grid(source), lex or lexicon(), random.Random(v.seed))
    except Skip as e:
        v.skip = f"{transform}: {e}"
    if v.sheet and fmt == "txt" and any("\n" in c for r in v.sheet.grid for c in r):
        v.skip, v.sheet = "txt: a cell with line breaks cannot be written one row a line", None
    return v


def sample(sources: Iterable[Path], per_form: int, seed: int = 0, formats: Iterable[str] = FORMATS,
           transforms: Iterable[str] | None = None) -> tuple[list[Variant], list[Variant]]:
    """(variants to run, variants skipped) — ``per_form`` runnable variants of every form, the
    (transformation, format) pairs drawn in a seeded order, repeated with new seeds when a form
    has fewer pairs than asked for."""
    lex = lexicon()
    chosen = list(transforms or TRANSFORMS)
    pairs = [(t, f) for t in chosen for f in formats if f in FORMATS]
    run: list[Variant] = []
    skipped: list[Variant] = []
    for src in sources:
        grid = load_grid(src)
        order = pairs[:]
        random.Random(variant_seed(form_name(src), seed)).shuffle(order)
        got, repeat = 0, 0
        while got < per_form:
            usable = 0
            for t, f in order:
                if got >= per_form:
                    break
                v = build(src, t, f, seed, repeat, grid, lex)
                if v.skip:
                    if not repeat:
                        skipped.append(v)
                    continue
                run.append(v)
                got += 1
                usable += 1
            if not usable:
                break
            repeat += 1
    return run, skipped


# --- comparing findings --------------------------------------------------------------------------
_NUM = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")


def _number(m: re.Match) -> str:
    try:
        return format(Decimal(m.group().replace(",", "")).normalize(), "f")
    except InvalidOperation:
        return m.group()


def norm(value) -> str:
    """A value as compared: NFKC, no whitespace, numbers without trailing zeros or thousands commas."""
    return _NUM.sub(_number, squash("" if value is None else str(value)))


Key = tuple[str, str, str, str, str]
# Findings that report a variant's change itself (a hidden row or column listed), not a reading.
REPORTS_THE_CHANGE = frozenset({"PARSE.HIDDEN"})


@lru_cache(maxsize=1 << 14)
def canonical_where(where: str) -> str:
    """A finding's place as compared: a row label or a header word printed as another word for
    it (资金总额 for 年度资金总额; 考核指标 for 三级指标 where a header row was read as an indicator)
    counts as the same place."""
    lex = lexicon()
    s = squash(where).rstrip(":：")
    label = next((k for k, words in lex.rows.items() if s == k or s in words), None)
    if label:
        return label
    header = next((f for f, words in lex.indicator if s in words), None)
    return f"<{header}>" if header else norm(where)


def finding_key(f: dict) -> Key:
    where = f.get("indicator") or f.get("section") or ""
    return (f["rule"], norm(f.get("project")), canonical_where(where), norm(f.get("reported")), norm(f.get("expected")))


def file_keys(result, path: str) -> Counter:
    """The findings of one checked file (as a multiset), with its status and kind as a first entry."""
    status = next((s for s in result.files if s.path == path), None)
    keys: Counter = Counter()
    keys[("FILE", status.status if status else "missing", status.kind if status else "", "", "")] += 1
    fs = result.findings
    stem = norm(Path(path).stem)
    for f in fs[fs["file"] == path].to_dict("records"):
        if f["rule"] in REPORTS_THE_CHANGE:
            continue   # the variant's own change, said: "隐藏内容未读取…" is what a hidden row must give
        k = finding_key(f)
        keys[(k[0], "<file name>", *k[2:]) if k[1] == stem else k] += 1   # a form without a name is called by its file
    return keys


@dataclass
class Outcome:
    variant: Variant
    missing: list[Key]      # findings of the text form the variant lacks
    extra: list[Key]        # findings of the variant the text form lacks

    @property
    def differs(self) -> bool:
        return bool(self.missing or self.extra)

    def first(self) -> str:
        """The first difference, one line."""
        if self.missing and self.missing[0][0] == "FILE":
            return f"read as {self.extra[0][1]}/{self.extra[0][2] or '-'}, text: {self.missing[0][1]}/{self.missing[0][2]}"
        if self.missing:
            return "lost " + show(self.missing[0])
        return "new " + show(self.extra[0])

    def cause(self) -> str:
        """The kind of difference: a file read as another kind, else the first rule lost or gained."""
        if self.missing and self.missing[0][0] == "FILE":
            return f"kind {self.missing[0][1]}/{self.missing[0][2]} → {self.extra[0][1]}/{self.extra[0][2] or '-'}"
        return f"lost {self.missing[0][0]}" if self.missing else f"new {self.extra[0][0]}"


def show(k: Key) -> str:
    rule, project, where, reported, expected = k
    return f"{rule} [{project[:18]}] {where[:24]}: {reported or '-'} vs {expected or '-'}"


def compare(v: Variant, ref: Counter, got: Counter) -> Outcome:
    missing = sorted((ref - got).elements())
    extra = sorted((got - ref).elements())
    return Outcome(v, missing, extra)


def rounds(variants: list[Variant]) -> list[list[Variant]]:
    """Batches for the engine with at most one variant of each form (so no cross-file rule sees
    two copies of one form)."""
    by_form: dict[str, list[Variant]] = {}
    for v in variants:
        by_form.setdefault(v.form, []).append(v)
    out: list[list[Variant]] = []
    for vs in by_form.values():
        for n, v in enumerate(vs):
            if n == len(out):
                out.append([])
            out[n].append(v)
    return out


def references(sources: list[Path]) -> dict[str, Counter]:
    """Each form's findings read as its text file (one engine call)."""
    from checker.engine import check

    paths = [str(p) for p in sources]
    result = check(paths)
    return {form_name(p): file_keys(result, str(p)) for p in sources}


def run(variants: list[Variant], refs: dict[str, Counter], directory: Path,
        on_round: Callable[[int, int], None] | None = None) -> list[Outcome]:
    """Write every variant under ``directory``, check them round by round, compare with the text."""
    from checker.engine import check

    outcomes: list[Outcome] = []
    batches = rounds(variants)
    for n, batch in enumerate(batches):
        written: list[tuple[Variant, str]] = []
        for v in batch:
            try:
                written.append((v, str(write_variant(v, directory))))
            except Skip as e:
                v.skip = str(e)
        result = check([p for _, p in written]) if written else None
        outcomes += [compare(v, refs[v.form], file_keys(result, p)) for v, p in written]
        if on_round:
            on_round(n + 1, len(batches))
    return outcomes
