"""The budget ledger (``--ledger FILE``): the budget system's export of the season's projects.

A CSV or Excel export — project code, name, unit, 全年预算数, 全年执行数 — read through the
ordinary readers (so its limits and locations are the forms' own), its columns found by their
header words (``checker/lexicon/ledger.yaml``), its amounts in 元 or 万元 as its header or a title row above it
says.  The result is a ``checker.model.Ledger`` frame; the engine hands it to the rules as a
batch table (``Batch.ledger``) and the XREF.LEDGER_* rules (``rules/ledger.py``) compare it with
the forms.  Nothing here judges the forms.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from checker import model as M
from checker.lexicon import LEXICON

# Words from the lexicon (checker/lexicon/ledger.yaml): the header words of each column, most
# specific first; the unit words of the amounts; the rows that are no project.
LEDGER_WORDS = {fld: words for fld, words in LEXICON.table("ledger_columns")}
UNIT_WORDS = {**{w: 1e4 for w in LEXICON.words("ledger_units", "wan")},     # 万元 before 元
              **{w: 1.0 for w in LEXICON.words("ledger_units", "yuan")}}
UNIT_LABEL = LEXICON.words("ledger_units", "unit_label")
TOTAL_ROWS = LEXICON.words("ledger_rows", "total")
REQUIRED = ("name", "budget", "spent")

_BRACKETS = re.compile(r"[(（\[【].*?[)）\]】]")
_PUNCT = re.compile(r"[\W_]+")
_NUMBER = re.compile(r"^[-+]?\d+(?:\.(\d*))?$")


class LedgerError(ValueError):
    """The ledger cannot be used (one line, naming the file and the reason)."""


def name_key(name: str) -> str:
    """A project name as matched against the forms: NFKC, no whitespace, no punctuation."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", name or "")).lower()


def _field_of(key: str) -> str | None:
    """The field a header cell names: one of its words exactly, else a word of three or more
    characters it starts with (项目资金 is not 项目, 全年预算数合计 is 全年预算数)."""
    bare = _BRACKETS.sub("", key)
    for exact in (True, False):
        for fld, words in LEDGER_WORDS.items():
            if any(bare == w if exact else len(w) >= 3 and bare.startswith(w) for w in words):
                return fld
    return None


def _unit_in(text: str) -> float | None:
    for word, scale in UNIT_WORDS.items():
        if word in text:
            return scale
    return None


def _header(rows) -> tuple[int, dict]:
    """(index of the header row, field → column index): the first row naming a name and both amounts."""
    for n, row in enumerate(rows):
        found: dict = {}
        for col, c in enumerate(row.cells):
            fld = _field_of(c.key) if c.key else None
            if fld and fld not in found:
                found[fld] = col
        if all(f in found for f in REQUIRED):
            return n, found
    return -1, {}


def _scale(rows, head: int, cols: dict, path: str) -> float:
    """元 per unit of the amounts: the amount headers' own words, else a title row above them."""
    header = rows[head].cells
    own = {_unit_in(header[cols[f]].key) for f in ("budget", "spent")} - {None}
    if len(own) == 1:
        return own.pop()
    if len(own) > 1:
        raise LedgerError(f"{path}: 全年预算数与全年执行数的金额单位不同，请统一为元或万元")
    for row in rows[:head]:
        for c in row.cells:
            if any(w in c.key for w in UNIT_LABEL) and (s := _unit_in(c.key)) is not None:
                return s
    raise LedgerError(f"{path}: 未写明金额单位，请在表头写明（如 全年预算数(万元)）或在表上方注明 金额单位：元")


def _amount(text: str, loc: str, path: str) -> tuple[float, int]:
    t = unicodedata.normalize("NFKC", text or "").replace(",", "").replace(" ", "")
    for word in UNIT_WORDS:   # "1.5万元": the unit written in the cell
        t = t.removesuffix(word)
    if t in ("", "-", "—", "/"):
        return float("nan"), 0
    m = _NUMBER.match(t)
    if not m:
        raise LedgerError(f"{path}: {loc} 的金额“{text}”不是数字")
    return float(t), len(m[1] or "")


def _cell(row, col):
    if col is None or col >= len(row.cells):
        return "", row.loc
    c = row.cells[col]
    return c.text.strip(), c.loc


def is_ledger(grids) -> bool:
    """Is this file (read, but none of the three forms) a budget ledger by its header?"""
    return any(_header(g.rows[:30])[0] >= 0 for g in grids)


def read_ledger(path: str) -> pd.DataFrame:
    """The ledger at ``path`` as a ``checker.model.Ledger`` frame; ``LedgerError`` when it cannot serve."""
    from checker.grid import SkippedInput, UnreadableInput
    from checker.readers import read_any

    try:
        grids = read_any(path)
    except FileNotFoundError:
        raise LedgerError(f"{path}: 预算账表文件不存在") from None
    except (UnreadableInput, SkippedInput, OSError) as exc:
        raise LedgerError(f"{path}: 无法读取预算账表（{exc}）") from None
    for grid in grids:
        head, cols = _header(grid.rows)
        if head >= 0:
            return M.frame(M.Ledger, _records(grid.rows, head, cols, path))
    raise LedgerError(f"{path}: 找不到预算账表的表头（需要 项目名称、全年预算数、全年执行数 三列）")


def _records(rows, head: int, cols: dict, path: str) -> list[dict]:
    scale = _scale(rows, head, cols, path)
    out = []
    for row in rows[head + 1:]:
        name, _ = _cell(row, cols["name"])
        code, _ = _cell(row, cols.get("code"))
        if not name or any(name_key(name).startswith(w) for w in TOTAL_ROWS):
            continue
        budget_text, loc_budget = _cell(row, cols["budget"])
        spent_text, loc_spent = _cell(row, cols["spent"])
        budget, budget_dec = _amount(budget_text, loc_budget, path)
        spent, spent_dec = _amount(spent_text, loc_spent, path)
        out.append({"file": path, "loc": row.loc.split(" col ")[0], "code": code, "name": name, "key": name_key(name),
                    "unit": _cell(row, cols.get("unit"))[0], "department": _cell(row, cols.get("department"))[0],
                    "budget": budget, "budget_dec": budget_dec, "spent": spent, "spent_dec": spent_dec,
                    "scale": scale, "loc_budget": loc_budget, "loc_spent": loc_spent})
    if not out:
        raise LedgerError(f"{path}: 预算账表的表头下没有项目")
    return out


def empty_ledger() -> pd.DataFrame:
    return M.empty_frame(M.Ledger)
