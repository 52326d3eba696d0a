"""Real Kafka, MongoDB-protocol, S3 and SMTP servers for development and tests.

`DevStack` runs them natively on 127.0.0.1, so no Docker is needed. DOMPAK_*
variables point at servers running elsewhere instead. Where a Docker engine
responds, `shared.devstack.containers` starts them with testcontainers.
"""

from shared.devstack.endpoints import Endpoints, endpoints_from_environment
from shared.devstack.errors import DevStackError, InstallError, StartError
from shared.devstack.layout import default_cache_dir, default_state_dir
from shared.devstack.stack import DevStack

__all__ = [
    "DevStack",
    "DevStackError",
    "Endpoints",
    "InstallError",
    "StartError",
    "default_cache_dir",
    "default_state_dir",
    "endpoints_from_environment",
]
