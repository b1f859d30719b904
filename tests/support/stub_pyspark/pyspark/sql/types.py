"""Type names the worker's SQL modules refer to at import time."""


class DataType:
    pass


def __getattr__(name: str) -> type:
    return type(name, (DataType,), {})
