"""Property tests of the recognisers (hypothesis).

* A consistent self-evaluation — any column order, header words, two-row headers, with or
  without 分值 — generated at random and read back gives no error: every score is what the
  formula gives, every sum ties.  A false error costs a reviewer's trust.
* Random grids of plausible labels and numbers never crash a recogniser.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.engine import check
from checker.grid import Cell, Grid, Row
from checker.recognise import recognise_file
from tests.formkit import Form, write

HEADER_WORDS = {
    "weight": ["分值", "权重", "指标分值"], "target": ["年度指标值", "指标值", "年初目标值(A)", "年度指标值(A)"],
    "actual": ["实际完成值", "全年实际值", "全年完成值", "实际完成值(B)"], "score": ["得分", "自评得分", "自评分"],
    "note": ["偏差原因分析及改进措施", "未完成原因及改进措施", "备注"],
}
UNITS = ["人", "台", "次", "个", "亩", "万元", "%"]
SECTIONS = [("产出指标", 50, ["数量指标", "质量指标", "时效指标"]), ("效益指标", 30, ["社会效益指标", "可持续影响指标"]),
            ("满意度指标", 10, ["服务对象满意度指标"])]   # with the funds' 10: 100


@st.composite
def consistent_forms(draw) -> Form:
    """A self-evaluation whose every figure ties: scores by the 正向 formula shown to 2 decimals,
    section weights declared and held, funds and 总分 adding up."""
    order = draw(st.sampled_from([["l1", "l2", "name", "target", "actual", "weight", "score", "note"],
                                  ["l1", "l2", "name", "weight", "target", "actual", "score", "note"],
                                  ["l1", "l2", "name", "target", "actual", "weight", "score"],
                                  ["l1", "l2", "name", "target", "actual", "score", "note"],     # no 分值 column
                                  ["l1", "l2", "name", "op", "target", "unit", "actual", "weight", "score"]]))
    headers = {f: draw(st.sampled_from(words)) for f, words in HEADER_WORDS.items()}
    rows, total_score = [], 10.0
    for n_section, (l1, section_weight, l2s) in enumerate(SECTIONS):
        weights = draw(split(section_weight))
        items = draw(st.lists(st.tuples(st.integers(1, 40), st.integers(0, 60), st.sampled_from(UNITS)),
                              min_size=len(weights), max_size=len(weights)))
        first = True
        for k, (weight, (a, b_offset, unit)) in enumerate(zip(weights, items)):
            b = a + b_offset - 20 if a + b_offset - 20 > 0 else a
            score = round(weight * min(b / a, 1.0), 2)
            total_score += score
            row = {"name": f"指标{n_section}{k}", "target": f"≥{a}{unit}", "actual": f"{b}{unit}",
                   "weight": str(weight), "score": f"{score:.2f}",
                   "note": "" if b >= a else "部分未完成"}
            if first:
                row["l1"] = f"{l1}({section_weight}分)"
                first = False
            if k < len(l2s) and (k == 0 or draw(st.booleans())):
                row["l2"] = l2s[min(k, len(l2s) - 1)]
            rows.append(row)
    if "note" not in order:
        for r in rows:
            r.pop("note", None)
    groups = {}
    if "op" in order:   # 年度指标值 over 指标性质 | 指标值 | 度量单位
        groups = {"年度指标值": ["op", "target", "unit"]}
        headers["target"] = "指标值"
        for r in rows:
            number = r["target"].lstrip("≥").rstrip("".join(UNITS))
            r.update(op="≥", unit=r["target"][1 + len(number):], target=number)
    return Form(columns=order, headers=headers, rows=rows, groups=groups,
                funds=[["年度资金总额", "50", "50", "50", "10", "100%", "10"],
                       ["其中：当年财政拨款", "50", "50", "50", "—", "—", "—"]],
                total={"weight": "100", "score": f"{total_score:.2f}"})


@st.composite
def split(draw, whole: int) -> list[int]:
    """``whole`` as one to three whole-number weights."""
    n = draw(st.integers(1, min(3, whole)))
    cuts = sorted(draw(st.lists(st.integers(1, whole - 1), min_size=n - 1, max_size=n - 1, unique=True))) if n > 1 else []
    bounds = [0, *cuts, whole]
    return [b - a for a, b in zip(bounds, bounds[1:])]


@settings(max_examples=int(__import__("os").environ.get("JIXIAO_PROPERTY_EXAMPLES", 25)), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(form=consistent_forms(), suffix=st.sampled_from([".txt", ".txt", ".xlsx"]))
def test_a_consistent_form_gives_no_error(tmp_path_factory, form, suffix):
    path = write(form.grid(), tmp_path_factory.mktemp("f") / f"form{suffix}")
    result = check([str(path)])
    errors = result.findings[result.findings["severity"] == "error"]
    assert errors.empty, errors[["rule", "indicator", "section", "reported", "expected", "message"]].to_string()
    assert len(result.indicators) == len(form.rows)


LABELS = ["项目名称", "主管部门", "实施单位", "项目资金(万元)", "年度资金总额", "其中:财政拨款", "绩效指标", "一级指标",
          "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "产出指标(50分)", "数量指标", "质量指标",
          "满意度指标", "总分", "合计", "其中", "偏差原因", "≥", "%", "人次", "达成预期指标", "—", ""]
CELLS = st.one_of(st.sampled_from(LABELS), st.integers(0, 200).map(str),
                  st.floats(0, 100, allow_nan=False).map(lambda x: f"{x:.2f}"),
                  st.sampled_from(["≥90%", "≤5万元", "=12次", "2024年12月底前", "100%"]))


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.lists(CELLS, min_size=1, max_size=10), min_size=1, max_size=40),
       layout=st.sampled_from(["cells", "tabs", "spaces", "lines"]))
def test_random_grids_never_crash_a_recogniser(rows, layout):
    grid = Grid(path="random.txt", name="", layout=layout,
                rows=[Row([Cell(t, f"line {r} col {c}") for c, t in enumerate(cells, 1)], f"line {r}")
                      for r, cells in enumerate(rows, 1)])
    fm = recognise_file("random.txt", [grid], 1)   # may be unrecognised, never raise
    fm.validate()
    assert fm.kind in ("selfeval", "bundle", "rubric", "target", "unrecognised")


def test_the_generator_makes_what_it_says(tmp_path):
    """The generator's forms are read as generated (a broken generator would make the property vacuous)."""
    form = Form(rows=[
        {"l1": "产出指标(10分)", "l2": "数量指标", "name": "指标00", "target": "≥10人", "actual": "5人", "weight": "10",
         "score": "5.00", "note": "部分未完成"}], total={"weight": "20", "score": "15.00"})
    result = check([str(write(form.grid(), Path(tmp_path) / "g.txt"))])
    assert list(result.indicators["score"]) == [5.0] and result.projects.iloc[0]["total_score"] == 15
