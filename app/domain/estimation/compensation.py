"""From hourly to a year's pay: annual ranges at the hours given, and total compensation (the additional pay a
source states and the employer's retirement match)."""

import functools
from decimal import Decimal

from app.domain.estimation.answer import Amounts, AnnualRange, Component, HourlyRange, TotalCompensation
from app.domain.estimation.inputs import Sources
from app.domain.estimation.money import Cents, percent_of, to_cents


def amounts(cents: Cents) -> Amounts:
    """Low / mid / high cents in dollars."""
    return {"low": cents[0] / 100, "mid": cents[1] / 100, "high": cents[2] / 100}


def hourly_range(cents: Cents, open_top: bool) -> HourlyRange:
    """The hourly block of a range."""
    return {"low": cents[0] / 100, "mid": cents[1] / 100, "high": cents[2] / 100, "open_top": open_top}


def per_year(cents: Cents, hours: int) -> Cents:
    """Hourly cents x hours: annual cents, exactly."""
    return cents[0] * hours, cents[1] * hours, cents[2] * hours


def annual_range(annual: Cents, open_top: bool, published: bool) -> AnnualRange:
    """The annual block of a range; ``published`` when the figures are BLS's own."""
    return {
        "low": annual[0] / 100,
        "mid": annual[1] / 100,
        "high": annual[2] / 100,
        "open_top": open_top,
        "published": published,
    }


def annual_at(cents: Cents, hours: int, open_top: bool) -> AnnualRange:
    """The annual block of an hourly range at ``hours`` a year: ``annual_range(per_year(cents, hours), ...)``
    in one call (the progression makes one per band on every request), never BLS's published figures."""
    return {
        "low": cents[0] * hours / 100,
        "mid": cents[1] * hours / 100,
        "high": cents[2] * hours / 100,
        "open_top": open_top,
        "published": False,
    }


def additional_pay(sources: Sources) -> tuple[Component, int] | None:
    """The flat additional-pay component and its amount in cents, or None without a figure."""
    add, cited = sources.additional_pay, sources.additional_pay_cited
    if add is None or cited is None:
        return None
    amount = to_cents(add)
    component: Component = {
        "component": "additional_pay",
        "label": "National average additional pay (cash bonuses, profit sharing) from Glassdoor; a "
        "national average for all medical coders, not scaled to this profile.",
        "low": amount / 100,
        "mid": amount / 100,
        "high": amount / 100,
        "source": cited.source,
        "release": cited.release,
        "citation": cited.citation,
    }
    return component, amount


@functools.lru_cache(maxsize=1024)
def _match_terms(written: str) -> tuple[tuple[int, int], str]:
    """The match as an exact ratio and its label, from the percent as written (``repr``: 4.5, not its binary
    float; -0.0 apart from 0.0, which a float key would not keep)."""
    pct = Decimal(written)
    label = (
        f"Employer retirement match of {float(pct):g}% of base salary, assuming you contribute enough to "
        "receive the full match."
    )
    return pct.as_integer_ratio(), label


def _retirement_match(sources: Sources, annual: Cents, match_pct: float) -> tuple[Component, Cents]:
    """The employer's match on the base salary, and its amounts in cents."""
    ratio, label = _match_terms(repr(float(match_pct)))
    match = (percent_of(annual[0], ratio), percent_of(annual[1], ratio), percent_of(annual[2], ratio))
    remark = sources.remarks.get("retirement_match_example")
    cited = remark.cited if remark else None
    component: Component = {
        "component": "retirement_match",
        "label": label,
        "low": match[0] / 100,
        "mid": match[1] / 100,
        "high": match[2] / 100,
        "source": cited.source if cited else None,
        "release": cited.release if cited else None,
        "citation": cited.citation if cited else None,
    }
    return component, match


def total_compensation(
    sources: Sources,
    annual: Cents,
    *,
    extra: tuple[Component, int] | None,
    match_pct: float | None,
    open_top: bool,
) -> TotalCompensation:
    """Base salary, the additional pay (``extra``) and the retirement match, low / mid / high."""
    components: list[Component] = []
    low, mid, high = annual
    if extra is not None:
        component, amount = extra
        components.append(component)
        low, mid, high = low + amount, mid + amount, high + amount
    if match_pct is not None:
        component, match = _retirement_match(sources, annual, match_pct)
        components.append(component)
        low, mid, high = low + match[0], mid + match[1], high + match[2]
    return {
        "base_annual": amounts(annual),
        "components": components,
        "low": low / 100,
        "mid": mid / 100,
        "high": high / 100,
        "open_top": open_top,
    }
