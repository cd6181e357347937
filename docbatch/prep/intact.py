"""Whether PNG or JPEG bytes are whole, read from their structure without decoding pixels.

A page that goes to the engine exactly as stored needs no pixels, only proof that the file
is complete: a truncated or damaged file must be refused before a paid call, as decoding
it would.  PNG: every chunk from the signature to ``IEND`` is whole and its CRC matches
(a cut or a flipped byte anywhere, the compressed pixels too, fails one).  JPEG: the header
parsed (Pillow reads it up to the scan) and the end-of-image marker closes the file (a cut
download has none).  What does not prove whole here is decoded as before, which decides.

A whole PNG of 8-bit grey or RGB without transparency, animation or EXIF (what most scans
and renders are) is read here without Pillow at all (:func:`plain_png_size`): its header is
13 bytes, and Pillow's opening of it cost as much as every other check of the document together.
"""

from __future__ import annotations

import struct
import zlib

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_EOI = b"\xff\xd9"
_CHUNK = struct.Struct(">I4s")
_IHDR = struct.Struct(">IIBBBBB")  # width, height, bit depth, colour type, compression, filter, interlace
#: Colour types Pillow opens as 8-bit ``L`` (0) and ``RGB`` (2) at bit depth 8.
_PLAIN_COLOUR_TYPES = frozenset({0, 2})
#: Chunks that make a PNG other than one plain still image: transparency, animation, EXIF.
_NOT_PLAIN = frozenset({b"tRNS", b"acTL", b"eXIf"})


def png_chunks(data: bytes) -> list[bytes] | None:
    """The chunk types of a whole PNG (``IHDR`` first, ``IEND`` last, every CRC right), else None."""
    if not data.startswith(_PNG_SIGNATURE):
        return None
    types: list[bytes] = []
    pos, end = len(_PNG_SIGNATURE), len(data)
    view = memoryview(data)
    while pos + 12 <= end:
        length, kind = _CHUNK.unpack_from(data, pos)
        stop = pos + 8 + length
        if stop + 4 > end:
            return None
        if zlib.crc32(view[pos + 4:stop]) != int.from_bytes(view[stop:stop + 4], "big"):
            return None
        types.append(kind)
        if kind == b"IEND":
            return types if types[0] == b"IHDR" else None
        pos = stop + 4
    return None


def plain_png_size(data: bytes) -> tuple[int, int] | None:
    """``(width, height)`` of a whole PNG that Pillow would open as one 8-bit ``L`` or ``RGB``
    image without transparency or EXIF (its header as Pillow accepts it: 13 bytes, methods
    0, interlace 0 or 1), else None: anything else goes through Pillow as before."""
    chunks = png_chunks(data)
    if chunks is None or _NOT_PLAIN.intersection(chunks):
        return None
    length, _ = _CHUNK.unpack_from(data, len(_PNG_SIGNATURE))
    if length != _IHDR.size:
        return None
    width, height, depth, colour, compression, filtering, interlace = _IHDR.unpack_from(data, len(_PNG_SIGNATURE) + 8)
    if depth != 8 or colour not in _PLAIN_COLOUR_TYPES or compression or filtering or interlace > 1:
        return None
    return width, height


def jpeg_whole(data: bytes) -> bool:
    """Whether JPEG bytes end with the end-of-image marker (a cut file does not)."""
    return data.startswith(b"\xff\xd8") and data.endswith(_JPEG_EOI)
