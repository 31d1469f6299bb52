"""The ``roost`` command line."""

from __future__ import annotations

import typer

from roost.cli import apps, connections, server, workers
from roost.webhooks import cli as webhooks_cli

app = typer.Typer(
    help="Roost: a self-hostable, Finch-compatible employment-data gateway.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(apps.app, name="apps")
app.add_typer(connections.app, name="connections")
app.add_typer(webhooks_cli.app, name="webhooks")
app.command("serve")(server.serve)
app.command("migrate")(server.migrate)
app.command("demo")(server.demo)
app.command("worker")(workers.worker)
app.add_typer(workers.emulators, name="emulators")

if __name__ == "__main__":  # pragma: no cover
    app()
