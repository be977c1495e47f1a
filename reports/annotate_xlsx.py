"""Annotated copies of Excel inputs: each offending cell gets a comment and a colour, and a
核查结果 sheet lists the findings with links to their cells.  The input is never touched:
the copy is written under another name in another folder.

* A finding on a cell hidden inside a merged range (项目2!A14 under the label A10:A19) is
  commented on the first visible cell of the same row — the row the finding names — and the
  核查结果 link goes to that same cell.
* Text copied from the input (a project named ``=HYPERLINK(…)``) is written as text, never as a
  formula.
* ``.xls`` and ``.ods`` inputs get no annotated copy (openpyxl writes only the xlsx family);
  ``skipped_inputs`` names them so the CLI and the report can say so.
"""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import numpy as np

from checker.gate import SEVERITY_RANK, worst
from reports import labels
from reports.junit import xml_safe
from reports.locations import cell_ref
from reports.safe_cells import set_text

FILL = {"error": "FFF4C7C3", "warning": "FFFFE8B3", "info": "FFDCEBFA", "waived": "FFE4E4E4"}
WRITABLE = (".xlsx", ".xlsm")
NOT_ANNOTATED = (".xls", ".ods")
HEAD = {"zh": ["级别", "规则", "位置", "项目", "部分", "指标", "填报值", "应为", "说明", "豁免"],
        "en": ["Severity", "Rule", "Location", "Project", "Section", "Indicator", "Reported", "Expected", "Message",
               "Waived"]}
WIDTHS = (8, 22, 14, 28, 14, 24, 14, 14, 80, 30)
WAIVED = {"zh": "已豁免：{}", "en": "waived: {}"}


def _waived(r: dict, lang: str) -> str:
    """'已豁免：<reason>' for a finding a waiver accepts (jixiao-waivers.toml), else ''."""
    w = r.get("waived")   # a bool, numpy's or Python's; absent (NaN) without a waivers file
    waived = isinstance(w, bool | np.bool_) and bool(w)
    return WAIVED[lang].format(r.get("waiver_reason") or "") if waived else ""


def skipped_inputs(result) -> list[str]:
    """Excel inputs with findings that get no annotated copy, because of their format."""
    with_findings = set(result.findings["file"])
    return [s.path for s in result.files
            if s.status == "checked" and Path(s.path).suffix.lower() in NOT_ANNOTATED and s.path in with_findings]


def skipped_note(path: str, lang: str) -> str:
    if lang == "en":
        return f"{path}: no annotated copy for .xls/.ods inputs; save it as .xlsx to get one"
    return f"{path}: .xls/.ods 文件不生成批注副本，另存为 .xlsx 后再核查即可得到"


def plan_targets(result, out_dir: str | Path, planner=None) -> dict[str, Path]:
    """The copy each xlsx/xlsm input would get in ``out_dir``, planned before anything is written
    (``reports.plan``): ``<stem>.核查<suffix>``; where two inputs share a stem (单位甲/自评表.xlsx and
    单位乙/自评表.xlsx, or .XLSX beside .xlsx) the file's relative path is in the name, then a counter.
    No name is an input's or another output's."""
    from reports.plan import Planner

    out = Path(out_dir)
    planner = planner or Planner([s.real_path for s in result.files])
    excel = [s.path for s in result.files if s.status == "checked" and Path(s.path).suffix.lower() in WRITABLE]
    stems: dict[str, int] = {}
    for f in excel:
        stems[Path(f).stem.casefold()] = stems.get(Path(f).stem.casefold(), 0) + 1
    top = _common_folder(excel)
    targets = {}
    for f in excel:
        src = Path(f)
        rel = _relative(src, top)
        alt = [rel] if stems[src.stem.casefold()] > 1 else []
        first = alt[0] if alt else src.stem
        targets[f] = planner.claim(out, first, f".核查{src.suffix}", [src.stem] if alt else [])
    return targets


def _common_folder(paths: list[str]) -> str:
    try:
        return os.path.commonpath([os.path.dirname(os.path.abspath(p)) for p in paths]) if paths else ""
    except ValueError:
        return ""


def _relative(src: Path, top: str) -> str:
    """The file's path below the inputs' common folder, without its suffix (单位甲/自评表 → 单位甲_自评表)."""
    full = os.path.abspath(src)
    rel = os.path.relpath(full, top) if top else full
    return os.path.splitext(rel)[0].replace(os.sep, "_")


def annotate(result, out_dir: str, only: list[str] | None = None, targets: dict[str, Path] | None = None) -> list[str]:
    """Write annotated copies of the xlsx/xlsm inputs that have findings; returns the paths written.

    ``only`` restricts to some inputs; ``targets`` gives each input's planned path (``plan_targets``,
    ``--split-by``); by default they are planned here."""
    if targets is None:
        targets = plan_targets(result, out_dir)
    written = []
    for s in result.files:
        src = Path(s.real_path)
        if s.status != "checked" or Path(s.path).suffix.lower() not in WRITABLE or (only is not None and s.path not in only):
            continue
        mine = result.findings[result.findings["file"] == s.path]
        if mine.empty or s.path not in targets:
            continue
        written.append(str(annotate_one(src, mine, targets[s.path], labels.lang_of(result))))
    return written


