"""A seeded generator of realistic 项目支出绩效自评表, as workbooks and as extracted text.

Every table is different: name, department, funds (万元 or 元), 20–40 indicators with
targets and actuals of the kinds real forms carry, weights that add up to the section
headings, scores recomputed by the formula.  Layouts and labels as in the published forms
(../shared/realforms): the common one (年度指标值 | 实际完成值 | 分值 | 得分), 分值 before
年度指标值 (资金情况 (A)/(B) labels), a two-row header splitting 年度指标值 into
指标性质 | 指标值 | 度量单位, and forms with no 分值 column.  Workbooks store numbers as
numbers with the format that shows them ("0.00%", "0.00") and merge heading cells.

A share of tables carries planted errors (an over-score, a weight that does not add up, a
total that does not tie, a wrong 执行率); some files are bundles of several tables with a
项目清单.

    python benchmarks/generate.py --n 1000 --out /tmp/forms [--text] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PLACES = ["金安区", "裕安区", "叶集区", "霍邱县", "舒城县", "金寨县", "霍山县", "贵池区", "东至县", "石台县",
          "青阳县", "永德县", "临翔区", "稷山县", "萧县", "南县", "忠县", "中江县", "岳阳县", "南岳区"]
BUREAUS = [("医疗保障局", "医保"), ("教育体育局", "教育"), ("农业农村局", "农业"), ("卫生健康委员会", "卫生"),
           ("民政局", "民政"), ("自然资源局", "自然资源"), ("水利局", "水利"), ("商务局", "商务"),
           ("财政局", "财政"), ("林业局", "林业")]
WORKS = ["专项经费", "运转经费", "补助资金", "建设项目", "维护费", "专项行动经费", "信息化建设经费",
         "宣传经费", "培训经费", "奖补资金", "购置经费", "监管经费"]
THINGS = ["档案整理", "基金监管", "设备购置", "人员培训", "政策宣传", "网络维护", "场地租赁", "困难救助",
          "农田建设", "河道治理", "疫苗接种", "健康管理", "学生资助", "村级运转", "特色种养"]
UNITS = [("人", 0), ("人次", 0), ("个", 0), ("次", 0), ("台", 0), ("亩", 1), ("户", 0), ("件", 0), ("家", 0),
         ("公里", 1), ("场", 0), ("份", 0)]
QUALITATIVE = [("效果明显", "达成预期指标"), ("有所提升", "达成预期指标"), ("及时", "及时"),
               ("合规", "达成预期指标"), ("长期", "长期"), ("显著", "达成预期指标")]
SECTIONS = [  # 一级指标, its weight, 二级指标 and the kind of indicator each holds
    ("产出指标", 50, [("数量指标", "count"), ("质量指标", "rate"), ("时效指标", "time"), ("成本指标", "cost")]),
    ("效益指标", 30, [("经济效益指标", "quality"), ("社会效益指标", "quality"), ("生态效益指标", "rate"),
                     ("可持续影响指标", "quality")]),
    ("满意度指标", 10, [("服务对象满意度指标", "satisfaction")]),
]
LAYOUTS = ["standard", "standard", "standard", "weight_first", "two_row", "no_weight"]
PLANTS = ["overscore", "weight_sum", "total", "rate"]


@dataclass
class Indicator:
    level1: str
    level2: str
    name: str
    op: str
    target: str          # the value as written (number part)
    unit: str
    actual: str
    weight: float
    score: float
    reason: str = ""


@dataclass
class Table:
    name: str
    department: str
    unit: str
    year: int
    layout: str
    in_yuan: bool
    budget: float
    spent: float
    indicators: list[Indicator] = field(default_factory=list)
    planted: list[str] = field(default_factory=list)
    rate_shown: float = 0.0
    fund_score: float = 10.0


def make_table(rng: random.Random, n: int, error_share: float) -> Table:
    place = rng.choice(PLACES)
    bureau, short = rng.choice(BUREAUS)
    name = f"{place}{short}{rng.choice(THINGS)}{rng.choice(WORKS)}（{n}）"
    budget = round(rng.uniform(5, 500), rng.choice([2, 3, 4]))
    rate = min(1.0, rng.uniform(0.7, 1.0) if rng.random() < 0.7 else 1.0)
    spent = round(budget * rate, 4)
    t = Table(name, f"{rng.randint(100, 999)}-{place}{bureau}", f"{place}{short}服务中心", rng.randint(2021, 2024),
              rng.choice(LAYOUTS), rng.random() < 0.2, budget, spent)
    t.rate_shown = spent / budget
    t.fund_score = round(10 * min(t.rate_shown, 1.0), 2)
    count = rng.randint(20, 40)
    per_section = _split_count(rng, count)
    for (level1, weight, subs), k in zip(SECTIONS, per_section):
        for i, w in enumerate(_split_weight(weight, k)):
            level2, kind = subs[i % len(subs)] if level1 != "满意度指标" else subs[0]
            t.indicators.append(_indicator(rng, level1, level2, kind, w, t))
    if rng.random() < error_share:
        _plant(rng, t)
    return t


def _split_count(rng: random.Random, count: int) -> list[int]:
    sat = rng.randint(1, 3)
    out_n = max(4, round((count - sat) * 0.6))
    return [out_n, count - sat - out_n, sat]


def _split_weight(total: int, k: int) -> list[int]:
    """Whole-point weights that add up to the heading (the way forms are filled)."""
    base, extra = divmod(total, k)
    return [base + (1 if i < extra else 0) for i in range(k)]


def _indicator(rng: random.Random, level1: str, level2: str, kind: str, weight: int, t: Table) -> Indicator:
    thing = rng.choice(THINGS)
    if kind == "count":
        unit, dec = rng.choice(UNITS)
        target = rng.randint(5, 5000)
        short = rng.random() < 0.25
        actual = target if not short else rng.randint(max(1, target // 2), target - 1) if target > 1 else target
        score = weight if actual >= target else round(weight * actual / target, 2)
        reason = "" if actual >= target else "受疫情影响部分工作延后，下年度加快进度"
        return Indicator(level1, level2, f"{thing}数量", "≥", str(target), unit, f"{actual}", weight, score, reason)
    if kind == "rate":
        target = rng.choice([90, 95, 98, 100])
        actual = target if rng.random() < 0.8 else rng.choice([target - 2, target - 5])
        score = weight if actual >= target else round(weight * actual / target, 2)
        reason = "" if actual >= target else "个别环节未达标，已督促整改"
        return Indicator(level1, level2, f"{thing}合格率", "≥", str(target), "%", f"{actual}%", weight, score, reason)
    if kind == "time":
        return Indicator(level1, level2, f"{thing}完成时间", "", f"{t.year}年12月底前", "", "按时完成", weight, weight)
    if kind == "cost":
        cap = round(t.budget * rng.uniform(0.03, 0.1), 2)  # several cost lines stay within the budget
        return Indicator(level1, level2, f"{thing}成本", "≤", f"{cap:g}", "万元", f"{cap:g}", weight, weight)
    if kind == "satisfaction":
        target = rng.choice([85, 90, 95])
        actual = rng.choice([target, target + 2, 96, 98])
        return Indicator(level1, level2, f"{rng.choice(['服务对象', '群众', '受益对象'])}满意度", "≥", str(target), "%",
                         f"{actual}%", weight, weight)
    qual, done = rng.choice(QUALITATIVE)
    return Indicator(level1, level2, f"{thing}{rng.choice(['影响程度', '带动作用', '保障水平'])}", "", qual, "", done,
                     weight, weight)


def _plant(rng: random.Random, t: Table) -> None:
    for kind in rng.sample(PLANTS, rng.randint(1, 2)):
        t.planted.append(kind)
        if kind == "overscore":
            short = [i for i in t.indicators if i.score < i.weight] or t.indicators
            pick = rng.choice(short)
            pick.score = pick.weight if pick.score < pick.weight else pick.weight + 1
        elif kind == "weight_sum":
            pick = rng.choice(t.indicators)
            pick.weight += 2
            pick.score += 2 if pick.score == pick.weight - 2 else 0
        elif kind == "rate":
            t.rate_shown = min(1.0, t.rate_shown + rng.choice([0.05, 0.1]))
    if "total" in t.planted:
        t.planted.append("total")


# ---------------------------------------------------------------- rows as a reviewer sees them


def table_rows(t: Table) -> list[list[str]]:
    """The table as rows of cell texts (tab-separated text and workbooks are written from these)."""
    rows: list[list[str]] = [["项目支出绩效自评表"], [f"（{t.year}年度）"], [],
                             ["项目名称", "", t.name], ["主管部门", "", t.department, "", "实施单位", "", t.unit]]
    rows += _fund_rows(t)
    rows += [["年度总体目标", "预期目标", "", "", "", "实际完成情况"],
             ["", f"保障{t.name}顺利实施，完成年度各项任务", "", "", "", "已完成年度各项任务"]]
    rows += _indicator_rows(t)
    return rows


def _money(t: Table, wan: float) -> str:
    return f"{wan * 10000:.2f}" if t.in_yuan else f"{wan:g}"


def _fund_rows(t: Table) -> list[list[str]]:
    unit = "元" if t.in_yuan else "万元"
    rate = f"{t.rate_shown * 100:.2f}%"
    b, s = _money(t, t.budget), _money(t, t.spent)
    if t.layout == "weight_first":
        return [[f"资金情况（{unit}）", "", "全年预算数(A)", "全年执行数(B)", "分值", "执行率(B/A)", "得分"],
                ["", "年度资金总额:", b, s, "10", rate, f"{t.fund_score:.2f}"],
                ["", "其中:本年财政拨款", b, s, "—", "", ""],
                ["", "其他资金", "", "", "—", "", ""]]
    return [[f"项目资金（{unit}）", "", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
            ["", "", "年度资金总额", b, b, s, "10", rate, f"{t.fund_score:.2f}"],
            ["", "", "其中：当年财政拨款", b, b, s, "—", "", ""],
            ["", "", "上年结转资金", "", "", "", "—", "", ""],
            ["", "", "其他资金", "", "", "", "—", "", ""]]


def _indicator_rows(t: Table) -> list[list[str]]:
    head, row_of = _layout(t.layout)
    rows = head
    seen1, seen2 = "", ""
    for i in t.indicators:
        l1 = f"{i.level1}({dict((s[0], s[1]) for s in SECTIONS)[i.level1]}分)" if i.level1 != seen1 else ""
        l2 = i.level2 if (i.level1, i.level2) != (seen1, seen2) else ""
        seen1, seen2 = i.level1, i.level2
        rows.append(["", l1, l2, i.name] + row_of(i))
    total_w = sum(i.weight for i in t.indicators) + 10
    total_s = round(sum(i.score for i in t.indicators) + t.fund_score, 2)
    if "total" in t.planted:
        total_s = round(total_s + 1.5, 2)
    rows.append(_total_row(t.layout, total_w, total_s))
    return rows


def _layout(layout: str):
    lead = ["绩效指标", "一级指标", "二级指标", "三级指标"]
    if layout == "weight_first":
        return ([lead + ["分值", "年度指标值", "全年实际值", "得分", "未完成原因及拟采取的改进措施"]],
                lambda i: [_w(i.weight), _target(i), _actual(i), _w(i.score), i.reason])
    if layout == "two_row":
        return ([lead + ["年度指标值", "", "", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
                 ["", "", "", "", "指标性质", "指标值", "度量单位"]],
                lambda i: [i.op or "定性", i.target, i.unit, _actual(i), _w(i.weight), _w(i.score), i.reason])
    if layout == "no_weight":
        return ([lead + ["年度指标值", "实际完成值", "得分", "偏差原因分析及改进措施"]],
                lambda i: [_target(i), _actual(i), _w(i.score), i.reason])
    return ([lead + ["年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]],
            lambda i: [_target(i), _actual(i), _w(i.weight), _w(i.score), i.reason])


def _total_row(layout: str, weight: float, score: float) -> list[str]:
    w, s = _w(weight), _w(score)
    if layout == "weight_first":
        return ["总分", "", "", "", w, "", "", s]
    if layout == "two_row":
        return ["总分", "", "", "", "", "", "", "", w, s]
    if layout == "no_weight":
        return ["总分", "", "", "", "", "", s]
    return ["总分", "", "", "", "", "", w, s]


def _w(x: float) -> str:
    return f"{x:g}" if float(x).is_integer() else f"{x:.2f}"


def _target(i: Indicator) -> str:
    return f"{i.op}{i.target}{i.unit}"


def _actual(i: Indicator) -> str:
    return i.actual


# ---------------------------------------------------------------- files


def bundle_rows(tables: list[Table]) -> tuple[list[list[str]], list[list[list[str]]]]:
    listing = [["绩效自评项目清单"], ["序号", "项目名称"]] + [[str(n), t.name] for n, t in enumerate(tables, 1)]
    return listing, [table_rows(t)[3:] for t in tables]


def write_text(path: Path, tables: list[Table]) -> None:
    if len(tables) == 1:
        rows = table_rows(tables[0])
    else:
        listing, parts = bundle_rows(tables)
        rows = listing + [r for p in parts for r in [[]] + p]
    path.write_text("\n".join("\t".join(r) for r in rows) + "\n", encoding="utf-8")


def write_xlsx(path: Path, tables: list[Table]) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    if len(tables) == 1:
        ws.title = "自评表"
        _sheet(ws, table_rows(tables[0]))
    else:
        listing, parts = bundle_rows(tables)
        ws.title = "项目清单"
        _sheet(ws, listing)
        for n, rows in enumerate(parts, start=1):
            _sheet(wb.create_sheet(f"项目{n}"), rows)
    wb.save(path)


class _Row:
    def __init__(self, texts):
        self.texts = texts


def _sheet(ws, rows: list[list[str]]) -> None:
    """Cells typed and formatted, heading cells merged: scripts/make_sample_xlsx.py's writer."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from make_sample_xlsx import write_sheet

    write_sheet(ws, [_Row(r if r else [""]) for r in rows])


def generate(n: int, out: Path, seed: int = 7, text: bool = False, error_share: float = 0.3,
             bundle_share: float = 0.03) -> list[Path]:
    """``n`` files under ``out`` (xlsx, or txt with ``text``); returns their paths."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(n):
        size = rng.randint(3, 6) if rng.random() < bundle_share else 1
        tables = [make_table(rng, k * 10 + j, error_share) for j in range(size)]
        path = out / f"form_{k:06d}.{'txt' if text else 'xlsx'}"
        (write_text if text else write_xlsx)(path, tables)
        paths.append(path)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--text", action="store_true", help="tab-separated text instead of workbooks")
    args = ap.parse_args()
    paths = generate(args.n, args.out, args.seed, args.text)
    print(f"wrote {len(paths)} files to {args.out}")


if __name__ == "__main__":
    main()
