"""Which files a batch may make Spark load: every field and every ``conf`` key that names code.

Local files (no scheme, ``file:`` or ``local:``) must resolve, symlinks and ``..`` included, into one
of the gateway's ``batch_dirs``; remote files need an allowed URL scheme. Lists are split on commas
(class paths on ``:``) before each piece is checked, and a ``#alias`` fragment must be a plain name,
so neither a comma nor a fragment can carry a second path past the check. The ``conf`` twins of the
fields (``spark.submit.pyFiles``, ``spark.jars``...), class and library paths, interpreter settings,
code-loading JVM options and environment variables such as ``LD_PRELOAD`` are checked the same way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from .errors import BadRequest

__all__ = ["REMOTE_SCHEMES", "check_batch_conf", "resolve_batch_path", "resolve_path_list"]

# Schemes Spark fetches from storage or the network (never from this machine's disk).
REMOTE_SCHEMES = frozenset(
    {
        "hdfs",
        "viewfs",
        "s3",
        "s3a",
        "s3n",
        "gs",
        "abfs",
        "abfss",
        "wasb",
        "wasbs",
        "adl",
        "oss",
        "cos",
        "cosn",
        "o3fs",
        "ofs",
        "http",
        "https",
        "ftp",
    }
)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_FRAGMENT = re.compile(r"[A-Za-z0-9._-]+")

# conf keys holding comma-separated files or URLs, like the request's list fields.
_LIST_KEYS = frozenset(
    {
        "spark.jars",
        "spark.submit.pyFiles",
        "spark.files",
        "spark.archives",
        "spark.yarn.dist.jars",
        "spark.yarn.dist.pyFiles",
        "spark.yarn.dist.files",
        "spark.yarn.dist.archives",
        "spark.yarn.jars",
        "spark.yarn.archive",
        "spark.jars.ivySettings",
        "spark.kubernetes.file.upload.path",
        "spark.sql.hive.metastore.jars.path",
        "spark.driver.log.dfsDir",
    }
)
# conf keys holding ':'-separated local paths.
_CLASSPATH_KEYS = frozenset(
    {
        "spark.driver.extraClassPath",
        "spark.executor.extraClassPath",
        "spark.driver.extraLibraryPath",
        "spark.executor.extraLibraryPath",
        "spark.yarn.am.extraLibraryPath",
    }
)
# conf keys naming a program to run: the gateway chooses these, a request may not.
_PROGRAM_KEYS = frozenset(
    {
        "spark.pyspark.python",
        "spark.pyspark.driver.python",
        "spark.r.command",
        "spark.r.driver.command",
        "spark.sql.hive.metastore.jars",
    }
)
_JAVA_OPTION_KEYS = frozenset(
    {
        "spark.driver.extraJavaOptions",
        "spark.executor.extraJavaOptions",
        "spark.driver.defaultJavaOptions",
        "spark.executor.defaultJavaOptions",
        "spark.yarn.am.extraJavaOptions",
    }
)
_CODE_LOADING_JVM_OPTIONS = re.compile(
    r"(^|\s)(-javaagent|-agentpath|-agentlib|-Xbootclasspath|-XX:OnError|-XX:OnOutOfMemoryError|-cp\b|"
    r"-classpath|--class-path|--module-path|--patch-module|-Djava\.system\.class\.loader|@)",
    re.IGNORECASE,
)
# Environment variables that load code, under spark.executorEnv.X and the like.
_ENV_PREFIXES = ("spark.executorEnv.", "spark.yarn.appMasterEnv.", "spark.kubernetes.driverEnv.")
_CODE_ENV = frozenset(
    {
        "LD_PRELOAD",
        "LD_LIBRARY_PATH",
        "PYTHONPATH",
        "PYTHONSTARTUP",
        "PYTHONHOME",
        "PYSPARK_PYTHON",
        "PYSPARK_DRIVER_PYTHON",
        "JAVA_TOOL_OPTIONS",
        "_JAVA_OPTIONS",
        "JDK_JAVA_OPTIONS",
        "CLASSPATH",
        "SPARK_CLASSPATH",
        "BASH_ENV",
        "ENV",
    }
)
_DISCOVERY_SCRIPT = re.compile(r"^spark\.(driver|executor|worker)\.resource\..+\.discoveryScript$")


def _outside(what: str, value: str, dirs: Sequence[Path]) -> BadRequest:
    return BadRequest(
        f"{what} {value!r} is a local file outside the directories batches may use "
        f"({', '.join(str(d) for d in dirs) or 'none'}). Move it into one of them, give a remote URL "
        f"(hdfs://, s3a://, https://), or add its directory to the gateway setting batch_dirs "
        f"(sparkwire gateway --batch-dir DIR, or SPARKWIRE_GATEWAY_BATCH_DIRS)."
    )


def _local_path(raw: str, dirs: Sequence[Path], what: str, original: str) -> Path:
    raw = "/" + raw.lstrip("/") if raw.startswith("//") else raw  # file:///x -> /x
    try:
        path = (dirs[0] / raw if dirs else Path(raw)).resolve()
    except OSError as exc:  # a name too long for the file system, a symlink loop, ...
        raise BadRequest(
            f"{what} {original[:200]!r} is not a usable local path: {exc.strerror or exc}."
        ) from None
    if not any(path.is_relative_to(d) for d in dirs):
        raise _outside(what, original, dirs)
    return path


def resolve_batch_path(value: str, allowed: Sequence[Path], what: str, *, must_exist: bool = True) -> str:
    """Check one file a batch names and return what spark-submit should get.

    Remote URLs with an allowed scheme pass through untouched. Local paths must resolve into one of
    ``allowed``; relative ones are taken from the first of them, as Livy's local-dir whitelist does.

    :param value: one path or URL (no commas), possibly with a ``#alias`` fragment.
    :param allowed: the gateway's ``batch_dirs``.
    :param what: the request field or conf key, for messages.
    :param must_exist: refuse a local file that does not exist.
    :return: the URL unchanged, or the resolved local path (scheme and fragment kept).
    :raises BadRequest: a local file outside ``allowed``, a missing one, a scheme not allowed, or a comma
        or fragment that could hide a second path.
    """
    if "," in value:
        raise BadRequest(f"{what} {value!r} holds a comma: give each file as its own list item.")
    location, hash_mark, fragment = value.partition("#")
    if hash_mark and not _FRAGMENT.fullmatch(fragment):
        raise BadRequest(f"{what} {value!r}: the name after '#' may hold only letters, digits and . _ -.")
    scheme_match = _SCHEME.match(location)
    scheme = scheme_match.group(1).lower() if scheme_match else ""
    if scheme in REMOTE_SCHEMES:
        return value
    if scheme not in ("", "file", "local"):
        raise BadRequest(
            f"{what} {value!r}: the URL scheme {scheme!r} is not allowed for batches; use a "
            f"local file in batch_dirs or one of {', '.join(sorted(REMOTE_SCHEMES))}."
        )
    dirs = [d.resolve() for d in allowed]
    path = _local_path(location[len(scheme) + 1 :] if scheme else location, dirs, what, value)
    try:
        exists = path.exists()
    except OSError as exc:
        raise BadRequest(
            f"{what} {value[:200]!r} is not a usable local path: {exc.strerror or exc}."
        ) from None
    if must_exist and not exists:
        raise BadRequest(f"{what} {value!r}: no such file ({path}).")
    return (f"{scheme}:" if scheme else "") + str(path) + (hash_mark + fragment)


def resolve_path_list(values: Sequence[str], allowed: Sequence[Path], what: str) -> tuple[str, ...]:
    """Check list items, each split on commas first (Spark joins them with commas anyway)."""
    return tuple(
        resolve_batch_path(piece.strip(), allowed, what)
        for value in values
        for piece in value.split(",")
        if piece.strip()
    )


def _check_classpath(key: str, value: str, dirs: Sequence[Path]) -> str:
    # The JVM splits class paths on ':' whatever precedes it, so "hdfs://x" is two local paths here.
    resolved = []
    for piece in value.split(":"):
        if piece:
            base = piece.removesuffix("/*")  # "dir/*": every jar in dir
            path = _local_path(base, [d.resolve() for d in dirs], f"conf {key}", piece)
            resolved.append(str(path) + ("/*" if piece.endswith("/*") else ""))
    return ":".join(resolved)


def check_batch_conf(conf: Mapping[str, str], allowed: Sequence[Path]) -> dict[str, str]:
    """Check every ``conf`` entry that makes Spark load code or files.

    :return: the conf with local paths resolved.
    :raises BadRequest: naming the key and the rule.
    """
    checked = dict(conf)
    for key, value in conf.items():
        env_name = next((key[len(p) :] for p in _ENV_PREFIXES if key.startswith(p)), None)
        if key in _LIST_KEYS or _DISCOVERY_SCRIPT.match(key):
            checked[key] = ",".join(resolve_path_list([value], allowed, f"conf {key}"))
        elif key in _CLASSPATH_KEYS:
            checked[key] = _check_classpath(key, value, allowed)
        elif key in _PROGRAM_KEYS:
            raise BadRequest(
                f"conf {key} is set by the gateway (its Python or R); a batch may not change it."
            )
        elif key in _JAVA_OPTION_KEYS and _CODE_LOADING_JVM_OPTIONS.search(value):
            raise BadRequest(
                f"conf {key}: JVM options that load code (-javaagent, -agentpath, -Xbootclasspath, "
                f"-cp, @argfiles, ...) are not allowed in batches; ship jars with 'jars'."
            )
        elif env_name is not None and env_name.upper() in _CODE_ENV:
            raise BadRequest(
                f"conf {key}: the environment variable {env_name} loads code, so a batch may not set "
                f"it; ship Python files with 'pyFiles' and jars with 'jars'."
            )
    return checked
