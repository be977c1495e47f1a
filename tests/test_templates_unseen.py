"""Forms in the templates of /work/shared/TEMPLATES.md (T1–T10) that no sample has, built here.

Each template is written twice — ``plain`` in the template's own words, ``variant`` with harmless
changes (regional synonyms, another column order, a noise row, 元 for 万元) — and both must read
clean (no errors, no PARSE.UNRECOGNISED / NO_INDICATORS / LAYOUT_DOUBT) from text, Excel and Word.
Then each has one planted mistake that must give its finding (rule, indicator, values).
These are forms made here from the templates' words; the numbers are invented.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from checker.engine import check
from tests.formkit import write

FORMATS = [".txt", ".xlsx", ".docx"]
VARIANTS = ["plain", "variant"]
DOUBT = {"PARSE.UNRECOGNISED", "PARSE.NO_INDICATORS", "PARSE.LAYOUT_DOUBT"}
W = 12   # cells per row


def row(*cells: str) -> list[str]:
    return list(cells) + [""] * (W - len(cells))


def cols(order: list[str], cells: dict[str, str], lead: str = "") -> list[str]:
    """One row with the cells of ``cells`` in the column ``order``, after a leading label cell."""
    return row(lead, *[cells.get(c, "") for c in order])


def indicator_rows(order: list[str], items: list[dict[str, str]], lead: str = "") -> list[list[str]]:
    return [cols(order, it, lead if n == 0 else "") for n, it in enumerate(items)]


# --- T1 项目支出绩效自评表 (national, 财预〔2020〕10号) ------------------------------------------
T1_ITEMS = [
    {"l1": "产出指标(50分)", "l2": "数量指标", "name": "培训人次", "target": "≥300人次", "actual": "320人次", "weight": "20",
     "score": "20"},
    {"l2": "质量指标", "name": "培训合格率", "target": "≥95%", "actual": "98%", "weight": "10", "score": "10"},
    {"l2": "时效指标", "name": "培训完成时间", "target": "2023年12月底前", "actual": "2023年11月", "weight": "10",
     "score": "10"},
    {"l2": "成本指标", "name": "人均培训成本", "target": "≤4000元/人", "actual": "3560元/人", "weight": "10", "score": "10"},
    {"l1": "效益指标(30分)", "l2": "社会效益指标", "name": "参训人员就业率", "target": "≥80%", "actual": "85%", "weight": "20",
     "score": "20"},
    {"l2": "可持续影响指标", "name": "培训长效机制", "target": "健全", "actual": "健全", "weight": "10", "score": "10"},
    {"l1": "满意度指标(10分)", "l2": "服务对象满意度指标", "name": "参训人员满意度", "target": "≥90%", "actual": "96%",
     "weight": "10", "score": "10"},
]
T1_HEAD = {"l1": "一级指标", "l2": "二级指标", "name": "三级指标", "target": "年度指标值", "actual": "实际完成值",
           "weight": "分值", "score": "得分", "note": "偏差原因分析及改进措施"}


def t1(variant: str, items: list[dict] | None = None, funds: list[list[str]] | None = None,
       total_score: str = "99.5") -> list[list[str]]:
    v = variant == "variant"
    order = (["l1", "l2", "name", "weight", "target", "actual", "score", "note"] if v else
             ["l1", "l2", "name", "target", "actual", "weight", "score", "note"])
    yuan = 10000 if v else 1
    funds = funds or [["年度资金总额", "100", "120", "114", "10", "95%", "9.5"],
                      ["其中：本年财政拨款" if v else "其中：当年财政拨款", "100", "110", "105", "—", "—", "—"],
                      ["上年结转资金", "0", "10", "9", "—", "—", "—"],
                      ["其他资金", "0", "0", "0", "—", "—", "—"]]
    money = [[line[0], *[f"{float(x) * yuan:.12g}" if x.replace(".", "").isdigit() else x for x in line[1:4]], *line[4:]]
             for line in funds]
    grid = [row("项目支出绩效自评表"), row("（2023年度）"),
            row("项目名称", "某县农村劳动力转移就业培训项目"),
            row("主管部门", "219-某县人力资源和社会保障局" if v else "某县人力资源和社会保障局", "", "", "实施单位",
                "某县就业服务中心"),
            row("项目资金（元）" if v else "项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率",
                "得分")]
    grid += [row("", *line) for line in money]
    grid += [row("年度总体目标", "预期目标", "", "", "实际完成情况"),
             row("", "完成农村劳动力转移就业培训300人次", "", "", "完成培训320人次")]
    if v:
        grid.append(row())                                    # a blank row between the blocks
    grid.append(cols(order, T1_HEAD, "绩效指标"))
    grid += indicator_rows(order, items or T1_ITEMS)
    grid.append(cols(order, {"weight": "100", "score": total_score}, "总分"))
    return grid


def cell_sub(grid: list[list[str]], key: str, old: str, new: str) -> list[list[str]]:
    """The grid with ``old`` changed to ``new`` in the first row holding a cell ``key``."""
    out = [r[:] for r in grid]
    r = next(r for r in out if key in r)
    r[r.index(old)] = new
    return out


# --- T2a 湖北 项目自评表, 20/80, no 分值 column -------------------------------------------------
T2A_ITEMS = [
    {"l1": "产出指标(50分)", "l2": "数量指标", "name": "建设村级电商服务站", "target": "≥20个", "actual": "20个", "score": "20"},
    {"l2": "质量指标", "name": "服务站验收合格率", "target": "100%", "actual": "100%", "score": "10"},
    {"l2": "时效指标", "name": "服务站建成时间", "target": "2020年12月底前", "actual": "2020年11月", "score": "10"},
    {"l2": "成本指标", "name": "单站补助标准", "target": "≤2万元/个", "actual": "1.9万元/个", "score": "10"},
    {"l1": "效益指标(20分)", "l2": "经济效益指标", "name": "农产品网销额增长率", "target": "≥10%", "actual": "12%",
     "score": "10"},
    {"l2": "社会效益指标", "name": "带动就业人数", "target": "≥50人", "actual": "60人", "score": "10"},
    {"l1": "满意度指标(10分)", "l2": "服务对象满意度指标", "name": "村民满意度", "target": "≥90%", "actual": "95%",
     "score": "10"},
]


def t2a(variant: str, items: list[dict] | None = None, funds: list[str] | None = None,
        total: str = "99") -> list[list[str]]:
    v = variant == "variant"
    order = ["l1", "l2", "name", "target", "actual", "score"]
    items = [dict(it) for it in (items or T2A_ITEMS)]
    if v:
        items[2]["l2"] = "进度指标"                              # P4: 进度指标 for 时效
    grid = [row("2020年度项目自评表"), row("单位名称:某区商务局", "", "", "", "填报日期:2021年3月5日"),
            row("项目名称", "电子商务进农村综合示范项目"),
            row("主管部门", "某区商务局", "", "", "项目实施单位", "某区电子商务服务中心")]
    if v:
        grid += [row("项目类别:", "1、部门预算项目□ 2、区直专项R 3、市对下转移支付项目□"),
                 row("项目属性:", "1、持续性项目R 2、新增性项目□"),
                 row("项目类型:", "1、常年性项目□ 2、延续性项目R 3、一次性项目□")]
    grid += [row("预算执行情况（万元）（20分）", "预算数(A)", "执行数(B)", "执行率(B/A)", "得分 (20分*执行率)"),
             row("年度财政资金总额", *(funds or ["80", "76", "95%", "19"]))]
    grid.append(cols(order, {"l1": "一级指标", "l2": "二级指标", "name": "三级指标", "target": "年初目标值(A)",
                             "actual": "实际完成值(B)", "score": "得分"}, "年度绩效目标（80分）"))
    grid += indicator_rows(order, items)
    grid += [cols(order, {"score": total}, "总分(100分)"), row("自评等级", "优"),
             row("偏差大或目标未完成原因分析", "无"), row("改进措施及结果应用方案", "继续加强项目管理"),
             row("单位主要负责人签批意见", "同意")]
    grid += [row("备注:1.预算数为调整后财政资金总额(包括上年结余结转),执行数为资金使用单位财政资金实际支出数。"),
             row("2.定量指标:正向指标得分=权重×B/A,反向指标得分=权重×A/B。"),
             row("3.定性指标:达成预期指标、部分达成预期指标、未达成预期指标,分别按100-80%、80-50%、50-0%计分。")]
    return grid


# --- T2b 四川 部门预算项目支出绩效自评表, 10 + 90, 权重 ------------------------------------------
T2B_ITEMS = [
    {"l1": "产出指标", "l2": "数量指标", "name": "培训乡村教师人次", "op": "≥", "target": "500", "unit": "人次",
     "actual": "520", "weight": "20", "score": "20"},
    {"l2": "质量指标", "name": "培训合格率", "op": "≥", "target": "95", "unit": "%", "actual": "98", "weight": "15",
     "score": "15"},
    {"l2": "时效指标", "name": "培训完成及时率", "op": "=", "target": "100", "unit": "%", "actual": "100", "weight": "10",
     "score": "10"},
    {"l2": "成本指标", "name": "人均培训成本", "op": "≤", "target": "3000", "unit": "元", "actual": "2800", "weight": "5",
     "score": "5"},
    {"l1": "效益指标", "l2": "社会效益指标", "name": "教师教学能力提升率", "op": "≥", "target": "80", "unit": "%",
     "actual": "85", "weight": "30", "score": "30"},
    {"l1": "满意度指标", "l2": "服务对象满意度指标", "name": "参训教师满意度", "op": "≥", "target": "90", "unit": "%",
     "actual": "95", "weight": "10", "score": "10"},
]


def t2b(variant: str, items: list[dict] | None = None, funds: list[list[str]] | None = None,
        total: tuple[str, str] = ("100", "99.5")) -> list[list[str]]:
    v = variant == "variant"
    order = ["l1", "l2", "name", "op", "target", "unit", "actual", "weight", "score", "note"]
    items = [dict(it) for it in (items or T2B_ITEMS)]
    if v:
        items.insert(4, {"l2": "可持续影响指标", "name": "培训成果运用", "op": "定性", "target": "好", "unit": "",
                         "actual": "好", "weight": "0", "score": "0"})
    grid = [row("部门预算项目支出绩效自评表"), row("（2023年度）")]
    if v:
        grid.append(row("报表编号：510000_0013zp"))
    grid += [row("项目名称", "51000023R000000012345-乡村教师培训"),
             row("主管部门", "某市教育局本级", "", "", "实施单位（盖章）", "某市教师发展中心"),
             row("项目基本情况", "项目年度目标", "", "", "年度目标完成情况"),
             row("", "培训乡村教师500人次", "", "", "已培训乡村教师520人次"),
             row("预算执行情况(10分)", "年度预算数(万元)", "年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重", "得分",
                 "原因")]
    grid += [row("", *line) for line in (funds or [
        ["总额", "150", "160", "152", "95%", "10", "9.5", ""],
        ["其中:财政资金", "150", "160", "152", "/", "/", "/", ""],
        ["财政专户管理资金", "0", "0", "0", "/", "/", "/", ""],
        ["单位资金", "0", "0", "0", "/", "/", "/", ""],
        ["其他资金", "0", "0", "0", "/", "/", "/", ""]])]
    if v:
        grid.append(row("第 1 页"))
    grid.append(cols(order, {"l1": "一级指标", "l2": "二级指标", "name": "三级指标", "op": "指标性质", "target": "指标值",
                             "unit": "度量单位", "actual": "完成值", "weight": "权重", "score": "得分",
                             "note": "未完成原因分析"}, "绩效指标(90分)"))
    grid += indicator_rows(order, items)
    grid += [cols(order, {"weight": total[0], "score": total[1]}, "合计"),
             row("评价结论", "项目完成情况良好"), row("存在问题", "无"), row("改进措施", "无"),
             row("项目负责人:李某", "", "", "", "财务负责人:王某")]
    return grid


# --- T2c four-part 计分表: 项目决策 / 项目管理 / 项目产出 / 项目效益 (银川 10/25/30/35) ---------------
T2C_ITEMS = [
    {"l1": "项目决策(10分)", "l2": "项目立项", "name": "立项依据充分性", "weight": "5", "method": "依据充分得5分",
     "score": "5"},
    {"l2": "绩效目标", "name": "绩效目标合理性", "weight": "5", "method": "目标明确合理得5分", "score": "5"},
    {"l1": "项目管理(25分)", "l2": "资金管理", "name": "资金到位率", "weight": "10", "method": "到位率×10", "score": "10"},
    {"name": "资金使用合规性", "weight": "5", "method": "无违规得5分", "score": "5"},
    {"l2": "组织实施", "name": "管理制度健全性", "weight": "10", "method": "制度健全得10分", "score": "10"},
    {"l1": "项目产出(30分)", "l2": "产出数量", "name": "绿地养护面积完成率", "weight": "10", "method": "完成率×10",
     "score": "10"},
    {"l2": "产出质量", "name": "苗木成活率", "weight": "10", "method": "≥95%得满分", "score": "10"},
    {"l2": "产出时效", "name": "养护及时性", "weight": "5", "method": "及时得5分", "score": "5"},
    {"l2": "产出成本", "name": "成本控制情况", "weight": "5", "method": "未超预算得5分", "score": "5"},
    {"l1": "项目效益(35分)", "l2": "项目效益", "name": "城市绿化覆盖率", "weight": "15", "method": "达到目标得15分",
     "score": "15"},
    {"name": "空气质量优良天数比例", "weight": "10", "method": "达到目标得10分", "score": "10"},
    {"name": "群众满意度", "weight": "10", "method": "90%以上得满分，每低1%扣1分", "score": "9"},
]


def t2c(variant: str, items: list[dict] | None = None, total: tuple[str, str] = ("100", "99")) -> list[list[str]]:
    v = variant == "variant"
    order = ["l1", "l2", "name", "method", "weight", "score", "note"] if v else ["l1", "l2", "name", "weight", "method",
                                                                                "score"]
    items = [dict(it) for it in (items or T2C_ITEMS)]
    if v:
        for it, word in zip(items, ["决策(10分)", "", "过程(25分)", "", "", "产出(30分)", "", "", "", "效益(35分)"]):
            if word:
                it["l1"] = word
        items[-1]["note"] = "满意度89%，扣1分"
    head = {"l1": "一级指标", "l2": "二级指标", "name": "三级指标", "weight": "指标分值" if v else "分值",
            "method": "评分标准" if v else "评价标准", "score": "得分" if v else "自评分", "note": "扣分原因"}
    grid = [row("某区2021年城市绿化养护项目支出绩效自评指标计分表"), row("项目名称", "城市绿化养护项目"),
            row("主管部门", "某区园林局", "", "", "实施单位", "某区绿化管理所"), cols(order, head)]
    grid += indicator_rows(order, items)
    grid.append(cols(order, {"weight": total[0], "score": total[1]}, "合计"))
    return grid


# --- T3 衔接资金 绩效目标自评表 (T1 scoring, transfer words) -----------------------------------
T3_ITEMS = [
    {"l1": "产出指标(50分)", "l2": "数量指标", "name": "新建产业路", "weight": "20", "target": "≥5公里", "actual": "5.2公里",
     "score": "20"},
    {"l2": "质量指标", "name": "工程验收合格率", "weight": "10", "target": "100%", "actual": "100%", "score": "10"},
    {"l2": "时效指标", "name": "项目完工时间", "weight": "10", "target": "2022年11月底前", "actual": "2022年10月",
     "score": "10"},
    {"l2": "成本指标", "name": "每公里建设成本", "weight": "10", "target": "≤30万元/公里", "actual": "28.8万元/公里",
     "score": "10"},
    {"l1": "效益指标(30分)", "l2": "经济效益指标", "name": "带动脱贫户增收", "weight": "15", "target": "≥500元/户",
     "actual": "600元/户", "score": "15"},
    {"l2": "社会效益指标", "name": "受益脱贫人口", "weight": "15", "target": "≥300人", "actual": "320人", "score": "15"},
    {"l1": "满意度指标(10分)", "l2": "服务对象满意度指标", "name": "受益群众满意度", "weight": "10", "target": "≥90%",
     "actual": "96%", "score": "10"},
]


def t3(variant: str, items: list[dict] | None = None, funds: list[list[str]] | None = None,
       total: str = "100") -> list[list[str]]:
    v = variant == "variant"
    order = (["l1", "l2", "name", "target", "actual", "weight", "score", "note"] if v else
             ["l1", "l2", "name", "weight", "target", "actual", "score", "note"])
    items = [dict(it) for it in (items or T3_ITEMS)]
    if v:                                            # 萧县: core indicators marked ★
        items[0]["name"] = "★" + items[0]["name"]
        items[4]["name"] = "★" + items[4]["name"]
    grid = [row("绩效目标自评表"), row("（2022年度）"),
            row("项目名称", "2022年中央财政衔接推进乡村振兴补助资金产业路项目"),
            row("项目负责人及电话", "张某 0838-1234567"),
            row("主管部门", "某县农业农村局", "", "", "实施单位", "某镇人民政府"),
            row("资金情况（万元）", "", "全年预算数(A)", "全年执行数(B)", "分值", "执行率(B/A)", "得分")]
    grid += [row("", *line) for line in (funds or [["年度资金总额:", "150", "150", "10", "100%", "10"],
                                                  ["其中：本年财政拨款", "150", "150", "", "", ""],
                                                  ["其他资金", "0", "0", "", "", ""]])]
    grid += [row("年度总体目标", "年初设定目标", "", "", "年度总体目标完成情况综述"),
             row("", "新建产业路5公里，带动脱贫户增收", "", "", "建成产业路5.2公里")]
    if v:
        grid.append(row("（续表）"))
    grid.append(cols(order, {"l1": "一级指标", "l2": "二级指标", "name": "三级指标", "weight": "分值",
                             "target": "年度指标值", "actual": "全年实际值", "score": "得分",
                             "note": "未完成原因及拟采取的改进措施"}, "绩效指标"))
    grid += indicator_rows(order, items)
    grid += [cols(order, {"weight": "100", "score": total}, "总分"),
             row("注:1.一级指标分值统一设置为：产出指标50分、效益指标30分、满意度指标10分、预算资金执行率10分；得分最高不能超过该指标分值上限。"),
             row("2.定性指标根据指标完成情况分为：达成年度指标、部分达成年度指标并具有一定效果、未达成年度指标且效果较差，"
                 "分别按照该指标对应分值区间100-80%(含80%)、80-60%(含60%)、60-0%合理确定分值。")]
    return grid


# --- T4 转移支付 绩效目标自评表 (no 分值, no 得分) --------------------------------------------------
T4_ITEMS = [
    {"l1": "产出指标", "l2": "数量指标", "name": "农村公路改造里程", "target": "≥20公里", "actual": "22公里"},
    {"l2": "质量指标", "name": "交工验收合格率", "target": "100%", "actual": "100%"},
    {"l2": "时效指标", "name": "项目完工及时率", "target": "≥95%", "actual": "98%"},
    {"l2": "成本指标", "name": "项目总成本", "target": "≤1000万元", "actual": "980万元"},
    {"l1": "效益指标", "l2": "社会效益指标", "name": "建制村通硬化路率", "target": "100%", "actual": "100%"},
    {"l2": "可持续影响指标", "name": "养护长效机制", "target": "健全", "actual": "健全"},
    {"l1": "满意度指标", "l2": "服务对象满意度指标", "name": "沿线群众满意度", "target": "≥90%", "actual": "95%"},
]


def t4(variant: str, items: list[dict] | None = None, funds: list[list[str]] | None = None) -> list[list[str]]:
    v = variant == "variant"                           # 重庆's copy (RF 忠县), P5's column words
    order = ["l1", "l2", "name", "target", "actual", "note"]
    if v:
        grid = [row("中央、市级专项转移支付绩效目标自评表"), row("（2021年度）"),
                row("专项(项目)名称", "车辆购置税收入补助地方资金"), row("负责人及电话", "李某 023-1234567"),
                row("市级主管部门", "某市交通局", "", "", "县级主管部门", "某县交通局"), row("实施单位", "某县公路事务中心")]
        lines = ["其中:中央、市级补助", "县级资金", "其他资金"]
    else:
        grid = [row("车辆购置税收入补助地方资金绩效目标自评表"), row("（2021年度）"),
                row("转移支付（项目）名称", "车辆购置税收入补助地方资金"),
                row("中央主管部门", "交通运输部", "", "", "地方主管部门", "某县交通运输局"),
                row("资金使用单位", "某县公路事务中心")]
        lines = ["其中：中央补助", "地方资金", "其他资金"]
    grid.append(row("项目资金（万元）", "", "全年预算数（A）", "全年执行数（B）", "预算执行率（B/A）"))
    funds = funds or [["年度资金总额：", "1000", "980", "98%"], [lines[0], "800", "800", "100%"],
                      [lines[1], "200", "180", "90%"], [lines[2], "0", "0", "—"]]
    grid += [row("", *line) for line in funds]
    grid += [row("年度总体目标", "年初设定目标", "", "", "全年实际完成情况"),
             row("", "改造农村公路20公里", "", "", "改造农村公路22公里")]
    grid.append(cols(order, {"l1": "一级指标", "l2": "二级指标", "name": "三级指标",
                             "target": "指标值" if v else "年度指标值", "actual": "全年实际完成值" if v else "全年完成值",
                             "note": "未完成原因和改进措施"}, "绩效指标"))
    grid += indicator_rows(order, items or T4_ITEMS)
    if v:
        grid.append(cols(order, {"name": "……"}))
    grid += [row("说明", "无"),
             row("注：1.资金使用单位按项目填报，主管部门和财政部门汇总时按区域绩效目标填报。"),
             row("2.其他资金包括与中央财政资金、地方财政资金共同投入到同一项目的自有资金、社会资金，以及以前年度的结转结余资金等。")]
    return grid


# --- T5 中央对地方专项转移支付区域绩效目标表 (targets only) ------------------------------------------
T5_ITEMS = [
    {"l1": "产出指标", "l2": "数量指标", "name": "新增公办幼儿园学位", "target": "≥3000个"},
    {"l2": "质量指标", "name": "幼儿园专任教师持证率", "target": "≥90%"},
    {"l2": "时效指标", "name": "资金下达及时率", "target": "100%"},
    {"l2": "成本指标", "name": "生均公用经费补助标准", "target": "≥600元/生·年"},
    {"l1": "效益指标", "l2": "社会效益指标", "name": "学前三年毛入园率", "target": "≥90%"},
    {"l2": "可持续影响指标", "name": "普惠性资源覆盖率", "target": "≥85%"},
    {"l1": "满意度指标", "l2": "服务对象满意度指标", "name": "幼儿家长满意度", "target": "≥90%"},
]


def t5(variant: str, funds: list[list[str]] | None = None) -> list[list[str]]:
    v = variant == "variant"
    order = ["l1", "l2", "name", "target"]
    grid = [row("中央对地方专项转移支付区域绩效目标表"), row("（2023年度）"),
            row("专项名称", "支持学前教育发展资金"),
            row("中央主管部门", "教育部", "", "", "省级财政部门", "某省财政厅"),
            row("省级主管部门" if v else "省级教育部门", "某省教育厅")]
    lines = funds or [["年度金额:", "5000"], ["其中：中央补助", "4000"], ["地方资金", "1000"], ["其他资金", "0"]]
    if v:
        lines = [[line[0].replace("其中：中央补助", "其中：中央财政"), *line[1:]] for line in lines]
    grid += [row("资金情况（万元）" if n == 0 else "", *line) for n, line in enumerate(lines)]
    if v:
        grid += [row("年度总体目标", "目标1：新增公办幼儿园学位3000个。"), row("", "目标2：学前三年毛入园率达到90%。")]
    else:
        grid.append(row("年度总体目标", "目标1：新增公办幼儿园学位3000个；目标2：学前三年毛入园率达到90%。"))
    grid.append(cols(order, {"l1": "一级指标", "l2": "二级指标", "name": "三级指标", "target": "指标值"}, "绩效指标"))
    grid += indicator_rows(order, T5_ITEMS)
    return grid


# --- T6 项目支出绩效目标表 (current) and 财预〔2011〕285号 绩效目标申报表 (older) ------------------------
T6_ITEMS = [
    {"l1": "产出指标", "l2": "数量指标", "name": "★资助家庭经济困难学生人数", "target": "≥800人"},
    {"l2": "质量指标", "name": "资助对象认定准确率", "target": "100%"},
    {"l2": "时效指标", "name": "资金发放及时率", "target": "100%"},
    {"l2": "成本指标", "name": "生均资助标准", "target": "≤2500元/人"},
    {"l1": "效益指标", "l2": "社会效益指标", "name": "困难学生辍学率", "target": "≤1%"},
    {"l1": "满意度指标", "l2": "服务对象满意度指标", "name": "受助学生满意度", "target": "≥90%"},
]


def t6(variant: str, funds: list[list[str]] | None = None) -> list[list[str]]:
    if variant == "variant":
        return t6_old(funds)
    order = ["l1", "l2", "name", "target", "note"]
    grid = [row("项目支出绩效目标表"), row("（2024年度）"),
            row("项目名称", "家庭经济困难学生资助"), row("项目负责人及电话", "赵某 029-1234567"),
            row("主管部门", "[610001]某市教育局", "", "", "实施单位", "[610001001]某市第一中学"),
            row("资金情况（万元）", "年度资金总额:", "200")]
    grid += [row("", *line) for line in (funds or [["其中：财政拨款", "180"], ["其他资金", "20"]])]
    grid += [row("总体目标", "年度目标"), row("", "资助家庭经济困难学生800人，保障其顺利完成学业")]
    grid.append(cols(order, {"l1": "一级指标", "l2": "二级指标", "name": "三级指标", "target": "指标值", "note": "备注"},
                     "绩效指标"))
    grid += indicator_rows(order, T6_ITEMS)
    grid.append(row("注：请从上述绩效指标中选择适合的填报(其中三颗星为必填的核心绩效指标)。"))
    return grid


def t6_old(funds: list[list[str]] | None = None) -> list[list[str]]:
    order = ["l1", "l2", "name", "target", "note"]
    items = [dict(it) for it in T6_ITEMS]
    items[4]["l2"] = "环境效益指标"
    items[4]["name"] = "校园绿化覆盖率"
    items[4]["target"] = "≥35%"
    items[5]["l2"] = "社会公众或服务对象满意度指标"
    grid = [row("财政支出项目绩效目标申报表"), row("（2012年度）"),
            row("填报单位(盖章)", "某市第一中学"),
            row("项目名称", "家庭经济困难学生资助", "", "", "项目属性", "新增项目□ 延续项目R"),
            row("主管部门", "某市教育局", "", "", "主管部门编码", "610001"),
            row("项目实施单位", "某市第一中学", "", "", "项目负责人", "赵某", "联系电话", "029-1234567"),
            row("项目起止时间", "2012年1月-2012年12月"),
            row("项目资金申请(万元)", "资金总额", "200")]
    grid += [row("", *line) for line in (funds or [["财政拨款", "180"], ["自有资金", "20"]])]
    grid += [row("项目绩效目标", "长期目标", "保障家庭经济困难学生顺利完成学业"),
             row("", "年度目标", "资助家庭经济困难学生800人"),
             cols(order, {"l1": "一级指标", "l2": "二级指标", "name": "指标内容", "target": "指标值", "note": "备注"},
                  "年度绩效指标")]
    grid += indicator_rows(order, items)
    grid += [row("其他说明的问题", "无"), row("填报人:孙某", "", "", "单位负责人:周某", "", "填报日期:2012年1月10日")]
    return grid


# --- T7 2021+: 成本指标 as a level-1 indicator (财预〔2021〕101号) ---------------------------------
T7_ITEMS = [
    {"l1": "产出指标(40分)", "l2": "数量指标", "name": "培训人次", "target": "≥300人次", "actual": "320人次", "weight": "20",
     "score": "20"},
    {"l2": "质量指标", "name": "培训合格率", "target": "≥95%", "actual": "98%", "weight": "10", "score": "10"},
    {"l2": "时效指标", "name": "培训完成时间", "target": "2023年12月底前", "actual": "2023年11月", "weight": "10",
     "score": "10"},
    {"l1": "成本指标(10分)", "l2": "经济成本指标", "name": "人均培训成本", "target": "≤4000元/人", "actual": "3560元/人",
     "weight": "5", "score": "5"},
    {"l2": "社会成本指标", "name": "培训期间安全事故", "target": "0起", "actual": "0起", "weight": "3", "score": "3"},
    {"l2": "生态环境成本指标", "name": "培训场地环境污染事件", "target": "0起", "actual": "0起", "weight": "2",
     "score": "2"},
    {"l1": "效益指标(30分)", "l2": "经济效益指标", "name": "参训人员月收入增长", "target": "≥500元", "actual": "600元",
     "weight": "10", "score": "10"},
    {"l2": "社会效益指标", "name": "参训人员就业率", "target": "≥80%", "actual": "85%", "weight": "10", "score": "10"},
    {"l2": "生态效益指标", "name": "绿色技能培训覆盖率", "target": "≥30%", "actual": "35%", "weight": "10", "score": "10"},
    {"l1": "满意度指标(10分)", "l2": "服务对象满意度指标", "name": "参训人员满意度", "target": "≥90%", "actual": "96%",
     "weight": "10", "score": "10"},
]


def t7(variant: str, items: list[dict] | None = None) -> list[list[str]]:
    items = [dict(it) for it in (items or T7_ITEMS)]
    if variant == "variant":                         # 可持续影响指标 kept on a 2022 form (T7: accept both)
        items[8].update(l2="可持续影响指标", name="培训长效机制", target="健全", actual="健全")
    return t1(variant, items=items)


# --- T8 部门整体支出绩效自评表: funds by 收入性质 and by 支出性质 -----------------------------------------
T8_ITEMS = [
    {"l1": "产出指标(50分)", "l2": "数量指标", "name": "培训农民人次", "target": "≥1000人次", "actual": "1100人次",
     "weight": "20", "score": "20"},
    {"l2": "质量指标", "name": "项目验收合格率", "target": "100%", "actual": "100%", "weight": "15", "score": "15"},
    {"l2": "时效指标", "name": "资金拨付及时率", "target": "100%", "actual": "100%", "weight": "15", "score": "15"},
    {"l1": "效益指标(30分)", "l2": "社会效益指标", "name": "农村居民人均可支配收入增长", "target": "≥5%", "actual": "5.5%",
     "weight": "30", "score": "30"},
    {"l1": "满意度指标(10分)", "l2": "服务对象满意度指标", "name": "农户满意度", "target": "≥90%", "actual": "93%",
     "weight": "10", "score": "10"},
]


def t8(variant: str, funds: list[list[str]] | None = None) -> list[list[str]]:
    v = variant == "variant"
    order = ["l1", "l2", "name", "target", "actual", "weight", "score", "note"]
    funds = funds or [["年度资金总额", "1000", "1200", "1140", "10", "95%", "9.5"],
                      ["一般公共预算", "800", "1000", "950", "", "", ""],
                      ["政府性基金", "100", "100", "95", "", "", ""],
                      ["其他资金", "100", "100", "95", "", "", ""],
                      ["基本支出", "600", "700", "680", "", "", ""],
                      ["项目支出", "400", "500", "460", "", "", ""]]
    grid = [row("部门整体支出绩效自评表"), row("（2023年度）"),
            row("部门(单位)名称", "某县农业农村局"),
            row("主管部门", "某县人民政府", "", "", "实施单位", "某县农业农村局"),
            row("年度预算申请（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"),
            row("", *funds[0])]
    if v:                                            # the split named in each line's label
        grid += [row("", "按收入性质分：" + funds[1][0], *funds[1][1:]), *[row("", *f) for f in funds[2:4]],
                 row("", "按支出性质分：" + funds[4][0], *funds[4][1:]), row("", *funds[5])]
    else:                                            # the split named in a row of its own
        grid += [row("", "按收入性质分："), *[row("", *f) for f in funds[1:4]],
                 row("", "按支出性质分："), *[row("", *f) for f in funds[4:6]]]
    grid += [row("年度总体目标", "预期目标", "", "", "实际完成情况"),
             row("", "保障机关运转，完成全年农业农村工作任务", "", "", "已完成")]
    grid.append(cols(order, T1_HEAD, "绩效指标"))
    grid += indicator_rows(order, T8_ITEMS)
    grid.append(cols(order, {"weight": "100", "score": "99.5"}, "总分"))
    return grid


# --- T10 绩效评价评分表 (10号 附件2 决策/过程/产出/效益; 2013 投入/过程/产出/效果) -----------------------
T10_ITEMS = [
    {"l1": "决策(20分)", "l2": "项目立项", "name": "立项依据充分性", "weight": "5", "explain": "项目立项是否符合政策",
     "method": "符合得5分", "score": "5"},
    {"l2": "绩效目标", "name": "绩效目标合理性", "weight": "5", "explain": "目标是否与实际相符", "method": "合理得5分",
     "score": "5"},
    {"l2": "资金投入", "name": "预算编制科学性", "weight": "10", "explain": "预算是否经过论证", "method": "科学得10分",
     "score": "8"},
    {"l1": "过程(20分)", "l2": "资金管理", "name": "资金到位率", "weight": "10", "explain": "实际到位/计划投入",
     "method": "到位率×10", "score": "10"},
    {"l2": "组织实施", "name": "管理制度健全性", "weight": "10", "explain": "制度是否健全", "method": "健全得10分",
     "score": "10"},
    {"l1": "产出(40分)", "l2": "产出数量", "name": "实际完成率", "weight": "20", "explain": "实际产出/计划产出",
     "method": "完成率×20", "score": "20"},
    {"l2": "产出质量", "name": "质量达标率", "weight": "10", "explain": "达标产出/实际产出", "method": "达标率×10",
     "score": "10"},
    {"l2": "产出时效", "name": "完成及时性", "weight": "5", "explain": "是否按期完成", "method": "按期得5分", "score": "5"},
    {"l2": "产出成本", "name": "成本节约率", "weight": "5", "explain": "节约成本/计划成本", "method": "未超支得5分",
     "score": "5"},
    {"l1": "效益(20分)", "l2": "项目效益", "name": "社会效益", "weight": "10", "explain": "项目实施的社会效益",
     "method": "显著得10分", "score": "10"},
    {"name": "服务对象满意度", "weight": "10", "explain": "满意度调查", "method": "90%以上得满分", "score": "10"},
]


def t10(variant: str, items: list[dict] | None = None, total: tuple[str, str] = ("100", "98")) -> list[list[str]]:
    v = variant == "variant"
    order = (["l1", "l2", "name", "explain", "method", "weight", "score", "note"] if v else
             ["l1", "l2", "name", "weight", "explain", "method", "score", "note"])
    items = [dict(it) for it in (items or T10_ITEMS)]
    if v:                                            # 2013 framework words: 投入 / 过程 / 产出 / 效果
        items[0]["l1"] = "投入(20分)"
        items[9]["l1"] = "效果(20分)"
    items[2]["note"] = "部分预算未细化，扣2分"
    head = {"l1": "一级指标", "l2": "二级指标", "name": "三级指标", "weight": "分值",
            "explain": "评分要点" if v else "指标解释", "method": "评分标准", "score": "得分", "note": "评分说明"}
    grid = [row("某县2023年农村饮水安全项目绩效评价评分表"), cols(order, head)]
    grid += indicator_rows(order, items)
    grid.append(cols(order, {"weight": total[0], "score": total[1]}, "总分" if v else "合计"))
    return grid


# --- regional synonyms: fund lines by level of government (P5–P7, P16; 自治区/盟/旗 pattern) ---------
def levels(variant: str, funds: list[list[str]] | None = None) -> list[list[str]]:
    words = (["自治区级资金", "盟市级资金", "旗县级资金"] if variant == "variant" else
             ["其中：中央补助", "省级财政", "县(市、区)财政资金"])
    funds = funds or [["年度资金总额", "100", "120", "114", "10", "95%", "9.5"],
                      [words[0], "60", "70", "66", "", "", ""], [words[1], "30", "35", "33", "", "", ""],
                      [words[2], "10", "15", "15", "", "", ""]]
    return t1("plain", funds=funds)


# --- T4 湖南 县级专项资金绩效目标自评表 (P7): 专项资金名称, 县级主管部门, 中央、省、市补助 ------------------
def t4_county(variant: str, funds: list[list[str]] | None = None) -> list[list[str]]:
    yuan = variant == "variant"
    scale = 10000 if yuan else 1
    funds = funds or [["年度资金总额：", "300", "270", "90%"], ["其中：中央、省、市补助", "250", "230", "92%"],
                      ["县级资金", "50", "40", "80%"], ["其他资金", "0", "0", "—"]]
    grid = [row("衡山县县级专项资金绩效目标自评表"), row("（2020年度）"),
            row("专项资金名称", "农村危房改造补助资金"), row("负责人及电话", "刘某 0734-1234567"),
            row("县级主管部门", "某县住房和城乡建设局", "", "", "实施单位", "某县住房和城乡建设局"),
            row("项目资金（元）" if yuan else "项目资金（万元）", "", "全年预算数（A）", "全年执行数（B）", "执行率(B/A)")]
    grid += [row("", f[0], *[f"{float(x) * scale:.12g}" for x in f[1:3]], f[3]) for f in funds]
    grid += [row("年度总体目标", "年初设定目标", "", "", "全年实际完成情况"), row("", "改造农村危房100户", "", "", "已改造100户")]
    order = ["l1", "l2", "name", "target", "actual", "note"]
    grid.append(cols(order, {"l1": "一级指标", "l2": "二级指标", "name": "三级指标", "target": "年度指标值",
                             "actual": "全年完成值", "note": "未完成原因和改进措施"}, "绩效指标"))
    grid += indicator_rows(order, [
        {"l1": "产出指标", "l2": "数量指标", "name": "改造农村危房户数", "target": "≥100户", "actual": "100户"},
        {"l2": "质量指标", "name": "竣工验收合格率", "target": "100%", "actual": "100%"},
        {"l2": "时效指标", "name": "当年竣工率", "target": "≥90%", "actual": "95%"},
        {"l1": "效益指标", "l2": "社会效益指标", "name": "住房安全保障率", "target": "100%", "actual": "100%"},
        {"l1": "满意度指标", "l2": "服务对象满意度指标", "name": "受益农户满意度", "target": "≥90%", "actual": "96%"}])
    grid += [row("说明", "无"),
             row("注：1.其他资金包括和中央、省、市补助、地方财政资金共同投入到同一项目的自有资金、社会资金，以及以前年度的结转结余资金等。")]
    return grid


# --- T8 重庆 部门整体绩效自评表 (P17): 部门预算执行情况(万元) with 执行率权重 / 执行率得分(分) -------------------
def t8_chongqing(variant: str, money: list[str] | None = None) -> list[list[str]]:
    v = variant == "variant"
    head = ["年初预算数", "全年(调整)预算数", "全年执行数", "执行率(%)", "执行率权重", "执行率得分(分)"]
    money = money or ["1000", "1200", "1140", "95", "10", "9.5"]
    if v:                                            # 权重 before 执行率
        head[3:5], money = head[4:2:-1], money[:3] + [money[4], money[3]] + money[5:]
    order = ["l1", "l2", "name", "target", "actual", "weight", "score", "note"]
    grid = [row("部门整体绩效自评表"), row("（2023年度）"),
            row("主管部门", "某区农业农村委员会", "", "", "财政处室", "农业农村科"),
            row("自评总分(分)", "99.5", "", "", "部门联系人", "王某", "联系电话", "023-1234567"),
            row("部门预算执行情况(万元)", "", *head), row("", "年度资金总额", *money),
            row("当年绩效目标", "年初绩效目标", "", "", "全年目标实际完成情况"), row("", "保障机关运转", "", "", "已完成"),
            cols(order, T1_HEAD, "绩效指标")]
    grid += indicator_rows(order, T8_ITEMS)
    grid.append(cols(order, {"weight": "100", "score": "99.5"}, "总分"))
    return grid


# --- the forms: template -> builder(variant) ------------------------------------------------
FORMS: dict[str, Callable[[str], list[list[str]]]] = {
    "T1": t1, "T2a": t2a, "T2b": t2b, "T2c": t2c, "T3": t3, "T4": t4, "T5": t5, "T6": t6, "T7": t7, "T8": t8,
    "T10": t10, "R-levels": levels, "T4-county": t4_county,
    "T8-chongqing": t8_chongqing,
}


def run(grid: list[list[str]], tmp_path: Path, suffix: str, name: str = "form"):
    return check([str(write(grid, tmp_path / f"{name}{suffix}"))])


class View:
    """One file's part of a checked batch: its findings, projects, indicators, funds and sections."""

    def __init__(self, result, name: str):
        self.findings = result.findings[result.findings["file"].map(lambda f: Path(f).name) == name]
        self.projects = result.projects[result.projects["file"].map(lambda f: Path(f).name) == name]
        ids = set(self.projects["project_id"])
        for frame in ("indicators", "funds", "sections"):
            df = getattr(result, frame)
            setattr(self, frame, df[df["project_id"].isin(ids)])


