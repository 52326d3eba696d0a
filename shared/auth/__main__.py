"""Admin command for staff accounts: `python -m shared.auth --help`.

Passwords are read from the terminal without echo, or from standard input
with `--password-stdin`, never from the command line where other users of
the machine could read them.
"""

from __future__ import annotations

import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable
from typing import Annotated

import typer

from shared.auth.roles import Role
from shared.auth.store import IDENTITY_DATABASE, IdentityStore
from shared.database import connect
from shared.errors import ServiceError
from shared.settings import ServiceSettings

cli = typer.Typer(help="Create, list, disable and enable DOMPAK staff accounts.")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat the password: ") != first:
        typer.echo("The two passwords differ; nothing was changed.", err=True)
        raise typer.Exit(2)
    return first


def _run(
    action: str, username: str, work: Callable[[IdentityStore], Awaitable[None]]
) -> None:
    async def main() -> None:
        client = connect(ServiceSettings().mongodb_url)
        try:
            store = IdentityStore(client[IDENTITY_DATABASE])
            await store.create_indexes()
            await work(store)
        finally:
            await client.close()

    try:
        asyncio.run(main())
    except ServiceError as error:
        typer.echo(f"Could not {action} {username}: {error.message}", err=True)
        raise typer.Exit(1) from None


@cli.command()
def create(
    username: str,
    name: Annotated[str, typer.Option(help="Full name shown on pages and logs")],
    role: Annotated[list[Role], typer.Option(help="Role; repeat for several")],
    village: Annotated[
        str | None, typer.Option(help="Village code, for village officials")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option(help="Read the password from standard input")
    ] = False,
) -> None:
    """Create a staff account with one or more roles."""
    password = _read_password(password_stdin)

    async def work(store: IdentityStore) -> None:
        await store.create_staff(
            username,
            name=name,
            roles=frozenset(role),
            password=password,
            village_code=village,
        )

    _run("create", username, work)
    typer.echo(f"Created {username} ({', '.join(sorted(role))}).")


@cli.command()
def disable(username: str) -> None:
    """Disable an account and end its open sessions."""

    async def work(store: IdentityStore) -> None:
        await store.set_disabled(username, True)

    _run("disable", username, work)
    typer.echo(f"Disabled {username}; its sessions have ended.")


@cli.command()
def enable(username: str) -> None:
    """Enable a disabled account again."""

    async def work(store: IdentityStore) -> None:
        await store.set_disabled(username, False)

    _run("enable", username, work)
    typer.echo(f"Enabled {username}.")


@cli.command("set-password")
def set_password(
    username: str,
    password_stdin: Annotated[
        bool, typer.Option(help="Read the password from standard input")
    ] = False,
) -> None:
    """Replace an account's password and end its open sessions."""
    password = _read_password(password_stdin)

    async def work(store: IdentityStore) -> None:
        await store.set_password(username, password)

    _run("set the password of", username, work)
    typer.echo(f"Changed the password of {username}.")


@cli.command("list")
def list_accounts() -> None:
    """List the accounts with their roles and state."""

    async def work(store: IdentityStore) -> None:
        for account in await store.list_staff():
            state = "disabled" if account.disabled else "active"
            village = f" village={account.village_code}" if account.village_code else ""
            typer.echo(
                f"{account.username:<20} {state:<8} {','.join(sorted(account.roles))}"
                f"{village}  {account.name}"
            )

    _run("list", "accounts", work)


if __name__ == "__main__":
    cli()
