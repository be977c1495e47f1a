"""What Chinese the package spells outside its lexicon (``checker/lexicon/*.yaml``).

Two counts per module, read from the source with ``ast`` (comments and docstrings do not count):
*word lists* — a tuple, list, set or dict literal holding two or more Chinese strings, the shape a
list of words to recognise takes — and *Chinese literals*, every other string constant with a
Chinese character (messages, mostly).  ``tests/test_lexicon.py`` holds both to the baseline in
``tests/lexicon_allow.yaml``: words to recognise belong in the lexicon, and a module may not grow
new ones; run ``python tests/lexicon_scan.py --write`` after moving words out to lower the baseline.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("checker", "rules", "reports")
ALLOW = Path(__file__).with_name("lexicon_allow.yaml")
CJK = re.compile(r"[\u3400-\u9fff]")


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = getattr(node, "body", [])
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def scan_file(path: Path) -> dict[str, int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    lists = literals = 0
    for node in ast.walk(tree):
        if isinstance(node, (ast.Tuple, ast.List, ast.Set, ast.Dict)):
            elts = node.elts if not isinstance(node, ast.Dict) else [k for k in node.keys if k is not None] + node.values
            if sum(isinstance(e, ast.Constant) and isinstance(e.value, str) and bool(CJK.search(e.value)) for e in elts) >= 2:
                lists += 1
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs \
                and CJK.search(node.value):
            literals += 1
    return {"word_lists": lists, "literals": literals}


def scan(root: Path = ROOT) -> dict[str, dict[str, int]]:
    out = {}
    for pkg in PACKAGES:
        for p in sorted((root / pkg).rglob("*.py")):
            counts = scan_file(p)
            if any(counts.values()):
                out[p.relative_to(root).as_posix()] = counts
    return out


def allowed() -> dict[str, dict[str, int]]:
    return yaml.safe_load(ALLOW.read_text(encoding="utf-8"))["modules"]


if __name__ == "__main__":
    if "--write" in sys.argv:
        head = ("# The Chinese each module may still spell outside checker/lexicon/ (tests/lexicon_scan.py):\n"
                "# word_lists must only fall (messages and display tables of the emitters are what remains),\n"
                "# literals (messages) may not grow.  Lower it with `python tests/lexicon_scan.py --write`.\n")
        ALLOW.write_text(head + yaml.safe_dump({"modules": scan()}, allow_unicode=True, sort_keys=True), encoding="utf-8")
    for path, counts in scan().items():
        print(f"{path}: {counts['word_lists']} word lists, {counts['literals']} Chinese literals")
