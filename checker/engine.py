"""Run the checker: files → grids → model → recompute → rules → findings."""

from __future__ import annotations

import contextlib
import fnmatch
import functools
import os
import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath

import pandas as pd

from checker import __version__, coherence
from checker import model as M
from checker.batch import Batch, build_batch
from checker.executors import EngineLimits, Outcome, Task, make_executor, run
from checker.fingerprint import with_fingerprints
from checker.gate import SEVERITY_RANK
from checker.inputs import Input, expand
from checker.profile import Profile, load_profile
from checker.result import FileStatus, Result
from checker.rowstore import RowStore
from checker.selection import canonical, canonical_severity, ignorable
from rules import Rule, select

FINDING_COLUMNS = [c for c in M.Findings.to_schema().columns  # fingerprint filled once ordered; waivers after
                   if c != "fingerprint" and c not in M.FINDING_DEFAULTS]


@dataclass(frozen=True)
class PathOverride:
    """Settings for the files a glob names (``[per-path."县级/*"]`` in a config file)."""
    pattern: str
    base: str = ""                       # folder the pattern is relative to (the config file's)
    select: list[str] | None = None
    ignore: list[str] | None = None
    severity: dict = field(default_factory=dict)

    def matches(self, path: str) -> bool:
        candidates = [path.replace(os.sep, "/")]
        if self.base:
            with contextlib.suppress(ValueError):  # a file outside the config's folder
                candidates.append(Path(os.path.abspath(path)).relative_to(self.base).as_posix())
        return any(fnmatch.fnmatch(c, self.pattern) or PurePath(c).match(self.pattern) for c in candidates)


@dataclass
class RunOptions:
    """How to run a check, beyond which rules: where files are read and what bounds them."""
    jobs: int = 0                        # 0: in this process; N: N worker processes
    executor: str = "local"              # local | dask
    scheduler: object = None             # Dask scheduler address (or a distributed.Client)
    limits: EngineLimits = field(default_factory=EngineLimits)
    skip_unsupported: bool = False
    per_path: list[PathOverride] = field(default_factory=list)
    on_start: Callable[[int], None] | None = None       # told how many files will be read
    on_file: Callable[[Outcome], None] | None = None    # told after each file (a progress bar)
    ledger: pd.DataFrame | None = None   # --ledger: the budget system's figures (checker.ledger.read_ledger)


def expand_paths(paths: list[str]) -> tuple[list[str], list[str]]:
    """Files given or found (every file, see checker.inputs), and those that do not exist."""
    inputs = expand(paths)
    return [i.path for i in inputs], [i.path for i in inputs if i.skip == "missing"]


def check(paths: list[str], profile: Profile | None = None, lang: str = "zh",
          select_ids: list[str] | None = None, ignore_ids: list[str] | None = None,
          options: RunOptions | None = None) -> Result:
    """Check every file under ``paths``.  Unknown rule ids raise ``UnknownRuleError``."""
    opts = options or RunOptions()
    profile = profile or load_profile()
    profile = replace(profile, severity=canonical_severity(profile.severity, f"{profile.name}: severity"))
    # ignorable, not only canonical: through the Python API as on the command line, ignoring PARSE
    # leaves PARSE.UNRECOGNISED / NO_INDICATORS running, and naming one of them is refused.
    chosen = choose_rules(canonical(select_ids, "--select"), ignorable(ignore_ids, "--ignore"))
    inputs = expand(paths)
    statuses, store, notes = read_all(inputs, opts)
    batch = build_batch(store, profile, notes, opts.ledger)
    store.release()
    statuses = _with_ledger(statuses, _ledger_status(opts.ledger))
    findings = run_rules(batch, chosen)
    findings = _per_path(findings, opts.per_path)
    findings = coherence.demote(findings)   # a table in doubt: its cascade kept as infos
    findings = M.validate_frame(M.Findings, with_fingerprints(_order(findings, statuses)).assign(**M.FINDING_DEFAULTS))
    return Result(files=statuses, projects=_with_totals(batch), funds=batch.funds, sections=batch.sections,
                  indicators=batch.indicators, findings=findings, lang=lang, version=__version__,
                  skip_unsupported=opts.skip_unsupported, extra={"profile": profile.name})


def _ledger_status(ledger: pd.DataFrame | None) -> list[FileStatus]:
    """The ledger is an input too: listed with the files, so its findings have a file to sit under."""
    if ledger is None or ledger.empty:
        return []
    import hashlib

    path = ledger["file"].iloc[0]
    try:
        with open(path, "rb") as fh:
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        digest = ""
    return [FileStatus(path, "checked", "ledger", 0, sha256=digest)]


