"""sparkwire.batch: submit and follow Spark batch applications through Livy's ``/batches``.

::

    from sparkwire.livy import BatchSpec, LivyClient
    from sparkwire.batch import batch_exit_code, run_batch

    with LivyClient("http://127.0.0.1:8998") as client:
        batch = run_batch(client, BatchSpec(file="/jobs/pi.py", args=["10"]), on_line=print)
        print(batch.state, batch_exit_code(batch))

The ``sparkwire batch`` command lives in :mod:`sparkwire.batch.cli`.
"""

from .follow import GAP_MARKER, LogFetch, LogFollower, batch_exit_code, follow_batch, run_batch

__all__ = ["GAP_MARKER", "LogFetch", "LogFollower", "batch_exit_code", "follow_batch", "run_batch"]
