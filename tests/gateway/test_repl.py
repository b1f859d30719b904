"""The worker's Python REPL on real PySpark: Livy's fake_shell semantics, cell by cell."""

from __future__ import annotations

import _thread
import json
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from pyspark.sql import SparkSession

from sparkwire.gateway.worker.namespace import make_namespace
from sparkwire.gateway.worker.repl import PythonRepl
from sparkwire.gateway.worker.result import ExecutionResult


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    """One small local SparkSession for the module, stopped at the end."""
    with pytest.MonkeyPatch.context() as patch:
        # Executors' Python must be this interpreter, not whatever "python3" is on PATH.
        patch.setenv("PYSPARK_PYTHON", sys.executable)
        session = (
            SparkSession.builder.master("local[1]")
            .appName("sparkwire-test-repl")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "1")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .getOrCreate()
        )
        try:
            yield session
        finally:
            session.stop()


@pytest.fixture
def repl(spark: SparkSession) -> PythonRepl:
    """A fresh REPL per test, so variables do not leak between cases."""
    return PythonRepl(make_namespace(spark))


@dataclass(frozen=True)
class Case:
    """A cell and the part of Livy's ``output`` it must produce.

    :param expected: keys of the output that must be equal; ``data`` is compared per MIME type.
    :param text_prefix: what ``text/plain`` must start with, for output that varies run to run.
    """

    id: str
    code: str
    expected: dict[str, Any] = field(default_factory=dict)
    text_prefix: str | None = None


PI = """\
import random
NUM_SAMPLES = 100000

def sample(p):
    x, y = random.random(), random.random()
    return 1 if x * x + y * y < 1 else 0

count = sc.parallelize(range(0, NUM_SAMPLES)).map(sample).reduce(lambda a, b: a + b)
print("Pi is roughly %f" % (4.0 * count / NUM_SAMPLES))
"""

