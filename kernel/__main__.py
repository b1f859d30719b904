"""``python -m sparkwire.kernel -f CONNECTION_FILE``: start the Remote PySpark kernel."""

from ipykernel.kernelapp import IPKernelApp

from .kernel import RemotePySparkKernel

IPKernelApp.launch_instance(kernel_class=RemotePySparkKernel)
