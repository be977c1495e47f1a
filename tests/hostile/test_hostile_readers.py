"""Hostile inputs, built at test time: each is refused (or repaired) with a one-line reason, costs
bounded time and memory, and never stops the good file beside it from being checked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from checker.engine import check
from checker.grid import UnreadableInput
from checker.readers import read_any
from checker.readers.excel import read_openpyxl
from tests.hostile import builders as B

ROOT = B.ROOT
GOOD = str(B.GOOD)
PEAK_MIB = 400        # generous: a hostile file must cost a bounded amount, far below what it asks for
SECONDS = 60

UNREADABLE = {
    "bomb.xlsx": (B.zip_bomb, "压缩包成员 xl/worksheets/sheet1.xml 声明解压后 2048.0 MB，超过上限 128.0 MB"),
    "bomb_lying_header.xlsx": (lambda p: B.zip_bomb(p, claimed=1000),
                               "压缩包成员 xl/worksheets/sheet1.xml 解压后超过上限 128.0 MB"),
    "far_cell.xlsx": (B.far_cell, "工作表 Sheet1 声明 1048576 行，超过上限 100000 行"),
    "far_cell_undeclared.xlsx": (lambda p: B.far_cell(p, declare=False),
                                 "工作表 Sheet1 用到第 1048576 行，超过上限 100000 行"),
    "huge_merge.xlsx": (B.huge_merge,
                        "工作表 Sheet1 的合并单元格 A100:XFD1048576 覆盖 17178247168 个单元格，超过上限 100000 个"),
    "million_rows.xlsx": (B.million_rows, "工作表 Sheet1 声明 1000000 行，超过上限 100000 行"),
    "million_rows_undeclared.xlsx": (lambda p: B.million_rows(p, declare=False),
                                     "工作表 Sheet1 用到第 100001 行，超过上限 100000 行"),
    "long_line.txt": (B.long_tab_line, "第 1 行长达 50.0 MB，超过每行 100000 个字符的上限"),
    "ods_million_rows.ods": (B.ods_million_rows, "工作表 Sheet1 用到第 1000000 行，超过上限 100000 行"),
    "xls_far_cell.xls": (B.xls_far_cell,
                         "工作表 Sheet1 用到 65536 行 × 256 列 = 16777216 个单元格，超过上限 1000000 个"),
    "encrypted.xlsx": (B.encrypted_xlsx, "Excel 文件已加密（设有打开密码），请解除密码后再提交"),
    "xls_sector_loop.xls": (B.xls_sector_loop, "xls 文件已损坏（OLE 容器结构无效：扇区链成环）"),
    "forged_string_count.xlsx": (B.forged_string_count, "共享字符串表声明 99999999999999 项，超过上限 1000000 项"),
    "pdf_flate_bomb.pdf": (B.pdf_bomb, "PDF 中的数据流解压后超过上限 128.0 MB"),
    "pdf_many_paths.pdf": (B.pdf_many_paths, "PDF 第 1 页绘制的文字和图形超过上限 100000 个"),
    # repaired in linear time (pdfminer's own repair would take hours), then found to hold no text
    "pdf_damaged_stream.pdf": (B.pdf_damaged_stream, "扫描件，无文字层，请先 OCR 识别后再提交"),
}
REPAIRED = {
    "cut_utf8.txt": (B.cut_utf8, "文件末尾的不完整字符已忽略",
                     "an incomplete character at the end of the file was ignored"),
    "control_byte.txt": (B.control_byte, "第 12 行含控制字符 0x07，已替换为空格",
                         "control characters 0x07 at line 12 were replaced by spaces"),
}

# Peak RSS from VmHWM: ru_maxrss survives exec on Linux, so it would report the parent's peak.
MEASURE = """
import json, resource, sys, time
from checker.grid import UnreadableInput
from checker.readers import read_any

