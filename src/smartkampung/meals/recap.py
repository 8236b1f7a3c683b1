"""The monthly payment recap of a provider as CSV and PDF: one line per meal delivered, from the log.

Both are written from the same selectors.Recap, so the CSV, the PDF and the page always agree with the
delivery log; tests parse them back (csv, pypdf) and compare with the log.
"""

from __future__ import annotations

import csv
import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .selectors import Recap

CSV_HEADER = ["tanggal", "penerima_id", "desa", "porsi", "harga_per_porsi", "jumlah_rp"]


def recap_csv(recap: Recap) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for line in recap.lines:
        writer.writerow([line.date.isoformat(), line.recipient_id, line.village, line.portions, line.price, line.amount])
    writer.writerow(["TOTAL", recap.recipients, "", recap.portions, "", recap.amount])
    return out.getvalue()


def rupiah(value: int) -> str:
    return "Rp" + f"{value:,}".replace(",", ".")


def recap_pdf(recap: Recap) -> bytes:
    buffer = io.BytesIO()
    provider = recap.provider
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm, bottomMargin=15 * mm,
                            title=f"Rekap Rantang Kasih {provider.name} {recap.month}", author="Smart Kampung")
    styles = getSampleStyleSheet()
    story = [
        Paragraph("Rekap Pembayaran Rantang Kasih", styles["Title"]),
        Paragraph(f"Penyedia: {provider.name} (ID {provider.pk})", styles["Normal"]),
        Paragraph(f"Bulan: {recap.month}", styles["Normal"]),
        Paragraph(f"Rekening: {provider.bank_name} {provider.bank_account_number} a.n. {provider.bank_account_holder}", styles["Normal"]),
        Paragraph(f"Total porsi: {recap.portions}; Total bayar: {rupiah(recap.amount)}; Penerima: {recap.recipients}; "
                  f"Tidak terantar: {recap.missed}", styles["Normal"]),
        Spacer(1, 5 * mm),
    ]
    rows = [["Tanggal", "Penerima", "Desa", "Porsi", "Harga", "Jumlah"]]
    rows += [[line.date.isoformat(), str(line.recipient_id), line.village, str(line.portions), rupiah(line.price), rupiah(line.amount)] for line in recap.lines]
    rows.append(["TOTAL", "", "", str(recap.portions), "", rupiah(recap.amount)])
    table = Table(rows, repeatRows=1, colWidths=[25 * mm, 22 * mm, 50 * mm, 15 * mm, 28 * mm, 32 * mm])
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold"), ("FONT", (0, -1), (-1, -1), "Helvetica-Bold"),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("ALIGN", (3, 1), (-1, -1), "RIGHT"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6efe9")),
    ]))
    story.append(table)
    doc.build(story)
    return buffer.getvalue()
