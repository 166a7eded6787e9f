"""Where a request is: one resolver turns what people type (a state code or name, "national" or "remote", a
ZIP or ZIP+4, "City, ST", a CBSA or BLS nonmetropolitan area code, a metro's name or common name) and the
``state`` and ``metro`` parameters into one typed area, and says how it understood them.

The ZIP and city rules follow the HUD-USPS ZIP-CBSA crosswalk (its ``tot_ratio``, the share of all addresses):
a ZIP goes to the OEWS metro holding most of its addresses; a ZIP whose largest share lies outside every
OEWS metro goes to its state (``state_fallback``); a city goes to the OEWS metro holding most of its ZIPs,
each ZIP weighted by its shares. Everything here is in memory: built once per snapshot, no database."""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from itertools import accumulate
from typing import Any

from pydantic import BaseModel, Field
from typing_extensions import TypedDict

from app.domain.records import AreaRef, AreaRow
from app.domain.remembering import remembered
from app.errors import Ambiguous, AppError, InvalidInput, NotFound, nearest_spelling

# Longest location text accepted (the contract's maxLength): the longest OEWS area title is under 80.
MAX_LOCATION_LENGTH = 120
NATIONAL_WORDS = frozenset({"us", "usa", "u s", "u s a", "national", "nationwide", "united states", "remote"})
# The words a job posting uses for work tied to no one place (occupations set them aside from a title too).
REMOTE_WORDS = frozenset({"remote", "anywhere", "virtual", "wfh", "telecommute", "telework", "home"})
# A posting's ways of saying "no one place" ('Remote - US', 'US Remote', 'Work from home'): every word of the
# location is a national word's or one of these, and a remote word makes it remote.
_NATIONAL_FILLER = frozenset(w for phrase in NATIONAL_WORDS for w in phrase.split()) | {
    "work",
    "from",
    "in",
    "the",
    "only",
}
# What a posting adds around a place: a ZIP after 'City, ST' or before it, the country, a work mode.
_ZIP_WORD = re.compile(r"(?:^|[\s,])(\d{5})(?:-\d{4})?(?=$|[\s,])")
_DECORATION = re.compile(r"\s*(?:\([^)]*\)|,\s*(?:usa|us|u\.s\.a?\.?|united states))\s*$", re.IGNORECASE)
# ... and the words around a place that say it is an area or how one works there: 'Greater Boston', 'Houston
# area', 'Austin metro', 'Remote - NYC', 'Denver, CO - Hybrid'. Each is anchored and has one quantifier per
# run of spaces, so a match is linear in the text's length.
_AREA_WORDS = (
    re.compile(r"^greater\s+", re.IGNORECASE),
    re.compile(r"\s+(?:metro(?:politan)?(?:\s+area)?|area|region)$", re.IGNORECASE),
    re.compile(
        r"^(?:remote|hybrid|on-?site)\s*(?:[-\u2013\u2014:|/,]|\bin\b|\bwithin\b|\bnear\b)\s*", re.IGNORECASE
    ),
    re.compile(r"\s*[-\u2013\u2014:|/,]\s*(?:remote|hybrid|on-?site)$", re.IGNORECASE),
)
METRO_TYPES = ("metro", "nonmetro")
STATE_TYPES = ("state", "territory")
# Words a place name may spell out or abbreviate; both sides are compared in the long form.
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount", "pt": "point"}
_WORD = re.compile(r"[a-z0-9]+")
_ZIP = re.compile(r"^(\d{5})(?:[- ]?(\d{4}))?$")
_CBSA_WORDS = re.compile(r"^(?:cbsa|msa|metro|area)\s*:?\s*(\d{5}|\d{7})$", re.IGNORECASE)
_NONMETRO = re.compile(r"^\d{7}$")
_NONMETRO_SUFFIX = " nonmetropolitan area"
_DOTTED_CODE = re.compile(r"([A-Za-z])\.([A-Za-z])\.?$")
_TITLE_STATES = re.compile(r"[A-Z]{2}(?:-[A-Z]{2})*$")
MAX_CANDIDATES = 10


