"""PDF with a text layer -> one Grid, the pages read top to bottom (pdfplumber).

* Ruled tables are read cell by cell.  A cell spanning rows or columns keeps its text
  at its top-left position and the positions it covers read blank, as a merged Excel
  cell does.  Text wrapped inside a cell is joined back (no break between Chinese
  characters, a space between Latin words).
* A table continued on the next page (the page ends with a table and the next one
  starts with a table of the same width) is rejoined: its columns are mapped onto the
  same column numbers and a repeated header row is dropped.
* Text outside tables (titles such as "(2024年度)", units, notes) becomes rows in
  reading order; a line whose words stand far apart is split into cells there.
  Page numbers are skipped.

Locations: ``p3 r12 c5`` — page 3, the 12th row read on that page (text lines and
table rows, top to bottom), column 5 of the table.  A PDF without a text layer (a
scan) is refused with a request for OCR; encrypted or broken files with one line.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import zlib
from dataclasses import dataclass, field

from checker.grid import Cell, Grid, Repair, Row, UnreadableInput
from checker.limits import DEFAULT_LIMITS, LimitExceeded, Limits, size_text

SCANNED = "扫描件，无文字层，请先 OCR 识别后再提交"
PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*)?\d{1,4}(\s*页)?(\s*[/／共]\s*\d+\s*页?)?[-—–\s]*$")
COLUMN_TOLERANCE = 2.0   # points: cell edges this close are one column boundary
CELL_GAP = 2.0           # a gap of this many character heights between words starts a new cell
_LATIN = re.compile(r"[A-Za-z0-9]")


@dataclass
class _Table:
    top: float
    rows: list[list[tuple[float, str] | None]]  # per row: (cell x0, text) or None where a span covers
    open_top: bool = False      # its first row began on the previous page (no top border)
    open_bottom: bool = False   # its last row goes on on the next page (no bottom border)


@dataclass
class _Run:
    """A table and its continuations on later pages: rows share one column numbering."""
    lefts: list[float] = field(default_factory=list)
    header: list[str] | None = None
    last: Row | None = None     # the last row emitted, to finish a row split over a page break
    open_bottom: bool = False


def read_pdf(path: str, limits: Limits | None = None) -> list[Grid]:
    limits = limits or DEFAULT_LIMITS
    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    _bound_pdfminer(limits.zip_member_bytes)
    _bound_pages(limits.pdf_page_objects)
    try:
        pdf = pdfplumber.open(path)
    except MemoryError:
        raise   # the worker's memory cap: the engine says the file was refused, and why
    except Exception as exc:  # pdfminer raises many types on broken input
        raise _open_error(exc) from exc
    try:
        try:
            pages = pdf.pages
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise _open_error(exc) from exc
        if len(pages) > limits.pdf_pages:
            raise LimitExceeded(f"PDF 共 {len(pages)} 页，超过上限 {limits.pdf_pages} 页")
        return [_read_pages(path, pages, limits)]
    finally:
        _close(pdf)


def _close(pdf) -> None:
    """pdfplumber's close walks the pages again, which raises on the very damage that stopped us."""
    try:
        pdf.close()
    except Exception:  # noqa: BLE001
        with contextlib.suppress(Exception):
            pdf.stream.close()


class _BoundedZlib:
    """zlib as pdfminer sees it: no stream may inflate past the limit (a PDF can hold a flate bomb)."""

    error = zlib.error

    def __init__(self, cap: int):
        self.cap = cap

    def decompress(self, data, *args):
        inflater = zlib.decompressobj(*args)
        out = bytearray()
        pending = data
        while pending:  # a megabyte at a time: a bomb stops at the limit, not at twice it
            out += inflater.decompress(pending, 1 << 20)
            if len(out) > self.cap:
                raise LimitExceeded(f"PDF 中的数据流解压后超过上限 {size_text(self.cap)}")
            pending = inflater.unconsumed_tail
        if not inflater.eof:
            raise zlib.error("incomplete or truncated stream")  # as zlib.decompress says it
        return bytes(out)

    def __getattr__(self, name):
        return getattr(zlib, name)


_SHIM = _BoundedZlib(DEFAULT_LIMITS.zip_member_bytes)


