"""Finding the kernel's magics in a cell and parsing their flags."""

from __future__ import annotations

import pytest

from sparkwire.kernel.parsing import Command, UsageError, help_bundle, parse_arguments, parse_cell


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("spark.range(3).count()", None),
        ("%matplot plt", None),  # the remote REPL's own magic
        ("x = 1\n%json x", None),
        ("%%sql -o df\nSELECT 1", Command("sql", "-o df", "SELECT 1")),
        ('\n  %%configure -f\n{"a": 1}\n', Command("configure", "-f", '{"a": 1}\n')),
        ("%%local\nimport pandas", Command("local", "", "import pandas")),
        ("%attach 12", Command("attach", "12", "")),
        ("%%info", Command("info", "", "")),
        ("%info\n", Command("info", "", "")),
    ],
)
def test_cells_are_recognised(cell: str, expected: Command | None) -> None:
    assert parse_cell(cell) == expected


def test_unknown_cell_magics_and_stray_code_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="Unknown magic %%sparkk"):
        parse_cell("%%sparkk\nx")
    with pytest.raises(UsageError, match="takes no code after it"):
        parse_cell("%%logs\nprint(1)")


def test_flags() -> None:
    args = parse_arguments(Command("sql", "-o df -q -n 10", "SELECT 1"))
    assert (args.output, args.quiet, args.maxrows) == ("df", True, 10)
    args = parse_arguments(Command("configure", "-f bigmem", ""))
    assert (args.force, args.profile) == (True, "bigmem")
    assert parse_arguments(Command("delete", "-s 3 -f", "")).session == 3
    with pytest.raises(UsageError) as info:
        parse_arguments(Command("delete", "-s three", ""))
    assert str(info.value).startswith("usage: %%delete -s ID [-f]")
    with pytest.raises(UsageError, match="unrecognized arguments: --bogus"):
        parse_arguments(Command("info", "--bogus", ""))
    with pytest.raises(UsageError, match="cannot parse"):
        parse_arguments(Command("sql", "-o 'unterminated", ""))


@pytest.mark.parametrize("magic", ["sql", "spark"])
def test_sql_and_spark_share_the_fetch_flags(magic: str) -> None:
    args = parse_arguments(Command(magic, "-n -1 -m SAMPLE -r 0.5", ""))
    assert (args.maxrows, args.samplemethod, args.samplefraction) == (-1, "sample", 0.5)
    args = parse_arguments(Command(magic, "", ""))
    assert (args.maxrows, args.samplemethod, args.samplefraction) == (None, "take", None)
    with pytest.raises(UsageError, match=r"\[-n MAXROWS\] \[-m take\|sample\] \[-r FRACTION\]"):
        parse_arguments(Command(magic, "-m first", ""))


def test_the_magics_help_shows_the_kernels_fetch_flags() -> None:
    from sparkwire.magics import SparkMagics

    help_text = " ".join((SparkMagics.spark.__doc__ or "").split())
    for line in (
        "-n MAXROWS, --maxrows MAXROWS fetch at most this many rows (default 10,000; -1: all)",
        "the fraction -m sample keeps, in (0, 1] (default 0.1)",
    ):
        assert line in help_text


def test_help_lists_every_magic() -> None:
    text = help_bundle()["text/plain"]
    for usage in (
        "%%configure [-f] [PROFILE]",
        "%%info",
        "%%logs",
        "%%cleanup -f",
        "%%delete -s ID -f",
        "%%local",
        "%%sql",
        "%%help",
        "%attach ID",
        "%matplot",
    ):
        assert usage in text