def _plain_words(text: str) -> list[str]:
    """The words of a text, lower case, accents and punctuation dropped."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").casefold()
    return _WORD.findall(ascii_text)


def normalise(text: str) -> str:
    """Lower case, accents and punctuation dropped, 'St.' spelled 'saint': how names are compared."""
    return " ".join(_ABBREVIATIONS.get(w, w) for w in _plain_words(text))


def _searched(name: str) -> tuple[str, str]:
    """An area's name as a search compares it: normalised (a title's USPS codes kept: 'MT' is Montana, not
    'mount'), and its plain words after a space (a word's start)."""
    places, _, codes = name.rpartition(", ")
    spelled = f"{normalise(places)} {codes.casefold()}" if _TITLE_STATES.match(codes) else normalise(name)
    return spelled.replace("-", " "), " " + " ".join(_plain_words(name))


class Method(StrEnum):
    """How a location was understood."""

    state = "state"
    metro = "metro"
    nonmetro = "nonmetro"
    national = "national"
    zip = "zip"
    city = "city"
    name = "name"
    state_fallback = "state_fallback"


class AlternativePublic(AreaRef):
    """Another area the input touches, as the ``location`` block lists it."""

    share: float | None


class LocationPublic(TypedDict):
    """The ``location`` block of an answer: what was typed, the area served, how, and the alternatives."""

    input: str | None
    area: AreaRef
    method: str
    explanation: str
    alternatives: list[AlternativePublic]


@dataclass(frozen=True, slots=True)
class Alternative:
    """Another area the input touches, with the share of its addresses there (null where none applies)."""

    area: AreaRow
    share: float | None

    def public(self) -> AlternativePublic:
        return {**area_ref(self.area), "share": self.share}


@dataclass(frozen=True, slots=True)
class Located:
    """A resolved location: the area served, and how the input led to it."""

    area: AreaRow
    method: Method
    input: str | None
    explanation: str
    alternatives: tuple[Alternative, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.area['area_type']}:{self.area['code']}"

    def public(self) -> LocationPublic:
        """The response's ``location`` block."""
        return {
            "input": self.input,
            "area": area_ref(self.area),
            "method": self.method.value,
            "explanation": self.explanation,
            "alternatives": [a.public() for a in self.alternatives],
        }


def area_ref(area: AreaRow) -> AreaRef:
    """An area as the API names it everywhere: kind, code and name."""
    return {"area_type": area["area_type"], "code": area["code"], "name": area["name"]}


def _pct(share: float) -> str:
    pct = share * 100
    if pct >= 99.95:
        return "all"
    if pct < 0.05:
        return "under 0.1%"
    return f"{pct:.1f}%".replace(".0%", "%")


@dataclass(slots=True)
class _Candidate:
    area: AreaRow
    label: str
    value: str
    weight: float = 0.0


@dataclass
class Crosswalk:
    """The ZIP-CBSA rows, packed: ZIPs as sorted integers with the start of their rows, and per row the CBSA
    (an integer), the share of the ZIP's addresses and the city and state (indexes into ``places``)."""

    source_label: str = ""
    zips: array = field(default_factory=lambda: array("i"))
    starts: array = field(default_factory=lambda: array("i"))
    cbsas: array = field(default_factory=lambda: array("i"))
    shares: array = field(default_factory=lambda: array("d"))
    place_of_zip: array = field(default_factory=lambda: array("i"))
    # (city as USPS spells it, state USPS code), one entry per distinct pair
    places: list[tuple[str, str]] = field(default_factory=list)
    # normalised city -> its index into ``places``, or a tuple of them when several states have the city
    place_index: dict[str, int | tuple[int, ...]] = field(default_factory=dict)
    # Each place's ZIPs as indexes into ``zips``: place_zips[place_starts[p]:place_starts[p + 1]] for place p
    # (two arrays, not a dict of lists: about 0.3 MB instead of 2 MB for 29,000 places)
    place_starts: array = field(default_factory=lambda: array("i", [0]))
    place_zips: array = field(default_factory=lambda: array("i"))
    # index into ``places`` -> {cbsa: share of the city's addresses}, computed on first use
    _city_shares: dict[int, dict[int, float]] = field(default_factory=dict)

    @classmethod
    def build(cls, rows: Iterable[Sequence[Any]], *, source_label: str) -> Crosswalk:
        """From rows of (zip, cbsa, city, state, tot_ratio) sorted by zip."""
        cw = cls(source_label=source_label)
        last = -1
        seen: dict[tuple[str, str], int] = {}
        names: dict[str, str] = {}
        for zip_text, cbsa, city, state, share in rows:
            z = int(zip_text)
            place = seen.get((city, state))
            if place is None:
                place = seen[(city, state)] = len(cw.places)
                cw.places.append((city, state))
                name = names.get(city)
                if name is None:
                    name = names[city] = normalise(city)
                known = cw.place_index.get(name)
                cw.place_index[name] = place if known is None else (*_as_tuple(known), place)
            if z != last:
                cw.zips.append(z)
                cw.starts.append(len(cw.cbsas))
                cw.place_of_zip.append(place)
                last = z
            cw.cbsas.append(int(cbsa))
            cw.shares.append(float(share))
        cw.starts.append(len(cw.cbsas))
        cw._index_zips_by_place()
        return cw

    def _index_zips_by_place(self) -> None:
        """``place_starts`` and ``place_zips`` from ``place_of_zip`` (a counting sort, ZIP order kept)."""
        counts = [0] * (len(self.places) + 1)
        for place in self.place_of_zip:
            counts[place + 1] += 1
        starts = list(accumulate(counts))
        self.place_starts = array("i", starts)
        self.place_zips = array("i", bytes(4 * len(self.place_of_zip)))
        for i, place in enumerate(self.place_of_zip):
            self.place_zips[starts[place]] = i
            starts[place] += 1

    def places_named(self, city: str) -> tuple[int, ...]:
        """The places (city, state) whose city is ``city``, in any state."""
        found = self.place_index.get(normalise(city))
        return () if found is None else _as_tuple(found)

    def place_in(self, city: str, state: str) -> int | None:
        """The place of a city in one state, or None."""
        return next((p for p in self.places_named(city) if self.places[p][1] == state), None)

    def zip_count(self, place: int) -> int:
        """How many ZIPs a place (city, state) has."""
        return self.place_starts[place + 1] - self.place_starts[place]

    def city_shares(self, place: int) -> dict[int, float]:
        """{cbsa: share} of a city: each of its ZIPs counts once, spread over CBSAs by its tot_ratios."""
        shares = self._city_shares.get(place)
        if shares is None:
            weights: dict[int, float] = {}
            zip_indexes = self.place_zips[self.place_starts[place] : self.place_starts[place + 1]]
            for i in zip_indexes:
                for r in range(self.starts[i], self.starts[i + 1]):
                    weights[self.cbsas[r]] = weights.get(self.cbsas[r], 0.0) + self.shares[r]
            count = len(zip_indexes) or 1
            shares = self._city_shares[place] = {c: w / count for c, w in weights.items()}
        return shares

    def rows_of(self, zip_code: int) -> tuple[list[tuple[int, float]], int] | None:
        """[(cbsa, share)] of one ZIP and its place, or None when the crosswalk does not list it."""
        i = bisect_left(self.zips, zip_code)
        if i == len(self.zips) or self.zips[i] != zip_code:
            return None
        rows = [(self.cbsas[r], self.shares[r]) for r in range(self.starts[i], self.starts[i + 1])]
        return rows, self.place_of_zip[i]


# Other ways people name a state or territory.
STATE_ALIASES = {"d c": "DC", "usvi": "VI", "us virgin islands": "VI"}
# The abbreviations newspapers and job postings write after a city (AP style, 'Austin, Tex.'), normalised,
# with those spelled as a USPS code and a dot (Ga., Pa., Va. ...: 'Atlanta, Ga.' named no place). Before
# them, 'Colo.' was read as the town of Colo, Iowa.
STATE_ALIASES |= {
    **{"ga": "GA", "ky": "KY", "la": "LA", "md": "MD", "mo": "MO", "pa": "PA", "va": "VA", "vt": "VT"},
    **{"ala": "AL", "ariz": "AZ", "ark": "AR", "calif": "CA", "colo": "CO", "conn": "CT", "del": "DE"},
    **{"fla": "FL", "ill": "IL", "ind": "IN", "kan": "KS", "mass": "MA", "mich": "MI", "minn": "MN"},
    **{"miss": "MS", "mont": "MT", "neb": "NE", "nev": "NV", "n h": "NH", "n j": "NJ", "n m": "NM"},
    **{"n y": "NY", "n c": "NC", "n d": "ND", "okla": "OK", "ore": "OR", "penn": "PA", "penna": "PA"},
    **{"r i": "RI", "s c": "SC", "s d": "SD", "tenn": "TN", "tex": "TX", "wash": "WA", "w va": "WV"},
    **{"wis": "WI", "wisc": "WI", "wyo": "WY"},
}


# What people call a metro instead of its BLS title, by common usage (postings, news, the metros' own
# boosters), to its CBSA code; each key is compared normalised, in ``metro=`` (where only metros are meant:
# 'LA' is Los Angeles) and in ``location=``, where a state's code or name and a metro's title or city are
# tried first ('LA' alone stays Louisiana; 'LA, CA' and 'L.A.' are Los Angeles). A nickname that is also a
# USPS city's name (Nova, OH; Long Island, KS) or a metro's (Manhattan, KS) wins over it alone, and the city
# stays reachable as 'City, ST'. A nickname that covers several metros (the Research Triangle) is not here:
# it names no one metro.
METRO_NICKNAMES = {
    # New York-Newark-Jersey City, with the boroughs USPS names no city after. 'Manhattan' alone is New York's
    # as 'LA' is Louisiana's: far more postings mean it than Manhattan, KS, which 'Manhattan, KS' reaches.
    "35620": ("NYC", "New York City", "Long Island", "Manhattan", "Queens", "Staten Island"),
    "47900": ("NoVA", "Northern Virginia", "DMV", "DC metro", "DC area"),  # Washington-Arlington-Alexandria
    "41860": ("Bay Area", "SF Bay Area", "San Francisco Bay Area", "SF", "San Fran", "East Bay"),
    "41940": ("Silicon Valley",),  # San Jose-Sunnyvale-Santa Clara
    "19100": ("DFW", "Metroplex", "DFW Metroplex"),  # Dallas-Fort Worth-Arlington
    "31080": ("LA", "L.A."),  # Los Angeles-Long Beach-Anaheim
    "33460": ("Twin Cities", "MSP", "Mpls"),  # Minneapolis-St. Paul-Bloomington
    "37980": ("Philly",),
    "16980": ("Chicagoland",),
    "29820": ("Vegas",),
    "35380": ("NOLA",),  # New Orleans-Metairie
    "12060": ("ATL",),
    "41620": ("SLC",),
    "36420": ("OKC",),
    "28140": ("KC",),  # Kansas City, MO-KS
    "41180": ("STL",),
    "38060": ("PHX",),
    "40140": ("Inland Empire",),  # Riverside-San Bernardino-Ontario
    "33100": ("South Florida",),  # Miami-Fort Lauderdale-West Palm Beach
    "47260": ("Hampton Roads",),  # Virginia Beach-Chesapeake-Norfolk
}


class Gazetteer:
    """Every name, code and ZIP a location may be given as, indexed once per snapshot."""

    def __init__(self, areas: Iterable[AreaRow], crosswalk: Crosswalk | None = None) -> None:
        self.crosswalk = crosswalk or Crosswalk()
        self.national: AreaRow | None = None
        self.states: dict[str, AreaRow] = {}
        self.metros: dict[str, AreaRow] = {}
        self.state_names: dict[str, AreaRow] = {}
        self.metro_titles: dict[str, AreaRow] = {}
        # normalised name -> [(area, the name is the title's first city)]
        self.metro_names: dict[str, list[tuple[AreaRow, bool]]] = {}
        for area in areas:
            kind = area["area_type"]
            if kind == "national":
                self.national = area
            elif kind in STATE_TYPES:
                self.states[area["code"]] = area
                self.state_names[normalise(area["name"])] = area
            elif kind in METRO_TYPES:
                self.metros[area["code"]] = area
                self.metro_titles[normalise(area["name"])] = area
                for name, first in _metro_names(area["name"]):
                    self.metro_names.setdefault(name, []).append((area, first))
        for alias, code in STATE_ALIASES.items():
            if code in self.states:
                self.state_names.setdefault(alias, self.states[code])
        self.nicknames = {
            normalise(name): self.metros[code]
            for code, names in METRO_NICKNAMES.items()
            if code in self.metros
            for name in names
        }
        self._remembered = remembered(self._locate)
        # Every area's name as ``q=`` searches it, worked out once per snapshot.
        listed = (*self.states.values(), *self.metros.values())
        self._searchable = {a["name"]: _searched(a["name"]) for a in listed}
        # For "Did you mean ...?": every state's and metro's name, normalised.
        self._suggestions = {normalise(a["name"]): a for a in (*self.states.values(), *self.metros.values())}

    def words_for(self, area: AreaRow) -> list[str]:
        """What a person may type for an area, each leading back to it: a state's name, a metro's title and,
        when no other metro's title begins with it, its principal city (Houston). For suggestion lists."""
        if area["area_type"] in STATE_TYPES:
            return [area["name"]]
        words = [area["name"]]
        cities, _, _states = area["name"].rpartition(", ")
        if area["area_type"] == "metro" and cities:
            first = (cities.split("--") if "--" in cities else cities.split("-"))[0].split("/")[0]
            leading = {a["code"] for a, is_first in self.metro_names.get(normalise(first), []) if is_first}
            if leading == {area["code"]} and self.state_of(first) is None:
                words.append(first)
        return words

    def name_search(self, q: str) -> Callable[[str], bool]:
        """Whether an area's name answers ``q=``: it holds the words normalised ('St Louis' finds St. Louis,
        not Southwest Louisiana; 'Ft Worth' finds Fort Worth), or a word of it starts with them as typed
        ('Ste' finds Steubenville). Text with no letter or digit is looked for as typed."""
        spelled, plain = normalise(q), " " + " ".join(_plain_words(q))
        if not spelled:
            raw = q.casefold()
            return lambda name: raw in name.casefold()

        def holds(name: str) -> bool:
            """Whether this name answers the search."""
            known = self._searchable.get(name)
            name_spelled, name_plain = _searched(name) if known is None else known
            return spelled in name_spelled or plain in name_plain

        return holds

    # ------------------------------------------------------------------ the rule
    def locate(
        self, *, location: str | None = None, state: str | None = None, metro: str | None = None
    ) -> Located:
        """The one area of a request. ``location``, ``state`` and ``metro`` must agree, and the most specific
        is served: a metro lying (wholly or partly) in the given state is served as the metro; anything
        that disagrees is a 422 naming both. Answers are kept (a bounded memo): the same words cost a
        dictionary look-up the next time; refusals are worked out again."""
        return self._remembered(location, state, metro)

    def _locate(self, location: str | None, state: str | None, metro: str | None) -> Located:
        given: list[tuple[str, Located]] = []
        if location is not None:
            given.append(("location", self._location_beside(location, state)))
        if state is not None:
            given.append(("state", self.require_state(state)))
        if metro is not None:
            given.append(("metro", self.require_metro(metro)))
        if not given:
            return self._national(None)
        if len(given) == 1:
            return given[0][1]
        chosen_param, chosen = given[0]
        for param, other in given[1:]:
            winner = _agree(chosen, other)
            if winner is None:
                raise _conflict((chosen_param, chosen), (param, other))
            if winner is other:
                chosen_param, chosen = param, other
        said = "; ".join(f"{p}={_shown(str(loc.input))}" for p, loc in given)
        return Located(
            chosen.area, chosen.method, said, f"{said} agree. {chosen.explanation}", chosen.alternatives
        )

    def _location_beside(self, location: str, state: str | None) -> Located:
        """``location=``, read as 'location, ST' when alone it names no place, or one outside ``state=``
        ('Nova' with state=OH is Nova, OH, not Northern Virginia); else as it is alone."""
        try:
            alone: Located | None = self.locate_text(location)
        except AppError as exc:
            alone, refusal = None, exc
        stated = self.state_of(state) if state is not None else None
        if stated is None or (
            alone is not None and _agree(alone, self._stated(stated, state or "")) is not None
        ):
            if alone is None:
                raise refusal
            return alone
        try:
            beside = self.locate_text(f"{location}, {stated['code']}")
        except AppError:
            beside = None
        if beside is not None and _agree(beside, self._stated(stated, state or "")) is not None:
            return replace(beside, input=location)
        if alone is None:
            raise refusal
        return alone

    # ------------------------------------------------------------------ single parameters
    def state_of(self, text: str) -> AreaRow | None:
        """A state or territory by USPS code or name, any case; None when the text names none."""
        code = text.strip().upper()
        if code in self.states:
            return self.states[code]
        if not "".join(text.split()).isprintable():
            return None  # a control character is no punctuation: 'N\x00J' is not N.J.
        return self.state_names.get(normalise(text))

    def require_state(self, text: str, *, parameter: str = "state") -> Located:
        """``state=``: a USPS code or a state's name, any case; a 404 suggesting the nearest otherwise."""
        area = self.state_of(text)
        if area is None:
            raise NotFound(
                f"{parameter}={_shown(text)} names no state or territory we know.{self._did_you_mean(text)} "
                "Use a USPS code such as TX or a name such as Texas (see /states).",
                details=[{"parameter": parameter, "value": _shown(text), "see": "/states"}],
            )
        return self._stated(area, text)

    def _stated(self, area: AreaRow, text: str) -> Located:
        return Located(
            area, Method.state, text, f"{_shown(text)}: {area['name']} ({area['code']}), statewide figures."
        )

    def require_metro(self, text: str, *, parameter: str = "metro") -> Located:
        """``metro=``: a CBSA code, a BLS nonmetropolitan area code, a metro's name when it is unique, or its
        common name (where only metros are meant, `LA` is Los Angeles)."""
        stripped = " ".join(text.split())
        worded = _CBSA_WORDS.match(stripped)
        code = worded.group(1) if worded else stripped
        area = self.metros.get(code)
        if area is not None:
            return self._coded(area, text)
        if code.isdigit():
            raise NotFound(
                f"{parameter}={_shown(text)} is not the code of a metropolitan or nonmetropolitan area in "
                "the data. Find an area's code with /metros?q=<its name>.",
                details=[{"parameter": parameter, "value": _shown(text), "see": "/metros"}],
            )
        located = self._by_metro_title_or_name(
            stripped, normalise(stripped), text, parameter=parameter, cities=False
        )
        if located is None:
            nicknamed = self.nicknames.get(normalise(stripped))  # only metros here: 'LA' is Los Angeles
            if nicknamed is not None:
                return self._nicknamed(nicknamed, text)
            raise NotFound(
                f"{parameter}={_shown(text)} names no metropolitan or nonmetropolitan area we know."
                f"{self._did_you_mean(text)} Search by name with /metros?q={_query_word(text)}.",
                details=[{"parameter": parameter, "value": _shown(text), "see": "/metros"}],
            )
        return located

    # ------------------------------------------------------------------ free text
    def locate_text(self, text: str, *, parameter: str = "location") -> Located:
        """``location=`` as people write it."""
        stripped = " ".join(text.split())
        norm = normalise(stripped)
        if not norm:
            raise NotFound(
                f"{parameter}={_shown(text)} names no place. Give a ZIP, 'City, ST', a state, a metro's name "
                "or code, or US.",
                details=[{"parameter": parameter, "value": _shown(text)}],
            )
        if norm in NATIONAL_WORDS:
            return self._national(text, remote=norm == "remote")
        zip_match = _ZIP.match(stripped)
        if zip_match:
            return self._zip(zip_match.group(1), text, parameter=parameter)
        if _NONMETRO.match(stripped) or _CBSA_WORDS.match(stripped):
            return self.require_metro(stripped, parameter=parameter)
        state = self.state_of(stripped)
        if state is not None:
            return self._stated(state, text)
        city_state = _split_city_state(stripped, self)
        if city_state is not None and not _ZIP.match(city_state[0]):  # '07030, NJ' is a ZIP beside its state
            city, state = city_state
            try:
                return self._city(city, state, text, parameter=parameter)
            except NotFound as refusal:
                # 'Remote in Denver, CO', 'Greater Denver, CO': the city as a posting words it.
                undecorated = _undecorated(stripped)
                if undecorated == stripped or not undecorated:
                    raise
                try:
                    read = self.locate_text(undecorated, parameter=parameter)
                except NotFound:
                    raise refusal from None  # the refusal names the whole text, as typed
                return replace(read, input=text, explanation=f"{_shown(text)}: read as {read.explanation}")
        nicknamed = self.nicknames.get(norm)
        if nicknamed is not None:
            return self._nicknamed(nicknamed, text)
        located = self._by_metro_title_or_name(stripped, norm, text, parameter=parameter, cities=True)
        if located is None:
            located = self._posted_place(stripped, norm, text, parameter=parameter)
        if located is None:
            raise NotFound(
                f"{parameter}={_shown(text)} names no place we know.{self._did_you_mean(stripped)} Give a "
                "ZIP, 'City, ST' (e.g. Houston, TX), a state, or a metro's name or code (see /metros?q=).",
                details=[{"parameter": parameter, "value": _shown(text), "see": "/metros"}],
            )
        return located

    def _posted_place(self, stripped: str, norm: str, text: str, *, parameter: str) -> Located | None:
        """A place as a job posting decorates it, read when the text as a whole names none: no one place
        ('Remote - US'), a ZIP beside the city ('Hoboken, NJ 07030': the ZIP, the most precise), or a
        country or work mode after it ('Houston, TX, USA', 'Houston, TX (Hybrid)')."""
        words = norm.split()
        if all(w in REMOTE_WORDS or w in _NATIONAL_FILLER for w in words):
            return self._national(text, remote=any(w in REMOTE_WORDS for w in words))
        zips = _ZIP_WORD.findall(stripped)
        if len(zips) == 1:
            self._check_zip_state(zips[0], stripped, text, parameter=parameter)
            return self._zip(zips[0], text, parameter=parameter)
        undecorated = _undecorated(stripped)
        if undecorated and undecorated != stripped:
            try:
                located = self.locate_text(undecorated, parameter=parameter)
            except NotFound:
                return None  # the refusal names the whole text, as typed
            return replace(located, input=text, explanation=f"{_shown(text)}: read as {located.explanation}")
        return None

    def _check_zip_state(self, digits: str, stripped: str, text: str, *, parameter: str) -> None:
        """A state written as one beside a ZIP, after a comma ('Seattle, WA 07030', '07030, WA'), must be the
        ZIP's: if not, a 422 naming both (which one is wrong is not ours to guess). The ZIP's own city
        ('Washington 20001'), a nickname of the metro the ZIP lies in ('Hollywood, LA 90028': Los Angeles)
        and words without a comma ('LA 90012', 'in 07030') are not checked: the ZIP is read."""
        found = self.crosswalk.rows_of(int(digits))
        if found is None:
            return
        zip_city, zip_state = self.crosswalk.places[found[1]]
        beside = " ".join(_DECORATION.sub("", _ZIP_WORD.sub(" ", stripped)).split()).strip(" ,")
        if normalise(beside) == normalise(zip_city):
            return
        before, _, after = stripped.partition(digits)
        if "," in beside:
            city_state = _split_city_state(beside, self)
            typed, written = (city_state[1], beside.rpartition(",")[2]) if city_state else (None, "")
        elif before.rstrip().endswith(",") or after.lstrip().startswith(","):
            typed, written = self.state_of(beside), beside
        else:
            return
        if typed is None or typed["code"] == zip_state:
            return
        nicknamed = self.nicknames.get(normalise(written))
        if nicknamed is not None and nicknamed is self._zip(digits, text, parameter=parameter).area:
            return
        instead = [digits]
        try:
            if _agree(self.locate_text(beside, parameter=parameter), self._stated(typed, beside)) is not None:
                instead.append(beside)
        except AppError:
            pass  # suggest only what would be served as typed
        said = " or ".join(f"{parameter}={_shown(v)}" for v in instead)
        raise InvalidInput(
            f"{parameter}={_shown(text)}: ZIP {digits} is in {zip_city.title()}, {zip_state}, but the state "
            f"typed beside it is {typed['name']} ({typed['code']}); they disagree. Send {said}.",
            details=[
                {
                    "parameter": parameter,
                    "value": _shown(text),
                    "problem": f"ZIP {digits} is in {zip_state}, not {typed['code']}",
                    "allowed": [_shown(v) for v in instead],
                }
            ],
        )

    def _national(self, text: str | None, *, remote: bool = False) -> Located:
        assert self.national is not None, "the national area is seeded with the reference areas"
        if text is None:
            why = "No location given: national figures."
        elif remote:
            why = f"{_shown(text)}: a remote job is tied to no one place, so national figures are used."
        else:
            why = f"{_shown(text)}: national figures."
        return Located(self.national, Method.national, text, why)

    def _nicknamed(self, area: AreaRow, text: str) -> Located:
        """A metro by its common name, the explanation saying so."""
        return Located(
            area,
            Method.name,
            text,
            f"{_shown(text)}: read as a common name for the {area['name']} metropolitan area "
            f"(CBSA {area['code']}).",
        )

    def _coded(self, area: AreaRow, text: str) -> Located:
        method = Method.nonmetro if area["area_type"] == "nonmetro" else Method.metro
        kind = "BLS nonmetropolitan area" if method is Method.nonmetro else "CBSA"
        return Located(area, method, text, f"{_shown(text)}: {kind} {area['code']}, {area['name']}.")

    def _zip(self, digits: str, text: str, *, parameter: str) -> Located:
        found = self.crosswalk.rows_of(int(digits))
        coded = self.metros.get(digits)
        if found is None:
            if coded is not None:
                return self._coded(coded, text)
            raise NotFound(
                f"{parameter}={_shown(text)}: ZIP {digits} is not in the {self.crosswalk.source_label}, and "
                "no metropolitan area has that CBSA code. Check the ZIP, or give 'City, ST'.",
                details=[{"parameter": parameter, "value": _shown(text)}],
            )
        rows, place = found
        city, state_code = self.crosswalk.places[place]
        also = (
            f" {digits} is also the CBSA code of {coded['name']}: send metro={digits} for it."
            if coded
            else ""
        )
        return self._by_shares(
            {cbsa: share for cbsa, share in rows},
            state_code,
            text,
            subject=f"ZIP {digits} ({city.title()}, {state_code})",
            whose="its addresses",
            method=Method.zip,
            parameter=parameter,
            coda=also,
        )

    def _city(self, city: str, state: AreaRow, text: str, *, parameter: str) -> Located:
        cw = self.crosswalk
        place = cw.place_in(city, state["code"])
        if place is None:
            # Not a USPS city name: perhaps a city in one of the state's metro titles ("The Woodlands, TX").
            named = self._metro_name_in_state(city, state, text)
            if named is not None:
                return named
            nicknamed = self.nicknames.get(normalise(city))
            if nicknamed is not None and state["code"] in nicknamed["principal_states"]:
                return self._nicknamed(nicknamed, text)
            spelled = {normalise(c): c for (c, st) in cw.places if st == state["code"]}
            nearby = _close(normalise(city), list(spelled))
            hint = f" Did you mean {spelled[nearby].title()}, {state['code']}?" if nearby else ""
            raise NotFound(
                f"{parameter}={_shown(text)}: no city named {_shown(city)} in {state['name']} in the "
                f"{cw.source_label}.{hint} Give a ZIP, or the state alone.",
                details=[{"parameter": parameter, "value": _shown(text)}],
            )
        zips = cw.zip_count(place)
        count = f"{zips} ZIP{'s' if zips != 1 else ''}"
        return self._by_shares(
            cw.city_shares(place),
            state["code"],
            text,
            subject=f"{cw.places[place][0].title()}, {state['code']}",
            whose=f"the addresses of its {count}",
            method=Method.city,
            parameter=parameter,
        )

    def _by_shares(
        self,
        shares: dict[int, float],
        state_code: str,
        text: str,
        *,
        subject: str,
        whose: str,
        method: Method,
        parameter: str,
        coda: str = "",
    ) -> Located:
        """The OEWS metro with the largest share, or the state when the largest share lies outside every
        OEWS metro; the other metros (and the state, for the part outside them) as alternatives."""
        source = f"({self.crosswalk.source_label})"
        metros = sorted(
            ((self.metros[f"{c:05d}"], s) for c, s in shares.items() if f"{c:05d}" in self.metros),
            key=lambda m: (-m[1], m[0]["code"]),
        )
        outside = [s for c, s in shares.items() if f"{c:05d}" not in self.metros]
        state = self.states.get(state_code)
        if metros and metros[0][1] >= max(outside, default=0.0):
            area, share = metros[0]
            alternatives = [Alternative(a, s) for a, s in metros[1:]]
            if outside and state is not None:
                alternatives.append(Alternative(state, sum(outside)))
            rest = (
                " The other areas it touches are listed as alternatives, with their shares."
                if alternatives
                else ""
            )
            explanation = (
                f"{subject}: {_pct(share)} of {whose} lie in CBSA {area['code']}, {area['name']} {source}."
                f"{rest}{coda}"
            )
            return Located(area, method, text, explanation, tuple(alternatives))
        if state is None:
            raise NotFound(
                f"{parameter}={_shown(text)}: {subject} lies outside every OEWS metropolitan area, in "
                f"{state_code}, which has no figures here.",
                details=[{"parameter": parameter, "value": _shown(text)}],
            )
        smaller = (
            f" {_pct(metros[0][1])} lie in {metros[0][0]['name']}, listed as an alternative."
            if metros
            else ""
        )
        explanation = (
            f"{subject}: the largest share of {whose} ({_pct(max(outside))}) lies outside every OEWS "
            f"metropolitan area, so {state['name']}'s statewide figures are used {source}.{smaller}{coda}"
        )
        return Located(
            state, Method.state_fallback, text, explanation, tuple(Alternative(a, s) for a, s in metros)
        )

    def _metro_name_in_state(self, city: str, state: AreaRow, text: str) -> Located | None:
        matches = {
            a["code"]: a
            for a, _ in self.metro_names.get(normalise(city), [])
            if state["code"] in a["principal_states"]
        }
        if len(matches) != 1:
            return None
        area = next(iter(matches.values()))
        return Located(
            area, Method.name, text, f"{_shown(text)}: named in the title of {area['name']} ({area['code']})."
        )

    def _by_metro_title_or_name(
        self, stripped: str, norm: str, text: str, *, parameter: str, cities: bool
    ) -> Located | None:
        """A metro by its whole title (``norm``: the text normalised), else by one of its title's cities."""
        area = self.metro_titles.get(norm)
        if area is not None:
            return self._coded(area, text)
        return self._by_metro_name(stripped, text, parameter=parameter, cities=cities)

    def _by_metro_name(self, stripped: str, text: str, *, parameter: str, cities: bool) -> Located | None:
        """A metro by one of its title's cities. The only metro whose title begins with the name is served
        (Houston); several such metros are a 422 listing them (Springfield). Otherwise, with ``cities``,
        every state's city of that name counts too: served when all lead to one area, else a 422."""
        found: dict[str, tuple[AreaRow, bool]] = {}
        for area, first in self.metro_names.get(normalise(stripped), []):
            if area["code"] not in found or first:
                found[area["code"]] = (area, first)
        leading = [a for a, first in found.values() if first]
        if len(leading) == 1:
            area = leading[0]
            return Located(
                area,
                Method.name,
                text,
                f"{_shown(text)}: the one metropolitan area whose title begins with that name is "
                f"{area['name']} ({area['code']}).",
            )
        # A candidate's value is what to send instead: in free text a bare five-digit code reads as a ZIP.
        as_code = "{}" if parameter == "metro" else "CBSA {}"
        candidates = [
            _Candidate(a, f"{a['name']} ({a['code']})", as_code.format(a["code"]))
            for a, first in sorted(found.values(), key=lambda m: (not m[1], m[0]["name"]))
        ]
        if leading:
            raise _ambiguous(parameter, text, candidates, "metropolitan areas")
        by_city: list[tuple[Located, int]] = []
        if cities:
            cw = self.crosswalk
            for place in cw.places_named(stripped):
                city, st = cw.places[place]
                if st in self.states:
                    located = self._city(city, self.states[st], f"{city.title()}, {st}", parameter=parameter)
                    by_city.append((located, cw.zip_count(place)))
        # A city's own name says more than a metro title that merely holds it (Pasadena, TX over Houston-...).
        reached = {loc.area["code"] for loc, _ in by_city}
        candidates = [c for c in candidates if c.area["code"] not in reached]
        areas = {c.area["code"] for c in candidates} | reached
        if not areas:
            return None
        if len(areas) == 1:
            if by_city:
                located = by_city[0][0]
                return Located(
                    located.area,
                    located.method,
                    text,
                    f"{_shown(text)}: the one city of that name is {located.input}. {located.explanation}",
                    located.alternatives,
                )
            area = candidates[0].area
            return Located(
                area,
                Method.name,
                text,
                f"{_shown(text)}: named in the title of {area['name']} ({area['code']}).",
            )
        for located, _zips in sorted(by_city, key=lambda c: -c[1]):
            candidates.append(
                _Candidate(located.area, f"{located.input} ({located.area['name']})", str(located.input))
            )
        raise _ambiguous(parameter, text, candidates, "places")

    def _did_you_mean(self, text: str) -> str:
        best = _close(normalise(text), list(self._suggestions))
        if best is None:
            return ""
        area = self._suggestions[best]
        return f" Did you mean {area['name']} ({area['code']})?"


def _agree(a: Located, b: Located) -> Located | None:
    """The more specific of two locations that agree, or None when they disagree."""
    if a.key == b.key:
        return a
    for wide, narrow in ((a, b), (b, a)):
        is_state = wide.area["area_type"] in STATE_TYPES and narrow.area["area_type"] in METRO_TYPES
        if is_state and wide.area["code"] in narrow.area["principal_states"]:
            return narrow
    return None


def _conflict(first: tuple[str, Located], second: tuple[str, Located]) -> InvalidInput:
    (p1, l1), (p2, l2) = first, second

    def said(p: str, loc: Located) -> str:
        where = loc.area["name"]
        if loc.area["area_type"] in METRO_TYPES:
            states = ", ".join(loc.area["principal_states"]) or "no state"
            where = f"{where} ({loc.area['code']}, in {states})"
        return f"{p}={_shown(str(loc.input))} means {where}"

    return InvalidInput(
        f"{said(p1, l1)}, but {said(p2, l2)}; they disagree. Give one of them, or a metro that lies in the "
        "state.",
        details=[
            {"parameter": p1, "value": _shown(str(l1.input)), "area": l1.area["code"]},
            {"parameter": p2, "value": _shown(str(l2.input)), "area": l2.area["code"]},
        ],
    )


def _ambiguous(parameter: str, text: str, candidates: list[_Candidate], kinds: str) -> Ambiguous:
    shown = candidates[:MAX_CANDIDATES]
    listed = "; ".join(c.label for c in shown)
    return Ambiguous(
        f"{parameter}={_shown(text)} could mean several {kinds}: {listed}. Say which, e.g. "
        f"{parameter}={shown[0].value}.",
        details=[{"parameter": parameter, "value": _shown(text)}],
        candidates=[{"value": c.value, "label": c.label, **area_ref(c.area)} for c in shown],
    )


def _undecorated(text: str) -> str:
    """``text`` without what a posting writes around a place (_DECORATION, _AREA_WORDS), as often as they
    are nested ('Greater Houston area (Hybrid)'); each pass removes something, so it ends."""
    while True:
        undone = _DECORATION.sub("", text)
        for words in _AREA_WORDS:
            undone = words.sub("", undone).strip()
        if undone == text:
            return text
        text = undone


def _metro_names(title: str) -> list[tuple[str, bool]]:
    """The names a metro answers to: its title, its cities (the first is its principal city) and its first
    cities together, and a nonmetropolitan area's title without the suffix."""
    names = [(normalise(title), True)]
    if title.endswith(_NONMETRO_SUFFIX):
        names.append((normalise(title.removesuffix(_NONMETRO_SUFFIX)), True))
        return names
    cities, _, _states = title.rpartition(", ")
    if not cities:
        return names
    names.append((normalise(cities), True))
    # "Nashville-Davidson--Murfreesboro--Franklin": a double hyphen separates cities whose names hold one.
    parts = cities.split("--") if "--" in cities else cities.split("-")
    for n, part in enumerate(parts):
        for piece in part.split("/"):
            names.append((normalise(piece), n == 0))
        # Its first cities, as people shorten a title: 'Dallas-Fort Worth' for Dallas-Fort Worth-Arlington.
        if n:
            names.append((normalise(" ".join(parts[: n + 1])), True))
    return [(name, first) for name, first in dict.fromkeys(names) if name]


def _split_city_state(text: str, gazetteer: Gazetteer) -> tuple[str, AreaRow] | None:
    """('Houston', Texas) from 'Houston, TX', 'Houston, Texas', 'Houston TX' or 'Washington D.C.'; None
    otherwise."""
    if "," in text:
        city, _, rest = text.rpartition(",")
        state = gazetteer.state_of(rest)
        if city.strip() and state is not None:
            return city.strip(), state
        return None
    words = text.split()
    if len(words) >= 2:
        dotted = _DOTTED_CODE.match(words[-1])  # 'Washington D.C.': a code spelled with dots is still a code
        last = "".join(dotted.groups()) if dotted else words[-1]
        state = gazetteer.states.get(last.upper()) if len(last) == 2 else None
        if state is not None:
            return " ".join(words[:-1]), state
    return None


def _as_tuple(found: int | tuple[int, ...]) -> tuple[int, ...]:
    return found if isinstance(found, tuple) else (found,)


def _close(word: str, choices: list[str]) -> str | None:
    """The place name spelled nearest ``word``: held closer than other words' suggestions, since thousands of
    places lie within a loose ratio of any typo."""
    return nearest_spelling(word, choices, cutoff=0.8)


def _shown(text: str, limit: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit] + "..."


def _query_word(text: str) -> str:
    words = _WORD.findall(normalise(text))
    return words[0] if words else "name"


LOCATION = (
    "Where, as people write it: a ZIP or ZIP+4, 'City, ST', a state's USPS code or name, a metro's name "
    "(Dallas-Fort Worth), common name (NYC, Bay Area) or CBSA code, a BLS nonmetropolitan area code, or US / "
    "national / remote. The answer's `location` block says how it was understood"
)
STATE = "A state or territory: USPS code or name, in any case (NJ, Texas)"
METRO = (
    "A metropolitan or nonmetropolitan area: CBSA code, BLS nonmetropolitan area code, a metro's name when "
    "it is unique, or its common name (35620, Houston, NYC); see /metros"
)


# The three location parameters, defined once: every endpoint that takes a place takes these fields.
LOCATION_FIELD = Field(
    default=None, max_length=MAX_LOCATION_LENGTH, description=LOCATION, examples=["Houston, TX"]
)
STATE_FIELD = Field(default=None, max_length=MAX_LOCATION_LENGTH, description=STATE, examples=["NJ"])
METRO_FIELD = Field(default=None, max_length=MAX_LOCATION_LENGTH, description=METRO, examples=["35620"])


class LocationFields(BaseModel):
    """Where: location, state and metro, as every endpoint that takes a place takes them."""

    location: str | None = LOCATION_FIELD
    state: str | None = STATE_FIELD
    metro: str | None = METRO_FIELD
