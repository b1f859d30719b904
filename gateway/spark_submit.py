"""Turn Livy's resource fields into spark-submit arguments.

Sessions and batches take the same fields (driverMemory, jars, conf, ...). They become
``--conf`` pairs so one mapping serves every master: ``local[*]``, ``spark://``, ``k8s://`` and
``yarn``. Sessions hand the result to PySpark as ``PYSPARK_SUBMIT_ARGS``; batches run
spark-submit with it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["SparkJobSpec", "spark_conf_for", "submit_args"]


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
) -> list[str]:
    """spark-submit options (without the application) for a job.

    :param spec: the job's fields.
    :param master: ``local[*]``, ``spark://host:port``, ``k8s://https://host:port`` or ``yarn``.
    :param deploy_mode: ``client`` or ``cluster``.
    :param defaults: gateway-wide Spark properties.
    :param impersonation: pass ``proxyUser`` as ``--proxy-user``; otherwise it is only recorded.
    :return: the argument list, e.g. ``["--master", "yarn", "--deploy-mode", "client", "--conf", ...]``.
    """
    args = ["--master", master, "--deploy-mode", deploy_mode]
    for key, value in sorted(spark_conf_for(spec, defaults).items()):
        args += ["--conf", f"{key}={value}"]
    if impersonation and spec.proxy_user:
        args += ["--proxy-user", spec.proxy_user]
    return args
