"""Every input format becomes pages an engine accepts, each saying what was done to it; bad
files keep specific codes.  Small drawn images, no OCR (the slow tests read a real receipt)."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw

from docbatch.engines.rekognition import RekognitionEngine
from docbatch.errors import BadImageError
from docbatch.prep import PREP_STEPS, ImageSpec, open_pages, prepare, prepare_pages

from ..support import formats as f

SPEC = ImageSpec(max_bytes=5 * 1024 * 1024)


def drawn(size: tuple[int, int] = (240, 120), text: str = "TOTAL 9.00") -> Image.Image:
    img = Image.new("RGB", size, "white")
    ImageDraw.Draw(img).text((10, size[1] // 3), text, fill="black")
    return img


def decoded(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


def names(prep: tuple[str, ...]) -> list[str]:
    return [step.partition(":")[0] for step in prep]


def code_of(data: bytes, spec: ImageSpec = SPEC) -> str:
    with pytest.raises(BadImageError) as info:
        prepare_pages(data, spec=spec)
    return info.value.error_code


# -- pages ---------------------------------------------------------------------------------
def test_a_multi_page_tiff_is_one_page_per_frame_each_its_own_size_and_mode():
    data = f.multipage_tiff([drawn((240, 120)), drawn((300, 90)).convert("L"), drawn((120, 240)).convert("1")])
    pages = prepare_pages(data, spec=SPEC)
    assert [(p.page, p.page_count) for p in pages] == [(1, 3), (2, 3), (3, 3)]
    assert [(p.image.width, p.image.height) for p in pages] == [(240, 120), (300, 90), (120, 240)]
    assert [decoded(p.image.data).mode for p in pages] == ["RGB", "L", "L"]
    assert pages[2].prep == ("converted:1>L", "encoded:PNG")


def test_pdf_pages_of_a_scan_are_rendered_at_the_scans_own_resolution():
    jpeg = f.save(drawn((300, 500)), "JPEG", quality=95)
    pages = prepare_pages(f.pdf_of_jpegs([jpeg, jpeg], dpi=200), spec=SPEC)
    assert [(p.page, p.page_count) for p in pages] == [(1, 2), (2, 2)]
    assert [(p.image.width, p.image.height) for p in pages] == [(300, 500)] * 2
    assert pages[0].prep == ("rendered:200dpi", "encoded:PNG")


def test_pdf_pages_of_vector_text_are_rendered_at_300_dpi_within_the_pixel_limits():
    page = prepare_pages(f.text_pdf(size=(200, 100)), spec=SPEC)[0]
    assert (page.image.width, page.image.height) == (834, 417)  # 200 x 100 pt at 300 dpi
    assert page.prep[0] == "rendered:300dpi"
    capped = prepare_pages(f.text_pdf(size=(200, 100)), spec=ImageSpec(max_side=400))[0]
    assert capped.image.width <= 400 and capped.prep[0] == "rendered:144dpi"


def test_a_low_resolution_scan_in_a_pdf_is_not_rendered_below_150_dpi():
    jpeg = f.save(drawn((144, 72)), "JPEG")  # placed at 72 dpi: Pillow's default
    page = prepare_pages(f.pdf_of_jpegs([jpeg], dpi=72), spec=SPEC)[0]
    assert page.prep[0] == "rendered:150dpi" and (page.image.width, page.image.height) == (300, 150)


def test_pages_are_prepared_only_when_asked_for():
    pages = open_pages(f.text_pdf(pages=3), spec=SPEC)
    assert (len(pages), pages.format) == (3, "PDF")
    assert pages[-1].page == 3
    with pytest.raises(IndexError):
        pages[3]


def test_prepare_takes_one_page_sources_only():
    assert prepare(f.text_pdf(), spec=SPEC).format == "PNG"
    with pytest.raises(BadImageError) as info:
        prepare(f.text_pdf(pages=2), spec=SPEC)
    assert info.value.error_code == "multipage_unsupported"


# -- formats and what was done ------------------------------------------------------------------
def test_an_iphone_heic_comes_out_upright_and_says_it_was_rotated():
    page = prepare_pages(f.rotated_heic(drawn((240, 120))), spec=SPEC)[0]
    assert (page.image.width, page.image.height, page.image.format) == (240, 120, "JPEG")
    assert page.prep == ("rotated:90cw", "encoded:JPEG@q92")


def test_an_exif_rotated_jpeg_is_turned_upright():
    page = prepare_pages(f.rotated_jpeg(drawn((240, 120))), spec=SPEC)[0]
    assert (page.image.width, page.image.height) == (240, 120)
    assert page.prep == ("rotated:90cw", "encoded:JPEG@q92")


@pytest.mark.parametrize("make, out_format, prep", [
    (f.webp, "PNG", ("encoded:PNG",)),
    (f.cmyk_jpeg, "JPEG", ("converted:CMYK>RGB", "encoded:JPEG@q92")),
    (f.png_16bit, "PNG", ("converted:I;16>L", "encoded:PNG")),
    (f.palette_gif, "PNG", ("converted:P>RGB", "encoded:PNG")),
    (lambda img: f.save(img.convert("RGBA"), "PNG"), "PNG", ("flattened:RGBA>RGB", "encoded:PNG")),
], ids=["webp", "cmyk-jpeg", "16-bit-png", "palette-gif", "alpha-png"])
def test_each_format_becomes_8bit_png_or_jpeg_and_says_how(make, out_format, prep):
    page = prepare_pages(make(drawn()), spec=SPEC)[0]
    assert (page.page, page.page_count, page.image.format, page.prep) == (1, 1, out_format, prep)
    assert decoded(page.image.data).mode in ("RGB", "L")
    assert set(names(page.prep)) <= set(PREP_STEPS)


def test_16_bit_levels_are_spread_over_8_bits_not_clipped():
    page = prepare_pages(f.png_16bit(drawn()), spec=SPEC)[0]
    assert decoded(page.image.data).getextrema() == (0, 255)


def test_a_jpeg_the_engine_takes_goes_as_it_is_with_an_empty_record():
    data = f.save(drawn(), "JPEG")
    page = prepare_pages(data, spec=SPEC)[0]
    assert (page.image.data, page.prep) == (data, ())


def test_a_60_pixel_strip_is_enlarged_to_the_engines_minimum_side():
    data = f.strip(drawn((463, 200)), top=70, height=60)
    page = prepare_pages(data, spec=RekognitionEngine.image_spec)[0]
    assert (page.image.width, page.image.height) == (618, 80)
    assert page.prep == ("upscaled:463x60>618x80", "encoded:PNG")
    assert prepare_pages(data, spec=SPEC)[0].prep == ()  # an engine without the minimum takes it as it is


def test_an_image_that_cannot_reach_the_minimum_side_within_the_maximum_is_too_small():
    data = f.save(Image.new("L", (2000, 40), "white"), "PNG")
    assert code_of(data, ImageSpec(upscale_below=80, max_side=3000)) == "image_too_small"


def test_a_single_frame_gif_is_read_an_animated_one_refused():
    assert prepare_pages(f.palette_gif(drawn()), spec=SPEC)[0].image.format == "PNG"
    frames = [drawn(text=str(i)).convert("P") for i in range(3)]
    assert code_of(f.save(frames[0], "GIF", save_all=True, append_images=frames[1:])) == "animated_image"


# -- bad files keep their codes ------------------------------------------------------------------
@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")  # Pillow's, on a TIFF cut short
@pytest.mark.parametrize("make", [
    lambda: f.rotated_heic(drawn()),
    lambda: f.pdf_of_jpegs([f.save(drawn(), "JPEG")] * 2),
    lambda: f.multipage_tiff([drawn(), drawn()]),
    lambda: f.multipage_tiff([drawn(), drawn()], compression="tiff_deflate"),
    lambda: f.webp(drawn()),
    lambda: f.save(drawn(), "PNG"),
    lambda: f.palette_gif(drawn()),
], ids=["heic", "pdf", "tiff", "tiff-deflate", "webp", "png", "gif"])
def test_a_truncated_file_of_any_format_is_corrupt_image(make):
    assert code_of(f.truncated(make())) == "corrupt_image"


def test_a_tiff_with_one_damaged_page_fails_on_that_page_only():
    data = bytearray(f.multipage_tiff([drawn(), drawn()], compression="tiff_deflate"))
    tiff = Image.open(io.BytesIO(bytes(data)))
    tiff.seek(1)
    offset, length = tiff.tag_v2[273][0], tiff.tag_v2[279][0]
    data[offset:offset + length] = b"\xff" * length
    pages = open_pages(bytes(data), spec=SPEC)
    assert pages[0].page == 1
    with pytest.raises(BadImageError) as info:
        pages[1]
    assert info.value.error_code == "corrupt_image" and "page 2 of 2" in info.value.message


@pytest.mark.parametrize("data, code", [
    (f.encrypted_pdf(), "pdf_encrypted"),
    (f.pdf_without_pages(), "corrupt_image"),
    (b"%PDF-1.7\n%%EOF\n", "corrupt_image"),
    (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "corrupt_image"),
    (b"<html>not a receipt</html>", "not_an_image"),
])
def test_pdfs_and_heifs_that_do_not_open_get_specific_codes(data, code):
    assert code_of(data) == code
