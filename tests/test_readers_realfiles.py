"""What real files hold (issue #16), in every format where it can occur: hidden rows, columns and
sheets; merged cells; percent formats and numbers written as text; formulas with and without their
value; a form after a cover sheet, and several forms on one sheet.

The forms are made here (tests/formkit.py) and written as text, workbooks (openpyxl, a hand-built
ODS, record-built .xls) and Word tables; each test asserts what the reader or the check gives.
"""

from __future__ import annotations

import re
import struct
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pytest

from checker.engine import check
from checker.readers import read_any
from checker.readers.excel import read_excel, read_openpyxl, render
from checker.recognise import recognise_file
from checker.values import parse_value
from scripts.make_sample_xlsx import typed
from tests.formkit import Form, write
from tests.hostile.builders import _record, ole_file
from tests.test_layouts import SELF_EVAL_ROWS

SCRATCH_ROW = ["", "", "", "临时测算", "≥100", "37", "5", "0", "草稿"]   # a clerk's working, hidden
OVERSCORE = [("IND.OVERSCORE", "移动终端台数", "12", "9.33")]            # what the form itself must give


def form(**kw) -> Form:
    return Form(rows=[dict(r) for r in SELF_EVAL_ROWS], total={"weight": "100", "score": "92"}, **kw)


def letter(n: int) -> str:
    return openpyxl.utils.get_column_letter(n)


def put(ws, grid: list[list[str]], start: int = 1, as_text: bool = False) -> None:
    """Cells as formkit writes them: numbers as numbers with their format, unless ``as_text``."""
    for r, row in enumerate(grid, start=start):
        for c, text in enumerate(row, start=1):
            if text == "":
                continue
            value, fmt = (text, None) if as_text else typed(text)
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str) and (as_text or value.startswith("=") and not value.startswith("=SUM")):
                cell.data_type = "s"
            if fmt:
                cell.number_format = fmt


def findings(result, *rules: str) -> list[tuple[str, str, str, str]]:
    f = result.findings if not rules else result.findings[result.findings["rule"].isin(rules)]
    return sorted(zip(f["rule"], f["indicator"], f["reported"], f["expected"]))


def messages(result, rule: str) -> list[tuple[str, str, str]]:
    f = result.findings[result.findings["rule"] == rule]
    return sorted(zip(f["severity"], f["location"], f["message"]))


def indicator_cells(result) -> list[tuple]:
    cols = ["level1", "level2", "name", "target_raw", "actual_raw", "weight_raw", "score_raw", "note"]
    return [tuple(r) for r in result.indicators[cols].itertuples(index=False)]


def column_map(path: Path) -> list[tuple[str, int]]:
    fm = recognise_file(str(path), read_any(str(path)), 1)
    return [(c.field, c.index) for c in fm.layouts[0]["indicators"].columns]


# --- an ODS writer: numbers as floats, percents as percentages, each with the text it shows ------
ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
          'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"')
ODS_MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
HIDDEN_TABLE = ('<office:automatic-styles><style:style style:name="ta_hidden" style:family="table">'
                '<style:table-properties table:display="false"/></style:style></office:automatic-styles>')


def ods_cell(text: str) -> str:
    if text == "":
        return "<table:table-cell/>"
    if text.startswith("<table:"):
        return text
    value, fmt = typed(text)
    shown = escape(text)
    if isinstance(value, float) and fmt and fmt.endswith("%"):
        return (f'<table:table-cell office:value-type="percentage" office:value="{value!r}">'
                f"<text:p>{shown}</text:p></table:table-cell>")
    if isinstance(value, (int, float)):
        return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{shown}</text:p></table:table-cell>'
    return f'<table:table-cell office:value-type="string"><text:p>{shown}</text:p></table:table-cell>'


