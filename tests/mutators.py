"""Deterministic mutants of the sample files, for the mutation fuzz test and the atheris harness.

``mutant(n)`` is the n-th mutant: a seed file from data/ and one mutation chosen by ``n``
alone, so a failure is reproduced from its number (``python -m tests.mutators 1234 out/``).
Mutations: bytes flipped, text truncated, zip members removed or duplicated, XML mangled,
cells deleted or swapped, rows duplicated, a cell moved to the sheet's last row, control bytes,
a multi-byte character cut.
"""

from __future__ import annotations

import io
import random
import re
import sys
import warnings
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TABLE_PDF = ROOT / "generated" / "table.pdf"  # not a file: built below (data/ holds no PDF)
SEEDS = (sorted(p for p in (ROOT / "data").rglob("*") if p.suffix in (".txt", ".xlsx", ".docx"))
         + [ROOT / "tests" / "fixtures" / "003_bundle.xls", TABLE_PDF])
_SEED_BYTES: dict[Path, bytes] = {}


def table_pdf() -> bytes:
    """A one-page PDF with a title, a ruled 3 × 3 table (one cell spanning two columns) and a note."""
    rows = [("Project", "Road repair", None), ("Indicator", "Target", "Score"), ("Length", ">=10 km", "9.5")]
    ops = ["BT /F1 14 Tf 50 760 Td (Self-evaluation 2024) Tj ET", "0.5 w"]
    for r in range(4):  # horizontal rules
        ops.append(f"50 {720 - 30 * r} m 350 {720 - 30 * r} l S")
    for x in (50, 150, 250, 350):  # vertical rules; the first row's 250 rule is missing: a span
        top = 690 if x == 250 else 720
        ops.append(f"{x} {top} m {x} 630 l S")
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text:
                ops.append(f"BT /F1 10 Tf {55 + 100 * c} {700 - 30 * r} Td ({text}) Tj ET")
    ops.append("BT /F1 9 Tf 50 600 Td (Note: scores are out of 100.) Tj ET")
    content = "\n".join(ops).encode()
    bodies = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
              b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 800] /Contents 4 0 R "
              b"/Resources << /Font << /F1 5 0 R >> >> >>",
              b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
              b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    return bytes(out)


_SEED_BYTES[TABLE_PDF] = table_pdf()


def _bytes(path: Path) -> bytes:
    if path not in _SEED_BYTES:
        _SEED_BYTES[path] = path.read_bytes()
    return _SEED_BYTES[path]


# --- any file ---------------------------------------------------------------------------

def flip_bytes(data: bytes, rnd: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rnd.randint(1, 8)):
        i = rnd.randrange(len(out))
        out[i] ^= rnd.randint(1, 255)
    return bytes(out)


def truncate(data: bytes, rnd: random.Random) -> bytes:
    return data[: rnd.randrange(len(data))]


# --- text forms ----------------------------------------------------------------------------

def _lines(data: bytes) -> list[str]:
    return data.decode("utf-8").split("\n")


def _join(lines: list[str]) -> bytes:
    return "\n".join(lines).encode("utf-8")


def _tabbed(lines: list[str], rnd: random.Random) -> int:
    tabbed = [i for i, ln in enumerate(lines) if "\t" in ln]
    return rnd.choice(tabbed) if tabbed else rnd.randrange(len(lines))


def text_cell_deleted(data: bytes, rnd: random.Random) -> bytes:
    lines = _lines(data)
    i = _tabbed(lines, rnd)
    cells = lines[i].split("\t")
    del cells[rnd.randrange(len(cells))]
    lines[i] = "\t".join(cells)
    return _join(lines)


def text_cells_swapped(data: bytes, rnd: random.Random) -> bytes:
    lines = _lines(data)
    i = _tabbed(lines, rnd)
    cells = lines[i].split("\t")
    a, b = rnd.randrange(len(cells)), rnd.randrange(len(cells))
    cells[a], cells[b] = cells[b], cells[a]
    lines[i] = "\t".join(cells)
    return _join(lines)


