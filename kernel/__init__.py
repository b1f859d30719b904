"""sparkwire.kernel: the "Remote PySpark" Jupyter kernel (kernel name ``remote-pyspark``).

Install it with ``sparkwire install-kernel``; it runs ``python -m sparkwire.kernel``. The kernel class
is :class:`sparkwire.kernel.kernel.RemotePySparkKernel` (not imported here: importing this package
stays cheap for the installer).
"""
