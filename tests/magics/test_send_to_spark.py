"""``%%send_to_spark`` in a real IPython shell, on the engine shared with the kernel: hostile strings and a
DataFrame round trip through ``%%spark -c sql -o``. Attached to the suite's shared session (no new JVM)."""

from __future__ import annotations

import pandas as pd
import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell

from sparkwire.magics import SparkError, SparkMagics

HOSTILE = [
    "quotes \" and ' and \"\"\" and '''",
    "back\\slash \\n \\\\ end\\",
    "lines\nand\r\nreturns\ttab",
    "unicode é 中文 🎉 and NUL \x00",
    "",
]


def test_strings_with_any_content_arrive_intact(
    attached: InteractiveShell, capsys: pytest.CaptureFixture[str]
) -> None:
    for index, text in enumerate(HOSTILE):
        attached.user_ns["payload"] = text
        attached.run_line_magic("send_to_spark", f"-i payload -t str -n hostile_{index}")
        attached.run_cell_magic(
            "spark", "-o checked -c sql -q", f"SELECT {index} AS i"
        )  # a statement in between: the value persists
        capsys.readouterr()
        attached.run_cell_magic("spark", "", f"print(repr(hostile_{index}))")
        assert capsys.readouterr().out.strip() == repr(text)


def test_a_dataframe_round_trips_with_its_types(
    attached: InteractiveShell, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = pd.DataFrame(
        {
            "n": pd.array([1, None, 3], dtype="Int64"),
            "ratio": [0.5, None, 2.0],
            "text": ['say "hi"', "it's\nmultiline", None],
            "flag": pd.array([True, None, False], dtype="boolean"),
        }
    )
    attached.user_ns["local_frame"] = frame
    attached.run_line_magic("send_to_spark", "-i local_frame -n remote_frame -m 2")
    assert "Sent 2 rows x 4 columns to remote_frame" in capsys.readouterr().out
    attached.run_line_magic("send_to_spark", "-i local_frame -t df -n remote_frame")
    attached.run_cell_magic("spark", "-o back", "remote_frame")
    back = attached.user_ns["back"]
    assert [str(t) for t in back.dtypes] == ["Int64", "float64", "object", "boolean"]
    pd.testing.assert_frame_equal(back, frame, check_dtype=False)
    assert back["n"].isna().tolist() == [False, True, False]


def test_the_magics_use_the_engines_shared_transfer(attached: InteractiveShell) -> None:
    magics = attached.magics_manager.registry["SparkMagics"]
    assert isinstance(magics, SparkMagics)
    transfer = magics.engine.transfer
    attached.run_cell_magic("spark", "-c sql -q -o one", "SELECT 1 AS x")
    assert magics.engine.transfer is transfer


def test_bad_send_to_spark_usage_is_one_line(attached: InteractiveShell) -> None:
    attached.user_ns["number"] = 5
    with pytest.raises(UsageError, match="pandas DataFrame"):
        attached.run_line_magic("send_to_spark", "-i number -t df -n x")
    with pytest.raises(UsageError, match="no variable 'absent'"):
        attached.run_line_magic("send_to_spark", "-i absent -n x")
    with pytest.raises(UsageError, match="identifier"):
        attached.run_line_magic("send_to_spark", "-i number -t str -n not-a-name")
    with pytest.raises(UsageError):
        attached.run_line_magic("send_to_spark", "-i number")
    with pytest.raises(UsageError, match="takes no code"):
        attached.run_cell_magic("send_to_spark", "-i number -n x", "print(1)")
    attached.user_ns["word"] = "ok"
    attached.run_cell_magic("send_to_spark", "-i word -t str -n x", "\n")  # a blank cell is fine


def test_a_failing_sql_query_raises_sparks_message(attached: InteractiveShell) -> None:
    with pytest.raises(SparkError) as info:
        attached.run_cell_magic("spark", "-c sql", "SELECT * FROM no_such_table_for_magics")
    assert info.value.ename == "AnalysisException" and "no_such_table_for_magics" in str(info.value)
