"""Form kinds as descriptions: which kind a file holds, by evidence.

Each ``*.yaml`` beside this module describes one kind of form (see README.md): the signals that
speak for it (with weights), the block reader that reads it, its blocks.  ``recognise`` scores
every description against a file's grids and keeps the best above its threshold; ``inspect`` shows
the choice, the runner-up and the evidence for each.  Signals are found once per file
(``signals``), so adding a kind costs one description, not another pass over the rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import yaml

from checker.grid import Grid
from checker.lexicon import LEXICON

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SCAN_ROWS = 400          # rows of each grid looked at for evidence
READERS = ("selfeval", "rubric", "target")


class FormError(ValueError):
    """A description that breaks the format (raised at load, naming the file)."""


@dataclass(frozen=True)
class Evidence:
    signal: str
    weight: float


@dataclass(frozen=True)
class Description:
    key: str                  # file stem: project_selfeval
    name: str                 # what a reviewer calls it
    kind: str                 # the model's kind
    reader: str               # the block reader
    evidence: tuple[Evidence, ...]
    threshold: float
    template: str = ""
    blocks: tuple = ()

    def has_block(self, name: str) -> bool:
        """Does the kind's form hold this block (``blocks``: header, funds, goal, indicators, total)?"""
        return any(name in b for b in self.blocks)

    def score(self, found: frozenset[str]) -> tuple[float, list[str], list[str]]:
        """(score, signals found, signals looked for and not found)."""
        got = [e for e in self.evidence if e.signal in found]
        missed = [e.signal for e in self.evidence if e.signal not in found and e.weight > 0]
        return sum(e.weight for e in got), [e.signal for e in got], missed


def _merge(parent: dict, child: dict) -> dict:
    out = {**parent, **{k: v for k, v in child.items() if k != "evidence"}}
    out["evidence"] = list(parent.get("evidence", [])) + list(child.get("evidence", []))
    return out


@cache
def descriptions() -> tuple[Description, ...]:
    raw = {}
    for entry in sorted(resources.files(__package__).iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".yaml"):
            raw[entry.name[:-5]] = yaml.load(entry.read_text(encoding="utf-8"), Loader=_LOADER) or {}

    def resolved(key: str, seen=()) -> dict:
        spec = raw[key]
        if "extends" not in spec:
            return spec
        if spec["extends"] in seen or spec["extends"] not in raw:
            raise FormError(f"forms/{key}.yaml: extends unknown or circular {spec['extends']!r}")
        return _merge(resolved(spec["extends"], (*seen, key)), spec)

    out = []
    for key in raw:
        spec = resolved(key)
        try:
            ev = tuple(Evidence(str(e["signal"]), float(e["weight"])) for e in spec["evidence"])
            d = Description(key, str(spec["name"]), str(spec["kind"]), str(spec["reader"]), ev,
                            float(spec["threshold"]), str(spec.get("template", "")), tuple(spec.get("blocks", ())))
        except (KeyError, TypeError, ValueError) as exc:
            raise FormError(f"forms/{key}.yaml: {exc}") from None
        if d.reader not in READERS:
            raise FormError(f"forms/{key}.yaml: unknown reader {d.reader!r}")
        unknown = [e.signal for e in ev if not known_signal(e.signal)]
        if unknown:
            raise FormError(f"forms/{key}.yaml: unknown signals {unknown}")
        out.append(d)
    # Where scores tie, the parent (less evidence) first: a child wins only on its own evidence.
    return tuple(sorted(out, key=lambda d: (len(d.evidence), d.key)))


INDICATOR_SIGNALS = frozenset({"indicator_actual", "indicator_target"})
STRUCTURAL = ("indicator_actual", "indicator_target", "rubric_header", "funds_header", "fund_lines",
              "funds_by_nature")


def known_signal(signal: str) -> bool:
    kind, _, arg = signal.partition(":")
    if kind == "title":
        return arg in LEXICON.fields("titles")
    if kind == "header":
        return arg in LEXICON.fields("header")
    return signal in STRUCTURAL


