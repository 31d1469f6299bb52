"""``roost apps …``: manage applications (the same operations as ``/admin/applications``)."""

from __future__ import annotations

from typing import Annotated

import typer

from roost.applications import service
from roost.applications.schemas import ApplicationCreate, ApplicationOut, ApplicationType
from roost.cli.output import print_record, print_records
from roost.cli.runtime import run

app = typer.Typer(
    help="Manage applications: client credentials, redirect URIs, origins.", no_args_is_help=True
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]
ClientId = Annotated[str, typer.Argument(help="The application's client_id.")]


def _print(application: ApplicationOut, as_json: bool) -> None:
    print_record(application, as_json, shown_once="client_secret")


@app.command()
def create(
    name: Annotated[str, typer.Option(help="A name for the application.")],
    type: Annotated[
        ApplicationType, typer.Option(help="development, production or sandbox.")
    ] = "development",
    redirect_uri: Annotated[list[str] | None, typer.Option(help="A redirect URI (repeatable).")] = None,
    origin: Annotated[list[str] | None, typer.Option(help="An embedding origin (repeatable).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Create an application and print its client_id and client_secret (shown once)."""
    request = ApplicationCreate(name=name, type=type, redirect_uris=redirect_uri or [], origins=origin or [])
    _print(run(lambda runtime: service.create_application(runtime, request)), as_json)


@app.command("list")
def list_(as_json: JsonFlag = False) -> None:
    """List applications."""
    print_records(run(service.list_applications), as_json, "{client_id}  {type:<11}  {name}")


@app.command()
def show(client_id: ClientId, as_json: JsonFlag = False) -> None:
    """Show one application."""
    _print(run(lambda runtime: service.get_application(runtime, client_id)), as_json)


@app.command("rotate-secret")
def rotate_secret(client_id: ClientId, as_json: JsonFlag = False) -> None:
    """Issue a new client_secret; the old one stops working at once."""
    _print(run(lambda runtime: service.rotate_secret(runtime, client_id)), as_json)


@app.command("add-redirect-uri")
def add_redirect_uri(client_id: ClientId, uri: str, as_json: JsonFlag = False) -> None:
    """Register a redirect URI (matched exactly)."""
    _print(run(lambda runtime: service.add_redirect_uri(runtime, client_id, uri)), as_json)


@app.command("remove-redirect-uri")
def remove_redirect_uri(client_id: ClientId, uri: str, as_json: JsonFlag = False) -> None:
    """Remove a redirect URI."""
    _print(run(lambda runtime: service.remove_redirect_uri(runtime, client_id, uri)), as_json)


@app.command("add-origin")
def add_origin(client_id: ClientId, origin: str, as_json: JsonFlag = False) -> None:
    """Allow an origin to embed Roost Connect in an iframe."""
    _print(run(lambda runtime: service.add_origin(runtime, client_id, origin)), as_json)


@app.command("remove-origin")
def remove_origin(client_id: ClientId, origin: str, as_json: JsonFlag = False) -> None:
    """Stop an origin from embedding Roost Connect."""
    _print(run(lambda runtime: service.remove_origin(runtime, client_id, origin)), as_json)
