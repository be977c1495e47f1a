"""Coverage-guided fuzzing of the readers with atheris (libFuzzer), for long runs by hand.

    python3 -m pip install atheris              # a wheel for CPython 3.11 on Linux x86-64
    python3 fuzz/atheris_readers.py --make-corpus fuzz/corpus
    python3 fuzz/atheris_readers.py fuzz/corpus -timeout=20 -rss_limit_mb=1024 -max_len=2000000

An input's first byte picks the file type (its suffix), the rest is the file.  Any exception
other than UnreadableInput/SkippedInput is a bug; libFuzzer's -timeout and -rss_limit_mb flag
hangs and memory blow-ups (the readers' limits should keep a file well under 1 GB).  The
seed corpus is the samples in data/ plus the first mutants of tests/mutators.py.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SUFFIXES = [".txt", ".csv", ".xlsx", ".docx", ".pdf", ".ods", ".xls", ".md"]
WORK = Path(tempfile.mkdtemp(prefix="jixiao-atheris-"))


def make_corpus(out: Path, mutants: int = 200) -> None:
    from tests.mutators import SEEDS, _bytes, mutant

    out.mkdir(parents=True, exist_ok=True)
    entries = [(p.name, _bytes(p)) for p in SEEDS]
    entries += [mutant(n)[:2] for n in range(mutants)]
    for name, body in entries:
        suffix = Path(name).suffix
        (out / name).write_bytes(bytes([SUFFIXES.index(suffix)]) + body)
    print(f"wrote {len(entries)} inputs to {out}")


def main() -> None:
    import atheris

    with atheris.instrument_imports(include=["checker"]):
        # the readers import their modules lazily: load them all here so they are instrumented
        import checker.readers.csv_reader
        import checker.readers.encoding
        import checker.readers.excel
        import checker.readers.ods_scan
        import checker.readers.office
        import checker.readers.pdf
        import checker.readers.text
        import checker.readers.word
        import checker.readers.xlsx_scan
        import checker.readers.zipguard  # noqa: F401
        from checker.grid import SkippedInput, UnreadableInput
        from checker.readers import read_any

    def test_one_input(data: bytes) -> None:
        suffix = SUFFIXES[data[0] % len(SUFFIXES)] if data else ".txt"
        path = WORK / f"input{suffix}"
        path.write_bytes(data[1:])
        with contextlib.suppress(UnreadableInput, SkippedInput):
            read_any(str(path))

    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--make-corpus":
        make_corpus(Path(sys.argv[2]))
    else:
        os.environ.setdefault("PYTHONHASHSEED", "0")
        main()
