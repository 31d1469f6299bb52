"""How CLI commands print API records: aligned ``key: value`` lines, or JSON with ``--json``."""

from __future__ import annotations

import json
from collections.abc import Sequence

import typer
from pydantic import BaseModel


def print_record(record: BaseModel, as_json: bool, *, shown_once: str | None = None) -> None:
    """One record; ``shown_once`` names a field (a new secret) that the user sees only this time."""
    data = record.model_dump(mode="json")
    if as_json:
        typer.echo(json.dumps(data, indent=2))
        return
    for key, value in data.items():
        shown = ", ".join(value) if isinstance(value, list) else value
        typer.echo(f"{key:>18}: {shown if shown not in ('', None) else '-'}")
    if shown_once is not None and shown_once in data:
        typer.secho(f"Store the {shown_once} now: it is shown only once.", fg=typer.colors.YELLOW)


def print_records(records: Sequence[BaseModel], as_json: bool, line: str) -> None:
    """Several records: a JSON array, or one ``line.format(**record)`` per record."""
    rows = [record.model_dump(mode="json") for record in records]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        typer.echo(line.format(**row))
