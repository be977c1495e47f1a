"""Time the rule-case suite's two ways of running a case, interleaved case by case so a busy
machine weighs on both alike: the whole engine (``check``: every rule, file statuses, ordering)
against the case runner (read, recognise, build the batch, the one rule under test).

usage: python benchmarks/rule_cases.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from checker.engine import check  # noqa: E402
from checker.profile import load_profile  # noqa: E402
from tests.casekit import build_form, load_cases, run_case  # noqa: E402


def main() -> None:
    cases = load_cases(ROOT / "rules" / "cases")
    whole = runner = 0.0
    for rule_id, _, case in cases:
        profile = load_profile(str(ROOT / case["profile"])) if "profile" in case else None
        with tempfile.TemporaryDirectory() as tmp:
            files = []
            for n, form in enumerate(case.get("files") or [case], start=1):
                p = Path(tmp) / f"w{n}.txt"
                p.write_text(build_form(form), encoding="utf-8")
                files.append(str(p))
            t = time.process_time()
            check(files, profile)
            whole += time.process_time() - t
            t = time.process_time()
            run_case(rule_id, case, Path(tmp), profile)
            runner += time.process_time() - t
    n = len(cases)
    print(f"{n} cases: whole engine {whole:.1f} s CPU ({whole / n * 1000:.0f} ms a case), "
          f"case runner {runner:.1f} s CPU ({runner / n * 1000:.0f} ms a case), {whole / runner:.1f}× faster")


if __name__ == "__main__":
    main()
