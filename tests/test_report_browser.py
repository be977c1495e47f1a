"""The worklist report driven in headless Chromium over the DevTools protocol (playwright).

On the seed batch: filter by severity, by file, by a search word, sort a column — asserting the
rows a reviewer sees each time; a project named ``<script>alert(1)</script>`` shows as text; a
screenshot goes to the test's temp dir; one project printed to PDF is A4.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from checker.engine import check
from reports import labels
from reports.html import render_html

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--disable-background-networking", "--no-first-run", "--disable-gpu", "--no-sandbox",
        "--disable-dev-shm-usage"]
EVIL = "<script>alert(1)</script>"

sync_api = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
    pytest.skip("chromium is not installed (.ci/run installs it)", allow_module_level=True)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("batch")
    form = (DATA / "batch/001_selfeval_yanchi_2024.txt").read_text(encoding="utf-8")
    name = check([str(DATA / "batch/001_selfeval_yanchi_2024.txt")]).projects["name"].iloc[0]
    (tmp / "evil.txt").write_text(form.replace(name, EVIL), encoding="utf-8")
    result = check([str(DATA), str(tmp / "evil.txt")])
    page = tmp / "report.html"
    page.write_text(render_html(result), encoding="utf-8")
    return result, page


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        exe = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
        b = p.chromium.launch(executable_path=exe, args=ARGS)
        yield b
        b.close()


def _visible_rules(page) -> list[str]:
    return page.eval_on_selector_all(
        "tr.finding", "rows => rows.filter(r => r.checkVisibility()).map(r => r.dataset.rule)")


def _row_text(f) -> str:
    return " ".join([f["rule"], labels.severity(f["severity"], "zh"), f["section"], f["indicator"], f["location"],
                     f["reported"], f["expected"], f["message"]]).lower()


def test_filters_search_sort_escape_screenshot_and_a4(batch, browser, tmp_path):
    result, path = batch
    f = result.findings
    page = browser.new_page(viewport={"width": 1280, "height": 1600})
    problems, dialogs = [], []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    assert problems == []  # the CSP lets the page's own style and script run, and nothing else is asked for
    assert page.locator(".filters").is_visible()

    # Failing projects first and open; passing ones folded: what shows is every finding of an open project.
    open_ids = page.eval_on_selector_all("details.project[open]", "ds => ds.map(d => d.id.slice(2))")
    shown = f[f["project_id"].isin(open_ids) | (f["project_id"] == "")]
    assert sorted(_visible_rules(page)) == sorted(shown["rule"])
    states = page.eval_on_selector_all("details.project", "ds => ds.map(d => d.dataset.state)")
    assert states == sorted(states, key=["fail", "attention", "pass"].index)
    assert page.locator('details.project[data-state="pass"][open]').count() == 0

    # 1. 提示 only.
    page.select_option("select[name=sev]", "info")
    info = f[f["severity"] == "info"]
    assert len(info) > 5
    assert sorted(_visible_rules(page)) == sorted(info["rule"])
    assert page.locator("select[name=sev] option:checked").inner_text() == "提示"

    # 2. One file.
    jinan = str(DATA / "text/003_bundle_jinan.txt")
    file_idx = page.eval_on_selector(f'table.files tr[data-file] >> nth={[s.path for s in result.files].index(jinan)}',
                                     "tr => tr.dataset.file")
    page.select_option("select[name=file]", file_idx)
    mine = info[info["file"] == jinan]
    assert 0 < len(mine) < len(info)
    assert sorted(_visible_rules(page)) == sorted(mine["rule"])

    # 3. A search word: rows whose text (or whose project's name) holds it.
    word = "活动"
    names = result.projects.set_index("project_id")["name"]
    hit = mine[[word in _row_text(r) or word in names[r["project_id"]] for r in mine.to_dict("records")]]
    page.fill("input[name=q]", word)
    assert 0 < len(hit) < len(mine)
    assert sorted(_visible_rules(page)) == sorted(hit["rule"])
    texts = page.eval_on_selector_all("tr.finding", "rows => rows.filter(r => r.checkVisibility())"
                                      ".map(r => r.closest('details').dataset.name + r.textContent)")
    assert texts and all(word in t for t in texts)

    # 4. Sort: clear the filters, then the files table by 错误 (descending) and one findings table by 规则.
    page.click("button.clear")
    assert sorted(_visible_rules(page)) == sorted(shown["rule"])
    header = page.locator("table.files th", has_text="错误")
    header.click()
    header.click()
    errors = [int(x) for x in page.eval_on_selector_all(
        "table.files tbody tr", "rows => rows.map(r => r.cells[4].textContent)")]
    assert errors == sorted(errors, reverse=True) and errors[0] == max(
        (f[f["file"] == s.path]["severity"] == "error").sum() for s in result.files)
    pid = result.projects[(result.projects["file"] == jinan) &
                          (result.projects["name"] == "医保智能审核移动终端经费")]["project_id"].iloc[0]
    table = f"#p-{pid} table.findings"
    page.locator(f"{table} th", has_text="规则").click()
    rules_shown = page.eval_on_selector_all(f"{table} tbody tr", "rows => rows.map(r => r.cells[0].textContent)")
    assert rules_shown == sorted(f[f["project_id"] == pid]["rule"])
    page.locator(f"{table} th", has_text="规则").click()
    assert page.eval_on_selector_all(f"{table} tbody tr", "rows => rows.map(r => r.cells[0].textContent)") == \
        sorted(f[f["project_id"] == pid]["rule"], reverse=True)

    # A project named <script>…</script> is text, and nothing ran.
    assert page.locator("details.project h2", has_text=EVIL).count() == 1
    assert page.locator("nav.index a", has_text=EVIL).count() == 1
    assert dialogs == []

    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 20_000

    # Print one project: A4 pages (595 × 842 pt), with the run's identity on them.
    page.evaluate("""id => { document.body.classList.add('print-one');
                             const d = document.getElementById(id); d.classList.add('print-this'); d.open = true; }""",
                  f"p-{pid}")
    pdf = tmp_path / "project.pdf"
    page.emulate_media(media="print")
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf.read_bytes())
    assert boxes, "no page in the PDF"
    for w, h in boxes:
        assert abs(float(w) - 595.3) < 1.5 and abs(float(h) - 841.9) < 1.5, (w, h)
    assert len(boxes) <= 3  # one project, not the whole batch
    page.close()


def test_printed_pages_have_no_orphan_lines(batch, browser, tmp_path):
    """The whole batch printed: no page holds only "未发现问题。" or only a 总分 line."""
    pdfplumber = pytest.importorskip("pdfplumber")
    _, path = batch
    page = browser.new_page(viewport={"width": 700, "height": 1000})  # about A4's printable width
    page.goto(path.as_uri())
    page.evaluate("() => document.querySelectorAll('details.project').forEach(d => d.open = true)")
    page.emulate_media(media="print")
    # nothing wider than the page, so Chromium never shrinks the whole print to fit
    assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    pdf = tmp_path / "all.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    page.close()
    with pdfplumber.open(pdf) as doc:
        texts = [(p.extract_text() or "").strip() for p in doc.pages]
        sizes = {(round(p.width), round(p.height)) for p in doc.pages}
    assert sizes == {(595, 842)} or sizes == {(596, 843)}
    assert len(texts) > 20
    for n, t in enumerate(texts):
        lines = [x for x in t.splitlines() if x.strip()]
        assert not (len(lines) <= 2 and any("未发现问题" in x for x in lines)), f"page {n + 1}: {lines}"
        assert not (len(lines) <= 2 and any(x.startswith("总分") for x in lines)), f"page {n + 1}: {lines}"
    assert sum("生成时间" in t for t in texts) >= 40  # the run's identity on every printed project


# --- issue #19: the season's picture, the 需人工核对 state, what misled ------------------------------


def test_summary_page_reads_without_script_and_sorts(browser, tmp_path):
    result = check([str(DATA / "batch")])
    path = tmp_path / "season.html"
    path.write_text(render_html(result), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 1400}, java_script_enabled=False)
    page.goto(path.as_uri())
    section = page.locator("#summary")
    assert section.is_visible() and "各主管部门汇总" in section.inner_text()
    names = page.eval_on_selector_all("tr.dept-row", "rows => rows.map(r => r.cells[1].textContent)")
    assert names[0] == "六安市金安区医疗保障局" and len(names) == 5
    for chart in ("svg.chart-over", "svg.chart-grades"):   # drawn with no script at all
        box = page.locator(chart).bounding_box()
        assert box and box["width"] > 300 and box["height"] > 60
    bars = page.locator("svg.chart-over rect.bar-over")
    assert bars.count() == 5 and bars.first.bounding_box()["width"] > 100   # the top over-scorer's bar
    page.close()

    page = browser.new_page(viewport={"width": 1280, "height": 1400})
    page.goto(path.as_uri())
    head = page.locator("table.departments th", has_text="虚高分")
    head.click()   # ascending: the department that under-scores most first
    over = page.eval_on_selector_all("tr.dept-row", "rows => rows.map(r => parseFloat(r.cells[9].textContent))")
    assert over == sorted(over) and over[-1] == 1.06
    page.close()


def test_doubt_state_shown_open_and_filterable(browser, tmp_path):
    from tests.test_misleads import _with_doubt

    result = check([str(DATA / "batch" / "paired")])
    pid = result.projects.loc[result.projects["kind"] == "target", "project_id"].iloc[0]
    path = tmp_path / "doubt.html"
    path.write_text(render_html(_with_doubt(result, pid)), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 1400})
    page.goto(path.as_uri())
    sec = page.locator(f"#p-{pid}")
    assert sec.get_attribute("data-state") == "doubt" and sec.get_attribute("open") is not None
    badge = sec.locator("summary .badge")
    assert badge.inner_text() == "需人工核对" and badge.is_visible()
    colour = badge.evaluate("b => getComputedStyle(b).backgroundColor")
    assert colour == "rgb(243, 229, 245)"
    page.select_option("select[name=rule]", "PARSE.LAYOUT_DOUBT")
    assert _visible_rules(page) == ["PARSE.LAYOUT_DOUBT"]
    page.close()


def test_a_passing_table_opened_from_the_index_unfolds(batch, browser):
    result, path = batch
    page = browser.new_page(viewport={"width": 1280, "height": 1400})
    page.goto(path.as_uri())
    target = page.eval_on_selector("details.project[data-state=pass]", "d => d.id")
    assert page.locator(f"#{target}").get_attribute("open") is None
    page.locator(f'nav.index li[data-target="{target}"] a').click()
    page.wait_for_function(f"() => document.getElementById('{target}').open")
    assert page.locator(f"#{target} table.indicators").first.is_visible()
    page.goto(path.as_uri() + f"#{target}")   # a link from elsewhere (the split index, a mail) does too
    page.reload()
    assert page.evaluate(f"() => document.getElementById('{target}').open")
    page.close()


def test_reported_and_expected_sort_as_numbers(browser, tmp_path):
    result = check([str(DATA / "text" / "003_bundle_jinan.txt")])
    path = tmp_path / "sort.html"
    path.write_text(render_html(result), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 1400})
    page.goto(path.as_uri())
    pid = result.findings["project_id"].value_counts().index[0]
    table = f"#p-{pid} table.findings"
    col = page.eval_on_selector_all(f"{table} thead th", "ths => ths.map(t => t.textContent)").index("填报值")
    page.locator(f"{table} th", has_text="填报值").click()
    cells = page.eval_on_selector_all(f"{table} tbody tr", f"rows => rows.map(r => r.cells[{col}].textContent.trim())")
    numbers = [float(c) for c in cells if re.fullmatch(r"-?\d+(\.\d+)?", c)]
    assert len(numbers) >= 3 and numbers == sorted(numbers)
    assert cells[:len(numbers)] == [c for c in cells if re.fullmatch(r"-?\d+(\.\d+)?", c)]   # numbers before words
    page.close()


def test_printed_cover_headers_and_numbers_do_not_wrap_a_character_at_a_time(batch, browser):
    _, path = batch
    page = browser.new_page(viewport={"width": 700, "height": 1000})
    page.goto(path.as_uri())
    page.emulate_media(media="print")
    heights = page.eval_on_selector_all("table.files thead th", "ths => ths.map(t => [t.textContent, "
                                        "t.getBoundingClientRect().height])")
    line = page.eval_on_selector("table.files tbody td", "td => parseFloat(getComputedStyle(td).fontSize) * 2.2")
    assert all(h <= 2 * line for _, h in heights), heights
    split = page.evaluate("""() => {
        const bad = [];
        document.querySelectorAll('td.num, td.val, td.target, td.actual').forEach(td => {
          const text = td.textContent.trim();
          if (!/^[-+≥≤<>]?\\d+(\\.\\d+)?%?$/.test(text)) return;
          const r = document.createRange(); r.selectNodeContents(td);
          if (r.getClientRects().length > 1) bad.push(text);
        });
        return bad; }""")
    assert split == []
    page.close()
