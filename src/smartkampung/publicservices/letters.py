"""What a village letter says (its content, the thing the signature covers) and how it is printed (PDF).

The PDF is a rendering of the content: letterhead, number, the resident's facts, the statement, the
signature block and a QR code with the verification URL and the signature. Pure functions over plain
data; services.py gathers the data and stores the result.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import os
import re
from string import Formatter

import qrcode
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen import canvas

from smartkampung.registry.identity import mask_nik

MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
PUBLIC_URL_ENV = "SMARTKAMPUNG_PUBLIC_URL"
CONTENT_VERSION = 1


def tanggal(day: dt.date) -> str:
    """23 November 2026: how an Indonesian letter writes a date."""
    return f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}"


def letter_number(*, number_format: str, classification: str, serial: int, office: str, year: int, month: int) -> str:
    return number_format.format(classification=classification, serial=f"{serial:03d}", office=office, year=year, roman_month=ROMAN[month - 1])


def mask_name(name: str) -> str:
    """"Slamet Riyadi" -> "Sl**** Ri****": enough to compare with the paper, not to read off a name."""
    return " ".join(word[:2] + "*" * max(len(word) - 2, 1) for word in name.split())


def fill_statement(body: str, values: dict) -> str:
    """Fill the letter type's {placeholders}; a placeholder without a value stays visible as "-"."""
    names = {field for _, field, _, _ in Formatter().parse(body) if field}
    return body.format(**{name: str(values.get(name) or "-") for name in names})


def public_base_url() -> str:
    return os.environ.get(PUBLIC_URL_ENV, "http://127.0.0.1:8000").rstrip("/")


def signature_param(signature_hex: str) -> str:
    return base64.urlsafe_b64encode(bytes.fromhex(signature_hex)).decode().rstrip("=")


def signature_from_param(value: str) -> str | None:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (ValueError, TypeError):
        return None
    return raw.hex() if len(raw) == 64 else None


def qr_payload(*, code: str, signature_hex: str) -> str:
    """What the QR code holds: the public verification URL with the signature, so a scan checks both."""
    return f"{public_base_url()}/verify/{code}?s={signature_param(signature_hex)}"


SUBJECT_ROWS = (
    ("Nama", "name"), ("NIK", "nik"), ("Tempat/tanggal lahir", "born"), ("Jenis kelamin", "sex"),
    ("Agama", "religion"), ("Status perkawinan", "marital_status"), ("Pekerjaan", "occupation"), ("Alamat", "address"),
)


def public_view(content: dict) -> dict:
    """What the public verification page may show: the letter's facts with NIK and name masked."""
    subject = content["subject"]
    return {
        "number": content["number"], "title": content["title"], "village": content["village"], "kecamatan": content["kecamatan"],
        "issued_on": content["issued_on"], "signer": content["signer"],
        "subject_name": mask_name(subject["name"]), "subject_nik": mask_nik(subject["nik"]),
        "purpose": content["purpose"], "development_key": content.get("development_key", False),
    }


def qr_image(payload: str) -> Image.Image:
    """The QR code as a black-and-white image, 4 pixels a module with the standard 4-module quiet zone.

    The mask pattern is fixed: any of the eight is a valid QR code, and letting the library score all eight
    (pure Python) costs about five times the rest of the encoding.
    """
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, mask_pattern=2)
    qr.add_data(payload)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    size = len(matrix)
    pixels = bytes(0 if dark else 255 for row in matrix for dark in row)
    return Image.frombytes("L", (size, size), pixels).resize((size * 4, size * 4), Image.NEAREST)


