"""sparkwire.engine: what the Remote PySpark kernel and the ``%spark`` magics share.

::

    from sparkwire.engine import Engine, IPythonDisplaySink

    engine = Engine.from_environment()            # config file + environment
    engine.registry.add("main", body=engine.config.session_body({"kind": "pyspark"}))
    result = engine.run("main", "spark.range(10).count()", sink=IPythonDisplaySink())
    print(result.rendered.stdout, end="")         # 10
    engine.close()                                # deletes the sessions it created

Modules: ``config`` (file, environment, sparkmagic's file), ``endpoint_config`` (one endpoint: auth,
TLS, retries, proxy user), ``endpoints`` (clients), ``registry``
(named sessions), ``execution`` (submit, poll, cancel), ``rendering`` (Livy output → MIME bundles),
``tracebacks`` (remote errors: the cell's lines, Spark internals hidden), ``display``, ``progress``,
``jobs`` and ``jobs_view`` (start view, the live Spark jobs view, progress bars), ``show_table``
(``%%pretty``), ``reports`` (``info``/``logs`` tables),
``frames`` and ``last_value`` (DataFrame results, a DataFrame last expression), ``literals``
(values in remote code), ``sql`` (typed SQL transfer, and the flags kernel and magics share),
``core`` (:class:`Engine`, tying them together; with ``frames`` the only users of ``sql``).
"""

from .config import (
    DEFAULT_URL,
    AuthType,
    EndpointConfig,
    KernelOptions,
    ProgressMode,
    SparkwireConfig,
    config_path,
    load_config,
    parse_config,
)
from .core import CellResult, Engine
from .display import DisplaySink, IPythonDisplaySink, NullSink, widget_frontend_connected
from .endpoints import ClientFactory, endpoint_auth, make_client
from .errors import (
    ConfigError,
    EngineError,
    ErrorReport,
    ExecutionInterrupted,
    SessionLost,
    UnknownSession,
    describe_error,
    message_error,
    report_to_error,
)
from .execution import ProgressCallback, check_session_lost, execute
from .frames import SendOutcome, SqlResult
from .interrupts import interrupts_deferred
from .jobs import JobProgress, StageProgress, fetch_statement_jobs
from .jobs_view import StatementView
from .last_value import LAST_DATAFRAME_VAR
from .progress import SessionStartView, StatementProgress, format_bar, format_duration
from .registry import SessionHandle, SessionRegistry, StartCallback
from .rendering import (
    LIVY_TABLE_MIME,
    ErrorInfo,
    RenderedOutput,
    Table,
    render_error,
    render_output,
    table_from_livy,
    table_from_sql_json,
    table_html,
    table_text,
)
from .reports import log_text, sessions_bundle, settings_bundle
from .session_body import SESSION_KEYS, merge_bodies, spec_from_body
from .show_table import pretty_bundle
from .sparkmagic_config import read_sparkmagic_config, sparkmagic_config_path
from .tracebacks import format_error, parse_traceback

__all__ = [
    "DEFAULT_URL",
    "LAST_DATAFRAME_VAR",
    "LIVY_TABLE_MIME",
    "SESSION_KEYS",
    "AuthType",
    "CellResult",
    "ClientFactory",
    "ConfigError",
    "DisplaySink",
    "EndpointConfig",
    "Engine",
    "EngineError",
    "ErrorInfo",
    "ErrorReport",
    "ExecutionInterrupted",
    "IPythonDisplaySink",
    "JobProgress",
    "KernelOptions",
    "NullSink",
    "ProgressCallback",
    "ProgressMode",
    "RenderedOutput",
    "SendOutcome",
    "SessionHandle",
    "SessionLost",
    "SessionRegistry",
    "SessionStartView",
    "SparkwireConfig",
    "SqlResult",
    "StageProgress",
    "StartCallback",
    "StatementProgress",
    "StatementView",
    "Table",
    "UnknownSession",
    "check_session_lost",
    "config_path",
    "describe_error",
    "endpoint_auth",
    "execute",
    "fetch_statement_jobs",
    "format_bar",
    "format_duration",
    "format_error",
    "interrupts_deferred",
    "load_config",
    "log_text",
    "make_client",
    "merge_bodies",
    "message_error",
    "parse_config",
    "parse_traceback",
    "pretty_bundle",
    "read_sparkmagic_config",
    "render_error",
    "render_output",
    "report_to_error",
    "sessions_bundle",
    "settings_bundle",
    "sparkmagic_config_path",
    "spec_from_body",
    "table_from_livy",
    "table_from_sql_json",
    "table_html",
    "table_text",
    "widget_frontend_connected",
]