def text_row_duplicated(data: bytes, rnd: random.Random) -> bytes:
    lines = _lines(data)
    i = rnd.randrange(len(lines))
    lines[i:i] = [lines[i]] * rnd.randint(1, 3)
    return _join(lines)


def text_rows_dropped(data: bytes, rnd: random.Random) -> bytes:
    lines = _lines(data)
    i = rnd.randrange(len(lines))
    del lines[i : i + rnd.randint(1, 5)]
    return _join(lines)


def text_truncated(data: bytes, rnd: random.Random) -> bytes:
    text = data.decode("utf-8")
    return text[: rnd.randrange(len(text))].encode("utf-8")


def text_control_byte(data: bytes, rnd: random.Random) -> bytes:
    i = rnd.randrange(len(data))
    while i < len(data) and data[i] & 0xC0 == 0x80:  # not inside a character
        i += 1
    return data[:i] + bytes([rnd.choice([0x00, 0x01, 0x07, 0x08, 0x0B, 0x1B, 0x7F])]) + data[i:]


def text_cut_character(data: bytes, rnd: random.Random) -> bytes:
    starts = [i for i in range(len(data)) if data[i] >= 0xE0]
    i = rnd.choice(starts) if starts else len(data) - 1
    return data[: i + rnd.randint(1, 2)]


def text_gb18030(data: bytes, rnd: random.Random) -> bytes:
    return flip_bytes(data.decode("utf-8").encode("gb18030"), rnd) if rnd.random() < 0.5 else \
        data.decode("utf-8").encode("gb18030")


# --- zip packages (xlsx, docx) ------------------------------------------------------------

def _members(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i.filename, z.read(i)) for i in z.infolist()]


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name" is the point of one mutation
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for name, body in members:
                z.writestr(name, body)
    return buf.getvalue()


def _main_part(members: list[tuple[str, bytes]], rnd: random.Random) -> int:
    """A sheet or the Word body: where cells live."""
    parts = [i for i, (n, _) in enumerate(members) if "worksheets/sheet" in n or n == "word/document.xml"]
    return rnd.choice(parts)


def zip_member_removed(data: bytes, rnd: random.Random) -> bytes:
    members = _members(data)
    del members[rnd.randrange(len(members))]
    return _zip(members)


def zip_member_duplicated(data: bytes, rnd: random.Random) -> bytes:
    members = _members(data)
    i = rnd.randrange(len(members))
    name, body = members[i]
    copy = body if rnd.random() < 0.5 else flip_bytes(body, rnd)
    members.insert(rnd.randrange(len(members) + 1), (name, copy))
    return _zip(members)


def xml_mangled(data: bytes, rnd: random.Random) -> bytes:
    members = _members(data)
    i = _main_part(members, rnd) if rnd.random() < 0.6 else rnd.randrange(len(members))
    name, body = members[i]
    a = rnd.randrange(len(body) + 1)
    b = min(len(body), a + rnd.randint(1, 200))
    how = rnd.randrange(4)
    if how == 0:
        body = body[:a] + body[b:]                                   # a span deleted
    elif how == 1:
        body = body[:a] + rnd.choice([b"<", b"&", b"</x>", b"<c r=\"ZZZ0\">", b"\"", b"]]>"]) + body[a:]
    elif how == 2:
        body = body[:a]                                              # cut short
    else:
        body = re.sub(rb"<(\w+:)?(\w+)", lambda m: m.group(0) + b"x" if rnd.random() < 0.02 else m.group(0), body)
    members[i] = (name, body)
    return _zip(members)


_ELEMENT = {"c": rb"<c\b[^>]*?(?:/>|>.*?</c>)", "row": rb"<row\b[^>]*?(?:/>|>.*?</row>)",
            "tc": rb"<w:tc\b.*?</w:tc>", "tr": rb"<w:tr\b.*?</w:tr>"}


def _elements(body: bytes, kind: str) -> list[re.Match]:
    return list(re.finditer(_ELEMENT[kind], body, re.S))


