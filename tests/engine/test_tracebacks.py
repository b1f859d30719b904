"""The remote traceback parser and formatter, on traceback texts shaped like each server's.

The texts are written here after the formats of Livy's ``fake_shell.py`` (top-level ``<stdin>`` frame
dropped, PySpark from ``pyspark.zip`` on YARN), sparkwire's gateway (top-level frame and source lines
kept), Livy's SQL interpreter (one JVM frame per line), and Spark 3.5 / 4.x error messages.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from sparkwire.engine.tracebacks import (
    Frame,
    format_error,
    parse_traceback,
    spark_error_details,
)

_APP = "/mnt/yarn/usercache/livy/appcache/application_1700000000000_0001/container_01"

SPARK35_MISSING_TABLE = (
    "[TABLE_OR_VIEW_NOT_FOUND] The table or view `no_such_table` cannot be found. Verify the spelling and "
    "correctness of the schema and catalog.\nIf you did not qualify the name with a schema, verify the "
    "current_schema() output, or qualify the name with the correct schema and catalog.\nTo tolerate the "
    "error on drop use DROP VIEW IF EXISTS or DROP TABLE IF EXISTS.; line 1 pos 14;\n'Project [*]\n"
    "+- 'UnresolvedRelation [no_such_table], [], false\n"
)
SPARK4_MISSING_TABLE = SPARK35_MISSING_TABLE.replace(
    "IF EXISTS.; line 1 pos 14;", "IF EXISTS. SQLSTATE: 42P01; line 1 pos 14;"
)
SPARK4_DIVIDE_BY_ZERO = (
    "[DIVIDE_BY_ZERO] Division by zero. Use `try_divide` to tolerate divisor being 0 and return NULL "
    'instead. If necessary set "spark.sql.ansi.enabled" to "false" to bypass this error. SQLSTATE: 22012\n'
    "== SQL (line 1, position 8) ==\nSELECT 1/0\n       ^^^\n"
)

LIVY_ANALYSIS = [
    "Traceback (most recent call last):\n",
    (
        f'  File "{_APP}/pyspark.zip/pyspark/sql/session.py", line 1631, in sql\n'
        "    return DataFrame(self._jsparkSession.sql(sqlQuery, litArgs), self)\n"
    ),
    (
        f'  File "{_APP}/py4j-0.10.9.7-src.zip/py4j/java_gateway.py", line 1322, in __call__\n'
        "    return_value = get_return_value(\n"
    ),
    (
        f'  File "{_APP}/pyspark.zip/pyspark/errors/exceptions/captured.py", line 185, in deco\n'
        "    raise converted from None\n"
    ),
    f"pyspark.errors.exceptions.captured.AnalysisException: {SPARK35_MISSING_TABLE}",
]

GATEWAY_ANALYSIS = [
    "Traceback (most recent call last):\n",
    '  File "<stdin>", line 2, in <module>\n    df = spark.sql("SELECT * FROM no_such_table")\n',
    (
        '  File "/venv/lib/python3.11/site-packages/pyspark/sql/session.py", line 1810, in sql\n'
        "    return DataFrame(self._jsparkSession.sql(sqlQuery, litArgs), self)\n"
        "                     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    ),
    (
        '  File "/venv/lib/python3.11/site-packages/py4j/java_gateway.py", line 1362, in __call__\n'
        "    return_value = get_return_value(\n                   ^^^^^^^^^^^^^^^^^\n"
    ),
    (
        '  File "/venv/lib/python3.11/site-packages/pyspark/errors/exceptions/captured.py", line 288, in deco\n'
        "    raise converted from None\n"
    ),
    f"pyspark.errors.exceptions.captured.AnalysisException: {SPARK4_MISSING_TABLE}",
]

LIVY_SQL_JVM = [
    "org.apache.spark.sql.catalyst.analysis.package$AnalysisErrorAt.tableNotFound(package.scala:87)",
    "org.apache.spark.sql.catalyst.analysis.CheckAnalysis.$anonfun$checkAnalysis0$2(CheckAnalysis.scala:202)",
    "org.apache.spark.sql.Dataset$.$anonfun$ofRows$2(Dataset.scala:99)",
    "org.apache.livy.repl.SQLInterpreter.execute(SQLInterpreter.scala:89)",
    "java.lang.Thread.run(Thread.java:750)",
]

PY4J_MESSAGE = (
    "An error occurred while calling o51.collectToPython.\n"
    ": org.apache.spark.SparkException: Job aborted due to stage failure: Task 0 in stage 3.0 failed 1 times\n"
    "\tat org.apache.spark.scheduler.DAGScheduler.failJobAndIndependentStages(DAGScheduler.scala:2898)\n"
    "\tat org.apache.spark.scheduler.DAGScheduler.$anonfun$abortStage$2(DAGScheduler.scala:2834)\n"
    "\t... 12 more\n"
)


def _text(info: object) -> str:
    return "\n".join(info.traceback)


def test_livy_fake_shell_frames_are_read_with_their_source_lines() -> None:
    parsed = parse_traceback(LIVY_ANALYSIS)
    assert [frame.name for frame in parsed.frames] == ["sql", "__call__", "deco"]
    assert parsed.frames[0].source == "return DataFrame(self._jsparkSession.sql(sqlQuery, litArgs), self)"
    assert all(frame.internal for frame in parsed.frames) and not any(f.in_cell for f in parsed.frames)
    assert parsed.exception[0].startswith("pyspark.errors.exceptions.captured.AnalysisException: [TABLE_OR")
    assert parsed.exception[-1] == "+- 'UnresolvedRelation [no_such_table], [], false"


def test_caret_lines_of_python_311_are_not_taken_for_source() -> None:
    parsed = parse_traceback(GATEWAY_ANALYSIS)
    assert parsed.frames[1].source.startswith("return DataFrame(")
    assert parsed.frames[2].source == "return_value = get_return_value("
    assert parsed.frames[0] == Frame(
        "<stdin>", 2, "<module>", 'df = spark.sql("SELECT * FROM no_such_table")'
    )


def test_a_jvm_traceback_is_read_as_java_frames() -> None:
    parsed = parse_traceback(LIVY_SQL_JVM)
    assert parsed.frames == () and parsed.exception == () and len(parsed.java_frames) == 5


def test_only_the_last_of_chained_exceptions_is_kept() -> None:
    lines = [
        "Traceback (most recent call last):\n",
        '  File "<stdin>", line 2, in <module>\n',
        "KeyError: 'a'\n",
        "\n",
        "During handling of the above exception, another exception occurred:\n",
        "\n",
        "Traceback (most recent call last):\n",
        '  File "<stdin>", line 4, in <module>\n',
        "ValueError: bad\n",
    ]
    parsed = parse_traceback(lines)
    assert [frame.lineno for frame in parsed.frames] == [4] and parsed.exception == ("ValueError: bad",)


@dataclass(frozen=True)
class Shape:
    """One server's error for one cell, and what the user must (and must not) see."""

    name: str
    ename: str
    evalue: str
    traceback: list[str]
    code: str
    shows: tuple[str, ...]
    hides: tuple[str, ...] = ()
    sql: bool = False