CASES = [
    Case(
        "print is captured", "print('Hello World')", {"status": "ok", "data": {"text/plain": "Hello World"}}
    ),
    Case("last expression shows its repr", "1 + 1", {"data": {"text/plain": "2"}}),
    Case("a string shows quoted", "'a' * 3", {"data": {"text/plain": "'aaa'"}}),
    Case("None shows nothing", "None", {"data": {"text/plain": ""}}),
    Case("assignment shows nothing", "x = 5", {"status": "ok", "data": {"text/plain": ""}}),
    Case("empty cell", "", {"status": "ok", "data": {"text/plain": ""}}),
    Case(
        "multi-statement: prints, then the last value",
        "x = 2\nprint('x is', x)\nx * 21",
        {"data": {"text/plain": "x is 2\n42"}},
    ),
    Case("only the last statement is interactive", "1\n2\n3", {"data": {"text/plain": "3"}}),
    Case(
        "an interactive loop shows every value", "for i in range(3): i", {"data": {"text/plain": "0\n1\n2"}}
    ),
    Case(
        "stderr comes after stdout, trailing space stripped",
        "import sys\nsys.stderr.write('to stderr  \\n\\n')\nprint('to stdout')",
        {"data": {"text/plain": "to stdout\nto stderr"}},
    ),
    Case(
        "error: user frames only, with their source lines; unlike Livy the top-level frame is kept",
        "def func1():\n  raise Exception('message')\ndef func2():\n  func1()\nfunc2()",
        {
            "status": "error",
            "ename": "Exception",
            "evalue": "message",
            "traceback": [
                "Traceback (most recent call last):\n",
                '  File "<stdin>", line 5, in <module>\n    func2()\n',
                '  File "<stdin>", line 4, in func2\n    func1()\n',
                "  File \"<stdin>\", line 2, in func1\n    raise Exception('message')\n",
                "Exception: message\n",
            ],
        },
    ),
    Case(
        "unknown name",
        "undefined_name",
        {
            "status": "error",
            "ename": "NameError",
            "evalue": "name 'undefined_name' is not defined",
            "traceback": [
                "Traceback (most recent call last):\n",
                '  File "<stdin>", line 1, in <module>\n    undefined_name\n',
                "NameError: name 'undefined_name' is not defined\n",
            ],
        },
    ),
    Case(
        "syntax error has the source line and no stack",
        "x = = 1",
        {
            "status": "error",
            "ename": "SyntaxError",
            "evalue": "invalid syntax (<stdin>, line 1)",
            "traceback": [
                '  File "<stdin>", line 1\n',
                "    x = = 1\n",
                "        ^\n",
                "SyntaxError: invalid syntax\n",
            ],
        },
    ),
    Case(
        "compile-time errors stop the cell before it runs",
        "print('not run')\nreturn 1",
        {"status": "error", "ename": "SyntaxError", "evalue": "'return' outside function (<stdin>, line 2)"},
    ),
    Case(
        "SystemExit is an error, not an exit",
        "import sys\nsys.exit(3)",
        {"status": "error", "ename": "SystemExit", "evalue": "3"},
    ),
    Case("input() does not block", "input()", {"status": "error", "ename": "EOFError"}),
    Case(
        "bytes written to stdout are decoded",
        "import sys\n_ = sys.stdout.write(b'caf\\xc3\\xa9')",
        {"data": {"text/plain": "café"}},
    ),
    Case(
        "%json beside captured text",
        "d = {'a': [1, (2, 3)], 'b': None}\nprint('made d')\n%json d",
        {"status": "ok", "data": {"application/json": {"a": [1, [2, 3]], "b": None}, "text/plain": "made d"}},
    ),
    Case(
        "%table of lists",
        "rows = [[1, 'a'], [3, 'b']]\n%table rows",
        {
            "data": {
                "application/vnd.livy.table.v1+json": {
                    "headers": [{"name": "0", "type": "INT_TYPE"}, {"name": "1", "type": "STRING_TYPE"}],
                    "data": [[1, "a"], [3, "b"]],
                }
            }
        },
    ),
    Case(
        "%table of dicts: columns sorted by name, nulls fit any type",
        "rows = [{'n': 1.5, 'a': True}, {'a': False, 'n': None}]\n%table rows",
        {
            "data": {
                "application/vnd.livy.table.v1+json": {
                    "headers": [{"name": "a", "type": "BOOLEAN_TYPE"}, {"name": "n", "type": "DOUBLE_TYPE"}],
                    "data": [[True, 1.5], [False, None]],
                }
            }
        },
    ),
    Case(
        "%table of Spark rows",
        "rows = spark.range(2).selectExpr('id', 'cast(id as string) as s').collect()\n%table rows",
        {
            "data": {
                "application/vnd.livy.table.v1+json": {
                    "headers": [{"name": "id", "type": "INT_TYPE"}, {"name": "s", "type": "STRING_TYPE"}],
                    "data": [[0, "0"], [1, "1"]],
                }
            }
        },
    ),
    Case(
        "%table rejects mixed types",
        "rows = [[1, 'a'], ['b', 2]]\n%table rows",
        {"status": "error", "ename": "Exception", "evalue": "table rows have different types"},
    ),
    Case(
        "%table rejects mixed shapes",
        "rows = [[1, 'a'], {'x': 1}]\n%table rows",
        {"status": "error", "ename": "Exception", "evalue": "table rows have different columns"},
    ),
    Case(
        "%json of a missing variable",
        "%json nothing_here",
        {"status": "error", "ename": "KeyError", "evalue": "'nothing_here'"},
    ),
    Case(
        "unknown magic is named",
        "%nosuchmagic x",
        {"status": "error", "ename": "UnknownMagic", "evalue": "unknown magic command 'nosuchmagic'"},
    ),
    Case(
        "mixed cell: the last step wins, so Python after a magic drops its data, as in Livy",
        "a = [1, 2]\n%json a\nb = a + [3]\nprint(b)",
        {"status": "ok", "data": {"text/plain": "[1, 2, 3]"}},
    ),
    Case(
        "mixed cell: two magics, the last one's data",
        "a = [1, 2]\n%json a\nb = [[3]]\n%table b",
        {
            "data": {
                "application/vnd.livy.table.v1+json": {
                    "headers": [{"name": "0", "type": "INT_TYPE"}],
                    "data": [[3]],
                }
            }
        },
    ),
    Case(
        "line numbers after a magic count from the top of the cell",
        "a = 1\n%json a\n\nb = = 2",
        {"status": "error", "ename": "SyntaxError", "evalue": "invalid syntax (<stdin>, line 4)"},
    ),
    Case("DataFrame.show() is captured", "spark.range(2).show()", text_prefix="+---+\n| id|\n+---+\n|  0|"),
    Case("the Pi example from Livy's docs, on Python 3", PI, text_prefix="Pi is roughly 3.1"),
]


def assert_output(output: dict[str, Any], case: Case) -> None:
    for key, value in case.expected.items():
        if key == "data":
            assert set(output["data"]) == set(value), output
            for mime, expected in value.items():
                assert output["data"][mime] == expected, output
        else:
            assert output[key] == value, output
    if case.text_prefix is not None:
        assert output["data"]["text/plain"].startswith(case.text_prefix), output


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_repl_cell_gives_livy_output(repl: PythonRepl, case: Case) -> None:
    output = repl.execute(case.code).to_output(7)
    assert output["execution_count"] == 7
    assert_output(output, case)
    json.dumps(output, allow_nan=False)  # what the process loop sends must be plain JSON


