"""The package XML parser: plain UTF-8 parts take the C parser, anything that could carry a DTD
(or hide one in another encoding) still goes through defusedxml and is refused."""

import pytest

from checker.readers.xlsx_scan import ScanError, _without_dtd, _xml

BOMB = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b"<r>&b;</r>")


def test_plain_part_parsed_without_defusedxml():
    data = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><r xmlns="urn:x"><c a="1&amp;2"/></r>'
    assert _without_dtd(data)
    root = _xml(data, "xl/styles.xml")
    assert root.tag == "{urn:x}r"
    assert root[0].get("a") == "1&2"


@pytest.mark.parametrize("data", [
    BOMB,
    b'<?xml version="1.0" encoding="UTF-16"?><r/>',
    b'<?xml version="1.0" encoding="cp037"?><r/>',
    "<?xml version='1.0'?><r/>".encode("utf-16-le"),
    b"\xef\xbb\xbf<r/>",
    b"<r><!-- a comment --></r>",
])
def test_anything_else_goes_through_defusedxml(data):
    assert not _without_dtd(data)


def test_entity_declarations_still_refused():
    with pytest.raises(ScanError, match="含 DTD 或实体声明"):
        _xml(BOMB, "xl/styles.xml")


def test_undefined_entity_is_invalid_xml():
    with pytest.raises(ScanError, match="不是有效的 XML"):
        _xml(b"<r>&a;</r>", "xl/workbook.xml")


def test_sheet_extent_limit_names_where_it_broke():
    """The extent is checked in one go; over the limit, the message still names the extent the cells
    had reached when it broke (6 rows × 10 columns), not the sheet's final one (20 × 26)."""
    from checker.limits import LimitExceeded, Limits
    from checker.readers.xlsx_scan import SheetScan, _scan_sheet

    xml = b'<sheetData><row><c r="A1"/><c r="J5" s="1"/><c r="A6"/><c r="Z20"/></row></sheetData>'
    with pytest.raises(LimitExceeded, match="用到 6 行 × 10 列 = 60 个单元格"):
        _scan_sheet(SheetScan(name="S", part="p"), xml, {1}, Limits(sheet_cells=50))
    sheet = SheetScan(name="S", part="p")
    _scan_sheet(sheet, xml, {1}, Limits())
    assert (sheet.rows, sheet.cols, sheet.styles) == (20, 26, {(5, 10): 1})