def _with_ledger(statuses: list[FileStatus], ledger: list[FileStatus]) -> list[FileStatus]:
    """The ledger listed once: in its place when it was also among the inputs, else last."""
    if not ledger:
        return statuses
    same = [n for n, s in enumerate(statuses) if os.path.realpath(s.real_path) == os.path.realpath(ledger[0].path)]
    if not same:
        return statuses + ledger
    out = list(statuses)
    out[same[0]] = replace(ledger[0], path=statuses[same[0]].path, source=statuses[same[0]].source)
    return out


def choose_rules(select_ids: list[str] | None, ignore_ids: list[str] | None) -> list[Rule]:
    """The rules to run.  The PARSE rules run whatever ``--select`` says (like a linter's syntax
    errors): a file nobody could read as a form must not pass because only IND was selected.
    Only ``--ignore`` (or a profile's ``off``) silences them."""
    chosen = select(select_ids, ignore_ids)
    if select_ids is not None:
        ids = {r.id for r in chosen}
        chosen += [r for r in select(["PARSE"], ignore_ids) if r.id not in ids]
    return sorted(chosen, key=lambda r: r.id)


def read_all(inputs: list[Input], opts: RunOptions) -> tuple[list[FileStatus], RowStore, list[dict]]:
    """Statuses of every input in order, the rows of the files read (each file's model folded
    in and dropped as it arrives), and engine-made notes."""
    statuses: list[FileStatus | None] = [None] * len(inputs)
    tasks = []
    for n, i in enumerate(inputs):
        if i.skip:
            status = "unreadable" if i.skip == "missing" else "skipped"
            statuses[n] = FileStatus(i.display, status, "", 0, i.note, reason=i.skip, source=_source(i))
        else:
            tasks.append(Task(n, i.path, i.display, n + 1))
    if opts.on_start:
        opts.on_start(len(tasks))
    store = RowStore()
    notes: list[dict] = []
    executor = make_executor(opts.executor, opts.jobs, opts.limits, opts.scheduler)
    for out in run(executor, tasks, opts.on_file):
        i = inputs[out.index]
        statuses[out.index] = FileStatus(i.display, out.status, out.kind, out.projects, out.message,
                                         sha256=out.sha256, reason=out.reason, source=_source(i))
        notes += out.notes
        if out.model is not None:
            store.add(out.model)
    return [s for s in statuses if s is not None], store, notes


def _source(i: Input) -> str:
    return i.path if i.path != i.display else ""


def _per_path(findings, overrides: list[PathOverride]):
    """Per-path settings: drop the rules a path does not select or ignores, re-grade the rest."""
    if not overrides or findings.empty:
        return findings
    keep = pd.Series(True, index=findings.index)
    files = findings["file"]
    for o in overrides:
        hit = files.map({f: o.matches(f) for f in files.unique() if f}).fillna(False).astype(bool)
        if o.select is not None:  # PARSE findings stay, as under --select
            keep &= ~hit | _named(findings, o.select) | (findings["family"] == "PARSE")
        if o.ignore:
            keep &= ~(hit & _named(findings, o.ignore))
        for name, level in o.severity.items():
            mine = hit & _named(findings, [name])
            if level == "off":
                keep &= ~mine
            else:
                findings.loc[mine, "severity"] = level
    return findings[keep].reset_index(drop=True)


def _named(findings, names: list[str]):
    return findings["rule"].isin(names) | findings["family"].isin(names)


def run_rules(batch: Batch, rules: list[Rule]) -> pd.DataFrame:
    """Every chosen rule over the batch.  A rule that fails is reported as PARSE.INTERNAL and the
    others still count; the PARSE rules run last so they see those failures."""
    frames: list[tuple[int, pd.DataFrame]] = []
    projects = batch.by_project
    failures: list[dict] = []
    if not batch.projects.empty:
        try:   # each table's most coherent reading, before any rule reads it
            coherence.settle(batch)
        except Exception as exc:  # reported like a failing rule; the rules read the batch as recognised
            batch.coherence = M.empty_frame(M.Coherence)
            failures.append(M.note("PARSE.INTERNAL", "", f"读取相符性核对执行出错: {type(exc).__name__}: {exc}",
                                   f"coherence check failed: {type(exc).__name__}: {exc}", section="coherence"))
    family = ""
    order = {id(r): n for n, r in enumerate(sorted(rules, key=lambda r: r.family == "PARSE"))}  # findings' order
    # SUM first: it reads the weight tables the coherence measure has just built; PARSE last.
    for r in sorted(rules, key=lambda r: (r.family == "PARSE", r.family != "SUM")):
        if r.family != family:
            if family:
                batch.forget()   # the tables the last family shared are not needed again
            family = r.family
        if r.family == "PARSE" and failures:
            batch.notes = pd.concat([batch.notes, pd.DataFrame(failures, columns=M.NOTE_COLUMNS)], ignore_index=True)
            failures = []
        severity = rule_severity(r, batch.profile)
        if severity == "off" or (batch.projects.empty and r.family != "PARSE"):
            continue  # an "off" rule never runs; with no table read only the PARSE notes can say anything
        seen = batch if r.kinds is None else batch.of_kinds(r.kinds)
        if seen is None:
            continue   # no table of the kinds it applies to
        try:
            out = r.func(seen)
        except Exception as exc:  # report it and go on: the other rules' findings still count
            failures.append(M.note("PARSE.INTERNAL", "",
                                   f"规则 {r.id} 执行出错，相关检查未完成: {type(exc).__name__}: {exc}",
                                   f"rule {r.id} failed: {type(exc).__name__}: {exc}", section=r.id))
            continue
        if out is None or len(out) == 0:
            continue
        frames.append((order[id(r)], _finish(r, out, projects, severity)))
    if not frames:
        return M.empty_frame(M.Findings)
    return pd.concat([f for _, f in sorted(frames, key=lambda t: t[0])], ignore_index=True)


