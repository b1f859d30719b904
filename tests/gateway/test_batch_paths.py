"""Batch file rules cover every way Spark loads code (issue 11: two bypasses of batch_dirs)."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from sparkwire.gateway.batch_paths import check_batch_conf, resolve_batch_path, resolve_path_list
from sparkwire.gateway.errors import BadRequest
from tests.support.gateway_process import RunningGateway
from tests.support.livy_http import HEADERS


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    jobs, outside = tmp_path / "jobs", tmp_path / "outside"
    jobs.mkdir()
    outside.mkdir()
    (jobs / "ok.py").write_text("print('ok')\n")
    (jobs / "lib.jar").write_text("")
    (outside / "evil.py").write_text("print('evil')\n")
    return jobs, outside


def test_a_comma_inside_a_list_item_cannot_smuggle_a_second_path(dirs: tuple[Path, Path]) -> None:
    jobs, outside = dirs
    with pytest.raises(BadRequest, match="outside the directories"):
        resolve_path_list([f"ok.py#x,{outside}/evil.py"], [jobs], "pyFiles")
    with pytest.raises(BadRequest, match="comma"):
        resolve_batch_path(f"ok.py,{outside}/evil.py", [jobs], "file")
    assert resolve_path_list(["ok.py,lib.jar"], [jobs], "jars") == (
        str(jobs / "ok.py"),
        str(jobs / "lib.jar"),
    )


@pytest.mark.parametrize("fragment", ["a/../../x", "x,y", "x:y", ""])
def test_a_fragment_is_a_plain_name(dirs: tuple[Path, Path], fragment: str) -> None:
    with pytest.raises(BadRequest, match="after '#'|comma"):
        resolve_batch_path(f"ok.py#{fragment}", [dirs[0]], "archives")


@pytest.mark.parametrize(
    "key",
    [
        "spark.submit.pyFiles",
        "spark.jars",
        "spark.files",
        "spark.archives",
        "spark.yarn.dist.pyFiles",
        "spark.jars.ivySettings",
        "spark.driver.resource.gpu.discoveryScript",
    ],
)
def test_conf_twins_of_the_file_fields_are_checked(dirs: tuple[Path, Path], key: str) -> None:
    jobs, outside = dirs
    with pytest.raises(BadRequest, match=f"conf {key}"):
        check_batch_conf({key: f"{jobs}/ok.py,{outside}/evil.py"}, [jobs])
    assert check_batch_conf({key: "ok.py"}, [jobs])[key] == str(jobs / "ok.py")


@pytest.mark.parametrize(
    "key", ["spark.driver.extraClassPath", "spark.executor.extraClassPath", "spark.driver.extraLibraryPath"]
)
def test_class_paths_are_checked_piece_by_piece(dirs: tuple[Path, Path], key: str) -> None:
    jobs, outside = dirs
    with pytest.raises(BadRequest, match="outside"):
        check_batch_conf({key: f"{jobs}/lib.jar:{outside}/x.jar"}, [jobs])
    with pytest.raises(BadRequest, match="outside"):  # the JVM reads it as the paths "hdfs" and "//nn/x.jar"
        check_batch_conf({key: "hdfs://nn/x.jar"}, [jobs])
    assert check_batch_conf({key: f"{jobs}/*"}, [jobs])[key] == f"{jobs}/*"


@pytest.mark.parametrize(
    ("conf", "rule"),
    [
        ({"spark.pyspark.python": "/tmp/evil"}, "set by the gateway"),
        ({"spark.pyspark.driver.python": "/tmp/evil"}, "set by the gateway"),
        ({"spark.driver.extraJavaOptions": "-Dx=1 -javaagent:/tmp/a.jar"}, "load code"),
        ({"spark.executor.extraJavaOptions": "@/tmp/args"}, "load code"),
        ({"spark.executorEnv.LD_PRELOAD": "/tmp/evil.so"}, "loads code"),
        ({"spark.yarn.appMasterEnv.PYTHONPATH": "/tmp"}, "loads code"),
    ],
)
def test_interpreters_jvm_agents_and_loader_variables_are_refused(
    dirs: tuple[Path, Path], conf: dict[str, str], rule: str
) -> None:
    with pytest.raises(BadRequest, match=rule):
        check_batch_conf(conf, [dirs[0]])


def test_ordinary_conf_and_remote_urls_pass(dirs: tuple[Path, Path]) -> None:
    conf = {
        "spark.driver.extraJavaOptions": "-Dlog.level=INFO -Xss4m",
        "spark.jars": "hdfs:///lib/x.jar",
        "spark.jars.packages": "org.apache.spark:spark-avro_2.13:4.0.1",
        "spark.executorEnv.TZ": "UTC",
    }
    assert check_batch_conf(conf, [dirs[0]]) == conf
    with pytest.raises(BadRequest, match="scheme 'gopher'"):
        resolve_batch_path("gopher://x/evil.py", [dirs[0]], "file")


def test_both_bypasses_from_the_issue_get_a_400_from_the_gateway(gateway: RunningGateway) -> None:
    """Finding: a conf twin and a comma inside pyFiles both ran code from outside batch_dirs."""
    batch_dir = gateway.work_dir.parent  # the fixture's gateway starts there: its default batch_dirs
    (batch_dir / "ok.py").write_text("print('ok')\n")
    outside = batch_dir.parent / "outside-batch-dirs"
    outside.mkdir(exist_ok=True)
    (outside / "evil.py").write_text("print('evil')\n")
    for body in (
        {"file": "ok.py", "conf": {"spark.submit.pyFiles": str(outside / "evil.py")}},
        {"file": "ok.py", "pyFiles": [f"ok.py#x,{outside / 'evil.py'}"]},
    ):
        reply = requests.post(f"{gateway.url}/batches", json=body, headers=HEADERS, timeout=30)
        assert reply.status_code == 400, reply.text
        assert "outside the directories batches may use" in reply.json()["msg"]
    listed = requests.get(f"{gateway.url}/batches", timeout=10).json()["sessions"]
    assert not any(b["log"] and "evil.py" in " ".join(b["log"]) for b in listed)