def found(result, rule: str) -> list[tuple[str, str, str]]:
    f = result.findings[result.findings["rule"] == rule]
    return sorted(zip(f["indicator"].where(f["indicator"] != "", f["section"]), f["reported"], f["expected"]))


def errors(result) -> list[str]:
    return sorted(result.findings.loc[result.findings["severity"] == "error", "rule"])


def lines(result) -> list[tuple[str, float]]:
    f = result.funds
    return list(zip(f["line"], f["budget"]))


# What a clean form must read: indicators, fund lines (line, 全年预算数 in the form's unit), kind.
READ = {
    "T1": (7, [("total", 120), ("fiscal", 110), ("carryover", 10), ("other", 0)], "selfeval"),
    "T2a": (7, [("total", 80)], "selfeval"),
    "T2b": (6, [("total", 160), ("fiscal", 160), ("fiscal", 0), ("other", 0), ("other", 0)], "selfeval"),
    "T2c": (12, [], "rubric"),
    "T3": (7, [("total", 150), ("fiscal", 150), ("other", 0)], "selfeval"),
    "T4": (8, [("total", 1000), ("central", 800), ("local", 200), ("other", 0)], "selfeval"),
    "T5": (7, [("total", 5000), ("central", 4000), ("local", 1000), ("other", 0)], "target"),
    "T6": (6, [("total", 200), ("fiscal", 180), ("other", 20)], "target"),
    "T7": (10, [("total", 120), ("fiscal", 110), ("carryover", 10), ("other", 0)], "selfeval"),
    "T8": (5, [("total", 1200), ("fiscal", 1000), ("fiscal", 100), ("other", 100), ("basic", 700), ("project", 500)],
           "selfeval"),
    "T10": (11, [], "rubric"),
    "R-levels": (7, [("total", 120), ("central", 70), ("provincial", 35), ("county", 15)], "selfeval"),
    "T4-county": (5, [("total", 300), ("central", 250), ("county", 50), ("other", 0)], "selfeval"),
    "T8-chongqing": (5, [("total", 1200)], "selfeval"),
}
VARIANT_LINES = {   # where the variant reads other lines or another unit
    "T1": [("total", 1200000), ("fiscal", 1100000), ("carryover", 100000), ("other", 0)],
    "T7": [("total", 1200000), ("fiscal", 1100000), ("carryover", 100000), ("other", 0)],
    "T4": [("total", 1000), ("central", 800), ("county", 200), ("other", 0)],
    "R-levels": [("total", 120), ("provincial", 70), ("municipal", 35), ("county", 15)],
    "T4-county": [("total", 3000000), ("central", 2500000), ("county", 500000), ("other", 0)],
}
def clean_cases():
    for template in FORMS:
        for variant in VARIANTS:
            for suffix in FORMATS:
                yield pytest.param(template, variant, suffix, id=f"{template}-{variant}-{suffix[1:]}")


