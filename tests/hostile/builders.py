"""Hostile inputs built at test time: workbooks written part by part (so sizes and headers
can lie), text forms cut or soiled.  Nothing here is stored in the repository."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOOD = ROOT / "data" / "batch" / "001_selfeval_yanchi_2024.txt"
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_OOXML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="' + _OOXML + '.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="' + _OOXML + '.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="' + _OOXML + '.styles+xml"/>'
    "</Types>")
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/></Relationships>')
STYLES = (
    f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{NS}"><fonts count="1"><font/></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0"/></cellXfs></styleSheet>')
SHEET_HEAD = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}">'


class Member:
    """One zip member: its deflated bytes, CRC and the sizes the headers will claim."""

    def __init__(self, name: str, deflated: bytes, crc: int, size: int, claimed_size: int | None = None):
        self.name, self.deflated, self.crc, self.size = name, deflated, crc, size
        self.claimed = size if claimed_size is None else claimed_size


def member(name: str, data: str | bytes) -> Member:
    raw = data.encode() if isinstance(data, str) else data
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Member(name, c.compress(raw) + c.flush(), zlib.crc32(raw), len(raw))


def repeated_member(name: str, head: bytes, unit: bytes, total: int, tail: bytes, claimed: int | None = None) -> Member:
    """A member inflating to about ``total`` bytes of ``unit`` repeats, deflated in no time.

    After a full flush the compressor starts afresh, so every 1 MiB block of repeats deflates
    to the same bytes: the block is compressed once and copied.  The CRC is left at 0 (a
    reader must give up on the size long before it could check it)."""
    block = unit * ((1 << 20) // len(unit))
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    c.compress(block)
    one = c.flush(zlib.Z_FULL_FLUSH)
    copies = total // len(block)
    deflated = first + one * copies + c.compress(tail) + c.flush()
    size = len(head) + len(block) * copies + len(tail)
    return Member(name, deflated, 0, size, claimed)


def write_zip(path: Path, members: list[Member]) -> Path:
    """A plain zip (no zip64, sizes below 4 GiB), headers saying what each member claims."""
    out, central = bytearray(), bytearray()
    for m in members:
        name = m.name.encode()
        offset = len(out)
        out += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, m.crc, len(m.deflated), m.claimed,
                           len(name), 0) + name + m.deflated
        central += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, m.crc, len(m.deflated),
                               m.claimed, len(name), 0, 0, 0, 0, 0, offset) + name
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), len(out), 0)
    path.write_bytes(bytes(out + central + end))
    return path


def xlsx(path: Path, sheet: Member | str) -> Path:
    """A one-sheet workbook around the given sheet XML (or member)."""
    sheet_member = sheet if isinstance(sheet, Member) else member("xl/worksheets/sheet1.xml", sheet)
    return write_zip(path, [member("[Content_Types].xml", CONTENT_TYPES), member("_rels/.rels", ROOT_RELS),
                            member("xl/workbook.xml", WORKBOOK), member("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
                            member("xl/styles.xml", STYLES), sheet_member])


def sheet_xml(cells: str, dimension: str | None = None, merges: list[str] = ()) -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    merge = (f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges)
             + "</mergeCells>") if merges else ""
    return f"{SHEET_HEAD}{dim}<sheetData>{cells}</sheetData>{merge}</worksheet>"


def zip_bomb(path: Path, inflated: int = 2 << 30, claimed: int | None = None) -> Path:
    """A sheet whose XML inflates to ``inflated`` bytes of rows (2 GiB by default)."""
    unit = b'<row><c t="n"><v>1</v></c></row>'
    return xlsx(path, repeated_member("xl/worksheets/sheet1.xml", f"{SHEET_HEAD}<sheetData>".encode(), unit,
                                      inflated, b"</sheetData></worksheet>", claimed))


def far_cell(path: Path, declare: bool = True) -> Path:
    """One cell at XFD1048576, the last cell a sheet can have."""
    cells = '<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row>'
    return xlsx(path, sheet_xml(cells, "A1:XFD1048576" if declare else None))


def huge_merge(path: Path) -> Path:
    cells = '<row r="1"><c r="A1" t="inlineStr"><is><t>项目名称</t></is></c></row>'
    return xlsx(path, sheet_xml(cells, None, ["A100:XFD1048576"]))


def million_rows(path: Path, declare: bool = True) -> Path:
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="n"><v>{r}</v></c></row>' for r in range(1, 1_000_001))
    return xlsx(path, sheet_xml(rows, "A1:A1000000" if declare else None))


def long_tab_line(path: Path, size: int = 50 << 20) -> Path:
    with path.open("wb") as fh:
        fh.write("项目名称".encode())
        fh.write(b"\t" * size)
    return path


def cut_utf8(path: Path) -> Path:
    """Seed 001 with a last character cut in half (as a careless copy leaves it)."""
    path.write_bytes(GOOD.read_bytes().rstrip(b"\n") + "。".encode()[:2])
    return path


def control_byte(path: Path, line: int = 12, byte: bytes = b"\x07") -> Path:
    lines = GOOD.read_bytes().split(b"\n")
    lines[line - 1] = lines[line - 1] + byte
    path.write_bytes(b"\n".join(lines))
    return path


def pdf_with_stream(path: Path, content: bytes, damage_checksum: bool = False) -> Path:
    """A one-page PDF whose content stream is ``content`` deflated (its checksum broken if asked)."""
    c = zlib.compressobj(9)
    deflated = c.compress(content) + c.flush()
    if damage_checksum:
        deflated = deflated[:-4] + bytes(4)
    return pdf_with_encoded(path, deflated, b"FlateDecode")


def lzw_zeros(cycles: int = 25) -> bytes:
    """LZW codes (PDF flavour, as pdfminer decodes them) for runs of zeros 1, 2, 3 … 3,700 bytes
    long, the table cleared ``cycles`` times: about 6.8 MB per 5 kB cycle."""
    out, acc, nacc = bytearray(), 0, 0
    nbits = 9

    def emit(code: int, bits: int) -> None:
        nonlocal acc, nacc
        acc, nacc = (acc << bits) | code, nacc + bits
        while nacc >= 8:
            nacc -= 8
            out.append((acc >> nacc) & 0xFF)
        acc &= (1 << nacc) - 1

    for _ in range(cycles):
        emit(256, nbits)
        nbits, size = 9, 258
        emit(0, nbits)
        for _ in range(3700):
            emit(size, nbits)
            size += 1
            nbits = {511: 10, 1023: 11, 2047: 12}.get(size, nbits)
    emit(257, nbits)
    if nacc:
        out.append((acc << (8 - nacc)) & 0xFF)
    return bytes(out)


def pdf_lzw_bomb(path: Path) -> Path:
    """About 170 MB of zeros as LZW codes in 130 kB: pdfminer alone takes minutes and gigabytes."""
    return pdf_with_encoded(path, lzw_zeros(), b"LZWDecode")


def pdf_runlength_bomb(path: Path) -> Path:
    """RunLength runs of 128 zeros, two bytes each: 2.2 MB that decode to 140 MB."""
    return pdf_with_encoded(path, b"\x81\x00" * (1100 * 1000) + b"\x80", b"RunLengthDecode")


def pdf_with_encoded(path: Path, encoded: bytes, filter_name: bytes) -> Path:
    """A one-page PDF whose content stream is ``encoded`` under the filter ``filter_name``."""
    bodies = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
              b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
              b"<< /Length %d /Filter /%s >>\nstream\n" % (len(encoded), filter_name) + encoded + b"\nendstream"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def pdf_bomb(path: Path) -> Path:
    """A content stream of 256 MiB of zeros, deflated to a quarter of a megabyte."""
    return pdf_with_stream(path, bytes(256 << 20))


def pdf_damaged_stream(path: Path) -> Path:
    """2 MB of comment lines that do not compress, checksum broken: pdfminer's own repair of such a
    stream inflates it one byte at a time into a growing bytes object (hours for this one)."""
    import base64
    import random

    rnd = random.Random(9)
    lines = b"".join(b"%" + base64.b64encode(rnd.randbytes(750)) + b"\n" for _ in range(2000))
    return pdf_with_stream(path, lines, damage_checksum=True)


def ods(path: Path, rows_xml: str, sheet: str = "Sheet1") -> Path:
    """A minimal OpenDocument spreadsheet holding the given table rows."""
    from tests.formkit import ods_package

    return ods_package(path, f'<table:table table:name="{sheet}">{rows_xml}</table:table>')


def ods_cell(text: str) -> str:
    return f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'


def ods_million_rows(path: Path) -> Path:
    """One row with a value, repeated a million times: calamine would expand it into a dense range."""
    return ods(path, f'<table:table-row table:number-rows-repeated="1000000">{ods_cell("指标")}</table:table-row>')


def ole_file(path: Path, streams: dict[str, bytes]) -> Path:
    """A minimal OLE compound file (CFB v3) holding the given streams, each padded to 4096 bytes or
    more so none goes to the mini stream.  Enough for olefile and calamine to open."""
    free, end, fat_sect = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    sector = 512
    bodies = [data + bytes(max(0, 4096 - len(data))) for data in streams.values()]
    bodies = [b + bytes(-len(b) % sector) for b in bodies]
    fat = [fat_sect, end]  # sector 0: the FAT, sector 1: the directory
    starts = []
    for body in bodies:
        n = len(body) // sector
        starts.append(len(fat))
        fat += [len(fat) + i + 1 for i in range(n - 1)] + [end]
    assert len(fat) <= sector // 4, "one FAT sector only"
    fat += [free] * (sector // 4 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\x00\x00"
        return (raw.ljust(64, b"\x00") + struct.pack("<HBBIII", len(raw), kind, 1, free, right, child) + bytes(16)
                + struct.pack("<I", 0) + bytes(16) + struct.pack("<IQ", start, size))

    names = list(streams)
    entries = [entry("Root Entry", 5, 1 if names else free, free, end, 0)]
    for i, (name, start, body) in enumerate(zip(names, starts, bodies)):  # a right-leaning chain of siblings
        entries.append(entry(name, 2, free, i + 2 if i + 1 < len(names) else free, start, len(body)))
    directory = b"".join(entries).ljust(sector, b"\x00")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + bytes(6) + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<109I", 0, *([free] * 108)))
    path.write_bytes(header + struct.pack(f"<{sector // 4}I", *fat) + directory + b"".join(bodies))
    return path


def _record(rtype: int, data: bytes) -> bytes:
    return struct.pack("<HH", rtype, len(data)) + data


def xls_far_cell(path: Path) -> Path:
    """An .xls whose only cell sits at IV65536: calamine would build a 16.7-million-cell range."""
    globals_ = _record(0x0809, struct.pack("<HH", 0x0600, 0x0005) + bytes(12))
    sheet_at = len(globals_) + 4 + 14 + 4  # after BOUNDSHEET (4 + 14 bytes) and EOF (4)
    globals_ += _record(0x0085, struct.pack("<IBBBB", sheet_at, 0, 0, 6, 0) + b"Sheet1") + _record(0x000A, b"")
    sheet = (_record(0x0809, struct.pack("<HH", 0x0600, 0x0010) + bytes(12))
             + _record(0x027E, struct.pack("<HHHI", 65535, 255, 15, 0x3FF00000 | 2)) + _record(0x000A, b""))
    return ole_file(path, {"Workbook": globals_ + sheet})


def encrypted_xlsx(path: Path) -> Path:
    """What Excel writes for a password-protected workbook: an OLE file, not a zip."""
    return ole_file(path, {"EncryptionInfo": b"\x04\x00\x04\x00" + bytes(100), "EncryptedPackage": bytes(5000)})


def xls_sector_loop(path: Path) -> Path:
    """The .xls fixture with its directory's sector chain pointing back at itself: calamine follows
    the chain without end (6.7 GB after 20 s, then killed)."""
    data = bytearray((ROOT / "tests" / "fixtures" / "003_bundle.xls").read_bytes())
    directory = struct.unpack_from("<I", data, 48)[0]
    first_fat = struct.unpack_from("<I", data, 76)[0]
    struct.pack_into("<I", data, (first_fat + 1) * 512 + 4 * directory, directory)
    path.write_bytes(bytes(data))
    return path


def forged_string_count(path: Path) -> Path:
    """One shared string that declares uniqueCount="99999999999999": calamine reserves room for
    them all before reading one, and the allocation failure aborts the process."""
    shared = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}" count="1" uniqueCount="99999999999999">'
              "<si><t>项目名称</t></si></sst>")
    rel = ('<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    return write_zip(path, [
        member("[Content_Types].xml", CONTENT_TYPES), member("_rels/.rels", ROOT_RELS),
        member("xl/workbook.xml", WORKBOOK), member("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.replace(
            "</Relationships>", rel)), member("xl/styles.xml", STYLES), member("xl/sharedStrings.xml", shared),
        member("xl/worksheets/sheet1.xml", sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'))])


def pdf_many_paths(path: Path, count: int = 120_000) -> Path:
    """One page drawing 120,000 line segments: pdfplumber would keep a dict for every one."""
    return pdf_with_stream(path, b"0 0 m 1 1 l S\n" * count)
