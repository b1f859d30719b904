"""Run the gateway with uvicorn."""

from __future__ import annotations

import logging

import uvicorn

from .app import create_app
from .auth import Authenticator
from .settings import GatewaySettings

__all__ = ["describe", "serve"]


def describe(settings: GatewaySettings) -> str:
    """:return: the one-line banner printed at start-up (never includes secrets)."""
    return (
        f"sparkwire gateway on http://{settings.host}:{settings.port}  master={settings.master}  "
        f"auth={settings.auth_mode}  csrf={'on' if settings.csrf_protection else 'off'}  "
        f"max_sessions={settings.max_sessions}  recovery={'on' if settings.recovery else 'off'}  "
        f"logs={settings.work_dir}"
    )


def serve(
    settings: GatewaySettings, log_level: str = "info", authenticator: Authenticator | None = None
) -> None:
    """Serve until interrupted; every session is stopped on the way out."""
    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s")
    print(describe(settings), flush=True)
    uvicorn.run(
        create_app(settings, authenticator),
        host=settings.host,
        port=settings.port,
        log_level=log_level,
        access_log=log_level == "debug",
        timeout_graceful_shutdown=30,
    )