def _bound_pdfminer(cap: int) -> None:
    """Install the bounded zlib, LZW and RunLength decoders, and a linear repair of damaged
    streams, into pdfminer (once): no filter may inflate a stream past the limit."""
    from pdfminer import pdftypes

    _SHIM.cap = cap
    if pdftypes.zlib is not _SHIM:
        pdftypes.zlib = _SHIM
        pdftypes.decompress_corrupted = _decompress_corrupted
        pdftypes.lzwdecode = _lzwdecode
        pdftypes.rldecode = _rldecode


def _too_big() -> LimitExceeded:
    return LimitExceeded(f"PDF 中的数据流解压后超过上限 {size_text(_SHIM.cap)}")


def _lzwdecode(data: bytes) -> bytes:
    """pdfminer's LZW decoding, stopped at the stream limit (and without the debug line that
    copies the whole code table for every code: quadratic on a bomb)."""
    from pdfminer.lzw import CorruptDataError, LZWDecoder

    decoder = LZWDecoder(io.BytesIO(data))
    out = bytearray()
    while True:
        try:
            code = decoder.readbits(decoder.nbits)
        except EOFError:
            break
        try:
            out += decoder.feed(code)
        except CorruptDataError:
            break   # as pdfminer does: the data before the damage stands
        if len(out) > _SHIM.cap:
            raise _too_big()
    return bytes(out)


def _rldecode(data: bytes) -> bytes:
    """RunLength decoding (PDF 1.4 §3.3.4), stopped at the stream limit."""
    out = bytearray()
    n = 0
    while n < len(data):
        length = data[n]
        if length == 128:
            break
        if length < 128:
            out += data[n + 1: n + 2 + length]
            n += 2 + length
        else:
            out += data[n + 1: n + 2] * (257 - length)
            n += 2
        if len(out) > _SHIM.cap:
            raise _too_big()
    return bytes(out)


_PAGE_OBJECTS = [DEFAULT_LIMITS.pdf_page_objects]


def _bound_pages(limit: int) -> None:
    """pdfplumber keeps every character and line of a page as a dict of a dozen fields: a page
    drawing millions of them would take gigabytes.  Its layout device is swapped (once) for one
    that counts what the page draws and stops at the limit."""
    import pdfplumber.page as plumber_page

    _PAGE_OBJECTS[0] = limit
    base = plumber_page.PDFPageAggregatorWithMarkedContent
    if getattr(base, "counts_objects", False):
        return

    class CountingAggregator(base):
        counts_objects = True
        drawn = 0

        def _count(self) -> None:
            self.drawn += 1
            if self.drawn > _PAGE_OBJECTS[0]:
                raise LimitExceeded(f"PDF 第 {self.pageno} 页绘制的文字和图形超过上限 {_PAGE_OBJECTS[0]} 个")

        def render_char(self, *args, **kwargs):
            self._count()
            return super().render_char(*args, **kwargs)

        def paint_path(self, *args, **kwargs):
            self._count()
            return super().paint_path(*args, **kwargs)

        def render_image(self, *args, **kwargs):
            self._count()
            return super().render_image(*args, **kwargs)

    plumber_page.PDFPageAggregatorWithMarkedContent = CountingAggregator


def _decompress_corrupted(data: bytes) -> bytes:
    """pdfminer's repair of a stream with a bad checksum, without its byte-at-a-time quadratic loop:
    all but the checksum inflated at once (an error there is real), the last bytes one by one."""
    inflater = zlib.decompressobj()
    out = inflater.decompress(data[:-4], _SHIM.cap + 1)
    if inflater.unconsumed_tail or len(out) > _SHIM.cap:
        raise LimitExceeded(f"PDF 中的数据流解压后超过上限 {size_text(_SHIM.cap)}")
    try:
        for byte in data[-4:]:
            out += inflater.decompress(bytes([byte]))
    except zlib.error:
        pass  # the checksum itself is what is damaged: the data before it stands
    return out


def _unwrap(exc: Exception) -> Exception:
    return exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc  # pdfplumber wraps