def test_repl_variables_persist_between_cells(repl: PythonRepl) -> None:
    assert repl.execute("def twice(v):\n    return 2 * v\ntotal = twice(21)").is_ok
    assert repl.execute("total").data == {"text/plain": "42"}
    assert repl.execute("_").data == {"text/plain": "42"}  # the interactive hook's last value


def test_repl_text_printed_before_an_error_does_not_leak(repl: PythonRepl) -> None:
    failed = repl.execute("print('before the error')\n1 / 0")
    assert failed.ename == "ZeroDivisionError"
    assert repl.execute("print('clean')").data == {"text/plain": "clean"}


def test_repl_restores_real_streams(repl: PythonRepl) -> None:
    streams = (sys.stdin, sys.stdout, sys.stderr, sys.displayhook)
    repl.execute("print('x')\n1 / 0")
    assert (sys.stdin, sys.stdout, sys.stderr, sys.displayhook) == streams


def test_repl_lets_keyboard_interrupt_propagate(repl: PythonRepl) -> None:
    streams = (sys.stdout, sys.stderr)
    with pytest.raises(KeyboardInterrupt):
        repl.execute("print('partial')\nraise KeyboardInterrupt")
    assert (sys.stdout, sys.stderr) == streams


@pytest.mark.usefixtures("default_sigint")
def test_repl_interrupted_from_another_thread(repl: PythonRepl) -> None:
    """How the process loop cancels: the main thread gets KeyboardInterrupt mid-statement."""
    timer = threading.Timer(0.3, _thread.interrupt_main)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            repl.execute("while True:\n    pass")
    finally:
        timer.cancel()


def test_repl_namespace_binds_spark_entry_points(repl: PythonRepl, spark: SparkSession) -> None:
    assert repl.namespace["spark"] is spark
    assert repl.namespace["sc"] is spark.sparkContext
    result = repl.execute("(__name__, type(sqlContext).__name__, sqlContext.sparkSession is spark)")
    assert result.data == {"text/plain": "('__main__', 'SQLContext', True)"}


def test_repl_executor_side_print_does_not_disturb_the_cell(repl: PythonRepl) -> None:
    # Executors' stdout goes to the JVM (the session log), never into the driver's capture buffers.
    result = repl.execute("sc.parallelize([1, 2]).foreach(print)\nprint('driver')")
    assert result.data == {"text/plain": "driver"}


@pytest.mark.parametrize(
    ("code", "cursor", "expected", "absent"),
    [
        ("sp", None, {"spark"}, set()),
        ("spark.ra", None, {"spark.range"}, {"spark._jsparkSession"}),
        ("spark.sparkContext.appN", None, {"spark.sparkContext.appName"}, set()),
        ("x = spark.ra + 1", len("x = spark.ra"), {"spark.range"}, set()),
        ("imp", None, {"import"}, set()),
        ("pri", None, {"print"}, set()),
        ("spark._js", None, {"spark._jsparkSession"}, set()),
    ],
)
def test_repl_completion(
    repl: PythonRepl, code: str, cursor: int | None, expected: set[str], absent: set[str]
) -> None:
    candidates = repl.complete(code, len(code) if cursor is None else cursor)
    assert expected <= set(candidates)
    assert not absent & set(candidates)
    assert candidates == sorted(candidates)


@pytest.mark.parametrize("code", ["", "x = ", "'sp", "1.re", "f().ra", "no_such_name.a"])
def test_repl_completion_offers_nothing_it_cannot_resolve(repl: PythonRepl, code: str) -> None:
    assert repl.complete(code, len(code)) == []


def test_repl_completion_evaluates_nothing(repl: PythonRepl) -> None:
    repl.execute("calls = []\ndef f():\n    calls.append(1)\n    return spark")
    assert repl.complete("f().ra", 6) == []
    assert repl.namespace["calls"] == []


def test_execution_result_to_output_matches_livy() -> None:
    assert ExecutionResult.ok({"text/plain": "hi"}).to_output(3) == {
        "status": "ok",
        "execution_count": 3,
        "data": {"text/plain": "hi"},
    }
    assert ExecutionResult.error("NameError", "name 'x' is not defined", ["tb\n"]).to_output(4) == {
        "status": "error",
        "execution_count": 4,
        "ename": "NameError",
        "evalue": "name 'x' is not defined",
        "traceback": ["tb\n"],
    }
