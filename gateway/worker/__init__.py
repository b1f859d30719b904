"""Code that runs inside a gateway session process: Livy's Python REPL, SQL interpreter and magics.

- :mod:`.repl`: :class:`~.repl.PythonRepl`, cells with Livy's ``fake_shell.py`` semantics.
- :mod:`.sql`: :func:`~.sql.run_sql`, Livy's SQL interpreter output.
- :mod:`.result`: :class:`~.result.ExecutionResult` and its Livy ``output`` JSON.
- :mod:`.namespace`: :func:`~.namespace.make_namespace`, the ``spark``/``sc``/``sqlContext`` globals.
- helpers: :mod:`.capture` (stdout/stderr), :mod:`.magics` and :mod:`.table` (``%json``, ``%table``,
  ``%matplot``), :mod:`.completion`, :mod:`.sql_json` (Spark values as JSON).

Nothing is re-exported here, so importing one light module (``result``) does not import PySpark.
"""
