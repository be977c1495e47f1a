"""Emitters: they format an already-computed ``Result``; they never recompute."""

from __future__ import annotations


def render(result, fmt: str) -> str:
    if fmt == "json":
        from reports.json_report import render_json
        return render_json(result)
    if fmt == "junit":
        from reports.junit import render_junit
        return render_junit(result)
    if fmt == "sarif":
        from reports.sarif import render_sarif
        return render_sarif(result)
    if fmt == "csv":
        from reports.csv_report import render_csv
        return render_csv(result)
    if fmt == "csv-files":
        from reports.csv_report import render_csv_files
        return render_csv_files(result)
    if fmt == "summary-csv":
        from reports.summary import render_summary_csv
        return render_summary_csv(result)
    if fmt == "html":
        from reports.html import render_html
        return render_html(result)
    from reports.text import render_text
    return render_text(result)