@pytest.mark.parametrize("template, variant, suffix", list(clean_cases()))
def test_clean_form_reads_clean(batch, template, variant, suffix):
    r = batch[("clean", template, variant, suffix)]
    n, funds, kind = READ[template]
    assert errors(r) == []
    assert not set(r.findings["rule"]) & DOUBT
    assert list(r.projects["kind"]) == [kind] and len(r.indicators) == n + (variant == "variant" and template == "T2b")
    assert lines(r) == (VARIANT_LINES.get(template, funds) if variant == "variant" else funds)
    total = r.funds[r.funds["line"] == "total"]
    if "weight" in total and total["weight"].notna().any():     # the funds' 分值 / 权重 read as a weight
        assert total["weight"].iloc[0] in (10, 20)
    if template == "T7":
        assert {s for s in r.sections.loc[r.sections["level"] == 1, "name"]} >= {"成本指标"}


# --- one planted mistake per template: the finding it must give --------------------------------
def _t1_over(v):
    items = [dict(it) for it in T1_ITEMS]
    items[6]["actual"] = "85%"                       # 10 × 85/90 = 9.44, not 10
    return t1(v, items=items)


def _t1_rate(v):
    return cell_sub(t1(v), "年度资金总额", "95%", "90%")   # 114/120 = 95 %


