"""Recognisers: grids of one file -> rows of the canonical model.

``recognise_file`` decides which form a file holds and hands its grids to the
recogniser of that kind.  A file nobody recognises is reported as such (kind
"unrecognised"), never crashed on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from checker.grid import Cell, Grid
from checker.recognise.labels import clean, number_and_decimals, squash
from checker.values import parse_value


@dataclass
class FileModel:
    path: str
    kind: str
    projects: list[dict] = field(default_factory=list)
    funds: list[dict] = field(default_factory=list)
    sections: list[dict] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)
    listed: list[dict] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)   # checker.model.Notes rows (PARSE.*)


def recognise_file(path: str, grids: list[Grid], file_no: int) -> FileModel:
    from checker.recognise import selfeval

    if selfeval.looks_like_selfeval(grids):
        return _from_selfeval(path, selfeval.read_selfeval(grids), file_no)
    for module in _optional_recognisers():
        if module.looks_like(grids):
            return module.recognise(path, grids, file_no)
    return FileModel(path=path, kind="unrecognised")


def _optional_recognisers():
    """Recognisers of the other form kinds, when they are installed."""
    mods = []
    for name in ("rubric", "target"):
        try:
            mods.append(__import__(f"checker.recognise.{name}", fromlist=["looks_like"]))
        except ImportError:
            continue
    return mods


def project_id(file_no: int, seq: int) -> str:
    return f"F{file_no}P{seq}"


def value_columns(prefix: str, cell: Cell | None) -> dict:
    """The parsed columns of a target/actual cell (``target_kind``, ``target_num`` …)."""
    v = parse_value(cell.text if cell else "")
    cols = {
        f"{prefix}_raw": clean(cell.text) if cell else "",
        f"{prefix}_kind": v.kind,
        f"{prefix}_op": v.op or "",
        f"{prefix}_num": v.number,
        f"{prefix}_dec": v.decimals,
        f"{prefix}_unit": v.unit,
        f"{prefix}_scale": v.scale,
        f"loc_{prefix}": cell.loc if cell else "",
    }
    if prefix == "target":
        cols.update(target_per=v.per, target_year=v.year)
    else:
        cols.update(actual_tier=v.tier)
    return cols


def number_columns(prefix: str, cell: Cell | None) -> dict:
    text = cell.text if cell else ""
    num, dec = number_and_decimals(text)
    return {f"{prefix}_raw": clean(text), prefix: num, f"{prefix}_dec": dec, f"loc_{prefix}": cell.loc if cell else ""}


def _fund_number(cell: Cell | None) -> tuple[float | None, int]:
    if cell is None:
        return None, 0
    text = squash(cell.text)
    if text.endswith("%"):
        return number_and_decimals(text[:-1])
    return number_and_decimals(text)


def _from_selfeval(path: str, doc, file_no: int) -> FileModel:
    model = FileModel(path=path, kind="selfeval" if len(doc.tables) <= 1 and not doc.listed else "bundle")
    model.listed = [{"file": path, "name": name, "loc": loc} for name, loc in doc.listed]
    listed = {squash(n): n for n, _ in doc.listed}
    for seq, t in enumerate(doc.tables, start=1):
        pid = project_id(file_no, seq)
        method_cells = [it["method"].text for it in t.items if "method" in it]
        model.projects.append({
            "project_id": pid, "file": path, "seq": seq, "name": t.name, "kind": "selfeval",
            "department": t.department, "department_code": t.department_code, "unit": t.unit,
            "year": t.year, "total_weight": t.total_weight, "total_score": t.total_score,
            "total_score_dec": t.total_score_dec, "total_loc": t.total_loc,
            "subtotal_score": None, "subtotal_score_dec": 0, "subtotal_loc": "", "grade": "", "grade_loc": "",
            "listed_name": listed.get(squash(t.name), ""), "loc": t.loc, "sheet": t.sheet,
            "method_text": "\n".join(clean(m) for m in method_cells + t.method), "goal": t.goal,
            "fund_scale": t.fund_scale, "source": "", "period_months": None,
            "has_reason_column": t.has_reason_column,
        })
        for f in t.funds:
            rec = {"project_id": pid, "line": f["line"], "label": f["label"], "loc": f["loc"]}
            for col in ("budget_initial", "budget", "spent", "rate", "score"):
                rec[col], rec[f"{col}_dec"] = _fund_number(f.get(col))
            rec["weight"] = _fund_number(f.get("weight"))[0]
            for col in ("budget", "spent", "rate", "score"):
                rec[f"loc_{col}"] = f[col].loc if col in f else ""
            model.funds.append(rec)
        for s in t.sections.values():
            model.sections.append({"project_id": pid, **s})
        method = ""
        for it in t.items:
            if "method" in it:
                method = clean(it["method"].text)
            rec = {"project_id": pid, "seq": it["seq"], "level1": it["level1"], "level2": it["level2"],
                   "name": it["name"], "method": method, "note": clean(it["note"].text) if "note" in it else "",
                   "bonus": False, "loc": it["loc"]}
            rec.update(value_columns("target", it.get("target")))
            rec.update(value_columns("actual", it.get("actual")))
            rec.update(number_columns("weight", it.get("weight")))
            rec.update(number_columns("score", it.get("score")))
            model.indicators.append(rec)
    return model
