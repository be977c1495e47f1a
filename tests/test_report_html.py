"""HTML report: escaping, offline, every file listed, side-by-side values, real browser."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from checker.engine import check
from reports.html import render_html

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


@pytest.fixture(scope="module")
def bundle_html():
    return render_html(check([str(DATA / "003_bundle_jinan.txt"), str(ROOT / "tests" / "fixtures" / "corrupt.xlsx")]))


def test_escapes_text_from_inputs(tmp_path):
    form = (DATA / "001_selfeval_yanchi_2024.txt").read_text(encoding="utf-8")
    form = form.replace("全年异地核查成本", "<script>alert(1)</script>&核查")
    p = tmp_path / "evil.txt"
    p.write_text(form, encoding="utf-8")
    html = render_html(check([str(p)]))
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&amp;核查" in html


def test_offline_no_external_resources(bundle_html):
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//", bundle_html)
    assert "http://" not in bundle_html and "https://" not in bundle_html


def test_every_file_listed_with_status(bundle_html):
    assert "003_bundle_jinan.txt" in bundle_html
    assert "corrupt.xlsx" in bundle_html and "Excel 文件已损坏" in bundle_html
    assert bundle_html.count('<section class="project"') == 14


def test_offending_row_shows_reported_and_recomputed(bundle_html):
    row = re.search(r'<tr class="indicator row-error" data-indicator="移动终端台数">(.*?)</tr>', bundle_html, re.S)
    assert row, "the over-scored indicator row is not highlighted as an error"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    assert cells[6].strip() == "3" and cells[7].strip() == "2.33"
    assert 'class="num score flag"' in row.group(1)


def test_project_sections_are_addressable(bundle_html):
    assert 'id="p-F1P4"' in bundle_html and 'href="#p-F1P4"' in bundle_html
    assert "page-break-before: always" in bundle_html


def test_rubric_rows_show_recomputation():
    html = render_html(check([str(DATA / "002_rubric_thirdparty.txt")]))
    row = re.search(r'data-indicator="服务对象满意度">(.*?)</tr>', html, re.S).group(1)
    assert "85%" in row
    assert re.search(r'class="num recomputed">(.*?)</td>', row).group(1).strip() == "4"
    assert re.search(r'class="num score">(.*?)</td>', row).group(1).strip() == "4"
    assert "<th>指标值(A)</th>" not in html.split('id="p-F1P1"')[1]  # a rubric has no A/B columns
    row = re.search(r'data-indicator="制度执行有效性">(.*?)</tr>', html, re.S).group(1)
    assert "分值 6 − 扣1.5分 = 4.5" in row


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def test_renders_in_headless_chromium(tmp_path, bundle_html):
    exe = _chromium()
    if not exe:
        pytest.skip("chromium is not installed (.ci/run installs it)")
    page = tmp_path / "report.html"
    page.write_text(bundle_html, encoding="utf-8")
    args = [exe, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--user-data-dir=" + str(tmp_path / "profile")]
    dom = subprocess.run(args + ["--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert dom.count('<section class="project"') == 14
    assert "医保智能审核移动终端经费" in dom and "自评得分虚高" in dom
    assert '<div class="filters">' in dom  # the script ran: the severity filter is shown
    shot = tmp_path / "shot.png"
    subprocess.run(args + [f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri()],
                   capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 10_000
