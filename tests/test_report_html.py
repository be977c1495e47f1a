"""HTML worklist report: escaping, CSP, every file listed, marks only where findings point,
totals with their difference, target tables, Chinese labels, folder mode at scale."""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import replace
from pathlib import Path

import pytest

from checker.engine import check
from reports.html import CSP, render_html, write_html

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
ENGLISH = re.compile(r"\b(error|warning|info|selfeval|bundle|rubric|target|unrecognised|checked|unreadable|skipped)\b")


def visible_text(page: str) -> str:
    """What a reader sees: no script, style, tags or attributes."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.fixture(scope="module")
def bundle():
    return check([str(DATA / "text/003_bundle_jinan.txt"), str(ROOT / "tests" / "fixtures" / "corrupt.xlsx")])


@pytest.fixture(scope="module")
def bundle_html(bundle):
    return render_html(bundle)


def section(page: str, name: str) -> str:
    m = re.search(r'<details class="project"[^>]*data-name="' + re.escape(name) + r'".*?</details>', page, re.S)
    assert m, name
    return m.group(0)


def test_escapes_text_from_inputs(tmp_path):
    form = (DATA / "batch/001_selfeval_yanchi_2024.txt").read_text(encoding="utf-8")
    form = form.replace("全年异地核查成本", "<script>alert(1)</script>&核查")
    p = tmp_path / "evil.txt"
    p.write_text(form, encoding="utf-8")
    page = render_html(check([str(p)]))
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&amp;核查" in page


def test_offline_with_a_content_security_policy(bundle_html):
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//", bundle_html)
    assert "http://" not in bundle_html and "https://" not in bundle_html
    assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in bundle_html
    assert "default-src 'none'" in CSP and "script-src 'sha256-" in CSP and "unsafe-inline" not in CSP
    assert bundle_html.count("<script>") == 1 and bundle_html.count("<style>") == 1


def test_every_file_listed_with_status_in_chinese(bundle_html):
    files = re.search(r'<table class="files sortable">.*?</table>', bundle_html, re.S).group(0)
    rows = re.findall(r'<tr class="file-row".*?</tr>', files, re.S)
    assert len(rows) == 2
    assert "003_bundle_jinan.txt" in rows[0] and "已核查" in rows[0] and "自评表汇编" in rows[0]
    assert "corrupt.xlsx" in rows[1] and "无法读取" in rows[1] and "Excel 文件已损坏" in rows[1]
    assert bundle_html.count('<details class="project"') == 14


def test_failing_projects_first_and_passing_ones_folded(bundle, bundle_html):
    states = re.findall(r'<details class="project"[^>]*data-state="(\w+)"[^>]*?( open)?>', bundle_html)
    order = [s for s, _ in states]
    assert order == sorted(order, key=["fail", "attention", "pass"].index)
    assert all(o == " open" for s, o in states if s != "pass") and all(o == "" for s, o in states if s == "pass")
    assert order[0] == "fail" and "pass" in order
    assert re.search(r'<details class="project" id="p-F1P4"[^>]*data-state="fail"[^>]* open>', bundle_html)


def test_index_names_the_file_and_wraps(bundle_html):
    entry = re.search(r'<li data-target="p-F1P4"[^>]*>(.*?)</li>', bundle_html, re.S).group(1)
    assert "医保智能审核移动终端经费" in entry and "003_bundle_jinan.txt · 第92行" in entry
    assert "nav.index li { break-inside: avoid; overflow-wrap: anywhere;" in bundle_html


def test_two_projects_of_one_name_are_told_apart():
    page = render_html(check([str(DATA / "text/003_bundle_jinan.txt"), str(DATA / "batch/003_bundle.xlsx")]))
    entries = re.findall(r'<li data-target="[^"]+"[^>]*><a href="#[^"]+">机关党建经费</a>.*?<span class="where">'
                         r'(.*?)</span>', page, re.S)
    assert sorted(entries) == ["003_bundle.xlsx · 项目5!A1", "003_bundle_jinan.txt · 第117行"]


def test_offending_cell_marked_with_the_rule_behind_it(bundle_html):
    row = re.search(r'<tr class="indicator row-error" data-indicator="移动终端台数">(.*?)</tr>', bundle_html, re.S)
    assert row, "the over-scored indicator row is not highlighted as an error"
    cells = re.findall(r"<td([^>]*)>(.*?)</td>", row.group(1), re.S)
    assert cells[6][1] == "3" and cells[7][1] == "2.33"
    assert 'class="num score flag flag-error"' in cells[6][0] and 'data-rules="IND.OVERSCORE"' in cells[6][0]
    assert "flag" not in cells[7][0]  # the recomputed value is shown, not marked


def test_no_ind_cell_marked_when_ind_is_ignored():
    """Marks come from findings, never from recompute: with IND ignored no IND cell is marked."""
    result = check([str(DATA / "text/003_bundle_jinan.txt")], ignore_ids=["IND"])
    assert not result.findings["rule"].str.startswith("IND.").any()
    page = render_html(result)
    marked = re.findall(r'data-rules="([^"]+)"', page)
    assert marked and not any(r.startswith("IND.") for m in marked for r in m.split())
    row = re.search(r'data-indicator="移动终端台数">(.*?)</tr>', page, re.S).group(1)
    assert "flag" not in row and 'class="indicator"' in re.search(
        r'<tr class="[^"]*" data-indicator="移动终端台数">', page).group(0)
    # what is still marked is what other rules point at: the cost actual 5000 (XREF.UNIT_MISMATCH)
    row = re.search(r'data-indicator="远程查房终端成本">(.*?)</tr>', page, re.S).group(1)
    assert re.search(r'<td class="actual flag flag-error" data-rules="XREF.UNIT_MISMATCH"[^>]*>5000</td>', row)


def test_totals_show_the_difference_and_highlight_it(bundle_html):
    sec = section(bundle_html, "医保智能审核移动终端经费")
    totals = re.search(r'<p class="totals[^"]*"[^>]*>(.*?)</p>', sec, re.S).group(1)
    assert '<b class="reported-total">86</b>' in totals and '<b class="recomputed-total">82.99</b>' in totals
    assert '<span class="total-diff differs over">+3.01</span>' in totals
    same = re.search(r'<p class="totals[^"]*"[^>]*>(.*?)</p>', section(bundle_html, "机关党建经费"), re.S).group(1)
    assert '<span class="total-diff">0</span>' in same


def test_target_tables_have_no_total_line_nor_empty_score_columns():
    page = render_html(check([str(DATA / "batch/004_targets_huoshan.txt")]))
    assert page.count('<details class="project"') == 5
    assert 'class="totals' not in page and "填报总分" not in visible_text(page.split('<details class="project"', 1)[1])
    first = re.search(r'<details class="project".*?</details>', page, re.S).group(0)
    heads = re.findall(r"<th[^>]*>(.*?)</th>", re.search(r'<table class="funds"><thead>(.*?)</thead>', first,
                                                          re.S).group(1))
    assert heads == ["资金", "全年预算数"]  # the target table states budgets only
    ind_heads = re.findall(r"<th[^>]*>(.*?)</th>", re.search(r'<table class="indicators"><thead>(.*?)</thead>',
                                                              first, re.S).group(1))
    assert "得分" not in ind_heads and "复核得分" not in ind_heads and "分值" not in ind_heads


def test_rubric_rows_show_recomputation():
    page = render_html(check([str(DATA / "text/002_rubric_thirdparty.txt")]))
    row = re.search(r'data-indicator="服务对象满意度">(.*?)</tr>', page, re.S).group(1)
    assert "85%" in row
    assert re.search(r'class="num recomputed">(.*?)</td>', row).group(1).strip() == "4"
    assert re.search(r'class="num score">(.*?)</td>', row).group(1).strip() == "4"
    assert "<th>指标值(A)</th>" not in page.split('id="p-F1P1"')[1]  # a rubric has no A/B columns
    row = re.search(r'data-indicator="制度执行有效性">(.*?)</tr>', page, re.S).group(1)
    assert "分值 6 − 扣1.5分 = 4.5" in row


def test_header_and_printed_projects_carry_time_version_profile_and_hash(bundle, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    files = [replace(s, sha256="ab" * 32) if s.status == "checked" else s for s in bundle.files]
    page = render_html(replace(bundle, files=files, extra={"profile": "national"}))
    head = re.search(r'<header class="report-head">.*?</header>', page, re.S).group(0)
    assert "生成时间 2026-01-01" in head and "jixiao 0.1.0" in head and "评分口径: national" in head
    assert f'<td class="hash">{"ab" * 32}</td>' in head
    printed = re.findall(r'<div class="meta print-only">(.*?)</div>', page, re.S)
    assert len(printed) == 14 and all("生成时间 2026-01-01" in p and "ab" * 32 in p for p in printed)
    assert "@page { size: A4;" in page and "break-inside: avoid" in page and "orphans: 3" in page


def test_filters_offer_every_severity_family_rule_file_and_department(bundle_html):
    bar = re.search(r'<div class="filters[^"]*"[^>]*>.*?</div>', bundle_html, re.S).group(0)
    sev = re.findall(r'<option value="(\w*)">([^<]*)</option>', re.search(r'name="sev">.*?</select>', bar).group(0))
    assert sev == [("", "全部"), ("error", "错误"), ("warning", "警告"), ("info", "提示")]
    assert '<option value="IND">IND 指标得分</option>' in bar
    assert re.search(r"<option value=\"IND.OVERSCORE\">IND.OVERSCORE[^<]*</option>", bar)  # + Chinese title when filled
    assert "003_bundle_jinan.txt</option>" in bar and "corrupt.xlsx</option>" in bar
    assert "六安市金安区医疗保障局（262、202）</option>" in bar   # one department, its codes merged and 'name="q"' in bar
    assert ".filters { position: sticky; top: 0;" in bundle_html


def test_charts_are_inline_svg(bundle_html):
    assert bundle_html.count('<svg class="chart"') == 2
    assert re.search(r'<a href="#p-F1P4"><circle [^>]*class="dot-over"><title>医保智能审核移动终端经费: 填报总分 86 / '
                     r'重算总分 82.99</title>', bundle_html)


def test_no_english_left_in_the_chinese_report(tmp_path):
    unrecognised = tmp_path / "notes.txt"
    unrecognised.write_text("会议纪要\n今天讨论了预算。\n", encoding="utf-8")
    page = render_html(check([str(DATA), str(unrecognised), str(ROOT / "tests" / "fixtures" / "corrupt.xlsx")]))
    text = visible_text(page)
    assert "未识别" in text and "无法读取" in text and "目标表" in text and "提示" in text
    assert ENGLISH.findall(text) == []


def test_english_report_with_lang_en():
    page = render_html(check([str(DATA / "text/003_bundle_jinan.txt")], lang="en"))
    text = visible_text(page)
    assert "Performance form check report" in text and "self-evaluation bundle" in text
    assert "错误" not in text and "提示" not in text


def test_big_batch_becomes_an_index_and_pages(tmp_path, bundle):
    out = tmp_path / "report.html"
    written = write_html(bundle, out, max_bytes=250_000)
    pages = [p for p in written if p != out]
    assert written[0] == out and len(pages) >= 2
    assert all(p.parent == tmp_path / "report_files" for p in pages)
    assert all(p.stat().st_size <= 250_000 for p in written)
    index = out.read_text(encoding="utf-8")
    assert '<details class="project"' not in index and index.count('<svg class="chart"') == 2
    assert re.search(r'<a href="report_files/0001-003_bundle_jinan.html#p-F\d+P\d+">', index)
    total = sum(p.read_text(encoding="utf-8").count('<details class="project"') for p in pages)
    assert total == 14
    first = pages[0].read_text(encoding="utf-8")
    assert '<a href="../report.html">' in first and "Content-Security-Policy" in first


def test_small_batch_stays_one_page(tmp_path, bundle):
    out = tmp_path / "r.html"
    assert write_html(bundle, out) == [out]
    assert not (tmp_path / "r_files").exists()
