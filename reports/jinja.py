"""The one Jinja environment of the HTML report, the split index and the letters: the package's
templates, every value escaped (``autoescape``) unless a template marks it safe."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape

ENV = Environment(loader=PackageLoader("reports", "templates"), autoescape=select_autoescape(["html", "j2"]),
                  trim_blocks=True, lstrip_blocks=True)
