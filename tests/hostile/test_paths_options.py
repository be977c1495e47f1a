"""Hostile paths and options: each is caught before anything is checked (one line, exit 2, no
traceback) or listed with its status while the good file beside it is still checked."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checker.cli import app

ROOT = Path(__file__).resolve().parents[2]
GOOD = ROOT / "data" / "batch" / "001_selfeval_yanchi_2024.txt"
XLSX = ROOT / "data" / "batch" / "003_bundle.xlsx"
runner = CliRunner()


def run(*args):
    res = runner.invoke(app, ["check", "--no-config", "-q", *map(str, args)])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception  # never a traceback
    return res


def usage_error(res) -> str:
    """The run stopped before checking anything: exit 2, no report, exactly one stderr line."""
    assert res.exit_code == 2
    assert res.stdout == ""
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def files(res) -> dict[str, dict]:
    return {Path(os.fsdecode(f["path"])).name: f for f in json.loads(res.stdout)["files"]}


def good_checked(doc_or_res) -> None:
    doc = json.loads(doc_or_res.stdout) if hasattr(doc_or_res, "stdout") else doc_or_res
    mine = [f for f in doc["findings"] if f["file"].endswith(GOOD.name)]
    assert any(f["rule"] == "SUM.SECTION_WEIGHT" and f["section"] == "社会效益指标" and f["reported"] == "20"
               for f in mine)


# ---------------------------------------------------------------- output paths


def test_output_into_a_missing_folder(tmp_path):
    line = usage_error(run(GOOD, "-o", tmp_path / "nope" / "r.json"))
    assert line == f"jixiao: -o {tmp_path / 'nope' / 'r.json'}: 目录 {tmp_path / 'nope'} 不存在"


def test_output_naming_a_folder(tmp_path):
    line = usage_error(run(GOOD, "-o", tmp_path))
    assert line == f"jixiao: -o {tmp_path}: 是一个目录，请给出报告的文件名"


def test_output_onto_an_input(tmp_path):
    src = tmp_path / "form.txt"
    shutil.copy(GOOD, src)
    before = src.read_bytes()
    line = usage_error(run(src, "-o", src))
    assert "这是一个输入文件，jixiao 不会覆盖输入" in line
    assert src.read_bytes() == before


def test_annotate_naming_a_file(tmp_path):
    f = tmp_path / "out.txt"
    f.write_text("x", encoding="utf-8")
    line = usage_error(run(XLSX, "--annotate", f))
    assert line == f"jixiao: --annotate {f}: 不是目录（批注副本写入一个目录）"


def test_report_is_written_whole_and_replaces_the_old_one(tmp_path):
    out = tmp_path / "r.json"
    out.write_text("old", encoding="utf-8")
    res = run(GOOD, "--format", "json", "-o", out)
    assert res.exit_code == 1
    good_checked(json.loads(out.read_text(encoding="utf-8")))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]  # no temporary file left behind


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path, monkeypatch):
    from checker import atomic

    out = tmp_path / "r.txt"
    out.write_text("old report", encoding="utf-8")

    def broken(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", broken)
    with pytest.raises(OSError):
        atomic.write_atomic(out, "new report")
    assert out.read_text(encoding="utf-8") == "old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.txt"]


# ---------------------------------------------------------------- profiles


@pytest.mark.parametrize("content, expected", [
    (b"\xff\xfe\x00bands", "评分配置不是 UTF-8 编码"),
    (b"bands: [1, 2\nname: x\n", "评分配置不是有效的 YAML"),
    (b"- just\n- a list\n", "评分配置格式有误"),
    (b"bands: {1: nonsense}\n", "评分配置格式有误"),
    (b"severity: {IND.OVERSCOR: info}\n", "未知的规则或类别 'IND.OVERSCOR'，是否指 IND.OVERSCORE？"),
])
def test_bad_profile_is_one_line_before_the_run(tmp_path, content, expected):
    p = tmp_path / "p.yaml"
    p.write_bytes(content)
    line = usage_error(run(GOOD, "--profile", p))
    assert line.startswith("jixiao: ") and str(p) in line and expected in line


def test_unreadable_profile(tmp_path):
    line = usage_error(run(GOOD, "--profile", tmp_path / "missing.yaml"))
    assert line == f"jixiao: {tmp_path / 'missing.yaml'}: 无法读取评分配置（No such file or directory）"
    assert "不是评分配置文件" in usage_error(run(GOOD, "--profile", tmp_path))


# ---------------------------------------------------------------- rule ids


def test_unknown_ids_name_the_nearest_valid_one():
    res = run(XLSX, "--select", "NOPE", "--ignore", "IND.OVERSCOR,SUMM")
    assert res.exit_code == 2 and res.stdout == ""
    assert res.stderr.strip().splitlines() == [
        "jixiao: --select: 未知的规则或类别 'NOPE'，是否指 PARSE？",
        "jixiao: --ignore: 未知的规则或类别 'IND.OVERSCOR'，是否指 IND.OVERSCORE？",
        "jixiao: --ignore: 未知的规则或类别 'SUMM'，是否指 SUM？",
    ][:1]  # --select is checked first: the run stops there
    res = run(XLSX, "--ignore", "IND.OVERSCOR,SUMM")
    assert res.stderr.strip().splitlines() == [
        "jixiao: --ignore: 未知的规则或类别 'IND.OVERSCOR'，是否指 IND.OVERSCORE？",
        "jixiao: --ignore: 未知的规则或类别 'SUMM'，是否指 SUM？",
    ]


def test_ids_are_case_insensitive():
    lower = json.loads(run(XLSX, "--select", "ind", "--format", "json").stdout)
    upper = json.loads(run(XLSX, "--select", "IND", "--format", "json").stdout)
    assert lower == upper and lower["summary"]["errors"] > 0
    assert {f["family"] for f in lower["findings"]} == {"IND"}
    ignored = json.loads(run(XLSX, "--ignore", "ind.overscore", "--format", "json").stdout)
    assert not any(f["rule"] == "IND.OVERSCORE" for f in ignored["findings"])


def test_rules_command_rejects_unknown_and_accepts_any_case():
    res = runner.invoke(app, ["rules", "NOPE.X"])
    assert res.exit_code == 2 and res.stdout == ""
    assert res.stderr.strip() == "jixiao: rules: 未知的规则或类别 'NOPE.X'，是否指 TEXT？"
    res = runner.invoke(app, ["rules", "ind.overscore"])
    assert res.exit_code == 0 and res.stdout.startswith("IND.OVERSCORE  [错误]")


def test_an_off_rule_never_runs(tmp_path, monkeypatch):
    from dataclasses import replace

    import rules

    calls = []

    def boom(batch):
        calls.append(1)
        raise RuntimeError("must not run")

    rules.load_all()
    monkeypatch.setitem(rules.REGISTRY, "SUM.TOTAL_SCORE", replace(rules.REGISTRY["SUM.TOTAL_SCORE"], func=boom))
    monkeypatch.setitem(rules.REGISTRY, "CAP.ITEM_SCORE", replace(rules.REGISTRY["CAP.ITEM_SCORE"], func=boom))
    p = tmp_path / "p.yaml"
    p.write_text("severity: {sum.total_score: off, CAP: off}\n", encoding="utf-8")
    res = run(GOOD, "--profile", p, "--format", "json", "-j", "1")
    doc = json.loads(res.stdout)
    assert calls == []
    assert not any(f["rule"] in ("PARSE.INTERNAL", "SUM.TOTAL_SCORE") or f["family"] == "CAP" for f in doc["findings"])
    good_checked(doc)


# ---------------------------------------------------------------- what a folder holds


def _folder(tmp_path: Path) -> Path:
    d = tmp_path / "batch"
    d.mkdir()
    shutil.copy(GOOD, d / GOOD.name)
    (d / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (d / "~$003_bundle.xlsx").write_bytes(b"\x00owner")
    (d / ".~lock.003_bundle.xlsx#").write_text("lock", encoding="utf-8")
    (d / ".notes.txt").write_text("hidden", encoding="utf-8")
    (d / ".git").mkdir()
    (d / ".git" / "HEAD").write_text("ref", encoding="utf-8")
    return d


def test_every_file_in_a_folder_is_listed_with_its_status(tmp_path):
    res = run(_folder(tmp_path), "--format", "json")
    assert res.exit_code == 2
    got = {name: (f["status"], f["error_message"]) for name, f in files(res).items()}
    assert got == {
        GOOD.name: ("checked", ""),
        "scan.png": ("skipped", "不支持的文件类型 .png，未核查"),
        "~$003_bundle.xlsx": ("skipped", "临时文件或锁文件，未核查"),
        ".~lock.003_bundle.xlsx#": ("skipped", "临时文件或锁文件，未核查"),
        ".notes.txt": ("skipped", "隐藏文件，未核查"),
        ".git": ("skipped", "隐藏目录，未查找"),
    }
    assert res.stderr.strip().splitlines() == [f"{tmp_path / 'batch' / 'scan.png'}: 不支持的文件类型 .png，未核查"]
    good_checked(res)


def test_skip_unsupported_lists_but_does_not_fail(tmp_path):
    res = run(_folder(tmp_path), "--format", "json", "--skip-unsupported")
    assert res.exit_code == 1  # the good file's errors; the picture and the litter do not count
    assert files(res)["scan.png"]["status"] == "skipped"
    assert res.stderr == ""
    good_checked(res)


def test_litter_alone_does_not_fail_a_clean_run(tmp_path):
    d = _folder(tmp_path)
    (d / "scan.png").unlink()
    assert run(d, "--fail-on", "never").exit_code == 0


def test_unsupported_file_given_directly(tmp_path):
    f = tmp_path / "form.wps.zip"
    f.write_bytes(b"PK")
    res = run(f, GOOD, "--format", "json")
    assert res.exit_code == 2
    assert files(res)["form.wps.zip"]["error_message"] == "不支持的文件类型 .zip，未核查"
    good_checked(res)


def test_nothing_to_check(tmp_path):
    d = tmp_path / "empty"
    d.mkdir()
    (d / "~$x.xlsx").write_bytes(b"x")
    res = run(d)
    assert res.exit_code == 2 and res.stderr.strip() == "jixiao: 没有找到可核查的文件"


def test_missing_file_listed_unreadable(tmp_path):
    res = run(tmp_path / "gone.txt", GOOD, "--format", "json")
    assert res.exit_code == 2
    assert files(res)["gone.txt"] | {} == files(res)["gone.txt"]
    assert (files(res)["gone.txt"]["status"], files(res)["gone.txt"]["error_message"]) == ("unreadable", "文件不存在")
    good_checked(res)


# ---------------------------------------------------------------- names and trees


def _bad_name(folder: Path, suffix: str) -> Path:
    raw = os.fsencode(str(folder)) + b"/\xe9t\xe9_form" + suffix.encode()
    return Path(os.fsdecode(raw))


@pytest.mark.parametrize("fmt", ["text", "json", "html", "csv", "sarif", "junit"])
def test_non_utf8_file_name_is_shown_escaped(tmp_path, fmt):
    bad = _bad_name(tmp_path, ".txt")
    shutil.copy(GOOD, bad)
    out = tmp_path / f"r.{fmt}"
    res = run(tmp_path, "--format", fmt, "-o", out)
    assert res.exit_code == 1
    text = out.read_text(encoding="utf-8-sig")
    if fmt == "sarif":  # a URI: the escaped name percent-encoded
        assert "%5Cxe9t%5Cxe9_form.txt" in text
    elif fmt == "json":
        text = json.dumps(json.loads(text), ensure_ascii=False)  # one level of JSON escaping
        assert "\\\\xe9t\\\\xe9_form.txt" in text
    else:
        assert "\\xe9t\\xe9_form.txt" in text
    assert "SUM.SECTION_WEIGHT" in text  # the file was read under its real name and checked


def test_non_utf8_name_annotated_copy(tmp_path):
    bad = _bad_name(tmp_path, ".xlsx")
    shutil.copy(XLSX, bad)
    res = run(bad, "--annotate", tmp_path / "out", "--format", "json")
    assert res.exit_code == 1
    doc = json.loads(res.stdout)
    assert doc["files"][0]["path"].endswith("\\xe9t\\xe9_form.xlsx") and doc["files"][0]["status"] == "checked"
    written = sorted(os.listdir(os.fsencode(str(tmp_path / "out"))))
    # the copy's name is sanitised (bytes that are no UTF-8 dropped); the manifest names it as jixiao's
    assert written == [b".jixiao-outputs.json", "t__form.核查.xlsx".encode()]
    assert "已写出批注副本" in res.stderr and "t__form.核查.xlsx" in res.stderr


def test_a_tree_1200_levels_deep(tmp_path):
    top = tmp_path / "deep"
    levels = [str(top) + "/d" * n for n in range(1201)]
    for folder in levels:  # built (and removed) level by level: pathlib and rmtree would recurse
        os.mkdir(folder)
    shutil.copy(GOOD, Path(levels[-1]) / "lost.txt")
    shutil.copy(GOOD, top / GOOD.name)
    try:
        res = run(top, "--format", "json")
    finally:
        os.unlink(Path(levels[-1]) / "lost.txt")
        for folder in reversed(levels[1:]):
            os.rmdir(folder)
    assert res.exit_code == 2
    doc = json.loads(res.stdout)
    too_deep = [f for f in doc["files"] if f["status"] == "skipped"]
    assert len(too_deep) == 1 and too_deep[0]["error_message"] == "目录层级超过 64 层，未查找"
    assert too_deep[0]["path"] == str(top) + "/d" * 65
    assert [f["status"] for f in doc["files"]] == ["checked", "skipped"]
    good_checked(doc)


def test_a_symlink_loop_is_named_once(tmp_path):
    d = tmp_path / "loop"
    (d / "sub").mkdir(parents=True)
    shutil.copy(GOOD, d / "sub" / GOOD.name)
    os.symlink(d, d / "sub" / "back")
    res = run(d, "--format", "json")
    assert res.exit_code == 1  # only the form's errors: the loop hides no file
    listed = [(Path(f["path"]).relative_to(d).as_posix(), f["status"], f["error_message"]) for f in files(res).values()]
    assert sorted(listed) == [
        ("sub/001_selfeval_yanchi_2024.txt", "checked", ""),
        ("sub/back", "skipped", "符号链接形成循环，未再次进入该目录"),
    ]


def test_unrecognised_files_fail_even_when_only_one_family_is_selected(tmp_path):
    d = tmp_path / "minutes"
    d.mkdir()
    (d / "会议纪要.txt").write_text("会议纪要\n今天讨论了预算。\n", encoding="utf-8")
    (d / "通知.csv").write_text("标题,日期\n通知,2024-01-01\n", encoding="utf-8")
    res = run(d, "--select", "CAP", "--format", "json")
    assert res.exit_code == 1
    doc = json.loads(res.stdout)
    assert [(Path(f["path"]).name, f["status"]) for f in doc["files"]] == \
        [("会议纪要.txt", "unrecognised"), ("通知.csv", "unrecognised")]
    assert [(Path(f["file"]).name, f["rule"], f["severity"]) for f in doc["findings"]] == \
        [("会议纪要.txt", "PARSE.UNRECOGNISED", "error"), ("通知.csv", "PARSE.UNRECOGNISED", "error")]
    # a file nobody read fails the gate whatever the selection: asking to ignore the rule is refused
    line = usage_error(run(d, "--select", "CAP", "--ignore", "PARSE.UNRECOGNISED"))
    assert "PARSE.UNRECOGNISED" in line and "不能忽略" in line


def test_output_to_a_device_is_written_in_place_not_replaced():
    import stat

    if not stat.S_ISCHR(os.stat(os.devnull).st_mode):
        pytest.skip("no character device at os.devnull here")
    res = run(GOOD, "--format", "json", "-o", os.devnull)
    assert res.exit_code == 1
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)  # still the device, not a report file


def test_output_through_a_symlink_replaces_the_file_it_names(tmp_path):
    real = tmp_path / "reports" / "r.txt"
    real.parent.mkdir()
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "latest.txt"
    link.symlink_to(real)
    assert run(GOOD, "-o", link).exit_code == 1
    assert link.is_symlink() and "SUM.SECTION_WEIGHT" in real.read_text(encoding="utf-8")


def test_an_internal_error_is_one_line_and_exit_2_not_1(monkeypatch):
    from checker import engine

    def broken(*args, **kwargs):
        raise RuntimeError("batch frames out of step")

    monkeypatch.setattr(engine, "build_batch", broken)
    res = run(GOOD, "-j", "1")
    assert res.exit_code == 2 and res.stdout == ""
    assert res.stderr.strip() == ("jixiao: 内部错误（RuntimeError: batch frames out of step），请附上输入文件报告此问题"
                                  "（设置 JIXIAO_DEBUG=1 可显示详细信息）")


def test_a_reader_message_naming_an_undecodable_file_is_escaped(tmp_path, monkeypatch):
    from checker import executors
    from checker.grid import UnreadableInput

    def reader(path, *args, **kwargs):
        raise UnreadableInput(f"cannot open {path}\nsecond line")

    monkeypatch.setattr(executors, "read_any", reader)
    bad = _bad_name(tmp_path, ".txt")
    shutil.copy(GOOD, bad)
    res = run(bad, "-j", "1")
    assert res.exit_code == 2
    shown = str(tmp_path) + "/\\xe9t\\xe9_form.txt"
    assert res.stderr.strip() == f"{shown}: cannot open {shown} second line"


def test_a_named_pipe_in_a_folder_is_listed_not_read(tmp_path):
    d = tmp_path / "batch"
    d.mkdir()
    shutil.copy(GOOD, d / GOOD.name)
    os.mkfifo(d / "feed.txt")  # reading it would wait for a writer forever
    res = run(d, "--format", "json")
    assert res.exit_code == 2
    assert (files(res)["feed.txt"]["status"], files(res)["feed.txt"]["error_message"]) == \
        ("skipped", "不是普通文件，未核查")
    good_checked(res)
