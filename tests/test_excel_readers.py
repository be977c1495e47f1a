"""The fast Excel reader (calamine + the workbook's own number formats) against the openpyxl reader:
the same grid, cell for cell — text and location — on every workbook in the repository, on what
scripts/ generates, and on workbooks built here with the formats and merges forms use."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from checker.grid import UnreadableInput
from checker.readers import excel
from checker.readers.excel import STYLES_LOST, read_excel, read_openpyxl
from tests.hostile import builders as B

ROOT = Path(__file__).resolve().parents[1]
REPO_WORKBOOKS = sorted(p for pattern in ("data/**/*.xls[xm]", "tests/**/*.xls[xm]") for p in ROOT.glob(pattern))


def cells(grids) -> list:
    return [(g.name, [[(c.text, c.loc) for c in r.cells] for r in g.rows], r_locs(g)) for g in grids]


def r_locs(grid) -> list[str]:
    return [r.loc for r in grid.rows]


def same_as_openpyxl(path: Path) -> list:
    try:
        reference = read_openpyxl(str(path))
    except UnreadableInput:
        with pytest.raises(UnreadableInput):
            read_excel(str(path))
        return []
    fast = read_excel(str(path))
    assert cells(fast) == cells(reference)
    assert all(w.code != "PARSE.READ_REPAIRED" for g in fast for w in g.warnings)  # nothing to repair
    assert hidden_notes(fast) == hidden_notes(reference)   # the same rows, columns and sheets left out
    return fast


def hidden_notes(grids) -> list[tuple[str, str]]:
    return [(g.name, str(w)) for g in grids for w in g.warnings if w.code == "PARSE.HIDDEN"]


def test_repository_has_workbooks():
    names = {p.name for p in REPO_WORKBOOKS}
    assert {"003_bundle.xlsx", "corrupt.xlsx"} <= names


@pytest.mark.parametrize("path", REPO_WORKBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_repository_workbook(path):
    same_as_openpyxl(path)


def test_bundle_cells(tmp_path):
    grids = same_as_openpyxl(ROOT / "data" / "batch" / "003_bundle.xlsx")
    assert [g.name for g in grids] == ["项目清单"] + [f"项目{n}" for n in range(1, 15)]
    first = grids[1].rows[0]
    assert [(c.text, c.loc) for c in first.cells[:3]] == [("项目名称", "项目1!A1"), ("", "项目1!B1"),
                                                          ("物业费、办公场地租赁费", "项目1!C1")]


def test_generated_sample_workbook(tmp_path):
    from scripts.make_sample_xlsx import main

    out = tmp_path / "bundle.xlsx"
    main(str(ROOT / "data" / "text" / "003_bundle_jinan.txt"), str(out))
    assert len(same_as_openpyxl(out)) == 15


def test_libreoffice_saved_workbook(tmp_path):
    """LibreOffice writes sheets differently from openpyxl (attribute order, shared strings, styles)."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        pytest.skip("LibreOffice is not installed")
    src = tmp_path / "src" / "bundle.xlsx"
    src.parent.mkdir()
    shutil.copy(ROOT / "data" / "batch" / "003_bundle.xlsx", src)
    subprocess.run([exe, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--convert-to",
                    "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "out"), str(src)],
                   capture_output=True, timeout=180, check=False)
    out = tmp_path / "out" / "bundle.xlsx"
    assert out.is_file()
    grids = same_as_openpyxl(out)
    assert [g.name for g in grids][:2] == ["项目清单", "项目1"]


def _formats_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目1"
    ws.append([None])  # a blank first row, then a form starting in column B
    ws["B2"], ws["D2"] = "项目名称", "测试项目"
    ws.merge_cells("D2:G2")
    values = [(0.9983, "0.00%"), (1, "0%"), (94.1, "0.00"), (12.5, "0.000"), (1234567.891, "#,##0.00"),
              (3, "0"), (0.1 + 0.2, "General"), (15.0, "General"), (dt.datetime(2024, 12, 31), "yyyy-mm-dd"),
              (dt.datetime(2024, 1, 5, 10, 30), 'yyyy"年"m"月"d"日"'), (dt.date(2023, 6, 30), "mm-dd-yy"),
              (dt.time(9, 15), "h:mm"), (dt.timedelta(hours=30), "[h]:mm:ss"), (0.5, '0.0"分"'),
              (-2.345, "0.00;[Red]-0.00"), (True, "General"), ("≥95%", "@"), ("多行\n文本", "General")]
    for n, (value, fmt) in enumerate(values, start=3):
        ws.cell(row=n, column=2, value=f"指标{n}")
        cell = ws.cell(row=n, column=5, value=value)
        cell.number_format = fmt
    ws.merge_cells("B30:B33")  # a label spanning rows, and a merge reaching past the data
    ws["B30"] = "满意度指标"
    ws.merge_cells("H40:J41")
    hidden = wb.create_sheet("隐藏")
    hidden["A1"] = "草稿"
    hidden.sheet_state = "hidden"
    percent = wb.create_sheet("百分比")
    percent["A1"] = 0.25
    percent["A1"].number_format = "0.0%"
    from openpyxl.chart import BarChart, Reference

    chart = BarChart()
    chart.add_data(Reference(ws, min_col=5, min_row=3, max_row=5))
    wb.create_chartsheet("图表").add_chart(chart)
    wb.save(path)
    return path


def test_number_formats_dates_and_merges(tmp_path):
    grids = same_as_openpyxl(_formats_workbook(tmp_path / "formats.xlsx"))
    assert [g.name for g in grids] == ["项目1", "百分比"]  # the chart sheet holds no cells, a hidden one is not read
    assert hidden_notes(grids) == [("项目1", "隐藏内容未读取：隐藏工作表 隐藏")]
    form = {c.loc: c.text for r in grids[0].rows for c in r.cells}
    assert [form[f"项目1!E{n}"] for n in range(3, 21)] == [
        "99.83%", "100%", "94.10", "12.500", "1234567.89", "3", "0.3", "15", "2024-12-31", "2024-01-05",
        "2023-06-30", "09:15:00", "1 day, 6:00:00", "0.5", "-2.35", "是", "≥95%", "多行\n文本"]
    assert (form["项目1!D2"], form["项目1!E2"], form["项目1!G2"]) == ("测试项目", "", "")
    assert grids[0].rows[0].loc == "项目1!A2" and len(grids[0].rows[0].cells) == 10  # up to the merge H40:J41
    assert grids[1].rows[0].cells[0].text == "25.0%"


def _quirky_workbook(path: Path) -> Path:
    """Markup other writers produce: custom formats, a CJK built-in date id, errors, booleans, cached
    formula values, rich and inline text, a row and cells without r, attributes in another order,
    a value left in a cell a merge covers."""
    ns = B.NS
    styles = (
        f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{ns}"><numFmts count="3">'
        '<numFmt numFmtId="164" formatCode="0.000&quot;万元&quot;"/>'
        '<numFmt numFmtId="165" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>'
        '<numFmt numFmtId="166" formatCode="0.0%"/></numFmts>'
        '<fonts count="1"><font/></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="9">'
        '<xf numFmtId="0"/><xf numFmtId="10"/><xf numFmtId="2"/><xf numFmtId="164"/><xf numFmtId="165"/>'
        '<xf numFmtId="14"/><xf numFmtId="31"/><xf numFmtId="166"/><xf numFmtId="20"/></cellXfs></styleSheet>')
    rows = (
        '<row r="2"><c r="B2" s="1"><v>0.9983</v></c><c r="C2" s="2"><v>94.1</v></c><c r="D2" s="3"><v>12.5</v></c>'
        '<c r="E2" s="4"><v>45292</v></c><c r="F2" s="5"><v>45292.5</v></c><c r="G2" s="6"><v>45292</v></c>'
        '<c r="H2" s="7"><v>0.12345</v></c><c r="I2" s="8"><v>0.5</v></c></row>'
        '<row r="3"><c r="A3" t="e"><v>#DIV/0!</v></c><c r="B3" t="b"><v>1</v></c><c r="C3"><f>1+1</f><v>2</v></c>'
        '<c r="D3" t="str"><f>"a"&amp;"b"</f><v>ab</v></c><c r="E3" t="inlineStr"><is><r><t>富</t></r><r><t>文本</t>'
        '</r></is></c><c r="F3" t="inlineStr"><is><t xml:space="preserve">  多行\r\n单元格  </t></is></c>'
        '<c r="G3" t="s" s="1"><v>0</v></c></row>'
        '<row><c t="inlineStr"><is><t>无r</t></is></c><c s="1"><v>0.5</v></c></row>'
        '<row r="6"><c r="A6" t="inlineStr"><is><t>合并</t></is></c><c r="B6" t="inlineStr"><is><t>被覆盖</t></is>'
        '</c><c r="C6" t="s" s="2"/></row>'
        '<row r="7"><c r="D7" s="2" t="n"><v>7</v></c><c t="n" r="E7" s="1"><v>0.25</v></c></row>'
        '<row r="9"><c r="B9" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>')
    shared = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{ns}" count="1" uniqueCount="1">'
              "<si><t>共享</t></si></sst>")
    rel = ('<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    kind = ('<Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    return B.write_zip(path, [
        B.member("[Content_Types].xml", B.CONTENT_TYPES.replace("</Types>", kind)),
        B.member("_rels/.rels", B.ROOT_RELS), B.member("xl/workbook.xml", B.WORKBOOK),
        B.member("xl/_rels/workbook.xml.rels", B.WORKBOOK_RELS.replace("</Relationships>", rel)),
        B.member("xl/styles.xml", styles), B.member("xl/sharedStrings.xml", shared),
        B.member("xl/worksheets/sheet1.xml", B.sheet_xml(rows, "A1:I9", ["A6:C6"]))])


@pytest.mark.filterwarnings("ignore:Workbook contains no default style")
def test_quirky_markup(tmp_path):
    path = _quirky_workbook(tmp_path / "quirky.xlsx")
    reference = read_openpyxl(str(path))
    fast = read_excel(str(path))
    texts = [r.texts for r in fast[0].rows]
    assert texts[0] == ["", "99.83%", "94.10", "12.500", "2024-01-01", "2024-01-01", "2024-01-01", "12.3%", "12:00:00"]
    assert texts[1] == ["#DIV/0!", "是", "2", "ab", "富文本", "  多行\n单元格  ", "共享", "", ""]
    assert texts[2][:2] == ["无r", "50.00%"] and fast[0].rows[2].loc == "Sheet1!A4"
    assert texts[3][:3] == ["合并", "", ""]  # the value left under the merge reads blank, as in Excel
    assert texts[4][3:5] == ["7.00", "25.00%"] and texts[5][1] == "#DIV/0!"
    # The one difference, on purpose: built-in format 31 is the Chinese date 2024年1月1日; openpyxl does
    # not know the CJK built-in ids and shows the serial number.
    assert reference[0].rows[0].texts[6] == "45292"
    fast[0].rows[0].cells[6] = reference[0].rows[0].cells[6]
    assert cells(fast) == cells(reference)


def test_openpyxl_serves_when_calamine_cannot(tmp_path, monkeypatch):
    path = _formats_workbook(tmp_path / "formats.xlsx")
    expected = cells(read_openpyxl(str(path)))

    def refuse(*args, **kwargs):
        raise RuntimeError("calamine: unsupported")

    monkeypatch.setattr(excel, "_open_calamine", refuse)
    assert cells(read_excel(str(path))) == expected


def _replace_member(src: Path, dst: Path, name: str, data: bytes | None) -> Path:
    import zipfile

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename != name:
                zout.writestr(item.filename, zin.read(item))
            elif data is not None:
                zout.writestr(name, data)
    return dst


def test_missing_styles_read_as_general(tmp_path):
    """No styles.xml at all: openpyxl gives up; every cell is General, which is what the file says."""
    path = _replace_member(ROOT / "data" / "batch" / "003_bundle.xlsx", tmp_path / "nostyles.xlsx", "xl/styles.xml", None)
    with pytest.raises(UnreadableInput):
        read_openpyxl(str(path))
    grids = read_excel(str(path))
    assert len(grids) == 15 and grids[1].rows[0].texts[0] == "项目名称" and grids[1].warnings == []


def test_broken_styles_unreadable_by_both(tmp_path):
    path = _replace_member(ROOT / "data" / "batch" / "003_bundle.xlsx", tmp_path / "badstyles.xlsx", "xl/styles.xml", b"<broken")
    with pytest.raises(UnreadableInput, match="^Excel 文件已损坏，无法读取"):
        read_excel(str(path))


def test_styles_lost_warning_when_only_values_survive(tmp_path, monkeypatch):
    """styles.xml unreadable to the scan and openpyxl, but calamine still reads the values: read, and said."""
    from checker.readers import xlsx_scan

    def broken(pkg, base):
        raise xlsx_scan.ScanError("styles.xml 不是有效的 XML")

    monkeypatch.setattr(xlsx_scan, "_number_formats", broken)
    monkeypatch.setattr(excel, "read_openpyxl", lambda path: (_ for _ in ()).throw(UnreadableInput("openpyxl")))
    grids = read_excel(str(ROOT / "data" / "batch" / "003_bundle.xlsx"))
    assert len(grids) == 15 and all(g.warnings == [STYLES_LOST] for g in grids)


def test_encrypted_workbook(tmp_path):
    """A password-protected xlsx is an OLE container holding an EncryptedPackage stream."""
    with pytest.raises(UnreadableInput, match="^Excel 文件已加密"):
        read_excel(str(B.encrypted_xlsx(tmp_path / "locked.xlsx")))


def test_not_a_workbook_at_all(tmp_path):
    """Web pages saved as .xls by report systems: neither OLE nor zip."""
    path = tmp_path / "导出.xls"
    path.write_text("<html><table><tr><td>项目名称</td></tr></table></html>", encoding="utf-8")
    with pytest.raises(UnreadableInput, match="^不是有效的 Excel 文件"):
        read_excel(str(path))


def test_xls_reads_like_the_xlsx_it_was_saved_from():
    """tests/fixtures/003_bundle.xls is data/batch/003_bundle.xlsx saved by LibreOffice as Excel 97-2003:
    values through calamine, number formats from its own XF and FORMAT records, merges, addresses."""
    xls = read_excel(str(ROOT / "tests" / "fixtures" / "003_bundle.xls"))
    assert cells(xls) == cells(read_excel(str(ROOT / "data" / "batch" / "003_bundle.xlsx")))
    form = {c.loc: c.text for r in xls[1].rows for c in r.cells}
    assert (form["项目1!C1"], form["项目1!H4"], form["项目1!F4"]) == ("物业费、办公场地租赁费", "99.83%", "24.958")


def test_ods_through_calamine(tmp_path):
    rows = (f"<table:table-row>{B.ods_cell('项目名称')}{B.ods_cell('测试项目')}</table:table-row>"
            '<table:table-row><table:table-cell table:number-columns-repeated="2"/>'
            '<table:table-cell office:value-type="float" office:value="94.1"><text:p>94.10</text:p>'
            "</table:table-cell></table:table-row>")
    grids = read_excel(str(B.ods(tmp_path / "form.ods", rows, sheet="项目1")))
    assert [g.name for g in grids] == ["项目1"]
    assert [[(c.text, c.loc) for c in r.cells] for r in grids[0].rows] == [
        [("项目名称", "项目1!A1"), ("测试项目", "项目1!B1"), ("", "项目1!C1")],
        [("", "项目1!A2"), ("", "项目1!B2"), ("94.10", "项目1!C2")]]  # as the file shows it


def test_ods_saved_by_libreoffice(tmp_path):
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        pytest.skip("LibreOffice is not installed")
    subprocess.run([exe, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--convert-to",
                    "ods", "--outdir", str(tmp_path), str(ROOT / "data" / "batch" / "003_bundle.xlsx")],
                   capture_output=True, timeout=180, check=False)
    grids = read_excel(str(tmp_path / "003_bundle.ods"))
    assert [g.name for g in grids] == ["项目清单"] + [f"项目{n}" for n in range(1, 15)]
    # the same cells as the xlsx it was saved from, numbers as shown (99.83%), up to trailing blanks
    trimmed = lambda gs: [[(c.text, c.loc) for c in r.cells if c.text] for g in gs for r in g.rows]  # noqa: E731
    assert trimmed(grids) == trimmed(read_excel(str(ROOT / "data" / "batch" / "003_bundle.xlsx")))
    assert {c.text for r in grids[1].rows for c in r.cells} >= {"99.83%", "24.958", "9.98"}
