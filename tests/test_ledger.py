"""The budget ledger (--ledger): reading the budget system's export and checking data/batch against it."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from checker.engine import RunOptions, check
from checker.ledger import LedgerError, name_key, read_ledger

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "ledger_2023.csv"


def _cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "checker", *args], capture_output=True, text=True, cwd=cwd,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "NO_COLOR": "1"})


def test_sample_ledger_read_in_yuan():
    led = read_ledger(str(SAMPLE))
    assert len(led) == 21
    row = led[led["name"] == "物业费、办公场地租赁费"].iloc[0]
    assert (row["code"], row["budget"], row["spent"], row["scale"], row["spent_dec"]) == ("34150002", 250000, 249580, 1, 2)
    assert row["loc"] == "line 5" and row["department"] == "六安市金安区医疗保障局"


def test_sample_batch_against_ledger():
    """data/batch against data/ledger_2023.csv: the deliberate difference (机关党建经费 paid 15000 元,
    the form says 1.55 万元), the bundle's copy of 医保智能审核 saying nothing was spent (the ledger and
    the 2023 form say 2.95 万元), and the ledger's project nobody submitted."""
    r = check([str(ROOT / "data" / "batch")], options=RunOptions(ledger=read_ledger(str(SAMPLE))))
    f = r.findings[r.findings["rule"].str.startswith("XREF.LEDGER")]
    got = sorted(zip(f["rule"], f["project"], f["location"], f["reported"], f["expected"]))
    assert got == [
        ("XREF.LEDGER_NO_FORM", "", "line 24", "34150099", "医保信息系统运维费"),
        ("XREF.LEDGER_SPENT", "医保智能审核移动终端经费", "项目4!F4", "0", "2.95"),
        ("XREF.LEDGER_SPENT", "机关党建经费", "项目5!F4", "1.55", "1.5"),
    ]
    spent = f[f["project"] == "机关党建经费"].iloc[0]
    assert "全年执行数填报 1.55万元" in spent["message"] and "第9行" in spent["message"] and "1.5万元" in spent["message"]
    no_form = f[f["rule"] == "XREF.LEDGER_NO_FORM"].iloc[0]
    assert no_form["file"].endswith("ledger_2023.csv") and no_form["severity"] == "warning"
    ledger_file = [s for s in r.files if s.kind == "ledger"]
    assert len(ledger_file) == 1 and ledger_file[0].status == "checked" and len(ledger_file[0].sha256) == 64


def test_ledger_xlsx_in_wanyuan_matched_by_name(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "执行情况"
    ws.append(["项目代码", "项目名称", "单位名称", "全年预算数（万元）", "全年执行数（万元）"])
    ws.append(["X1", "机关党建经费", "金安区医保局", 1.55, 1.55])
    ws.append(["X2", "网络升级改造经费", "金安区医保局", 15, 3])
    path = tmp_path / "ledger.xlsx"
    wb.save(path)
    led = read_ledger(str(path))
    assert list(led["scale"]) == [1e4, 1e4] and list(led["loc"]) == ["执行情况!A2", "执行情况!A3"]
    r = check([str(ROOT / "data" / "batch" / "003_bundle.xlsx")], options=RunOptions(ledger=led))
    f = r.findings[r.findings["rule"].str.startswith("XREF.LEDGER")]
    spent = f[f["rule"] == "XREF.LEDGER_SPENT"]
    assert list(zip(spent["project"], spent["reported"], spent["expected"])) == [("网络升级改造经费", "0", "3")]
    assert "执行情况!A3" in spent.iloc[0]["message"]
    # the bundle's other twelve projects are not in this two-line ledger
    assert (f["rule"] == "XREF.LEDGER_NO_PROJECT").sum() == 12


@pytest.mark.parametrize("text,reason", [
    ("项目名称,全年预算数,全年执行数\n甲,1,1\n", "未写明金额单位"),
    ("项目名称,金额\n甲,1\n", "找不到预算账表的表头"),
    ("金额单位：元\n项目名称,全年预算数,全年执行数\n甲,一万,1\n", "line 3 col 2 的金额“一万”不是数字"),
    ("项目名称,全年预算数(元),全年执行数(万元)\n甲,1,1\n", "金额单位不同"),
    ("金额单位：元\n项目名称,全年预算数,全年执行数\n", "表头下没有项目"),
])
def test_bad_ledgers_are_refused_with_the_reason(tmp_path, text, reason):
    path = tmp_path / "l.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LedgerError, match=reason):
        read_ledger(str(path))


def test_cli_ledger_and_bad_ledger(tmp_path):
    out = tmp_path / "r.json"
    p = _cli("check", "data/batch", "--ledger", "data/ledger_2023.csv", "--format", "json", "-o", str(out), "-q")
    assert p.returncode == 1, p.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    rules = [f["rule"] for f in doc["findings"] if f["rule"].startswith("XREF.LEDGER")]
    assert sorted(rules) == ["XREF.LEDGER_NO_FORM", "XREF.LEDGER_SPENT", "XREF.LEDGER_SPENT"]
    assert any(f["path"] == "data/ledger_2023.csv" for f in doc["files"])
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    p = _cli("check", "data/batch", "--ledger", str(bad))
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr.strip() == f"jixiao: {bad}: 找不到预算账表的表头（需要 项目名称、全年预算数、全年执行数 三列）"
    p = _cli("check", "data/batch", "--ledger", str(tmp_path / "missing.csv"))
    assert p.returncode == 2 and "missing.csv" in p.stderr and "Traceback" not in p.stderr


def test_name_key():
    assert name_key("医保 智能审核（一期）") == name_key("医保智能审核(一期)") == "医保智能审核一期"
    assert not math.isnan(read_ledger(str(SAMPLE))["budget"].iloc[0])
