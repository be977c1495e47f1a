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
