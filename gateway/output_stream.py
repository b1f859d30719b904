"""Statements whose output was spilled to a file, served without loading the file.

A 50 MB output held in memory, and again as the response body, is what made one client's
``GET /statements`` stall every other client. A spilled output is instead streamed from its file in
small chunks, inside JSON written around it, so the gateway's memory stays flat.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from fastapi.responses import StreamingResponse

from .models import StatementOut

__all__ = ["statement_list_response", "statement_response"]

_CHUNK = 256 * 1024


def _lost(statement_id: int, path: Path) -> bytes:
    """The output of a statement whose spill file is gone (deleted by hand, or a full disk)."""
    return json.dumps(
        {
            "status": "error",
            "execution_count": statement_id,
            "ename": "OutputLost",
            "evalue": f"The output of statement {statement_id} was stored in {path.name}, "
            f"which can no longer be read; run the statement again.",
            "traceback": [],
        }
    ).encode()


def _statement_chunks(statement: StatementOut, path: Path | None) -> Iterator[bytes]:
    """One statement's JSON: its fields, then ``"output":`` followed by the file's bytes."""
    if path is None:
        yield statement.model_dump_json().encode()
        return
    fields = statement.model_dump(mode="json", exclude={"output"})
    yield json.dumps(fields)[:-1].encode() + b', "output": '
    try:
        with open(path, "rb") as source:
            while chunk := source.read(_CHUNK):
                yield chunk
    except OSError:
        yield _lost(statement.id, path)
    yield b"}"


def statement_response(
    statement: StatementOut, path: Path, *, status_code: int = 200, headers: dict[str, str] | None = None
) -> StreamingResponse:
    """:return: a streamed statement answer (``GET /statements/{id}``; a ``POST`` that waited for the
    statement to finish) whose output comes from ``path``."""
    return StreamingResponse(
        _statement_chunks(statement, path),
        status_code=status_code,
        headers=headers,
        media_type="application/json",
    )


def statement_list_response(total: int, page: list[tuple[StatementOut, Path | None]]) -> StreamingResponse:
    """:return: a streamed ``GET /statements`` answer; spilled outputs come from their files."""

    def chunks() -> Iterator[bytes]:
        yield f'{{"total_statements": {total}, "statements": ['.encode()
        for n, (statement, path) in enumerate(page):
            if n:
                yield b", "
            yield from _statement_chunks(statement, path)
        yield b"]}"

    return StreamingResponse(chunks(), media_type="application/json")