def _t2c_section(v):
    items = [dict(it) for it in T2C_ITEMS]
    items[4].update(weight="15", score="15")        # 项目管理(25分) now holds 30
    return t2c(v, items=items, total=("105", "104"))


def _t10_item(v):
    items = [dict(it) for it in T10_ITEMS]
    items[3]["score"] = "12"                        # 资金到位率 10 分, 得 12
    return t10(v, items=items, total=("100", "100"))


def _t7_over(v):
    items = [dict(it) for it in T7_ITEMS]
    items[9]["actual"] = "85%"
    return t7(v, items=items)


def _t4_county_cost(v):
    grid = t4_county(v)
    at = next(n for n, r in enumerate(grid) if "当年竣工率" in r)
    cost = cols(["l1", "l2", "name", "target", "actual", "note"],
                {"l2": "成本指标", "name": "项目总成本", "target": "≤350万元", "actual": "270万元"})   # budget 300
    return grid[:at + 1] + [cost] + grid[at + 1:]


def _levels_lines(v):
    words = ["其中：中央补助", "省级财政", "县(市、区)财政资金"] if v == "plain" else ["自治区级资金", "盟市级资金", "旗县级资金"]
    amounts = [("60", "70", "66"), ("30", "35", "33"), ("10", "15", "12")]     # 执行 66 + 33 + 12 = 111, not 114
    return levels(v, funds=[["年度资金总额", "100", "120", "114", "10", "95%", "9.5"]]
                  + [[w, *a, "", "", ""] for w, a in zip(words, amounts)])


