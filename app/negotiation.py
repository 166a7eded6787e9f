"""Content negotiation between JSON and CSV: one function, used by the edge's cache key and by the routes."""

from enum import StrEnum


class Representation(StrEnum):
    json = "json"
    csv = "csv"


MEDIA_TYPES = {Representation.json: "application/json", Representation.csv: "text/csv"}


def _ranges(accept: str) -> list[tuple[str, float]]:
    """The media ranges of an Accept header with their q-values, in the client's order."""
    ranges = []
    for part in accept.split(",")[:32]:
        media, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        if media:
            ranges.append((media.lower(), quality))
    return ranges


def _preference(ranges: list[tuple[str, float]], media: str) -> tuple[float, int, int]:
    """(q, specificity, -position) of the most specific range matching ``media``: higher is preferred."""
    kind = media.split("/")[0]
    best = (0.0, -1, 0)
    for position, (pattern, quality) in enumerate(ranges):
        if pattern == media:
            specificity = 2
        elif pattern == f"{kind}/*":
            specificity = 1
        elif pattern == "*/*":
            specificity = 0
        else:
            continue
        if specificity > best[1]:
            best = (quality, specificity, -position)
    return best


def negotiate(format_param: str | None, accept: str | None) -> Representation:
    """``format=`` wins; otherwise the Accept header's preference (q-values, then specificity, then the
    client's order); JSON when the header is absent, says nothing about either, or ties."""
    if format_param is not None:
        return Representation.csv if format_param == Representation.csv else Representation.json
    if not accept:
        return Representation.json
    accept = accept.lower()  # media types are case-insensitive (RFC 9110, 8.3.1)
    if "csv" not in accept and "text/" not in accept:
        return Representation.json
    ranges = _ranges(accept)
    json_pref = _preference(ranges, MEDIA_TYPES[Representation.json])
    csv_pref = _preference(ranges, MEDIA_TYPES[Representation.csv])
    if csv_pref[0] > 0 and csv_pref > json_pref:
        return Representation.csv
    return Representation.json
