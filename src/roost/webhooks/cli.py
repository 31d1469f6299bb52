"""``roost webhooks …``: manage webhook endpoints (the same operations as the admin API)."""

from __future__ import annotations

from typing import Annotated

import typer

from roost.cli.output import print_record, print_records
from roost.cli.runtime import run
from roost.webhooks import endpoints, service
from roost.webhooks.schemas import (
    ALL_EVENTS,
    WebhookEndpointCreate,
    WebhookEndpointOut,
    WebhookEndpointUpdate,
)

app = typer.Typer(help="Manage webhook endpoints, their secrets and deliveries.", no_args_is_help=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON.")]
ClientId = Annotated[str, typer.Argument(help="The application's client_id.")]
EndpointId = Annotated[str, typer.Argument(help="The webhook endpoint's id.")]


def _print(endpoint: WebhookEndpointOut, as_json: bool) -> None:
    print_record(endpoint, as_json, shown_once="secret")


@app.command()
def add(
    client_id: ClientId,
    url: Annotated[str, typer.Argument(help="Where deliveries are POSTed (http or https).")],
    event_type: Annotated[
        list[str] | None, typer.Option(help="An event type to receive (repeatable); all when omitted.")
    ] = None,
    disabled: Annotated[bool, typer.Option("--disabled", help="Register without delivering yet.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Register an endpoint and print its signing secret (shown once)."""
    request = WebhookEndpointCreate(url=url, event_types=event_type or [ALL_EVENTS], enabled=not disabled)
    _print(run(lambda runtime: endpoints.create_endpoint(runtime, client_id, request)), as_json)


@app.command("list")
def list_(client_id: ClientId, as_json: JsonFlag = False) -> None:
    """List an application's endpoints."""
    found = run(lambda runtime: endpoints.list_endpoints(runtime, client_id))
    print_records(found, as_json, "{id}  {enabled!s:<5}  {url}  {event_types}")


@app.command()
def remove(client_id: ClientId, endpoint_id: EndpointId) -> None:
    """Remove an endpoint and its delivery history."""
    run(lambda runtime: endpoints.delete_endpoint(runtime, client_id, endpoint_id))
    typer.echo(f"Removed {endpoint_id}")


@app.command()
def enable(client_id: ClientId, endpoint_id: EndpointId, as_json: JsonFlag = False) -> None:
    """Resume deliveries to an endpoint."""
    change = WebhookEndpointUpdate(enabled=True)
    _print(run(lambda runtime: endpoints.update_endpoint(runtime, client_id, endpoint_id, change)), as_json)


@app.command()
def disable(client_id: ClientId, endpoint_id: EndpointId, as_json: JsonFlag = False) -> None:
    """Stop deliveries to an endpoint (new events are not queued for it)."""
    change = WebhookEndpointUpdate(enabled=False)
    _print(run(lambda runtime: endpoints.update_endpoint(runtime, client_id, endpoint_id, change)), as_json)


@app.command("rotate-secret")
def rotate_secret(client_id: ClientId, endpoint_id: EndpointId, as_json: JsonFlag = False) -> None:
    """Issue a new signing secret; the old one stops signing at once."""
    _print(run(lambda runtime: endpoints.rotate_secret(runtime, client_id, endpoint_id)), as_json)


@app.command()
def deliveries(
    client_id: ClientId,
    endpoint_id: EndpointId,
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 20,
    as_json: JsonFlag = False,
) -> None:
    """Show an endpoint's latest deliveries and their attempts."""
    found = run(lambda runtime: service.list_deliveries(runtime, client_id, endpoint_id, limit))
    print_records(found, as_json, "{id}  {status:<9}  {event_id}  {event_type}  attempts={attempts}")


@app.command()
def redeliver(
    client_id: ClientId,
    event: Annotated[str | None, typer.Option(help="Send this event again.")] = None,
    endpoint: Annotated[str | None, typer.Option(help="With --event: only to this endpoint.")] = None,
    delivery: Annotated[str | None, typer.Option(help="Retry this delivery now.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Send an event again (--event), or retry one delivery now (--delivery)."""
    if (event is None) == (delivery is None):
        raise typer.BadParameter("give exactly one of --event or --delivery")
    line = "{id}  {status:<9}  {event_id}  -> endpoint {endpoint_id}"
    if delivery is not None:
        retried = run(lambda runtime: service.redeliver_delivery(runtime, client_id, delivery))
        print_records([retried], as_json, line)
        return
    event_id = str(event)
    sent = run(lambda runtime: service.redeliver_event(runtime, client_id, event_id, endpoint))
    print_records(sent, as_json, line)
