"""Livy request fields to spark-submit arguments, for every kind of master."""

from __future__ import annotations

import pytest

from sparkwire.gateway.spark_submit import SparkJobSpec, spark_conf_for, submit_args

FULL = SparkJobSpec(
    name="etl",
    proxy_user="bob",
    driver_memory="2g",
    driver_cores=2,
    executor_memory="4g",
    executor_cores=3,
    num_executors=5,
    jars=("a.jar", "b.jar"),
    py_files=("lib.zip",),
    files=("data.csv",),
    archives=("env.tar.gz#env",),
    queue="prod",
    conf={"spark.foo": "bar"},
)


def test_every_field_maps_to_its_spark_property() -> None:
    assert spark_conf_for(FULL) == {
        "spark.app.name": "etl",
        "spark.driver.memory": "2g",
        "spark.driver.cores": "2",
        "spark.executor.memory": "4g",
        "spark.executor.cores": "3",
        "spark.executor.instances": "5",
        "spark.yarn.queue": "prod",
        "spark.jars": "a.jar,b.jar",
        "spark.submit.pyFiles": "lib.zip",
        "spark.files": "data.csv",
        "spark.archives": "env.tar.gz#env",
        "spark.foo": "bar",
    }


def test_unset_fields_add_nothing() -> None:
    assert spark_conf_for(SparkJobSpec()) == {}
    assert submit_args(SparkJobSpec(), master="local[*]") == [
        "--master",
        "local[*]",
        "--deploy-mode",
        "client",
    ]


def test_request_wins_over_gateway_defaults() -> None:
    conf = spark_conf_for(
        SparkJobSpec(executor_memory="8g", conf={"spark.x": "req"}),
        defaults={"spark.executor.memory": "1g", "spark.x": "gw", "spark.y": "gw"},
    )
    assert conf == {"spark.executor.memory": "8g", "spark.x": "req", "spark.y": "gw"}


@pytest.mark.parametrize("master", ["yarn", "k8s://https://kube.example:6443", "spark://10.0.0.5:7077"])
def test_cluster_masters_are_passed_through(master: str) -> None:
    args = submit_args(FULL, master=master, deploy_mode="cluster")
    assert args[:4] == ["--master", master, "--deploy-mode", "cluster"]
    assert "spark.executor.instances=5" in args
    assert args[args.index("spark.executor.instances=5") - 1] == "--conf"


def test_kubernetes_image_comes_from_conf() -> None:
    spec = SparkJobSpec(
        conf={
            "spark.kubernetes.container.image": "apache/spark-py:4.0.1",
            "spark.kubernetes.namespace": "spark",
        }
    )
    args = submit_args(spec, master="k8s://https://kube:6443")
    assert "spark.kubernetes.container.image=apache/spark-py:4.0.1" in args
    assert "spark.kubernetes.namespace=spark" in args


def test_proxy_user_only_with_impersonation() -> None:
    assert "--proxy-user" not in submit_args(FULL, master="yarn")
    args = submit_args(FULL, master="yarn", impersonation=True)
    assert args[-2:] == ["--proxy-user", "bob"]
