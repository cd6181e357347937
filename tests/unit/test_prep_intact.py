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
