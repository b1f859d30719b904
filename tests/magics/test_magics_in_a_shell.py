"""The magics in a real IPython shell against the gateway: ``run_line_magic`` / ``run_cell_magic`` and
``user_ns``. These attach to the suite's shared session, so they start no JVM of their own."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest
import requests
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell

from sparkwire.magics import SparkError, SparkMagics
from sparkwire.magics._manage import SessionsView
from tests.support.gateway_process import RunningGateway

from .conftest import AUTH, PASSWORD, USER, gateway_sessions


def magics_of(shell: InteractiveShell) -> SparkMagics:
    magics = shell.magics_manager.registry["SparkMagics"]
    assert isinstance(magics, SparkMagics)
    return magics


def test_bare_spark_and_help_print_the_usage_table(
    shell: InteractiveShell, capsys: pytest.CaptureFixture[str]
) -> None:
    shell.run_line_magic("spark", "")
    shell.run_line_magic("spark", "help")
    out = capsys.readouterr().out
    assert out.count("%spark add -s NAME -l LANG") == 2 and "%%spark -c sql" in out and "%manage_spark" in out


@pytest.mark.parametrize(("line", "words"), [
    ("add -s a --no-such-flag", "unrecognized arguments: --no-such-flag"),
    ("frobnicate", "Subcommand 'frobnicate' not found"),
    ("add -s a -l klingon", "unknown language"),
    ("add -s 'unbalanced", "Cannot read the flags"),
    ("add -l python", "add needs a session name"),
    ("add -s a -u ftp://example.com", "-u must be a URL"),
    ("add -s a -t Digest", "unknown authentication type"),
    ("add -s a -t Basic_Access -a alice", "Basic_Access needs a user (-a USER) and a password"),
    ("delete", "delete needs -s NAME"),
    ("logs", "No session yet"),
])  # fmt: skip
def test_bad_usage_raises_a_one_line_usage_error(shell: InteractiveShell, line: str, words: str) -> None:
    with pytest.raises(UsageError) as info:
        shell.run_line_magic("spark", line)
    assert words in str(info.value) and "\n" not in str(info.value)


def test_bad_usage_in_a_cell_shows_the_message_without_a_traceback(
    shell: InteractiveShell, capsys: pytest.CaptureFixture[str]
) -> None:
    result = shell.run_cell("%%spark -n many\nx = 1")
    captured = capsys.readouterr()
    assert isinstance(result.error_in_exec, UsageError)
    assert "UsageError: argument -n/--maxrows: invalid int value: 'many'" in captured.err
    assert "Traceback" not in captured.out + captured.err


def test_a_password_never_appears_in_a_usage_error(shell: InteractiveShell) -> None:
    for line in (
        f"add -s a -p {PASSWORD} --bogus {PASSWORD}",
        f"add -s a --password={PASSWORD} -n x",
        f"add -s 'a -p {PASSWORD}",
    ):
        with pytest.raises(UsageError) as info:
            shell.run_line_magic("spark", line)
        assert PASSWORD not in str(info.value)


def test_wrong_credentials_fail_without_showing_the_password(
    shell: InteractiveShell, basic_gateway: RunningGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = "Wrong-Horse-Battery-7"
    result = shell.run_cell(
        f"%spark add -s w -l python -u {basic_gateway.url} -t Basic_Access -a {USER} -p {wrong}"
    )
    captured = capsys.readouterr()
    assert isinstance(result.error_in_exec, SparkError)
    assert type(result.error_in_exec).__name__ == "AuthenticationFailed"
    assert wrong not in captured.out + captured.err + str(result.error_in_exec)
    assert "Traceback" not in captured.out and "w" not in magics_of(shell).engine.registry


def test_a_cell_runs_remotely_and_prints(
    attached: InteractiveShell, capsys: pytest.CaptureFixture[str]
) -> None:
    assert attached.run_cell_magic("spark", "", "print(6 * 7)\n'done'") is None
    assert capsys.readouterr().out.splitlines()[-2:] == ["42", "'done'"]


def test_a_remote_error_raises_with_the_cells_lines_only(
    attached: InteractiveShell, capsys: pytest.CaptureFixture[str]
) -> None:
    result = attached.run_cell("%%spark\ndef boom():\n    return 1 / 0\nboom()")
    shown = capsys.readouterr().out
    assert isinstance(result.error_in_exec, SparkError)
    assert type(result.error_in_exec).__name__ == "ZeroDivisionError"
    assert (
        "Cell line 3\n    boom()\n  Cell line 2, in boom\n    return 1 / 0\nZeroDivisionError: division by zero"
        in shown
    )
    assert "sparkwire" not in shown and "site-packages" not in shown


@pytest.mark.usefixtures("default_sigint")
def test_an_interrupt_cancels_the_remote_statement_and_the_session_lives_on(
    attached: InteractiveShell, gateway_url: str, pyspark_session: int
) -> None:
    def interrupt_once_running() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            statements = requests.get(
                f"{gateway_url}/sessions/{pyspark_session}/statements", timeout=10
            ).json()
            if any(s["state"] == "running" and "sleep(60)" in s["code"] for s in statements["statements"]):
                # Not at once: the gateway says "running" before its worker has taken the statement, and a
                # cancel in that window is lost (a gateway race, reported); a user is never that quick.
                time.sleep(1.0)
                os.kill(os.getpid(), signal.SIGINT)  # what the kernel's interrupt does
                return
            time.sleep(0.05)

    helper = threading.Thread(target=interrupt_once_running)
    helper.start()
    started = time.monotonic()
    with pytest.raises(SparkError) as info:
        attached.run_cell_magic("spark", "", "import time\ntime.sleep(60)")
    helper.join()
    assert type(info.value).__name__ == "KeyboardInterrupt" and "was cancelled" in str(info.value), str(
        info.value
    )
    assert time.monotonic() - started < 30
    attached.run_cell_magic("spark", "-c sql -o after", "SELECT 1 AS one")
    assert attached.user_ns["after"]["one"].tolist() == [1]


def test_sql_shows_the_engines_table_and_o_stores_a_typed_dataframe(
    attached: InteractiveShell, capsys: pytest.CaptureFixture[str]
) -> None:
    query = (
        "SELECT id, CAST(id AS DOUBLE) * 1.5 AS ratio, CAST(id AS STRING) AS label, DATE'2024-05-01' AS day, "
        "IF(id = 1, NULL, id) AS maybe, id % 2 = 0 AS even FROM range(3)"
    )
    assert attached.run_cell_magic("spark", "-c sql -o typed", query) is None
    frame = attached.user_ns["typed"]
    assert list(frame.columns) == ["id", "ratio", "label", "day", "maybe", "even"]
    assert [str(t) for t in frame.dtypes] == [
        "int64",
        "float64",
        "object",
        "datetime64[s]",
        "Int64",
        "boolean",
    ]
    assert frame["maybe"].isna().tolist() == [False, True, False]
    assert frame["label"].tolist() == ["0", "1", "2"]
    shown = capsys.readouterr().out
    assert "ratio" in shown and "2024-05-01" in shown  # the engine's text table


def test_quiet_sql_stores_the_dataframe_and_shows_nothing(
    attached: InteractiveShell, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert attached.run_cell_magic("spark", "-c sql -o quiet_rows -q", 'SELECT "it\'s" AS text;') is None
    assert attached.user_ns["quiet_rows"]["text"].tolist() == ["it's"]
    assert "it's" not in capsys.readouterr().out


def test_sampling_flags_choose_the_rows(attached: InteractiveShell) -> None:
    def rows(flags: str) -> int:
        attached.run_cell_magic("spark", f"-c sql -q -o sampled {flags}", "SELECT * FROM range(20)")
        return len(attached.user_ns["sampled"])

    assert rows("-n 3") == 3
    assert rows("--maxrows -1") == 20
    assert rows("-m sample -r 1.0 -n 5") == 5
    attached.run_cell_magic("spark", "-c sql -q -o untyped -e False", "SELECT 1 AS one")
    assert str(attached.user_ns["untyped"].dtypes["one"]) == "object"
    with pytest.raises(UsageError, match="sample_fraction"):
        rows("-m sample -r 2")


def test_o_on_a_spark_cell_takes_its_last_expression_or_the_named_dataframe(
    attached: InteractiveShell,
) -> None:
    attached.run_cell_magic("spark", "-o last_frame", "spark.range(3)")
    assert attached.user_ns["last_frame"]["id"].tolist() == [0, 1, 2]
    attached.run_cell_magic("spark", "-o named", "named = spark.range(2)\nnamed.count()")
    assert attached.user_ns["named"]["id"].tolist() == [0, 1]
    attached.run_cell_magic("spark", "", "spark.range(9)")  # leaves a DataFrame in the session's `_`
    for cell in ("print('no frame here')", "y = 2"):  # neither picks up that stale `_`
        with pytest.raises(UsageError, match="nothing_here.*not defined"):
            attached.run_cell_magic("spark", "-o nothing_here", cell)
    with pytest.raises(UsageError, match="y': .*not a Spark DataFrame|'y' is a int"):
        attached.run_cell_magic("spark", "-o y", "y = 3")
    with pytest.raises(UsageError, match="not a valid Python variable"):
        attached.run_cell_magic("spark", "-o not-a-name", "1")


def test_s_is_needed_only_when_there_are_several_sessions(
    attached: InteractiveShell, gateway_url: str, pyspark_session: int
) -> None:
    attached.run_line_magic("spark", f"add -s other -u {gateway_url} --id {pyspark_session}")
    with pytest.raises(UsageError, match=r"2 sessions \(main, other\): pick one with -s NAME"):
        attached.run_cell_magic("spark", "", "1")
    with pytest.raises(UsageError, match="No session named 'nope'"):
        attached.run_cell_magic("spark", "-s nope", "1")
    attached.run_cell_magic("spark", "-s other", "shared_marker = 'seen from both names'")
    attached.run_cell_magic("spark", "-s main -c sql -o marker", "SELECT 1 AS one")
    with pytest.raises(UsageError, match="already exists"):
        attached.run_line_magic("spark", f"add -s other -u {gateway_url} --id {pyspark_session}")
    attached.run_line_magic("spark", f"add -s other -u {gateway_url} --id {pyspark_session} -k")


def test_info_logs_and_config(
    attached: InteractiveShell, gateway_url: str, pyspark_session: int, capsys: pytest.CaptureFixture[str]
) -> None:
    attached.run_line_magic("spark", "info")
    out = capsys.readouterr().out
    assert f"main | {pyspark_session}" in out and "attached" in out
    attached.run_line_magic("spark", f"info -u {gateway_url} -i {pyspark_session}")
    assert f"Sessions on {gateway_url}" in capsys.readouterr().out
    attached.run_line_magic("spark", "logs")
    assert f"Session {pyspark_session} log" in capsys.readouterr().out
    attached.run_cell_magic("spark", "config", '{"driverMemory": "1g", "conf": {"spark.x": "y"}}')
    attached.run_line_magic("spark", "info")
    assert '"driverMemory": "1g"' in capsys.readouterr().out
    with pytest.raises(UsageError, match="not valid JSON"):
        attached.run_cell_magic("spark", "config", "{driverMemory: 1g}")
    with pytest.raises(UsageError, match="unknown session setting"):
        attached.run_cell_magic("spark", "config", '{"driverMemroy": "1g"}')


def test_deleting_an_unknown_id_fails_clearly(shell: InteractiveShell, gateway_url: str) -> None:
    with pytest.raises(SparkError) as info:
        shell.run_line_magic("spark", f"delete -u {gateway_url} -i 987654")
    assert type(info.value).__name__ == "SessionNotFound"


def test_cleanup_leaves_attached_sessions_running(
    attached: InteractiveShell, gateway_url: str, pyspark_session: int, capsys: pytest.CaptureFixture[str]
) -> None:
    attached.run_line_magic("spark", "cleanup")
    assert "Detached from 'main'" in capsys.readouterr().out
    assert len(magics_of(attached).engine.registry) == 0
    assert requests.get(f"{gateway_url}/sessions/{pyspark_session}", timeout=10).json()["state"] == "idle"


def test_cleanup_of_an_endpoint_deletes_every_session_there(
    shell: InteractiveShell, basic_gateway: RunningGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    reply = requests.post(
        f"{basic_gateway.url}/sessions",
        json={"kind": "pyspark"},
        auth=(USER, PASSWORD),
        headers={"X-Requested-By": "tests"},
        timeout=30,
    )
    spawned = reply.json()["id"]
    shell.run_line_magic("spark", f"cleanup -u {basic_gateway.url} {AUTH}")
    out = capsys.readouterr().out
    assert str(spawned) in out and PASSWORD not in out
    assert [
        s for s in gateway_sessions(basic_gateway) if s["state"] not in ("dead", "killed", "success")
    ] == []


def test_manage_spark_lists_the_sessions_and_deletes_one(
    attached: InteractiveShell, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = magics_of(attached).engine
    engine.registry.add("later", endpoint=engine.registry.get("main").endpoint, body={"kind": "pyspark"})
    attached.run_line_magic("manage_spark", "")
    assert "main" in capsys.readouterr().out
    view = SessionsView(engine, sidebar=False)
    assert "later" in view.text() and "not started" in view.text()
    view.delete("later")
    assert "later" not in engine.registry and "main" in engine.registry
