"""Recall and false errors of jixiao on a folder of forms with an answer key, per form kind and family.

usage: python benchmarks/accuracy.py [--key DIR] [--verbose]

DIR holds ``answers*.yaml`` in the format of ``../shared/realforms`` (README.md there): per file,
the inconsistencies a careful reviewer finds (family or list of families, a project substring,
an optional indicator substring), optional ``tolerate`` entries (rule prefix, optional indicator)
and ``expect_error: true`` for a file that must be refused.  The matching is the key's own: an
expected item is found when a finding of an acceptable family names its project (in project,
file or message) and, if given, its indicator (in indicator, section or message); an
error-severity finding matching no expected item and no tolerated one is a false error.

Each file is checked alone, in this process (the checker of the tree this script sits in).
Prints a line per file (with --verbose, what was missed and each false error), then recall and
false errors per form kind (as jixiao recognised the file: selfeval / bundle / rubric / target /
unrecognised …) and per finding family, and a last line ``recall=X/Y false_errors=Z crashes=W``.
Without --key, ../shared/realforms beside the repository is used when present.
Exit code 0; 2 when the key folder is missing or holds no answers*.yaml.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


# --- the key's matching rule (as in ../shared/realforms/score.py) ------------------------------------
def _text(f: dict, *keys: str) -> str:
    return "".join(str(f.get(k) or "") for k in keys)


def families(e: dict) -> list[str]:
    return e["family"] if isinstance(e["family"], list) else [e["family"]]


def matches(e: dict, f: dict) -> bool:
    """A finding ``f`` matches the expected item ``e``."""
    if f.get("family") not in families(e):
        return False
    if e.get("project") and e["project"] not in _text(f, "project", "file", "message"):
        return False
    ind = e.get("indicator")
    return not ind or ind in _text(f, "indicator", "section", "message")


def tolerated(t: dict, f: dict) -> bool:
    if not str(f.get("rule", "")).startswith(t["rule"]):
        return False
    ind = t.get("indicator")
    return not ind or ind in _text(f, "indicator", "section", "message")


@dataclass
class FileScore:
    file: str
    kind: str = ""
    expected: list[dict] = field(default_factory=list)
    found: list[dict] = field(default_factory=list)        # expected items found
    false: list[dict] = field(default_factory=list)        # error findings matching nothing
    crashed: str = ""                                      # why the file could not be scored

    @property
    def missed(self) -> list[dict]:
        return [e for e in self.expected if e not in self.found]


def score_file(entry: dict, kind: str, findings: list[dict]) -> FileScore:
    """One key entry against the findings jixiao gave for its file."""
    exp = entry.get("expected") or []
    tol = entry.get("tolerate") or []
    s = FileScore(entry["file"], kind, exp)
    s.found = [e for e in exp if any(matches(e, f) for f in findings)]
    s.false = [f for f in findings if f.get("severity") == "error" and not any(matches(e, f) for e in exp)
               and not any(tolerated(t, f) for t in tol)]
    return s


@dataclass
class Tally:
    files: int = 0
    expected: int = 0
    found: int = 0
    false: int = 0
    crashes: int = 0

    def row(self, name: str) -> str:
        recall = f"{self.found / self.expected:.0%}" if self.expected else "—"
        files = str(self.files) if self.files else ""
        return f"{name:<16}{files:>6}{self.expected:>9}{self.found:>7}{recall:>8}{self.false:>13}{self.crashes:>9}"


HEAD = f"{'':<16}{'files':>6}{'expected':>9}{'found':>7}{'recall':>8}{'false errors':>13}{'crashes':>9}"


def aggregate(scores: list[FileScore]) -> tuple[dict[str, Tally], dict[str, Tally], Tally]:
    """(per form kind, per family, total).  An expected item counts under its first acceptable
    family; a false error under its own family; files count under the kinds only."""
    kinds: dict[str, Tally] = defaultdict(Tally)
    fams: dict[str, Tally] = defaultdict(Tally)
    total = Tally()
    for s in scores:
        for t in (kinds[s.kind or "unread"], total):
            t.files += 1
            t.crashes += bool(s.crashed)
            t.expected += len(s.expected)
            t.found += len(s.found)
            t.false += len(s.false)
        for e in s.expected:
            fams[families(e)[0]].expected += 1
            fams[families(e)[0]].found += e in s.found
        for f in s.false:
            fams[str(f.get("family") or "?")].false += 1
    return dict(sorted(kinds.items())), dict(sorted(fams.items())), total


# --- running the checker ---------------------------------------------------------------------------
def load_key(folder: Path) -> list[dict]:
    import yaml

    entries: list[dict] = []
    for p in sorted(folder.glob("answers*.yaml")):
        entries += yaml.safe_load(p.read_text(encoding="utf-8")) or []
    return entries


def check_entry(folder: Path, entry: dict) -> FileScore:
    from checker.engine import check

    path = folder / entry["file"]
    try:
        result = check([str(path)])
    except Exception as e:  # noqa: BLE001 - a crash is what this script counts
        return FileScore(entry["file"], "", entry.get("expected") or [], crashed=f"{type(e).__name__}: {e}")
    status = result.files[0] if result.files else None
    kind = status.kind if status and status.status == "checked" else (status.status if status else "missing")
    if entry.get("expect_error"):
        ok = status is not None and status.status == "unreadable"
        return FileScore(entry["file"], kind or "unreadable", crashed="" if ok else f"not refused ({kind})")
    s = score_file(entry, kind or "unrecognised", result.findings.to_dict("records"))
    if status is None or status.status == "unreadable":
        s.crashed = f"unreadable: {status.error_message if status else 'no status'}"
    return s


def default_key() -> Path | None:
    return next((p / "shared" / "realforms" for p in (ROOT.parent, ROOT.parent.parent)
                 if (p / "shared" / "realforms").is_dir()), None)


def report(scores: list[FileScore], verbose: bool) -> list[str]:
    lines = []
    for s in scores:
        note = f"  CRASH {s.crashed}" if s.crashed else ""
        lines.append(f"{s.file}: [{s.kind}] {len(s.found)}/{len(s.expected)} found, {len(s.false)} false errors{note}")
        if verbose:
            lines += [f"   missed: {e.get('family')} {e.get('project', '')} / {e.get('indicator', '')}" for e in s.missed]
            lines += [f"   false error: {f.get('rule')} {f.get('project')} / {f.get('indicator') or f.get('section')}"
                      f" - {f.get('reported')} vs {f.get('expected')}" for f in s.false]
    kinds, fams, total = aggregate(scores)
    lines += ["", "per form kind", HEAD, *(t.row(k) for k, t in kinds.items()),
              "", "per family", HEAD, *(t.row(k) for k, t in fams.items()), "", total.row("total"),
              f"recall={total.found}/{total.expected} false_errors={total.false} crashes={total.crashes}"]
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="benchmarks/accuracy.py", description=__doc__.split("\n")[0])
    ap.add_argument("--key", type=Path, help="folder with answers*.yaml (default: ../shared/realforms)")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args(argv)
    folder = a.key or default_key()
    if folder is None or not folder.is_dir():
        print(f"{folder or '../shared/realforms'}: no such folder (give --key DIR)", file=sys.stderr)
        return 2
    entries = load_key(folder)
    if not entries:
        print(f"{folder}: no answers*.yaml with entries", file=sys.stderr)
        return 2
    print("\n".join(report([check_entry(folder, e) for e in entries], a.verbose)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
