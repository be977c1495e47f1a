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
    form: dict = field(default_factory=dict)            # the kind chosen and the evidence (checker.forms.Choice)

    def validate(self) -> None:
        """Raise ``checker.model.RecordError`` if any of this file's rows break the model (a fast
        per-record check; the batch's frames go through pandera once)."""
        for attr, schema in (("projects", M.Projects), ("funds", M.Funds), ("sections", M.Sections),
                             ("indicators", M.Indicators), ("listed", M.Listed), ("notes", M.Notes)):
            M.check_records(schema, getattr(self, attr), attr)


def recognise_file(path: str, grids: list[Grid], file_no: int) -> FileModel:
    """The file read by the block reader of the form-kind description that fits it best
    (``checker.forms``): no kind is named in code here, only readers."""
    from checker.forms import choose

    choice = choose(grids)
    if choice.description is None:
        return FileModel(path=path, kind="unrecognised", form=choice.explain())
    fm = READERS[choice.description.reader](path, grids, file_no, choice.description)
    fm.form = choice.explain()
    fm.validate()
    return fm


def _read_selfeval(path: str, grids: list[Grid], file_no: int, description=None) -> FileModel:
    from checker.recognise import selfeval
    from checker.recognise.build import from_selfeval
    # A kind whose form has no 总分 row (a 转移支付 自评表: no 分值, no 得分) is whole where its indicators end.
    total_row = description is None or description.has_block("total")
    return from_selfeval(path, selfeval.read_selfeval(grids, total_row=total_row), file_no)


def _read_rubric(path: str, grids: list[Grid], file_no: int, description=None) -> FileModel:
    from checker.recognise import rubric
    return rubric.recognise(path, grids, file_no)


def _read_target(path: str, grids: list[Grid], file_no: int, description=None) -> FileModel:
    from checker.recognise import target
    return target.recognise(path, grids, file_no)


READERS = {"selfeval": _read_selfeval, "rubric": _read_rubric, "target": _read_target}


def project_id(file_no: int, seq: int) -> str:
    return f"F{file_no}P{seq}"