SHAPES = [
    Shape(
        "livy: error in a function names its cell line and shows the typed text",
        "ZeroDivisionError",
        "division by zero",
        [
            "Traceback (most recent call last):\n",
            '  File "<stdin>", line 2, in f\n',
            "ZeroDivisionError: division by zero\n",
        ],
        "def f():\n    return 1 / 0\nf()",
        ("Cell line 2, in f", "    return 1 / 0", "ZeroDivisionError: division by zero"),
        ('File "<stdin>"',),
    ),
    Shape(
        "gateway: the top-level frame names the cell line",
        "ZeroDivisionError",
        "division by zero",
        [
            "Traceback (most recent call last):\n",
            '  File "<stdin>", line 3, in <module>\n    1/0\n',
            "ZeroDivisionError: division by zero\n",
        ],
        "x = 1\ny = 2\n1/0",
        ("Cell line 3\n    1/0\nZeroDivisionError: division by zero",),
    ),
    Shape(
        "livy + spark 3.5: pyspark/py4j frames hidden, message once, plan dropped, class shown",
        "AnalysisException",
        SPARK35_MISSING_TABLE,
        LIVY_ANALYSIS,
        'spark.sql("SELECT * FROM no_such_table")',
        (
            "AnalysisException: [TABLE_OR_VIEW_NOT_FOUND] The table or view `no_such_table` cannot be found.",
            "3 PySpark/py4j frames hidden",
            "Spark error class TABLE_OR_VIEW_NOT_FOUND; at SQL line 1, position 15.",
        ),
        (
            "Traceback",
            "pyspark.zip",
            "py4j-0.10",
            "UnresolvedRelation",
            "pyspark.errors.exceptions.captured.",
        ),
    ),
    Shape(
        "gateway + spark 4: the user's line, SQLSTATE, no internals",
        "AnalysisException",
        SPARK4_MISSING_TABLE,
        GATEWAY_ANALYSIS,
        'x = 1\ndf = spark.sql("SELECT * FROM no_such_table")',
        (
            'Cell line 2\n    df = spark.sql("SELECT * FROM no_such_table")',
            "Spark error class TABLE_OR_VIEW_NOT_FOUND (SQLSTATE 42P01); at SQL line 1, position 15.",
        ),
        ("site-packages", "java_gateway", "'Project [*]"),
    ),
    Shape(
        "sql kind (livy or gateway): JVM frames hidden, the SQL shown with a caret",
        "Error",
        SPARK4_MISSING_TABLE,
        LIVY_SQL_JVM,
        "SELECT *\nFROM no_such_table",
        ("Error: [TABLE_OR_VIEW_NOT_FOUND]", "at SQL line 1, position 15", "5 JVM frames hidden"),
        ("org.apache", "UnresolvedRelation"),
        sql=True,
    ),
    Shape(
        "spark 4 runtime error: its query context is kept",
        "ArithmeticException",
        SPARK4_DIVIDE_BY_ZERO,
        [
            "Traceback (most recent call last):\n",
            '  File "<stdin>", line 1, in <module>\n',
            f"pyspark.errors.exceptions.captured.ArithmeticException: {SPARK4_DIVIDE_BY_ZERO}",
        ],
        'spark.sql("SELECT 1/0").collect()',
        (
            "== SQL (line 1, position 8) ==\nSELECT 1/0",
            "Spark error class DIVIDE_BY_ZERO (SQLSTATE 22012); at SQL line 1, position 8.",
        ),
    ),
    Shape(
        "py4j error: the JVM stack inside the message is hidden",
        "Py4JJavaError",
        PY4J_MESSAGE,
        [
            "Traceback (most recent call last):\n",
            '  File "<stdin>", line 1, in <module>\n',
            f'  File "{_APP}/py4j-0.10.9.7-src.zip/py4j/protocol.py", line 326, in get_return_value\n',
            f"py4j.protocol.Py4JJavaError: {PY4J_MESSAGE}",
        ],
        "rdd.collect()",
        (
            "Cell line 1\n    rdd.collect()",
            "Py4JJavaError: An error occurred while calling o51.collectToPython.",
            "Job aborted due to stage failure",
            "1 PySpark/py4j frame and 3 JVM stack lines hidden",
        ),
        ("\tat org.apache", "DAGScheduler", "protocol.py"),
    ),
    Shape(
        "livy drops the top-level frame: the message alone, no invented line",
        "NameError",
        "name 'x' is not defined",
        ["Traceback (most recent call last):\n", "NameError: name 'x' is not defined\n"],
        "x",
        ("NameError: name 'x' is not defined",),
        ("Cell line",),
    ),
    Shape(
        "a syntax error keeps its caret",
        "SyntaxError",
        "invalid syntax (<stdin>, line 1)",
        ['  File "<stdin>", line 1\n', "    x = = 1\n", "        ^\n", "SyntaxError: invalid syntax\n"],
        "x = = 1",
        ("Cell line 1\n    x = = 1\n        ^\nSyntaxError: invalid syntax",),
        ("Traceback",),
    ),
]


