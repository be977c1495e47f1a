"""The layouts of DOMAIN §6, each in forms made here, read from text, Excel and Word.

Every layout asserts the column map jixiao read (which header became which field) and the
findings the form's planted inconsistencies must give — the same whichever format it
arrives in.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.engine import check
from checker.readers import read_any
from checker.recognise import recognise_file
from tests.formkit import Form, write

ROOT = Path(__file__).resolve().parents[1]
FORMATS = [".txt", ".xlsx", ".docx"]
SELF_EVAL_ROWS = [
    {"l1": "产出指标(50分)", "l2": "数量指标", "name": "移动终端台数", "target": "≥15台", "actual": "7", "weight": "20",
     "score": "12", "note": "未按期到货"},
    {"name": "培训人次", "target": "≥300人次", "actual": "300", "weight": "20", "score": "20"},
    {"l2": "时效指标", "name": "完成时限", "target": "2024年12月底前", "actual": "2024年11月", "weight": "10", "score": "10"},
    {"l1": "效益指标(30分)", "l2": "社会效益指标", "name": "群众知晓率", "target": "≥90%", "actual": "95%", "weight": "30",
     "score": "30"},
    {"l1": "满意度指标(10分)", "l2": "服务对象满意度指标", "name": "群众满意度", "target": "≥90%", "actual": "92%",
     "weight": "10", "score": "10"},
]


def read(form: Form, suffix: str, tmp_path: Path):
    path = write(form.grid(), tmp_path / f"form{suffix}")
    fm = recognise_file(str(path), read_any(str(path)), 1)
    result = check([str(path)])
    return fm, result


def fields(fm) -> list[str]:
    return [c.field for c in fm.layouts[0]["indicators"].columns]


def found(result, rule: str) -> list[tuple[str, str, str]]:
    f = result.findings[result.findings["rule"] == rule]
    return sorted(zip(f["indicator"].where(f["indicator"] != "", f["section"]), f["reported"], f["expected"]))


def errors(result) -> list[str]:
    return sorted(result.findings.loc[result.findings["severity"] == "error", "rule"])


# --- columns in another order or under other words: 分值 before 年度指标值 under 权重; the
# indicator's name under 指标内容 or 具体指标, scores under 自评得分, targets under 预期目标值 ---------
RENAMED = {
    "weight_before_target": (["l1", "l2", "name", "weight", "target", "actual", "score", "note"], {"weight": "权重"}),
    "name_under_zhibiao_neirong": (["l1", "l2", "name", "target", "actual", "weight", "score", "note"],
                                   {"name": "指标内容", "target": "预期目标值", "score": "自评得分"}),
    # 得分 before 分值: the 总分 row's numbers read under their own columns, not in a fixed order
    "score_before_weight": (["l1", "l2", "name", "target", "actual", "score", "weight", "note"], {}),
    # 具体指标 names the indicator where no column is headed 三级指标 (beside one, it explains it)
    "name_under_juti_zhibiao": (["l1", "l2", "name", "target", "actual", "weight", "score", "note"],
                                {"name": "具体指标", "actual": "实际值", "weight": "满分"}),
}


@pytest.mark.parametrize("suffix", FORMATS)
@pytest.mark.parametrize("layout", sorted(RENAMED))
def test_columns_reordered_or_renamed(tmp_path, suffix, layout):
    columns, headers = RENAMED[layout]
    form = Form(columns=columns, headers=headers, rows=SELF_EVAL_ROWS, total={"weight": "100", "score": "92"})
    fm, r = read(form, suffix, tmp_path)
    assert fields(fm) == columns
    assert found(r, "IND.OVERSCORE") == [("移动终端台数", "12", "9.33")]
    assert errors(r) == ["IND.OVERSCORE"]


# --- 年度指标值 over 指标性质 | 指标值 | 度量单位 ---------------------------------------------
@pytest.mark.parametrize("suffix", FORMATS)
def test_split_target_over_two_header_rows(tmp_path, suffix):
    rows = [{**r} for r in SELF_EVAL_ROWS]
    rows[0].update(op="≧", target="15", unit="台")
    rows[1].update(op="═", target="300", unit="人次", actual="270", score="20", note="")
    rows[3].update(op="正向", target="90", unit="%")
    rows[4].update(op="≥", target="90", unit="%")
    form = Form(columns=["l1", "l2", "name", "op", "target", "unit", "actual", "weight", "score", "note"],
                groups={"年度指标值": ["op", "target", "unit"]}, headers={"target": "指标值"}, rows=rows,
                total={"weight": "100", "score": "92"})
    fm, r = read(form, suffix, tmp_path)
    assert fields(fm) == ["l1", "l2", "name", "op", "target", "unit", "actual", "weight", "score", "note"]
    targets = [i["target_raw"] for i in fm.indicators]
    assert targets[:2] == ["≥15台", "=300人次"] and targets[3] == "≥90%"
    assert found(r, "IND.OVERSCORE") == [("培训人次", "20", "18"), ("移动终端台数", "12", "9.33")]


# --- 得分 over 自评分 | 复核分: both held to the formula ------------------------------------
@pytest.mark.parametrize("suffix", [".txt", ".xlsx"])
def test_self_and_review_scores(tmp_path, suffix):
    rows = [{**r} for r in SELF_EVAL_ROWS]
    rows[0].update(score="9.33", review="12")
    rows[1].update(review="18")
    for r in rows[2:]:
        r["review"] = r["score"]
    form = Form(columns=["l1", "l2", "name", "target", "actual", "weight", "score", "review", "note"],
                groups={"得分": ["score", "review"]}, headers={"score": "自评分"}, rows=rows,
                total={"weight": "100", "score": "89.33", "review": "92"})
    fm, r = read(form, suffix, tmp_path)
    assert fields(fm)[-4:] == ["weight", "score", "review", "note"]
    over = r.findings[r.findings["rule"] == "IND.OVERSCORE"]
    assert list(zip(over["indicator"], over["reported"], over["expected"])) == [("移动终端台数", "12", "9.33")]
    assert "复核分 12" in over.iloc[0]["message"]
    assert found(r, "IND.REVIEW_DIFFERS") == [("培训人次", "18", "20"), ("移动终端台数", "12", "9.33")]
    assert found(r, "IND.UNDERSCORE") == [("培训人次", "18", "20")]
    assert found(r, "SUM.TOTAL_SCORE") == [("复核总分", "92", "90")]


# --- no 分值 column: weights in the headings, the 20/80 split --------------------------------
NO_WEIGHT_ROWS = [
    {"l1": "产出指标(60分)", "l2": "数量指标", "name": "慰问人数", "target": "≥500人", "actual": "500人", "score": "20"},
    {"l2": "质量指标", "name": "资金足额拨付率", "target": "100%", "actual": "100%", "score": "20"},
    {"l2": "时效指标", "name": "春节前完成", "target": "按时完成", "actual": "按时完成", "score": "20"},
    {"l1": "效益指标(10分)", "l2": "社会效益指标", "name": "群体性事件", "target": "≤0次", "actual": "0次", "score": "10"},
    {"l1": "满意度指标(10分)", "l2": "服务对象满意度指标", "name": "慰问对象满意率", "target": "≥95%", "actual": "80%",
     "score": "10"},
]


def no_weight_form(rows=NO_WEIGHT_ROWS) -> Form:
    return Form(columns=["l1", "l2", "name", "target", "actual", "score"],
                headers={"target": "年初目标值(A)", "actual": "实际完成值(B)"},
                funds_label="预算执行情况（万元）(20分)", funds_header=["预算数(A)", "执行数(B)", "执行率(B/A)",
                                                                   "得分 (20分*执行率)"],
                funds=[["年度财政资金总额", "34.64", "34.64", "100%", "20"]], indicator_label="年度绩效目标 (80分)",
                rows=rows, total={"l1": "100"}, total_label="总分(100分)")


@pytest.mark.parametrize("suffix", FORMATS)
def test_no_weight_column(tmp_path, suffix):
    fm, r = read(no_weight_form(), suffix, tmp_path)
    assert fields(fm) == ["l1", "l2", "name", "target", "actual", "score"]
    assert not r.projects.iloc[0]["has_weight_column"]
    assert r.funds.iloc[0]["weight"] == 20 and r.funds.iloc[0]["score"] == 20
    rules = set(r.findings["rule"])
    assert not rules & {"IND.MISSING_SCORE", "SUM.SECTION_WEIGHT", "SUM.TOTAL_WEIGHT", "SUM.TOTAL_SCORE"}
    # the one item under 满意度指标(10分) carries its weight: 10 × 80/95 = 8.42, not 10
    assert found(r, "IND.OVERSCORE") == [("慰问对象满意率", "10", "8.42")]


@pytest.mark.parametrize("suffix", [".txt", ".docx"])
def test_no_weight_column_sections_against_the_block(tmp_path, suffix):
    rows = [{**r} for r in NO_WEIGHT_ROWS]
    rows[3]["l1"] = "效益指标(30分)"
    rows[3]["score"] = "30"
    rows[4]["actual"] = "95%"
    fm, r = read(no_weight_form(rows), suffix, tmp_path)
    assert found(r, "SUM.SECTION_WEIGHT") == [("年度绩效目标", "100", "80")]
    assert found(r, "CAP.SECTION_SCORE") == [("年度绩效目标", "100", "80")]
    assert found(r, "SUM.TOTAL_SCORE") == [("总分", "100", "120")]


# --- neither 分值 nor 得分 (绩效目标自评表) ------------------------------------------------
@pytest.mark.parametrize("suffix", FORMATS)
def test_targets_and_actuals_only(tmp_path, suffix):
    rows = [
        {"l1": "产出指标", "l2": "数量指标", "name": "新建道路", "target": "≥524m", "actual": "500m", "note": ""},
        {"l2": "质量指标", "name": "验收合格率", "target": "100%", "actual": "100%"},
        {"l2": "成本指标", "name": "道路建设成本", "target": "≤713万元", "actual": "713万元"},
        {"l1": "满意度指标", "l2": "服务对象满意度指标", "name": "群众满意度", "target": "≥90%", "actual": "95%"},
    ]
    form = Form(columns=["l1", "l2", "name", "target", "actual", "note"], headers={"actual": "全年完成值",
                                                                              "note": "未完成原因和改进措施"},
                funds_header=["全年预算数(A)", "全年执行数(B)", "执行率(B/A)"],
                funds=[["年度资金总额", "372.29万元", "372.29万元", "100%"], ["其中：中央、市级补助", "372.29万元",
                                                                     "372.29万元", "100%"]],
                rows=rows, total=None)
    fm, r = read(form, suffix, tmp_path)
    assert fields(fm) == ["l1", "l2", "name", "target", "actual", "note"]
    assert r.projects.iloc[0]["kind"] == "selfeval" and not r.projects.iloc[0]["has_score_column"]
    assert r.funds.iloc[0]["budget"] == 372.29
    assert found(r, "XREF.COST_OVER_BUDGET") == [("道路建设成本", "≤713万元", "372.29")]
    assert found(r, "IND.MISSED_NO_REASON") == [("新建道路", "500m", "≥524m")]
    assert not set(r.findings["rule"]) & {"IND.MISSING_SCORE", "SUM.TOTAL_WEIGHT", "FUND.LINES_SUM"}


# --- four parts, 预算执行率 as an indicator row ---------------------------------------------
@pytest.mark.parametrize("suffix", [".txt", ".xlsx"])
def test_four_part_form_with_execution_rate_row(tmp_path, suffix):
    rows = [
        {"l1": "决策(20分)", "l2": "项目立项", "name": "立项依据充分性", "target": "充分", "actual": "充分", "weight": "20",
         "score": "20"},
        {"l1": "过程(20分)", "l2": "资金管理", "name": "预算执行率", "target": "100%", "actual": "95%", "weight": "10",
         "score": "9.5"},
        {"l2": "组织实施", "name": "制度执行有效性", "target": "有效", "actual": "有效", "weight": "10", "score": "10"},
        {"l1": "产出(40分)", "l2": "产出数量", "name": "培训人次", "target": "≥300人次", "actual": "300人次",
         "weight": "40", "score": "40"},
        {"l1": "效益(20分)", "l2": "社会效益", "name": "群众知晓率", "target": "≥90%", "actual": "95%", "weight": "20",
         "score": "20"},
    ]
    form = Form(columns=["l1", "l2", "name", "target", "actual", "weight", "score"],
                funds=[["年度资金总额", "50", "50", "50", "", "100%", ""]], rows=rows,
                total={"weight": "100", "score": "99.5"})
    fm, r = read(form, suffix, tmp_path)
    assert {s["name"] for s in fm.sections if s["level"] == 1} == {"决策指标", "过程指标", "产出指标", "效益指标"}
    assert found(r, "XREF.EXEC_RATE") == [("预算执行率", "95%", "100%")]
    assert not set(r.findings["rule"]) & {"SUM.SECTION_WEIGHT", "SUM.TOTAL_WEIGHT", "SUM.TOTAL_SCORE"}


# --- funds by level of government, money with its unit in the cell ---------------------------
@pytest.mark.parametrize("suffix", FORMATS)
def test_funds_by_level_with_units_in_cells(tmp_path, suffix):
    funds = [["年度资金总额", "50万元", "50万元", "48万元", "10", "96%", "9.6"],
             ["中央财政", "30万元", "30万元", "30万元", "", "", ""],
             ["省级财政", "15万元", "15万元", "14万元", "", "", ""],
             ["县级财政", "4万元", "4万元", "4万元", "", "", ""]]
    form = Form(funds=funds, rows=SELF_EVAL_ROWS[1:], total={"weight": "70", "score": "69.6"})
    fm, r = read(form, suffix, tmp_path)
    assert [f["line"] for f in fm.funds] == ["total", "central", "provincial", "county"]
    lines = found(r, "FUND.LINES_SUM")
    assert ("年度资金总额", "50", "49") in lines and len(lines) == 2   # 年初 and 全年预算数; 执行 48 = 30+14+4


# --- a rate per month over the 实施期 --------------------------------------------------------
@pytest.mark.parametrize("suffix", [".txt", ".xlsx"])
def test_cost_per_month_over_the_period(tmp_path, suffix):
    rows = [{**r} for r in SELF_EVAL_ROWS]
    rows.insert(3, {"l2": "成本指标", "name": "运维费用", "target": "≤6万元/月", "actual": "5万元/月", "weight": "0",
                    "score": "0"})
    form = Form(rows=rows, period="2024年3月-12月", total={"weight": "100", "score": "92"})
    fm, r = read(form, suffix, tmp_path)
    assert r.projects.iloc[0]["period_months"] == 10
    over = r.findings[r.findings["rule"] == "XREF.COST_OVER_BUDGET"]
    assert list(over["indicator"]) == ["运维费用"] and "合计 60" in over.iloc[0]["message"]


# --- a table that stops before its 总分 row ------------------------------------------------
@pytest.mark.parametrize("suffix", FORMATS)
def test_incomplete_table(tmp_path, suffix):
    rows = [{**r} for r in SELF_EVAL_ROWS]
    rows[-1] = {"l1": "满意度指标(10分)", "l2": "服务对象满意度指标", "name": "群众满意度", "target": "≥90%",
                "actual": "92%", "weight": "10"}
    fm, r = read(Form(rows=rows, total=None), suffix, tmp_path)
    assert not r.projects.iloc[0]["complete"]
    inc = r.findings[r.findings["rule"] == "PARSE.INCOMPLETE"]
    assert len(inc) == 1 and inc.iloc[0]["severity"] == "warning"
    assert not set(r.findings["rule"]) & {"IND.MISSING_SCORE", "SUM.TOTAL_WEIGHT", "SUM.SECTION_WEIGHT"}


# --- a header column nobody knows -----------------------------------------------------------
@pytest.mark.parametrize("suffix", [".txt", ".docx"])
def test_unknown_header_column_is_named_not_guessed(tmp_path, suffix):
    rows = [{**r, "method": "按人头"} for r in SELF_EVAL_ROWS]
    form = Form(columns=["l1", "l2", "name", "target", "method", "actual", "weight", "score"],
                headers={"method": "考核口径"}, rows=rows, total={"weight": "100", "score": "92"})
    fm, r = read(form, suffix, tmp_path)
    assert "unknown" in fields(fm)
    layout = r.findings[r.findings["rule"] == "PARSE.LAYOUT"]
    assert len(layout) == 1 and "考核口径" in layout.iloc[0]["message"]
    assert found(r, "IND.OVERSCORE") == [("移动终端台数", "12", "9.33")]


# --- seed 003 printed with 分值 before 年度指标值 gives the same findings ---------------------
def key(findings):
    f = findings[findings["rule"] != "PARSE.INCOMPLETE"]
    return sorted(zip(f["rule"], f["project"], f["indicator"], f["section"], f["reported"], f["expected"]))


@pytest.mark.parametrize("suffix", [".txt", ".xlsx"])
def test_seed_003_with_weight_before_target(tmp_path, suffix):
    from tests.formkit import bundle_grid, forms_from_result

    original = check([str(Path(__file__).resolve().parents[1] / "data" / "text" / "003_bundle_jinan.txt")])
    forms = forms_from_result(original, ["l1", "l2", "name", "weight", "target", "actual", "score", "note"],
                              {"weight": "指标分值", "actual": "全年完成值"})
    listed = [n for n in original.projects["listed_name"]]
    path = write(bundle_grid(listed, forms), tmp_path / f"bundle{suffix}")
    relaid = check([str(path)])
    assert len(relaid.projects) == 14
    assert key(relaid.findings) == key(original.findings)


# --- funds printed side by side: 资金情况 (budget) | 资金使用情况 (spent); a 元 column -------------
PAIRED = """专项名称\t普惠金融专项资金\t\t\t省级主管部门\t某省财政厅
资金情况(万元)\t年度金额:\t208万元\t\t资金使用情况(万元)\t合计:\t109.8万元
\t中央财政\t165万元\t\t\t中央财政\t84.5万元
\t省级财政\t43万元\t\t\t省级财政\t22.3万元
年度总体目标\t支持小微企业融资\t\t\t完成情况\t已支持
绩效目标完成情况\t一级指标\t二级指标\t三级指标\t指标值\t完成值\t权重\t得分
\t产出指标\t数量指标\t贷款发放额增长率\t≥10%\t15%\t50%\t50
\t满意度指标\t服务对象满意度指标\t企业满意度\t≥80%\t90%\t50%\t50
得分合计\t100。
"""


def test_paired_funds_and_percent_weights(tmp_path):
    p = tmp_path / "paired.txt"
    p.write_text(PAIRED, encoding="utf-8")
    r = check([str(p)])
    f = r.funds
    assert list(zip(f["line"], f["budget"], f["spent"])) == [("total", 208, 109.8), ("central", 165, 84.5),
                                                             ("provincial", 43, 22.3)]
    assert found(r, "FUND.LINES_SUM") == [("年度金额:", "109.8", "106.8")]
    assert list(r.indicators["weight"]) == [50, 50] and r.projects.iloc[0]["total_score"] == 100
    assert not set(r.findings["rule"]) & {"SUM.TOTAL_WEIGHT", "SUM.TOTAL_SCORE", "IND.MISSING_SCORE"}


def test_a_yuan_column_beside_wan_columns(tmp_path):
    form = Form(funds_header=["年初预算数", "全年预算数", "全年执行数（元）", "分值", "执行率", "得分"],
                funds=[["年度资金总额", "50", "50", "480000", "10", "96%", "9.6"],
                       ["其中：当年财政拨款", "50", "50", "480000", "—", "—", "—"]],
                rows=SELF_EVAL_ROWS[1:], total={"weight": "70", "score": "69.6"})
    for suffix in (".txt", ".xlsx"):
        fm, r = read(form, suffix, tmp_path)
        assert r.funds.iloc[0]["spent"] == 48 and r.funds.iloc[0]["budget"] == 50
        assert not set(r.findings["rule"]) & {"FUND.RATE_MISMATCH", "FUND.OVERSCORE", "FUND.UNDERSCORE"}


# --- headings numbered as in a document: 一、产出指标（50分） / （一）数量指标 ---------------------------
@pytest.mark.parametrize("suffix", [".txt", ".docx"])
def test_enumerated_headings(tmp_path, suffix):
    rows = [{**r} for r in SELF_EVAL_ROWS]
    rows[0].update(l1="一、产出指标（50分）", l2="（一）数量指标")
    rows[2].update(l2="（二）时效指标", weight="20", score="20")
    rows[3].update(l1="二、效益指标（30分）", l2="（一）社会效益指标")
    rows[4].update(l1="三、满意度指标（10分）", l2="（1）服务对象满意度指标")
    fm, r = read(Form(rows=rows, total={"weight": "110", "score": "102"}), suffix, tmp_path)
    weights = {s["name"]: s["weight"] for s in fm.sections}
    assert weights["产出指标"] == 50 and weights["满意度指标"] == 10 and weights["服务对象满意度指标"] is None
    assert found(r, "SUM.SECTION_WEIGHT") == [("产出指标", "60", "50")]


# --- 部门整体支出: funds split by source and by use, each against the total ------------------------
DEPARTMENT_WIDE = """2024年度部门整体支出绩效自评表
部门（单位）名称\t某县农业农村局
主管部门\t某县人民政府\t\t实施单位\t某县农业农村局
资金情况（万元）\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分
\t年度资金总额\t1000\t1200\t1150\t10\t95.83%\t9.58
\t按来源分：一般公共预算\t800\t1000\t960\t\t\t
\t政府性基金\t100\t100\t90\t\t\t
\t其他资金\t100\t100\t100\t\t\t
\t按用途分：基本支出\t600\t700\t690\t\t\t
\t项目支出\t400\t500\t470\t\t\t
年度总体目标\t预期目标\t\t\t实际完成情况
\t保障机关运转，完成全年农业农村工作任务\t\t\t已完成
绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施
\t产出指标(50分)\t数量指标\t培训农民人次\t≥1000人次\t1100人次\t20\t20\t
\t\t质量指标\t项目验收合格率\t100%\t100%\t15\t15\t
\t\t时效指标\t资金拨付及时率\t100%\t98%\t15\t14.7\t年底集中拨付
\t效益指标(30分)\t社会效益指标\t农民人均收入增长\t≥5%\t5.5%\t30\t30\t
\t满意度指标(10分)\t服务对象满意度指标\t农户满意度\t≥90%\t93%\t10\t10\t
总分\t\t\t\t\t\t100\t99.28\t
"""


@pytest.mark.parametrize("suffix", [".txt", ".xlsx"])
def test_department_wide_form_with_two_fund_breakdowns(tmp_path, suffix):
    rows = [line.split("\t") for line in DEPARTMENT_WIDE.strip("\n").split("\n")]
    r = check([str(write(rows, tmp_path / f"dept{suffix}"))])
    assert list(r.projects["name"]) == ["某县农业农村局"]
    f = r.funds
    assert sorted(f.loc[f["line"] != "total", "breakdown"].unique()) == ["source", "use"]
    lines = r.findings[r.findings["rule"] == "FUND.LINES_SUM"]
    assert list(zip(lines["reported"], lines["expected"])) == [("1150", "1160")]   # 690 + 470, by use
    assert "基本支出 + 项目支出" in lines.iloc[0]["message"]
    assert sorted(r.findings.loc[r.findings["severity"] == "error", "rule"]) == ["FUND.LINES_SUM"]


# --- a table going on over a page: the header printed again, 续表, a page number ------------
def _continued(grid: list[list[str]], header_at: int, after: int) -> list[list[str]]:
    """The grid with the header (one or more rows from header_at) printed again after ``after``
    rows of it, under a page number and a 续表 line, as Word and PDF tables are."""
    width = max(len(r) for r in grid)
    at = header_at + after
    header = [r for r in grid[header_at:] if r and r[0] != ""][:1]
    return grid[:at] + [["第 1 页"] + [""] * (width - 1), ["续表"] + [""] * (width - 1)] + header + grid[at:]


@pytest.mark.parametrize("suffix", FORMATS)
def test_self_evaluation_header_repeated_over_a_page(tmp_path, suffix):
    grid = Form(rows=SELF_EVAL_ROWS, total={"weight": "100", "score": "92"}).grid()
    at = next(i for i, r in enumerate(grid) if r and r[0] == "绩效指标")
    path = write(_continued(grid, at, 3), tmp_path / f"form{suffix}")
    r = check([str(path)])
    assert r.indicators["name"].tolist() == [row["name"] for row in SELF_EVAL_ROWS]
    assert found(r, "IND.OVERSCORE") == [("移动终端台数", "12", "9.33")]
    assert errors(r) == ["IND.OVERSCORE"] and set(r.findings["rule"]) == {"IND.OVERSCORE"}


@pytest.mark.parametrize("suffix", FORMATS)
def test_rubric_header_repeated_over_a_page(tmp_path, suffix):
    header = ["一级指标", "二级指标", "三级指标", "分值", "评分标准", "得分", "扣分原因"]
    rows = [["决策（40分）", "项目立项", "立项依据充分性", "20", "符合得20分", "20", ""],
            ["", "绩效目标", "绩效目标合理性", "20", "明确得20分", "18", "部分目标不明确，扣2分"],
            ["效益（60分）", "项目效益", "实际完成率", "30", "完成率×30", "30", ""],
            ["", "满意度", "服务对象满意度", "30", "90%以上得满分", "30", ""]]
    grid = [["某项目绩效评价评分表"], header, *rows, ["合计", "", "", "100", "", "98", ""]]
    path = write(_continued(grid, 1, 3), tmp_path / f"rubric{suffix}")
    r = check([str(path)])
    assert r.indicators["name"].tolist() == [row[2] for row in rows]
    assert r.findings.empty


def test_target_table_header_repeated_over_a_page(tmp_path):
    src = (ROOT / "data" / "batch" / "paired" / "2023_target_医保智能审核.txt").read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(src) if line.startswith("绩效指标"))
    path = tmp_path / "target.txt"
    path.write_text("\n".join(src[:at + 4] + ["第 1 页", "续表", src[at]] + src[at + 4:]), encoding="utf-8")
    r, before = check([str(path)]), check([str(ROOT / "data" / "batch" / "paired" / "2023_target_医保智能审核.txt")])
    assert r.indicators["name"].tolist() == before.indicators["name"].tolist() and len(r.indicators) == 9
    assert r.findings.empty and before.findings.empty


# --- a Word form in two tables: header and funds, then the indicators under a heading -------------
def _two_tables(grid: list[list[str]], split_at: int, heading: str, path: Path) -> Path:
    from docx import Document

    doc = Document()
    doc.add_paragraph(grid[0][0])
    for rows in (grid[1:split_at], grid[split_at:]):
        width = max(len(r) for r in rows)
        table = doc.add_table(rows=len(rows), cols=width)
        for i, r in enumerate(rows):
            for j, text in enumerate(r):
                table.cell(i, j).text = text
        if rows is not grid[split_at:]:
            doc.add_paragraph(heading)
    doc.save(path)
    return path


@pytest.mark.parametrize("heading", ["二、绩效指标完成情况", ""])
def test_self_evaluation_in_two_word_tables(tmp_path, heading):
    grid = Form(rows=SELF_EVAL_ROWS, total={"weight": "100", "score": "92"}).grid()
    at = next(i for i, r in enumerate(grid) if r and r[0] == "绩效指标")
    r = check([str(_two_tables(grid, at, heading, tmp_path / "form.docx"))])
    assert (len(r.projects), r.indicators["name"].tolist()) == (1, [row["name"] for row in SELF_EVAL_ROWS])
    assert set(r.findings["rule"]) == {"IND.OVERSCORE"}   # and no PARSE.INCOMPLETE
    assert found(r, "IND.OVERSCORE") == [("移动终端台数", "12", "9.33")]


def test_target_table_in_two_word_tables(tmp_path):
    text = (ROOT / "data" / "batch" / "paired" / "2023_target_医保智能审核.txt").read_text(encoding="utf-8")
    grid = [line.split("\t") for line in text.split("\n") if line.strip()]
    at = next(i for i, r in enumerate(grid) if r[0] == "绩效指标")
    r = check([str(_two_tables(grid, at, "绩效指标", tmp_path / "target.docx"))])
    assert (r.files[0].kind, len(r.projects), len(r.indicators)) == ("target", 1, 9)
    assert r.findings.empty


def test_two_word_tables_each_with_its_project_stay_two(tmp_path):
    one = Form(rows=SELF_EVAL_ROWS, total={"weight": "100", "score": "92"}).grid()
    two = Form(name="另一专项资金", rows=SELF_EVAL_ROWS, total={"weight": "100", "score": "92"}).grid()
    r = check([str(_two_tables(one + two[1:], len(one), "", tmp_path / "two.docx"))])
    assert r.projects["name"].tolist() == ["测试专项资金", "另一专项资金"] and len(r.indicators) == 10


@pytest.mark.parametrize("heading", ["", "续表"])
def test_rubric_in_two_word_tables_the_second_without_header(tmp_path, heading):
    header = ["一级指标", "二级指标", "三级指标", "分值", "评分标准", "得分", "扣分原因"]
    rows = [["决策（40分）", "项目立项", "立项依据充分性", "20", "符合得20分", "20", ""],
            ["", "绩效目标", "绩效目标合理性", "20", "明确得20分", "18", "部分目标不明确，扣2分"],
            ["效益（60分）", "项目效益", "实际完成率", "30", "完成率×30", "30", ""],
            ["", "满意度", "服务对象满意度", "30", "满意度在90%得分计30分，每低于标准下降1%扣除1分，扣完为止。", "30",
             "满意度调查结果为85%。"]]
    grid = [["某项目绩效评价评分表"], header, *rows, ["合计", "", "", "100", "", "98", ""]]
    r = check([str(_two_tables(grid, 4, heading, tmp_path / "rubric.docx"))])
    assert (len(r.projects), r.indicators["name"].tolist()) == (1, [row[2] for row in rows])
    # the second table's rows are checked: 85% where 90% earns 30 less 1 a point is 25, not 30
    assert r.findings[["rule", "indicator", "reported", "expected"]].values.tolist() == [
        ["TEXT.SATISFACTION", "服务对象满意度", "30", "25"]]


# --- a category the unit has no indicator for, written 无 (or /) across ---------------------------
@pytest.mark.parametrize("suffix", FORMATS)
@pytest.mark.parametrize("mark", ["无", "/"])
def test_category_left_empty_is_not_an_indicator(tmp_path, suffix, mark):
    rows = [{**r} for r in SELF_EVAL_ROWS]
    rows.insert(3, {"l2": "经济成本指标", "name": mark, "target": mark, "actual": mark, "weight": mark, "score": mark})
    r = check([str(write(Form(rows=rows, total={"weight": "100", "score": "92"}).grid(), tmp_path / f"f{suffix}"))])
    assert r.indicators["name"].tolist() == [row["name"] for row in SELF_EVAL_ROWS]
    assert errors(r) == ["IND.OVERSCORE"] and set(r.findings["rule"]) == {"IND.OVERSCORE"}


# --- 二级 headings no heading word names (工程进度, 资金使用): headings by their column, in text as in a
# workbook or a Word table; a row shifted off its columns opens none ------------------------------------
POSITIONAL_ROWS = [
    {"l1": "产出指标(40分)", "l2": "工程进度", "name": "开工项目数", "target": "≥5个", "actual": "5个", "weight": "15",
     "score": "15"},
    {"name": "竣工项目数", "target": "≥3个", "actual": "3个", "weight": "15", "score": "13"},
    {"l2": "资金使用", "name": "资金到位率", "target": "100%", "actual": "100%", "weight": "10", "score": "10"},
    {"l1": "效益指标(40分)", "l2": "社会效益指标", "name": "群众知晓率", "target": "≥90%", "actual": "95%", "weight": "40",
     "score": "40"},
    {"l1": "满意度指标(10分)", "l2": "服务对象满意度指标", "name": "群众满意度", "target": "≥90%", "actual": "92%",
     "weight": "10", "score": "10"},
]
# The same form under other words and in another order: 权重 before the target, other 二级 names.
POSITIONAL_VARIANTS = {
    "plain": (["l1", "l2", "name", "target", "actual", "weight", "score", "note"], {}, {}),
    "reordered": (["l1", "l2", "name", "weight", "target", "actual", "score", "note"], {"weight": "权重"},
                  {"工程进度": "项目实施", "资金使用": "投入管理"}),
}


def _positional_form(variant: str) -> tuple[Form, dict[str, str]]:
    columns, headers, names = POSITIONAL_VARIANTS[variant]
    rows = [{**r, "l2": names.get(r["l2"], r["l2"])} if "l2" in r else r for r in POSITIONAL_ROWS]
    return Form(columns=columns, headers=headers, rows=rows, total={"weight": "100", "score": "98"}), names


@pytest.mark.parametrize("suffix", FORMATS)
@pytest.mark.parametrize("variant", sorted(POSITIONAL_VARIANTS))
def test_level2_headings_by_their_column(tmp_path, suffix, variant):
    form, names = _positional_form(variant)
    fm, r = read(form, suffix, tmp_path)
    progress, funds = names.get("工程进度", "工程进度"), names.get("资金使用", "资金使用")
    assert r.indicators["level2"].tolist() == [progress, progress, funds, "社会效益指标", "服务对象满意度指标"]
    no_reason = r.findings[r.findings["rule"] == "IND.NO_REASON"]
    assert list(zip(no_reason["indicator"], no_reason["section"])) == [("竣工项目数", progress)]
    assert errors(r) == []


@pytest.mark.parametrize("suffix", FORMATS)
def test_a_row_shifted_off_its_columns_opens_no_heading(tmp_path, suffix):
    """The 资金使用 row lost a cell and sits one column left: its 二级 is not guessed (nor left to the
    heading above), and a PARSE.LAYOUT says so."""
    grid = _positional_form("plain")[0].grid()
    at = next(i for i, row in enumerate(grid) if "资金到位率" in row)
    grid[at] = grid[at][:1] + grid[at][2:]
    r = check([str(write(grid, tmp_path / f"shifted{suffix}"))])
    assert r.indicators["level2"].tolist() == ["工程进度", "工程进度", "", "社会效益指标", "服务对象满意度指标"]
    assert r.indicators.loc[2, ["name", "target_raw", "actual_raw"]].tolist() == ["资金到位率", "100%", "100%"]
    layout = r.findings[r.findings["rule"] == "PARSE.LAYOUT"]
    assert len(layout) == 1 and "资金使用" in layout["message"].iloc[0]
    assert errors(r) == []


# --- a target table's 指标值及单位 (the value with its unit) beside 绩效标准 (计划标准 / 行业标准) ------------
def _target_with_standard(value: str, standard: str) -> list[list[str]]:
    return [["项目支出绩效目标申报表"],
            ["项目名称", "道路清扫服务", "预算部门", "某县环卫所"],
            ["项目资金(万元)", "年度资金总额", "120"],
            ["年度目标", "完成城区道路清扫保洁"],
            ["绩效指标", "一级指标", "二级指标", "三级指标", value, standard],
            ["", "产出指标", "数量指标", "清扫道路面积", "≥120万平方米", "计划标准"],
            ["", "", "质量指标", "道路保洁达标率", "≥95%", "行业标准"],
            ["", "", "时效指标", "完成时间", "2024年12月底前", "计划标准"],
            ["", "", "成本指标", "清扫成本", "≤120万元", "计划标准"],
            ["", "效益指标", "社会效益指标", "市容环境改善率", "≥10%", "历史标准"],
            ["", "满意度指标", "服务对象满意度指标", "市民满意度", "≥90%", "计划标准"]]


@pytest.mark.parametrize("suffix", FORMATS)
@pytest.mark.parametrize("words", [("指标值及单位", "绩效标准"), ("目标值（含单位）", "标准类型")])
def test_target_with_its_unit_beside_the_standard(tmp_path, suffix, words):
    path = write(_target_with_standard(*words), tmp_path / f"target{suffix}")
    fm = recognise_file(str(path), read_any(str(path)), 1)
    r = check([str(path)])
    assert fields(fm) == ["l1", "l2", "name", "target", "note"]
    assert r.indicators["target_raw"].tolist() == ["≥120万平方米", "≥95%", "2024年12月底前", "≤120万元", "≥10%", "≥90%"]
    assert r.findings.empty


# --- a 序号 column numbering the rows (编号 as the variant): its numbers are no content -------------
@pytest.mark.parametrize("word", ["序号", "编号"])
@pytest.mark.parametrize("suffix", FORMATS)
def test_row_numbers_under_xuhao_are_read_as_nothing(word, suffix, tmp_path):
    rows = [{"seq": str(n), **r} for n, r in enumerate(SELF_EVAL_ROWS, start=1)]
    form = Form(columns=["seq", "l1", "l2", "name", "target", "actual", "weight", "score", "note"], rows=rows,
                headers={"seq": word}, total={"weight": "90", "score": "82"})
    fm, result = read(form, suffix, tmp_path)
    assert fields(fm)[0] == "seq"
    assert [i["name"] for i in fm.indicators] == [r["name"] for r in SELF_EVAL_ROWS]
    assert "PARSE.LAYOUT" not in set(result.findings["rule"])
    assert found(result, "IND.OVERSCORE") == found(check([str(write(Form(rows=SELF_EVAL_ROWS, total={
        "weight": "90", "score": "82"}).grid(), tmp_path / f"plain{suffix}"))]), "IND.OVERSCORE")
