"""Turn Livy's resource fields into spark-submit arguments.

Sessions and batches take the same fields (driverMemory, jars, conf, ...). They become
``--conf`` pairs so one mapping serves every master: ``local[*]``, ``spark://``, ``k8s://`` and
``yarn``. Sessions hand the result to PySpark as ``PYSPARK_SUBMIT_ARGS``; batches run
spark-submit with it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .secrets_scrub import is_secret_key

__all__ = ["SparkJobSpec", "spark_conf_for", "submit_args", "write_properties"]


@dataclass(frozen=True)
class SparkJobSpec:
    """The resource and dependency fields common to Livy sessions and batches."""

    name: str | None = None
    proxy_user: str | None = None
    driver_memory: str | None = None
    driver_cores: int | None = None
    executor_memory: str | None = None
    executor_cores: int | None = None
    num_executors: int | None = None
    jars: Sequence[str] = ()
    py_files: Sequence[str] = ()
    files: Sequence[str] = ()
    archives: Sequence[str] = ()
    queue: str | None = None
    conf: Mapping[str, str] = field(default_factory=dict)


# Livy field -> Spark property. Lists are joined with commas, as spark-submit expects.
_SCALAR_CONF = {
    "name": "spark.app.name",
    "driver_memory": "spark.driver.memory",
    "driver_cores": "spark.driver.cores",
    "executor_memory": "spark.executor.memory",
    "executor_cores": "spark.executor.cores",
    "num_executors": "spark.executor.instances",
    "queue": "spark.yarn.queue",
}
_LIST_CONF = {
    "jars": "spark.jars",
    "py_files": "spark.submit.pyFiles",
    "files": "spark.files",
    "archives": "spark.archives",
}


def spark_conf_for(spec: SparkJobSpec, defaults: Mapping[str, str] | None = None) -> dict[str, str]:
    """Spark properties for a job.

    :param spec: the fields the request set.
    :param defaults: the gateway's own ``spark_conf``; the request's ``conf`` and fields win over it.
    :return: property name -> value, only for what was set.
    """
    conf: dict[str, str] = dict(defaults or {})
    conf.update({str(k): str(v) for k, v in spec.conf.items()})
    for attr, prop in _SCALAR_CONF.items():
        value = getattr(spec, attr)
        if value is not None:
            conf[prop] = str(value)
    for attr, prop in _LIST_CONF.items():
        values: Sequence[str] = getattr(spec, attr)
        if values:
            conf[prop] = ",".join(values)
    return conf


def submit_args(
    spec: SparkJobSpec,
    *,
    master: str,
    deploy_mode: str = "client",
    defaults: Mapping[str, str] | None = None,
    impersonation: bool = False,
    secrets_file: Path | None = None,
) -> list[str]:
    """spark-submit options (without the application) for a job.

    :param spec: the job's fields.
    :param master: ``local[*]``, ``spark://host:port``, ``k8s://https://host:port`` or ``yarn``.
    :param deploy_mode: ``client`` or ``cluster``.
    :param defaults: gateway-wide Spark properties.
    :param impersonation: pass ``proxyUser`` as ``--proxy-user``; otherwise it is only recorded.
    :param secrets_file: where to write properties whose keys Spark redacts (mode 600), passed as
        ``--properties-file``: a command line is readable by every local user (``ps``), a file is not.
        Without it, secrets stay in ``--conf`` pairs.
    :return: the argument list, e.g. ``["--master", "yarn", "--deploy-mode", "client", "--conf", ...]``.
    """
    args = ["--master", master, "--deploy-mode", deploy_mode]
    conf = spark_conf_for(spec, defaults)
    secret = {k: v for k, v in conf.items() if is_secret_key(k)} if secrets_file is not None else {}
    if secret and secrets_file is not None:
        write_properties(secrets_file, secret)
        args += ["--properties-file", str(secrets_file)]
    for key, value in sorted(conf.items()):
        if key not in secret:
            args += ["--conf", f"{key}={value}"]
    if impersonation and spec.proxy_user:
        args += ["--proxy-user", spec.proxy_user]
    return args


def _escape(text: str) -> str:
    # java.util.Properties: backslash escapes, and a key ends at '=', ':' or whitespace.
    out = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
    return out


def write_properties(path: Path, properties: Mapping[str, str]) -> None:
    """Write a Java properties file only its owner can read (it holds secrets)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        f"{_escape(k).replace('=', chr(92) + '=').replace(':', chr(92) + ':')}={_escape(v)}"
        for k, v in sorted(properties.items())
    ]
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
