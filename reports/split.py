"""Send-back: one small report per project or per 主管部门, and an index page linking them all.

``--split-by project DIR`` writes ``DIR/<项目名>.html`` for each table (plus ``<项目名>.核查.xlsx``,
the annotated workbook holding only that table's findings, when the input is Excel);
``--split-by department DIR`` does the same per 主管部门.  Names come from the forms, made safe
for any file system and deduplicated (a second 机关党建经费 becomes 机关党建经费-2), so a reviewer
can attach them to a mail as they are.  ``DIR/index.html`` lists every report with its counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from markupsafe import Markup

from checker.compare import comparison_of
from checker.gate import SEVERITIES
from reports import labels
from reports.annotate_xlsx import NOT_ANNOTATED, WRITABLE, _common_folder, _relative, annotate
from reports.clock import generated_at, local_text
from reports.filenames import safe_name
from reports.frames import columns, positions
from reports.html import CSP, CSS, JS, render_html
from reports.html_labels import LABELS
from reports.jinja import ENV

BY = ("project", "department")
NO_DEPARTMENT = {"zh": "未填主管部门", "en": "no department"}


@dataclass
class Group:
    name: str
    project_ids: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def groups(result, by: str) -> list[Group]:
    c = columns(result.projects, ["project_id", "file", "name", "department"])
    out: dict[str, Group] = {}
    lang = labels.lang_of(result)
    for n in range(len(result.projects)):
        pid, file = c["project_id"][n], c["file"][n]
        key = pid if by == "project" else (c["department"][n] or NO_DEPARTMENT[lang])
        g = out.setdefault(key, Group(c["name"][n] if by == "project" else key))
        g.project_ids.append(pid)
        if file not in g.files:
            g.files.append(file)
    return list(out.values())


class _Slicer:
    """Row positions per project, computed once, so each group's frames are a cheap ``iloc``."""

    def __init__(self, result):
        self.result = result
        self.pos = {name: positions(getattr(result, name)["project_id"].tolist())
                    for name in ("projects", "funds", "sections", "indicators", "findings")}
        self.file_level = positions([f if not p else None for f, p in
                                     zip(result.findings["file"].tolist(), result.findings["project_id"].tolist())])

    def take(self, name: str, pids: list[str], extra: list[int] = ()):
        rows = sorted([n for pid in pids for n in self.pos[name].get(pid, [])] + list(extra))
        return getattr(self.result, name).iloc[rows]

    def sub(self, g: Group):
        r = self.result
        file_rows = [n for f in g.files for n in self.file_level.get(f, [])]
        findings = self.take("findings", g.project_ids, file_rows)
        extra = dict(r.extra)
        comp = comparison_of(r)
        if comp is not None:
            names = set(self.take("projects", g.project_ids)["name"])
            extra["comparison"] = replace(comp, fixed=comp.fixed[comp.fixed["project"].isin(names)])
        return replace(r, files=[s for s in r.files if s.path in g.files],
                       projects=self.take("projects", g.project_ids), funds=self.take("funds", g.project_ids),
                       sections=self.take("sections", g.project_ids),
                       indicators=self.take("indicators", g.project_ids), findings=findings, extra=extra)


def plan_split(result, out_dir: str | Path, by: str, planner=None) -> tuple[Path, list[tuple[Group, Path, dict]]]:
    """Every group's page and workbook paths, named before anything is written (``reports.plan``):
    ``index.html`` is claimed first, so no group takes it; a department 'A' holding B.xlsx and a
    department 'A-B' get different names, as do two same-named files of one department."""
    from reports.plan import Planner

    if by not in BY:
        raise ValueError(f"--split-by: 只能按 project 或 department 拆分，而不是 {by}")
    out = Path(out_dir)
    planner = planner or Planner([s.real_path for s in result.files])
    index = planner.claim(out, "index", ".html")   # index-2.html only if an input is called index.html
    top = _common_folder([s.path for s in result.files])
    plans = []
    gs = groups(result, by)
    for g, name in zip(gs, _with_file(gs)):   # a repeated project's report carries its file's name
        stem = safe_name(name)
        page = planner.claim(out, stem, ".html")
        excel = [f for f in g.files if Path(f).suffix.lower() in WRITABLE]
        repeats = {}
        for f in excel:
            repeats[Path(f).stem.casefold()] = repeats.get(Path(f).stem.casefold(), 0) + 1
        books = {}
        for f in excel:
            src = Path(f)
            if len(excel) == 1:
                first, alts = page.stem, [f"{page.stem}（{src.stem}）"]
            elif repeats[src.stem.casefold()] > 1:
                first, alts = f"{page.stem}（{_relative(src, top)}）", []
            else:
                first, alts = f"{page.stem}（{src.stem}）", []
            books[f] = planner.claim(out, first, f".核查{src.suffix}", alts)
        plans.append((g, page, books))
    return index, plans


