"""SARIF 2.1.0: valid against the official schema (tests/schemas/sarif-schema-2.1.0.json, the OASIS
errata01 schema from oasis-tcs/sarif-spec), a region for every located finding, ruleIndex,
invocations, encoded URIs, rule texts in the report's language."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from checker.engine import check
from reports.sarif import to_sarif, uri

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SCHEMA = json.loads((ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def validate(doc: dict) -> None:
    jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(doc)


@pytest.fixture(scope="module")
def batch():
    result = check([str(DATA), str(ROOT / "tests" / "fixtures" / "corrupt.xlsx")])
    return result, to_sarif(result)


def test_valid_against_the_sarif_schema(batch):
    _, doc = batch
    validate(doc)
    assert doc["version"] == "2.1.0"
    validate(to_sarif(check([str(DATA / "batch/001_selfeval_yanchi_2024.txt")], lang="en")))


def test_every_finding_of_the_xlsx_bundle_has_a_region():
    result = check([str(DATA / "batch/003_bundle.xlsx")])
    run = to_sarif(result)["runs"][0]
    assert len(run["results"]) == len(result.findings) > 20
    for r in run["results"]:
        region = r["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
    over = next(r for r in run["results"] if r["ruleId"] == "IND.OVERSCORE")
    assert over["locations"][0]["physicalLocation"]["region"] == {"startLine": 12, "startColumn": 8}  # 项目4!H12
    assert over["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "项目4!H12"


def test_regions_for_text_word_and_pdf_locations(batch):
    result, doc = batch
    results = doc["runs"][0]["results"]
    located = [r for r, loc in zip(results, result.findings["location"]) if loc]
    assert all("region" in r["locations"][0]["physicalLocation"] for r in located)
    word = next(r for r in results if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .endswith("data/batch/000_rubric.docx"))
    assert word["locations"][0]["physicalLocation"]["region"] == {"startLine": 19, "startColumn": 8}  # 表1 R19C8
    from reports.locations import parse
    assert (parse("p3 r12 c5").line, parse("p3 r12 c5").column, parse("p3 r12 c5").container) == (12, 5, "p3")


def test_rule_index_invocation_artifacts(batch):
    result, doc = batch
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for r in run["results"]:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
    inv = run["invocations"][0]
    assert inv["exitCode"] == 2 and inv["executionSuccessful"] is False  # the corrupt workbook
    assert inv["startTimeUtc"].endswith("Z") and inv["endTimeUtc"] >= inv["startTimeUtc"]
    notes = [n["message"]["text"] for n in inv["toolExecutionNotifications"]]
    assert any(t.startswith("Excel 文件已损坏") for t in notes)
    assert len(run["artifacts"]) == len(result.files)
    corrupt = next(a for a in run["artifacts"] if a["location"]["uri"].endswith("tests/fixtures/corrupt.xlsx"))
    assert corrupt["properties"] == {"status": "unreadable", "kind": "",
                                     "reason": "Excel 文件已损坏或不是有效的压缩包 (BadZipFile)"}


def test_uris_are_percent_encoded(batch):
    _, doc = batch
    uris = [a["location"]["uri"] for a in doc["runs"][0]["artifacts"]]
    assert all(u.isascii() for u in uris)
    assert any(u.endswith("data/batch/paired/2023_selfeval_%E5%8C%BB%E4%BF%9D%E6%99%BA%E8%83%BD%E5%AE%A1%E6%A0%B8.txt")
               for u in uris)
    assert uri("a b/#x.txt") == "a%20b/%23x.txt"
    assert uri("/tmp/报告.txt") == "file:///tmp/%E6%8A%A5%E5%91%8A.txt"
    assert uri("/tmp/bad\udcff.txt") == "file:///tmp/bad%FF.txt"  # a name that is not UTF-8


def test_rule_texts_in_the_reports_language():
    zh = to_sarif(check([str(DATA / "text/003_bundle_jinan.txt")]))["runs"][0]
    en = to_sarif(check([str(DATA / "text/003_bundle_jinan.txt")], lang="en"))["runs"][0]
    assert zh["language"] == "zh-CN" and en["language"] == "en-US"
    over_zh = next(r for r in zh["tool"]["driver"]["rules"] if r["id"] == "IND.OVERSCORE")
    over_en = next(r for r in en["tool"]["driver"]["rules"] if r["id"] == "IND.OVERSCORE")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in over_zh["shortDescription"]["text"])
    from rules import load_all
    assert over_en["shortDescription"]["text"] == load_all()["IND.OVERSCORE"].summary
    assert over_zh["shortDescription"]["text"] != over_en["shortDescription"]["text"]
    assert "自评得分虚高" in next(r for r in zh["results"] if r["ruleId"] == "IND.OVERSCORE")["message"]["text"]
