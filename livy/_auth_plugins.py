"""Third-party authenticators: classes found by entry point (group ``sparkwire.auth``) or dotted path.

A plugin is a class (or any callable) taking one argument, the endpoint's auth attributes, and giving
an object usable as requests' ``auth=``: a ``requests.auth.AuthBase``, or anything with
``__call__(request) -> request``. The attributes object answers both ways plugins read them:

- as attributes, the way sparkmagic passes its parsed ``%spark`` arguments: ``.url``, ``.user``,
  ``.password``, ``.auth`` (so a class written for sparkmagic's ``authenticators`` map works as is);
- as a mapping: ``attributes["region"]``, ``attributes.get("audience")``, with the endpoint's
  ``auth_options`` too.

Classes written for sparkmagic usually subclass ``sparkmagic.auth.customauth.Authenticator``. When
sparkmagic is not installed, a small stand-in for that one module is provided (same constructor and
methods, no widgets) so such classes load; classes importing other sparkmagic modules need sparkmagic.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import importlib.util
import sys
import types
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import requests
import requests.auth

from ._auth import Auth
from ._errors import CredentialsUnavailable, LivyError
from ._secret import Secret
from ._urls import redact_url

# find_entry_point and load_object are helpers for _auth_config, not public API.
__all__ = ["ENTRY_POINT_GROUP", "AuthAttributes", "CustomAuth"]

ENTRY_POINT_GROUP: Final = "sparkwire.auth"
_SPARKMAGIC_BASE: Final = "sparkmagic.auth.customauth"


class AuthAttributes(argparse.Namespace, Mapping[str, Any]):
    """What a plugin's constructor receives: sparkmagic's parsed-arguments namespace, readable as a mapping.

    :param values: ``url``, ``user``, ``password``, ``auth`` and the endpoint's ``auth_options``.
    """

    def __init__(self, **values: Any) -> None:
        super().__init__(**values)

    def __contains__(self, key: object) -> bool:
        return key in self.__dict__

    def __getitem__(self, key: str) -> Any:
        try:
            return self.__dict__[key]
        except KeyError:
            raise KeyError(key) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self.__dict__)

    def __len__(self) -> int:
        return len(self.__dict__)

    def __repr__(self) -> str:
        shown = {
            key: ("**********" if key in ("password", "token") and value else value)
            for key, value in self.__dict__.items()
        }
        return f"AuthAttributes({shown!r})"


def _split_target(target: str) -> tuple[str, str]:
    if ":" in target:
        module, _, name = target.partition(":")
    else:
        module, _, name = target.rpartition(".")
    if not module or not name:
        raise ValueError(
            f"auth {target!r} is neither a known authentication type nor a class path like "
            "'package.module:Class' or 'package.module.Class'"
        )
    return module, name


def _missing_sparkmagic(exc: ModuleNotFoundError) -> bool:
    name = exc.name or ""
    return name.split(".")[0] == "sparkmagic" and importlib.util.find_spec("sparkmagic") is None


def _install_sparkmagic_stand_in() -> None:
    """Register ``sparkmagic.auth.customauth`` with a minimal ``Authenticator`` (sparkmagic is absent).

    sys.modules is process-wide by nature; only names of a package that is not installed are added,
    so a later real install is unaffected in a new process.
    """
    for name in ("sparkmagic", "sparkmagic.auth"):
        if name not in sys.modules:
            package = types.ModuleType(name)
            package.__path__ = []
            sys.modules[name] = package
    module = types.ModuleType(_SPARKMAGIC_BASE)
    module.Authenticator = _SparkmagicAuthenticator  # type: ignore[attr-defined]
    module.__doc__ = "sparkwire's stand-in for sparkmagic's base Authenticator (sparkmagic is not installed)."
    sys.modules[_SPARKMAGIC_BASE] = module
    sys.modules["sparkmagic.auth"].customauth = module  # type: ignore[attr-defined]


class _SparkmagicAuthenticator:
    """The interface of sparkmagic's base ``Authenticator``, without its ipywidgets."""

    def __init__(self, parsed_attributes: Any = None) -> None:
        self.url = parsed_attributes.url if parsed_attributes is not None else "http://example.com/livy"
        self.widgets = self.get_widgets("")

    def get_widgets(self, widget_width: str) -> list[Any]:
        """:return: no widgets (the endpoint dialog is sparkmagic's, not sparkwire's)."""
        return []

    def update_with_widget_values(self) -> None:
        """Nothing to update without widgets."""

    def __call__(self, request: Any) -> Any:
        return request

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _SparkmagicAuthenticator) and self.url == other.url

    def __hash__(self) -> int:
        return hash((self.url, type(self).__name__))


