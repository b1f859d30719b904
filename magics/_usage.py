"""The short usage table ``%spark`` (alone) and ``%spark help`` print; ``%spark?`` has every flag."""

from __future__ import annotations

import html
from typing import Any, Final

__all__ = ["USAGE", "usage_bundle"]

USAGE: Final = (
    (
        "%spark add -s NAME -l LANG [-u URL] [-t AUTH -a USER -p PASSWORD] [-k]",
        "Start a session NAME (LANG: python, scala, r, sql) on the endpoint; -k: skip if NAME exists.",
    ),
    ("%spark add -s NAME -u URL --id ID", "Attach to the existing session ID (shared with other notebooks)."),
    ("%%spark [-s NAME]", "Run the cell in the session (-s may be left out when there is one session)."),
    (
        "%%spark -c sql [-o VAR] [-q] [-n MAXROWS] [-m take|sample] [-r FRACTION]",
        "Run the cell as Spark SQL and show the result as a table (-o: also store it as a pandas DataFrame).",
    ),
    (
        "%%spark -o VAR",
        "After the cell, copy its last expression (or the remote DataFrame VAR) to local VAR.",
    ),
    (
        "%%send_to_spark -i VAR [-t df|str] -n NAME [-m MAXROWS] [-s SESSION]",
        "Send the local pandas DataFrame or string VAR to the session as NAME (types and any content kept).",
    ),
    ("%spark info [-u URL]", "This notebook's sessions, or every session on the endpoint."),
    ("%%spark config", "Livy session settings (JSON in the cell) for sessions added from now on."),
    ("%spark logs [-s NAME]", "The session's log."),
    ("%spark delete -s NAME", "Delete this notebook's session NAME."),
    ("%spark delete -u URL -i ID", "Delete session ID on the endpoint, whoever started it."),
    ("%spark cleanup [-u URL]", "Delete this notebook's sessions, or every session on the endpoint."),
    ("%manage_spark", "A view of this notebook's sessions with delete buttons."),
    ("%spark?", "Every flag, with its meaning."),
)
"""(usage, meaning) rows."""

_TITLE: Final = "sparkwire %spark magics (sparkmagic-compatible). Remote errors stop the notebook run."


def usage_bundle() -> dict[str, Any]:
    """:return: the usage table as ``text/html`` and ``text/plain``."""
    text = _TITLE + "\n" + "\n".join(f"  {usage}\n      {meaning}" for usage, meaning in USAGE)
    rows = "".join(
        f"<tr><td style='text-align:left'><code>{html.escape(usage)}</code></td>"
        f"<td style='text-align:left'>{html.escape(meaning)}</td></tr>"
        for usage, meaning in USAGE
    )
    return {"text/plain": text, "text/html": f"<p>{html.escape(_TITLE)}</p><table>{rows}</table>"}
