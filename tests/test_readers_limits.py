"""Limits and forgiving decoding: every limit refuses with a message naming it and the figure;
damaged text is read with one line saying what was replaced and where."""

from __future__ import annotations

import dataclasses
import pickle
import re
from pathlib import Path

import pytest

from checker.grid import Repair, UnreadableInput
from checker.limits import DEFAULT_LIMITS, LimitExceeded, Limits
from checker.readers import read_any
from checker.readers.encoding import NOT_TEXT, decode_text

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SEED = DATA / "batch/001_selfeval_yanchi_2024.txt"
FORM = "项目名称\t测试项目\n分值\t10\t得分\t9\n"


# --- the Limits dataclass ---------------------------------------------------------------

def test_limits_are_flat_frozen_and_documented():
    fields = dataclasses.fields(Limits)
    assert all(f.type in ("int", "float") for f in fields)
    assert {"file_bytes", "zip_total_bytes", "zip_entries", "sheet_rows", "sheet_cols", "sheet_cells",
            "merge_cells", "line_chars", "text_bytes", "per_file_seconds"} <= {f.name for f in fields}
    assert DEFAULT_LIMITS.per_file_seconds == 60.0 and DEFAULT_LIMITS.sheet_rows == 100_000
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_LIMITS.sheet_rows = 5  # type: ignore[misc]
    assert issubclass(LimitExceeded, UnreadableInput)


# --- forgiving decoding -------------------------------------------------------------------

@pytest.mark.parametrize("codec", ["utf-8", "gb18030"])
def test_a_character_cut_at_the_end_is_dropped(codec):
    data = (FORM + "注").encode(codec)[:-1]
    got = decode_text(data)
    assert (got.text, got.warnings) == (FORM, ["文件末尾的不完整字符已忽略"])


def test_a_few_bad_bytes_are_replaced_and_located():
    data = FORM.encode() + b"\xff\xfe" + "备注\n".encode() + FORM.encode() * 200
    got = decode_text(data)
    assert got.codec == "utf-8-sig"
    assert got.warnings == ["第 3 行含无法解码的字节，已替换为 “\ufffd”"]
    assert got.warnings[0].en == "undecodable bytes at line 3 were replaced by “\ufffd”"
    assert got.text.split("\n")[2] == "\ufffd\ufffd备注"


def test_many_bad_bytes_are_another_encoding_or_none():
    assert decode_text(FORM.encode("gb18030")).codec == "gb18030"
    with pytest.raises(UnreadableInput, match="无法识别文件编码"):
        decode_text(bytes(range(0x80, 0x100)) * 50)


def test_control_characters_become_spaces_with_their_lines_named():
    lines = [f"第{n}行\t{n}" for n in range(1, 21)]
    lines[11] += "\x07"
    lines[14] = "\x1b" + lines[14]
    got = decode_text("\n".join(lines).encode())
    assert got.warnings == ["第 12、15 行含控制字符 0x07、0x1B，已替换为空格"]
    assert got.warnings[0].en == "control characters 0x07, 0x1B at lines 12, 15 were replaced by spaces"
    assert got.text.split("\n")[11] == "第12行\t12 "


def test_repairs_named_past_five_lines_are_counted_and_survive_pickling():
    text = "\n".join(f"行{n}\x07" for n in range(1, 8))
    got = decode_text(text.encode()).warnings[0]
    assert got == "第 1、2、3、4、5 行等 7 处含控制字符 0x07，已替换为空格"
    again = pickle.loads(pickle.dumps(got))  # worker processes send grids' warnings back pickled
    assert (type(again), again, again.en) == (Repair, got, got.en)
    assert again.en == "control characters 0x07 at lines 1, 2, 3, 4, 5 and others (7 places) were replaced by spaces"


def test_binary_is_still_refused():
    with pytest.raises(UnreadableInput, match=f"^{re.escape(NOT_TEXT)}$"):
        decode_text(b"PK\x03\x04\x00\x00\x00\x00" + b"\x00" * 100)
    with pytest.raises(UnreadableInput, match=f"^{re.escape(NOT_TEXT)}$"):
        decode_text(bytes(range(0, 32)) * 40)  # control characters everywhere


