"""What the local engine hands its models: the picture's size and the detector's scale."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from docbatch.engines.local_inputs import Sizing, decode, reduce
from docbatch.errors import BadImageError

SIZING = Sizing(max_side=2000, det_min_side=736, det_max_side=1280, det_shrink_min_side=480)


def encoded(size: tuple[int, int], fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, format=fmt)
    return out.getvalue()


@pytest.mark.parametrize(
    ("size", "limit"),
    [
        ((642, 401), ("min", 736)),    # a licence photo: short side enlarged, as rapidocr does
        ((1414, 2000), ("max", 1280)),  # a 300 dpi A4 scan (after max_side): long side shrunk
        ((900, 1100), ("min", 736)),   # already inside both bounds: read as it is (736 enlarges nothing)
        ((463, 1013), ("min", 736)),   # a narrow receipt: enlarged as rapidocr does, whatever its length
        ((200, 3000), ("min", 736)),   # a long strip too: the long side bound only shrinks large pictures
        ((1000, 1900), ("max", 1280)),  # a large receipt: shrunk for its long side
        ((740, 2000), ("max", 1297)),   # ... but never below 480 on the short side
    ],
)
def test_detector_scale_enlarges_small_pictures_and_shrinks_large_ones(size: tuple, limit: tuple) -> None:
    assert SIZING.detector_limit(*size) == limit


def test_a_shrink_floor_under_the_enlargement_threshold_enlarges_no_small_picture() -> None:
    # 700 px short: under det_min_side, so enlarged to it, though a shrink may go down to 480
    assert SIZING.detector_limit(700, 1900) == ("min", 736)


def test_detector_scale_is_symmetric_in_orientation() -> None:
    assert SIZING.detector_limit(2000, 1414) == SIZING.detector_limit(1414, 2000)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_a_large_image_is_decoded_at_least_max_side_and_under_twice_it(fmt: str) -> None:
    picture = decode(encoded((1240, 1754), fmt), 500)
    assert 500 <= max(picture.size) < 1000 and picture.mode == "RGB"
    assert abs(picture.width / picture.height - 1240 / 1754) < 0.01


@pytest.mark.slow  # decodes an A4 scan at 300 dpi: half a second
@pytest.mark.parametrize("size", [(640, 360), (2481, 3508)])
def test_an_image_under_twice_max_side_keeps_every_pixel(size: tuple) -> None:
    # rapidocr shrinks it to max_side itself, as it read the 300 dpi SROIE scans
    assert decode(encoded(size, "PNG"), 2000).size == size


def test_a_picture_read_at_its_own_scale_gets_rapidocrs_default_limit() -> None:
    # 932 x 2220 is shrunk by rapidocr to 832 x 2000 (sides rounded to 32 px), not 840 x 2000:
    # a limit of its short side computed here, 840, would enlarge what it shrank (SROIE 079).
    assert Sizing(max_side=2000, det_min_side=736, det_max_side=2000).detector_limit(932, 2220) == ("min", 736)


def test_the_detector_scale_is_of_the_picture_shrunk_to_max_side() -> None:
    assert SIZING.detector_limit(2828, 4000) == SIZING.detector_limit(1414, 2000)


def test_no_max_side_decodes_at_full_size() -> None:
    assert decode(encoded((1240, 1754), "JPEG"), None).size == (1240, 1754)


def test_reduce_leaves_pictures_under_twice_max_side_alone() -> None:
    picture = Image.new("RGB", (999, 200))
    assert reduce(picture, 500) is picture


def test_undecodable_bytes_are_a_bad_image() -> None:
    with pytest.raises(BadImageError, match="cannot decode"):
        decode(b"not an image", 2000)
