"""``SparkSession`` and ``SQLContext`` that start nothing; SQL statements fail with a clear error."""

from __future__ import annotations

import os
from typing import Any


class _StatusTracker:
    def getJobIdsForGroup(self, group: str) -> list[int]:
        return []


class _SparkContext:
    applicationId = f"stub-{os.getpid()}"
    uiWebUrl = None

    def setJobGroup(self, *args: Any, **kwargs: Any) -> None:
        pass

    def cancelJobGroup(self, group: str) -> None:
        pass

    def statusTracker(self) -> _StatusTracker:
        return _StatusTracker()


class SparkSession:
    """``SparkSession.builder.getOrCreate()`` without Spark."""

    class _Builder:
        def config(self, key: str, value: str) -> SparkSession._Builder:
            return self

        def getOrCreate(self) -> SparkSession:
            return SparkSession()

    builder = _Builder()

    def __init__(self) -> None:
        self.sparkContext = _SparkContext()

    def sql(self, query: str) -> Any:
        raise RuntimeError("this is the JVM-free stub pyspark of the fuzz test: it runs no SQL")

    def stop(self) -> None:
        pass


class SQLContext:
    def __init__(self, context: Any, session: Any = None) -> None:
        self.sparkContext = context


class DataFrame:
    pass