MISTAKES = {   # name -> (builder(variant), rule, [(indicator or section, reported, expected)] per variant)
    "T1-overscore": (_t1_over, "IND.OVERSCORE", [("参训人员满意度", "10", "9.44")]),
    "T1-rate": (_t1_rate, "FUND.RATE_MISMATCH", [("年度资金总额", "90", "95")]),
    "T2a-fund-score": (lambda v: t2a(v, funds=["80", "76", "95%", "20"], total="100"), "FUND.OVERSCORE",
                       [("年度财政资金总额", "20", "19")]),
    "T2b-rate": (lambda v: cell_sub(t2b(v), "总额", "95%", "90%"), "FUND.RATE_MISMATCH", [("总额", "90", "95")]),
    "T2c-section": (_t2c_section, "SUM.SECTION_WEIGHT", {"plain": [("项目管理", "30", "25")],
                                                          "variant": [("过程", "30", "25")]}),
    "T3-rate": (lambda v: t3(v, funds=[["年度资金总额:", "150", "150", "10", "90%", "9"],
                                       ["其中：本年财政拨款", "150", "150", "", "", ""], ["其他资金", "0", "0", "", "", ""]],
                           total="99"), "FUND.RATE_MISMATCH", [("年度资金总额:", "90", "100")]),
    "T4-lines": (lambda v: cell_sub(cell_sub(t4(v), "年度资金总额：", "980", "990"), "年度资金总额：", "98%", "99%"),
                 "FUND.LINES_SUM", [("年度资金总额:", "990", "980")]),
    "T5-lines": (lambda v: t5(v, funds=[["年度金额:", "5000"], ["其中：中央补助", "4000"], ["地方资金", "900"],
                                        ["其他资金", "0"]]), "FUND.LINES_SUM", [("年度金额:", "5000", "4900")]),
    "T6-lines": (lambda v: t6(v, funds=[["其中：财政拨款", "180"], ["其他资金", "10"]] if v == "plain" else
                              [["财政拨款", "180"], ["自有资金", "10"]]), "FUND.LINES_SUM",
                 {"plain": [("年度资金总额:", "200", "190")], "variant": [("资金总额", "200", "190")]}),
    "T7-overscore": (_t7_over, "IND.OVERSCORE", [("参训人员满意度", "10", "9.44")]),
    "T8-use": (lambda v: t8(v, funds=[["年度资金总额", "1000", "1200", "1140", "10", "95%", "9.5"],
                                      ["一般公共预算", "800", "1000", "950", "", "", ""],
                                      ["政府性基金", "100", "100", "95", "", "", ""],
                                      ["其他资金", "100", "100", "95", "", "", ""],
                                      ["基本支出", "600", "700", "680", "", "", ""],
                                      ["项目支出", "400", "500", "450", "", "", ""]]),
               "FUND.LINES_SUM", [("年度资金总额", "1140", "1130")]),
    "T10-item": (_t10_item, "CAP.ITEM_SCORE", [("资金到位率", "12", "10")]),
    "R-levels-lines": (_levels_lines, "FUND.LINES_SUM", [("年度资金总额", "114", "111")]),
    "T4-county-cost": (_t4_county_cost, "XREF.COST_OVER_BUDGET",   # the budget in the form's unit
                       {"plain": [("项目总成本", "≤350万元", "300")], "variant": [("项目总成本", "≤350万元", "3000000")]}),
}


