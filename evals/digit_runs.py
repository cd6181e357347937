"""Does the local engine miscount runs of one digit (``N99999999``, ``S00000001``)?

Recognisers that decode by CTC collapse repeated characters unless they see a gap between
them, so a run of identical digits is where a glyph could be lost or doubled without the
number leaving its state's format.  Specimen licences are full of such runs.  This draws
licence-number lines holding runs of 5 or more identical digits (DejaVu faces at card sizes,
every other one blurred and saved as JPEG quality 45), reads them through the real pipeline
with the local engine (cached in ``--work-dir``), and counts the runs read one short or long.

    python -m evals.digit_runs                       # 40 lines (seed 7) into a temp work dir
    python -m evals.digit_runs --count 80 --seed 8
"""

from __future__ import annotations

import argparse
import io
import random
import re
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from .pipeline import pipeline_responses
from .synth_licences import FONTS, font


def draw_lines(folder: Path, count: int, seed: int) -> dict[Path, str]:
    """``count`` images of a labelled number with a run, and the number drawn on each."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    truth: dict[Path, str] = {}
    for i in range(count):
        digit, run = rng.choice("0123456789"), rng.randint(5, 9)
        head = rng.choice(["", rng.choice("ASNDTW")]) + "".join(rng.choice("0123456789") for _ in range(rng.randint(0, 2)))
        tail = "".join(rng.choice("0123456789") for _ in range(rng.randint(0, 2)))
        number = head + digit * run + tail
        im = Image.new("RGB", (640, 400), (235, 238, 245))
        draw = ImageDraw.Draw(im)
        face = font(rng.choice(FONTS), rng.randint(22, 32))
        draw.text((200, 40), "DRIVER LICENSE", font=font(FONTS[0], 28), fill=(20, 40, 90))
        draw.text((200, 110), "DL NO.", font=font(FONTS[0], 16), fill=(120, 30, 30))
        draw.text((270, 104), number, font=face, fill=(10, 10, 10))
        draw.text((200, 170), "DOB 02/01/1977", font=face, fill=(10, 10, 10))
        if i % 2:
            buf = io.BytesIO()
            im.filter(ImageFilter.GaussianBlur(0.8)).save(buf, format="JPEG", quality=45)
            im = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
        path = folder / f"run-{i:03d}.png"
        if not path.exists():
            im.save(path)
        truth[path] = number
    return truth


def run_length(text: str) -> int:
    """The longest run of one character in ``text``."""
    return max((len(m.group(0)) for m in re.finditer(r"(.)\1*", text)), default=0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.digit_runs", description=__doc__.split("\n")[0])
    ap.add_argument("--count", type=int, default=40)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--work-dir", type=Path, default=Path(tempfile.gettempdir()) / "docbatch-eval-digit-runs")
    args = ap.parse_args(argv)
    truth = draw_lines(args.work_dir / f"lines-seed{args.seed}", args.count, args.seed)
    load = pipeline_responses(list(truth), args.work_dir / f"run-seed{args.seed}", doc_type="id")
    exact = miscounted = 0
    for path, number in truth.items():
        response = load(path) or {}
        words = [d["DetectedText"] for d in response.get("TextDetections", []) if d.get("Type") == "WORD"]
        read = max(words, key=run_length, default="")
        exact += read == number
        wrong_count = run_length(read) != run_length(number)
        miscounted += wrong_count
        if read != number:
            print(f"  {path.name}: drawn {number!r}, read {read!r}{' (run miscounted)' if wrong_count else ''}")
    print(f"runs of 5+ identical digits: {len(truth)} lines, read exactly {exact}, "
          f"run read one or more short or long {miscounted}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
