"""Rows packed by a worker (checker.rowstore.pack) fold into the store exactly as the dicts do."""

from __future__ import annotations

import pickle
from pathlib import Path

import pandas as pd

from checker.batch import build_batch
from checker.executors import Task, process_one, process_packed
from checker.inputs import expand
from checker.profile import load_profile
from checker.recognise import FileModel
from checker.rowstore import PackedRows, RowStore, pack

DATA = Path(__file__).resolve().parents[1] / "data"
TABLES = ("projects", "funds", "sections", "indicators", "listed", "notes")


def test_packed_rows_give_the_same_frames_as_the_dicts():
    inputs = [i for i in expand([str(DATA)]) if not i.skip]
    tasks = [Task(n, i.path, i.display, n + 1) for n, i in enumerate(inputs)]
    models = [o.model for o in (process_one(t) for t in tasks) if o.model is not None]
    packed = [pickle.loads(pickle.dumps(o.model)) for o in (process_packed(t) for t in tasks) if o.model is not None]
    assert all(isinstance(p, PackedRows) for p in packed) and len(packed) == len(models) >= 5
    by_dicts, by_tuples = RowStore(), RowStore()
    for fm in models:
        by_dicts.add(fm)
    for p in packed:
        by_tuples.add(p)
    profile = load_profile()
    a, b = build_batch(by_dicts, profile, []), build_batch(by_tuples, profile, [])
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))


def test_records_in_another_key_order_or_with_a_new_key_are_kept_apart_and_aligned():
    first, second = FileModel("a.txt", "selfeval"), FileModel("b.txt", "selfeval")
    first.listed = [{"file": "a.txt", "name": "甲", "loc": "line 1"}]
    second.listed = [{"name": "乙", "file": "b.txt", "loc": "line 2"}, {"file": "b.txt", "name": "丙", "loc": "line 3",
                                                                       "extra": "x"}]
    p = pack(second)
    assert p.tables["listed"][0] is None   # keys not in one order: the records travel as they are
    store = RowStore()
    store.add(pack(first))
    store.add(p)
    got = pd.DataFrame.from_records(store.rows["listed"], columns=store.columns["listed"])
    assert list(got.columns) == ["file", "name", "loc", "extra"]
    assert got["name"].tolist() == ["甲", "乙", "丙"] and got["file"].tolist() == ["a.txt", "b.txt", "b.txt"]
    assert got["extra"].tolist()[2] == "x" and pd.isna(got["extra"].tolist()[0])
