"""`toxicpath config`: check and show the TOML configuration."""

from __future__ import annotations

from pathlib import Path

import typer

from toxicpath.ui.cli.common import ExitCode
from toxicpath.ui.cli.scan_cmd import ConfigOption

app = typer.Typer(help="Check and show the configuration file.", no_args_is_help=True)


def _resolve(config: Path | None) -> Path:
    from toxicpath.config import default_config_path

    return config if config is not None else default_config_path()


@app.command()
def check(config: ConfigOption = None) -> None:
    """Validate the configuration file; print OK or each invalid key and its fix.

    The acceptance file it names is validated too, when it exists.
    """
    from toxicpath.config import ConfigError, load_config

    path = _resolve(config)
    try:
        loaded = load_config(config)
    except ConfigError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(int(ExitCode.INPUT)) from None
    if loaded.acceptance_file is not None and loaded.acceptance_file.exists():
        from toxicpath.findings.acceptance import AcceptanceError, load_acceptances

        try:
            load_acceptances(loaded.acceptance_file)
        except AcceptanceError as error:
            typer.echo(f"error: acceptance_file: {error}", err=True)
            raise typer.Exit(int(ExitCode.INPUT)) from None
    # A webhook URL often comes from a secret mounted only where the job runs,
    # so an unresolvable one is a warning here, not an error.
    for channel in loaded.alerts.channels:
        try:
            channel.resolve_url()
        except ConfigError as error:
            typer.echo(f"warning: {path}: {error}", err=True)
    where = path if path.exists() else f"{path} (not found; defaults apply)"
    typer.echo(f"OK: {where}")


@app.command()
def path() -> None:
    """Print where the configuration file is read from."""
    typer.echo(str(_resolve(None)))
