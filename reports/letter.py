"""The send-back letter (整改通知): one per 实施单位 or 主管部门, as .docx and PDF.

Each letter names its addressee, lists the tables concerned and, for every problem, the table,
the indicator, the cell, what was filled in (填报值), what it should be (应为) and why (the
finding's message), then what the unit must do and by when.  文号, date, 落款, contact and the
deadline come from the ``[letter]`` table of ``jixiao.toml`` (``checker.settings``).  Waived
findings are left out (a reviewer has accepted them), and so are hints (提示): a letter asks
for corrections.

The .docx is written with python-docx; the PDF is the same content rendered as HTML
(``templates/letter.html.j2``) and printed by headless Chromium when it is installed.  Without
Chromium the .docx is still written and the run says, in one line, that no PDF was made.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from checker.atomic import atomic_write_bytes
from reports import labels
from reports.filenames import unique_names
from reports.frames import columns
from reports.jinja import ENV

LETTER_SEVERITIES = ("error", "warning")
NO_UNIT = "（未填写实施单位）"
NO_DEPARTMENT = "（未填写主管部门）"
PDF_TIMEOUT = 120


@dataclass
class Letter:
    addressee: str
    title: str
    number: str
    date: str                       # 2025年6月30日
    deadline: str
    intro: str
    tables: list[dict]              # n, project, file, kind, problems
    problems: list[dict]            # n, project, indicator, cell, reported, expected, why, severity
    issuer: str = ""
    signer: str = ""
    contact: str = ""
    phone: str = ""
    requirements: list[str] = field(default_factory=list)


@dataclass
class LetterOutput:
    letters: list[Letter]
    written: list[Path]
    pdf_note: str = ""


def chinese_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _text(x) -> str:
    return "" if x is None or (isinstance(x, float) and x != x) else str(x)


def _groups(result, by: str) -> dict[str, list[int]]:
    """Project row positions by addressee, in the order the tables were read."""
    p = columns(result.projects, ["unit", "department", "file"])
    out: dict[str, list[int]] = {}
    for n in range(len(result.projects)):
        unit, dept = _text(p["unit"][n]).strip(), _text(p["department"][n]).strip()
        key = (unit or dept or NO_UNIT) if by == "unit" else (dept or NO_DEPARTMENT)
        out.setdefault(key, []).append(n)
    return out


def _problems(result) -> dict[str, list[dict]]:
    """The findings a letter lists (not waived, errors and warnings), by project id."""
    f = result.findings
    c = columns(f, ["project_id", "project", "rule", "severity", "section", "indicator", "location", "reported",
                    "expected", "message", "waived"])
    out: dict[str, list[dict]] = {}
    for n in range(len(f)):
        if c["waived"][n] or c["severity"][n] not in LETTER_SEVERITIES or not c["project_id"][n]:
            continue
        out.setdefault(c["project_id"][n], []).append({
            "project": c["project"][n], "indicator": c["indicator"][n] or c["section"][n] or "—",
            "cell": c["location"][n] or "—", "reported": c["reported"][n] or "—", "expected": c["expected"][n] or "—",
            "why": c["message"][n], "severity": labels.severity(c["severity"][n], "zh"), "rule": c["rule"][n]})
    return out


def _year(result, rows: list[int]) -> str:
    """The year most of the addressee's tables state ("" when none does)."""
    years = columns(result.projects, ["year"])["year"]
    mine = [int(years[n]) for n in rows if years[n] is not None and years[n] == years[n]]
    return str(Counter(mine).most_common(1)[0][0]) if mine else ""


def build_letters(result, by: str = "unit", settings: dict | None = None) -> list[Letter]:
    """One letter per addressee with at least one problem to correct."""
    cfg = settings or {}
    when = cfg.get("date") or dt.date.today()
    deadline = cfg.get("deadline")
    deadline_text = chinese_date(deadline) if isinstance(deadline, dt.date) else "收到本通知之日起10个工作日内"
    by_project = _problems(result)
    pc = columns(result.projects, ["project_id", "name", "file", "kind", "loc"])
    letters = []
    for addressee, rows in _groups(result, by).items():
        tables, problems = [], []
        for n in rows:
            mine = by_project.get(pc["project_id"][n], [])
            if not mine:
                continue
            tables.append({"n": len(tables) + 1, "project": pc["name"][n], "file": Path(pc["file"][n]).name,
                           "where": _text(pc["loc"][n]), "kind": labels.kind(pc["kind"][n], "zh"), "problems": len(mine)})
            for p in mine:  # the table by its number in 一、涉及的表格
                problems.append({**p, "n": len(problems) + 1, "table": f"表{len(tables)}"})
        if not problems:
            continue
        year = _year(result, rows)
        seq = len(letters) + 1
        letters.append(Letter(
            addressee=addressee,
            title=f"关于{year + '年度' if year else ''}项目支出绩效评价表的整改通知",
            number=str(cfg.get("number", "")).replace("{n}", str(seq)),
            date=chinese_date(when), deadline=deadline_text,
            intro=(f"经复核，你{'单位' if by == 'unit' else '部门'}报送的绩效评价表中有 {len(tables)} 张存在问题，共 "
                   f"{len(problems)} 处，详见下表。请逐项核实，按评分标准更正有关数字，于{deadline_text}重新报送。"),
            tables=tables, problems=problems, issuer=cfg.get("issuer", ""), signer=cfg.get("signer", ""),
            contact=cfg.get("contact", ""), phone=cfg.get("phone", ""),
            requirements=[
                "对照问题清单逐项核对原始资料，更正“填报值”；确属填报无误的，请书面说明理由和依据。",
                "得分须按评分标准重新计算，各项指标得分、一级指标得分与总分应相互衔接。",
                "重新报送时请附整改情况说明，列明每一问题的处理结果。",
            ]))
    return letters


