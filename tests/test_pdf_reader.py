"""PDF reader: seed 001 printed to PDF by headless Chromium reads as the same form as its text.

The PDF is made at test time: the seed's tab-separated lines become an HTML table with borders
(one <tr> per line, one <td> per cell, the title and notes outside it), printed to A4 pages, so
the table runs over several pages and some rows are cut by a page break.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from checker.engine import check
from checker.grid import UnreadableInput, squash
from checker.readers import read_any, supported
from checker.readers.pdf import SCANNED, join_wrapped

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "batch" / "001_selfeval_yanchi_2024.txt"
PROJECT = ("其他医疗保障管理事务支出—盐池县医疗保险服务中心—城镇职工、城乡居民慢性病病历印刷费、医保政策宣传及印刷费、"
           "医保基金稽核及档案管理等达标经费、医保经办及征缴工作经费")


STYLE = ("@page { size: A4; margin: 10mm } body { font-family: 'WenQuanYi Micro Hei', 'Noto Sans CJK SC', sans-serif;"
         " font-size: 9px } table { border-collapse: collapse } td, th { border: 1px solid #000; padding: 2px }")


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def seed_html(src: Path) -> str:
    parts = ['<!doctype html><html><head><meta charset="utf-8"><style>',
             STYLE, "</style></head><body>"]
    in_table = False
    for line in src.read_text(encoding="utf-8").split("\n"):
        if "\t" in line:
            if not in_table:
                parts.append("<table>")
                in_table = True
            parts.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in line.split("\t")) + "</tr>")
            continue
        if in_table:
            parts.append("</table>")
            in_table = False
        if line.strip():
            parts.append(f"<p>{html.escape(line)}</p>")
    parts.append("</table></body></html>" if in_table else "</body></html>")
    return "\n".join(parts)


def _print(exe: str, page: Path, out: Path, tmp: Path, screenshot: bool = False) -> Path:
    target = [f"--screenshot={out}", "--window-size=900,1400"] if screenshot else [
        f"--print-to-pdf={out}", "--no-pdf-header-footer"]
    args = [exe, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-dev-shm-usage", f"--user-data-dir={tmp / 'profile'}",
            *target, page.as_uri()]
    subprocess.run(args, capture_output=True, timeout=120, check=False)
    assert out.is_file() and out.stat().st_size > 0, f"chromium wrote no {out.name}"
    return out


@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory) -> Path:
    exe = _chromium()
    if not exe:
        pytest.skip("chromium is not installed (.ci/run installs it)")
    tmp = tmp_path_factory.mktemp("pdf")
    page = tmp / "001.html"
    page.write_text(seed_html(SEED), encoding="utf-8")
    return _print(exe, page, tmp / "001_selfeval_yanchi_2024.pdf", tmp)


def _row(grid, first_label: str):
    return next(r for r in grid.rows if any(c.key.startswith(squash(first_label)) for c in r.cells))


def test_pdf_grid_reads_the_form_cell_by_cell(seed_pdf):
    grids = read_any(str(seed_pdf))
    assert len(grids) == 1
    g = grids[0]
    assert g.layout == "cells" and g.warnings == []
    # the title lines above the table come first, as single-cell rows
    assert [r.texts for r in g.rows[:2]] == [["盐池县本级部门项目支出绩效自评表"], ["(2024年度)"]]
    assert [r.loc for r in g.rows[:2]] == ["p1 r1", "p1 r2"]

    project = _row(g, "项目名称")
    assert [c.text for c in project.cells[:4]] == ["项目名称", "", "", PROJECT]
    assert project.loc == "p1 r3" and project.cells[3].loc == "p1 r3 c4"

    fund = _row(g, "年度资金总额")
    assert [c.text for c in fund.cells[3:10]] == ["年度资金总额:", "15", "15", "15", "10", "100%", "10"]
    assert fund.loc.startswith("p1 r")

    indicator = _row(g, "指标1: 全县参保人数应保尽保")
    assert [c.key for c in indicator.cells[2:8]] == ["数量指标(10分)", "指标1:全县参保人数应保尽保", "141745人",
                                                    "141745人", "2", "2"]
    cost = _row(g, "全年异地核查成本")
    assert [c.text for c in cost.cells[3:8]] == ["全年异地核查成本", "0.6万元/次", "0.6万元/次", "1.43", "1.42"]
    assert re.fullmatch(r"p\d r\d+", cost.loc) and cost.cells[7].loc == f"{cost.loc} c8"
    # the table goes on over the next page in the same columns; the notes follow it
    total = _row(g, "总分")
    assert total.loc.startswith("p2 ") and [c.text for c in total.cells[6:8]] == ["100", "99.8"]
    assert len({len(r.cells) for r in g.rows if len(r.cells) > 1}) == 1
    goals = _row(g, "目标1: 加快完善社会保障体系")
    assert goals.cells[1].key.endswith("营造社会保险扩面征缴工作的强势氛围")
    assert g.rows[-1].texts[0].startswith("5. 总分=绩效指标90分+资金执行情况10分")


def _html_pdf(tmp: Path, body: str) -> Path:
    exe = _chromium()
    if not exe:
        pytest.skip("chromium is not installed (.ci/run installs it)")
    page = tmp / "t.html"
    page.write_text(f'<!doctype html><html><head><meta charset="utf-8"><style>{STYLE}</style></head>'
                    f"<body>{body}</body></html>", encoding="utf-8")
    return _print(exe, page, tmp / "t.pdf", tmp)


def test_row_cut_by_a_page_break_is_one_row(tmp_path):
    """A tall row straddling the page end: its two halves are one grid row, read on its first page."""
    lines = "<br>".join(f"第{n}行说明" for n in range(1, 61))
    pdf = _html_pdf(tmp_path, '<div style="height:200mm">标题</div><table><tr><td>项目</td><td>说明</td></tr>'
                              f'<tr><td>甲</td><td>{lines}</td></tr><tr><td>乙</td><td>末行</td></tr></table>')
    g = read_any(str(pdf))[0]
    whole = "".join(f"第{n}行说明" for n in range(1, 61))
    assert [r.texts for r in g.rows] == [["标题"], ["项目", "说明"], ["甲", whole], ["乙", "末行"]]
    assert [r.loc for r in g.rows] == ["p1 r1", "p1 r2", "p1 r3", "p2 r2"]


def test_header_repeated_on_each_page_is_read_once(tmp_path):
    rows = "".join(f"<tr><td>指标{n}</td><td>{n}</td></tr>" for n in range(1, 121))
    head = "<thead><tr><th>三级指标</th><th>分值</th></tr></thead>"
    pdf = _html_pdf(tmp_path, f"<table>{head}<tbody>{rows}</tbody></table>")
    g = read_any(str(pdf))[0]
    assert g.rows[0].texts == ["三级指标", "分值"]
    assert [r.texts for r in g.rows[1:]] == [[f"指标{n}", str(n)] for n in range(1, 121)]
    assert g.rows[-1].loc.startswith("p2 ") or g.rows[-1].loc.startswith("p3 ")


def test_pdf_gives_the_same_findings_as_the_text(seed_pdf):
    key = lambda f: sorted(zip(f.rule, f.indicator, f.reported, f.expected))  # noqa: E731
    text = check([str(SEED)])
    pdf = check([str(seed_pdf)])
    assert [(s.status, s.kind, s.projects) for s in pdf.files] == [("checked", "selfeval", 1)]
    assert pdf.projects.iloc[0]["name"] == PROJECT
    assert key(pdf.findings) == key(text.findings)
    over = pdf.findings[pdf.findings.rule == "IND.UNDERSCORE"]
    assert over["location"].str.fullmatch(r"p\d+ r\d+ c8").all()


def test_scanned_pdf_asks_for_ocr(tmp_path):
    exe = _chromium()
    if not exe:
        pytest.skip("chromium is not installed (.ci/run installs it)")
    from PIL import Image

    page = tmp_path / "001.html"
    page.write_text(seed_html(SEED), encoding="utf-8")
    png = _print(exe, page, tmp_path / "scan.png", tmp_path, screenshot=True)
    scan = tmp_path / "扫描件.pdf"
    Image.open(png).convert("RGB").save(scan, "PDF", resolution=150)
    with pytest.raises(UnreadableInput, match="^扫描件，无文字层，请先 OCR"):
        read_any(str(scan))
    result = check([str(scan), str(SEED)])
    assert [(s.status, s.error_message) for s in result.files] == [("unreadable", SCANNED), ("checked", "")]


def _pdf(objects: list[str], trailer: str = "") -> bytes:
    """A minimal PDF with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R {trailer}>>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