@pytest.mark.parametrize("suffix", FORMATS)
@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_planted_mistake_is_found(batch, mistake, variant, suffix):
    build, rule, expected = MISTAKES[mistake]
    r = batch[("mistake", mistake, variant, suffix)]
    assert found(r, rule) == (expected[variant] if isinstance(expected, dict) else expected)
    assert r.findings.loc[r.findings["rule"] == rule, "severity"].iloc[0] == "error"


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> dict[tuple[str, str, str, str], View]:
    """Every clean and every planted form in every format, checked in one run (one run per file
    would take minutes); DUP rules ignored, as the same form is written three times."""
    folder = tmp_path_factory.mktemp("unseen")
    builders = {**{("clean", t, v): (lambda b=b, v=v: b(v)) for t, b in FORMS.items() for v in VARIANTS},
                **{("mistake", m, v): (lambda b=b[0], v=v: b(v)) for m, b in MISTAKES.items() for v in VARIANTS}}
    names = {}
    for n, ((group, key, variant), build) in enumerate(builders.items()):
        grid = build()
        for suffix in FORMATS:
            names[(group, key, variant, suffix)] = write(grid, folder / f"{n:03d}_{group}{suffix}").name
    result = check([str(folder)], ignore_ids=["DUP"])
    return {key: View(result, name) for key, name in names.items()}