def ods_table(name: str, grid: list[list[str]], hidden_rows=(), hidden_cols=(), hidden: bool = False) -> str:
    width = max(len(r) for r in grid)
    cols = "".join('<table:table-column table:visibility="collapse"/>' if c in hidden_cols else "<table:table-column/>"
                   for c in range(1, width + 1))
    rows = "".join(("<table:table-row table:visibility=\"collapse\">" if r in hidden_rows else "<table:table-row>")
                   + "".join(ods_cell(t) for t in row) + "</table:table-row>" for r, row in enumerate(grid, start=1))
    style = ' table:style-name="ta_hidden"' if hidden else ""
    return f'<table:table table:name="{name}"{style}>{cols}{rows}</table:table>'


def write_ods(path: Path, tables: list[str]) -> Path:
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NS} office:version="1.2">'
               f'{HIDDEN_TABLE}<office:body><office:spreadsheet>{"".join(tables)}</office:spreadsheet></office:body>'
               "</office:document-content>")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", ODS_MANIFEST, zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


# --- an .xls from BIFF8 records: labels and numbers, ROW and COLINFO flags, sheet states ---------
def write_xls(path: Path, sheets: list[tuple[str, int, list[bytes]]]) -> Path:
    """``sheets``: (name, state 0 visible / 1 hidden / 2 very hidden, records of the sheet)."""
    def bof(kind: int) -> bytes:
        return _record(0x0809, struct.pack("<HH", 0x0600, kind) + bytes(12))

    names = [struct.pack("<BB", len(n), 1) + n.encode("utf-16-le") for n, _, _ in sheets]
    bodies = [bof(0x0010) + b"".join(recs) + _record(0x000A, b"") for _, _, recs in sheets]
    offset = len(bof(0x0005)) + sum(4 + 6 + len(n) for n in names) + 4
    out = bof(0x0005)
    for (_, state, _), name, body in zip(sheets, names, bodies):
        out += _record(0x0085, struct.pack("<IBB", offset, state, 0) + name)
        offset += len(body)
    out += _record(0x000A, b"")
    return ole_file(path, {"Workbook": out + b"".join(bodies)})


def xls_label(r: int, c: int, text: str) -> bytes:
    return _record(0x0204, struct.pack("<HHHHB", r - 1, c - 1, 15, len(text), 1) + text.encode("utf-16-le"))


def xls_number(r: int, c: int, value: float) -> bytes:
    return _record(0x0203, struct.pack("<HHHd", r - 1, c - 1, 15, value))


def xls_row(r: int, hidden: bool) -> bytes:
    return _record(0x0208, struct.pack("<HHHHHHHH", r - 1, 0, 4, 255, 0, 0, 0x0100 | (0x20 if hidden else 0), 15))


def xls_colinfo(first: int, last: int, hidden: bool) -> bytes:
    return _record(0x007D, struct.pack("<HHHHHH", first - 1, last - 1, 2000, 15, 1 if hidden else 0, 0))


# === 1. hidden rows, columns and sheets are not content =========================================
def with_scratch(grid: list[list[str]]) -> tuple[list[list[str]], int, int]:
    """The form with a scratch column after 实际完成值 and a scratch row inside the indicators:
    (grid, the row's number, the column's number), both 1-based as in the workbook."""
    at_col = grid[9].index("实际完成值") + 2            # the new column, right of 实际完成值
    out = [row[:at_col - 1] + (["辅助列"] if n == 10 else [str(n * 7)] if 11 <= n <= 15 else [""]) + row[at_col - 1:]
           if len(row) > 1 else row for n, row in enumerate(grid, start=1)]
    at_row = 13                                        # between 培训人次 and 完成时限
    out.insert(at_row - 1, SCRATCH_ROW[:at_col - 1] + ["99"] + SCRATCH_ROW[at_col - 1:])
    return out, at_row, at_col


