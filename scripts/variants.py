"""Deeper metamorphic check: N variants of every form, and which of them read differently.

usage: python scripts/variants.py --variants N [--seed S] [--forms GLOB] [--keep DIR]
                                  [--formats txt,xlsx,...] [--known-out FILE] [--markdown FILE]

Each form of ../shared/seeds and ../shared/realforms (or the copies in the repository) is
written N ways (tests/variants.py: a transformation that keeps the meaning × a format) and
checked; a variant differs when its findings are not those of the form read as text.  Prints,
per form, per transformation and per format, how many variants ran and how many differed,
with the first differing finding of each; then the kinds of difference, most frequent first.
``--known-out`` writes the differing variants as a known list (name → reason) in the format
of tests/variants_known.yaml; ``--markdown`` writes the tables as Markdown.
Exit code 0 when no variant differs, 1 when some do, 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import fnmatch
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests import variants as V  # noqa: E402


def parse(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="scripts/variants.py", description=__doc__.split("\n")[0])
    ap.add_argument("--variants", type=int, default=30, help="variants per form (default 30)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--forms", default="*", help="glob over form names (seed001, r_中江_水标尺, r2_*)")
    ap.add_argument("--keep", type=Path, help="write the variant files here and keep them")
    ap.add_argument("--formats", default=",".join(V.FORMATS), help="comma-separated, of " + ",".join(V.FORMATS))
    ap.add_argument("--known-out", type=Path, help="write the differing variants as a known list (YAML)")
    ap.add_argument("--markdown", type=Path, help="write the counts and the kinds of difference as Markdown")
    a = ap.parse_args(argv)
    bad = sorted(set(a.formats.split(",")) - set(V.FORMATS))
    if bad or a.variants < 1:
        ap.error(f"unknown format {', '.join(bad)}" if bad else "--variants must be at least 1")
    return a


def tally(outcomes: list[V.Outcome], key) -> dict[str, list[V.Outcome]]:
    groups: dict[str, list[V.Outcome]] = defaultdict(list)
    for o in outcomes:
        groups[key(o.variant)].append(o)
    return dict(sorted(groups.items()))


def table(title: str, groups: dict[str, list[V.Outcome]], detail: bool) -> list[str]:
    lines = [f"\n## per {title}", f"{title:<32} ran differed  first difference"]
    for name, os_ in groups.items():
        diff = [o for o in os_ if o.differs]
        lines.append(f"{name:<32} {len(os_):>3} {len(diff):>8}  " + (f"{diff[0].variant.name}: {diff[0].first()}"
                                                                       if diff else ""))
        if detail:
            lines += [f"{'':<46}{o.variant.name}: {o.first()}" for o in diff[1:]]
    return lines


def causes(outcomes: list[V.Outcome]) -> list[tuple[str, list[V.Outcome]]]:
    """Kinds of difference (a form read as another kind, the first rule lost or gained), most frequent first."""
    groups: dict[str, list[V.Outcome]] = defaultdict(list)
    for o in outcomes:
        if o.differs:
            groups[o.cause()].append(o)
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def markdown(outcomes: list[V.Outcome], skipped: list[V.Variant], args) -> str:
    diff = [o for o in outcomes if o.differs]
    out = [f"Variants: {len(outcomes)} ran, {len(diff)} differed "
           f"({len({o.variant.form for o in outcomes})} forms, --variants {args.variants} --seed {args.seed}); "
           f"{len(skipped)} (form, transformation, format) triples skipped by name.", ""]
    for title, key in (("transformation", lambda v: v.transform), ("format", lambda v: v.fmt)):
        out += [f"| {title} | ran | differed |", "|---|---:|---:|"]
        for name, os_ in tally(outcomes, key).items():
            out.append(f"| {name} | {len(os_)} | {sum(o.differs for o in os_)} |")
        out.append("")
    out += ["| kind of difference | variants | transformations | example | text form | variant |", "|---|---:|---|---|---|---|"]
    for cause, os_ in causes(outcomes):
        o = os_[0]
        ts = ", ".join(f"{t} {n}" for t, n in Counter(x.variant.transform for x in os_).most_common())
        before = "; ".join(V.show(k) for k in o.missing[:3]) or "—"
        after = "; ".join(V.show(k) for k in o.extra[:3]) or "—"
        out.append(f"| {cause} | {len(os_)} | {ts} | `{o.variant.name}` | {before} | {after} |".replace("\n", " "))
    return "\n".join(out) + "\n"


def known_list(outcomes: list[V.Outcome]) -> str:
    import yaml

    known = {o.variant.name: o.first()[:150] for o in outcomes if o.differs}
    return yaml.safe_dump(known, allow_unicode=True, sort_keys=True, width=200)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    sources = [p for p in V.form_paths() if fnmatch.fnmatch(V.form_name(p), args.forms)]
    if not sources:
        print(f"no form matches {args.forms!r}", file=sys.stderr)
        return 2
    started = time.time()
    runnable, skipped = V.sample(sources, args.variants, args.seed, formats=args.formats.split(","))
    refs = V.references(sources)
    with tempfile.TemporaryDirectory() as tmp:
        where = args.keep or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        outcomes = V.run(runnable, refs, where,
                         on_round=lambda n, of: print(f"\rround {n}/{of}", end="", file=sys.stderr, flush=True))
    print(file=sys.stderr)
    skipped += [v for v in runnable if v.skip]     # a tool that wrote nothing (pdf)
    outcomes = [o for o in outcomes if not o.variant.skip]
    diff = [o for o in outcomes if o.differs]
    lines = [f"{len(outcomes)} variants of {len(sources)} forms ran, {len(diff)} differed "
             f"({time.time() - started:.0f} s); {len(skipped)} skipped by name"]
    lines += table("form", tally(outcomes, lambda v: v.form), detail=False)
    lines += table("transformation", tally(outcomes, lambda v: v.transform), detail=False)
    lines += table("format", tally(outcomes, lambda v: v.fmt), detail=False)
    lines.append("\n## kinds of difference")
    for cause, os_ in causes(outcomes):
        lines.append(f"{len(os_):>4}  {cause:<48} e.g. {os_[0].variant.name}: {os_[0].first()}")
    reasons = Counter(v.skip for v in skipped)
    lines.append("\n## skipped by name")
    lines += [f"{n:>4}  {why}" for why, n in reasons.most_common()]
    print("\n".join(lines))
    if args.known_out:
        args.known_out.write_text(known_list(outcomes), encoding="utf-8")
    if args.markdown:
        args.markdown.write_text(markdown(outcomes, skipped, args), encoding="utf-8")
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