def load_object(target: str) -> Any:
    """Import ``package.module:Name`` or ``package.module.Name``.

    :param target: the dotted path.
    :return: the object.
    :raises ValueError: naming the class and why it could not be loaded.
    """
    module_name, name = _split_target(target)
    try:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if not _missing_sparkmagic(exc):
                raise
            _install_sparkmagic_stand_in()
            module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ValueError(
            f"the auth class {target!r} could not be imported ({type(exc).__name__}: {exc}). Install the "
            "package that provides it in the kernel's environment, or fix the class path."
        ) from None
    except Exception as exc:  # noqa: BLE001 - the plugin's module itself failed; any error, same advice
        raise ValueError(f"importing the auth class {target!r} failed: {type(exc).__name__}: {exc}") from None
    try:
        return getattr(module, name)
    except AttributeError:
        raise ValueError(
            f"the auth class {target!r} does not exist: module {module_name!r} has no {name!r}"
        ) from None


def find_entry_point(name: str) -> importlib.metadata.EntryPoint | None:
    """:param name: an auth name. :return: the ``sparkwire.auth`` entry point of that name, or ``None``."""
    for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if entry.name == name:
            return entry
    return None


class _AnyCallableAuth(requests.auth.AuthBase):
    """Adapts a plugin's object to requests: sparkmagic's base class returns ``None`` from ``__call__``,
    and a plugin's own failure becomes a :class:`CredentialsUnavailable` naming it, not a raw traceback."""

    def __init__(self, inner: Any, target: str) -> None:
        self.inner = inner
        self._target = target

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        try:
            result = self.inner(request)
        except LivyError:
            raise
        except Exception as exc:  # noqa: BLE001 - third-party code: name it, whatever it raised
            raise CredentialsUnavailable(
                f"the auth class {self._target!r} failed to sign {request.method} {redact_url(request.url or '')}: "
                f"{type(exc).__name__}: {exc}"
            ) from None
        return request if result is None else result


@dataclass(frozen=True)
class CustomAuth(Auth):
    """An authenticator class from a dotted path or an entry point, given the endpoint's attributes.

    :param target: ``package.module:Class``, ``package.module.Class``, or an entry-point name.
    :param url: the endpoint's URL (sparkmagic classes read ``.url``).
    :param username: the user, if configured.
    :param password: the password, if configured (revealed only to the class).
    :param options: the endpoint's ``auth_options``.
    :param name: the name the configuration used for it (for messages), e.g. sparkmagic's ``"Google"``.
    """

    target: str
    url: str = ""
    username: str | None = None
    password: Secret | None = None
    options: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    name: str = ""

    def _factory(self) -> Any:
        entry = None if ("." in self.target or ":" in self.target) else find_entry_point(self.target)
        if entry is not None:
            try:
                return entry.load()
            except Exception as exc:  # noqa: BLE001 - third-party code: name it, whatever it raised
                raise ValueError(
                    f"the auth plugin {self.target!r} (entry point {entry.value!r}) could not be loaded: "
                    f"{type(exc).__name__}: {exc}"
                ) from None
        return load_object(self.target)

    def requests_auth(self) -> requests.auth.AuthBase:
        """Import the class and build it with the endpoint's attributes.

        :return: the class's object, adapted to requests.
        :raises ValueError: if the class cannot be imported or built.
        """
        factory = self._factory()
        given = {
            "url": self.url,
            "user": self.username or "",
            "password": self.password.reveal() if self.password is not None else "",
            "auth": self.name or self.target,
        }
        attributes = AuthAttributes(**{**dict(self.options), **given})
        try:
            instance = factory(attributes)
        except Exception as exc:  # noqa: BLE001 - third-party code: name it, whatever it raised
            raise ValueError(
                f"the auth class {self.target!r} failed to start: {type(exc).__name__}: {exc}"
            ) from None
        if not callable(instance):
            kind = type(instance).__name__
            raise ValueError(  # noqa: TRY004 - a configuration problem, reported like the others
                f"the auth class {self.target!r} gave a {kind}, which cannot sign requests"
            )
        return _AnyCallableAuth(instance, self.target)

    def describe(self) -> str:
        """:return: e.g. ``"custom auth 'teamauth:TeamToken'"``."""
        return f"custom auth {self.target!r}"
