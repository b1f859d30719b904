"""Keep a session's orphaned descendants below the session process (Linux ``PR_SET_CHILD_SUBREAPER``).

User code may start a child that calls ``setsid`` and outlives its parent: it leaves the session's
process group, and without this it would be re-parented to init, out of the gateway's sight. As a
subreaper the worker adopts it instead, so the gateway finds it below the worker and kills it with the
session (see sparkwire.gateway.process_tree).
"""

from __future__ import annotations

import ctypes
import sys

__all__ = ["become_subreaper"]

_PR_SET_CHILD_SUBREAPER = 36  # from <linux/prctl.h>


def become_subreaper() -> bool:
    """Make this process the subreaper of its descendants.

    :return: True on Linux when the kernel accepted it; False elsewhere (nothing changes).
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False