PAGE = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
        "<< /Length 0 >>\nstream\n\nendstream"]


def test_encrypted_pdf_is_unreadable(tmp_path):
    """A user password (the /U entry does not match the empty password): refused in one line."""
    encrypt = "<< /Filter /Standard /V 1 /R 2 /O <" + "00" * 32 + "> /U <" + "11" * 32 + "> /P -4 >>"
    p = tmp_path / "locked.pdf"
    p.write_bytes(_pdf([*PAGE, encrypt], "/Encrypt 5 0 R /ID [<0123456789abcdef0123456789abcdef> "
                                          "<0123456789abcdef0123456789abcdef>] "))
    with pytest.raises(UnreadableInput, match="^PDF 已加密"):
        read_any(str(p))


@pytest.mark.parametrize("content", [b"%PDF-1.4", b"%PDF-1.4\n1 0 obj garbage", b"not a pdf at all", b""])
def test_corrupt_pdf_is_unreadable(tmp_path, content):
    p = tmp_path / "broken.pdf"
    p.write_bytes(content)
    with pytest.raises(UnreadableInput, match=r"^PDF 文件已损坏或不是有效的 PDF \(\w+\)$"):
        read_any(str(p))


def test_pdf_without_any_text_is_a_scan(tmp_path):
    p = tmp_path / "blank.pdf"
    p.write_bytes(_pdf(PAGE))
    with pytest.raises(UnreadableInput, match=f"^{SCANNED}$"):
        read_any(str(p))


def test_pdf_is_a_supported_input():
    assert supported(Path("表.PDF")) and supported(Path("a.pdf"))


def test_wrapped_cell_text_is_joined():
    assert join_wrapped("年度指\n标值 (A)") == "年度指标值 (A)"
    assert join_wrapped("0.6万\n元/次") == "0.6万元/次"
    assert join_wrapped("Project\nname\n") == "Project name"
    assert join_wrapped("项\n目\n名\n称") == "项目名称"
