"""Spark's Scala REPL in the session's own JVM, driven over py4j: the ``spark`` statement kind.

The Scala compiler's interpreter (``scala.tools.nsc.interpreter.IMain``, shipped in PySpark's jars
with ``spark-repl``) runs in the JVM PySpark already started, so Scala, Python and SQL statements share
one SparkContext, its temp views and its job groups. Each line is compiled as a class (``-Yrepl-class-based``)
into the folder Spark serves to executors (``spark.repl.class.outputDir``), so closures defined in a
statement run on executors.

py4j runs each Python thread's calls on one JVM thread of its own, so code interpreted from the main
thread runs where the worker set the statement's job group, and ``Console.out`` redirected there captures
the statement's ``println``. The interpreter is not thread-safe: completion runs only while no statement does.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from .magics import MagicError
from .scala_magics import json_expression, magic_data, magic_variable, split_magics
from .scala_output import scala_result

__all__ = [
    "CLASS_DIR_CONF",
    "WARM_UP_COMPILES",
    "WARM_UP_LINES",
    "ScalaRepl",
    "ScalaUnavailable",
    "require_pinned_threads",
    "scala_version",
]

CLASS_DIR_CONF = "spark.repl.class.outputDir"
"""The Spark setting naming the folder of REPL classes that the driver serves to executors."""

# What the interpreter runs first: Livy's and spark-shell's names and imports. Lazy, so they compile
# while the SparkContext is still starting (that first compile is the slow part of a REPL start) and
# find the session on first use. ``@transient`` keeps them out of the closures that line classes capture.
_BINDINGS = """\
@transient lazy val spark = org.apache.spark.sql.SparkSession.active
@transient lazy val sc = spark.sparkContext
@transient lazy val sqlContext = spark.sqlContext
import spark.implicits._
import spark.sql
import org.apache.spark.sql.functions._
import org.apache.spark.SparkContext._"""
_MAX_CANDIDATES = 500
# Lines the compiler runs while the session would otherwise idle (:meth:`ScalaRepl.warm_up`): each
# compile runs the compiler's code once more, so the JVM compiles its hot paths to machine code sooner
# and the user's next statements compile faster. Expressions only, none touching Spark or able to throw:
# they define no name a user sees, start no job and leave ``lastException`` alone.
WARM_UP_LINES = (
    "1 + 1",
    "Seq(1, 2, 3).map(_ * 2).sum",
    '{ case class SparkwireWarmUp(a: Int, b: String); SparkwireWarmUp(1, "a").copy(a = 2) }',
    '{ def twice(a: Int): Int = a * 2; s"${twice(2)} items" }',
    'List("a", "b").zipWithIndex.toMap.getOrElse("a", 0)',
    "Option(41).map(_ + 1).getOrElse(0)",
    "(1 to 4).toArray.filter(_ % 2 == 0).length",
    '"x" * 3',
)
WARM_UP_COMPILES = 24
"""Warm-up ends once the REPL has compiled this many lines, the user's statements included: about 4 s of one
busy core, after which ``1 + 1`` compiles about a third faster than right after start (docs/performance.md)."""
_COMPLETE_WAIT_SECONDS = 2.0  # completion waits this long for a warm-up line (never for a statement)
_MAGIC_VALUE = "sparkwireMagicJson"  # the REPL value a %json/%table line's JSON text goes into


class ScalaUnavailable(Exception):
    """This PySpark's JVM cannot run a Scala REPL (no compiler jars, or an interpreter API we do not know)."""


def require_pinned_threads(gateway: Any) -> None:
    """Check that py4j pairs each Python thread with one JVM thread (PySpark's default since 3.2).

    Without it, consecutive calls may run on different JVM threads, and neither the statement's job
    group nor its ``println`` capture would reach the code.

    :param gateway: PySpark's py4j gateway.
    :raises ScalaUnavailable: when ``PYSPARK_PIN_THREAD=false`` turned pairing off.
    """
    from py4j.clientserver import ClientServer

    if not isinstance(gateway, ClientServer):
        raise ScalaUnavailable(
            "Scala statements need PySpark's pinned threads; unset PYSPARK_PIN_THREAD=false"
        )


def scala_version(jvm: Any) -> str:
    """:return: the Scala library version of the JVM, e.g. ``"2.13.18"``."""
    return str(jvm.scala.util.Properties.versionNumberString())


