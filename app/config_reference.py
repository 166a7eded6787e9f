"""The configuration reference (docs/configuration.md), generated from ``Settings`` so it cannot drift."""

from typing import Any

from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from app.config import ENV_PREFIX, Settings

HEADER = """# Configuration reference

Generated from `app.config.Settings` by `salary-api config-reference --output docs/configuration.md`;
a test fails when this file and the code disagree. Every setting is read from the environment when the
process starts; names are case-insensitive.

| environment variable | default | meaning |
| --- | --- | --- |
"""

FOOTER = """
Outside `Settings`, read by `salary-api serve` itself: `HOST` (default `127.0.0.1`), `PORT` (`8000`) and
`WEB_CONCURRENCY` (worker processes, `1`); and, by prometheus-client, `PROMETHEUS_MULTIPROC_DIR` (the
directory the workers share their metrics through; `serve` creates one when there are several workers and
it is unset).
"""


def env_names(name: str, field: FieldInfo) -> list[str]:
    """The environment variables a field is read from: its aliases, or the prefixed name."""
    alias = field.validation_alias
    choices = getattr(alias, "choices", None)
    if choices:
        return [str(c) for c in choices]
    return [f"{ENV_PREFIX}{name}".upper()]


def shown_default(field: FieldInfo) -> str:
    """The default as an operator would write it in the environment."""
    value: Any = field.default
    if value is PydanticUndefined and field.default_factory is not None:
        value = field.default_factory()  # type: ignore[call-arg]
    if value is PydanticUndefined or value is None:
        return "(unset)"
    if isinstance(value, list):
        return f"`{','.join(map(str, value))}`" if value else "(none)"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value}`"


def render() -> str:
    """The Markdown page: one row per setting, in the order ``Settings`` declares them."""
    rows = []
    for name, field in Settings.model_fields.items():
        names = " or ".join(f"`{n}`" for n in env_names(name, field))
        meaning = (field.description or "").replace("|", "\\|").replace("\n", " ")
        rows.append(f"| {names} | {shown_default(field)} | {meaning} |\n")
    return HEADER + "".join(rows) + FOOTER