def hidden_xlsx(path: Path) -> tuple[Path, int, int]:
    grid, row, col = with_scratch(form().grid())
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "自评表"
    put(ws, grid)
    ws.row_dimensions[row].hidden = True
    ws.column_dimensions[letter(col)].hidden = True
    ws.column_dimensions["Z"].hidden = True           # hidden but empty: not worth naming
    draft = wb.create_sheet("草稿")
    put(draft, form(name="草稿项目").grid())
    draft.sheet_state = "hidden"
    wb.create_sheet("宏").sheet_state = "veryHidden"
    wb.save(path)
    return path, row, col


def test_hidden_rows_columns_and_sheets_xlsx_grid(tmp_path):
    path, row, col = hidden_xlsx(tmp_path / "hidden.xlsx")
    fast, reference = read_excel(str(path)), read_openpyxl(str(path))
    for grids in (fast, reference):
        assert [g.name for g in grids] == ["自评表"]
        rows = {r.loc: r for r in grids[0].rows}
        assert f"自评表!A{row}" not in rows and f"自评表!A{row + 1}" in rows       # the row left out, the next one kept
        header = rows["自评表!A10"]
        assert [c.text for c in header.cells][4:8] == ["年度指标值", "实际完成值", "分值", "得分"]
        assert [c.loc for c in header.cells][4:8] == ["自评表!E10", "自评表!F10", "自评表!H10", "自评表!I10"]
        assert all(c.text != "辅助列" and not c.loc.startswith(f"自评表!{letter(col)}") for r in grids[0].rows
                   for c in r.cells)
        assert [str(w) for w in grids[0].warnings] == [
            f"隐藏内容未读取：工作表 自评表 的第 {row} 行、第 {letter(col)} 列；隐藏工作表 草稿、宏"]
        assert grids[0].warnings[0].code == "PARSE.HIDDEN"
    assert [[(c.text, c.loc) for c in r.cells] for r in fast[0].rows] == \
           [[(c.text, c.loc) for c in r.cells] for r in reference[0].rows]


def test_hidden_content_gives_one_info_finding_and_the_form_checks_as_without_it(tmp_path):
    path, row, col = hidden_xlsx(tmp_path / "hidden.xlsx")
    plain = write(form().grid(), tmp_path / "plain.xlsx")
    got, want = check([str(path)]), check([str(plain)])
    assert indicator_cells(got) == indicator_cells(want)
    assert findings(got, "IND.OVERSCORE") == OVERSCORE
    assert messages(got, "PARSE.HIDDEN") == [
        ("info", "自评表", f"隐藏内容未读取：工作表 自评表 的第 {row} 行、第 {letter(col)} 列；隐藏工作表 草稿、宏")]
    assert findings(got) == sorted(findings(want) + [("PARSE.HIDDEN", "", "", "")])
    loc = got.indicators.set_index("name").loc["移动终端台数", "loc_score"]
    assert loc == "自评表!I11"                       # the address in the file, past the hidden column
    assert got.findings[got.findings.rule == "PARSE.HIDDEN"]["message_en"].tolist() == [
        f"hidden content not read: sheet 自评表 rows {row}, columns {letter(col)}; hidden sheets 草稿, 宏"]


