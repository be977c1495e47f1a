"""Run the checker: files → grids → model → recompute → rules → findings."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from checker import __version__
from checker import model as M
from checker.batch import Batch, build_batch
from checker.fingerprint import with_fingerprints
from checker.gate import SEVERITY_RANK
from checker.grid import UnreadableInput
from checker.profile import Profile, load_profile
from checker.readers import read_any, supported
from checker.recognise import FileModel, recognise_file
from checker.result import FileStatus, Result
from rules import Rule, select

FINDING_COLUMNS = [c for c in M.Findings.to_schema().columns if c != "fingerprint"]  # filled once ordered


def expand_paths(paths: list[str]) -> tuple[list[str], list[str]]:
    """Files given, plus supported files under directories (recursive, sorted).

    Returns (files, missing) — missing are paths that do not exist at all.
    """
    files, missing = [], []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            files += sorted(str(f) for f in p.rglob("*") if f.is_file() and supported(f)
                            and not f.name.startswith((".", "~$")))
        elif p.exists():
            files.append(str(p))
        else:
            files.append(str(p))  # kept in order; reported as unreadable
            missing.append(str(p))
    return files, missing


def check(paths: list[str], profile: Profile | None = None, lang: str = "zh",
          select_ids: list[str] | None = None, ignore_ids: list[str] | None = None) -> Result:
    profile = profile or load_profile()
    files, missing = expand_paths(paths)
    statuses: list[FileStatus] = []
    models: list[FileModel] = []
    notes: list[dict] = []
    for n, path in enumerate(files, start=1):
        if path in missing:
            statuses.append(FileStatus(path, "unreadable", "", 0, "文件不存在"))
            continue
        try:
            grids = read_any(path)
        except UnreadableInput as exc:
            statuses.append(FileStatus(path, "unreadable", "", 0, str(exc)))
            continue
        except Exception as exc:  # a reader bug must not sink the batch
            statuses.append(FileStatus(path, "unreadable", "", 0, f"读取失败: {type(exc).__name__}: {exc}"))
            continue
        for g in grids:
            notes += [M.note("PARSE.READ_REPAIRED", path, w, w, location=g.name) for w in g.warnings]
        try:
            fm = recognise_file(path, grids, n)
        except Exception as exc:  # a recogniser bug on one odd form must not sink the batch
            fm = FileModel(path=path, kind="unrecognised")
            notes.append(M.note("PARSE.INTERNAL", path, f"识别表格时出错: {type(exc).__name__}: {exc}",
                                f"recogniser failed: {type(exc).__name__}: {exc}"))
        models.append(fm)
        if fm.kind == "unrecognised":
            statuses.append(FileStatus(path, "unrecognised", "unrecognised", 0))
            if not any(x["code"] == "PARSE.INTERNAL" and x["file"] == path for x in notes):
                notes.append(M.note("PARSE.UNRECOGNISED", path, "", "", expected="自评表/评分表/目标表"))
        else:
            statuses.append(FileStatus(path, "checked", fm.kind, len(fm.projects)))
    batch = build_batch(models, profile, notes)
    findings = run_rules(batch, select(select_ids, ignore_ids))
    findings = M.Findings.validate(with_fingerprints(_order(findings, statuses)))
    return Result(files=statuses, projects=_with_totals(batch), funds=batch.funds, sections=batch.sections,
                  indicators=batch.indicators, findings=findings, lang=lang, version=__version__,
                  extra={"profile": profile.name})


def run_rules(batch: Batch, rules: list[Rule]) -> pd.DataFrame:
    """Every chosen rule over the batch.  A rule that fails is reported as PARSE.INTERNAL and the
    others still count; the PARSE rules run last so they see those failures."""
    frames = []
    projects = batch.projects.set_index("project_id")
    failures: list[dict] = []
    for r in sorted(rules, key=lambda r: r.family == "PARSE"):
        if r.family == "PARSE" and failures:
            batch.notes = pd.concat([batch.notes, pd.DataFrame(failures, columns=M.NOTE_COLUMNS)], ignore_index=True)
            failures = []
        severity = batch.profile.severity.get(r.id, batch.profile.severity.get(r.family, r.severity))
        if severity == "off" or (batch.projects.empty and r.family != "PARSE"):
            continue  # an "off" rule never runs; with no table read only the PARSE notes can say anything
        try:
            out = r.func(batch)
        except Exception as exc:  # report it and go on: the other rules' findings still count
            failures.append(M.note("PARSE.INTERNAL", "", f"规则 {r.id} 执行出错，相关检查未完成: {type(exc).__name__}: {exc}",
                                   f"rule {r.id} failed: {type(exc).__name__}: {exc}", section=r.id))
            continue
        if out is None or len(out) == 0:
            continue
        frames.append(_finish(r, out, projects, severity))
    if not frames:
        return M.empty_frame(M.Findings)
    return pd.concat(frames, ignore_index=True)


def _finish(r: Rule, hits: pd.DataFrame, projects: pd.DataFrame, severity: str) -> pd.DataFrame:
    hits = hits.fillna("").astype(str)
    by_project = hits["project_id"].map(projects["file"]) if len(projects) else pd.Series("", index=hits.index)
    if "file" in hits.columns:  # file-level hits name their file; the rest inherit their project's
        hits["file"] = hits["file"].where(hits["file"] != "", by_project).fillna("")
    else:
        hits["file"] = by_project.fillna("")
    hits["project"] = hits["project_id"].map(projects["name"]).fillna("")
    records = hits.to_dict("records")
    hits["message"] = [_format(r.message_zh, rec) for rec in records]
    hits["message_en"] = [_format(r.message_en, rec) for rec in records]
    hits["rule"], hits["family"], hits["severity"] = r.id, r.family, severity
    return hits[FINDING_COLUMNS]


class _Default(dict):
    def __missing__(self, key):
        return ""


def _format(template: str, params: dict) -> str:
    return template.format_map(_Default(params))


def _order(findings: pd.DataFrame, statuses: list[FileStatus]) -> pd.DataFrame:
    """Stable reading order: file as given, then table, then severity, then location."""
    file_rank = {s.path: n for n, s in enumerate(statuses)}
    key = pd.DataFrame({
        "f": findings["file"].map(file_rank).fillna(len(file_rank)),
        "p": findings["project_id"].str.extract(r"P(\d+)$")[0].astype(float).fillna(0),
        "l": findings["location"].str.extract(r"(?:line |R|![A-Z]+)(\d+)")[0].astype(float).fillna(0),
        "s": findings["severity"].map(SEVERITY_RANK),
    })
    return findings.loc[key.sort_values(["f", "p", "l", "s"], kind="stable").index].reset_index(drop=True)


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