def signals(grids: list[Grid]) -> frozenset[str]:
    """Every signal the file shows (looked for in the first SCAN_ROWS rows of each grid)."""
    from checker.recognise import columns as C
    from checker.recognise import rubric, selfeval, target
    from checker.recognise.labels import fund_line

    titles, any_title, header, by_nature = _signal_words()
    found: set[str] = set()
    for g in grids:
        rows = g.rows[:SCAN_ROWS]
        for n, row in enumerate(rows):
            keys = [c.key for c in row.cells if c.key]
            if not keys:
                continue
            fields = {C.field_of(key) for key in keys}
            if n < rubric.HEADER_ROWS and rubric.is_header(fields):
                found.add("rubric_header")   # (a rubric's header has no actual, so never ends the scan)
            joined = "".join(keys)
            if any_title.search(joined):   # most rows hold no title word: one search says so
                found.update(f"title:{f}" for f, rx in titles if rx.search(joined))
            found.update(f"header:{f}" for f, ws in header if keys[0].startswith(ws))
            if selfeval._is_fund_header(row):
                found.add("funds_header")
            if by_nature.search(joined):
                found.add("funds_by_nature")
            if fund_line(keys[0]) and any(any(ch.isdigit() for ch in k) for k in keys[1:]):
                found.add("fund_lines")
            if target._target_header(row):
                found.add("indicator_target")
            elif selfeval._is_indicator_header(g.rows, n, fields) and C.read_header(g.rows, n).has("actual"):
                found.add("indicator_actual")
            if found & INDICATOR_SIGNALS:
                return frozenset(found)   # the first table's indicator header: what comes before it told the rest
    return frozenset(found)


@cache
def _signal_words():
    """The lexicon's title words as one pattern per field, header labels as tuples, the split words."""
    titles = tuple((f, re.compile("|".join(map(re.escape, ws)))) for f, ws in LEXICON.table("titles"))
    any_title = re.compile("|".join(rx.pattern for _, rx in titles) or "(?!)")
    by_nature = LEXICON.words("fund_block", "by_source") + LEXICON.words("fund_block", "by_use")
    return titles, any_title, LEXICON.table("header"), re.compile("|".join(map(re.escape, by_nature)))


@dataclass
class Choice:
    """The kind chosen for a file and why (for ``inspect``)."""
    description: Description | None
    score: float
    ranking: list[dict] = field(default_factory=list)   # every description: key, name, score, found, missed
    fallback: bool = False     # no description reached its threshold; read for what it has

    def explain(self) -> dict:
        best = self.ranking[0] if self.ranking else None
        # The runner-up is another reading of the file, not a child description that only inherits
        # the same evidence (部门整体目标表 adds nothing over 目标表 where none of its own words shows).
        runner = next((r for r in self.ranking[1:] if best is None or (r["score"], r["found"]) != (best["score"], best["found"])),
                      None)
        return {"chosen": self.description.key if self.description else "", "fallback": self.fallback,
                "best": best, "runner_up": runner, "ranking": self.ranking}


def choose(grids: list[Grid]) -> Choice:
    """The best description above its threshold; else, where the file has an indicator header or a
    funds block, the self-evaluation reader reads what it has (``fallback``); else none."""
    found = signals(grids)
    ranking = []
    for d in descriptions():
        score, got, missed = d.score(found)
        ranking.append({"key": d.key, "name": d.name, "score": score, "threshold": d.threshold,
                        "found": got, "missed": missed})
    order = sorted(range(len(ranking)), key=lambda i: -ranking[i]["score"])   # stable: ties keep file order
    ranking = [ranking[i] for i in order]
    by_key = {d.key: d for d in descriptions()}
    top = ranking[0]
    if top["score"] >= top["threshold"]:
        return Choice(by_key[top["key"]], top["score"], ranking)
    readable = found & {"indicator_actual", "indicator_target", "funds_header", "fund_lines"}
    if readable:
        key = "project_target" if found & {"indicator_target"} and not found & {"indicator_actual",
                                                                                 "funds_header"} else "project_selfeval"
        return Choice(by_key[key], top["score"], ranking, fallback=True)
    return Choice(None, top["score"], ranking)
