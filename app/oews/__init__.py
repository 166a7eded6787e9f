"""Import of the official BLS OEWS download files: ``files`` reads them safely, ``parse`` validates their
rows, ``load`` writes one release per file."""

from app.oews.load import ImportReport, import_oews
from app.oews.parse import Period, infer_period, parse_period

__all__ = ["ImportReport", "Period", "import_oews", "infer_period", "parse_period"]
