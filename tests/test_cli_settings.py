"""Config files: found from the working directory upward, checked key by key, overridden by flags."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checker.cli import app
from checker.settings import find_config, load_settings

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "data" / "batch" / "001_selfeval_yanchi_2024.txt"
runner = CliRunner()


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project folder (with .git) holding one form, as the working directory."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "forms").mkdir()
    shutil.copy(GOOD, tmp_path / "forms" / "yanchi.txt")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args):
    res = runner.invoke(app, ["check", "-q", *map(str, args)])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    return res


def rules_found(res) -> set[str]:
    return {f["rule"] for f in json.loads(res.stdout)["findings"]}


def test_found_from_a_subfolder_upward(project, monkeypatch):
    (project / "jixiao.toml").write_text('select = ["SUM"]\n', encoding="utf-8")
    monkeypatch.chdir(project / "forms")
    assert find_config() == project / "jixiao.toml"
    res = run("yanchi.txt", "-f", "json")
    assert rules_found(res) == {"SUM.SECTION_WEIGHT", "SUM.WEIGHT_ROUNDING", "SUM.TOTAL_WEIGHT_ROUNDING"}


def test_search_stops_at_the_git_folder(project, tmp_path_factory, monkeypatch):
    (project.parent / "jixiao.toml").write_text('select = ["SUM"]\n', encoding="utf-8")
    try:
        assert find_config(project / "forms") is None
    finally:
        (project.parent / "jixiao.toml").unlink()


def test_pyproject_tool_table(project):
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.jixiao]\nselect = ["CAP"]\n',
                                            encoding="utf-8")
    res = run("forms/yanchi.txt", "-f", "json")
    assert rules_found(res) == {"CAP.SECTION_SCORE"}


def test_pyproject_without_the_table_is_passed_over(project):
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert find_config(project) is None


def test_jixiao_toml_wins_over_pyproject_in_one_folder(project):
    (project / "pyproject.toml").write_text('[tool.jixiao]\nselect = ["CAP"]\n', encoding="utf-8")
    (project / "jixiao.toml").write_text('select = ["SUM"]\n', encoding="utf-8")
    assert find_config(project) == project / "jixiao.toml"


def test_flags_override_the_config(project):
    (project / "jixiao.toml").write_text('select = ["SUM"]\nfail-on = "never"\n', encoding="utf-8")
    res = run("forms/yanchi.txt", "-f", "json")
    assert res.exit_code == 0 and "SUM.SECTION_WEIGHT" in rules_found(res)  # fail-on never from the file
    res = run("forms/yanchi.txt", "-f", "json", "--fail-on", "error", "--select", "CAP")
    assert res.exit_code == 1 and rules_found(res) == {"CAP.SECTION_SCORE"}  # both flags win


def test_no_config_and_explicit_config(project, tmp_path_factory):
    (project / "jixiao.toml").write_text('select = ["SUM"]\n', encoding="utf-8")
    assert "IND.UNDERSCORE" in rules_found(run("forms/yanchi.txt", "-f", "json", "--no-config"))
    other = tmp_path_factory.mktemp("elsewhere") / "ci.toml"
    other.write_text('select = ["XREF"]\n', encoding="utf-8")
    assert rules_found(run("forms/yanchi.txt", "-f", "json", "--config", other)) == {"XREF.DEADLINE_YEAR"}


def test_severity_from_config_over_the_profile(project):
    (project / "p.yaml").write_text("severity: {SUM.SECTION_WEIGHT: info}\n", encoding="utf-8")
    (project / "jixiao.toml").write_text('profile = "p.yaml"\nselect = ["SUM.SECTION_WEIGHT", "CAP"]\n'
                                         '[severity]\n"sum.section_weight" = "warning"\nCAP = "off"\n',
                                         encoding="utf-8")
    res = run("forms/yanchi.txt", "-f", "json")
    found = json.loads(res.stdout)["findings"]
    assert {(f["rule"], f["severity"]) for f in found} == {("SUM.SECTION_WEIGHT", "warning")}
    assert res.exit_code == 0  # the file's only errors are now warnings, and CAP is off


def test_per_path_overrides(project):
    shutil.copy(GOOD, project / "forms" / "county.txt")
    (project / "jixiao.toml").write_text(
        'select = ["SUM", "CAP"]\n'
        '[per-path."forms/county*"]\nignore = ["CAP"]\nseverity = { "SUM.SECTION_WEIGHT" = "info" }\n',
        encoding="utf-8")
    doc = json.loads(run("forms", "-f", "json").stdout)
    by_file: dict[str, set] = {}
    for f in doc["findings"]:
        by_file.setdefault(Path(f["file"]).name, set()).add((f["rule"], f["severity"]))
    assert ("CAP.SECTION_SCORE", "error") in by_file["yanchi.txt"]
    assert ("SUM.SECTION_WEIGHT", "error") in by_file["yanchi.txt"]
    assert not any(r.startswith("CAP.") for r, _ in by_file["county.txt"])
    assert ("SUM.SECTION_WEIGHT", "info") in by_file["county.txt"]


def test_limits_and_jobs_from_config(project):
    (project / "jixiao.toml").write_text('jobs = 1\n[limits]\nper-file-seconds = 7\nworker_memory_mib = 300\n',
                                         encoding="utf-8")
    s = load_settings(project / "jixiao.toml")
    assert (s.jobs, s.limits) == (1, {"per_file_seconds": 7.0, "worker_memory_mib": 300})


@pytest.mark.parametrize("text, message", [
    ('selct = ["IND"]\n', "jixiao.toml: 未知的设置项 'selct'，是否指 select？"),
    ('select = ["IND.OVERSCOR"]\n', "jixiao.toml: select: 未知的规则或类别 'IND.OVERSCOR'，是否指 IND.OVERSCORE？"),
    ('[severity]\n"IND.NOPE" = "info"\n',
     "jixiao.toml: severity: 未知的规则或类别 'IND.NOPE'，是否指 IND.NO_REASON？"),
    ('[severity]\nIND = "loud"\n',
     "jixiao.toml: severity: IND 的级别只能是 error、warning、info 或 off，而不是 'loud'"),
    ('jobs = "many"\n', "jixiao.toml: jobs 应为整数，而不是 'many'"),
    ('fail-on = "sometimes"\n', "jixiao.toml: fail-on 只能是 error、warning、never，而不是 'sometimes'"),
    ('[limits]\nper-file-secs = 5\n', "jixiao.toml: limits: 未知的设置项 'per-file-secs'，是否指 per-file-seconds？"),
    ('[per-path."x/*"]\nselcet = ["IND"]\n', "jixiao.toml: per-path.'x/*': 未知的设置项 'selcet'，是否指 select？"),
    ('select = [\n', "jixiao.toml: 配置文件不是有效的 TOML"),
])
def test_bad_config_is_one_line_exit_2(project, text, message):
    (project / "jixiao.toml").write_text(text, encoding="utf-8")
    res = run("forms/yanchi.txt")
    assert res.exit_code == 2 and res.stdout == ""
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"jixiao: {project / message}")


def test_config_not_utf8(project):
    (project / "jixiao.toml").write_bytes('select = ["审"]\n'.encode("gb18030"))
    res = run("forms/yanchi.txt")
    assert res.exit_code == 2 and res.stderr.strip() == f"jixiao: {project / 'jixiao.toml'}: 配置文件不是 UTF-8 编码"


def test_missing_explicit_config(project):
    res = run("forms/yanchi.txt", "--config", project / "nope.toml")
    assert res.exit_code == 2
    assert res.stderr.strip() == f"jixiao: {project / 'nope.toml'}: 无法读取配置文件（No such file or directory）"


@pytest.mark.parametrize("flag, message", [
    ("per-file-seconds", "jixiao: --limit 'per-file-seconds': 应写成 NAME=VALUE，如 per-file-seconds=120"),
    ("per-file-seconds=soon", "jixiao: --limit 'per-file-seconds=soon': 'soon' 不是数字"),
    ("per-file-secs=5", "jixiao: --limit: limits: 未知的设置项 'per-file-secs'，是否指 per-file-seconds？"),
    ("worker-memory-mib=0", "jixiao: --limit: limits.worker-memory-mib 应为 1 到 1048576 之间的有限正数（整数），而不是 0"),
])
def test_bad_limit_flag(project, flag, message):
    res = run("forms/yanchi.txt", "--limit", flag)
    assert res.exit_code == 2 and res.stderr.strip() == message


def test_per_path_select_keeps_unrecognised_files_failing(project):
    (project / "forms" / "纪要.txt").write_text("会议纪要\n今天讨论了预算。\n", encoding="utf-8")
    (project / "jixiao.toml").write_text('[per-path."forms/*"]\nselect = ["CAP"]\n', encoding="utf-8")
    doc = json.loads(run("forms", "-f", "json").stdout)
    assert {(Path(f["file"]).name, f["rule"]) for f in doc["findings"]} == \
        {("纪要.txt", "PARSE.UNRECOGNISED"), ("yanchi.txt", "CAP.SECTION_SCORE")}
