"""sparkwire.livy."""