def rule_severity(r: Rule, profile: Profile) -> str:
    """A rule's severity after the profile's (and config's) ``severity:``: rule id, then family."""
    return profile.severity.get(r.id, profile.severity.get(r.family, r.severity))


def with_severity(profile: Profile, overrides: dict) -> Profile:
    """The profile with ``overrides`` (rule id or family → level) laid over its ``severity:``."""
    return replace(profile, severity={**profile.severity, **overrides}) if overrides else profile


def _finish(r: Rule, hits: pd.DataFrame, projects: pd.DataFrame, severity: str) -> pd.DataFrame:
    hits = hits.fillna("").astype(str)
    by_project = hits["project_id"].map(projects["file"]) if len(projects) else pd.Series("", index=hits.index)
    if "file" in hits.columns:  # file-level hits name their file; the rest inherit their project's
        hits["file"] = hits["file"].where(hits["file"] != "", by_project).fillna("")
    else:
        hits["file"] = by_project.fillna("")
    hits["project"] = hits["project_id"].map(projects["name"]).fillna("")
    hits["message"] = _messages(r.message_zh, hits)
    hits["message_en"] = _messages(r.message_en, hits)
    hits["rule"], hits["family"], hits["severity"] = r.id, r.family, severity
    return hits[FINDING_COLUMNS]


class _Default(dict):
    def __missing__(self, key):
        return ""


def _messages(template: str, hits: pd.DataFrame) -> list[str]:
    """The template filled from each hit's columns (a missing column reads as "").  Only the
    columns the template names are touched: no dict of every column per finding."""
    names = _fields(template)
    if not names:
        return [template.format_map(_Default())] * len(hits)
    columns = [hits[n].tolist() if n in hits.columns else [""] * len(hits) for n in names]
    return [template.format_map(_Default(zip(names, values))) for values in zip(*columns)]


@functools.lru_cache(maxsize=512)
def _fields(template: str) -> tuple[str, ...]:
    names: list[str] = []
    for _, field_name, _, _ in string.Formatter().parse(template):
        base = re.split(r"[.\[]", field_name, maxsplit=1)[0] if field_name else ""
        if base and base not in names:
            names.append(base)
    return tuple(names)


def _order(findings: pd.DataFrame, statuses: list[FileStatus]) -> pd.DataFrame:
    """Stable reading order: file as given, then table, then severity, then location."""
    file_rank = {s.path: n for n, s in enumerate(statuses)}
    key = pd.DataFrame({
        "f": findings["file"].map(file_rank).fillna(len(file_rank)),
        "p": findings["project_id"].str.extract(r"P(\d+)$")[0].astype(float).fillna(0),
        "pg": findings["location"].str.extract(r"^p(\d+) ")[0].astype(float).fillna(0),   # PDF: page, then row
        "l": findings["location"].str.extract(r"(?:line |R|![A-Z]+| r)(\d+)")[0].astype(float).fillna(0),
        "s": findings["severity"].map(SEVERITY_RANK),
    })
    return findings.loc[key.sort_values(["f", "p", "pg", "l", "s"], kind="stable").index].reset_index(drop=True)


def _with_totals(batch: Batch) -> pd.DataFrame:
    """Projects plus the recomputed total: Σ recomputed item scores + recomputed fund score."""
    p = batch.projects.copy()
    i = batch.indicators
    exp = i["expected_score"].where(i["expected_score"].notna(), i["score"])
    tot = exp.groupby(i["project_id"]).sum()
    f = batch.project_funds("total")
    fund = f["expected_score"].where(f["expected_score"].notna(), f["score"])
    p["recomputed_total"] = p["project_id"].map(tot.add(fund, fill_value=0).round(2))
    return p