def peak_mib():
    try:
        with open("/proc/self/status") as fh:
            return next(int(ln.split()[1]) for ln in fh if ln.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

before = peak_mib()
start = time.perf_counter()
try:
    read_any(sys.argv[1])
    message = ""
except UnreadableInput as exc:
    message = str(exc)
print(json.dumps({"seconds": time.perf_counter() - start, "message": message,
                  "peak_mib": peak_mib(), "baseline_mib": before}))
"""


def measure(path: Path) -> dict:
    """Read one file in a fresh interpreter: its message, wall time and peak RSS."""
    out = subprocess.run([sys.executable, "-c", MEASURE, str(path)], cwd=ROOT, capture_output=True, text=True,
                         timeout=SECONDS * 3, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout)


def cli(*paths: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "checker", "check", *paths], cwd=ROOT, capture_output=True,
                          text=True, timeout=SECONDS * 3, env={**os.environ, "PYTHONPATH": str(ROOT)})


def _key(findings):
    return sorted(zip(findings.rule, findings.indicator, findings.reported, findings.expected, findings.location))


@pytest.fixture(scope="module")
def good_findings():
    return _key(check([GOOD]).findings)


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_hostile_file_is_refused_and_the_batch_goes_on(tmp_path, name, good_findings):
    build, message = UNREADABLE[name]
    bad = build(tmp_path / name)
    with pytest.raises(UnreadableInput) as err:
        read_any(str(bad))
    assert str(err.value) == message

    result = check([str(bad), GOOD])
    assert [(f.path, f.status, f.error_message) for f in result.files] == [
        (str(bad), "unreadable", message), (GOOD, "checked", "")]
    assert _key(result.findings) == good_findings

    cost = measure(bad)
    assert cost["message"] == message
    assert cost["seconds"] < SECONDS and cost["peak_mib"] < PEAK_MIB, cost

    run = cli(str(bad), GOOD)
    assert run.returncode == 2, run.stderr[-2000:]
    assert f"{bad}: 无法读取: {message}" in run.stdout


@pytest.mark.parametrize("name", sorted(REPAIRED))
def test_damaged_text_is_read_with_a_warning(tmp_path, name, good_findings):
    build, warning, warning_en = REPAIRED[name]
    bad = build(tmp_path / name)
    assert read_any(str(bad))[0].warnings == [warning]

    result = check([str(bad), GOOD])
    assert [(f.status, f.kind) for f in result.files] == [("checked", "selfeval"), ("checked", "selfeval")]
    f = result.findings
    mine, repaired = f[f.file == str(bad)], f[(f.file == str(bad)) & (f.rule == "PARSE.READ_REPAIRED")]
    assert repaired["message"].tolist() == [f"读取时作了修补：{warning}"]
    assert repaired["message_en"].tolist() == [f"Repaired while reading: {warning_en}"]
    assert _key(mine[mine.rule != "PARSE.READ_REPAIRED"]) == good_findings
    # the repaired copy reads as the very same table: the good file is reported as its repeat
    theirs = f[f.file == GOOD]
    assert theirs[theirs.family == "DUP"]["rule"].tolist() == ["DUP.REPEATED_TABLE"]
    assert _key(theirs[theirs.family != "DUP"]) == good_findings

    run = cli(str(bad))
    assert run.returncode == 1 and "PARSE.READ_REPAIRED" in run.stdout, run.stderr[-2000:]


def test_workbook_only_calamine_opens(tmp_path, good_findings):
    """No [Content_Types].xml and a broken docProps/core.xml: openpyxl gives up, the reader does not,
    and the number formats still come from the workbook's own styles."""
    src = ROOT / "data" / "batch" / "003_bundle.xlsx"
    bad = tmp_path / "no_manifest.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename != "[Content_Types].xml":
                data = b"<broken" if item.filename == "docProps/core.xml" else zin.read(item)
                zout.writestr(item.filename, data)
    with pytest.raises(Exception):  # noqa: B017 - any of openpyxl's error types
        openpyxl.load_workbook(bad, data_only=True)
    with pytest.raises(UnreadableInput):
        read_openpyxl(str(bad))

    cells = lambda p: [[(c.text, c.loc) for c in r.cells] for g in read_any(str(p)) for r in g.rows]  # noqa: E731
    assert cells(bad) == cells(src)
    assert any(t == "100.00%" for row in cells(bad) for t, _ in row)  # formats survived

    result = check([str(bad), GOOD])
    assert [(f.status, f.kind) for f in result.files] == [("checked", "bundle"), ("checked", "selfeval")]
    f = result.findings
    assert _key(f[f.file == str(bad)]) == _key(check([str(src)]).findings)
    assert _key(f[f.file == GOOD]) == good_findings
    assert measure(bad)["message"] == ""


def test_zip_guard_stops_inflating_at_the_limit(tmp_path):
    """The lying-header bomb costs about one member limit of inflation, not its 2 GiB."""
    bad = B.zip_bomb(tmp_path / "bomb.xlsx", claimed=1000)
    start = time.perf_counter()
    with pytest.raises(UnreadableInput):
        read_any(str(bad))
    assert time.perf_counter() - start < SECONDS


def test_xls_saved_by_libreoffice_with_a_far_cell(tmp_path, good_findings):
    """A real .xls (LibreOffice's BIFF8) with one cell at IV65536: calamine alone takes ~1.2 GB and
    over 10 s to open it; the record scan refuses it first."""
    import shutil

    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        pytest.skip("LibreOffice is not installed")
    src = tmp_path / "far.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"], wb.active["IV65536"] = "项目名称", 1
    wb.save(src)
    subprocess.run([exe, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--convert-to",
                    "xls", "--outdir", str(tmp_path / "out"), str(src)], capture_output=True, timeout=180, check=False)
    bad = tmp_path / "out" / "far.xls"
    message = "工作表 Sheet 声明 65536 行 × 256 列 = 16777216 个单元格，超过上限 1000000 个"
    cost = measure(bad)
    assert cost["message"] == message and cost["peak_mib"] < 100 and cost["seconds"] < 5, cost
    result = check([str(bad), GOOD])
    assert [(f.status, f.error_message) for f in result.files] == [("unreadable", message), ("checked", "")]
