"""``roost connections …``: operate connections by hand (assisted setup)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer

from roost.cli.runtime import run
from roost.connections import assisted as service
from roost.connections.assisted import AssistedConnection, FailureReason

app = typer.Typer(help="Operate connections.", no_args_is_help=True)
assisted = typer.Typer(
    help="Assisted connections: confirm access once the employer's admin invite works, or record why not.",
    no_args_is_help=True,
)
app.add_typer(assisted, name="assisted")

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON.")]
ConnectionId = Annotated[str, typer.Argument(help="The connection_id.")]
Note = Annotated[str | None, typer.Option(help="Why, for the status history (default: a standard reason).")]


def _data(connection: AssistedConnection) -> dict[str, str | None]:
    data = asdict(connection)
    data["updated_at"] = connection.updated_at.isoformat()
    return data


def _print(connection: AssistedConnection, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(_data(connection), indent=2))
        return
    typer.echo(f"{connection.connection_id}  {connection.status}  ({connection.status_message or '-'})")


@assisted.command("list")
def list_(
    all_: Annotated[bool, typer.Option("--all", help="Include connected ones.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Assisted connections waiting for an operator (pending, processing or failed)."""
    connections = run(lambda runtime: service.list_assisted(runtime, include_connected=all_))
    if as_json:
        typer.echo(json.dumps([_data(c) for c in connections], indent=2))
        return
    for c in connections:
        since = c.updated_at.strftime("%Y-%m-%d %H:%M")
        typer.echo(f"{c.connection_id}  {c.status:<22}  {since}  {c.provider_id:<20}  {c.customer_name}")


@assisted.command()
def confirm(connection_id: ConnectionId, note: Note = None, as_json: JsonFlag = False) -> None:
    """Access works: the connection becomes processing and its first sync is queued."""
    _print(run(lambda runtime: service.confirm(runtime, connection_id, note)), as_json)


@assisted.command()
def fail(
    connection_id: ConnectionId,
    reason: Annotated[FailureReason, typer.Option(help="no_account_setup or permissions.")],
    note: Note = None,
    as_json: JsonFlag = False,
) -> None:
    """Access could not be set up: error_no_account_setup or error_permissions."""
    _print(run(lambda runtime: service.fail(runtime, connection_id, reason, note)), as_json)


if __name__ == "__main__":  # pragma: no cover - `python -m roost.cli.connections` before wiring
    app()