def _cell_kind(name: str) -> tuple[str, str]:
    return ("tc", "tr") if name == "word/document.xml" else ("c", "row")


def cell_deleted(data: bytes, rnd: random.Random) -> bytes:
    members = _members(data)
    i = _main_part(members, rnd)
    name, body = members[i]
    found = _elements(body, _cell_kind(name)[0])
    if found:
        m = rnd.choice(found)
        members[i] = (name, body[: m.start()] + body[m.end():])
    return _zip(members)


def _split_cell(element: bytes) -> tuple[bytes, bytes]:
    """'<c r="A1" s="1"><v>5</v></c>' -> ('<c r="A1" s="1"', '<v>5</v>')."""
    m = re.match(rb"(<c\b[^>]*?)(?:/>|>(.*)</c>)$", element, re.S)
    return (m.group(1), m.group(2) or b"") if m else (element, b"")


def _cell(head: bytes, content: bytes) -> bytes:
    return head + (b">" + content + b"</c>" if content else b"/>")


def cells_swapped(data: bytes, rnd: random.Random) -> bytes:
    """Two cells' contents exchanged: sheet cells keep their addresses, Word cells move whole."""
    members = _members(data)
    i = _main_part(members, rnd)
    name, body = members[i]
    found = _elements(body, _cell_kind(name)[0])
    if len(found) > 1:
        a, b = sorted(rnd.sample(found, 2), key=lambda m: m.start())
        new_a, new_b = b.group(0), a.group(0)
        if name != "word/document.xml":
            (head_a, inner_a), (head_b, inner_b) = _split_cell(a.group(0)), _split_cell(b.group(0))
            new_a, new_b = _cell(head_a, inner_b), _cell(head_b, inner_a)
        body = body[: a.start()] + new_a + body[a.end(): b.start()] + new_b + body[b.end():]
        members[i] = (name, body)
    return _zip(members)


def row_duplicated(data: bytes, rnd: random.Random) -> bytes:
    members = _members(data)
    i = _main_part(members, rnd)
    name, body = members[i]
    found = _elements(body, _cell_kind(name)[1])
    if found:
        m = rnd.choice(found)
        body = body[: m.end()] + m.group(0) * rnd.randint(1, 3) + body[m.end():]
        members[i] = (name, body)
    return _zip(members)


def cell_moved_far(data: bytes, rnd: random.Random) -> bytes:
    """A cell reference changed to the sheet's last row or column (these once hung the reader)."""
    members = _members(data)
    sheets = [i for i, (n, _) in enumerate(members) if "worksheets/sheet" in n]
    if not sheets:
        return flip_bytes(data, rnd)
    i = rnd.choice(sheets)
    name, body = members[i]
    refs = list(re.finditer(rb'\br="([A-Z]+)(\d+)"', body))
    if refs:
        m = rnd.choice(refs)
        far = rnd.choice([b'r="%s1048576"' % m.group(1), b'r="XFD%s"' % m.group(2), b'r="XFD1048576"'])
        members[i] = (name, body[: m.start()] + far + body[m.end():])
    return _zip(members)


def pdf_operator_mangled(data: bytes, rnd: random.Random) -> bytes:
    """A drawing or text operator's numbers changed or the operator dropped (offsets then stale)."""
    ops = list(re.finditer(rb"[-\d.]+ [-\d.]+ (?:m|l|Td)|\([^)]*\) Tj|\d+ \d+ obj", data))
    if not ops:
        return flip_bytes(data, rnd)
    m = rnd.choice(ops)
    new = rnd.choice([b"", b"99999 -99999 l", b"(\xe9\x00\xff) Tj", b"1e308 1e308 m", m.group(0) * 3])
    return data[: m.start()] + new + data[m.end():]


PDF_MUTATIONS = [flip_bytes, truncate, pdf_operator_mangled, pdf_operator_mangled]
BINARY_MUTATIONS = [flip_bytes, flip_bytes, truncate]
TEXT_MUTATIONS = [flip_bytes, truncate, text_cell_deleted, text_cells_swapped, text_row_duplicated,
                  text_rows_dropped, text_truncated, text_control_byte, text_cut_character, text_gb18030]
