"""Mutation fuzz: deterministic mutants of every sample (tests/mutators.py) through the readers and
the whole engine.  No exception may escape, no reader may fail with anything but a one-line
reason, every file must be listed, and no file may take long to read.

The default run checks a few hundred mutants; CI runs thousands as its own step:
``JIXIAO_FUZZ_COUNT=2000 python3 -m pytest -q tests/test_fuzz_mutants.py -m fuzz``.
Crashes of recognisers or rules (PARSE.INTERNAL findings) are listed in the summary line and,
with ``JIXIAO_FUZZ_STRICT=1``, fail the test.
"""

from __future__ import annotations

import os
import time
from collections import Counter

import pytest

from checker.engine import check
from checker.grid import SkippedInput, UnreadableInput
from checker.readers import read_any
from tests.mutators import mutant

COUNT = int(os.environ.get("JIXIAO_FUZZ_COUNT", "200"))
START = int(os.environ.get("JIXIAO_FUZZ_START", "0"))
STRICT = os.environ.get("JIXIAO_FUZZ_STRICT", "") == "1"
BATCH = 100            # files per engine run: the rules' fixed cost is shared
READ_SECONDS = 10.0    # one file's read; far above any sample's (< 0.1 s), far below a hang


def _read(path: str) -> tuple[str, float]:
    """'' or the exception that escaped the reader; the seconds the read took."""
    start = time.perf_counter()
    try:
        read_any(path)
    except (UnreadableInput, SkippedInput):
        pass
    except Exception as exc:  # noqa: BLE001 - that is what the test looks for
        return f"{type(exc).__name__}: {exc}", time.perf_counter() - start
    return "", time.perf_counter() - start


def _culprit(batch: list[str]) -> str:
    """The engine raised on a batch: find the file that does it alone."""
    for path in batch:
        try:
            check([path])
        except Exception as exc:  # noqa: BLE001
            return f"{path}: {type(exc).__name__}: {exc}"
    return "only the batch as a whole"


@pytest.mark.fuzz
def test_mutants_never_crash_the_readers_or_the_engine(tmp_path, capsys):
    started = time.perf_counter()
    paths = []
    for n in range(START, START + COUNT):
        name, data, _ = mutant(n)
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))

    escaped, slow = [], []
    for path in paths:
        error, seconds = _read(path)
        if error:
            escaped.append(f"{path}: {error}")
        if seconds > READ_SECONDS:
            slow.append(f"{path}: {seconds:.1f} s")

    statuses: Counter = Counter()
    reader_failures, internal = [], []
    for i in range(0, len(paths), BATCH):
        batch = paths[i: i + BATCH]
        try:
            result = check(batch)
        except Exception as exc:  # noqa: BLE001
            pytest.fail(f"the engine raised {type(exc).__name__}: {exc}; culprit: {_culprit(batch)}")
        assert [f.path for f in result.files] == batch  # every file listed, in order
        statuses.update(f.status for f in result.files)
        reader_failures += [f"{f.path}: {f.error_message}" for f in result.files
                            if f.status == "unreadable" and f.error_message.startswith("读取失败")]
        crashed = result.findings[result.findings["rule"] == "PARSE.INTERNAL"]
        internal += [f"{row.file}: {row.message}" for row in crashed.itertuples()]

    elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(f"\nfuzz: {COUNT} mutants ({START}–{START + COUNT - 1}) in {elapsed:.1f} s; "
              f"{dict(sorted(statuses.items()))}; recogniser/rule crashes (PARSE.INTERNAL): {len(internal)}")
        for line in internal[:20]:
            print(f"  PARSE.INTERNAL {line}")
    assert escaped == [], escaped[:10]
    assert reader_failures == [], reader_failures[:10]
    assert slow == [], slow
    assert sum(statuses.values()) == COUNT
    if STRICT:
        assert internal == [], internal[:10]


# ---------------------------------------------------------------- settings and output options

SETTINGS_COUNT = int(os.environ.get("JIXIAO_FUZZ_SETTINGS_COUNT", "40"))


