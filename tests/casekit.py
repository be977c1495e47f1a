"""Tiny forms for rule cases (rules/cases/*.yml): the tab-separated text a reviewer sees.

A case gives only what matters to it (indicator rows, the funds row, the 总分 row; another
layout's indicator header with ``ind_header`` and ``sub_header``, goal text with ``goal``);
everything else is a plain, consistent self-evaluation table, closed by a 总分 row
(``incomplete: true`` leaves it open, as a table cut short).  Cells are written
with " | " in YAML and become tabs.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from rules.docs import DEFAULT_IND_HEADER

HEADER = [
    "测试县部门项目支出绩效自评表",
    "(2024年度)",
    "项目名称 | | 测试项目",
    "主管部门 | | 262-测试县医疗保障局 | 实施单位 | 测试县医保中心",
]
FUND_HEADER = "项目资金(万元) | | | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分"
FUNDS = [" | | 年度资金总额 | 10 | 10 | 10 | 10 | 100% | 10", " | | 本年财政 | 10 | 10 | 10 | — | |",
         " | | 上年结转资金 | 0 | 0 | 0 | — | |"]
GOAL = ["年度总体目标 | 预期目标 | | | | 实际完成情况", " | 按期完成项目 | | | | 已按期完成"]
IND_HEADER = DEFAULT_IND_HEADER


def tabs(line: str) -> str:
    return "\t".join(part.strip() for part in line.split("|"))


def build_form(case: dict) -> str:
    if "form" in case:
        return "\n".join(tabs(line) for line in case["form"].strip("\n").split("\n")) + "\n"
    lines = list(case.get("header", HEADER))
    if not any("项目资金" in line for line in lines):
        lines.append(FUND_HEADER)
    lines += case.get("funds", FUNDS)
    lines += case.get("goal", GOAL)
    lines += [case.get("ind_header", IND_HEADER)] + case.get("sub_header", [])
    lines += [" | " + row for row in case.get("indicators", [])]
    if "total" in case:
        lines.append(f"总分 | | | | | | 100 | {case['total']}")
    elif not case.get("incomplete"):
        lines.append("总分 | | | | | | 100 |")  # a whole table: sums are judged (its score left blank)
    lines += case.get("after", [])
    return "\n".join(tabs(line) for line in lines) + "\n"


def named_rows(case: dict) -> list[str]:
    """The indicator names a case's rows give (the 三级指标 cell), to prove the form was read."""
    if "form" in case or "ind_header" in case:
        return []
    names = []
    for row in case.get("indicators", []):
        cells = [c.strip() for c in row.split("|")]
        if len(cells) > 2 and cells[2] and not cells[2].replace(".", "").isdigit() and not cells[2].startswith("小计"):
            names.append(cells[2])
    return names


def load_cases(folder: Path) -> list[tuple[str, str, dict]]:
    out = []
    for path in sorted(folder.glob("*.yml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in doc["cases"]:
            out.append((doc["rule"], case["name"], case))
    return out


def _ledger(case: dict, folder: Path):
    """A case's ``ledger`` rows (" | " cells, header and title rows included) as the budget ledger."""
    if "ledger" not in case:
        return None
    from checker.ledger import read_ledger

    path = folder / "ledger.csv"
    path.write_text("\n".join(",".join(c.strip() for c in row.split("|")) for row in case["ledger"]) + "\n",
                    encoding="utf-8")
    return read_ledger(str(path))


def run_case(rule_id: str, case: dict, folder: Path, profile=None):
    """Read, recognise and check one case with the one rule under test (no file walk, no other
    rule, no report): (findings of that rule, files' statuses, names of the indicators read)."""
    from checker import model as M
    from checker.batch import build_batch
    from checker.engine import run_rules
    from checker.profile import load_profile
    from checker.readers import read_any
    from checker.recognise import recognise_file
    from rules import load_all

    models, notes = [], []
    for n, form in enumerate(case.get("files") or [case], start=1):
        path = folder / f"form{n}.txt"
        path.write_text(build_form(form), encoding="utf-8")
        fm = recognise_file(str(path), read_any(str(path)), n)
        models.append(fm)
        if fm.kind == "unrecognised":
            notes.append(M.note("PARSE.UNRECOGNISED", str(path), "", "", expected="自评表/评分表/目标表"))
    batch = build_batch(models, profile or load_profile(), notes, _ledger(case, folder))
    findings = run_rules(batch, [load_all()[rule_id]])
    statuses = ["unrecognised" if fm.kind == "unrecognised" else "checked" for fm in models]
    return findings, statuses, set(batch.indicators["name"])