# ---------------------------------------------------------------- .docx


def _font(run, name: str = "仿宋", size: float = 14, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _para(doc, text: str, *, name: str = "仿宋", size: float = 14, bold: bool = False, align=None, indent: bool = False):
    from docx.shared import Pt

    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    _font(p.add_run(text), name, size, bold)
    return p


def _table(doc, head: list[str], rows: list[list[str]]) -> None:
    t = doc.add_table(rows=1, cols=len(head))
    t.style = "Table Grid"
    for cell, text in zip(t.rows[0].cells, head):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), "黑体", 10.5, True)
    for values in rows:
        cells = t.add_row().cells
        for cell, text in zip(cells, values):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(str(text)), "仿宋", 10.5)


def render_docx(letter: Letter) -> bytes:
    import io

    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.left_margin = sec.right_margin = Mm(22)
    sec.top_margin = sec.bottom_margin = Mm(25)
    if letter.number:
        _para(doc, letter.number, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, letter.title, name="黑体", size=20, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "整改通知", name="黑体", size=16, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, f"{letter.addressee}：")
    _para(doc, letter.intro, indent=True)
    _para(doc, "一、涉及的表格", name="黑体", size=14)
    _table(doc, ["表", "项目名称", "表格类型", "文件", "表内位置", "问题数"],
           [[f"表{t['n']}", t["project"], t["kind"], t["file"], t["where"], t["problems"]] for t in letter.tables])
    _para(doc, "二、问题清单", name="黑体", size=14)
    _table(doc, ["序号", "表", "指标", "单元格", "填报值", "应为", "问题及依据"],
           [[p["n"], p["table"], p["indicator"], p["cell"], p["reported"], p["expected"], p["why"]]
            for p in letter.problems])
    _para(doc, "三、整改要求", name="黑体", size=14)
    for n, text in enumerate(letter.requirements, 1):
        _para(doc, f"{n}. {text}", indent=True)
    _para(doc, "特此通知。", indent=True)
    contact = "　".join(x for x in (f"联系人：{letter.contact}" if letter.contact else "",
                                    f"联系电话：{letter.phone}" if letter.phone else "") if x)
    if contact:
        _para(doc, contact, indent=True)
    for line in (letter.issuer, letter.signer, letter.date):
        if line:
            _para(doc, line, align=WD_ALIGN_PARAGRAPH.RIGHT)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------- PDF (HTML printed by Chromium)


def render_letter_html(letter: Letter) -> str:
    return ENV.get_template("letter.html.j2").render(letter=letter)


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def print_pdf(html: str, out: Path, exe: str) -> bool:
    """Print ``html`` to ``out`` with headless Chromium; False when it wrote nothing."""
    with tempfile.TemporaryDirectory(prefix="jixiao-letter-") as tmp:
        page = Path(tmp) / "letter.html"
        page.write_text(html, encoding="utf-8")
        pdf = Path(tmp) / "letter.pdf"
        args = [exe, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-dev-shm-usage", f"--user-data-dir={Path(tmp) / 'profile'}",
                f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri()]
        try:
            subprocess.run(args, capture_output=True, timeout=PDF_TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return False
        if not pdf.is_file() or pdf.stat().st_size == 0:
            return False
        atomic_write_bytes(out, pdf.read_bytes())
        return True


def write_letters(result, folder: Path | str, by: str = "unit", settings: dict | None = None,
                  pdf: bool = True) -> LetterOutput:
    """Write ``整改通知-<addressee>.docx`` (and ``.pdf``) into ``folder`` for each letter."""
    folder = Path(folder)
    letters = build_letters(result, by, settings)
    out = LetterOutput(letters, [])
    if not letters:
        return out
    folder.mkdir(parents=True, exist_ok=True)
    exe = chromium() if pdf else None
    failed = []
    for letter, stem in zip(letters, unique_names([f"整改通知-{x.addressee}" for x in letters], limit=80)):
        docx = folder / f"{stem}.docx"
        atomic_write_bytes(docx, render_docx(letter))
        out.written.append(docx)
        if exe:
            target = folder / f"{stem}.pdf"
            if print_pdf(render_letter_html(letter), target, exe):
                out.written.append(target)
            else:
                failed.append(target.name)
    if pdf and exe is None:
        out.pdf_note = "未找到 Chromium，未生成 PDF 版整改通知（已写出 .docx）"
    elif failed:
        out.pdf_note = f"Chromium 未能打印 {len(failed)} 份 PDF（{failed[0]} 等），已写出 .docx"
    return out
