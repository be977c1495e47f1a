"""Recognisers: grids of one file -> rows of the canonical model.

``recognise_file`` decides which form a file holds and hands its grids to the
recogniser of that kind.  A file nobody recognises is reported as such (kind
"unrecognised"), never crashed on.  Each file's rows are validated against the
model's schemas here, so one odd form fails alone, inside the engine's per-file
``try``, and never sinks the batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from checker import model as M
from checker.grid import Grid


@dataclass
class FileModel:
    path: str
    kind: str
    projects: list[dict] = field(default_factory=list)
    funds: list[dict] = field(default_factory=list)
    sections: list[dict] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)
    listed: list[dict] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)   # checker.model.Notes rows (PARSE.*)
    layouts: list[dict] = field(default_factory=list)  # per table: the column maps read (for ``jixiao inspect``)

    def validate(self) -> None:
        """Raise ``checker.model.RecordError`` if any of this file's rows break the model (a fast
        per-record check; the batch's frames go through pandera once)."""
        for attr, schema in (("projects", M.Projects), ("funds", M.Funds), ("sections", M.Sections),
                             ("indicators", M.Indicators), ("listed", M.Listed), ("notes", M.Notes)):
            M.check_records(schema, getattr(self, attr), attr)


def recognise_file(path: str, grids: list[Grid], file_no: int) -> FileModel:
    from checker.recognise import rubric, selfeval, target
    from checker.recognise.build import from_selfeval

    if selfeval.looks_like_selfeval(grids):
        fm = from_selfeval(path, selfeval.read_selfeval(grids), file_no)
    elif rubric.looks_like(grids):
        fm = rubric.recognise(path, grids, file_no)
    elif target.looks_like(grids):
        fm = target.recognise(path, grids, file_no)
    else:
        return FileModel(path=path, kind="unrecognised")
    fm.validate()
    return fm


def project_id(file_no: int, seq: int) -> str:
    return f"F{file_no}P{seq}"