def test_hidden_rows_and_columns_that_hold_nothing_are_not_named(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    put(ws, form().grid())
    ws.row_dimensions[30].hidden = True
    ws.column_dimensions.group("K", "M", hidden=True)
    wb.save(tmp_path / "f.xlsx")
    grids = read_excel(str(tmp_path / "f.xlsx"))
    assert grids[0].warnings == []


def test_hidden_rows_columns_and_sheets_ods(tmp_path):
    grid, row, col = with_scratch(form().grid())
    path = write_ods(tmp_path / "hidden.ods", [ods_table("自评表", grid, {row}, {col}),
                                                ods_table("草稿", form(name="草稿项目").grid(), hidden=True)])
    grids = read_excel(str(path))
    assert [g.name for g in grids] == ["自评表"]
    assert f"自评表!A{row}" not in {r.loc for r in grids[0].rows}
    header = next(r for r in grids[0].rows if r.loc == "自评表!A10")
    assert [c.loc for c in header.cells][5:7] == ["自评表!F10", "自评表!H10"]
    assert [str(w) for w in grids[0].warnings] == [
        f"隐藏内容未读取：工作表 自评表 的第 {row} 行、第 {letter(col)} 列；隐藏工作表 草稿"]
    got, want = check([str(path)]), check([str(write(form().grid(), tmp_path / "plain.xlsx"))])
    assert indicator_cells(got) == indicator_cells(want)
    assert findings(got) == sorted(findings(want) + [("PARSE.HIDDEN", "", "", "")])


def test_hidden_rows_columns_and_sheets_xls(tmp_path):
    cells = [xls_label(1, 1, "项目名称"), xls_label(1, 2, "测试"), xls_label(1, 3, "辅助"), xls_label(1, 4, "得分"),
             xls_label(2, 1, "临时测算"), xls_number(2, 3, 37), xls_number(3, 1, 95.5), xls_number(3, 3, 1),
             xls_label(3, 4, "末")]
    path = write_xls(tmp_path / "hidden.xls", [
        ("表", 0, [xls_row(1, False), xls_row(2, True), xls_colinfo(3, 3, True), *cells]),
        ("藏", 1, [xls_label(1, 1, "秘密")]), ("深藏", 2, [xls_label(1, 1, "宏")])])
    grids = read_excel(str(path))
    assert [g.name for g in grids] == ["表"]
    assert [[(c.text, c.loc) for c in r.cells] for r in grids[0].rows] == [
        [("项目名称", "表!A1"), ("测试", "表!B1"), ("得分", "表!D1")],
        [("95.5", "表!A3"), ("", "表!B3"), ("末", "表!D3")]]
    assert [str(w) for w in grids[0].warnings] == ["隐藏内容未读取：工作表 表 的第 2 行、第 C 列；隐藏工作表 藏、深藏"]


# === 2. merged cells never shift a column ========================================================
def widened(grid: list[list[str]]) -> list[list[str]]:
    """The form with 三级指标 two columns wide (a blank column right of it), as many forms print it."""
    at = grid[9].index("三级指标") + 1
    return [row[:at] + [""] + row[at:] if len(row) > 1 else row for row in grid]


def merges(grid: list[list[str]]) -> list[tuple[int, int, int, int]]:
    """(r1, c1, r2, c2), 1-based: the title and 项目名称 across the table, 三级指标 and each name over
    its two columns, each 一级/二级 label down over the rows it heads, 绩效指标 down the indicators."""
    width, name_col = len(grid[2]), grid[9].index("三级指标") + 1
    last = len(grid) - 1                                       # the 总分 row is the last
    out = [(1, 1, 1, width), (3, 2, 3, width)]
    out += [(r, name_col, r, name_col + 1) for r in range(10, last + 1)]
    out.append((10, 1, last, 1))
    for col in (2, 3):                                          # 一级, 二级: down to the next label
        starts = [r for r in range(11, last + 1) if grid[r - 1][col - 1]] + [last + 1]
        out += [(a, col, b - 1, col) for a, b in zip(starts, starts[1:]) if b - 1 > a]
    return out


def test_merged_cells_xlsx_keep_every_column(tmp_path):
    grid = widened(form().grid())
    plain = write(grid, tmp_path / "plain.xlsx")
    wb = openpyxl.load_workbook(plain)
    ws = wb.active
    for r1, c1, r2, c2 in merges(grid):
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    wb.save(tmp_path / "merged.xlsx")
    assert column_map(tmp_path / "merged.xlsx") == column_map(plain)
    assert [f for f, _ in column_map(plain)][:5] == ["l1", "l2", "name", "target", "actual"]
    got, want = check([str(tmp_path / "merged.xlsx")]), check([str(plain)])
    assert indicator_cells(got) == indicator_cells(want)
    assert got.indicators["level1"].tolist()[:3] == ["产出指标", "产出指标", "产出指标"]
    assert findings(got) == findings(want) == OVERSCORE


def test_merged_cells_word_keep_every_column(tmp_path):
    """python-docx merges write w:gridSpan across and w:vMerge down, as Word does."""
    from docx import Document

    grid = widened(form().grid())
    plain = write(grid, tmp_path / "plain.docx")
    doc = Document(str(plain))
    table, skip = doc.tables[0], 2                              # the two title lines are paragraphs
    for r1, c1, r2, c2 in merges(grid):
        if r1 > skip:
            table.cell(r1 - 1 - skip, c1 - 1).merge(table.cell(r2 - 1 - skip, c2 - 1))
    doc.save(tmp_path / "merged.docx")
    xml = zipfile.ZipFile(tmp_path / "merged.docx").read("word/document.xml").decode()
    assert 'w:gridSpan w:val="2"' in xml and "w:vMerge" in xml
    assert column_map(tmp_path / "merged.docx") == column_map(plain)
    got, want = check([str(tmp_path / "merged.docx")]), check([str(plain)])
    assert indicator_cells(got) == indicator_cells(want)
    assert findings(got) == findings(want) == OVERSCORE


# === 3. percents as shown, numbers written as text ================================================
def test_percent_formats_read_as_shown():
    assert render(0.9567, "0.00%") == "95.67%"
    assert render(0.9567, "0%") == "96%"
    assert render(95.67, '0.00"%"') == "95.67%"      # a percent sign as literal text: not × 100
    assert render(95.67, "0.00\\%") == "95.67%"
    assert render(1234.5, "#,##0.00") == "1234.50"
    assert render(1234.5, '#,##0.00"万元"') == "1234.50"


@pytest.mark.parametrize("text,kind,number,decimals", [
    ("1,234.50", "quantity", 1234.5, 2), ("１，２３４.５０", "quantity", 1234.5, 2), ("９５.６７％", "percent", 95.67, 2),
    ("95.67%", "percent", 95.67, 2), ("１２３４", "quantity", 1234.0, 0), ("≥1,234.5万元", "quantity", 1234.5, 1),
])
def test_numbers_written_as_text(text, kind, number, decimals):
    v = parse_value(text)
    assert (v.kind, v.number, v.decimals) == (kind, number, decimals)


def text_number_form() -> Form:
    f = form(funds=[["年度资金总额", "1,234.50", "1,234.50", "1,172.78", "10", "95.00%", "9.5"],
                    ["其中：当年财政拨款", "1,234.50", "1,234.50", "1,172.78", "—", "—", "—"]])
    f.rows[3]["actual"] = "９５.６７％"
    f.rows[4]["actual"] = "0.9567"                              # replaced below by a percent-formatted fraction
    f.total["score"] = "91.5"
    return f


@pytest.mark.parametrize("suffix", [".xlsx", ".ods", ".txt", ".docx"])
def test_text_numbers_full_width_and_percent_cells(tmp_path, suffix):
    f = text_number_form()
    grid = f.grid()
    path = tmp_path / f"form{suffix}"
    satisfaction = next(n for n, r in enumerate(grid) if "群众满意度" in r)
    if suffix == ".xlsx":                                          # numbers stored as text; a fraction shown as 95.67%
        wb = openpyxl.Workbook()
        put(wb.active, grid, as_text=True)
        cell = wb.active.cell(row=satisfaction + 1, column=grid[satisfaction].index("0.9567") + 1, value=0.9567)
        cell.number_format = "0.00%"
        wb.save(path)
    elif suffix == ".ods":                                         # a percentage-typed cell, 95.67% shown
        grid[satisfaction] = [t if t != "0.9567" else
                              '<table:table-cell office:value-type="percentage" office:value="0.9567">'
                              "<text:p>95.67%</text:p></table:table-cell>" for t in grid[satisfaction]]
        write_ods(path, [ods_table("自评表", [[ods_cell_text(t) for t in r] for r in grid])])
    else:
        grid[satisfaction] = [t if t != "0.9567" else "95.67%" for t in grid[satisfaction]]
        write(grid, path)
    got = check([str(path)])
    funds = got.funds.set_index("line") if "line" in got.funds else got.funds
    total = got.funds.iloc[0]
    assert (total["budget"], total["spent"], total["rate"]) == (1234.5, 1172.78, 95.0)
    actual = got.indicators.set_index("name")
    assert (actual.loc["群众知晓率", "actual_kind"], actual.loc["群众知晓率", "actual_num"]) == ("percent", 95.67)
    assert (actual.loc["群众满意度", "actual_kind"], actual.loc["群众满意度", "actual_num"]) == ("percent", 95.67)
    assert len(funds) == 2
    assert findings(got) == OVERSCORE


def ods_cell_text(text: str) -> str:
    """Every cell a string but the percentage one: numbers stored as text, as in the xlsx."""
    if text.startswith("<table:") or text == "":
        return ods_cell(text)
    return f'<table:table-cell office:value-type="string"><text:p>{escape(text)}</text:p></table:table-cell>'


# === 4. formulas: by their value, or named when the file holds none ==========================
def formula_xlsx(path: Path, cached: bool) -> tuple[Path, list[str]]:
    """The 总分 row's 分值 and 得分 as SUM formulas (openpyxl saves no value); ``cached``: the values
    Excel would have saved written in."""
    grid = form().grid()
    total = len(grid)
    weight, score = letter(grid[9].index("分值") + 1), letter(grid[9].index("得分") + 1)
    grid[-1] = [t if t not in ("100", "92") else f"=SUM({weight if t == '100' else score}11:"
                f"{weight if t == '100' else score}15)" for t in grid[-1]]
    wb = openpyxl.Workbook()
    wb.active.title = "自评表"
    put(wb.active, grid)
    wb.save(path)
    if cached:
        with zipfile.ZipFile(path) as z:
            members = {n: z.read(n) for n in z.namelist()}
        xml = members["xl/worksheets/sheet1.xml"].decode()
        for ref, value in ((f"{weight}{total}", "100"), (f"{score}{total}", "92")):
            xml, n = re.subn(rf'(<c r="{ref}"[^>]*>)(<f>[^<]*</f>)<v\s*/?>(?:</v>)?', rf"\1\2<v>{value}</v>", xml)
            assert n == 1
        members["xl/worksheets/sheet1.xml"] = xml.encode()
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in members.items():
                z.writestr(name, data)
    return path, [f"{weight}{total}", f"{score}{total}"]


def test_formulas_with_cached_values_read_by_value_xlsx(tmp_path):
    path, refs = formula_xlsx(tmp_path / "cached.xlsx", cached=True)
    grids = read_excel(str(path))
    cells = {c.loc: c.text for r in grids[0].rows for c in r.cells}
    assert [cells[f"自评表!{ref}"] for ref in refs] == ["100", "92"]
    assert grids[0].warnings == []
    got = check([str(path)])
    assert findings(got) == OVERSCORE
    assert got.projects["total_score"].tolist() == [92.0]


def test_formula_without_value_named_xlsx(tmp_path):
    path, refs = formula_xlsx(tmp_path / "uncalculated.xlsx", cached=False)
    for grids in (read_excel(str(path)),):
        cells = {c.loc: c.text for r in grids[0].rows for c in r.cells}
        assert [cells[f"自评表!{ref}"] for ref in refs] == ["", ""]
    got = check([str(path)])
    assert messages(got, "PARSE.FORMULA_NO_VALUE") == [(
        "warning", "自评表", f"工作表 自评表 的 {refs[0]}、{refs[1]} 含公式但未保存计算结果（公式未计算），按空白读取；"
        "请在 Excel 中打开、重新计算并保存后再提交")]
    assert findings(got, "IND.OVERSCORE") == OVERSCORE


def test_formula_cells_in_raw_markup():
    """Cached numbers, a formula whose text result is empty (has its value), a shared formula with no
    value, an empty <v/>: only the last two are named."""
    from checker.readers.xlsx_scan import SheetScan, _scan_formulas

    sheet = SheetScan(name="S", part="")
    _scan_formulas(sheet, b'<row r="1"><c r="A1"><f>1+1</f><v>2</v></c><c r="B1" t="str"><f>""</f><v></v></c>'
                          b'<c r="C1"><f t="shared" si="0"/></c><x:c r="D1" s="2"><x:f>A1</x:f><x:v/></x:c>'
                          b'<c r="E1" s="1"/><c r="F1" t="s"><v>3</v></c></row>')
    assert sheet.no_value == [(1, 3), (1, 4)]


def test_formulas_ods(tmp_path):
    cells = ['<table:table-cell table:formula="of:=SUM([.A1:.A2])" office:value-type="float" office:value="92">'
             "<text:p>92</text:p></table:table-cell>",
             '<table:table-cell table:formula="of:=SUM([.B1:.B2])"/>']
    path = write_ods(tmp_path / "f.ods", [ods_table("表", [["得分", "合计"], cells])])
    grids = read_excel(str(path))
    assert [[(c.text, c.loc) for c in r.cells] for r in grids[0].rows][1] == [("92", "表!A2"), ("", "表!B2")]
    assert [(w.code, str(w)) for w in grids[0].warnings] == [
        ("PARSE.FORMULA_NO_VALUE",
         "工作表 表 的 B2 含公式但未保存计算结果（公式未计算），按空白读取；请在 Excel 中打开、重新计算并保存后再提交")]


# === 5. a form after a cover sheet; several forms on one sheet ==================================
def cover_sheets() -> list[tuple[str, list[list[str]]]]:
    return [("封面", [["2024年度项目支出绩效自评材料"], [""], ["单位名称（盖章）：某县卫生健康委员会"], ["填报日期：2025年3月"]]),
            ("说明", [["填表说明"], ["1. 分值合计为100分，得分按评分标准计算。"], ["2. 年度指标值应与批复的绩效目标一致。"]])]


@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
def test_form_on_the_third_sheet_after_cover_and_notes(tmp_path, suffix):
    path = tmp_path / f"cover{suffix}"
    sheets = cover_sheets() + [("自评表", form().grid())]
    if suffix == ".xlsx":
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for name, grid in sheets:
            put(wb.create_sheet(name), grid)
        wb.save(path)
    else:
        write_ods(path, [ods_table(name, grid) for name, grid in sheets])
    got = check([str(path)])
    assert [f.status for f in got.files] == ["checked"]
    assert got.projects["name"].tolist() == ["测试专项资金"]
    assert findings(got) == OVERSCORE


@pytest.mark.parametrize("suffix", [".xlsx", ".txt"])
def test_several_forms_stacked_on_one_sheet(tmp_path, suffix):
    first, second = form().grid(), form(name="第二个专项").grid()
    second[next(n for n, r in enumerate(second) if "移动终端台数" in r)][7] = "20"   # the second one scores 20 of 20
    grid = first + [[""], [""]] + second
    path = write(grid, tmp_path / f"stacked{suffix}")
    got = check([str(path)])
    assert got.projects["name"].tolist() == ["测试专项资金", "第二个专项"]
    assert len(got.indicators) == 10
    overscore = got.findings[got.findings.rule == "IND.OVERSCORE"]
    assert list(zip(overscore["project"], overscore["reported"])) == [("测试专项资金", "12"), ("第二个专项", "20")]


def test_long_lists_of_hidden_rows_are_cut():
    from checker.readers.excel import _spans, column_letter

    assert _spans(list(range(1, 80, 2))).endswith("、37、39 等 40 处")
    assert _spans([3, 4, 5, 9], column_letter, en=True) == "C–E, I"
