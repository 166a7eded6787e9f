"""Operator CLI: ``salary-api serve | migrate | seed | import-oews | export``."""

from pathlib import Path

import typer
from alembic import command
from alembic.config import Config
from rich.console import Console

from app.config import get_settings
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
    """Serve the API with uvicorn."""
    import uvicorn

    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
