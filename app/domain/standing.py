"""Where an area stands in one official release: its rank among areas of its kind, its difference from the
same release's national figure, and the tier that difference puts it in. Pure: figures in, standings out;
the read model (app/store.py) runs it once per (occupation, release) and keeps the result.

How, in words (docs/ranks-and-tiers.md says the same to readers):
- areas are ranked among their own kind: the states BLS publishes (the 50 states, DC, PR, GU, VI) among
  themselves, metropolitan areas among metropolitan areas, nonmetropolitan areas among nonmetropolitan areas;
- highest wage first, on the annual figure (hourly x 2080 where a release publishes the hourly one only);
  equal figures share a rank and the next rank skips ("1, 2, 2, 4"); no figure, no rank;
- the difference from the national figure is the area's minus the nation's, in each unit both publish, and
  in percent of the nation's;
- the tier follows the median: within 1% of the national median (either way, inclusive) is at_national,
  above it above_national, below it below_national; no median on either side, no tier.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from operator import itemgetter
from typing import TypeVar

from app.domain.models import HOURS_PER_YEAR, Tier
from app.domain.records import DifferencePublic, VsNational

# An area whose median is within this share of the national median (inclusive) is at_national.
AT_NATIONAL_SHARE = 0.01
# The statistics areas are ranked and compared on.
COMPARED = ("median", "mean")
K = TypeVar("K", bound=Hashable)


class RankGroup(StrEnum):
    """The kinds of area ranked among themselves."""

    state = "state"
    metro = "metro"
    nonmetro = "nonmetro"


RANK_GROUPS: dict[str, RankGroup] = {
    "state": RankGroup.state,
    "territory": RankGroup.state,
    "metro": RankGroup.metro,
    "nonmetro": RankGroup.nonmetro,
}


@dataclass(frozen=True, slots=True)
class Wage:
    """One published figure in both units (either may be missing)."""

    hourly: float | None
    annual: float | None

    def comparable(self) -> float | None:
        """The value ranks are computed on: annual, else hourly x 2080."""
        if self.annual is not None:
            return self.annual
        return None if self.hourly is None else self.hourly * HOURS_PER_YEAR


@dataclass(frozen=True, slots=True)
class AreaWages:
    """The inputs for one area: its id, its kind (an AreaType value) and its median and mean."""

    area_id: int
    area_type: str
    median: Wage | None
    mean: Wage | None


@dataclass(frozen=True, slots=True)
class Difference:
    """An area's figure minus the national one: per unit both publish, and in percent of the national."""

    hourly: float | None
    annual: float | None
    percent: float | None
    share: float | None  # unrounded: (area - national) / national, the tier's input

    def public(self) -> DifferencePublic:
        return {"hourly": self.hourly, "annual": self.annual, "percent": self.percent}


@dataclass(frozen=True, slots=True)
class Standing:
    """One area's ranks, differences from the national figures, and tier, in one release."""

    rank_median: int | None
    rank_mean: int | None
    vs_median: Difference | None
    vs_mean: Difference | None
    tier: Tier | None
    national_release: str | None = None

    def vs_national(self) -> VsNational | None:
        """The public ``vs_national`` block (null when neither statistic can be compared)."""
        if self.vs_median is None and self.vs_mean is None:
            return None
        return {
            "national_release": self.national_release,
            "median": None if self.vs_median is None else self.vs_median.public(),
            "mean": None if self.vs_mean is None else self.vs_mean.public(),
        }


NO_STANDING = Standing(None, None, None, None, None)
# Enum attribute lookups cost more than a name; tier_of runs once per area of a release.
_AT, _ABOVE, _BELOW = Tier.at_national, Tier.above_national, Tier.below_national


def competition_ranks(values: Mapping[K, float | None]) -> dict[K, int]:
    """Standard competition ranking, highest first: equal values share a rank and the next one skips
    ("1, 2, 2, 4"). Keys whose value is None get no rank."""
    ordered = sorted([(v, k) for k, v in values.items() if v is not None], key=itemgetter(0), reverse=True)
    ranks: dict[K, int] = {}
    previous: float | None = None
    rank = 0
    for position, (value, key) in enumerate(ordered, start=1):
        if value != previous:
            rank, previous = position, value
        ranks[key] = rank
    return ranks


def _unit_difference(area: float | None, national: float | None) -> float | None:
    return None if area is None or national is None else round(area - national, 2)


def difference(area: Wage | None, national: Wage | None) -> Difference | None:
    """The area's figure minus the national one, in each unit both give; the percent from the annual
    figures where both give one, else the hourly. None when no unit is shared."""
    if area is None or national is None:
        return None
    hourly = _unit_difference(area.hourly, national.hourly)
    annual = _unit_difference(area.annual, national.annual)
    share = None
    for a, n in ((area.annual, national.annual), (area.hourly, national.hourly)):
        if a is not None and n:
            share = (a - n) / n
            break
    if hourly is None and annual is None:
        return None
    return Difference(hourly, annual, None if share is None else round(share * 100, 2), share)


def tier_of(median: Difference | None) -> Tier | None:
    """above_national, at_national (within 1%, inclusive) or below_national, from the median's difference."""
    if median is None or median.share is None:
        return None
    # The 1% test on the unrounded share, with a tolerance for the float division (a cent on $100,000).
    if abs(median.share) <= AT_NATIONAL_SHARE + 1e-9:
        return _AT
    return _ABOVE if median.share > 0 else _BELOW


def standings(
    areas: Iterable[AreaWages], national: AreaWages | None, national_release: str | None = None
) -> dict[int, Standing]:
    """area_id -> Standing for every ranked kind of area in one release (national areas get none), against
    the national figures of ``national_release``."""
    grouped: dict[RankGroup, list[AreaWages]] = {}
    for area in areas:
        group = RANK_GROUPS.get(area.area_type)
        if group is not None:
            grouped.setdefault(group, []).append(area)
    out: dict[int, Standing] = {}
    for members in grouped.values():
        by_median = competition_ranks(
            {a.area_id: a.median.comparable() if a.median else None for a in members}
        )
        by_mean = competition_ranks({a.area_id: a.mean.comparable() if a.mean else None for a in members})
        for a in members:
            vs_median = difference(a.median, national.median if national else None)
            vs_mean = difference(a.mean, national.mean if national else None)
            out[a.area_id] = Standing(
                rank_median=by_median.get(a.area_id),
                rank_mean=by_mean.get(a.area_id),
                vs_median=vs_median,
                vs_mean=vs_mean,
                tier=tier_of(vs_median),
                national_release=national_release,
            )
    return out
