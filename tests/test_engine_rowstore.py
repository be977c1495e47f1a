"""The row store gives build_batch exactly the frames the recognisers' dicts give, in less memory."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from checker.batch import build_batch
from checker.executors import Task, process_one
from checker.inputs import expand
from checker.profile import load_profile
from checker.recognise import FileModel
from checker.rowstore import RowStore

DATA = Path(__file__).resolve().parents[1] / "data"
TABLES = ("projects", "funds", "sections", "indicators", "listed", "notes")


def _models() -> list[FileModel]:
    inputs = [i for i in expand([str(DATA)]) if not i.skip]
    outs = [process_one(Task(n, i.path, i.display, n + 1)) for n, i in enumerate(inputs)]
    return [o.model for o in outs if o.model is not None]


def test_same_frames_as_from_the_dicts():
    models = _models()
    store = RowStore()
    for fm in models:
        store.add(fm)
    assert len(store) == sum(len(fm.projects) for fm in models) >= 30
    profile = load_profile()
    a, b = build_batch(models, profile, []), build_batch(store, profile, [])
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert store.rows["indicators"] == []  # handed over to the frame, not kept twice


def test_a_key_that_appears_late_is_missing_in_earlier_rows_as_from_records_has_it():
    first, second = FileModel("a.txt", "selfeval"), FileModel("b.txt", "selfeval")
    first.listed = [{"file": "a.txt", "name": "甲"}]
    second.listed = [{"file": "b.txt", "loc": "line 3", "name": "乙"}]
    store = RowStore()
    store.add(first)
    store.add(second)
    got = pd.DataFrame.from_records(store.rows["listed"], columns=store.columns["listed"])
    want = pd.DataFrame.from_records(first.listed + second.listed)
    assert list(got.columns) == list(want.columns) == ["file", "name", "loc"]
    assert got.iloc[0]["name"] == "甲" and pd.isna(got.iloc[0]["loc"]) and pd.isna(want.iloc[0]["loc"])


def test_equal_strings_are_shared_across_files():
    a, b = FileModel("a.txt", "selfeval"), FileModel("b.txt", "selfeval")
    a.listed = [{"file": "x", "name": "".join(["物业", "费"]), "loc": "line 1"}]
    b.listed = [{"file": "x", "name": "".join(["物", "业费"]), "loc": "line 1"}]
    assert a.listed[0]["name"] is not b.listed[0]["name"]
    store = RowStore()
    store.add(a)
    store.add(b)
    assert store.rows["listed"][0][1] is store.rows["listed"][1][1]
