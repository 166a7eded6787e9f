"""Which occupation a request means: a SOC code in any common form (29-2072, 292072, O*NET-SOC 29-2072.00),
a SOC 2010 code through BLS's 2010-to-2018 crosswalk, or a job title, through one matcher that
``/occupations?q=`` uses too (titles, our aliases and O*NET's reported titles)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from app.domain.places import REMOTE_WORDS
from app.domain.records import OccupationRow
from app.domain.remembering import remembered
from app.errors import Ambiguous, NotFound, nearest_spelling

MAX_OCCUPATION_LENGTH = 120
OCCUPATION = (
    "The occupation: a SOC code (29-2072 or 292072), an O*NET-SOC code (29-2072.00), a SOC 2010 code, or a "
    "job title (medical coder); see /occupations"
)
_WORD = re.compile(r"[a-z0-9]+")
_MARKER = re.compile(r"\s*\(#+\)$")
_CODE = re.compile(r"^(\d{2})-?(\d{4})(?:\.(\d{2}))?$")
# What a job posting's heading puts around a title, naming no occupation: a level or seniority, how or where
# the work is done, its terms. Set aside (with anything in brackets or after " - ") only when the whole
# heading matches no title; the answer says so.
_POSTING_WORDS = (
    REMOTE_WORDS
    | {"i", "ii", "iii", "iv", "v", "1", "2", "3", "4", "level", "sr", "senior", "jr", "junior", "lead"}
    | {"trainee", "hybrid", "onsite", "on", "site", "from", "work", "contract", "temporary", "temp", "part"}
    | {"full", "time", "prn", "per", "diem", "required", "preferred", "needed", "wanted", "hiring", "urgent"}
    | {"fully", "us", "usa", "nationwide"}
)
_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_TAIL = re.compile(r"\s[-\u2013\u2014|:]\s.*$")
# Relevance of a title match, best first: the whole title, every word starting a word, every word inside.
EXACT, WORDS, SUBSTRING = 0, 1, 2
MAX_CANDIDATES = 10
NAME_KINDS = ("the title", "the alias", "O*NET's reported title")


@dataclass(frozen=True, slots=True)
class OccupationMatch:
    """A resolved occupation and how the input led to it."""

    occupation: OccupationRow
    input: str | None
    # How it was understood, in words; None when the default applied or the SOC code was given as it is.
    matched: str | None

    @property
    def id(self) -> int:
        return self.occupation["id"]

    @property
    def soc_code(self) -> str:
        return self.occupation["soc_code"]


@dataclass(frozen=True, slots=True)
class TitleMatch:
    occupation: OccupationRow
    rank: int
    matched: str
    # Among equally good matches, an occupation's own title before our aliases before O*NET's titles.
    kind: int = 0


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _posting_title(text: str) -> str | None:
    """The title inside a job posting's heading ('Medical Coder II - Remote' -> 'medical coder'), plurals
    made singular; None when nothing is left or nothing was set aside."""
    heading = _TAIL.sub("", _BRACKETED.sub(" ", text))
    words = [w for w in _words(heading) if w not in _POSTING_WORDS]
    words = [w[:-1] if len(w) > 4 and w.endswith("s") and not w.endswith("ss") else w for w in words]
    title = " ".join(words)
    return title if title and words != _words(text) else None


def _rank(words: list[str], name: str) -> int | None:
    lowered = name.lower()
    name_words = _WORD.findall(lowered)
    if name_words == words:
        return EXACT
    if all(any(w.startswith(q) for w in name_words) for q in words):
        return WORDS
    if all(q in lowered for q in words):
        return SUBSTRING
    return None


class OccupationCatalog:
    """The occupations held, their titles, and the SOC 2010 codes that lead to them."""

    def __init__(
        self,
        occupations: Iterable[OccupationRow],
        *,
        reported_titles: Iterable[tuple[int, str, str]] = (),
        soc_2010: Iterable[Sequence[str]] = (),
        default_code: str,
    ) -> None:
        self.by_code = {o["soc_code"]: o for o in occupations}
        self.default_code = default_code
        by_id = {o["id"]: o for o in self.by_code.values()}
        # (occupation, kind, title) for every name an occupation answers to
        self.names: list[tuple[OccupationRow, int, str]] = []
        for o in self.by_code.values():
            self.names.append((o, 0, o["title"]))
            self.names.extend((o, 1, a) for a in o["aliases"])
        self.reported: dict[int, list[str]] = {}
        for occupation_id, _onet_code, title in reported_titles:
            if occupation_id in by_id:
                self.names.append((by_id[occupation_id], 2, title))
                self.reported.setdefault(occupation_id, []).append(title)
        # SOC 2010 code -> [(its 2010 title, SOC 2018 code, 2018 title)]
        self.successors: dict[str, list[tuple[str, str, str]]] = {}
        for old, old_title, new, new_title in soc_2010:
            # BLS marks split or merged codes with '(#)' or '(##)' after the title: not part of the title.
            self.successors.setdefault(old, []).append((old_title, new, _MARKER.sub("", new_title)))
        self._remembered = remembered(self._resolve)
        # The names a refusal may suggest (titles and our aliases: O*NET's reported titles are too many to
        # compare against on every refusal).
        self._suggestable = sorted({" ".join(_words(name)) for _o, kind, name in self.names if kind < 2})

    def search(self, q: str) -> list[TitleMatch]:
        """Every occupation matching ``q`` (a title's words or a code's digits), best match first."""
        words = _words(q)
        digits = re.sub(r"\D", "", q)
        best: dict[str, TitleMatch] = {}

        def keep(match: TitleMatch) -> None:
            known = best.get(match.occupation["soc_code"])
            if known is None or (match.rank, match.kind) < (known.rank, known.kind):
                best[match.occupation["soc_code"]] = match

        if len(digits) >= 2:
            for code, o in self.by_code.items():
                if code.replace("-", "").startswith(digits[:6]):
                    keep(TitleMatch(o, EXACT if len(digits) >= 6 else WORDS, f"its SOC code {code}"))
        if words:
            for o, kind, name in self.names:
                rank = _rank(words, name)
                if rank is not None:
                    keep(TitleMatch(o, rank, f"{NAME_KINDS[kind]} '{name}'", kind))
        return sorted(best.values(), key=lambda m: (m.rank, m.kind, m.occupation["soc_code"]))

    def resolve(self, text: str | None, *, parameter: str = "occupation") -> OccupationMatch:
        """The one occupation ``text`` means: a 404 when it names none we hold, a 422 listing the candidates
        when it could mean several (a SOC 2010 code that split, or a title of several occupations). Answers
        are kept (a bounded memo: the catalog does not change); refusals are worked out again."""
        if text is not None and len(text) > MAX_OCCUPATION_LENGTH:
            return self._resolve(text, parameter)  # longer than any route accepts: not worth a place
        return self._remembered(text, parameter)

    def _resolve(self, text: str | None, parameter: str) -> OccupationMatch:
        if text is None:
            return OccupationMatch(self.by_code[self.default_code], None, None)
        stripped = " ".join(text.split())
        code = _CODE.match(stripped)
        if code is not None:
            return self._by_code(f"{code.group(1)}-{code.group(2)}", code.group(3), text, parameter)
        found = self.search(stripped) if _words(stripped) else []
        title = None if found else _posting_title(stripped)
        if title is not None:
            found = self.search(title)
        if not found:
            nearest = nearest_spelling(title or " ".join(_words(stripped)), self._suggestable)
            hint = f" Did you mean {parameter}={nearest}?" if nearest else ""
            raise NotFound(
                f"{parameter}={_shown(text)} matches no occupation we hold.{hint} Search titles with "
                f"/occupations?q=, or give a SOC code such as {self.default_code}.",
                details=[{"parameter": parameter, "value": _shown(text), "see": "/occupations"}],
            )
        top = [m for m in found if m.rank == found[0].rank]
        if len(top) > 1:
            raise Ambiguous(
                f"{parameter}={_shown(text)} could mean several occupations: "
                + "; ".join(
                    f"{m.occupation['soc_code']} {m.occupation['title']} (by {m.matched})" for m in top
                )
                + f". Give the SOC code, e.g. {parameter}={top[0].occupation['soc_code']}.",
                details=[{"parameter": parameter, "value": _shown(text)}],
                candidates=[_candidate(m.occupation, m.matched) for m in found[:MAX_CANDIDATES]],
            )
        match = found[0]
        read_as = "" if title is None else f" (read as the title '{title}', the posting's other words aside)"
        matched = f"{_shown(text)}: {match.occupation['title']}, by {match.matched}{read_as}."
        return OccupationMatch(match.occupation, text, matched)

    def _by_code(self, soc: str, detail: str | None, text: str, parameter: str) -> OccupationMatch:
        held = self.by_code.get(soc)
        if held is not None:
            if detail is not None:
                return OccupationMatch(held, text, f"O*NET-SOC code {soc}.{detail} is SOC {soc}.")
            as_given = " ".join(text.split())
            return OccupationMatch(held, text, None if as_given == soc else f"{as_given}: read as SOC {soc}.")
        successors = self.successors.get(soc, [])
        if len(successors) > 1:
            old_title = successors[0][0]
            listed = ", ".join(f"{new} {new_title}" for _, new, new_title in successors)
            raise Ambiguous(
                f"{parameter}={_shown(text)}: SOC 2010 code {soc} ({old_title}) was split in SOC 2018 into "
                f"{listed}. Give the one you mean (BLS SOC 2010 to 2018 crosswalk).",
                details=[{"parameter": parameter, "value": _shown(text), "soc_2010": soc}],
                candidates=[
                    _candidate(
                        self.by_code.get(new) or {"soc_code": new, "title": new_title}, f"SOC 2010 code {soc}"
                    )
                    for _, new, new_title in successors
                ],
            )
        if len(successors) == 1 and successors[0][1] != soc:
            old_title, new, new_title = successors[0]
            if new in self.by_code:
                return OccupationMatch(
                    self.by_code[new],
                    text,
                    f"SOC 2010 code {soc} ({old_title}) is SOC 2018 code {new} ({new_title}) in BLS's SOC "
                    "2010 to 2018 crosswalk.",
                )
            raise NotFound(
                f"{parameter}={_shown(text)}: SOC 2010 code {soc} is SOC 2018 code {new} ({new_title}), "
                "which has no figures here. Occupations with figures: /occupations.",
                details=[{"parameter": parameter, "value": _shown(text), "see": "/occupations"}],
            )
        known = sorted(self.by_code)
        raise NotFound(
            f"No data for occupation {_shown(text)}. Occupations with data: {', '.join(known[:20])}"
            f"{', ...' if len(known) > 20 else ''} (see /occupations).",
            details=[{"parameter": parameter, "value": _shown(text), "see": "/occupations"}],
        )


def _candidate(occupation: Mapping[str, object], matched: str) -> dict[str, object]:
    return {
        "value": occupation["soc_code"],
        "label": f"{occupation['soc_code']} {occupation['title']} (by {matched})",
        "area_type": None,
        "code": occupation["soc_code"],
        "name": occupation["title"],
    }


def _shown(text: str, limit: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit] + "..."
