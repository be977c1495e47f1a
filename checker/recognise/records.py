"""Rows of the canonical model, built in one place for every recogniser.

A recogniser fills what it read; everything it did not read gets the same neutral
default here, so the three form kinds produce identical columns.
"""

from __future__ import annotations

from checker import model as M
from checker.grid import Cell
from checker.lexicon import LEXICON
from checker.recognise.labels import clean, number_and_decimals
from checker.values import parse_value

PROJECT_DEFAULTS = M.defaults(M.Projects)   # what a recogniser did not read (the schema's ``filled`` columns)


def project(pid: str, path: str, seq: int, name: str, kind: str, loc: str, **values) -> dict:
    unknown = set(values) - set(PROJECT_DEFAULTS)
    if unknown:
        raise TypeError(f"unknown project fields: {sorted(unknown)}")
    return {"project_id": pid, "file": path, "seq": seq, "name": name, "kind": kind, "loc": loc,
            **PROJECT_DEFAULTS, **values}


def section(pid: str, level: int, name: str, parent: str, weight: float | None, loc: str,
            complete: bool = True) -> dict:
    return {"project_id": pid, "level": level, "name": name, "parent": parent, "weight": weight, "loc": loc,
            "complete": complete}


# Column names by prefix, spelled once (not formatted again for every cell of every row).
def _value_keys(p: str) -> tuple[str, ...]:
    return f"{p}_raw", f"{p}_kind", f"{p}_op", f"{p}_num", f"{p}_dec", f"{p}_unit", f"{p}_scale", f"loc_{p}"


_VALUE_KEYS = {p: _value_keys(p) for p in ("target", "actual")}
_NUMBER_KEYS = {p: (f"{p}_raw", p, f"{p}_dec", f"loc_{p}") for p in ("weight", "score", "review")}


def value_columns(prefix: str, cell: Cell | None) -> dict:
    """The parsed columns of a target/actual cell (``target_kind``, ``target_num`` …)."""
    v = parse_value(cell.text if cell else "")
    raw, kind, op, num, dec, unit, scale, loc = _VALUE_KEYS.get(prefix) or _value_keys(prefix)
    cols = {
        raw: clean(cell.text) if cell else "",
        kind: v.kind,
        op: v.op or "",
        num: v.number,
        dec: v.decimals,
        unit: v.unit,
        scale: v.scale,
        loc: cell.loc if cell else "",
    }
    if prefix == "target":
        cols.update(target_per=v.per, target_year=v.year)
    else:
        cols.update(actual_tier=v.tier)
    return cols


def number_columns(prefix: str, cell: Cell | None) -> dict:
    """A 分值 / 得分 / 复核分 cell: its number and the decimals it shows ("20%" as 20)."""
    text = cell.text if cell else ""
    num, dec = number_and_decimals(text.strip().rstrip("%。."))
    k_raw, k_num, k_dec, k_loc = _NUMBER_KEYS.get(prefix) or (f"{prefix}_raw", prefix, f"{prefix}_dec", f"loc_{prefix}")
    return {k_raw: clean(text), k_num: num, k_dec: dec, k_loc: cell.loc if cell else ""}


def indicator(pid: str, seq: int, level1: str, level2: str, name: str, loc: str, *, target: Cell | None = None,
              actual: Cell | None = None, weight: Cell | None = None, score: Cell | None = None,
              review: Cell | None = None, method: str = "", note: str = "", bonus: bool = False,
              weight_source: str = "") -> dict:
    rec = {"project_id": pid, "seq": seq, "part_of": 0, "level1": level1, "level2": level2, "name": name,
           "method": method,
           "note": note, "bonus": bonus, "loc": loc}
    rec.update(value_columns("target", target))
    rec.update(value_columns("actual", actual))
    rec.update(number_columns("weight", weight))
    rec.update(number_columns("score", score))
    rec.update(number_columns("review", review))
    rec["weight_source"] = weight_source or ("column" if rec["weight"] is not None else "")
    return rec


FUND_NUMBER_FIELDS = ("budget_initial", "budget", "spent", "rate", "score")


def fund(pid: str, line: str, label: str, loc: str, cells: dict[str, Cell | None], scale: float,
         split: str = "source", weight: float | None = None, column_scales: dict[str, float] | None = None) -> dict:
    """One 项目资金 line.  Amounts written with their unit in the cell ("372.29万元"), or in a
    column whose header names another unit ("全年执行数（元）"), are converted to the block's
    unit (``scale`` in 元: 1e4 for 万元)."""
    rec = {"project_id": pid, "line": line, "split": split, "label": label, "loc": loc}
    for col in FUND_NUMBER_FIELDS:
        cell = cells.get(col)
        rec[col], rec[f"{col}_dec"] = fund_number(cell, scale if col not in ("rate", "score") else None)
        own = (column_scales or {}).get(col)
        if own and own != scale and rec[col] is not None and cell is not None and not _has_unit(cell):
            rec[col], rec[f"{col}_dec"] = _rescale(rec[col], rec[f"{col}_dec"], own / scale)
        rec[f"loc_{col}"] = cell.loc if cell is not None else ""
    w = cells.get("weight")
    rec["weight"] = fund_number(w, None)[0] if w is not None else weight
    return rec


def fund_number(cell: Cell | None, scale: float | None) -> tuple[float | None, int]:
    """A fund cell's number; a rate's "%" dropped; an amount with its own unit converted."""
    if cell is None:
        return None, 0
    key = cell.key
    if key.endswith("%"):
        return number_and_decimals(key[:-1])
    num, dec = number_and_decimals(key)
    if num is not None or scale is None:
        return num, dec
    v = parse_value(key)
    if v.kind != "quantity" or v.number is None or v.unit not in ("元", ""):
        return None, 0
    in_yuan = v.number * v.scale
    factor = in_yuan / v.number if v.number else 1.0
    # 372.29万元 in a 万元 block stays 372.29 with its own decimals; 744000元 becomes 74.4.
    shift = round(_log10(scale / factor)) if factor else 0
    return in_yuan / scale, max(v.decimals + max(shift, 0), 0)


_MONEY_WORDS = LEXICON.words("money_units", "1") + LEXICON.words("scales")   # 元, 万, 亿 …


def _has_unit(cell: Cell) -> bool:
    return any(u in cell.key for u in _MONEY_WORDS)


def _rescale(value: float, decimals: int, factor: float) -> tuple[float, int]:
    """744000 in a 元 column of a 万元 block: 74.4 shown to 4 decimals (1 元 = 0.0001 万元)."""
    shift = round(_log10(1 / factor)) if factor else 0
    return value * factor, max(decimals + shift, 0)


def _log10(x: float) -> float:
    import math
    return math.log10(x) if x > 0 else 0.0


def link_parts(rows: list[dict]) -> None:
    """"其中桃树种植面积" under "补助各类瓜果蔬菜种植面积": a row that breaks down the item
    above it is part of that item (no 分值 or 得分 of its own; it is not summed with the items)."""
    parent = 0
    for r in rows:
        if r["name"].startswith("其中") and parent:
            r["part_of"] = parent
        else:
            parent = r["seq"]
