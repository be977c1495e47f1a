"""Inline SVG charts for the HTML report: no script, no external resource, text escaped.

* findings per family, stacked by severity;
* reported vs recomputed 总分, one dot per table: dots above the diagonal are tables that scored
  themselves higher than the recomputation (自评虚高) and are drawn in the error colour.
"""

from __future__ import annotations

import math

from markupsafe import Markup, escape

from checker.gate import SEVERITIES
from checker.lexicon import LEXICON
from checker.precision import fmt

COLOURS = {"error": "#b3261e", "warning": "#c27c00", "info": "#1f5f99"}


def _f(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def family_bars(families: list[dict], L: dict, sev_labels: dict) -> Markup:
    if not families:
        return Markup("")
    label_w, bar_w, row_h = 150, 380, 22
    top = max(sum(fa[s] for s in SEVERITIES) for fa in families) or 1
    height = row_h * len(families) + 34
    out = [f'<svg class="chart" role="img" viewBox="0 0 {label_w + bar_w + 60} {height}" '
           f'width="{label_w + bar_w + 60}" height="{height}" aria-label="{escape(L["chart_family"])}">',
           f'<title>{escape(L["chart_family"])}</title>']
    for n, fa in enumerate(families):
        y = n * row_h + 4
        out.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" class="lab">{escape(fa["label"])} '
                   f'({escape(fa["code"])})</text>')
        x = float(label_w)
        for s in SEVERITIES:
            if not fa[s]:
                continue
            w = bar_w * fa[s] / top
            out.append(f'<rect x="{_f(x)}" y="{y}" width="{_f(max(w, 1))}" height="{row_h - 6}" fill="{COLOURS[s]}">'
                       f'<title>{escape(fa["label"])} · {escape(sev_labels[s])}: {fa[s]}</title></rect>')
            x += w
        total = sum(fa[s] for s in SEVERITIES)
        out.append(f'<text x="{_f(x + 5)}" y="{y + 14}" class="lab">{total}</text>')
    y = len(families) * row_h + 20
    x = label_w
    for s in SEVERITIES:
        out.append(f'<rect x="{x}" y="{y - 10}" width="10" height="10" fill="{COLOURS[s]}"/>'
                   f'<text x="{x + 14}" y="{y}" class="lab">{escape(sev_labels[s])}</text>')
        x += 70
    out.append("</svg>")
    return Markup("".join(out))


def totals_scatter(points: list[dict], L: dict) -> Markup:
    """``points``: name, href, reported (float), recomputed (float), state ('over'|'under'|'same')."""
    pts = [p for p in points if not (math.isnan(p["reported"]) or math.isnan(p["recomputed"]))]
    if not pts:
        return Markup("")
    values = [v for p in pts for v in (p["reported"], p["recomputed"])]
    lo = math.floor(min(values) / 10) * 10
    hi = max(100.0, math.ceil(max(values) / 10) * 10)
    if hi <= lo:
        hi = lo + 10
    size, pad = 300, 40

    def sx(v):
        return pad + (v - lo) / (hi - lo) * size

    def sy(v):
        return pad / 2 + size - (v - lo) / (hi - lo) * size

    w, h, title = size + pad + 20, size + pad + 10, escape(L["chart_totals"])
    out = [f'<svg class="chart" role="img" viewBox="0 0 {w} {h}" width="{w}" height="{h}" aria-label="{title}">'
           f'<title>{title}</title>',
           f'<rect x="{pad}" y="{pad / 2}" width="{size}" height="{size}" fill="none" stroke="#c9cdd2"/>',
           f'<line x1="{_f(sx(lo))}" y1="{_f(sy(lo))}" x2="{_f(sx(hi))}" y2="{_f(sy(hi))}" stroke="#5f6368" '
           f'stroke-dasharray="4 3"/>']
    for v in (lo, (lo + hi) / 2, hi):
        out.append(f'<text x="{_f(sx(v))}" y="{size + pad / 2 + 14}" text-anchor="middle" class="lab">{_f(v)}</text>'
                   f'<text x="{pad - 4}" y="{_f(sy(v) + 4)}" text-anchor="end" class="lab">{_f(v)}</text>')
    out.append(f'<text x="{pad + size / 2}" y="{size + pad / 2 + 28}" text-anchor="middle" class="lab">'
               f'{escape(L["axis_recomputed"])}</text>')
    out.append(f'<text x="12" y="{pad / 2 + size / 2}" text-anchor="middle" class="lab" '
               f'transform="rotate(-90 12 {pad / 2 + size / 2})">{escape(L["axis_reported"])}</text>')
    for p in sorted(pts, key=lambda p: p["state"] == "over"):  # over-scorers drawn last, on top
        r = 4 if p["state"] == "over" else 3
        colour = {"over": COLOURS["error"], "under": COLOURS["info"]}.get(p["state"], "#9aa0a6")
        tip = f'{p["name"]}: {L["reported_total"]} {_f(p["reported"])} / {L["recomputed_total"]} {p["recomputed_text"]}'
        out.append(f'<a href="{escape(p["href"])}"><circle cx="{_f(sx(p["recomputed"]))}" cy="{_f(sy(p["reported"]))}" '
                   f'r="{r}" fill="{colour}" fill-opacity="0.8" class="dot-{p["state"]}"><title>{escape(tip)}</title>'
                   f'</circle></a>')
    out.append("</svg>")
    counts = {s: sum(1 for p in pts if p["state"] == s) for s in ("over", "under", "same")}
    legend = " · ".join(f'<span class="dot dot-{s}"></span>{escape(L[s])} {counts[s]}'
                        for s in ("over", "under", "same"))
    return Markup("".join(out) + f'<div class="legend">{legend}</div>')


