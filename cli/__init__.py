"""sparkwire: run Spark from Jupyter through any Livy endpoint or the embedded gateway."""

__version__ = "0.1.0"