def _sha(path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fuzz_tree(root):
    """The inputs every case runs over (an input named like an annotated copy, two same-named
    workbooks), a trap folder of symlinks and a pipe named like outputs, and a file outside."""
    import shutil

    from tests.mutators import ROOT

    good, book = ROOT / "data" / "batch" / "001_selfeval_yanchi_2024.txt", ROOT / "data" / "batch" / "003_bundle.xlsx"
    (root / "in" / "u").mkdir(parents=True)
    shutil.copy(good, root / "in" / "a.txt")
    for name in ("b.xlsx", "u/b.xlsx", "b.核查.xlsx"):
        shutil.copy(book, root / "in" / name)
    (root / "outside.txt").write_text("outside", encoding="utf-8")
    trap = root / "trap"
    trap.mkdir()
    for name, target in (("index.html", "in/a.txt"), ("A.html", "in/b.xlsx"), ("b.核查.xlsx", "in/b.xlsx"),
                         ("甲乙.html", "outside.txt"), ("b-2.核查.xlsx", "nowhere"), ("A-B.核查.xlsx", "in/u/b.xlsx")):
        (trap / name).symlink_to(root / target)
    os.mkfifo(trap / "A-B.html")
    (root / "link-to-input").symlink_to(root / "in" / "a.txt")
    return [p for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()] + [root / "outside.txt"]


def _small(result):
    """The result cut to the first table of each file: split reports render per table, and the
    fuzz is about where they go, not how long they take."""
    from dataclasses import replace

    first = set(result.projects.groupby("file")["project_id"].first())
    keep = {n: getattr(result, n)[getattr(result, n)["project_id"].isin(first)].reset_index(drop=True)
            for n in ("projects", "funds", "sections", "indicators")}
    f = result.findings
    return replace(result, findings=f[f["project_id"].isin(first) | (f["project_id"] == "")].reset_index(drop=True),
                   **keep)


def _case_args(case: dict, root, work) -> list[str]:
    if case["kind"] == "config":
        name, data = case["config"]
        (work / name).write_bytes(data)
        return ["--config", str(work / name)]
    if case["kind"] == "profile":
        (work / "p.yaml").write_bytes(case["profile"])
        return ["--no-config", "--profile", str(work / "p.yaml")]
    if case["kind"] == "baseline":
        (work / "base.json").write_bytes(case["baseline"])
        return ["--no-config", "--compare", str(work / "base.json"), "--fail-on-new"]
    args = ["--no-config", "-f", case["format"]]
    if case["output"]:
        args += ["-o", case["output"] if case["output"].startswith("/") else str(root / case["output"])]
    if case["annotate"]:
        args += ["--annotate", str(root / case["annotate"])]
    if case["split"]:
        args += ["--split-by", case["split"][0], str(root / case["split"][1])]
    return args


@pytest.mark.fuzz
def test_settings_and_output_mutants_never_crash_nor_touch_an_input(tmp_path, monkeypatch, capsys):
    """Hostile jixiao.toml, pyproject.toml, profiles, --compare baselines and output options
    (outputs onto inputs, into the input folder, into a folder of symlinks and a pipe named like
    the outputs, project and department names that collide): never a traceback or an internal
    error, and not one input (nor the file the symlinks lead to) changed.  The engine's run is
    the one computed once (``cli._run`` returns it): the readers and rules are the other test's."""
    import shutil
    from dataclasses import replace

    from typer.testing import CliRunner

    import checker.cli as cli
    from reports import render
    from tests.mutators import settings_case

    started = time.perf_counter()
    root = tmp_path / "fuzz"
    root.mkdir()
    watched = _fuzz_tree(root)
    before = {p: _sha(p) for p in watched}
    links = {p: os.readlink(p) for p in (root / "trap").iterdir() if p.is_symlink()}
    result = _small(check([str(root / "in")]))
    good_baseline = render(result, "json").encode("utf-8")
    current = {}

    def fake_run(plan):
        r = current["result"]
        r.fail_on = plan.fail_on
        if plan.extra["baseline"] is not None:
            from checker.compare import compare
            r.extra["comparison"] = compare(r.findings, plan.extra["baseline"], str(plan.extra["compare"]),
                                            plan.extra["fail_on_new"])
        return r

    monkeypatch.setattr(cli, "_run", fake_run)
    runner = CliRunner()
    codes: Counter = Counter()
    problems = []
    for n in range(SETTINGS_COUNT):
        case = settings_case(n, good_baseline)
        work = tmp_path / "case"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        r = replace(result, extra=dict(result.extra))
        if case["kind"] == "outputs":
            k = len(r.projects)
            r = replace(r, projects=r.projects.assign(name=case["names"][:k], department=case["departments"][:k]))
        current["result"] = r
        args = ["check", "-q", str(root / "in"), *_case_args(case, root, work)]
        res = runner.invoke(cli.app, args)
        codes[res.exit_code] += 1
        if res.exception is not None and not isinstance(res.exception, SystemExit):
            problems.append(f"case {n} {case['kind']}: {type(res.exception).__name__}: {res.exception}")
        elif res.exit_code not in (0, 1, 2) or "内部错误" in res.stderr or "Traceback" in res.stderr:
            problems.append(f"case {n} {case['kind']}: exit {res.exit_code}: {res.stderr[-300:]}")
        changed = [str(p) for p in watched if not p.is_file() or p.is_symlink() or _sha(p) != before[p]]
        changed += [str(p) for p, t in links.items() if not p.is_symlink() or os.readlink(p) != t]
        if changed:
            problems.append(f"case {n} {case['kind']} {args[3:]}: changed {changed}")
            break
    elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(f"\nsettings/output fuzz: {SETTINGS_COUNT} cases in {elapsed:.1f} s; exit codes {dict(sorted(codes.items()))}")
    assert problems == [], problems[:10]