ZIP_MUTATIONS = [flip_bytes, truncate, zip_member_removed, zip_member_duplicated, xml_mangled, xml_mangled,
                 cell_deleted, cells_swapped, row_duplicated, cell_moved_far]


def mutant(n: int) -> tuple[str, bytes, str]:
    """(file name, bytes, mutation name) of the n-th mutant."""
    seed = SEEDS[n % len(SEEDS)]
    rnd = random.Random(n)
    ops = {".txt": TEXT_MUTATIONS, ".pdf": PDF_MUTATIONS, ".xls": BINARY_MUTATIONS}.get(seed.suffix, ZIP_MUTATIONS)
    op = ops[rnd.randrange(len(ops))]
    data = _bytes(seed)
    for _ in range(1 if rnd.random() < 0.8 else 2):  # now and then two mutations on top of each other
        try:
            data = op(data, rnd)
        except Exception:  # noqa: BLE001 - an earlier mutation broke what this one needs
            data = flip_bytes(data, rnd) if data else data
    return f"m{n:05d}_{op.__name__}_{seed.stem}{seed.suffix}", data, op.__name__


if __name__ == "__main__":  # python -m tests.mutators N OUTDIR: write the n-th mutant to look at it
    name, body, _ = mutant(int(sys.argv[1]))
    out = Path(sys.argv[2] if len(sys.argv) > 2 else ".") / name
    out.write_bytes(body)
    print(out)


# ---------------------------------------------------------------- settings and output options
# ``settings_case(n)``: the n-th hostile jixiao.toml / pyproject.toml / profile / --compare
# baseline / set of output options, chosen by ``n`` alone (tests/test_fuzz_mutants.py).

HOSTILE_TOML = ["nan", "inf", "-inf", "-1", "0", "0.5", "1e400", "99999999999999999999", '"x"', "true", "[[1]]",
                '[[["IND"]]]', "{ a = 1 }", '"PARSE"', '["PARSE"]', '["PARSE.UNRECOGNISED"]', '{ PARSE = "off" }',
                '{ "PARSE.NO_INDICATORS" = "info" }', '"off"', "[]", '""', '"\\u202e"', "[" * 300 + "]" * 300,
                '"/dev/zero"', '"../../etc/passwd"', "2024-01-01", '["IND", 5]']
TOML_KEYS = ["select", "ignore", "fail-on", "profile", "jobs", "executor", "scheduler", "skip-unsupported", "lang",
             "severity", "limits", "per-path", "limits.per-file-seconds", "limits.worker-memory-mib",
             "limits.file-bytes", "limits.sheet-rows", "severity.PARSE", "severity.IND", 'per-path."*".ignore',
             'per-path."*".severity', "tool", "bogus"]
HOSTILE_YAML = [".nan", ".inf", "-1", "[[[[1]]]]", "{a: 1}", "off", "~", '"x"', "&r [1, *r]", "[" * 200 + "]" * 200,
                "{PARSE: off}", "{PARSE.UNRECOGNISED: warning}", "{IND: [error]}", "1e400", "!!binary aGk=",
                "[ratio]", "{1: [1]}", "{1: [a, b]}", "''"]
PROFILE_KEYS = ["name", "reverse_formula", "bands", "weights", "grades", "target_too_low_ratio", "unit_mismatch_ratio",
                "narrative_tolerance", "total", "total_cap", "severity"]
HOSTILE_JSON = [5, None, [], {}, "\ud800", "x" * 1000, -1e308, True, [[[[[]]]]], {"a": {"b": {}}}]
BASELINE_FIELDS = ["rule", "family", "severity", "file", "project", "section", "indicator", "location", "reported",
                   "expected", "message", "fingerprint"]
NAMES = ["index", "INDEX", "项目#1", "𠀀" * 70, "甲\u202e\u200b乙", "A", "A-B", "../x", "", "CON", "b.核查", "b", "表" * 90,
         "a/b\\c", "\ufeff", "=cmd|' /C calc'!A0", "甲乙"]


