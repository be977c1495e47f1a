"""Writing a report where the CLI asks: standard output, or a file written atomically.

JSON is streamed into the file; HTML above the size limit becomes an index page plus pages
(``reports.html.write_html``); every other format is rendered and written in one go.
"""

from __future__ import annotations

import sys
from pathlib import Path

from checker.atomic import atomic_open, atomic_write_text
from reports import render


def write_report(result, fmt: str, output: Path | None, html_max_bytes: int | None = None,
                 stream=None) -> list[Path]:
    """Write the report; returns the files written (none for standard output, or ``stream``)."""
    if output is None:
        out = stream or sys.stdout
        if fmt == "json":
            from reports.json_report import write_json
            write_json(result, out)
        else:
            out.write(render(result, fmt))
        return []
    if fmt == "json":
        from reports.json_report import write_json
        with atomic_open(output) as fh:
            write_json(result, fh)
        return [output]
    if fmt == "html":
        from reports.html import DEFAULT_MAX_BYTES, write_html
        return write_html(result, output, html_max_bytes or DEFAULT_MAX_BYTES)
    atomic_write_text(output, render(result, fmt))
    return [output]
