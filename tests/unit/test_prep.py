"""Image preparation refuses bad input with specific codes and normalises the rest."""

import io

import pytest
from PIL import Image

from docbatch.errors import BadImageError
from docbatch.prep import ImageSpec, prepare

#: A service-like spec (JPEG/PNG, 5 MB); engines declare their own.
SPEC = ImageSpec(max_bytes=5 * 1024 * 1024)


def encoded(img: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


def code_of(data: bytes, spec: ImageSpec = SPEC) -> str:
    with pytest.raises(BadImageError) as info:
        prepare(data, spec=spec)
    return info.value.error_code


def test_jpeg_within_limits_is_passed_through_untouched():
    data = encoded(Image.new("RGB", (200, 100), "white"), "JPEG")
    out = prepare(data, spec=SPEC)
    assert out.data == data and (out.width, out.height, out.format) == (200, 100, "JPEG")


@pytest.mark.parametrize(
    "data, code",
    [
        (b"", "empty_file"),
        (b"just some text, named .jpg", "not_an_image"),
        (b"%PDF-1.7\n...", "corrupt_image"),  # PDFs are read now: a broken one is corrupt
    ],
)
def test_non_images_get_specific_codes(data, code):
    assert code_of(data) == code


def test_truncated_jpeg_is_corrupt_image():
    data = encoded(Image.effect_noise((400, 400), 50).convert("RGB"), "JPEG")
    assert code_of(data[: len(data) // 2]) == "corrupt_image"


def test_pixel_bomb_is_refused_before_decoding():
    data = encoded(Image.new("L", (3000, 3000)), "PNG")
    assert code_of(data, spec=ImageSpec(max_pixels=1_000_000)) == "decompression_bomb"


def test_animated_gif_is_refused():
    frames = [Image.new("RGB", (64, 64), color) for color in ("red", "green", "blue")]
    buf = io.BytesIO()
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:])
    assert code_of(buf.getvalue()) == "animated_image"


def test_tiny_image_is_refused():
    assert code_of(encoded(Image.new("RGB", (10, 10)), "PNG")) == "image_too_small"


@pytest.mark.parametrize("mode", ["CMYK", "I;16", "RGBA", "LA", "P"])
def test_unusual_modes_become_8bit_png_or_jpeg(mode):
    img = Image.new(mode, (120, 80))
    out = prepare(encoded(img, "TIFF"), spec=SPEC)
    assert out.format in ("PNG", "JPEG")
    assert Image.open(io.BytesIO(out.data)).mode in ("RGB", "L")


def test_exif_rotation_is_applied():
    img = Image.new("RGB", (300, 100), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 on display
    out = prepare(encoded(img, "JPEG", exif=exif.tobytes()), spec=SPEC)
    assert (out.width, out.height) == (100, 300)


@pytest.mark.slow  # shrinks a noise image step by step (~2 s)
def test_oversized_image_is_shrunk_under_the_byte_limit():
    img = Image.effect_noise((1500, 1500), 100).convert("RGB")
    out = prepare(encoded(img, "PNG"), spec=ImageSpec(max_bytes=200_000))
    assert len(out.data) <= 200_000 and out.format == "JPEG"


@pytest.mark.slow  # encodes a 6 MB noise PNG (~2 s)
def test_byte_limits_are_the_engines_own():
    """Rekognition's 5 MB Bytes limit shrinks a large scan; the embedded engine takes it whole."""
    from docbatch.engines.local import LocalEngine
    from docbatch.engines.rekognition import RekognitionEngine

    data = encoded(Image.effect_noise((2000, 1500), 100).convert("RGB"), "PNG")
    assert len(data) > 5 * 1024 * 1024
    assert len(prepare(data, spec=RekognitionEngine.image_spec).data) <= 5 * 1024 * 1024
    assert prepare(data, spec=LocalEngine.image_spec).data == data
