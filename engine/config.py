"""sparkwire's configuration: endpoints, session defaults and profiles, kernel options.

Sources, highest precedence first:

1. the cell (``%%configure`` for session settings: applied by the registry, not here);
2. the environment: ``SPARKWIRE_URL``, ``SPARKWIRE_AUTH``, ``SPARKWIRE_USER``, ``SPARKWIRE_PASSWORD``,
   ``SPARKWIRE_TOKEN``, ``SPARKWIRE_TOKEN_COMMAND``, ``SPARKWIRE_CA_BUNDLE``, ``SPARKWIRE_VERIFY``,
   ``SPARKWIRE_CLIENT_CERT``, ``SPARKWIRE_CLIENT_KEY``, ``SPARKWIRE_PROXY_USER`` (for the default endpoint) and
   ``SPARKWIRE_ENDPOINT`` (which named endpoint is the default);
3. the file: ``$SPARKWIRE_CONFIG``, else ``~/.sparkwire/config.json``; when that does not exist,
   sparkmagic's ``~/.sparkmagic/config.json`` (see :mod:`.sparkmagic_config`);
4. defaults: one endpoint, the local gateway at ``http://127.0.0.1:8998``, without auth.

Nothing here is module-level state: :func:`load_config` reads the sources each time it is called and
returns a frozen :class:`SparkwireConfig`. The file format is documented in ``docs/configuration.md``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, Literal, cast

from sparkwire.livy import Secret

from .endpoint_config import (
    AuthType,
    EndpointConfig,
    auth_name,
    config_bool,
    note_unknown_keys,
    parse_authenticators,
    parse_endpoint,
    resolve_auth,
)
from .errors import ConfigError, ConfigWarning
from .session_body import merge_bodies, spec_from_body
from .sparkmagic_config import read_sparkmagic_config, sparkmagic_config_path, sparkmagic_notes

__all__ = [
    "DEFAULT_URL",
    "AuthType",
    "ConfigWarning",
    "EndpointConfig",
    "KernelOptions",
    "ProgressMode",
    "SparkwireConfig",
    "StartSession",
    "config_path",
    "load_config",
    "parse_config",
]

DEFAULT_URL: Final = "http://127.0.0.1:8998"
"""The endpoint used when nothing is configured: ``sparkwire gateway`` on its default port."""

ProgressMode = Literal["auto", "widget", "text", "off"]
StartSession = Literal["on_first_cell", "on_kernel_start"]

_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True)
class KernelOptions:
    """Options of the Remote PySpark kernel (and the magics where they apply).

    :param keep_session_on_shutdown: leave the kernel's session running when the kernel shuts down or
        restarts (it can be joined again with ``%attach ID``).
    :param session_start_timeout: seconds to wait for a new session to become ready (``None``: no limit).
    :param statement_timeout: seconds a statement may run before it is cancelled and the cell fails
        (``None``: no limit).
    :param progress: ``auto`` (a widget bar where widgets render, else text), ``widget``, ``text`` or ``off``.
    :param verbose_errors: remote errors keep PySpark, py4j and JVM frames (by default only the cell's
        lines and the message are shown; ``%%spark -v`` does this for one cell).
    :param heartbeat_timeout: seconds a session this kernel creates survives without hearing from it
        (Livy's ``heartbeatTimeoutInSecond``); the kernel sends heartbeats while it lives. 0 disables.
    :param start_session: ``on_first_cell`` (the first cell that needs Spark creates the session) or
        ``on_kernel_start`` (the kernel, or ``%spark add``, starts it in the background at once, so the
        first cell waits only for what is left).
    :param language_endpoints: the endpoint the Scala (``scala``) or R (``r``) kernel uses instead of the
        default one, by name (sparkmagic's ``kernel_scala_credentials`` and ``kernel_r_credentials``).
    """

    keep_session_on_shutdown: bool = False
    session_start_timeout: float | None = 600.0
    statement_timeout: float | None = None
    progress: ProgressMode = "auto"
    verbose_errors: bool = False
    heartbeat_timeout: int = 900
    start_session: StartSession = "on_first_cell"
    language_endpoints: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SparkwireConfig:
    """The resolved configuration (file and environment merged).

    :param endpoints: endpoints by name; always holds ``default_endpoint``.
    :param default_endpoint: the name of the endpoint used when none is named.
    :param session_defaults: the Livy session body every new session starts from.
    :param profiles: named session bodies, applied on top of the defaults by ``%%configure NAME``.
    :param kernel: kernel options.
    :param source: where the settings came from, for ``%%info`` (a path, or ``"defaults"``).
    :param authenticators: auth name → class path (sparkmagic's map), for ``auth`` values and ``%spark add -t``.
    :param notes: one line per setting of the file that has no effect (an unknown key, a sparkmagic
        option sparkwire does not use), shown by ``%%info`` and ``%spark info``.
    """

    endpoints: Mapping[str, EndpointConfig]
    default_endpoint: str
    session_defaults: Mapping[str, Any] = field(default_factory=dict)
    profiles: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    kernel: KernelOptions = field(default_factory=KernelOptions)
    source: str = "defaults"
    authenticators: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def endpoint(self, name: str | None = None) -> EndpointConfig:
        """Look up an endpoint.

        :param name: its name; ``None`` for the default endpoint.
        :return: the endpoint.
        :raises ConfigError: if there is no endpoint of that name; the message lists the known ones.
        """
        key = self.default_endpoint if name is None else name
        try:
            return self.endpoints[key]
        except KeyError:
            raise ConfigError(
                f"No endpoint named {key!r} in {self.source}. Known endpoints: {', '.join(sorted(self.endpoints))}."
            ) from None

    def profile(self, name: str) -> Mapping[str, Any]:
        """Look up a session profile.

        :param name: the profile's name.
        :return: its session body.
        :raises ConfigError: if there is no such profile.
        """
        try:
            return self.profiles[name]
        except KeyError:
            known = ", ".join(sorted(self.profiles)) or "none are defined"
            raise ConfigError(
                f"No session profile named {name!r} in {self.source} ({known}). Profiles live under "
                '"profiles" in ~/.sparkwire/config.json; see docs/configuration.md.'
            ) from None

    def session_body(self, *layers: Mapping[str, Any] | None) -> dict[str, Any]:
        """The session body for a new session: the defaults with ``layers`` merged on top, in order.

        :param layers: higher-precedence bodies, e.g. a profile then the cell's ``%%configure`` JSON.
        :return: the merged body (``conf`` merged key by key).
        """
        return merge_bodies(self.session_defaults, *layers)


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where sparkwire's config file is looked for.

    :param environ: the environment; ``os.environ`` by default.
    :return: ``$SPARKWIRE_CONFIG``, else ``$HOME/.sparkwire/config.json``.
    """
    env = os.environ if environ is None else environ
    explicit = env.get("SPARKWIRE_CONFIG")
    if explicit:
        return Path(explicit).expanduser()
    return _home(env) / ".sparkwire" / "config.json"


def _home(env: Mapping[str, str]) -> Path:
    home = env.get("HOME")
    return Path(home) if home else Path.home()


def _read_json(path: Path) -> Mapping[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"Cannot read the config file {path}: {exc.strerror or exc}.") from None
    if not text.strip():
        return _EMPTY  # sparkmagic creates its file empty and reads that as "no overrides"; so do we
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"The config file {path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}). "
            "Fix it, or move it away to use the defaults."
        ) from None
    if not isinstance(data, Mapping):
        raise ConfigError(f"The config file {path} must hold a JSON object, not {type(data).__name__}.")
    return data


def load_config(environ: Mapping[str, str] | None = None) -> SparkwireConfig:
    """Read the config file (ours, else sparkmagic's) and apply the environment on top.

    :param environ: the environment; ``os.environ`` by default (tests pass their own, with ``HOME``).
    :return: the configuration.
    :raises ConfigError: if a file or variable is invalid; the message names the file and key.
    """
    env = os.environ if environ is None else environ
    path = config_path(env)
    if path.exists():
        config = parse_config(_read_json(path), source=str(path))
    elif env.get("SPARKWIRE_CONFIG"):
        raise ConfigError(
            f"SPARKWIRE_CONFIG names {path}, which does not exist. Create it or unset the variable."
        )
    else:
        magic_path = sparkmagic_config_path(env, _home(env))
        if magic_path.exists():
            data = _read_json(magic_path)
            raw = read_sparkmagic_config(data, source=str(magic_path))
            config = parse_config(raw, source=str(magic_path))
            config = replace(config, notes=config.notes + sparkmagic_notes(data))
        else:
            config = parse_config({}, source="defaults")
    return _apply_environment(config, env)


def _mapping(data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where}: {key!r} must be a JSON object, not {value!r}.")
    return value


def _seconds(value: Any, where: str) -> float | None:
    if value is None:
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = -1.0
    if isinstance(value, bool) or not seconds > 0:
        raise ConfigError(f"{where} must be a positive number of seconds or null, not {value!r}.")
    return seconds


def _parse_kernel(data: Mapping[str, Any], where: str, notes: list[str]) -> KernelOptions:
    known = {
        "keep_session_on_shutdown",
        "session_start_timeout",
        "statement_timeout",
        "progress",
        "verbose_errors",
        "heartbeat_timeout",
        "start_session",
        "language_endpoints",
    }
    notes += note_unknown_keys(data, known, '"kernel"', where)
    defaults = KernelOptions()
    progress = data.get("progress", defaults.progress)
    if progress not in ("auto", "widget", "text", "off"):
        raise ConfigError(f'{where}: kernel "progress" must be auto, widget, text or off, not {progress!r}.')
    start_session = data.get("start_session", defaults.start_session)
    if start_session not in ("on_first_cell", "on_kernel_start"):
        raise ConfigError(
            f'{where}: kernel "start_session" must be on_first_cell or on_kernel_start, '
            f"not {start_session!r}."
        )
    languages = _mapping(data, "language_endpoints", where)
    for language, endpoint in languages.items():
        if language not in ("python", "scala", "r") or not isinstance(endpoint, str):
            raise ConfigError(
                f'{where}: kernel "language_endpoints" maps python, scala or r to an endpoint\'s '
                f'name, e.g. {{"scala": "emr"}}; {language!r}: {endpoint!r} is not one.'
            )
    return KernelOptions(
        start_session=cast(StartSession, start_session),
        language_endpoints=MappingProxyType({str(k): str(v) for k, v in languages.items()}),
        keep_session_on_shutdown=config_bool(
            data.get("keep_session_on_shutdown", False), f'{where}: kernel "keep_session_on_shutdown"'
        ),
        session_start_timeout=_seconds(
            data.get("session_start_timeout", defaults.session_start_timeout),
            f'{where}: kernel "session_start_timeout"',
        ),
        statement_timeout=_seconds(data.get("statement_timeout"), f'{where}: kernel "statement_timeout"'),
        progress=cast(ProgressMode, progress),
        verbose_errors=config_bool(data.get("verbose_errors", False), f'{where}: kernel "verbose_errors"'),
        heartbeat_timeout=int(
            _seconds(
                data.get("heartbeat_timeout", defaults.heartbeat_timeout),
                f'{where}: kernel "heartbeat_timeout"',
            )
            or 0
        ),
    )


def parse_config(data: Mapping[str, Any], *, source: str) -> SparkwireConfig:
    """Build a configuration from the JSON of a sparkwire config file (no environment applied).

    :param data: the file's JSON object.
    :param source: where it came from, for messages.
    :return: the configuration; with no endpoints, one named ``local`` at :data:`DEFAULT_URL`.
    :raises ConfigError: for wrong types, a default endpoint that does not exist, or session settings
        Livy would reject. Unknown keys are not errors: they are warned about (:class:`ConfigWarning`)
        and listed in ``notes``.
    """
    notes: list[str] = []
    known = {"endpoints", "default_endpoint", "session", "profiles", "kernel", "authenticators"}
    notes += note_unknown_keys(data, known, "the file", source)
    authenticators = parse_authenticators(data.get("authenticators"), source)
    endpoints = {
        str(name): parse_endpoint(str(name), value, source, authenticators, notes=notes)
        for name, value in _mapping(data, "endpoints", source).items()
    }
    if not endpoints:
        endpoints["local"] = EndpointConfig(name="local", url=DEFAULT_URL)
    default = data.get("default_endpoint")
    if default is None:
        if len(endpoints) > 1 and "local" not in endpoints:
            raise ConfigError(
                f"{source}: there are several endpoints ({', '.join(sorted(endpoints))}); name the "
                'one to use by default with "default_endpoint".'
            )
        default = "local" if "local" in endpoints else next(iter(endpoints))
    if default not in endpoints:
        raise ConfigError(
            f'{source}: "default_endpoint" is {default!r}, but the endpoints are {sorted(endpoints)}.'
        )
    session = dict(_mapping(data, "session", source))
    spec_from_body(session, where=f'{source}: "session"')
    profiles: dict[str, Mapping[str, Any]] = {}
    for name, body in _mapping(data, "profiles", source).items():
        spec_from_body(body, where=f"{source}: profile {name!r}")
        profiles[str(name)] = MappingProxyType(dict(body))
    kernel = _parse_kernel(_mapping(data, "kernel", source), source, notes)
    for language, name in kernel.language_endpoints.items():
        if name not in endpoints:
            raise ConfigError(
                f'{source}: kernel "language_endpoints" gives {language} the endpoint {name!r}, but '
                f"the endpoints are {sorted(endpoints)}."
            )
    return SparkwireConfig(
        endpoints=MappingProxyType(endpoints),
        default_endpoint=str(default),
        session_defaults=MappingProxyType(session),
        profiles=MappingProxyType(profiles),
        kernel=kernel,
        source=source,
        authenticators=authenticators,
        notes=tuple(notes),
    )


def _apply_environment(config: SparkwireConfig, env: Mapping[str, str]) -> SparkwireConfig:
    default_name = env.get("SPARKWIRE_ENDPOINT") or config.default_endpoint
    base = config.endpoint(default_name)
    url = env.get("SPARKWIRE_URL")
    if url:
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"SPARKWIRE_URL must start with http:// or https://, not {url!r}.")
        if url.rstrip("/") != base.url:
            # Another server: the file's credentials for this endpoint must not be sent there.
            base = EndpointConfig(name="env", url=url.rstrip("/"))
    changes: dict[str, Any] = {}
    if env.get("SPARKWIRE_AUTH"):
        changes["auth"] = auth_name(
            resolve_auth(env["SPARKWIRE_AUTH"], config.authenticators), "SPARKWIRE_AUTH"
        )
    if env.get("SPARKWIRE_USER"):
        changes["username"] = env["SPARKWIRE_USER"]
    if "SPARKWIRE_PASSWORD" in env:
        changes["password"] = Secret(env["SPARKWIRE_PASSWORD"])
    if env.get("SPARKWIRE_TOKEN"):
        changes["token"] = Secret(env["SPARKWIRE_TOKEN"])
    if env.get("SPARKWIRE_CA_BUNDLE"):
        changes["ca_bundle"] = env["SPARKWIRE_CA_BUNDLE"]
    if env.get("SPARKWIRE_VERIFY"):
        changes["verify"] = config_bool(env["SPARKWIRE_VERIFY"], "SPARKWIRE_VERIFY")
    if env.get("SPARKWIRE_TOKEN_COMMAND"):
        changes["auth_options"] = MappingProxyType(
            {**base.auth_options, "token_command": env["SPARKWIRE_TOKEN_COMMAND"]}
        )
        changes.setdefault("token", None)  # the command replaces a token from the file
    for variable, key in (("SPARKWIRE_CLIENT_CERT", "client_cert"), ("SPARKWIRE_CLIENT_KEY", "client_key")):
        if env.get(variable):
            changes[key] = os.path.expanduser(env[variable])
    if env.get("SPARKWIRE_PROXY_USER"):
        changes["proxy_user"] = env["SPARKWIRE_PROXY_USER"]
    if "auth" not in changes and base.auth == "none":
        # SPARKWIRE_USER + SPARKWIRE_PASSWORD alone mean basic auth, as sparkmagic infers it.
        if changes.get("username") and "password" in changes:
            changes["auth"] = "basic"
        elif changes.get("token") or "auth_options" in changes:
            changes["auth"] = "bearer"
    if not url and not changes and base.name == config.default_endpoint:
        return config
    endpoint = replace(base, **changes)
    try:
        endpoint.client_auth()
    except ConfigError as exc:
        raise ConfigError(
            f"The environment (SPARKWIRE_AUTH, SPARKWIRE_USER, SPARKWIRE_PASSWORD, SPARKWIRE_TOKEN, "
            f"SPARKWIRE_TOKEN_COMMAND): {exc}"
        ) from None
    endpoints = {**config.endpoints, endpoint.name: endpoint}
    return replace(config, endpoints=MappingProxyType(endpoints), default_endpoint=endpoint.name)
