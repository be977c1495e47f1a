"""Waivers: ``jixiao waive`` writes who, when, why and until when; ``check`` shows a waived finding
as 已豁免 with its reason in every format, never fails the gate on it, lists stale and expired
waivers, and a bad waivers file is one line and exit 2."""

from __future__ import annotations

import csv
import io
import json
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from checker.cli import app
from checker.gate import passed
from checker.result import FileStatus, Result
from checker.waivers import Waiver, WaiverError, apply, entry_text, load_waivers

ROOT = Path(__file__).resolve().parents[1]
RUBRIC = ROOT / "data" / "batch" / "000_rubric.docx"        # one error: CAP.TOTAL_SCORE 总分 102 > 100
SEED = ROOT / "data" / "text" / "003_bundle_jinan.txt"
REASON = "加分项经省厅文件认可，总分按102计"
runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture()
def waived_rubric(tmp_path, monkeypatch):
    """000_rubric.docx with its one error waived, the waivers file in the working directory."""
    monkeypatch.chdir(tmp_path)
    res = invoke("waive", "--file", RUBRIC, "--rule", "cap.total_score", "--reason", REASON, "--by", "王审核",
                 "--expires", "2099-12-31", "--no-config")
    assert res.exit_code == 0, res.output
    return tmp_path


def test_waive_writes_who_when_why_and_until_when(waived_rubric):
    path = waived_rubric / "jixiao-waivers.toml"
    raw = tomllib.loads(path.read_text(encoding="utf-8"))["waiver"]
    assert len(raw) == 1
    w = raw[0]
    assert w["rule"] == "CAP.TOTAL_SCORE" and w["reason"] == REASON and w["by"] == "王审核"
    assert str(w["expires"]) == "2099-12-31" and w["at"][:2] == "20" and w["section"] == "总分"
    assert w["project"] == "金寨县2021年“安康码”应用" and len(w["fingerprint"]) == 16
    listing = invoke("waivers", "--no-config")
    assert listing.exit_code == 0
    assert f"1. {w['fingerprint']} CAP.TOTAL_SCORE / 金寨县2021年“安康码”应用：{REASON}（王审核，" in listing.stdout
    assert "有效至 2099-12-31" in listing.stdout
    again = invoke("waive", w["fingerprint"], "--reason", "再来一次", "--no-config")
    assert again.exit_code == 2 and "已针对指纹" in again.stderr and len(load_waivers(path)) == 1


def test_a_waived_finding_does_not_fail_the_gate_and_shows_in_text_and_json(waived_rubric):
    plain = invoke("check", RUBRIC, "--no-config", "--waivers", waived_rubric / "none.toml")
    assert plain.exit_code == 2 and "豁免清单文件不存在" in plain.stderr
    before = invoke("check", RUBRIC, "--no-config", "--waivers", ROOT / "tests" / "no-such.toml")
    assert before.exit_code == 2
    res = invoke("check", RUBRIC, "--no-config")
    assert res.exit_code == 0, res.output       # its only error is waived: the gate passes
    line = next(x for x in res.stdout.splitlines() if "CAP.TOTAL_SCORE" in x)
    assert line.endswith(f"[已豁免：{REASON}]")
    assert res.stdout.splitlines()[-1].endswith("；已豁免 1（不计入核查结果）")
    doc = json.loads(invoke("check", RUBRIC, "--no-config", "--format", "json").stdout)
    f = next(x for x in doc["findings"] if x["rule"] == "CAP.TOTAL_SCORE")
    assert f["waived"] is True and f["waiver_reason"] == REASON
    assert doc["summary"]["passed"] is True and doc["summary"]["waived"] == 1
    assert doc["waivers"]["applied"] == 1 and doc["waivers"]["stale"] == [] and doc["waivers"]["expired"] == []


def test_waived_in_sarif_junit_csv_and_html(waived_rubric):
    sarif = json.loads(invoke("check", RUBRIC, "--no-config", "--format", "sarif").stdout)
    run = sarif["runs"][0]
    r = next(x for x in run["results"] if x["ruleId"] == "CAP.TOTAL_SCORE")
    assert r["suppressions"] == [{"kind": "external", "justification": REASON}]
    assert run["invocations"][0]["exitCode"] == 0

    junit = ET.fromstring(invoke("check", RUBRIC, "--no-config", "--format", "junit").stdout)
    assert junit.get("failures") == "0"
    assert "已豁免: 金寨县2021年“安康码”应用: 表1 R19C8: CAP.TOTAL_SCORE" in junit.find("testsuite/system-out").text
    assert REASON in junit.find("testsuite/system-out").text

    rows = list(csv.reader(io.StringIO(invoke("check", RUBRIC, "--no-config", "--format", "csv").stdout.lstrip("\ufeff"))))
    assert rows[0][-2:] == ["豁免", "豁免理由"]
    row = next(x for x in rows if x[5] == "CAP.TOTAL_SCORE")
    assert row[-2:] == ["已豁免", REASON]

    invoke("check", RUBRIC, "--no-config", "--format", "html", "-o", waived_rubric / "r.html")
    page = (waived_rubric / "r.html").read_text(encoding="utf-8")
    assert 'data-waived="1"' in page and f"豁免理由：{REASON}" in page
    assert 'data-state="pass"' in page and 'data-state="fail"' not in page   # the table does not fail on it
    assert "gate-pass" in page


