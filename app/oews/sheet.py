"""Child process of the importer: read a workbook with calamine under an address-space limit and write the
sheet holding the OCC_CODE header as CSV, from the header row on.

``python -m app.oews.sheet WORKBOOK LIMIT_BYTES``. Writes "HEADER_ROW ROWS_BELOW" on a line, then the
sheet as CSV, to stdout and exits 0; exits 2 (unreadable workbook) or 3 (no OCC_CODE header) with the reason
on stderr. A sheet that needs more memory than the limit ends this process (calamine aborts on a failed
allocation), never the importer.
"""

from __future__ import annotations

import csv
import io
import resource
import sys
from typing import Any

# Rows above the header that a workbook may carry (a title, a note).
HEADER_SEARCH_ROWS = 10


def cell_text(value: Any) -> str:
    """A cell as the text a CSV export holds: whole floats without '.0', booleans as TRUE/FALSE."""
    if value is None:
        return ""
    if value.__class__ is str:
        return value
    if value is True or value is False:
        return "TRUE" if value else "FALSE"
    if value.__class__ is float:
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _reason(exc: Exception) -> str:
    first = (str(exc).splitlines() or [""])[0][:200]
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def main(argv: list[str]) -> int:
    """Convert; see the module docstring for the protocol."""
    source, limit = argv[1], int(argv[2])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    # calamine (Rust) reads the 400,000-row all-data workbook in seconds; openpyxl took minutes.
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(source)
        names = workbook.sheet_names
    except Exception as exc:  # noqa: BLE001  calamine raises its own errors for broken or foreign files
        print(_reason(exc), file=sys.stderr)
        return 2
    for name in names:
        try:
            sheet = workbook.get_sheet_by_name(name)
        except Exception as exc:  # noqa: BLE001
            print(f"sheet {name!r}: {_reason(exc)}", file=sys.stderr)
            return 2
        rows = iter(sheet.iter_rows())
        # Some workbooks put a title above the header, and some carry a field-description sheet.
        for number, cells in enumerate(rows, start=1):
            if any(cell_text(c).strip().upper() == "OCC_CODE" for c in cells):
                out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
                out.write(f"{number} {max(sheet.height - number, 0)}\n")
                writer = csv.writer(out)
                writer.writerow([cell_text(c) for c in cells])
                for more in rows:
                    writer.writerow([cell_text(c) for c in more])
                out.flush()
                return 0
            if number >= HEADER_SEARCH_ROWS:
                break
        del sheet
    print("no worksheet has an OCC_CODE header row.", file=sys.stderr)
    return 3


if __name__ == "__main__":
    sys.exit(main(sys.argv))
