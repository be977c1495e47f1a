"""Metamorphic check: every variant of a form gives the findings of the form read as text.

A seeded sample (``PER_FORM`` variants of every seed and published form, tests/variants.py)
is written to files, checked by the engine in-process in batches of one variant per form, and
each variant's findings (rule, project, indicator or section, reported and expected value,
numbers normalised) are compared with the text form's.  Variants that differ today are listed
in tests/variants_known.yaml (name → reason) and marked xfail(strict=False): the list empties
as the recognisers learn; a difference not on it fails.  A (transformation, format) pair that
cannot keep the meaning is skipped by name (tests/variants.py TRANSFORMS).

PDF variants take a browser each (seconds), so the CI sample prints only ``PDF_FORMS`` forms;
``python -m scripts.variants`` runs them for every form.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest
import yaml

from tests import variants as V

HERE = Path(__file__).parent
PER_FORM = 20
SEED = 0
PDF_FORMS = ("seed001", "seed004", "r_中江_水标尺")
KNOWN: dict[str, str] = yaml.safe_load((HERE / "variants_known.yaml").read_text(encoding="utf-8")) or {}
SOURCES = V.form_paths()
CI_FORMATS = tuple(f for f in V.FORMATS if f != "pdf")
VARIANTS, SKIPPED = V.sample(SOURCES, PER_FORM, SEED, formats=CI_FORMATS)
VARIANTS += [V.build(p, "plain", "pdf", SEED) for p in SOURCES if V.form_name(p) in PDF_FORMS]


def _param(v: V.Variant):
    marks = [pytest.mark.xfail(strict=False, reason=KNOWN[v.name])] if v.name in KNOWN else []
    return pytest.param(v.name, marks=marks, id=v.name)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict[str, V.Outcome]:
    runnable = [v for v in VARIANTS if not v.skip]
    refs = V.references(SOURCES)
    return {o.variant.name: o for o in V.run(runnable, refs, tmp_path_factory.mktemp("variants"))}


@pytest.mark.parametrize("name", [_param(v) for v in VARIANTS])
def test_variant_gives_the_findings_of_the_text(outcomes, name):
    v = next(v for v in VARIANTS if v.name == name)
    if v.skip:
        pytest.skip(v.skip)
    o = outcomes[name]
    assert not o.differs, (f"{name}: {o.first()}\n  lost: {[V.show(k) for k in o.missing]}\n"
                           f"  new:  {[V.show(k) for k in o.extra]}")


# --- the sample itself ---------------------------------------------------------------------------
def test_every_form_has_at_least_twenty_variants():
    per_form = Counter(v.form for v in VARIANTS if not v.skip)
    assert {V.form_name(p) for p in SOURCES} == set(per_form)
    assert min(per_form.values()) >= PER_FORM


def test_names_are_unique_and_the_sample_is_reproducible():
    names = [v.name for v in VARIANTS]
    assert len(names) == len(set(names))
    again, _ = V.sample(SOURCES[:3], PER_FORM, SEED, formats=CI_FORMATS)
    assert [(v.name, v.seed, v.sheet.grid) for v in again] == \
        [(v.name, v.seed, v.sheet.grid) for v in VARIANTS[:len(again)]]


@pytest.mark.skipif(not (V.SHARED / "realforms").is_dir(), reason="../shared/realforms is not beside the repository")
def test_the_known_list_names_only_variants_of_the_sample():
    """A stale entry (a form renamed, the sample changed) would hide nothing and mislead."""
    assert len(SOURCES) >= 52
    assert sorted(set(KNOWN) - {v.name for v in VARIANTS}) == []


def test_pairs_that_cannot_keep_the_meaning_are_skipped_by_name():
    p = SOURCES[1]
    assert V.build(p, "hidden_row", "txt").skip == "txt: only a workbook can hide a row"
    assert V.build(p, "cover", "docx").skip == "docx: only a workbook has a second sheet"
    assert V.build(p, "text_numbers", "ods").skip == "ods: numbers stored as text exist in a workbook only"
    assert not V.build(p, "hidden_row", "xlsx").skip


# --- the transformations keep the meaning ----------------------------------------------------------
GRID = [["2024年度项目支出绩效自评表"],
        ["项目名称", "测试项目", "", "", "", "", "", "", ""],
        ["项目资金（万元）", "", "全年预算数(A)", "全年执行数(B)", "分值", "执行率(B/A)", "得分", "", ""],
        ["", "年度资金总额", "100", "90", "10", "90.00%", "9", "", ""],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
        ["", "产出指标(50分)", "数量指标", "培训人次", "≥300人次", "300", "50", "50", ""],
        ["", "", "质量指标", "合格率", "≥95%", "96.5%", "", "", ""],
        ["", "效益指标(40分)", "社会效益指标", "群众知晓率", "≥90%", "95%", "30", "30", ""],
        ["", "满意度指标(10分)", "服务对象满意度指标", "群众满意度", "≥90%", "92%", "10", "10", ""],
        ["总分", "", "", "", "", "", "100", "99", ""],
        ["注：得分保留两位小数。"]]


def rng() -> random.Random:
    return random.Random(7)


def test_the_shape_of_a_form_is_found():
    lex = V.lexicon()
    assert [(t.header, t.sub, t.end) for t in V.tables(GRID, lex)] == [(4, False, 9)]
    assert [n for n, r in enumerate(GRID) if V.is_fund_header(r, lex)] == [2]


def test_header_words_are_replaced_by_words_read_as_the_same_column():
    lex = V.lexicon()
    out = V.t_headers(GRID, lex, rng()).grid
    assert out[4] != GRID[4] and out[2] != GRID[2]
    assert [V.field_of(c, lex.indicator) for c in out[4]] == [V.field_of(c, lex.indicator) for c in GRID[4]]
    assert [V.field_of(c, lex.fund) for c in out[2]] == [V.field_of(c, lex.fund) for c in GRID[2]]
    assert out[5:] == GRID[5:]


def test_reordered_columns_move_header_and_data_together():
    out = V.t_reorder(GRID, V.lexicon(), rng()).grid
    assert out[4][:4] == GRID[4][:4] and out[4] != GRID[4]
    col = {h: n for n, h in enumerate(out[4])}
    for n in range(4, 10):
        assert {h: out[n][col[h]] for h in GRID[4]} == dict(zip(GRID[4], V.widen(GRID)[n]))
    assert out[:4] == V.widen(GRID)[:4]


def test_target_split_over_a_second_header_row():
    assert V.split_target("≥266米") == ("≥", "266", "米")
    assert V.split_target("=460平米") == ("=", "460", "平米")
    assert V.split_target("显著提升") == ("", "显著提升", "")
    assert V.split_target("2024年12月底前") == ("", "2024年12月底前", "")
    out = V.t_split_header(GRID, V.lexicon(), rng()).grid
    assert out[4][4:7] == ["年度指标值", "", ""] and out[5][4:7] == ["指标性质", "指标值", "度量单位"]
    assert out[6][3:8] == ["培训人次", "≥", "300", "人次", "300"]


def test_rows_inserted_inside_the_table_only():
    lex = V.lexicon()
    blank = V.t_blank_rows(GRID, lex, rng()).grid
    assert len(blank) > len(GRID) and [r for r in blank if not V.blank(r)] == V.widen(GRID)
    cont = V.t_continued(GRID, lex, rng()).grid
    at = next(n for n, r in enumerate(cont) if r[0] == "续表")
    assert 5 < at < 10 and cont[at + 1] == GRID[4]
    hidden = V.t_hidden_row(GRID, lex, rng())
    assert [hidden.grid[n][3] for n in hidden.hidden_rows] == ["测算草稿"]


def test_notes_dropped_and_merged_labels():
    lex = V.lexicon()
    assert V.t_drop_notes(GRID, lex, rng()).grid == GRID[:-1]
    assert V.t_merged(GRID, lex, rng()).merges == [(5, 6, 1)]
    with pytest.raises(V.Skip, match="no 注/备注/说明 line"):
        V.t_drop_notes(GRID[:-1], lex, rng())


def test_findings_are_compared_with_numbers_normalised():
    assert V.norm("10.00") == V.norm("10") == "10" and V.norm("1,234.50 万元") == "1234.5万元"
    assert V.norm("９５.６７%") == "95.67%"
    f = {"rule": "IND.OVERSCORE", "project": "项目", "indicator": "", "section": "产出指标", "reported": "12.0",
         "expected": "9.330"}
    assert V.finding_key(f) == ("IND.OVERSCORE", "项目", "产出指标", "12", "9.33")


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_hidden_row_and_column_are_hidden_in_the_file(tmp_path, fmt):
    lex = V.lexicon()
    sheet = V.t_hidden_row(GRID, lex, rng())
    sheet.hidden_cols = [8]
    path = tmp_path / f"f.{fmt}"
    V.WRITERS[fmt](sheet, path)
    if fmt == "xlsx":
        import openpyxl
        ws = openpyxl.load_workbook(path)["自评表"]
        assert [r for r, d in ws.row_dimensions.items() if d.hidden] == [sheet.hidden_rows[0] + 1]
        assert ws.column_dimensions["I"].hidden
    else:
        import zipfile
        xml = zipfile.ZipFile(path).read("content.xml").decode()
        assert xml.count('table:visibility="collapse"') == 2


def test_workbook_cells_as_fractions_or_text_and_a_cover_sheet(tmp_path):
    import openpyxl

    lex = V.lexicon()
    for name, sheet in (("p", V.t_percent(GRID, lex, rng())), ("t", V.t_text_numbers(GRID, lex, rng())),
                        ("c", V.t_cover(GRID, lex, rng()))):
        V.write_xlsx(sheet, tmp_path / f"{name}.xlsx")
    p = openpyxl.load_workbook(tmp_path / "p.xlsx")["自评表"]["F4"]
    assert (p.value, p.number_format) == (0.9, "0.00%")
    t = openpyxl.load_workbook(tmp_path / "t.xlsx")["自评表"]["C4"]
    assert (t.value, t.data_type) == ("100", "s")
    assert openpyxl.load_workbook(tmp_path / "c.xlsx").sheetnames == ["封面", "自评表"]


def test_gb18030_csv_and_word_merges(tmp_path):
    from docx import Document

    sheet = V.t_fullwidth(GRID, V.lexicon(), rng())
    V.write_csv(sheet, tmp_path / "f.csv", "gb18030")
    assert "１００" in (tmp_path / "f.csv").read_bytes().decode("gb18030")
    V.write_docx(V.t_merged(GRID, V.lexicon(), rng()), tmp_path / "m.docx")
    table = Document(str(tmp_path / "m.docx")).tables[0]
    assert table.cell(4, 1)._tc is table.cell(5, 1)._tc   # rows 5-6 of the grid, under the 项目名称 row
