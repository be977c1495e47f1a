""".doc / .wps / .et: converted with LibreOffice into a private temporary folder when it is installed,
skipped with the conversion to do when it is not; never a file written next to the input."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from checker.engine import check
from checker.grid import SkippedInput
from checker.readers import office, read_any, supported

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


@pytest.mark.parametrize(("name", "target"), [("自评表.doc", "docx"), ("评分表.WPS", "docx"), ("汇总.et", "xlsx")])
def test_without_libreoffice_the_file_is_skipped_with_the_conversion_to_do(tmp_path, monkeypatch, name, target):
    monkeypatch.setattr(office, "soffice", lambda: None)
    p = tmp_path / name
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    with pytest.raises(SkippedInput) as err:
        read_any(str(p))
    suffix = Path(name).suffix.lower()
    assert str(err.value) == f"{suffix} 文件需先另存为 .{target}（本机未安装 LibreOffice，无法自动转换）"
    assert supported(p)
    assert sorted(x.name for x in tmp_path.iterdir()) == [name]


@pytest.fixture(scope="module")
def legacy(tmp_path_factory) -> Path:
    """002_rubric.docx saved as .doc and 003_bundle.xlsx as .xls by LibreOffice, then renamed .wps/.et."""
    exe = office.soffice()
    if not exe:
        pytest.skip("LibreOffice is not installed")
    tmp = tmp_path_factory.mktemp("legacy")
    for src, fmt in ((DATA / "batch/002_rubric.docx", "doc"), (DATA / "batch/003_bundle.xlsx", "xls")):
        subprocess.run([exe, f"-env:UserInstallation={(tmp / 'profile').as_uri()}", "--headless", "--convert-to", fmt,
                        "--outdir", str(tmp / "in"), str(src)], capture_output=True, timeout=180, check=False)
    shutil.copy(tmp / "in" / "002_rubric.doc", tmp / "in" / "002_rubric.wps")
    shutil.move(tmp / "in" / "003_bundle.xls", tmp / "in" / "003_bundle.et")
    return tmp / "in"


def _keys(grids) -> list[list[str]]:
    return [[c.key for c in r.cells] for g in grids for r in g.rows]


@pytest.mark.parametrize("name", ["002_rubric.doc", "002_rubric.wps"])
def test_word_legacy_reads_as_the_docx(legacy, name):
    path = legacy / name
    before = sorted(p.name for p in legacy.iterdir())
    grids = read_any(str(path))
    assert [g.path for g in grids] == [str(path)]
    assert grids[0].rows[0].loc.startswith("表")
    assert _keys(grids) == _keys(read_any(str(DATA / "batch/002_rubric.docx")))
    assert sorted(p.name for p in legacy.iterdir()) == before  # nothing written beside the input
    key = lambda f: sorted(zip(f.rule, f.indicator, f.reported, f.expected))  # noqa: E731
    assert key(check([str(path)]).findings) == key(check([str(DATA / "batch/002_rubric.docx")]).findings)


def test_wps_spreadsheet_reads_as_the_workbook(legacy):
    path = legacy / "003_bundle.et"
    grids = read_any(str(path))
    assert [g.name for g in grids] == ["项目清单"] + [f"项目{n}" for n in range(1, 15)]
    assert all(g.path == str(path) for g in grids)
    assert grids[1].rows[0].cells[0].loc == "项目1!A1"
    result = check([str(path)])
    assert [(s.status, s.kind, s.projects) for s in result.files] == [("checked", "bundle", 14)]


def test_a_file_libreoffice_cannot_convert_is_unreadable(tmp_path):
    if not office.soffice():
        pytest.skip("LibreOffice is not installed")
    p = tmp_path / "坏文件.doc"
    p.write_bytes(b"\x00\x01 not a word file")
    result = check([str(p)])
    assert result.files[0].status == "unreadable"
    assert result.files[0].error_message.startswith("LibreOffice 无法将此文件转换为 .docx")
