"""Workbooks and archives handed over as a transactions file: told apart by their bytes, so that
they are refused for what they are instead of being read as text (binary noise in which no
header row is found, a message that sends the reader looking for a missing column).

A bank's "Excel" download that is in fact text (tab-separated, or CSV under an ``.xls`` name) is
no workbook by its bytes and is read as the text it is, in the encoding its bytes say
(:func:`export_text`: Excel's "Unicode Text" is UTF-16 with a byte-order mark).
"""

from __future__ import annotations

import io
import zipfile

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls) and other OLE2 compound files
_ZIP = b"PK\x03\x04"
_UTF16 = (b"\xff\xfe", b"\xfe\xff")


def export_text(data: bytes) -> str:
    """The text of a text export: UTF-16 when it starts with its byte-order mark, else UTF-8 (with or
    without one), else Windows-1252 (what older bank downloads are written in)."""
    if data[:2] in _UTF16:
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def workbook_kind(data: bytes) -> str | None:
    """What kind of workbook or archive ``data`` is, as a phrase (``an Excel workbook (XLSX)``), else None."""
    if data[:8] == _OLE:
        return "an Excel 97-2003 workbook (XLS)"
    if data[:4] != _ZIP:
        return None
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile:
        return "a damaged ZIP archive"
    if any(n.startswith("xl/") for n in names):
        return "an Excel workbook (XLSX)"
    if "content.xml" in names and "mimetype" in names:
        return "an OpenDocument spreadsheet (ODS)"
    if any(n.startswith("Index/") for n in names):
        return "a Numbers spreadsheet"
    return f"a ZIP archive ({len(names)} file{'s' * (len(names) != 1)} inside: unzip it and pass the export)"
