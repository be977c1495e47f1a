"""Worker processes: output identical to one process, input order kept, and a file that hangs
or eats memory is named as unreadable while the rest of the batch is checked."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checker import executors
from checker.cli import app
from checker.engine import RunOptions, check
from checker.executors import make_limits
from reports import render

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
GOOD = DATA / "batch/001_selfeval_yanchi_2024.txt"
REALFORMS = ROOT.parent / "shared" / "realforms"
runner = CliRunner()


def cli(*args):
    res = runner.invoke(app, ["check", "--no-config", "-q", *map(str, args)])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    return res


def test_jobs_2_equals_jobs_1_on_the_seed_batch(tmp_path):
    one, two = tmp_path / "1.json", tmp_path / "2.json"
    for jobs, out in (("1", one), ("2", two)):
        res = cli(DATA, "--skip-unsupported", "--format", "json", "--jobs", jobs, "-o", out)
        assert res.exit_code == 1
    assert one.read_bytes() == two.read_bytes()
    doc = json.loads(one.read_text(encoding="utf-8"))
    assert [Path(f["path"]).name for f in doc["files"] if f["status"] == "checked"][:3] == \
        ["000_rubric.docx", "001_selfeval_yanchi_2024.txt", "002_rubric.docx"]
    assert doc["summary"]["projects"] >= 30  # the 14-table bundle twice, rubrics, targets …


def test_worker_processes_equal_one_process(tmp_path):
    """In-process (the API default) and worker processes give the same bytes in every format."""
    paths = [str(DATA / "batch/003_bundle.xlsx"), str(GOOD), str(DATA / "batch" / "paired")]
    here = check(paths, options=RunOptions(jobs=0))
    pool = check(paths, options=RunOptions(jobs=2))
    for fmt in ("json", "text", "sarif"):
        assert render(here, fmt) == render(pool, fmt)
    assert [s.sha256 for s in here.files] == [s.sha256 for s in pool.files]
    assert here.files[0].sha256 == __import__("hashlib").sha256((DATA / "batch/003_bundle.xlsx").read_bytes()).hexdigest()


@pytest.mark.skipif(not REALFORMS.is_dir(), reason="../shared/realforms is not beside this checkout")
def test_jobs_2_equals_jobs_1_on_the_realforms(tmp_path):
    one, two = tmp_path / "1.json", tmp_path / "2.json"
    for jobs, out in (("1", one), ("2", two)):
        res = cli(REALFORMS, "--skip-unsupported", "--format", "json", "--jobs", jobs, "-o", out)
        assert res.exit_code == 1
    assert one.read_bytes() == two.read_bytes()
    doc = json.loads(one.read_text(encoding="utf-8"))
    statuses = {Path(f["path"]).name: f["status"] for f in doc["files"]}
    assert statuses["r_永德_营养改善计划.txt"] == "checked"
    assert statuses["answers.yaml"] == "skipped" and statuses["score.py"] == "skipped"


# ------------------------------------------------------------ hostile files, bounded


@pytest.fixture
def hostile_reader(monkeypatch):
    """A reader that hangs on *slow*, allocates without end on *huge*, dies on *crash*.  Worker
    processes are forked, so they inherit the patch."""
    real = executors.read_any

    def reader(path, *args, **kwargs):
        name = os.path.basename(path)
        if name.startswith("slow"):
            time.sleep(600)
        if name.startswith("huge"):
            hog = []
            while True:
                hog.append(bytearray(64 * 1024 * 1024))
        if name.startswith("crash"):
            os._exit(7)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(executors, "read_any", reader)


def _batch(tmp_path: Path, *names: str) -> list[str]:
    out = []
    for name in names:
        shutil.copy(GOOD, tmp_path / name)
        out.append(str(tmp_path / name))
    return out


def test_a_file_over_the_time_limit_is_unreadable_and_the_batch_goes_on(tmp_path, hostile_reader):
    paths = _batch(tmp_path, "slow.txt", "good.txt")
    started = time.monotonic()
    r = check(paths, options=RunOptions(jobs=1, limits=make_limits({"per_file_seconds": 2})))
    assert time.monotonic() - started < 60  # bounded: the hung worker was killed (the limit is 2 s)
    slow, good = r.files
    assert (slow.status, slow.reason, slow.error_message) == ("unreadable", "timeout", "处理超时（2 秒），已中止")
    assert good.status == "checked"
    assert ((r.findings["file"] == good.path) & (r.findings["rule"] == "SUM.SECTION_WEIGHT")).sum() == 2


def test_a_file_over_the_memory_cap_is_unreadable_and_the_batch_goes_on(tmp_path, hostile_reader):
    paths = _batch(tmp_path, "good1.txt", "huge.txt", "good2.txt")
    r = check(paths, options=RunOptions(jobs=2, limits=make_limits({"worker_memory_mib": 256})))
    assert [s.status for s in r.files] == ["checked", "unreadable", "checked"]
    assert (r.files[1].reason, r.files[1].error_message) == ("memory", "内存超过上限（256 MiB），已中止")
    assert set(r.findings["file"]) == {r.files[0].path, r.files[2].path}


def test_a_worker_that_dies_is_replaced(tmp_path, hostile_reader):
    paths = _batch(tmp_path, "crash.txt", "good.txt")
    r = check(paths, options=RunOptions(jobs=1))
    assert r.files[0].status == "unreadable"
    assert r.files[0].error_message == "处理时工作进程异常退出（退出码 7），可能超过内存上限（1024 MiB）"
    assert r.files[1].status == "checked"


def test_cli_exit_code_and_message_for_a_hung_file(tmp_path, hostile_reader):
    paths = _batch(tmp_path, "slow.txt", "good.txt")
    res = cli(*paths, "--limit", "per-file-seconds=1", "--format", "json", "-j", "2")
    assert res.exit_code == 2
    assert res.stderr.strip().splitlines() == [f"{paths[0]}: 处理超时（1 秒），已中止"]
    doc = json.loads(res.stdout)
    assert doc["files"][1]["status"] == "checked" and doc["files"][1]["errors"] == 4


def test_results_keep_input_order_when_an_early_file_is_slow(tmp_path, monkeypatch):
    real = executors.read_any

    def late_first(path, *a, **k):
        if os.path.basename(path).startswith("a_"):
            time.sleep(1.5)
        return real(path, *a, **k)

    monkeypatch.setattr(executors, "read_any", late_first)
    paths = _batch(tmp_path, "a_first.txt", "b_second.txt", "c_third.txt")
    r = check(paths, options=RunOptions(jobs=2))
    assert [Path(s.path).name for s in r.files] == ["a_first.txt", "b_second.txt", "c_third.txt"]
    assert list(r.findings["file"].drop_duplicates()) == paths


def test_no_progress_bar_when_not_a_terminal():
    res = runner.invoke(app, ["check", "--no-config", str(GOOD), "-j", "2"])
    assert res.exit_code == 1 and res.stderr == ""  # stderr is not a terminal here: silent