# --- misreadings that need a change to the recognisers (recorded, not fixed here) ----------------
# T4: a 绩效目标自评表 with neither 分值 nor 得分 has no 总分 row by template (P5, P7): its description
# (checker/forms/transfer_selfeval.yaml) has no total block, so the table is whole where it ends.
@pytest.mark.parametrize("template", ["T4", "T4-county"])
def test_transfer_form_without_total_row_is_complete(tmp_path, template):
    r = run(FORMS[template]("plain"), tmp_path, ".txt")
    assert "PARSE.INCOMPLETE" not in set(r.findings["rule"])


# T6 old (财预〔2011〕285号 附1-1): 联系电话 is a header field in its own row above the funds, not the
# sign-off under a table (recognise/target.py: sign-off words end a table only after its header block).
def test_old_target_form_contact_row_in_header(tmp_path):
    grid = t6_old()
    at = next(n for n, r in enumerate(grid) if "项目实施单位" in r)
    grid[at] = row("项目实施单位", "某市第一中学", "", "", "项目负责人", "赵某")
    grid.insert(at + 1, row("联系电话", "029-1234567"))
    r = run(grid, tmp_path, ".txt")
    assert len(r.indicators) == 6 and errors(r) == []


# T6 old (P15): 项目资金申请 lines 财政拨款 / 自有资金 / 事业收入 / 经营性收入 / 其他 — four of them "other"
# money, each a part of the total under its own label.
@pytest.mark.parametrize("suffix", [".txt", ".xlsx"])
def test_old_target_form_five_fund_lines(tmp_path, suffix):
    grid = t6_old([["财政拨款", "150"], ["自有资金", "20"], ["事业收入", "10"], ["经营性收入", "10"], ["其他", "10"]])
    r = run(grid, tmp_path, suffix)
    assert errors(r) == [] and len(r.funds) == 6


