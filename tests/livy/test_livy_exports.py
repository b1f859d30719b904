"""The package re-exports the public names of its private modules, under the package's name."""

from __future__ import annotations

import dataclasses
import inspect
import typing
from types import ModuleType

from sparkwire import livy
from sparkwire.livy import (
    _auth,
    _auth_config,
    _auth_plugins,
    _client,
    _cloud_auth,
    _errors,
    _models,
    _polling,
    _retries,
    _secret,
    _specs,
    _states,
    _timeouts,
    _version,
    _waiting,
)

# Modules whose whole __all__ is public API; the others (_transport, _responses, _urls, _calls,
# _batches) export helpers for each other and only some names to users.
PUBLIC_MODULES: list[ModuleType] = [
    _auth, _auth_config, _auth_plugins, _client, _cloud_auth, _errors, _models, _polling, _retries, _secret,
    _specs, _states, _timeouts, _version, _waiting,
]  # fmt: skip


def test_all_public_module_names_are_exported() -> None:
    exported = set(livy.__all__)
    for module in PUBLIC_MODULES:
        missing = set(module.__all__) - exported
        assert not missing, f"{module.__name__} exports {missing} but sparkwire.livy does not"


def test_exported_names_exist_once() -> None:
    assert len(livy.__all__) == len(set(livy.__all__))
    for name in livy.__all__:
        assert hasattr(livy, name), name


def test_exported_classes_and_functions_present_as_the_package() -> None:
    for name in livy.__all__:
        member = getattr(livy, name)
        if (inspect.isclass(member) or inspect.isfunction(member)) and not dataclasses.is_dataclass(member):
            assert member.__module__ == "sparkwire.livy", name


def test_type_hints_of_exported_dataclasses_resolve() -> None:
    # Tools such as pydantic resolve field annotations through the class's module.
    for name in livy.__all__:
        member = getattr(livy, name)
        if dataclasses.is_dataclass(member):
            typing.get_type_hints(member)


def test_expected_api_is_present() -> None:
    expected = {
        "LivyClient", "SessionSpec", "BatchSpec", "Session", "Statement", "Output", "Batch", "SessionLog",
        "SessionList", "SessionKind", "SessionState", "BatchState", "StatementState", "READY_STATES",
        "NOT_READY_STATES", "BUSY_STATES", "FINAL_STATES", "FINAL_STATEMENT_STATES", "Version",
        "LivyError", "EndpointUnreachable", "LivyTimeout", "AuthenticationFailed", "SessionNotFound",
        "SessionDead", "StatementFailed", "StatementCancelled", "BadRequest", "ServerError",
        "InvalidResponse", "MissingDependency", "Auth", "BasicAuth", "KerberosAuth", "BearerAuth", "Secret",
        "Timeout", "USE_CLIENT_DEFAULT", "JsonTransport", "polling_intervals", "wait_for_session",
        "wait_for_statement", "run_statement",
    }  # fmt: skip
    assert expected <= set(livy.__all__)


def test_every_error_derives_from_livy_error() -> None:
    for name in _errors.__all__:
        assert issubclass(getattr(livy, name), livy.LivyError)
