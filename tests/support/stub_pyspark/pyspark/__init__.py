"""A JVM-free stand-in for pyspark, for the API fuzz test only (see ../README.md)."""
