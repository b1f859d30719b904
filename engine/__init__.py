"""sparkwire.engine."""