@pytest.mark.parametrize("shape", SHAPES, ids=[shape.name for shape in SHAPES])
def test_each_server_shape_shows_the_users_line_and_hides_internals(shape: Shape) -> None:
    info = format_error(shape.ename, shape.evalue, shape.traceback, code=shape.code, sql=shape.sql)
    text = _text(info)
    for expected in shape.shows:
        assert expected in text, text
    for hidden in shape.hides:
        assert hidden not in text, text
    assert info.ename == shape.ename and info.evalue == shape.evalue
    first_line = shape.evalue.split("\n")[0]
    assert text.count(first_line) == 1, text  # the message appears once


def test_verbose_keeps_every_frame_and_the_plan() -> None:
    text = _text(format_error("AnalysisException", SPARK35_MISSING_TABLE, LIVY_ANALYSIS, verbose=True))
    assert text.count("pyspark.zip") == 2 and "py4j-0.10.9.7-src.zip" in text
    assert "'UnresolvedRelation [no_such_table]" in text and "hidden" not in text
    assert text.count("The table or view `no_such_table` cannot be found") == 1
    jvm = _text(format_error("Error", SPARK4_MISSING_TABLE, LIVY_SQL_JVM, sql=True, verbose=True))
    assert "at org.apache.livy.repl.SQLInterpreter.execute(SQLInterpreter.scala:89)" in jvm


