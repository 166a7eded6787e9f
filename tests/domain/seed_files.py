"""The seed's own files, read directly: expected places, areas and figures come from them, never from the code
under test."""

import csv
import tomllib
from collections import defaultdict
from functools import cache
from pathlib import Path

SEED = Path(__file__).resolve().parents[2] / "seed"
OCCUPATION = "29-2072"


@cache
def crosswalk() -> dict[str, list[dict[str, str]]]:
    """The HUD-USPS ZIP-CBSA rows by ZIP."""
    rows: dict[str, list[dict[str, str]]] = defaultdict(list)
    with (SEED / "geo" / "zip_cbsa.csv").open(newline="") as fh:
        for row in csv.DictReader(fh):
            rows[row["zip"]].append(row)
    return dict(rows)


@cache
def oews() -> dict[tuple[str, str], dict[str, str]]:
    """The official BLS extract's rows by (AREA, OCC_CODE)."""
    with (SEED / "oews" / "all_data_M_2025_extract.csv").open(newline="") as fh:
        return {(r["AREA"], r["OCC_CODE"]): r for r in csv.DictReader(fh)}


@cache
def oews_areas(area_type: str) -> dict[str, str]:
    """AREA -> AREA_TITLE of one BLS area type ('4' metropolitan, '6' nonmetropolitan)."""
    return {area: r["AREA_TITLE"] for (area, _), r in oews().items() if r["AREA_TYPE"] == area_type}


@cache
def states() -> dict[str, dict[str, str]]:
    """USPS code -> the reference row (name, FIPS) of every state, DC and territory."""
    with (SEED / "areas.csv").open(newline="") as fh:
        return {r["usps"]: r for r in csv.DictReader(fh)}


def shares(rows: list[dict[str, str]]) -> dict[str, float]:
    """CBSA -> tot_ratio of a ZIP's rows."""
    return {r["cbsa"]: float(r["tot_ratio"]) for r in rows}


def by_rule(weights: dict[str, float], state: str) -> tuple[str, str]:
    """(area type, code) the issue's rule gives: the OEWS metro with the largest share, unless a share
    outside every OEWS metro is larger, then the state."""
    metros = oews_areas("4")
    inside = {c: w for c, w in weights.items() if c in metros}
    outside = [w for c, w in weights.items() if c not in metros]
    if inside and max(inside.values()) >= max(outside, default=0.0):
        return "metro", max(inside, key=lambda c: (inside[c], c))
    return "state", state


def city_weights(city: str, state: str) -> dict[str, float]:
    """CBSA -> the city's share: every ZIP whose USPS city it is counts with its tot_ratios."""
    totals: dict[str, float] = defaultdict(float)
    count = 0
    for rows in crosswalk().values():
        if rows[0]["city"] == city and rows[0]["state"] == state:
            count += 1
            for cbsa, share in shares(rows).items():
                totals[cbsa] += share
    return {c: w / count for c, w in totals.items()}


def median(area: str, occupation: str = OCCUPATION) -> float:
    """The published annual median of an area (AREA code) for the occupation."""
    return float(oews()[(area, occupation)]["A_MEDIAN"])


@cache
def article_factors() -> dict[str, dict[str, object]]:
    """The article's factors (seed/article.toml) by key: its statements and the sentences they quote."""
    with (SEED / "article.toml").open("rb") as fh:
        return {f["key"]: f for f in tomllib.load(fh)["factor"]}