def _open_error(exc: Exception) -> UnreadableInput:
    inner = _unwrap(exc)
    if isinstance(inner, MemoryError):
        raise inner   # pdfplumber wraps it: the worker's memory cap, said as such by the engine
    if isinstance(inner, LimitExceeded):
        return inner
    name = type(inner).__name__
    if "Password" in name or "Encrypt" in name:
        return UnreadableInput("PDF 已加密（设有打开密码或不支持的加密方式），请解除加密后再提交")
    return UnreadableInput(f"PDF 文件已损坏或不是有效的 PDF ({name})")


def _read_pages(path: str, pages, limits: Limits) -> Grid:
    rows: list[Row] = []
    warnings: list[Repair] = []
    scanned: list[int] = []
    run: _Run | None = None
    chars = undecodable = cells = 0
    for n, page in enumerate(pages, start=1):
        try:
            blocks, page_chars, page_cid = _page_blocks(page)
        except MemoryError:
            raise   # never "a page without text": a page stopped by the memory cap was not read at all
        except Exception as exc:  # one broken page (bad content stream) must not lose the others
            if isinstance(_unwrap(exc), LimitExceeded | MemoryError):
                raise _unwrap(exc) from exc
            warnings.append(Repair(f"第 {n} 页无法解析，已跳过 ({type(exc).__name__})",
                                   f"page {n} could not be parsed and was skipped ({type(exc).__name__})"))
            continue
        finally:
            page.close()
        chars += page_chars
        undecodable += page_cid
        if not page_chars:
            scanned.append(n)
            run = None
            continue
        if not (blocks and isinstance(blocks[0][1], _Table) and run and _continues(run, blocks[0][1])):
            run = None
        page_rows, run = _emit(blocks, n, run)
        cells += sum(len(r.cells) for r in page_rows)
        if cells > limits.sheet_cells:
            raise LimitExceeded(f"PDF 表格共 {cells} 个单元格，超过上限 {limits.sheet_cells} 个")
        rows += page_rows
    if not chars:
        raise UnreadableInput(SCANNED)
    if undecodable > chars / 2:
        raise UnreadableInput("PDF 的文字层无法解码（字体缺少字符映射），请先 OCR 识别或另存为带文字的 PDF")
    if scanned:
        warnings.append(Repair(f"第 {'、'.join(map(str, scanned))} 页无文字层（扫描页），未读取，请核对原件",
                               f"page(s) {', '.join(map(str, scanned))} have no text layer (scanned) and were not read; "
                               "check the original"))
    if any(len(r.cells) > limits.sheet_cols for r in rows):
        raise LimitExceeded(f"PDF 表格超过上限 {limits.sheet_cols} 列")
    return Grid(path=path, name="", rows=rows, layout="cells", warnings=warnings)


def _page_blocks(page) -> tuple[list[tuple[float, object]], int, int]:
    """(top, _Table | list of cell texts) in reading order; the page's char and undecodable-char counts."""
    all_chars = page.chars
    if not all_chars:
        return [], 0, 0
    cid = sum(1 for c in all_chars if c.get("text", "").startswith("(cid:"))
    settings, open_top, open_bottom = _closing_lines(page)
    tables = [t for t in page.find_tables(settings) if t.cells]
    blocks: list[tuple[float, object]] = [(t.bbox[1], _table(t)) for t in tables]
    if blocks:
        blocks[0][1].open_top, blocks[-1][1].open_bottom = open_top, open_bottom
    boxes = [t.bbox for t in tables]
    outside = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, boxes))
    for top, texts in _text_lines(outside):
        blocks.append((top, texts))
    blocks.sort(key=lambda b: b[0])
    return blocks, len(all_chars), cid


def _closing_lines(page) -> tuple[dict, bool, bool]:
    """A row cut by the page break has no border at the page edge: close it with a drawn-in line."""
    v = [e for e in page.edges if e["orientation"] == "v" and e["bottom"] - e["top"] > 3]
    h = [e for e in page.edges if e["orientation"] == "h" and e["x1"] - e["x0"] > 3]  # not a border's end
    if not v or not h:
        return {}, False, False
    vtop, vbottom = min(e["top"] for e in v), max(e["bottom"] for e in v)
    htop, hbottom = min(e["top"] for e in h), max(e["bottom"] for e in h)
    open_top, open_bottom = vtop < htop - 3, vbottom > hbottom + 3
    extra = [y for y, is_open in ((vtop, open_top), (vbottom, open_bottom)) if is_open]
    return ({"explicit_horizontal_lines": extra} if extra else {}), open_top, open_bottom