def test_an_error_without_traceback_is_its_name_and_message() -> None:
    assert format_error(None, None).traceback == ("Error",)
    assert format_error("ValueError", "bad", []).traceback == ("ValueError: bad",)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (SPARK35_MISSING_TABLE, ("TABLE_OR_VIEW_NOT_FOUND", None, 1, 14)),
        (SPARK4_MISSING_TABLE, ("TABLE_OR_VIEW_NOT_FOUND", "42P01", 1, 14)),
        (SPARK4_DIVIDE_BY_ZERO, ("DIVIDE_BY_ZERO", "22012", 1, 7)),
        ("Table or view not found: t; line 2 pos 5", (None, None, 2, 5)),
        (
            "[INCOMPATIBLE_DATA_FOR_TABLE.CANNOT_SAFELY_CAST] Cannot write",
            ("INCOMPATIBLE_DATA_FOR_TABLE.CANNOT_SAFELY_CAST", None, None, None),
        ),
        ("division by zero", (None, None, None, None)),
    ],
)
def test_spark_error_details_are_read_from_the_message(message: str, expected: tuple[object, ...]) -> None:
    details = spark_error_details(message)
    assert (details.error_class, details.sqlstate, details.line, details.position) == expected


_WORKER = "/venv/lib/python3.11/site-packages/pyspark/python/lib/pyspark.zip/pyspark"
WORKER_TRACEBACK = (
    "Traceback (most recent call last):\n"
    f'  File "{_WORKER}/worker.py", line 2044, in main\n    process()\n'
    f'  File "{_WORKER}/worker.py", line 2036, in process\n    serializer.dump_stream(out_iter, outfile)\n'
    f'  File "{_WORKER}/util.py", line 131, in wrapper\n    return f(*args, **kwargs)\n'
    "           ^^^^^^^^^^^^^^^^^^\n"
    '  File "<stdin>", line 2, in <lambda>\n'
    "ZeroDivisionError: division by zero\n"
)
JVM_TAIL = (
    "\n\tat org.apache.spark.api.python.BasePythonRunner$ReaderIterator.handlePythonException(PythonRunner.scala:581)\n"
    "\tat org.apache.spark.executor.Executor$TaskRunner.run(Executor.scala:650)\n"
)
RDD_TASK_MESSAGE = (
    "An error occurred while calling z:org.apache.spark.api.python.PythonRDD.collectAndServe.\n"
    ": org.apache.spark.SparkException: Job aborted due to stage failure: Task 0 in stage 0.0 failed 1 times, "
    "most recent failure: Lost task 0.0 in stage 0.0 (TID 0) (10.0.0.5 executor driver): "
    f"org.apache.spark.api.python.PythonException: {WORKER_TRACEBACK}{JVM_TAIL}\nDriver stacktrace:\n"
    "\tat org.apache.spark.scheduler.DAGScheduler.abortStage(DAGScheduler.scala:2927)\n"
    f"Caused by: org.apache.spark.api.python.PythonException: {WORKER_TRACEBACK}{JVM_TAIL}"
)
UDF_TASK_MESSAGE = (
    "\n  An exception was thrown from the Python worker. Please see the stack trace below.\n"
    f"{WORKER_TRACEBACK}"
)


