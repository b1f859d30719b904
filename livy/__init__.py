"""sparkwire.livy: a typed REST client for Apache Livy 0.5–0.9 and sparkwire's gateway.

::

    from sparkwire.livy import LivyClient, SessionSpec, SessionKind, wait_for_session, run_statement

    with LivyClient("http://localhost:8998") as client:
        session = client.create_session(SessionSpec(kind=SessionKind.PYSPARK))
        wait_for_session(client, session.id, timeout=300)
        output = run_statement(client, session.id, "1 + 1", raise_on_error=True)
        print(output.text)
        client.delete_session(session.id)
"""

import dataclasses as _dataclasses
import inspect as _inspect

from ._auth import Auth, BasicAuth, BearerAuth, KerberosAuth, NoAuth
from ._auth_config import BUILTIN_AUTHS, AuthSettings, auth_from_config, builtin_auth_name
from ._auth_plugins import ENTRY_POINT_GROUP, AuthAttributes, CustomAuth
from ._client import LivyClient
from ._cloud_auth import AwsSigV4Auth, GoogleAuth
from ._errors import (
    AuthenticationFailed,
    BadRequest,
    BatchNotFound,
    CredentialsUnavailable,
    EndpointUnreachable,
    HTTPStatusError,
    InvalidResponse,
    LivyError,
    LivyTimeout,
    MissingDependency,
    NotFound,
    ServerError,
    SessionDead,
    SessionNotFound,
    StatementCancelled,
    StatementFailed,
    StatementNotFound,
)
from ._models import (
    AppInfo,
    Batch,
    BatchList,
    Output,
    Session,
    SessionList,
    SessionLog,
    Statement,
    StatementList,
)
from ._polling import polling_intervals
from ._responses import JsonResponse
from ._retries import DEFAULT_RETRIES, NO_RETRIES, RETRYABLE_STATUSES, RetryPolicy
from ._secret import Secret
from ._specs import BatchSpec, SessionSpec
from ._states import (
    BUSY_STATES,
    FINAL_STATEMENT_STATES,
    FINAL_STATES,
    NOT_READY_STATES,
    READY_STATES,
    STARTING_STATES,
    BatchState,
    OutputStatus,
    SessionKind,
    SessionState,
    StatementState,
)
from ._timeouts import DEFAULT_TIMEOUT, USE_CLIENT_DEFAULT, Timeout, TimeoutTypes, UseClientDefault
from ._token_command import TokenCommand
from ._transport import JsonTransport
from ._urls import redact_url
from ._version import Version, VersionInfo
from ._waiting import (
    BATCH_FOLLOW_SCHEDULE,
    CANCEL_SCHEDULE,
    SESSION_SCHEDULE,
    STATEMENT_SCHEDULE,
    Schedule,
    run_statement,
    wait_for_batch,
    wait_for_session,
    wait_for_statement,
)

__all__ = [
    "BATCH_FOLLOW_SCHEDULE",
    "BUILTIN_AUTHS",
    "BUSY_STATES",
    "CANCEL_SCHEDULE",
    "DEFAULT_RETRIES",
    "DEFAULT_TIMEOUT",
    "ENTRY_POINT_GROUP",
    "FINAL_STATEMENT_STATES",
    "FINAL_STATES",
    "NOT_READY_STATES",
    "NO_RETRIES",
    "READY_STATES",
    "RETRYABLE_STATUSES",
    "SESSION_SCHEDULE",
    "STARTING_STATES",
    "STATEMENT_SCHEDULE",
    "USE_CLIENT_DEFAULT",
    "AppInfo",
    "Auth",
    "AuthAttributes",
    "AuthSettings",
    "AuthenticationFailed",
    "AwsSigV4Auth",
    "BadRequest",
    "BasicAuth",
    "Batch",
    "BatchList",
    "BatchNotFound",
    "BatchSpec",
    "BatchState",
    "BearerAuth",
    "CredentialsUnavailable",
    "CustomAuth",
    "EndpointUnreachable",
    "GoogleAuth",
    "HTTPStatusError",
    "InvalidResponse",
    "JsonResponse",
    "JsonTransport",
    "KerberosAuth",
    "LivyClient",
    "LivyError",
    "LivyTimeout",
    "MissingDependency",
    "NoAuth",
    "NotFound",
    "Output",
    "OutputStatus",
    "RetryPolicy",
    "Schedule",
    "Secret",
    "ServerError",
    "Session",
    "SessionDead",
    "SessionKind",
    "SessionList",
    "SessionLog",
    "SessionNotFound",
    "SessionSpec",
    "SessionState",
    "Statement",
    "StatementCancelled",
    "StatementFailed",
    "StatementList",
    "StatementNotFound",
    "StatementState",
    "Timeout",
    "TimeoutTypes",
    "TokenCommand",
    "UseClientDefault",
    "Version",
    "VersionInfo",
    "auth_from_config",
    "builtin_auth_name",
    "polling_intervals",
    "redact_url",
    "run_statement",
    "wait_for_batch",
    "wait_for_session",
    "wait_for_statement",
]

# Show public classes and functions as sparkwire.livy.X in reprs and tracebacks, as httpx does.
# Not dataclasses: typing.get_type_hints resolves their field annotations in the module named by
# __module__, and those names live in the private modules.
__locals = locals()
for __name in __all__:
    __member = __locals[__name]
    if (_inspect.isclass(__member) or _inspect.isfunction(__member)) and not _dataclasses.is_dataclass(
        __member
    ):
        __member.__module__ = "sparkwire.livy"
del __locals, __name, __member
