"""The command line as a gate: formats, exit codes, unreadable input, languages."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from checker.cli import app

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
runner = CliRunner()


def run(*args):
    return runner.invoke(app, ["check", *map(str, args)])


def test_text_output_is_linter_style_with_summary():
    res = run(DATA / "text/003_bundle_jinan.txt")
    assert res.exit_code == 1
    lines = res.stdout.strip().splitlines()
    over = [line for line in lines if "IND.OVERSCORE" in line and "移动终端台数" in line]
    assert len(over) == 1
    assert over[0].startswith(f"{DATA / 'text/003_bundle_jinan.txt'}:第103行第8列")
    assert "医保智能审核移动终端经费 / 移动终端台数" in over[0] and " error " in over[0]
    assert lines[-1].startswith("共 1 个文件、14 张表")


def test_json_contract_keys():
    res = run(DATA / "text/003_bundle_jinan.txt", "--format", "json")
    doc = json.loads(res.stdout)
    assert doc["tool"] == "jixiao" and doc["version"]
    assert set(doc["files"][0]) == {"path", "status", "kind", "projects", "errors", "warnings", "error_message"}
    assert set(doc["projects"][0]) == {"file", "name", "kind", "reported_total", "recomputed_total", "status"}
    assert set(doc["findings"][0]) == {"rule", "family", "severity", "file", "project", "section", "indicator",
                                       "location", "reported", "expected", "message", "fingerprint"}
    assert set(doc["summary"]) == {"files", "projects", "errors", "warnings", "infos", "passed", "tables"}
    assert doc["summary"]["projects"] == 14 and doc["summary"]["passed"] is False
    relief = next(p for p in doc["projects"] if p["name"].startswith("困难人员救助"))
    assert relief["reported_total"] == 94.13


def test_fail_on_levels(tmp_path):
    f = DATA / "batch/001_selfeval_yanchi_2024.txt"
    assert run(f, "--fail-on", "never").exit_code == 0
    assert run(f, "--fail-on", "error").exit_code == 1
    assert run(f, "--select", "XREF", "--fail-on", "error").exit_code == 0
    assert run(f, "--select", "XREF", "--fail-on", "warning").exit_code == 1


def test_unreadable_input_exit_2_and_others_still_checked(tmp_path):
    missing = tmp_path / "nope.txt"
    res = run(ROOT / "tests" / "fixtures" / "corrupt.xlsx", DATA / "batch/001_selfeval_yanchi_2024.txt", missing,
              "--format", "json")
    assert res.exit_code == 2
    doc = json.loads(res.stdout)
    status = {Path(f["path"]).name: f for f in doc["files"]}
    assert status["corrupt.xlsx"]["status"] == "unreadable" and status["corrupt.xlsx"]["error_message"]
    assert status["nope.txt"]["status"] == "unreadable"
    assert status["001_selfeval_yanchi_2024.txt"]["status"] == "checked"
    assert any(f["rule"] == "SUM.SECTION_WEIGHT" for f in doc["findings"])
    err_lines = [line for line in res.stderr.splitlines() if "corrupt.xlsx" in line]
    assert len(err_lines) == 1


def test_english_messages():
    res = run(DATA / "batch/001_selfeval_yanchi_2024.txt", "--lang", "en", "--select", "CAP")
    assert "declares" in res.stdout or "worth" in res.stdout
    assert "标明" not in res.stdout


def test_output_file_not_touching_inputs(tmp_path):
    src = DATA / "text/003_bundle_jinan.txt"
    before = src.read_bytes()
    out = tmp_path / "r.json"
    res = run(src, "--format", "json", "-o", out)
    assert res.exit_code == 1 and out.exists()
    assert json.loads(out.read_text(encoding="utf-8"))["summary"]["errors"] > 0
    assert src.read_bytes() == before


def test_bad_profile_is_usage_error(tmp_path):
    bad = tmp_path / "p.yaml"
    bad.write_text("reverse_formula: sideways\n", encoding="utf-8")
    res = runner.invoke(app, ["check", str(DATA / "batch/001_selfeval_yanchi_2024.txt"), "--profile", str(bad)])
    assert res.exit_code == 2


def test_rules_command_lists_catalog():
    res = runner.invoke(app, ["rules"])
    assert "IND.OVERSCORE" in res.stdout and "XREF.UNIT_MISMATCH" in res.stdout
    res = runner.invoke(app, ["rules", "IND.OVERSCORE"])
    assert "反例（报出）" in res.stdout and "正例（不报）" in res.stdout and "移动终端台数" in res.stdout
    res = runner.invoke(app, ["rules", "IND.OVERSCORE", "--lang", "en"])
    assert "Fails" in res.stdout and "Passes" in res.stdout


def test_csv_for_spreadsheets(tmp_path):
    import csv

    out = tmp_path / "f.csv"
    res = run(DATA / "text/003_bundle_jinan.txt", "--format", "csv", "-o", out)
    assert res.exit_code == 1
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][:4] == ["文件", "项目", "部分", "指标"]
    assert any(r[5] == "IND.OVERSCORE" and r[3] == "移动终端台数" for r in rows[1:])


def test_sarif_for_code_scanning():
    res = run(DATA / "batch/001_selfeval_yanchi_2024.txt", "--format", "sarif")
    doc = json.loads(res.stdout)
    run0 = doc["runs"][0]
    assert run0["tool"]["driver"]["name"] == "jixiao"
    over = [r for r in run0["results"] if r["ruleId"] == "IND.UNDERSCORE"]
    assert over[0]["level"] == "warning"
    assert over[0]["locations"][0]["physicalLocation"]["region"] == {"startLine": 30, "startColumn": 8}


def test_junit_for_ci():
    import xml.etree.ElementTree as ET

    res = run(DATA / "text/003_bundle_jinan.txt", ROOT / "tests" / "fixtures" / "corrupt.xlsx", "--format", "junit")
    assert res.exit_code == 2
    root = ET.fromstring(res.stdout)
    suites = {s.get("name").split("/")[-1]: s for s in root.findall("testsuite")}
    bundle = suites["003_bundle_jinan.txt"]
    assert bundle.get("tests") == "14"
    failed = {c.get("name") for c in bundle.findall("testcase") if c.find("failure") is not None}
    assert "医保智能审核移动终端经费" in failed and "机关党建经费" not in failed
    assert suites["corrupt.xlsx"].find("testcase/error") is not None


def test_annotated_excel_copy(tmp_path):
    import hashlib

    import openpyxl

    src = DATA / "batch/003_bundle.xlsx"
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    res = run(src, "--annotate", tmp_path / "out", "--format", "json")
    assert res.exit_code == 1
    copy = tmp_path / "out" / "003_bundle.核查.xlsx"
    wb = openpyxl.load_workbook(copy)
    note = wb["项目4"]["H12"].comment.text
    assert "IND.OVERSCORE" in note and "2.33" in note
    assert wb.sheetnames[0] == "核查结果" and wb["核查结果"].max_row > 20
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before
