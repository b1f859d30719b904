"""An existing, independent Livy client (pylivy) runs the seed Pi example against the gateway unchanged."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

# Run as a user's script from a neutral folder: our repo's `livy/` folder must not shadow pylivy's `livy`.
SCRIPT = textwrap.dedent('''
    import sys
    from livy import LivySession, SessionKind

    CODE = """
    import random
    NUM_SAMPLES = 100000
    def sample(p):
        x, y = random.random(), random.random()
        return 1 if x*x + y*y < 1 else 0
    count = sc.parallelize(range(0, NUM_SAMPLES)).map(sample).reduce(lambda a, b: a + b)
    print("Pi is roughly %f" % (4.0 * count / NUM_SAMPLES))
    """

    with LivySession.create(sys.argv[1], kind=SessionKind.PYSPARK, echo=False) as session:
        print(session.run(CODE).text)
        session.run("df = spark.range(5).selectExpr('id', 'id * id AS sq')")
        print(session.download("df").to_dict(orient="list"))
''')


def test_pylivy_runs_the_pi_example_unchanged(gateway_url: str, tmp_path: Path) -> None:
    script = tmp_path / "client.py"
    script.write_text(SCRIPT)
    result = subprocess.run(
        [sys.executable, str(script), gateway_url],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("Pi is roughly 3.1"), result.stdout
    assert lines[1] == "{'id': [0, 1, 2, 3, 4], 'sq': [0, 1, 4, 9, 16]}"
