"""A PNG or JPEG sent as stored is proven whole from its structure, not decoded: it still goes
as the same bytes, and a cut or damaged file is still refused before any call."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw

from docbatch.errors import BadImageError
from docbatch.prep import ImageSpec, open_pages
from docbatch.prep.decode import decode_page, open_source
from docbatch.prep.fit import fit
from docbatch.prep.intact import jpeg_whole, png_chunks

SPEC = ImageSpec(max_bytes=5 * 1024 * 1024, upscale_below=80)


def saved(fmt: str, mode: str = "L", **options: object) -> bytes:
    img = Image.new(mode, (300, 200), "white")
    ImageDraw.Draw(img).text((10, 80), "TOTAL 12.50", fill="black")
    buf = io.BytesIO()
    img.save(buf, format=fmt, **options)
    return buf.getvalue()


def code_of(data: bytes) -> str:
    with pytest.raises(BadImageError) as info:
        open_pages(data, spec=SPEC)[0]
    return info.value.error_code


@pytest.mark.parametrize("fmt, mode", [("PNG", "L"), ("PNG", "RGB"), ("JPEG", "RGB"), ("JPEG", "L")])
def test_a_whole_png_or_jpeg_the_engine_takes_goes_as_the_same_bytes_with_no_prep_step(fmt, mode):
    data = saved(fmt, mode)
    page = open_pages(data, spec=SPEC)[0]
    assert page.image.data is data and page.prep == ()
    assert (page.image.width, page.image.height, page.image.format) == (300, 200, fmt)


def test_a_png_with_a_flipped_byte_in_its_pixels_is_corrupt_image():
    data = bytearray(saved("PNG"))
    data[data.index(b"IDAT") + 12] ^= 0xFF
    assert png_chunks(bytes(data)) is None
    assert code_of(bytes(data)) == "corrupt_image"


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.9])
def test_a_png_cut_inside_its_pixels_is_corrupt_image(keep):
    data = saved("PNG")
    start = data.index(b"IDAT")
    cut = data[:start + int((len(data) - 12 - start) * keep)]
    assert code_of(cut) == "corrupt_image"


def test_a_jpeg_cut_before_its_end_marker_is_corrupt_image():
    data = saved("JPEG", "RGB")
    assert jpeg_whole(data) and not jpeg_whole(data[:-2])
    assert code_of(data[:-2]) == "corrupt_image"


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_an_exif_rotated_png_or_jpeg_is_still_turned_upright(fmt):
    exif = Image.Exif()
    exif[0x0112] = 6
    page = open_pages(saved(fmt, "RGB", exif=exif.tobytes()), spec=SPEC)[0]
    assert page.prep[0] == "rotated:90cw" and (page.image.width, page.image.height) == (200, 300)


def test_png_chunks_names_every_chunk_of_a_whole_file_and_none_of_a_cut_one():
    data = saved("PNG")
    assert png_chunks(data)[0] == b"IHDR" and png_chunks(data)[-1] == b"IEND"
    assert png_chunks(data[:-1]) is None and png_chunks(b"not a png") is None


AGREEMENT_SPECS = [SPEC, ImageSpec(), ImageSpec(formats=frozenset({"PNG"})), ImageSpec(max_side=250),
                   ImageSpec(upscale_below=250), ImageSpec(max_bytes=2_000)]
AGREEMENT_IMAGES = [("PNG", "L", {}), ("PNG", "RGB", {}), ("JPEG", "RGB", {}), ("PNG", "RGBA", {}),
                    ("PNG", "P", {}), ("PNG", "L", {"transparency": 0}), ("TIFF", "RGB", {})]


@pytest.mark.parametrize("spec", AGREEMENT_SPECS, ids=lambda s: f"{sorted(s.formats)}-{s.max_side}-{s.max_bytes}")
@pytest.mark.parametrize("fmt, mode, options", AGREEMENT_IMAGES, ids=lambda v: str(v))
def test_the_header_only_verdict_is_what_the_decoded_path_would_send(spec, fmt, mode, options):
    """Skipping the decode is right only when decoding would have sent the same bytes."""
    data = saved(fmt, mode, **options)
    source = open_source(data, spec)
    sent, _ = fit(decode_page(data, source, 0, spec), spec, data)
    assert source.unchanged == (sent.data is data)


def _png(mode: str, size: tuple[int, int] = (300, 200), **options: object) -> bytes:
    img = Image.new(mode, size, "white" if mode not in ("P", "1", "I;16") else 1)
    buf = io.BytesIO()
    img.save(buf, format="PNG", **options)
    return buf.getvalue()


def _with_header(data: bytes, **fields: int) -> bytes:
    """``data`` with IHDR fields replaced (width, height, interlace) and its CRC made right again."""
    import struct
    import zlib

    width, height, depth, colour, comp, filt, interlace = struct.unpack(">IIBBBBB", data[16:29])
    values = {"width": width, "height": height, "interlace": interlace, **fields}
    body = b"IHDR" + struct.pack(">IIBBBBB", values["width"], values["height"], depth, colour, comp, filt,
                                 values["interlace"])
    return data[:12] + body + struct.pack(">I", zlib.crc32(body)) + data[33:]


def _animated() -> bytes:
    frames = [Image.new("L", (300, 200), v) for v in (255, 0)]
    buf = io.BytesIO()
    frames[0].save(buf, format="PNG", save_all=True, append_images=frames[1:])
    return buf.getvalue()


def _exif() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6
    return _png("L", exif=exif.tobytes())


PNGS = {
    "grey": lambda: _png("L"), "rgb": lambda: _png("RGB"), "rgba": lambda: _png("RGBA"), "palette": lambda: _png("P"),
    "grey alpha": lambda: _png("LA"), "1-bit": lambda: _png("1"), "16-bit grey": lambda: _png("I;16"),
    "grey with tRNS": lambda: _png("L", transparency=255), "rgb with tRNS": lambda: _png("RGB", transparency=(1, 2, 3)),
    "exif rotated": _exif, "animated": _animated, "interlace flag": lambda: _with_header(_png("L"), interlace=1),
    "bad interlace": lambda: _with_header(_png("L"), interlace=2), "under 80 px": lambda: _png("L", (60, 60)),
    "under 32 px": lambda: _png("L", (20, 20)), "over max side": lambda: _with_header(_png("L"), width=20_000),
    "over the pixel guard": lambda: _with_header(_png("L"), width=9_000, height=9_500),
    "over Pillow's guard": lambda: _with_header(_png("L"), width=60_000, height=60_000),
    "flipped byte": lambda: bytes(b ^ 0xFF if i == 40 else b for i, b in enumerate(_png("L"))),
    "cut": lambda: _png("L")[:-20],
}


def _outcome(data: bytes) -> object:
    try:
        return open_source(data, SPEC)
    except BadImageError as exc:
        return exc.error_code, exc.message


@pytest.mark.parametrize("name", sorted(PNGS))
def test_a_png_header_read_without_pillow_says_what_pillow_says(name, monkeypatch):
    data = PNGS[name]()
    fast = _outcome(data)
    monkeypatch.setattr("docbatch.prep.decode._plain_png", lambda data, spec: None)  # Pillow's path alone
    assert fast == _outcome(data)


def test_a_plain_grey_or_rgb_png_sent_as_stored_is_never_opened_by_pillow(monkeypatch):
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("Pillow opened a plain PNG")

    monkeypatch.setattr("docbatch.prep.decode.Image.open", refuse)
    for mode in ("L", "RGB"):
        data = saved("PNG", mode)
        page = open_pages(data, spec=SPEC)[0]
        assert page.image.data is data and page.prep == ()
        assert (page.image.width, page.image.height, page.image.format) == (300, 200, "PNG")
