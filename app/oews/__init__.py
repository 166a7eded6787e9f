"""Import of the official BLS OEWS download files."""

from app.oews.importer import ImportReport, Period, import_oews, infer_period, parse_period

__all__ = ["ImportReport", "Period", "import_oews", "infer_period", "parse_period"]
