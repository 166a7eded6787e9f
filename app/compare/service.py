"""Where a posted pay range falls in an area's official wage distribution, linear between published points."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from app.errors import InvalidInput
from app.fmt import money
from app.store import Snapshot
from app.wages import service as wages_service
from app.wages.service import PERCENTILES

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


def place(*, value: float, points: list[tuple[str, float, bool]], unit: str) -> dict[str, Any]:
    """Percentile and position of one value among the published (statistic, value, top-coded) points."""
    out: dict[str, Any] = {
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
        out.update(
            position="top_coded",
            top_coded=True,
            note=f"BLS top-codes {stat} and above: it publishes them only as at least "
            f"{money(threshold, unit=unit)}, so a value at or above that cannot be placed among them.",
        )
        return out
    if v > _dec(points[-1][1]):
        out["position"] = "above_p90"
        return out
    for stat, published, _ in points:
        if v == _dec(published):
            out.update(percentile=float(RANKS[stat]), between=[stat, stat])
            return out
    for (lo_stat, lo, _), (hi_stat, hi, hi_top) in zip(points, points[1:], strict=False):
        if _dec(lo) < v < _dec(hi):
            lo_rank, hi_rank = RANKS[lo_stat], RANKS[hi_stat]
            pct = lo_rank + (hi_rank - lo_rank) * (v - _dec(lo)) / (_dec(hi) - _dec(lo))
            out.update(percentile=_one_place(pct), between=[lo_stat, hi_stat])
            if hi_top:
                out.update(
                    top_coded=True,
                    note=f"{hi_stat} is top-coded (BLS publishes it only as at least "
                    f"{money(hi, unit=unit)}); interpolated against that floor, "
                    "this percentile is an upper bound.",
                )
            return out
    raise AssertionError("published percentiles out of order")  # pragma: no cover


def _side(p: dict[str, Any]) -> str:
    if p["position"] == "below_p10":
        return "below the 10th percentile"
    if p["position"] == "above_p90":
        return "above the 90th percentile"
    if p["position"] == "top_coded":
        return "at or above BLS's top-coded wage"
    return f"the {ordinal(p['percentile'])} percentile"


def sentence(*, low: dict[str, Any], high: dict[str, Any], occupation: str, area: str) -> str:
    """'This range sits between the 31st and 68th percentile for <occupation> in <area>.'"""
    where = f"for {occupation} in {area}"
    if low["value"] == high["value"]:
        return f"This pay sits {'at ' if low['position'] == 'within' else ''}{_side(low)} {where}."
    if low["position"] == high["position"] == "below_p10":
        return f"This range sits entirely below the 10th percentile {where}."
    if low["position"] == high["position"] == "above_p90":
        return f"This range sits entirely above the 90th percentile {where}."
    if low["position"] == high["position"] == "within":
        lo, hi = ordinal(low["percentile"]), ordinal(high["percentile"])
        if lo == hi:
            return f"This range sits around the {lo} percentile {where}."
        return f"This range sits between the {lo} and {hi} percentile {where}."
    return f"This range runs from {_side(low)} to {_side(high)} {where}."


def area_of(snapshot: Snapshot, *, state: str | None, metro: str | None) -> dict[str, Any]:
    """The state, metro or (neither given) the nation; 422 for an unknown code or both at once."""
    if state is not None and metro is not None:
        raise InvalidInput(
            "Give either state or metro, not both.",
            details=[{"parameter": "state,metro", "problem": "conflict"}],
        )
    if state is not None:
        return wages_service.known_state(snapshot, code=state)
    if metro is not None:
        return wages_service.known_metro(snapshot, code=metro)
    return snapshot.area_by_key["national:US"]


def compare(
    snapshot: Snapshot,
    *,
    occupation: str,
    low: float,
    high: float,
    unit: str,
    state: str | None = None,
    metro: str | None = None,
) -> dict[str, Any]:
    """Percentile and position of a pay range's low and high in the area's official distribution; 422 on a
    reversed range, an unknown area or an area without the five published percentiles in that unit."""
    if low > high:
        raise InvalidInput(
            f"low ({low:g}) is greater than high ({high:g}); give the range's bottom as low.",
            details=[{"parameter": "low,high", "problem": "low greater than high"}],
        )
    view = wages_service.occupation_view(snapshot, occupation=occupation, release=None)
    area = area_of(snapshot, state=state, metro=metro)
    rec = view.by_key.get(f"{area['area_type']}:{area['code']}")
    wages: dict[str, Any] = rec["wages"] if rec is not None else dict.fromkeys(PERCENTILES)
    missing = [p for p in PERCENTILES if wages[p] is None or wages[p][unit] is None]
    if missing:
        param = "metro" if metro is not None else "state" if state is not None else "occupation"
        raise InvalidInput(
            f"No official {unit} percentiles for {view.occupation['title']} in {area['name']} "
            f"({area['code']}): missing {', '.join(missing)}"
            + (
                "; BLS published employment there but withheld its wages."
                if rec is not None and not rec["wages_released"]
                else "."
            )
            + " Pick another area (see /states and /metros), or the other unit.",
            details=[{"parameter": param, "value": area["code"], "missing": missing, "unit": unit}],
        )
    points = [(p, float(wages[p][unit]), bool(wages[p][f"{unit}_capped"])) for p in PERCENTILES]
    low_place = place(value=low, points=points, unit=unit)
    high_place = place(value=high, points=points, unit=unit)
    release = snapshot.release_by_key[rec["release"]]  # type: ignore[index]
    return {
        "occupation": view.occupation,
        "area": {"area_type": area["area_type"], "code": area["code"], "name": area["name"]},
        "unit": unit,
        "low": low_place,
        "high": high_place,
        "summary": sentence(
            low=low_place, high=high_place, occupation=view.occupation["title"], area=area["name"]
        ),
        "release": snapshot.release_public(release["id"]),
        "percentiles": {p: wages[p] for p in PERCENTILES},
        **snapshot.provenance([release["key"]]),
    }
