"""Keep secrets out of what the gateway shows and what its children can read.

- Spark conf values whose keys match Spark's own redaction pattern are masked in logs and API answers.
- The gateway's process is hardened once its settings are read: its ``SPARKWIRE_GATEWAY_*`` variables
  are wiped (also from the memory ``/proc/<pid>/environ`` reads) and it is made non-dumpable, so code
  running as the same OS user cannot read its environment or memory.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import sys
from collections.abc import Mapping, MutableMapping

__all__ = ["MASK", "SPARK_REDACTION", "harden_process", "is_secret_key", "mask_conf", "mask_text"]

# Spark's default spark.redaction.regex (which Spark masks in its UI and event logs), plus credential
# names it misses: Azure's fs.azure.account.key.*, private keys, passwd and credential settings.
SPARK_REDACTION = re.compile(
    r"(?i)secret|password|token|access[.]?key|account[.]key|private[.]?key|passwd|credential"
)
MASK = "*********(redacted)"

# `key=value` in a command line or a properties dump (`--conf k=v`, `-Dk=v`), and `"key": "value"` in JSON.
_ASSIGNMENT = re.compile(r"(?P<key>[A-Za-z0-9_.\-]+)(?P<sep>=)(?P<value>[^\s'\"]*)")
# A shell-quoted argument (shlex.join quotes a value holding spaces): 'key=value with spaces'.
_QUOTED_ASSIGNMENT = re.compile(r"'(?P<key>[A-Za-z0-9_.\-]+)(?P<sep>=)(?P<value>[^']*)'")
_JSON_PAIR = re.compile(r"(?P<key>\"[A-Za-z0-9_.\-]+\")(?P<sep>\s*:\s*)(?P<value>\"(?:[^\"\\]|\\.)*\")")

_PR_SET_DUMPABLE = 4


def is_secret_key(key: str) -> bool:
    """:return: True when Spark would redact the value of conf key ``key``."""
    return SPARK_REDACTION.search(key) is not None


def mask_conf(conf: Mapping[str, str]) -> dict[str, str]:
    """:return: ``conf`` with secret values replaced by a mask."""
    return {k: (MASK if is_secret_key(k) else v) for k, v in conf.items()}


def _mask_match(match: re.Match[str]) -> str:
    if not is_secret_key(match.group("key")) or not match.group("value"):
        return match.group(0)
    quote = '"' if match.group("value").startswith('"') else ""
    return f"{match.group('key')}{match.group('sep')}{quote}{MASK}{quote}"


def mask_text(text: str) -> str:
    """Mask the values of secret ``key=value`` and ``"key": "value"`` pairs in a log line."""
    if SPARK_REDACTION.search(text) is None:  # the common case: nothing to look at
        return text
    text = _QUOTED_ASSIGNMENT.sub(lambda m: f"'{_mask_match(m)}'", text)
    return _JSON_PAIR.sub(_mask_match, _ASSIGNMENT.sub(_mask_match, text))


def _wipe_c_environ(prefix: str) -> None:
    """Overwrite the values of ``prefix*`` variables where the C runtime keeps them.

    ``os.environ`` is a copy; ``/proc/<pid>/environ`` shows the original block, which unsetenv leaves
    in place. Zeroing the bytes in place is the only way to take a secret out of it.
    """
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return
    libc = ctypes.CDLL(libc_name)
    try:
        entries = ctypes.POINTER(ctypes.c_void_p).in_dll(libc, "environ")
    except ValueError:
        return
    wanted = prefix.encode()
    for i in range(100_000):  # bounded: environ ends with a NULL pointer
        address = entries[i]
        if not address:
            break
        entry = ctypes.string_at(address)
        if entry.startswith(wanted) and b"=" in entry:
            name_length = entry.index(b"=") + 1
            ctypes.memset(address + name_length, 0, len(entry) - name_length)


def _make_non_dumpable() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    return bool(libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0) == 0)


def harden_process(prefix: str, environ: MutableMapping[str, str] | None = None) -> bool:
    """Remove the gateway's settings from its environment and make the process non-dumpable.

    Call once the settings are read. Non-dumpable (``prctl(PR_SET_DUMPABLE, 0)``) makes
    ``/proc/<pid>/environ``, ``mem`` and ptrace out of reach of other processes of the same user;
    it is not inherited by the session processes the gateway starts.

    :param prefix: the settings' environment prefix (``SPARKWIRE_GATEWAY_``).
    :param environ: the mapping to clean (``os.environ`` by default).
    :return: True if the process is now non-dumpable (Linux only).
    """
    target = os.environ if environ is None else environ
    if environ is None:
        _wipe_c_environ(prefix)
    for key in [k for k in target if k.startswith(prefix)]:
        del target[key]
    return _make_non_dumpable()
