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