def write_split(result, out_dir: str | Path, by: str, planner=None) -> list[Path]:
    """Write one report per group and the index; returns every path written, index first."""
    from reports.plan import record, write_text

    index, plans = plan_split(result, out_dir, by, planner)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    generated_at(result)  # one timestamp shared by every report
    lang = labels.lang_of(result)
    slicer = _Slicer(result)
    written, rows = [], []
    try:
        for g, page, targets in plans:
            sub = slicer.sub(g)
            written.append(write_text(page, render_html(sub)))
            books = [Path(p) for p in annotate(sub, str(out), only=list(targets), targets=targets)] if targets else []
            for book in books:   # the group's own sheets (and the 核查结果 sheet), not the whole bundle
                _only_sheets(book, set(sub.projects["sheet"]))
            written += books
            c = sub.counts()
            depts = sorted({d for d in sub.projects["department"] if d})
            # names are planned without '#', '%', '?' or spaces: each is its own href
            rows.append({"name": g.name, "href": page.name, "page": page.name, "departments": depts,
                         "books": [(b.name, b.name) for b in books],
                         "projects": len(g.project_ids), "files": g.files, **{s: c[s] for s in SEVERITIES},
                         "no_copy": [f for f in g.files if Path(f).suffix.lower() in NOT_ANNOTATED]})
        rows.sort(key=lambda r: natural_key(r["page"]))   # 项目2 before 项目10, as a file manager lists them
        written.insert(0, write_text(index, _index_html(result, rows, by, lang)))
    finally:
        record(out, written)   # what was written is jixiao's, even when a later write failed
    return written


def natural_key(name: str) -> list:
    """A name's sort key with its runs of digits compared as numbers."""
    import re

    return [(0, int(part), "") if part.isdigit() else (1, 0, part.lower()) for part in re.split(r"(\d+)", name) if part]


def _with_file(gs: list[Group]) -> list[str]:
    """Report names: a project's name, with its file's name where the name repeats (机关党建经费（v2）),
    so a repeated project is not told apart by a bare -2."""
    counts: dict[str, int] = {}
    for g in gs:
        counts[g.name] = counts.get(g.name, 0) + 1
    return [f"{g.name}（{Path(g.files[0]).stem}）" if counts[g.name] > 1 and g.files else g.name for g in gs]


def _only_sheets(book: Path, keep: set[str]) -> None:
    """Drop from an annotated copy every sheet but ``keep`` and the first (核查结果)."""
    import openpyxl

    keep = {k for k in keep if k}
    if not keep or book.suffix.lower() not in (".xlsx", ".xlsm"):
        return
    wb = openpyxl.load_workbook(book, keep_vba=book.suffix.lower() == ".xlsm")
    drop = [ws for n, ws in enumerate(wb.worksheets) if n > 0 and ws.title not in keep]
    if not drop or len(drop) == len(wb.worksheets) - 1:
        return
    for ws in drop:
        wb.remove(ws)
    wb.active = 0
    wb.save(book)




def _index_html(result, rows: list[dict], by: str, lang: str) -> str:
    return ENV.get_template("split_index.html.j2").render(
        L=LABELS[lang], lang=lang, rows=rows, by=by, csp=Markup(CSP), css=Markup(CSS), js=Markup(JS),
        depts=sorted({d for r in rows for d in r["departments"]}),
        generated=local_text(generated_at(result)), version=result.version,
        profile=result.extra.get("profile", "default"), counts=result.counts(),
        note=[labels_note(f, lang) for f in dict.fromkeys(f for r in rows for f in r["no_copy"])])


def labels_note(path: str, lang: str) -> str:
    from reports.annotate_xlsx import skipped_note

    return skipped_note(path, lang)
