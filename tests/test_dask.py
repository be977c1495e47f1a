"""The cluster path: read + recognise on Dask workers, rules on the gathered models, and the
same JSON as a local run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checker.cli import app
from checker.engine import RunOptions, check
from reports import render

distributed = pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
runner = CliRunner()


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as c:
        yield c


def test_dask_json_equals_local_on_the_seed_batch(cluster):
    local = runner.invoke(app, ["check", "--no-config", "-q", str(DATA), "--skip-unsupported", "-f", "json", "-j", "1"])
    remote = runner.invoke(app, ["check", "--no-config", "-q", str(DATA), "--skip-unsupported", "-f", "json",
                                 "--executor", "dask", "--scheduler", cluster.scheduler_address])
    assert remote.exit_code == local.exit_code == 1
    assert remote.stdout == local.stdout
    doc = json.loads(remote.stdout)
    assert doc["summary"]["errors"] > 0
    assert {f["status"] for f in doc["files"]} == {"checked", "skipped"}


def test_dask_reports_unreadable_files_like_local(cluster, tmp_path):
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"PK\x03\x04 not a workbook")
    paths = [str(bad), str(DATA / "batch/001_selfeval_yanchi_2024.txt")]
    with distributed.Client(cluster) as client:
        remote = check(paths, options=RunOptions(executor="dask", scheduler=client))
    local = check(paths, options=RunOptions(jobs=0))
    assert render(remote, "json") == render(local, "json")
    assert remote.files[0].status == "unreadable" and remote.files[1].status == "checked"


def test_dask_without_a_scheduler_is_a_usage_error():
    res = runner.invoke(app, ["check", "--no-config", str(DATA / "batch/001_selfeval_yanchi_2024.txt"), "--executor", "dask"])
    assert res.exit_code == 2
    assert res.stderr.strip() == "jixiao: --executor dask 需要 --scheduler 地址（如 tcp://10.0.0.5:8786）"


def test_an_unreachable_scheduler_is_a_usage_error_before_reading():
    res = runner.invoke(app, ["check", "--no-config", str(DATA / "batch/001_selfeval_yanchi_2024.txt"),
                              "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9"])
    assert res.exit_code == 2 and res.stdout == ""
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("jixiao: --scheduler tcp://127.0.0.1:9: 无法连接 Dask 调度器（")