# T6 old: the level-2 社会公众或服务对象满意度指标 (14 characters) is a heading: its fragment and a short tail.
def test_old_long_satisfaction_level2(tmp_path):
    r = run(t6_old(), tmp_path, ".txt")
    i = r.indicators.set_index("name")
    assert i.loc["受助学生满意度", "level2"] == "服务对象满意度指标"


TRADITIONAL = str.maketrans("项绩评称门实单资万预数执值总额当财拨结转体标际况产质时满对会经济续响进改级",
                            "項績評稱門實單資萬預數執值總額當財撥結轉體標際況產質時滿對會經濟續響進改級")


@pytest.mark.xfail(strict=True, reason="TEMPLATES 'Traditional-character mirrors' (P12, P23, RF 丽江): a T1 form in "
                   "traditional characters (項目支出績效自評表, 項目資金（萬元）, 績效指標, 產出指標 …) is not "
                   "read: checker/grid.py squash only NFKC-folds, nothing folds traditional to simplified, so no "
                   "lexicon word matches (PARSE.UNRECOGNISED). Adding traditional spellings word by word to the "
                   "lexicon is no fix; a fold in squash (or the readers) is")
def test_traditional_characters(tmp_path):
    grid = [[c.translate(TRADITIONAL) for c in r] for r in t1("plain")]
    r = run(grid, tmp_path, ".txt")
    assert errors(r) == [] and len(r.indicators) == 7


@pytest.mark.xfail(strict=True, reason="T8 福建宁德 (P16): 财政资金安排和使用情况 / 资金结构(万元) with columns "
                   "①年初部门预算安排金额 "
                   "②历年结余结转 ③年中调整金额 ④小计 ⑤年度拨付金额 ⑥支出实现率 ⑦本年度结余金额 ⑧资金结余率 and lines "
                   "财政资金小计 / ①中央及省级财政资金 / ②市级财政资金 / ③县(市、区)财政资金 / 其他资金小计 / 合 计: "
                   "recognise (selfeval funds block) takes 财政资金小计 for the total and drops 合 计, reads "
                   "②市级财政资金 as carryover, and has no field for ② ③ ⑦ ⑧ (a code change to the funds "
                   "reader, not a word): false SUM.TOTAL_WEIGHT 90≠100 and SUM.TOTAL_SCORE")
def test_ningde_department_funds(tmp_path):
    order = ["l1", "l2", "name", "target", "actual", "weight", "score", "note"]
    grid = [row("部门整体支出绩效自评表"), row("（2018年度）"),
            row("部门(单位)名称", "宁德市某局", "", "", "部门预算编码", "123001"),
            row("财政资金安排和使用情况", "资金结构(万元)", "年初部门预算安排金额①", "历年结余结转②", "年中调整金额③",
                "小计④=①+②+③", "年度拨付金额⑤", "支出实现率(%)⑥=⑤/④", "本年度结余金额⑦=④-⑤", "资金结余率(%)⑧=⑦/④"),
            row("", "财政资金小计", "900", "50", "50", "1000", "950", "95", "50", "5"),
            row("", "①中央及省级财政资金", "300", "0", "0", "300", "290", "96.67", "10", "3.33"),
            row("", "②市级财政资金", "600", "50", "50", "700", "660", "94.29", "40", "5.71"),
            row("", "③县(市、区)财政资金", "0", "0", "0", "0", "0", "", "0", ""),
            row("", "其他资金小计", "0", "0", "0", "0", "0", "", "0", ""),
            row("", "合 计", "900", "50", "50", "1000", "950", "95", "50", "5"),
            row("年度总体目标", "预期目标", "", "", "目标实际完成情况"), row("", "保障机关运转", "", "", "已完成"),
            cols(order, T1_HEAD, "年度绩效指标完成情况")]
    first = {**T8_ITEMS[0], "l1": "产出指标(60分)", "weight": "30", "score": "30"}
    grid += indicator_rows(order, [first, *T8_ITEMS[1:]])
    grid.append(cols(order, {"weight": "100", "score": "99.5"}, "总分"))
    r = run(grid, tmp_path, ".txt")
    assert errors(r) == []
    assert [line for line in r.funds["line"]][:1] == ["total"] and r.funds.iloc[0]["budget"] == 1000


@pytest.mark.xfail(strict=True, reason="T8 重庆 (P17): 执行率得分(分) 10 with 执行率权重 10 and 1140/1200 = 95 % is an "
                   "over-score (due 9.5). Cause located: the fund score is written with no decimal, so at its own "
                   "precision it stands for [9.5, 10.5] and 9.5 ties (checker/precision.py: decimals are the most "
                   "its column shows, and the funds' 得分 column has one cell). The 总分 99.5 shows the table "
                   "writes scores to one decimal; taking a score's decimals from all the table's scores would "
                   "report it. Today the contradiction is reported as SUM.TOTAL_SCORE 99.5 vs 100")
def test_chongqing_fund_overscore(tmp_path):
    r = run(t8_chongqing("plain", ["1000", "1200", "1140", "95", "10", "10"]), tmp_path, ".txt")
    assert found(r, "FUND.OVERSCORE") == [("年度资金总额", "10", "9.5")]
