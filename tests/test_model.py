"""Every frame a rule reads is a schema: on every seed and published form, the batch handed
to the rules validates against ``checker.model.BATCH_SCHEMAS``."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker import model as M
from checker.batch import build_batch
from checker.profile import load_profile
from checker.readers import read_any
from checker.recognise import recognise_file

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted((ROOT / "data").rglob("*.txt")) + sorted((ROOT / "data").glob("*.xlsx")) + sorted(
    (ROOT / "data").glob("*.docx")) + sorted((ROOT / "tests" / "realforms").glob("*.txt"))


@pytest.fixture(scope="module")
def batch():
    models = [recognise_file(str(p), read_any(str(p)), n) for n, p in enumerate(FILES, start=1)]
    return build_batch(models, load_profile())


@pytest.mark.parametrize("name", list(M.BATCH_SCHEMAS))
def test_every_batch_frame_is_its_schema(batch, name):
    frame = getattr(batch, name)
    M.BATCH_SCHEMAS[name].validate(frame, lazy=True)
    assert len(frame) or name in ("listed", "notes")


def test_recomputed_columns_are_documented(batch):
    """No column reaches the rules that its schema does not name (strict schemas)."""
    for name, schema in M.BATCH_SCHEMAS.items():
        assert set(getattr(batch, name).columns) == set(schema.to_schema().columns), name


def test_project_defaults_come_from_the_schema():
    """One model: the columns a recogniser may leave unread, and what they hold then, are the
    schema's own (``model.filled``), not a second list beside it."""
    from checker.recognise import records as R

    assert M.defaults(M.Projects) == R.PROJECT_DEFAULTS
    assert R.PROJECT_DEFAULTS["fund_scale"] == 1e4 and R.PROJECT_DEFAULTS["year"] is None
    row = R.project("F1P1", "a.txt", 1, "项目", "selfeval", "line 1")
    assert list(M.frame(M.Projects, [row]).columns) == list(M.Projects.to_schema().columns)


def test_record_check_names_every_failure_of_a_file():
    """Like pandera's lazy validation: every column that breaks the schema is named, not the first."""
    from checker.recognise import records as R

    good = R.project("F1P1", "a.txt", 1, "项目", "selfeval", "line 1")
    bad = {**good, "project_id": "F1P2", "kind": "letter", "seq": 0, "fund_scale": "万元"}
    with pytest.raises(M.RecordError) as err:
        M.check_records(M.Projects, [good, bad], "a.txt")
    message = str(err.value)
    assert message.startswith("a.txt: ")
    for part in ("kind='letter' not in", "seq=0 not >= 1", "fund_scale='万元' is not float"):
        assert part in message
    M.check_records(M.Projects, [good], "a.txt")   # a good record passes
