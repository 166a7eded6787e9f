"""Where a posted pay range falls in an area's official wage distribution, linear between published points."""

from decimal import ROUND_HALF_UP, Decimal
from typing import cast

from typing_extensions import TypedDict

from app.domain.models import WageUnit
from app.domain.occupations import OccupationMatch
from app.domain.places import Located, LocationPublic, area_ref
from app.domain.records import AreaRef, Figures, OccupationPublic, Provenance, ReleasePublic, WageFigure
from app.domain.store import Snapshot
from app.domain.units import TypedAmount, pay_unit, unit_reason
from app.errors import InvalidInput
from app.fmt import money

PERCENTILES = ("p10", "p25", "median", "p75", "p90")

# The percentile each published statistic stands for, in PERCENTILES' order.
RANKS = dict(zip(PERCENTILES, (10, 25, 50, 75, 90), strict=True))
# Largest amount accepted for low and high (USD a year or an hour).
MAX_AMOUNT = 10_000_000


def _dec(value: float) -> Decimal:
    return Decimal(repr(float(value)))


def _one_place(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def ordinal(value: float) -> str:
    """'31st', '68th', '12th' for a percentile, rounded half-up to the whole number."""
    n = int(_dec(value).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


class PlacedValue(TypedDict):
    """Where one value falls among the published points."""

    value: float
    percentile: float | None
    position: str
    between: list[str] | None
    top_coded: bool
    note: str | None


def place_value(*, value: float, points: list[tuple[str, float, bool]], unit: str) -> PlacedValue:
    """Percentile and position of one value among the published (statistic, value, top-coded) points."""
    out: PlacedValue = {
        "value": value,
        "percentile": None,
        "position": "within",
        "between": None,
        "top_coded": False,
        "note": None,
    }
    capped = next((i for i, (_, _, top) in enumerate(points) if top), None)
    v = _dec(value)
    if v < _dec(points[0][1]):
        out["position"] = "below_p10"
        return out
    if capped is not None and v >= _dec(points[capped][1]):
        stat, threshold, _ = points[capped]
        out["position"] = "top_coded"
        out["top_coded"] = True
        out["note"] = (
            f"BLS top-codes {stat} and above: it publishes them only as at least "
            f"{money(threshold, unit=unit)}, so a value at or above that cannot be placed among them."
        )
        return out
    if v > _dec(points[-1][1]):
        out["position"] = "above_p90"
        return out
    for stat, published, _ in points:
        if v == _dec(published):
            out["percentile"], out["between"] = float(RANKS[stat]), [stat, stat]
            return out
    for (lo_stat, lo, _), (hi_stat, hi, hi_top) in zip(points, points[1:], strict=False):
        if _dec(lo) < v < _dec(hi):
            lo_rank, hi_rank = RANKS[lo_stat], RANKS[hi_stat]
            pct = lo_rank + (hi_rank - lo_rank) * (v - _dec(lo)) / (_dec(hi) - _dec(lo))
            out["percentile"], out["between"] = _one_place(pct), [lo_stat, hi_stat]
            if hi_top:
                out["top_coded"] = True
                out["note"] = (
                    f"{hi_stat} is top-coded (BLS publishes it only as at least "
                    f"{money(hi, unit=unit)}); interpolated against that floor, "
                    "this percentile is an upper bound."
                )
            return out
    raise AssertionError("published percentiles out of order")  # pragma: no cover


def _ordinal_of(p: PlacedValue) -> str:
    # A value placed within the points always has its percentile.
    return ordinal(cast(float, p["percentile"]))


def _side(p: PlacedValue) -> str:
    if p["position"] == "below_p10":
        return "below the 10th percentile"
    if p["position"] == "above_p90":
        return "above the 90th percentile"
    if p["position"] == "top_coded":
        return "at or above BLS's top-coded wage"
    return f"the {_ordinal_of(p)} percentile"


def sentence(*, low: PlacedValue, high: PlacedValue, occupation: str, area: str) -> str:
    """'This range sits between the 31st and 68th percentile for <occupation> in <area>.'"""
    where = f"for {occupation} in {area}"
    if low["value"] == high["value"]:
        return f"This pay sits {'at ' if low['position'] == 'within' else ''}{_side(low)} {where}."
    if low["position"] == high["position"] == "below_p10":
        return f"This range sits entirely below the 10th percentile {where}."
    if low["position"] == high["position"] == "above_p90":
        return f"This range sits entirely above the 90th percentile {where}."
    if low["position"] == high["position"] == "within":
        lo, hi = _ordinal_of(low), _ordinal_of(high)
        if lo == hi:
            return f"This range sits around the {lo} percentile {where}."
        return f"This range sits between the {lo} and {hi} percentile {where}."
    return f"This range runs from {_side(low)} to {_side(high)} {where}."


class ComparisonAnswer(Provenance):
    """The /compare answer (CompareResponse), its provenance merged in."""

    occupation: OccupationPublic
    area: AreaRef
    location: LocationPublic
    unit: str
    unit_inferred: bool
    unit_reason: str
    low: PlacedValue
    high: PlacedValue
    summary: str
    release: ReleasePublic
    percentiles: dict[str, WageFigure | None]


def _in_unit(figure: WageFigure | None, unit: WageUnit) -> tuple[float | None, bool]:
    """A figure's value in one unit, and whether it is top-coded there ((None, False) without a figure)."""
    if figure is None:
        return None, False
    if unit is WageUnit.hourly:
        return figure["hourly"], figure["hourly_capped"]
    return figure["annual"], figure["annual_capped"]


def compare(
    snapshot: Snapshot,
    *,
    occupation: OccupationMatch,
    low: TypedAmount,
    high: TypedAmount,
    unit: WageUnit | None,
    place: Located,
) -> ComparisonAnswer:
    """Percentile and position of a pay range's low and high in the area's official distribution; 422 on a
    reversed range, a range whose unit cannot be told, an amount written in another unit than the one read
    ('$22/hr' with unit=annual), or an area without the five published percentiles in that unit."""
    if low.amount > high.amount:
        raise InvalidInput(
            f"low ({low.shown}) is greater than high ({high.shown}); give the range's bottom as low.",
            details=[{"parameter": "low,high", "problem": "low greater than high"}],
        )
    chosen, inferred = pay_unit(low=low, high=high, unit=unit, names=("low", "high"))
    unit_name = chosen.value
    view = snapshot.view(occupation.id, None)
    area = place.area
    rec = view.by_key.get(place.key)
    wages: Figures = rec["wages"] if rec is not None else dict.fromkeys(PERCENTILES)
    published = {p: _in_unit(wages[p], chosen) for p in PERCENTILES}
    missing = [p for p in PERCENTILES if published[p][0] is None]
    if missing:
        raise InvalidInput(
            f"No official {unit_name} percentiles for {view.occupation['title']} in {area['name']} "
            f"({area['code']}): missing {', '.join(missing)}"
            + (
                "; BLS published employment there but withheld its wages."
                if rec is not None and not rec["wages_released"]
                else "."
            )
            + " Pick another area (see /states and /metros), or the other unit.",
            details=[{"parameter": "location", "value": area["code"], "missing": missing, "unit": unit_name}],
        )
    points = [(p, float(value or 0), bool(capped)) for p, (value, capped) in published.items()]
    low_place = place_value(value=low.amount, points=points, unit=unit_name)
    high_place = place_value(value=high.amount, points=points, unit=unit_name)
    release = snapshot.release_by_key[rec["release"]]  # type: ignore[index]
    return {
        "occupation": snapshot.occupation_public(occupation.id, occupation),
        "area": area_ref(area),
        "location": place.public(),
        "unit": unit_name,
        "unit_inferred": inferred,
        "unit_reason": unit_reason(chosen, inferred),
        "low": low_place,
        "high": high_place,
        "summary": sentence(
            low=low_place, high=high_place, occupation=view.occupation["title"], area=area["name"]
        ),
        "release": snapshot.release_public(release["id"]),
        "percentiles": {p: wages[p] for p in PERCENTILES},
        **snapshot.provenance([release["key"]]),
    }