@pytest.mark.parametrize(
    ("ename", "evalue", "failure"),
    [
        ("Py4JJavaError", RDD_TASK_MESSAGE, "A Spark task failed (Task 0 in stage 0.0 failed 1 times)"),
        ("PythonException", UDF_TASK_MESSAGE, "A Spark task failed;"),
    ],
    ids=["rdd-function", "udf"],
)
def test_an_error_in_a_spark_task_shows_the_users_function_once_without_worker_frames(
    ename: str, evalue: str, failure: str
) -> None:
    code = "rdd = sc.parallelize([1, 2])\nrdd.map(lambda x: x / 0).collect()"
    traceback = [
        "Traceback (most recent call last):\n",
        '  File "<stdin>", line 2, in <module>\n',
        f'  File "{_APP}/py4j-0.10.9.7-src.zip/py4j/protocol.py", line 326, in get_return_value\n',
        f"pyspark.errors.exceptions.captured.{ename}: {evalue}",
    ]
    text = _text(format_error(ename, evalue, traceback, code=code))
    assert failure in text, text
    # The user's lambda, named by its cell line with the text they typed; the worker's frames hidden.
    assert "  Cell line 2, in <lambda>\n    rdd.map(lambda x: x / 0).collect()" in text, text
    assert text.count("ZeroDivisionError: division by zero") == 1, text
    assert text.rstrip().split("\n")[-2] == "ZeroDivisionError: division by zero", text
    for internal in (
        "worker.py",
        "serializers",
        "util.py",
        "\tat org.apache",
        "Driver stacktrace",
        "Caused by",
    ):
        assert internal not in text, text
    assert "4 PySpark/py4j frames" in text, text  # 1 driver-side py4j frame, 3 in the worker
    verbose = _text(format_error(ename, evalue, traceback, code=code, verbose=True))
    assert "worker.py" in verbose and "A Spark task failed" not in verbose


def test_pyspark_41_worker_frames_in_the_drivers_traceback_are_shown_once() -> None:
    """PySpark 4.1+ appends the worker's frames to the driver's traceback as well as to the message."""
    code = "def inverse(x):\n    return 1 / x\n\nsc.parallelize([1, 0], 2).map(inverse).collect()"
    worker_frames = [
        f'  File "{_WORKER}/worker.py", line 4222, in process\n    serializer.dump_stream(out_iter, outfile)\n',
        f'  File "{_WORKER}/util.py", line 158, in wrapper\n    return f(*args, **kwargs)\n',
        '  File "<stdin>", line 2, in inverse\n',
    ]
    evalue = (
        "An exception was thrown from the Python worker:\nTraceback (most recent call last):\n"
        + "".join(worker_frames)
        + "ZeroDivisionError: division by zero\n"
    )
    traceback = [
        "Traceback (most recent call last):\n",
        '  File "<stdin>", line 4, in <module>\n',
        f'  File "{_APP}/py4j-0.10.9.9-src.zip/py4j/java_gateway.py", line 1362, in __call__\n',
        *worker_frames,
        f"pyspark.errors.exceptions.captured.PythonException: {evalue}",
    ]
    text = _text(format_error("PythonException", evalue, traceback, code=code))
    assert text.count("Cell line 2, in inverse\n    return 1 / x") == 1, text
    assert "Cell line 4\n    sc.parallelize([1, 0], 2).map(inverse).collect()" in text, text
    assert text.count("ZeroDivisionError: division by zero") == 1 and "worker.py" not in text, text
    assert "3 PySpark/py4j frames" in text, text  # py4j on the driver, and worker.py and util.py once