class ScalaRepl:
    """One Scala interpreter whose values live as long as the session.

    Create it with the JVM as soon as the JVM runs; :meth:`start` may overlap SparkContext start-up.

    :param jvm: PySpark's py4j JVM view.
    :param class_dir: where compiled line classes go; Spark's ``spark.repl.class.outputDir``.
    :raises ScalaUnavailable: when the interpreter cannot be created here.
    """

    def __init__(self, jvm: Any, class_dir: Path) -> None:
        self._jvm = jvm
        self._lock = threading.Lock()  # held while a statement runs: the interpreter is single-threaded
        self._warming = False  # True while a warm-up line holds the lock
        self.compiled = 0  # lines interpreted after the bindings: statements' and warm-up's
        self._thread: Any = None  # the JVM thread running the current statement, for interrupt()
        try:
            version = scala_version(jvm)
            self._report = jvm.java.io.StringWriter()
            self._report_buffer = self._report.getBuffer()  # kept: one py4j call less per statement
            writer = jvm.java.io.PrintWriter(self._report, True)
            settings = jvm.scala.tools.nsc.Settings()
            settings.processArgumentString("-usejavacp -Yrepl-class-based")
            getattr(settings.Yreploutdir(), "value_$eq")(
                str(class_dir)
            )  # a path may hold spaces: not an argument
            if version.startswith("2.13"):
                reporter = jvm.scala.tools.nsc.interpreter.shell.ReplReporterImpl(settings, writer)
                getattr(reporter, "maxPrintString_$eq")(0)  # show whole values, as Livy does
                self._intp = jvm.scala.tools.nsc.interpreter.IMain(settings, reporter)
            elif version.startswith("2.12"):
                self._intp = jvm.scala.tools.nsc.interpreter.IMain(settings, writer)
            else:
                raise ScalaUnavailable(f"Scala {version} is not supported (2.12 and 2.13 are)")
        except ScalaUnavailable:
            raise
        except Exception as exc:  # py4j raises Py4JError or Py4JJavaError for a missing class
            raise ScalaUnavailable(f"the Scala interpreter could not be created: {exc}") from exc
        self._version = version
        self._stdout = jvm.java.io.ByteArrayOutputStream()
        self._stdout_stream = jvm.java.io.PrintStream(self._stdout, True, "UTF-8")
        self._console_vars = _console_vars(jvm)
        self._last_exception: Any = None

    @property
    def version(self) -> str:
        """The Scala version the interpreter compiles for."""
        return self._version

    def start(self) -> None:
        """Compile the bindings of ``spark``, ``sc`` and ``sqlContext``: the compiler's first, slow compile.

        It may run before the SparkSession exists: the names are bound to it on first use.

        :raises ScalaUnavailable: when the bindings do not compile (the message has the compiler's words).
        """
        with self._lock:
            result = self._intp.interpret(_BINDINGS)
            said = str(self._report.toString())
            self._report_buffer.setLength(0)
        if str(result.toString()) != "Success":
            raise ScalaUnavailable(f"binding spark in the Scala interpreter failed: {said.strip()}")

    def warm_up(self, line: str) -> bool:
        """Compile and run one line quietly, unless a statement or completion holds the interpreter.

        Synthetic lines store their value under an internal name (``$ires0``), so the user's values are still
        numbered from ``res0``.

        :param line: one of :data:`WARM_UP_LINES`; it counts in :attr:`compiled`.
        :return: whether the line ran.
        """
        if not self._lock.acquire(blocking=False):
            return False
        try:
            self._warming = True
            self.compiled += 1
            outcome = str(self._intp.interpretSynthetic(line).toString())
            self._report_buffer.setLength(0)
            if outcome == "Error":
                self._new_exception()  # never let a later statement's error report this line's exception
        finally:
            self._warming = False
            self._lock.release()
        return True

    def execute(self, code: str) -> Any:
        """Interpret one statement on the calling thread (the one whose Spark job group is set).

        Lines starting with ``%`` are Livy's ``%json``/``%table`` magics (:mod:`.scala_magics`).

        :return: an :class:`~.result.ExecutionResult`.
        """
        from .result import ExecutionResult

        steps = split_magics(code)
        with self._lock:
            self._thread = self._jvm.java.lang.Thread.currentThread()
            try:
                if steps == [("scala", code)]:
                    return self._interpret(code)
                texts: list[str] = []
                data: dict[str, Any] = {}
                for kind, part in steps:
                    if kind == "magic":
                        data = self._magic(part)
                        continue
                    result = self._interpret(part)
                    if not result.is_ok:
                        return result
                    texts.append(str(result.data.get("text/plain", "")))
            except MagicError as exc:
                return ExecutionResult.error(exc.ename, exc.evalue, [f"{exc.ename}: {exc.evalue}\n"])
            finally:
                self._thread = None
                self._jvm.java.lang.Thread.interrupted()  # clear a cancel's interrupt before the next statement
        text = "\n".join(text for text in texts if text)
        if text or not data:
            data["text/plain"] = text
        return ExecutionResult.ok(data)

    def _interpret(self, code: str) -> Any:
        self._report_buffer.setLength(0)
        self._stdout.reset()
        for variable in self._console_vars:  # per thread, so set on the thread that runs the code
            getattr(variable, "value_$eq")(self._stdout_stream)
        # No flush needed: a PrintStream over a byte array buffers nothing, each print lands in the array.
        self.compiled += 1
        outcome = str(self._intp.interpret(code).toString())
        report = str(self._report.toString())
        stdout = str(self._stdout.toString("UTF-8"))
        exception = self._new_exception() if outcome == "Error" else None
        return scala_result(outcome, report, stdout, exception, code)

    def _magic(self, line: str) -> dict[str, Any]:
        """Run a ``%json``/``%table`` line: the REPL renders the value as JSON into a value of its own."""
        name, variable = magic_variable(line)
        if not self._intp.valueOfTerm(variable).isDefined():
            raise MagicError("KeyError", repr(variable))
        self._report_buffer.setLength(0)
        outcome = str(self._intp.interpret(f"val {_MAGIC_VALUE} = {json_expression(variable)}").toString())
        said = str(self._report.toString())
        self._report_buffer.setLength(0)
        found = self._intp.valueOfTerm(_MAGIC_VALUE) if outcome == "Success" else None
        if found is None or not found.isDefined():
            raise MagicError("Exception", f"%{name} cannot show {variable} as JSON: {said.strip()}")
        return magic_data(name, str(found.get()))

    def interrupt(self) -> None:
        """Interrupt the JVM thread running the current statement (a ``Thread.sleep``, a blocking wait)."""
        thread = self._thread
        if thread is not None:
            thread.interrupt()

    def complete(self, code: str, cursor: int) -> list[str]:
        """Completion candidates at ``cursor``; none while a statement runs (the compiler is busy).

        A warm-up line is waited for (it is short), a statement is not.

        :param code: the statement being edited.
        :param cursor: a character offset into ``code``.
        """
        acquired = (
            self._lock.acquire(timeout=_COMPLETE_WAIT_SECONDS)
            if self._warming
            else self._lock.acquire(blocking=False)
        )
        if not acquired:
            return []
        try:
            return self._candidates(code, max(0, min(cursor, len(code))))
        finally:
            self._lock.release()

    def _candidates(self, code: str, cursor: int) -> list[str]:
        jvm = self._jvm
        names: list[str] = []
        if self._version.startswith("2.13"):
            completer = jvm.scala.tools.nsc.interpreter.shell.ReplCompletion(
                self._intp, jvm.scala.tools.nsc.interpreter.shell.Accumulator()
            )
            found = completer.complete(code, cursor, True).candidates()
            iterator = found.iterator()
            while iterator.hasNext() and len(names) < _MAX_CANDIDATES:
                names.append(str(iterator.next().name()))
        else:
            found = jvm.scala.tools.nsc.interpreter.PresentationCompilerCompleter(self._intp).complete(
                code, cursor
            )
            iterator = found.candidates().iterator()
            while iterator.hasNext() and len(names) < _MAX_CANDIDATES:
                names.append(str(iterator.next()))
        return list(dict.fromkeys(name for name in names if name))

    def _new_exception(self) -> Any:
        """:return: the exception the failed line raised, or None when it failed to compile.

        The interpreter binds ``lastException`` when a line throws; a compile error leaves the old one.
        """
        try:
            found = self._intp.valueOfTerm("lastException")
            exception = found.get() if found.isDefined() else None
        except Exception:  # noqa: BLE001 - a lookup failure only loses the exception's name
            return None
        if exception is None or (self._last_exception is not None and exception.equals(self._last_exception)):
            return None
        self._last_exception = exception
        return exception


def _console_vars(jvm: Any) -> list[Any]:
    """Scala's ``Console.out`` and ``Console.err``: per-thread variables behind ``println``.

    They are private (``Console.withOut`` would need a Scala function), so reflection reaches them: static
    fields in Scala 2.13, fields of the ``Console`` object in 2.12.
    """
    console = jvm.java.lang.Class.forName("scala.Console$")
    module = console.getField("MODULE$").get(None)
    found = []
    for name in ("outVar", "errVar"):
        field = console.getDeclaredField(name)
        field.setAccessible(True)
        found.append(field.get(module))
    return found