def test_stale_and_expired_waivers_are_listed_and_an_expired_one_stops_applying(tmp_path):
    fp = json.loads(invoke("check", RUBRIC, "--no-config", "--format", "json").stdout)["findings"][0]["fingerprint"]
    path = tmp_path / "w.toml"
    path.write_text(entry_text(Waiver(fingerprint=fp, reason="过期的豁免", expires=__import__("datetime").date(2000, 1, 1)))
                    + "\n" + entry_text(Waiver(fingerprint="0123456789abcdef", reason="早已修正的问题", rule="IND.OVERSCORE")),
                    encoding="utf-8")
    res = invoke("check", RUBRIC, "--no-config", "--waivers", path)
    assert res.exit_code == 1      # the expired waiver no longer applies
    out = res.stdout.splitlines()
    assert f"{path}: 豁免已失效（没有匹配的问题）：第 2 条 0123456789abcdef IND.OVERSCORE：早已修正的问题" in out
    assert f"{path}: 豁免已过期（2000-01-01 止，不再适用）：第 1 条 {fp} ：过期的豁免" in out
    doc = json.loads(invoke("check", RUBRIC, "--no-config", "--waivers", path, "--format", "json").stdout)
    assert [w["fingerprint"] for w in doc["waivers"]["stale"]] == ["0123456789abcdef"]
    assert [(w["fingerprint"], w["expires"]) for w in doc["waivers"]["expired"]] == [(fp, "2000-01-01")]
    assert doc["findings"][0]["waived"] is False
    invoke("check", RUBRIC, "--no-config", "--waivers", path, "--format", "html", "-o", tmp_path / "r.html")
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert '<tr class="waiver-stale"><td class="hash">0123456789abcdef</td>' in page
    assert '<tr class="waiver-expired">' in page


@pytest.mark.parametrize(("content", "message"), [
    ("[[waiver]\nfingerprint = ", "豁免清单不是有效的 TOML"),
    ('[[waiver]]\nfingerprint = "0123456789abcdef"\n', "第 1 条豁免: 缺少豁免理由 reason"),
    ('[[waiver]]\nfingerprint = "xyz"\nreason = "r"\n', "fingerprint 应为 16 位十六进制指纹"),
    ('[[waiver]]\nfingerprint = "0123456789abcdef"\nreason = "r"\nreson = "r"\n', "未知的键 'reson'"),
    ('[[waiver]]\nfingerprint = "0123456789abcdef"\nreason = "r"\nexpires = "明年"\n', "expires 应为日期"),
    ('title = "x"\n', "未知的设置项 'title'"),
])
def test_a_bad_waivers_file_is_one_line_and_exit_2(tmp_path, content, message):
    path = tmp_path / "w.toml"
    path.write_text(content, encoding="utf-8")
    res = invoke("check", RUBRIC, "--no-config", "--waivers", path)
    assert res.exit_code == 2 and res.stdout == ""
    assert len(res.stderr.strip().splitlines()) == 1 and message in res.stderr and str(path) in res.stderr


def test_a_waivers_path_that_is_a_folder_too_big_or_not_utf8(tmp_path, monkeypatch):
    res = invoke("check", RUBRIC, "--no-config", "--waivers", tmp_path)
    assert res.exit_code == 2 and "是一个目录" in res.stderr
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * 4_000_001)
    assert "超过上限" in invoke("check", RUBRIC, "--no-config", "--waivers", big).stderr
    gbk = tmp_path / "gbk.toml"
    gbk.write_bytes('reason = "理由"'.encode("gbk"))
    assert "不是 UTF-8" in invoke("check", RUBRIC, "--no-config", "--waivers", gbk).stderr
    with pytest.raises(WaiverError):
        load_waivers(tmp_path / "missing.toml")


