"""A sparkmagic ``config.json`` holding every key of sparkmagic's published ``example_config.json``.

Our own copy of the keys, with values of the documented types; only the endpoint URL is the test's.
"""

from __future__ import annotations

import re
from typing import Any

# The keys sparkwire translates; every other key below is ignored with one line in %%info.
HONOURED = (
    "kernel_python_credentials",
    "kernel_scala_credentials",
    "kernel_r_credentials",
    "livy_session_startup_timeout_seconds",
    "ignore_ssl_errors",
    "session_configs",
    "custom_headers",
    "authenticators",
    "retry_policy",
    "retry_seconds_to_sleep_list",
    "configurable_retry_policy_max_retries",
)


def example_config(url: str) -> dict[str, Any]:
    """:param url: the Livy endpoint. :return: the config, every example key present."""
    credentials = {"username": "", "password": "", "url": url, "auth": "None"}
    return {
        "kernel_python_credentials": dict(credentials),
        "kernel_scala_credentials": dict(credentials),
        "kernel_r_credentials": {"username": "", "password": "", "url": url},
        "logging_config": {
            "version": 1,
            "formatters": {"f": {"format": "%(levelname)s %(message)s", "datefmt": ""}},
            "handlers": {"h": {"class": "logging.StreamHandler", "formatter": "f"}},
            "loggers": {"magicsLogger": {"handlers": ["h"], "level": "DEBUG", "propagate": 0}},
        },
        "authenticators": {
            "Kerberos": "sparkmagic.auth.kerberos.Kerberos",
            "None": "sparkmagic.auth.customauth.Authenticator",
            "Basic_Access": "sparkmagic.auth.basic.Basic",
        },
        "wait_for_idle_timeout_seconds": 20,
        "livy_session_startup_timeout_seconds": 90,
        "fatal_error_suggestion": "Something went wrong:\n\t{}.",
        "ignore_ssl_errors": False,
        "session_configs": {"driverMemory": "1000M", "executorCores": 1},
        "use_auto_viz": True,
        "coerce_dataframe": True,
        "max_results_sql": 1000,
        "pyspark_dataframe_encoding": "utf-8",
        "heartbeat_refresh_seconds": 20,
        "livy_server_heartbeat_timeout_seconds": 0,
        "heartbeat_retry_seconds": 5,
        "server_extension_default_kernel_name": "pysparkkernel",
        "custom_headers": {"X-Team": "analytics"},
        "retry_policy": "configurable",
        "retry_seconds_to_sleep_list": [0.1, 0.5, 1],
        "configurable_retry_policy_max_retries": 4,
    }


def noted_keys(lines: list[str]) -> list[str]:
    """:param lines: output lines. :return: the sparkmagic keys named as ignored, in order."""
    return [
        match.group(1) for line in lines if (match := re.match(r"sparkmagic's '([^']+)' is ignored: ", line))
    ]
