"""Scala REPL errors, in the shapes Livy's Scala interpreter sends them (``ename: "Error"``, the REPL's
first line as ``evalue``, its other lines as ``traceback``), rendered for the cell."""

from __future__ import annotations

from sparkwire.engine.tracebacks import format_error

CELL = "val x = 1\nval y = foo + 1\nprintln(y)"


def test_a_compile_error_names_the_cell_line_and_keeps_the_caret() -> None:
    error = format_error(
        "Error",
        "<console>:25: error: not found: value foo",
        ["       val y = foo + 1\n", "               ^\n"],
        code=CELL,
    )
    assert error.traceback == (
        "error: not found: value foo",
        "  Cell line 2:",
        "    val y = foo + 1",
        "            ^",
    )
    assert error.evalue == "<console>:25: error: not found: value foo"  # as sent


def test_scala_2_13_prints_the_source_before_the_error() -> None:
    error = format_error(
        "Error", "       foo", ["       ^\n", "       error: not found: value foo\n"], code="val x = 1\nfoo"
    )
    assert error.traceback == ("  Cell line 2:", "    foo", "    ^", "error: not found: value foo")


def test_a_type_mismatch_keeps_found_and_required() -> None:
    error = format_error(
        "Error",
        "<console>:27: error: type mismatch;",
        [" found   : Int(1)\n", " required: Boolean\n", "       if (1) 2\n", "           ^\n"],
        code="if (1) 2",
    )
    assert "<console>" not in "\n".join(error.traceback)
    assert error.traceback[:3] == ("error: type mismatch;", " found   : Int(1)", " required: Boolean")
    assert error.traceback[-2:] == ("    if (1) 2", "        ^")


def test_a_line_the_cell_holds_twice_is_not_guessed() -> None:
    error = format_error(
        "Error", "<console>:25: error: not found: value foo", ["       foo\n", "       ^\n"], code="foo\nfoo"
    )
    assert "Cell line" not in "\n".join(error.traceback)


def test_an_exception_hides_the_repl_stack_unless_verbose() -> None:
    sent = (
        "Error",
        "java.lang.ArithmeticException: / by zero",
        ["  at .<init>(<console>:1)\n", "  ... 47 elided\n"],
    )
    error = format_error(*sent)
    assert error.ename == "java.lang.ArithmeticException"
    assert error.traceback[0] == "java.lang.ArithmeticException: / by zero"
    assert "2 JVM stack lines hidden" in error.traceback[-1]
    verbose = format_error(*sent, verbose=True)
    assert "  at .<init>(<console>:1)" in verbose.traceback


def test_the_gateways_shape_names_the_cell_line_once() -> None:
    """sparkwire's gateway: ``<console>:LINE:COLUMN`` in evalue (the cell's own line), the report as traceback."""
    error = format_error(
        "Error",
        "<console>:2:9: error: not found: value undefinedName",
        [
            "       val b = undefinedName + 1\n",
            "               ^\n",
            "On line 2: error: not found: value undefinedName\n",
        ],
        code="val a = 1\nval b = undefinedName + 1",
    )
    assert error.traceback == (
        "  Cell line 2:",
        "    val b = undefinedName + 1",
        "            ^",
        "error: not found: value undefinedName",
    )


def test_a_one_line_cell_gets_its_line_from_the_position() -> None:
    """The REPL echoes no source for a one-line statement: the caret alone, placed by the column."""
    error = format_error(
        "Error",
        '<console>:1:14: error: type mismatch;\nfound   : String("s")\nrequired: Int',
        [
            "                    ^\n",
            "       error: type mismatch;\n",
            '        found   : String("s")\n',
            "        required: Int\n",
        ],
        code='val x: Int = "s"',
    )
    assert error.traceback == (
        "  Cell line 1:",
        '    val x: Int = "s"',
        "                 ^",
        "error: type mismatch;",
        ' found   : String("s")',
        " required: Int",
    )


def test_the_gateways_exception_shows_its_message_once() -> None:
    error = format_error(
        "java.lang.RuntimeException", "boom", ["java.lang.RuntimeException: boom\n", "  ... 33 elided\n"]
    )
    assert error.traceback[0] == "java.lang.RuntimeException: boom"
    assert len(error.traceback) == 2 and "1 JVM stack line hidden" in error.traceback[1]


def test_python_errors_are_not_taken_for_scala() -> None:
    error = format_error(
        "NameError",
        "name 'foo' is not defined",
        [
            "Traceback (most recent call last):\n",
            '  File "<stdin>", line 1, in <module>\n',
            "NameError: name 'foo' is not defined\n",
        ],
        code="foo",
    )
    assert error.traceback[0] == "Traceback (most recent call last):"