def annotate_one(src: Path, findings, target: Path, lang: str) -> Path:
    from openpyxl import load_workbook

    from reports.plan import write_new

    wb = load_workbook(io.BytesIO(_read_regular(src)), keep_vba=src.suffix.lower() == ".xlsm")
    msg = "message_en" if lang == "en" else "message"
    records = findings.to_dict("records")  # one workbook's findings: small
    anchors = [_anchor_of(wb, r["location"]) for r in records]
    _comment(wb, records, anchors, msg, lang)
    _results_sheet(wb, records, anchors, msg, lang)
    buf = io.BytesIO()
    wb.save(buf)
    return write_new(target, buf.getvalue())


def _read_regular(src: Path) -> bytes:
    """The input's bytes, opened without blocking: a file swapped for a pipe since it was checked
    is refused, never waited on."""
    fd = os.open(src, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ValueError(f"{src}: 已不是普通文件，未生成批注副本")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read()
    finally:
        os.close(fd)


def _anchor_of(wb, location: str) -> tuple[str, str] | None:
    ref = cell_ref(location)
    if ref is None or ref[0] not in wb.sheetnames:
        return None
    sheet, coord = ref
    return sheet, visible_cell(wb[sheet], coord)


def visible_cell(ws, coord: str) -> str:
    """The cell that can carry a comment for ``coord``: itself, unless a merged range hides it;
    then the first cell to its right in the same row that is not hidden, else the range's first cell."""
    from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter

    row, col = coordinate_to_tuple(coord)
    hidden = {}
    for rng in ws.merged_cells.ranges:
        if rng.min_row <= row <= rng.max_row:
            hidden[rng] = (rng.min_row, rng.min_col)
    owner = next((r for r in hidden if r.min_col <= col <= r.max_col), None)
    if owner is None or (owner.min_row, owner.min_col) == (row, col):
        return coord
    limit = max(ws.max_column, col)
    for c in range(owner.max_col + 1, limit + 1):
        cover = next((r for r in hidden if r.min_col <= c <= r.max_col), None)
        if cover is None or (cover.min_row, cover.min_col) == (row, c):
            return f"{get_column_letter(c)}{row}"
    return f"{get_column_letter(owner.min_col)}{owner.min_row}"


def _comment(wb, records, anchors, msg: str, lang: str) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    notes: dict[tuple[str, str], list[dict]] = {}
    for r, key in zip(records, anchors):
        if key is not None:
            notes.setdefault(key, []).append(r)
    for (sheet, ref), rs in notes.items():
        cell = wb[sheet][ref]
        rs = sorted(rs, key=lambda r: SEVERITY_RANK[r["severity"]])
        waived = [_waived(r, lang) for r in rs]
        lines = [f"[{labels.severity(r['severity'], lang)}] {r['rule']}"
                 f"{'' if cell_ref(r['location']) == (sheet, ref) else ' (' + r['location'] + ')'}: {r[msg]}"
                 + (f" [{w}]" if w else "") for r, w in zip(rs, waived)]
        cell.comment = Comment(xml_safe("\n".join(lines)), "jixiao", width=360, height=40 + 40 * len(lines))
        open_ = [r["severity"] for r, w in zip(rs, waived) if not w]   # the colour says what still needs attention
        cell.fill = PatternFill("solid", fgColor=FILL[worst(open_)] if open_ else FILL["waived"])


def _results_sheet(wb, records, anchors, msg: str, lang: str) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.hyperlink import Hyperlink

    name = "核查结果" if "核查结果" not in wb.sheetnames else "核查结果(jixiao)"
    ws = wb.create_sheet(name, 0)
    for col, text in enumerate(HEAD[lang], start=1):
        set_text(ws.cell(row=1, column=col), text)
        ws.cell(row=1, column=col).font = Font(bold=True)
    for n, (r, key) in enumerate(zip(records, anchors), start=2):
        waived = _waived(r, lang)
        values = [labels.severity(r["severity"], lang), r["rule"], r["location"], r["project"], r["section"],
                  r["indicator"], r["reported"], r["expected"], r[msg], waived]
        for col, v in enumerate(values, start=1):
            set_text(ws.cell(row=n, column=col), xml_safe(v))
        if key is not None:
            link = ws.cell(row=n, column=3)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{key[0]}'!{key[1]}")
            link.font = Font(color="FF1F5F99", underline="single")
        ws.cell(row=n, column=1).fill = PatternFill("solid", fgColor=FILL["waived" if waived else r["severity"]])
    for col, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