def test_waive_from_a_report_by_fingerprint_and_its_refusals(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    report = tmp_path / "r1.json"
    assert invoke("check", SEED, "--no-config", "--format", "json", "-o", report).exit_code == 1
    many = invoke("waive", "--report", report, "--rule", "IND.OVERSCORE", "--reason", "x", "--no-config")
    assert many.exit_code == 2 and "个问题符合条件，请用指纹指明其中一个" in many.stderr
    none = invoke("waive", "--report", report, "--rule", "IND.OVERSCORE", "--indicator", "不存在的指标", "--reason", "x",
                  "--no-config")
    assert none.exit_code == 2 and "没有找到符合条件的问题" in none.stderr
    assert invoke("waive", "zz", "--reason", "x", "--no-config").exit_code == 2
    assert invoke("waive", "0123456789abcdef", "--reason", "  ", "--no-config").exit_code == 2
    assert invoke("waive", "0123456789abcdef", "--reason", "x", "--expires", "下周", "--no-config").exit_code == 2
    assert not (tmp_path / "jixiao-waivers.toml").exists()      # nothing written by a refused waive
    doc = json.loads(report.read_text(encoding="utf-8"))
    fp = next(f["fingerprint"] for f in doc["findings"] if f["indicator"] == "远程查房终端台数" and f["rule"] == "IND.OVERSCORE")
    res = invoke("waive", fp, "--report", report, "--reason", "终端采购延期，已报批", "--no-config")
    assert res.exit_code == 0 and "第 1 条豁免" in res.stdout
    w = load_waivers(tmp_path / "jixiao-waivers.toml")[0]
    assert (w.fingerprint, w.rule, w.indicator, w.location) == (fp, "IND.OVERSCORE", "远程查房终端台数", "line 104 col 8")


def test_a_waiver_follows_its_finding_into_a_resubmission(tmp_path, monkeypatch):
    """The waiver names the fingerprint, not the file: v2.txt with rows moved keeps it."""
    from tests.test_compare import resubmission

    monkeypatch.chdir(tmp_path)
    v2 = resubmission(tmp_path)
    for indicator in ("远程查房终端台数", "移动终端台数"):   # the second is fixed in v2
        assert invoke("waive", "--file", SEED, "--rule", "IND.OVERSCORE", "--indicator", indicator,
                      "--reason", f"{indicator}已说明", "--no-config").exit_code == 0
    doc = json.loads(invoke("check", v2, "--no-config", "--format", "json").stdout)
    kept = next(f for f in doc["findings"] if f["rule"] == "IND.OVERSCORE" and f["indicator"] == "远程查房终端台数")
    assert kept["waived"] is True and kept["waiver_reason"] == "远程查房终端台数已说明" and kept["location"] == "line 105 col 8"
    assert [w["indicator"] for w in doc["waivers"]["stale"]] == ["移动终端台数"]


def test_gate_never_fails_on_waived_findings():
    findings = pd.DataFrame({"severity": ["error", "warning"], "waived": [True, False]})
    r = Result(files=[FileStatus("a.txt", "checked", "selfeval", 1)], projects=pd.DataFrame(), funds=pd.DataFrame(),
               sections=pd.DataFrame(), indicators=pd.DataFrame(), findings=findings, fail_on="error")
    assert passed(r) is True
    r.fail_on = "warning"
    assert passed(r) is False
    r.findings = findings.assign(waived=[False, True])
    r.fail_on = "error"
    assert passed(r) is False


def test_apply_marks_and_reports():
    import datetime as dt

    f = pd.DataFrame({"fingerprint": ["a" * 16, "b" * 16], "waived": [False, False], "waiver_reason": ["", ""]})
    out, rep = apply(f, [Waiver("a" * 16, "理由甲"), Waiver("c" * 16, "理由丙"),
                         Waiver("b" * 16, "过期", expires=dt.date(2020, 1, 1))], "w.toml", today=dt.date(2024, 1, 1))
    assert out["waived"].tolist() == [True, False] and out["waiver_reason"].tolist() == ["理由甲", ""]
    assert rep.applied == 1 and [w.reason for w in rep.stale] == ["理由丙"] and [w.reason for w in rep.expired] == ["过期"]


def test_the_config_file_names_the_waivers_file(tmp_path):
    cfg = tmp_path / "jixiao.toml"
    cfg.write_text('waivers = "reviews/round.toml"\n', encoding="utf-8")
    assert invoke("check", RUBRIC, "--config", cfg).exit_code == 1          # none written yet: no waiver, no error
    (tmp_path / "reviews").mkdir()
    res = invoke("waive", "--file", RUBRIC, "--rule", "CAP.TOTAL_SCORE", "--reason", REASON, "--config", cfg)
    assert res.exit_code == 0 and (tmp_path / "reviews" / "round.toml").is_file()
    assert invoke("check", RUBRIC, "--config", cfg).exit_code == 0
    cfg.write_text("waivers = 3\n", encoding="utf-8")
    bad = invoke("check", RUBRIC, "--config", cfg)
    assert bad.exit_code == 2 and "waivers 应为字符串" in bad.stderr


def test_html_file_counts_leave_out_waived_findings_as_table_counts_do(waived_rubric):
    """A waived finding needs no attention: neither its table's nor its file's counts hold it."""
    from checker.engine import check
    from checker.waivers import attach, load_waivers
    from reports.html_model import build

    result = check([str(RUBRIC)])
    attach(result, waived_rubric / "jixiao-waivers.toml", load_waivers(waived_rubric / "jixiao-waivers.toml"))
    model = build(result)
    errors = int((result.findings["severity"] == "error").sum())
    assert errors >= 1                                   # the waived CAP.TOTAL_SCORE is an error
    (f,) = model["files"]
    assert f["errors"] == errors - 1 == sum(p["errors"] for p in model["projects"])
