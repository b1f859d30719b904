"""sparkwire.kernel."""
