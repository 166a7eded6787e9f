"""What the explorer page is given to draw: the form's choices, the estimate's card, the area's percentiles
and the whole page's view. The answers it carries (an estimate, a percentiles answer, the states) are
read-only views of the API's own answers."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from typing_extensions import TypedDict

from app.cards.location import LocationLine
from app.cards.shapes import CardFigures, RangeCard


class Suggestion(TypedDict):
    """A word a free-text box suggests, labelled with what it means."""

    code: str
    label: str


class Suggestions(TypedDict):
    """What the two free-text boxes suggest: places and occupations."""

    places: list[Suggestion]
    occupations: list[Suggestion]


class Choices(Suggestions):
    """Every value the form offers: the boxes' suggestions and, by field, the lists' options."""

    options: Mapping[str, Sequence[Mapping[str, Any]]]


class Candidate(TypedDict):
    """One reading of an ambiguous input, with the page's address for it."""

    value: str
    label: str
    href: str


class EstimateCard(CardFigures):
    """The estimate's card on the page: its figures, the answer they are from, every source it used."""

    estimate: Mapping[str, Any]
    all_sources: str


@dataclass(frozen=True, slots=True)
class AreaPercentiles:
    """The percentiles answer shown, why it is not the profile's own area (None when it is), and the
    chart's query for that area."""

    answer: Mapping[str, Any]
    note: str | None
    chart_query: str


class ExplorerView(TypedDict):
    """The whole page: the form as given and as read, the estimate (or the official range, or the reason
    there is none), the percentiles and the states table."""

    occupation: str
    occupation_text: str
    occupation_understood: LocationLine | None
    location_text: str
    location_understood: LocationLine | None
    candidates: dict[str, list[Candidate]]
    method_applies: bool
    set_aside: list[str]
    raw: Mapping[str, str | None]
    sort: str
    sort_words: str
    sort_note: str | None
    chart_sort: str
    choices: Choices
    official: RangeCard | None
    card: EstimateCard | None
    error: str | None
    field_errors: dict[str, str]
    percentiles: AreaPercentiles
    states: Sequence[Mapping[str, Any]]
    release_labels: dict[str, str]
    states_source: str
    occupation_title: str
    data_version: int