def _toml_case(rnd: random.Random) -> tuple[str, bytes]:
    lines: dict[str, list[str]] = {"": []}
    for _ in range(rnd.randint(1, 4)):
        key, value = rnd.choice(TOML_KEYS), rnd.choice(HOSTILE_TOML)
        table, _, name = key.rpartition(".")
        lines.setdefault(table, []).append(f"{name} = {value}")
    text = "\n".join(lines.pop("")) + "\n" + "".join(f"[{t}]\n" + "\n".join(v) + "\n" for t, v in lines.items())
    if rnd.random() < 0.3:
        pyproject = rnd.choice(["tool = 5\n", "[tool]\njixiao = 5\n", "[tool]\njixiao = [[1]]\n", "[tool.jixiao]\n" + text])
        return "pyproject.toml", pyproject.encode("utf-8", "surrogatepass")
    data = text.encode("utf-8", "surrogatepass")
    return "jixiao.toml", flip_bytes(data, rnd) if rnd.random() < 0.2 else data


def _yaml_case(rnd: random.Random) -> bytes:
    base = "name: fuzz\nseverity: {}\n"
    for _ in range(rnd.randint(1, 3)):
        base += f"{rnd.choice(PROFILE_KEYS)}: {rnd.choice(HOSTILE_YAML)}\n"
    if rnd.random() < 0.15:
        base += "".join(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}" if n else "x"] * 9) + "]\n" for n in range(12))
    data = base.encode("utf-8")
    return flip_bytes(data, rnd) if rnd.random() < 0.2 else data


def _baseline_case(rnd: random.Random, good: bytes) -> bytes:
    import json

    doc = json.loads(good)
    pick = rnd.randrange(6)
    if pick == 0 and doc["findings"]:
        f = rnd.choice(doc["findings"])
        f[rnd.choice(BASELINE_FIELDS)] = rnd.choice(HOSTILE_JSON)
    elif pick == 1:
        doc["findings"] = rnd.choice(HOSTILE_JSON)
    elif pick == 2:
        doc[rnd.choice(["tool", "files", "summary"])] = rnd.choice(HOSTILE_JSON)
    elif pick == 3:
        return b"[" * rnd.choice([100, 5000, 200000]) + b"]" * 10
    text = json.dumps(doc, ensure_ascii=rnd.random() < 0.5).encode("utf-8", "surrogatepass")
    if pick == 4:
        return truncate(text, rnd)
    if pick == 5:
        return flip_bytes(text, rnd)
    return text


def settings_case(n: int, good_baseline: bytes) -> dict:
    """What the n-th settings/output case sets: ``config`` (name, bytes), ``profile`` bytes,
    ``baseline`` bytes, and ``outputs`` choices (options and project names), some of each."""
    rnd = random.Random(f"settings-{n}")
    kind = ("config", "profile", "baseline", "outputs")[n % 4]
    case: dict = {"kind": kind}
    if kind == "config":
        case["config"] = _toml_case(rnd)
    elif kind == "profile":
        case["profile"] = _yaml_case(rnd)
    elif kind == "baseline":
        case["baseline"] = _baseline_case(rnd, good_baseline)
    else:
        case["output"] = rnd.choice([None, "in/a.txt", "in/b.xlsx", "link-to-input", "in/new.json", "out/index.html",
                                     "out", "/dev/null", "report.json"])
        case["format"] = rnd.choice(["text", "json", "junit", "csv", "sarif", "html"])
        case["annotate"] = rnd.choice([None, None, "in", "in/u", "out", "in/a.txt", "trap"])
        case["split"] = rnd.choice([None, None, ("department", "in"), ("department", "out"), ("department", "trap"),
                                    ("project", "trap"), ("department", "in/a.txt")])
        case["names"] = [rnd.choice(NAMES) for _ in range(8)]
        case["departments"] = [rnd.choice(NAMES) for _ in range(8)]
    return case