def _inside(obj, boxes) -> bool:
    cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def _table(t) -> _Table:
    texts = t.extract(x_tolerance=3, y_tolerance=3)
    rows = []
    for row, values in zip(t.rows, texts):
        rows.append([None if box is None else (box[0], join_wrapped(v or "")) for box, v in zip(row.cells, values)])
    return _Table(top=t.bbox[1], rows=rows)


def join_wrapped(text: str) -> str:
    """Lines wrapped inside a cell joined back: nothing between Chinese, a space between Latin words."""
    out = ""
    for line in (ln.strip() for ln in text.split("\n")):
        if not line:
            continue
        if out and _LATIN.match(out[-1]) and _LATIN.match(line[0]):
            out += " "
        out += line
    return out


def _text_lines(page) -> list[tuple[float, list[str]]]:
    """Words outside tables grouped into lines; wide gaps split a line into cells."""
    from pdfplumber.utils import cluster_objects

    words = page.extract_words(x_tolerance=3, y_tolerance=3)
    lines = []
    for line in cluster_objects(words, "top", 3):
        line.sort(key=lambda w: w["x0"])
        cells = [line[0]["text"]]
        for prev, word in zip(line, line[1:]):
            gap = word["x0"] - prev["x1"]
            size = max(1.0, min(word["bottom"] - word["top"], prev["bottom"] - prev["top"]))
            if gap > CELL_GAP * size:
                cells.append(word["text"])
            else:
                cells[-1] += " " + word["text"]
        text = " ".join(cells)
        if not PAGE_NUMBER.match(text):
            lines.append((min(w["top"] for w in line), cells))
    return lines


def _continues(run: _Run, table: _Table) -> bool:
    """The same table on the next page: its column edges fall on the run's (or it has the same width)."""
    lefts = sorted({cell[0] for row in table.rows for cell in row if cell})
    return bool(lefts) and all(_near(run.lefts, x) is not None for x in lefts)


def _near(lefts: list[float], x: float) -> int | None:
    for i, left in enumerate(lefts):
        if abs(left - x) <= COLUMN_TOLERANCE:
            return i
    return None


def _emit(blocks, page_no: int, run: _Run | None) -> tuple[list[Row], _Run | None]:
    rows: list[Row] = []
    r = 0
    for k, (_, block) in enumerate(blocks):
        if not isinstance(block, _Table):
            r += 1
            run = None
            loc = f"p{page_no} r{r}"
            rows.append(Row(cells=[Cell(t, f"{loc} c{c}") for c, t in enumerate(block, start=1)], loc=loc))
            continue
        continued = k == 0 and run is not None
        if not continued:
            run = _Run()
        _add_columns(run, block)
        for n, cells in enumerate(block.rows):
            r += 1
            texts = [""] * len(run.lefts)
            for cell in cells:
                if cell is not None:
                    texts[_near(run.lefts, cell[0])] = cell[1]
            if continued and n == 0 and block.open_top and run.open_bottom and run.last is not None:
                _finish_split_row(run.last, texts)  # the rest of a row cut by the page break
                continue
            if run.header is None:
                run.header = _norm(texts)
            elif continued and n == 0 and _norm(texts) == run.header:
                continue  # the header repeated at the top of the next page
            if any(t.strip() for t in texts):
                loc = f"p{page_no} r{r}"
                run.last = Row(cells=[Cell(t, f"{loc} c{c}") for c, t in enumerate(texts, start=1)], loc=loc)
                rows.append(run.last)
        run.open_bottom = block.open_bottom
    return rows, run


def _finish_split_row(row: Row, rest: list[str]) -> None:
    for i, text in enumerate(rest[: len(row.cells)]):
        if text:
            old = row.cells[i]
            row.cells[i] = Cell(join_wrapped(old.text + "\n" + text), old.loc)


def _add_columns(run: _Run, table: _Table) -> None:
    for x in sorted({cell[0] for row in table.rows for cell in row if cell}):
        if _near(run.lefts, x) is None:
            run.lefts.append(x)
    run.lefts.sort()


def _norm(texts: list[str]) -> list[str]:
    return ["".join(t.split()) for t in texts]
