"""``python -m checker`` runs the same CLI as the ``jixiao`` command."""

from checker.cli import app

app(prog_name="jixiao")
