"""CSV and Excel export of the rows a list view shows (after its filters and restrictions)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

EXPORT_FORMATS = ("csv", "xlsx")
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _safe(value):
    """Keep spreadsheet programs from running a cell as a formula (CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


def export_response(fmt: str, filename: str, headers: list[str], rows: Iterable[list]) -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        writer = csv.writer(_Echo())

        def stream():
            yield "\ufeff"  # BOM so that Excel reads UTF-8 (Chinese) correctly
            yield writer.writerow(headers)
            for row in rows:
                yield writer.writerow([_safe(value) for value in row])

        response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
        return response
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=filename[:31])
    # Write-only sheets take column widths only before the first row: size them by the header
    # (CJK characters count double), within reason.
    for index, header in enumerate(headers, start=1):
        text = str(header)
        width = sum(2 if ord(char) > 0x2E80 else 1 for char in text)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 4, 12), 40)
    sheet.append(headers)
    for row in rows:
        sheet.append([_safe(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.xlsx"'
    return response
