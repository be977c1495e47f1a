"""The send-back letter (整改通知): one per unit or department, .docx with the expected rows,
文号 / date / contact / 落款 from [letter] in jixiao.toml, waived findings left out, and a PDF
printed by headless Chromium with Chinese glyphs."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from checker.cli import app

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "text" / "003_bundle_jinan.txt"
YANCHI = ROOT / "data" / "batch" / "001_selfeval_yanchi_2024.txt"
CONFIG = """
[letter]
number = "金财绩〔2025〕{n}号"
date = 2025-06-30
deadline = 2025-07-15
issuer = "六安市金安区财政局"
contact = "王审核"
phone = "0564-1234567"
"""
runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def rows(table) -> list[list[str]]:
    return [[c.text for c in r.cells] for r in table.rows]


@pytest.fixture(scope="module")
def letters(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("letters")
    cfg = tmp / "jixiao.toml"
    cfg.write_text(CONFIG, encoding="utf-8")
    res = invoke("letter", SEED, "-o", tmp / "out", "--config", cfg, "--no-pdf")
    assert res.exit_code == 0, res.output
    return tmp, res


def test_one_letter_per_unit_with_number_date_deadline_and_signature(letters):
    tmp, res = letters
    names = sorted(p.name for p in (tmp / "out").iterdir())
    assert names == ["整改通知-六安市金安区医疗保险管理.docx", "整改通知-六安市金安区医疗保障.docx",
                     "整改通知-六安市金安区医疗保障局.docx"]
    doc = docx.Document(tmp / "out" / "整改通知-六安市金安区医疗保障.docx")
    text = [p.text for p in doc.paragraphs]
    assert text[0].startswith("金财绩〔2025〕") and text[0].endswith("号")
    assert "整改通知" in text and "六安市金安区医疗保障：" in text
    assert any("于2025年7月15日重新报送" in t for t in text)
    assert text[-2:] == ["六安市金安区财政局", "2025年6月30日"]
    assert "联系人：王审核　联系电话：0564-1234567" in text


def test_the_docx_holds_each_problem_with_table_indicator_cell_reported_expected_and_why(letters):
    tmp, _ = letters
    doc = docx.Document(tmp / "out" / "整改通知-六安市金安区医疗保障.docx")
    tables, problems = rows(doc.tables[0]), rows(doc.tables[1])
    assert problems[0] == ["序号", "表", "指标", "单元格", "填报值", "应为", "问题及依据"]
    over = next(r for r in problems if r[2] == "移动终端台数")
    assert over[3:6] == ["line 103 col 8", "3", "2.33"]
    assert over[6].startswith("得分 3 高于按公式计算的 2.33")
    table_no = over[1]
    concerned = next(r for r in tables if r[0] == table_no)
    assert concerned[1] == "医保智能审核移动终端经费" and concerned[2] == "自评表"
    assert all(r[4] != "" for r in problems[1:])      # every problem says what was filled in ("—" for none)
    assert not any("提示" in r[6] or r[2] == "开展活动次数" for r in problems)   # hints (TARGET_TOO_LOW) left out


def test_waived_findings_are_left_out_and_department_letters(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert invoke("waive", "--file", SEED, "--rule", "IND.OVERSCORE", "--indicator", "移动终端台数", "--reason", "已说明",
                  "--no-config").exit_code == 0
    assert invoke("letter", SEED, "-o", tmp_path / "u", "--no-config", "--no-pdf").exit_code == 0
    doc = docx.Document(tmp_path / "u" / "整改通知-六安市金安区医疗保障.docx")
    indicators = [r[2] for r in rows(doc.tables[1])]
    assert "移动终端台数" not in indicators and "远程查房终端台数" in indicators
    res = invoke("check", SEED, "--format", "letter", "-o", tmp_path / "d", "--letter-by", "department", "--no-config",
                 "--fail-on", "never")
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in (tmp_path / "d").glob("*.docx")) == \
        ["整改通知-六安市金安区医疗保障局.docx", "整改通知-六安市金安区财政局.docx"]


def test_letter_usage_errors(tmp_path):
    res = invoke("check", SEED, "--format", "letter", "--no-config")
    assert res.exit_code == 2 and "--format letter 需要 -o 目录" in res.stderr
    f = tmp_path / "file.txt"
    f.write_text("x", encoding="utf-8")
    assert "不是目录" in invoke("letter", SEED, "-o", f, "--no-config").stderr
    bad = tmp_path / "jixiao.toml"
    bad.write_text('[letter]\nnumbr = "x"\ndate = "六月"\n', encoding="utf-8")
    res = invoke("letter", SEED, "-o", tmp_path / "o", "--config", bad)
    assert res.exit_code == 2 and "未知的设置项 'numbr'，是否指 number？" in res.stderr
    bad.write_text('[letter]\ndate = "六月"\n', encoding="utf-8")
    res = invoke("letter", SEED, "-o", tmp_path / "o", "--config", bad)
    assert res.exit_code == 2 and "letter.date 应为日期 YYYY-MM-DD" in res.stderr


def test_without_chromium_the_docx_is_written_and_one_line_says_so(tmp_path, monkeypatch):
    import reports.letter as L

    monkeypatch.setattr(L, "chromium", lambda: None)
    res = invoke("letter", YANCHI, "-o", tmp_path, "--no-config")
    assert res.exit_code == 0
    assert [p.suffix for p in tmp_path.iterdir()] == [".docx"]
    assert "jixiao: 未找到 Chromium，未生成 PDF 版整改通知（已写出 .docx）" in res.stderr.splitlines()


@pytest.mark.skipif(not (shutil.which("chromium") or Path("/usr/bin/chromium").exists()),
                    reason="chromium is not installed (.ci/run installs it)")
def test_the_pdf_renders_with_chinese_glyphs(tmp_path):
    import pdfplumber

    cfg = tmp_path / "jixiao.toml"
    cfg.write_text(CONFIG, encoding="utf-8")
    res = invoke("letter", YANCHI, "-o", tmp_path / "out", "--config", cfg)
    assert res.exit_code == 0, res.output
    pdf = tmp_path / "out" / "整改通知-盐池县医疗保险服务中心本级.pdf"
    assert pdf.is_file()
    with pdfplumber.open(pdf) as doc:
        text = "".join((p.extract_text() or "") for p in doc.pages)
        width = doc.pages[0].width
    flat = text.replace(" ", "").replace("\n", "")
    assert "整改通知" in flat and "盐池县医疗保险服务中心本级：" in flat
    assert "全年异地核查成本" in flat and "关于2024年度项目支出绩效评价表的整改通知" in flat
    assert "金财绩〔2025〕1号" in flat and "2025年6月30日" in flat
    assert round(width) == 595      # A4