def render_pdf(content: dict, *, signature_hex: str) -> bytes:
    """One A4 page. Text is real text (searchable, parseable); the QR code is one embedded PNG."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1, invariant=1)
    pdf.setTitle(f"{content['title']} {content['number']}")
    pdf.setAuthor(f"Pemerintah Desa {content['village']}")
    width, height = A4
    left, right = 25 * mm, width - 25 * mm
    y = height - 22 * mm

    pdf.setFont("Helvetica-Bold", 13)
    for line in ("PEMERINTAH KABUPATEN BANYUWANGI", f"KECAMATAN {content['kecamatan'].upper()}", f"{content['village_kind'].upper()} {content['village'].upper()}"):
        pdf.drawCentredString(width / 2, y, line)
        y -= 6 * mm
    pdf.setFont("Helvetica", 9)
    pdf.drawCentredString(width / 2, y, content.get("office_address") or f"Kantor {content['village_kind']} {content['village']}, Banyuwangi")
    y -= 3 * mm
    pdf.setLineWidth(1.4)
    pdf.line(left, y, right, y)
    y -= 10 * mm

    pdf.setFont("Helvetica-Bold", 12)
    title = content["title"].upper()
    pdf.drawCentredString(width / 2, y, title)
    title_width = pdf.stringWidth(title, "Helvetica-Bold", 12)
    pdf.setLineWidth(0.6)
    pdf.line(width / 2 - title_width / 2, y - 1.5, width / 2 + title_width / 2, y - 1.5)
    y -= 5.5 * mm
    pdf.setFont("Helvetica", 11)
    pdf.drawCentredString(width / 2, y, f"Nomor: {content['number']}")
    y -= 11 * mm

    def paragraph(text: str, y: float, *, font: str = "Helvetica", size: int = 11) -> float:
        pdf.setFont(font, size)
        for line in simpleSplit(text, font, size, right - left):
            pdf.drawString(left, y, line)
            y -= 5.6 * mm
        return y

    signer = content["signer"]
    y = paragraph(f"Yang bertanda tangan di bawah ini, {signer['title']} {content['village']}, Kecamatan {content['kecamatan']}, "
                  f"Kabupaten Banyuwangi, menerangkan bahwa:", y)
    y -= 2 * mm
    subject = {**content["subject"], "born": f"{content['subject']['birth_place'] or '-'}, {content['subject']['birth_date_text']}"}
    pdf.setFont("Helvetica", 11)
    for label, key in SUBJECT_ROWS:
        pdf.drawString(left + 8 * mm, y, label)
        pdf.drawString(left + 52 * mm, y, ":")
        lines = simpleSplit(str(subject.get(key) or "-"), "Helvetica", 11, right - left - 56 * mm)
        for line in lines:
            pdf.drawString(left + 55 * mm, y, line)
            y -= 5.6 * mm
    y -= 3 * mm
    y = paragraph(content["statement"], y)
    y -= 2 * mm
    y = paragraph("Demikian surat keterangan ini dibuat dengan sebenarnya untuk dipergunakan sebagaimana mestinya.", y)
    y -= 8 * mm

    sign_x = width - 85 * mm
    pdf.setFont("Helvetica", 11)
    pdf.drawString(sign_x, y, f"{content['village']}, {content['issued_on_text']}")
    pdf.drawString(sign_x, y - 5.6 * mm, f"{signer['title']} {content['village']}")
    pdf.setFont("Helvetica-Oblique", 8)
    pdf.drawString(sign_x, y - 12 * mm, "Ditandatangani secara elektronik")
    pdf.drawString(sign_x, y - 15.5 * mm, f"kunci {content['key_id']}")
    pdf.setFont("Helvetica-Bold", 11)
    pdf.drawString(sign_x, y - 24 * mm, signer["name"] or "-")

    qr_size = 38 * mm
    qr_y = y - 30 * mm
    payload = qr_payload(code=content["code"], signature_hex=signature_hex)
    pdf.drawImage(ImageReader(qr_image(payload)), left, qr_y, width=qr_size, height=qr_size)
    pdf.setFont("Helvetica", 8)
    text_y = qr_y - 4 * mm
    for line in (f"Kode verifikasi: {content['code']}", "Pindai kode QR atau buka:", f"{public_base_url()}/verify/{content['code']}"):
        pdf.drawString(left, text_y, line)
        text_y -= 3.6 * mm
    if content.get("development_key"):
        pdf.setFont("Helvetica-Bold", 9)
        pdf.setFillColorRGB(0.7, 0.1, 0.1)
        pdf.drawString(left, 12 * mm, "CONTOH - ditandatangani dengan kunci pengembangan, bukan surat resmi.")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


_CODE_SAFE = re.compile(r"^[A-Z0-9]{4,16}$")


def looks_like_code(value: str) -> bool:
    return bool(_CODE_SAFE.match(value or ""))