GRADE_COLOURS = dict(zip(LEXICON.fields("grades"), ("#1e7e34", "#6aa84f", "#c27c00", "#b3261e")))   # 优 … 差


def over_bars(depts: list[dict], L: dict) -> Markup:
    """Each department's over-score (reported − recomputed 总分, summed), ranked: red bars to the right
    over-score, blue to the left under-score."""
    if not depts:
        return Markup("")
    label_w, half, row_h = 190, 180, 22
    top = max(abs(d["over"]) for d in depts) or 1
    height = row_h * len(depts) + 12
    width = label_w + 2 * half + 60
    title = escape(L["chart_over"])
    out = [f'<svg class="chart chart-over" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           f'aria-label="{title}"><title>{title}</title>',
           f'<line x1="{label_w + half}" y1="0" x2="{label_w + half}" y2="{height}" stroke="#9aa0a6"/>']
    for n, d in enumerate(depts):
        y = n * row_h + 4
        w = half * abs(d["over"]) / top
        x = label_w + half if d["over"] >= 0 else label_w + half - w
        colour = COLOURS["error"] if d["over"] > 0 else COLOURS["info"]
        value = ("+" if d["over"] > 0 else "") + fmt(round(d["over"], 2))
        out.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" class="lab">{d["rank"]}. '
                   f'{escape(d["department"])}</text>'
                   f'<rect x="{_f(x)}" y="{y}" width="{_f(max(w, 1))}" height="{row_h - 6}" fill="{colour}" '
                   f'class="bar-over"><title>{escape(d["department"])}: {value}</title></rect>'
                   f'<text x="{label_w + 2 * half + 4}" y="{y + 14}" class="lab">{value}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def grade_bars(depts: list[dict], L: dict) -> Markup:
    """Each department's grades, two stacked bars: as the forms state them and as recomputed."""
    rows = [d for d in depts if d["scored"]]
    if not rows:
        return Markup("")
    label_w, bar_w, row_h = 190, 300, 16
    height = len(rows) * (2 * row_h + 10) + 30
    width = label_w + bar_w + 90
    title = escape(L["chart_grades"])
    out = [f'<svg class="chart chart-grades" role="img" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}" aria-label="{title}"><title>{title}</title>']
    y = 4
    for d in rows:
        out.append(f'<text x="{label_w - 6}" y="{y + row_h + 4}" text-anchor="end" class="lab">'
                   f'{escape(d["department"])}</text>')
        for key, label in (("stated", L["grade_stated"]), ("regraded", L["grade_recomputed"])):
            x = float(label_w)
            for g, colour in GRADE_COLOURS.items():
                k = d[key][g]
                if not k:
                    continue
                w = bar_w * k / d["scored"]
                out.append(f'<rect x="{_f(x)}" y="{y}" width="{_f(w)}" height="{row_h - 2}" fill="{colour}" '
                           f'class="grade-{key}"><title>{escape(d["department"])} · {escape(label)} · {g}: {k}'
                           f'</title></rect>')
                if w > 18:
                    out.append(f'<text x="{_f(x + 3)}" y="{y + row_h - 5}" class="lab on-bar">{g}{k}</text>')
                x += w
            out.append(f'<text x="{label_w + bar_w + 4}" y="{y + row_h - 4}" class="lab">{escape(label)}</text>')
            y += row_h
        y += 10
    x = label_w
    for g, colour in GRADE_COLOURS.items():
        out.append(f'<rect x="{x}" y="{y + 4}" width="10" height="10" fill="{colour}"/>'
                   f'<text x="{x + 14}" y="{y + 13}" class="lab">{g}</text>')
        x += 50
    out.append("</svg>")
    return Markup("".join(out))
