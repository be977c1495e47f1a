"""Self-contained HTML worklist report (jinja2, autoescaped, no external resources, CSP).

One page for an ordinary batch: the summary (files with status and SHA-256, charts, counts by
family), a sticky filter bar, the project index, then one printable section per project —
failing projects first, passing ones folded — with reported and recomputed values side by side
and the cells findings point to marked.

A batch whose page would exceed ``max_bytes`` becomes a folder instead: the index page (the
path asked for) plus one page per input file under ``<name>_files/`` (a file too big for one page
is cut into parts), each page self-contained.
"""

from __future__ import annotations

import base64
import hashlib
import math
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from checker.atomic import atomic_write_text
from reports import labels
from reports.charts import family_bars, grade_bars, over_bars, totals_scatter
from reports.filenames import unique_names
from reports.html_model import build
from reports.jinja import ENV
from reports.plan import record, write_text

DEFAULT_MAX_BYTES = 5_000_000
_TEMPLATES = Path(__file__).with_name("templates")
CSS = (_TEMPLATES / "report.css").read_text(encoding="utf-8")
JS = (_TEMPLATES / "report.js").read_text(encoding="utf-8")


def _sha(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


# Only the page's own stylesheet and script may run: nothing is fetched, nothing injected runs.
CSP = (f"default-src 'none'; img-src data:; style-src '{_sha(CSS)}'; script-src '{_sha(JS)}'; "
       "base-uri 'none'; form-action 'none'")



@dataclass
class Page:
    path: Path
    title: str
    projects: list[dict]
    file_idx: list[str]


def _common(ctx: dict) -> dict:
    lang = ctx["lang"]
    fail_on = ctx["fail_on"]
    fail_on_label = ({"zh": "不设", "en": "never"}[lang] if fail_on == "never" else labels.severity(fail_on, lang))
    return {**ctx, "csp": Markup(CSP), "css": Markup(CSS), "js": Markup(JS), "page_title": ctx["L"]["title"],
            "fail_on": fail_on, "fail_on_label": fail_on_label}


def _meta(ctx: dict) -> dict:
    return {"generated": ctx["generated"], "version": ctx["version"], "profile": ctx["profile"]}


def render_sections(ctx: dict, projects: list[dict]) -> list[Markup]:
    macro = ENV.get_template("macros.html.j2").module.project
    meta, compare = _meta(ctx), bool(ctx["comparison"])
    return [macro(p, ctx["L"], meta, compare) for p in projects]


def _scatter_points(projects: list[dict], href) -> list[dict]:
    pts = []
    for p in projects:
        t = p["totals"]
        if not t or t["reported"] == "—" or t["recomputed"] == "—":
            continue
        state = ("over" if t["over"] else "under") if t["differs"] else "same"
        pts.append({"name": p["name"], "href": href(p), "reported": float(t["reported"]),
                    "recomputed": float(t["recomputed"]), "recomputed_text": t["recomputed"], "state": state})
    return pts


def _charts(ctx: dict, href) -> dict:
    L = ctx["L"]
    sev = labels.SEVERITY[ctx["lang"]]
    return {"chart_family": family_bars(ctx["families"], L, sev),
            "chart_totals": totals_scatter(_scatter_points(ctx["projects"], href), L),
            "chart_over": over_bars(ctx["departments"], L), "chart_grades": grade_bars(ctx["departments"], L)}


def _index(projects: list[dict], href) -> list[dict]:
    return [{**{k: p[k] for k in ("id", "name", "state", "file_idx", "file_name", "loc")}, "href": href(p)}
            for p in projects]


def render_html(result) -> str:
    """The whole report as one page."""
    ctx = build(result)
    return _single(ctx, render_sections(ctx, ctx["projects"]))


def _single(ctx: dict, sections: list[Markup]) -> str:
    def href(p):
        return "#" + p["id"]

    return ENV.get_template("report.html.j2").render(
        {**_common(ctx), **_charts(ctx, href), "show_summary": True, "index": _index(ctx["projects"], href),
         "sections": sections, "back_href": "", "pages": []})


def write_html(result, path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Path]:
    """Write the report to ``path``; a report above ``max_bytes`` becomes an index page plus pages."""
    path = Path(path)
    ctx = build(result)
    sections = render_sections(ctx, ctx["projects"])
    sizes = [len(str(s).encode("utf-8")) for s in sections]
    if sum(sizes) + 200_000 <= max_bytes:  # 200 kB: the summary, charts and index around the sections
        atomic_write_text(path, _single(ctx, sections))
        return [path]
    return _write_folder(ctx, path, sections, sizes, max_bytes)


def pages_folder(path: str | Path) -> Path:
    """Where the pages of a report too large for one file go: ``<stem>_files`` beside it."""
    path = Path(path)
    return path.with_name(path.stem + "_files")


def _pages(ctx: dict, path: Path, sections: list, sizes: list[int], max_bytes: int) -> list[tuple[Page, list]]:
    """Projects grouped by input file, in report order; a group too big for one page is cut."""
    folder = pages_folder(path)
    budget = max(max_bytes - 150_000, 100_000)
    groups: dict[str, list[int]] = {}
    for n, p in enumerate(ctx["projects"]):
        groups.setdefault(p["file_idx"], []).append(n)
    files = {f["idx"]: f for f in ctx["files"]}
    order = [f["idx"] for f in ctx["files"] if f["idx"] in groups]
    chunks: list[tuple[str, list[int]]] = []
    for fidx in order:
        part, size = [], 0
        for n in groups[fidx]:
            if part and size + sizes[n] > budget:
                chunks.append((fidx, part))
                part, size = [], 0
            part.append(n)
            size += sizes[n]
        chunks.append((fidx, part))
    stems = unique_names([Path(files[fidx]["path"]).stem for fidx, _ in chunks], limit=60)
    out = []
    for (fidx, idx), stem in zip(chunks, stems):
        title = files[fidx]["path"]
        page = Page(folder / f"{len(out) + 1:04d}-{stem}.html", title, [ctx["projects"][n] for n in idx], [fidx])
        out.append((page, [sections[n] for n in idx]))
    return out


def _write_folder(ctx: dict, path: Path, sections: list, sizes: list[int], max_bytes: int) -> list[Path]:
    pages = _pages(ctx, path, sections, sizes, max_bytes)
    where = {}
    for page, _ in pages:
        for p in page.projects:
            where[p["id"]] = f"{page.path.parent.name}/{page.path.name}"
    for f in ctx["files"]:
        first = next((pg for pg, _ in pages if f["idx"] in pg.file_idx), None)
        f["page"] = f"{first.path.parent.name}/{first.path.name}" if first else ""
    written = []
    tmpl = ENV.get_template("report.html.j2")
    common = _common(ctx)
    for page, secs in pages:
        page.path.parent.mkdir(parents=True, exist_ok=True)
        files = [dict(f, page="") for f in ctx["files"] if f["idx"] in page.file_idx]
        html = tmpl.render({**common, "files": files, "file_level": [r for f in files for r in f["findings"]],
                            "show_summary": False, "index": _index(page.projects, lambda p: "#" + p["id"]),
                            "sections": secs, "filters": _page_filters(ctx["filters"], page),
                            "back_href": "../" + path.name, "pages": [], "chart_family": "", "chart_totals": ""})
        write_text(page.path, html)   # an exclusive temporary renamed in: never through a symlink
        written.append(page.path)
    if written:
        record(written[0].parent, written)   # listed in the folder's manifest: never read back as input
    sizes_kb = [math.ceil(p.stat().st_size / 1024) for p in written]
    listing = [{"href": f"{pg.path.parent.name}/{pg.path.name}", "title": pg.title, "projects": len(pg.projects),
                "size_kb": kb} for (pg, _), kb in zip(pages, sizes_kb)]

    def href(p):
        return f"{where[p['id']]}#{p['id']}"

    index = tmpl.render({**common, **_charts(ctx, href), "show_summary": True, "index": _index(ctx["projects"], href),
                         "sections": [], "filters": None, "back_href": "", "pages": listing})
    atomic_write_text(path, index)
    return [path, *written]


def _page_filters(filters: dict, page: Page) -> dict:
    return {**filters, "files": [(v, t) for v, t in filters["files"] if v in page.file_idx]}
