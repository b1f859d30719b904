"""The globals a pyspark session's code starts with: ``spark``, ``sc`` and ``sqlContext``, as in Livy."""

from __future__ import annotations

import builtins
import warnings
from typing import TYPE_CHECKING, Any

from .magics import use_headless_matplotlib

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = ["make_namespace"]


def make_namespace(spark: SparkSession) -> dict[str, Any]:
    """A fresh ``__main__``-like namespace bound to a running SparkSession.

    Also makes matplotlib headless for this process, so ``%matplot`` works after ``import pyplot``.

    ``__name__`` is ``"__main__"`` so functions defined in cells are shipped to executors by value
    (cloudpickle pickles ``__main__`` functions that way) rather than by an import that would fail there.

    :param spark: the session's SparkSession.
    """
    from pyspark.sql import SQLContext

    use_headless_matplotlib()
    # PySpark 4.1+ warns on every DataFrame.toJSON() that its return type will change; the warning lands in
    # the statement's text, and Livy clients (pylivy's download, sparkmagic's %%sql) parse that text as
    # JSON rows. It concerns a future release, so it is silenced for this session process.
    warnings.filterwarnings("ignore", message="The return type of DataFrame.toJSON", category=UserWarning)
    context = spark.sparkContext
    with warnings.catch_warnings():
        # SQLContext is deprecated (FutureWarning) but Livy binds it and old notebooks use it. Passing the
        # session avoids today's warning; this keeps a future one from failing a run with -W error.
        warnings.simplefilter("ignore", FutureWarning)
        sql_context = SQLContext(context, spark)
    return {
        "__name__": "__main__",
        "__doc__": None,
        "__builtins__": builtins,
        "spark": spark,
        "sc": context,
        "sqlContext": sql_context,
    }
