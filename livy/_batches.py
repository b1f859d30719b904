"""The batch calls of :class:`LivyClient` (``/batches``), kept apart to keep modules short."""

from __future__ import annotations

from ._calls import CallTimeout, RestCalls, paging, parse_state
from ._errors import BatchNotFound, SessionId
from ._models import Batch, BatchList, SessionLog
from ._specs import BatchSpec
from ._states import BatchState
from ._timeouts import USE_CLIENT_DEFAULT
from ._urls import quote_id

__all__ = ["BatchCalls"]


class BatchCalls(RestCalls):
    """``/batches`` calls; see :class:`LivyClient`."""

    def list_batches(
        self, from_: int = 0, size: int = 100, *, timeout: CallTimeout = USE_CLIENT_DEFAULT
    ) -> BatchList:
        """``GET /batches``: one page of batches.

        :param from_: the offset of the first batch.
        :param size: the page size.
        :param timeout: this call's timeout; by default the client's.
        :return: the page, with the total count.
        """
        return self._get("/batches", BatchList.from_json, timeout, paging(from_, size))

    def create_batch(self, spec: BatchSpec, *, timeout: CallTimeout = USE_CLIENT_DEFAULT) -> Batch:
        """``POST /batches``: submit an application; never repeated once it may have reached the server.

        :param spec: what to run.
        :param timeout: this call's timeout; by default the client's.
        :return: the new batch.
        """
        response = self._call("POST", "/batches", json=spec.to_json(), idempotent=False, timeout=timeout)
        return self._parse(Batch.from_json, response, "POST", "/batches")

    def get_batch(self, batch_id: SessionId, *, timeout: CallTimeout = USE_CLIENT_DEFAULT) -> Batch:
        """``GET /batches/{id}``.

        :param batch_id: the batch id or name.
        :param timeout: this call's timeout; by default the client's.
        :return: the batch.
        :raises BatchNotFound: if there is no such batch.
        """
        return self._get(f"/batches/{quote_id(batch_id)}", Batch.from_json, timeout)

    def batch_state(self, batch_id: SessionId, *, timeout: CallTimeout = USE_CLIENT_DEFAULT) -> BatchState:
        """``GET /batches/{id}/state``.

        :param batch_id: the batch id or name.
        :param timeout: this call's timeout; by default the client's.
        :return: the state.
        :raises BatchNotFound: if there is no such batch.
        """
        return self._get(f"/batches/{quote_id(batch_id)}/state", parse_state, timeout)

    def batch_log(
        self,
        batch_id: SessionId,
        from_: int | None = None,
        size: int = 100,
        *,
        timeout: CallTimeout = USE_CLIENT_DEFAULT,
    ) -> SessionLog:
        """``GET /batches/{id}/log``.

        :param batch_id: the batch id or name.
        :param from_: the first line; ``None`` for the last ``size`` lines.
        :param size: how many lines; negative for all.
        :param timeout: this call's timeout; by default the client's.
        :return: the slice of the log.
        :raises BatchNotFound: if there is no such batch.
        """
        return self._get(
            f"/batches/{quote_id(batch_id)}/log", SessionLog.from_json, timeout, paging(from_, size)
        )

    def delete_batch(
        self, batch_id: SessionId, *, missing_ok: bool = False, timeout: CallTimeout = USE_CLIENT_DEFAULT
    ) -> None:
        """``DELETE /batches/{id}``: stop the batch.

        :param batch_id: the batch id or name.
        :param missing_ok: do not raise if the batch is already gone.
        :param timeout: this call's timeout; by default the client's.
        :raises BatchNotFound: if there is no such batch and ``missing_ok`` is false.
        """
        try:
            self._call("DELETE", f"/batches/{quote_id(batch_id)}", idempotent=True, timeout=timeout)
        except BatchNotFound:
            if not missing_ok:
                raise
