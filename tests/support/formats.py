"""One image in every input format docbatch reads: what phones, scanners and PDF writers make.

Used by the fast preparation tests (on small drawn images) and the slow OCR tests (on a
real receipt).  Everything is made in memory, deterministically.
"""

from __future__ import annotations

import io

from PIL import Image

#: EXIF orientation 6: the stored pixels are turned 90 degrees counter-clockwise; a viewer
#: turns them 90 degrees clockwise to show them.
ROTATE_CW = 6


def save(img: Image.Image, fmt: str, **kw: object) -> bytes:
    if fmt == "HEIF":
        import pillow_heif

        pillow_heif.register_heif_opener()
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


def pdf_of_jpegs(jpegs: list[bytes], *, dpi: float = 150) -> bytes:
    """A PDF with one page per JPEG, each embedded as it is (no re-encoding) and filling a
    page sized for ``dpi``: what a scanner app writes."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    for jpeg in jpegs:
        width, height = Image.open(io.BytesIO(jpeg)).size
        pw, ph = width * 72 / dpi, height * 72 / dpi
        page = pdf.new_page(pw, ph)
        image = pdfium.PdfImage.new(pdf)
        image.load_jpeg(io.BytesIO(jpeg), inline=False)
        image.set_matrix(pdfium.PdfMatrix().scale(pw, ph))
        page.insert_obj(image)
        page.gen_content()
    buf = io.BytesIO()
    pdf.save(buf)
    pdf.close()
    return buf.getvalue()


def text_pdf(text: str = "TOTAL 9.00", *, size: tuple[int, int] = (200, 100), pages: int = 1) -> bytes:
    """A PDF whose pages hold vector text only (Helvetica), as invoicing software writes."""
    content = b"BT /F1 18 Tf 20 40 Td (" + text.encode("latin-1") + b") Tj ET"
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(pages)).encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for i in range(pages):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 3 0 R >> >> "
                       b"/Contents %d 0 R >>" % (size[0], size[1], 5 + 2 * i))
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    return _pdf_file(objects)


def encrypted_pdf() -> bytes:
    """A one-page PDF under the standard security handler whose user password is not empty."""
    return _pdf_file([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                      b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
                      b"<< /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> /P -4 >>"],
                     trailer=b"/Encrypt 4 0 R /ID [<" + b"ab" * 16 + b"> <" + b"ab" * 16 + b">] ")


def pdf_without_pages() -> bytes:
    return _pdf_file([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])


def _pdf_file(objects: list[bytes], trailer: bytes = b"") -> bytes:
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)
    return bytes(out)


def rotated_heic(img: Image.Image, *, quality: int = 90) -> bytes:
    """An iPhone-style HEIC: pixels stored turned, the turn back recorded (EXIF orientation 6,
    which pillow-heif writes as the HEIF's own rotation)."""
    exif = Image.Exif()
    exif[0x0112] = ROTATE_CW
    return save(img.convert("RGB").transpose(Image.Transpose.ROTATE_90), "HEIF", quality=quality,
                exif=exif.tobytes())


def rotated_jpeg(img: Image.Image) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = ROTATE_CW
    return save(img.convert("RGB").transpose(Image.Transpose.ROTATE_90), "JPEG", quality=95, exif=exif.tobytes())


def multipage_tiff(pages: list[Image.Image], **kw: object) -> bytes:
    return save(pages[0], "TIFF", save_all=True, append_images=pages[1:], **kw)


def cmyk_jpeg(img: Image.Image) -> bytes:
    return save(img.convert("CMYK"), "JPEG", quality=95)


def png_16bit(img: Image.Image) -> bytes:
    """A 16-bit grayscale PNG using the whole 0..65535 range (as scanners write them)."""
    return save(img.convert("L").convert("I").point(lambda v: v * 257).convert("I;16"), "PNG")


def palette_gif(img: Image.Image) -> bytes:
    return save(img.convert("RGB").convert("P", palette=Image.Palette.ADAPTIVE), "GIF")


def webp(img: Image.Image) -> bytes:
    return save(img.convert("RGB"), "WEBP", quality=90)


def strip(img: Image.Image, top: int, height: int = 60) -> bytes:
    """A band of ``img`` ``height`` pixels high (a crop a user sends of one line)."""
    return save(img.crop((0, top, img.width, top + height)), "PNG")


def truncated(data: bytes) -> bytes:
    """The first half of ``data`` (a download cut short)."""
    return data[: len(data) // 2]
