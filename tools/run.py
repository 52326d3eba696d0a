"""`make run`: start the servers and all services; Ctrl-C stops everything."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path
from types import FrameType

from services.signing.settings import SigningSettings
from shared.logging import configure_logging
from tools.accounts import LOCAL_PASSWORD, ensure_local_accounts
from tools.deployment import LOCAL_SIGN_IN_LIMITS, REPOSITORY, LocalDeployment


def main() -> int:
    configure_logging("run", log_format="console", level="INFO")
    state_dir = Path(os.environ.get("DOMPAK_STATE_DIR", REPOSITORY / "var")).resolve()
    deployment = LocalDeployment(state_dir, environ=dict(LOCAL_SIGN_IN_LIMITS))

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    # Installed explicitly: a shell without job control starts background
    # commands with SIGINT ignored, and Python then keeps ignoring it.
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        urls = deployment.start()
        accounts = asyncio.run(ensure_local_accounts(deployment.settings()))
        print("\nDOMPAK is running:")  # noqa: T201
        for name, url in urls.items():
            print(f"  {name:<13} {url}  (API docs: {url}/docs)")  # noqa: T201
        print(f"\nResidents: {urls['intake']}/  Staff: {urls['intake']}/petugas/masuk")  # noqa: T201
        print(f"Local staff accounts (password {LOCAL_PASSWORD!r}):")  # noqa: T201
        for account in accounts:
            print(f"  {account.username:<12} {account.role}")  # noqa: T201
        passphrase = SigningSettings().local_signing_passphrase
        print(f"The head signs with the local passphrase {passphrase!r}.")  # noqa: T201
        print(f"Logs: {state_dir / 'logs'}. Press Ctrl-C to stop.\n")  # noqa: T201
        signal.pause()
    except KeyboardInterrupt:
        print("\nStopping DOMPAK ...")  # noqa: T201
    finally:
        deployment.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
