"""Annotated copies of Excel inputs: each offending cell gets a comment and a colour, and a
核查结果 sheet lists the findings with links to their cells.  The input is never touched:
the copy is written under another name in another folder.
"""

from __future__ import annotations

import re
from pathlib import Path

FILL = {"error": "FFF4C7C3", "warning": "FFFFE8B3", "info": "FFDCEBFA"}
RANK = {"error": 0, "warning": 1, "info": 2}
CELL = re.compile(r"^(?P<sheet>.+)!(?P<cell>[A-Z]{1,3}\d+)$")


def annotate(result, out_dir: str) -> list[str]:
    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    msg = "message_en" if result.lang == "en" else "message"
    for s in result.files:
        src = Path(s.path)
        if s.status != "checked" or src.suffix.lower() not in (".xlsx", ".xlsm"):
            continue
        mine = result.findings[result.findings["file"] == s.path]
        if mine.empty:
            continue
        target = out / f"{src.stem}.核查{src.suffix}"
        if target.resolve() == src.resolve():
            raise ValueError(f"{target}: 不能覆盖输入文件")
        wb = load_workbook(src, keep_vba=src.suffix.lower() == ".xlsm")
        worst: dict[tuple[str, str], str] = {}
        notes: dict[tuple[str, str], list[str]] = {}
        for r in mine.to_dict("records"):
            m = CELL.match(r["location"])
            if not m or m["sheet"] not in wb.sheetnames:
                continue
            key = (m["sheet"], _anchor(wb[m["sheet"]], m["cell"]).coordinate)
            notes.setdefault(key, []).append(f"[{r['severity']}] {r['rule']}: {r[msg]}")
            if key not in worst or RANK[r["severity"]] < RANK[worst[key]]:
                worst[key] = r["severity"]
        for (sheet, ref), lines in notes.items():
            cell = wb[sheet][ref]
            text = "\n".join(lines)
            cell.comment = Comment(text, "jixiao", width=360, height=40 + 40 * len(lines))
            cell.fill = PatternFill("solid", fgColor=FILL[worst[(sheet, ref)]])
        name = "核查结果" if "核查结果" not in wb.sheetnames else "核查结果(jixiao)"
        ws = wb.create_sheet(name, 0)
        ws.append(["级别", "规则", "位置", "项目", "部分", "指标", "填报值", "应为", "说明"])
        for c in ws[1]:
            c.font = Font(bold=True)
        for r in mine.to_dict("records"):
            ws.append([r["severity"], r["rule"], r["location"], r["project"], r["section"], r["indicator"],
                       r["reported"], r["expected"], r[msg]])
            m = CELL.match(r["location"])
            if m and m["sheet"] in wb.sheetnames:
                link = ws.cell(row=ws.max_row, column=3)
                link.hyperlink = f"#'{m['sheet']}'!{m['cell']}"
                link.font = Font(color="FF1F5F99", underline="single")
            ws.cell(row=ws.max_row, column=1).fill = PatternFill("solid", fgColor=FILL[r["severity"]])
        for col, width in zip("ABCDEFGHI", (8, 22, 14, 28, 14, 24, 14, 14, 80)):
            ws.column_dimensions[col].width = width
        wb.save(target)
        written.append(str(target))
    return written


def _anchor(ws, ref: str):
    """The cell that can carry a note: a merged range's top-left cell."""
    cell = ws[ref]
    for rng in ws.merged_cells.ranges:
        if cell.coordinate in rng:
            return ws.cell(row=rng.min_row, column=rng.min_col)
    return cell
