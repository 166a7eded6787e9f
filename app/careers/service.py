"""The career-outcomes card's data: the estimate's progression by level in an area, and the ladder of
neighbouring occupations with their official local medians, each figure with its citation."""

from collections.abc import Mapping
from typing import Any

from typing_extensions import TypedDict

from app.config import DEFAULT_OCCUPATION
from app.domain.estimation import estimates as estimate_service
from app.domain.estimation.answer import Note
from app.domain.places import METRO_TYPES, Located, LocationPublic, area_ref
from app.domain.profile import Level, ProfileQuery
from app.domain.records import AreaRef, AreaRow, Provenance, WageFigure
from app.domain.store import Snapshot

# From billing clerk to health services manager, in the order a program page shows the path.
CAREER_LADDER = ("43-3021", "29-2072", "29-9021", "11-9111")
MANAGERS = "11-9111"
# The article's sentence on where a B.S. in Health Information Management leads (seed/article.toml).
BACHELOR_CLAIM = "education_bachelor"


class Citation(TypedDict):
    """What a figure of the card rests on: what it is about, its source and release, the sentence."""

    about: str
    source: str
    release: str
    citation: str


class ArticleClaim(Citation):
    """The article's claim for management roles, marked as a claim."""

    kind: str
    label: str
    statement: str
    annual_low: float | None
    open_top: bool


class LadderOccupation(TypedDict):
    """An occupation of the ladder, by code and title (None when it is not in the data)."""

    soc_code: str
    title: str | None


class LadderItem(TypedDict):
    """One rung of the career ladder: its official local median, or why there is none."""

    occupation: LadderOccupation
    median: WageFigure | None
    release: str | None
    note: str | None
    article_claim: ArticleClaim | None


# An estimate's answer, a step of its progression and a location note are shaped by the estimate
# (app/domain/estimation); this card reads them and passes them on.
EstimatePart = Mapping[str, Any]


class CareersAnswer(Provenance):
    """The /careers answer (CareersResponse), its provenance merged in."""

    occupation: EstimatePart
    area: AreaRef
    location: LocationPublic
    entry: EstimatePart
    progression: list[EstimatePart]
    location_notes: list[Note]
    ladder: list[LadderItem]


def _cited(snapshot: Snapshot, release_id: int, citation: str, about: str) -> Citation:
    release = snapshot.releases[release_id]
    return {
        "about": about,
        "source": snapshot.sources[release["source_id"]]["key"],
        "release": release["key"],
        "citation": citation,
    }


def _progression(snapshot: Snapshot, estimate: EstimatePart) -> list[EstimatePart]:
    """The estimate's steps by level, each citing its band and every adjustment applied to it."""
    occupation_id = snapshot.occupation_by_code[DEFAULT_OCCUPATION]["id"]
    bands = {b.key: b for b in estimate_service.method_sources(snapshot, occupation_id).bands}
    adjustments: list[Citation] = [
        {"about": a["explanation"], "source": a["source"], "release": a["release"], "citation": a["citation"]}
        for a in estimate["adjustments"]
    ]
    steps: list[EstimatePart] = []
    for step in estimate["progression"]:
        band = bands[step["level"]["key"]]
        about = f"{band.name} band, ${band.hourly_low:.2f}-${band.hourly_high:.2f}" + (
            "+" if band.open_top else ""
        )
        cited = band.cited
        basis: Citation = {
            "about": about + " an hour",
            "source": cited.source,
            "release": cited.release,
            "citation": cited.citation,
        }
        steps.append({**step, "citations": [basis, *adjustments]})
    return steps


def _ladder_item(snapshot: Snapshot, *, code: str, area: AreaRow) -> LadderItem:
    occ = snapshot.occupation_by_code.get(code)
    if occ is None:
        return {
            "occupation": {"soc_code": code, "title": None},
            "median": None,
            "release": None,
            "note": f"Occupation {code} is not in the data (import an OEWS file holding it).",
            "article_claim": None,
        }
    view = snapshot.view(occ["id"], None)
    rec = view.by_key.get(f"{area['area_type']}:{area['code']}")
    median = rec["wages"]["median"] if rec is not None else None
    note = None
    if median is None:
        withheld = rec is not None and not rec["wages_released"]
        note = f"BLS publishes no median wage for {occ['title']} in {area['name']}" + (
            " (employment published, wages withheld)." if withheld else "."
        )
    return {
        "occupation": {"soc_code": code, "title": occ["title"]},
        "median": median,
        "release": rec["release"] if rec is not None and median is not None else None,
        "note": note,
        "article_claim": None,
    }


def article_claim(snapshot: Snapshot) -> ArticleClaim | None:
    """The article's 'often exceeding $100,000' for management roles after a B.S., marked as its claim."""
    row = next((f for f in snapshot.factors if f["key"] == BACHELOR_CLAIM), None)
    if row is None or row["amount_low"] is None:
        return None
    return {
        "kind": "article_claim",
        "label": "The article's claim, not an official figure",
        "statement": row["description"],
        "annual_low": row["amount_low"] if row["amount_unit"] == "annual" else None,
        "open_top": bool(row["amount_open"]),
        **_cited(snapshot, row["release_id"], row["citation"], "management roles after a B.S. in HIM"),
    }


def careers(snapshot: Snapshot, *, place: Located) -> CareersAnswer:
    """Entry range and progression by level for 29-2072 in an area, and the ladder's official local
    medians."""
    area = place.area
    metro = area["code"] if area["area_type"] in METRO_TYPES else None
    state = area["code"] if area["area_type"] in ("state", "territory") else None
    estimate = estimate_service.estimate_one(
        snapshot, ProfileQuery(level=Level.entry, state=state, metro=metro)
    )
    progression = _progression(snapshot, estimate)
    ladder = [_ladder_item(snapshot, code=code, area=area) for code in CAREER_LADDER]
    claim = article_claim(snapshot)
    for item in ladder:
        if item["occupation"]["soc_code"] == MANAGERS:
            item["article_claim"] = claim
    location_notes = [n for n in estimate["notes"] if n["factor"] in ("state", "metro")]
    keys = [c["release"] for step in progression for c in step["citations"]]
    keys += [r for a in estimate["adjustments"] for r in a["releases"]]
    keys += [n["release"] for n in location_notes if n["release"]]
    keys += [i["release"] for i in ladder if i["release"]] + ([claim["release"]] if claim else [])
    return {
        "occupation": estimate["occupation"],
        "area": area_ref(area),
        "location": place.public(),
        "entry": progression[0],
        "progression": progression,
        "location_notes": location_notes,
        "ladder": ladder,
        **snapshot.provenance(keys),
    }