def test_a_single_nul_is_damage_and_a_form_feed_a_page_break():
    got = decode_text(FORM.encode() + b"\x00" + b"\f" + FORM.encode())
    assert got.warnings == ["第 3 行含控制字符 0x00，已替换为空格"]
    assert got.text == FORM + " \n" + FORM


def test_utf16_with_bom():
    assert decode_text(FORM.encode("utf-16")).text == FORM


# --- limits per reader -----------------------------------------------------------------------

def _write(tmp_path: Path, name: str, text: str) -> str:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


@pytest.mark.parametrize(("limits", "message"), [
    (Limits(sheet_rows=10), r"^文本文件有 \d+ 行，超过上限 10 行$"),
    (Limits(line_chars=100), r"^第 \d+ 行长 \d+ 个字符，超过上限 100 个字符$"),
    (Limits(sheet_cols=5), r"^第 7 行有 11 个单元格，超过上限 5 列$"),
    (Limits(sheet_cells=100), r"^文件共 \d+ 个单元格，超过上限 100 个$"),
    (Limits(text_bytes=1024), r"^文本文件大小 \d+\.\d KB，超过上限 1\.0 KB$"),
    (Limits(file_bytes=1024), r"^文件大小 \d+\.\d KB，超过上限 1\.0 KB$"),
])
def test_text_limits(limits, message):
    with pytest.raises(LimitExceeded, match=message):
        read_any(str(SEED), limits)


def test_csv_limits(tmp_path):
    p = _write(tmp_path, "wide.csv", "项目名称," + ",".join(["x"] * 20) + "\n")
    with pytest.raises(LimitExceeded, match=r"^第 1 行起单元格过多（本行 21 个，累计 21 个），超过上限 10 列"):
        read_any(p, Limits(sheet_cols=10))


@pytest.mark.parametrize(("limits", "message"), [
    (Limits(zip_entries=5), r"^压缩包含 23 个成员，超过上限 5 个$"),
    (Limits(zip_total_bytes=50_000), r"^压缩包声明解压后共 \d+\.\d KB，超过上限 48\.8 KB$"),
    (Limits(zip_member_bytes=5_000), r"^压缩包成员 \S+ 声明解压后 \d+\.\d KB，超过上限 4\.9 KB$"),
    (Limits(sheet_rows=10), r"^工作表 项目清单 声明 1[0-9] 行，超过上限 10 行$"),
    (Limits(sheet_cols=5), r"^工作表 项目1 声明 9 列，超过上限 5 列$"),
    (Limits(merge_cells=5), r"^工作表 项目1 的合并单元格 [A-Z]+\d+:[A-Z]+\d+ 覆盖 \d+ 个单元格，超过上限 5 个$"),
])
def test_xlsx_limits(limits, message):
    with pytest.raises(LimitExceeded, match=message):
        read_any(str(DATA / "batch/003_bundle.xlsx"), limits)


def test_docx_limits():
    with pytest.raises(LimitExceeded, match=r"^Word 表1 有 \d+ 列，超过上限 3 列$"):
        read_any(str(DATA / "batch/002_rubric.docx"), Limits(sheet_cols=3))
    with pytest.raises(LimitExceeded, match=r"^压缩包含 \d+ 个成员，超过上限 2 个$"):
        read_any(str(DATA / "batch/002_rubric.docx"), Limits(zip_entries=2))


def test_pdf_page_limit(tmp_path):
    from tests.test_pdf_reader import _pdf

    pages = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
             "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
             "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"]
    p = tmp_path / "two.pdf"
    p.write_bytes(_pdf(pages))
    with pytest.raises(LimitExceeded, match="^PDF 共 2 页，超过上限 1 页$"):
        read_any(str(p), Limits(pdf_pages=1))


def test_defaults_read_every_sample():
    for p in sorted(DATA.rglob("*")):
        if p.suffix in (".txt", ".xlsx", ".docx"):
            assert read_any(str(p)) == read_any(str(p), DEFAULT_LIMITS)
